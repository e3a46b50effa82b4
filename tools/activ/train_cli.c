/* train_cli.c - the options, progress line and epoch loop of 'activ train' (train_cli.h). */
#include "train_cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activ_internal/clock.h"
#include "cli.h"
#include "json.h"

/* ---- options ---- */

enum { T_MLP = 1, T_NET = 2, T_BOTH = 3 };

/* Every option of 'activ train', in the order the MLP's suggestions consider them, and the
 * modes that take it. */
static const struct {
    const char *name;
    int modes;
} options[] = {
    {"--model", T_NET},   {"--activation", T_MLP}, {"--hidden", T_MLP},  {"--epochs", T_BOTH},
    {"--batch", T_BOTH},  {"--lr", T_BOTH},        {"--optimizer", T_BOTH}, {"--seed", T_BOTH},
    {"--threads", T_BOTH}, {"--data", T_BOTH},     {"--limit", T_BOTH},  {"--save", T_BOTH},
    {"--report", T_BOTH}, {"--quiet", T_BOTH},     {"--conv-algo", T_NET}, {"--help", T_BOTH},
};
#define NOPTIONS (sizeof options / sizeof *options)

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

/* A count option: an integer in [lo, hi]. The messages name the MLP's and the network's
 * ranges as they always have. Returns CLI_OK or CLI_USAGE. */
static int parse_count(const char *opt, const char *v, long lo, long hi, const char *want, long *out)
{
    long x;
    if (cli_parse_long(v, &x) || x < lo || x > hi)
        return cli_usage("train", "%s wants %s, not '%s'", opt, want, v);
    *out = x;
    return CLI_OK;
}

/* The value v of option a. Returns CLI_OK or CLI_USAGE. */
static int parse_value(train_opts *o, const char *a, const char *v)
{
    const int net = o->net;
    if (!strcmp(a, "--epochs"))
        return parse_count(a, v, 1, 100000, "a positive integer", &o->epochs);
    if (!strcmp(a, "--batch")) /* a network's BatchNorm needs two samples per batch */
        return net ? parse_count(a, v, 2, 1 << 16, "an integer from 2 to 65536", &o->batch)
                   : parse_count(a, v, 1, 1 << 20, "a positive integer", &o->batch);
    if (!strcmp(a, "--limit"))
        return net ? parse_count(a, v, 2, LONG_MAX, "an integer >= 2", &o->limit)
                   : parse_count(a, v, 1, LONG_MAX, "a positive integer", &o->limit);
    if (!strcmp(a, "--seed"))
        return parse_count(a, v, 0, LONG_MAX, "a non-negative integer", &o->seed);
    if (!strcmp(a, "--threads"))
        return parse_count(a, v, 1, 1024, "a positive integer", &o->threads);
    if (!strcmp(a, "--lr")) {
        if (cli_parse_float(v, &o->lr) || !(o->lr > 0))
            return cli_usage("train", "--lr wants a positive number, not '%s'", v);
    } else if (!strcmp(a, "--optimizer")) {
        if (!strcmp(v, "adam"))
            o->optim = ACTIV_NN_ADAM;
        else if (!strcmp(v, "sgd"))
            o->optim = ACTIV_NN_SGD;
        else
            return cli_usage("train", "--optimizer is adam or sgd, not '%s'", v);
    } else if (!strcmp(a, "--hidden")) {
        o->nhidden = parse_hidden(v, o->hidden, ACTIV_NN_MAX_LAYERS - 1);
        if (o->nhidden < 1)
            return cli_usage("train", "--hidden wants positive integers like 256,128, not '%s'", v);
    } else if (!strcmp(a, "--conv-algo")) {
        if (!strcmp(v, "auto"))
            o->conv_algo = ACTIV_NN_CONV_AUTO;
        else if (!strcmp(v, "batched"))
            o->conv_algo = ACTIV_NN_CONV_BATCHED;
        else if (!strcmp(v, "per-sample"))
            o->conv_algo = ACTIV_NN_CONV_PER_SAMPLE;
        else
            return cli_usage("train", "--conv-algo is auto, batched or per-sample, not '%s'", v);
    } else if (!strcmp(a, "--activation"))
        o->act_name = v;
    else if (!strcmp(a, "--model"))
        o->spec = v;
    else if (!strcmp(a, "--data"))
        o->data = v;
    else if (!strcmp(a, "--save"))
        o->save = v;
    else if (!strcmp(a, "--report"))
        o->report = v;
    return CLI_OK;
}

