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

// g and y are (B, C, inner), n = B·C·inner
activ_status nn_act_forward(int act, float alpha, const float *slopes, const float *beta, int C,
                            size_t inner, const float *g, float *y, size_t n)
{
    if (act == ACTIV_NN_LINEAR) {
        if (g != y)
            for (size_t i = 0; i < n; i++)
                y[i] = g[i];
        return ACTIV_OK;
    }
    activ_params p = act_params(act, alpha, slopes, beta, C, inner);
    return activ_forward((activ_kind)act, &p, g, y, n);
}

// z, y and dy are (B, C, inner); dy becomes dZ
activ_status nn_act_backward(int act, float alpha, const float *slopes, const float *beta, int C,
                             size_t inner, const float *z, const float *y, float *dy, size_t n,
                             float *dslopes, float *dbeta)
{
    if (act == ACTIV_NN_LINEAR)
        return ACTIV_OK;
    activ_params p = act_params(act, alpha, slopes, beta, C, inner);
    if (nn_act_needs_z(act, alpha)) {
        if (!z)
            return ACTIV_ERR_NULL;
        float *dparam = act == ACTIV_PRELU ? dslopes : act == ACTIV_SWISH ? dbeta : NULL;
        return activ_backward((activ_kind)act, &p, z, dy, dy, n, dparam);
    }
    if (!y)
        return ACTIV_ERR_NULL;
    return activ_backward_from_output((activ_kind)act, &p, y, dy, dy, n);
}
