/* softmax.c - softmax and log_softmax along one axis, forward and backward (from the output).
 * The math and the error bounds are in include/activ.h ("softmax / log_softmax").
 *
 * A tensor of shape[ndim] seen along `axis` is (outer, len, inner): row (o, i) is the len
 * elements o*len*inner + k*inner + i, k < len. Rows are independent; each row is computed by
 * one thread, start to end, in a fixed order (the forwards: blocks of the row through the
 * path's vector kernels, kernels/softmax_rows.inc, on fp32 or 16-bit storage; the backwards:
 * scalar C in double with exact sums where the bounds need them). Rows are
 * grouped into chunks whose size depends on the shape only, so the bits never depend on the
 * thread count.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "kernels/half.h"
#include "validate.h"

/* ---- shape and argument checks -------------------------------------------------------- */

typedef struct sm_shape {
    size_t outer, len, inner, total;
} sm_shape;

static activ_status sm_shape_of(const size_t *shape, int ndim, int axis, sm_shape *s)
{
    if (!shape) return ACTIV_ERR_NULL;
    if (ndim < 1 || ndim > ACTIV_MAX_DIMS) return ACTIV_ERR_SHAPE;
    if (axis < -ndim || axis >= ndim) return ACTIV_ERR_SHAPE;
    if (axis < 0) axis += ndim;
    size_t total = 1;
    int zero = 0;
    for (int d = 0; d < ndim; d++) zero |= shape[d] == 0;
    s->outer = s->inner = 1;
    for (int d = 0; d < ndim; d++) {
        if (!zero && shape[d] > ((size_t)PTRDIFF_MAX / sizeof(float)) / total) return ACTIV_ERR_SIZE;
        total *= shape[d];
        if (d < axis) s->outer *= shape[d];
        if (d > axis) s->inner *= shape[d];
    }
    s->len = shape[axis];
    s->total = zero ? 0 : total;
    return ACTIV_OK;
}

static int sm_overlap(const float *out, const float *in, size_t n)
{
    return activ_bad_alias(out, in, n * sizeof(float));
}

/* ---- exact sums: a non-overlapping expansion of doubles (Shewchuk / math.fsum) ------------ */

/* Every term added is a multiple of 2^-298 (a product of two fp32) below 2^321 in
 * magnitude, and the parts of the expansion are non-overlapping, so there are at most
 * 619 of them; SM_XMAX leaves room. */
#define SM_XMAX 640

/* adds x to the expansion p[np] (increasing magnitude); returns the new length */
static int sm_grow(double *p, int np, double x)
{
    int i = 0;
    for (int j = 0; j < np; j++) {
        double y = p[j];
        if (fabs(x) < fabs(y)) {
            double t = x;
            x = y;
            y = t;
        }
        double hi = x + y;
        double lo = y - (hi - x);
        if (lo != 0.0) p[i++] = lo;
        x = hi;
    }
    p[i++] = x;
    return i;
}

/* the expansion's value in double: largest part first; each partial sum is within 2^-52 of
 * the total, so the error is below np * 2^-53 relative */
static double sm_round(const double *p, int np)
{
    double r = 0.0;
    for (int j = np - 1; j >= 0; j--) r += p[j];
    return r;
}

static long double sm_round_l(const double *p, int np)
{
    long double r = 0.0L;
    for (int j = np - 1; j >= 0; j--) r += p[j];
    return r;
}

/* ---- one row ------------------------------------------------------------------------- */

enum { SM_FWD, SM_LOG_FWD, SM_BWD, SM_LOG_BWD };

typedef struct sm_job {
    int op;
    const activ_kernels *kt; /* the path's softmax kernels (.sm) */
    const activ_cvt16 *cv;   /* the forwards on 16-bit storage; NULL: fp32 */
    const void *x;           /* x (forward: float or uint16_t) or y (backward: float) */
    const float *dy;         /* backward */
    void *out;
    sm_shape s;
    size_t rows_per_chunk, rows;
} sm_job;

