/* nn_internal.h - helpers shared by the files of libactiv_nn (not installed). */
#ifndef ACTIV_NN_INTERNAL_H
#define ACTIV_NN_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>

#include "activ_nn.h"

/* The activ_glu_kind of a gated layer's act (ACTIV_NN_SWIGLU ...), or -1. */
static inline int nn_glu(int act)
{
    return act <= ACTIV_NN_SWIGLU && act >= ACTIV_NN_REGLU ? ACTIV_NN_SWIGLU - act : -1;
}

/* Width of the layer's GEMM (z, W's columns, b): 2*out for a gated layer, else out. */
static inline int nn_width(const activ_nn_dense *L)
{
    return nn_glu(L->act) >= 0 ? 2 * L->out : L->out;
}

/* 1 if the layer's backward needs z (no from-output form for its kind and parameters). */
static inline int nn_needs_z(int act, float alpha)
{
    return act == ACTIV_PRELU || act == ACTIV_SWISH || (act == ACTIV_LEAKY_RELU && !(alpha > 0)) ||
           (act == ACTIV_ELU && !(alpha >= 0)) || nn_glu(act) >= 0;
}

/* The libactiv parameters of a layer (prelu: one slope per output unit, channels-last). */
static inline activ_params nn_layer_params(const activ_nn_dense *L)
{
    activ_params p = activ_default_params(L->act >= 0 ? (activ_kind)L->act : ACTIV_RELU);
    p.alpha = L->alpha;
    if (L->act == ACTIV_PRELU) {
        p.slopes = L->slopes;
        p.channels = (size_t)L->out;
        p.inner = 1;
    }
    if (L->act == ACTIV_SWISH && L->beta)
        p.beta = *L->beta;
    return p;
}

/* snprintf into err (if err != NULL and errlen > 0). */
static inline void nn_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void nn_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

#endif
