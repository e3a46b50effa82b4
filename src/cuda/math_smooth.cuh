/* math_smooth.cuh - device math of gelu, gelu_tanh, softplus, mish and logsigmoid, included by
 * math.cuh (inside namespace activ_cuda_math, after exp_neg/expm1_neg). __host__ __device__,
 * so tests/cuda/test_cuda_math_host.cu checks these very bits against the oracle.
 *
 * The same formulas as the CPU kernels (src/kernels/math_smooth.inc, where each error
 * argument is written out) and the same fitted polynomials (src/kernels/special_coef.h:
 * log1p on [0, 1] 2^-32.9, the scaled erfc W 2^-33.4, the Taylor series at the zeros of
 * gelu', gelu_tanh', mish' 2^-48.8), with math.cuh's own exp_neg/expm1_neg (2^-42) in place
 * of the CPU's degree-6 exp, explicit fma() and IEEE division (no reciprocal estimates).
 * The bounds of the CPU argument therefore hold with room: eps < 2^-28.5 forward (0.52 ULP
 * after the final rounding), < 2^-26 backward.
 */
#ifndef ACTIV_CUDA_MATH_SMOOTH_CUH
#define ACTIV_CUDA_MATH_SMOOTH_CUH

#include "../kernels/special_coef.h" /* relative: the CUDA targets do not put src/ on the path */

#define ACTIV_CM_INV_SQRT_2PI 0x1.9884533d43651p-2 /* 1/sqrt(2 pi) */
#define ACTIV_CM_GT_2K 0x1.9884533d43651p+0        /* 2 sqrt(2/pi) */
#define ACTIV_CM_GT_KAPPA 0.044715

/* log1p(u), u in [0, 1] */
ACTIV_HD double log1p01(double u) {
    const double c[] = ACTIV_LOG1P_C;
    double p = c[ACTIV_LOG1P_DEG];
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int k = ACTIV_LOG1P_DEG - 1; k >= 0; k--) p = fma(p, u, c[k]);
    return u * p;
}

/* W(a) = erfc(a/sqrt2) e^(a^2/2) / 2, a in [0, 24] */
ACTIV_HD double gelu_w(double a) {
    const double c[] = ACTIV_GELU_W_C;
    double t = (a - ACTIV_GELU_W_K) / (a + ACTIV_GELU_W_K);
    double p = c[ACTIV_GELU_W_DEG];
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int k = ACTIV_GELU_W_DEG - 1; k >= 0; k--) p = fma(p, t, c[k]);
    return p;
}

/* d * S(d) near the zero of f' (which = 0 gelu, 1 gelu_tanh, 2 mish); returns 0 and leaves g
 * alone outside the window */
ACTIV_HD bool root_series(int which, double x, double *g) {
    const double c0[] = ACTIV_GELU_S_C, c1[] = ACTIV_GELU_TANH_S_C, c2[] = ACTIV_MISH_S_C;
    const double hi = which == 0 ? ACTIV_GELU_X0_HI : which == 1 ? ACTIV_GELU_TANH_X0_HI : ACTIV_MISH_X0_HI;
    const double lo = which == 0 ? ACTIV_GELU_X0_LO : which == 1 ? ACTIV_GELU_TANH_X0_LO : ACTIV_MISH_X0_LO;
    const double *c = which == 0 ? c0 : which == 1 ? c1 : c2;
    double d1 = x - hi;
    if (!(fabs(d1) < ACTIV_GELU_WIN)) return false; /* the three windows are equal */
    double d = d1 - lo;
    double p = c[ACTIV_GELU_S_DEG];
    for (int k = ACTIV_GELU_S_DEG - 1; k >= 0; k--) p = fma(p, d, c[k]);
    *g = d * p;
    return true;
}

