/* train_model.c - 'activ train --model SPEC': a network described by a layer spec (conv,
 * pooling, BatchNorm, Dropout, Flatten, Dense) on Fashion-MNIST; cmd_train hands over here.
 * Options and the epoch loop: train_cli.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ_nn.h"
#include "cli.h"
#include "json.h"
#include "train_cli.h"
#include "train_model.h"

/* (c, h, w) of a sample with dim values: one square channel, else flat. */
static void input_shape(int dim, int *c, int *h, int *w)
{
    int s = (int)lround(sqrt((double)dim));
    if (s * s == dim)
        *c = 1, *h = s, *w = s;
    else
        *c = dim, *h = 1, *w = 1;
}

activ_status tm_build(activ_nn_net *n, const char *spec, int dim, uint64_t seed, int algo, char *err,
                      size_t errlen)
{
    int c, h, w;
    input_shape(dim, &c, &h, &w);
    activ_status s = activ_nn_net_init(n, c, h, w);
    if (s == ACTIV_OK)
        s = activ_nn_net_parse(n, spec, err, errlen);
    if (s == ACTIV_OK && activ_nn_net_output_dim(n) < 2) {
        nn_err:
        snprintf(err, errlen, "the model's last layer has %d output(s); end the spec with a dense layer of "
                 "one unit per class, e.g. ',dense10'", activ_nn_net_output_dim(n));
        return ACTIV_ERR_SHAPE;
    }
    if (s == ACTIV_OK && n->layers[n->nlayers - 1].orank != 1)
        goto nn_err;
    for (int l = 0; s == ACTIV_OK && l < n->nlayers; l++)
        n->layers[l].conv.algo = (activ_nn_conv_algo)algo;
    if (s == ACTIV_OK)
        s = activ_nn_net_build(n, seed);
    return s;
}

void tm_layer_label(const activ_nn_net *n, int l, char *buf, size_t len)
{
    static const char *const names[] = {"dense", "conv", "maxpool", "avgpool", "bn", "dropout", "flatten"};
    snprintf(buf, len, "%s_%d", names[n->layers[l].type], l);
}

int tm_layer_act(const activ_nn_layer *L)
{
    return L->type == ACTIV_NN_CONV2D ? L->conv.act
         : L->type == ACTIV_NN_DENSE ? L->dense.act
         : L->type == ACTIV_NN_BATCHNORM ? L->bn.act : ACTIV_NN_LINEAR;
}

/* ---- the network's side of train_job ---- */

static activ_status net_epoch(void *n, activ_nn_optim *opt, const activ_nn_dataset *d, int batch,
                              activ_nn_rng *rng, activ_nn_net_epoch_stats *st, activ_nn_progress_fn progress,
                              void *ctx)
{
    return activ_nn_net_train_epoch(n, opt, d, batch, rng, st, progress, ctx);
}

static activ_status net_evaluate(void *n, const activ_nn_dataset *d, int batch, double *loss, double *acc)
{
    return activ_nn_net_evaluate(n, d, batch, loss, acc);
}

static activ_status net_save(const void *n, const char *path)
{
    return activ_nn_net_save(n, path);
}

/* The first layer from l on with an activation (act, and its label in lab), or n->nlayers. */
static int next_act_layer(const activ_nn_net *n, int l, int *act, char lab[32])
{
    for (; l < n->nlayers; l++)
        if ((*act = tm_layer_act(&n->layers[l])) != ACTIV_NN_LINEAR) {
            tm_layer_label(n, l, lab, 32);
            break;
        }
    return l;
}

static void net_print_layers(const void *vn, const activ_nn_net_epoch_stats *st)
{
    const activ_nn_net *n = vn;
    int act;
    char lab[32];
    for (int l = 0; (l = next_act_layer(n, l, &act, lab)) < n->nlayers; l++)
        printf("      %-10s %-10s dead %.3f  sparsity %.3f  mean_act %+.4f\n", lab, activ_nn_act_name(act),
               st->layer[l].dead_fraction, st->layer[l].sparsity, st->layer[l].mean_act);
}

