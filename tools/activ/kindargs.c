/* kindargs.c - see kindargs.h. */
#include "kindargs.h"

#include <string.h>

#include "cli.h"

static const char *const ka_names[KA_NFIELDS] = {
#define KA_F_(field) #field,
    ACTIV_FOREACH_FIELD(KA_F_)
#undef KA_F_
};

int ka_has_from_output(activ_kind kind)
{
    return activ_manifest_has_from_output(kind);
}

int ka_dparam(activ_kind kind)
{
    switch (kind) {
#define KA_X_(name, K, fam, fo, dp, ...) \
    case K: return ACTIV_DP_##dp;
        ACTIV_FOREACH_KIND(KA_X_)
#undef KA_X_
    default: return ACTIV_DP_NONE;
    }
}

int ka_family(activ_kind kind)
{
    switch (kind) {
#define KA_X_(name, K, fam, ...) \
    case K: return ACTIV_FAM_##fam;
        ACTIV_FOREACH_KIND(KA_X_)
#undef KA_X_
    default: return ACTIV_FAM_MEMORY;
    }
}

const char *ka_field_name(int f) { return f >= 0 && f < KA_NFIELDS ? ka_names[f] : "?"; }

int ka_field_of_option(const char *opt)
{
    if (strncmp(opt, "--", 2) != 0) return -1;
    for (int f = 0; f < KA_NFIELDS; f++)
        if (!strcmp(opt + 2, ka_names[f])) return f;
    return -1;
}

int ka_kind_uses(activ_kind kind, int f)
{
    int uses[KA_NFIELDS] = {0};
#define ACTIV_P(field, def) uses[KA_##field] = 1;
#define KA_X_(name, K, fam, fo, dp, params, ...) \
    case K: params break;
    switch (kind) {
        ACTIV_FOREACH_KIND(KA_X_)
    default: break;
    }
#undef KA_X_
#undef ACTIV_P
    return f >= 0 && f < KA_NFIELDS && uses[f];
}

float *ka_field(activ_params *p, int f)
{
    switch (f) {
#define KA_F_(field) \
    case KA_##field: return &p->field;
        ACTIV_FOREACH_FIELD(KA_F_)
#undef KA_F_
    default: return &p->alpha;
    }
}

const char *ka_kinds_using(int f, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = 0;
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        if (!ka_kind_uses((activ_kind)k, f)) continue;
        int w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", activ_kind_name((activ_kind)k));
        if (w < 0 || (size_t)w >= len - o) break;
        o += (size_t)w;
    }
    return buf;
}

int ka_check(const char *cmd, activ_kind kind, const ka_values *vals)
{
    for (int f = 0; f < KA_NFIELDS; f++) {
        if (!vals->have[f] || ka_kind_uses(kind, f)) continue;
        char list[512];
        ka_kinds_using(f, list, sizeof list);
        return cli_usage(cmd, "--%s does not apply to %s (it applies to: %s)", ka_names[f],
                         activ_kind_name(kind), list);
    }
    return CLI_OK;
}

activ_params ka_params(activ_kind kind, const ka_values *vals)
{
    activ_params p = activ_default_params(kind);
    for (int f = 0; f < KA_NFIELDS; f++)
        if (vals && vals->have[f] && ka_kind_uses(kind, f)) *ka_field(&p, f) = vals->v[f];
    return p;
}

void ka_print_funcs(FILE *out, const char *prefix)
{
    fputs(prefix, out);
    for (int k = 0; k < ACTIV_KIND_COUNT; k++)
        fprintf(out, "%s%s%s", k ? " " : "", activ_kind_name((activ_kind)k),
                k == ACTIV_SWISH ? " (silu)" : "");
    fputc('\n', out);
}

void ka_print_param_help(FILE *out)
{
    for (int f = 0; f < KA_NFIELDS; f++) {
        int any = 0;
        for (int k = 0; k < ACTIV_KIND_COUNT; k++) any |= ka_kind_uses((activ_kind)k, f);
        if (!any) continue; /* a field of a kind another branch adds */
        char opt[32];
        snprintf(opt, sizeof opt, "--%s V", ka_names[f]);
        fprintf(out, "  %-19s", opt);
        int first = 1;
        for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
            if (!ka_kind_uses((activ_kind)k, f)) continue;
            activ_params p = activ_default_params((activ_kind)k);
            fprintf(out, "%s%s (%g)", first ? "" : ", ", activ_kind_name((activ_kind)k),
                    (double)*ka_field(&p, f));
            first = 0;
        }
        fputc('\n', out);
    }
}
