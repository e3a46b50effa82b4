/* plot_canvas.h - a chart as a list of drawing primitives, rendered by two back ends.
 *
 * plot_chart.c lays a chart out once into a pcanvas (lines, polylines, rectangles, text, in
 * pixel coordinates, y down); plot_svg.c writes it as SVG text (no dependency, the same bytes
 * on every run) and plot_cairo.c paints the same list through cairo for PNG and PDF. So the
 * two outputs cannot drift apart: there is one layout and two painters.
 */
#ifndef ACTIV_PLOT_CANVAS_H
#define ACTIV_PLOT_CANVAS_H

#include <stddef.h>
#include <stdio.h>

typedef struct pcolor {
    unsigned char r, g, b;
} pcolor;

typedef enum pkind {
    P_LINE,     /* x0,y0 -> x1,y1 */
    P_POLYLINE, /* pts[2*npts] (x, y pairs) */
    P_RECT,     /* x0,y0 top-left, x1,y1 = width, height */
    P_TEXT,     /* text with its baseline at (x0, y0) */
    P_CLIP,     /* clip following primitives to the rect x0,y0,x1,y1 (w,h) until P_UNCLIP */
    P_UNCLIP,
    P_COMMENT   /* SVG comment naming a group (the cairo back end skips it) */
} pkind;

typedef enum pdash { DASH_SOLID = 0, DASH_DASHED = 1, DASH_DOTTED = 2, DASH_DASHDOT = 3 } pdash;
typedef enum panchor { ANCHOR_START = 0, ANCHOR_MIDDLE = 1, ANCHOR_END = 2 } panchor;

typedef struct prim {
    pkind kind;
    double x0, y0, x1, y1;
    double *pts;       /* P_POLYLINE: owned */
    size_t npts;
    int stroke_on, fill_on;
    pcolor stroke, fill;
    double fill_opacity; /* 0..1 */
    double width;        /* stroke width, px */
    pdash dash;
    char *text;          /* P_TEXT, P_COMMENT: owned, UTF-8 */
    double size;         /* font size, px */
    int bold;
    panchor anchor;
    int rotate;          /* P_TEXT: 1 = rotated -90 degrees about (x0, y0) */
} prim;

typedef struct pcanvas {
    double width, height;
    pcolor background;
    const char *font;    /* font family */
    prim *v;
    size_t n, cap;
    int oom;             /* set when an allocation failed; rendering then fails */
} pcanvas;

void pc_init(pcanvas *c, double width, double height);
void pc_free(pcanvas *c);

void pc_line(pcanvas *c, double x0, double y0, double x1, double y1, pcolor col, double width, pdash dash);
/* Copies pts (npts x,y pairs). */
void pc_polyline(pcanvas *c, const double *pts, size_t npts, pcolor col, double width, pdash dash);
/* fill_on/stroke_on pick what is painted; stroke width 0 means no stroke. */
void pc_rect(pcanvas *c, double x, double y, double w, double h, const pcolor *fill, double fill_opacity,
             const pcolor *stroke, double width);
void pc_text(pcanvas *c, double x, double y, const char *text, double size, pcolor col, panchor anchor,
             int bold, int rotate);
void pc_clip(pcanvas *c, double x, double y, double w, double h);
void pc_unclip(pcanvas *c);
void pc_comment(pcanvas *c, const char *text);

/* The layout's estimate of a string's advance width (sans-serif, UTF-8 code points).
 * Both back ends align text themselves; this only sizes boxes such as the legend. */
double pc_text_width(const char *text, double size, int bold);

/* Writes the canvas as a standalone SVG document. Returns 0, or -1 on a write error. */
int pc_write_svg(const pcanvas *c, FILE *f);

/* 1 if this build can write PNG and PDF (cairo), else 0. */
int pc_have_cairo(void);
/* Paints the canvas through cairo into f: PNG (pdf = 0) or PDF (pdf = 1). Returns 0, or -1
 * with a reason in err. Without cairo it always fails. */
int pc_write_cairo(const pcanvas *c, FILE *f, int pdf, char *err, size_t errlen);

#endif
