/* half_rows.c - softmax, log_softmax and the gated units on 16-bit storage (the contract is in
 * include/activ.h, "16-bit storage for softmax and the gated units"): the 16-bit inputs are
 * converted to fp32 exactly, the fp32 function runs on the fp32 values, and its results are
 * rounded to the 16-bit type once. The gated units are element-wise: H_CHUNK elements per
 * task on libactiv's pool, each task one call of the path's fused 16-bit gated kernel
 * (conversions in its loads and stores; swiglu and geglu there in fp32 lanes, see
 * glu16_job) or, on paths without one, blocks of H_BLOCK elements converted on the stack
 * around the path's fp32 gated kernel. The softmax forwards run the fp32 forward's rows with
 * the conversions inside (src/softmax.c, no copies); the backwards convert groups of rows on
 * the stack (last axis, rows up to H_BLOCK) or else whole fp32 copies (from the heap) in
 * parallel blocks, and run the fp32 call on them. Checks come first, with the fp32
 * functions' rules applied to the 16-bit arrays; a failing call writes nothing. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"
#include "kernels/half.h"
#include "validate.h"

/* [p, p + n) and [q, q + m) 16-bit elements share a byte; an output may be exactly an input
 * of the same length, not partly (src/validate.h) */
static int h_over(const uint16_t *p, size_t n, const uint16_t *q, size_t m)
{
    return activ_overlap(p, n * sizeof(uint16_t), q, m * sizeof(uint16_t));
}

static int h_bad(const uint16_t *out, const uint16_t *in, size_t n)
{
    return activ_bad_alias(out, in, n * sizeof(uint16_t));
}

enum { H_BLOCK = 2048, H_CHUNK = 16384 }; /* elements per stack block, per task */

/* a conversion of n elements in tasks of H_CHUNK */
typedef struct cvt_job {
    const activ_cvt16 *cv;
    const uint16_t *h16; /* widen: from */
    float *f;
    uint16_t *o16;       /* narrow: to */
    size_t n;
} cvt_job;

static void cvt_task(void *ctx, size_t c)
{
    const cvt_job *j = ctx;
    const size_t i = c * H_CHUNK, len = j->n - i < H_CHUNK ? j->n - i : H_CHUNK;
    if (j->h16)
        j->cv->to32(j->h16 + i, j->f + i, len);
    else
        j->cv->from32(j->f + i, j->o16 + i, len);
}

static void cvt_run(activ_half dt, const uint16_t *h16, float *f, uint16_t *o16, size_t n)
{
    cvt_job j = {activ_half_cvt(dt), h16, f, o16, n};
    (void)activ_parallel_for_each((n + H_CHUNK - 1) / H_CHUNK, cvt_task, &j);
}

/* fp32 copies of k inputs of n elements each, one block; NULL when out of memory (or n·k
 * floats do not fit) */
static float *h_widen(activ_half dt, const uint16_t *const *in, int k, size_t n)
{
    if (n > (size_t)PTRDIFF_MAX / sizeof(float) / 4)
        return NULL;
    float *f = malloc((n ? n : 1) * (size_t)k * sizeof(float));
    if (!f)
        return NULL;
    for (int i = 0; i < k; i++)
        cvt_run(dt, in[i], f + (size_t)i * n, NULL, n);
    return f;
}

static void h_narrow(activ_half dt, const float *f, uint16_t *out, size_t n)
{
    cvt_run(dt, NULL, (float *)f, out, n);
}

/* ---- softmax / log_softmax ------------------------------------------------------------ */

typedef activ_status (*sm_bwd_fn)(const float *, const float *, float *, const size_t *, int, int);

/* the element count of shape[ndim]; the checks the fp32 call makes first */
static activ_status sm_count(const size_t *shape, int ndim, int axis, size_t *n)
{
    if (!shape)
        return ACTIV_ERR_NULL;
    if (ndim < 1 || ndim > ACTIV_MAX_DIMS || axis < -ndim || axis >= ndim)
        return ACTIV_ERR_SHAPE;
    size_t total = 1;
    for (int d = 0; d < ndim; d++)
        if (shape[d] == 0) {
            *n = 0;
            return ACTIV_OK;
        }
    for (int d = 0; d < ndim; d++) {
        if (shape[d] > ((size_t)PTRDIFF_MAX / sizeof(float)) / total)
            return ACTIV_ERR_SIZE;
        total *= shape[d];
    }
    *n = total;
    return ACTIV_OK;
}