#define SM_BLOCK 256  /* the forward's pieces of a row: e^(x - m) in double, summed per block */
#define SM_KEEP 2048  /* softmax rows up to this long keep their e^(x - m) for the last pass */

/* The forward's input block [b, b + nb) of the row at element `base` (stride st) as
 * contiguous floats: x itself (fp32, stride 1) or buf (gathered and/or widened exactly). */
static const float *sm_load(const sm_job *j, size_t base, size_t st, size_t b, size_t nb,
                            float *buf)
{
    const size_t o = base + b * st;
    if (!j->cv) {
        const float *x = (const float *)j->x + o;
        if (st == 1) return x;
        for (size_t k = 0; k < nb; k++) buf[k] = x[k * st];
        return buf;
    }
    const uint16_t *h = (const uint16_t *)j->x + o;
    if (st == 1) {
        j->cv->to32(h, buf, nb);
        return buf;
    }
    uint16_t t[SM_BLOCK];
    for (size_t k = 0; k < nb; k++) t[k] = h[k * st];
    j->cv->to32(t, buf, nb);
    return buf;
}

/* where the forward's results for that block go: y itself (fp32, stride 1) or buf, which
 * sm_flush then stores (scattered and/or rounded to the 16-bit type once) */
static float *sm_outbuf(const sm_job *j, size_t base, size_t st, size_t b, float *buf)
{
    return !j->cv && st == 1 ? (float *)j->out + base + b : buf;
}

static void sm_flush(const sm_job *j, size_t base, size_t st, size_t b, size_t nb,
                     const float *yb)
{
    const size_t o = base + b * st;
    if (!j->cv) {
        float *y = (float *)j->out + o;
        if (st != 1)
            for (size_t k = 0; k < nb; k++) y[k * st] = yb[k];
        return;
    }
    uint16_t *h = (uint16_t *)j->out + o;
    if (st == 1) {
        j->cv->from32(yb, h, nb);
        return;
    }
    uint16_t t[SM_BLOCK];
    j->cv->from32(yb, t, nb);
    for (size_t k = 0; k < nb; k++) h[k * st] = t[k];
}

/* One row of the forward, in blocks of SM_BLOCK, with the path's kernels
 * (kernels/softmax_rows.inc). Pass 1: m = the largest value (NaN: a NaN in the row). Pass 2:
 * e_k = e^(x_k - m) in double; T = the sum of the e_k with x_k != m (per block in the
 * kernel's double lanes, the block sums added in order), plus c - 1 for the c elements equal
 * to m (each term exactly 1; one of them is S's leading 1). Pass 3: softmax
 * y_k = e_k * (1 / (1 + T)) (the e_k kept from pass 2 for rows up to SM_KEEP, recomputed - the
 * same bits - beyond), log_softmax y_k = (x_k - m) - log1p(T). Each y is rounded to fp32 once
 * (and, on 16-bit storage, that fp32 value to the 16-bit type once). The bound is
 * include/activ.h's:
 *   e_k: relative error < 2^-28.9 + 2^-44.6 (softmax_rows.inc); T: each term's, plus the
 *   summation's < (256 + n/256) 1.01 * 2^-53 < 2^-29 for n < 2^32 (non-negative terms;
 *   c - 1 is exact);
 *   softmax: e_k, S = 1 + T, r = 1/S (2^-53) and the product (2^-53): < 2^-27.3 relative,
 *   so the fp32 result is within 0.5 + 2^-27.3 * 2^24 < 0.6 ULP;
 *   log_softmax: log1p(T) (glibc, < 1 double ULP; condition number <= 1) relative < 2^-27.9,
 *   y_k = d_k - L a sum of two values of one sign (d_k <= 0, -L <= 0): < 2^-27.8, within
 *   0.5 + 2^-3.8 < 0.58 ULP. */
