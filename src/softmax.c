/* softmax.c - softmax and log_softmax along one axis, forward and backward (from the output).
 * The math and the error bounds are in include/activ.h ("softmax / log_softmax").
 *
 * A tensor of shape[ndim] seen along `axis` is (outer, len, inner): row (o, i) is the len
 * elements o*len*inner + k*inner + i, k < len. Rows are independent; each row is computed by
 * one thread, start to end, in a fixed order (scalar C in double: libm's exp, or for the
 * 16-bit calls' forms the kernels' exp; exact sums where the bounds need them). Rows are
 * grouped into chunks whose size depends on the shape only, so the bits never depend on the
 * thread count.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
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

enum { SM_FWD, SM_LOG_FWD, SM_BWD, SM_LOG_BWD, SM_FWD16, SM_LOG_FWD16, SM_LOG_BWD16 };

typedef struct sm_job {
    int op;
    const float *x;  /* x (forward) or y (backward) */
    const float *dy; /* backward */
    float *out;
    sm_shape s;
    size_t rows_per_chunk, rows;
} sm_job;

#define SM_BLOCK 256

/* e^(x - m) (x - m exact in double) for a result that is rounded to fp32 (libm's exp) or,
 * lowp, to a 16-bit type: the kernels' exp (activ_exp_nonpos, relative error < 2^-28.9;
 * below e^-300 it gives e^-300, and such an e is below 2^-400 of S >= 1, so it rounds to
 * zero either way and moves T by nothing that shows). */
static double sm_exp(int lowp, float x, double dm)
{
    double a = (double)x - dm;
    return lowp ? activ_exp_nonpos(a) : exp(a);
}

/* The row's largest value and the first index holding it (*am), or NaN when the row holds
 * a NaN. Four running maxima (independent chains; `a > m ? a : m` keeps the first of equal
 * values) and a NaN flag, then the first index whose value equals the maximum: the same
 * index and value (sign of zero included) as one pass with `if (v > m)`, which kept the
 * earliest of equal values, without that pass's serial compare-and-move chain. */
static float sm_row_max(const float *x, size_t len, size_t st, size_t *am)
{
    float m0 = x[0], m1 = m0, m2 = m0, m3 = m0;
    int nan = 0;
    size_t k = 0;
    for (; k + 4 <= len; k += 4) {
        float a = x[k * st], b = x[(k + 1) * st], c = x[(k + 2) * st], d = x[(k + 3) * st];
        nan |= (a != a) | (b != b) | (c != c) | (d != d);
        m0 = a > m0 ? a : m0;
        m1 = b > m1 ? b : m1;
        m2 = c > m2 ? c : m2;
        m3 = d > m3 ? d : m3;
    }
    for (; k < len; k++) {
        float a = x[k * st];
        nan |= a != a;
        m0 = a > m0 ? a : m0;
    }
    if (nan) return NAN;
    float m = m0;
    m = m1 > m ? m1 : m;
    m = m2 > m ? m2 : m;
    m = m3 > m ? m3 : m;
    for (k = 0; k + 1 < len && x[k * st] != m; k++) { /* m is one of x[]: bounded anyway */
    }
    *am = k;
    return x[k * st];
}

/* One row. lowp (16-bit results, activ_softmax_forward_lowp): each e^(x_k - m) computed
 * once (sm_exp's lowp form) and, for softmax, kept in y as fp32 until S is known.
 * Error: softmax y_k = e_k / S, e_k relative < 2^-28.9, its fp32 copy 2^-24, S (a double
 * sum of positive terms) < 2^-28.8, the product and its fp32 rounding 2^-24: in all
 * < 2^-22.9 relative. log_softmax y_k = (x_k - m) - L, L = log1p(T): T relative < 2^-28.8
 * and T / ((1+T) log1p(T)) <= 1, so L is off by < 2^-28.8 L <= 2^-28.8 |y_k| (|y_k| >= L),
 * plus the fp32 rounding. A relative error r < 2^-22.9 is < 2^-11.9 ULP of fp16 (11 bits)
 * and less for bf16; rounding to the 16-bit type then gives at most 0.5 + 2 * 2^-11.9
 * < 0.501 ULP16 (include/activ.h's argument; fp16/bf16 subnormal results have a coarser
 * ULP still, and an fp32-subnormal e is off by < 2^-150). Inlined with constant logf and
 * lowp at each call. */
