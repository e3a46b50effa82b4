/* test_nn_cnn.c - Conv2D, pooling, BatchNorm, Dropout and the layered net:
 *   - forward against direct loops in double (conv, pooling, BatchNorm);
 *   - finite-difference gradients for Conv2D (stride, padding, bias, both GEMM layouts),
 *     max and average pooling, BatchNorm in training mode (the batch-statistics terms of dx
 *     included) and a whole small CNN (every parameter);
 *   - Dropout masks: same seed and any thread count give the same mask;
 *   - spec parser errors name the bad token and put a caret under it;
 *   - safetensors round trip of a CNN (running statistics included); summary counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ_nn.h"
#include "testutil.h"

static activ_nn_rng R;
static float urand(void) { return (float)(2 * activ_nn_rng_uniform(&R) - 1); }

/* the largest |numeric − analytic| relative to max(|numeric|, |analytic|, floor) */
typedef struct { double worst; const char *what; } fd_stat;
static void fd_note(fd_stat *s, double num, double ana, double floor_)
{
    double den = fabs(num) > fabs(ana) ? fabs(num) : fabs(ana);
    if (den < floor_) den = floor_;
    double e = fabs(num - ana) / den;
    if (e > s->worst) s->worst = e;
}

/* ---- Conv2D ----------------------------------------------------------------------- */

/* L = Σ wgt ⊙ y, in double */
static double wsum(const float *y, const float *wgt, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)y[i] * wgt[i];
    return s;
}

static void conv_case(int c, int h, int w, int oc, int k, int s, int p, int bias, int act, int algo)
{
    enum { B = 3 };
    activ_nn_conv2d L = {0};
    L.c = c, L.ih = h, L.iw = w, L.oc = oc, L.k = k, L.stride = s, L.pad = p, L.has_bias = bias;
    L.act = act, L.alpha = act >= 0 ? activ_default_params((activ_kind)act).alpha : 0, L.algo = algo ? ACTIV_NN_CONV_PER_SAMPLE : ACTIV_NN_CONV_BATCHED;
    if (!CHECK(activ_nn_conv2d_shape(&L) == ACTIV_OK, "conv shape")) return;
    const int kk = c * k * k;
    const size_t nx = (size_t)B * c * h * w, ny = (size_t)B * oc * L.oh * L.ow;
    float *W = malloc(sizeof(float) * oc * kk), *bb = malloc(sizeof(float) * oc);
    float *dW = malloc(sizeof(float) * oc * kk), *db = malloc(sizeof(float) * oc);
    float *x = malloc(sizeof(float) * nx), *dx = malloc(sizeof(float) * nx);
    float *y = malloc(sizeof(float) * ny), *z = malloc(sizeof(float) * ny), *dy = malloc(sizeof(float) * ny);
    float *wgt = malloc(sizeof(float) * ny);
    float *col = malloc(sizeof(float) * kk * B * L.oh * L.ow), *zt = malloc(sizeof(float) * ny);
    L.w = W, L.b = bias ? bb : NULL, L.dw = dW, L.db = bias ? db : NULL, L.col = col, L.zt = zt;
    for (int i = 0; i < oc * kk; i++) W[i] = 0.5f * urand();
    for (int i = 0; i < oc; i++) bb[i] = 0.2f * urand();
    for (size_t i = 0; i < nx; i++) x[i] = urand();
    for (size_t i = 0; i < ny; i++) wgt[i] = urand();
    CHECK(activ_nn_conv2d_forward(&L, x, z, y, B) == ACTIV_OK, "conv forward");
    /* forward against the definition, in double, and the backward from it: dZ = dY·f′(z),
     * dW[o, ci, u, v] = Σ dZ·x at the tap, db[o] = Σ dZ, dx = Σ W·dZ over the windows that
     * read it (dY = wgt) */
    double fwd = 0;
    double *rdw = calloc((size_t)oc * kk, sizeof(double)), *rdb = calloc((size_t)oc, sizeof(double));
    double *rdx = calloc(nx, sizeof(double));
    for (int b = 0; b < B; b++)
        for (int o = 0; o < oc; o++)
            for (int i = 0; i < L.oh; i++)
                for (int j = 0; j < L.ow; j++) {
                    double acc = bias ? bb[o] : 0;
                    for (int ci = 0; ci < c; ci++)
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++) {
                                int r = i * s + u - p, q = j * s + v - p;
                                if (r >= 0 && r < h && q >= 0 && q < w)
                                    acc += (double)W[((o * c + ci) * k + u) * k + v] * x[((b * c + ci) * h + r) * w + q];
                            }
                    const size_t at = (((size_t)b * oc + o) * L.oh + i) * L.ow + j;
                    double want = act == ACTIV_TANH ? tanh(acc) : act == ACTIV_NN_LINEAR ? acc : NAN;
                    double e = fabs(y[at] - want);
                    if (e > fwd) fwd = e;
                    const double dz = act == ACTIV_TANH ? wgt[at] * (1 - want * want) : wgt[at];
                    rdb[o] += dz;
                    for (int ci = 0; ci < c; ci++)
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++) {
                                int r = i * s + u - p, q = j * s + v - p;
                                if (r >= 0 && r < h && q >= 0 && q < w) {
                                    rdw[((o * c + ci) * k + u) * k + v] += dz * x[((b * c + ci) * h + r) * w + q];
                                    rdx[((b * c + ci) * h + r) * w + q] += dz * W[((o * c + ci) * k + u) * k + v];
                                }
                            }
                }
    CHECK(fwd < 1e-5, "conv c%d %dx%d oc%d k%d s%d p%d bias%d algo%d: forward max error %.2e", c, h, w, oc,
          k, s, p, bias, algo, fwd);
    memcpy(dy, wgt, sizeof(float) * ny);
    CHECK(activ_nn_conv2d_backward(&L, z, y, dy, dx, B) == ACTIV_OK, "conv backward");
    double gerr = 0, gscale = 0;
    for (int i = 0; i < oc * kk; i++) gerr = fmax(gerr, fabs(dW[i] - rdw[i])), gscale = fmax(gscale, fabs(rdw[i]));
    for (int i = 0; bias && i < oc; i++) gerr = fmax(gerr, fabs(db[i] - rdb[i])), gscale = fmax(gscale, fabs(rdb[i]));
    for (size_t i = 0; i < nx; i++) gerr = fmax(gerr, fabs(dx[i] - rdx[i])), gscale = fmax(gscale, fabs(rdx[i]));
    gerr /= gscale > 0 ? gscale : 1;
    CHECK(gerr < 1e-5, "conv c%d %dx%d oc%d k%d s%d p%d bias%d algo%d: dW, db, dx vs the backward in double %.2e",
          c, h, w, oc, k, s, p, bias, algo, gerr);
    free(rdw), free(rdb), free(rdx);
    fd_stat st = {0, "conv"};
    const float eps = 1e-2f;
    float *tmp = malloc(sizeof(float) * ny);
    /* the GEMM workspaces are overwritten by each forward: finite differences use copies */
    float *dWs = malloc(sizeof(float) * oc * kk), *dbs = malloc(sizeof(float) * oc), *dxs = malloc(sizeof(float) * nx);
    memcpy(dWs, dW, sizeof(float) * oc * kk), memcpy(dbs, db, sizeof(float) * oc), memcpy(dxs, dx, sizeof(float) * nx);
