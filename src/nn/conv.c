/* conv.c - Conv2D (NCHW) as im2col + one sgemm, bias and activation fused into the pass
 * that writes the output. See include/activ_nn.h for the math and shapes.
 *
 * Two ways to lay the GEMM out (activ_nn_conv_algo), measured by bench/conv_algo.sh:
 *   BATCHED     col (c·k·k, B·oh·ow) for the whole batch, Z′ (oc, B·oh·ow) = W·col, then a
 *               scatter of Z′ into (B, oc, oh, ow) that adds b; f over the whole output. One task
 *               per group of samples does its im2col, its GEMM columns and its scatter while they
 *               are in cache (backward: its dcol columns and col2im); dW is one GEMM over all.
 *   PER_SAMPLE  col_b (c·k·k, oh·ow) per sample, y_b (oc, oh·ow) = W·col_b straight into NCHW
 *               with a plain loop product (meant for a small c·k·k such as a first layer's 9),
 *               no scatter.
 * Everything around the sgemms (im2col, col2im, the scatter and gather, the per-sample
 * products, the bias sums) runs on libactiv's pool (activ_parallel_for_each), one task per
 * sample or per block of output channels. Each task computes the same values whichever
 * thread runs it, so the results do not depend on the thread count.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "nn_internal.h"

enum { OBLOCK = 8 }; /* output channels per dW task of the per-sample path */

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

static inline void copy_row(float *restrict d, const float *restrict s, int n)
{
    for (int j = 0; j < n; j++)
        d[j] = s[j];
}

static inline void add_row(float *restrict d, const float *restrict s, int n)
{
    for (int j = 0; j < n; j++)
        d[j] += s[j];
}

/* A "same" layout: stride 1 and ow == w. Then output row i of tap (u, v) is input row
 * i + u − p shifted by v − p, and the tap's rows that read inside the image are one run of
 * the input plane; only the columns outside the image differ (they wrap into the next or
 * previous row). */
static int same_rows(const activ_nn_conv2d *L)
{
    return L->stride == 1 && L->ow == L->iw;
}

/* Tap (u, v) of a same layout: its rows [i0, i1) and columns [j0, j1) that read inside the
 * image, and the run: destination t in [t0, t1) reads the plane at t + shift (the ends of
 * [i0·ow, i1·ow) are cut where they would leave the plane; they are wrapped columns). */
typedef struct same_tap {
    int i0, i1, j0, j1, shift, t0, t1;
} same_tap;

static same_tap tap_of(const activ_nn_conv2d *L, int u, int v)
{
    const int p = L->pad, ow = L->ow, hw = L->ih * L->iw;
    same_tap t = {0, L->oh, 0, ow, (u - p) * ow + (v - p), 0, 0};
    while (t.i0 < t.i1 && t.i0 + u - p < 0)
        t.i0++;
    while (t.i1 > t.i0 && t.i1 - 1 + u - p >= L->ih)
        t.i1--;
    while (t.j0 < t.j1 && t.j0 + v - p < 0)
        t.j0++;
    while (t.j1 > t.j0 && t.j1 - 1 + v - p >= L->iw)
        t.j1--;
    t.t0 = t.i0 * ow + t.shift < 0 ? -t.shift : t.i0 * ow;
    t.t1 = t.i1 * ow + t.shift > hw ? hw - t.shift : t.i1 * ow;
    return t;
}

/* zeros in the wrapped columns of a tap's rows [i0, i1) */
static void zero_wrapped(float *d, const same_tap *t, int ow)
{
    for (int i = t->i0; i < t->i1; i++) {
        for (int j = 0; j < t->j0; j++)
            d[i * ow + j] = 0;
        for (int j = t->j1; j < ow; j++)
            d[i * ow + j] = 0;
    }
}

/* im2col of a same layout: per tap and channel one copy of the run, then zeros in the rows
 * and the wrapped columns that fall outside the image */