int train_parse_args(train_opts *o, int net, int argc, char **argv)
{
    *o = (train_opts){.net = net, .act_name = "relu", .hidden = {256, 128}, .nhidden = 2, .epochs = 10,
                      .batch = 128, .seed = 1, .lr = 1e-3f, .optim = ACTIV_NN_ADAM, .data = TRAIN_DEFAULT_DATA};
    const char *names[NOPTIONS];
    size_t nnames = 0;
    const int mode = net ? T_NET : T_MLP;
    for (size_t k = 0; k < NOPTIONS; k++)
        if (options[k].modes & mode)
            names[nnames++] = options[k].name;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return TRAIN_HELP;
        if (!strcmp(a, "--quiet")) {
            o->quiet = 1;
            continue;
        }
        int known = 0;
        for (size_t k = 0; k < nnames; k++)
            known |= !strcmp(a, names[k]);
        if (!known && net)
            return cli_usage("train", "option '%s' does not go with --model", a);
        if (!known)
            return cli_unknown_option("train", a, names, nnames);
        if (i + 1 >= argc)
            return cli_usage("train", "option '%s' needs a value", a);
        int rc = parse_value(o, a, argv[++i]);
        if (rc != CLI_OK)
            return rc;
    }
    if (net && !o->spec)
        return cli_usage("train", "--model needs a layer spec");
    return -1;
}

int train_check_outputs(const train_opts *o)
{
    if (o->save && o->report && cli_same_file(o->save, o->report))
        return cli_usage("train", "--save and --report name the same file '%s'", o->save);
    if ((o->save && cli_check_output(o->save) != CLI_OK) || (o->report && cli_check_output(o->report) != CLI_OK))
        return CLI_FAIL;
    return CLI_OK;
}

int train_load_data(const train_opts *o, activ_nn_dataset *train, activ_nn_dataset *test)
{
    char err[512] = "";
    activ_status s = activ_nn_mnist_load(o->data, train, test, err, sizeof err);
    if (s != ACTIV_OK)
        return cli_error("%s", err[0] ? err : activ_status_str(s));
    if (o->limit > 0 && o->limit < train->n)
        train->n = (int)o->limit;
    return CLI_OK;
}

/* ---- progress ---- */

typedef struct {
    int tty, quiet, epoch, epochs, last_quarter;
    double last;
} progress_ctx;