#define FD(arr, idx, ana) do { float p0 = arr[idx]; arr[idx] = p0 + eps; \
        activ_nn_conv2d_forward(&L, x, z, tmp, B); double lp = wsum(tmp, wgt, ny); arr[idx] = p0 - eps; \
        activ_nn_conv2d_forward(&L, x, z, tmp, B); double lm = wsum(tmp, wgt, ny); arr[idx] = p0; \
        fd_note(&st, (lp - lm) / (2.0 * eps), (ana), 1e-2); } while (0)
    for (int i = 0; i < oc * kk; i++) FD(W, i, dWs[i]);
    if (bias) for (int i = 0; i < oc; i++) FD(bb, i, dbs[i]);
    for (size_t i = 0; i < nx; i++) FD(x, i, dxs[i]);
#undef FD
    /* float finite differences (step 1e-2): their own error reaches ~3e-3 on tanh's curvature;
     * the tight check is the double-precision one above */
    CHECK(st.worst < 5e-3, "conv c%d %dx%d oc%d k%d s%d p%d bias%d act %s algo%d: gradient rel. error %.2e", c, h,
          w, oc, k, s, p, bias, activ_nn_act_name(act), algo, st.worst);
    printf("conv c%d %dx%d oc%d k%d s%d p%d bias%d %-6s %-10s forward err %.1e, grads vs double %.1e, "
           "finite-difference rel. err %.1e\n", c, h,
           w, oc, k, s, p, bias, activ_nn_act_name(act), algo ? "per-sample" : "batched", fwd, gerr, st.worst);
    free(W), free(bb), free(dW), free(db), free(x), free(dx), free(y), free(z), free(dy), free(wgt), free(col);
    free(zt), free(tmp), free(dWs), free(dbs), free(dxs);
}

/* ---- pooling ---------------------------------------------------------------------- */

static void pool_case(int is_max, int c, int h, int w, int k, int s)
{
    enum { B = 2 };
    activ_nn_pool2d L = {is_max, c, h, w, k, s, 0, 0};
    if (!CHECK(activ_nn_pool2d_shape(&L) == ACTIV_OK, "pool shape")) return;
    const size_t nx = (size_t)B * c * h * w, ny = (size_t)B * c * L.oh * L.ow;
    float *x = malloc(sizeof(float) * nx), *dx = malloc(sizeof(float) * nx), *y = malloc(sizeof(float) * ny);
    float *wgt = malloc(sizeof(float) * ny);
    int32_t *am = malloc(sizeof(int32_t) * ny);
    /* distinct values well apart, so no finite step crosses a tie */
    for (size_t i = 0; i < nx; i++) x[i] = (float)((i * 37) % nx) * 0.1f - 1.0f;
    for (size_t i = 0; i < ny; i++) wgt[i] = urand();
    CHECK(activ_nn_pool2d_forward(&L, x, y, am, B) == ACTIV_OK, "pool forward");
    double fwd = 0;
    for (size_t pl = 0; pl < (size_t)B * c; pl++)
        for (int i = 0; i < L.oh; i++)
            for (int j = 0; j < L.ow; j++) {
                double m = -INFINITY, sum = 0;
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++) {
                        double t = x[pl * h * w + (size_t)(i * s + u) * w + j * s + v];
                        m = t > m ? t : m;
                        sum += t;
                    }
                double e = fabs(y[pl * L.oh * L.ow + (size_t)i * L.ow + j] - (is_max ? m : sum / (k * k)));
                if (e > fwd) fwd = e;
            }
    CHECK(fwd < 1e-6, "%s pool forward error %.2e", is_max ? "max" : "avg", fwd);
    CHECK(activ_nn_pool2d_backward(&L, am, wgt, dx, B) == ACTIV_OK, "pool backward");
    fd_stat st = {0, "pool"};
    const float eps = 1e-2f;
    for (size_t i = 0; i < nx; i++) {
        float p0 = x[i];
        x[i] = p0 + eps;
        activ_nn_pool2d_forward(&L, x, y, am, B);
        double lp = wsum(y, wgt, ny);
        x[i] = p0 - eps;
        activ_nn_pool2d_forward(&L, x, y, am, B);
        double lm = wsum(y, wgt, ny);
        x[i] = p0;
        fd_note(&st, (lp - lm) / (2.0 * eps), dx[i], 1e-2);
    }
    CHECK(st.worst < 1e-3, "%s pool k%d s%d: gradient rel. error %.2e", is_max ? "max" : "avg", k, s, st.worst);
    printf("%s pool c%d %dx%d k%d s%d: forward err %.1e, gradient rel. err %.1e\n", is_max ? "max" : "avg", c, h, w,
           k, s, fwd, st.worst);
    free(x), free(dx), free(y), free(wgt), free(am);
}

/* 2×2 max pooling on many ties (values from {0, 1, 2}), rows long enough for pool.c's
 * four-at-a-time path and its tail: y is the window's maximum and argmax its first position
 * in row-major order. */
