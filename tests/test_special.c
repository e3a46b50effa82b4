/* test_special.c - special values and kinks on every code path (kernel tables and the API
 * after activ_set_isa), forward, backward and from-output:
 *   - the header's explicit values (relu(-0) = -0, sigmoid(-inf) = +0, elu(-inf) = -a, ...),
 *   - NaN in (quiet, both signs, payloads) gives NaN out; NaN or infinite dy as IEEE products,
 *   - every special input within the accuracy bound of the oracle, and wherever the result
 *     is zero its sign is the sign of the exact result,
 *   - the kink gradients (PyTorch: relu'(0) = 0, leaky'(0) = a, prelu'(0) = a_c with no
 *     contribution to da, elu'(0) = a) for +0 and -0. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

static float F(uint32_t b) { return tu_float(b); }

/* the special inputs */
static size_t special_inputs(float *x) {
    const uint32_t bits[] = {
        0x7fc00000u, 0xffc00000u, 0x7fc12345u, 0xffe00001u, 0x7fffffffu, /* quiet NaNs */
        0x7f800000u, 0xff800000u,                                         /* +-inf */
        0x00000000u, 0x80000000u,                                         /* +-0 */
        0x00000001u, 0x80000001u, 0x00000002u, 0x80000003u,               /* tiny subnormals */
        0x007fffffu, 0x807fffffu, 0x00400000u, 0x80400000u,               /* large subnormals */
        0x00800000u, 0x80800000u, 0x00800001u, 0x80800001u,               /* FLT_MIN */
        0x7f7fffffu, 0xff7fffffu, 0x7f7ffffeu, 0xff7ffffeu,               /* FLT_MAX */
        0x3f800000u, 0xbf800000u, 0x3f000000u, 0xbf000000u,               /* +-1, +-0.5 */
        0x33800000u, 0xb3800000u, 0x2f800000u, 0xaf800000u,               /* 2^-24, 2^-32 */
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) x[n++] = F(bits[i]);
    /* the exp tails: results leave the normal range, saturation of sigmoid and tanh */
    const float tails[] = {-87.0f, -87.33654f, -87.33655f, -88.0f, -88.72283f, -88.72284f,
                           -89.41598f, -100.0f, -103.27893f, -103.97208f, -103.972084f,
                           -104.0f, -110.0f, -150.0f, -1e10f, 88.72283f, 89.0f, 100.0f,
                           9.010913f, -9.010913f, 8.0f, -8.0f, 16.635532f, -16.635532f,
                           17.0f, 20.0f, -20.0f, 1e-8f, -1e-8f, -1.2784645f, 0.9f, -0.9f,
                           1e30f, -1e30f, 0.01f, -0.01f, 3.0f, -3.0f,
                           /* zeros of gelu', gelu_tanh', mish'; gelu's and gelu_tanh's
                            * underflow, logsigmoid's subnormal band, gelu' in double's */
                           -0.7517915f, -0.7524614f, -1.1924312f, -14.5f, -11.0f, 103.5f,
                           -38.6f};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) x[n++] = tails[i];
    return n;
}

/* dy values: finite ones are checked everywhere; inf only where f' is exactly 0 or clearly
 * non-zero in fp32 (see inf_dy_ok) */
static const float dys[] = {1.0f, -1.0f, 0.7f, -0.3f, 0.0f, -0.0f, NAN, 1e-30f, 0.5f};

static int zero_sign_ok(float got, double exact) {
    if (got != 0 || isnan(exact)) return 1;
    if ((double)(float)exact != 0 && exact != 0) return 1; /* a tiny non-zero got is tested by ULP */
    return !!signbit(got) == !!signbit(exact);
}

typedef struct {
    activ_kind kind;
    float alpha, beta;
} kcase;

