/* cmd_experiment.c - 'activ experiment vanishing|dying|centering': the seed's claims about
 * activations, measured on Fashion-MNIST with small, seeded, fast runs (seconds each). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activ_nn.h"
#include "cli.h"
#include "json.h"
#include "train_model.h"

#define DEFAULT_DATA "/usr/share/datasets/fashion-mnist"

static void help(void)
{
    printf("Usage: activ experiment vanishing|dying|centering|cnn [OPTIONS]\n\n"
           "  vanishing  per-layer weight-gradient norms of an 11-layer MLP (10 hidden x 64) at\n"
           "             initialisation, one 512-sample Fashion-MNIST batch, for sigmoid, tanh,\n"
           "             relu, leaky_relu, elu, swish. first/last < 1 means vanishing gradients.\n"
           "  dying      dead-unit fraction per epoch of a 784-256-256-10 MLP trained with SGD\n"
           "             (momentum 0.9) at a high learning rate: relu vs leaky_relu, prelu, elu.\n"
           "  centering  mean activation per hidden layer of a 784-256-256-256-10 MLP at\n"
           "             initialisation and after each training epoch: relu vs elu vs tanh.\n"
           "  cnn        the reference CNN with each activation: accuracy, epochs to 0.90, dead\n"
           "             channels, mean activation (its own options: activ experiment cnn --help).\n\n"
           "Options:\n"
           "  --json FILE   where the numbers go as JSON (default experiment_NAME.json; '-' for stdout)\n"
           "  --seed N      (default 1)\n"
           "  --data DIR    IDX files (default " DEFAULT_DATA ")\n"
           "  --limit N     training samples for dying/centering (default 10000)\n"
           "  --epochs N    epochs for dying/centering (default 5 / 3)\n"
           "  --lr X        learning rate for dying (default 0.1)\n"
           "  --threads N   threads of libactiv's pool (OpenBLAS runs one-threaded in it)\n\n"
           "Examples:\n"
           "  activ experiment vanishing\n"
           "  activ experiment dying --lr 0.2 --epochs 3 --json dying.json\n"
           "  activ experiment centering --json - | python3 -m json.tool\n");
}

static activ_status build_mlp(activ_nn_model *m, int in, const int *widths, int n, int act, int classes,
                              uint64_t seed, int batch)
{
    activ_nn_model_init(m, in);
    for (int i = 0; i < n; i++)
        activ_nn_model_add(m, widths[i], act);
    activ_nn_model_add(m, classes, ACTIV_NN_LINEAR);
    activ_status s = activ_nn_model_build(m, seed);
    return s == ACTIV_OK ? activ_nn_model_reserve(m, batch) : s;
}

static int vanishing(const activ_nn_dataset *tr, uint64_t seed, FILE *js)
{
    enum { DEPTH = 10, WIDTH = 64, B = 512 };
    const int kinds[] = {ACTIV_SIGMOID, ACTIV_TANH, ACTIV_RELU, ACTIV_LEAKY_RELU, ACTIV_ELU, ACTIV_SWISH};
    int widths[DEPTH];
    for (int i = 0; i < DEPTH; i++)
        widths[i] = WIDTH;
    int nb = tr->n < B ? tr->n : B;
    printf("vanishing: ||dW|| per layer, MLP 784-%dx%d-10, one batch of %d, at initialisation (seed %llu)\n",
           DEPTH, WIDTH, nb, (unsigned long long)seed);
    printf("%-11s", "activation");
    for (int l = 0; l <= DEPTH; l++) {
        char h[16];
        snprintf(h, sizeof h, "L%d", l + 1);
        printf(" %10s", h);
    }
    printf(" %10s\n", "first/last");
    fprintf(js, "{\"experiment\": \"vanishing\", \"seed\": %llu, \"depth\": %d, \"width\": %d, \"batch\": %d, \"results\": [",
            (unsigned long long)seed, DEPTH + 1, WIDTH, nb);
    float *dout = malloc(sizeof(float) * nb * tr->classes);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        activ_nn_model m;
        activ_status s = build_mlp(&m, tr->dim, widths, DEPTH, kinds[k], tr->classes, seed, nb);
        float *out;
        if (s == ACTIV_OK)
            s = activ_nn_model_forward(&m, tr->x, nb, &out);
        if (s == ACTIV_OK)
            s = activ_nn_softmax_xent(out, tr->labels, nb, tr->classes, dout, NULL, NULL);
        if (s == ACTIV_OK)
            s = activ_nn_model_backward(&m, tr->x, dout, nb);
        if (s != ACTIV_OK) {
            free(dout);
            activ_nn_model_free(&m);
            return cli_error("vanishing: %s", activ_status_str(s));
        }
        double norm[DEPTH + 1];
        printf("%-11s", activ_kind_name((activ_kind)kinds[k]));
        fprintf(js, "%s\n  {\"activation\": ", k ? "," : "");
        json_str(js, activ_kind_name((activ_kind)kinds[k]));
        fprintf(js, ", \"grad_norms\": [");
        for (int l = 0; l <= DEPTH; l++) {
            const activ_nn_dense *L = &m.layers[l];
            double ss = 0;
            for (size_t i = 0; i < (size_t)L->in * L->out; i++)
                ss += (double)L->dw[i] * L->dw[i];
            norm[l] = sqrt(ss);
            printf(" %10.2e", norm[l]);
            fputs(l ? ", " : "", js);
            json_num(js, "%.6e", norm[l]);
        }
        double ratio = norm[DEPTH] > 0 ? norm[0] / norm[DEPTH] : 0;
        printf(" %10.2e\n", ratio);
        fprintf(js, "], \"ratio_first_last\": ");
        json_num(js, "%.6e", ratio);
        fputc('}', js);
        activ_nn_model_free(&m);
    }
    fprintf(js, "\n]}\n");
    free(dout);
    return CLI_OK;
}

static int train_runs(const char *name, const activ_nn_dataset *tr, const activ_nn_dataset *te,
                      uint64_t seed, FILE *js, int epochs, float lr)
{
    int dying = !strcmp(name, "dying");
    const int kd[] = {ACTIV_RELU, ACTIV_LEAKY_RELU, ACTIV_PRELU, ACTIV_ELU};
    const int kc[] = {ACTIV_RELU, ACTIV_ELU, ACTIV_TANH};
    const int *kinds = dying ? kd : kc;
    const int nk = dying ? 4 : 3, nh = dying ? 2 : 3, batch = dying ? 64 : 128;
    const int widths[3] = {256, 256, 256};
    const activ_nn_optim_kind ok = dying ? ACTIV_NN_SGD : ACTIV_NN_ADAM;
    if (!dying)
        lr = 1e-3f;
    if (dying)
        printf("dying: dead-unit fraction per hidden layer (never active over an epoch), MLP 784-256-256-10,\n"
               "       SGD momentum 0.9, lr %g, batch %d, %d training samples, seed %llu\n",
               (double)lr, batch, tr->n, (unsigned long long)seed);
    else
        printf("centering: mean activation per hidden layer, MLP 784-256-256-256-10, Adam 1e-3, batch %d,\n"
               "           %d training samples, seed %llu (epoch 0 = at initialisation, 1000 test samples)\n",
               batch, tr->n, (unsigned long long)seed);
    printf("%-11s %-5s", "activation", "epoch");
    for (int l = 0; l < nh; l++)
        printf(" %s%d%-*s", dying ? "dead_L" : "mean_L", l + 1, 3, "");
    if (!dying)
        for (int l = 0; l < nh; l++)
            printf(" sparse_L%d ", l + 1);
    printf(" %-8s %-8s\n", "loss", "test_acc");
    fprintf(js, "{\"experiment\": \"%s\", \"seed\": %llu, \"optimizer\": \"%s\", \"lr\": %g, \"batch\": %d, "
                "\"train_samples\": %d, \"results\": [",
            name, (unsigned long long)seed, dying ? "sgd" : "adam", (double)lr, batch, tr->n);
    for (int k = 0; k < nk; k++) {
        activ_nn_model m;
        activ_nn_optim o = {0};
        activ_status s = build_mlp(&m, tr->dim, widths, nh, kinds[k], tr->classes, seed, 1000);
        if (s == ACTIV_OK)
            s = activ_nn_optim_init(&o, ok, m.nparams, lr);
        if (s != ACTIV_OK) {
            activ_nn_model_free(&m);
            return cli_error("%s: %s", name, activ_status_str(s));
        }
        const char *kn = activ_kind_name((activ_kind)kinds[k]);
        fprintf(js, "%s\n  {\"activation\": ", k ? "," : "");
        json_str(js, kn);
        fprintf(js, ", \"epochs\": [");
        if (!dying) { /* epoch 0: the untrained network on 1000 test samples */
            int nb = te->n < 1000 ? te->n : 1000;
            s = activ_nn_model_forward(&m, te->x, nb, NULL);
            printf("%-11s %-5d", kn, 0);
            fprintf(js, "\n    {\"epoch\": 0, \"mean_activation\": [");
            for (int l = 0; l < nh; l++) {
                double sum = 0;
                for (size_t i = 0; i < (size_t)nb * m.layers[l].out; i++)
                    sum += m.layers[l].y[i];
                printf(" %+9.4f", sum / ((double)nb * m.layers[l].out));
                fputs(l ? ", " : "", js);
                json_num(js, "%.6f", sum / ((double)nb * m.layers[l].out));
            }
            printf("\n");
            fprintf(js, "]}");
        }
        activ_nn_rng rng;
        activ_nn_rng_seed(&rng, seed + 17);
        for (int e = 1; e <= epochs && s == ACTIV_OK; e++) {
            activ_nn_epoch_stats st;
            double acc = 0;
            s = activ_nn_train_epoch(&m, &o, tr, batch, &rng, &st, NULL, NULL);
            if (s == ACTIV_OK)
                s = activ_nn_evaluate(&m, te, 1000, NULL, &acc);
            if (s != ACTIV_OK)
                break;
            printf("%-11s %-5d", kn, e);
            fprintf(js, "%s\n    {\"epoch\": %d, \"loss\": ", (e > 1 || !dying) ? "," : "", e);
            json_num(js, "%.6f", st.loss);
            fprintf(js, ", \"test_accuracy\": ");
            json_num(js, "%.6f", acc);
            fprintf(js, ", ");
            fprintf(js, dying ? "\"dead_fraction\": [" : "\"mean_activation\": [");
            for (int l = 0; l < nh; l++) {
                double v = dying ? st.layer[l].dead_fraction : st.layer[l].mean_act;
                printf(dying ? " %9.4f" : " %+9.4f", v);
                fputs(l ? ", " : "", js);
                json_num(js, "%.6f", v);
            }
            if (!dying) {
                fprintf(js, "], \"sparsity\": [");
                for (int l = 0; l < nh; l++) {
                    printf(" %9.4f ", st.layer[l].sparsity);
                    fputs(l ? ", " : "", js);
                    json_num(js, "%.6f", st.layer[l].sparsity);
                }
            }
            printf(" %-8.4f %-8.4f\n", st.loss, acc);
            fprintf(js, "]}");
        }
        fprintf(js, "\n  ]}");
        activ_nn_optim_free(&o);
        activ_nn_model_free(&m);
        if (s != ACTIV_OK)
            return cli_error("%s: %s", name, activ_status_str(s));
    }
    fprintf(js, "\n]}\n");
    return CLI_OK;
}

