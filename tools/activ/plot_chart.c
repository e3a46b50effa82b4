/* plot_chart.c - the chart layout: panels, ticks, grid, curves, legend, labels. */
#include "plot_chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Okabe & Ito (2008), without the yellow that vanishes on white. */
static const pcolor palette[] = {
    {0x00, 0x72, 0xB2}, /* blue */
    {0xD5, 0x5E, 0x00}, /* vermillion */
    {0x00, 0x9E, 0x73}, /* bluish green */
    {0xCC, 0x79, 0xA7}, /* reddish purple */
    {0xE6, 0x9F, 0x00}, /* orange */
    {0x56, 0xB4, 0xE9}, /* sky blue */
    {0x00, 0x00, 0x00}, /* black */
};
#define NPALETTE ((int)(sizeof palette / sizeof palette[0]))

static const pcolor ink = {0x22, 0x22, 0x22};      /* title */
static const pcolor text_grey = {0x44, 0x44, 0x44}; /* labels */
static const pcolor sub_grey = {0x70, 0x70, 0x70};  /* subtitle */
static const pcolor grid_grey = {0xE8, 0xE8, 0xE8};
static const pcolor zero_grey = {0x9A, 0x9A, 0x9A};
static const pcolor frame_grey = {0xC4, 0xC4, 0xC4};
static const pcolor white = {0xFF, 0xFF, 0xFF};

#define CURVE_WIDTH 2.25
#define TICK_FONT 12.5
#define LABEL_FONT 14.0
#define TITLE_FONT 19.0
#define LEGEND_FONT 13.0

static pcolor style_color(int style)
{
    return palette[style % NPALETTE];
}

static pdash style_dash(int style)
{
    return (pdash)((style / NPALETTE) % 4);
}

int chart_ticks(double lo, double hi, int target, double *t, int max, double *step)
{
    double span = hi - lo;
    if (!(span > 0) || target < 1)
        return 0;
    double raw = span / target;
    double mag = pow(10, floor(log10(raw)));
    double r = raw / mag;
    double s = r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10;
    s *= mag;
    *step = s;
    int n = 0;
    for (double k = ceil(lo / s - 1e-9); n < max; k++) {
        double v = k * s;
        if (v > hi + s * 1e-9)
            break;
        if (fabs(v) < s * 1e-9)
            v = 0;
        t[n++] = v;
    }
    return n;
}

/* A tick label: decimals from the step, a real minus sign, %g style for huge or tiny. */
static void tick_label(char *buf, size_t len, double v, double step, double maxabs)
{
    char tmp[48];
    if (maxabs >= 1e5 || step < 1e-4) {
        snprintf(tmp, sizeof tmp, "%.3g", fabs(v));
    } else {
        int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
        /* 0.25-style steps never occur (1, 2, 5 only), so dec digits are exact */
        snprintf(tmp, sizeof tmp, "%.*f", dec, fabs(v));
    }
    snprintf(buf, len, "%s%s", v < 0 ? "\xE2\x88\x92" : "", tmp); /* U+2212 MINUS SIGN */
}

/* Ramer-Douglas-Peucker in pixel space: keeps a point only where dropping it would move the
 * line by more than eps pixels. Marks kept points in keep[]. */
