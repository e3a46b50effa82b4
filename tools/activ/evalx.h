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

/* the shape of a 16-bit array as an activ_npy without data (evalx16.c) */
activ_npy evalx_shape16(const activ_npy16 *h);

/* 16-bit softmax and gated units (evalx16.c). evalx16_read reads the n input files as 16-bit
 * .npy when --dtype (f16|bf16) is given or the first one is float16 ('<f2'), all of the
 * dtype that needs: returns -1 for the fp32 path (nothing read but in[0], which the caller
 * frees), CLI_OK with *dt set, or an exit code. The callers free in[0..n). */
int evalx16_read(const char *cmd, const char *dtype, const char *const *paths, int n, activ_npy16 *in,
                 activ_half *dt);
/* paths: the input files, then the outputs, as on the command line; in: what evalx16_read read */
int evalx16_softmax(activ_half dt, int grad, int logf, long axis, const char *const *paths, activ_npy16 *in);
int evalx16_glu(activ_half dt, int grad, int split, activ_glu_kind kind, const char *const *paths, activ_npy16 *in);

#endif
