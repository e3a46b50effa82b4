/* validate.h - the argument checks of every element-wise entry point, written once and
 * shared by the CPU (src/api.c) and CUDA (src/cuda/eltwise.cu) entry points (not installed;
 * validate.c is compiled into both libraries). */
#ifndef ACTIV_VALIDATE_H
#define ACTIV_VALIDATE_H

#include <stddef.h>
#include "activ.h"
#include "kernels/manifest.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { ACTIV_DIR_FWD = 0, ACTIV_DIR_BWD = 1, ACTIV_DIR_BWDY = 2 };

/* The status of a call before anything is read or written; the first failure in this order:
 *   kind unknown                               ACTIV_ERR_KIND
 *   esize == 0 (unknown storage type)          ACTIV_ERR_PARAM
 *   from-output and the kind has none          ACTIV_ERR_UNSUPPORTED
 *   n * esize > PTRDIFF_MAX                    ACTIV_ERR_SIZE
 *   n > 0 and in, out or (backward) dy NULL    ACTIV_ERR_NULL
 *   a parameter the kind reads is not finite, or out of the kind's range (from-output
 *   leaky_relu alpha <= 0, elu alpha < 0, ...)  ACTIV_ERR_PARAM
 *   prelu: channels or inner 0 -> SHAPE, channels*inner overflows -> SIZE,
 *          n % (channels*inner) -> SHAPE, slopes NULL -> NULL, a non-finite slope -> PARAM
 *          (only when slopes_on_host: device slopes are not read)
 *   n > 0 and an array not aligned to esize    ACTIV_ERR_PARAM
 *   an output partially overlapping an input (the same start is allowed), dparam
 *   overlapping any array or the slopes, or the slopes overlapping an output
 *                                              ACTIV_ERR_OVERLAP
 * All of it for n = 0 too (then the arrays may be NULL and are not compared). p must not be
 * NULL (callers resolve NULL to activ_default_params). dparam is the caller's da / db
 * pointer, or NULL; it is only looked at for a backward call of a kind with a parameter
 * gradient. */
activ_status activ_validate(activ_kind kind, int dir, const activ_params *p, const void *in,
                            const void *dy, const void *out, size_t n, size_t esize,
                            const float *dparam, int slopes_on_host);

/* [a, a + na) and [b, b + nb) (in bytes) share a byte. */
int activ_overlap(const void *a, size_t na, const void *b, size_t nb);
/* An output may be exactly an input (in place), not partly: 1 when out and in (bytes long
 * each; in may be NULL) overlap without being the same start. */
int activ_bad_alias(const void *out, const void *in, size_t bytes);

/* Number of floats of a kind's parameter gradient: 0, 1 or p->channels. */
size_t activ_dparam_len(activ_kind kind, const activ_params *p);

#ifdef __cplusplus
}
#endif

#endif
