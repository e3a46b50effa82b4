/* test_ref.c - the oracle itself (src/ref): the header's special values, activ_ulp_error's
 * rules, spot values against long double formulas, and f' / d f/d beta against Richardson
 * central differences of the oracle's own forward. No library code runs here. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "testutil.h"

#define SAME_D(got, want) ((isnan(got) && isnan(want)) || ((got) == (want) && signbit(got) == signbit(want)))
#define CHECK_D(got, want, ...) CHECK(SAME_D((double)(got), (double)(want)), __VA_ARGS__)

static void specials(void) {
    const double inf = INFINITY;
    CHECK(isnan(activ_ref_forward(ACTIV_RELU, NAN, 0, 1)), "relu(NaN)");
    CHECK_D(activ_ref_forward(ACTIV_RELU, -0.0f, 0, 1), -0.0, "relu(-0)");
    CHECK_D(activ_ref_forward(ACTIV_RELU, -1.0f, 0, 1), 0.0, "relu(-1)");
    CHECK_D(activ_ref_forward(ACTIV_RELU, -INFINITY, 0, 1), 0.0, "relu(-inf)");
    CHECK_D(activ_ref_forward(ACTIV_LEAKY_RELU, -0.0f, 0.01f, 1), -0.0, "leaky(-0)");
    CHECK_D(activ_ref_forward(ACTIV_LEAKY_RELU, -INFINITY, 0.01f, 1), -inf, "leaky(-inf)");
    CHECK_D(activ_ref_forward(ACTIV_ELU, -0.0f, 1, 1), -0.0, "elu(-0)");
    CHECK_D(activ_ref_forward(ACTIV_ELU, -INFINITY, 0.5f, 1), -0.5, "elu(-inf)");
    CHECK_D(activ_ref_forward(ACTIV_SWISH, -INFINITY, 0, 1), -0.0, "swish(-inf)");
    CHECK_D(activ_ref_forward(ACTIV_SWISH, INFINITY, 0, 1), inf, "swish(inf)");
    CHECK_D(activ_ref_forward(ACTIV_SWISH, INFINITY, 0, -0.5f), 0.0, "swish(inf, b<0)");
    CHECK_D(activ_ref_forward(ACTIV_SWISH, -INFINITY, 0, -0.5f), -inf, "swish(-inf, b<0)");
    CHECK_D(activ_ref_forward(ACTIV_SWISH, -INFINITY, 0, 0), -inf, "swish(-inf, b=0)");
    CHECK_D(activ_ref_forward(ACTIV_SWISH, -0.0f, 0, 1), -0.0, "swish(-0)");
    CHECK_D(activ_ref_forward(ACTIV_SWISH, -1000.0f, 0, 1), -0.0, "swish(-1000) underflows to -0");
    CHECK_D(activ_ref_forward(ACTIV_SIGMOID, -INFINITY, 0, 1), 0.0, "sigmoid(-inf)");
    CHECK_D(activ_ref_forward(ACTIV_SIGMOID, INFINITY, 0, 1), 1.0, "sigmoid(inf)");
    CHECK_D(activ_ref_forward(ACTIV_SIGMOID, -0.0f, 0, 1), 0.5, "sigmoid(-0)");
    CHECK_D(activ_ref_forward(ACTIV_TANH, INFINITY, 0, 1), 1.0, "tanh(inf)");
    CHECK_D(activ_ref_forward(ACTIV_TANH, -INFINITY, 0, 1), -1.0, "tanh(-inf)");
    CHECK_D(activ_ref_forward(ACTIV_TANH, -0.0f, 0, 1), -0.0, "tanh(-0)");
    /* derivatives: kinks take the x <= 0 branch; limits at +-inf */
    CHECK_D(activ_ref_derivative(ACTIV_RELU, 0.0f, 0, 1), 0.0, "relu'(0)");
    CHECK_D(activ_ref_derivative(ACTIV_RELU, -0.0f, 0, 1), 0.0, "relu'(-0)");
    CHECK_D(activ_ref_derivative(ACTIV_LEAKY_RELU, 0.0f, 0.01f, 1), (double)0.01f, "leaky'(0)");
    CHECK_D(activ_ref_derivative(ACTIV_PRELU, -0.0f, 0.25f, 1), 0.25, "prelu'(-0)");
    CHECK_D(activ_ref_derivative(ACTIV_ELU, 0.0f, 0.5f, 1), 0.5, "elu'(0)");
    CHECK_D(activ_ref_derivative(ACTIV_ELU, -INFINITY, 0.5f, 1), 0.0, "elu'(-inf)");
    CHECK_D(activ_ref_derivative(ACTIV_SIGMOID, INFINITY, 0, 1), 0.0, "sigmoid'(inf)");
    CHECK_D(activ_ref_derivative(ACTIV_SIGMOID, 0.0f, 0, 1), 0.25, "sigmoid'(0)");
    CHECK_D(activ_ref_derivative(ACTIV_TANH, -INFINITY, 0, 1), 0.0, "tanh'(-inf)");
    CHECK_D(activ_ref_derivative(ACTIV_TANH, 0.0f, 0, 1), 1.0, "tanh'(0)");
    CHECK_D(activ_ref_derivative(ACTIV_SWISH, INFINITY, 0, 1), 1.0, "swish'(inf)");
    CHECK_D(activ_ref_derivative(ACTIV_SWISH, -INFINITY, 0, 1), -0.0, "swish'(-inf) = -0 (from below)");
    CHECK_D(activ_ref_derivative(ACTIV_SWISH, -INFINITY, 0, -2), 1.0, "swish'(-inf, b<0)");
    CHECK_D(activ_ref_derivative(ACTIV_SWISH, INFINITY, 0, 0), 0.5, "swish'(inf, b=0)");
    CHECK_D(activ_ref_derivative(ACTIV_SWISH, 0.0f, 0, 1), 0.5, "swish'(0)");
    CHECK(isnan(activ_ref_backward(ACTIV_RELU, -1.0f, INFINITY, 0, 1)), "inf * relu'(-1) = NaN");
    CHECK(isnan(activ_ref_backward(ACTIV_SIGMOID, -INFINITY, INFINITY, 0, 1)), "inf * 0 = NaN");
    CHECK(isnan(activ_ref_derivative(ACTIV_TANH, NAN, 0, 1)), "tanh'(NaN)");
    CHECK(isnan(activ_ref_backward(ACTIV_TANH, 1.0f, NAN, 0, 1)), "NaN dy");
    CHECK_D(activ_ref_backward(ACTIV_RELU, -1.0f, -1.0f, 0, 1), -0.0, "-1 * relu'(-1) = -0");
    /* from-output */
    CHECK_D(activ_ref_derivative_from_output(ACTIV_RELU, 0.0f, 0), 0.0, "g relu(0)");
    CHECK_D(activ_ref_derivative_from_output(ACTIV_LEAKY_RELU, -0.0f, 0.01f), (double)0.01f, "g leaky(-0)");
    CHECK_D(activ_ref_derivative_from_output(ACTIV_ELU, -0.5f, 1), 0.5, "g elu(-0.5)");
    CHECK_D(activ_ref_derivative_from_output(ACTIV_SIGMOID, 0.5f, 0), 0.25, "g sigmoid(0.5)");
    CHECK_D(activ_ref_derivative_from_output(ACTIV_TANH, -1.0f, 0), 0.0, "g tanh(-1)");
    CHECK(isnan(activ_ref_derivative_from_output(ACTIV_SWISH, 1.0f, 0)), "g swish is NaN");
    CHECK(isnan(activ_ref_derivative_from_output(ACTIV_PRELU, 1.0f, 0)), "g prelu is NaN");
    /* swish d/d beta */
    CHECK_D(activ_ref_swish_dbeta(0.0f, 1), 0.0, "dbeta(0)");
    CHECK_D(activ_ref_swish_dbeta(INFINITY, 1), 0.0, "dbeta(inf)");
    CHECK(isnan(activ_ref_swish_dbeta(NAN, 1)), "dbeta(NaN)");
}

