/* cmd_train.c - 'activ train': an MLP on Fashion-MNIST (or any MNIST-format IDX data). */
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
           "  --threads N        threads for libactiv and OpenBLAS (default: all CPUs)\n"
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

typedef struct {
    int tty, quiet, epoch, epochs;
    double last;
    int last_quarter;
} progress_ctx;

static void on_progress(void *vctx, size_t done, size_t total, double loss)
{
    progress_ctx *c = vctx;
    if (c->quiet)
        return;
    if (c->tty) {
        double t = activ_now_s();
        if (done < total && t - c->last < 0.1) /* at most 10 updates per second */
            return;
        c->last = t;
        int w = 30, fill = (int)((double)w * done / total);
        char bar[64];
        for (int i = 0; i < w; i++)
            bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
        bar[w] = 0;
        fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %3d%%  loss %.4f", c->epoch, c->epochs, bar,
                (int)(100.0 * done / total), loss);
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

static int parse_hidden(const char *s, int *out, int max)
{
    float v[ACTIV_NN_MAX_LAYERS];
    int n = cli_parse_float_list(s, v, max);
    for (int i = 0; i < n; i++) {
        if (v[i] < 1 || v[i] > 1 << 20 || v[i] != (float)(int)v[i])
            return -1;
        out[i] = (int)v[i];
    }
    return n;
}

int cmd_train(int argc, char **argv)
{
    static const char *const opts[] = {"--activation", "--hidden", "--epochs", "--batch", "--lr",
                                       "--optimizer", "--seed", "--threads", "--data", "--limit",
                                       "--save", "--report", "--quiet", "--help"};
    const char *act_name = "relu", *data = DEFAULT_DATA, *save = NULL, *report = NULL;
    int hidden[ACTIV_NN_MAX_LAYERS] = {256, 128}, nhidden = 2, quiet = 0;
    long epochs = 10, batch = 128, seed = 1, threads = 0, limit = 0;
    float lr = 1e-3f;
    activ_nn_optim_kind okind = ACTIV_NN_ADAM;
    int has_model = 0, wants_help = 0;
    for (int i = 1; i < argc; i++) {
        has_model |= !strcmp(argv[i], "--model");
        wants_help |= !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help");
    }
    if (has_model && !wants_help)
        return cmd_train_model(argc, argv); /* a layer spec: tools/activ/train_model.c */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help();
            return CLI_OK;
        }
        if (!strcmp(a, "--quiet")) {
            quiet = 1;
            continue;
        }
        int known = 0;
        for (size_t k = 0; k < sizeof opts / sizeof *opts; k++)
            known |= !strcmp(a, opts[k]);
        if (!known)
            return cli_unknown_option("train", a, opts, sizeof opts / sizeof *opts);
        if (i + 1 >= argc)
            return cli_usage("train", "option '%s' needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--activation"))
            act_name = v;
        else if (!strcmp(a, "--hidden")) {
            nhidden = parse_hidden(v, hidden, ACTIV_NN_MAX_LAYERS - 1);
            if (nhidden < 1)
                return cli_usage("train", "--hidden wants positive integers like 256,128, not '%s'", v);
        } else if (!strcmp(a, "--epochs")) {
            if (cli_parse_long(v, &epochs) || epochs < 1 || epochs > 100000)
                return cli_usage("train", "--epochs wants a positive integer, not '%s'", v);
        } else if (!strcmp(a, "--batch")) {
            if (cli_parse_long(v, &batch) || batch < 1 || batch > 1 << 20)
                return cli_usage("train", "--batch wants a positive integer, not '%s'", v);
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
            if (cli_parse_long(v, &limit) || limit < 1)
                return cli_usage("train", "--limit wants a positive integer, not '%s'", v);
        } else if (!strcmp(a, "--data"))
            data = v;
        else if (!strcmp(a, "--save"))
            save = v;
        else if (!strcmp(a, "--report"))
            report = v;
    }
    activ_kind kind;
    int rc = cli_parse_kind("train", act_name, &kind);
    if (rc != CLI_OK)
        return rc;
    if (threads > 0 && activ_nn_set_num_threads((int)threads) != ACTIV_OK)
        return cli_error("cannot set %ld threads", threads);
    /* every output path is checked before the data is loaded and the model trained */
    if (save && report && cli_same_file(save, report))
        return cli_usage("train", "--save and --report name the same file '%s'", save);
    if ((save && cli_check_output(save) != CLI_OK) || (report && cli_check_output(report) != CLI_OK))
        return CLI_FAIL;

    char err[512] = "";
    activ_nn_dataset train, test;
    activ_status s = activ_nn_mnist_load(data, &train, &test, err, sizeof err);
    if (s != ACTIV_OK)
        return cli_error("%s", err[0] ? err : activ_status_str(s));
    if (limit > 0 && limit < train.n)
        train.n = (int)limit;

    activ_nn_model m;
    activ_nn_model_init(&m, train.dim);
    for (int l = 0; l < nhidden; l++)
        activ_nn_model_add(&m, hidden[l], kind);
    activ_nn_model_add(&m, train.classes < 2 ? 2 : train.classes, ACTIV_NN_LINEAR);
    activ_nn_optim opt = {0};
    activ_afile rep = {0};
    int ret = CLI_FAIL;
    if ((s = activ_nn_model_build(&m, (uint64_t)seed)) != ACTIV_OK ||
        (s = activ_nn_optim_init(&opt, okind, m.nparams, lr)) != ACTIV_OK ||
        (s = activ_nn_model_reserve(&m, batch > 1000 ? (int)batch : 1000)) != ACTIV_OK) {
        cli_error("cannot build the model: %s", activ_status_str(s));
        goto out;
    }
    if (!quiet)
        activ_nn_model_summary(&m, stderr);
    if (report) {
        if ((s = activ_afile_open(&rep, report)) != ACTIV_OK) {
            cli_write_error(report, s);
            goto out;
        }
        fprintf(rep.fp, "{\n  \"config\": {\"activation\": \"%s\", \"hidden\": [", activ_kind_name(kind));
        for (int l = 0; l < nhidden; l++)
            fprintf(rep.fp, "%s%d", l ? ", " : "", hidden[l]);
        fprintf(rep.fp, "], \"epochs\": %ld, \"batch\": %ld, \"lr\": %g, \"optimizer\": \"%s\", "
                        "\"seed\": %ld, \"threads\": %ld, \"train_samples\": %d, \"test_samples\": %d, "
                        "\"params\": %zu},\n  \"epochs\": [",
                epochs, batch, (double)lr, okind == ACTIV_NN_ADAM ? "adam" : "sgd", seed, threads,
                train.n, test.n, m.nparams);
    }
    printf("%-5s %-8s %-9s %-9s %-10s\n", "epoch", "loss", "train_acc", "test_acc", "samples/s");
    activ_nn_rng rng;
    activ_nn_rng_seed(&rng, (uint64_t)seed ^ 0x5eedULL);
    progress_ctx pc = {isatty(2), quiet, 0, (int)epochs, 0, 0};
    activ_nn_epoch_stats st;
    double sps_sum = 0, test_acc = 0, best_acc = 0;
    int best_epoch = 0;
    for (int e = 1; e <= epochs; e++) {
        pc.epoch = e;
        pc.last = 0;
        pc.last_quarter = 0;
        if ((s = activ_nn_train_epoch(&m, &opt, &train, (int)batch, &rng, &st, on_progress, &pc)) != ACTIV_OK) {
            cli_error("training failed: %s", activ_status_str(s));
            goto out;
        }
        double test_loss;
        if ((s = activ_nn_evaluate(&m, &test, 1000, &test_loss, &test_acc)) != ACTIV_OK) {
            cli_error("evaluation failed: %s", activ_status_str(s));
            goto out;
        }
        sps_sum += st.samples_per_s;
        if (test_acc > best_acc)
            best_acc = test_acc, best_epoch = e;
        printf("%-5d %-8.4f %-9.4f %-9.4f %-10.0f\n", e, st.loss, st.train_accuracy, test_acc,
               st.samples_per_s);
        const int nh = m.nlayers - 1;
        for (int l = 0; l < m.nlayers; l++) {
            const activ_nn_layer_stats *ls = &st.layer[l];
            if (l < nh)
                printf("      dense_%d %-10s dead %.3f  sparsity %.3f  mean_act %+.4f  |dW| %.3e\n", l,
                       activ_kind_name(kind), ls->dead_fraction, ls->sparsity, ls->mean_act, ls->grad_norm);
            else
                printf("      dense_%d %-10s |dW| %.3e   |dW| first/last %.3f\n", l, "linear",
                       ls->grad_norm, ls->grad_norm > 0 ? st.layer[0].grad_norm / ls->grad_norm : 0.0);
        }
        fflush(stdout);
        if (report) {
            fprintf(rep.fp, "%s\n    {\"epoch\": %d, \"loss\": %.6f, \"train_accuracy\": %.6f, "
                            "\"test_accuracy\": %.6f, \"test_loss\": %.6f, \"samples_per_s\": %.1f, "
                            "\"seconds\": %.4f, \"layers\": [",
                    e > 1 ? "," : "", e, st.loss, st.train_accuracy, test_acc, test_loss,
                    st.samples_per_s, st.seconds);
            for (int l = 0; l < m.nlayers; l++) {
                const activ_nn_layer_stats *ls = &st.layer[l];
                int hid = l < m.nlayers - 1;
                fprintf(rep.fp, "%s\n      {\"name\": \"dense_%d\", \"activation\": \"%s\", ",
                        l ? "," : "", l, activ_nn_act_name(m.layers[l].act));
                if (hid)
                    fprintf(rep.fp, "\"dead_fraction\": %.6f, \"sparsity\": %.6f, \"mean_activation\": %.6f, ",
                            ls->dead_fraction, ls->sparsity, ls->mean_act);
                fprintf(rep.fp, "\"grad_norm\": %.6e}", ls->grad_norm);
            }
            double last = st.layer[m.nlayers - 1].grad_norm;
            fprintf(rep.fp, "\n    ], \"grad_norm_ratio_first_last\": %.6f}",
                    last > 0 ? st.layer[0].grad_norm / last : 0.0);
        }
    }
    printf("final test accuracy %.4f (best %.4f at epoch %d), mean %.0f samples/s\n", test_acc, best_acc,
           best_epoch, sps_sum / epochs);
    if (report) {
        fprintf(rep.fp, "\n  ],\n  \"final_test_accuracy\": %.6f,\n  \"best_test_accuracy\": %.6f,\n"
                        "  \"best_epoch\": %d,\n  \"mean_samples_per_s\": %.1f\n}\n",
                test_acc, best_acc, best_epoch, sps_sum / epochs);
    }
    /* the weights first, then the report: if the report cannot be committed, the weights
     * written a moment ago are removed again, so both outputs are whole or absent */
    if (save && (s = activ_nn_model_save(&m, save)) != ACTIV_OK) {
        cli_write_error(save, s);
        goto out;
    }
    if (report && (s = activ_afile_commit(&rep)) != ACTIV_OK) {
        cli_write_error(report, s);
        if (save)
            unlink(save);
        goto out;
    }
    ret = CLI_OK;
out:
    if (rep.fp)
        activ_afile_abort(&rep);
    activ_nn_optim_free(&opt);
    activ_nn_model_free(&m);
    activ_nn_dataset_free(&train);
    activ_nn_dataset_free(&test);
    return ret;
}
