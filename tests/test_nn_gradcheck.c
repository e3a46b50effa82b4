/* test_nn_gradcheck.c - finite-difference check of every parameter gradient of small models
 * (every activation, prelu α and swish β included) under softmax cross-entropy and MSE. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "activ_nn.h"
#include "testutil.h"


enum { B = 6, IN = 5, C = 3 };

static double loss_of(activ_nn_model *m, const float *x, const uint8_t *lab, const float *tgt, int mse)
{
    float *out;
    double l = 0;
    if (activ_nn_model_forward(m, x, B, &out) != ACTIV_OK)
        return NAN;
    if (mse)
        activ_nn_mse(out, tgt, (size_t)B * C, NULL, &l);
    else
        activ_nn_softmax_xent(out, lab, B, C, NULL, &l, NULL);
    return l;
}

static void gradcheck(const int *acts, int n, int mse, const char *what)
{
    activ_nn_model m;
    activ_nn_model_init(&m, IN);
    for (int i = 0; i < n; i++)
        activ_nn_model_add(&m, 4 + i % 2, acts[i]);
    activ_nn_model_add(&m, C, ACTIV_NN_LINEAR);
    CHECK(activ_nn_model_build(&m, 7) == ACTIV_OK, "build");
    CHECK(activ_nn_model_reserve(&m, B) == ACTIV_OK, "reserve");
    /* move prelu slopes and swish beta away from their defaults so their gradients matter */
    for (int l = 0; l < m.nlayers; l++) {
        if (m.layers[l].slopes)
            for (int j = 0; j < m.layers[l].out; j++) m.layers[l].slopes[j] = 0.1f + 0.15f * j;
        if (m.layers[l].beta) *m.layers[l].beta = 1.4f;
        for (int j = 0; j < m.layers[l].out; j++) m.layers[l].b[j] = 0.05f * (j - 1);
    }
    activ_nn_rng r;
    activ_nn_rng_seed(&r, 99);
    float x[B * IN], tgt[B * C], dout[B * C];
    uint8_t lab[B];
    for (int i = 0; i < B * IN; i++) x[i] = (float)(2 * activ_nn_rng_uniform(&r) - 1);
    for (int i = 0; i < B * C; i++) tgt[i] = (float)activ_nn_rng_uniform(&r);
    for (int i = 0; i < B; i++) lab[i] = (uint8_t)(i % C);
    float *out;
    activ_nn_model_forward(&m, x, B, &out);
    if (mse)
        activ_nn_mse(out, tgt, (size_t)B * C, dout, NULL);
    else
        activ_nn_softmax_xent(out, lab, B, C, dout, NULL, NULL);
    CHECK(activ_nn_model_backward(&m, x, dout, B) == ACTIV_OK, "backward");
    double worst = 0;
    size_t worst_i = 0;
    for (size_t i = 0; i < m.nparams; i++) {
        float p0 = m.params[i];
        /* small enough not to cross a relu kink, large enough for fp32 loss differences */
        const float h = 1e-3f * (fabsf(p0) > 1 ? fabsf(p0) : 1);
        m.params[i] = p0 + h;
        double lp = loss_of(&m, x, lab, tgt, mse);
        m.params[i] = p0 - h;
        double lm = loss_of(&m, x, lab, tgt, mse);
        m.params[i] = p0;
        double num = (lp - lm) / (2.0 * ((double)(p0 + h) - (double)p0));
        double ana = m.grads[i];
        double err = fabs(num - ana) / (fabs(num) + fabs(ana) > 1e-2 ? fabs(num) + fabs(ana) : 1e-2);
        if (err > worst) worst = err, worst_i = i;
    }
    printf("%-34s %zu params, worst relative difference %.2e (param %zu)\n", what, m.nparams, worst, worst_i);
    CHECK(worst < 1e-2, "%s: gradient mismatch %.3e at parameter %zu", what, worst, worst_i);
    activ_nn_model_free(&m);
}

int main(void)
{
    const int a1[] = {ACTIV_PRELU, ACTIV_SWISH, ACTIV_TANH};
    const int a2[] = {ACTIV_ELU, ACTIV_SIGMOID, ACTIV_LEAKY_RELU};
    const int a3[] = {ACTIV_RELU, ACTIV_SWISH};
    gradcheck(a1, 3, 0, "prelu-swish-tanh, softmax xent");
    gradcheck(a2, 3, 0, "elu-sigmoid-leaky, softmax xent");
    gradcheck(a3, 2, 1, "relu-swish, mse");
    gradcheck(a1, 3, 1, "prelu-swish-tanh, mse");

    /* the loss itself: stable for huge logits, and the known value for equal logits */
    float big[3] = {1000.0f, -1000.0f, 999.0f}, d[3];
    uint8_t t = 0;
    double l;
    CHECK(activ_nn_softmax_xent(big, &t, 1, 3, d, &l, NULL) == ACTIV_OK, "xent");
    double want = log(1 + exp(-1.0));
    CHECK(isfinite(l) && fabs(l - want) < 1e-6, "xent of huge logits: %g want %g", l, want);
    float eq[4] = {0, 0, 0, 0};
    uint8_t t2 = 2, bad = 4;
    CHECK(activ_nn_softmax_xent(eq, &t2, 1, 4, NULL, &l, NULL) == ACTIV_OK && fabs(l - log(4.0)) < 1e-6,
          "xent of equal logits: %g", l);
    CHECK(activ_nn_softmax_xent(eq, &bad, 1, 4, NULL, &l, NULL) == ACTIV_ERR_SHAPE, "label out of range");
    return tu_finish("test_nn_gradcheck");
}