static void pool_ties(void)
{
    enum { B = 3, C = 2, H = 10, W = 23 };
    activ_nn_pool2d L = {1, C, H, W, 2, 2, 0, 0};
    if (!CHECK(activ_nn_pool2d_shape(&L) == ACTIV_OK, "pool shape")) return;
    const size_t nx = (size_t)B * C * H * W, ny = (size_t)B * C * L.oh * L.ow;
    float *x = malloc(sizeof(float) * nx), *y = malloc(sizeof(float) * ny);
    int32_t *am = malloc(sizeof(int32_t) * ny);
    for (size_t i = 0; i < nx; i++) x[i] = (float)(int)(3 * urand());
    CHECK(activ_nn_pool2d_forward(&L, x, y, am, B) == ACTIV_OK, "pool forward (ties)");
    int bad = 0;
    for (size_t pl = 0; pl < (size_t)B * C; pl++)
        for (int i = 0; i < L.oh; i++)
            for (int j = 0; j < L.ow; j++) {
                const float *xp = x + pl * H * W;
                int best = 2 * i * W + 2 * j;
                for (int u = 0; u < 2; u++)
                    for (int v = 0; v < 2; v++)
                        if (xp[(2 * i + u) * W + 2 * j + v] > xp[best]) best = (2 * i + u) * W + 2 * j + v;
                const size_t o = pl * L.oh * L.ow + (size_t)i * L.ow + j;
                bad += y[o] != xp[best] || am[o] != best;
            }
    CHECK(bad == 0, "2x2 max pool with ties: %d outputs with another value or argmax", bad);
    free(x), free(y), free(am);
}

/* ---- BatchNorm ---------------------------------------------------------------------- */

/* the fused activations the BatchNorm cases use */
static double bn_act_ref(int act, double z)
{
    if (act == ACTIV_TANH)
        return tanh(z);
    if (act == ACTIV_GELU)
        return 0.5 * z * (1.0 + erf(z / sqrt(2.0)));
    return z;
}

static double bn_act_deriv(int act, double z)
{
    if (act == ACTIV_TANH)
        return 1.0 - tanh(z) * tanh(z);
    if (act == ACTIV_GELU)
        return 0.5 * (1.0 + erf(z / sqrt(2.0))) + z * exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
    return 1.0;
}

/* BatchNorm's training backward in double from the definition: dZ = dY·f′(z), then
 * dβ = Σ dZ, dγ = Σ dZ·x̂, dx = γ/σ·(dZ − mean dZ − x̂·mean(dZ·x̂)). Returns the largest
 * |dx − want| / max |want| over the batch. */
static double bn_backward_ref_err(int B, int c, int inner, int act, const float *x, const float *g,
                                  const float *be, const float *dyv, const float *dx)
{
    double worst = 0, scale = 0;
    const double N = (double)B * inner;
    double *want = malloc(sizeof(double) * (size_t)B * c * inner);
    for (int j = 0; j < c; j++) {
        double mu = 0, var = 0, sdz = 0, sdzx = 0;
        for (int b = 0; b < B; b++) for (int i = 0; i < inner; i++) mu += x[((size_t)b * c + j) * inner + i];
        mu /= N;
        for (int b = 0; b < B; b++) for (int i = 0; i < inner; i++) {
            double d = x[((size_t)b * c + j) * inner + i] - mu;
            var += d * d;
        }
        const double sig = sqrt(var / N + 1e-5);
        for (int b = 0; b < B; b++) for (int i = 0; i < inner; i++) {
            size_t o = ((size_t)b * c + j) * inner + i;
            double xh = (x[o] - mu) / sig, dz = dyv[o] * bn_act_deriv(act, g[j] * xh + be[j]);
            sdz += dz, sdzx += dz * xh;
        }
        for (int b = 0; b < B; b++) for (int i = 0; i < inner; i++) {
            size_t o = ((size_t)b * c + j) * inner + i;
            double xh = (x[o] - mu) / sig, dz = dyv[o] * bn_act_deriv(act, g[j] * xh + be[j]);
            want[o] = g[j] / sig * (dz - sdz / N - xh * sdzx / N);
            if (fabs(want[o]) > scale) scale = fabs(want[o]);
        }
    }
    for (size_t o = 0; o < (size_t)B * c * inner; o++)
        if (fabs(dx[o] - want[o]) > worst) worst = fabs(dx[o] - want[o]);
    free(want);
    return worst / (scale > 0 ? scale : 1);
}

static void bn_case(int B, int c, int inner, int act)
{
    activ_nn_batchnorm L = {0};
    L.c = c, L.inner = inner, L.momentum = 0.1f, L.eps = 1e-5f, L.act = act;
    L.alpha = act >= 0 ? activ_default_params((activ_kind)act).alpha : 0;
    const size_t n = (size_t)B * c * inner;
    float *g = malloc(sizeof(float) * c), *be = malloc(sizeof(float) * c), *dg = malloc(sizeof(float) * c);
    float *dbe = malloc(sizeof(float) * c), *rm = malloc(sizeof(float) * c), *rv = malloc(sizeof(float) * c);
    float *mean = malloc(sizeof(float) * c), *inv = malloc(sizeof(float) * c);
    float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n), *z = malloc(sizeof(float) * n);
    float *dy = malloc(sizeof(float) * n), *dx = malloc(sizeof(float) * n), *wgt = malloc(sizeof(float) * n);
    L.gamma = g, L.beta = be, L.dgamma = dg, L.dbeta = dbe, L.run_mean = rm, L.run_var = rv, L.mean = mean, L.invstd = inv;
    for (int j = 0; j < c; j++) g[j] = 1.0f + 0.5f * urand(), be[j] = 0.3f * urand(), rm[j] = 0, rv[j] = 1;
    for (size_t i = 0; i < n; i++) x[i] = 2.0f * urand() + 0.5f, wgt[i] = urand();
    CHECK(activ_nn_batchnorm_forward(&L, x, z, y, B, 1) == ACTIV_OK, "bn forward");
    /* batch statistics and running statistics against the definition */
    double worst = 0, worst_run = 0;
    for (int j = 0; j < c; j++) {
        double s = 0, ss = 0, N = (double)B * inner;
        for (int b = 0; b < B; b++) for (int i = 0; i < inner; i++) s += x[((size_t)b * c + j) * inner + i];
        double mu = s / N;
        for (int b = 0; b < B; b++) for (int i = 0; i < inner; i++) {
            double d = x[((size_t)b * c + j) * inner + i] - mu;
            ss += d * d;
        }
        double var = ss / N;
        for (int b = 0; b < B; b++) for (int i = 0; i < inner; i++) {
            size_t o = ((size_t)b * c + j) * inner + i;
            double zz = g[j] * (x[o] - mu) / sqrt(var + 1e-5) + be[j];
            double want = bn_act_ref(act, zz);
            if (fabs(y[o] - want) > worst) worst = fabs(y[o] - want);
        }
        double e1 = fabs(rm[j] - 0.1 * mu), e2 = fabs(rv[j] - (0.9 + 0.1 * var * N / (N - 1)));
        if (e1 > worst_run) worst_run = e1;
        if (e2 > worst_run) worst_run = e2;
    }
    CHECK(worst < 1e-5, "bn forward error %.2e", worst);
    CHECK(worst_run < 1e-6, "bn running statistics error %.2e", worst_run);
    memcpy(dy, wgt, sizeof(float) * n);
    CHECK(activ_nn_batchnorm_backward(&L, x, z, y, dy, dx, B) == ACTIV_OK, "bn backward");
    const double ref_err = bn_backward_ref_err(B, c, inner, act, x, g, be, wgt, dx);
    CHECK(ref_err < 1e-5, "bn B%d c%d inner%d %s: dx vs the double-precision backward %.2e", B, c, inner,
          activ_nn_act_name(act), ref_err);
    /* finite differences through the batch statistics: every x moves μ and σ */
    fd_stat st = {0, "bn"};
    const float eps = 1e-2f;
    float *dgs = malloc(sizeof(float) * c), *dbs = malloc(sizeof(float) * c);
    memcpy(dgs, dg, sizeof(float) * c), memcpy(dbs, dbe, sizeof(float) * c);
