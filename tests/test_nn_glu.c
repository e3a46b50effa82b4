/* test_nn_glu.c - the gated Dense layer (ACTIV_NN_SWIGLU / GEGLU / REGLU) against a naive
 * double-precision implementation written here (forward, dW, db, dX), inside a model (build,
 * reserve, forward, backward, safetensors round trip); and activ_bias_forward, which Dense
 * now calls once per layer: bitwise the same as adding b and calling activ_forward, for every
 * kind, on 1 and 3 threads, with its argument errors. Prints the largest relative errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ_nn.h"
#include "testutil.h"

static double fz(int g, double a)
{
    if (g == 0) return a / (1 + exp(-a));
    if (g == 1) return a * 0.5 * erfc(-a / sqrt(2.0));
    return a > 0 ? a : 0;
}
static double dfz(int g, double a)
{
    if (g == 0) {
        double s = 1 / (1 + exp(-a));
        return s + a * s * (1 - s);
    }
    if (g == 1) return 0.5 * erfc(-a / sqrt(2.0)) + a * exp(-a * a / 2) / sqrt(2 * M_PI);
    return a > 0;
}

static double rel(double got, double want) { return fabs(got - want) / (fabs(want) > 1 ? fabs(want) : 1); }

static void check_dense(int act, int B, int in, int out, tu_rng *r)
{
    int g = ACTIV_NN_SWIGLU - act, w2 = 2 * out;
    float *w = malloc(sizeof(float) * in * w2), *b = malloc(sizeof(float) * w2);
    float *x = malloc(sizeof(float) * B * in), *z = malloc(sizeof(float) * B * w2);
    float *y = malloc(sizeof(float) * B * out), *dy = malloc(sizeof(float) * B * out);
    float *dx = malloc(sizeof(float) * B * in), *dw = malloc(sizeof(float) * in * w2);
    float *db = malloc(sizeof(float) * w2);
    for (int i = 0; i < in * w2; i++) w[i] = tu_rng_range(r, -1, 1);
    for (int j = 0; j < w2; j++) b[j] = tu_rng_range(r, -0.5f, 0.5f);
    for (int i = 0; i < B * in; i++) x[i] = tu_rng_range(r, -1, 1);
    for (int i = 0; i < B * out; i++) dy[i] = tu_rng_range(r, -1, 1);
    activ_nn_dense L = {.in = in, .out = out, .act = act, .w = w, .b = b, .dw = dw, .db = db};
    CHECK_STATUS(activ_nn_dense_forward(&L, x, z, y, B), ACTIV_OK, "%s forward", activ_nn_act_name(act));
    CHECK_STATUS(activ_nn_dense_forward(&L, x, NULL, y, B), ACTIV_ERR_NULL, "gated forward needs z");
    CHECK_STATUS(activ_nn_dense_backward(&L, x, z, y, dy, dx, B), ACTIV_OK, "%s backward", activ_nn_act_name(act));
    double *zr = malloc(sizeof(double) * B * w2), *dzr = malloc(sizeof(double) * B * w2);
    double mf = 0, mw = 0, mb = 0, mx = 0;
    for (int rr = 0; rr < B; rr++) {
        for (int j = 0; j < w2; j++) {
            double acc = b[j];
            for (int i = 0; i < in; i++) acc += (double)x[rr * in + i] * w[i * w2 + j];
            zr[rr * w2 + j] = acc;
        }
        for (int j = 0; j < out; j++) {
            double lin = zr[rr * w2 + j], gate = zr[rr * w2 + out + j], d = dy[rr * out + j];
            double e = rel(y[rr * out + j], lin * fz(g, gate));
            if (e > mf) mf = e;
            dzr[rr * w2 + j] = d * fz(g, gate);
            dzr[rr * w2 + out + j] = d * lin * dfz(g, gate);
        }
    }
    for (int i = 0; i < in; i++)
        for (int j = 0; j < w2; j++) {
            double acc = 0;
            for (int rr = 0; rr < B; rr++) acc += (double)x[rr * in + i] * dzr[rr * w2 + j];
            double e = rel(dw[i * w2 + j], acc);
            if (e > mw) mw = e;
        }
    for (int j = 0; j < w2; j++) {
        double acc = 0;
        for (int rr = 0; rr < B; rr++) acc += dzr[rr * w2 + j];
        double e = rel(db[j], acc);
        if (e > mb) mb = e;
    }
    for (int rr = 0; rr < B; rr++)
        for (int i = 0; i < in; i++) {
            double acc = 0;
            for (int j = 0; j < w2; j++) acc += dzr[rr * w2 + j] * w[i * w2 + j];
            double e = rel(dx[rr * in + i], acc);
            if (e > mx) mx = e;
        }
    /* fp32 GEMMs over `in` or B terms: a few 1e-6 relative */
    CHECK(mf < 2e-5 && mw < 2e-5 && mb < 2e-5 && mx < 2e-5, "%s: y %.2g dW %.2g db %.2g dX %.2g",
          activ_nn_act_name(act), mf, mw, mb, mx);
    printf("test_nn_glu: %-6s B=%d in=%d out=%d  max rel error: y %.2g, dW %.2g, db %.2g, dX %.2g\n",
           activ_nn_act_name(act), B, in, out, mf, mw, mb, mx);
    free(w), free(b), free(x), free(z), free(y), free(dy), free(dx), free(dw), free(db), free(zr), free(dzr);
}

