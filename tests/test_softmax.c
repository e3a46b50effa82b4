/* test_softmax.c - softmax and log_softmax (src/softmax.c) against a higher-precision oracle
 * written here (long double exp/log1p, exact fixed-point sums): forward within 1 ULP, backward from
 * the output within 2 ULP, on several shapes and every axis (negative ones too); the IEEE
 * special rows; argument errors; bitwise the same for 1, 2 and 5 threads. Prints the
 * largest ULP errors it saw. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef __float128 q128;

static double ulp_max[4];
static const char *op_name[4] = {"softmax fwd", "log_softmax fwd", "softmax bwd", "log_softmax bwd"};

/* An exact fixed-point accumulator (Kulisch style) for sums of doubles in [2^-350, 2^300):
 * limb i holds 32 bits of weight 2^(32i - 384), in an int64 so that carries can wait.
 * Independent of the library's expansion arithmetic. */
#define KL 26
typedef struct { long long l[KL]; } kacc;
static void k_add(kacc *a, double v)
{
    if (v == 0) return;
    int E;
    double f = frexp(fabs(v), &E);
    unsigned long long m = (unsigned long long)ldexp(f, 53);
    int off = E - 53 + 384, li = off / 32, sh = off % 32;
    unsigned __int128 w = (unsigned __int128)m << sh;
    long long sg = v < 0 ? -1 : 1;
    a->l[li] += sg * (long long)(w & 0xffffffffu);
    a->l[li + 1] += sg * (long long)((w >> 32) & 0xffffffffu);
    a->l[li + 2] += sg * (long long)(w >> 64);
}
static long double k_value(const kacc *in)
{
    kacc a = *in;
    for (int i = 0; i + 1 < KL; i++) {
        long long c = a.l[i] >> 32;
        a.l[i] -= c * 4294967296LL, a.l[i + 1] += c;
    }
    long double sg = 1;
    if (a.l[KL - 1] < 0) {
        sg = -1;
        for (int i = 0; i < KL; i++) a.l[i] = -a.l[i];
        for (int i = 0; i + 1 < KL; i++) {
            long long c = a.l[i] >> 32;
            a.l[i] -= c * 4294967296LL, a.l[i + 1] += c;
        }
    }
    long double r = 0;
    for (int i = KL - 1; i >= 0; i--) r += ldexpl((long double)a.l[i], 32 * i - 384);
    return sg * r;
}

/* the oracle for one row of len elements at stride st */
static void oracle_row(int op, const float *x, const float *dy, double *out, size_t len, size_t st)
{
    if (op < 2) {
        long double m = x[0];
        size_t am = 0;
        for (size_t k = 1; k < len; k++)
            if (x[k * st] > m) m = x[k * st], am = k;
        /* T: every term but one maximum's (1), so that log1p keeps log S for S near 1 */
        long double T = 0;
        for (size_t k = 0; k < len; k++)
            if (k != am) T += expl((long double)x[k * st] - m);
        for (size_t k = 0; k < len; k++) {
            long double d = (long double)x[k * st] - m;
            out[k] = op == 0 ? (double)(expl(d) / (1.0L + T)) : (double)(d - log1pl(T));
        }
    } else if (op == 2) {
        kacc s;
        memset(&s, 0, sizeof s);
        for (size_t k = 0; k < len; k++) k_add(&s, -(double)dy[k * st] * (double)x[k * st]);
        for (size_t k = 0; k < len; k++) {
            kacc r = s;
            k_add(&r, dy[k * st]);
            out[k] = (double)((long double)x[k * st] * k_value(&r));
        }
    } else {
        kacc t;
        memset(&t, 0, sizeof t);
        for (size_t k = 0; k < len; k++) k_add(&t, dy[k * st]);
        q128 tq = (q128)k_value(&t);
        for (size_t k = 0; k < len; k++)
            out[k] = (double)((q128)dy[k * st] - (q128)expl((long double)x[k * st]) * tq);
    }
}

static activ_status call(int op, const float *in, const float *dy, float *out, const size_t *shape,
                         int ndim, int axis)
{
    switch (op) {
    case 0: return activ_softmax_forward(in, out, shape, ndim, axis);
    case 1: return activ_log_softmax_forward(in, out, shape, ndim, axis);
    case 2: return activ_softmax_backward(in, dy, out, shape, ndim, axis);
    default: return activ_log_softmax_backward(in, dy, out, shape, ndim, axis);
    }
}

