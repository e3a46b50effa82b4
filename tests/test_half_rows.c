/* test_half_rows.c - softmax, log_softmax and the gated units on 16-bit storage
 * (src/half_rows.c):
 *   - plumbing: every result is the 16-bit rounding of the fp32 call on the converted inputs,
 *     bit for bit, NaN for NaN (both types; softmax backward along first, middle and last
 *     axes; gated units on all 65536 values of a against several b and dy, on every code
 *     path; the split forms; lengths 0..70 at offsets 0..2 against the long call); the
 *     softmax and log_softmax forwards and log_softmax backward (their own arithmetic for a
 *     16-bit result, include/activ.h) only by accuracy;
 *   - accuracy against long double references written from the definitions: within the
 *     0.51 ULP16 the header argues (forward and backward), on all 65536 values of a for the
 *     gated units and on random rows, wide and narrow, for softmax (on every path);
 *   - the same bits for 1 and 2 threads on a call large enough to be split;
 *   - argument errors (PARAM, KIND, NULL, SHAPE, OVERLAP), nothing written on failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *dt_name(activ_half dt) { return dt == ACTIV_BF16 ? "bf16" : "f16"; }

static float h2f(activ_half dt, uint16_t h) { return activ_half_to_f32(dt, h); }

/* the gated f and f' in long double, from the definitions */
static long double glu_f(activ_glu_kind k, long double a)
{
    if (k == ACTIV_REGLU) return a > 0 ? a : 0;
    if (k == ACTIV_SWIGLU) return a / (1 + expl(-a));
    return a * 0.5L * erfcl(-a / sqrtl(2.0L));
}

static long double glu_df(activ_glu_kind k, long double a)
{
    if (k == ACTIV_REGLU) return a > 0 ? 1 : 0;
    if (k == ACTIV_SWIGLU) {
        long double s = 1 / (1 + expl(-a));
        return s + a * s * (1 - s);
    }
    return 0.5L * erfcl(-a / sqrtl(2.0L)) + a * expl(-a * a / 2) / sqrtl(2 * 3.14159265358979323846264338327950288L);
}

/* the largest ULP16 error seen, per check group */
static double worst;

static void check16(activ_half dt, uint16_t got, long double exact, const char *what, double at)
{
    if (!isfinite((double)exact) && !isnan((double)exact)) return;
    double e = tu_ulp16_error(h2f(dt, got), (double)exact, dt);
    if (e > worst) worst = e;
    CHECK(e <= 0.51, "%s %s at %a: %.3f ULP16", dt_name(dt), what, at, e);
}

/* the same 16-bit result: identical bits, or both NaN (the sign and payload of a NaN are not
 * specified: which operand's NaN a product passes on is the compiler's choice) */
static int same16(activ_half dt, uint16_t x, uint16_t y)
{
    return x == y || (isnan(h2f(dt, x)) && isnan(h2f(dt, y)));
}

/* swiglu and geglu on the fused paths (AVX2 with F16C, AVX-512) evaluate f in fp32 lanes
 * (src/kernels/gated_half.inc): a result may be one 16-bit step from the rounded fp32 call
 * (never in NaN-ness, sign or infinity), within the accuracy bound all the same */
static int fp32_lanes(activ_glu_kind k)
{
    const activ_isa isa = activ_get_isa();
    return k != ACTIV_REGLU && (isa == ACTIV_ISA_AVX512 || isa == ACTIV_ISA_AVX2);
}
static int one_step(activ_half dt, uint16_t x, uint16_t y)
{
    const float fx = h2f(dt, x), fy = h2f(dt, y);
    if (!isfinite(fx) || !isfinite(fy)) return 0; /* 0 and the smallest subnormal may be a step */
    return (x & 0x8000) == (y & 0x8000) && (x > y ? x - y : y - x) == 1;
}

/* lengths 0..70 (tails of 0..2 x 32 lanes) at input and output offsets 0..2: the elements of
 * the long call (a[] holds every bit pattern, NaNs and infinities among them), nothing
 * written outside [0, n) */
