/* test_nn_train.c - a tiny training run on synthetic data whose loss must fall (Adam and
 * SGD), determinism for a fixed seed, and the Sequential summary's parameter count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ_nn.h"
#include "testutil.h"


enum { N = 600, D = 8, K = 3 };

/* three Gaussian blobs in D dimensions */
static void make_data(activ_nn_dataset *d)
{
    d->n = N, d->dim = D, d->classes = K;
    d->x = malloc(sizeof(float) * N * D);
    d->labels = malloc(N);
    activ_nn_rng r;
    activ_nn_rng_seed(&r, 2024);
    for (int i = 0; i < N; i++) {
        int c = i % K;
        d->labels[i] = (uint8_t)c;
        for (int j = 0; j < D; j++)
            d->x[i * D + j] = (float)(0.6 * activ_nn_rng_normal(&r) + (j % K == c ? 1.5 : 0.0));
    }
}

/* trains a fresh model; returns first and last epoch loss, the final params in *params */
static void run(int act, activ_nn_optim_kind ok, float lr, uint64_t seed, const activ_nn_dataset *d,
                double *first, double *last, double *acc, float **params, size_t *np)
{
    activ_nn_model m;
    activ_nn_model_init(&m, D);
    activ_nn_model_add(&m, 16, act);
    activ_nn_model_add(&m, 16, act);
    activ_nn_model_add(&m, K, ACTIV_NN_LINEAR);
    CHECK(activ_nn_model_build(&m, seed) == ACTIV_OK, "build");
    activ_nn_optim o;
    CHECK(activ_nn_optim_init(&o, ok, m.nparams, lr) == ACTIV_OK, "optim");
    activ_nn_rng rng;
    activ_nn_rng_seed(&rng, seed + 1);
    activ_nn_epoch_stats st;
    for (int e = 0; e < 8; e++) {
        activ_status s = activ_nn_train_epoch(&m, &o, d, 32, &rng, &st, NULL, NULL);
        CHECK(s == ACTIV_OK, "epoch %d: status %d", e, s);
        if (e == 0) *first = st.loss;
    }
    *last = st.loss;
    CHECK(activ_nn_evaluate(&m, d, 100, NULL, acc) == ACTIV_OK, "evaluate");
    CHECK(st.nlayers == 3 && st.layer[0].dead_fraction >= 0 && st.layer[0].dead_fraction <= 1 &&
          st.layer[0].sparsity >= 0 && st.layer[0].sparsity <= 1 && st.layer[2].grad_norm > 0,
          "diagnostics out of range");
    if (params) {
        *params = malloc(m.nparams * sizeof(float));
        memcpy(*params, m.params, m.nparams * sizeof(float));
        *np = m.nparams;
    }
    activ_nn_optim_free(&o);
    activ_nn_model_free(&m);
}

int main(void)
{
    activ_nn_set_num_threads(1);
    activ_nn_dataset d;
    make_data(&d);
    const int acts[] = {ACTIV_RELU, ACTIV_LEAKY_RELU, ACTIV_PRELU, ACTIV_ELU, ACTIV_SWISH, ACTIV_SIGMOID, ACTIV_TANH};
    for (size_t k = 0; k < sizeof acts / sizeof *acts; k++)
        for (int o = 0; o < 2; o++) {
            double first, last, acc;
            run(acts[k], o ? ACTIV_NN_SGD : ACTIV_NN_ADAM, o ? 0.05f : 0.01f, 5, &d, &first, &last, &acc, NULL, NULL);
            printf("%-10s %-4s loss %.4f -> %.4f  accuracy %.3f\n", activ_nn_act_name(acts[k]),
                   o ? "sgd" : "adam", first, last, acc);
            CHECK(last < 0.5 * first, "%s/%s: loss did not fall enough (%.4f -> %.4f)",
                  activ_nn_act_name(acts[k]), o ? "sgd" : "adam", first, last);
            CHECK(acc > 0.9, "%s: accuracy %.3f", activ_nn_act_name(acts[k]), acc);
        }

    /* determinism: same seed and thread count, same bits; another seed, other bits */
    float *p1, *p2, *p3;
    size_t n1, n2, n3;
    double a, b, c;
    run(ACTIV_SWISH, ACTIV_NN_ADAM, 0.01f, 11, &d, &a, &b, &c, &p1, &n1);
    run(ACTIV_SWISH, ACTIV_NN_ADAM, 0.01f, 11, &d, &a, &b, &c, &p2, &n2);
    run(ACTIV_SWISH, ACTIV_NN_ADAM, 0.01f, 12, &d, &a, &b, &c, &p3, &n3);
    CHECK(n1 == n2 && !memcmp(p1, p2, n1 * sizeof(float)), "same seed gave different parameters");
    CHECK(memcmp(p1, p3, n1 * sizeof(float)) != 0, "different seeds gave the same parameters");
    printf("determinism: seed 11 twice %s, seed 12 %s\n", memcmp(p1, p2, n1 * sizeof(float)) ? "DIFFER" : "identical",
           memcmp(p1, p3, n1 * sizeof(float)) ? "differs" : "SAME");
    free(p1), free(p2), free(p3);

    /* Keras: Sequential([Dense(2, activation='relu', input_shape=(2,))]) has 6 parameters */
    activ_nn_model k;
    activ_nn_model_init(&k, 2);
    activ_nn_model_add(&k, 2, ACTIV_RELU);
    activ_nn_model_build(&k, 1);
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    CHECK(activ_nn_model_summary(&k, f) == ACTIV_OK, "summary");
    fclose(f);
    CHECK(k.nparams == 6 && strstr(buf, "Total params: 6\n") && strstr(buf, "(None, 2)"), "summary:\n%s", buf);
    activ_nn_model_free(&k);

    activ_nn_dataset_free(&d);
    return tu_finish("test_nn_train");
}