/* runs op on x (and dy) of the shape along axis and checks every element against the oracle */
static void check_op(int op, const float *x, const float *dy, const size_t *shape, int ndim,
                     int axis, const char *what)
{
    size_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    int ax = axis < 0 ? axis + ndim : axis;
    size_t outer = 1, inner = 1, len = shape[ax];
    for (int d = 0; d < ax; d++) outer *= shape[d];
    for (int d = ax + 1; d < ndim; d++) inner *= shape[d];
    float *y = tu_alloc(n);
    double *ref = malloc(len * sizeof *ref);
    activ_status s = call(op, x, dy, y, shape, ndim, axis);
    CHECK_STATUS(s, ACTIV_OK, "%s %s axis %d: status %d", op_name[op], what, axis, s);
    double bound = op < 2 ? 1 : 2;
    for (size_t o = 0; o < outer; o++)
        for (size_t i = 0; i < inner; i++) {
            size_t base = o * len * inner + i;
            oracle_row(op, x + base, dy ? dy + base : NULL, ref, len, inner);
            for (size_t k = 0; k < len; k++) {
                float got = y[base + k * inner];
                double e = activ_ulp_error(got, ref[k]);
                if (e > ulp_max[op]) ulp_max[op] = e;
                CHECK_ULP(got, ref[k], bound, "%s %s axis %d row (%zu,%zu) k %zu", op_name[op], what,
                          axis, o, i, k);
            }
        }
    free(y);
    free(ref);
}

/* forward, then both backward forms from the computed outputs */
static void check_all(const float *x, const float *dy, const size_t *shape, int ndim, int axis,
                      const char *what)
{
    size_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    check_op(0, x, NULL, shape, ndim, axis, what);
    check_op(1, x, NULL, shape, ndim, axis, what);
    float *y = tu_alloc(n), *ly = tu_alloc(n);
    activ_softmax_forward(x, y, shape, ndim, axis);
    activ_log_softmax_forward(x, ly, shape, ndim, axis);
    check_op(2, y, dy, shape, ndim, axis, what);
    check_op(3, ly, dy, shape, ndim, axis, what);
    free(y);
    free(ly);
}

