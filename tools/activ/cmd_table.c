/* cmd_table.c - activ table [--format text|md|csv|json] [--alpha A] [--beta B] [--no-timing]
 *               [FUNC...]
 *
 * The seed's comparison table (formula, range, gradient, vanishing gradient), with every
 * number measured through the library by table_stats.c. Output as aligned text (default),
 * Markdown, CSV or JSON on stdout; progress and errors on stderr.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "table_stats.h"

#define MAX_FUNCS 64

static const char *const table_opts[] = {"--format", "--alpha", "--beta", "--gamma", "--threshold",
                                         "--min_val", "--max_val", "--no-timing", "--help"};

static void usage(void)
{
    printf("Usage: activ table [--format text|md|csv|json] [--PARAM V]... [--no-timing] [FUNC...]\n"
           "\n"
           "Compares activation functions; every column is measured by calling libactiv:\n"
           "  f(x), f'(x)        the formulas\n"
           "  range              min and max of f over every 256th fp32 bit pattern plus special\n"
           "                     values (finite inputs), and the limits f(-inf), f(+inf)\n"
           "  max|f'|            the largest |f'| over the same inputs (activ_backward, dy = 1)\n"
           "  grad 10 layers     (E|f'(z)|)^10, z ~ N(0,1): the gradient left after 10 layers\n"
           "  saturated          the fraction of z ~ N(0,1) with |f'(z)| < 0.01\n"
           "  mean f(z)          E f(z), z ~ N(0,1): 0 means zero-centred\n"
           "  f' vanishes        where f'(-20) or f'(+20) is below 0.01\n"
           "  ns/elem            activ_forward on 65536 floats (best of ~40 ms of runs)\n"
           "  max ULP            activ_forward against the double-precision oracle, one input per\n"
           "                     4096 bit patterns plus special values\n"
           "N(0,1) samples come from a fixed seed, so every column but ns/elem is reproducible.\n"
           "\n");
    ka_print_funcs(stdout, "FUNC: ");
    printf("      (default: all of them but prelu)\n"
           "  -f, --format F   text (aligned, default), md (Markdown), csv or json\n"
           "  --PARAM V        a parameter of the functions that take it (below)\n"
           "  --no-timing      skip the ns/elem column (fully reproducible output)\n"
           "PARAM (the functions that take it, with their defaults; prelu's alpha is a shared slope):\n");
    ka_print_param_help(stdout);
    printf("\n"
           "Examples:\n"
           "  activ table\n"
           "  activ table relu sigmoid tanh leaky_relu\n"
           "  activ table --format md > table.md\n"
           "  activ table --format json sigmoid | python3 -m json.tool\n"
           "\n"
           "Exit status: 0 ok, 1 a measurement failed, 2 bad usage.\n");
}

typedef enum { F_TEXT, F_MD, F_CSV, F_JSON } tformat;

enum {
    C_NAME, C_F, C_DF, C_RANGE, C_FNEG, C_FPOS, C_DMAX, C_GRAD, C_SAT, C_MEAN, C_VANISH, C_NS, C_ULP, NCOLS
};
static const char *const headers[NCOLS] = {
    "function", "f(x)", "f\xE2\x80\xB2(x)", "range (all floats)", "f(\xE2\x88\x92\xE2\x88\x9E)", "f(+\xE2\x88\x9E)",
    "max|f\xE2\x80\xB2|", "grad 10 layers", "saturated", "mean f(z)", "f\xE2\x80\xB2 vanishes", "ns/elem",
    "max ULP"};

/* Numbers as text: "inf", "-inf", "nan", "0", else %.*g. */
static void fmt_num(char *buf, size_t len, double v, int prec)
{
    if (isnan(v))
        snprintf(buf, len, "nan");
    else if (isinf(v))
        snprintf(buf, len, v > 0 ? "inf" : "-inf");
    else if (v == 0)
        snprintf(buf, len, "0");
    else
        snprintf(buf, len, "%.*g", prec, v);
}

static const char *vanish_text(const tstats *s)
{
    int neg = fabs(s->d_neg) < TS_VANISH_EPS, pos = fabs(s->d_pos) < TS_VANISH_EPS;
    return neg && pos ? "yes, both sides" : neg ? "yes, x\xE2\x86\x92\xE2\x88\x92\xE2\x88\x9E" : pos ? "yes, x\xE2\x86\x92+\xE2\x88\x9E" : "no";
}

