/* kinds.c - names, defaults and classification of the activation kinds, all read from the
 * manifest (src/kernels/manifest.h). */
#include <string.h>

#include "internal.h"

static const activ_kind_info activ_kinds[ACTIV_KIND_COUNT] = {
#define ACTIV_X_(name, K, fam, fo, dp, ...) \
    [K] = {#name, ACTIV_FAM_##fam, fo, ACTIV_DP_##dp},
    ACTIV_FOREACH_KIND(ACTIV_X_)
#undef ACTIV_X_
};

const activ_kind_info *activ_kind_info_of(activ_kind kind) { return &activ_kinds[kind]; }

const char *activ_kind_name(activ_kind kind)
{
    if ((unsigned)kind >= ACTIV_KIND_COUNT) return NULL;
    return activ_kinds[kind].name;
}

activ_status activ_kind_from_name(const char *name, activ_kind *kind)
{
    if (!name || !kind) return ACTIV_ERR_NULL;
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        if (strcmp(name, activ_kinds[k].name) == 0) {
            *kind = (activ_kind)k;
            return ACTIV_OK;
        }
    }
    if (strcmp(name, "silu") == 0) {
        *kind = ACTIV_SWISH;
        return ACTIV_OK;
    }
    return ACTIV_ERR_KIND;
}

activ_params activ_default_params(activ_kind kind)
{
    activ_params p;
    memset(&p, 0, sizeof p);
    /* what a kind does not list keeps these (alpha and beta 1, as before the manifest) */
    p.alpha = 1.0f;
    p.beta = 1.0f;
    p.slopes = NULL;
    p.channels = 1;
    p.inner = 1;
#define ACTIV_P(field, def) p.field = def;
#define ACTIV_X_(name, K, fam, fo, dp, params, ...) \
    case K: params break;
    switch (kind) {
        ACTIV_FOREACH_KIND(ACTIV_X_)
    default: break;
    }
#undef ACTIV_X_
#undef ACTIV_P
    return p;
}

activ_kargs activ_kargs_from_params(activ_kind kind, const activ_params *p, size_t n)
{
    activ_kargs ka;
    memset(&ka, 0, sizeof ka);
#define ACTIV_F_(field) ka.field = p->field;
    ACTIV_FOREACH_FIELD(ACTIV_F_)
#undef ACTIV_F_
    ka.slopes = p->slopes;
    ka.channels = kind == ACTIV_PRELU ? p->channels : 1;
    ka.inner = kind == ACTIV_PRELU ? p->inner : 1;
    ka.offset = 0;
    ka.total = n;
    return ka;
}
