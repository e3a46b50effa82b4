/* experiment_cnn.c - 'activ experiment cnn': the reference CNN (two conv blocks with
 * BatchNorm and max pooling, Dense 128 with Dropout, Dense 10) trained with each activation
 * in turn; per activation: final test accuracy, epochs to 0.90, dead-unit fraction per conv
 * block and mean activation. The seed's ReLU claims, on the seed's kind of network. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ_nn.h"
#include "cli.h"
#include "json.h"
#include "train_model.h"

#define DEFAULT_DATA "/usr/share/datasets/fashion-mnist"
#define MAX_ACT 16

static void help(void)
{
    printf("Usage: activ experiment cnn [OPTIONS]\n\n"
           "Trains the reference CNN with each activation (relu, leaky_relu, elu, swish, gelu when\n"
           "this libactiv has it, sigmoid) in every hidden layer:\n  ");
    printf(ACTIV_REFERENCE_CNN_FMT, "ACT", "ACT", "ACT");
    printf("\nAdam 1e-3, batch 128, the same seed for all. Prints final test accuracy, the first epoch\n"
           "whose test accuracy reaches 0.90, the dead-unit (channel) fraction of each conv block's\n"
           "activation in the last epoch and the mean activation of each hidden layer.\n\n"
           "Options:\n"
           "  --epochs N          (default 5)\n"
           "  --limit N           training samples (default all 60000)\n"
           "  --activations LIST  comma-separated subset, e.g. relu,sigmoid\n"
           "  --threads N         threads of libactiv's pool (OpenBLAS runs one-threaded in it)\n"
           "  --seed N            (default 1)\n"
           "  --data DIR          IDX files (default " DEFAULT_DATA ")\n"
           "  --json FILE         the numbers as JSON (default experiment_cnn.json; '-' for stdout)\n\n"
           "Examples:\n"
           "  activ experiment cnn --epochs 15 --threads 2\n"
           "  activ experiment cnn --epochs 2 --limit 10000 --activations relu,sigmoid\n");
}

typedef struct {
    char name[32];
    int ok;
    double final_acc, best_acc;
    int epochs_to_90;
    double dead[2], mean_conv[2], mean_dense, seconds;
    double curve[1000];
} result;

/* The activations to run: the list (gelu only where this libactiv knows the name),
 * or the comma list (split in buf). Returns how many went into acts, or minus the exit code. */
static int pick_activations(const char *list, char *buf, size_t len, const char *acts[MAX_ACT])
{
    const char *wanted[MAX_ACT];
    int nw = 0, na = 0;
    if (list) {
        snprintf(buf, len, "%s", list);
        for (char *t = strtok(buf, ","); t && nw < MAX_ACT; t = strtok(NULL, ","))
            wanted[nw++] = t;
    } else {
        static const char *const def[] = {"relu", "leaky_relu", "elu", "swish", "gelu", "sigmoid"};
        for (size_t k = 0; k < sizeof def / sizeof *def; k++)
            wanted[nw++] = def[k];
    }
    for (int k = 0; k < nw; k++) {
        activ_kind kind;
        if (activ_kind_from_name(wanted[k], &kind) != ACTIV_OK) {
            if (list)
                return -cli_parse_kind("experiment", wanted[k], &kind);
            cli_info("experiment cnn: this libactiv has no '%s'; skipped", wanted[k]);
            continue;
        }
        if (kind == ACTIV_PRELU)
            return -cli_usage("experiment", "prelu cannot follow BatchNorm here (learned slopes); choose another");
        acts[na++] = wanted[k];
    }
    return na;
}

/* The reference CNN with act in every hidden layer, trained for epochs; the numbers go to r.
 * Returns CLI_OK or CLI_FAIL. */
