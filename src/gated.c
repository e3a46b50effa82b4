/* gated.c - gated linear units y = f(a) * b (swiglu, geglu, reglu), forward and backward,
 * in the two-array and the split (F.glu) layouts. The math and the error bounds are in
 * include/activ.h ("gated linear units").
 *
 * Every element is evaluated in double with libm (exp, erfc) and rounded to fp32 once; near
 * the root of f' the derivative is evaluated in long double. Scalar C, threaded in chunks
 * whose size depends on the element count only (bitwise the same for any thread count).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "validate.h"

const char *activ_glu_name(activ_glu_kind kind)
{
    switch (kind) {
    case ACTIV_SWIGLU: return "swiglu";
    case ACTIV_GEGLU: return "geglu";
    case ACTIV_REGLU: return "reglu";
    default: return NULL;
    }
}

activ_status activ_glu_from_name(const char *name, activ_glu_kind *kind)
{
    if (!name || !kind) return ACTIV_ERR_NULL;
    for (int k = 0; k < ACTIV_GLU_COUNT; k++) {
        if (strcmp(name, activ_glu_name((activ_glu_kind)k)) == 0) {
            *kind = (activ_glu_kind)k;
            return ACTIV_OK;
        }
    }
    return ACTIV_ERR_KIND;
}

/* ---- f and f' in double ------------------------------------------------------------- */

/* sigmoid and 1 - sigmoid, both without cancellation */
static void glu_sig(double a, double *s, double *oms)
{
    double e = exp(-fabs(a)), r = 1.0 / (1.0 + e);
    *s = a >= 0 ? r : e * r;
    *oms = a >= 0 ? e * r : r;
}

#define GLU_SQRT1_2 0.70710678118654752440084436210484904
#define GLU_INV_SQRT_2PI 0.39894228040143267793994605993438187
/* the roots of f' (silu, gelu) and the half-width of the long double window around them */
#define GLU_SILU_ROOT (-1.2784645427610738)
#define GLU_GELU_ROOT (-0.7517915241)
#define GLU_WINDOW 0.0625

static double glu_f(activ_glu_kind k, double a)
{
    switch (k) {
    case ACTIV_SWIGLU: {
        if (isinf(a)) return a > 0 ? a : -0.0;
        double s, oms;
        glu_sig(a, &s, &oms);
        return a * s;
    }
    case ACTIV_GEGLU:
        if (isinf(a)) return a > 0 ? a : -0.0;
        return a * (0.5 * erfc(-a * GLU_SQRT1_2));
    default:
        return a > 0 ? a : (a == a ? (a == 0 ? a : 0.0) : a); /* relu, keeps -0 and NaN */
    }
}

static double glu_df(activ_glu_kind k, double a)
{
    if (a != a) return a;
    switch (k) {
    case ACTIV_SWIGLU: {
        if (isinf(a)) return a > 0 ? 1.0 : -0.0;
        if (fabs(a - GLU_SILU_ROOT) < GLU_WINDOW) {
            long double al = a, e = expl(-fabsl(al)), r = 1.0L / (1.0L + e);
            long double s = al >= 0 ? r : e * r, oms = al >= 0 ? e * r : r;
            return (double)(s * (1.0L + al * oms));
        }
        double s, oms;
        glu_sig(a, &s, &oms);
        return s * (1.0 + a * oms);
    }
    case ACTIV_GEGLU: {
        if (isinf(a)) return a > 0 ? 1.0 : -0.0;
        if (fabs(a - GLU_GELU_ROOT) < GLU_WINDOW) {
            long double al = a;
            long double Phi = 0.5L * erfcl(-al * 0.70710678118654752440084436210484904L);
            long double phi = 0.39894228040143267793994605993438187L * expl(-0.5L * al * al);
            return (double)(Phi + al * phi);
        }
        double Phi = 0.5 * erfc(-a * GLU_SQRT1_2);
        double phi = GLU_INV_SQRT_2PI * exp(-0.5 * a * a);
        return Phi + a * phi;
    }
    default:
        return a > 0 ? 1.0 : 0.0;
    }
}

/* ---- the chunked run -------------------------------------------------------------------- */

/* Element i of the call is (row r, column c) = (i / h, i % h); a and b of that element sit
 * at r*sab + c (pointers already offset to each half), y at r*sy + c. The two-array form is
 * one row of h = n. */
typedef struct glu_job {
    activ_glu_kind kind;
    int bwd;
    const float *a, *b, *dy;
    float *y, *da, *db;
    size_t h, sab, sy; /* columns, row stride of a/b/da/db, row stride of y/dy */
    size_t n, chunk;
} glu_job;

static void glu_chunk(void *ctx, size_t c)
{
    const glu_job *j = ctx;
    size_t i0 = c * j->chunk, i1 = i0 + j->chunk < j->n ? i0 + j->chunk : j->n;
    size_t r = i0 / j->h, col = i0 % j->h;
    for (size_t i = i0; i < i1; i++) {
        size_t oab = r * j->sab + col, oy = r * j->sy + col;
        double a = j->a[oab], b = j->b[oab];
        if (!j->bwd) {
            j->y[oy] = (float)(glu_f(j->kind, a) * b);
        } else {
            double g = j->dy[oy];
            double fa = glu_f(j->kind, a), dfa = glu_df(j->kind, a);
            float da = (float)((g * b) * dfa); /* g * b is exact (48 bits) */
            float db = (float)(g * fa);
            j->da[oab] = da;
            j->db[oab] = db;
        }
        if (++col == j->h) {
            col = 0;
            r++;
        }
    }
}

