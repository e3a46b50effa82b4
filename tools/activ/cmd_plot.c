/* cmd_plot.c - activ plot FUNC... [--derivative] [--range A:B] [--alpha LIST] [--beta LIST]
 *              [--title T] [--width W] [--height H] [--points N] -o FILE.svg|png|pdf
 *
 * Samples each function (and with --derivative its derivative, in a second panel below) from
 * the library itself: activ_forward, and activ_backward with dy = 1. plot_chart.c lays the
 * chart out once as a list of primitives; plot_canvas.c writes it as SVG (deterministic
 * bytes) and plot_cairo.c paints the same list for PNG and PDF. The file is written whole
 * through a temp file and rename (src/io/io.h).
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "kindargs.h"
#include "activ_internal/io.h"
#include "plot_canvas.h"
#include "plot_chart.h"

#define MAX_FUNCS 16
#define MAX_PARAMS 8
#define MAX_SERIES (MAX_FUNCS * MAX_PARAMS)

static const char *const plot_opts[] = {"--derivative", "--range", "--alpha", "--beta", "--title", "--width",
                                        "--height", "--points", "--output", "--help"};

static void usage(void)
{
    printf("Usage: activ plot FUNC... [--derivative] [--range A:B] [--alpha LIST] [--beta LIST]\n"
           "                  [--title T] [--width W] [--height H] [--points N] -o FILE.svg|png|pdf\n"
           "\n"
           "Draws the functions (values from libactiv: activ_forward, and activ_backward with\n"
           "dy = 1) as a chart with axes, round ticks, grid, legend and title. The format follows\n"
           "the extension: SVG is written directly (the same bytes every run); PNG and PDF need\n"
           "a build with cairo. The file is written whole or not at all.\n"
           "\n");
    ka_print_funcs(stdout, "FUNC: ");
    printf("  -d, --derivative   add a second panel below with f'(x), same colours\n"
           "  --range A:B        x range (default -5:5)\n"
           "  --alpha LIST       one curve per value for the functions that take alpha (prelu:\n"
           "                     a shared slope), e.g. 0.01,0.1,0.3\n"
           "  --beta LIST        one curve per value for the functions that take beta\n"
           "Other parameters keep their defaults. Defaults:\n");
    ka_print_param_help(stdout);
    printf("\n"
           "  --title T          chart title (default: the function names; '' for none)\n"
           "  --width W          width in px (PDF: pt), default 800\n"
           "  --height H         height, default 500 (780 with --derivative)\n"
           "  --points N         samples per curve, default 1001\n"
           "  -o, --output FILE  FILE.svg, FILE.png or FILE.pdf\n"
           "\n"
           "Examples:\n"
           "  activ plot relu leaky_relu --alpha 0.1 --range -3:3 -o relu.svg\n"
           "  activ plot sigmoid tanh --derivative -o saturation.png\n"
           "  activ plot elu --alpha 0.5,1,2 --derivative -o elu.pdf\n"
           "  activ plot swish --beta 0.5,1,2,10 -o swish.svg\n"
           "\n"
           "Exit status: 0 ok, 1 cannot write the file (or no cairo for PNG/PDF), 2 bad usage.\n");
}

static int uses_alpha(activ_kind k) { return ka_kind_uses(k, KA_alpha); }
static int uses_beta(activ_kind k) { return ka_kind_uses(k, KA_beta); }

/* "A:B" with finite A < B. */
static int parse_range(const char *s, double *a, double *b)
{
    const char *colon = strchr(s, ':');
    if (!colon || strchr(colon + 1, ':'))
        return -1;
    char left[128];
    size_t n = (size_t)(colon - s);
    if (n == 0 || n >= sizeof left)
        return -1;
    memcpy(left, s, n);
    left[n] = 0;
    return cli_parse_double(left, a) || cli_parse_double(colon + 1, b) ? -1 : 0;
}

typedef enum { FMT_SVG, FMT_PNG, FMT_PDF } fmt;

static int parse_format(const char *path, fmt *f, const char **ext)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    *ext = dot ? dot : "";
    if (!dot)
        return -1;
    if (!strcasecmp(dot, ".svg"))
        *f = FMT_SVG;
    else if (!strcasecmp(dot, ".png"))
        *f = FMT_PNG;
    else if (!strcasecmp(dot, ".pdf"))
        *f = FMT_PDF;
    else
        return -1;
    return 0;
}

static void fmt_param(char *buf, size_t len, float v)
{
    snprintf(buf, len, "%g", (double)v);
}

