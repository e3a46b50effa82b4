/* math.cuh - the GPU backend's math, written once and compiled for both the device and the
 * host (ACTIV_HD = __host__ __device__), so that tests/cuda/test_cuda_math_host.cu checks
 * the very same code against the double-precision oracle (src/ref) on a machine without a GPU.
 *
 * Two layers. The kernels run math_f32.cuh (included at the end): fp32 arithmetic, with
 * exact pair steps where the fp32 contract needs them, plain fp32 for 16-bit storage. The
 * double functions here (fwd, deriv, deriv_from_output and their _p forms) are (a) the
 * fallback those fp32 functions call for rare inputs (far tails, NaN, kink lanes), and (b) the
 * float64 oracle of the exhaustive device sweep (bench/gpu_sweep.cu).
 *
 * Double precision. Every transcendental is evaluated in double with our own exp/expm1
 * (Cody-Waite reduction + Taylor polynomial, relative error below 2^-42), so the value before
 * the final rounding is within ~2^-18 fp32 ULP of the exact f(x). The code is compiled with
 * --fmad=false and uses fma() explicitly, and host and device round every double operation the
 * same way, so the host test sees the device's bits. d2bf/d2h round a double directly to
 * bf16/fp16 (round-to-odd to fp32, then nearest-even: no double rounding); the column sums use
 * them.
 */
#ifndef ACTIV_CUDA_MATH_CUH
#define ACTIV_CUDA_MATH_CUH

#include <stdint.h>
#include <string.h>
#include <math.h>
#include "activ.h"

#ifdef __CUDACC__
#define ACTIV_HD __host__ __device__ __forceinline__
/* the double fallback of the fp32 functions (rare lanes). Inlined: as a call (__noinline__)
 * it made ptxas spill inside the double-division subroutine it calls, since the unrolled
 * kernels keep their loaded vectors live across the call. */
#define ACTIV_FALLBACK __host__ __device__ __forceinline__
#else
#define ACTIV_HD static inline
#define ACTIV_FALLBACK static inline
#endif
/* called on every entry to a double fallback; tests/cuda/test_cuda_math_host counts them to
 * show that the fp32 paths, not the fallback, are what its sweep measures */
#ifndef ACTIV_CUDA_FALLBACK_HOOK
#define ACTIV_CUDA_FALLBACK_HOOK() ((void)0)
#endif