static void glu_sizes_case(activ_half dt, activ_glu_kind k, const uint16_t *a, const uint16_t *b, const uint16_t *dy)
{
    enum { M = 72, PAD = 3, SENT = 0x1234 };
    uint16_t y0[M], da0[M], db0[M], ia[M + PAD], ib[M + PAD], ig[M + PAD];
    uint16_t oy[M + 2 * PAD], oa[M + 2 * PAD], ob[M + 2 * PAD];
    int bad = 0, outside = 0;
    for (size_t base = 0; base < 65536; base += 4099) { /* positive, negative, NaN and inf a */
        activ_glu_forward16(dt, k, a + base, b, y0, M);
        activ_glu_backward16(dt, k, a + base, b, dy, da0, db0, M);
        for (int off = 0; off < PAD; off++)
            for (int ooff = 0; ooff < PAD; ooff++)
                for (int n = 0; n <= 70; n++) {
                    memcpy(ia + off, a + base, 2 * (size_t)n);
                    memcpy(ib + off, b, 2 * (size_t)n);
                    memcpy(ig + off, dy, 2 * (size_t)n);
                    for (int i = 0; i < M + 2 * PAD; i++) oy[i] = oa[i] = ob[i] = SENT;
                    activ_glu_forward16(dt, k, ia + off, ib + off, oy + ooff, (size_t)n);
                    activ_glu_backward16(dt, k, ia + off, ib + off, ig + off, oa + ooff, ob + ooff, (size_t)n);
                    for (int i = 0; i < M + 2 * PAD; i++) {
                        if (i >= ooff && i < ooff + n)
                            bad += !same16(dt, oy[i], y0[i - ooff]) || !same16(dt, oa[i], da0[i - ooff]) ||
                                   !same16(dt, ob[i], db0[i - ooff]);
                        else
                            outside += oy[i] != SENT || oa[i] != SENT || ob[i] != SENT;
                    }
                }
    }
    CHECK(bad == 0, "%s %s: %d elements of short/offset calls differ from the long call", dt_name(dt),
          activ_glu_name(k), bad);
    CHECK(outside == 0, "%s %s: %d elements written outside [0, n)", dt_name(dt), activ_glu_name(k), outside);
}

/* ---- gated units ------------------------------------------------------------------------ */

