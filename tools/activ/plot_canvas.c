/* plot_canvas.c - the primitive list and its SVG back end (deterministic bytes). */
#include "plot_canvas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pc_init(pcanvas *c, double width, double height)
{
    memset(c, 0, sizeof *c);
    c->width = width;
    c->height = height;
    c->background = (pcolor){255, 255, 255};
    c->font = "DejaVu Sans";
}

void pc_free(pcanvas *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].pts);
        free(c->v[i].text);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

static prim *push(pcanvas *c, pkind kind)
{
    if (c->oom)
        return NULL;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        prim *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            c->oom = 1;
            return NULL;
        }
        c->v = v;
        c->cap = cap;
    }
    prim *p = &c->v[c->n++];
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->fill_opacity = 1;
    return p;
}

static char *dupstr(pcanvas *c, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        c->oom = 1;
    else
        memcpy(d, s, n);
    return d;
}

void pc_line(pcanvas *c, double x0, double y0, double x1, double y1, pcolor col, double width, pdash dash)
{
    prim *p = push(c, P_LINE);
    if (!p)
        return;
    p->x0 = x0, p->y0 = y0, p->x1 = x1, p->y1 = y1;
    p->stroke_on = 1, p->stroke = col, p->width = width, p->dash = dash;
}

void pc_polyline(pcanvas *c, const double *pts, size_t npts, pcolor col, double width, pdash dash)
{
    if (npts < 2)
        return;
    prim *p = push(c, P_POLYLINE);
    if (!p)
        return;
    p->pts = malloc(2 * npts * sizeof *p->pts);
    if (!p->pts) {
        c->oom = 1;
        return;
    }
    memcpy(p->pts, pts, 2 * npts * sizeof *p->pts);
    p->npts = npts;
    p->stroke_on = 1, p->stroke = col, p->width = width, p->dash = dash;
}

void pc_rect(pcanvas *c, double x, double y, double w, double h, const pcolor *fill, double fill_opacity,
             const pcolor *stroke, double width)
{
    prim *p = push(c, P_RECT);
    if (!p)
        return;
    p->x0 = x, p->y0 = y, p->x1 = w, p->y1 = h;
    if (fill) {
        p->fill_on = 1;
        p->fill = *fill;
        p->fill_opacity = fill_opacity;
    }
    if (stroke && width > 0) {
        p->stroke_on = 1;
        p->stroke = *stroke;
        p->width = width;
    }
}

void pc_text(pcanvas *c, double x, double y, const char *text, double size, pcolor col, panchor anchor,
             int bold, int rotate)
{
    prim *p = push(c, P_TEXT);
    if (!p)
        return;
    p->x0 = x, p->y0 = y;
    p->text = dupstr(c, text);
    p->size = size;
    p->fill_on = 1, p->fill = col;
    p->anchor = anchor, p->bold = bold, p->rotate = rotate;
}

void pc_clip(pcanvas *c, double x, double y, double w, double h)
{
    prim *p = push(c, P_CLIP);
    if (p)
        p->x0 = x, p->y0 = y, p->x1 = w, p->y1 = h;
}

void pc_unclip(pcanvas *c)
{
    push(c, P_UNCLIP);
}

void pc_comment(pcanvas *c, const char *text)
{
    prim *p = push(c, P_COMMENT);
    if (p)
        p->text = dupstr(c, text);
}

double pc_text_width(const char *text, double size, int bold)
{
    /* DejaVu Sans advances: digits 0.636 em, lowercase about 0.6, narrow letters less. */
    double w = 0;
    for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
        if ((*s & 0xC0) == 0x80)
            continue; /* UTF-8 continuation byte */
        unsigned char ch = *s;
        double em;
        if (ch == 'i' || ch == 'l' || ch == 'j' || ch == '.' || ch == ',' || ch == ':' || ch == '\'')
            em = 0.30;
        else if (ch == ' ' || ch == '(' || ch == ')' || ch == 'f' || ch == 't' || ch == 'r')
            em = 0.38;
        else if (ch == 'm' || ch == 'w' || ch == 'M' || ch == 'W')
            em = 0.90;
        else if (ch >= 'A' && ch <= 'Z')
            em = 0.70;
        else
            em = 0.62;
        w += em;
    }
    return w * size * (bold ? 1.08 : 1.0);
}

/* ---- SVG ------------------------------------------------------------------------------ */

