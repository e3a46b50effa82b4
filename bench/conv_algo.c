/* conv_algo.c - Conv2D forward + backward with the two GEMM layouts of src/nn/conv.c
 * (batched im2col + GEMM in sample groups vs per-sample loop products), on the reference CNN's
 * two conv shapes (3x3, padding 1: 1x28x28 -> 64 and 64x14x14 -> 128) at
 * batch 128, alternating the two so that machine load hits both. Prints ms per call and
 * the ratio. Built and run by bench/conv_algo.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "activ_nn.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
    const int B = 128, reps = argc > 1 ? atoi(argv[1]) : 10, threads = argc > 2 ? atoi(argv[2]) : 2;
    activ_nn_set_num_threads(threads);
    const struct { int c, h, oc; } shp[2] = {{1, 28, 64}, {64, 14, 128}}; /* the reference CNN's */
    printf("Conv2D k3 s1 p1 + relu, batch %d, %d threads, best of %d (forward + backward with dX)\n", B, threads, reps);
    printf("%-22s %12s %12s %8s\n", "shape", "batched ms", "per-sample ms", "ps/bat");
    printf("(ps/bat > 1: the batched GEMM is faster)\n");
    for (int s = 0; s < 2; s++) {
        activ_nn_conv2d L = {0};
        L.c = shp[s].c, L.ih = L.iw = shp[s].h, L.oc = shp[s].oc, L.k = 3, L.stride = 1, L.pad = 1, L.has_bias = 1;
        L.act = ACTIV_RELU;
        activ_nn_conv2d_shape(&L);
        const size_t kk = (size_t)L.c * 9, ohw = (size_t)L.oh * L.ow, nx = (size_t)B * L.c * L.ih * L.iw;
        const size_t ny = (size_t)B * L.oc * ohw;
        float *w = malloc(4 * L.oc * kk), *b = calloc(L.oc, 4), *dw = malloc(4 * L.oc * kk), *db = malloc(4 * L.oc);
        float *x = malloc(4 * nx), *dx = malloc(4 * nx), *y = malloc(4 * ny), *dy = malloc(4 * ny);
        L.col = malloc(4 * kk * B * ohw), L.zt = malloc(4 * ny);
        L.w = w, L.b = b, L.dw = dw, L.db = db;
        activ_nn_rng r;
        activ_nn_rng_seed(&r, 1);
        for (size_t i = 0; i < L.oc * kk; i++) w[i] = (float)activ_nn_rng_normal(&r) * 0.1f;
        for (size_t i = 0; i < nx; i++) x[i] = (float)activ_nn_rng_uniform(&r);
        double best[2] = {1e9, 1e9};
        for (int t = 0; t < reps; t++)
            for (int a = 0; a < 2; a++) {
                L.algo = a ? ACTIV_NN_CONV_PER_SAMPLE : ACTIV_NN_CONV_BATCHED; /* AUTO picks by c·k·k */
                for (size_t i = 0; i < ny; i++) dy[i] = 1e-3f * (float)(i % 7);
                double t0 = now();
                activ_nn_conv2d_forward(&L, x, NULL, y, B);
                activ_nn_conv2d_backward(&L, NULL, y, dy, s ? dx : NULL, B);
                double dt = now() - t0;
                if (dt < best[a]) best[a] = dt;
            }
        char name[64];
        snprintf(name, sizeof name, "%dx%dx%d -> %dx%dx%d", L.c, L.ih, L.iw, L.oc, L.oh, L.ow);
        printf("%-22s %12.2f %12.2f %7.2fx\n", name, 1e3 * best[0], 1e3 * best[1], best[1] / best[0]);
        free(w), free(b), free(dw), free(db), free(x), free(dx), free(y), free(dy), free(L.col), free(L.zt);
    }
    return 0;
}