static const kcase cases[] = {
    {ACTIV_RELU, 0, 1},         {ACTIV_LEAKY_RELU, 0.01f, 1}, {ACTIV_LEAKY_RELU, 0.2f, 1},
    {ACTIV_LEAKY_RELU, -0.5f, 1}, {ACTIV_PRELU, 0.25f, 1},    {ACTIV_PRELU, -1.5f, 1},
    {ACTIV_ELU, 1, 1},          {ACTIV_ELU, 0.5f, 1},         {ACTIV_ELU, 2.5f, 1},
    {ACTIV_SWISH, 0, 1},        {ACTIV_SWISH, 0, 1.7f},       {ACTIV_SWISH, 0, -0.5f},
    {ACTIV_SWISH, 0, 0},        {ACTIV_SIGMOID, 0, 1},        {ACTIV_TANH, 0, 1},
    {ACTIV_GELU, 0, 1},         {ACTIV_GELU_TANH, 0, 1},      {ACTIV_SOFTPLUS, 0, 1},
    {ACTIV_SOFTPLUS, 0, 0.5f},  {ACTIV_MISH, 0, 1},           {ACTIV_LOGSIGMOID, 0, 1},
};
#define NCASES (sizeof cases / sizeof cases[0])

/* From-output makes sense only for these parameters (header) */
static int fo_ok(const kcase *c) {
    if (!tu_has_from_output(c->kind)) return 0;
    if (c->kind == ACTIV_LEAKY_RELU) return c->alpha > 0;
    if (c->kind == ACTIV_ELU) return c->alpha >= 0;
    return 1;
}

static void against_oracle(const tu_path *p, const kcase *c, const float *x, size_t n) {
    float *y = tu_alloc(n), *dy = tu_alloc(n), *dx = tu_alloc(n);
    const char *kn = tu_kind_str(c->kind);
    CHECK_STATUS(tu_fwd(p, c->kind, c->alpha, c->beta, NULL, 1, 1, x, y, n), ACTIV_OK,
                 "%s %s fwd status", p->name, kn);
    for (size_t i = 0; i < n; i++) {
        double e = activ_ref_forward(c->kind, x[i], c->alpha, c->beta);
        CHECK_ULP(y[i], e, 1.0, "%s %s(a=%g b=%g) fwd x=%a", p->name, kn, c->alpha, c->beta,
                  (double)x[i]);
        CHECK(zero_sign_ok(y[i], e), "%s %s(a=%g b=%g) fwd x=%a: sign of zero (got %g, exact %g)",
              p->name, kn, c->alpha, c->beta, (double)x[i], (double)y[i], e);
        if (isnan(x[i])) CHECK(isnan(y[i]), "%s %s fwd NaN -> %g", p->name, kn, (double)y[i]);
    }
    for (size_t d = 0; d < sizeof dys / sizeof dys[0]; d++) {
        for (size_t i = 0; i < n; i++) dy[i] = dys[d];
        CHECK_STATUS(tu_bwd(p, c->kind, c->alpha, c->beta, NULL, 1, 1, x, dy, dx, n, NULL),
                     ACTIV_OK, "%s %s bwd status", p->name, kn);
        for (size_t i = 0; i < n; i++) {
            double e = activ_ref_backward(c->kind, x[i], dy[i], c->alpha, c->beta);
            CHECK_ULP(dx[i], e, 2.0, "%s %s(a=%g b=%g) bwd x=%a dy=%g", p->name, kn, c->alpha,
                      c->beta, (double)x[i], (double)dy[i]);
            /* the sign of a limit of f' at +-inf is a matter of taste */
            CHECK(isinf(x[i]) || zero_sign_ok(dx[i], e),
                  "%s %s(a=%g b=%g) bwd x=%a dy=%g: sign of zero (got %g, exact %g)", p->name,
                  kn, c->alpha, c->beta, (double)x[i], (double)dy[i], (double)dx[i], e);
        }
        if (!fo_ok(c)) continue;
        /* from-output: the special inputs serve as y values */
        CHECK_STATUS(tu_bwdy(p, c->kind, c->alpha, x, dy, dx, n), ACTIV_OK,
                     "%s %s bwdy status", p->name, kn);
        for (size_t i = 0; i < n; i++) {
            double e = activ_ref_backward_from_output(c->kind, x[i], dy[i], c->alpha);
            CHECK_ULP(dx[i], e, 2.0, "%s %s(a=%g) bwdy y=%a dy=%g", p->name, kn, c->alpha,
                      (double)x[i], (double)dy[i]);
            CHECK(zero_sign_ok(dx[i], e),
                  "%s %s(a=%g) bwdy y=%a dy=%g: sign of zero (got %g, exact %g)", p->name, kn,
                  c->alpha, (double)x[i], (double)dy[i], (double)dx[i], e);
        }
    }
    /* infinite dy: IEEE products (inf * 0 = NaN), at x where f' is exactly 0 mathematically
     * (x = +-inf, relu's x <= 0) or at least FLT_MIN; where the true f' is tiny but not 0
     * (sigmoid'(-200)) both inf and NaN are defensible. */
    for (int s = 0; s < 2; s++) {
        size_t m = 0;
        float *xs = tu_alloc(n);
        for (size_t i = 0; i < n; i++) {
            double d = activ_ref_derivative(c->kind, x[i], c->alpha, c->beta);
            if ((d == 0 && (isinf(x[i]) || c->kind == ACTIV_RELU)) || fabs(d) >= FLT_MIN ||
                isnan(d))
                xs[m++] = x[i];
        }
        for (size_t i = 0; i < m; i++) dy[i] = s ? -INFINITY : INFINITY;
        tu_bwd(p, c->kind, c->alpha, c->beta, NULL, 1, 1, xs, dy, dx, m, NULL);
        for (size_t i = 0; i < m; i++) {
            double e = activ_ref_backward(c->kind, xs[i], dy[i], c->alpha, c->beta);
            CHECK(tu_same(dx[i], (float)e), "%s %s(a=%g b=%g) bwd x=%a dy=%g: got %g want %g",
                  p->name, kn, c->alpha, c->beta, (double)xs[i], (double)dy[i], (double)dx[i],
                  e);
        }
        if (fo_ok(c)) {
            m = 0;
            for (size_t i = 0; i < n; i++) {
                double d = activ_ref_derivative_from_output(c->kind, x[i], c->alpha);
                if (d == 0 || fabs(d) >= FLT_MIN || isnan(d)) xs[m++] = x[i];
            }
            tu_bwdy(p, c->kind, c->alpha, xs, dy, dx, m);
            for (size_t i = 0; i < m; i++) {
                double e = activ_ref_backward_from_output(c->kind, xs[i], dy[i], c->alpha);
                CHECK(tu_same(dx[i], (float)e), "%s %s(a=%g) bwdy y=%a dy=%g: got %g want %g",
                      p->name, kn, c->alpha, (double)xs[i], (double)dy[i], (double)dx[i], e);
            }
        }
        free(xs);
    }
    free(y);
    free(dy);
    free(dx);
}

