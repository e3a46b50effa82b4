/* ref_smooth.c - the oracle for gelu, gelu_tanh, softplus, mish and logsigmoid (ref.h).
 *
 * Plain libm in double (erfc, exp, expm1, log1p, tanh, cosh), written from the definitions,
 * independently of the kernels' polynomials, plus long double (x87: 64-bit significand)
 * near the zeros of the three derivatives that have one, where Phi + x phi and its cousins
 * cancel.
 *
 * Why this is accurate enough to judge a correctly rounded fp32 result (the sweep's bound is
 * 1 ULP forward, 2 backward; an oracle error below 2^-40 relative is < 2^-16 ULP):
 *   gelu       x * erfc(-x/sqrt2) / 2. The argument -x * M_SQRT1_2 is off by < 2^-52.4
 *              relative; erfc's sensitivity |d ln erfc(z) / d ln z| ~ 2 z^2 is < 450 for
 *              z < 15 (|x| < 21: beyond, every fp32 result is x or -0), so < 2^-43.5, plus
 *              glibc's erfc (a few double ULP). For x >= 0 erfc(-z) is in [1, 2].
 *   gelu'      erfc(-z)/2 + x e^(-x^2/2)/sqrt(2 pi) (x^2/2 exact): no cancellation for x > 0;
 *              for x < 0 the terms cancel near x0 = -0.75179. Within 0.05 of x0 long double:
 *              the nearest floats to x0 are 2^-26.3 away, where the cancellation costs 25.4
 *              bits of 64: < 2^-37 relative. Elsewhere the amplification is < 40: < 2^-47.
 *   gelu_tanh  x s(z), z = 2k(x + 0.044715 x^3) (z off by < 4 * 2^-53 relative, which moves
 *              s(z) by < |z| 2^-51 < 2^-44 where the result is not 0); the derivative
 *              s + v s(1-s), v = x z', in long double near its zero (-0.75246), as gelu'.
 *   softplus   (max(z,0) + log1p(e^-|z|))/b, z = b x exact; x where z > threshold. The
 *              derivative s(z) (1 above the threshold), from the output -expm1(-b y).
 *   mish       x tanh(log1p(e^x)): log1p and tanh keep relative accuracy for tiny e^x; the
 *              derivative tanh(sp) + x sech^2(sp) s(x) (sech^2 = 1/cosh^2: no 1 - T^2
 *              cancellation), in long double near its zero (-1.19243: nearest float 2^-28.3
 *              away, 27.5 bits lost of 64).
 *   logsigmoid min(x,0) - log1p(e^-|x|) (terms of one sign); derivative s(-x); from the
 *              output -expm1(y).
 */
#include "ref/ref.h"

#include <math.h>

#define SQRT_2_OVER_PI 0.79788456080286535588   /* sqrt(2/pi) */
#define INV_SQRT_2PI 0.39894228040143267794     /* 1/sqrt(2 pi) */
#define GELU_TANH_KAPPA 0.044715

static double sig(double t) {
    if (t >= 0) return 1.0 / (1.0 + exp(-t));
    double e = exp(t);
    return e / (1.0 + e);
}
static long double sigl(long double t) {
    if (t >= 0) return 1.0L / (1.0L + expl(-t));
    long double e = expl(t);
    return e / (1.0L + e);
}

double activ_ref_gelu(double x) {
    if (isnan(x)) return x;
    if (isinf(x)) return x > 0 ? x : -0.0;
    return x * 0.5 * erfc(-x * M_SQRT1_2);
}

double activ_ref_gelu_deriv(double x) {
    if (isnan(x)) return x;
    if (isinf(x)) return x > 0 ? 1.0 : -0.0; /* f' -> 0 from below */
    if (fabs(x + 0.7517915246935645) < 0.05) {
        long double xl = x;
        return (double)(erfcl(-xl * 0.70710678118654752440084436210484903928L) / 2 +
                        xl * expl(-xl * xl / 2) * 0.39894228040143267793994605993438186848L);
    }
    /* below -38.5 both terms underflow: f' is negative, below 2^-1000 */
    if (x < -38.5) return -0.0;
    return erfc(-x * M_SQRT1_2) / 2 + x * exp(-x * x / 2) * INV_SQRT_2PI;
}