/* the name and every parameter the kind reads: "leaky_relu \u03b1=0.01" */
static void row_name(char *buf, size_t len, const tstats *s)
{
    static const char *const sym[KA_NFIELDS] = {
        [KA_alpha] = "\xCE\xB1", [KA_beta] = "\xCE\xB2", [KA_gamma] = "\xCE\xB3",
        [KA_threshold] = "threshold", [KA_min_val] = "min", [KA_max_val] = "max"};
    int o = snprintf(buf, len, "%s", activ_kind_name(s->kind));
    activ_params p = s->params;
    for (int f = 0; f < KA_NFIELDS && o >= 0 && (size_t)o < len; f++)
        if (ka_kind_uses(s->kind, f))
            o += snprintf(buf + o, len - (size_t)o, " %s=%g", sym[f], (double)*ka_field(&p, f));
}

typedef char cell[96];

static void make_row(const tstats *s, cell *c)
{
    char a[40], b[40];
    row_name(c[C_NAME], sizeof c[C_NAME], s);
    snprintf(c[C_F], sizeof c[C_F], "%s", ts_formula(s->kind));
    snprintf(c[C_DF], sizeof c[C_DF], "%s", ts_derivative_formula(s->kind));
    fmt_num(a, sizeof a, s->fmin, 4);
    fmt_num(b, sizeof b, s->fmax, 4);
    snprintf(c[C_RANGE], sizeof c[C_RANGE], "[%s, %s]", a, b);
    fmt_num(c[C_FNEG], sizeof c[C_FNEG], s->f_neg_inf, 4);
    fmt_num(c[C_FPOS], sizeof c[C_FPOS], s->f_pos_inf, 4);
    fmt_num(c[C_DMAX], sizeof c[C_DMAX], s->max_abs_deriv, 4);
    fmt_num(c[C_GRAD], sizeof c[C_GRAD], s->grad_layers, 3);
    snprintf(c[C_SAT], sizeof c[C_SAT], "%.1f%%", 100 * s->saturation);
    snprintf(c[C_MEAN], sizeof c[C_MEAN], "%.4f", s->mean_out);
    if (!strcmp(c[C_MEAN], "-0.0000"))
        strcpy(c[C_MEAN], "0.0000");
    snprintf(c[C_VANISH], sizeof c[C_VANISH], "%s", vanish_text(s));
    if (s->ns_per_elem < 0)
        snprintf(c[C_NS], sizeof c[C_NS], "-");
    else
        snprintf(c[C_NS], sizeof c[C_NS], "%.2f", s->ns_per_elem);
    snprintf(c[C_ULP], sizeof c[C_ULP], "%.2f", s->max_ulp);
}

/* display width: UTF-8 code points */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += (*s & 0xC0) != 0x80;
    return w;
}

static void pad(const char *s, size_t w, int right)
{
    size_t n = width(s);
    if (right)
        for (size_t i = n; i < w; i++)
            putchar(' ');
    fputs(s, stdout);
    if (!right)
        for (size_t i = n; i < w; i++)
            putchar(' ');
}

static void text_table(cell (*rows)[NCOLS], int nrows, const int *cols, int ncols, int color)
{
    size_t w[NCOLS] = {0};
    for (int j = 0; j < ncols; j++) {
        w[j] = width(headers[cols[j]]);
        for (int i = 0; i < nrows; i++)
            w[j] = width(rows[i][cols[j]]) > w[j] ? width(rows[i][cols[j]]) : w[j];
    }
    if (color)
        fputs("\033[1m", stdout);
    for (int j = 0; j < ncols; j++) {
        if (j)
            fputs("  ", stdout);
        pad(headers[cols[j]], j == ncols - 1 && !color ? 0 : w[j], 0);
    }
    if (color)
        fputs("\033[0m", stdout);
    putchar('\n');
    for (int j = 0; j < ncols; j++) {
        if (j)
            fputs("  ", stdout);
        for (size_t k = 0; k < w[j]; k++)
            fputs("\xE2\x94\x80", stdout); /* U+2500 box drawing light horizontal */
    }
    putchar('\n');
    for (int i = 0; i < nrows; i++) {
        for (int j = 0; j < ncols; j++) {
            if (j)
                fputs("  ", stdout);
            pad(rows[i][cols[j]], j == ncols - 1 ? 0 : w[j], 0);
        }
        putchar('\n');
    }
}

