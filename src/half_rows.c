/* half_rows.c - softmax, log_softmax and the gated units on 16-bit storage (the contract is in
 * include/activ.h, "16-bit storage for softmax and the gated units"): the 16-bit inputs are
 * converted to fp32 exactly (one fp32 copy of each, from the heap), the fp32 function runs on
 * the copies in place, and its results are rounded to the 16-bit type once. Checks come
 * first and use the fp32 functions' rules on the 16-bit arrays; a failing call writes nothing. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"
#include "kernels/half.h"

/* [p, p + n) and [q, q + m) 16-bit elements share a byte */
static int h_over(const uint16_t *p, size_t n, const uint16_t *q, size_t m)
{
    uintptr_t x = (uintptr_t)p, y = (uintptr_t)q;
    return x < y + m * sizeof(uint16_t) && y < x + n * sizeof(uint16_t);
}

/* an output may be exactly an input of the same length, not partly */
static int h_bad(const uint16_t *out, const uint16_t *in, size_t n)
{
    return in && out != in && h_over(out, n, in, n);
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
    const activ_cvt16 *cv = activ_half_cvt(dt);
    for (int i = 0; i < k; i++)
        cv->to32(in[i], f + (size_t)i * n, n);
    return f;
}

static void h_narrow(activ_half dt, const float *f, uint16_t *out, size_t n)
{
    activ_half_cvt(dt)->from32(f, out, n);
}

/* ---- softmax / log_softmax ------------------------------------------------------------ */

typedef activ_status (*sm_fwd_fn)(const float *, float *, const size_t *, int, int);
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

static activ_status sm16(activ_half dt, sm_fwd_fn fwd, sm_bwd_fn bwd, const uint16_t *in, const uint16_t *dy,
                         uint16_t *out, const size_t *shape, int ndim, int axis)
{
    if ((unsigned)dt > ACTIV_BF16)
        return ACTIV_ERR_PARAM;
    size_t n;
    activ_status st = sm_count(shape, ndim, axis, &n);
    if (st != ACTIV_OK || n == 0)
        return st;
    if (!in || !out || (bwd && !dy))
        return ACTIV_ERR_NULL;
    if (h_bad(out, in, n) || (bwd && h_bad(out, dy, n)))
        return ACTIV_ERR_OVERLAP;
    const uint16_t *src[2] = {in, dy};
    float *f = h_widen(dt, src, bwd ? 2 : 1, n);
    if (!f)
        return ACTIV_ERR_NOMEM;
    float *res = bwd ? f + n : f; /* the result lands on the last copy */
    st = bwd ? bwd(f, f + n, res, shape, ndim, axis) : fwd(f, res, shape, ndim, axis);
    if (st == ACTIV_OK)
        h_narrow(dt, res, out, n);
    free(f);
    return st;
}

activ_status activ_softmax_forward16(activ_half dt, const uint16_t *x, uint16_t *y, const size_t *shape, int ndim,
                                     int axis)
{
    return sm16(dt, activ_softmax_forward, NULL, x, NULL, y, shape, ndim, axis);
}

activ_status activ_log_softmax_forward16(activ_half dt, const uint16_t *x, uint16_t *y, const size_t *shape,
                                         int ndim, int axis)
{
    return sm16(dt, activ_log_softmax_forward, NULL, x, NULL, y, shape, ndim, axis);
}

activ_status activ_softmax_backward16(activ_half dt, const uint16_t *y, const uint16_t *dy, uint16_t *dx,
                                      const size_t *shape, int ndim, int axis)
{
    return sm16(dt, NULL, activ_softmax_backward, y, dy, dx, shape, ndim, axis);
}

activ_status activ_log_softmax_backward16(activ_half dt, const uint16_t *y, const uint16_t *dy, uint16_t *dx,
                                          const size_t *shape, int ndim, int axis)
{
    return sm16(dt, NULL, activ_log_softmax_backward, y, dy, dx, shape, ndim, axis);
}

/* ---- gated units ------------------------------------------------------------------------ */

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
    const uint16_t *src[2] = {a, b};
    float *f = h_widen(dt, src, 2, n);
    if (!f)
        return ACTIV_ERR_NOMEM;
    if ((st = activ_glu_forward(kind, f, f + n, f, n)) == ACTIV_OK)
        h_narrow(dt, f, y, n);
    free(f);
    return st;
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
    float *f = h_widen(dt, src, 3, n);
    if (!f)
        return ACTIV_ERR_NOMEM;
    if ((st = activ_glu_backward(kind, f, f + n, f + 2 * n, f, f + n, n)) == ACTIV_OK) {
        h_narrow(dt, f, da, n);
        h_narrow(dt, f + n, db, n);
    }
    free(f);
    return st;
}

/* rows·2h elements fit (the fp32 calls' limit) */
static activ_status split_size(size_t rows, size_t h)
{
    const size_t lim = (size_t)PTRDIFF_MAX / sizeof(float) / 4;
    return h > lim || (h && rows > lim / h) ? ACTIV_ERR_SIZE : ACTIV_OK;
}

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
    const size_t nx = 2 * rows * h, ny = rows * h;
    float *f = malloc((nx + ny) * sizeof(float)); /* x, then y (the fp32 call keeps them apart) */
    if (!f)
        return ACTIV_ERR_NOMEM;
    activ_half_cvt(dt)->to32(x, f, nx);
    if ((st = activ_glu_split_forward(kind, f, f + nx, rows, h)) == ACTIV_OK)
        h_narrow(dt, f + nx, y, ny);
    free(f);
    return st;
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
    const size_t nx = 2 * rows * h, ny = rows * h;
    float *f = malloc((2 * nx + ny) * sizeof(float)); /* x, dy, dx */
    if (!f)
        return ACTIV_ERR_NOMEM;
    const activ_cvt16 *cv = activ_half_cvt(dt);
    cv->to32(x, f, nx);
    cv->to32(dy, f + nx, ny);
    if ((st = activ_glu_split_backward(kind, f, f + nx, f + nx + ny, rows, h)) == ACTIV_OK)
        h_narrow(dt, f + nx + ny, dx, nx);
    free(f);
    return st;
}
