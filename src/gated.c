/* gated.c - gated linear units y = f(a) * b (swiglu, geglu, reglu), forward and backward,
 * in the two-array and the split (F.glu) layouts: the checks, the layouts and the threads.
 * The contract is in include/activ.h ("gated linear units"); the math, its error argument
 * and the vector loops are in src/kernels/gated.inc, compiled once per ISA and taken from
 * the kernel table of the path in use (activ_kernels_current: ACTIV_ISA / activ_set_isa
 * choose it, as for the element-wise kinds). Threaded in chunks whose size depends on the
 * element count only; an element's bits depend on its own inputs only (gated.inc), so the
 * result is bitwise the same for any thread count.
 */
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

/* ---- the chunked run -------------------------------------------------------------------- */

/* Element i of the call is (row r, column c) = (i / h, i % h); a and b of that element sit
 * at r*sab + c (pointers already offset to each half), y at r*sy + c. The two-array form is
 * one row of h = n. A chunk calls the path's kernel once per contiguous piece of a row. */
typedef struct glu_job {
    activ_gfwd_fn fwd; /* the path's kernels for the kind (one of the two is used) */
    activ_gbwd_fn bwd;
    const float *a, *b, *dy;
    float *y, *da, *db;
    size_t h, sab, sy; /* columns, row stride of a/b/da/db, row stride of y/dy */
    size_t n, chunk;
} glu_job;

static void glu_chunk(void *ctx, size_t c)
{
    const glu_job *j = ctx;
    size_t i = c * j->chunk, i1 = i + j->chunk < j->n ? i + j->chunk : j->n;
    size_t r = i / j->h, col = i % j->h;
    while (i < i1) {
        size_t len = j->h - col < i1 - i ? j->h - col : i1 - i;
        size_t oab = r * j->sab + col, oy = r * j->sy + col;
        if (!j->bwd) j->fwd(j->a + oab, j->b + oab, j->y + oy, len);
        else j->bwd(j->a + oab, j->b + oab, j->dy + oy, j->da + oab, j->db + oab, len);
        i += len;
        col = 0;
        r++;
    }
}

/* as the element-wise math kinds (src/api.c): a call of up to GLU_SERIAL elements runs in
 * the caller; larger ones in at most GLU_MAX_CHUNKS chunks of at least GLU_CHUNK */
#define GLU_CHUNK 16384
#define GLU_SERIAL 32768
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
    glu_job j = {.fwd = activ_kernels_current()->gfwd[kind], .a = a, .b = b, .y = y, .h = n,
                 .sab = n, .sy = n, .n = n};
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
    glu_job j = {.bwd = activ_kernels_current()->gbwd[kind], .a = a, .b = b, .dy = dy,
                 .da = da, .db = db, .h = n, .sab = n, .sy = n, .n = n};
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
    glu_job j = {.fwd = activ_kernels_current()->gfwd[kind], .a = x + h, .b = x, .y = y, .h = h,
                 .sab = 2 * h, .sy = h, .n = rows * h};
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
    glu_job j = {.bwd = activ_kernels_current()->gbwd[kind], .a = x + h, .b = x, .dy = dy,
                 .da = dx + h, .db = dx, .h = h, .sab = 2 * h, .sy = h, .n = rows * h};
    glu_run(&j);
    return ACTIV_OK;
}
