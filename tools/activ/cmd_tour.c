/* cmd_tour.c - activ tour: the main job. Walks through the seed material in one run, each
 * step saying what the reader is looking at:
 *   1. TensorFlow's tf.nn.relu(tf.matmul(x, W) + b) / PyTorch's nn.ReLU, as a Dense layer
 *   2. Keras' Sequential([Dense(2, activation='relu', input_shape=(2,))]) and its summary
 *   3. activ eval and activ grad on the seed's values (with NaN, -0 and the kink at 0)
 *   4. the comparison table, every column measured
 *   5. the plots, written to files
 *   6. a short Fashion-MNIST training run: dead ReLUs and per-layer gradient norms
 *   7. vanishing gradients, measured
 *   8. a convolutional network with BatchNorm and Dropout, from a layer spec (2 epochs, a slice)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "activ_internal/clock.h"
#include "activ_internal/io.h"
#ifdef ACTIV_HAVE_NN
#include "activ_nn.h"
#include "train_model.h"
#endif

static int bold;

static void step(int n, const char *title, const char *what)
{
    printf("\n%s== %d. %s ==%s\n%s\n\n", bold ? "\033[1m" : "", n, title, bold ? "\033[0m" : "", what);
    fflush(stdout);
}

/* Runs a subcommand as if typed on the command line, echoing it first. */
static int run(int (*fn)(int, char **), const char *line, int argc, char **argv)
{
    printf("$ activ %s\n", line);
    fflush(stdout);
    int rc = fn(argc, argv);
    fflush(stdout);
    return rc;
}

static void print_vec(const char *label, const float *v, size_t n)
{
    printf("  %-22s [", label);
    for (size_t i = 0; i < n; i++)
        printf("%s%.7g", i ? ", " : "", v[i]);
    printf("]\n");
}

static int show_npy(const char *label, const char *path)
{
    activ_npy a;
    char err[512];
    if (activ_npy_read(path, &a, err, sizeof err) != ACTIV_OK)
        return cli_error("%s", err);
    print_vec(label, a.data, a.n);
    activ_npy_free(&a);
    return CLI_OK;
}

static void usage(void)
{
    printf("Usage: activ tour [--out DIR] [--no-train] [--data DIR]\n\n"
           "Walks through activ in one run (under a minute on 2 cores): the seed's matmul + bias +\n"
           "ReLU example, the Keras model summary, eval and grad on example values, the comparison\n"
           "table, plots written to DIR (default activ-tour), and a short Fashion-MNIST training run\n"
           "with the dying-ReLU and vanishing-gradient numbers.\n\n"
           "Examples:\n  activ tour\n  activ tour --out /tmp/tour --no-train\n");
}

/* The files of the tour: out/NAME, kept alive for the subcommands that are given them. */
typedef struct {
    const char *out;
    char buf[32][512];
    int nb;
} tour_files;

static char *tour_path(tour_files *t, const char *name)
{
    snprintf(t->buf[t->nb], sizeof t->buf[t->nb], "%s/%s", t->out, name);
    return t->buf[t->nb++];
}

#ifdef ACTIV_HAVE_NN
/* Steps 1 and 2: the seed's Dense layer, then as a model with its summary. */
static int tour_dense(void)
{
    step(1, "TensorFlow: tf.nn.relu(tf.matmul(x, W) + b)",
         "One Dense layer y = relu(x.W + b): the GEMM through CBLAS, then bias and ReLU fused in one\n"
         "pass by libactiv. PyTorch spells the same thing nn.ReLU()(x @ W + b).");
    float x[4] = {1, 2, 3, 4}, w[4] = {0.5f, 1, 1.5f, 2}, b[2] = {0.1f, 0.2f}, y[4];
    activ_nn_dense layer = {.in = 2, .out = 2, .act = ACTIV_RELU, .w = w, .b = b};
    activ_status s = activ_nn_dense_forward(&layer, x, NULL, y, 2);
    if (s != ACTIV_OK)
        return cli_error("dense forward: %s", activ_status_str(s));
    printf("  x = [[1, 2], [3, 4]]   W = [[0.5, 1], [1.5, 2]]   b = [0.1, 0.2]\n");
    printf("  relu(x.W + b) = [[%g, %g], [%g, %g]]\n", y[0], y[1], y[2], y[3]);

    step(2, "Keras: Sequential([Dense(units=2, activation='relu', input_shape=(2,))])",
         "The same layer as a model. summary() counts 2x2 weights + 2 biases = 6 parameters.");
    activ_nn_model m;
    s = activ_nn_model_init(&m, 2);
    if (s == ACTIV_OK)
        s = activ_nn_model_add(&m, 2, ACTIV_RELU);
    if (s == ACTIV_OK)
        s = activ_nn_model_build(&m, 1);
    if (s == ACTIV_OK)
        s = activ_nn_model_summary(&m, stdout);
    activ_nn_model_free(&m);
    if (s != ACTIV_OK)
        return cli_error("model: %s", activ_status_str(s));
    return CLI_OK;
}
#endif