#define FD(arr, idx, ana) do { float p0 = arr[idx]; arr[idx] = p0 + eps; \
        activ_nn_batchnorm_forward(&L, x, z, y, B, 1); double lp = wsum(y, wgt, n); arr[idx] = p0 - eps; \
        activ_nn_batchnorm_forward(&L, x, z, y, B, 1); double lm = wsum(y, wgt, n); arr[idx] = p0; \
        fd_note(&st, (lp - lm) / (2.0 * eps), (ana), 1e-2); } while (0)
    for (size_t i = 0; i < n; i++) FD(x, i, dx[i]);
    for (int j = 0; j < c; j++) FD(g, j, dgs[j]);
    for (int j = 0; j < c; j++) FD(be, j, dbs[j]);
#undef FD
    /* float finite differences through the statistics: gelu's curvature puts their own
     * error near 1e-2, so its tight check is the double-precision one above */
    CHECK(st.worst < (act == ACTIV_GELU ? 2e-2 : 5e-3), "bn B%d c%d inner%d %s: gradient rel. error %.2e", B, c,
          inner, activ_nn_act_name(act), st.worst);
    /* the batch-statistics terms matter: without them dx would be γ/σ · dZ, far from this */
    double naive = 0;
    for (int b = 0; b < B; b++) for (int j = 0; j < c; j++) for (int i = 0; i < inner; i++) {
        size_t o = ((size_t)b * c + j) * inner + i;
        double e = fabs(dx[o] - g[j] * inv[j] * dy[o]);
        if (e > naive) naive = e;
    }
    CHECK(naive > 1e-3, "bn dx differs from the fixed-statistics gradient (%.2e)", naive);
    /* evaluation mode uses the running statistics */
    activ_nn_batchnorm_forward(&L, x, z, y, B, 0);
    double ev = 0;
    for (int b = 0; b < B; b++) for (int j = 0; j < c; j++) for (int i = 0; i < inner; i++) {
        size_t o = ((size_t)b * c + j) * inner + i;
        double zz = g[j] * (x[o] - rm[j]) / sqrt(rv[j] + 1e-5) + be[j];
        double want = bn_act_ref(act, zz);
        if (fabs(y[o] - want) > ev) ev = fabs(y[o] - want);
    }
    CHECK(ev < 1e-5, "bn evaluation-mode error %.2e", ev);
    printf("batchnorm B%d c%d inner%d %-6s forward err %.1e, dx vs double %.1e, finite-difference rel. err %.1e "
           "(batch-stat terms %.1e)\n", B, c, inner, activ_nn_act_name(act), worst, ref_err, st.worst, naive);
    free(g), free(be), free(dg), free(dbe), free(rm), free(rv), free(mean), free(inv), free(x), free(y), free(z);
    free(dy), free(dx), free(wgt), free(dgs), free(dbs);
}

/* A BatchNorm whose fused activation is not a kind fails before writing anything, on the
 * long-row path (inner >= 64, where the activation runs row by row inside the tasks) too. */
static void bn_bad_kind(void)
{
    enum { B = 2, C = 3, IN = 70, N = B * C * IN };
    static float x[N], z[N], y[N], zc[N], yc[N];
    float g[C] = {1, 1, 1}, be[C] = {0}, rm[C] = {0}, rv[C] = {1, 1, 1}, mean[C], inv[C];
    activ_nn_batchnorm L = {0};
    L.c = C, L.inner = IN, L.momentum = 0.1f, L.eps = 1e-5f, L.act = ACTIV_KIND_COUNT + 3;
    L.gamma = g, L.beta = be, L.run_mean = rm, L.run_var = rv, L.mean = mean, L.invstd = inv;
    for (int i = 0; i < N; i++) x[i] = urand(), z[i] = zc[i] = 7.0f, y[i] = yc[i] = 9.0f;
    CHECK(activ_nn_batchnorm_forward(&L, x, z, y, B, 1) == ACTIV_ERR_KIND, "bn forward with an unknown kind");
    CHECK(!memcmp(z, zc, sizeof z) && !memcmp(y, yc, sizeof y) && rm[0] == 0, "bn with an unknown kind writes nothing");
}

/* ---- Dropout ------------------------------------------------------------------------ */