static void rdp(const double *p, size_t a, size_t b, double eps, unsigned char *keep)
{
    /* iterative with an explicit stack so long straight runs do not recurse deeply */
    size_t cap = 64, top = 0;
    size_t *st = malloc(cap * 2 * sizeof *st);
    if (!st) {
        for (size_t i = a; i <= b; i++)
            keep[i] = 1;
        return;
    }
    keep[a] = keep[b] = 1;
    st[top * 2] = a, st[top * 2 + 1] = b, top++;
    while (top) {
        top--;
        size_t i0 = st[top * 2], i1 = st[top * 2 + 1];
        if (i1 <= i0 + 1)
            continue;
        double x0 = p[2 * i0], y0 = p[2 * i0 + 1], dx = p[2 * i1] - x0, dy = p[2 * i1 + 1] - y0;
        double len = sqrt(dx * dx + dy * dy);
        double best = -1;
        size_t bi = i0;
        for (size_t i = i0 + 1; i < i1; i++) {
            double ex = p[2 * i] - x0, ey = p[2 * i + 1] - y0, d;
            if (len > 0)
                d = fabs(ex * dy - ey * dx) / len;
            else
                d = sqrt(ex * ex + ey * ey);
            if (d > best) {
                best = d;
                bi = i;
            }
        }
        if (best > eps) {
            keep[bi] = 1;
            if (top + 2 > cap) {
                size_t *ns = realloc(st, cap * 4 * sizeof *st);
                if (!ns) {
                    for (size_t i = i0; i <= i1; i++)
                        keep[i] = 1;
                    continue;
                }
                st = ns;
                cap *= 2;
            }
            st[top * 2] = i0, st[top * 2 + 1] = bi, top++;
            st[top * 2] = bi, st[top * 2 + 1] = i1, top++;
        }
    }
    free(st);
}

typedef struct panel {
    double L, T, W, H;     /* plot rectangle, px */
    double ymin, ymax;     /* data limits */
    double yt[32], ystep;
    int nyt;
} panel;

static double px_x(const pchart *ch, const panel *p, double x)
{
    return p->L + (x - ch->xmin) / (ch->xmax - ch->xmin) * p->W;
}

static double px_y(const panel *p, double y)
{
    return p->T + (p->ymax - y) / (p->ymax - p->ymin) * p->H;
}

static double snap(double v)
{
    return floor(v) + 0.5; /* the middle of a pixel: crisp 1 px lines */
}

static void panel_limits(const pchart *ch, int k, panel *p)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t s = 0; s < ch->nseries; s++) {
        const pseries *se = &ch->series[s];
        if (se->panel != k)
            continue;
        for (size_t i = 0; i < se->n; i++) {
            double v = se->y[i];
            if (isfinite(v)) {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        }
    }
    if (!(lo <= hi)) {
        lo = -1;
        hi = 1;
    }
    if (hi - lo < 1e-12 * (fabs(lo) + fabs(hi)) || hi - lo < 1e-300) {
        double d = fabs(lo) > 0 ? fabs(lo) * 0.1 : 0.5;
        lo -= d;
        hi += d;
    }
    double pad = (hi - lo) * 0.06;
    p->ymin = lo - pad;
    p->ymax = hi + pad;
}

/* Legend: one entry per style, in first-seen order. */
typedef struct lentry {
    const char *label;
    int style;
} lentry;

static void draw_panel_axes(const pchart *ch, pcanvas *c, const panel *p, const double *xt, int nxt,
                            double xstep, int xlabels)
{
    char buf[64];
    /* grid */
    for (int i = 0; i < nxt; i++) {
        double x = snap(px_x(ch, p, xt[i]));
        pc_line(c, x, p->T, x, p->T + p->H, grid_grey, 1, DASH_SOLID);
    }
    for (int i = 0; i < p->nyt; i++) {
        double y = snap(px_y(p, p->yt[i]));
        pc_line(c, p->L, y, p->L + p->W, y, grid_grey, 1, DASH_SOLID);
    }
    /* zero lines, where 0 is inside the plot */
    if (ch->xmin < 0 && ch->xmax > 0) {
        double x = snap(px_x(ch, p, 0));
        pc_line(c, x, p->T, x, p->T + p->H, zero_grey, 1, DASH_SOLID);
    }
    if (p->ymin < 0 && p->ymax > 0) {
        double y = snap(px_y(p, 0));
        pc_line(c, p->L, y, p->L + p->W, y, zero_grey, 1, DASH_SOLID);
    }
    /* frame */
    pc_rect(c, p->L + 0.5, p->T + 0.5, p->W - 1, p->H - 1, NULL, 1, &frame_grey, 1);
    /* tick marks and labels */
    double ymaxabs = 0, xmaxabs = 0;
    for (int i = 0; i < p->nyt; i++)
        ymaxabs = fmax(ymaxabs, fabs(p->yt[i]));
    for (int i = 0; i < nxt; i++)
        xmaxabs = fmax(xmaxabs, fabs(xt[i]));
    for (int i = 0; i < p->nyt; i++) {
        double y = snap(px_y(p, p->yt[i]));
        pc_line(c, p->L - 5, y, p->L, y, frame_grey, 1, DASH_SOLID);
        tick_label(buf, sizeof buf, p->yt[i], p->ystep, ymaxabs);
        pc_text(c, p->L - 8, y + TICK_FONT * 0.36, buf, TICK_FONT, text_grey, ANCHOR_END, 0, 0);
    }
    for (int i = 0; i < nxt; i++) {
        double x = snap(px_x(ch, p, xt[i]));
        pc_line(c, x, p->T + p->H, x, p->T + p->H + 5, frame_grey, 1, DASH_SOLID);
        if (xlabels) {
            tick_label(buf, sizeof buf, xt[i], xstep, xmaxabs);
            pc_text(c, x, p->T + p->H + 8 + TICK_FONT, buf, TICK_FONT, text_grey, ANCHOR_MIDDLE, 0, 0);
        }
    }
}