static inline __attribute__((always_inline)) void sm_fwd_row(int logf, int lowp, const float *x,
                                                             float *y, size_t len, size_t st)
{
    size_t am = 0;
    float m = sm_row_max(x, len, st, &am);
    if (!isfinite(m)) { /* NaN, +inf or a row of only -inf: NaN everywhere (PyTorch's result) */
        for (size_t k = 0; k < len; k++) y[k * st] = NAN;
        return;
    }
    double dm = m;
    /* T = sum over k != am of e^(x_k - m), in blocks of SM_BLOCK (a partial sum per block,
     * in index order) */
    double T = 0.0;
    for (size_t b = 0; b < len; b += SM_BLOCK) {
        const size_t end = len - b < SM_BLOCK ? len : b + SM_BLOCK;
        double part = 0.0;
        for (size_t k = b; k < end; k++) {
            if (k == am) continue;
            double e = sm_exp(lowp, x[k * st], dm);
            part += e;
            if (lowp && !logf) y[k * st] = (float)e; /* in place: x[k] is not read again */
        }
        T += part;
    }
    if (!logf && lowp) {
        double r = 1.0 / (1.0 + T);
        for (size_t k = 0; k < len; k++) y[k * st] = k == am ? (float)r : (float)(y[k * st] * r);
    } else if (!logf) {
        double S = 1.0 + T;
        for (size_t k = 0; k < len; k++) y[k * st] = (float)(exp((double)x[k * st] - dm) / S);
    } else {
        double L = log1p(T);
        for (size_t k = 0; k < len; k++) y[k * st] = (float)(((double)x[k * st] - dm) - L);
    }
}

/* softmax backward: dx_k = y_k (dy_k - s), s = sum dy_j y_j exactly */
static void sm_bwd_row(const float *y, const float *dy, float *dx, size_t len, size_t st)
{
    double p[SM_XMAX];
    int np = 0, finite = 1;
    double naive = 0.0;
    for (size_t k = 0; k < len; k++) {
        double t = (double)dy[k * st] * (double)y[k * st]; /* exact */
        naive += t;
        if (!isfinite(t)) finite = 0;
        if (finite && np < SM_XMAX) np = sm_grow(p, np, t);
    }
    if (!finite || np >= SM_XMAX) { /* IEEE rules (NaN / inf); the cap is never reached */
        for (size_t k = 0; k < len; k++)
            dx[k * st] = (float)((double)y[k * st] * ((double)dy[k * st] - naive));
        return;
    }
    /* -(dy_k - s) exactly as p's parts plus -dy_k, through TwoSum (no magnitude test, no
     * zero elimination), then rounded largest part first: the parts are sm_grow's with its
     * zero parts left in, and adding a zero changes no partial sum, so r is sm_grow and
     * sm_round's value bit for bit, without their branches and copy. */
    for (size_t k = 0; k < len; k++) {
        double yk = y[k * st], x = -(double)dy[k * st], lo[SM_XMAX];
        for (int j = 0; j < np; j++) {
            double hi = x + p[j], bv = hi - x;
            lo[j] = (x - (hi - bv)) + (p[j] - bv);
            x = hi;
        }
        double r = 0.0 + x; /* sm_round's start: -0 becomes +0 */
        for (int j = np - 1; j >= 0; j--) r += lo[j];
        dx[k * st] = (float)(yk * -r);
    }
}

/* log_softmax backward: dx_k = dy_k - e^(y_k) t, t = sum dy_j exactly. For an fp32 result
 * q = e^(y_k) t in long double (|error| <= 2^-61 |q|, include/activ.h). lowp (16-bit
 * results, activ_log_softmax_backward_lowp): in double, libm's exp (< 1 ULP) and t rounded
 * from the exact expansion of np parts (np 2^-53 relative): |error| <= (np + 3) 2^-53 |q|,
 * which is below 2^-19 |dx_k| (1/256 of an fp16 ULP) unless dy_k and q agree to
 * 34 - log2(np + 3) bits (the same kind of window as the fp32 call's, relative to its
 * 24-bit result). */
