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

int cmd_plot(int argc, char **argv)
{
    const char *cmd = argv[0];
    activ_kind kinds[MAX_FUNCS];
    int nk = 0, deriv = 0, npoints = 1001;
    double xa = -5, xb = 5, width = 800, height = 0;
    float alphas[MAX_PARAMS], betas[MAX_PARAMS];
    int nalpha = 0, nbeta = 0;
    const char *out = NULL, *title = NULL;

    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage();
            return CLI_OK;
        } else if (!strcmp(s, "--derivative") || !strcmp(s, "-d")) {
            deriv = 1;
        } else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
            if (!val)
                return cli_usage(cmd, "%s needs a file name", s);
            out = argv[++i];
        } else if (!strcmp(s, "--range")) {
            if (!val)
                return cli_usage(cmd, "--range needs A:B, e.g. --range -3:3");
            if (parse_range(argv[++i], &xa, &xb))
                return cli_usage(cmd, "--range '%s' is not A:B with two finite numbers (e.g. -3:3)", argv[i]);
            if (!(xa < xb))
                return cli_usage(cmd, "--range '%s': A must be less than B", argv[i]);
            /* the curves are computed in fp32: both ends must be finite floats, still apart */
            if (!isfinite((float)xa) || !isfinite((float)xb) || !((float)xa < (float)xb))
                return cli_usage(cmd, "--range '%s' is not representable in fp32 (finite, |A|, |B| <= %g, "
                                      "A < B after rounding to float)", argv[i], (double)FLT_MAX);
        } else if (!strcmp(s, "--alpha") || !strcmp(s, "--beta")) {
            int a = s[2] == 'a';
            if (!val)
                return cli_usage(cmd, "%s needs a value or a list such as 0.01,0.1,0.3", s);
            int n = cli_parse_float_list(argv[++i], a ? alphas : betas, MAX_PARAMS);
            if (n < 0)
                return cli_usage(cmd, "%s '%s' is not a list of up to %d finite numbers", s, argv[i], MAX_PARAMS);
            *(a ? &nalpha : &nbeta) = n;
        } else if (!strcmp(s, "--title")) {
            if (!val)
                return cli_usage(cmd, "--title needs a text");
            title = argv[++i];
        } else if (!strcmp(s, "--width") || !strcmp(s, "--height")) {
            double v;
            if (!val)
                return cli_usage(cmd, "%s needs a number", s);
            if (cli_parse_double(argv[++i], &v) || v < 200 || v > 10000)
                return cli_usage(cmd, "%s '%s' must be a number from 200 to 10000", s, argv[i]);
            *(s[2] == 'w' ? &width : &height) = round(v);
        } else if (!strcmp(s, "--points")) {
            long v;
            if (!val)
                return cli_usage(cmd, "--points needs a number");
            if (cli_parse_long(argv[++i], &v) || v < 2 || v > 1000000)
                return cli_usage(cmd, "--points '%s' must be an integer from 2 to 1000000", argv[i]);
            npoints = (int)v;
        } else if (s[0] == '-' && s[1] != 0 && !(s[1] >= '0' && s[1] <= '9')) {
            return cli_unknown_option(cmd, s, plot_opts, sizeof plot_opts / sizeof *plot_opts);
        } else {
            if (nk == MAX_FUNCS)
                return cli_usage(cmd, "at most %d functions per plot", MAX_FUNCS);
            int rc = cli_parse_kind(cmd, s, &kinds[nk]);
            if (rc != CLI_OK)
                return rc;
            nk++;
        }
    }
    if (nk == 0)
        return cli_usage(cmd, "missing FUNC (e.g. 'activ plot relu -o relu.svg')");
    if (!out)
        return cli_usage(cmd, "missing -o FILE (.svg, .png or .pdf)");
    fmt format;
    const char *ext;
    if (parse_format(out, &format, &ext))
        return cli_usage(cmd, "cannot tell the format of '%s' from its extension '%s'; use .svg, .png or .pdf",
                         out, ext);
    int any_alpha = 0, any_beta = 0;
    for (int i = 0; i < nk; i++) {
        any_alpha |= uses_alpha(kinds[i]);
        any_beta |= uses_beta(kinds[i]);
    }
    char takers[512];
    if (nalpha && !any_alpha)
        return cli_usage(cmd, "--alpha applies to %s, and none is plotted",
                         ka_kinds_using(KA_alpha, takers, sizeof takers));
    if (nbeta && !any_beta)
        return cli_usage(cmd, "--beta applies to %s, and none is plotted",
                         ka_kinds_using(KA_beta, takers, sizeof takers));
    if (format != FMT_SVG && !pc_have_cairo())
        return cli_error("activ was built without cairo, so it cannot write %s; use .svg "
                         "(or install libcairo2-dev and rebuild)", format == FMT_PNG ? "PNG" : "PDF");
    if (height == 0)
        height = deriv ? 780 : 500;

    /* the x samples: evenly spaced, plus x = 0 exactly (the kink) when inside */
    int inszero = xa < 0 && xb > 0;
    size_t n = (size_t)npoints + (size_t)inszero;
    float *xf = malloc(n * sizeof *xf), *yf = malloc(n * sizeof *yf), *ones = malloc(n * sizeof *ones);
    double *xd = malloc(n * sizeof *xd);
    size_t ncurves = 0;
    for (int i = 0; i < nk; i++)
        ncurves += (size_t)(uses_alpha(kinds[i]) && nalpha ? nalpha : uses_beta(kinds[i]) && nbeta ? nbeta : 1);
    double *yd = malloc(ncurves * (size_t)(deriv + 1) * n * sizeof *yd);
    char(*labels)[96] = malloc(MAX_SERIES * sizeof *labels);
    pseries *series = malloc(MAX_SERIES * 2 * sizeof *series);
    int rc = CLI_OK;
    if (!xf || !yf || !ones || !xd || !yd || !labels || !series) {
        rc = cli_error("out of memory");
        goto done;
    }
    size_t m = 0;
    for (int i = 0; i < npoints; i++) {
        double x = xa + (xb - xa) * i / (npoints - 1);
        if (inszero && m > 0 && xd[m - 1] < 0 && x > 0)
            xd[m++] = 0;
        if (inszero && x == 0 && m > 0 && xd[m - 1] == 0)
            continue;
        xd[m++] = x;
    }
    n = m;
    for (size_t i = 0; i < n; i++) {
        xf[i] = (float)xd[i];
        xd[i] = xf[i]; /* plot where the library was evaluated */
        ones[i] = 1.0f;
    }

    size_t ns = 0;
    int style = 0;
    for (int i = 0; i < nk; i++) {
        activ_kind k = kinds[i];
        int nvals = 1;
        const float *vals = NULL;
        if (uses_alpha(k) && nalpha)
            nvals = nalpha, vals = alphas;
        else if (uses_beta(k) && nbeta)
            nvals = nbeta, vals = betas;
        for (int v = 0; v < nvals; v++) {
            activ_params p = activ_default_params(k);
            float slope = p.alpha; /* prelu: PyTorch's nn.PReLU initial slope */
            if (k == ACTIV_PRELU) {
                if (vals)
                    slope = vals[v];
                p.slopes = &slope;
                p.channels = 1;
                p.inner = 1;
            } else if (vals && vals == alphas) {
                p.alpha = vals[v];
            } else if (vals && vals == betas) {
                p.beta = vals[v];
            }
            char pv[32];
            if (k == ACTIV_PRELU) {
                fmt_param(pv, sizeof pv, slope);
                snprintf(labels[style], sizeof labels[style], "prelu (\xCE\xB1=%s)", pv);
            } else if (uses_alpha(k) && (vals == alphas || !uses_beta(k))) {
                fmt_param(pv, sizeof pv, p.alpha);
                snprintf(labels[style], sizeof labels[style], "%s (\xCE\xB1=%s)", activ_kind_name(k), pv);
            } else if (uses_beta(k)) {
                fmt_param(pv, sizeof pv, p.beta);
                snprintf(labels[style], sizeof labels[style], "%s (\xCE\xB2=%s)", activ_kind_name(k), pv);
            } else {
                snprintf(labels[style], sizeof labels[style], "%s", activ_kind_name(k));
            }
            for (int d = 0; d <= deriv; d++) {
                activ_status st = d == 0 ? activ_forward(k, &p, xf, yf, n)
                                         : activ_backward(k, &p, xf, ones, yf, n, NULL);
                if (st != ACTIV_OK) {
                    rc = cli_usage(cmd, "%s: %s", labels[style], activ_status_str(st));
                    goto done;
                }
                double *y = yd + ns * n;
                for (size_t j = 0; j < n; j++)
                    y[j] = yf[j];
                series[ns] = (pseries){labels[style], xd, y, n, d, style};
                ns++;
            }
            style++;
        }
    }

    char deftitle[512];
    default_title(deftitle, sizeof deftitle, kinds, nk);
    pchart ch = {
        .title = title ? title : deftitle,
        .xlabel = "x",
        .ylabel = {"f(x)", "f\xE2\x80\xB2(x)"}, /* f', U+2032 PRIME */
        .npanels = deriv ? 2 : 1,
        .xmin = xa,
        .xmax = xb,
        .series = series,
        .nseries = ns,
        .width = width,
        .height = height,
    };
    pcanvas c;
    if (chart_draw(&ch, &c)) {
        pc_free(&c);
        rc = cli_error("out of memory");
        goto done;
    }
    activ_afile f;
    if (activ_afile_open(&f, out) != ACTIV_OK) {
        pc_free(&c);
        rc = cli_error("cannot write '%s': %s", out, strerror(errno));
        goto done;
    }
    char err[256] = "";
    int bad = format == FMT_SVG ? pc_write_svg(&c, f.fp) : pc_write_cairo(&c, f.fp, format == FMT_PDF, err, sizeof err);
    pc_free(&c);
    if (bad) {
        int e = errno;
        activ_afile_abort(&f);
        rc = cli_error("cannot write '%s': %s", out, err[0] ? err : strerror(e));
        goto done;
    }
    if (activ_afile_commit(&f) != ACTIV_OK) {
        rc = cli_error("cannot write '%s': %s", out, strerror(errno));
        goto done;
    }
    cli_info("wrote %s (%zu curve%s)", out, ns, ns == 1 ? "" : "s");
done:
    free(xf), free(yf), free(ones), free(xd), free(yd), free(labels), free(series);
    return rc;
}
