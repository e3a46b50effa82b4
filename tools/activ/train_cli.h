/* train_cli.h - what 'activ train' (an MLP, cmd_train.c) and 'activ train --model SPEC' (a
 * layer-spec network, train_model.c) share: one option table and parser, the progress
 * line, and the epoch loop with its table, its JSON report and the whole-or-absent outputs.
 * The two differ only in a train_job's callbacks. */
#ifndef ACTIV_TRAIN_CLI_H
#define ACTIV_TRAIN_CLI_H

#include <stdio.h>
#include "activ_nn.h"

#define TRAIN_DEFAULT_DATA "/usr/share/datasets/fashion-mnist"

typedef struct train_opts {
    int net;                          /* 1: --model SPEC (a layer-spec network), 0: an MLP */
    const char *act_name, *spec;      /* MLP: --activation; net: --model */
    int hidden[ACTIV_NN_MAX_LAYERS];  /* MLP: --hidden */
    int nhidden;
    int conv_algo;                    /* net: --conv-algo (activ_nn_conv_algo) */
    long epochs, batch, seed, threads, limit;
    float lr;
    activ_nn_optim_kind optim;
    const char *data, *save, *report;
    int quiet;
} train_opts;

/* Fills o with the defaults of the mode (net or MLP) and the options of argv (argv[0] is
 * "train"). Returns -1 to go on, TRAIN_HELP where -h or --help comes first, or the exit
 * code of a usage error. */
#define TRAIN_HELP 3
int train_parse_args(train_opts *o, int net, int argc, char **argv);
/* --save and --report: not the same file, and writable; checked before any work.
 * Returns CLI_OK or the exit code. */
int train_check_outputs(const train_opts *o);
/* Loads the data set (--data, --limit). Returns CLI_OK or CLI_FAIL after saying why. */
int train_load_data(const train_opts *o, activ_nn_dataset *train, activ_nn_dataset *test);

/* One kind of model, for train_run. The epoch statistics of either kind arrive as
 * activ_nn_net_epoch_stats (the MLP's are copied over: the fields are the same). */
typedef struct train_job {
    const train_opts *o;
    void *model;
    int eval_batch;
    activ_status (*epoch)(void *model, activ_nn_optim *opt, const activ_nn_dataset *d, int batch,
                          activ_nn_rng *rng, activ_nn_net_epoch_stats *st, activ_nn_progress_fn progress,
                          void *ctx);
    activ_status (*evaluate)(void *model, const activ_nn_dataset *d, int batch, double *loss,
                             double *accuracy);
    /* the indented per-layer lines under an epoch's row of the table */
    void (*print_layers)(const void *model, const activ_nn_net_epoch_stats *st);
    /* the report's "config" object */
    void (*report_config)(FILE *f, const void *model, const train_opts *o, int ntrain, int ntest);
    /* an epoch's "layers" entries and whatever closes the epoch's object (its '}') */
    void (*report_layers)(FILE *f, const void *model, const activ_nn_net_epoch_stats *st);
    activ_status (*save)(const void *model, const char *path);
} train_job;

/* The epochs: the table on stdout (progress on stderr unless --quiet), then the weights
 * (--save) and the report (--report), both whole or neither. Returns CLI_OK or CLI_FAIL. */
int train_run(const train_job *j, activ_nn_optim *opt, const activ_nn_dataset *train,
              const activ_nn_dataset *test);

#endif
