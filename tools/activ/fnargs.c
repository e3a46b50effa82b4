/* fnargs.c - option parsing shared by 'activ eval' and 'activ grad'. */
#include "fnargs.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const eval_opts[] = {"--alpha", "--beta", "--gamma", "--threshold", "--min_val",
                                        "--max_val", "--alpha-npy", "--channels-last", "--help"};
static const char *const grad_opts[] = {"--alpha", "--beta", "--gamma", "--threshold", "--min_val",
                                        "--max_val", "--alpha-npy", "--channels-last",
                                        "--from-output", "--dparam", "--help"};

static void usage(int grad)
{
    if (!grad) {
        printf("Usage: activ eval FUNC [--PARAM V]... [--alpha-npy ALPHA.npy] [--channels-last] IN.npy OUT.npy\n\n"
               "Applies FUNC element-wise to an fp32 .npy of any shape; OUT has the same shape.\n");
    } else {
        printf("Usage: activ grad FUNC [--PARAM V]... [--alpha-npy ALPHA.npy] [--channels-last]\n"
               "                  [--from-output] IN.npy DY.npy DX.npy [--dparam DP.npy]\n\n"
               "Writes dx = dy * f'(x). IN is x, or the forward output y with --from-output\n"
               "(the FROM-OUTPUT functions below; leaky_relu needs alpha > 0, elu alpha >= 0).\n"
               "--dparam writes dalpha (prelu: one value per channel) or dbeta (swish: shape (1,)).\n");
    }
    printf("\n");
    ka_print_funcs(stdout, "FUNC: ");
    if (grad) {
        printf("FROM-OUTPUT:");
#define FN_FO_(name, K, fam, fo, ...) \
        if (fo) printf(" %s", #name);
        ACTIV_FOREACH_KIND(FN_FO_)
#undef FN_FO_
        printf("\n");
    }
    printf("Also: softmax, log_softmax (--axis A), swiglu, geglu, reglu (two inputs, or --split);\n"
           "  'activ eval softmax --help', 'activ eval swiglu --help'. 16-bit data: a float16 .npy\n"
           "  ('<f2') is used as float16; bfloat16 bits in a uint16 .npy ('<u2') need --dtype bf16.\n");
    printf("PARAM (the functions that take it, with their defaults; prelu's alpha is a shared slope):\n");
    ka_print_param_help(stdout);
    printf("  --alpha-npy F      prelu: one slope per channel, channels on axis 1\n"
           "  --channels-last    prelu: channels on the last axis instead\n"
           "\nExamples:\n");
    if (!grad)
        printf("  activ eval relu x.npy y.npy\n"
               "  activ eval prelu --alpha-npy slopes.npy x_nchw.npy y.npy\n");
    else
        printf("  activ grad sigmoid --from-output y.npy dy.npy dx.npy\n"
               "  activ grad swish --beta 1.5 x.npy dy.npy dx.npy --dparam dbeta.npy\n");
    printf("\nExit status: 0 ok, 1 bad data or I/O error, 2 bad usage. OUT is written whole or not at all.\n");
}

int fnargs_parse(fnargs *a, int argc, char **argv, int grad)
{
    memset(a, 0, sizeof *a);
    const char *cmd = argv[0];
    const char *func = NULL;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int has_val = i + 1 < argc;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(grad);
            return CLI_OK;
        } else if (ka_field_of_option(s) >= 0) {
            if (!has_val)
                return cli_usage(cmd, "%s needs a value", s);
            float v;
            if (cli_parse_float(argv[++i], &v))
                return cli_usage(cmd, "%s '%s' is not a finite number", s, argv[i]);
            int f = ka_field_of_option(s);
            a->vals.v[f] = v;
            a->vals.have[f] = 1;
        } else if (!strcmp(s, "--alpha-npy")) {
            if (!has_val)
                return cli_usage(cmd, "--alpha-npy needs a file");
            a->alpha_npy = argv[++i];
        } else if (!strcmp(s, "--channels-last")) {
            a->channels_last = 1;
        } else if (grad && !strcmp(s, "--from-output")) {
            a->from_output = 1;
        } else if (grad && !strcmp(s, "--dparam")) {
            if (!has_val)
                return cli_usage(cmd, "--dparam needs a file");
            a->dparam = argv[++i];
        } else if (s[0] == '-' && s[1] == '-') {
            return grad ? cli_unknown_option(cmd, s, grad_opts, sizeof grad_opts / sizeof *grad_opts)
                        : cli_unknown_option(cmd, s, eval_opts, sizeof eval_opts / sizeof *eval_opts);
        } else if (!func) {
            func = s;
        } else if (a->npos < 4) {
            a->pos[a->npos++] = s;
        } else {
            return cli_usage(cmd, "too many arguments ('%s')", s);
        }
    }
    if (!func)
        return cli_usage(cmd, "missing FUNC");
    int rc = cli_parse_kind(cmd, func, &a->kind);
    if (rc != CLI_OK)
        return rc;
    int want = grad ? 3 : 2;
    if (a->npos != want)
        return cli_usage(cmd, grad ? "expected IN.npy DY.npy DX.npy, got %d file(s)"
                                   : "expected IN.npy OUT.npy, got %d file(s)", a->npos);
    const char *name = activ_kind_name(a->kind);
    rc = ka_check(cmd, a->kind, &a->vals);
    if (rc != CLI_OK)
        return rc;
    if ((a->alpha_npy || a->channels_last) && a->kind != ACTIV_PRELU)
        return cli_usage(cmd, "--alpha-npy and --channels-last apply to prelu only, not %s", name);
    if (a->alpha_npy && a->vals.have[KA_alpha])
        return cli_usage(cmd, "give prelu slopes either with --alpha or with --alpha-npy, not both");
    if (a->dparam && ka_dparam(a->kind) == ACTIV_DP_NONE)
        return cli_usage(cmd, "--dparam applies to prelu (dalpha) and swish (dbeta), not %s", name);
    if (a->from_output && !ka_has_from_output(a->kind))
        return cli_usage(cmd, "--from-output is not defined for %s: its derivative needs x", name);
    if (a->from_output && a->dparam)
        return cli_usage(cmd, "--dparam needs x, so it cannot be combined with --from-output");
    return -1;
}