static void im2col_same(const activ_nn_conv2d *L, const float *x, float *col, size_t ld, size_t off)
{
    const int k = L->k, ow = L->ow, hw = L->ih * L->iw;
    for (int u = 0; u < k; u++)
        for (int v = 0; v < k; v++) {
            const same_tap t = tap_of(L, u, v);
            for (int ci = 0; ci < L->c; ci++) {
                float *d = col + (size_t)((ci * k + u) * k + v) * ld + off;
                for (int q = 0; q < t.i0 * ow; q++)
                    d[q] = 0;
                if (t.t1 > t.t0)
                    memcpy(d + t.t0, x + (size_t)ci * hw + t.t0 + t.shift, (size_t)(t.t1 - t.t0) * sizeof(float));
                for (int q = t.i1 * ow; q < L->oh * ow; q++)
                    d[q] = 0;
                zero_wrapped(d, &t, ow);
            }
        }
}

/* One sample's patches into col rows of length ld starting at column off:
 * col[(ci·k + u)·k + v][off + i·ow + j] = x[ci, i·s + u − p, j·s + v − p] (0 outside). */
// x is (c, h, w), col is (c·k·k, ld)
static void im2col(const activ_nn_conv2d *L, const float *x, float *col, size_t ld, size_t off)
{
    const int k = L->k, s = L->stride, p = L->pad, oh = L->oh, ow = L->ow, h = L->ih, w = L->iw;
    if (same_rows(L)) {
        im2col_same(L, x, col, ld, off);
        return;
    }
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
                    if (s == 1) /* short rows: an inline copy, not a memcpy call */
                        copy_row(d + j0, src + (j0 + v - p), j1 - j0);
                    else
                        for (int j = j0; j < j1; j++)
                            d[j] = src[j * s + v - p];
                    for (int j = j1; j < ow; j++)
                        d[j] = 0;
                }
            }
}

/* col2im of a same layout: per tap, the wrapped columns of dcol are zeroed (dcol is scratch),
 * then the run is added in one pass. Each dx element still gets the same adds in the same
 * order (taps in order, at most one add per tap); the extra adds are of +0, which leave any
 * dx value unchanged (dx starts at +0 and a sum of floats is never −0 from there). */
static void col2im_same(const activ_nn_conv2d *L, float *dcol, size_t ld, size_t off, float *dx)
{
    const int k = L->k, ow = L->ow, hw = L->ih * L->iw;
    for (int u = 0; u < k; u++) /* for each channel's plane the taps still come in order */
        for (int v = 0; v < k; v++) {
            const same_tap t = tap_of(L, u, v);
            for (int ci = 0; ci < L->c; ci++) {
                float *sr = dcol + (size_t)((ci * k + u) * k + v) * ld + off;
                zero_wrapped(sr, &t, ow);
                if (t.t1 > t.t0)
                    add_row(dx + (size_t)ci * hw + t.t0 + t.shift, sr + t.t0, t.t1 - t.t0);
            }
        }
}