/* A bar redrawn at most 10 times a second on a terminal, else a line per quarter epoch. */
static void on_progress(void *vctx, size_t done, size_t total, double loss)
{
    progress_ctx *c = vctx;
    if (c->quiet)
        return;
    if (c->tty) {
        double t = activ_now_s();
        if (done < total && t - c->last < 0.1)
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

/* ---- the epochs ---- */

static void report_epoch(FILE *f, const train_job *j, int e, const activ_nn_net_epoch_stats *st, double test_acc,
                         double test_loss)
{
    const struct {
        const char *key, *fmt;
        double v;
    } v[] = {{"loss", "%.6f", st->loss},          {"train_accuracy", "%.6f", st->train_accuracy},
             {"test_accuracy", "%.6f", test_acc}, {"test_loss", "%.6f", test_loss},
             {"samples_per_s", "%.1f", st->samples_per_s}, {"seconds", "%.4f", st->seconds}};
    fprintf(f, "%s\n    {\"epoch\": %d", e > 1 ? "," : "", e);
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
        fprintf(f, ", \"%s\": ", v[k].key);
        json_num(f, v[k].fmt, v[k].v);
    }
    fprintf(f, ", \"layers\": [");
    j->report_layers(f, j->model, st);
}

static void report_end(FILE *f, double test_acc, double best_acc, int best_epoch, double mean_sps)
{
    fprintf(f, "\n  ],\n  \"final_test_accuracy\": ");
    json_num(f, "%.6f", test_acc);
    fprintf(f, ",\n  \"best_test_accuracy\": ");
    json_num(f, "%.6f", best_acc);
    fprintf(f, ",\n  \"best_epoch\": %d,\n  \"mean_samples_per_s\": ", best_epoch);
    json_num(f, "%.1f", mean_sps);
    fprintf(f, "\n}\n");
}

/* The weights first, then the report: if the report cannot be written, the weights written
 * a moment ago are removed again, so both outputs are whole or absent. Releases rep. */
static int write_outputs(const train_job *j, json_doc *rep)
{
    const train_opts *o = j->o;
    activ_status s;
    if (o->save && (s = j->save(j->model, o->save)) != ACTIV_OK) {
        json_doc_emit(rep, NULL);
        return cli_write_error(o->save, s);
    }
    if (json_doc_emit(rep, o->report) != CLI_OK) {
        if (o->save)
            unlink(o->save);
        return CLI_FAIL;
    }
    return CLI_OK;
}

int train_run(const train_job *j, activ_nn_optim *opt, const activ_nn_dataset *train, const activ_nn_dataset *test)
{
    const train_opts *o = j->o;
    json_doc rep = {0};
    if (json_doc_open(&rep) != CLI_OK)
        return CLI_FAIL;
    FILE *rf = rep.f;
    fprintf(rf, "{\n  \"config\": ");
    j->report_config(rf, j->model, o, train->n, test->n);
    fprintf(rf, ",\n  \"epochs\": [");

    printf("%-5s %-8s %-9s %-9s %-10s\n", "epoch", "loss", "train_acc", "test_acc", "samples/s");
    activ_nn_rng rng;
    activ_nn_rng_seed(&rng, (uint64_t)o->seed ^ 0x5eedULL);
    progress_ctx pc = {.tty = isatty(2), .quiet = o->quiet, .epochs = (int)o->epochs};
    double sps_sum = 0, test_acc = 0, best_acc = 0;
    int best_epoch = 0;
    for (int e = 1; e <= o->epochs; e++) {
        pc.epoch = e, pc.last = 0, pc.last_quarter = 0;
        activ_nn_net_epoch_stats st;
        double test_loss;
        activ_status s = j->epoch(j->model, opt, train, (int)o->batch, &rng, &st, on_progress, &pc);
        if (s != ACTIV_OK) {
            json_doc_emit(&rep, NULL);
            return cli_error("training failed: %s", activ_status_str(s));
        }
        if ((s = j->evaluate(j->model, test, j->eval_batch, &test_loss, &test_acc)) != ACTIV_OK) {
            json_doc_emit(&rep, NULL);
            return cli_error("evaluation failed: %s", activ_status_str(s));
        }
        sps_sum += st.samples_per_s;
        if (test_acc > best_acc)
            best_acc = test_acc, best_epoch = e;
        printf("%-5d %-8.4f %-9.4f %-9.4f %-10.0f\n", e, st.loss, st.train_accuracy, test_acc, st.samples_per_s);
        j->print_layers(j->model, &st);
        fflush(stdout);
        report_epoch(rf, j, e, &st, test_acc, test_loss);
    }
    printf("final test accuracy %.4f (best %.4f at epoch %d), mean %.0f samples/s\n", test_acc, best_acc,
           best_epoch, sps_sum / o->epochs);
    report_end(rf, test_acc, best_acc, best_epoch, sps_sum / o->epochs);
    return write_outputs(j, &rep);
}
