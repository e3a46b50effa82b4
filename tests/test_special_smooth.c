/* test_special_smooth.c - the header's explicit values for gelu, gelu_tanh, softplus, mish and
 * logsigmoid on every code path (kernel tables and the API after activ_set_isa): signed
 * zeros, infinities, NaN, the derivatives' limits, softplus's threshold switch with PyTorch's
 * gradient there, and the argument checks of the new parameters. (The special inputs against
 * the oracle, for these kinds too, are in test_special.c; every input is in the sweep.)
 * Expected values are limits or exactly representable, or computed here from libm. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "testutil.h"

/* one value on a path, n = 37 (vector body) and n = 1 (tail) must agree */
static float fwd1(const tu_path *p, activ_kind k, float b, float x) {
    float xs[37], ys[37], y1;
    for (int i = 0; i < 37; i++) xs[i] = x;
    tu_fwd(p, k, 1, b, NULL, 1, 1, xs, ys, 37);
    tu_fwd(p, k, 1, b, NULL, 1, 1, &x, &y1, 1);
    CHECK(tu_same(y1, ys[0]) && tu_same(ys[36], ys[0]), "%s %s(%a): n=1 %g, n=37 %g", p->name,
          tu_kind_str(k), (double)x, (double)y1, (double)ys[0]);
    return ys[17];
}
static float bwd1(const tu_path *p, activ_kind k, float b, float x, float dy) {
    float xs[37], dys[37], dxs[37];
    for (int i = 0; i < 37; i++) xs[i] = x, dys[i] = dy;
    tu_bwd(p, k, 1, b, NULL, 1, 1, xs, dys, dxs, 37, NULL);
    return dxs[20];
}
static float bwdy1(const tu_path *p, activ_kind k, float y, float dy) {
    float ys[37], dys[37], dxs[37];
    for (int i = 0; i < 37; i++) ys[i] = y, dys[i] = dy;
    tu_bwdy(p, k, 1, ys, dys, dxs, 37);
    return dxs[33];
}

#define EXPECT(got, want, what)                                                              \
    CHECK(tu_identical((got), (want)) || (isnan(got) && isnan(want)), "%s: %s = %a, want %a", \
          p->name, what, (double)(got), (double)(want))
#define EXPECT_ZERO(got, what) CHECK((got) == 0, "%s: %s = %a, want 0", p->name, what, (double)(got))