static void sm_fwd_row(const sm_job *j, int logf, size_t base, size_t len, size_t st)
{
    const activ_smk *K = &j->kt->sm;
    float xb[SM_BLOCK], yb[SM_BLOCK], xrow[SM_KEEP];
    double eb[SM_BLOCK], kept[SM_KEEP];
    /* a row that needs converting or gathering is read once, into xrow, when it fits */
    const float *xr = NULL;
    if ((j->cv || st != 1) && len <= SM_KEEP) {
        for (size_t b = 0; b < len; b += SM_BLOCK) {
            const size_t nb = len - b < SM_BLOCK ? len - b : SM_BLOCK;
            const float *x = sm_load(j, base, st, b, nb, xrow + b);
            if (x != xrow + b) memcpy(xrow + b, x, nb * sizeof(float));
        }
        xr = xrow;
    }
#define SM_X(b, nb) (xr ? xr + (b) : sm_load(j, base, st, (b), (nb), xb))
    float m = 0.0f;
    for (size_t b = 0; b < len && m == m; b += SM_BLOCK) {
        const size_t nb = len - b < SM_BLOCK ? len - b : SM_BLOCK;
        float bm = K->max(SM_X(b, nb), nb);
        if (b == 0 || !(bm <= m)) m = bm; /* NaN sticks */
    }
    if (!isfinite(m)) { /* NaN, +inf or a row of only -inf: NaN everywhere (PyTorch's result) */
        for (size_t k = 0; k < SM_BLOCK; k++) yb[k] = NAN;
        for (size_t b = 0; b < len; b += SM_BLOCK) {
            const size_t nb = len - b < SM_BLOCK ? len - b : SM_BLOCK;
            float *y = sm_outbuf(j, base, st, b, yb);
            if (y != yb) memcpy(y, yb, nb * sizeof(float));
            sm_flush(j, base, st, b, nb, yb);
        }
        return;
    }
    const double dm = m;
    const int keep = !logf && len <= SM_KEEP;
    size_t cnt = 0;
    double T = 0.0;
    for (size_t b = 0; b < len; b += SM_BLOCK) {
        const size_t nb = len - b < SM_BLOCK ? len - b : SM_BLOCK;
        T += K->exp_sum(SM_X(b, nb), dm, keep ? kept + b : NULL, nb, &cnt);
    }
    T += (double)(cnt - 1); /* cnt >= 1: m is one of the row's values */
    const double L = logf ? log1p(T) : 0.0, r = 1.0 / (1.0 + T);
    for (size_t b = 0; b < len; b += SM_BLOCK) {
        const size_t nb = len - b < SM_BLOCK ? len - b : SM_BLOCK;
        float *y = sm_outbuf(j, base, st, b, yb);
        if (logf) {
            K->logsub(SM_X(b, nb), dm, L, y, nb);
        } else {
            const double *e = kept + b;
            if (!keep) {
                size_t c2 = 0;
                (void)K->exp_sum(SM_X(b, nb), dm, eb, nb, &c2);
                e = eb;
            }
            K->scale(e, r, y, nb);
        }
        sm_flush(j, base, st, b, nb, yb);
    }
#undef SM_X
}

/* ---- the backwards' row sums ------------------------------------------------------------
 * s = sum_k t_k with t_k = dy_k y_k (softmax; exact in double, 24 x 24 bits) or dy_k
 * (log_softmax). First compensated, in one pass: Ogita, Rump and Oishi's Sum2 (TwoSum of
 * each term into hi, the rounding errors summed into lo) gives hi + lo within
 * gamma_{n-1}^2 A of s, A = sum |t_k| (gamma_k = k u / (1 - k u), u = 2^-53; no underflow
 * can break it: every nonzero term is at least 2^-298). Where that a-posteriori
 * bound is small enough against |hi + lo| it serves; otherwise the exact expansion (sm_grow)
 * gives s, in a second pass, only then. */