/* the 16-bit calls' checks: those of the fp32 call, on the 16-bit arrays */
static activ_status sm16_check(activ_half dt, const uint16_t *in, const uint16_t *dy, int bwd,
                               const uint16_t *out, const size_t *shape, int ndim, int axis,
                               size_t *n)
{
    if ((unsigned)dt > ACTIV_BF16)
        return ACTIV_ERR_PARAM;
    activ_status st = sm_count(shape, ndim, axis, n);
    if (st != ACTIV_OK || *n == 0)
        return st;
    if (!in || !out || (bwd && !dy))
        return ACTIV_ERR_NULL;
    if (h_bad(out, in, *n) || (bwd && h_bad(out, dy, *n)))
        return ACTIV_ERR_OVERLAP;
    return ACTIV_OK;
}

/* along the last axis, rows up to H_BLOCK: tasks of whole rows (up to H_BLOCK elements),
 * each converting its rows of y and dy into fp32 on its stack, running the fp32 call on
 * them (serially: a small call, inside a pool task) and rounding the results. Rows are
 * independent, so the bits are the whole-tensor call's; nothing is allocated, so nothing
 * can fail after the first write. */
typedef struct sm16_job {
    const activ_cvt16 *cv;
    sm_bwd_fn bwd;
    const uint16_t *y, *dy;
    uint16_t *out;
    size_t len, rows, rpt;
} sm16_job;

static void sm16_task(void *ctx, size_t c)
{
    sm16_job *j = ctx;
    const size_t r0 = c * j->rpt, r1 = r0 + j->rpt < j->rows ? r0 + j->rpt : j->rows;
    const size_t m = (r1 - r0) * j->len, o = r0 * j->len;
    float f[2 * H_BLOCK];
    j->cv->to32(j->y + o, f, m);
    j->cv->to32(j->dy + o, f + m, m);
    const size_t sh[2] = {r1 - r0, j->len};
    (void)j->bwd(f, f + m, f + m, sh, 2, -1); /* checked already: cannot fail */
    j->cv->from32(f + m, j->out + o, m);
}

/* the backwards: fp32 copies of y and dy (row groups, or the whole tensor), the fp32 call,
 * the result rounded */
static activ_status sm16_bwd(activ_half dt, sm_bwd_fn bwd, const uint16_t *in, const uint16_t *dy,
                             uint16_t *out, const size_t *shape, int ndim, int axis)
{
    size_t n;
    activ_status st = sm16_check(dt, in, dy, 1, out, shape, ndim, axis, &n);
    if (st != ACTIV_OK || n == 0)
        return st;
    if ((axis == -1 || axis == ndim - 1) && shape[ndim - 1] <= H_BLOCK) {
        sm16_job j = {activ_half_cvt(dt), bwd, in, dy, out, shape[ndim - 1], 0, 0};
        j.rows = n / j.len;
        j.rpt = H_BLOCK / j.len;
        (void)activ_parallel_for_each((j.rows + j.rpt - 1) / j.rpt, sm16_task, &j);
        return ACTIV_OK;
    }
    const uint16_t *src[2] = {in, dy};
    float *f = h_widen(dt, src, 2, n);
    if (!f)
        return ACTIV_ERR_NOMEM;
    st = bwd(f, f + n, f + n, shape, ndim, axis); /* the result lands on dy's copy */
    if (st == ACTIV_OK)
        h_narrow(dt, f + n, out, n);
    free(f);
    return st;
}

/* the forwards: one pass per row block, the conversions inside (src/softmax.c) */
static activ_status sm16_fwd(activ_half dt, int logf, const uint16_t *x, uint16_t *y,
                             const size_t *shape, int ndim, int axis)
{
    size_t n;
    activ_status st = sm16_check(dt, x, NULL, 0, y, shape, ndim, axis, &n);
    if (st != ACTIV_OK || n == 0)
        return st;
    return activ_softmax_forward16_rows(dt, logf, x, y, shape, ndim, axis);
}

activ_status activ_softmax_forward16(activ_half dt, const uint16_t *x, uint16_t *y, const size_t *shape, int ndim,
                                     int axis)
{
    return sm16_fwd(dt, 0, x, y, shape, ndim, axis);
}

activ_status activ_log_softmax_forward16(activ_half dt, const uint16_t *x, uint16_t *y, const size_t *shape,
                                         int ndim, int axis)
{
    return sm16_fwd(dt, 1, x, y, shape, ndim, axis);
}

