/* train_model.c - 'activ train --model SPEC': a network described by a layer spec (conv,
 * pooling, BatchNorm, Dropout, Flatten, Dense) on Fashion-MNIST; cmd_train hands over here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activ_nn.h"
#include "cli.h"
#include "activ_internal/clock.h"
#include "activ_internal/io.h"
#include "train_model.h"

#define DEFAULT_DATA "/usr/share/datasets/fashion-mnist"

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

typedef struct {
    int tty, quiet, epoch, epochs, last_quarter;
    double last;
} prog;

static void on_progress(void *v, size_t done, size_t total, double loss)
{
    prog *c = v;
    if (c->quiet)
        return;
    if (c->tty) {
        double t = activ_now_s();
        if (done < total && t - c->last < 0.1)
            return;
        c->last = t;
        fprintf(stderr, "\r\033[Kepoch %d/%d %3d%%  loss %.4f", c->epoch, c->epochs, (int)(100.0 * done / total), loss);
        if (done >= total)
            fprintf(stderr, "\r\033[K");
        fflush(stderr);
    } else {
        int q = (int)(4.0 * done / total);
        if (q > c->last_quarter && q < 4) {
            c->last_quarter = q;
            fprintf(stderr, "activ: epoch %d/%d: %d%% loss %.4f\n", c->epoch, c->epochs, 25 * q, loss);
        }
    }
}

int cmd_train_model(int argc, char **argv)
{
    static const char *const opts[] = {"--model", "--epochs", "--batch", "--lr", "--optimizer", "--seed",
                                       "--threads", "--data", "--limit", "--save", "--report", "--quiet",
                                       "--conv-algo", "--help"};
    const char *spec = NULL, *data = DEFAULT_DATA, *save = NULL, *report = NULL;
    long epochs = 10, batch = 128, seed = 1, threads = 0, limit = 0;
    int quiet = 0, algo = 0;
    float lr = 1e-3f;
    activ_nn_optim_kind okind = ACTIV_NN_ADAM;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--quiet")) {
            quiet = 1;
            continue;
        }
        int known = 0;
        for (size_t k = 0; k < sizeof opts / sizeof *opts; k++)
            known |= !strcmp(a, opts[k]);
        if (!known)
            return cli_usage("train", "option '%s' does not go with --model", a);
        if (i + 1 >= argc)
            return cli_usage("train", "option '%s' needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--model"))
            spec = v;
        else if (!strcmp(a, "--epochs")) {
            if (cli_parse_long(v, &epochs) || epochs < 1 || epochs > 100000)
                return cli_usage("train", "--epochs wants a positive integer, not '%s'", v);
        } else if (!strcmp(a, "--batch")) {
            if (cli_parse_long(v, &batch) || batch < 2 || batch > 1 << 16)
                return cli_usage("train", "--batch wants an integer from 2 to 65536, not '%s'", v);
        } else if (!strcmp(a, "--lr")) {
            if (cli_parse_float(v, &lr) || !(lr > 0))
                return cli_usage("train", "--lr wants a positive number, not '%s'", v);
        } else if (!strcmp(a, "--optimizer")) {
            if (!strcmp(v, "adam"))
                okind = ACTIV_NN_ADAM;
            else if (!strcmp(v, "sgd"))
                okind = ACTIV_NN_SGD;
            else
                return cli_usage("train", "--optimizer is adam or sgd, not '%s'", v);
        } else if (!strcmp(a, "--seed")) {
            if (cli_parse_long(v, &seed) || seed < 0)
                return cli_usage("train", "--seed wants a non-negative integer, not '%s'", v);
        } else if (!strcmp(a, "--threads")) {
            if (cli_parse_long(v, &threads) || threads < 1 || threads > 1024)
                return cli_usage("train", "--threads wants a positive integer, not '%s'", v);
        } else if (!strcmp(a, "--limit")) {
            if (cli_parse_long(v, &limit) || limit < 2)
                return cli_usage("train", "--limit wants an integer >= 2, not '%s'", v);
        } else if (!strcmp(a, "--conv-algo")) {
            if (!strcmp(v, "auto"))
                algo = ACTIV_NN_CONV_AUTO;
            else if (!strcmp(v, "batched"))
                algo = ACTIV_NN_CONV_BATCHED;
            else if (!strcmp(v, "per-sample"))
                algo = ACTIV_NN_CONV_PER_SAMPLE;
            else
                return cli_usage("train", "--conv-algo is auto, batched or per-sample, not '%s'", v);
        } else if (!strcmp(a, "--data"))
            data = v;
        else if (!strcmp(a, "--save"))
            save = v;
        else if (!strcmp(a, "--report"))
            report = v;
    }
    if (!spec)
        return cli_usage("train", "--model needs a layer spec");
    /* the spec is checked before the data are read: a typo fails at once */
    char err[1024] = "";
    activ_nn_net net;
    activ_status s = tm_build(&net, spec, 784, (uint64_t)seed, algo, err, sizeof err);
    activ_nn_net_free(&net);
    if (s != ACTIV_OK)
        return cli_usage("train", "--model: %s", err[0] ? err : activ_status_str(s));
    if (threads > 0 && activ_nn_set_num_threads((int)threads) != ACTIV_OK)
        return cli_error("cannot set %ld threads", threads);

    activ_nn_dataset train, test;
    s = activ_nn_mnist_load(data, &train, &test, err, sizeof err);
    if (s != ACTIV_OK)
        return cli_error("%s", err[0] ? err : activ_status_str(s));
    if (limit > 0 && limit < train.n)
        train.n = (int)limit;
    activ_nn_optim opt = {0};
    activ_afile rep = {0};
    int ret = CLI_FAIL;
    if ((s = tm_build(&net, spec, train.dim, (uint64_t)seed, algo, err, sizeof err)) != ACTIV_OK) {
        cli_error("cannot build the model: %s", err[0] ? err : activ_status_str(s));
        goto out;
    }
    if ((s = activ_nn_optim_init(&opt, okind, net.nparams, lr)) != ACTIV_OK ||
        (s = activ_nn_net_reserve(&net, (int)batch)) != ACTIV_OK) {
        cli_error("cannot build the model: %s", activ_status_str(s));
        goto out;
    }
    if (!quiet)
        activ_nn_net_summary(&net, stderr);
    if (report) {
        if (activ_afile_open(&rep, report) != ACTIV_OK) {
            cli_error("cannot write '%s'", report);
            goto out;
        }
        fprintf(rep.fp, "{\n  \"config\": {\"model\": \"%s\", \"epochs\": %ld, \"batch\": %ld, \"lr\": %g, "
                        "\"optimizer\": \"%s\", \"seed\": %ld, \"threads\": %ld, \"conv_algo\": \"%s\", "
                        "\"train_samples\": %d, \"test_samples\": %d, \"trainable_params\": %zu, "
                        "\"non_trainable_params\": %zu},\n  \"epochs\": [",
                spec, epochs, batch, (double)lr, okind == ACTIV_NN_ADAM ? "adam" : "sgd", seed, threads,
                algo == ACTIV_NN_CONV_AUTO ? "auto" : algo == ACTIV_NN_CONV_BATCHED ? "batched" : "per-sample", train.n, test.n, net.nparams, net.nbuffers);
    }
    printf("%-5s %-8s %-9s %-9s %-10s\n", "epoch", "loss", "train_acc", "test_acc", "samples/s");
    activ_nn_rng rng;
    activ_nn_rng_seed(&rng, (uint64_t)seed ^ 0x5eedULL);
    prog pc = {isatty(2), quiet, 0, (int)epochs, 0, 0};
    activ_nn_net_epoch_stats st;
    double sps_sum = 0, test_acc = 0, best_acc = 0;
    int best_epoch = 0;
    for (int e = 1; e <= epochs; e++) {
        pc.epoch = e, pc.last = 0, pc.last_quarter = 0;
        if ((s = activ_nn_net_train_epoch(&net, &opt, &train, (int)batch, &rng, &st, on_progress, &pc)) != ACTIV_OK) {
            cli_error("training failed: %s", activ_status_str(s));
            goto out;
        }
        double test_loss;
        if ((s = activ_nn_net_evaluate(&net, &test, 500, &test_loss, &test_acc)) != ACTIV_OK) {
            cli_error("evaluation failed: %s", activ_status_str(s));
            goto out;
        }
        sps_sum += st.samples_per_s;
        if (test_acc > best_acc)
            best_acc = test_acc, best_epoch = e;
        printf("%-5d %-8.4f %-9.4f %-9.4f %-10.0f\n", e, st.loss, st.train_accuracy, test_acc, st.samples_per_s);
        for (int l = 0; l < net.nlayers; l++) {
            int act = tm_layer_act(&net.layers[l]);
            if (act == ACTIV_NN_LINEAR)
                continue;
            char lab[32];
            tm_layer_label(&net, l, lab, sizeof lab);
            printf("      %-10s %-10s dead %.3f  sparsity %.3f  mean_act %+.4f\n", lab, activ_nn_act_name(act),
                   st.layer[l].dead_fraction, st.layer[l].sparsity, st.layer[l].mean_act);
        }
        fflush(stdout);
        if (report) {
            fprintf(rep.fp, "%s\n    {\"epoch\": %d, \"loss\": %.6f, \"train_accuracy\": %.6f, \"test_accuracy\": %.6f, "
                            "\"test_loss\": %.6f, \"samples_per_s\": %.1f, \"seconds\": %.4f, \"layers\": [",
                    e > 1 ? "," : "", e, st.loss, st.train_accuracy, test_acc, test_loss, st.samples_per_s, st.seconds);
            int first = 1;
            for (int l = 0; l < net.nlayers; l++) {
                int act = tm_layer_act(&net.layers[l]);
                if (act == ACTIV_NN_LINEAR)
                    continue;
                char lab[32];
                tm_layer_label(&net, l, lab, sizeof lab);
                fprintf(rep.fp, "%s\n      {\"name\": \"%s\", \"activation\": \"%s\", \"dead_fraction\": %.6f, "
                                "\"sparsity\": %.6f, \"mean_activation\": %.6f}",
                        first ? "" : ",", lab, activ_nn_act_name(act), st.layer[l].dead_fraction,
                        st.layer[l].sparsity, st.layer[l].mean_act);
                first = 0;
            }
            fprintf(rep.fp, "\n    ]}");
        }
    }
    printf("final test accuracy %.4f (best %.4f at epoch %d), mean %.0f samples/s\n", test_acc, best_acc,
           best_epoch, sps_sum / epochs);
    if (report) {
        fprintf(rep.fp, "\n  ],\n  \"final_test_accuracy\": %.6f,\n  \"best_test_accuracy\": %.6f,\n"
                        "  \"best_epoch\": %d,\n  \"mean_samples_per_s\": %.1f\n}\n",
                test_acc, best_acc, best_epoch, sps_sum / epochs);
        if (activ_afile_commit(&rep) != ACTIV_OK) {
            cli_error("cannot write '%s'", report);
            goto out;
        }
    }
    if (save && (s = activ_nn_net_save(&net, save)) != ACTIV_OK) {
        cli_error("cannot save '%s': %s", save, activ_status_str(s));
        goto out;
    }
    ret = CLI_OK;
out:
    if (rep.fp)
        activ_afile_abort(&rep);
    activ_nn_optim_free(&opt);
    activ_nn_net_free(&net);
    activ_nn_dataset_free(&train);
    activ_nn_dataset_free(&test);
    return ret;
}