static void ulp_rules(void) {
    CHECK(activ_ulp_error(NAN, NAN) == 0, "NaN vs NaN");
    CHECK(activ_ulp_error(NAN, 1.0) == INFINITY, "NaN vs 1");
    CHECK(activ_ulp_error(1.0f, NAN) == INFINITY, "1 vs NaN");
    CHECK(activ_ulp_error(INFINITY, INFINITY) == 0, "inf vs inf");
    CHECK(activ_ulp_error(-INFINITY, INFINITY) == INFINITY, "-inf vs inf");
    CHECK(activ_ulp_error(FLT_MAX, INFINITY) == INFINITY, "FLT_MAX vs inf");
    CHECK(activ_ulp_error(INFINITY, 1e300) == 0, "inf vs 1e300 (overflow rounds to inf)");
    CHECK(activ_ulp_error(-INFINITY, 1e300) == INFINITY, "-inf vs 1e300");
    CHECK(activ_ulp_error(INFINITY, (double)FLT_MAX) == 1, "inf vs FLT_MAX");
    CHECK(activ_ulp_error(-INFINITY, -0x1p128 + 0x1p103) == 0, "-inf at the overflow boundary");
    CHECK(activ_ulp_error(INFINITY, 1.0) > 1e6, "inf vs 1");
    CHECK(activ_ulp_error(-0.0f, 0.0) == 0, "-0 vs +0");
    CHECK(activ_ulp_error(1.0f + 0x1p-23f, 1.0) == 1, "1 ULP above 1");
    CHECK(activ_ulp_error(1.0f, 1.0 - 0x1p-24) == 1, "1 ULP below 1 (ULP of [0.5,1))");
    CHECK(activ_ulp_error(1.0f, 1.0 + 0x1p-24) == 0.5, "half ULP");
    CHECK(activ_ulp_error(0x1p-149f, 0.0) == 1, "smallest subnormal vs 0");
    CHECK(activ_ulp_error(0.0f, 0x1p-150) == 0.5, "half the smallest subnormal");
    CHECK(activ_ulp_error(FLT_MIN, 0x1p-126 + 0x1p-149) == 1, "FLT_MIN");
    CHECK(activ_ulp_error(FLT_MAX, 0x1p128) == 1, "beyond FLT_MAX uses FLT_MAX's ULP");
    CHECK(activ_ulp_error(-3.0f, 3.0) == 6.0 / 0x1p-22, "sign");
}