static void dropout_checks(void)
{
    enum { N = 100001 }; /* several of dropout.c's 16384-element tasks, and an odd tail */
    float *x = malloc(sizeof(float) * N), *y = malloc(sizeof(float) * N);
    float *m1 = malloc(sizeof(float) * N), *m2 = malloc(sizeof(float) * N), *m3 = malloc(sizeof(float) * N);
    for (int i = 0; i < N; i++) x[i] = 1.0f + (float)i / N;
    activ_nn_rng r;
    activ_nn_set_num_threads(1);
    activ_nn_rng_seed(&r, 5);
    CHECK(activ_nn_dropout_forward(0.3f, &r, x, m1, y, N, 1) == ACTIV_OK, "dropout forward");
    activ_nn_set_num_threads(2);
    activ_nn_rng_seed(&r, 5);
    activ_nn_dropout_forward(0.3f, &r, x, m2, y, N, 1);
    CHECK(!memcmp(m1, m2, sizeof(float) * N), "same seed, 1 and 2 threads: same mask");
    activ_nn_set_num_threads(3);
    activ_nn_rng_seed(&r, 5);
    activ_nn_dropout_forward(0.3f, &r, x, m2, y, N, 1);
    CHECK(!memcmp(m1, m2, sizeof(float) * N), "same seed, 1 and 3 threads: same mask");
    /* the documented rule: key = the call's draw, element i kept iff its half (even i: high,
     * odd i: low) of SplitMix64 output i/2 + 1 from state key is >= 0.3·2^32 */
    activ_nn_rng_seed(&r, 5);
    const uint64_t key = activ_nn_rng_u64(&r), thr = (uint64_t)(0.3 * 4294967296.0);
    int rule = 0;
    for (int i = 0; i < N; i++) {
        uint64_t z = key + (uint64_t)(i / 2 + 1) * 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        const uint64_t half = i % 2 ? z & 0xffffffffu : z >> 32;
        rule += (m1[i] != 0) != (half >= thr);
    }
    CHECK(rule == 0, "dropout mask follows the documented counter rule (%d differ)", rule);
    activ_nn_rng_seed(&r, 6);
    activ_nn_dropout_forward(0.3f, &r, x, m3, y, N, 1);
    CHECK(memcmp(m1, m3, sizeof(float) * N) != 0, "another seed: another mask");
    int dropped = 0, bad = 0;
    for (int i = 0; i < N; i++) {
        dropped += m3[i] == 0;
        bad += !(m3[i] == 0 || m3[i] == 1.0f / 0.7f) || y[i] != x[i] * m3[i];
    }
    CHECK(bad == 0, "dropout: mask values and y = x·mask (%d bad)", bad);
    CHECK(fabs(dropped / (double)N - 0.3) < 0.02, "dropout rate %.4f, want 0.3", dropped / (double)N);
    float *dx = malloc(sizeof(float) * N);
    activ_nn_dropout_backward(m3, x, dx, N);
    bad = 0;
    for (int i = 0; i < N; i++) bad += dx[i] != x[i] * m3[i];
    CHECK(bad == 0, "dropout backward = dy·mask");
    activ_nn_dropout_forward(0.3f, &r, x, m3, y, N, 0);
    CHECK(!memcmp(x, y, sizeof(float) * N), "dropout in evaluation is the identity");
    CHECK(activ_nn_dropout_forward(1.0f, &r, x, m3, y, N, 1) == ACTIV_ERR_PARAM, "p = 1 rejected");
    printf("dropout: rate 0.3 dropped %.4f; masks equal for 1, 2 and 3 threads\n", dropped / (double)N);
    free(x), free(y), free(m1), free(m2), free(m3), free(dx);
}

/* ---- spec parser ---------------------------------------------------------------------- */

static void spec_error(const char *spec, const char *token, int column)
{
    activ_nn_net n;
    char err[512] = "";
    activ_nn_net_init(&n, 1, 28, 28);
    activ_status s = activ_nn_net_parse(&n, spec, err, sizeof err);
    char want[96];
    snprintf(want, sizeof want, "bad layer '%s' at column %d", token, column);
    CHECK(s != ACTIV_OK && strstr(err, want) != NULL, "spec '%s': want \"%s\", got \"%s\"", spec, want, err);
    /* the caret line starts under the token */
    const char *last = strrchr(err, '\n');
    CHECK(last && (int)strspn(last + 1, " ") == 2 + column - 1 && last[2 + column] == '^',
          "spec '%s': caret under column %d: \"%s\"", spec, column, last ? last + 1 : "");
    activ_nn_net_free(&n);
}

/* a long spec is shown as a window around the bad token: the caret still sits under the token
 * and the message fits 512 bytes, however long the spec or the token */
static void spec_error_long(void)
{
    char spec[1400] = "conv8k3";
    for (int i = 0; i < 20; i++)
        strcat(spec, "-dropout0.1");
    strcat(spec, "-bogus,dense10");
    activ_nn_net n;
    char err[512] = "";
    activ_nn_net_init(&n, 1, 28, 28);
    activ_status s = activ_nn_net_parse(&n, spec, err, sizeof err);
    CHECK(s == ACTIV_ERR_PARAM && strstr(err, "bad layer 'bogus' at column 229") != NULL, "long spec: \"%s\"", err);
    const char *caret = strrchr(err, '\n'), *line = caret ? caret - 1 : NULL;
    while (line && line > err && line[-1] != '\n')
        line--;
    const char *tok = line ? strstr(line, "bogus") : NULL;
    CHECK(caret && tok && tok < caret && (size_t)(strchr(caret, '^') - caret) == (size_t)(tok - line) + 1,
          "long spec: caret under the token: \"%s\"", err);
    activ_nn_net_free(&n);
    /* a 1000-character token: the message is cut to the window, the caret line survives */
    memset(spec, 'x', 1000);
    strcpy(spec + 1000, ",dense10");
    activ_nn_net_init(&n, 1, 28, 28);
    s = activ_nn_net_parse(&n, spec, err, sizeof err);
    CHECK(s == ACTIV_ERR_PARAM && strstr(err, "column 1:") && strchr(err, '^') && strlen(err) < 400,
          "huge token: \"%s\"", err);
    activ_nn_net_free(&n);
    /* a padding whose output would not fit an int per sample: a shape error, not an overflow */
    activ_nn_net_init(&n, 1, 28, 28);
    s = activ_nn_net_parse(&n, "conv8k3p999999,flatten,dense10", err, sizeof err);
    CHECK(s == ACTIV_ERR_SHAPE && strstr(err, "conv8k3p999999"), "huge padding: %d \"%s\"", (int)s, err);
    activ_nn_net_free(&n);
    CHECK(activ_nn_net_init(&n, 65536, 65536, 2) == ACTIV_ERR_SHAPE, "input of 2^33 values per sample refused");
}