typedef struct sm_sum {
    int finite;      /* every term finite; else `plain` is the plain double sum (IEEE rules) */
    double hi, lo;   /* Sum2 */
    double err;      /* |hi + lo - s| <= err (sm_sum_row) */
    double plain;
    int np;          /* the expansion's parts, once built (-1: not yet) */
    double p[SM_XMAX];
} sm_sum;

static double sm_term(const float *y, const float *dy, size_t k, size_t st)
{
    return y ? (double)dy[k * st] * (double)y[k * st] : (double)dy[k * st];
}

/* TwoSum: a + b = *h + (returned) exactly */
static inline double sm_two_sum(double a, double b, double *h)
{
    double s = a + b, bv = s - a;
    *h = s;
    return (a - (s - bv)) + (b - bv);
}

/* y NULL: t_k = dy_k. Four Sum2 chains (t_k into chain k % 4: independent, so they overlap
 * in the pipeline), then the four (hi, lo) pairs added: the his by TwoSum (exact; each error
 * e is at most u |partial sum| <= u A), the los and the es in 6 rounded additions whose
 * partial sums are at most sum gamma_{n/4} A_j + 3 u A <= (gamma_n + 3u) A. With chain j's
 * own bound gamma_{n_j}^2 A_j this gives |hi + lo - s| <= gamma_n^2 A + 6 u (gamma_n + 3u) A
 * <= 32 (n u)^2 A (n >= 1, n u < 2^-20). */
#define SM_SUM2_STEP(c, t)                                                                 \
    do {                                                                                   \
        double t_ = (t);                                                                   \
        lo##c += sm_two_sum(hi##c, t_, &hi##c);                                            \
        A##c += fabs(t_);                                                                  \
    } while (0)

static inline __attribute__((always_inline)) void sm_sum_rowp(int prod, sm_sum *S, const float *y,
                                                               const float *dy, size_t len,
                                                               size_t st)
{
    double hi0 = 0, hi1 = 0, hi2 = 0, hi3 = 0, lo0 = 0, lo1 = 0, lo2 = 0, lo3 = 0;
    double A0 = 0, A1 = 0, A2 = 0, A3 = 0;
#define SM_T(k) (prod ? (double)dy[(k) * st] * (double)y[(k) * st] : (double)dy[(k) * st])
    size_t k = 0;
    for (; k + 4 <= len; k += 4) {
        SM_SUM2_STEP(0, SM_T(k));
        SM_SUM2_STEP(1, SM_T(k + 1));
        SM_SUM2_STEP(2, SM_T(k + 2));
        SM_SUM2_STEP(3, SM_T(k + 3));
    }
    if (k < len) SM_SUM2_STEP(0, SM_T(k));
    if (k + 1 < len) SM_SUM2_STEP(1, SM_T(k + 1));
    if (k + 2 < len) SM_SUM2_STEP(2, SM_T(k + 2));
#undef SM_T
    double h01, h23, h, e01 = sm_two_sum(hi0, hi1, &h01), e23 = sm_two_sum(hi2, hi3, &h23);
    double e = sm_two_sum(h01, h23, &h);
    const double Aall = (A0 + A1) + (A2 + A3);
    S->np = -1;
    S->finite = isfinite(Aall);
    S->hi = h;
    S->lo = ((lo0 + lo1) + (lo2 + lo3)) + ((e01 + e23) + e);
    const double g = (double)len * 0x1p-53;
    S->err = 32.0 * g * g * Aall * (1.0 + 0x1p-20); /* Aall's own rounding: < n u */
    if (!S->finite) {
        S->plain = 0.0;
        for (k = 0; k < len; k++) S->plain += sm_term(y, dy, k, st);
    }
}
#undef SM_SUM2_STEP

/* contiguous rows: the path's vector Sum2 (kernels/softmax_rows.inc: c <= 16 chains, bound
 * 2 (n + 16)^2 u^2 A); strided ones: the four chains above */