/* One forward value on a path (n = 1 and n = 37 with the value in the vector body). */
static float fwd1(const tu_path *p, activ_kind k, float a, float b, float x) {
    float xs[37], ys[37];
    for (int i = 0; i < 37; i++) xs[i] = x;
    tu_fwd(p, k, a, b, NULL, 1, 1, xs, ys, 37);
    float y1;
    tu_fwd(p, k, a, b, NULL, 1, 1, &x, &y1, 1);
    CHECK(tu_same(y1, ys[0]) && tu_same(ys[36], ys[0]), "%s %s(%a): n=1 gives %g, n=37 gives %g",
          p->name, tu_kind_str(k), (double)x, (double)y1, (double)ys[0]);
    return ys[17];
}
static float bwd1(const tu_path *p, activ_kind k, float a, float b, float x, float dy) {
    float xs[37], dys[37], dxs[37];
    for (int i = 0; i < 37; i++) xs[i] = x, dys[i] = dy;
    tu_bwd(p, k, a, b, NULL, 1, 1, xs, dys, dxs, 37, NULL);
    return dxs[20];
}
static float bwdy1(const tu_path *p, activ_kind k, float a, float y, float dy) {
    float ys[37], dys[37], dxs[37];
    for (int i = 0; i < 37; i++) ys[i] = y, dys[i] = dy;
    tu_bwdy(p, k, a, ys, dys, dxs, 37);
    return dxs[33];
}

#define EXPECT(got, want, what)                                                        \
    CHECK(tu_identical((got), (want)) || (isnan(got) && isnan(want)),                  \
          "%s: %s = %a, expected %a", p->name, what, (double)(got), (double)(want))