static void values(const tu_path *p) {
    const float inf = INFINITY, nan = NAN, ln2 = (float)M_LN2;
    const activ_kind negzero_kinds[] = {ACTIV_GELU, ACTIV_GELU_TANH, ACTIV_MISH};
    for (int i = 0; i < 3; i++) {
        activ_kind k = negzero_kinds[i];
        EXPECT(fwd1(p, k, 1, -0.0f), -0.0f, "f(-0)");
        EXPECT(fwd1(p, k, 1, 0.0f), 0.0f, "f(+0)");
        EXPECT(fwd1(p, k, 1, -inf), -0.0f, "f(-inf)");
        EXPECT(fwd1(p, k, 1, -1e30f), -0.0f, "f(-1e30)");
        EXPECT(fwd1(p, k, 1, inf), inf, "f(inf)");
        EXPECT(fwd1(p, k, 1, FLT_MAX), FLT_MAX, "f(FLT_MAX)");
        EXPECT(fwd1(p, k, 1, nan), nan, "f(NaN)");
        EXPECT(bwd1(p, k, 1, inf, 1), 1.0f, "f'(inf)");
        EXPECT_ZERO(bwd1(p, k, 1, -inf, 1), "f'(-inf)");
        EXPECT(bwd1(p, k, 1, nan, 1), nan, "f'(NaN)");
        EXPECT(bwd1(p, k, 1, 1.0f, nan), nan, "NaN * f'(1)");
        EXPECT(bwd1(p, k, 1, 2.0f, inf), inf, "inf * f'(2)");
    }
    /* f'(0): gelu and gelu_tanh 1/2; mish tanh(log 2) = 3/5 */
    EXPECT(bwd1(p, ACTIV_GELU, 1, -0.0f, 1), 0.5f, "gelu'(-0)");
    EXPECT(bwd1(p, ACTIV_GELU_TANH, 1, 0.0f, 1), 0.5f, "gelu_tanh'(0)");
    EXPECT(bwd1(p, ACTIV_MISH, 1, 0.0f, 1), 0.6f, "mish'(0)");
    /* softplus */
    EXPECT(fwd1(p, ACTIV_SOFTPLUS, 1, -inf), 0.0f, "softplus(-inf)");
    EXPECT(fwd1(p, ACTIV_SOFTPLUS, 1, inf), inf, "softplus(inf)");
    EXPECT(fwd1(p, ACTIV_SOFTPLUS, 1, -0.0f), ln2, "softplus(-0)");
    EXPECT(fwd1(p, ACTIV_SOFTPLUS, 2, 0.0f), (float)(M_LN2 / 2), "softplus(0, b=2)");
    EXPECT(fwd1(p, ACTIV_SOFTPLUS, 1, nan), nan, "softplus(NaN)");
    EXPECT(fwd1(p, ACTIV_SOFTPLUS, 1, 30.0f), 30.0f, "softplus(30) (linear)");
    EXPECT(bwd1(p, ACTIV_SOFTPLUS, 1, -inf, 1), 0.0f, "softplus'(-inf)");
    EXPECT(bwd1(p, ACTIV_SOFTPLUS, 1, inf, 1), 1.0f, "softplus'(inf)");
    EXPECT(bwd1(p, ACTIV_SOFTPLUS, 1, 0.0f, 1), 0.5f, "softplus'(0)");
    EXPECT(bwd1(p, ACTIV_SOFTPLUS, 1, -inf, inf), nan, "inf * softplus'(-inf)");
    EXPECT(bwdy1(p, ACTIV_SOFTPLUS, 0.0f, 1), 0.0f, "softplus g(0)");
    EXPECT(bwdy1(p, ACTIV_SOFTPLUS, -1.0f, 1), 0.0f, "softplus g(-1) (outside the range)");
    EXPECT(bwdy1(p, ACTIV_SOFTPLUS, inf, 1), 1.0f, "softplus g(inf)");
    EXPECT(bwdy1(p, ACTIV_SOFTPLUS, ln2, 1), (float)-expm1(-(double)ln2), "softplus g(log 2)");
    EXPECT(bwdy1(p, ACTIV_SOFTPLUS, nan, 1), nan, "softplus g(NaN)");
    /* logsigmoid */
    EXPECT(fwd1(p, ACTIV_LOGSIGMOID, 1, -inf), -inf, "logsigmoid(-inf)");
    EXPECT(fwd1(p, ACTIV_LOGSIGMOID, 1, inf), -0.0f, "logsigmoid(inf)");
    EXPECT(fwd1(p, ACTIV_LOGSIGMOID, 1, 200.0f), -0.0f, "logsigmoid(200)");
    EXPECT(fwd1(p, ACTIV_LOGSIGMOID, 1, -0.0f), -ln2, "logsigmoid(-0)");
    EXPECT(fwd1(p, ACTIV_LOGSIGMOID, 1, -FLT_MAX), -FLT_MAX, "logsigmoid(-FLT_MAX)");
    EXPECT(fwd1(p, ACTIV_LOGSIGMOID, 1, 100.0f), (float)-exp(-100.0), "logsigmoid(100) (subnormal)");
    EXPECT(fwd1(p, ACTIV_LOGSIGMOID, 1, nan), nan, "logsigmoid(NaN)");
    EXPECT(bwd1(p, ACTIV_LOGSIGMOID, 1, -inf, 1), 1.0f, "logsigmoid'(-inf)");
    EXPECT(bwd1(p, ACTIV_LOGSIGMOID, 1, inf, 1), 0.0f, "logsigmoid'(inf)");
    EXPECT(bwd1(p, ACTIV_LOGSIGMOID, 1, 0.0f, 1), 0.5f, "logsigmoid'(0)");
    EXPECT(bwdy1(p, ACTIV_LOGSIGMOID, -inf, 1), 1.0f, "logsigmoid g(-inf)");
    EXPECT(bwdy1(p, ACTIV_LOGSIGMOID, -0.0f, 1), 0.0f, "logsigmoid g(-0)");
    EXPECT(bwdy1(p, ACTIV_LOGSIGMOID, 1.0f, 1), 0.0f, "logsigmoid g(1) (outside the range)");
    EXPECT(bwdy1(p, ACTIV_LOGSIGMOID, -ln2, 1), 0.5f, "logsigmoid g(-log 2)");
}

