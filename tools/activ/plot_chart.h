/* plot_chart.h - lays out a line chart (one or two stacked panels sharing x) on a pcanvas.
 *
 * The chart knows nothing about activations: it gets sampled series and draws axes, round
 * ticks, a light grid, zero lines, the curves, a legend placed where it hides the fewest
 * points, a title and axis labels. Colours come from the Okabe-Ito colour-blind-safe
 * palette; past seven series the colours repeat with a dash pattern.
 */
#ifndef ACTIV_PLOT_CHART_H
#define ACTIV_PLOT_CHART_H

#include <stddef.h>
#include "plot_canvas.h"

typedef struct pseries {
    const char *label;  /* legend text (UTF-8); one legend entry per style */
    const double *x;    /* x[n] */
    const double *y;    /* y[n]; non-finite values break the line */
    size_t n;
    int panel;          /* 0 = top (or only) panel, 1 = bottom panel */
    int style;          /* colour/dash index: the same style in both panels is one function */
} pseries;

typedef struct pchart {
    const char *title;     /* may be NULL or "" */
    const char *xlabel;
    const char *ylabel[2]; /* per panel */
    const char *subtitle;  /* small grey line under the title; may be NULL */
    int npanels;           /* 1 or 2 */
    double xmin, xmax;
    const pseries *series;
    size_t nseries;
    double width, height;  /* px */
} pchart;

/* Draws ch onto c (which it initialises). Returns 0, or -1 when out of memory. */
int chart_draw(const pchart *ch, pcanvas *c);

/* Round tick positions for [lo, hi]: about `target` ticks at multiples of 1, 2 or 5 x 10^k.
 * Writes up to max ticks into t and the step into *step; returns the count. */
int chart_ticks(double lo, double hi, int target, double *t, int max, double *step);

#endif