/* The adjoint of im2col: dx[ci, r, q] += dcol[...] for every patch that read (r, q). */
// dcol is (c·k·k, ld) (scratch: a same layout zeroes parts of it), dx is (c, h, w) and is accumulated into
static void col2im(const activ_nn_conv2d *L, float *dcol, size_t ld, size_t off, float *dx)
{
    const int k = L->k, s = L->stride, p = L->pad, oh = L->oh, ow = L->ow, h = L->ih, w = L->iw;
    if (same_rows(L)) {
        col2im_same(L, dcol, ld, off, dx);
        return;
    }
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
                    if (s == 1)
                        add_row(d + (j0 + v - p), sr + j0, j1 - j0);
                    else
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

/* What the tasks of one forward or backward call share. */
typedef struct conv_job {
    const activ_nn_conv2d *L;
    const float *x;  /* (B, c, h, w) */
    float *g;        /* forward: (B, oc, ohw) pre-activations; backward: dZ */
    float *dx;       /* (B, c, h, w) or NULL */
    int B, kk, group;        /* group: samples per task of the batched layout */
    size_t ohw, chw, per, N; /* N = B·ohw, the batched col's row length */
} conv_job;

/* The batched layout's tasks take `group` samples each: enough columns (>= 256) for an
 * efficient GEMM, few enough that a group's col and Z′ stay in cache between its im2col,
 * its GEMM and its scatter (or its GEMM and col2im going back). Fixed by the shape. */
static int group_of(size_t ohw)
{
    return ohw >= 256 ? 1 : (int)((256 + ohw - 1) / ohw);
}

static conv_job job_of(const activ_nn_conv2d *L, const float *x, float *g, float *dx, int B)
{
    conv_job j = {L, x, g, dx, B, L->c * L->k * L->k, 0, 0, 0, 0, 0};
    j.ohw = (size_t)L->oh * L->ow;
    j.group = group_of(j.ohw);
    j.chw = (size_t)L->c * L->ih * L->iw;
    j.per = (size_t)L->oc * j.ohw;
    j.N = (size_t)B * j.ohw;
    return j;
}

/* out (len) = init + Σ_r w[r·ws]·rows[r] over nrows rows of len (the per-sample products:
 * forward a row of W against col's rows, backward a column of W against dZ's rows). Each
 * out[i] is init, then + w[r]·rows[r][i] for r = 0, 1, ... in that order; RUN of them at a
 * time stay in registers over all the rows instead of going back to memory once per row. */
enum { RUN = 16 };
NN_HOT static void rows_combine(const float *restrict w, size_t ws, const float *restrict rows, int nrows, size_t len,
                                float init, float *restrict out)
{
    size_t i = 0;
    for (; i + RUN <= len; i += RUN) {
        float acc[RUN];
        for (int k = 0; k < RUN; k++)
            acc[k] = init;
        for (int r = 0; r < nrows; r++) {
            const float wr = w[(size_t)r * ws], *restrict row = rows + (size_t)r * len + i;
            for (int k = 0; k < RUN; k++)
                acc[k] += wr * row[k];
        }
        for (int k = 0; k < RUN; k++)
            out[i + k] = acc[k];
    }
    for (; i < len; i++) {
        float acc = init;
        for (int r = 0; r < nrows; r++)
            acc += w[(size_t)r * ws] * rows[(size_t)r * len + i];
        out[i] = acc;
    }
}

/* per-sample forward of sample b: col_b, then y_b (oc, ohw) = W·col_b + bias */
static void fwd_sample_task(void *ctx, size_t b)
{
    const conv_job *j = ctx;
    const activ_nn_conv2d *L = j->L;
    float *col = L->col + b * j->kk * j->ohw;
    im2col(L, j->x + b * j->chw, col, j->ohw, 0);
    for (int o = 0; o < L->oc; o++)
        rows_combine(L->w + (size_t)o * j->kk, 1, col, j->kk, j->ohw, L->has_bias ? L->b[o] : 0.0f,
                     j->g + b * j->per + (size_t)o * j->ohw);
}

/* samples [b0, b1) of group gi */
static void group_range(const conv_job *j, size_t gi, int *b0, int *b1)
{
    *b0 = (int)gi * j->group;
    *b1 = *b0 + j->group < j->B ? *b0 + j->group : j->B;
}

/* batched forward of one group: its im2col columns, Z′ columns = W·col, then the scatter of
 * Z′ into (B, oc, ohw) adding the bias */
static void fwd_group_task(void *ctx, size_t gi)
{
    const conv_job *j = ctx;
    const activ_nn_conv2d *L = j->L;
    int b0, b1;
    group_range(j, gi, &b0, &b1);
    for (int b = b0; b < b1; b++)
        im2col(L, j->x + (size_t)b * j->chw, L->col, j->N, (size_t)b * j->ohw);
    const size_t c0 = (size_t)b0 * j->ohw;
    // Z′ (oc, cols) = W (oc, kk) · col (kk, cols)
    nn_sgemm_task(0, 0, L->oc, (int)((size_t)(b1 - b0) * j->ohw), j->kk, L->w, j->kk, L->col + c0, (int)j->N, 0.0f,
                  L->zt + c0, (int)j->N);
    for (int b = b0; b < b1; b++)
        for (int o = 0; o < L->oc; o++) {
            const float *src = L->zt + (size_t)o * j->N + (size_t)b * j->ohw;
            float *dst = j->g + (size_t)b * j->per + (size_t)o * j->ohw;
            const float bo = L->has_bias ? L->b[o] : 0.0f;
            for (size_t i = 0; i < j->ohw; i++)
                dst[i] = src[i] + bo;
        }
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
    conv_job j = job_of(L, x, keep_z ? z : y, NULL, B); /* g: where bias-added pre-activations land */
    if (per_sample(L)) {
        (void)activ_parallel_for_each((size_t)B, fwd_sample_task, &j);
    } else {
        if (!L->zt)
            return ACTIV_ERR_NULL;
        (void)activ_parallel_for_each((size_t)(B + j.group - 1) / j.group, fwd_group_task, &j);
    }
    return nn_act_forward(L->act, L->alpha, L->slopes, L->beta, L->oc, j.ohw, j.g, y, (size_t)B * j.per);
}

/* Σ row[i] in float, in order (one sample's part of db) */
static float row_sum(const float *row, size_t n)
{
    float part = 0;
    for (size_t i = 0; i < n; i++)
        part += row[i];
    return part;
}

/* out[r] = row_sum(row + r·ld, n) for r = 0..3: four independent chains of float adds,
 * each in row_sum's order (the same bits), instead of one chain waiting on its own adds */
static void row_sum4(const float *row, size_t ld, size_t n, float out[4])
{
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i < n; i++) {
        s0 += row[i];
        s1 += row[ld + i];
        s2 += row[2 * ld + i];
        s3 += row[3 * ld + i];
    }
    out[0] = s0, out[1] = s1, out[2] = s2, out[3] = s3;
}

