/* pool.c - MaxPool2D and AvgPool2D over k×k windows with stride s, no padding (NCHW), one
 * task per sample on libactiv's pool. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* One output row of a 2×2, stride-2 max pool: r0 and r1 are the two input rows (r1 = r0 + w),
 * base the index of r0[0] in the plane. Strict > keeps the first maximum in row-major order
 * (a, b on top, c, d below) and a NaN never replaces. Four outputs at a time with SSE2
 * compares and masks, the same selects as the scalar tail. */
static void max2_row(const float *r0, int w, int ow, int base, float *y, int32_t *a)
{
    const float *r1 = r0 + w;
    int j = 0;
#ifdef __SSE2__
    const __m128i wv = _mm_set1_epi32(w), one = _mm_set1_epi32(1), step = _mm_set_epi32(6, 4, 2, 0);
    for (; j + 4 <= ow; j += 4) {
        const __m128 t0 = _mm_loadu_ps(r0 + 2 * j), t1 = _mm_loadu_ps(r0 + 2 * j + 4);
        const __m128 u0 = _mm_loadu_ps(r1 + 2 * j), u1 = _mm_loadu_ps(r1 + 2 * j + 4);
        const __m128 va = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(2, 0, 2, 0)), vb = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 1, 3, 1));
        const __m128 vc = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(2, 0, 2, 0)), vd = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(3, 1, 3, 1));
        const __m128 ib = _mm_cmpgt_ps(vb, va), id = _mm_cmpgt_ps(vd, vc);
        const __m128 mab = _mm_or_ps(_mm_and_ps(ib, vb), _mm_andnot_ps(ib, va));
        const __m128 mcd = _mm_or_ps(_mm_and_ps(id, vd), _mm_andnot_ps(id, vc));
        const __m128 sel = _mm_cmpgt_ps(mcd, mab);
        _mm_storeu_ps(y + j, _mm_or_ps(_mm_and_ps(sel, mcd), _mm_andnot_ps(sel, mab)));
        if (a) {
            const __m128i si = _mm_castps_si128(sel);
            const __m128i low = _mm_and_si128(_mm_castps_si128(ib), one);                /* ib */
            const __m128i high = _mm_add_epi32(wv, _mm_and_si128(_mm_castps_si128(id), one)); /* w + id */
            const __m128i off = _mm_or_si128(_mm_and_si128(si, high), _mm_andnot_si128(si, low));
            const __m128i col = _mm_add_epi32(_mm_set1_epi32(base + 2 * j), step);
            _mm_storeu_si128((__m128i *)(a + j), _mm_add_epi32(col, off));
        }
    }
#endif
    for (; j < ow; j++) {
        const int c0 = 2 * j;
        const float va = r0[c0], vb = r0[c0 + 1], vc = r1[c0], vd = r1[c0 + 1];
        const int ib = vb > va, id = vd > vc;
        const float mab = ib ? vb : va, mcd = id ? vd : vc;
        const int sel = mcd > mab;
        y[j] = sel ? mcd : mab;
        if (a)
            a[j] = base + c0 + (sel ? w + id : ib);
    }
}

/* one (h, w) plane into its (oh, ow) outputs */
static void pool_plane(const activ_nn_pool2d *L, const float *xp, float *yp, int32_t *ap)
{
    const int k = L->k, s = L->stride, w = L->w, oh = L->oh, ow = L->ow;
    const float inv = 1.0f / (float)(k * k);
    if (L->is_max && k == 2 && s == 2) { /* the common case: branch-free selects */
        for (int i = 0; i < oh; i++)
            max2_row(xp + (size_t)(2 * i) * w, w, ow, 2 * i * w, yp + (size_t)i * ow, ap ? ap + (size_t)i * ow : NULL);
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

/* dx of one plane of a 2×2, stride-2 max pool: each input lies in at most one window, so
 * each dx is dy at its window's argmax and 0 elsewhere, written in one pass (the rows and
 * the column no window covers, when h or w is odd, are 0) */
static void max2_back_plane(float *dp, const float *gp, const int32_t *ap, int h, int w, int oh, int ow)
{
    for (int i = 0; i < oh; i++) {
        float *r0 = dp + (size_t)(2 * i) * w, *r1 = r0 + w;
        for (int j = 0; j < ow; j++) {
            const int base = 2 * i * w + 2 * j, a = ap[i * ow + j];
            const float g = gp[i * ow + j];
            r0[2 * j] = a == base ? g : 0.0f;
            r0[2 * j + 1] = a == base + 1 ? g : 0.0f;
            r1[2 * j] = a == base + w ? g : 0.0f;
            r1[2 * j + 1] = a == base + w + 1 ? g : 0.0f;
        }
        for (int c = 2 * ow; c < w; c++)
            r0[c] = r1[c] = 0.0f;
    }
    for (size_t o = (size_t)(2 * oh) * w; o < (size_t)h * w; o++)
        dp[o] = 0.0f;
}

static void bwd_task(void *ctx, size_t b)
{
    const pool_job *j = ctx;
    const activ_nn_pool2d *L = j->L;
    const int k = L->k, s = L->stride, w = L->w, oh = L->oh, ow = L->ow;
    const float inv = 1.0f / (float)(k * k);
    const size_t in = (size_t)L->h * w, out = (size_t)oh * ow;
    if (L->is_max && k == 2 && s == 2) { /* disjoint windows: every dx written once, no memset */
        for (size_t pl = b * L->c; pl < (b + 1) * L->c; pl++)
            max2_back_plane(j->y + pl * in, j->x + pl * out, j->amax_in + pl * out, L->h, w, oh, ow);
        return;
    }
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