/* softplus's switch, PyTorch's convention: b x > t is linear (f = x, f' = 1); at b x = t the
 * smooth branch, value and gradient. Threshold 1 and 5 make the two branches differ in fp32. */
static void threshold_switch(const tu_path *p) {
    if (!p->api) return; /* the threshold is only reachable through activ_params */
    const struct { float b, t, x; } sw[] = {{1, 1, 1.0f}, {2, 5, 2.5f}, {0.5f, 1.5f, 3.0f}};
    for (int i = 0; i < 3; i++) {
        activ_params q = activ_default_params(ACTIV_SOFTPLUS);
        q.beta = sw[i].b;
        q.threshold = sw[i].t;
        float x[2] = {sw[i].x, nextafterf(sw[i].x, INFINITY)}, y[2], dy[2] = {1, 1}, dx[2], dxy[2];
        CHECK_STATUS(activ_forward(ACTIV_SOFTPLUS, &q, x, y, 2), ACTIV_OK, "softplus fwd");
        CHECK_STATUS(activ_backward(ACTIV_SOFTPLUS, &q, x, dy, dx, 2, NULL), ACTIV_OK, "bwd");
        CHECK_STATUS(activ_backward_from_output(ACTIV_SOFTPLUS, &q, &x[1], dy, dxy, 1), ACTIV_OK,
                     "bwdy");
        double z = (double)sw[i].b * x[0]; /* = t: the smooth branch */
        EXPECT(y[0], (float)(log1p(exp(z)) / sw[i].b), "softplus at b x = t");
        EXPECT(dx[0], (float)(1 / (1 + exp(-z))), "softplus' at b x = t (smooth branch)");
        EXPECT(y[1], x[1], "softplus just above the switch (linear)");
        EXPECT(dx[1], 1.0f, "softplus' just above the switch");
        EXPECT(dxy[0], 1.0f, "softplus g(y) for a y of the linear branch");
    }
}

static void argument_checks(void) {
    float x[4] = {0}, y[4], dy[4] = {1, 1, 1, 1};
    activ_params q = activ_default_params(ACTIV_SOFTPLUS);
    CHECK(q.beta == 1.0f && q.threshold == 20.0f, "softplus defaults beta 1, threshold 20");
    const float bad_beta[] = {0.0f, -0.0f, -1.0f, NAN, INFINITY};
    for (int i = 0; i < 5; i++) {
        q.beta = bad_beta[i];
        CHECK_STATUS(activ_forward(ACTIV_SOFTPLUS, &q, x, y, 4), ACTIV_ERR_PARAM, "softplus beta %g",
                     (double)bad_beta[i]);
        CHECK_STATUS(activ_backward(ACTIV_SOFTPLUS, &q, x, dy, y, 4, NULL), ACTIV_ERR_PARAM,
                     "softplus' beta %g", (double)bad_beta[i]);
    }
    q = activ_default_params(ACTIV_SOFTPLUS);
    q.threshold = INFINITY;
    CHECK_STATUS(activ_forward(ACTIV_SOFTPLUS, &q, x, y, 4), ACTIV_ERR_PARAM, "threshold inf");
    q.threshold = -3.0f; /* any finite threshold is allowed */
    CHECK_STATUS(activ_forward(ACTIV_SOFTPLUS, &q, x, y, 4), ACTIV_OK, "threshold -3");
    const activ_kind no_fo[] = {ACTIV_GELU, ACTIV_GELU_TANH, ACTIV_MISH};
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(activ_backward_from_output(no_fo[i], NULL, x, dy, y, 4), ACTIV_ERR_UNSUPPORTED,
                     "%s has no from-output form", activ_kind_name(no_fo[i]));
    CHECK_STATUS(activ_backward_from_output(ACTIV_LOGSIGMOID, NULL, x, dy, y, 4), ACTIV_OK,
                 "logsigmoid from output");
}

int main(void) {
    tu_path paths[2 * ACTIV_ISA_COUNT];
    int np = tu_paths(paths);
    for (int i = 0; i < np; i++) {
        values(&paths[i]);
        threshold_switch(&paths[i]);
    }
    argument_checks();
    return tu_finish("test_special_smooth");
}