/* "relu, elu and tanh" */
static void default_title(char *buf, size_t len, const activ_kind *k, int nk)
{
    buf[0] = 0;
    for (int i = 0; i < nk; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= k[j] == k[i];
        if (seen)
            continue;
        int last = 1;
        for (int j = i + 1; j < nk; j++) {
            int dup = 0;
            for (int m = 0; m < j; m++)
                dup |= k[m] == k[j];
            if (!dup)
                last = 0;
        }
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", used == 0 ? "" : last ? " and " : ", ", activ_kind_name(k[i]));
    }
}

/* What the command line asks for. */
typedef struct {
    const char *cmd;
    activ_kind kinds[MAX_FUNCS];
    int nk, deriv, npoints;
    double xa, xb, width, height;
    float alphas[MAX_PARAMS], betas[MAX_PARAMS];
    int nalpha, nbeta;
    const char *out, *title;
    fmt format;
} plot_args;

/* The option argv[*i] (its value, if any, is argv[*i + 1]). Returns -1 to go on, or the exit
 * code (CLI_OK after --help). */
static int parse_option(plot_args *a, int argc, char **argv, int *i)
{
    const char *cmd = a->cmd, *s = argv[*i];
    const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
        usage();
        return CLI_OK;
    } else if (!strcmp(s, "--derivative") || !strcmp(s, "-d")) {
        a->deriv = 1;
    } else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
        if (!val)
            return cli_usage(cmd, "%s needs a file name", s);
        a->out = argv[++*i];
    } else if (!strcmp(s, "--range")) {
        if (!val)
            return cli_usage(cmd, "--range needs A:B, e.g. --range -3:3");
        if (parse_range(val, &a->xa, &a->xb))
            return cli_usage(cmd, "--range '%s' is not A:B with two finite numbers (e.g. -3:3)", val);
        if (!(a->xa < a->xb))
            return cli_usage(cmd, "--range '%s': A must be less than B", val);
        /* the curves are computed in fp32: both ends must be finite floats, still apart */
        if (!isfinite((float)a->xa) || !isfinite((float)a->xb) || !((float)a->xa < (float)a->xb))
            return cli_usage(cmd, "--range '%s' is not representable in fp32 (finite, |A|, |B| <= %g, "
                                  "A < B after rounding to float)", val, (double)FLT_MAX);
        ++*i;
    } else if (!strcmp(s, "--alpha") || !strcmp(s, "--beta")) {
        int al = s[2] == 'a';
        if (!val)
            return cli_usage(cmd, "%s needs a value or a list such as 0.01,0.1,0.3", s);
        int n = cli_parse_float_list(val, al ? a->alphas : a->betas, MAX_PARAMS);
        if (n < 0)
            return cli_usage(cmd, "%s '%s' is not a list of up to %d finite numbers", s, val, MAX_PARAMS);
        *(al ? &a->nalpha : &a->nbeta) = n;
        ++*i;
    } else if (!strcmp(s, "--title")) {
        if (!val)
            return cli_usage(cmd, "--title needs a text");
        a->title = argv[++*i];
    } else if (!strcmp(s, "--width") || !strcmp(s, "--height")) {
        double v;
        if (!val)
            return cli_usage(cmd, "%s needs a number", s);
        if (cli_parse_double(val, &v) || v < 200 || v > 10000)
            return cli_usage(cmd, "%s '%s' must be a number from 200 to 10000", s, val);
        *(s[2] == 'w' ? &a->width : &a->height) = round(v);
        ++*i;
    } else if (!strcmp(s, "--points")) {
        long v;
        if (!val)
            return cli_usage(cmd, "--points needs a number");
        if (cli_parse_long(val, &v) || v < 2 || v > 1000000)
            return cli_usage(cmd, "--points '%s' must be an integer from 2 to 1000000", val);
        a->npoints = (int)v;
        ++*i;
    } else if (s[0] == '-' && s[1] != 0 && !(s[1] >= '0' && s[1] <= '9')) {
        return cli_unknown_option(cmd, s, plot_opts, sizeof plot_opts / sizeof *plot_opts);
    } else {
        if (a->nk == MAX_FUNCS)
            return cli_usage(cmd, "at most %d functions per plot", MAX_FUNCS);
        int rc = cli_parse_kind(cmd, s, &a->kinds[a->nk]);
        if (rc != CLI_OK)
            return rc;
        a->nk++;
    }
    return -1;
}