ACTIV_HD double gelu_f(double x) {
    if (x != x) return x;
    if (x == -INFINITY) return -0.0;
    double a = fmin(fabs(x), ACTIV_GELU_W_AMAX);
    double q = exp_neg(-0.5 * (a * a)) * gelu_w(a); /* Phi(-|x|) */
    return x * (x < 0 ? q : 1.0 - q);
}
ACTIV_HD double gelu_deriv(double x) {
    if (x != x) return x;
    if (is_inf(x)) return x > 0 ? 1.0 : -0.0;
    double g;
    if (root_series(0, x, &g)) return g;
    double a = fmin(fabs(x), ACTIV_GELU_W_AMAX);
    double e = exp_neg(-0.5 * (a * a));
    double t = fma(a, ACTIV_CM_INV_SQRT_2PI, -gelu_w(a));
    return x < 0 ? e * (-t) : fma(e, t, 1.0);
}

ACTIV_HD double gelu_tanh_f(double x) {
    if (x != x) return x;
    double z = (ACTIV_CM_GT_2K * x) * fma(ACTIV_CM_GT_KAPPA, x * x, 1.0);
    if (z < -700.0) return copysign(0.0, x); /* also x = -inf */
    double e = exp_neg(-fabs(z));
    return (z < 0 ? x * e : x) / (1.0 + e);
}
ACTIV_HD double gelu_tanh_deriv(double x) {
    if (x != x) return x;
    double g;
    if (root_series(1, x, &g)) return g;
    double x2 = x * x;
    double z = (ACTIV_CM_GT_2K * x) * fma(ACTIV_CM_GT_KAPPA, x2, 1.0);
    if (z > 700.0) return 1.0;
    if (z < -700.0) return -0.0;
    double v = (ACTIV_CM_GT_2K * x) * fma(3.0 * ACTIV_CM_GT_KAPPA, x2, 1.0);
    double e = exp_neg(-fabs(z)), d = 1.0 + e;
    double num = z < 0 ? e * (d + v) : fma(v, e, d);
    return num / (d * d);
}

ACTIV_HD double softplus_f(double x, double b, double thr) {
    double z = b * x; /* exact */
    if (z > thr) return x;
    if (z != z) return z;
    return (fmax(z, 0.0) + log1p01(exp_neg(-fabs(z)))) / b;
}
ACTIV_HD double softplus_deriv(double x, double b, double thr) {
    double z = b * x;
    if (z > thr) return 1.0;
    return sigmoid_d(z); /* NaN passes */
}
ACTIV_HD double softplus_deriv_from_output(double y, double b, double thr) {
    if (y != y) return y;
    if (b * y > thr) return 1.0;
    if (y <= 0) return 0.0;
    return -expm1_neg(-(b * y));
}

ACTIV_HD double mish_f(double x) {
    if (x != x) return x;
    if (x < -700.0) return -0.0;
    double e = exp_neg(-fabs(x)), e2 = e * e;
    double num = x < 0 ? fma(2.0, e, e2) : fma(2.0, e, 1.0);
    double den = num + (x < 0 ? 2.0 : e2 + e2);
    return x * num / den;
}
ACTIV_HD double mish_deriv(double x) {
    if (x != x) return x;
    if (x > 700.0) return 1.0;
    if (x < -700.0) return -0.0;
    double g;
    if (root_series(2, x, &g)) return g;
    double e = exp_neg(-fabs(x)), e2 = e * e, ope = 1.0 + e;
    if (x < 0) {
        double N = fma(2.0, e, e2) + 2.0;
        double num = e * fma(e + 2.0, N, 4.0 * x * ope);
        return num / (N * N);
    }
    double n1 = fma(2.0, e, 1.0), D = n1 + (e2 + e2);
    double num = fma(n1, D, (4.0 * x * e2) * ope);
    return num / (D * D);
}

ACTIV_HD double logsigmoid_f(double x) {
    if (x != x) return x;
    double l = log1p01(exp_neg(-fabs(x)));
    return x > 0 ? -l : x - l; /* -0 where e^-x underflows */
}
ACTIV_HD double logsigmoid_deriv(double x) {
    return sigmoid_d(-x);
}
ACTIV_HD double logsigmoid_deriv_from_output(double y) {
    if (y != y) return y;
    if (y >= 0) return 0.0;
    return -expm1_neg(y);
}

#endif