/* db[o] = Σ over the batch of dZ[b, o, :], float within a sample, double across (the
 * per-sample path sums the same way inside its dW tasks) */
static void bias_task(void *ctx, size_t o)
{
    const conv_job *j = ctx;
    double acc = 0;
    int b = 0;
    for (; b + 4 <= j->B; b += 4) { /* four samples' sums at a time, added in sample order */
        float s[4];
        row_sum4(j->g + b * j->per + o * j->ohw, j->per, j->ohw, s);
        for (int r = 0; r < 4; r++)
            acc += s[r];
    }
    for (; b < j->B; b++)
        acc += row_sum(j->g + b * j->per + o * j->ohw, j->ohw);
    j->L->db[o] = (float)acc;
}

/* per-sample dW for output channels [8·blk, 8·blk + 8): dW[o][t] = Σ_b dZ_b[o]·col_b[t]
 * (a float dot per sample, summed in double over the batch in order), TBLOCK taps at a time */
enum { TBLOCK = 32 };
static void dw_block_task(void *ctx, size_t blk)
{
    const conv_job *j = ctx;
    const activ_nn_conv2d *L = j->L;
    const int o0 = (int)blk * OBLOCK, o1 = o0 + OBLOCK < L->oc ? o0 + OBLOCK : L->oc;
    for (int t0 = 0; t0 < j->kk; t0 += TBLOCK) {
        const int t1 = t0 + TBLOCK < j->kk ? t0 + TBLOCK : j->kk;
        double acc[OBLOCK][TBLOCK] = {{0}}, bacc[OBLOCK] = {0};
        const int with_bias = t0 == 0 && L->has_bias; /* db from the same rows, while in cache */
        for (int b = 0; b < j->B; b++) {
            const float *col = L->col + (size_t)b * j->kk * j->ohw;
            for (int o = o0; o < o1; o++) {
                const float *dz = j->g + b * j->per + (size_t)o * j->ohw;
                int t = t0;
                for (; t + 4 <= t1; t += 4) {
                    float d[4];
                    nn_dot4(dz, col + (size_t)t * j->ohw, j->ohw, j->ohw, d);
                    for (int r = 0; r < 4; r++)
                        acc[o - o0][t + r - t0] += d[r];
                }
                for (; t < t1; t++)
                    acc[o - o0][t - t0] += nn_dot(dz, col + (size_t)t * j->ohw, j->ohw);
            }
            for (int o = o0; with_bias && o < o1;) {
                if (o + 4 <= o1) { /* four channels' sums at a time, each added in sample order */
                    float s[4];
                    row_sum4(j->g + b * j->per + (size_t)o * j->ohw, j->ohw, j->ohw, s);
                    for (int r = 0; r < 4; r++)
                        bacc[o + r - o0] += s[r];
                    o += 4;
                } else {
                    bacc[o - o0] += row_sum(j->g + b * j->per + (size_t)o * j->ohw, j->ohw);
                    o++;
                }
            }
        }
        for (int o = o0; with_bias && o < o1; o++)
            L->db[o] = (float)bacc[o - o0];
        for (int o = o0; o < o1; o++)
            for (int t = t0; t < t1; t++)
                L->dw[(size_t)o * j->kk + t] = (float)acc[o - o0][t - t0];
    }
}