/* Every option, then what they must add up to. Returns -1 to go on, or the exit code. */
static int parse_args(plot_args *a, int argc, char **argv)
{
    *a = (plot_args){.cmd = argv[0], .npoints = 1001, .xa = -5, .xb = 5, .width = 800};
    const char *cmd = a->cmd;
    for (int i = 1; i < argc; i++) {
        int rc = parse_option(a, argc, argv, &i);
        if (rc >= 0)
            return rc;
    }
    if (a->nk == 0)
        return cli_usage(cmd, "missing FUNC (e.g. 'activ plot relu -o relu.svg')");
    if (!a->out)
        return cli_usage(cmd, "missing -o FILE (.svg, .png or .pdf)");
    const char *ext;
    if (parse_format(a->out, &a->format, &ext))
        return cli_usage(cmd, "cannot tell the format of '%s' from its extension '%s'; use .svg, .png or .pdf",
                         a->out, ext);
    int any_alpha = 0, any_beta = 0;
    for (int i = 0; i < a->nk; i++) {
        any_alpha |= uses_alpha(a->kinds[i]);
        any_beta |= uses_beta(a->kinds[i]);
    }
    char takers[512];
    if (a->nalpha && !any_alpha)
        return cli_usage(cmd, "--alpha applies to %s, and none is plotted",
                         ka_kinds_using(KA_alpha, takers, sizeof takers));
    if (a->nbeta && !any_beta)
        return cli_usage(cmd, "--beta applies to %s, and none is plotted",
                         ka_kinds_using(KA_beta, takers, sizeof takers));
    if (a->format != FMT_SVG && !pc_have_cairo())
        return cli_error("activ was built without cairo, so it cannot write %s; use .svg "
                         "(or install libcairo2-dev and rebuild)", a->format == FMT_PNG ? "PNG" : "PDF");
    if (a->height == 0)
        a->height = a->deriv ? 780 : 500;
    return -1;
}

/* The x samples into xd (room for npoints + 1): evenly spaced, plus x = 0 exactly (the
 * kink) when inside, each rounded to the float the library is evaluated at (xf). */
static size_t sample_x(const plot_args *a, double *xd, float *xf, float *ones)
{
    const int inszero = a->xa < 0 && a->xb > 0;
    size_t m = 0;
    for (int i = 0; i < a->npoints; i++) {
        double x = a->xa + (a->xb - a->xa) * i / (a->npoints - 1);
        if (inszero && m > 0 && xd[m - 1] < 0 && x > 0)
            xd[m++] = 0;
        if (inszero && x == 0 && m > 0 && xd[m - 1] == 0)
            continue;
        xd[m++] = x;
    }
    for (size_t i = 0; i < m; i++) {
        xf[i] = (float)xd[i];
        xd[i] = xf[i]; /* plot where the library was evaluated */
        ones[i] = 1.0f;
    }
    return m;
}

/* The parameters of curve v of kind k (vals: the --alpha or --beta list, or NULL) and its
 * legend label; prelu's slope lives in *slope. */
static activ_params curve_params(const plot_args *a, activ_kind k, const float *vals, int v, float *slope,
                                 char *label, size_t len)
{
    activ_params p = activ_default_params(k);
    *slope = p.alpha; /* prelu: PyTorch's nn.PReLU initial slope */
    if (k == ACTIV_PRELU) {
        if (vals)
            *slope = vals[v];
        p.slopes = slope;
        p.channels = 1;
        p.inner = 1;
    } else if (vals && vals == a->alphas) {
        p.alpha = vals[v];
    } else if (vals && vals == a->betas) {
        p.beta = vals[v];
    }
    char pv[32];
    if (k == ACTIV_PRELU) {
        fmt_param(pv, sizeof pv, *slope);
        snprintf(label, len, "prelu (\xCE\xB1=%s)", pv);
    } else if (uses_alpha(k) && (vals == a->alphas || !uses_beta(k))) {
        fmt_param(pv, sizeof pv, p.alpha);
        snprintf(label, len, "%s (\xCE\xB1=%s)", activ_kind_name(k), pv);
    } else if (uses_beta(k)) {
        fmt_param(pv, sizeof pv, p.beta);
        snprintf(label, len, "%s (\xCE\xB2=%s)", activ_kind_name(k), pv);
    } else {
        snprintf(label, len, "%s", activ_kind_name(k));
    }
    return p;
}

/* The buffers of a plot. */
typedef struct {
    float *xf, *yf, *ones;
    double *xd, *yd;
    char (*labels)[96];
    pseries *series;
} plot_bufs;

/* Every curve (and derivative) of a into b->series over the n samples; *ns gets the count.
 * Returns CLI_OK or the exit code. */