namespace activ_cuda_math {

ACTIV_HD uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
ACTIV_HD double bitsd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
ACTIV_HD uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
ACTIV_HD float bitsf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
ACTIV_HD bool is_nan(double x) { return x != x; }
ACTIV_HD bool is_inf(double x) { return x == INFINITY || x == -INFINITY; }

/* Round to nearest integer (ties away do not matter here: any integer near t*log2e works). */
ACTIV_HD double round_int(double t) {
    const double magic = 6755399441055744.0; /* 1.5 * 2^52 */
    return (t + magic) - magic;
}

/* e^t for t <= 0 (also -inf -> 0, NaN -> NaN). Relative error < 2^-42 (result normal). */
ACTIV_HD double exp_neg(double t) {
    if (t != t) return t;
    if (t < -745.5) return 0.0;
    const double LOG2E = 1.4426950408889634;
    const double LN2_HI = 6.93147180369123816490e-01; /* 32 significant bits: k*LN2_HI exact */
    const double LN2_LO = 1.90821492927058770002e-10;
    double k = round_int(t * LOG2E); /* in [-1076, 0] */
    double r = fma(-k, LN2_HI, t);
    r = fma(-k, LN2_LO, r); /* |r| <= 0.3466 */
    /* Taylor to degree 10: truncation < 0.3466^11/11! < 2^-42 relative */
    double p = 2.7557319223985893e-07;       /* 1/10! */
    p = fma(p, r, 2.7557319223985888e-06);   /* 1/9! */
    p = fma(p, r, 2.4801587301587302e-05);   /* 1/8! */
    p = fma(p, r, 1.9841269841269841e-04);   /* 1/7! */
    p = fma(p, r, 1.3888888888888889e-03);   /* 1/6! */
    p = fma(p, r, 8.3333333333333332e-03);   /* 1/5! */
    p = fma(p, r, 4.1666666666666664e-02);   /* 1/4! */
    p = fma(p, r, 1.6666666666666666e-01);   /* 1/3! */
    p = fma(p, r, 0.5);
    p = fma(p, r, 1.0);
    p = fma(p, r, 1.0);
    int ki = (int)k;
    if (ki < -1000) { /* keep 2^ki normal; the last product rounds into the subnormals once */
        p *= 0x1p-100;
        ki += 100;
    }
    return p * bitsd((uint64_t)(int64_t)(ki + 1023) << 52);
}

/* e^t - 1 for t <= 0 (-inf -> -1, -0 -> -0, NaN -> NaN), relative error < 2^-42. */
ACTIV_HD double expm1_neg(double t) {
    if (t > -0.5) { /* |t| < 0.5: t * sum_{j=0}^{12} t^j/(j+1)!, truncation < 2^-44 */
        double p = 1.6059043836821613e-10;       /* 1/13! */
        p = fma(p, t, 2.0876756987868100e-09);   /* 1/12! */
        p = fma(p, t, 2.5052108385441720e-08);   /* 1/11! */
        p = fma(p, t, 2.7557319223985893e-07);   /* 1/10! */
        p = fma(p, t, 2.7557319223985888e-06);   /* 1/9! */
        p = fma(p, t, 2.4801587301587302e-05);   /* 1/8! */
        p = fma(p, t, 1.9841269841269841e-04);   /* 1/7! */
        p = fma(p, t, 1.3888888888888889e-03);   /* 1/6! */
        p = fma(p, t, 8.3333333333333332e-03);   /* 1/5! */
        p = fma(p, t, 4.1666666666666664e-02);   /* 1/4! */
        p = fma(p, t, 1.6666666666666666e-01);   /* 1/3! */
        p = fma(p, t, 0.5);
        p = fma(p, t, 1.0);
        return t * p;
    }
    return exp_neg(t) - 1.0; /* e^t <= 0.61: no cancellation worth a bit */
}

/* e = exp(-|t|), the building block of the sigmoid family (never overflows). */
ACTIV_HD double sigmoid_d(double t) {
    double e = exp_neg(-fabs(t));
    return t >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}
/* s(t) * (1 - s(t)) = e / (1 + e)^2, accurate in both tails. */
ACTIV_HD double sigmoid_slope_d(double t) {
    double e = exp_neg(-fabs(t));
    double q = 1.0 + e;
    return e / (q * q);
}

/* gelu, gelu_tanh, softplus, mish, logsigmoid: gelu_f, gelu_deriv, ... */
#include "math_smooth.cuh"

/* ---- forward f(x); a = alpha or the prelu channel's slope, b = swish/softplus beta,
 * t = softplus threshold ---- */
ACTIV_HD double fwd(int kind, float xf, float a, float b, float t = 20.0f) {
    double x = xf;
    switch (kind) {
    case ACTIV_RELU: return x < 0 ? 0.0 : x; /* NaN and -0 pass through */
    case ACTIV_LEAKY_RELU:
    case ACTIV_PRELU: return x > 0 ? x : (double)a * x; /* exact product in double */
    case ACTIV_ELU: return x > 0 ? x : (double)a * expm1_neg(x);
    case ACTIV_SWISH: {
        double t = (b == 0.0f) ? 0.0 : (double)b * x; /* exact product; b = 0: x/2 */
        double s = sigmoid_d(t);
        if (s == 0.0 && is_inf(x)) return copysign(0.0, x); /* lim x*e^(bx) = 0 */
        return x * s;
    }
    case ACTIV_SIGMOID: return sigmoid_d(x);
    case ACTIV_TANH: {
        double u = expm1_neg(-2.0 * fabs(x)); /* in [-1, 0] */
        return copysign(-u / (2.0 + u), x);
    }
    case ACTIV_GELU: return gelu_f(x);
    case ACTIV_GELU_TANH: return gelu_tanh_f(x);
    case ACTIV_SOFTPLUS: return softplus_f(x, b, t);
    case ACTIV_MISH: return mish_f(x);
    case ACTIV_LOGSIGMOID: return logsigmoid_f(x);
    default: return NAN;
    }
}

/* ---- f'(x) with the header's kink conventions (x <= 0 branch at 0), NaN for NaN ---- */
ACTIV_HD double deriv(int kind, float xf, float a, float b, float t = 20.0f) {
    double x = xf;
    switch (kind) {
    case ACTIV_RELU: return x > 0 ? 1.0 : (x <= 0 ? 0.0 : x);
    case ACTIV_LEAKY_RELU:
    case ACTIV_PRELU: return x > 0 ? 1.0 : (x <= 0 ? (double)a : x);
    case ACTIV_ELU: return x > 0 ? 1.0 : (double)a * exp_neg(x);
    case ACTIV_SWISH: {
        if (b == 0.0f) return is_nan(x) ? x : 0.5;
        double t = (double)b * x;
        /* the side where s -> 0 approaches 0 from below: -0 (as the oracle) */
        if (is_inf(t)) return t > 0 ? 1.0 : -0.0;
        /* s * (1 + t * (1 - s)), 1 - s = s(-t) computed without cancellation */
        double e = exp_neg(-fabs(t));
        double r = 1.0 / (1.0 + e);
        double s = t >= 0 ? r : e * r, oms = t >= 0 ? e * r : r;
        return s * (1.0 + t * oms);
    }
    case ACTIV_SIGMOID: return sigmoid_slope_d(x);
    case ACTIV_TANH: {
        double e = exp_neg(-2.0 * fabs(x));
        double q = 1.0 + e;
        return 4.0 * e / (q * q);
    }
    case ACTIV_GELU: return gelu_deriv(x);
    case ACTIV_GELU_TANH: return gelu_tanh_deriv(x);
    case ACTIV_SOFTPLUS: return softplus_deriv(x, b, t);
    case ACTIV_MISH: return mish_deriv(x);
    case ACTIV_LOGSIGMOID: return logsigmoid_deriv(x);
    default: return NAN;
    }
}

/* ---- g(y) of the from-output table; NaN for kinds without one ---- */
ACTIV_HD double deriv_from_output(int kind, float yf, float a, float b = 1.0f, float t = 20.0f) {
    double y = yf;
    switch (kind) {
    case ACTIV_RELU: return y > 0 ? 1.0 : (y <= 0 ? 0.0 : y);
    case ACTIV_LEAKY_RELU: return y > 0 ? 1.0 : (y <= 0 ? (double)a : y);
    case ACTIV_ELU: return y > 0 ? 1.0 : y + (double)a;
    case ACTIV_SIGMOID: return y * (1.0 - y);
    case ACTIV_TANH: return 1.0 - y * y;
    case ACTIV_SOFTPLUS: return softplus_deriv_from_output(y, b, t);
    case ACTIV_LOGSIGMOID: return logsigmoid_deriv_from_output(y);
    default: return NAN;
    }
}

/* ---- every parameter of a kind (activ_params' floats; a = alpha or the prelu slope) ---- */
struct KParams {
    float a, b, g, lo, hi; /* alpha, beta, gamma, min_val, max_val */
    float t;               /* threshold (softplus) */
};

/* hardsigmoid's u = alpha*x + beta (exact product, one rounding); the float nearest 1/6 as
 * alpha means x/6 exactly (PyTorch's relu6(x + 3)/6) */
ACTIV_HD bool hsig_sixth(const KParams &p) { return p.a == 1.0f / 6.0f; }
ACTIV_HD double hsig_u(double x, const KParams &p) {
    return hsig_sixth(p) ? x / 6.0 + (double)p.b : (double)p.a * x + (double)p.b;
}
ACTIV_HD double hsig_slope(const KParams &p) { return hsig_sixth(p) ? 1.0 / 6.0 : (double)p.a; }
/* 1 inside (lo, hi), 0 outside, NaN for NaN */
ACTIV_HD double inside(double x, double lo, double hi) {
    return (x > lo && x < hi) ? 1.0 : (x == x ? 0.0 : x);
}

/* f(x) for every kind; the kinds of the first seven go to fwd() */
ACTIV_HD double fwd_p(int kind, float xf, const KParams &p) {
    double x = xf;
    switch (kind) {
    case ACTIV_RELU6: return x < 0 ? 0.0 : (x > 6 ? 6.0 : x); /* -0 and NaN pass */
    case ACTIV_HARDTANH: return x < p.lo ? (double)p.lo : (x > p.hi ? (double)p.hi : x);
    case ACTIV_HARDSIGMOID: {
        double u = hsig_u(x, p);
        return u < 0 ? 0.0 : (u > 1 ? 1.0 : u);
    }
    case ACTIV_HARDSWISH:
        if (x <= -3) return -0.0; /* PyTorch's x * 0 */
        if (x >= 3) return x;
        return x * (x + 3.0) / 6.0; /* NaN too */
    case ACTIV_SOFTSIGN: return is_inf(x) ? copysign(1.0, x) : x / (1.0 + fabs(x));
    case ACTIV_RELU2: return x > 0 ? x * x : (x <= 0 ? 0.0 : x);
    case ACTIV_THRESHOLDED_RELU: return x > p.a ? x : (x <= p.a ? 0.0 : x);
    case ACTIV_SELU: return x > 0 ? (double)p.g * x : ((double)p.g * (double)p.a) * expm1_neg(x);
    case ACTIV_CELU: return x > 0 ? x : (double)p.a * expm1_neg(x / (double)p.a);
    default: return fwd(kind, xf, p.a, p.b, p.t);
    }
}

/* f'(x) with the header's kink conventions, NaN for NaN */
ACTIV_HD double deriv_p(int kind, float xf, const KParams &p) {
    double x = xf;
    switch (kind) {
    case ACTIV_RELU6: return inside(x, 0.0, 6.0);
    case ACTIV_HARDTANH: return inside(x, p.lo, p.hi);
    case ACTIV_HARDSIGMOID: {
        double u = hsig_u(x, p);
        return inside(u, 0.0, 1.0) * hsig_slope(p);
    }
    case ACTIV_HARDSWISH: return x < -3 ? 0.0 : (x > 3 ? 1.0 : x / 3.0 + 0.5);
    case ACTIV_SOFTSIGN: {
        double d = 1.0 + fabs(x);
        return 1.0 / (d * d);
    }
    case ACTIV_RELU2: return x > 0 ? x + x : (x <= 0 ? 0.0 : x);
    case ACTIV_THRESHOLDED_RELU: return x > p.a ? 1.0 : (x <= p.a ? 0.0 : x);
    case ACTIV_SELU: return x > 0 ? (double)p.g : ((double)p.g * (double)p.a) * exp_neg(x);
    case ACTIV_CELU: return x > 0 ? 1.0 : exp_neg(x / (double)p.a);
    default: return deriv(kind, xf, p.a, p.b, p.t);
    }
}

/* g(y) of the from-output table */
ACTIV_HD double deriv_from_output_p(int kind, float yf, const KParams &p) {
    double y = yf;
    switch (kind) {
    case ACTIV_RELU6: return inside(y, 0.0, 6.0);
    case ACTIV_HARDTANH: return inside(y, p.lo, p.hi);
    case ACTIV_HARDSIGMOID: return inside(y, 0.0, 1.0) * hsig_slope(p);
    case ACTIV_SOFTSIGN: {
        double t = 1.0 - fabs(y);
        return t * t;
    }
    case ACTIV_RELU2: return y > 0 ? 2.0 * sqrt(y) : (y <= 0 ? 0.0 : y);
    case ACTIV_THRESHOLDED_RELU: return y > p.a ? 1.0 : (y <= p.a ? 0.0 : y);
    case ACTIV_SELU: return y > 0 ? (double)p.g : y + (double)p.g * (double)p.a;
    case ACTIV_CELU: return y > 0 ? 1.0 : (y + (double)p.a) / (double)p.a;
    default: return deriv_from_output(kind, yf, p.a, p.b, p.t);
    }
}

/* prelu: the element's term of da_c, dy * (x if x <= 0 else 0) (an IEEE product in double). */
ACTIV_HD double prelu_dslope_term(float xf, float dyf) {
    double x = xf;
    double m = x > 0 ? 0.0 : x; /* NaN stays NaN */
    return (double)dyf * m;
}
/* swish: the element's term of db, dy * x^2 * s(bx) * (1 - s(bx)) (0 * dy at x = +-inf, b != 0). */
ACTIV_HD double swish_dbeta_term(float xf, float dyf, float b) {
    double x = xf, g;
    if (b == 0.0f) g = x * x * 0.25;
    else if (is_inf(x)) g = 0.0;
    else g = x * x * sigmoid_slope_d((double)b * x);
    return (double)dyf * g;
}

/* ---- storage conversions ---- */

/* Round-to-odd double -> float: the float toward zero, with its last bit set if inexact. */
ACTIV_HD float d2f_odd(double d) {
#ifdef __CUDA_ARCH__
    float f = __double2float_rz(d);
#else
    float f = (float)d;
    if (fabs((double)f) > fabs(d)) f = nextafterf(f, 0.0f); /* also inf -> FLT_MAX */
#endif
    if ((double)f != d && !is_nan(d)) f = bitsf(fbits(f) | 1u);
    return f;
}
/* float -> bf16, round to nearest even; NaN stays a (quiet) NaN. */
ACTIV_HD uint16_t f2bf_rn(float f) {
    uint32_t u = fbits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}
/* float -> fp16, round to nearest even, subnormals kept, NaN quiet. */
ACTIV_HD uint16_t f2h_rn(float f) {
    uint32_t u = fbits(f);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    u &= 0x7fffffffu;
    if (u >= 0x47800000u) /* >= 65536, inf or NaN */
        return (uint16_t)(sign | (u > 0x7f800000u ? 0x7e00u : 0x7c00u));
    if (u < 0x38800000u) { /* below 2^-14: fp16 subnormal or zero; the add rounds RNE */
        float g = bitsf(u) + 0.5f;
        return (uint16_t)(sign | (uint16_t)(fbits(g) - 0x3f000000u));
    }
    uint32_t odd = (u >> 13) & 1u;
    u += 0xc8000fffu + odd; /* rebias exponent (-112 << 23) and round */
    return (uint16_t)(sign | (uint16_t)(u >> 13));
}
ACTIV_HD float bf2f(uint16_t h) { return bitsf((uint32_t)h << 16); }
ACTIV_HD float h2f(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f) return bitsf(sign | 0x7f800000u | (m << 13));
    if (e == 0) { /* zero or subnormal: m * 2^-24, exact in float */
        float v = (float)m * 0x1p-24f;
        return bitsf(sign | fbits(v));
    }
    return bitsf(sign | ((e + 112u) << 23) | (m << 13));
}
ACTIV_HD uint16_t d2bf(double d) { return f2bf_rn(d2f_odd(d)); }
ACTIV_HD uint16_t d2h(double d) { return f2h_rn(d2f_odd(d)); }

/* the fp32 math the kernels run (fwd_f32 ... bwdy_lp) */
#include "math_f32.cuh"

} /* namespace activ_cuda_math */

#endif