/* Richardson-extrapolated central difference of f(x) for grid points x (multiples of h/4
 * representable in fp32, so x +- h, x +- h/2 are exact floats). */
typedef double (*fx_fn)(float x, const void *ctx);
static double richardson(fx_fn f, float x, float h, const void *ctx) {
    double d1 = (f(x + h, ctx) - f(x - h, ctx)) / (2.0 * h);
    float h2 = h / 2;
    double d2 = (f(x + h2, ctx) - f(x - h2, ctx)) / (2.0 * h2);
    return (4.0 * d2 - d1) / 3.0;
}
typedef struct {
    activ_kind kind;
    float alpha, beta;
} kctx;
static double f_of_x(float x, const void *c) {
    const kctx *k = c;
    return activ_ref_forward(k->kind, x, k->alpha, k->beta);
}
static double f_of_beta(float b, const void *c) {
    const kctx *k = c; /* alpha field carries x here */
    return activ_ref_forward(ACTIV_SWISH, k->alpha, 0, b);
}

static void finite_differences(void) {
    const kctx cases[] = {
        {ACTIV_RELU, 0, 1},      {ACTIV_LEAKY_RELU, 0.01f, 1}, {ACTIV_PRELU, -0.3f, 1},
        {ACTIV_ELU, 1, 1},       {ACTIV_ELU, 0.5f, 1},         {ACTIV_SWISH, 0, 1},
        {ACTIV_SWISH, 0, 1.7f},  {ACTIV_SWISH, 0, -0.5f},      {ACTIV_SWISH, 0, 0},
        {ACTIV_SIGMOID, 0, 1},   {ACTIV_TANH, 0, 1},
    };
    const float h = 0x1p-9f;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double worst = 0;
        for (int i = -3000; i <= 3000; i++) {
            float x = (float)i * 0x1p-9f * 5; /* [-29.3, 29.3] step 5/512 */
            if (fabsf(x) < 2 * h) continue; /* kinks */
            double fd = richardson(f_of_x, x, h, &cases[c]);
            double d = activ_ref_derivative(cases[c].kind, x, cases[c].alpha, cases[c].beta);
            double err = fabs(fd - d) / fmax(1e-3, fabs(d));
            if (err > worst) worst = err;
            CHECK(err < 1e-8, "oracle %s(a=%g b=%g)'(%g): analytic %.17g, differences %.17g",
                  tu_kind_str(cases[c].kind), cases[c].alpha, cases[c].beta, x, d, fd);
        }
        printf("  oracle f' vs differences %-10s a=%-5g b=%-5g: worst relative %.2g\n",
               tu_kind_str(cases[c].kind), cases[c].alpha, cases[c].beta, worst);
    }
    const float betas[] = {1, 1.5f, -0.5f, 0, 3};
    for (size_t b = 0; b < 5; b++)
        for (int i = -400; i <= 400; i++) {
            kctx c = {ACTIV_SWISH, (float)i / 32, 0}; /* x in [-12.5, 12.5] */
            double fd = richardson(f_of_beta, betas[b], 0x1p-14f, &c);
            double d = activ_ref_swish_dbeta(c.alpha, betas[b]);
            /* rounding in the differences: ~1e-16 |f| / h */
            CHECK(fabs(fd - d) <= 1e-8 * fmax(1e-3, fabs(d)) + 1e-10 * fabs(c.alpha),
                  "oracle swish d/dbeta x=%g b=%g: %.17g vs differences %.17g", c.alpha,
                  betas[b], d, fd);
        }
}