double activ_ref_gelu_tanh(double x) {
    if (isnan(x)) return x;
    if (isinf(x)) return x > 0 ? x : -0.0;
    double z = 2.0 * SQRT_2_OVER_PI * (x + GELU_TANH_KAPPA * x * x * x);
    return x * sig(z); /* x/2 (1 + tanh(z/2)) */
}

double activ_ref_gelu_tanh_deriv(double x) {
    if (isnan(x)) return x;
    if (isinf(x)) return x > 0 ? 1.0 : -0.0;
    if (fabs(x + 0.7524614220710163) < 0.05) {
        long double xl = x, k2 = 2 * 0.79788456080286535587989211986876373695L;
        long double z = k2 * (xl + 0.044715L * xl * xl * xl);
        long double v = k2 * xl * (1 + 3 * 0.044715L * xl * xl);
        long double s = sigl(z), e = expl(-fabsl(z));
        return (double)(s + v * e / ((1 + e) * (1 + e)));
    }
    double z = 2.0 * SQRT_2_OVER_PI * (x + GELU_TANH_KAPPA * x * x * x);
    double v = 2.0 * SQRT_2_OVER_PI * x * (1.0 + 3.0 * GELU_TANH_KAPPA * x * x);
    double e = exp(-fabs(z)), d = 1.0 + e;
    if (e == 0) return z > 0 ? 1.0 : -0.0; /* the limits (f' < 0 on the negative side) */
    return sig(z) + v * (e / (d * d)); /* s + v s (1 - s) */
}

double activ_ref_softplus(double x, double beta, double threshold) {
    if (isnan(x)) return x;
    double z = beta * x;
    if (z > threshold) return x;
    return (fmax(z, 0.0) + log1p(exp(-fabs(z)))) / beta;
}

double activ_ref_softplus_deriv(double x, double beta, double threshold) {
    if (isnan(x)) return x;
    double z = beta * x;
    if (z > threshold) return 1.0;
    return sig(z);
}

double activ_ref_softplus_deriv_from_output(double y, double beta, double threshold) {
    if (isnan(y)) return y;
    if (beta * y > threshold) return 1.0;
    if (y <= 0) return 0.0;
    return -expm1(-beta * y);
}

double activ_ref_mish(double x) {
    if (isnan(x)) return x;
    if (isinf(x)) return x > 0 ? x : -0.0;
    return x * tanh(log1p(exp(x)));
}

double activ_ref_mish_deriv(double x) {
    if (isnan(x)) return x;
    if (isinf(x)) return x > 0 ? 1.0 : -0.0;
    if (fabs(x + 1.1924312145154952) < 0.05) {
        long double xl = x, sp = log1pl(expl(xl)), c = coshl(sp);
        return (double)(tanhl(sp) + xl * sigl(xl) / (c * c));
    }
    if (x < -745) return -0.0; /* e^x underflows; f' ~ (1 + x) e^x is negative */
    double sp = log1p(exp(x)), c = cosh(sp);
    return tanh(sp) + x * sig(x) / (c * c);
}

double activ_ref_logsigmoid(double x) {
    if (isnan(x)) return x;
    double l = log1p(exp(-fabs(x)));
    return x > 0 ? -l : x - l; /* -l: -0 where e^-x underflows (the limit from below) */
}

double activ_ref_logsigmoid_deriv(double x) {
    if (isnan(x)) return x;
    return sig(-x);
}

double activ_ref_logsigmoid_deriv_from_output(double y) {
    if (isnan(y)) return y;
    return y >= 0 ? 0.0 : -expm1(y);
}