static void footnotes(FILE *f, const char *prefix)
{
    fprintf(f,
            "%srange: min and max of f over every 256th fp32 bit pattern plus special values (finite\n"
            "%s  inputs); f(\xC2\xB1\xE2\x88\x9E): the limits. max|f\xE2\x80\xB2|: over the same inputs (activ_backward, dy = 1).\n"
            "%sgrad 10 layers: (E|f\xE2\x80\xB2(z)|)^10, z ~ N(0,1), the product of typical derivatives through 10\n"
            "%s  layers. saturated: fraction of z with |f\xE2\x80\xB2(z)| < 0.01. mean f(z): 0 = zero-centred.\n"
            "%s  (%d samples, splitmix64 seed %u, Box-Muller.)\n"
            "%sf\xE2\x80\xB2 vanishes: f\xE2\x80\xB2(\xE2\x88\x92" "20) or f\xE2\x80\xB2(+20) below 0.01.\n"
            "%sns/elem: activ_forward on %d floats, best of ~40 ms of runs (%s, %d thread%s max).\n"
            "%smax ULP: activ_forward against the double-precision oracle, one input per 4096 bit\n"
            "%s  patterns plus special values.\n",
            prefix, prefix, prefix, prefix, prefix, TS_NORMAL_SAMPLES, TS_NORMAL_SEED, prefix, prefix, TS_TIME_N,
            activ_isa_name(activ_get_isa()), activ_get_num_threads(), activ_get_num_threads() == 1 ? "" : "s",
            prefix, prefix);
}

static void md_escape(const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", stdout);
        else
            putchar(*s);
    }
}

