/* internal.h - what api.c, dispatch.c and threads.c share (not installed). */
#ifndef ACTIV_INTERNAL_H
#define ACTIV_INTERNAL_H

#include <stddef.h>
#include "activ.h"
#include "kernels/manifest.h"

/* The kernel table of each compiled path (src/kernels/<isa>.c). */
extern const activ_kernels activ_ktab_scalar;
#if defined(__x86_64__)
extern const activ_kernels activ_ktab_sse2;
extern const activ_kernels activ_ktab_avx2;
extern const activ_kernels activ_ktab_avx512;
#endif

/* The table of the path in use (activ_get_isa()); never NULL. */
const activ_kernels *activ_kernels_current(void);

/* Runs fn(ctx, c) for every chunk c < nchunks, spread over the pool's threads when that is
 * allowed (threads > 1, the pool is free, the caller is not a pool worker), else serially
 * in the caller. Which chunk runs where never changes what a chunk computes, so callers get
 * the same bits for any thread count. */
typedef void (*activ_chunk_fn)(void *ctx, size_t chunk);
void activ_parallel_for(size_t nchunks, activ_chunk_fn fn, void *ctx);

#endif