activ_status activ_softmax_backward16(activ_half dt, const uint16_t *y, const uint16_t *dy, uint16_t *dx,
                                      const size_t *shape, int ndim, int axis)
{
    return sm16_bwd(dt, activ_softmax_backward, y, dy, dx, shape, ndim, axis);
}

activ_status activ_log_softmax_backward16(activ_half dt, const uint16_t *y, const uint16_t *dy, uint16_t *dx,
                                          const size_t *shape, int ndim, int axis)
{
    return sm16_bwd(dt, activ_log_softmax_backward, y, dy, dx, shape, ndim, axis);
}

/* ---- gated units ------------------------------------------------------------------------ */

/* One gated call: a, b (and dy) of len elements at stride 1, outputs o1 (y or da) and o2
 * (db). The two-array forms are one such run; the split forms one per row. Where the path has
 * fused 16-bit kernels (AVX-512, AVX2 with F16C: kernels/gated_half.inc) a task is one call of
 * them; elsewhere it goes in blocks of H_BLOCK elements converted to fp32 on the stack, the
 * path's fp32 gated kernel, and the rounding back. The blocks give the 16-bit rounding of the
 * fp32 kernel exactly; the fused kernels give it for reglu and at most one 16-bit step from it
 * for swiglu and geglu (fp32 lanes; the argument is in gated_half.inc). */
typedef struct glu16_job {
    const activ_cvt16 *cv;
    activ_half dt;
    const activ_kernels16 *fz; /* the fused kernels, or NULL: the block path */
    activ_gfwd_fn fwd;         /* the path's fp32 kernels for the kind (block path) */
    activ_gbwd_fn bwd;
    int is_bwd;
    const uint16_t *a, *b, *dy;
    uint16_t *o1, *o2;
    size_t n;    /* elements per row (the whole array for the two-array forms) */
    size_t rows; /* rows (1 for the two-array forms) */
    size_t sab, sy; /* row strides of a/b and of dy/y (split: 2h and h) */
    size_t chunks_per_row;
    activ_glu_kind kind;
} glu16_job;

/* elements [i0, i1) of row r */
static void glu16_span(const glu16_job *j, size_t r, size_t i0, size_t i1)
{
    const uint16_t *a = j->a + r * j->sab, *b = j->b + r * j->sab, *dy = j->dy ? j->dy + r * j->sy : NULL;
    uint16_t *o1 = j->o1 + r * (j->is_bwd ? j->sab : j->sy), *o2 = j->o2 ? j->o2 + r * j->sab : NULL;
    if (j->fz) {
        if (!j->is_bwd)
            j->fz->gfwd[j->dt][j->kind](a + i0, b + i0, o1 + i0, i1 - i0);
        else
            j->fz->gbwd[j->dt][j->kind](a + i0, b + i0, dy + i0, o1 + i0, o2 + i0, i1 - i0);
        return;
    }
    float fa[H_BLOCK], fb[H_BLOCK], fd[H_BLOCK];
    for (size_t i = i0; i < i1; i += H_BLOCK) {
        const size_t len = i1 - i < H_BLOCK ? i1 - i : H_BLOCK;
        j->cv->to32(a + i, fa, len);
        j->cv->to32(b + i, fb, len);
        if (!j->is_bwd) {
            j->fwd(fa, fb, fa, len);
            j->cv->from32(fa, o1 + i, len);
        } else {
            j->cv->to32(dy + i, fd, len);
            j->bwd(fa, fb, fd, fa, fb, len);
            j->cv->from32(fa, o1 + i, len);
            j->cv->from32(fb, o2 + i, len);
        }
    }
}

static void glu16_task(void *ctx, size_t c)
{
    const glu16_job *j = ctx;
    const size_t r = c / j->chunks_per_row, i0 = (c % j->chunks_per_row) * H_CHUNK;
    glu16_span(j, r, i0, j->n - i0 < H_CHUNK ? j->n : i0 + H_CHUNK);
}

static activ_status glu16_run(glu16_job *j)
{
    const activ_kernels *k = activ_kernels_current();
    j->fz = activ_half_fused_current();
    j->fwd = k->gfwd[j->kind];
    j->bwd = k->gbwd[j->kind];
    j->chunks_per_row = (j->n + H_CHUNK - 1) / H_CHUNK;
    (void)activ_parallel_for_each(j->rows * j->chunks_per_row, glu16_task, j);
    return ACTIV_OK;
}

