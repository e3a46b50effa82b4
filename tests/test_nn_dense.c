/* test_nn_dense.c - Dense forward/backward against a naive double-precision implementation,
 * and the seed example (TensorFlow's matmul + bias + ReLU) to the exact float. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ_nn.h"
#include "testutil.h"


/* the test's own double-precision activation math (the reference, not the library's) */
static double sig(double x) { return 1.0 / (1.0 + exp(-x)); }
static double f_ref(int act, double z, double a, double beta)
{
    switch (act) {
    case ACTIV_RELU: return z > 0 ? z : 0;
    case ACTIV_LEAKY_RELU: case ACTIV_PRELU: return z > 0 ? z : a * z;
    case ACTIV_ELU: return z > 0 ? z : a * expm1(z);
    case ACTIV_SWISH: return z * sig(beta * z);
    case ACTIV_SIGMOID: return sig(z);
    case ACTIV_TANH: return tanh(z);
    default: return z;
    }
}
static double df_ref(int act, double z, double a, double beta)
{
    switch (act) {
    case ACTIV_RELU: return z > 0;
    case ACTIV_LEAKY_RELU: case ACTIV_PRELU: return z > 0 ? 1 : a;
    case ACTIV_ELU: return z > 0 ? 1 : a * exp(z);
    case ACTIV_SWISH: { double s = sig(beta * z); return s + beta * z * s * (1 - s); }
    case ACTIV_SIGMOID: { double s = sig(z); return s * (1 - s); }
    case ACTIV_TANH: { double t = tanh(z); return 1 - t * t; }
    default: return 1;
    }
}

static float frand(unsigned *s) { *s = *s * 1664525u + 1013904223u; return (float)((*s >> 8) * (1.0 / 16777216.0)) * 2 - 1; }

static double rel(double got, double want) { return fabs(got - want) / (fabs(want) > 1 ? fabs(want) : 1); }

static void check_kind(int act, int B, int in, int out)
{
    unsigned seed = 1234u + (unsigned)(act + 1) * 77u + (unsigned)B;
    float *w = malloc(sizeof(float) * in * out), *b = malloc(sizeof(float) * out);
    float *slopes = malloc(sizeof(float) * out), beta = 1.3f;
    float *x = malloc(sizeof(float) * B * in), *z = malloc(sizeof(float) * B * out);
    float *y = malloc(sizeof(float) * B * out), *dy = malloc(sizeof(float) * B * out);
    float *dy0 = malloc(sizeof(float) * B * out), *dx = malloc(sizeof(float) * B * in);
    float *dw = malloc(sizeof(float) * in * out), *db = malloc(sizeof(float) * out);
    float *dsl = malloc(sizeof(float) * out), dbeta = 0;
    for (int i = 0; i < in * out; i++) w[i] = frand(&seed);
    for (int j = 0; j < out; j++) b[j] = 0.5f * frand(&seed), slopes[j] = 0.1f + 0.2f * (j % 3);
    for (int i = 0; i < B * in; i++) x[i] = frand(&seed);
    for (int i = 0; i < B * out; i++) dy0[i] = dy[i] = frand(&seed);
    activ_nn_dense L = {.in = in, .out = out, .act = act, .alpha = act == ACTIV_ELU ? 1.0f : 0.01f,
                        .w = w, .b = b, .dw = dw, .db = db};
    if (act == ACTIV_PRELU) L.slopes = slopes, L.dslopes = dsl;
    if (act == ACTIV_SWISH) L.beta = &beta, L.dbeta = &dbeta;
    activ_status s = activ_nn_dense_forward(&L, x, z, y, B);
    CHECK(s == ACTIV_OK, "%s forward: status %d", activ_nn_act_name(act), s);
    s = activ_nn_dense_backward(&L, x, z, y, dy, dx, B);
    CHECK(s == ACTIV_OK, "%s backward: status %d", activ_nn_act_name(act), s);

    double maxf = 0, maxdx = 0, maxdw = 0, maxdb = 0, maxdp = 0;
    double *zr = malloc(sizeof(double) * B * out), *dzr = malloc(sizeof(double) * B * out);
    for (int r = 0; r < B; r++)
        for (int j = 0; j < out; j++) {
            double acc = b[j];
            for (int i = 0; i < in; i++) acc += (double)x[r * in + i] * w[i * out + j];
            zr[r * out + j] = acc;
            double a = act == ACTIV_PRELU ? slopes[j] : L.alpha;
            double yr = f_ref(act, acc, a, beta);
            dzr[r * out + j] = dy0[r * out + j] * df_ref(act, acc, a, beta);
            double e = rel(y[r * out + j], yr);
            if (e > maxf) maxf = e;
        }
    for (int i = 0; i < in; i++)
        for (int j = 0; j < out; j++) {
            double acc = 0;
            for (int r = 0; r < B; r++) acc += (double)x[r * in + i] * dzr[r * out + j];
            double e = rel(dw[i * out + j], acc);
            if (e > maxdw) maxdw = e;
        }
    for (int j = 0; j < out; j++) {
        double acc = 0, ap = 0;
        for (int r = 0; r < B; r++) {
            acc += dzr[r * out + j];
            double zz = zr[r * out + j];
            ap += zz <= 0 ? dy0[r * out + j] * zz : 0;
        }
        double e = rel(db[j], acc);
        if (e > maxdb) maxdb = e;
        if (act == ACTIV_PRELU && rel(dsl[j], ap) > maxdp) maxdp = rel(dsl[j], ap);
    }
    if (act == ACTIV_SWISH) {
        double acc = 0;
        for (int k = 0; k < B * out; k++) {
            double zz = zr[k], sg = sig(beta * zz);
            acc += dy0[k] * zz * zz * sg * (1 - sg);
        }
        maxdp = rel(dbeta, acc);
    }
    for (int r = 0; r < B; r++)
        for (int i = 0; i < in; i++) {
            double acc = 0;
            for (int j = 0; j < out; j++) acc += dzr[r * out + j] * w[i * out + j];
            double e = rel(dx[r * in + i], acc);
            if (e > maxdx) maxdx = e;
        }
    printf("%-10s B=%-3d in=%-3d out=%-3d max rel diff: y %.2e dx %.2e dW %.2e db %.2e dparam %.2e\n",
           activ_nn_act_name(act), B, in, out, maxf, maxdx, maxdw, maxdb, maxdp);
    const double tol = 2e-5;
    CHECK(maxf < tol && maxdx < tol && maxdw < tol && maxdb < tol && maxdp < tol,
          "%s: difference above %.0e", activ_nn_act_name(act), tol);
    free(w); free(b); free(slopes); free(x); free(z); free(y); free(dy); free(dy0); free(dx);
    free(dw); free(db); free(dsl); free(zr); free(dzr);
}

