/* pool.c - MaxPool2D and AvgPool2D over k×k windows with stride s, no padding (NCHW), one
 * task per sample on libactiv's pool. */
#include <string.h>

#include "nn_internal.h"

activ_status activ_nn_pool2d_shape(activ_nn_pool2d *L)
{
    if (!L)
        return ACTIV_ERR_NULL;
    if (L->c < 1 || L->h < 1 || L->w < 1 || L->k < 1 || L->stride < 1 || L->k > L->h || L->k > L->w)
        return ACTIV_ERR_SHAPE;
    L->oh = (L->h - L->k) / L->stride + 1;
    L->ow = (L->w - L->k) / L->stride + 1;
    return ACTIV_OK;
}

static int pool_ok(const activ_nn_pool2d *L)
{
    return L->c >= 1 && L->k >= 1 && L->stride >= 1 && L->k <= L->h && L->k <= L->w &&
           L->oh == (L->h - L->k) / L->stride + 1 && L->ow == (L->w - L->k) / L->stride + 1;
}

/* What the tasks of one call share: one task per sample (its c planes). */
typedef struct pool_job {
    const activ_nn_pool2d *L;
    const float *x; /* forward: x; backward: dy */
    float *y;       /* forward: y; backward: dx */
    int32_t *argmax;
    const int32_t *amax_in;
} pool_job;

/* one (h, w) plane into its (oh, ow) outputs */
static void pool_plane(const activ_nn_pool2d *L, const float *xp, float *yp, int32_t *ap)
{
    const int k = L->k, s = L->stride, w = L->w, oh = L->oh, ow = L->ow;
    const float inv = 1.0f / (float)(k * k);
    if (L->is_max && k == 2 && s == 2) { /* the common case: branch-free selects */
        for (int i = 0; i < oh; i++) {
            const float *r0 = xp + (size_t)(2 * i) * w, *r1 = r0 + w;
            for (int j = 0; j < ow; j++) {
                const int c0 = 2 * j;
                const float a = r0[c0], b = r0[c0 + 1], c = r1[c0], d = r1[c0 + 1];
                /* strict > keeps the first maximum in row-major order */
                const int ib = b > a, id = d > c;
                const float mab = ib ? b : a, mcd = id ? d : c;
                const int sel = mcd > mab;
                yp[i * ow + j] = sel ? mcd : mab;
                if (ap)
                    ap[i * ow + j] = 2 * i * w + c0 + (sel ? w + id : ib);
            }
        }
        return;
    }
    for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++) {
            const int r0 = i * s, c0 = j * s;
            if (L->is_max) {
                int best = r0 * w + c0;
                float m = xp[best];
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++) {
                        const int o = (r0 + u) * w + c0 + v;
                        if (xp[o] > m) /* the first maximum wins ties; NaN never replaces */
                            m = xp[o], best = o;
                    }
                yp[i * ow + j] = m;
                if (ap)
                    ap[i * ow + j] = best;
            } else {
                float acc = 0;
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++)
                        acc += xp[(r0 + u) * w + c0 + v];
                yp[i * ow + j] = acc * inv;
            }
        }
}

static void fwd_task(void *ctx, size_t b)
{
    const pool_job *j = ctx;
    const activ_nn_pool2d *L = j->L;
    const size_t in = (size_t)L->h * L->w, out = (size_t)L->oh * L->ow;
    for (size_t pl = b * L->c; pl < (b + 1) * L->c; pl++)
        pool_plane(L, j->x + pl * in, j->y + pl * out, j->argmax ? j->argmax + pl * out : NULL);
}

// x is (B, c, h, w), y and argmax are (B, c, oh, ow)
activ_status activ_nn_pool2d_forward(const activ_nn_pool2d *L, const float *x, float *y,
                                     int32_t *argmax, int B)
{
    if (!L || (B > 0 && (!x || !y)))
        return ACTIV_ERR_NULL;
    if (B < 0 || !pool_ok(L))
        return ACTIV_ERR_SHAPE;
    pool_job j = {L, x, y, argmax, NULL};
    (void)activ_parallel_for_each((size_t)B, fwd_task, &j);
    return ACTIV_OK;
}

static void bwd_task(void *ctx, size_t b)
{
    const pool_job *j = ctx;
    const activ_nn_pool2d *L = j->L;
    const int k = L->k, s = L->stride, w = L->w, oh = L->oh, ow = L->ow;
    const float inv = 1.0f / (float)(k * k);
    const size_t in = (size_t)L->h * w, out = (size_t)oh * ow;
    memset(j->y + b * L->c * in, 0, L->c * in * sizeof(float));
    for (size_t pl = b * L->c; pl < (b + 1) * L->c; pl++) {
        float *dp = j->y + pl * in;
        const float *gp = j->x + pl * out;
        if (L->is_max) {
            const int32_t *ap = j->amax_in + pl * out;
            for (size_t i = 0; i < out; i++)
                dp[ap[i]] += gp[i];
        } else {
            for (int i = 0; i < oh; i++)
                for (int jj = 0; jj < ow; jj++) {
                    const float g = gp[i * ow + jj] * inv;
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++)
                            dp[(i * s + u) * w + jj * s + v] += g;
                }
        }
    }
}

// argmax and dy are (B, c, oh, ow), dx is (B, c, h, w)
activ_status activ_nn_pool2d_backward(const activ_nn_pool2d *L, const int32_t *argmax,
                                      const float *dy, float *dx, int B)
{
    if (!L || (B > 0 && (!dy || !dx || (L->is_max && !argmax))))
        return ACTIV_ERR_NULL;
    if (B < 0 || !pool_ok(L))
        return ACTIV_ERR_SHAPE;
    pool_job j = {L, dy, dx, NULL, argmax};
    (void)activ_parallel_for_each((size_t)B, bwd_task, &j);
    return ACTIV_OK;
}