static int run_one(result *r, const char *act, const activ_nn_dataset *tr, const activ_nn_dataset *te,
                   long epochs, long seed)
{
    snprintf(r->name, sizeof r->name, "%s", act);
    char spec[256], err[1024] = "";
    snprintf(spec, sizeof spec, ACTIV_REFERENCE_CNN_FMT, act, act, act);
    activ_nn_net n;
    activ_nn_optim o = {0};
    activ_status s = tm_build(&n, spec, tr->dim, (uint64_t)seed, 0, err, sizeof err);
    if (s == ACTIV_OK)
        s = activ_nn_optim_init(&o, ACTIV_NN_ADAM, n.nparams, 1e-3f);
    activ_nn_rng rng;
    activ_nn_rng_seed(&rng, (uint64_t)seed ^ 0x5eedULL);
    activ_nn_net_epoch_stats st;
    r->epochs_to_90 = -1;
    for (int e = 1; e <= epochs && s == ACTIV_OK; e++) {
        s = activ_nn_net_train_epoch(&n, &o, tr, 128, &rng, &st, NULL, NULL);
        if (s == ACTIV_OK)
            s = activ_nn_net_evaluate(&n, te, 500, NULL, &r->final_acc);
        if (s != ACTIV_OK)
            break;
        r->seconds += st.seconds;
        r->curve[e - 1] = r->final_acc;
        if (r->final_acc > r->best_acc)
            r->best_acc = r->final_acc;
        if (r->epochs_to_90 < 0 && r->final_acc >= 0.90)
            r->epochs_to_90 = e;
        fprintf(stderr, "activ: experiment cnn: %s epoch %d/%ld: test accuracy %.4f\n", act, e, epochs,
                r->final_acc);
    }
    int rc = CLI_OK;
    if (s != ACTIV_OK) {
        rc = cli_error("experiment cnn (%s): %s", act, err[0] ? err : activ_status_str(s));
    } else {
        /* the layers with an activation, in order: conv block 1, conv block 2, dense */
        int seen = 0;
        for (int l = 0; l < n.nlayers; l++) {
            if (tm_layer_act(&n.layers[l]) == ACTIV_NN_LINEAR)
                continue;
            if (seen < 2) {
                r->dead[seen] = st.layer[l].dead_fraction;
                r->mean_conv[seen] = st.layer[l].mean_act;
            } else
                r->mean_dense = st.layer[l].mean_act;
            seen++;
        }
        r->ok = 1;
    }
    activ_nn_optim_free(&o);
    activ_nn_net_free(&n);
    return rc;
}

/* The table of results and its legend. */
static void print_results(FILE *out, const result *res, int na, long epochs)
{
    fprintf(out, "%-11s %9s %9s %10s %10s %10s %10s %10s %8s\n", "activation", "test_acc", "ep>=0.90",
            "dead_c1", "dead_c2", "mean_c1", "mean_c2", "mean_d", "train_s");
    for (int k = 0; k < na; k++) {
        const result *r = &res[k];
        char ep[16];
        if (r->epochs_to_90 > 0)
            snprintf(ep, sizeof ep, "%d", r->epochs_to_90);
        else
            snprintf(ep, sizeof ep, "-");
        fprintf(out, "%-11s %9.4f %9s %10.3f %10.3f %+10.4f %+10.4f %+10.4f %8.1f\n", r->name, r->final_acc, ep,
                r->dead[0], r->dead[1], r->mean_conv[0], r->mean_conv[1], r->mean_dense, r->seconds);
    }
    fprintf(out, "ep>=0.90: first epoch with test accuracy >= 0.90 ('-': not within %ld epochs). dead_cN:\n"
                 "fraction of conv block N's channels never > 0 (sigmoid: > 1/2) in the last epoch. mean_*:\n"
                 "mean activation of conv block 1, 2 and dense128 in the last epoch.\n", epochs);
}

/* The results as JSON, to json ('-' = stdout) whole. */
static int write_results(const char *json, const result *res, int na, long epochs, int ntrain, int ntest,
                         long seed, long threads)
{
    json_doc d;
    if (json_doc_open(&d) != CLI_OK)
        return CLI_FAIL;
    FILE *js = d.f;
    fprintf(js, "{\"experiment\": \"cnn\", \"epochs\": %ld, \"train_samples\": %d, \"test_samples\": %d, "
                "\"seed\": %ld, \"threads\": %ld, \"results\": [", epochs, ntrain, ntest, seed, threads);
    for (int k = 0; k < na; k++) {
        const result *r = &res[k];
        const struct {
            const char *before, *fmt;
            double v;
        } f[] = {{", \"final_test_accuracy\": ", "%.6f", r->final_acc},
                 {", \"best_test_accuracy\": ", "%.6f", r->best_acc},
                 {", \"epochs_to_0.90\": ", "%.0f", r->epochs_to_90},
                 {", \"dead_fraction_conv\": [", "%.6f", r->dead[0]},
                 {", ", "%.6f", r->dead[1]},
                 {"], \"mean_activation\": {\"conv1\": ", "%.6f", r->mean_conv[0]},
                 {", \"conv2\": ", "%.6f", r->mean_conv[1]},
                 {", \"dense\": ", "%.6f", r->mean_dense},
                 {"}, \"train_seconds\": ", "%.2f", r->seconds}};
        fprintf(js, "%s\n  {\"activation\": ", k ? "," : "");
        json_str(js, r->name);
        for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
            fputs(f[i].before, js);
            json_num(js, f[i].fmt, f[i].v);
        }
        fputs(", \"test_accuracy_per_epoch\": [", js);
        for (int e = 0; e < epochs; e++) {
            fputs(e ? ", " : "", js);
            json_num(js, "%.4f", r->curve[e]);
        }
        fprintf(js, "]}");
    }
    fprintf(js, "\n]}\n");
    int rc = json_doc_emit(&d, json);
    if (rc == CLI_OK && strcmp(json, "-"))
        cli_info("wrote %s", json);
    return rc;
}

