/* fnargs.h - the options 'activ eval' and 'activ grad' share: FUNC and its parameters. */
#ifndef ACTIV_FNARGS_H
#define ACTIV_FNARGS_H

#include "activ.h"
#include "activ_internal/io.h"
#include "kindargs.h"

typedef struct fnargs {
    activ_kind kind;
    ka_values vals;         /* --alpha, --beta, --gamma, ... as given */
    const char *alpha_npy;  /* prelu slopes file */
    int channels_last;      /* prelu: channels on the last axis */
    int from_output;        /* grad: IN holds y = f(x) */
    const char *dparam;     /* grad: where to write dalpha / dbeta */
    const char *pos[4];     /* positional file names */
    int npos;
    activ_npy slopes;       /* loaded prelu slopes (or one shared slope) */
} fnargs;

/* Parses argv (argv[0] = command name) for eval (grad = 0) or grad (grad = 1), prints usage
 * on --help. Returns -1 to go on, else the exit code to return. */
int fnargs_parse(fnargs *a, int argc, char **argv, int grad);
/* Fills p for the input's shape (prelu: loads the slopes and works out channels/inner).
 * Returns CLI_OK or prints the error and returns its exit code. */
int fnargs_params(fnargs *a, const activ_npy *in, activ_params *p);
void fnargs_free(fnargs *a);

#endif