static void glu_case(activ_half dt, activ_glu_kind k)
{
    enum { N = 65536 };
    /* the last two: infinite and huge b with infinite and huge dy (bfloat16: dy * b overflows
     * fp32, binary16: 3e38 is inf), the special lanes of the fused kernels */
    const float bs[] = {1.0f, -2.5f, 0.0078125f, 300.0f, INFINITY, -3e38f};
    uint16_t *a = malloc(N * 2), *b = malloc(N * 2), *dy = malloc(N * 2), *y = malloc(N * 2), *da = malloc(N * 2),
             *db = malloc(N * 2);
    float *af = malloc(N * 4), *bf = malloc(N * 4), *dyf = malloc(N * 4), *yf = malloc(N * 4), *daf = malloc(N * 4),
          *dbf = malloc(N * 4);
    worst = 0;
    for (size_t q = 0; q < sizeof bs / sizeof bs[0]; q++) {
        for (int i = 0; i < N; i++) {
            a[i] = (uint16_t)i;
            b[i] = activ_half_from_f32(dt, bs[q]);
            dy[i] = activ_half_from_f32(dt, q >= 4 ? (q & 1 ? 3e38f : -INFINITY) : q & 1 ? 0.75f : -1.25f);
            af[i] = h2f(dt, a[i]), bf[i] = h2f(dt, b[i]), dyf[i] = h2f(dt, dy[i]);
        }
        CHECK_STATUS(activ_glu_forward16(dt, k, a, b, y, N), ACTIV_OK, "glu forward16");
        CHECK_STATUS(activ_glu_backward16(dt, k, a, b, dy, da, db, N), ACTIV_OK, "glu backward16");
        activ_glu_forward(k, af, bf, yf, N);
        activ_glu_backward(k, af, bf, dyf, daf, dbf, N);
        int bad = 0, steps = 0;
        for (int i = 0; i < N; i++) {
            const uint16_t r[3] = {activ_half_from_f32(dt, yf[i]), activ_half_from_f32(dt, daf[i]),
                                   activ_half_from_f32(dt, dbf[i])};
            const uint16_t got[3] = {y[i], da[i], db[i]};
            for (int q3 = 0; q3 < 3; q3++) {
                if (same16(dt, got[q3], r[q3])) continue;
                if (fp32_lanes(k) && one_step(dt, got[q3], r[q3])) steps++;
                else bad++;
            }
            /* f(±inf), and f(a) * inf where f(a) is below every float, are semantic rules (the fp32
             * tests, tests/test_gated.c), not limits; above they are checked against the fp32 call */
            if (!isfinite(af[i]) || !isfinite(bf[i]) || !isfinite(dyf[i])) continue;
            const long double f = glu_f(k, af[i]), df = glu_df(k, af[i]);
            check16(dt, y[i], f * bf[i], "glu y", af[i]);
            check16(dt, db[i], (long double)dyf[i] * f, "glu db", af[i]);
            check16(dt, da[i], (long double)dyf[i] * bf[i] * df, "glu da", af[i]);
        }
        CHECK(bad == 0, "%s %s: %d results differ from the rounded fp32 call (by more than a step where allowed)",
              dt_name(dt), activ_glu_name(k), bad);
        if (steps) printf("  %s %s b=%g: %d results one 16-bit step from the rounded fp32 call (fp32 lanes)\n",
                          dt_name(dt), activ_glu_name(k), (double)bs[q], steps);
    }
    printf("%s %-6s %-6s all 65536 a x 6 b: largest error %.3f ULP16\n", tu_isa_str(activ_get_isa()), dt_name(dt),
           activ_glu_name(k), worst);
    glu_sizes_case(dt, k, a, b, dy);
    /* split form (F.glu): rows of 2h, the first half linear; against the two-array call */
    const size_t rows = 37, h = 129;
    uint16_t *x = malloc(rows * 2 * h * 2), *ys = malloc(rows * h * 2), *dys = malloc(rows * h * 2),
             *dx = malloc(rows * 2 * h * 2);
    tu_rng r;
    tu_rng_seed(&r, 7);
    for (size_t i = 0; i < rows * 2 * h; i++) x[i] = activ_half_from_f32(dt, tu_rng_range(&r, -6, 6));
    for (size_t i = 0; i < rows * h; i++) dys[i] = activ_half_from_f32(dt, tu_rng_range(&r, -2, 2));
    CHECK_STATUS(activ_glu_split_forward16(dt, k, x, ys, rows, h), ACTIV_OK, "split forward16");
    CHECK_STATUS(activ_glu_split_backward16(dt, k, x, dys, dx, rows, h), ACTIV_OK, "split backward16");
    int bad = 0;
    for (size_t rr = 0; rr < rows; rr++) {
        const uint16_t *bl = x + rr * 2 * h, *al = bl + h;
        activ_glu_forward16(dt, k, al, bl, y, h);
        activ_glu_backward16(dt, k, al, bl, dys + rr * h, da, db, h);
        for (size_t j = 0; j < h; j++)
            bad += ys[rr * h + j] != y[j] || dx[rr * 2 * h + j] != db[j] || dx[rr * 2 * h + h + j] != da[j];
    }
    CHECK(bad == 0, "%s %s split form: %d results differ from the two-array form", dt_name(dt), activ_glu_name(k),
          bad);
    free(x), free(ys), free(dys), free(dx);
    free(a), free(b), free(dy), free(y), free(da), free(db), free(af), free(bf), free(dyf), free(yf), free(daf),
        free(dbf);
}

/* ---- softmax ---------------------------------------------------------------------------- */

/* long double softmax / log_softmax of one row (stride st), and their backward from y */
static void sm_ref(int logf, const float *x, size_t len, size_t st, long double *out)
{
    long double m = -INFINITY, s = 0;
    for (size_t i = 0; i < len; i++) m = x[i * st] > m ? x[i * st] : m;
    for (size_t i = 0; i < len; i++) s += expl(x[i * st] - m);
    for (size_t i = 0; i < len; i++) out[i] = logf ? (x[i * st] - m) - logl(s) : expl(x[i * st] - m) / s;
}

