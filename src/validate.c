/* validate.c - see validate.h. Self-contained (the manifest and the public header only), so
 * that the CUDA library compiles the same file. */
#include "validate.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

int activ_overlap(const void *a, size_t na, const void *b, size_t nb)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x < y + nb && y < x + na;
}

int activ_bad_alias(const void *out, const void *in, size_t bytes)
{
    return in && out != in && activ_overlap(out, bytes, in, bytes);
}

size_t activ_dparam_len(activ_kind kind, const activ_params *p)
{
    int dp = ACTIV_DP_NONE;
    switch (kind) {
#define ACTIV_X_(name, K, fam, fo, dpk, ...) \
    case K: dp = ACTIV_DP_##dpk; break;
        ACTIV_FOREACH_KIND(ACTIV_X_)
#undef ACTIV_X_
    default: break;
    }
    return dp == ACTIV_DP_ONE ? 1 : dp == ACTIV_DP_CHANNEL ? p->channels : 0;
}

/* every parameter the manifest lists for the kind is finite */
static int activ_params_finite(activ_kind kind, const activ_params *p)
{
    int ok = 1;
#define ACTIV_P(field, def) ok &= isfinite(p->field) != 0;
#define ACTIV_X_(name, K, fam, fo, dpk, params, ...) \
    case K: params break;
    switch (kind) {
        ACTIV_FOREACH_KIND(ACTIV_X_)
    default: break;
    }
#undef ACTIV_X_
#undef ACTIV_P
    return ok;
}

/* the ranges beyond finiteness (the header's "needs ..." notes) */
static int activ_params_in_range(activ_kind kind, int dir, const activ_params *p)
{
    switch (kind) {
    case ACTIV_LEAKY_RELU: return dir != ACTIV_DIR_BWDY || p->alpha > 0;
    case ACTIV_ELU: return dir != ACTIV_DIR_BWDY || p->alpha >= 0;
    case ACTIV_HARDTANH: return p->min_val <= p->max_val;
    case ACTIV_THRESHOLDED_RELU: return dir != ACTIV_DIR_BWDY || p->alpha >= 0;
    case ACTIV_SELU: return dir != ACTIV_DIR_BWDY || (p->gamma > 0 && p->alpha >= 0);
    case ACTIV_CELU: return p->alpha > 0;
    case ACTIV_SOFTPLUS: return p->beta > 0;
    default: return 1;
    }
}

activ_status activ_validate(activ_kind kind, int dir, const activ_params *p, const void *in,
                            const void *dy, const void *out, size_t n, size_t esize,
                            const float *dparam, int slopes_on_host)
{
    if ((unsigned)kind >= ACTIV_KIND_COUNT) return ACTIV_ERR_KIND;
    if (esize == 0) return ACTIV_ERR_PARAM;
    if (dir == ACTIV_DIR_BWDY && !activ_manifest_has_from_output(kind)) return ACTIV_ERR_UNSUPPORTED;
    if (n > (size_t)PTRDIFF_MAX / esize) return ACTIV_ERR_SIZE;
    const size_t bytes = n * esize;
    if (n > 0 && (!in || !out || (dir != ACTIV_DIR_FWD && !dy))) return ACTIV_ERR_NULL;
    if (!activ_params_finite(kind, p) || !activ_params_in_range(kind, dir, p))
        return ACTIV_ERR_PARAM;
    if (kind == ACTIV_PRELU) {
        if (p->channels == 0 || p->inner == 0) return ACTIV_ERR_SHAPE;
        if (p->channels > SIZE_MAX / p->inner) return ACTIV_ERR_SIZE;
        /* slopes[channels] and da[channels] must fit the address space like x does */
        if (p->channels > (size_t)PTRDIFF_MAX / sizeof(float)) return ACTIV_ERR_SIZE;
        if (n % (p->channels * p->inner) != 0) return ACTIV_ERR_SHAPE;
        if (!p->slopes) return ACTIV_ERR_NULL;
        if (slopes_on_host) {
            /* branch-free (vectorizable): any exponent field all ones = inf or NaN */
            unsigned bad = 0;
            for (size_t c = 0; c < p->channels; c++) {
                uint32_t b;
                memcpy(&b, p->slopes + c, sizeof b);
                bad |= (b & 0x7f800000u) == 0x7f800000u;
            }
            if (bad) return ACTIV_ERR_PARAM;
        }
    }
    if (n > 0) {
        if ((uintptr_t)in % esize || (uintptr_t)out % esize || (dy && (uintptr_t)dy % esize))
            return ACTIV_ERR_PARAM;
        if (activ_bad_alias(out, in, bytes)) return ACTIV_ERR_OVERLAP;
        if (dir != ACTIV_DIR_FWD && activ_bad_alias(out, dy, bytes)) return ACTIV_ERR_OVERLAP;
    }
    const size_t ns = kind == ACTIV_PRELU ? p->channels * sizeof(float) : 0;
    if (ns && n > 0 && activ_overlap(p->slopes, ns, out, bytes)) return ACTIV_ERR_OVERLAP;
    size_t nd = dir == ACTIV_DIR_BWD && dparam ? activ_dparam_len(kind, p) * sizeof(float) : 0;
    if (nd) {
        if (n > 0 && (activ_overlap(dparam, nd, in, bytes) ||
                      (dy && activ_overlap(dparam, nd, dy, bytes)) ||
                      activ_overlap(dparam, nd, out, bytes)))
            return ACTIV_ERR_OVERLAP;
        if (ns && activ_overlap(dparam, nd, p->slopes, ns)) return ACTIV_ERR_OVERLAP;
    }
    return ACTIV_OK;
}