int experiment_cnn(int argc, char **argv)
{
    static const char *const opts[] = {"--epochs", "--limit", "--activations", "--threads", "--seed",
                                       "--data", "--json", "--help"};
    const char *data = DEFAULT_DATA, *json = "experiment_cnn.json", *list = NULL;
    long epochs = 5, limit = 0, threads = 0, seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "cnn"))
            continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help();
            return CLI_OK;
        }
        int known = 0;
        for (size_t k = 0; k < sizeof opts / sizeof *opts; k++)
            known |= !strcmp(a, opts[k]);
        if (!known)
            return cli_unknown_option("experiment", a, opts, sizeof opts / sizeof *opts);
        if (i + 1 >= argc)
            return cli_usage("experiment", "option '%s' needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--epochs")) {
            if (cli_parse_long(v, &epochs) || epochs < 1 || epochs > 1000)
                return cli_usage("experiment", "--epochs wants an integer from 1 to 1000, not '%s'", v);
        } else if (!strcmp(a, "--limit")) {
            if (cli_parse_long(v, &limit) || limit < 2)
                return cli_usage("experiment", "--limit wants an integer >= 2, not '%s'", v);
        } else if (!strcmp(a, "--threads")) {
            if (cli_parse_long(v, &threads) || threads < 1 || threads > 1024)
                return cli_usage("experiment", "--threads wants a positive integer, not '%s'", v);
        } else if (!strcmp(a, "--seed")) {
            if (cli_parse_long(v, &seed) || seed < 0)
                return cli_usage("experiment", "--seed wants a non-negative integer, not '%s'", v);
        } else if (!strcmp(a, "--activations"))
            list = v;
        else if (!strcmp(a, "--data"))
            data = v;
        else if (!strcmp(a, "--json"))
            json = v;
    }
    const char *acts[MAX_ACT];
    char listbuf[256];
    int na = pick_activations(list, listbuf, sizeof listbuf, acts);
    if (na < 0)
        return -na;
    if (threads > 0 && activ_nn_set_num_threads((int)threads) != ACTIV_OK)
        return cli_error("cannot set %ld threads", threads);
    /* the output is checked before minutes of training (it used to fail only at the end) */
    if (strcmp(json, "-") && cli_check_output(json) != CLI_OK)
        return CLI_FAIL;
    char err[1024] = "";
    activ_nn_dataset tr, te;
    activ_status s = activ_nn_mnist_load(data, &tr, &te, err, sizeof err);
    if (s != ACTIV_OK)
        return cli_error("%s", err[0] ? err : activ_status_str(s));
    if (limit > 0 && limit < tr.n)
        tr.n = (int)limit;
    result *res = calloc((size_t)na, sizeof *res);
    if (!res) {
        activ_nn_dataset_free(&tr);
        activ_nn_dataset_free(&te);
        return cli_error("out of memory");
    }
    printf("experiment cnn: " ACTIV_REFERENCE_CNN_FMT "\n", "ACT", "ACT", "ACT");
    printf("Fashion-MNIST, %d training / %d test samples, %ld epochs, Adam 1e-3, batch 128, seed %ld\n\n",
           tr.n, te.n, epochs, seed);
    int rc = CLI_OK;
    for (int k = 0; k < na && rc == CLI_OK; k++)
        rc = run_one(&res[k], acts[k], &tr, &te, epochs, seed);
    if (rc == CLI_OK) {
        print_results(json && !strcmp(json, "-") ? stderr : stdout, res, na, epochs);
        rc = write_results(json, res, na, epochs, tr.n, te.n, seed, threads);
    }
    free(res);
    activ_nn_dataset_free(&tr);
    activ_nn_dataset_free(&te);
    return rc;
}