/* Spot values against independent long double formulas, in the tails in particular. */
static void long_double_spots(void) {
    tu_rng r;
    tu_rng_seed(&r, 7);
    for (int i = 0; i < 200000; i++) {
        float x = tu_rng_interesting(&r, (activ_kind)(i % 7));
        if (!isfinite(x)) continue;
        long double X = x;
        long double s = 1.0L / (1.0L + expl(-X));
        long double want[4] = {
            expm1l(X),                   /* elu, a = 1, x <= 0 */
            X / (1.0L + expl(-X)),       /* swish */
            s,                           /* sigmoid */
            tanhl(X),
        };
        double got[4] = {
            activ_ref_forward(ACTIV_ELU, x, 1, 1),
            activ_ref_forward(ACTIV_SWISH, x, 0, 1),
            activ_ref_forward(ACTIV_SIGMOID, x, 0, 1),
            activ_ref_forward(ACTIV_TANH, x, 0, 1),
        };
        for (int k = 0; k < 4; k++) {
            if (k == 0 && x > 0) continue;
            if (k == 1 && isinf((double)want[1])) continue;
            long double w = want[k];
            /* 1e-3 fp32 ULP of slack at most (oracle error must be negligible) */
            double e = fabs((double)(got[k] - w)) / activ_ulp_of((double)w);
            CHECK(e < 1e-3, "oracle vs long double #%d at x=%a: %.17g vs %.20Lg (%.3g ULP)", k,
                  (double)x, got[k], w, e);
        }
    }
}

