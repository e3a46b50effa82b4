/* test_special_math - the double-precision primitives of src/kernels/math_special.inc
 * (log1p on [0, 1], gelu's scaled erfc W, the root series of gelu', gelu_tanh', mish')
 * against libm in long double, over many inputs. They are compiled here at one lane (the
 * plain C path); the kinds built on them are checked on every path by the accuracy sweep.
 *
 * Bounds: the fits' errors printed by scripts/fit_special.py plus a margin for the Horner
 * roundings: log1p 2^-32.5, W 2^-33, root series 2^-45. The long double reference of the
 * derivatives cancels near their zeros (it loses log2(|f'|/|x - x0| f'') bits of 64), so the
 * 2^-45 check uses |x - x0| >= 2^-14 (reference error < 2^-50), and the floats nearest the
 * zero get 2^-30 (the reference's own limit there is about 2^-36). Prints the largest errors.
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define ACTIV_W 1
#include "kernels/simd.inc"
#define ACTIV_INL static inline __attribute__((always_inline))
#include "kernels/math_special.inc"

static int fails;

static void expect_le(const char *what, double got, double bound) {
    printf("%-28s max rel. error 2^%.2f (bound 2^%.2f)\n", what, log2(got), log2(bound));
    if (!(got <= bound)) {
        printf("FAIL %s\n", what);
        fails++;
    }
}

static uint64_t rs = 0x853c49e6748fea9bull;
static double urand(void) { /* [0, 1) */
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (double)(rs >> 11) * 0x1p-53;
}

static double rel(double got, long double ex) {
    if (ex == 0) return got == 0 ? 0 : INFINITY;
    return (double)fabsl(((long double)got - ex) / ex);
}

/* gelu'(x) = Phi(x) + x phi(x);  gelu_tanh'(x);  mish'(x), in long double */
static long double sigl(long double t) {
    if (t >= 0) return 1 / (1 + expl(-t));
    long double e = expl(t);
    return e / (1 + e);
}
static long double gelu_dl(long double x) {
    return erfcl(-x * 0.70710678118654752440084436210484903928L) / 2 +
           x * expl(-x * x / 2) * 0.39894228040143267793994605993438186848L;
}
static long double gelu_tanh_dl(long double x) {
    long double k2 = 2 * 0.79788456080286535587989211986876373695L;
    long double z = k2 * (x + 0.044715L * x * x * x), v = k2 * x * (1 + 3 * 0.044715L * x * x);
    long double e = expl(-fabsl(z));
    return sigl(z) + v * e / ((1 + e) * (1 + e));
}
static long double mish_dl(long double x) {
    long double sp = log1pl(expl(x)), c = coshl(sp);
    return tanhl(sp) + x * sigl(x) / (c * c);
}

int main(void) {
    /* log1p(u): uniform in [0, 1], log-uniform down to the subnormals, and the ends */
    double m = 0;
    for (int i = 0; i < 2000000; i++) {
        double u = i & 1 ? urand() : exp2(-440.0 * urand()); /* the kernels' u >= e^-300 */
        m = fmax(m, rel(d_log1p01(u), log1pl((long double)u)));
    }
    const double ends[] = {1.0, 0x1p-433, 0x1p-53, 0.5};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        m = fmax(m, rel(d_log1p01(ends[i]), log1pl((long double)ends[i])));
    if (d_log1p01(0.0) != 0.0 || signbit(d_log1p01(0.0))) {
        printf("FAIL log1p(0) is not +0\n");
        fails++;
    }
    expect_le("log1p(u), u in [0, 1]", m, exp2(-32.5));

    /* W(a) = erfc(a/sqrt2) e^(a^2/2) / 2 on [0, 24], and at the fp32 inputs near 0 */
    m = 0;
    for (int i = 0; i <= 2000000; i++) {
        double a = i < 1000000 ? ACTIV_GELU_W_AMAX * i / 1000000.0 : (double)(float)(24 * urand());
        long double al = a;
        long double ex = erfcl(al * 0.70710678118654752440084436210484903928L) * expl(al * al / 2) / 2;
        m = fmax(m, rel(d_gelu_w(a), ex));
    }
    expect_le("W(a), a in [0, 24]", m, 0x1p-33);

    /* the root series inside their windows; untouched outside */
    struct {
        const char *name;
        vd (*fix)(vd, vd);
        long double (*fd)(long double);
        double x0;
    } rt[] = {{"gelu' root series", gelu_root_fix, gelu_dl, ACTIV_GELU_X0_HI},
              {"gelu_tanh' root series", gelu_tanh_root_fix, gelu_tanh_dl, ACTIV_GELU_TANH_X0_HI},
              {"mish' root series", mish_root_fix, mish_dl, ACTIV_MISH_X0_HI}};
    for (int r = 0; r < 3; r++) {
        m = 0;
        int outside_bad = 0;
        for (int i = 0; i < 200000; i++) {
            /* fp32 inputs (what the kernels see), across and beyond the window */
            float xf = (float)(rt[r].x0 + (2 * urand() - 1) * 0.0625);
            double x = xf;
            double g = rt[r].fix(x, 12345.0);
            if (fabs(x - rt[r].x0) < ACTIV_GELU_WIN && fabs(x - rt[r].x0) >= 0x1p-14)
                m = fmax(m, rel(g, rt[r].fd(x)));
            else if (fabs(x - rt[r].x0) >= ACTIV_GELU_WIN)
                outside_bad |= g != 12345.0;
        }
        if (outside_bad) {
            printf("FAIL %s changed a value outside its window\n", rt[r].name);
            fails++;
        }
        expect_le(rt[r].name, m, 0x1p-45);
        /* the floats nearest the zero, where the far formula cancels most */
        m = 0;
        float xf = (float)rt[r].x0;
        for (int k = -8; k <= 8; k++) {
            uint32_t b;
            memcpy(&b, &xf, 4);
            b += (uint32_t)k;
            float xk;
            memcpy(&xk, &b, 4);
            m = fmax(m, rel(rt[r].fix(xk, 12345.0), rt[r].fd(xk)));
        }
        expect_le("  ... the 17 floats nearest x0", m, 0x1p-30);
    }
    printf("test_special_math: %s\n", fails ? "FAILED" : "ok");
    return fails ? 1 : 0;
}
