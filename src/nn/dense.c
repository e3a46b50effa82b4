/* dense.c - the Dense layer: y = f(x·W + b). GEMMs through CBLAS, activation from libactiv.
 *
 * Shapes (see include/activ_nn.h): x (B, in), W (in, out) row-major, b (out), z and y
 * (B, out). dense_forward / dense_backward are the pair every model call goes through.
 * A gated layer (ACTIV_NN_SWIGLU ...) has a GEMM of width 2·out and y = z1 ⊙ f(z2).
 */
#include <stdlib.h>
#include <string.h>

#include "nn_internal.h"

const char *activ_nn_act_name(int act)
{
    if (act == ACTIV_NN_LINEAR)
        return "linear";
    if (nn_glu(act) >= 0)
        return activ_glu_name((activ_glu_kind)nn_glu(act));
    const char *s = (act >= 0 && act < ACTIV_KIND_COUNT) ? activ_kind_name((activ_kind)act) : NULL;
    return s ? s : "unknown";
}

// x is (B, in), z is (B, out) or unused (gated: (B, 2·out)), y is (B, out)
activ_status activ_nn_dense_forward(const activ_nn_dense *L, const float *x, float *z, float *y,
                                    int B)
{
    if (!L || !y || !L->w || !L->b)
        return ACTIV_ERR_NULL;
    if (B < 0 || L->in < 1 || L->out < 1)
        return ACTIV_ERR_SHAPE;
    if (L->act != ACTIV_NN_LINEAR && nn_glu(L->act) < 0) { /* kind and parameters first: a failing call writes nothing */
        activ_params p0 = nn_layer_params(L);
        activ_status s0 = activ_forward((activ_kind)L->act, &p0, NULL, NULL, 0);
        if (s0 != ACTIV_OK)
            return s0;
    }
    if (B == 0)
        return ACTIV_OK;
    if (!x)
        return ACTIV_ERR_NULL;
    const int in = L->in, out = L->out, gw = nn_width(L), glu = nn_glu(L->act);
    const int keep_z = nn_needs_z(L->act, L->alpha);
    if (keep_z && (!z || z == y))
        return ACTIV_ERR_NULL;
    float *g = keep_z ? z : y; /* where the GEMM writes x·W */
    nn_sgemm(0, 0, B, gw, in, x, in, L->w, gw, 0.0f, g, gw);
    if (L->act == ACTIV_NN_LINEAR || glu >= 0) {
        /* z += b (kind -1: no activation); a gated layer then combines the halves */
        activ_status s = activ_bias_forward((activ_kind)-1, NULL, g, L->b, NULL, (size_t)B, (size_t)gw);
        if (s != ACTIV_OK || glu < 0)
            return s;
        return activ_glu_split_forward((activ_glu_kind)glu, z, y, (size_t)B, (size_t)out);
    }
    /* one call: the arguments are checked once, then bias and activation row by row while
     * the row is in L1 (in place in y when z is not kept) */
    activ_params p = nn_layer_params(L);
    return activ_bias_forward((activ_kind)L->act, &p, g, L->b, y, (size_t)B, (size_t)out);
}

// dW (in, w) = xᵀ (in, B) · dZ (B, w);  db (w) = Σ rows of dZ;  dX (B, in) = dZ · Wᵀ
static void dense_grads(const activ_nn_dense *L, const float *x, const float *dz, float *dx, int B,
                        int w)
{
    const int in = L->in;
    nn_sgemm(1, 0, in, w, B, x, in, dz, w, 0.0f, L->dw, w);
    float *db = L->db;
    memcpy(db, dz, (size_t)w * sizeof(float));
    for (int r = 1; r < B; r++) {
        const float *row = dz + (size_t)r * w;
        for (int j = 0; j < w; j++)
            db[j] += row[j];
    }
    if (dx)
        nn_sgemm(0, 1, B, in, w, dz, w, L->w, w, 0.0f, dx, in);
}

// x is (B, in), z and y are (B, out) (gated: z (B, 2·out)), dy is (B, out) and becomes dZ
// (gated: dy is left as it is; dZ (B, 2·out) lives in a temporary), dx is (B, in) or NULL
activ_status activ_nn_dense_backward(const activ_nn_dense *L, const float *x, const float *z,
                                     const float *y, float *dy, float *dx, int B)
{
    if (!L || !L->w || !L->dw || !L->db)
        return ACTIV_ERR_NULL;
    if (B < 0 || L->in < 1 || L->out < 1)
        return ACTIV_ERR_SHAPE;
    const int in = L->in, out = L->out, gw = nn_width(L), glu = nn_glu(L->act);
    const size_t n = (size_t)B * (size_t)out;
    if (L->act != ACTIV_NN_LINEAR && nn_glu(L->act) < 0) { /* kind and parameters first: a failing call writes nothing */
        activ_params p0 = nn_layer_params(L);
        activ_status s0 = nn_needs_z(L->act, L->alpha)
                              ? activ_backward((activ_kind)L->act, &p0, NULL, NULL, NULL, 0, NULL)
                              : activ_backward_from_output((activ_kind)L->act, &p0, NULL, NULL, NULL, 0);
        if (s0 != ACTIV_OK)
            return s0;
    }
    if (B == 0) {
        memset(L->dw, 0, (size_t)in * gw * sizeof(float));
        memset(L->db, 0, (size_t)gw * sizeof(float));
        if (L->dslopes)
            memset(L->dslopes, 0, (size_t)out * sizeof(float));
        if (L->dbeta)
            *L->dbeta = 0;
        return ACTIV_OK;
    }
    if (!x || !dy)
        return ACTIV_ERR_NULL;
    if (dx == dy)
        return ACTIV_ERR_OVERLAP;
    if (glu >= 0) {
        if (!z)
            return ACTIV_ERR_NULL;
        float *dz = malloc((size_t)B * gw * sizeof(float));
        if (!dz)
            return ACTIV_ERR_NOMEM;
        activ_status s = activ_glu_split_backward((activ_glu_kind)glu, z, dy, dz, (size_t)B, (size_t)out);
        if (s == ACTIV_OK)
            dense_grads(L, x, dz, dx, B, gw);
        free(dz);
        return s;
    }

    /* dZ = dY ⊙ f′, in place in dy, once */
    activ_status s = ACTIV_OK;
    if (L->act != ACTIV_NN_LINEAR) {
        activ_params p = nn_layer_params(L);
        if (nn_needs_z(L->act, L->alpha)) {
            if (!z)
                return ACTIV_ERR_NULL;
            float *dparam = L->act == ACTIV_PRELU ? L->dslopes : L->act == ACTIV_SWISH ? L->dbeta : NULL;
            s = activ_backward((activ_kind)L->act, &p, z, dy, dy, n, dparam);
        } else {
            if (!y)
                return ACTIV_ERR_NULL;
            s = activ_backward_from_output((activ_kind)L->act, &p, y, dy, dy, n);
        }
        if (s != ACTIV_OK)
            return s;
    }
    dense_grads(L, x, dy, dx, B, out);
    return ACTIV_OK;
}