static void net_report_config(FILE *f, const void *vn, const train_opts *o, int ntrain, int ntest)
{
    const activ_nn_net *n = vn;
    static const char *const algos[] = {"auto", "batched", "per-sample"};
    fprintf(f, "{\"model\": ");
    json_str(f, o->spec);
    fprintf(f, ", \"epochs\": %ld, \"batch\": %ld, \"lr\": %g, \"optimizer\": \"%s\", \"seed\": %ld, "
               "\"threads\": %ld, \"conv_algo\": \"%s\", \"train_samples\": %d, \"test_samples\": %d, "
               "\"trainable_params\": %zu, \"non_trainable_params\": %zu}",
            o->epochs, o->batch, (double)o->lr, o->optim == ACTIV_NN_ADAM ? "adam" : "sgd", o->seed, o->threads,
            algos[o->conv_algo == ACTIV_NN_CONV_AUTO ? 0 : o->conv_algo == ACTIV_NN_CONV_BATCHED ? 1 : 2], ntrain,
            ntest, n->nparams, n->nbuffers);
}

static void net_report_layers(FILE *f, const void *vn, const activ_nn_net_epoch_stats *st)
{
    const activ_nn_net *n = vn;
    int first = 1, act;
    char lab[32];
    for (int l = 0; (l = next_act_layer(n, l, &act, lab)) < n->nlayers; l++) {
        fprintf(f, "%s\n      {\"name\": ", first ? "" : ",");
        json_str(f, lab);
        fprintf(f, ", \"activation\": ");
        json_str(f, activ_nn_act_name(act));
        fprintf(f, ", \"dead_fraction\": ");
        json_num(f, "%.6f", st->layer[l].dead_fraction);
        fprintf(f, ", \"sparsity\": ");
        json_num(f, "%.6f", st->layer[l].sparsity);
        fprintf(f, ", \"mean_activation\": ");
        json_num(f, "%.6f", st->layer[l].mean_act);
        fputc('}', f);
        first = 0;
    }
    fprintf(f, "\n    ]}");
}

int cmd_train_model(int argc, char **argv)
{
    train_opts o;
    int rc = train_parse_args(&o, 1, argc, argv);
    if (rc >= 0)
        return rc;
    /* the spec is checked before the data are read: a typo fails at once */
    char err[1024] = "";
    activ_nn_net net;
    activ_status s = tm_build(&net, o.spec, 784, (uint64_t)o.seed, o.conv_algo, err, sizeof err);
    activ_nn_net_free(&net);
    if (s != ACTIV_OK)
        return cli_usage("train", "--model: %s", err[0] ? err : activ_status_str(s));
    if (o.threads > 0 && activ_nn_set_num_threads((int)o.threads) != ACTIV_OK)
        return cli_error("cannot set %ld threads", o.threads);
    /* the output paths too (they used to fail only after the training) */
    if ((rc = train_check_outputs(&o)) != CLI_OK)
        return rc;
    activ_nn_dataset train, test;
    if (train_load_data(&o, &train, &test) != CLI_OK)
        return CLI_FAIL;
    activ_nn_optim opt = {0};
    rc = CLI_FAIL;
    if ((s = tm_build(&net, o.spec, train.dim, (uint64_t)o.seed, o.conv_algo, err, sizeof err)) != ACTIV_OK) {
        cli_error("cannot build the model: %s", err[0] ? err : activ_status_str(s));
    } else if ((s = activ_nn_optim_init(&opt, o.optim, net.nparams, o.lr)) != ACTIV_OK ||
               (s = activ_nn_net_reserve(&net, (int)o.batch)) != ACTIV_OK) {
        cli_error("cannot build the model: %s", activ_status_str(s));
    } else {
        if (!o.quiet)
            activ_nn_net_summary(&net, stderr);
        const train_job job = {.o = &o, .model = &net, .eval_batch = 500, .epoch = net_epoch,
                               .evaluate = net_evaluate, .print_layers = net_print_layers,
                               .report_config = net_report_config, .report_layers = net_report_layers,
                               .save = net_save};
        rc = train_run(&job, &opt, &train, &test);
    }
    activ_nn_optim_free(&opt);
    activ_nn_net_free(&net);
    activ_nn_dataset_free(&train);
    activ_nn_dataset_free(&test);
    return rc;
}