static void specials(void)
{
    const float inf = INFINITY, nan = NAN;
    size_t sh[1] = {3};
    float y[3];
    float r1[3] = {1, nan, 2};
    activ_softmax_forward(r1, y, sh, 1, 0);
    CHECK(isnan(y[0]) && isnan(y[1]) && isnan(y[2]), "NaN row -> NaN row");
    float r2[3] = {inf, 1, 2};
    activ_softmax_forward(r2, y, sh, 1, 0);
    CHECK(isnan(y[0]) && isnan(y[1]) && isnan(y[2]), "+inf row -> NaN row (PyTorch)");
    float r3[3] = {-inf, 0, 0};
    activ_softmax_forward(r3, y, sh, 1, 0);
    CHECK(y[0] == 0 && !signbit(y[0]) && y[1] == 0.5f && y[2] == 0.5f, "-inf -> +0, ties 0.5");
    activ_log_softmax_forward(r3, y, sh, 1, 0);
    CHECK(y[0] == -inf && y[1] == (float)-log(2.0), "log_softmax -inf -> -inf");
    float r4[3] = {-inf, -inf, -inf};
    activ_softmax_forward(r4, y, sh, 1, 0);
    CHECK(isnan(y[0]) && isnan(y[2]), "all -inf -> NaN (PyTorch)");
    /* log_softmax of the max when the rest is tiny: log1p keeps it (log(1 + T) would be 0) */
    float r5[3] = {0, -40, -41};
    activ_log_softmax_forward(r5, y, sh, 1, 0);
    double want = -log1p(exp(-40.0) + exp(-41.0));
    CHECK_ULP(y[0], want, 1, "log_softmax max element with T = e^-40");
    CHECK(y[0] != 0, "log_softmax max element is not rounded to 0");
    /* the rest -inf: e^-inf is exactly 0, so T = 0 and the max element's log_softmax is +0;
     * the rest finite but far below: the exact value is a tiny negative, rounded to -0 */
    float r7[3] = {0, -inf, -inf}, r8[3] = {0, -1000, -inf};
    activ_log_softmax_forward(r7, y, sh, 1, 0);
    CHECK(y[0] == 0 && !signbit(y[0]) && y[1] == -inf, "log_softmax {0, -inf, -inf}: +0, -inf");
    activ_softmax_forward(r7, y, sh, 1, 0);
    CHECK(y[0] == 1 && y[1] == 0 && !signbit(y[1]), "softmax {0, -inf, -inf}: 1, +0");
    activ_log_softmax_forward(r8, y, sh, 1, 0);
    CHECK(y[0] == 0 && signbit(y[0]) && y[1] == -1000, "log_softmax {0, -1000, -inf}: -0, -1000");
    /* every row length 1..11 (the max search takes four lanes, then a tail) with a NaN, or
     * the one large value, at every position: a NaN anywhere makes the row NaN; the max is
     * found wherever it sits (a missed one would overflow e^(x - m)) */
    for (size_t len = 1; len <= 11; len++)
        for (size_t at = 0; at < len; at++)
            for (int logf = 0; logf < 2; logf++) {
                float rn[11], rm[11], yo[11];
                size_t shl[1] = {len};
                for (size_t k = 0; k < len; k++) rn[k] = rm[k] = (float)k * 0.25f;
                rn[at] = nan;
                rm[at] = 1000.0f;
                int bad = 0;
                if (logf) activ_log_softmax_forward(rn, yo, shl, 1, 0);
                else activ_softmax_forward(rn, yo, shl, 1, 0);
                for (size_t k = 0; k < len; k++) bad |= !isnan(yo[k]);
                CHECK(!bad, "len %zu NaN at %zu (%s): NaN row", len, at, logf ? "log" : "lin");
                if (logf) activ_log_softmax_forward(rm, yo, shl, 1, 0);
                else activ_softmax_forward(rm, yo, shl, 1, 0);
                for (size_t k = 0; k < len; k++) {
                    float w = logf ? (k == at ? 0.0f : rm[k] - 1000.0f) : (k == at ? 1.0f : 0.0f);
                    bad |= !(fabsf(yo[k] - w) <= (logf ? 1e-3f : 1e-30f));
                }
                CHECK(!bad, "len %zu max at %zu (%s): y[at] = %g", len, at, logf ? "log" : "lin",
                      (double)yo[at]);
            }
    /* FLT_MAX spread: no overflow */
    float r6[3] = {3e38f, -3e38f, 3e38f};
    activ_softmax_forward(r6, y, sh, 1, 0);
    CHECK(y[0] == 0.5f && y[1] == 0 && y[2] == 0.5f, "huge spread stays finite");
}

/* the backwards' special values (include/activ.h, "Semantics"), on a row of 37 (vector steps
 * and a tail) along the last axis (the vector kernels) and, transposed, along the first (the
 * strided scalar code): both must give them */