static void sm_sum_row(const activ_smk *K, sm_sum *S, const float *y, const float *dy, size_t len,
                       size_t st)
{
    if (st != 1) {
        if (y) sm_sum_rowp(1, S, y, dy, len, st);
        else sm_sum_rowp(0, S, y, dy, len, st);
        return;
    }
    double o[3];
    K->sum2(y, dy, len, o);
    S->np = -1;
    S->finite = isfinite(o[2]);
    S->hi = o[0], S->lo = o[1];
    const double g = ((double)len + 16.0) * 0x1p-53;
    S->err = 2.0 * g * g * o[2] * (1.0 + 0x1p-20); /* A's own rounding: < n u */
    if (!S->finite) {
        S->plain = 0.0;
        for (size_t k = 0; k < len; k++) S->plain += sm_term(y, dy, k, 1);
    }
}

/* the exact expansion of s (S finite), built on first use: before any output is written,
 * since an output may be dy or y */
static const double *sm_exact(sm_sum *S, const float *y, const float *dy, size_t len, size_t st)
{
    if (S->np < 0) {
        S->np = 0;
        for (size_t k = 0; k < len; k++) S->np = sm_grow(S->p, S->np, sm_term(y, dy, k, st));
    }
    return S->p;
}

/* s in double: hi + lo where err <= 2^-46 |hi + lo| (then the rounding adds u: within
 * 2^-45.9 |s|; *win = 2^-16), else the expansion rounded (np 2^-53 <= 2^-43.6 at most,
 * np <= 640 parts, a few in practice; *win = 2^-10). A difference x - sd with
 * |x - sd| >= win |sd| is then within 2^-29.9 (2^-33.6) of x - s, relative. */
static double sm_sum_d(sm_sum *S, const float *y, const float *dy, size_t len, size_t st,
                       double *win)
{
    const double d = S->hi + S->lo;
    if (S->err <= 0x1p-46 * fabs(d)) {
        *win = 0x1p-16;
        return d;
    }
    sm_exact(S, y, dy, len, st);
    *win = 0x1p-10;
    return sm_round(S->p, S->np);
}

/* s in long double within 2^-63 |s|: hi + lo where err <= 2^-64 |hi + lo|, else the
 * expansion rounded in long double (a few parts, each step 2^-64) */
static long double sm_sum_l(sm_sum *S, const float *y, const float *dy, size_t len, size_t st)
{
    const long double d = (long double)S->hi + S->lo;
    if (S->err <= 0x1p-64 * fabsl(d)) return d;
    sm_exact(S, y, dy, len, st);
    return sm_round_l(S->p, S->np);
}

/* softmax backward: dx_k = y_k (dy_k - s), s = sum dy_j y_j. First in double: sd from
 * sm_sum_d; where |sd - dy_k| >= win |sd|, r = sd - dy_k is within 2^-29.9 of s - dy_k
 * (relative), and the fp32 result within 0.5 + 2^-5.9 ULP. Elsewhere s - dy_k exactly, as
 * the expansion's parts plus -dy_k through TwoSum (no magnitude test or zero elimination:
 * the parts are sm_grow's with its zero parts left in, and adding a zero changes no partial
 * sum), rounded largest part first: within 0.5 + 2^-26 ULP. -(sd - dy_k), not dy_k - sd:
 * the exact path's sign of zero. */
