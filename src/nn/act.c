/* act.c - the activation fused into Conv2D and BatchNorm: one call into libactiv over the
 * whole (B, C, inner) block, prelu with one slope per channel (channels = C). */
#include "nn_internal.h"

static activ_params act_params(int act, float alpha, const float *slopes, const float *beta, int C,
                               size_t inner)
{
    activ_params p = activ_default_params(act >= 0 ? (activ_kind)act : ACTIV_RELU);
    p.alpha = alpha;
    if (act == ACTIV_PRELU) {
        p.slopes = slopes;
        p.channels = (size_t)C;
        p.inner = inner;
    }
    if (act == ACTIV_SWISH && beta)
        p.beta = *beta;
    return p;
}

int nn_act_needs_z(int act, float alpha)
{
    if (act == ACTIV_NN_LINEAR || act == ACTIV_RELU || act == ACTIV_SIGMOID || act == ACTIV_TANH)
        return 0;
    if (act == ACTIV_LEAKY_RELU)
        return !(alpha > 0);
    if (act == ACTIV_ELU)
        return !(alpha >= 0);
    return 1;
}

nn_act nn_act_make(int act, float alpha, const float *slopes, const float *beta, int C, size_t inner)
{
    nn_act a = {act, act_params(act, alpha, slopes, beta, C, inner)};
    return a;
}

// g and y are (n)
activ_status nn_act_run_forward(const nn_act *a, const float *g, float *y, size_t n)
{
    if (a->act == ACTIV_NN_LINEAR) {
        if (g != y)
            for (size_t i = 0; i < n; i++)
                y[i] = g[i];
        return ACTIV_OK;
    }
    return activ_forward((activ_kind)a->act, &a->p, g, y, n);
}

// z, y and dy are (n); dy becomes dZ
activ_status nn_act_run_backward(const nn_act *a, const float *z, const float *y, float *dy, size_t n, float *dslopes,
                                 float *dbeta)
{
    if (a->act == ACTIV_NN_LINEAR)
        return ACTIV_OK;
    if (nn_act_needs_z(a->act, a->p.alpha)) {
        if (!z)
            return ACTIV_ERR_NULL;
        float *dparam = a->act == ACTIV_PRELU ? dslopes : a->act == ACTIV_SWISH ? dbeta : NULL;
        return activ_backward((activ_kind)a->act, &a->p, z, dy, dy, n, dparam);
    }
    if (!y)
        return ACTIV_ERR_NULL;
    return activ_backward_from_output((activ_kind)a->act, &a->p, y, dy, dy, n);
}

// g and y are (B, C, inner), n = B·C·inner
activ_status nn_act_forward(int act, float alpha, const float *slopes, const float *beta, int C,
                            size_t inner, const float *g, float *y, size_t n)
{
    const nn_act a = nn_act_make(act, alpha, slopes, beta, C, inner);
    return nn_act_run_forward(&a, g, y, n);
}

// z, y and dy are (B, C, inner); dy becomes dZ
activ_status nn_act_backward(int act, float alpha, const float *slopes, const float *beta, int C,
                             size_t inner, const float *z, const float *y, float *dy, size_t n,
                             float *dslopes, float *dbeta)
{
    const nn_act a = nn_act_make(act, alpha, slopes, beta, C, inner);
    return nn_act_run_backward(&a, z, y, dy, n, dslopes, dbeta);
}