/* The header's explicit promises, bit for bit. */
static void explicit_values(const tu_path *p) {
    const float inf = INFINITY, nan = NAN;
    EXPECT(fwd1(p, ACTIV_RELU, 0, 1, nan), nan, "relu(NaN)");
    EXPECT(fwd1(p, ACTIV_RELU, 0, 1, -nan), nan, "relu(-NaN)");
    EXPECT(fwd1(p, ACTIV_RELU, 0, 1, -0.0f), -0.0f, "relu(-0)");
    EXPECT(fwd1(p, ACTIV_RELU, 0, 1, 0.0f), 0.0f, "relu(+0)");
    EXPECT(fwd1(p, ACTIV_RELU, 0, 1, -inf), 0.0f, "relu(-inf)");
    EXPECT(fwd1(p, ACTIV_RELU, 0, 1, -1.0f), 0.0f, "relu(-1)");
    EXPECT(fwd1(p, ACTIV_RELU, 0, 1, inf), inf, "relu(inf)");
    EXPECT(fwd1(p, ACTIV_RELU, 0, 1, F(1)), F(1), "relu(min subnormal)");
    EXPECT(fwd1(p, ACTIV_LEAKY_RELU, 0.01f, 1, -0.0f), -0.0f, "leaky(-0)");
    EXPECT(fwd1(p, ACTIV_LEAKY_RELU, 0.01f, 1, -inf), -inf, "leaky(-inf)");
    EXPECT(fwd1(p, ACTIV_LEAKY_RELU, 0.01f, 1, nan), nan, "leaky(NaN)");
    EXPECT(fwd1(p, ACTIV_PRELU, 0.25f, 1, -0.0f), -0.0f, "prelu(-0)");
    EXPECT(fwd1(p, ACTIV_PRELU, 0.25f, 1, -4.0f), -1.0f, "prelu(-4)");
    EXPECT(fwd1(p, ACTIV_ELU, 1, 1, -inf), -1.0f, "elu(-inf)");
    EXPECT(fwd1(p, ACTIV_ELU, 0.5f, 1, -inf), -0.5f, "elu(-inf, a=0.5)");
    EXPECT(fwd1(p, ACTIV_ELU, 1, 1, -0.0f), -0.0f, "elu(-0)");
    EXPECT(fwd1(p, ACTIV_ELU, 1, 1, inf), inf, "elu(inf)");
    EXPECT(fwd1(p, ACTIV_ELU, 1, 1, -F(1)), -F(1), "elu(-min subnormal)");
    EXPECT(fwd1(p, ACTIV_ELU, 1, 1, nan), nan, "elu(NaN)");
    EXPECT(fwd1(p, ACTIV_SWISH, 0, 1, -inf), -0.0f, "swish(-inf)");
    EXPECT(fwd1(p, ACTIV_SWISH, 0, 1, inf), inf, "swish(inf)");
    EXPECT(fwd1(p, ACTIV_SWISH, 0, 1, -0.0f), -0.0f, "swish(-0)");
    EXPECT(fwd1(p, ACTIV_SWISH, 0, 1, nan), nan, "swish(NaN)");
    EXPECT(fwd1(p, ACTIV_SWISH, 0, 1.7f, -inf), -0.0f, "swish(-inf, b=1.7)");
    EXPECT(fwd1(p, ACTIV_SWISH, 0, -0.5f, inf), 0.0f, "swish(inf, b=-0.5)");
    EXPECT(fwd1(p, ACTIV_SWISH, 0, -0.5f, -inf), -inf, "swish(-inf, b=-0.5)");
    EXPECT(fwd1(p, ACTIV_SWISH, 0, 0, -inf), -inf, "swish(-inf, b=0)");
    EXPECT(fwd1(p, ACTIV_SWISH, 0, 0, 3.0f), 1.5f, "swish(3, b=0)");
    EXPECT(fwd1(p, ACTIV_SIGMOID, 0, 1, -inf), 0.0f, "sigmoid(-inf)");
    EXPECT(fwd1(p, ACTIV_SIGMOID, 0, 1, inf), 1.0f, "sigmoid(inf)");
    EXPECT(fwd1(p, ACTIV_SIGMOID, 0, 1, -0.0f), 0.5f, "sigmoid(-0)");
    EXPECT(fwd1(p, ACTIV_SIGMOID, 0, 1, 0.0f), 0.5f, "sigmoid(0)");
    EXPECT(fwd1(p, ACTIV_SIGMOID, 0, 1, nan), nan, "sigmoid(NaN)");
    EXPECT(fwd1(p, ACTIV_SIGMOID, 0, 1, FLT_MAX), 1.0f, "sigmoid(FLT_MAX)");
    EXPECT(fwd1(p, ACTIV_SIGMOID, 0, 1, -FLT_MAX), 0.0f, "sigmoid(-FLT_MAX)");
    EXPECT(fwd1(p, ACTIV_TANH, 0, 1, inf), 1.0f, "tanh(inf)");
    EXPECT(fwd1(p, ACTIV_TANH, 0, 1, -inf), -1.0f, "tanh(-inf)");
    EXPECT(fwd1(p, ACTIV_TANH, 0, 1, -0.0f), -0.0f, "tanh(-0)");
    EXPECT(fwd1(p, ACTIV_TANH, 0, 1, F(0x80000001u)), F(0x80000001u), "tanh(-min subnormal)");
    EXPECT(fwd1(p, ACTIV_TANH, 0, 1, nan), nan, "tanh(NaN)");
    /* derivatives at +-inf: limits */
    EXPECT(bwd1(p, ACTIV_SIGMOID, 0, 1, inf, 1), 0.0f, "sigmoid'(inf)");
    EXPECT(bwd1(p, ACTIV_SIGMOID, 0, 1, -inf, 1), 0.0f, "sigmoid'(-inf)");
    EXPECT(bwd1(p, ACTIV_TANH, 0, 1, inf, 1), 0.0f, "tanh'(inf)");
    EXPECT(bwd1(p, ACTIV_TANH, 0, 1, -inf, 1), 0.0f, "tanh'(-inf)");
    EXPECT(bwd1(p, ACTIV_SWISH, 0, 1, inf, 1), 1.0f, "swish'(inf)");
    CHECK(bwd1(p, ACTIV_SWISH, 0, 1, -inf, 1) == 0, "%s: swish'(-inf) is 0", p->name);
    EXPECT(bwd1(p, ACTIV_SWISH, 0, -0.5f, -inf, 1), 1.0f, "swish'(-inf, b=-0.5)");
    EXPECT(bwd1(p, ACTIV_SWISH, 0, 0, inf, 1), 0.5f, "swish'(inf, b=0)");
    EXPECT(bwd1(p, ACTIV_ELU, 1, 1, -inf, 1), 0.0f, "elu'(-inf)");
    EXPECT(bwd1(p, ACTIV_ELU, 1, 1, inf, 1), 1.0f, "elu'(inf)");
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, inf, 1), 1.0f, "relu'(inf)");
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, -inf, 1), 0.0f, "relu'(-inf)");
    /* backward is the IEEE product dy * f'(x) */
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, -1.0f, inf), nan, "inf * relu'(-1)");
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, 1.0f, inf), inf, "inf * relu'(1)");
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, -1.0f, -1.0f), -0.0f, "-1 * relu'(-1)");
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, 1.0f, nan), nan, "NaN * relu'(1)");
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, -1.0f, nan), nan, "NaN * relu'(-1)");
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, nan, 1.0f), nan, "relu'(NaN)");
    EXPECT(bwd1(p, ACTIV_LEAKY_RELU, 0.01f, 1, nan, 1.0f), nan, "leaky'(NaN)");
    EXPECT(bwd1(p, ACTIV_PRELU, 0.25f, 1, nan, 1.0f), nan, "prelu'(NaN)");
    EXPECT(bwd1(p, ACTIV_ELU, 1, 1, nan, 1.0f), nan, "elu'(NaN)");
    EXPECT(bwd1(p, ACTIV_SWISH, 0, 1, nan, 1.0f), nan, "swish'(NaN)");
    EXPECT(bwd1(p, ACTIV_SIGMOID, 0, 1, nan, 1.0f), nan, "sigmoid'(NaN)");
    EXPECT(bwd1(p, ACTIV_TANH, 0, 1, nan, 1.0f), nan, "tanh'(NaN)");
    EXPECT(bwd1(p, ACTIV_SIGMOID, 0, 1, -inf, inf), nan, "inf * sigmoid'(-inf)");
    EXPECT(bwd1(p, ACTIV_TANH, 0, 1, inf, -inf), nan, "-inf * tanh'(inf)");
    EXPECT(bwd1(p, ACTIV_SIGMOID, 0, 1, 0.0f, -inf), -inf, "-inf * sigmoid'(0)");
    EXPECT(bwd1(p, ACTIV_TANH, 0, 1, 0.0f, nan), nan, "NaN * tanh'(0)");
    /* from-output */
    EXPECT(bwdy1(p, ACTIV_RELU, 0, nan, 1), nan, "relu g(NaN)");
    EXPECT(bwdy1(p, ACTIV_RELU, 0, -0.0f, 1), 0.0f, "relu g(-0)");
    EXPECT(bwdy1(p, ACTIV_RELU, 0, 2.0f, -3), -3.0f, "relu g(2)");
    EXPECT(bwdy1(p, ACTIV_RELU, 0, 0.0f, inf), nan, "inf * relu g(0)");
    EXPECT(bwdy1(p, ACTIV_LEAKY_RELU, 0.01f, -0.0f, 1), 0.01f, "leaky g(-0)");
    EXPECT(bwdy1(p, ACTIV_ELU, 1, -1.0f, 1), 0.0f, "elu g(-1)");
    EXPECT(bwdy1(p, ACTIV_ELU, 1, -0.5f, 1), 0.5f, "elu g(-0.5)");
    EXPECT(bwdy1(p, ACTIV_ELU, 1, nan, 1), nan, "elu g(NaN)");
    EXPECT(bwdy1(p, ACTIV_SIGMOID, 0, 0.5f, 1), 0.25f, "sigmoid g(0.5)");
    EXPECT(bwdy1(p, ACTIV_SIGMOID, 0, 1.0f, 1), 0.0f, "sigmoid g(1)");
    EXPECT(bwdy1(p, ACTIV_SIGMOID, 0, nan, 1), nan, "sigmoid g(NaN)");
    EXPECT(bwdy1(p, ACTIV_TANH, 0, -1.0f, 1), 0.0f, "tanh g(-1)");
    EXPECT(bwdy1(p, ACTIV_TANH, 0, -0.0f, 2), 2.0f, "tanh g(-0)");
    EXPECT(bwdy1(p, ACTIV_TANH, 0, nan, 1), nan, "tanh g(NaN)");
}