static void spec_checks(void)
{
    spec_error("conv32x3-bn-relu", "conv32x3", 1);
    spec_error("conv32k3-bn-relu-pool2,dense10", "dense10", 24);
    spec_error("conv8k3,flatten,dense10-relux", "relux", 25);
    spec_error("conv8k3-pool2-relu", "relu", 15);
    spec_error("conv8k3--bn", "", 9);
    spec_error("conv8k3-dropout1.5", "dropout1.5", 9);
    spec_error("conv8k30", "conv8k30", 1);
    spec_error("conv8k3-bn-prelu", "prelu", 12);
    spec_error("flatten,conv8k3", "conv8k3", 9);
    spec_error_long();
    activ_nn_net n;
    char err[256] = "";
    activ_nn_net_init(&n, 1, 28, 28);
    CHECK(activ_nn_net_parse(&n, "conv4k3s2p1nobias-bn-leaky_relu-avgpool2s1,maxpool2,flatten,dense6-silu,dense3",
                             err, sizeof err) == ACTIV_OK, "a valid spec parses: %s", err);
    CHECK(n.nlayers == 7 && n.layers[0].conv.stride == 2 && n.layers[0].conv.pad == 1 && !n.layers[0].conv.has_bias &&
          n.layers[1].bn.act == ACTIV_LEAKY_RELU && n.layers[2].type == ACTIV_NN_AVGPOOL2D &&
          n.layers[2].pool.stride == 1 && n.layers[5].dense.act == ACTIV_SWISH, "parsed layers");
    CHECK(n.layers[0].oh == 14 && n.layers[2].oh == 13 && n.layers[3].oh == 6 && n.layers[4].oc == 4 * 6 * 6,
          "shapes: conv 14, avgpool 13, maxpool 6, flatten 144 (got %d %d %d %d)", n.layers[0].oh,
          n.layers[2].oh, n.layers[3].oh, n.layers[4].oc);
    activ_nn_net_free(&n);
}

/* ---- a whole small CNN ------------------------------------------------------------------- */

static double net_loss(activ_nn_net *n, const float *x, int B, const float *wgt, const activ_nn_rng *r0)
{
    float *out;
    n->rng = *r0; /* the same dropout mask in every forward */
    if (activ_nn_net_forward(n, x, B, &out) != ACTIV_OK) return NAN;
    return wsum(out, wgt, (size_t)B * activ_nn_net_output_dim(n));
}

/* A fingerprint of every max-pool layer's argmax after the last forward (B samples): a
 * finite difference whose two sides pick other maxima crosses a kink and says nothing. */
static uint64_t pool_choice(const activ_nn_net *n, int B)
{
    uint64_t h = 1469598103934665603ULL;
    for (int l = 0; l < n->nlayers; l++) {
        const activ_nn_layer *L = &n->layers[l];
        if (L->type != ACTIV_NN_MAXPOOL2D) continue;
        for (size_t i = 0; i < (size_t)B * L->oc * L->oh * L->ow; i++)
            h = (h ^ (uint32_t)L->argmax[i]) * 1099511628211ULL;
    }
    return h;
}