static void bwd_specials(void)
{
    enum { LEN = 37 };
    const float inf = INFINITY, nan = NAN;
    float y[LEN], dy[LEN], dx[LEN], yt[2 * LEN], dyt[2 * LEN], dxt[2 * LEN];
    for (int axis = 1; axis >= 0; axis--) {
        /* run op on (y, dy) as one row: axis 1 = a {1, LEN} tensor, axis 0 = column 0 of a
         * {LEN, 2} tensor whose column 1 is zeros */
#define RUN(op)                                                                              \
    do {                                                                                     \
        if (axis) {                                                                          \
            size_t sh[2] = {1, LEN};                                                         \
            call(op, y, dy, dx, sh, 2, 1);                                                   \
        } else {                                                                             \
            size_t sh[2] = {LEN, 2};                                                         \
            for (int k = 0; k < LEN; k++)                                                    \
                yt[2 * k] = y[k], dyt[2 * k] = dy[k], yt[2 * k + 1] = 0.5f, dyt[2 * k + 1] = 0; \
            call(op, yt, dyt, dxt, sh, 2, 0);                                                \
            for (int k = 0; k < LEN; k++) dx[k] = dxt[2 * k];                                \
        }                                                                                    \
    } while (0)
        const char *how = axis ? "last axis" : "strided";
        for (int k = 0; k < LEN; k++) y[k] = 1.0f / LEN, dy[k] = (float)(k % 5) - 2.0f;
        y[9] = nan;
        RUN(2);
        int bad = 0;
        for (int k = 0; k < LEN; k++) bad += !isnan(dx[k]);
        CHECK(!bad, "softmax bwd, a NaN y: every dx NaN (the sum is NaN) (%s)", how);
        y[9] = 1.0f / LEN, dy[30] = inf;
        RUN(2);
        bad = 0;
        for (int k = 0; k < LEN; k++) bad += k == 30 ? !isnan(dx[k]) : dx[k] != -inf;
        CHECK(!bad, "softmax bwd, an inf dy: -inf, NaN at it (inf - inf) (%s)", how);
        for (int k = 0; k < LEN; k++) dy[k] = 0.0f;
        RUN(2);
        bad = 0;
        for (int k = 0; k < LEN; k++) bad += !(dx[k] == 0 && signbit(dx[k]));
        CHECK(!bad, "softmax bwd, dy = 0: -0 (y * -(s - dy)) (%s)", how);
        /* log_softmax */
        for (int k = 0; k < LEN; k++) y[k] = -3.0f - (float)k / 8, dy[k] = k % 2 ? -0.0f : 0.0f;
        RUN(3);
        bad = 0;
        for (int k = 0; k < LEN; k++) bad += !(dx[k] == 0 && signbit(dx[k]) == signbit(dy[k]));
        CHECK(!bad, "log_softmax bwd, t = 0: dx = dy, zero signs kept (%s)", how);
        for (int k = 0; k < LEN; k++) dy[k] = (float)(k % 3) - 1.0f;
        dy[0] = 1.0f; /* t = 1 */
        y[4] = nan, y[5] = -inf, y[6] = inf;
        RUN(3);
        CHECK(isnan(dx[4]), "log_softmax bwd, NaN y: NaN dx (%s)", how);
        CHECK(dx[5] == dy[5], "log_softmax bwd, y = -inf: dx = dy (%s)", how);
        CHECK(dx[6] == -inf, "log_softmax bwd, y = +inf, t > 0: -inf (%s)", how);
        bad = 0;
        for (int k = 7; k < LEN; k++) bad += !isfinite(dx[k]);
        CHECK(!bad, "log_softmax bwd: the other elements finite (%s)", how);
        dy[12] = nan;
        RUN(3);
        bad = 0;
        for (int k = 0; k < LEN; k++) bad += !isnan(dx[k]);
        CHECK(!bad, "log_softmax bwd, a NaN dy: every dx NaN (t is NaN) (%s)", how);
#undef RUN
    }
}

/* the backwards in place (dx = dy, dx = y) give the out-of-place bits, also on rows where
 * the LAST element cancels (its dy chosen so that dy - s, or dy - e^y t, is ~2^-24 of its
 * size): it takes the exact path, whose sums must be formed before the earlier dx are
 * written over dy or y */
static void inplace(tu_rng *r)
{
    enum { ROWS = 6, LEN = 300 };
    size_t sh[2] = {ROWS, LEN}, n = ROWS * LEN;
    float *x = tu_alloc(n), *y = tu_alloc(n), *dy = tu_alloc(n), *ref = tu_alloc(n), *w = tu_alloc(n);
    for (int cancel = 0; cancel < 2; cancel++)
        for (int op = 2; op < 4; op++) {
            for (size_t i = 0; i < n; i++) x[i] = tu_rng_range(r, -4, 4), dy[i] = tu_rng_range(r, -1, 1);
            if (op == 2) activ_softmax_forward(x, y, sh, 2, -1);
            else activ_log_softmax_forward(x, y, sh, 2, -1);
            for (size_t o = 0; cancel && o < ROWS; o++) {
                const float *yr = y + o * LEN;
                float *g = dy + o * LEN;
                double rest = 0, c = op == 2 ? yr[LEN - 1] : exp((double)yr[LEN - 1]);
                for (int k = 0; k < LEN - 1; k++) rest += op == 2 ? (double)g[k] * yr[k] : g[k];
                /* softmax: g = rest + g y  ->  g = rest / (1 - y); log: g = e^y (rest + g) */
                g[LEN - 1] = (float)(op == 2 ? rest / (1 - c) : c * rest / (1 - c));
            }
            call(op, y, dy, ref, sh, 2, -1);
            memcpy(w, dy, n * sizeof *w);
            call(op, y, w, w, sh, 2, -1);
            CHECK(memcmp(w, ref, n * sizeof *w) == 0, "%s in place on dy (%s)", op_name[op],
                  cancel ? "cancelling" : "random");
            memcpy(w, y, n * sizeof *w);
            call(op, w, dy, w, sh, 2, -1);
            CHECK(memcmp(w, ref, n * sizeof *w) == 0, "%s in place on y (%s)", op_name[op],
                  cancel ? "cancelling" : "random");
            if (cancel) check_op(op, y, dy, sh, 2, -1, "a cancelling last element");
        }
    free(x), free(y), free(dy), free(ref), free(w);
}

