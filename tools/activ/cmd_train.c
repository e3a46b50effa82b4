/* cmd_train.c - 'activ train': an MLP on Fashion-MNIST (or any MNIST-format IDX data); with
 * --model SPEC a layer-spec network (train_model.c). Options and the epoch loop: train_cli.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ_nn.h"
#include "cli.h"
#include "json.h"
#include "train_cli.h"
#include "train_model.h"

#define DEFAULT_DATA TRAIN_DEFAULT_DATA

static void help(void)
{
    printf("Usage: activ train [OPTIONS]\n\n"
           "Train an MLP (input, --hidden layers with --activation, 10-way softmax) on\n"
           "Fashion-MNIST and print, per epoch, loss, train/test accuracy, samples/s and per\n"
           "hidden layer: dead-unit fraction, sparsity, mean activation, weight-gradient norm.\n\n"
           "Options:\n"
           "  --activation NAME  relu leaky_relu prelu elu swish sigmoid tanh (default relu)\n"
           "  --hidden LIST      hidden widths, comma-separated (default 256,128)\n"
           "  --epochs N         (default 10)\n"
           "  --batch N          mini-batch size (default 128)\n"
           "  --lr X             learning rate (default 1e-3)\n"
           "  --optimizer NAME   adam or sgd (momentum 0.9) (default adam)\n"
           "  --seed N           initialisation and shuffling seed (default 1)\n"
           "  --threads N        threads of libactiv's pool, which also runs the GEMMs\n"
           "                     (OpenBLAS one-threaded in it; default: all CPUs)\n"
           "  --data DIR         IDX files (default " DEFAULT_DATA ")\n"
           "  --limit N          use only the first N training samples\n"
           "  --save FILE        weights as safetensors after training\n"
           "  --report FILE      per-epoch numbers as JSON\n"
           "  --quiet            no progress bar\n"
           "  --model SPEC       a layer spec instead of an MLP, e.g. the reference CNN\n"
           "                     " ACTIV_REFERENCE_CNN "\n"
           "                     (grammar: man activ; with it: --conv-algo auto|batched|per-sample)\n"
           "  -h, --help\n\n"
           "Example:\n"
           "  activ train --activation relu --hidden 256,128 --epochs 10 --threads 2 --report r.json\n"
           "  activ train --model " ACTIV_REFERENCE_CNN " --epochs 15\n");
}

/* ---- the MLP's side of train_job ---- */

static activ_status mlp_epoch(void *m, activ_nn_optim *opt, const activ_nn_dataset *d, int batch,
                              activ_nn_rng *rng, activ_nn_net_epoch_stats *st, activ_nn_progress_fn progress,
                              void *ctx)
{
    activ_nn_epoch_stats ms;
    activ_status s = activ_nn_train_epoch(m, opt, d, batch, rng, &ms, progress, ctx);
    if (s == ACTIV_OK) {
        *st = (activ_nn_net_epoch_stats){.loss = ms.loss, .train_accuracy = ms.train_accuracy,
                                         .seconds = ms.seconds, .samples_per_s = ms.samples_per_s,
                                         .nlayers = ms.nlayers};
        memcpy(st->layer, ms.layer, sizeof st->layer);
    }
    return s;
}

static activ_status mlp_evaluate(void *m, const activ_nn_dataset *d, int batch, double *loss, double *acc)
{
    return activ_nn_evaluate(m, d, batch, loss, acc);
}

static activ_status mlp_save(const void *m, const char *path)
{
    return activ_nn_model_save(m, path);
}

static void mlp_print_layers(const void *vm, const activ_nn_net_epoch_stats *st)
{
    const activ_nn_model *m = vm;
    const int nh = m->nlayers - 1;
    for (int l = 0; l < m->nlayers; l++) {
        const activ_nn_layer_stats *ls = &st->layer[l];
        if (l < nh)
            printf("      dense_%d %-10s dead %.3f  sparsity %.3f  mean_act %+.4f  |dW| %.3e\n", l,
                   activ_kind_name((activ_kind)m->layers[l].act), ls->dead_fraction, ls->sparsity, ls->mean_act,
                   ls->grad_norm);
        else
            printf("      dense_%d %-10s |dW| %.3e   |dW| first/last %.3f\n", l, "linear", ls->grad_norm,
                   ls->grad_norm > 0 ? st->layer[0].grad_norm / ls->grad_norm : 0.0);
    }
}