static void net_checks(void)
{
    enum { B = 4 };
    activ_nn_rng_seed(&R, getenv("NET_CHECK_SEED") ? strtoull(getenv("NET_CHECK_SEED"), NULL, 10) : 7);
    activ_nn_net n;
    char err[256] = "";
    activ_nn_net_init(&n, 2, 7, 6);
    CHECK(activ_nn_net_parse(&n, "conv3k3p1-bn-tanh-maxpool2,conv4k2s1-elu-avgpool2,flatten,dense5-tanh-bn-sigmoid-dropout0.25,dense3",
                             err, sizeof err) == ACTIV_OK, "small CNN parses: %s", err);
    CHECK(activ_nn_net_build(&n, 3) == ACTIV_OK && activ_nn_net_reserve(&n, B) == ACTIV_OK, "small CNN builds");
    for (size_t i = 0; i < n.nparams; i++) n.params[i] += 0.1f * urand(); /* γ, β, b away from 1 and 0 */
    const int in = activ_nn_net_input_dim(&n), C = activ_nn_net_output_dim(&n);
    float x[B * 2 * 7 * 6], wgt[B * 3];
    for (int i = 0; i < B * in; i++) x[i] = urand();
    for (int i = 0; i < B * C; i++) wgt[i] = urand();
    activ_nn_rng r0 = n.rng;
    net_loss(&n, x, B, wgt, &r0);
    CHECK(activ_nn_net_backward(&n, x, wgt, B) == ACTIV_OK, "small CNN backward");
    float *g = malloc(sizeof(float) * n.nparams);
    memcpy(g, n.grads, sizeof(float) * n.nparams);
    fd_stat st = {0, "net"};
    /* smaller than the layer checks' step: a max-pool window must not switch its maximum */
    const float eps = 2e-3f;
    const uint64_t choice = pool_choice(&n, B);
    size_t kinks = 0;
    for (size_t i = 0; i < n.nparams; i++) {
        float p0 = n.params[i];
        n.params[i] = p0 + eps;
        double lp = net_loss(&n, x, B, wgt, &r0);
        const uint64_t cp = pool_choice(&n, B);
        n.params[i] = p0 - eps;
        double lm = net_loss(&n, x, B, wgt, &r0);
        const uint64_t cm = pool_choice(&n, B);
        n.params[i] = p0;
        if (cp != choice || cm != choice) { /* a max-pool window switched its maximum */
            kinks++;
            continue;
        }
        double before = st.worst;
        /* floor 5e-2: below it the fp32 forward's rounding (~1e-4 in a difference over 2·eps) dominates */
        fd_note(&st, (lp - lm) / (2.0 * eps), g[i], 5e-2);
        if (getenv("TEST_VERBOSE") && st.worst > before)
            printf("  param %zu: numeric %.6e analytic %.6e\n", i, (lp - lm) / (2.0 * eps), g[i]);
    }
    CHECK(st.worst < 1e-2, "small CNN: every parameter's gradient, worst rel. error %.2e", st.worst);
    CHECK(kinks * 4 <= n.nparams, "small CNN: %zu of %zu differences crossed a max-pool switch", kinks, n.nparams);
    printf("small CNN (%zu params, conv/bn/pool/dense/dropout): gradient rel. err %.1e (%zu steps across a "
           "max-pool switch skipped)\n", n.nparams, st.worst, kinks);
    /* evaluation mode: dropout off, running statistics: the same input twice gives the same output */
    activ_nn_net_set_training(&n, 0);
    float *o1, o1c[B * 3], *o2;
    activ_nn_net_forward(&n, x, B, &o1);
    memcpy(o1c, o1, sizeof o1c);
    activ_nn_net_forward(&n, x, B, &o2);
    CHECK(!memcmp(o1c, o2, sizeof o1c), "evaluation mode is deterministic");

    /* safetensors round trip: params and running statistics */
    const char *path = "test_nn_cnn.safetensors";
    for (size_t i = 0; i < n.nbuffers; i++) n.buffers[i] = 0.5f + 0.01f * (float)i;
    CHECK(activ_nn_net_save(&n, path) == ACTIV_OK, "net save");
    activ_nn_net m;
    activ_nn_net_init(&m, 2, 7, 6);
    activ_nn_net_parse(&m, "conv3k3p1-bn-tanh-maxpool2,conv4k2s1-elu-avgpool2,flatten,dense5-tanh-bn-sigmoid-dropout0.25,dense3",
                       err, sizeof err);
    activ_nn_net_build(&m, 99);
    CHECK(activ_nn_net_load(&m, path, err, sizeof err) == ACTIV_OK, "net load: %s", err);
    CHECK(m.nparams == n.nparams && !memcmp(m.params, n.params, sizeof(float) * n.nparams), "params round trip");
    CHECK(m.nbuffers == n.nbuffers && !memcmp(m.buffers, n.buffers, sizeof(float) * n.nbuffers),
          "running statistics round trip");
    activ_nn_net_free(&m);
    activ_nn_net_init(&m, 2, 7, 6);
    activ_nn_net_parse(&m, "conv3k3p1-bn-tanh-maxpool2,conv5k2s1-elu-avgpool2,flatten,dense5-tanh-bn-sigmoid,dense3", err,
                       sizeof err);
    activ_nn_net_build(&m, 99);
    err[0] = 0;
    CHECK(activ_nn_net_load(&m, path, err, sizeof err) == ACTIV_ERR_FORMAT && strstr(err, "conv_3") != NULL,
          "a file for another architecture is refused: %s", err);
    activ_nn_net_free(&m);
    remove(path);
    free(g);
    activ_nn_net_free(&n);
}

static void summary_checks(void)
{
    activ_nn_net n;
    char err[256];
    activ_nn_net_init(&n, 1, 28, 28);
    CHECK(activ_nn_net_parse(&n, "conv32k3-bn-relu-pool2,conv64k3-bn-relu-pool2,flatten,dense128-relu-dropout0.3,dense10",
                             err, sizeof err) == ACTIV_OK, "reference CNN parses");
    activ_nn_net_build(&n, 1);
    /* by hand from the shapes: 28 -conv3-> 26 -pool-> 13 -conv3-> 11 -pool-> 5 */
    size_t trainable = (32 * 1 * 9 + 32) + 2 * 32 + (64 * 32 * 9 + 64) + 2 * 64 + (64 * 5 * 5 * 128 + 128) + (128 * 10 + 10);
    size_t fixed = 2 * 32 + 2 * 64;
    CHECK(n.nparams == trainable && n.nbuffers == fixed, "counts %zu / %zu, want %zu / %zu", n.nparams, n.nbuffers,
          trainable, fixed);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(activ_nn_net_summary(&n, f) == ACTIV_OK, "summary");
    fclose(f);
    char want[3][64];
    snprintf(want[0], 64, "Total params: %zu", trainable + fixed);
    snprintf(want[1], 64, "Trainable params: %zu", trainable);
    snprintf(want[2], 64, "Non-trainable params: %zu", fixed);
    for (int i = 0; i < 3; i++) CHECK(strstr(buf, want[i]) != NULL, "summary has '%s'", want[i]);
    CHECK(strstr(buf, "(None, 32, 26, 26)") && strstr(buf, "(None, 64, 5, 5)") && strstr(buf, "(None, 1600)"),
          "summary shapes");
    free(buf);
    activ_nn_net_free(&n);
}

/* net_train_epoch / net_evaluate on a synthetic task a CNN learns quickly: which half of
 * an 8x8 image holds a bright blob */
/* The network's results do not depend on the thread count: two epochs of a net whose
 * second conv is batched over several sample groups (and whose GEMMs split into blocks),
 * with BatchNorm, pooling and dropout, end with bitwise the same parameters and statistics
 * on 1, 2 and 3 threads. */