int main(void)
{
    /* the seed: tf.nn.relu(tf.matmul(x, W) + b) */
    float x[4] = {1, 2, 3, 4}, w[4] = {0.5f, 1, 1.5f, 2}, b[2] = {0.1f, 0.2f}, y[4];
    const float want[4] = {3.6f, 5.2f, 7.6f, 11.2f};
    activ_nn_dense L = {.in = 2, .out = 2, .act = ACTIV_RELU, .w = w, .b = b};
    CHECK(activ_nn_dense_forward(&L, x, NULL, y, 2) == ACTIV_OK, "seed forward failed");
    double md = 0;
    for (int i = 0; i < 4; i++) {
        CHECK(y[i] == want[i], "seed y[%d] = %.9g, want %.9g", i, y[i], want[i]);
        if (fabs(y[i] - want[i]) > md) md = fabs(y[i] - want[i]);
    }
    printf("seed matmul+bias+relu: [[%g, %g], [%g, %g]] max diff %.3g\n", y[0], y[1], y[2], y[3], md);

    /* bad arguments are errors, not crashes */
    CHECK(activ_nn_dense_forward(NULL, x, NULL, y, 2) == ACTIV_ERR_NULL, "NULL layer");
    CHECK(activ_nn_dense_forward(&L, x, NULL, y, -1) == ACTIV_ERR_SHAPE, "negative batch");
    activ_nn_dense P = {.in = 2, .out = 2, .act = ACTIV_PRELU, .w = w, .b = b};
    CHECK(activ_nn_dense_forward(&P, x, NULL, y, 2) == ACTIV_ERR_NULL, "prelu without z buffer");

    const int acts[] = {ACTIV_RELU, ACTIV_LEAKY_RELU, ACTIV_PRELU, ACTIV_ELU, ACTIV_SWISH,
                        ACTIV_SIGMOID, ACTIV_TANH, ACTIV_NN_LINEAR};
    for (size_t k = 0; k < sizeof acts / sizeof *acts; k++) {
        check_kind(acts[k], 5, 7, 6);
        check_kind(acts[k], 33, 17, 13);
        check_kind(acts[k], 1, 1, 1);
    }
    return tu_finish("test_nn_dense");
}
