/* table_stats.h - the measurements behind 'activ table': every number from the library.
 *
 * Each column is measured by calling libactiv (activ_forward, activ_backward with dy = 1)
 * and, for accuracy, comparing with the double-precision oracle (src/ref/ref.h). Nothing is
 * derived from the formulas by hand.
 */
#ifndef ACTIV_TABLE_STATS_H
#define ACTIV_TABLE_STATS_H

#include <stddef.h>
#include "activ.h"
#include "kindargs.h"

/* Sampling constants; the footnotes of every output format quote them. */
#define TS_RANGE_STRIDE_LOG2 8     /* range and max|f'|: every 2^8-th bit pattern + specials */
#define TS_ULP_STRIDE_LOG2 12      /* accuracy: one jittered pattern per 2^12 + specials */
#define TS_NORMAL_SAMPLES (1 << 20) /* z ~ N(0,1) */
#define TS_NORMAL_SEED 42u
#define TS_LAYERS 10
#define TS_SATURATED 0.01          /* |f'| below this counts as saturated */
#define TS_VANISH_X 20.0f          /* f' is evaluated at -20 and +20 ... */
#define TS_VANISH_EPS 0.01         /* ... and vanishes on a side where it is below this */
#define TS_TIME_N 65536            /* floats per timed call */

typedef struct tstats {
    activ_kind kind;
    float alpha, beta;            /* alpha: leaky/elu alpha or the prelu shared slope */
    activ_params params;          /* all of them (slopes pointing at alpha for prelu) */
    double fmin, fmax;            /* measured over the finite inputs */
    double f_neg_inf, f_pos_inf;  /* f(-inf), f(+inf) */
    double max_abs_deriv;         /* over the same inputs */
    double mean_abs_deriv;        /* E|f'(z)|, z ~ N(0,1) */
    double grad_layers;           /* mean_abs_deriv ^ TS_LAYERS */
    double saturation;            /* P(|f'(z)| < TS_SATURATED) */
    double mean_out;              /* E f(z) */
    double d_neg, d_pos;          /* f'(-20), f'(+20) */
    double ns_per_elem;           /* < 0 when not timed */
    double max_ulp;               /* forward vs activ_ref_forward */
    size_t n_range, n_ulp;        /* inputs visited by the sweeps */
} tstats;

/* Fills the parameters activ table uses for a kind: PyTorch's defaults (prelu: one shared
 * slope, activ_default_params' alpha), overridden by the given values of the fields the kind
 * reads (vals may be NULL). slope_store backs p->slopes. */
void ts_params(activ_kind kind, const ka_values *vals, activ_params *p, float *slope_store);

/* Measures everything for one kind. timing = 0 skips the ns/element column.
 * Returns ACTIV_OK or the library's (or ACTIV_ERR_NOMEM) status. */
activ_status ts_measure(activ_kind kind, const activ_params *p, int timing, tstats *out);

/* The formula texts (UTF-8) for the formula columns. */
const char *ts_formula(activ_kind kind);
const char *ts_derivative_formula(activ_kind kind);

#endif