static void thread_invariance(void)
{
    enum { N = 96, D = 16 * 16 };
    activ_nn_dataset d = {N, D, 10, malloc(sizeof(float) * N * D), malloc(N)};
    activ_nn_rng r;
    activ_nn_rng_seed(&r, 21);
    for (int i = 0; i < N * D; i++) d.x[i] = (float)activ_nn_rng_uniform(&r);
    for (int i = 0; i < N; i++) d.labels[i] = (uint8_t)(i % 10);
    float *ref = NULL;
    activ_nn_net_epoch_stats st0;
    for (int th = 1; th <= 3; th++) {
        activ_nn_set_num_threads(th);
        activ_nn_net n;
        char err[256];
        activ_nn_net_init(&n, 1, 16, 16);
        CHECK(activ_nn_net_parse(&n, "conv6k3p1-bn-relu-pool2-dropout0.25,conv8k3p1-bn-swish,flatten,"
                                     "dense24-bn-relu-dropout0.5,dense10", err, sizeof err) == ACTIV_OK, "parse: %s", err);
        activ_nn_net_build(&n, 3);
        activ_nn_optim o;
        activ_nn_optim_init(&o, ACTIV_NN_ADAM, n.nparams, 1e-2f);
        activ_nn_rng tr;
        activ_nn_rng_seed(&tr, 4);
        activ_nn_net_epoch_stats st;
        for (int e = 0; e < 2; e++)
            CHECK(activ_nn_net_train_epoch(&n, &o, &d, 32, &tr, &st, NULL, NULL) == ACTIV_OK, "train epoch");
        if (!ref) {
            ref = malloc(sizeof(float) * n.nparams);
            memcpy(ref, n.params, sizeof(float) * n.nparams);
            st0 = st;
        } else {
            CHECK(!memcmp(ref, n.params, sizeof(float) * n.nparams), "%d threads: the same parameters as 1", th);
            CHECK(st.loss == st0.loss && st.layer[1].mean_act == st0.layer[1].mean_act, "%d threads: the same statistics", th);
        }
        activ_nn_optim_free(&o);
        activ_nn_net_free(&n);
    }
    activ_nn_set_num_threads(2);
    printf("thread invariance: 2 epochs of a conv/bn/pool/dropout/dense net, parameters bitwise equal on 1, 2, 3 threads\n");
    free(ref), free(d.x), free(d.labels);
}

static void train_checks(void)
{
    enum { N = 256 };
    activ_nn_dataset d = {N, 64, 2, malloc(sizeof(float) * N * 64), malloc(N)};
    activ_nn_rng r;
    activ_nn_rng_seed(&r, 11);
    for (int i = 0; i < N; i++) {
        int cls = i % 2, cx = cls ? 5 : 2, cy = 1 + (int)activ_nn_rng_below(&r, 6);
        d.labels[i] = (uint8_t)cls;
        for (int p = 0; p < 64; p++) {
            int dx = p % 8 - cx, dy = p / 8 - cy;
            d.x[i * 64 + p] = (float)(0.3 * activ_nn_rng_uniform(&r) + (dx * dx + dy * dy <= 2 ? 0.7 : 0.0));
        }
    }
    activ_nn_net n;
    char err[256];
    activ_nn_net_init(&n, 1, 8, 8);
    CHECK(activ_nn_net_parse(&n, "conv4k3-bn-relu-pool2,flatten,dense8-relu-dropout0.2,dense2", err, sizeof err) == ACTIV_OK,
          "parse: %s", err);
    activ_nn_net_build(&n, 5);
    activ_nn_optim o;
    activ_nn_optim_init(&o, ACTIV_NN_ADAM, n.nparams, 1e-2f);
    double acc0 = 0, acc = 0;
    CHECK(activ_nn_net_evaluate(&n, &d, 100, NULL, &acc0) == ACTIV_OK, "evaluate");
    activ_nn_net_epoch_stats st;
    for (int e = 0; e < 8; e++)
        CHECK(activ_nn_net_train_epoch(&n, &o, &d, 32, &r, &st, NULL, NULL) == ACTIV_OK, "train epoch");
    CHECK(activ_nn_net_evaluate(&n, &d, 100, NULL, &acc) == ACTIV_OK, "evaluate");
    CHECK(acc >= 0.95, "synthetic task: accuracy %.3f after 8 epochs (%.3f before)", acc, acc0);
    CHECK(n.training == 1, "evaluate restores training mode");
    CHECK(st.layer[1].dead_fraction >= 0 && st.layer[1].dead_fraction <= 1 && st.layer[1].mean_act > 0,
          "epoch stats of the bn-relu layer (dead %.3f, mean %.3f)", st.layer[1].dead_fraction, st.layer[1].mean_act);
    printf("synthetic CNN task: accuracy %.3f -> %.3f in 8 epochs\n", acc0, acc);
    activ_nn_optim_free(&o);
    activ_nn_net_free(&n);
    free(d.x);
    free(d.labels);
}

int main(void)
{
    activ_nn_rng_seed(&R, 2024);
    activ_nn_set_num_threads(2);
    for (int algo = 0; algo < 2; algo++) {
        conv_case(2, 5, 6, 3, 3, 1, 0, 1, ACTIV_NN_LINEAR, algo);
        conv_case(2, 7, 6, 3, 3, 2, 1, 1, ACTIV_TANH, algo);
        conv_case(3, 4, 5, 2, 2, 1, 1, 0, ACTIV_TANH, algo);
        conv_case(1, 6, 6, 4, 1, 1, 0, 1, ACTIV_NN_LINEAR, algo);
        /* 144 outputs per sample: the batched layout's tasks take 2 samples, so the batch
         * of 3 is two groups, one of them short */
        conv_case(2, 12, 12, 3, 3, 1, 1, 1, ACTIV_TANH, algo);
    }
    pool_case(1, 2, 6, 6, 2, 2);
    pool_case(1, 2, 7, 5, 3, 2);
    pool_case(0, 2, 6, 6, 2, 2);
    pool_case(0, 1, 5, 7, 3, 1);
    pool_case(1, 2, 6, 19, 2, 2); /* ow 9: the vector path and a tail */
    pool_case(1, 2, 7, 9, 2, 2);  /* odd h and w: a row and a column no window covers */
    pool_ties();
    bn_case(4, 3, 5, ACTIV_NN_LINEAR);
    bn_case(6, 4, 1, ACTIV_TANH);
    /* rows of >= 64 (after a conv): the activation runs row by row inside the channel tasks,
     * from y (tanh) and from z (gelu) */
    bn_case(3, 2, 70, ACTIV_TANH);
    bn_case(3, 2, 70, ACTIV_GELU);
    bn_bad_kind();
    dropout_checks();
    spec_checks();
    net_checks();
    summary_checks();
    train_checks();
    thread_invariance();
    /* stride 1, ow == w ("same"): im2col and col2im copy and add whole runs of rows (last,
     * so that the draws of the checks above stay as they were) */
    for (int algo = 0; algo < 2; algo++) {
        conv_case(2, 7, 9, 3, 5, 1, 2, 1, ACTIV_NN_LINEAR, algo);
        conv_case(1, 5, 8, 2, 3, 1, 1, 0, ACTIV_NN_LINEAR, algo);
    }
    return tu_finish("test_nn_cnn");
}