static int compute_curves(const plot_args *a, plot_bufs *b, size_t n, size_t *ns)
{
    int style = 0;
    *ns = 0;
    for (int i = 0; i < a->nk; i++) {
        activ_kind k = a->kinds[i];
        int nvals = 1;
        const float *vals = NULL;
        if (uses_alpha(k) && a->nalpha)
            nvals = a->nalpha, vals = a->alphas;
        else if (uses_beta(k) && a->nbeta)
            nvals = a->nbeta, vals = a->betas;
        for (int v = 0; v < nvals; v++, style++) {
            float slope;
            activ_params p = curve_params(a, k, vals, v, &slope, b->labels[style], sizeof b->labels[style]);
            for (int d = 0; d <= a->deriv; d++) {
                activ_status st = d == 0 ? activ_forward(k, &p, b->xf, b->yf, n)
                                         : activ_backward(k, &p, b->xf, b->ones, b->yf, n, NULL);
                if (st != ACTIV_OK)
                    return cli_usage(a->cmd, "%s: %s", b->labels[style], activ_status_str(st));
                double *y = b->yd + *ns * n;
                for (size_t j = 0; j < n; j++)
                    y[j] = b->yf[j];
                b->series[*ns] = (pseries){b->labels[style], b->xd, y, n, d, style};
                ++*ns;
            }
        }
    }
    return CLI_OK;
}

/* The chart, laid out and written whole to a->out in its format. Returns CLI_OK or CLI_FAIL. */
static int write_chart(const plot_args *a, const pchart *ch)
{
    pcanvas c;
    if (chart_draw(ch, &c)) {
        pc_free(&c);
        return cli_error("out of memory");
    }
    activ_afile f;
    if (activ_afile_open(&f, a->out) != ACTIV_OK) {
        pc_free(&c);
        return cli_error("cannot write '%s': %s", a->out, strerror(errno));
    }
    char err[256] = "";
    int bad = a->format == FMT_SVG ? pc_write_svg(&c, f.fp)
                                   : pc_write_cairo(&c, f.fp, a->format == FMT_PDF, err, sizeof err);
    pc_free(&c);
    if (bad) {
        int e = errno;
        activ_afile_abort(&f);
        return cli_error("cannot write '%s': %s", a->out, err[0] ? err : strerror(e));
    }
    if (activ_afile_commit(&f) != ACTIV_OK)
        return cli_error("cannot write '%s': %s", a->out, strerror(errno));
    return CLI_OK;
}

int cmd_plot(int argc, char **argv)
{
    plot_args a;
    int rc = parse_args(&a, argc, argv);
    if (rc >= 0)
        return rc;
    size_t n = (size_t)a.npoints + 1, ncurves = 0;
    for (int i = 0; i < a.nk; i++)
        ncurves += (size_t)(uses_alpha(a.kinds[i]) && a.nalpha ? a.nalpha
                            : uses_beta(a.kinds[i]) && a.nbeta ? a.nbeta : 1);
    plot_bufs b = {malloc(n * sizeof *b.xf), malloc(n * sizeof *b.yf), malloc(n * sizeof *b.ones),
                   malloc(n * sizeof *b.xd), malloc(ncurves * (size_t)(a.deriv + 1) * n * sizeof *b.yd),
                   malloc(MAX_SERIES * sizeof *b.labels), malloc(MAX_SERIES * 2 * sizeof *b.series)};
    size_t ns = 0;
    if (!b.xf || !b.yf || !b.ones || !b.xd || !b.yd || !b.labels || !b.series) {
        rc = cli_error("out of memory");
        goto done;
    }
    n = sample_x(&a, b.xd, b.xf, b.ones);
    if ((rc = compute_curves(&a, &b, n, &ns)) != CLI_OK)
        goto done;
    char deftitle[512];
    default_title(deftitle, sizeof deftitle, a.kinds, a.nk);
    const pchart ch = {
        .title = a.title ? a.title : deftitle,
        .xlabel = "x",
        .ylabel = {"f(x)", "f\xE2\x80\xB2(x)"}, /* f', U+2032 PRIME */
        .npanels = a.deriv ? 2 : 1,
        .xmin = a.xa,
        .xmax = a.xb,
        .series = b.series,
        .nseries = ns,
        .width = a.width,
        .height = a.height,
    };
    if ((rc = write_chart(&a, &ch)) == CLI_OK)
        cli_info("wrote %s (%zu curve%s)", a.out, ns, ns == 1 ? "" : "s");
done:
    free(b.xf), free(b.yf), free(b.ones), free(b.xd), free(b.yd), free(b.labels), free(b.series);
    return rc;
}