/* per-sample dx of sample b: dcol_b (kk, ohw) = Wᵀ·dZ_b over col_b, then col2im */
static void dx_sample_task(void *ctx, size_t b)
{
    const conv_job *j = ctx;
    const activ_nn_conv2d *L = j->L;
    float *col = L->col + b * j->kk * j->ohw;
    for (int t = 0; t < j->kk; t++)
        rows_combine(L->w + t, (size_t)j->kk, j->g + b * j->per, L->oc, j->ohw, 0.0f, col + (size_t)t * j->ohw);
    float *dx = j->dx + b * j->chw;
    memset(dx, 0, j->chw * sizeof(float));
    col2im(L, col, j->ohw, 0, dx);
}

/* dZ (B, oc, ohw) into dZ′ (oc, B·ohw) for sample b */
static void gather_task(void *ctx, size_t b)
{
    const conv_job *j = ctx;
    for (int o = 0; o < j->L->oc; o++)
        memcpy(j->L->zt + (size_t)o * j->N + b * j->ohw, j->g + b * j->per + (size_t)o * j->ohw,
               j->ohw * sizeof(float));
}

/* batched dx of one group: its dcol columns = Wᵀ·dZ′ over its col columns (no longer
 * needed), then col2im into its samples' dx */
static void bwd_group_task(void *ctx, size_t gi)
{
    const conv_job *j = ctx;
    const activ_nn_conv2d *L = j->L;
    int b0, b1;
    group_range(j, gi, &b0, &b1);
    const size_t c0 = (size_t)b0 * j->ohw;
    // dcol (kk, cols) = Wᵀ (kk, oc) · dZ′ (oc, cols)
    nn_sgemm_task(1, 0, j->kk, (int)((size_t)(b1 - b0) * j->ohw), L->oc, L->w, j->kk, L->zt + c0, (int)j->N, 0.0f,
                  L->col + c0, (int)j->N);
    for (int b = b0; b < b1; b++) {
        float *dx = j->dx + (size_t)b * j->chw;
        memset(dx, 0, j->chw * sizeof(float));
        col2im(L, L->col, j->N, (size_t)b * j->ohw, dx);
    }
}

// z and y are (B, oc, oh, ow), dy is (B, oc, oh, ow) and becomes dZ, dx is (B, c, h, w) or NULL
activ_status activ_nn_conv2d_backward(const activ_nn_conv2d *L, const float *z, const float *y,
                                      float *dy, float *dx, int B)
{
    if (!L || !L->w || !L->dw || !L->col || (L->has_bias && (!L->b || !L->db)))
        return ACTIV_ERR_NULL;
    if (B < 0 || !conv_ok(L))
        return ACTIV_ERR_SHAPE;
    const int oc = L->oc;
    conv_job j = job_of(L, NULL, dy, dx, B);
    if (B == 0) {
        memset(L->dw, 0, (size_t)oc * j.kk * sizeof(float));
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
    if (!per_sample(L) && !L->zt)
        return ACTIV_ERR_NULL;
    activ_status s = nn_act_backward(L->act, L->alpha, L->slopes, L->beta, oc, j.ohw, z, y, dy,
                                     (size_t)B * j.per, L->dslopes, L->dbeta);
    if (s != ACTIV_OK)
        return s;
    if (L->has_bias && !per_sample(L))
        (void)activ_parallel_for_each((size_t)oc, bias_task, &j);
    if (per_sample(L)) {
        (void)activ_parallel_for_each((size_t)(oc + OBLOCK - 1) / OBLOCK, dw_block_task, &j);
        if (dx) /* after dW: it overwrites col_b */
            (void)activ_parallel_for_each((size_t)B, dx_sample_task, &j);
        return ACTIV_OK;
    }
    (void)activ_parallel_for_each((size_t)B, gather_task, &j);
    // dW (oc, kk) = dZ′ (oc, N) · colᵀ (N, kk)
    nn_sgemm(0, 1, oc, j.kk, (int)j.N, L->zt, (int)j.N, L->col, (int)j.N, 0.0f, L->dw, j.kk);
    if (dx) /* after dW: it overwrites col */
        (void)activ_parallel_for_each((size_t)(B + j.group - 1) / j.group, bwd_group_task, &j);
    return ACTIV_OK;
}