/* over[i] = 1 where sample i of series s lies within 0.5 px of the same sample of an earlier
 * series of another style in the panel (the earlier curve would be hidden there). Stretches
 * shorter than 2.5% of the samples are ignored, so crossings do not flicker. */
static void find_overlaps(const pchart *ch, const panel *p, size_t s, unsigned char *over)
{
    const pseries *sa = &ch->series[s];
    memset(over, 0, sa->n);
    for (size_t b = 0; b < s; b++) {
        const pseries *sb = &ch->series[b];
        if (sb->panel != sa->panel || sb->style == sa->style || sb->n != sa->n)
            continue;
        for (size_t i = 0; i < sa->n; i++)
            if (isfinite(sa->y[i]) && isfinite(sb->y[i]) && fabs(px_y(p, sa->y[i]) - px_y(p, sb->y[i])) < 0.5)
                over[i] = 1;
    }
    size_t minrun = sa->n / 40 > 3 ? sa->n / 40 : 3;
    for (size_t i = 0; i < sa->n;) {
        size_t j = i;
        while (j < sa->n && over[j] == over[i])
            j++;
        if (over[i] && j - i < minrun)
            memset(over + i, 0, j - i);
        i = j;
    }
}

/* Draws points [a, b] (inclusive) of pts as one simplified polyline. */
static void emit(pcanvas *c, const double *pts, size_t a, size_t b, unsigned char *keep, double *out, pcolor col,
                 pdash dash)
{
    if (b <= a)
        return;
    memset(keep + a, 0, b - a + 1);
    rdp(pts, a, b, 0.1, keep);
    size_t m = 0;
    for (size_t j = a; j <= b; j++)
        if (keep[j]) {
            out[2 * m] = pts[2 * j];
            out[2 * m + 1] = pts[2 * j + 1];
            m++;
        }
    pc_polyline(c, out, m, col, CURVE_WIDTH, dash);
}

/* Each series as polylines: one per finite run, split where it hides an earlier curve; those
 * stretches are dashed so the curve underneath shows through the gaps (leaky_relu and elu
 * over relu for x > 0). */
