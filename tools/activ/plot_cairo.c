/* plot_cairo.c - paints a pcanvas through cairo: PNG and PDF (only when built with cairo).
 *
 * The bytes go to a FILE* (the activ_afile temp file of cmd_plot.c) through cairo's stream
 * writers, so the target is written whole or not at all.
 */
#include "plot_canvas.h"

#include <stdio.h>

#ifdef ACTIV_HAVE_CAIRO

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>

/* fontconfig's teardown, resolved at run time through cairo's own dependency (weak, so
 * activ need not link fontconfig itself; NULL where cairo was built without it). */
extern void FcFini(void) __attribute__((weak));

int pc_have_cairo(void)
{
    return 1;
}

static void set_color(cairo_t *cr, pcolor c, double opacity)
{
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, opacity);
}

static void set_stroke(cairo_t *cr, const prim *p)
{
    set_color(cr, p->stroke, 1);
    cairo_set_line_width(cr, p->width);
    static const double dashed[] = {7, 4}, dotted[] = {1.5, 3.5}, dashdot[] = {8, 3, 2, 3};
    switch (p->dash) {
    case DASH_DASHED: cairo_set_dash(cr, dashed, 2, 0); break;
    case DASH_DOTTED: cairo_set_dash(cr, dotted, 2, 0); break;
    case DASH_DASHDOT: cairo_set_dash(cr, dashdot, 4, 0); break;
    default: cairo_set_dash(cr, NULL, 0, 0);
    }
}

static void paint(const pcanvas *c, cairo_t *cr)
{
    set_color(cr, c->background, 1);
    cairo_paint(cr);
    int clipped = 0;
    for (size_t i = 0; i < c->n; i++) {
        const prim *p = &c->v[i];
        switch (p->kind) {
        case P_COMMENT:
            break;
        case P_CLIP:
            if (clipped)
                cairo_restore(cr);
            cairo_save(cr);
            cairo_rectangle(cr, p->x0, p->y0, p->x1, p->y1);
            cairo_clip(cr);
            clipped = 1;
            break;
        case P_UNCLIP:
            if (clipped)
                cairo_restore(cr);
            clipped = 0;
            break;
        case P_LINE:
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
            cairo_move_to(cr, p->x0, p->y0);
            cairo_line_to(cr, p->x1, p->y1);
            set_stroke(cr, p);
            cairo_stroke(cr);
            break;
        case P_POLYLINE:
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_move_to(cr, p->pts[0], p->pts[1]);
            for (size_t k = 1; k < p->npts; k++)
                cairo_line_to(cr, p->pts[2 * k], p->pts[2 * k + 1]);
            set_stroke(cr, p);
            cairo_stroke(cr);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
            break;
        case P_RECT:
            cairo_rectangle(cr, p->x0, p->y0, p->x1, p->y1);
            if (p->fill_on) {
                set_color(cr, p->fill, p->fill_opacity);
                if (p->stroke_on)
                    cairo_fill_preserve(cr);
                else
                    cairo_fill(cr);
            }
            if (p->stroke_on) {
                set_stroke(cr, p);
                cairo_stroke(cr);
            }
            cairo_new_path(cr);
            break;
        case P_TEXT: {
            cairo_select_font_face(cr, c->font, CAIRO_FONT_SLANT_NORMAL,
                                   p->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
            cairo_set_font_size(cr, p->size);
            cairo_text_extents_t ext;
            cairo_text_extents(cr, p->text, &ext);
            double shift = p->anchor == ANCHOR_MIDDLE ? ext.x_advance / 2 : p->anchor == ANCHOR_END ? ext.x_advance : 0;
            cairo_save(cr);
            cairo_translate(cr, p->x0, p->y0);
            if (p->rotate)
                cairo_rotate(cr, -M_PI / 2);
            cairo_move_to(cr, -shift, 0);
            set_color(cr, p->fill, 1);
            cairo_show_text(cr, p->text);
            cairo_new_path(cr);
            cairo_restore(cr);
            break;
        }
        }
    }
    if (clipped)
        cairo_restore(cr);
}

static cairo_status_t write_fp(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, (FILE *)closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int pc_write_cairo(const pcanvas *c, FILE *f, int pdf, char *err, size_t errlen)
{
    if (c->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    cairo_surface_t *s;
    if (pdf)
        s = cairo_pdf_surface_create_for_stream(write_fp, f, c->width, c->height);
    else
        s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(c->width), (int)ceil(c->height));
    cairo_status_t st = cairo_surface_status(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "cairo: %s", cairo_status_to_string(st));
        cairo_surface_destroy(s);
        return -1;
    }
    cairo_t *cr = cairo_create(s);
    paint(c, cr);
    st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS) {
        if (pdf) {
            cairo_surface_finish(s);
            st = cairo_surface_status(s);
        } else {
            st = cairo_surface_write_to_png_stream(s, write_fp, f);
        }
    }
    cairo_surface_destroy(s);
    /* drop cairo's and fontconfig's caches, so leak checkers (make test-san) see a clean
     * exit; one file per process, so nothing is lost */
    cairo_debug_reset_static_data();
    if (FcFini)
        FcFini();
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "cairo: %s", cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

#else /* !ACTIV_HAVE_CAIRO */

int pc_have_cairo(void)
{
    return 0;
}

int pc_write_cairo(const pcanvas *c, FILE *f, int pdf, char *err, size_t errlen)
{
    (void)c;
    (void)f;
    snprintf(err, errlen, "activ was built without cairo, so it cannot write %s; use .svg "
                          "(or install libcairo2-dev and rebuild)", pdf ? "PDF" : "PNG");
    return -1;
}

#endif
