/* cnn_step.c - one training step of a layer-spec network (forward, softmax cross-entropy,
 * backward, Adam) at batch 128 on fixed synthetic 28x28 images, timed in-process: the
 * minimum, quartile and median of ITERS steps after 3 warm-up steps. In-process and many
 * steps, so it separates two builds on a noisy machine better than whole training runs.
 * Built and run by bench/cnn_step.sh. Usage: cnn_step [SPEC] [ITERS] [THREADS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "activ_nn.h"

#define REFERENCE "conv64k3p1-bn-relu-pool2-dropout0.25,conv128k3p1-bn-relu-pool2-dropout0.25,flatten," \
                  "dense128-bn-relu-dropout0.5,dense10"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *spec = argc > 1 && argv[1][0] ? argv[1] : REFERENCE;
    const int iters = argc > 2 ? atoi(argv[2]) : 25, threads = argc > 3 ? atoi(argv[3]) : 2, B = 128;
    if (iters < 1 || threads < 1 || activ_nn_set_num_threads(threads) != ACTIV_OK) {
        fprintf(stderr, "usage: cnn_step [SPEC] [ITERS >= 1] [THREADS >= 1]\n");
        return 2;
    }
    activ_nn_net n;
    activ_nn_optim o;
    char err[512];
    activ_nn_net_init(&n, 1, 28, 28);
    if (activ_nn_net_parse(&n, spec, err, sizeof err) != ACTIV_OK) {
        fprintf(stderr, "cnn_step: %s\n", err);
        return 2;
    }
    float *x = malloc(sizeof(float) * B * 784);
    double *times = malloc(sizeof(double) * (size_t)iters);
    uint8_t *labels = malloc(B);
    if (!x || !times || !labels || activ_nn_net_build(&n, 1) != ACTIV_OK || activ_nn_net_reserve(&n, B) != ACTIV_OK ||
        activ_nn_optim_init(&o, ACTIV_NN_ADAM, n.nparams, 1e-3f) != ACTIV_OK) {
        fprintf(stderr, "cnn_step: out of memory\n");
        return 1;
    }
    activ_nn_net_set_training(&n, 1);
    for (int i = 0; i < B * 784; i++)
        x[i] = (float)((i * 7919) % 1000) / 1000.0f;
    for (int i = 0; i < B; i++)
        labels[i] = (uint8_t)(i % 10);
    for (int it = -3; it < iters; it++) {
        const double t0 = now();
        float *logits;
        double loss;
        int correct;
        if (activ_nn_net_forward(&n, x, B, &logits) != ACTIV_OK ||
            activ_nn_softmax_xent(logits, labels, B, 10, n.dbuf[0], &loss, &correct) != ACTIV_OK ||
            activ_nn_net_backward(&n, x, n.dbuf[0], B) != ACTIV_OK || activ_nn_optim_step(&o, n.params, n.grads) != ACTIV_OK) {
            fprintf(stderr, "cnn_step: a step failed\n");
            return 1;
        }
        if (it >= 0)
            times[it] = now() - t0;
    }
    qsort(times, (size_t)iters, sizeof(double), by_value);
    printf("%s\nbatch %d, %d threads, %d steps: ms per step min %.2f  p25 %.2f  median %.2f\n", spec, B, threads,
           iters, 1e3 * times[0], 1e3 * times[iters / 4], 1e3 * times[iters / 2]);
    activ_nn_optim_free(&o);
    activ_nn_net_free(&n);
    free(x), free(times), free(labels);
    return 0;
}