static void sm_bwd_ref(int logf, const float *y, const float *dy, size_t len, size_t st, long double *out)
{
    long double s = 0;
    for (size_t i = 0; i < len; i++) s += logf ? (long double)dy[i * st] : (long double)dy[i * st] * y[i * st];
    for (size_t i = 0; i < len; i++)
        out[i] = logf ? dy[i * st] - expl(y[i * st]) * s : y[i * st] * (dy[i * st] - s);
}

static void sm_case(activ_half dt, int logf, const size_t *shape, int ndim, int axis, float spread)
{
    size_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    uint16_t *x = malloc(n * 2), *y = malloc(n * 2), *dy = malloc(n * 2), *dx = malloc(n * 2);
    float *xf = malloc(n * 4), *yf = malloc(n * 4), *dyf = malloc(n * 4), *dxf = malloc(n * 4);
    tu_rng r;
    tu_rng_seed(&r, 11 + (uint64_t)axis);
    for (size_t i = 0; i < n; i++) {
        x[i] = activ_half_from_f32(dt, tu_rng_range(&r, -spread, spread));
        dy[i] = activ_half_from_f32(dt, tu_rng_range(&r, -1, 1));
        xf[i] = h2f(dt, x[i]), dyf[i] = h2f(dt, dy[i]);
    }
    activ_status s1 = logf ? activ_log_softmax_forward16(dt, x, y, shape, ndim, axis)
                           : activ_softmax_forward16(dt, x, y, shape, ndim, axis);
    CHECK_STATUS(s1, ACTIV_OK, "softmax forward16");
    for (size_t i = 0; i < n; i++) yf[i] = h2f(dt, y[i]); /* the backward's y: the 16-bit forward output */
    activ_status s2 = logf ? activ_log_softmax_backward16(dt, y, dy, dx, shape, ndim, axis)
                           : activ_softmax_backward16(dt, y, dy, dx, shape, ndim, axis);
    CHECK_STATUS(s2, ACTIV_OK, "softmax backward16");
    { /* in place on dy: the same bits */
        uint16_t *w = malloc(n * 2);
        memcpy(w, dy, n * 2);
        if (logf) activ_log_softmax_backward16(dt, y, w, w, shape, ndim, axis);
        else activ_softmax_backward16(dt, y, w, w, shape, ndim, axis);
        CHECK(!memcmp(w, dx, n * 2), "%s backward16 in place on dy differs (axis %d)", dt_name(dt), axis);
        free(w);
    }
    /* plumbing: every result is the rounded fp32 call */
    {
        int bad = 0;
        if (logf) activ_log_softmax_forward(xf, dxf, shape, ndim, axis);
        else activ_softmax_forward(xf, dxf, shape, ndim, axis);
        for (size_t i = 0; i < n; i++) bad += y[i] != activ_half_from_f32(dt, dxf[i]);
        CHECK(bad == 0, "%s %s forward axis %d: %d results differ from the rounded fp32 call",
              dt_name(dt), logf ? "log_softmax" : "softmax", axis, bad);
    }
    {
        int bad = 0;
        if (logf) activ_log_softmax_backward(yf, dyf, dxf, shape, ndim, axis);
        else activ_softmax_backward(yf, dyf, dxf, shape, ndim, axis);
        for (size_t i = 0; i < n; i++) bad += dx[i] != activ_half_from_f32(dt, dxf[i]);
        CHECK(bad == 0, "%s %s backward axis %d: %d results differ from the rounded fp32 call",
              dt_name(dt), logf ? "log_softmax" : "softmax", axis, bad);
    }
    /* accuracy, row by row */
    int ax = axis < 0 ? axis + ndim : axis;
    size_t len = shape[ax], inner = 1;
    for (int d = ax + 1; d < ndim; d++) inner *= shape[d];
    long double *ref = malloc(len * sizeof(long double));
    worst = 0;
    for (size_t o = 0; o < n / (len * inner); o++)
        for (size_t in = 0; in < inner; in++) {
            const size_t base = o * len * inner + in;
            sm_ref(logf, xf + base, len, inner, ref);
            for (size_t i = 0; i < len; i++) check16(dt, y[base + i * inner], ref[i], "forward", xf[base + i * inner]);
            sm_bwd_ref(logf, yf + base, dyf + base, len, inner, ref);
            for (size_t i = 0; i < len; i++) check16(dt, dx[base + i * inner], ref[i], "backward", yf[base + i * inner]);
        }
    printf("%s %-11s shape %zux%zux%zu axis %2d: largest error %.3f ULP16\n", dt_name(dt),
           logf ? "log_softmax" : "softmax", shape[0], ndim > 1 ? shape[1] : 1, ndim > 2 ? shape[2] : 1, axis, worst);
    free(ref), free(x), free(y), free(dy), free(dx), free(xf), free(yf), free(dyf), free(dxf);
}

