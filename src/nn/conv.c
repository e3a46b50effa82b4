/* conv.c - Conv2D (NCHW) as im2col + one sgemm, bias and activation fused into the pass
 * that writes the output. See include/activ_nn.h for the math and shapes.
 *
 * Two ways to lay the GEMM out (activ_nn_conv_algo), measured by bench/conv_algo.sh:
 *   BATCHED     col (c·k·k, B·oh·ow) for the whole batch, Z′ (oc, B·oh·ow) = W·col: one
 *               large sgemm, then a scatter of Z′ into (B, oc, oh, ow) that adds b and applies f.
 *   PER_SAMPLE  col_b (c·k·k, oh·ow) per sample, y_b (oc, oh·ow) = W·col_b straight into NCHW:
 *               B small sgemms, no scatter.
 */
#include <cblas.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "nn_internal.h"

activ_status activ_nn_conv2d_shape(activ_nn_conv2d *L)
{
    if (!L)
        return ACTIV_ERR_NULL;
    if (L->c < 1 || L->ih < 1 || L->iw < 1 || L->oc < 1 || L->k < 1 || L->stride < 1 || L->pad < 0)
        return ACTIV_ERR_SHAPE;
    /* in 64 bits: a large padding must not overflow, and one sample's output (oc·oh·ow, which
     * the layers after it index with int) must fit an int */
    const int64_t eh = (int64_t)L->ih + 2 * (int64_t)L->pad, ew = (int64_t)L->iw + 2 * (int64_t)L->pad;
    if (eh < L->k || ew < L->k)
        return ACTIV_ERR_SHAPE;
    const int64_t oh = (eh - L->k) / L->stride + 1, ow = (ew - L->k) / L->stride + 1;
    if (oh > INT_MAX / ow || (int64_t)L->oc > INT_MAX / (oh * ow))
        return ACTIV_ERR_SHAPE;
    L->oh = (int)oh;
    L->ow = (int)ow;
    return ACTIV_OK;
}

/* One sample's patches into col rows of length ld starting at column off:
 * col[(ci·k + u)·k + v][off + i·ow + j] = x[ci, i·s + u − p, j·s + v − p] (0 outside). */
// x is (c, h, w), col is (c·k·k, ld)
static void im2col(const activ_nn_conv2d *L, const float *x, float *col, size_t ld, size_t off)
{
    const int k = L->k, s = L->stride, p = L->pad, oh = L->oh, ow = L->ow, h = L->ih, w = L->iw;
    for (int ci = 0; ci < L->c; ci++)
        for (int u = 0; u < k; u++)
            for (int v = 0; v < k; v++) {
                float *dst = col + (size_t)((ci * k + u) * k + v) * ld + off;
                const float *plane = x + (size_t)ci * h * w;
                /* the output columns j whose input column j·s + v − p lies inside [0, w) */
                int j0 = 0, j1 = ow;
                while (j0 < ow && j0 * s + v - p < 0)
                    j0++;
                while (j1 > j0 && (j1 - 1) * s + v - p >= w)
                    j1--;
                for (int i = 0; i < oh; i++) {
                    float *d = dst + (size_t)i * ow;
                    const int r = i * s + u - p;
                    if (r < 0 || r >= h) {
                        memset(d, 0, (size_t)ow * sizeof(float));
                        continue;
                    }
                    const float *src = plane + (size_t)r * w; /* input column j·s + v − p */
                    for (int j = 0; j < j0; j++)
                        d[j] = 0;
                    if (s == 1 && j1 > j0)
                        memcpy(d + j0, src + (j0 + v - p), (size_t)(j1 - j0) * sizeof(float));
                    else
                        for (int j = j0; j < j1; j++)
                            d[j] = src[j * s + v - p];
                    for (int j = j1; j < ow; j++)
                        d[j] = 0;
                }
            }
}