int fnargs_params(fnargs *a, const activ_npy *in, activ_params *p)
{
    *p = ka_params(a->kind, &a->vals); /* prelu's default alpha: nn.PReLU's initial 0.25 */
    if (a->kind != ACTIV_PRELU)
        return CLI_OK;
    if (a->alpha_npy) {
        char err[512];
        if (activ_npy_read(a->alpha_npy, &a->slopes, err, sizeof err) != ACTIV_OK)
            return cli_error("%s", err);
        if (a->slopes.n == 0)
            return cli_error("'%s' holds no slopes", a->alpha_npy);
    } else {
        a->slopes.data = &p->alpha;
        a->slopes.n = 1;
        a->slopes.ndim = 1;
        a->slopes.shape[0] = 1;
    }
    size_t C = a->slopes.n;
    p->slopes = a->slopes.data;
    p->channels = C;
    p->inner = 1;
    if (C == 1)
        return CLI_OK;
    int axis = a->channels_last ? in->ndim - 1 : 1;
    if (axis < 0 || axis >= in->ndim || in->shape[axis] != C)
        return cli_error("prelu has %zu slopes but the input's %s axis is %s%zu", C,
                         a->channels_last ? "last" : "channel (1)",
                         (axis < 0 || axis >= in->ndim) ? "missing, shape rank " : "of size ",
                         (axis < 0 || axis >= in->ndim) ? (size_t)in->ndim : in->shape[axis]);
    for (int d = axis + 1; d < in->ndim; d++)
        p->inner *= in->shape[d];
    return CLI_OK;
}

void fnargs_free(fnargs *a)
{
    if (a->alpha_npy)
        activ_npy_free(&a->slopes);
    memset(a, 0, sizeof *a);
}
