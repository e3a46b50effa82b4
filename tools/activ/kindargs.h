/* kindargs.h - the CLI's view of the manifest (src/kernels/manifest.h): function names,
 * which parameter options (--alpha, --beta, --gamma, --threshold, --min_val, --max_val) a
 * function takes, their defaults, and the help text listing them. eval, grad, table, plot
 * and bench all use it, so a new kind shows up in every subcommand. */
#ifndef ACTIV_KINDARGS_H
#define ACTIV_KINDARGS_H

#include <stdio.h>
#include "activ.h"
#include "activ_internal/manifest.h"

enum {
#define KA_F_(field) KA_##field,
    ACTIV_FOREACH_FIELD(KA_F_)
#undef KA_F_
    KA_NFIELDS
};

/* Parameter values given on the command line (have[f] says which). */
typedef struct ka_values {
    float v[KA_NFIELDS];
    int have[KA_NFIELDS];
} ka_values;

/* the manifest's has_from_output and dparam (ACTIV_DP_*) of a kind */
int ka_has_from_output(activ_kind kind);
int ka_dparam(activ_kind kind);
/* the manifest's family (ACTIV_FAM_*) */
int ka_family(activ_kind kind);
/* "alpha", ... */
const char *ka_field_name(int f);
/* the field of an option "--alpha" ... , or -1 */
int ka_field_of_option(const char *opt);
/* 1 if kind reads field f (the manifest's params) */
int ka_kind_uses(activ_kind kind, int f);
/* the field of p */
float *ka_field(activ_params *p, int f);
/* "leaky_relu, prelu, elu" : the kinds that take field f, into buf */
const char *ka_kinds_using(int f, char *buf, size_t len);
/* Checks that every given value applies to kind; prints the usage error and returns its
 * exit code, or CLI_OK (0). */
int ka_check(const char *cmd, activ_kind kind, const ka_values *vals);
/* activ_default_params(kind) with the given values of the fields the kind reads */
activ_params ka_params(activ_kind kind, const ka_values *vals);
/* "relu leaky_relu ... (silu)" */
void ka_print_funcs(FILE *out, const char *prefix);
/* one line per option: "  --alpha A   leaky_relu (0.01), prelu (0.25), elu (1)" */
void ka_print_param_help(FILE *out);

#endif