/* The adjoint of im2col: dx[ci, r, q] += dcol[...] for every patch that read (r, q). */
// dcol is (c·k·k, ld), dx is (c, h, w) and is accumulated into
static void col2im(const activ_nn_conv2d *L, const float *dcol, size_t ld, size_t off, float *dx)
{
    const int k = L->k, s = L->stride, p = L->pad, oh = L->oh, ow = L->ow, h = L->ih, w = L->iw;
    for (int ci = 0; ci < L->c; ci++)
        for (int u = 0; u < k; u++)
            for (int v = 0; v < k; v++) {
                const float *src = dcol + (size_t)((ci * k + u) * k + v) * ld + off;
                float *plane = dx + (size_t)ci * h * w;
                int j0 = 0, j1 = ow;
                while (j0 < ow && j0 * s + v - p < 0)
                    j0++;
                while (j1 > j0 && (j1 - 1) * s + v - p >= w)
                    j1--;
                for (int i = 0; i < oh; i++) {
                    const int r = i * s + u - p;
                    if (r < 0 || r >= h)
                        continue;
                    const float *sr = src + (size_t)i * ow;
                    float *d = plane + (size_t)r * w;
                    for (int j = j0; j < j1; j++)
                        d[j * s + v - p] += sr[j];
                }
            }
}

/* the layout actually used (activ_nn_conv_algo) */
static int per_sample(const activ_nn_conv2d *L)
{
    return L->algo == ACTIV_NN_CONV_PER_SAMPLE ||
           (L->algo == ACTIV_NN_CONV_AUTO && L->c * L->k * L->k < 32);
}

static int conv_ok(const activ_nn_conv2d *L)
{
    return L->c >= 1 && L->ih >= 1 && L->iw >= 1 && L->oc >= 1 && L->k >= 1 && L->stride >= 1 &&
           L->pad >= 0 && L->oh == (L->ih + 2 * L->pad - L->k) / L->stride + 1 &&
           L->ow == (L->iw + 2 * L->pad - L->k) / L->stride + 1 && L->oh >= 1 && L->ow >= 1;
}

// x is (B, c, h, w), z and y are (B, oc, oh, ow)
activ_status activ_nn_conv2d_forward(const activ_nn_conv2d *L, const float *x, float *z, float *y,
                                     int B)
{
    if (!L || !y || !L->w || !L->col || (L->has_bias && !L->b))
        return ACTIV_ERR_NULL;
    if (B < 0 || !conv_ok(L))
        return ACTIV_ERR_SHAPE;
    if (B == 0)
        return ACTIV_OK;
    if (!x)
        return ACTIV_ERR_NULL;
    const int keep_z = nn_act_needs_z(L->act, L->alpha);
    if (keep_z && (!z || z == y))
        return ACTIV_ERR_NULL;
    float *g = keep_z ? z : y; /* where bias-added pre-activations land */
    const int oc = L->oc, kk = L->c * L->k * L->k;
    const size_t ohw = (size_t)L->oh * L->ow, chw = (size_t)L->c * L->ih * L->iw;
    const size_t per = (size_t)oc * ohw; /* output values per sample */
    if (per_sample(L)) {
        for (int b = 0; b < B; b++) {
            float *col = L->col + (size_t)b * kk * ohw;
            im2col(L, x + b * chw, col, ohw, 0);
            // y_b (oc, ohw) = W (oc, kk) · col_b (kk, ohw)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, oc, (int)ohw, kk, 1.0f, L->w, kk,
                        col, (int)ohw, 0.0f, g + b * per, (int)ohw);
            if (L->has_bias)
                for (int o = 0; o < oc; o++) {
                    float *row = g + b * per + o * ohw;
                    const float bo = L->b[o];
                    for (size_t i = 0; i < ohw; i++)
                        row[i] += bo;
                }
        }
    } else {
        if (!L->zt)
            return ACTIV_ERR_NULL;
        const size_t N = (size_t)B * ohw;
        for (int b = 0; b < B; b++)
            im2col(L, x + b * chw, L->col, N, b * ohw);
        // Z′ (oc, B·ohw) = W (oc, kk) · col (kk, B·ohw)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, oc, (int)N, kk, 1.0f, L->w, kk, L->col,
                    (int)N, 0.0f, L->zt, (int)N);
        /* scatter into (B, oc, ohw), adding the bias on the way */
        for (int b = 0; b < B; b++)
            for (int o = 0; o < oc; o++) {
                const float *src = L->zt + o * N + b * ohw;
                float *dst = g + b * per + o * ohw;
                const float bo = L->has_bias ? L->b[o] : 0.0f;
                for (size_t i = 0; i < ohw; i++)
                    dst[i] = src[i] + bo;
            }
    }
    return nn_act_forward(L->act, L->alpha, L->slopes, L->beta, oc, ohw, g, y, (size_t)B * per);
}