/* Step 3: eval and grad of six functions on special values, through .npy files. */
static int tour_eval_grad(tour_files *t)
{
    step(3, "activ eval and activ grad",
         "The CLI applies any function to a .npy file. NaN stays NaN (even for ReLU), -0 keeps its\n"
         "sign, and the gradient at the kink x = 0 follows PyTorch: relu'(0) = 0, leaky'(0) = alpha.");
    const float xs[9] = {-3.0f, -1.0f, -0.0f, 0.0f, 0.5f, 1.0f, 3.0f, 1e-40f, 0.0f / 0.0f};
    const float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    size_t shape[1] = {9};
    char *xin = tour_path(t, "x.npy"), *dy = tour_path(t, "dy.npy");
    if (activ_npy_write(xin, xs, shape, 1) != ACTIV_OK || activ_npy_write(dy, ones, shape, 1) != ACTIV_OK)
        return cli_error("cannot write into '%s'", t->out);
    print_vec("x", xs, 9);
    const char *fns[] = {"relu", "leaky_relu", "elu", "swish", "sigmoid", "tanh"};
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
        char *y = tour_path(t, "y.npy"), line[2048], label[64];
        char *av[] = {"eval", (char *)fns[i], xin, y};
        int rc;
        snprintf(line, sizeof line, "eval %.300s %.300s %.300s", fns[i], xin, y);
        if ((rc = run(cmd_eval, line, 4, av)) != CLI_OK)
            return rc;
        snprintf(label, sizeof label, "%s(x)", fns[i]);
        show_npy(label, y);
        char *dx = tour_path(t, "dx.npy");
        char *gv[] = {"grad", (char *)fns[i], xin, dy, dx};
        snprintf(line, sizeof line, "grad %.300s %.300s %.300s %.300s", fns[i], xin, dy, dx);
        if ((rc = run(cmd_grad, line, 5, gv)) != CLI_OK)
            return rc;
        snprintf(label, sizeof label, "%s'(x)", fns[i]);
        show_npy(label, dx);
        t->nb -= 2;
    }
    return CLI_OK;
}

/* Step 5: three plots, as SVG and (with cairo) PNG. */
static int tour_plots(tour_files *t)
{
    step(5, "Plots",
         "The functions and their derivatives with default parameters, and Leaky ReLU's slope\n"
         "against ReLU, as SVG (and PNG when activ is built with cairo).");
    static const char *const plots[][16] = {
        {"functions", "relu", "leaky_relu", "elu", "swish", "sigmoid", "tanh", "--range", "-4:4", NULL},
        {"derivatives", "relu", "leaky_relu", "elu", "swish", "sigmoid", "tanh", "--derivative", "--range",
         "-4:4", NULL},
        {"leaky_slopes", "relu", "leaky_relu", "--alpha", "0.01,0.1,0.3", "--derivative", "--range", "-3:3",
         NULL},
    };
    const char *exts[2] = {"svg", "png"};
    for (size_t k = 0; k < sizeof plots / sizeof *plots; k++)
        for (int e = 0; e < 2; e++) {
#ifndef ACTIV_HAVE_CAIRO
            if (e == 1)
                break;
#endif
            char name[64], line[2048];
            char *av[20];
            int ac = 0, rc;
            size_t o = (size_t)snprintf(line, sizeof line, "plot");
            av[ac++] = "plot";
            for (int j = 1; plots[k][j]; j++) {
                av[ac++] = (char *)plots[k][j];
                o += (size_t)snprintf(line + o, sizeof line - o, " %s", plots[k][j]);
            }
            snprintf(name, sizeof name, "%s.%s", plots[k][0], exts[e]);
            char *f = tour_path(t, name);
            av[ac++] = "-o";
            av[ac++] = f;
            snprintf(line + o, sizeof line - o, " -o %.300s", f);
            if ((rc = run(cmd_plot, line, ac, av)) != CLI_OK)
                return rc;
        }
    return CLI_OK;
}

