/* evalx.h - softmax, gated units and 16-bit data for 'activ eval' / 'activ grad'
 * (cmd_evalx.c). */
#ifndef ACTIV_EVALX_H
#define ACTIV_EVALX_H

#include "activ_internal/io.h"

/* Handles the command when FUNC is softmax, log_softmax, swiglu, geglu or reglu, or when
 * the data is 16-bit (a '<f2' input, or --dtype f16|bf16). Returns the exit code, or -1 to
 * let the ordinary fp32 element-wise path run. */
int evalx(int argc, char **argv, int grad);

/* 1 if the two arrays have the same shape */
int evalx_same_shape(const activ_npy *a, const activ_npy *b);
/* "shapes differ: F1 is (..) but F2 is (..)" on stderr; returns the failure exit code */
int evalx_shape_error(const char *f1, const activ_npy *a, const char *f2, const activ_npy *b);

#endif