/* the header's rules for the issue 11 kinds, at their defaults (activ_ref_*_p) */
static double fp(activ_kind k, float x) {
    activ_params p = activ_default_params(k);
    return activ_ref_forward_p(k, x, &p);
}
static double dp(activ_kind k, float x) {
    activ_params p = activ_default_params(k);
    return activ_ref_derivative_p(k, x, &p);
}
static double gp(activ_kind k, float y) {
    activ_params p = activ_default_params(k);
    return activ_ref_derivative_from_output_p(k, y, &p);
}
static void newer_kinds(void) {
    const double inf = INFINITY;
    CHECK_D(fp(ACTIV_RELU6, -0.0f), -0.0, "relu6(-0)");
    CHECK_D(fp(ACTIV_RELU6, INFINITY), 6.0, "relu6(inf)");
    CHECK(isnan(fp(ACTIV_RELU6, NAN)), "relu6(NaN)");
    CHECK_D(dp(ACTIV_RELU6, 0.0f), 0.0, "relu6'(0)");
    CHECK_D(dp(ACTIV_RELU6, 6.0f), 0.0, "relu6'(6)");
    CHECK(isnan(dp(ACTIV_RELU6, NAN)), "relu6'(NaN)");
    CHECK_D(fp(ACTIV_HARDTANH, -0.0f), -0.0, "hardtanh(-0)");
    CHECK_D(fp(ACTIV_HARDTANH, -INFINITY), -1.0, "hardtanh(-inf)");
    CHECK_D(dp(ACTIV_HARDTANH, 1.0f), 0.0, "hardtanh'(1)");
    CHECK_D(dp(ACTIV_HARDTANH, -1.0f), 0.0, "hardtanh'(-1)");
    CHECK_D(gp(ACTIV_HARDTANH, 0.5f), 1.0, "hardtanh g(0.5)");
    CHECK_D(fp(ACTIV_HARDSIGMOID, -3.0f), 0.0, "hardsigmoid(-3)");
    CHECK_D(fp(ACTIV_HARDSIGMOID, 3.0f), 1.0, "hardsigmoid(3)");
    CHECK_D(fp(ACTIV_HARDSIGMOID, 1.5f), 0.75, "hardsigmoid(1.5)");
    CHECK_D(dp(ACTIV_HARDSIGMOID, -3.0f), 0.0, "hardsigmoid'(-3)");
    CHECK_D(dp(ACTIV_HARDSIGMOID, 3.0f), 0.0, "hardsigmoid'(3)");
    CHECK_D(dp(ACTIV_HARDSIGMOID, 0.0f), 1.0 / 6.0, "hardsigmoid'(0)");
    CHECK_D(fp(ACTIV_HARDSWISH, -3.0f), -0.0, "hardswish(-3)");
    CHECK_D(fp(ACTIV_HARDSWISH, -INFINITY), -0.0, "hardswish(-inf)");
    CHECK_D(fp(ACTIV_HARDSWISH, INFINITY), inf, "hardswish(inf)");
    CHECK_D(fp(ACTIV_HARDSWISH, -0.0f), -0.0, "hardswish(-0)");
    CHECK_D(fp(ACTIV_HARDSWISH, 1.5f), 1.125, "hardswish(1.5)");
    CHECK_D(dp(ACTIV_HARDSWISH, -3.0f), -0.5, "hardswish'(-3)");
    CHECK_D(dp(ACTIV_HARDSWISH, 3.0f), 1.5, "hardswish'(3)");
    CHECK_D(dp(ACTIV_HARDSWISH, -4.0f), 0.0, "hardswish'(-4)");
    CHECK_D(fp(ACTIV_SOFTSIGN, INFINITY), 1.0, "softsign(inf)");
    CHECK_D(fp(ACTIV_SOFTSIGN, -INFINITY), -1.0, "softsign(-inf)");
    CHECK_D(fp(ACTIV_SOFTSIGN, -0.0f), -0.0, "softsign(-0)");
    CHECK_D(fp(ACTIV_SOFTSIGN, 3.0f), 0.75, "softsign(3)");
    CHECK_D(dp(ACTIV_SOFTSIGN, 3.0f), 1.0 / 16, "softsign'(3)");
    CHECK_D(gp(ACTIV_SOFTSIGN, 0.75f), 1.0 / 16, "softsign g(0.75)");
    CHECK_D(fp(ACTIV_RELU2, -0.0f), 0.0, "relu2(-0) = +0");
    CHECK_D(fp(ACTIV_RELU2, 3.0f), 9.0, "relu2(3)");
    CHECK_D(dp(ACTIV_RELU2, 3.0f), 6.0, "relu2'(3)");
    CHECK_D(gp(ACTIV_RELU2, 9.0f), 6.0, "relu2 g(9)");
    CHECK_D(fp(ACTIV_THRESHOLDED_RELU, 1.0f), 0.0, "thresholded_relu(1)");
    CHECK_D(fp(ACTIV_THRESHOLDED_RELU, 1.5f), 1.5, "thresholded_relu(1.5)");
    CHECK_D(dp(ACTIV_THRESHOLDED_RELU, 1.0f), 0.0, "thresholded_relu'(1)");
    activ_params s = activ_default_params(ACTIV_SELU);
    double ga = (double)s.gamma * s.alpha;
    CHECK_D(fp(ACTIV_SELU, -INFINITY), -ga, "selu(-inf)");
    CHECK_D(fp(ACTIV_SELU, -0.0f), -0.0, "selu(-0)");
    CHECK_D(fp(ACTIV_SELU, 2.0f), 2.0 * s.gamma, "selu(2)");
    CHECK_D(dp(ACTIV_SELU, 0.0f), ga, "selu'(0)");
    CHECK_D(dp(ACTIV_SELU, -INFINITY), 0.0, "selu'(-inf)");
    CHECK_D(gp(ACTIV_SELU, -1.0f), -1.0 + ga, "selu g(-1)");
    CHECK_D(fp(ACTIV_CELU, -INFINITY), -1.0, "celu(-inf)");
    CHECK_D(fp(ACTIV_CELU, -0.0f), -0.0, "celu(-0)");
    CHECK_D(dp(ACTIV_CELU, 0.0f), 1.0, "celu'(0)");
    activ_params c = activ_default_params(ACTIV_CELU);
    c.alpha = 2;
    CHECK(fabs(activ_ref_forward_p(ACTIV_CELU, -2.0f, &c) - 2 * expm1(-1.0)) < 1e-15, "celu(-2, a=2)");
    CHECK(fabs(activ_ref_derivative_p(ACTIV_CELU, -2.0f, &c) - exp(-1.0)) < 1e-15, "celu'(-2, a=2)");
}

int main(void) {
    newer_kinds();
    specials();
    ulp_rules();
    finite_differences();
    long_double_spots();
    return tu_finish("test_ref");
}
