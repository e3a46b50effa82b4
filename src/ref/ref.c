/* ref.c - the double-precision oracle. See ref.h. Deliberately plain: libm in double, one
 * formula per function, special cases spelled out where IEEE arithmetic would not give the
 * header's limits (inf * 0 in swish). */
#include "ref/ref.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* hardsigmoid: u = alpha*x + beta; the float nearest 1/6 as alpha means x/6 exactly */
static int hsig_sixth(const activ_params *p) { return p->alpha == 1.0f / 6.0f; }
static long double hsig_u(double x, const activ_params *p) {
    if (hsig_sixth(p)) return (long double)x / 6.0L + p->beta;
    return (long double)p->alpha * x + p->beta;
}
static double hsig_slope(const activ_params *p) { return hsig_sixth(p) ? 1.0 / 6.0 : p->alpha; }

/* s(t) = 1 / (1 + e^-t), accurate for both signs (no 1 - tiny cancellation). */
static double sigm(double t) {
    if (t >= 0) return 1.0 / (1.0 + exp(-t));
    double e = exp(t);
    return e / (1.0 + e);
}

/* s(t) * (1 - s(t)) = e / (1 + e)^2 with e = e^-|t|: no cancellation in the tails. */
static double sigm_slope(double t) {
    double e = exp(-fabs(t));
    double d = 1.0 + e;
    return e / (d * d);
}

/* the parameters of the old (alpha, beta) calls: the kind's defaults with those two */
static activ_params ref_ab(activ_kind kind, float alpha, float beta) {
    activ_params p = activ_default_params(kind);
    p.alpha = alpha;
    p.beta = beta;
    return p;
}

double activ_ref_forward(activ_kind kind, float x, float alpha, float beta) {
    activ_params p = ref_ab(kind, alpha, beta);
    return activ_ref_forward_p(kind, x, &p);
}

double activ_ref_forward_p(activ_kind kind, float xf, const activ_params *p) {
    double x = xf, a = p->alpha, b = p->beta;
    if (isnan(x)) return x;
    switch (kind) {
    case ACTIV_RELU:
        if (x > 0 || x == 0) return x; /* keeps -0 */
        return 0.0;
    case ACTIV_LEAKY_RELU:
    case ACTIV_PRELU:
        return x > 0 ? x : a * x;
    case ACTIV_ELU:
        return x > 0 ? x : a * expm1(x); /* expm1(-0) = -0, expm1(-inf) = -1 */
    case ACTIV_SWISH: {
        if (isinf(x)) {
            if (b == 0) return 0.5 * x;
            /* x * s(bx) -> x where bx -> +inf, -> 0 (sign of x) where bx -> -inf */
            return (b > 0) == (x > 0) ? x : copysign(0.0, x);
        }
        return x * sigm(b * x); /* b*x is exact in double */
    }
    case ACTIV_SIGMOID:
        return sigm(x);
    case ACTIV_TANH:
        return tanh(x);
    case ACTIV_RELU6:
        return x < 0 ? 0.0 : x > 6 ? 6.0 : x; /* keeps -0 */
    case ACTIV_HARDTANH:
        return x < p->min_val ? (double)p->min_val : x > p->max_val ? (double)p->max_val : x;
    case ACTIV_HARDSIGMOID: {
        long double u = hsig_u(x, p);
        return (double)(u < 0 ? 0.0L : u > 1 ? 1.0L : u);
    }
    case ACTIV_HARDSWISH:
        if (x <= -3) return -0.0;
        if (x >= 3) return x;
        return (double)((long double)x * ((long double)x + 3.0L) / 6.0L);
    case ACTIV_SOFTSIGN:
        if (isinf(x)) return copysign(1.0, x);
        return (double)((long double)x / (1.0L + fabsl((long double)x)));
    case ACTIV_RELU2:
        return x > 0 ? x * x : 0.0; /* exact in double */
    case ACTIV_THRESHOLDED_RELU:
        return x > a ? x : 0.0;
    case ACTIV_SELU:
        return x > 0 ? (double)p->gamma * x : (double)p->gamma * a * expm1(x);
    case ACTIV_CELU:
        return x > 0 ? x : a * expm1(x / a);
    default:
        return NAN;
    }
}

/* swish'(x) = s + t*s*(1-s), t = b*x, written as s*(1 + t*(1-s)). Near the zero of f'
 * (t ~ -1.2785) the double sum cancels; redo it in long double there. */
static double swish_deriv(double x, double b) {
    if (isinf(x)) {
        if (b == 0) return 0.5;
        /* on the side where s(bx) -> 0, f' = s*(1 + bx*(1-s)) approaches 0 from below */
        return (b > 0) == (x > 0) ? 1.0 : -0.0;
    }
    double t = b * x;
    double e = exp(-fabs(t)), r = 1.0 / (1.0 + e);
    double s = t >= 0 ? r : e * r, oms = t >= 0 ? e * r : r; /* s(t), s(-t) = 1 - s(t) */
    double inner = 1.0 + t * oms;
    if (fabs(inner) < 1e-3) {
        long double tl = (long double)b * (long double)x;
        long double e = expl(-fabsl(tl));
        long double sl = tl >= 0 ? 1.0L / (1.0L + e) : e / (1.0L + e);
        long double omsl = tl >= 0 ? e / (1.0L + e) : 1.0L / (1.0L + e);
        return (double)(sl * (1.0L + tl * omsl));
    }
    return s * inner;
}

double activ_ref_derivative(activ_kind kind, float x, float alpha, float beta) {
    activ_params p = ref_ab(kind, alpha, beta);
    return activ_ref_derivative_p(kind, x, &p);
}