static void sm_bwd_row(const activ_smk *K, const float *y, const float *dy, float *dx, size_t len,
                       size_t st)
{
    sm_sum S;
    sm_sum_row(K, &S, y, dy, len, st);
    if (!S.finite) { /* IEEE rules (NaN / inf) */
        for (size_t k = 0; k < len; k++)
            dx[k * st] = (float)((double)y[k * st] * ((double)dy[k * st] - S.plain));
        return;
    }
    double win;
    const double sd = sm_sum_d(&S, y, dy, len, st, &win);
    /* the expansion, if an element needs it, before any dx is written (dx may be dy or y) */
    const double thr = win * fabs(sd);
    if (st == 1 && !K->bwd_need(dy, len, sd, thr)) { /* the path's vector kernels */
        K->bwd(y, dy, dx, len, sd);
        return;
    }
    int need = 0;
    for (size_t k = 0; k < len; k++) need |= !(fabs(sd - (double)dy[k * st]) >= thr);
    if (!need) {
        for (size_t k = 0; k < len; k++)
            dx[k * st] = (float)((double)y[k * st] * -(sd - (double)dy[k * st]));
        return;
    }
    const double *p = sm_exact(&S, y, dy, len, st);
    for (size_t k = 0; k < len; k++) {
        double r0 = sd - (double)dy[k * st];
        if (fabs(r0) >= thr) {
            dx[k * st] = (float)((double)y[k * st] * -r0);
            continue;
        }
        double yk = y[k * st], x = -(double)dy[k * st], lo[SM_XMAX];
        for (int j = 0; j < S.np; j++) lo[j] = sm_two_sum(x, p[j], &x);
        double r = 0.0 + x; /* sm_round's start: -0 becomes +0 */
        for (int j = S.np - 1; j >= 0; j--) r += lo[j];
        dx[k * st] = (float)(yk * -r);
    }
}

/* log_softmax backward: dx_k = dy_k - e^(y_k) t, t = sum dy_j. First in double: q = e^(y_k) td
 * (td from sm_sum_d; e^y by the path's sm_exp_acc, < 2^-50.7, for contiguous rows, libm's exp,
 * < 2^-52, for strided ones): |error of q| <= 2^-45.6 |q| (2^-43.5 when td came from the
 * exact sum); where |dy_k - q| >= win |q| (no cancellation to speak of; q normal and
 * finite) that result's error is below 2^-29.6 (2^-33.5) |dx_k|, i.e. 0.5 + 2^-5.6 ULP after
 * the fp32 rounding. Elsewhere (dy_k and q agree to 16 (10) bits, q tiny, huge or NaN, t = 0)
 * q and the difference again in long double, t within 2^-63 (|error| <= 2^-61 |q|,
 * include/activ.h). t in long double is formed before any dx is written (dx may be dy). */
static void sm_log_bwd_row(const activ_smk *K, const float *y, const float *dy, float *dx,
                           size_t len, size_t st)
{
    sm_sum S;
    sm_sum_row(K, &S, NULL, dy, len, st);
    double win = 0x1p-10;
    const double td = S.finite ? sm_sum_d(&S, NULL, dy, len, st, &win) : S.plain;
    const long double t = S.finite ? sm_sum_l(&S, NULL, dy, len, st) : (long double)S.plain;
    if (st == 1) {
        K->lbwd(y, dy, dx, len, td, t, win);
        return;
    }
    for (size_t k = 0; k < len; k++) {
        const double qd = exp((double)y[k * st]) * td, dd = (double)dy[k * st] - qd;
        if (fabs(dd) >= win * fabs(qd) && fabs(qd) >= 0x1p-1000 && fabs(qd) <= 0x1p1000) {
            dx[k * st] = (float)dd;
            continue;
        }
        long double q = expl((long double)y[k * st]) * t;
        dx[k * st] = (float)((long double)dy[k * st] - q);
    }
}

static void sm_chunk(void *ctx, size_t c)
{
    const sm_job *j = ctx;
    size_t r0 = c * j->rows_per_chunk;
    size_t r1 = r0 + j->rows_per_chunk < j->rows ? r0 + j->rows_per_chunk : j->rows;
    size_t len = j->s.len, inner = j->s.inner;
    for (size_t r = r0; r < r1; r++) {
        size_t o = r / inner, i = r % inner;
        size_t base = o * len * inner + i;
        const float *y = (const float *)j->x + base;
        float *dx = (float *)j->out + base;
        switch (j->op) {
        case SM_FWD: sm_fwd_row(j, 0, base, len, inner); break;
        case SM_LOG_FWD: sm_fwd_row(j, 1, base, len, inner); break;
        case SM_BWD: sm_bwd_row(&j->kt->sm, y, j->dy + base, dx, len, inner); break;
        default: sm_log_bwd_row(&j->kt->sm, y, j->dy + base, dx, len, inner); break;
        }
    }
}