static void csv_field(const char *s)
{
    if (strpbrk(s, ",\"\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
}

/* A JSON number, exact for the double; non-finite values as the strings "inf", "-inf", "nan". */
static void json_exact(double v)
{
    json_num_named(stdout, "%.17g", v);
}

static void print_json(const tstats *st, cell (*rows)[NCOLS], int n)
{
    printf("{\n  \"activ_version\": ");
    json_str(stdout, activ_version());
    printf(",\n  \"isa\": ");
    json_str(stdout, activ_isa_name(activ_get_isa()));
    printf(",\n  \"threads\": %d,\n", activ_get_num_threads());
    printf("  \"definitions\": {\n"
           "    \"range\": \"min and max of f over every 256th fp32 bit pattern plus special values (finite inputs)\",\n"
           "    \"f_neg_inf\": \"f(-inf), the limit\",\n"
           "    \"f_pos_inf\": \"f(+inf), the limit\",\n"
           "    \"max_abs_derivative\": \"max |f'(x)| over the range inputs (activ_backward with dy = 1)\",\n"
           "    \"mean_abs_derivative\": \"E|f'(z)|, z ~ N(0,1), %d samples, splitmix64 seed %u\",\n"
           "    \"grad_after_10_layers\": \"mean_abs_derivative^10: the product of typical derivatives through 10 layers\",\n"
           "    \"saturation\": \"fraction of z ~ N(0,1) with |f'(z)| < 0.01\",\n"
           "    \"mean_output\": \"E f(z), z ~ N(0,1); 0 = zero-centred\",\n"
           "    \"vanishes\": \"f'(-20) < 0.01 (negative side) or f'(+20) < 0.01 (positive side)\",\n"
           "    \"ns_per_element\": \"activ_forward on %d floats, best of ~40 ms of runs; null with --no-timing\",\n"
           "    \"max_ulp\": \"max ULP error of activ_forward against the double-precision oracle, one input per 4096 bit patterns plus special values\",\n"
           "    \"non_finite\": \"numbers that are not finite are written as the strings inf, -inf, nan\"\n"
           "  },\n  \"functions\": [\n",
           TS_NORMAL_SAMPLES, TS_NORMAL_SEED, TS_TIME_N);
    for (int i = 0; i < n; i++) {
        const tstats *s = &st[i];
        printf("    {\n      \"name\": ");
        json_str(stdout, activ_kind_name(s->kind));
        printf(",\n      \"label\": ");
        json_str(stdout, rows[i][C_NAME]);
        printf(",\n      \"alpha\": ");
        if (ka_kind_uses(s->kind, KA_alpha))
            json_exact(s->alpha);
        else
            fputs("null", stdout);
        printf(",\n      \"beta\": ");
        if (ka_kind_uses(s->kind, KA_beta))
            json_exact(s->beta);
        else
            fputs("null", stdout);
        printf(",\n      \"formula\": ");
        json_str(stdout, ts_formula(s->kind));
        printf(",\n      \"derivative\": ");
        json_str(stdout, ts_derivative_formula(s->kind));
        printf(",\n      \"range\": {\"min\": ");
        json_exact(s->fmin);
        printf(", \"max\": ");
        json_exact(s->fmax);
        printf(", \"f_neg_inf\": ");
        json_exact(s->f_neg_inf);
        printf(", \"f_pos_inf\": ");
        json_exact(s->f_pos_inf);
        printf(", \"inputs\": %zu},\n      \"max_abs_derivative\": ", s->n_range);
        json_exact(s->max_abs_deriv);
        printf(",\n      \"mean_abs_derivative\": ");
        json_exact(s->mean_abs_deriv);
        printf(",\n      \"grad_after_10_layers\": ");
        json_exact(s->grad_layers);
        printf(",\n      \"saturation\": ");
        json_exact(s->saturation);
        printf(",\n      \"mean_output\": ");
        json_exact(s->mean_out);
        printf(",\n      \"derivative_at_minus_20\": ");
        json_exact(s->d_neg);
        printf(",\n      \"derivative_at_plus_20\": ");
        json_exact(s->d_pos);
        printf(",\n      \"vanishes\": {\"negative_side\": %s, \"positive_side\": %s}",
               fabs(s->d_neg) < TS_VANISH_EPS ? "true" : "false", fabs(s->d_pos) < TS_VANISH_EPS ? "true" : "false");
        printf(",\n      \"ns_per_element\": ");
        if (s->ns_per_elem < 0)
            fputs("null", stdout);
        else
            json_exact(s->ns_per_elem);
        printf(",\n      \"max_ulp\": ");
        json_exact(s->max_ulp);
        printf(",\n      \"ulp_inputs\": %zu\n    }%s\n", s->n_ulp, i + 1 < n ? "," : "");
    }
    printf("  ]\n}\n");
}

static void print_text(cell (*rows)[NCOLS], int nk)
{
    int color = cli_color(1);
    printf("%sActivation functions compared: every number measured through libactiv %s (fp32)%s\n\n",
           color ? "\033[1m" : "", activ_version(), color ? "\033[0m" : "");
    static const int formulas[] = {C_NAME, C_F, C_DF};
    static const int measured[] = {C_NAME, C_RANGE, C_FNEG, C_FPOS, C_DMAX, C_GRAD, C_SAT,
                                   C_MEAN, C_VANISH, C_NS, C_ULP};
    text_table(rows, nk, formulas, 3, color);
    putchar('\n');
    text_table(rows, nk, measured, (int)(sizeof measured / sizeof *measured), color);
    putchar('\n');
    footnotes(stdout, "");
}

static void print_md(cell (*rows)[NCOLS], int nk)
{
    printf("|");
    for (int j = 0; j < NCOLS; j++) {
        putchar(' ');
        md_escape(headers[j]);
        printf(" |");
    }
    printf("\n|");
    for (int j = 0; j < NCOLS; j++)
        printf(j >= C_DMAX && j != C_VANISH ? "---:|" : "---|");
    putchar('\n');
    for (int i = 0; i < nk; i++) {
        printf("|");
        for (int j = 0; j < NCOLS; j++) {
            putchar(' ');
            md_escape(rows[i][j]);
            printf(" |");
        }
        putchar('\n');
    }
    putchar('\n');
    footnotes(stdout, "> ");
}

/* machine-friendly: one number per field, full precision, booleans as 0/1 */
static void print_csv(const tstats *st, int nk)
{
    printf("function,alpha,beta,formula,derivative,range_min,range_max,f_neg_inf,f_pos_inf,"
           "max_abs_derivative,mean_abs_derivative,grad_after_10_layers,saturation,mean_output,"
           "vanishes_negative_side,vanishes_positive_side,ns_per_element,max_ulp\n");
    for (int i = 0; i < nk; i++) {
        const tstats *s = &st[i];
        int ua = ka_kind_uses(s->kind, KA_alpha);
        const double v[13] = {s->alpha,          s->beta,           s->fmin,        s->fmax,
                              s->f_neg_inf,      s->f_pos_inf,      s->max_abs_deriv, s->mean_abs_deriv,
                              s->grad_layers,    s->saturation,     s->mean_out,    s->ns_per_elem,
                              s->max_ulp};
        char b[13][40];
        for (int k = 0; k < 13; k++)
            fmt_num(b[k], 40, v[k], k == 11 ? 4 : 9);
        printf("%s,%s,%s,", activ_kind_name(s->kind), ua ? b[0] : "", ka_kind_uses(s->kind, KA_beta) ? b[1] : "");
        csv_field(ts_formula(s->kind));
        putchar(',');
        csv_field(ts_derivative_formula(s->kind));
        printf(",%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%d,%s,%s\n", b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
               b[10], fabs(s->d_neg) < TS_VANISH_EPS, fabs(s->d_pos) < TS_VANISH_EPS,
               s->ns_per_elem < 0 ? "" : b[11], b[12]);
    }
}

/* --format F (or --format=F, -f F): argv[*i] is the option. Returns -1 or the exit code. */
static int parse_format_opt(const char *cmd, int argc, char **argv, int *i, tformat *format)
{
    const char *s = argv[*i];
    const char *f = s[8] == '=' ? s + 9 : *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!f)
        return cli_usage(cmd, "%s needs text, md, csv or json", s);
    if (s[8] != '=')
        ++*i;
    if (!strcmp(f, "text") || !strcmp(f, "txt"))
        *format = F_TEXT;
    else if (!strcmp(f, "md") || !strcmp(f, "markdown"))
        *format = F_MD;
    else if (!strcmp(f, "csv"))
        *format = F_CSV;
    else if (!strcmp(f, "json"))
        *format = F_JSON;
    else {
        static const char *const fmts[] = {"text", "md", "csv", "json", "markdown"};
        const char *sg = cli_suggest(f, fmts, 5);
        if (sg)
            return cli_usage(cmd, "unknown format '%s' (did you mean '%s'?); use text, md, csv or json", f, sg);
        return cli_usage(cmd, "unknown format '%s'; use text, md, csv or json", f);
    }
    return -1;
}

/* What the command line asks for. */
typedef struct {
    activ_kind kinds[MAX_FUNCS];
    int nk, timing;
    ka_values vals;
    tformat format;
} table_args;

/* Returns -1 to go on, or the exit code (CLI_OK after --help). */
static int parse_args(const char *cmd, table_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->timing = 1;
    a->format = F_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        int rc;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage();
            return CLI_OK;
        } else if (!strcmp(s, "--format") || !strcmp(s, "-f") || !strncmp(s, "--format=", 9)) {
            if ((rc = parse_format_opt(cmd, argc, argv, &i, &a->format)) >= 0)
                return rc;
        } else if (ka_field_of_option(s) >= 0) {
            float v;
            if (!val)
                return cli_usage(cmd, "%s needs a value", s);
            if (cli_parse_float(argv[++i], &v))
                return cli_usage(cmd, "%s '%s' is not a finite number", s, argv[i]);
            a->vals.v[ka_field_of_option(s)] = v;
            a->vals.have[ka_field_of_option(s)] = 1;
        } else if (!strcmp(s, "--no-timing")) {
            a->timing = 0;
        } else if (s[0] == '-' && s[1]) {
            return cli_unknown_option(cmd, s, table_opts, sizeof table_opts / sizeof *table_opts);
        } else {
            if (a->nk == MAX_FUNCS)
                return cli_usage(cmd, "at most %d functions", MAX_FUNCS);
            if ((rc = cli_parse_kind(cmd, s, &a->kinds[a->nk])) != CLI_OK)
                return rc;
            a->nk++;
        }
    }
    if (a->nk == 0) {
        /* every kind of the manifest but prelu (leaky_relu with a learned slope) */
        for (int k = 0; k < ACTIV_KIND_COUNT && a->nk < MAX_FUNCS; k++)
            if (k != ACTIV_PRELU)
                a->kinds[a->nk++] = (activ_kind)k;
    }
    return -1;
}

int cmd_table(int argc, char **argv)
{
    const char *cmd = argv[0];
    table_args a;
    int rc = parse_args(cmd, &a, argc, argv);
    if (rc >= 0)
        return rc;
    const int nk = a.nk;
    tstats st[MAX_FUNCS];
    cell rows[MAX_FUNCS][NCOLS];
    for (int i = 0; i < nk; i++) {
        activ_params p;
        float slope;
        ts_params(a.kinds[i], &a.vals, &p, &slope);
        activ_status s = ts_measure(a.kinds[i], &p, a.timing, &st[i]);
        if (s == ACTIV_ERR_PARAM)
            return cli_usage(cmd, "%s: %s", activ_kind_name(a.kinds[i]), activ_status_str(s));
        if (s != ACTIV_OK)
            return cli_error("%s: %s", activ_kind_name(a.kinds[i]), activ_status_str(s));
        make_row(&st[i], rows[i]);
    }
    if (a.format == F_TEXT)
        print_text(rows, nk);
    else if (a.format == F_MD)
        print_md(rows, nk);
    else if (a.format == F_CSV)
        print_csv(st, nk);
    else
        print_json(st, rows, nk);
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_error("cannot write the table to stdout");
    return CLI_OK;
}