double activ_ref_derivative_p(activ_kind kind, float xf, const activ_params *p) {
    double x = xf, a = p->alpha, b = p->beta;
    if (isnan(x)) return x;
    switch (kind) {
    case ACTIV_RELU:
        return x > 0 ? 1.0 : 0.0;
    case ACTIV_LEAKY_RELU:
    case ACTIV_PRELU:
        return x > 0 ? 1.0 : a;
    case ACTIV_ELU:
        return x > 0 ? 1.0 : a * exp(x); /* x <= 0 branch at 0: a */
    case ACTIV_SWISH:
        return swish_deriv(x, b);
    case ACTIV_SIGMOID:
        return sigm_slope(x);
    case ACTIV_TANH: {
        /* 1 - tanh^2 = sech^2 = 4e / (1 + e)^2, e = e^-2|x| */
        double e = exp(-2.0 * fabs(x));
        double d = 1.0 + e;
        return 4.0 * e / (d * d);
    }
    case ACTIV_RELU6:
        return x > 0 && x < 6 ? 1.0 : 0.0;
    case ACTIV_HARDTANH:
        return x > p->min_val && x < p->max_val ? 1.0 : 0.0;
    case ACTIV_HARDSIGMOID: {
        long double u = hsig_u(x, p);
        return u > 0 && u < 1 ? hsig_slope(p) : 0.0;
    }
    case ACTIV_HARDSWISH: /* PyTorch: the middle branch at -3 and 3 */
        if (x < -3) return 0.0;
        if (x > 3) return 1.0;
        return (double)((long double)x / 3.0L + 0.5L);
    case ACTIV_SOFTSIGN: {
        long double d = 1.0L + fabsl((long double)x);
        return (double)(1.0L / (d * d));
    }
    case ACTIV_RELU2:
        return x > 0 ? 2.0 * x : 0.0;
    case ACTIV_THRESHOLDED_RELU:
        return x > a ? 1.0 : 0.0;
    case ACTIV_SELU:
        return x > 0 ? (double)p->gamma : (double)p->gamma * a * exp(x);
    case ACTIV_CELU:
        return x > 0 ? 1.0 : exp(x / a);
    default:
        return NAN;
    }
}

double activ_ref_derivative_from_output(activ_kind kind, float y, float alpha) {
    activ_params p = ref_ab(kind, alpha, 1.0f);
    return activ_ref_derivative_from_output_p(kind, y, &p);
}

double activ_ref_derivative_from_output_p(activ_kind kind, float yf, const activ_params *p) {
    double y = yf, a = p->alpha;
    if (isnan(y)) return y;
    switch (kind) {
    case ACTIV_RELU:
        return y > 0 ? 1.0 : 0.0;
    case ACTIV_LEAKY_RELU:
        return y > 0 ? 1.0 : a;
    case ACTIV_ELU:
        return y > 0 ? 1.0 : y + a; /* exact: two floats with close exponents */
    case ACTIV_SIGMOID:
        return y * (1.0 - y);
    case ACTIV_TANH:
        return 1.0 - y * y; /* y*y exact in double */
    case ACTIV_RELU6:
        return y > 0 && y < 6 ? 1.0 : 0.0;
    case ACTIV_HARDTANH:
        return y > p->min_val && y < p->max_val ? 1.0 : 0.0;
    case ACTIV_HARDSIGMOID:
        return y > 0 && y < 1 ? hsig_slope(p) : 0.0;
    case ACTIV_SOFTSIGN: {
        double t = 1.0 - fabs(y); /* exact */
        return t * t;             /* exact: 24-bit t */
    }
    case ACTIV_RELU2:
        return y > 0 ? 2.0 * sqrt(y) : 0.0;
    case ACTIV_THRESHOLDED_RELU:
        return y > a ? 1.0 : 0.0;
    case ACTIV_SELU:
        return y > 0 ? (double)p->gamma : y + (double)p->gamma * a; /* exact */
    case ACTIV_CELU:
        return y > 0 ? 1.0 : (double)(((long double)y + a) / a);
    default:
        return NAN;
    }
}

double activ_ref_swish_dbeta(float xf, float beta) {
    double x = xf, b = beta;
    if (isnan(x)) return x;
    if (isinf(x)) return b == 0 ? INFINITY : 0.0;
    return x * x * sigm_slope(b * x);
}

double activ_ref_backward(activ_kind kind, float x, float dy, float alpha, float beta) {
    return (double)dy * activ_ref_derivative(kind, x, alpha, beta);
}

double activ_ref_backward_from_output(activ_kind kind, float y, float dy, float alpha) {
    return (double)dy * activ_ref_derivative_from_output(kind, y, alpha);
}

double activ_ulp_of(double exact) {
    double a = fabs(exact);
    if (a < 0x1p-126) return 0x1p-149;
    if (a >= (double)FLT_MAX) return 0x1p104;
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1023; /* a in [2^e, 2^(e+1)) */
    uint64_t ub = (uint64_t)(e - 23 + 1023) << 52;
    double u;
    memcpy(&u, &ub, sizeof u);
    return u;
}

double activ_ulp_error(float got, double exact) {
    int gn = isnan(got), en = isnan(exact);
    if (gn || en) return (gn && en) ? 0.0 : INFINITY;
    if (isinf(exact)) return ((double)got == exact) ? 0.0 : INFINITY;
    if (isinf(got)) {
        /* overflow: an infinity counts as 2^128 (the step after FLT_MAX), so an exact value
         * that rounds to it (|exact| >= 2^128 - 2^103) is 0 ULP away */
        if ((got > 0) != (exact > 0)) return INFINITY;
        double a = fabs(exact);
        return a >= 0x1p128 - 0x1p103 ? 0.0 : (0x1p128 - a) / 0x1p104;
    }
    return fabs((double)got - exact) / activ_ulp_of(exact);
}