static int draw_curves(const pchart *ch, pcanvas *c, const panel *p, int k)
{
    pc_clip(c, p->L, p->T, p->W, p->H);
    for (size_t s = 0; s < ch->nseries; s++) {
        const pseries *se = &ch->series[s];
        if (se->panel != k || se->n == 0)
            continue;
        double *pts = malloc(2 * se->n * sizeof *pts);
        unsigned char *keep = malloc(se->n), *over = malloc(se->n);
        double *out = malloc(2 * se->n * sizeof *out);
        if (!pts || !keep || !over || !out) {
            free(pts), free(keep), free(over), free(out);
            return -1;
        }
        find_overlaps(ch, p, s, over);
        pcolor col = style_color(se->style);
        pdash base = style_dash(se->style);
        size_t i = 0;
        while (i < se->n) {
            while (i < se->n && !isfinite(se->y[i]))
                i++;
            size_t a = i;
            while (i < se->n && isfinite(se->y[i])) {
                /* values far outside the panel are clamped to a few panel heights, so the
                 * clip, not the renderer, cuts them */
                double y = px_y(p, se->y[i]);
                pts[2 * i] = px_x(ch, p, se->x[i]);
                pts[2 * i + 1] = fmin(fmax(y, p->T - 4 * p->H), p->T + 5 * p->H);
                i++;
            }
            if (i - a < 2)
                continue;
            /* segments of constant over[], sharing their boundary points */
            size_t s0 = a;
            for (size_t j = a + 1; j <= i; j++) {
                if (j == i || over[j] != over[s0]) {
                    size_t end = j == i ? i - 1 : j;
                    emit(c, pts, s0, end, keep, out, col, over[s0] && base == DASH_SOLID ? DASH_DASHED : base);
                    s0 = j == i ? i : j;
                }
            }
        }
        free(pts), free(keep), free(over), free(out);
    }
    pc_unclip(c);
    return 0;
}

/* How many of panel k's sample points fall inside the rect (inflated by 6 px). */
static size_t covered(const pchart *ch, const panel *p, int k, double x, double y, double w, double h)
{
    size_t n = 0;
    for (size_t s = 0; s < ch->nseries; s++) {
        const pseries *se = &ch->series[s];
        if (se->panel != k)
            continue;
        for (size_t i = 0; i < se->n; i++) {
            if (!isfinite(se->y[i]))
                continue;
            double px = px_x(ch, p, se->x[i]), py = px_y(p, se->y[i]);
            n += px >= x - 6 && px <= x + w + 6 && py >= y - 6 && py <= y + h + 6;
        }
    }
    return n;
}

static void draw_legend(const pchart *ch, pcanvas *c, const panel *p, const lentry *e, int ne)
{
    if (ne == 0)
        return;
    const double pad = 10, row = 21, sample = 28, gap = 8;
    double tw = 0;
    for (int i = 0; i < ne; i++)
        tw = fmax(tw, pc_text_width(e[i].label, LEGEND_FONT, 0));
    double w = ceil(pad + sample + gap + tw + pad), h = ceil(pad * 2 + row * ne - 6);
    const double inset = 12;
    /* upper left, upper right, lower right, lower left: the first with the fewest points */
    double cx[4] = {p->L + inset, p->L + p->W - inset - w, p->L + p->W - inset - w, p->L + inset};
    double cy[4] = {p->T + inset, p->T + inset, p->T + p->H - inset - h, p->T + p->H - inset - h};
    int best = 0;
    size_t bestn = (size_t)-1;
    for (int i = 0; i < 4; i++) {
        size_t n = covered(ch, p, 0, cx[i], cy[i], w, h);
        if (n < bestn) {
            bestn = n;
            best = i;
        }
    }
    double x = cx[best], y = cy[best];
    pc_comment(c, "legend");
    pc_rect(c, x + 0.5, y + 0.5, w, h, &white, 0.92, &frame_grey, 1);
    for (int i = 0; i < ne; i++) {
        double ry = y + pad + row * i + 7.5;
        pc_line(c, x + pad, ry, x + pad + sample, ry, style_color(e[i].style), CURVE_WIDTH + 0.5,
                style_dash(e[i].style));
        pc_text(c, x + pad + sample + gap, ry + LEGEND_FONT * 0.36, e[i].label, LEGEND_FONT, ink,
                ANCHOR_START, 0, 0);
    }
}