/* ---- threads and argument errors -------------------------------------------------------- */

static void threads_case(void)
{
    const size_t shape[2] = {300, 257}, n = 300 * 257;
    uint16_t *x = malloc(n * 2), *y1 = malloc(n * 2), *y2 = malloc(n * 2);
    tu_rng r;
    tu_rng_seed(&r, 3);
    for (size_t i = 0; i < n; i++) x[i] = activ_half_from_f32(ACTIV_BF16, tu_rng_range(&r, -20, 20));
    activ_set_num_threads(1);
    activ_softmax_forward16(ACTIV_BF16, x, y1, shape, 2, -1);
    activ_set_num_threads(2);
    activ_softmax_forward16(ACTIV_BF16, x, y2, shape, 2, -1);
    CHECK(!memcmp(y1, y2, n * 2), "softmax16: the same bits for 1 and 2 threads");
    /* a gated backward cut into tasks: the same bits for 1 and 2 threads (b = dy = x) */
    uint16_t *d1 = malloc(n * 4), *d2 = malloc(n * 4);
    for (int k = 0; k < ACTIV_GLU_COUNT; k++) {
        activ_set_num_threads(1);
        activ_glu_backward16(ACTIV_BF16, (activ_glu_kind)k, x, x, x, d1, d1 + n, n);
        activ_set_num_threads(2);
        activ_glu_backward16(ACTIV_BF16, (activ_glu_kind)k, x, x, x, d2, d2 + n, n);
        CHECK(!memcmp(d1, d2, n * 4), "%s backward16: the same bits for 1 and 2 threads", activ_glu_name((activ_glu_kind)k));
    }
    activ_set_num_threads(0);
    free(d1), free(d2);
    free(x), free(y1), free(y2);
}