// z and y are (B, oc, oh, ow), dy is (B, oc, oh, ow) and becomes dZ, dx is (B, c, h, w) or NULL
activ_status activ_nn_conv2d_backward(const activ_nn_conv2d *L, const float *z, const float *y,
                                      float *dy, float *dx, int B)
{
    if (!L || !L->w || !L->dw || !L->col || (L->has_bias && (!L->b || !L->db)))
        return ACTIV_ERR_NULL;
    if (B < 0 || !conv_ok(L))
        return ACTIV_ERR_SHAPE;
    const int oc = L->oc, kk = L->c * L->k * L->k;
    const size_t ohw = (size_t)L->oh * L->ow, chw = (size_t)L->c * L->ih * L->iw;
    const size_t per = (size_t)oc * ohw;
    if (B == 0) {
        memset(L->dw, 0, (size_t)oc * kk * sizeof(float));
        if (L->has_bias)
            memset(L->db, 0, (size_t)oc * sizeof(float));
        if (L->dslopes)
            memset(L->dslopes, 0, (size_t)oc * sizeof(float));
        if (L->dbeta)
            *L->dbeta = 0;
        return ACTIV_OK;
    }
    if (!dy)
        return ACTIV_ERR_NULL;
    if (dx == dy)
        return ACTIV_ERR_OVERLAP;
    activ_status s = nn_act_backward(L->act, L->alpha, L->slopes, L->beta, oc, ohw, z, y, dy,
                                     (size_t)B * per, L->dslopes, L->dbeta);
    if (s != ACTIV_OK)
        return s;
    if (L->has_bias)
        for (int o = 0; o < oc; o++) {
            double acc = 0;
            for (int b = 0; b < B; b++) {
                const float *row = dy + b * per + o * ohw;
                float part = 0;
                for (size_t i = 0; i < ohw; i++)
                    part += row[i];
                acc += part;
            }
            L->db[o] = (float)acc;
        }
    if (dx)
        memset(dx, 0, (size_t)B * chw * sizeof(float));
    if (per_sample(L)) {
        for (int b = 0; b < B; b++) {
            float *col = L->col + (size_t)b * kk * ohw;
            const float *dz = dy + b * per;
            // dW (oc, kk) += dZ_b (oc, ohw) · col_bᵀ (ohw, kk)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, oc, kk, (int)ohw, 1.0f, dz, (int)ohw,
                        col, (int)ohw, b ? 1.0f : 0.0f, L->dw, kk);
            if (dx) {
                // dcol_b (kk, ohw) = Wᵀ (kk, oc) · dZ_b (oc, ohw), over col_b (no longer needed)
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kk, (int)ohw, oc, 1.0f, L->w, kk,
                            dz, (int)ohw, 0.0f, col, (int)ohw);
                col2im(L, col, ohw, 0, dx + b * chw);
            }
        }
        return ACTIV_OK;
    }
    if (!L->zt)
        return ACTIV_ERR_NULL;
    const size_t N = (size_t)B * ohw;
    /* gather dZ (B, oc, ohw) into dZ′ (oc, B·ohw) */
    for (int b = 0; b < B; b++)
        for (int o = 0; o < oc; o++)
            memcpy(L->zt + o * N + b * ohw, dy + b * per + o * ohw, ohw * sizeof(float));
    // dW (oc, kk) = dZ′ (oc, N) · colᵀ (N, kk)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, oc, kk, (int)N, 1.0f, L->zt, (int)N, L->col,
                (int)N, 0.0f, L->dw, kk);
    if (dx) {
        // dcol (kk, N) = Wᵀ (kk, oc) · dZ′ (oc, N), written over col
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kk, (int)N, oc, 1.0f, L->w, kk, L->zt,
                    (int)N, 0.0f, L->col, (int)N);
        for (int b = 0; b < B; b++)
            col2im(L, L->col, N, b * ohw, dx + b * chw);
    }
    return ACTIV_OK;
}