int chart_draw(const pchart *ch, pcanvas *c)
{
    pc_init(c, ch->width, ch->height);
    int np = ch->npanels == 2 ? 2 : 1;
    int has_title = ch->title && ch->title[0];
    int has_sub = ch->subtitle && ch->subtitle[0];
    double top = 18 + (has_title ? TITLE_FONT + 14 : 0) + (has_sub ? 20 : 0);
    double bottom = 18 + TICK_FONT + 12 + (ch->xlabel && ch->xlabel[0] ? LABEL_FONT + 10 : 0);
    double right = 24, gap = 26;

    panel pn[2];
    memset(pn, 0, sizeof pn);
    double avail = ch->height - top - bottom - (np - 1) * gap;
    double ph = floor(avail / np);
    if (ph < 40)
        ph = 40;
    /* y ticks first: the widest tick label decides the left margin */
    double label_w = 0;
    for (int k = 0; k < np; k++) {
        panel_limits(ch, k, &pn[k]);
        int target = (int)fmax(3, fmin(12, ph / 50));
        pn[k].nyt = chart_ticks(pn[k].ymin, pn[k].ymax, target, pn[k].yt, 32, &pn[k].ystep);
        double maxabs = 0;
        for (int i = 0; i < pn[k].nyt; i++)
            maxabs = fmax(maxabs, fabs(pn[k].yt[i]));
        for (int i = 0; i < pn[k].nyt; i++) {
            char buf[64];
            tick_label(buf, sizeof buf, pn[k].yt[i], pn[k].ystep, maxabs);
            label_w = fmax(label_w, pc_text_width(buf, TICK_FONT, 0));
        }
    }
    double left = floor(14 + LABEL_FONT + 14 + label_w + 10);
    double pw = floor(ch->width - left - right);
    if (pw < 40)
        pw = 40;
    for (int k = 0; k < np; k++) {
        pn[k].L = left;
        pn[k].T = floor(top + k * (ph + gap));
        pn[k].W = pw;
        pn[k].H = ph;
    }

    double xt[32], xstep = 1;
    int nxt = chart_ticks(ch->xmin, ch->xmax, (int)fmax(3, fmin(12, pw / 80)), xt, 32, &xstep);

    /* legend entries: one per style */
    lentry *e = malloc((ch->nseries + 1) * sizeof *e);
    if (!e)
        return -1;
    int ne = 0;
    for (size_t s = 0; s < ch->nseries; s++) {
        int seen = 0;
        for (int i = 0; i < ne; i++)
            seen |= e[i].style == ch->series[s].style;
        if (!seen && ch->series[s].label) {
            e[ne].label = ch->series[s].label;
            e[ne].style = ch->series[s].style;
            ne++;
        }
    }

    if (has_title) {
        pc_comment(c, "title");
        pc_text(c, left + pw / 2, 18 + TITLE_FONT, ch->title, TITLE_FONT, ink, ANCHOR_MIDDLE, 1, 0);
    }
    if (has_sub)
        pc_text(c, left + pw / 2, 18 + (has_title ? TITLE_FONT + 10 : 0) + 14, ch->subtitle, 12.5, sub_grey,
                ANCHOR_MIDDLE, 0, 0);
    int rc = 0;
    for (int k = 0; k < np && rc == 0; k++) {
        char cm[32];
        snprintf(cm, sizeof cm, "panel %d: axes", k + 1);
        pc_comment(c, cm);
        draw_panel_axes(ch, c, &pn[k], xt, nxt, xstep, k == np - 1);
        if (ch->ylabel[k] && ch->ylabel[k][0])
            pc_text(c, 14 + LABEL_FONT, pn[k].T + pn[k].H / 2, ch->ylabel[k], LABEL_FONT, text_grey,
                    ANCHOR_MIDDLE, 0, 1);
        snprintf(cm, sizeof cm, "panel %d: curves", k + 1);
        pc_comment(c, cm);
        rc = draw_curves(ch, c, &pn[k], k);
    }
    if (rc == 0 && ch->xlabel && ch->xlabel[0])
        pc_text(c, left + pw / 2, ch->height - 16, ch->xlabel, LABEL_FONT, text_grey, ANCHOR_MIDDLE, 0, 0);
    if (rc == 0)
        draw_legend(ch, c, &pn[0], e, ne);
    free(e);
    return rc || c->oom ? -1 : 0;
}