static void error_cases(void)
{
    uint16_t a[8] = {0}, b[8] = {0}, y[8], dy[8] = {0};
    const size_t shape[2] = {2, 4}, bad_shape[1] = {8};
    for (int i = 0; i < 8; i++) y[i] = 0x1234;
    CHECK_STATUS(activ_softmax_forward16((activ_half)7, a, y, shape, 2, -1), ACTIV_ERR_PARAM, "unknown dt");
    CHECK_STATUS(activ_softmax_forward16(ACTIV_F16, a, y, shape, 2, 2), ACTIV_ERR_SHAPE, "axis out of range");
    CHECK_STATUS(activ_softmax_forward16(ACTIV_F16, a, y, shape, 0, 0), ACTIV_ERR_SHAPE, "ndim 0");
    CHECK_STATUS(activ_softmax_forward16(ACTIV_F16, NULL, y, shape, 2, -1), ACTIV_ERR_NULL, "x NULL");
    CHECK_STATUS(activ_softmax_backward16(ACTIV_F16, a, NULL, y, shape, 2, -1), ACTIV_ERR_NULL, "dy NULL");
    CHECK_STATUS(activ_softmax_forward16(ACTIV_F16, a + 1, a, bad_shape, 1, 0), ACTIV_ERR_OVERLAP, "partial overlap");
    CHECK_STATUS(activ_glu_forward16(ACTIV_F16, (activ_glu_kind)9, a, b, y, 8), ACTIV_ERR_KIND, "unknown glu kind");
    CHECK_STATUS(activ_glu_forward16((activ_half)2, ACTIV_SWIGLU, a, b, y, 8), ACTIV_ERR_PARAM, "glu unknown dt");
    CHECK_STATUS(activ_glu_forward16(ACTIV_F16, ACTIV_SWIGLU, a, b, a + 1, 7), ACTIV_ERR_OVERLAP, "glu overlap");
    CHECK_STATUS(activ_glu_backward16(ACTIV_F16, ACTIV_SWIGLU, a, b, dy, y, y + 2, 4), ACTIV_ERR_OVERLAP,
                 "da and db overlap");
    CHECK_STATUS(activ_glu_split_forward16(ACTIV_F16, ACTIV_SWIGLU, a, a + 2, 2, 2), ACTIV_ERR_OVERLAP,
                 "split y inside x");
    CHECK_STATUS(activ_glu_split_backward16(ACTIV_F16, ACTIV_SWIGLU, a, NULL, y, 2, 2), ACTIV_ERR_NULL,
                 "split dy NULL");
    int untouched = 1;
    for (int i = 0; i < 8; i++) untouched &= y[i] == 0x1234;
    CHECK(untouched, "failing calls write nothing");
    CHECK_STATUS(activ_glu_forward16(ACTIV_BF16, ACTIV_REGLU, NULL, NULL, NULL, 0), ACTIV_OK, "n = 0");
    const size_t empty[2] = {3, 0};
    CHECK_STATUS(activ_softmax_forward16(ACTIV_BF16, NULL, NULL, empty, 2, 1), ACTIV_OK, "an empty tensor");
    /* in place is allowed, as for fp32 */
    for (int i = 0; i < 8; i++) a[i] = activ_half_from_f32(ACTIV_F16, (float)i);
    CHECK_STATUS(activ_softmax_forward16(ACTIV_F16, a, a, shape, 2, -1), ACTIV_OK, "in place");
    CHECK(h2f(ACTIV_F16, a[3]) > h2f(ACTIV_F16, a[0]) && h2f(ACTIV_F16, a[3]) < 1, "in place: a softmax row");
}

int main(void)
{
    for (int dt = 0; dt < 2; dt++) {
        /* the gated units on every path this CPU supports (the fused 16-bit kernels of AVX2
         * and AVX-512, the converted blocks elsewhere) */
        const activ_kernels *ks[ACTIV_ISA_COUNT];
        const int nisa = tu_isas(ks);
        const activ_isa saved = activ_get_isa();
        for (int ii = 0; ii < nisa; ii++) {
            CHECK_STATUS(activ_set_isa(ks[ii]->isa), ACTIV_OK, "set isa");
            for (int k = 0; k < ACTIV_GLU_COUNT; k++) glu_case((activ_half)dt, (activ_glu_kind)k);
        }
        activ_set_isa(saved);
        /* softmax: its forwards' e^(x - m) is a kernel of each path too. Rows of 2000 keep
         * their terms between passes, rows of 5000 (along the last axis, and strided along
         * the first) recompute them (src/softmax.c) */
        for (int ii = 0; ii < nisa; ii++) {
            CHECK_STATUS(activ_set_isa(ks[ii]->isa), ACTIV_OK, "set isa");
            for (int logf = 0; logf < 2; logf++) {
                const size_t s3[3] = {5, 33, 7}, wide[2] = {3, 2000}, long2[2] = {2, 5000}, tall[2] = {5000, 3};
                for (int axis = -1; axis >= -3; axis--) sm_case((activ_half)dt, logf, s3, 3, axis, 8.0f);
                sm_case((activ_half)dt, logf, wide, 2, -1, 30.0f);
                sm_case((activ_half)dt, logf, wide, 2, -1, 90.0f); /* e^a down to underflow */
                sm_case((activ_half)dt, logf, long2, 2, -1, 30.0f);
                sm_case((activ_half)dt, logf, tall, 2, 0, 30.0f);
            }
        }
        activ_set_isa(saved);
    }
    threads_case();
    error_cases();
    return tu_finish("test_half_rows");
}