/* log_softmax backward where dy_k - e^(y_k) t cancels to ~15 bits in every element: the fast
 * double path (window 2^-16) at its limit. Its argument (include/activ.h) gives
 * 0.5 + 2^-5.6 ULP; a q off by 2^-40 (a weak exp) would show as ~1 ULP here. */
static void near_window(tu_rng *r)
{
    enum { LEN = 4000 };
    size_t sh[1] = {LEN};
    float *y = tu_alloc(LEN), *dy = tu_alloc(LEN), *dx = tu_alloc(LEN);
    for (int k = 0; k < LEN; k++) y[k] = tu_rng_range(r, -16, -11); /* sum e^y < 0.05 */
    dy[0] = 1.0f;
    double T = 1.0; /* t = dy_0 + sum_k e^(y_k) t (1 + 2^-15): a fixed point */
    for (int it = 0; it < 4; it++) {
        double sum = 1.0;
        for (int k = 1; k < LEN; k++) {
            dy[k] = (float)(exp((double)y[k]) * T * (1.0 + 0x1p-15));
            sum += dy[k];
        }
        T = sum;
    }
    activ_log_softmax_backward(y, dy, dx, sh, 1, 0);
    double ref[LEN], worst = 0;
    oracle_row(3, y, dy, ref, LEN, 1);
    for (int k = 1; k < LEN; k++) {
        double e = activ_ulp_error(dx[k], ref[k]);
        worst = e > worst ? e : worst;
    }
    printf("test_softmax: log_softmax bwd at the 2^-16 window (%s): max %.3f ULP\n", activ_isa_name(activ_get_isa()), worst);
    CHECK(worst <= 0.52, "log_softmax bwd at the fast path's window: %.3f ULP > 0.52", worst);
    free(y), free(dy), free(dx);
}

static void errors(void)
{
    float x[6] = {0}, y[6];
    size_t sh[2] = {2, 3};
    CHECK_STATUS(activ_softmax_forward(NULL, y, sh, 2, 1), ACTIV_ERR_NULL, "x NULL");
    CHECK_STATUS(activ_softmax_forward(x, y, NULL, 2, 1), ACTIV_ERR_NULL, "shape NULL");
    CHECK_STATUS(activ_softmax_forward(x, y, sh, 2, 2), ACTIV_ERR_SHAPE, "axis 2 of 2-d");
    CHECK_STATUS(activ_softmax_forward(x, y, sh, 2, -3), ACTIV_ERR_SHAPE, "axis -3 of 2-d");
    CHECK_STATUS(activ_softmax_forward(x, y, sh, 0, 0), ACTIV_ERR_SHAPE, "ndim 0");
    CHECK_STATUS(activ_softmax_forward(x, x + 1, sh, 2, 1), ACTIV_ERR_OVERLAP, "partial overlap");
    CHECK_STATUS(activ_softmax_forward(x, x, sh, 2, -1), ACTIV_OK, "in place");
    CHECK_STATUS(activ_softmax_backward(x, NULL, y, sh, 2, 1), ACTIV_ERR_NULL, "dy NULL");
    size_t z[2] = {0, 3};
    CHECK_STATUS(activ_log_softmax_forward(NULL, NULL, z, 2, 1), ACTIV_OK, "empty tensor");
    size_t big[2] = {(size_t)1 << 62, 4};
    CHECK_STATUS(activ_softmax_forward(x, y, big, 2, 1), ACTIV_ERR_SIZE, "size overflow");
}