int cmd_experiment(int argc, char **argv)
{
    static const char *const opts[] = {"--json", "--seed", "--data", "--limit", "--epochs", "--lr",
                                       "--threads", "--help"};
    static const char *const names[] = {"vanishing", "dying", "centering"};
    const char *which = NULL, *json = NULL, *data = DEFAULT_DATA;
    long seed = 1, limit = 10000, epochs = 0, threads = 0;
    float lr = 0.1f;
    for (int i = 1; i < argc; i++) { /* 'cnn' has its own options: tools/activ/experiment_cnn.c */
        if (!strcmp(argv[i], "cnn"))
            return experiment_cnn(argc, argv);
        if (argv[i][0] == '-' && strcmp(argv[i], "-h") && strcmp(argv[i], "--help"))
            i++; /* skip the option's value */
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help();
            return CLI_OK;
        }
        if (a[0] != '-') {
            if (which)
                return cli_usage("experiment", "one experiment at a time ('%s' and '%s')", which, a);
            which = a;
            continue;
        }
        int known = 0;
        for (size_t k = 0; k < sizeof opts / sizeof *opts; k++)
            known |= !strcmp(a, opts[k]);
        if (!known)
            return cli_unknown_option("experiment", a, opts, sizeof opts / sizeof *opts);
        if (i + 1 >= argc)
            return cli_usage("experiment", "option '%s' needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--json"))
            json = v;
        else if (!strcmp(a, "--data"))
            data = v;
        else if (!strcmp(a, "--seed") && (cli_parse_long(v, &seed) || seed < 0))
            return cli_usage("experiment", "--seed wants a non-negative integer, not '%s'", v);
        else if (!strcmp(a, "--limit") && (cli_parse_long(v, &limit) || limit < 1))
            return cli_usage("experiment", "--limit wants a positive integer, not '%s'", v);
        else if (!strcmp(a, "--epochs") && (cli_parse_long(v, &epochs) || epochs < 1 || epochs > 1000))
            return cli_usage("experiment", "--epochs wants a positive integer, not '%s'", v);
        else if (!strcmp(a, "--lr") && (cli_parse_float(v, &lr) || !(lr > 0)))
            return cli_usage("experiment", "--lr wants a positive number, not '%s'", v);
        else if (!strcmp(a, "--threads") && (cli_parse_long(v, &threads) || threads < 1 || threads > 1024))
            return cli_usage("experiment", "--threads wants a positive integer, not '%s'", v);
    }
    if (!which)
        return cli_usage("experiment", "which experiment? vanishing, dying, centering or cnn");
    int id = -1;
    for (int k = 0; k < 3; k++)
        if (!strcmp(which, names[k]))
            id = k;
    if (id < 0) {
        const char *s = cli_suggest(which, names, 3);
        if (s)
            return cli_usage("experiment", "unknown experiment '%s' (did you mean '%s'?)", which, s);
        return cli_usage("experiment", "unknown experiment '%s'; choose vanishing, dying or centering", which);
    }
    if (threads > 0)
        activ_nn_set_num_threads((int)threads);
    /* the output is checked before the data is loaded and the runs made */
    if (json && strcmp(json, "-") && cli_check_output(json) != CLI_OK)
        return CLI_FAIL;
    char err[512] = "";
    activ_nn_dataset tr, te;
    activ_status s = activ_nn_mnist_load(data, &tr, &te, err, sizeof err);
    if (s != ACTIV_OK)
        return cli_error("%s", err[0] ? err : activ_status_str(s));
    if (limit < tr.n)
        tr.n = (int)limit;
    json_doc j;
    if (json_doc_open(&j) != CLI_OK) {
        activ_nn_dataset_free(&tr);
        activ_nn_dataset_free(&te);
        return CLI_FAIL;
    }
    /* with --json - the JSON owns stdout: the table goes to stderr meanwhile */
    int saved_stdout = -1;
    if (json && !strcmp(json, "-")) {
        fflush(stdout);
        saved_stdout = dup(1);
        if (saved_stdout >= 0)
            dup2(2, 1);
    }
    int rc = id == 0 ? vanishing(&tr, (uint64_t)seed, j.f)
                     : train_runs(names[id], &tr, &te, (uint64_t)seed, j.f,
                                  epochs ? (int)epochs : (id == 1 ? 5 : 3), lr);
    if (saved_stdout >= 0) {
        fflush(stdout);
        dup2(saved_stdout, 1);
        close(saved_stdout);
    }
    char defpath[64];
    if (!json) {
        snprintf(defpath, sizeof defpath, "experiment_%s.json", names[id]);
        json = defpath;
    }
    int rc2 = json_doc_emit(&j, rc == CLI_OK ? json : NULL);
    if (rc == CLI_OK && rc2 == CLI_OK && strcmp(json, "-"))
        cli_info("wrote %s", json);
    activ_nn_dataset_free(&tr);
    activ_nn_dataset_free(&te);
    return rc != CLI_OK ? rc : rc2;
}