/* Kinks: PyTorch's conventions, at +0 and -0, for positive and negative dy. */
static void kinks(const tu_path *p) {
    const float zs[2] = {0.0f, -0.0f};
    for (int z = 0; z < 2; z++) {
        float x = zs[z];
        EXPECT(bwd1(p, ACTIV_RELU, 0, 1, x, 1), 0.0f, "relu'(+-0)");
        EXPECT(bwd1(p, ACTIV_RELU, 0, 1, x, -2), -0.0f, "-2 * relu'(+-0)");
        EXPECT(bwd1(p, ACTIV_LEAKY_RELU, 0.01f, 1, x, 1), 0.01f, "leaky'(+-0)");
        EXPECT(bwd1(p, ACTIV_LEAKY_RELU, 0.2f, 1, x, -2), -0.4f, "-2 * leaky'(+-0), a=0.2");
        EXPECT(bwd1(p, ACTIV_PRELU, 0.25f, 1, x, 1), 0.25f, "prelu'(+-0)");
        EXPECT(bwd1(p, ACTIV_ELU, 1, 1, x, 1), 1.0f, "elu'(+-0)");
        EXPECT(bwd1(p, ACTIV_ELU, 0.5f, 1, x, 1), 0.5f, "elu'(+-0), a=0.5");
        EXPECT(bwd1(p, ACTIV_ELU, 2.5f, 1, x, 3), 7.5f, "3 * elu'(+-0), a=2.5");
        EXPECT(bwd1(p, ACTIV_SWISH, 0, 1, x, 1), 0.5f, "swish'(+-0)");
        EXPECT(bwd1(p, ACTIV_SIGMOID, 0, 1, x, 1), 0.25f, "sigmoid'(+-0)");
        EXPECT(bwd1(p, ACTIV_TANH, 0, 1, x, 1), 1.0f, "tanh'(+-0)");
        /* from-output at the kink: y = 0 takes the y <= 0 branch */
        EXPECT(bwdy1(p, ACTIV_RELU, 0, x, 1), 0.0f, "relu g(+-0)");
        EXPECT(bwdy1(p, ACTIV_LEAKY_RELU, 0.2f, x, 1), 0.2f, "leaky g(+-0)");
        EXPECT(bwdy1(p, ACTIV_ELU, 0.5f, x, 1), 0.5f, "elu g(+-0)");
    }
    /* one step either side of the kink */
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, F(1), 1), 1.0f, "relu'(min subnormal)");
    EXPECT(bwd1(p, ACTIV_RELU, 0, 1, F(0x80000001u), 1), 0.0f, "relu'(-min subnormal)");
    EXPECT(bwd1(p, ACTIV_LEAKY_RELU, 0.01f, 1, F(1), 1), 1.0f, "leaky'(min subnormal)");
    EXPECT(bwd1(p, ACTIV_LEAKY_RELU, 0.01f, 1, F(0x80000001u), 1), 0.01f, "leaky'(-min sub)");
    EXPECT(bwd1(p, ACTIV_ELU, 0.5f, 1, F(1), 1), 1.0f, "elu'(min subnormal)");
    EXPECT(bwd1(p, ACTIV_ELU, 0.5f, 1, F(0x80000001u), 1), 0.5f, "elu'(-min subnormal)");
    /* prelu da: x = +-0 adds nothing; x = -2 adds dy * -2 */
    float x[6] = {0.0f, -0.0f, 0.0f, -0.0f, -2.0f, 3.0f}, dy[6] = {1, 1, -5, 7, 0.5f, 9};
    float dx[6], da[2] = {99, 99};
    const float slopes[2] = {0.25f, -0.5f};
    /* channels-last, 2 channels: ch0 = {0, +0, -2}, ch1 = {-0, -0, 3} */
    activ_status s = ACTIV_OK;
    if (p->api) {
        activ_set_isa(p->isa);
        activ_params pr = tu_params(ACTIV_PRELU, 0, 1, slopes, 2, 1);
        s = activ_backward(ACTIV_PRELU, &pr, x, dy, dx, 6, da);
    } else {
        activ_kargs a = tu_kargs(0, 1, slopes, 2, 1);
        double acc[2] = {0, 0};
        p->k->bwd[ACTIV_PRELU](x, dy, dx, 6, &a, acc);
        da[0] = (float)acc[0];
        da[1] = (float)acc[1];
    }
    CHECK_STATUS(s, ACTIV_OK, "%s prelu bwd", p->name);
    CHECK(da[0] == -1.0f && da[1] == 0.0f, "%s prelu kink da = {%g, %g}, expected {-1, 0}",
          p->name, (double)da[0], (double)da[1]);
    const float want[6] = {0.25f, -0.5f, -1.25f, -3.5f, 0.125f, 9};
    for (int i = 0; i < 6; i++)
        CHECK(dx[i] == want[i], "%s prelu kink dx[%d] = %g, expected %g", p->name, i,
              (double)dx[i], (double)want[i]);
}

int main(void) {
    tu_path paths[2 * ACTIV_ISA_COUNT];
    int np = tu_paths(paths);
    CHECK(np >= 2, "at least the scalar path is supported (%d paths)", np);
    float x[128];
    size_t n = special_inputs(x);
    for (int i = 0; i < np; i++) {
        explicit_values(&paths[i]);
        kinks(&paths[i]);
        for (size_t c = 0; c < NCASES; c++) against_oracle(&paths[i], &cases[c], x, n);
    }
    return tu_finish("test_special");
}