/* Fixed formatting: two decimals, trailing zeros dropped, never "-0". Same bytes everywhere. */
static const char *num(char *buf, double v)
{
    if (fabs(v) < 0.005)
        v = 0;
    snprintf(buf, 32, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = 0;
        if (e == dot)
            *e = 0;
    }
    if (!strcmp(buf, "-0"))
        strcpy(buf, "0");
    return buf;
}

static void hex(char *buf, pcolor col)
{
    snprintf(buf, 8, "#%02x%02x%02x", col.r, col.g, col.b);
}

static void escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static const char *dasharray(pdash d)
{
    switch (d) {
    case DASH_DASHED: return "7 4";
    case DASH_DOTTED: return "1.5 3.5";
    case DASH_DASHDOT: return "8 3 2 3";
    default: return NULL;
    }
}

static void stroke_attrs(FILE *f, const prim *p)
{
    char a[32], h[8];
    hex(h, p->stroke);
    fprintf(f, " stroke=\"%s\" stroke-width=\"%s\"", h, num(a, p->width));
    const char *d = dasharray(p->dash);
    if (d)
        fprintf(f, " stroke-dasharray=\"%s\"", d);
}

int pc_write_svg(const pcanvas *c, FILE *f)
{
    if (c->oom)
        return -1;
    char a[32], b[32], d[32], e[32], h[8];
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" "
               "font-family=\"%s, Helvetica, Arial, sans-serif\">\n",
            num(a, c->width), num(b, c->height), num(d, c->width), num(e, c->height), c->font);
    hex(h, c->background);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/>\n", h);
    int nclip = 0, open = 0;
    for (size_t i = 0; i < c->n; i++) {
        const prim *p = &c->v[i];
        switch (p->kind) {
        case P_COMMENT:
            fprintf(f, "<!-- ");
            escape(f, p->text);
            fprintf(f, " -->\n");
            break;
        case P_CLIP:
            if (open)
                fprintf(f, "</g>\n");
            nclip++;
            fprintf(f, "<clipPath id=\"clip%d\"><rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"/></clipPath>\n",
                    nclip, num(a, p->x0), num(b, p->y0), num(d, p->x1), num(e, p->y1));
            fprintf(f, "<g clip-path=\"url(#clip%d)\">\n", nclip);
            open = 1;
            break;
        case P_UNCLIP:
            if (open)
                fprintf(f, "</g>\n");
            open = 0;
            break;
        case P_LINE:
            fprintf(f, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"", num(a, p->x0), num(b, p->y0),
                    num(d, p->x1), num(e, p->y1));
            stroke_attrs(f, p);
            fprintf(f, "/>\n");
            break;
        case P_POLYLINE:
            fprintf(f, "<polyline fill=\"none\"");
            stroke_attrs(f, p);
            fprintf(f, " stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\"");
            for (size_t k = 0; k < p->npts; k++)
                fprintf(f, "%s%s,%s", k == 0 ? "" : (k % 8 == 0 ? "\n" : " "), num(a, p->pts[2 * k]),
                        num(b, p->pts[2 * k + 1]));
            fprintf(f, "\"/>\n");
            break;
        case P_RECT:
            fprintf(f, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"", num(a, p->x0), num(b, p->y0),
                    num(d, p->x1), num(e, p->y1));
            if (p->fill_on) {
                hex(h, p->fill);
                fprintf(f, " fill=\"%s\"", h);
                if (p->fill_opacity < 1)
                    fprintf(f, " fill-opacity=\"%s\"", num(a, p->fill_opacity));
            } else {
                fprintf(f, " fill=\"none\"");
            }
            if (p->stroke_on)
                stroke_attrs(f, p);
            fprintf(f, "/>\n");
            break;
        case P_TEXT:
            hex(h, p->fill);
            fprintf(f, "<text x=\"%s\" y=\"%s\" font-size=\"%s\" fill=\"%s\"", num(a, p->x0), num(b, p->y0),
                    num(d, p->size), h);
            if (p->anchor == ANCHOR_MIDDLE)
                fprintf(f, " text-anchor=\"middle\"");
            else if (p->anchor == ANCHOR_END)
                fprintf(f, " text-anchor=\"end\"");
            if (p->bold)
                fprintf(f, " font-weight=\"bold\"");
            if (p->rotate)
                fprintf(f, " transform=\"rotate(-90 %s %s)\"", num(a, p->x0), num(b, p->y0));
            fprintf(f, ">");
            escape(f, p->text);
            fprintf(f, "</text>\n");
            break;
        }
    }
    if (open)
        fprintf(f, "</g>\n");
    fprintf(f, "</svg>\n");
    return ferror(f) ? -1 : 0;
}