#define GLU_CHUNK 8192
#define GLU_SERIAL 16384
#define GLU_MAX_CHUNKS 64

static void glu_run(glu_job *j)
{
    size_t chunk = (j->n + GLU_MAX_CHUNKS - 1) / GLU_MAX_CHUNKS;
    if (chunk < GLU_CHUNK) chunk = GLU_CHUNK;
    if (j->n <= GLU_SERIAL) chunk = j->n;
    j->chunk = chunk;
    size_t nchunks = (j->n + chunk - 1) / chunk;
    if (nchunks == 1) glu_chunk(j, 0);
    else activ_parallel_for(nchunks, glu_chunk, j);
}

/* [p, p + n) and [q, q + m) floats share a byte; an output may be exactly an input of the
 * same layout, not partly (src/validate.h) */
static int glu_over(const float *p, size_t n, const float *q, size_t m)
{
    return activ_overlap(p, n * sizeof(float), q, m * sizeof(float));
}
static int glu_bad(const float *out, const float *in, size_t n)
{
    return activ_bad_alias(out, in, n * sizeof(float));
}

activ_status activ_glu_forward(activ_glu_kind kind, const float *a, const float *b, float *y,
                               size_t n)
{
    if (n == 0) return ACTIV_OK;
    if (!a || !b || !y) return ACTIV_ERR_NULL;
    if (n > (size_t)PTRDIFF_MAX / sizeof(float)) return ACTIV_ERR_SIZE;
    if ((unsigned)kind >= ACTIV_GLU_COUNT) return ACTIV_ERR_KIND;
    if (glu_bad(y, a, n) || glu_bad(y, b, n)) return ACTIV_ERR_OVERLAP;
    glu_job j = {.kind = kind, .a = a, .b = b, .y = y, .h = n, .sab = n, .sy = n, .n = n};
    glu_run(&j);
    return ACTIV_OK;
}

activ_status activ_glu_backward(activ_glu_kind kind, const float *a, const float *b,
                                const float *dy, float *da, float *db, size_t n)
{
    if (n == 0) return ACTIV_OK;
    if (!a || !b || !dy || !da || !db) return ACTIV_ERR_NULL;
    if (n > (size_t)PTRDIFF_MAX / sizeof(float)) return ACTIV_ERR_SIZE;
    if ((unsigned)kind >= ACTIV_GLU_COUNT) return ACTIV_ERR_KIND;
    if (glu_over(da, n, db, n)) return ACTIV_ERR_OVERLAP;
    const float *in[3] = {a, b, dy};
    for (int i = 0; i < 3; i++)
        if (glu_bad(da, in[i], n) || glu_bad(db, in[i], n)) return ACTIV_ERR_OVERLAP;
    glu_job j = {.kind = kind, .bwd = 1, .a = a, .b = b, .dy = dy, .da = da, .db = db,
                 .h = n, .sab = n, .sy = n, .n = n};
    glu_run(&j);
    return ACTIV_OK;
}

/* rows * 2h floats fit in the address space */
static activ_status glu_split_size(size_t rows, size_t h)
{
    size_t lim = (size_t)PTRDIFF_MAX / sizeof(float) / 2;
    if (h > lim || (h && rows > lim / h)) return ACTIV_ERR_SIZE;
    return ACTIV_OK;
}

activ_status activ_glu_split_forward(activ_glu_kind kind, const float *x, float *y, size_t rows,
                                     size_t h)
{
    if (rows == 0 || h == 0) return ACTIV_OK;
    if (!x || !y) return ACTIV_ERR_NULL;
    activ_status s = glu_split_size(rows, h);
    if (s != ACTIV_OK) return s;
    if ((unsigned)kind >= ACTIV_GLU_COUNT) return ACTIV_ERR_KIND;
    if (glu_over(y, rows * h, x, 2 * rows * h)) return ACTIV_ERR_OVERLAP;
    /* F.glu: first half linear (b), second half through f (a) */
    glu_job j = {.kind = kind, .a = x + h, .b = x, .y = y, .h = h, .sab = 2 * h, .sy = h,
                 .n = rows * h};
    glu_run(&j);
    return ACTIV_OK;
}

activ_status activ_glu_split_backward(activ_glu_kind kind, const float *x, const float *dy,
                                      float *dx, size_t rows, size_t h)
{
    if (rows == 0 || h == 0) return ACTIV_OK;
    if (!x || !dy || !dx) return ACTIV_ERR_NULL;
    activ_status s = glu_split_size(rows, h);
    if (s != ACTIV_OK) return s;
    if ((unsigned)kind >= ACTIV_GLU_COUNT) return ACTIV_ERR_KIND;
    if (glu_over(dx, 2 * rows * h, x, 2 * rows * h) || glu_over(dx, 2 * rows * h, dy, rows * h))
        return ACTIV_ERR_OVERLAP;
    glu_job j = {.kind = kind, .bwd = 1, .a = x + h, .b = x, .dy = dy, .da = dx + h, .db = dx,
                 .h = h, .sab = 2 * h, .sy = h, .n = rows * h};
    glu_run(&j);
    return ACTIV_OK;
}