#ifdef ACTIV_HAVE_NN
/* Steps 6 to 8: a short MLP training run, the vanishing-gradient experiment, the CNN. */
static int tour_training(tour_files *t, const char *data)
{
    step(6, "Training on Fashion-MNIST: do ReLUs die, do gradients vanish?",
         "A 784-256-128-10 ReLU MLP, Adam 1e-3, on a 12,000-image slice for 2 epochs. Per hidden\n"
         "layer: the fraction of dead units (never active in the epoch), the sparsity and mean of\n"
         "the activations, and the weight-gradient norms (first/last layer shows vanishing).");
    char *report = tour_path(t, "train.json");
    char line[1024];
    char *av[16] = {"train", "--activation", "relu", "--hidden", "256,128", "--epochs", "2", "--limit", "12000",
                    "--seed", "1", "--report", report};
    int ac = 13, rc;
    if (data) {
        av[ac++] = "--data";
        av[ac++] = (char *)data;
    }
    snprintf(line, sizeof line, "train --activation relu --hidden 256,128 --epochs 2 --limit 12000 --seed 1 --report %.300s%.300s%.300s",
             report, data ? " --data " : "", data ? data : "");
    if ((rc = run(cmd_train, line, ac, av)) != CLI_OK)
        return rc;
    step(7, "Vanishing gradients, measured",
         "Gradient norms per layer of a deep MLP under each activation: sigmoid's shrink layer by\n"
         "layer, ReLU's do not.");
    char *ej = tour_path(t, "vanishing.json");
    char *ev[] = {"experiment", "vanishing", "--json", ej};
    snprintf(line, sizeof line, "experiment vanishing --json %.300s", ej);
    if ((rc = run(cmd_experiment, line, 4, ev)) != CLI_OK)
        return rc;
    step(8, "ReLU in a convolutional network, with BatchNorm and Dropout",
         "The seed: ReLU is \"extensively used in convolutional neural networks for image\n"
         "classification\", with \"dropout, batch normalization, and more\". The reference CNN,\n"
         "described by a layer spec, 2 epochs on a 3,000-image slice (the full run: README).");
    char *cav[16] = {"train", "--model", ACTIV_REFERENCE_CNN, "--epochs", "2", "--limit", "3000", "--seed", "1"};
    int cac = 9;
    if (data) {
        cav[cac++] = "--data";
        cav[cac++] = (char *)data;
    }
    snprintf(line, sizeof line, "train --model %s --epochs 2 --limit 3000 --seed 1%s%.300s", ACTIV_REFERENCE_CNN,
             data ? " --data " : "", data ? data : "");
    return run(cmd_train, line, cac, cav);
}
#endif

int cmd_tour(int argc, char **argv)
{
    const char *out = "activ-tour", *data = NULL;
    int train = 1;
    static const char *const opts[] = {"--out", "--no-train", "--data", "--help"};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage();
            return CLI_OK;
        } else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(argv[i], "--data") && i + 1 < argc) {
            data = argv[++i];
        } else if (!strcmp(argv[i], "--no-train")) {
            train = 0;
        } else if (argv[i][0] == '-') {
            return cli_unknown_option("tour", argv[i], opts, sizeof opts / sizeof *opts);
        } else {
            return cli_usage("tour", "unexpected argument '%s'", argv[i]);
        }
    }
    if (mkdir(out, 0777) != 0 && errno != EEXIST)
        return cli_error("cannot create '%s': %s", out, strerror(errno));
    bold = cli_color(1);
    static tour_files t; /* 16 KiB of paths */
    t.out = out, t.nb = 0;
    int rc;
    const double t0 = activ_now_s();
    printf("activ %s tour, on the %s code path with %d thread(s). Files go to %s/.\n", activ_version(),
           activ_isa_name(activ_get_isa()), activ_get_num_threads(), out);
#ifdef ACTIV_HAVE_NN
    if ((rc = tour_dense()) != CLI_OK)
        return rc;
#else
    printf("\n(steps 1-2 need libactiv_nn, which this build lacks)\n");
#endif
    if ((rc = tour_eval_grad(&t)) != CLI_OK)
        return rc;
    step(4, "The comparison table",
         "The seed's table of ReLU, sigmoid, tanh and Leaky ReLU, and more: every column is computed\n"
         "by activ (ranges over all floats, max |f'|, the gradient left after 10 layers, saturation,\n"
         "zero-centering, cost, and the accuracy against the double-precision oracle).");
    char *av[] = {"table", "relu", "leaky_relu", "elu", "swish", "sigmoid", "tanh"};
    if ((rc = run(cmd_table, "table relu leaky_relu elu swish sigmoid tanh", 7, av)) != CLI_OK)
        return rc;
    if ((rc = tour_plots(&t)) != CLI_OK)
        return rc;
#ifdef ACTIV_HAVE_NN
    if (train && (rc = tour_training(&t, data)) != CLI_OK)
        return rc;
#else
    (void)train;
    (void)data;
#endif
    printf("\nTour done in %.1f s. Files are in %s/. Next: 'activ --help', 'make test', 'man activ'.\n",
           activ_now_s() - t0, out);
    return CLI_OK;
}
