/* xcheck.h - the fp32 API's parameter rules (src/api.c, activ_check_params) for the entry
 * points written outside api.c: 16-bit storage (half.c) and bias + activation (bias.c).
 * TODO(issue 11): one validation for every entry point once the manifest drives it; until
 * then this must say exactly what api.c says. */
#ifndef ACTIV_XCHECK_H
#define ACTIV_XCHECK_H

#include <math.h>
#include <stdint.h>

#include "internal.h"

enum { ACTIV_XDIR_FWD, ACTIV_XDIR_BWD, ACTIV_XDIR_BWDY };

static inline activ_status activ_xcheck_params(activ_kind kind, int dir, const activ_params *p,
                                               size_t n)
{
    if (kind == ACTIV_PRELU) {
        if (p->channels == 0 || p->inner == 0) return ACTIV_ERR_SHAPE;
        if (p->channels > SIZE_MAX / p->inner) return ACTIV_ERR_SIZE;
        if (n % (p->channels * p->inner) != 0) return ACTIV_ERR_SHAPE;
        if (!p->slopes) return ACTIV_ERR_NULL;
        for (size_t c = 0; c < p->channels; c++)
            if (!isfinite(p->slopes[c])) return ACTIV_ERR_PARAM;
    }
    if ((kind == ACTIV_LEAKY_RELU || kind == ACTIV_ELU) && !isfinite(p->alpha)) return ACTIV_ERR_PARAM;
    if (kind == ACTIV_SWISH && !isfinite(p->beta)) return ACTIV_ERR_PARAM;
    if (dir == ACTIV_XDIR_BWDY) {
        if (kind == ACTIV_LEAKY_RELU && !(p->alpha > 0)) return ACTIV_ERR_PARAM;
        if (kind == ACTIV_ELU && !(p->alpha >= 0)) return ACTIV_ERR_PARAM;
    }
    return ACTIV_OK;
}

/* [a, a+na) and [b, b+nb) bytes share one */
static inline int activ_xoverlap(const void *a, size_t na, const void *b, size_t nb)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x < y + nb && y < x + na;
}

#endif