/* the checks every gated call starts with (after its own size and aliasing checks) */
static activ_status glu16_ok(activ_half dt, activ_glu_kind kind)
{
    if ((unsigned)dt > ACTIV_BF16)
        return ACTIV_ERR_PARAM;
    return (unsigned)kind < ACTIV_GLU_COUNT ? ACTIV_OK : ACTIV_ERR_KIND;
}

activ_status activ_glu_forward16(activ_half dt, activ_glu_kind kind, const uint16_t *a, const uint16_t *b,
                                 uint16_t *y, size_t n)
{
    activ_status st = glu16_ok(dt, kind);
    if (st != ACTIV_OK || n == 0)
        return st;
    if (!a || !b || !y)
        return ACTIV_ERR_NULL;
    if (h_bad(y, a, n) || h_bad(y, b, n))
        return ACTIV_ERR_OVERLAP;
    glu16_job j = {.cv = activ_half_cvt(dt), .dt = dt, .kind = kind, .a = a, .b = b, .o1 = y, .n = n,
                   .rows = 1};
    return glu16_run(&j);
}

activ_status activ_glu_backward16(activ_half dt, activ_glu_kind kind, const uint16_t *a, const uint16_t *b,
                                  const uint16_t *dy, uint16_t *da, uint16_t *db, size_t n)
{
    activ_status st = glu16_ok(dt, kind);
    if (st != ACTIV_OK || n == 0)
        return st;
    if (!a || !b || !dy || !da || !db)
        return ACTIV_ERR_NULL;
    if (h_over(da, n, db, n))
        return ACTIV_ERR_OVERLAP;
    const uint16_t *src[3] = {a, b, dy};
    for (int i = 0; i < 3; i++)
        if (h_bad(da, src[i], n) || h_bad(db, src[i], n))
            return ACTIV_ERR_OVERLAP;
    glu16_job j = {.cv = activ_half_cvt(dt), .dt = dt, .kind = kind, .is_bwd = 1, .a = a, .b = b,
                   .dy = dy, .o1 = da, .o2 = db, .n = n, .rows = 1};
    return glu16_run(&j);
}

/* rows·2h elements fit (the fp32 calls' limit) */
static activ_status split_size(size_t rows, size_t h)
{
    const size_t lim = (size_t)PTRDIFF_MAX / sizeof(float) / 2;
    return h > lim || (h && rows > lim / h) ? ACTIV_ERR_SIZE : ACTIV_OK;
}

/* F.glu's halves: row r of x is [b | a], each h long */
activ_status activ_glu_split_forward16(activ_half dt, activ_glu_kind kind, const uint16_t *x, uint16_t *y,
                                       size_t rows, size_t h)
{
    activ_status st = glu16_ok(dt, kind);
    if (st != ACTIV_OK || rows == 0 || h == 0)
        return st;
    if (!x || !y)
        return ACTIV_ERR_NULL;
    if ((st = split_size(rows, h)) != ACTIV_OK)
        return st;
    if (h_over(y, rows * h, x, 2 * rows * h))
        return ACTIV_ERR_OVERLAP;
    glu16_job j = {.cv = activ_half_cvt(dt), .dt = dt, .kind = kind, .a = x + h, .b = x, .o1 = y,
                   .n = h, .rows = rows, .sab = 2 * h, .sy = h};
    return glu16_run(&j);
}

activ_status activ_glu_split_backward16(activ_half dt, activ_glu_kind kind, const uint16_t *x, const uint16_t *dy,
                                        uint16_t *dx, size_t rows, size_t h)
{
    activ_status st = glu16_ok(dt, kind);
    if (st != ACTIV_OK || rows == 0 || h == 0)
        return st;
    if (!x || !dy || !dx)
        return ACTIV_ERR_NULL;
    if ((st = split_size(rows, h)) != ACTIV_OK)
        return st;
    if (h_over(dx, 2 * rows * h, x, 2 * rows * h) || h_over(dx, 2 * rows * h, dy, rows * h))
        return ACTIV_ERR_OVERLAP;
    /* da is the second half of dx's row, db the first */
    glu16_job j = {.cv = activ_half_cvt(dt), .dt = dt, .kind = kind, .is_bwd = 1, .a = x + h, .b = x,
                   .dy = dy, .o1 = dx + h, .o2 = dx, .n = h, .rows = rows, .sab = 2 * h, .sy = h};
    return glu16_run(&j);
}