static void mlp_report_config(FILE *f, const void *vm, const train_opts *o, int ntrain, int ntest)
{
    const activ_nn_model *m = vm;
    fprintf(f, "{\"activation\": ");
    json_str(f, activ_kind_name((activ_kind)m->layers[0].act));
    fprintf(f, ", \"hidden\": [");
    for (int l = 0; l < o->nhidden; l++)
        fprintf(f, "%s%d", l ? ", " : "", o->hidden[l]);
    fprintf(f, "], \"epochs\": %ld, \"batch\": %ld, \"lr\": %g, \"optimizer\": \"%s\", "
               "\"seed\": %ld, \"threads\": %ld, \"train_samples\": %d, \"test_samples\": %d, "
               "\"params\": %zu}",
            o->epochs, o->batch, (double)o->lr, o->optim == ACTIV_NN_ADAM ? "adam" : "sgd", o->seed, o->threads,
            ntrain, ntest, m->nparams);
}

static void mlp_report_layers(FILE *f, const void *vm, const activ_nn_net_epoch_stats *st)
{
    const activ_nn_model *m = vm;
    for (int l = 0; l < m->nlayers; l++) {
        const activ_nn_layer_stats *ls = &st->layer[l];
        fprintf(f, "%s\n      {\"name\": \"dense_%d\", \"activation\": ", l ? "," : "", l);
        json_str(f, activ_nn_act_name(m->layers[l].act));
        if (l < m->nlayers - 1) {
            fprintf(f, ", \"dead_fraction\": ");
            json_num(f, "%.6f", ls->dead_fraction);
            fprintf(f, ", \"sparsity\": ");
            json_num(f, "%.6f", ls->sparsity);
            fprintf(f, ", \"mean_activation\": ");
            json_num(f, "%.6f", ls->mean_act);
        }
        fprintf(f, ", \"grad_norm\": ");
        json_num(f, "%.6e", ls->grad_norm);
        fputc('}', f);
    }
    double last = st->layer[m->nlayers - 1].grad_norm;
    fprintf(f, "\n    ], \"grad_norm_ratio_first_last\": ");
    json_num(f, "%.6f", last > 0 ? st->layer[0].grad_norm / last : 0.0);
    fputc('}', f);
}

int cmd_train(int argc, char **argv)
{
    int has_model = 0, wants_help = 0;
    for (int i = 1; i < argc; i++) {
        has_model |= !strcmp(argv[i], "--model");
        wants_help |= !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help");
    }
    if (has_model && !wants_help)
        return cmd_train_model(argc, argv); /* a layer spec: tools/activ/train_model.c */
    train_opts o;
    activ_kind kind;
    int rc = train_parse_args(&o, 0, argc, argv);
    if (rc == TRAIN_HELP)
        help();
    if (rc >= 0)
        return rc == TRAIN_HELP ? CLI_OK : rc;
    if ((rc = cli_parse_kind("train", o.act_name, &kind)) != CLI_OK)
        return rc;
    if (o.threads > 0 && activ_nn_set_num_threads((int)o.threads) != ACTIV_OK)
        return cli_error("cannot set %ld threads", o.threads);
    /* every output path is checked before the data is loaded and the model trained */
    if ((rc = train_check_outputs(&o)) != CLI_OK)
        return rc;
    activ_nn_dataset train, test;
    if (train_load_data(&o, &train, &test) != CLI_OK)
        return CLI_FAIL;

    activ_nn_model m;
    activ_nn_model_init(&m, train.dim);
    for (int l = 0; l < o.nhidden; l++)
        activ_nn_model_add(&m, o.hidden[l], kind);
    activ_nn_model_add(&m, train.classes < 2 ? 2 : train.classes, ACTIV_NN_LINEAR);
    activ_nn_optim opt = {0};
    activ_status s;
    rc = CLI_FAIL;
    if ((s = activ_nn_model_build(&m, (uint64_t)o.seed)) != ACTIV_OK ||
        (s = activ_nn_optim_init(&opt, o.optim, m.nparams, o.lr)) != ACTIV_OK ||
        (s = activ_nn_model_reserve(&m, o.batch > 1000 ? (int)o.batch : 1000)) != ACTIV_OK) {
        cli_error("cannot build the model: %s", activ_status_str(s));
    } else {
        if (!o.quiet)
            activ_nn_model_summary(&m, stderr);
        const train_job job = {.o = &o, .model = &m, .eval_batch = 1000, .epoch = mlp_epoch,
                               .evaluate = mlp_evaluate, .print_layers = mlp_print_layers,
                               .report_config = mlp_report_config, .report_layers = mlp_report_layers,
                               .save = mlp_save};
        rc = train_run(&job, &opt, &train, &test);
    }
    activ_nn_optim_free(&opt);
    activ_nn_model_free(&m);
    activ_nn_dataset_free(&train);
    activ_nn_dataset_free(&test);
    return rc;
}