static void check_bias(tu_rng *r)
{
    enum { ROWS = 300, COLS = 333 };
    size_t n = ROWS * COLS;
    float *z0 = tu_alloc(n), *z = tu_alloc(n), *y = tu_alloc(n), *ref = tu_alloc(n), *b = tu_alloc(COLS);
    float slopes[COLS];
    for (size_t i = 0; i < n; i++) z0[i] = tu_rng_interesting(r, (activ_kind)(i % ACTIV_KIND_COUNT));
    for (int c = 0; c < COLS; c++) b[c] = tu_rng_range(r, -1, 1), slopes[c] = tu_rng_range(r, -0.5f, 0.5f);
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        activ_kind kind = (activ_kind)k;
        activ_params p = activ_default_params(kind);
        if (kind == ACTIV_PRELU) p.slopes = slopes, p.channels = COLS, p.inner = 1;
        for (size_t i = 0; i < n; i++) ref[i] = z0[i] + b[i % COLS];
        activ_forward(kind, &p, ref, ref, n);
        for (int t = 1; t <= 3; t += 2) {
            activ_set_num_threads(t);
            memcpy(z, z0, n * sizeof *z);
            CHECK_STATUS(activ_bias_forward(kind, &p, z, b, y, ROWS, COLS), ACTIV_OK, "%s bias", tu_kind_str(kind));
            int same = 1;
            for (size_t i = 0; i < n; i++) same &= tu_same(y[i], ref[i]) && tu_identical(z[i], z0[i] + b[i % COLS]);
            CHECK(same, "%s: bias_forward = add + activ_forward, z updated (%d threads)", tu_kind_str(kind), t);
            memcpy(z, z0, n * sizeof *z);
            activ_bias_forward(kind, &p, z, b, z, ROWS, COLS); /* in place */
            CHECK(memcmp(z, y, n * sizeof *z) == 0, "%s: in place", tu_kind_str(kind));
        }
    }
    activ_set_num_threads(0);
    activ_params bad = activ_default_params(ACTIV_PRELU);
    bad.slopes = slopes, bad.channels = 7, bad.inner = 1;
    CHECK_STATUS(activ_bias_forward(ACTIV_PRELU, &bad, z, b, y, ROWS, COLS), ACTIV_ERR_SHAPE, "prelu 7 channels");
    CHECK_STATUS(activ_bias_forward(ACTIV_RELU, NULL, z, NULL, y, ROWS, COLS), ACTIV_ERR_NULL, "b NULL");
    CHECK_STATUS(activ_bias_forward(ACTIV_RELU, NULL, z, b, z + 1, ROWS, COLS), ACTIV_ERR_OVERLAP, "y overlaps z");
    CHECK_STATUS(activ_bias_forward(ACTIV_RELU, NULL, z, z + 5, y, ROWS, COLS), ACTIV_ERR_OVERLAP, "b inside z");
    CHECK_STATUS(activ_bias_forward((activ_kind)42, NULL, z, b, y, ROWS, COLS), ACTIV_ERR_KIND, "kind");
    CHECK_STATUS(activ_bias_forward(ACTIV_RELU, NULL, NULL, NULL, NULL, 0, COLS), ACTIV_OK, "empty");
    free(z0), free(z), free(y), free(ref), free(b);
}