/* rows of about 16K elements per chunk, at most 64 chunks; a call under 32K elements
 * runs on the calling thread */
#define SM_CHUNK_ELEMS 16384
#define SM_SERIAL 32768
#define SM_MAX_CHUNKS 64

/* the rows of j (shape and pointers set) in chunks */
static void sm_go(sm_job *j)
{
    j->kt = activ_kernels_current();
    j->rows = j->s.outer * j->s.inner;
    size_t rpc = SM_CHUNK_ELEMS / j->s.len;
    if (rpc < 1) rpc = 1;
    size_t minrpc = (j->rows + SM_MAX_CHUNKS - 1) / SM_MAX_CHUNKS;
    if (rpc < minrpc) rpc = minrpc;
    if (j->s.total <= SM_SERIAL) rpc = j->rows;
    j->rows_per_chunk = rpc;
    size_t nchunks = (j->rows + rpc - 1) / rpc;
    if (nchunks == 1) sm_chunk(j, 0);
    else activ_parallel_for(nchunks, sm_chunk, j);
}

static activ_status sm_run(int op, const float *in, const float *dy, float *out,
                           const size_t *shape, int ndim, int axis)
{
    sm_job j;
    memset(&j, 0, sizeof j);
    activ_status st = sm_shape_of(shape, ndim, axis, &j.s);
    if (st != ACTIV_OK) return st;
    if (j.s.total == 0) return ACTIV_OK;
    if (!in || !out || ((op == SM_BWD || op == SM_LOG_BWD) && !dy))
        return ACTIV_ERR_NULL;
    if (sm_overlap(out, in, j.s.total)) return ACTIV_ERR_OVERLAP;
    if (dy && sm_overlap(out, dy, j.s.total)) return ACTIV_ERR_OVERLAP;
    j.op = op;
    j.x = in;
    j.dy = dy;
    j.out = out;
    sm_go(&j);
    return ACTIV_OK;
}

activ_status activ_softmax_forward(const float *x, float *y, const size_t *shape, int ndim,
                                   int axis)
{
    return sm_run(SM_FWD, x, NULL, y, shape, ndim, axis);
}

activ_status activ_log_softmax_forward(const float *x, float *y, const size_t *shape, int ndim,
                                       int axis)
{
    return sm_run(SM_LOG_FWD, x, NULL, y, shape, ndim, axis);
}

activ_status activ_softmax_forward16_rows(activ_half dt, int logf, const uint16_t *x,
                                          uint16_t *y, const size_t *shape, int ndim, int axis)
{
    sm_job j;
    memset(&j, 0, sizeof j);
    activ_status st = sm_shape_of(shape, ndim, axis, &j.s);
    if (st != ACTIV_OK || j.s.total == 0) return st;
    j.op = logf ? SM_LOG_FWD : SM_FWD;
    j.cv = activ_half_cvt(dt);
    j.x = x;
    j.out = y;
    sm_go(&j);
    return ACTIV_OK;
}

activ_status activ_softmax_backward(const float *y, const float *dy, float *dx,
                                    const size_t *shape, int ndim, int axis)
{
    return sm_run(SM_BWD, y, dy, dx, shape, ndim, axis);
}

activ_status activ_log_softmax_backward(const float *y, const float *dy, float *dx,
                                        const size_t *shape, int ndim, int axis)
{
    return sm_run(SM_LOG_BWD, y, dy, dx, shape, ndim, axis);
}