static void threads(void)
{
    size_t sh[3] = {8, 3000, 5}, n = 8 * 3000 * 5;
    tu_rng r;
    tu_rng_seed(&r, 99);
    float *x = tu_alloc(n), *dy = tu_alloc(n), *a = tu_alloc(n), *b = tu_alloc(n);
    for (size_t i = 0; i < n; i++) x[i] = tu_rng_range(&r, -30, 30), dy[i] = tu_rng_range(&r, -1, 1);
    for (int op = 0; op < 4; op++)
        for (int axis = -3; axis < 3; axis++) {
            activ_set_num_threads(1);
            call(op, x, dy, a, sh, 3, axis);
            const int counts[2] = {2, 5};
            for (int c = 0; c < 2; c++) {
                activ_set_num_threads(counts[c]);
                call(op, x, dy, b, sh, 3, axis);
                CHECK(memcmp(a, b, n * sizeof *a) == 0, "%s axis %d: %d threads differ from 1",
                      op_name[op], axis, counts[c]);
            }
        }
    activ_set_num_threads(0);
    free(x), free(dy), free(a), free(b);
}

/* random tensors of every shape along every axis, against the oracle */
static void accuracy(void)
{
    tu_rng r;
    tu_rng_seed(&r, 2024);
    struct { size_t shape[3]; int ndim; float lo, hi; } cases[] = {
        {{7}, 1, -5, 5},          {{3, 5}, 2, -20, 20},      {{2, 300, 3}, 3, -50, 50},
        {{4, 1000}, 2, -1e4f, 1e4f}, {{16, 33}, 2, -100, 1}, {{1, 70000}, 2, -10, 10},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = 1;
        for (int d = 0; d < cases[c].ndim; d++) n *= cases[c].shape[d];
        float *x = tu_alloc(n), *dy = tu_alloc(n);
        for (size_t i = 0; i < n; i++) {
            x[i] = tu_rng_range(&r, cases[c].lo, cases[c].hi);
            dy[i] = tu_rng_range(&r, -2, 2);
            if (i % 17 == 3) x[i] = x[i - 1]; /* ties, including ties at the max */
        }
        char what[64];
        snprintf(what, sizeof what, "case %zu", c);
        for (int axis = -cases[c].ndim; axis < cases[c].ndim; axis++)
            check_all(x, dy, cases[c].shape, cases[c].ndim, axis, what);
        free(x), free(dy);
    }
}

int main(void)
{
    tu_rng r;
    tu_rng_seed(&r, 7);
    /* the rows' vector kernels are per path (kernels/softmax_rows.inc): every path this CPU
     * supports */
    const activ_kernels *ks[ACTIV_ISA_COUNT];
    const int nisa = tu_isas(ks);
    const activ_isa saved = activ_get_isa();
    for (int ii = 0; ii < nisa; ii++) {
        CHECK_STATUS(activ_set_isa(ks[ii]->isa), ACTIV_OK, "set isa");
        accuracy();
        specials();
        near_window(&r);
        inplace(&r);
        bwd_specials();
    }
    activ_set_isa(saved);
    /* backward with heavy cancellation: dy constant, so dy_k - sum dy*y = c (1 - sum y) */
    {
        size_t sh[1] = {1000};
        float *y = tu_alloc(1000), *dy = tu_alloc(1000);
        for (int i = 0; i < 1000; i++) y[i] = tu_rng_range(&r, 1e-3f, 2e-3f), dy[i] = 0.75f;
        check_op(2, y, dy, sh, 1, 0, "cancelling dy");
        free(y), free(dy);
    }
    /* log_softmax backward as under NLL: dy = -1 at a dominant element (p = 1 - ~2^-37),
     * 0 elsewhere, so dx = p - 1 cancels to ~37 bits there (the long double path) and not
     * elsewhere (the double one) */
    {
        size_t sh[2] = {4, 50};
        float *x = tu_alloc(200), *y = tu_alloc(200), *dy = tu_alloc(200);
        for (int i = 0; i < 200; i++) x[i] = tu_rng_range(&r, -1, 1), dy[i] = 0.0f;
        for (int o = 0; o < 4; o++) x[o * 50 + 7 * o] = 30.0f - (float)o, dy[o * 50 + 7 * o] = -1.0f;
        activ_log_softmax_forward(x, y, sh, 2, -1);
        check_op(3, y, dy, sh, 2, -1, "NLL-like dy");
        free(x), free(y), free(dy);
    }
    errors();
    threads();
    for (int op = 0; op < 4; op++) printf("test_softmax: %-16s max %.3f ULP\n", op_name[op], ulp_max[op]);
    return tu_finish("test_softmax");
}