static void check_model(void)
{
    activ_nn_model m;
    CHECK_STATUS(activ_nn_model_init(&m, 12), ACTIV_OK, "init");
    CHECK_STATUS(activ_nn_model_add(&m, 16, ACTIV_NN_SWIGLU), ACTIV_OK, "add swiglu");
    CHECK_STATUS(activ_nn_model_add(&m, 8, ACTIV_NN_GEGLU), ACTIV_OK, "add geglu");
    CHECK_STATUS(activ_nn_model_add(&m, 3, ACTIV_NN_LINEAR), ACTIV_OK, "add linear");
    CHECK_STATUS(activ_nn_model_add(&m, 3, -9), ACTIV_ERR_KIND, "unknown act");
    CHECK_STATUS(activ_nn_model_build(&m, 5), ACTIV_OK, "build");
    size_t want = 12 * 32 + 32 + 16 * 16 + 16 + 8 * 3 + 3;
    CHECK(m.nparams == want, "parameters %zu, want %zu (gated layers: W in x 2out)", m.nparams, want);
    CHECK_STATUS(activ_nn_model_reserve(&m, 4), ACTIV_OK, "reserve");
    float x[4 * 12], dout[4 * 3], *o = NULL;
    for (int i = 0; i < 48; i++) x[i] = (float)sin(i);
    for (int i = 0; i < 12; i++) dout[i] = (float)cos(i);
    CHECK_STATUS(activ_nn_model_forward(&m, x, 4, &o), ACTIV_OK, "model forward");
    CHECK_STATUS(activ_nn_model_backward(&m, x, dout, 4), ACTIV_OK, "model backward");
    double gn = 0;
    for (size_t i = 0; i < m.nparams; i++) gn += (double)m.grads[i] * m.grads[i];
    CHECK(gn > 0 && isfinite(gn), "gradients are finite and not all zero (%g)", gn);
    /* safetensors round trip keeps the 2*out shapes */
    char path[256];
    snprintf(path, sizeof path, "%s/glu_model.safetensors", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    CHECK_STATUS(activ_nn_model_save(&m, path), ACTIV_OK, "save");
    activ_nn_model m2;
    activ_nn_model_init(&m2, 12);
    activ_nn_model_add(&m2, 16, ACTIV_NN_SWIGLU);
    activ_nn_model_add(&m2, 8, ACTIV_NN_GEGLU);
    activ_nn_model_add(&m2, 3, ACTIV_NN_LINEAR);
    activ_nn_model_build(&m2, 99);
    char err[256] = "";
    CHECK_STATUS(activ_nn_model_load(&m2, path, err, sizeof err), ACTIV_OK, "load: %s", err);
    CHECK(memcmp(m.params, m2.params, m.nparams * sizeof(float)) == 0, "loaded parameters equal saved");
    remove(path);
    CHECK(strcmp(activ_nn_act_name(ACTIV_NN_REGLU), "reglu") == 0, "act name");
    activ_nn_model_free(&m);
    activ_nn_model_free(&m2);
}

int main(void)
{
    tu_rng r;
    tu_rng_seed(&r, 77);
    check_dense(ACTIV_NN_SWIGLU, 5, 7, 6, &r);
    check_dense(ACTIV_NN_GEGLU, 9, 13, 4, &r);
    check_dense(ACTIV_NN_REGLU, 3, 5, 11, &r);
    check_bias(&r);
    check_model();
    return tu_finish("test_nn_glu");
}
