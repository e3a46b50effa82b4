/* dense.c - the Dense layer: y = f(x·W + b). GEMMs through CBLAS, activation from libactiv.
 *
 * Shapes (see include/activ_nn.h): x (B, in), W (in, out) row-major, b (out), z and y
 * (B, out). dense_forward / dense_backward are the pair every model call goes through.
 */
#include <cblas.h>
#include <string.h>

#include "nn_internal.h"

const char *activ_nn_act_name(int act)
{
    if (act == ACTIV_NN_LINEAR)
        return "linear";
    const char *s = (act >= 0 && act < ACTIV_KIND_COUNT) ? activ_kind_name((activ_kind)act) : NULL;
    return s ? s : "unknown";
}

// x is (B, in), z is (B, out) or unused, y is (B, out)
activ_status activ_nn_dense_forward(const activ_nn_dense *L, const float *x, float *z, float *y,
                                    int B)
{
    if (!L || !y || !L->w || !L->b)
        return ACTIV_ERR_NULL;
    if (B < 0 || L->in < 1 || L->out < 1)
        return ACTIV_ERR_SHAPE;
    if (L->act != ACTIV_NN_LINEAR) { /* kind and parameters first: a failing call writes nothing */
        activ_params p0 = nn_layer_params(L);
        activ_status s0 = activ_forward((activ_kind)L->act, &p0, NULL, NULL, 0);
        if (s0 != ACTIV_OK)
            return s0;
    }
    if (B == 0)
        return ACTIV_OK;
    if (!x)
        return ACTIV_ERR_NULL;
    const int in = L->in, out = L->out;
    const int keep_z = nn_needs_z(L->act, L->alpha);
    if (keep_z && (!z || z == y))
        return ACTIV_ERR_NULL;
    float *g = keep_z ? z : y; /* where the GEMM writes x·W */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, out, in, 1.0f, x, in, L->w, out,
                0.0f, g, out);
    const float *b = L->b;
    if (L->act == ACTIV_NN_LINEAR) {
        for (int r = 0; r < B; r++) {
            float *row = g + (size_t)r * out;
            for (int j = 0; j < out; j++)
                row[j] += b[j];
        }
        return ACTIV_OK;
    }
    activ_params p = nn_layer_params(L);
    /* one pass per row while it is in L1: add the bias, then libactiv's forward */
    for (int r = 0; r < B; r++) {
        float *row = g + (size_t)r * out;
        for (int j = 0; j < out; j++)
            row[j] += b[j];
        activ_status s = activ_forward((activ_kind)L->act, &p, row, y + (size_t)r * out, (size_t)out);
        if (s != ACTIV_OK)
            return s;
    }
    return ACTIV_OK;
}

// x is (B, in), z and y are (B, out), dy is (B, out) and becomes dZ, dx is (B, in) or NULL
activ_status activ_nn_dense_backward(const activ_nn_dense *L, const float *x, const float *z,
                                     const float *y, float *dy, float *dx, int B)
{
    if (!L || !L->w || !L->dw || !L->db)
        return ACTIV_ERR_NULL;
    if (B < 0 || L->in < 1 || L->out < 1)
        return ACTIV_ERR_SHAPE;
    const int in = L->in, out = L->out;
    const size_t n = (size_t)B * (size_t)out;
    if (L->act != ACTIV_NN_LINEAR) { /* kind and parameters first: a failing call writes nothing */
        activ_params p0 = nn_layer_params(L);
        activ_status s0 = nn_needs_z(L->act, L->alpha)
                              ? activ_backward((activ_kind)L->act, &p0, NULL, NULL, NULL, 0, NULL)
                              : activ_backward_from_output((activ_kind)L->act, &p0, NULL, NULL, NULL, 0);
        if (s0 != ACTIV_OK)
            return s0;
    }
    if (B == 0) {
        memset(L->dw, 0, (size_t)in * out * sizeof(float));
        memset(L->db, 0, (size_t)out * sizeof(float));
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
    const float *dz = dy;
    // dW (in, out) = xᵀ (in, B) · dZ (B, out)
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, in, out, B, 1.0f, x, in, dz, out, 0.0f,
                L->dw, out);
    // db (out) = Σ over rows of dZ
    float *db = L->db;
    memcpy(db, dz, (size_t)out * sizeof(float));
    for (int r = 1; r < B; r++) {
        const float *row = dz + (size_t)r * out;
        for (int j = 0; j < out; j++)
            db[j] += row[j];
    }
    // dX (B, in) = dZ (B, out) · Wᵀ (out, in)
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, in, out, 1.0f, dz, out, L->w, out,
                    0.0f, dx, in);
    return ACTIV_OK;
}
