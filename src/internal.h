/* internal.h - what api.c, dispatch.c, kinds.c, validate.c and threads.c share (not
 * installed). */
#ifndef ACTIV_INTERNAL_H
#define ACTIV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "activ.h"
#include "kernels/manifest.h"

/* The kernel table of each path (src/kernels/<isa>.c); only those the manifest marks built
 * are defined, and only those are referenced (src/dispatch.c). */
#define ACTIV_KTAB_EXTERN_(name, I, built) extern const activ_kernels activ_ktab_##name;
ACTIV_FOREACH_ISA(ACTIV_KTAB_EXTERN_)
#undef ACTIV_KTAB_EXTERN_

/* The table of the path in use (activ_get_isa()); never NULL. */
const activ_kernels *activ_kernels_current(void);

/* The 16-bit <-> fp32 block conversions for dt on the path in use (src/half.c; the struct
 * is in kernels/half.h); never NULL. */
struct activ_cvt16;
const struct activ_cvt16 *activ_half_cvt(activ_half dt);

/* What the manifest says about a kind (src/kinds.c); kind must be valid. */
typedef struct activ_kind_info {
    const char *name;
    int family;          /* ACTIV_FAM_* */
    int has_from_output;
    int dparam;          /* ACTIV_DP_* */
} activ_kind_info;
const activ_kind_info *activ_kind_info_of(activ_kind kind);

/* The kernel arguments of a call with parameters p (already validated). */
activ_kargs activ_kargs_from_params(activ_kind kind, const activ_params *p, size_t n);

/* Runs fn(ctx, c) for every chunk c < nchunks, spread over the pool's threads when that is
 * allowed (threads > 1, the pool is free, the caller is not a pool worker), else serially
 * in the caller. Which chunk runs where never changes what a chunk computes, so callers get
 * the same bits for any thread count. */
typedef activ_task_fn activ_chunk_fn; /* include/activ.h */
void activ_parallel_for(size_t nchunks, activ_chunk_fn fn, void *ctx);

/* softmax (logf = 0) or log_softmax (1) forward on 16-bit storage, after the caller's checks
 * (src/half_rows.c): the fp32 forward's rows, each block of x widened exactly on the way in
 * and each fp32 result rounded to dt on the way out (src/softmax.c) */
activ_status activ_softmax_forward16_rows(activ_half dt, int logf, const uint16_t *x,
                                          uint16_t *y, const size_t *shape, int ndim, int axis);

#endif