static void sm_log_bwd_row(int lowp, const float *y, const float *dy, float *dx, size_t len,
                           size_t st)
{
    double p[SM_XMAX];
    int np = 0, finite = 1;
    double naive = 0.0;
    for (size_t k = 0; k < len; k++) {
        double t = dy[k * st];
        naive += t;
        if (!isfinite(t)) finite = 0;
        if (finite && np < SM_XMAX) np = sm_grow(p, np, t);
    }
    if (lowp) {
        double td = (finite && np < SM_XMAX) ? sm_round(p, np) : naive;
        for (size_t k = 0; k < len; k++)
            dx[k * st] = (float)((double)dy[k * st] - exp((double)y[k * st]) * td);
        return;
    }
    long double t = (finite && np < SM_XMAX) ? sm_round_l(p, np) : (long double)naive;
    for (size_t k = 0; k < len; k++) {
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
        switch (j->op) {
        case SM_FWD: sm_fwd_row(0, 0, j->x + base, j->out + base, len, inner); break;
        case SM_LOG_FWD: sm_fwd_row(1, 0, j->x + base, j->out + base, len, inner); break;
        case SM_FWD16: sm_fwd_row(0, 1, j->x + base, j->out + base, len, inner); break;
        case SM_LOG_FWD16: sm_fwd_row(1, 1, j->x + base, j->out + base, len, inner); break;
        case SM_BWD: sm_bwd_row(j->x + base, j->dy + base, j->out + base, len, inner); break;
        case SM_LOG_BWD16: sm_log_bwd_row(1, j->x + base, j->dy + base, j->out + base, len, inner); break;
        default: sm_log_bwd_row(0, j->x + base, j->dy + base, j->out + base, len, inner); break;
        }
    }
}

/* rows of about 16K elements per chunk, at most 64 chunks; a call under 32K elements
 * runs on the calling thread */
#define SM_CHUNK_ELEMS 16384
#define SM_SERIAL 32768
#define SM_MAX_CHUNKS 64

static activ_status sm_run(int op, const float *in, const float *dy, float *out,
                           const size_t *shape, int ndim, int axis)
{
    sm_job j;
    memset(&j, 0, sizeof j);
    activ_status st = sm_shape_of(shape, ndim, axis, &j.s);
    if (st != ACTIV_OK) return st;
    if (j.s.total == 0) return ACTIV_OK;
    if (!in || !out || ((op == SM_BWD || op == SM_LOG_BWD || op == SM_LOG_BWD16) && !dy))
        return ACTIV_ERR_NULL;
    if (sm_overlap(out, in, j.s.total)) return ACTIV_ERR_OVERLAP;
    if (dy && sm_overlap(out, dy, j.s.total)) return ACTIV_ERR_OVERLAP;
    j.op = op;
    j.x = in;
    j.dy = dy;
    j.out = out;
    j.rows = j.s.outer * j.s.inner;
    size_t rpc = SM_CHUNK_ELEMS / j.s.len;
    if (rpc < 1) rpc = 1;
    size_t minrpc = (j.rows + SM_MAX_CHUNKS - 1) / SM_MAX_CHUNKS;
    if (rpc < minrpc) rpc = minrpc;
    if (j.s.total <= SM_SERIAL) rpc = j.rows;
    j.rows_per_chunk = rpc;
    size_t nchunks = (j.rows + rpc - 1) / rpc;
    if (nchunks == 1) sm_chunk(&j, 0);
    else activ_parallel_for(nchunks, sm_chunk, &j);
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

activ_status activ_softmax_forward_lowp(int logf, const float *x, float *y, const size_t *shape,
                                        int ndim, int axis)
{
    return sm_run(logf ? SM_LOG_FWD16 : SM_FWD16, x, NULL, y, shape, ndim, axis);
}

activ_status activ_log_softmax_backward_lowp(const float *y, const float *dy, float *dx,
                                             const size_t *shape, int ndim, int axis)
{
    return sm_run(SM_LOG_BWD16, y, dy, dx, shape, ndim, axis);
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
