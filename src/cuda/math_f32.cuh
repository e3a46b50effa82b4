/* math_f32.cuh - the element-wise math the GPU kernels run: fp32 arithmetic only on the hot
 * path. Included by math.cuh (inside namespace activ_cuda_math, after the double functions,
 * which stay as the oracle-grade fallback for rare inputs and as the device sweep's reference).
 * __host__ __device__: tests/cuda/test_cuda_math_host runs these very functions on the CPU.
 *
 * Two families of entry points:
 *   fwd_f32 / bwd_f32 / bwdy_f32   fp32 storage: <= 1 ULP forward, <= 2 ULP backward
 *   fwd_lp  / bwd_lp  / bwdy_lp    16-bit storage (bf16, fp16): plain fp32, then one rounding
 *                                  (the smooth kinds' in math_smooth_lp.cuh)
 * The kernels call fwd_f32p ... bwdy_lpp (math_f32_p.cuh), which add relu6 .. celu (their
 * parameters in KParams) and pass every other kind on to the functions here. softplus,
 * logsigmoid (a pair log1p), mish, gelu_tanh and gelu (a pair erfc) are in
 * math_smooth_f32.cuh; their 16-bit storage is plain fp32 (math_smooth_lp.cuh). The double
 * functions remain the fallback of the rare lanes only.
 *
 * Only IEEE operations that the host reproduces bit for bit: +, -, *, / (correctly rounded on
 * the device by default), fmaf, and integer bit tricks. No __expf/ex2.approx/rcp.approx (their
 * results are neither reproducible on the host nor accurate enough for the fp32 contract).
 * The CUDA flags (--fmad=false, host -ffp-contract=off) keep the compiler from fusing a*b+c,
 * so every rounding written here is the rounding that happens.
 *
 * ---- fp32 path: error argument (u = 2^-24, the fp32 unit roundoff) ----
 * A value is carried as an unevaluated pair h + l (|l| <= ulp(h)) where one fp32 rounding would
 * lose too much; exact steps: Fast2Sum / 2Sum (sum and its rounding error), 2Prod via fmaf
 * (product and its exact error). Every result is finally formed by ONE rounding of such a
 * pair (fmaf(dy, h, dy * l) or h + l), so
 *     ULP error <= 0.5 + 2^24 * (relative error of the pair)    (ulp(v) >= |v| 2^-24).
 * exp_f2: e^(th+tl) = 2^k (h + l): Cody-Waite with ln2 in three fp32 pieces (the first has 15
 *   bits, so r1 = th - k*L1 is exact), r = r1 - k(L2+L3) + tl as a pair (error < 2^-47 abs),
 *   |r| <= 0.3466; e^r = 1 + r + r^2/2 + r^3 P(r), P the Taylor series to r^5/8! (truncation
 *   0.3466^9/9! < 2^-32); 1 + r + r^2/2 exact as pairs (2Prod for r^2), only r^3 P(r) <= 0.0076
 *   is plain fp32 (error < 2^-22 of it, < 2^-29 of e^r). Relative error of h + l < 2^-28.
 * Each formula below names its extra error terms; the pair operations (mul/div of pairs) add
 *   < 2^-44 each. All fp32-path results therefore sit within 2^-26 (relative) of the exact
 *   value before the last rounding: forward <= 0.5 + 0.25 ULP, backward the same plus the
 *   product with dy inside the same rounding.
 * Ranges: the pair path runs where every intermediate is a normal float (|x| <= 86 for the
 *   sigmoid family, 43 for tanh); outside it the value is either exactly known (1, -alpha, x)
 *   or tiny/huge and the double functions above give it (they are rare lanes: |x| > 86).
 *
 * ---- 16-bit path: error argument ----
 * bf16 keeps 8 significant bits, fp16 11. If the fp32 value v' has |v' - v| <= e |v| with
 * e <= 2^-12, then the 16-bit rounding r of v' satisfies |r - v| <= 0.5 ulp16(v') + e|v| <
 * 1 ulp16(v), since ulp16(v) >= 2^-8 |v| (bf16; 2^-11 fp16) and 2^-12 < 2^-11 / 2 (also across
 * a binade edge: v' can only round to that edge). In the subnormal ranges of the 16-bit types
 * the absolute error of fp32 (<= 2^-149 * few) is far below ulp16 (2^-133 bf16, 2^-24 fp16).
 * The plain fp32 formulas below have e < 2^-19: exp_lp's polynomial to degree 6 (truncation
 * 2^-23), a few roundings each (<= 8 u = 2^-21), b*x rounded in swish (relative error in
 * sigma(bx) <= |bx| sigma(-bx) u < 2^-21.5 where the result is not negligible). Exponentials are
 * carried as m * 2^k to the last multiply, so a huge dy times a tiny f'(x) keeps its accuracy.
 * test_cuda_math_host checks every bf16 and fp16 input against the double oracle.
 */
#ifndef ACTIV_CUDA_MATH_F32_CUH
#define ACTIV_CUDA_MATH_F32_CUH

/* ---- exact fp32 building blocks ---- */
struct f2 {
    float h, l;
};
/* a + b exactly as s + e, |a| >= |b| (or a = 0) */
ACTIV_HD f2 fast2sum(float a, float b) {
    float s = a + b;
    return {s, b - (s - a)};
}
/* a + b exactly as s + e, any order */
ACTIV_HD f2 two_sum(float a, float b) {
    float s = a + b, bb = s - a;
    return {s, (a - (s - bb)) + (b - bb)};
}
/* a * b exactly as p + e (no underflow) */
ACTIV_HD f2 two_prod(float a, float b) {
    float p = a * b;
    return {p, fmaf(a, b, -p)};
}
/* (a.h + a.l)(b.h + b.l), relative error < 2^-44 */
ACTIV_HD f2 mul_f2(f2 a, f2 b) {
    f2 p = two_prod(a.h, b.h);
    float l = fmaf(a.h, b.l, fmaf(a.l, b.h, p.l));
    return fast2sum(p.h, l);
}
/* (n.h + n.l) / (d.h + d.l), relative error < 2^-44; q = RN(n.h/d.h), the remainder
 * n.h - q d.h is exact (fmaf) */
ACTIV_HD f2 div_f2(f2 n, f2 d) {
    float q = n.h / d.h;
    float r = fmaf(-q, d.h, n.h);
    r = fmaf(-q, d.l, r + n.l);
    return fast2sum(q, r / d.h);
}
/* 1 / (d.h + d.l) */
ACTIV_HD f2 inv_f2(f2 d) {
    float q = 1.0f / d.h;
    float r = fmaf(-q, d.h, 1.0f);
    r = fmaf(-q, d.l, r);
    return fast2sum(q, q * r);
}
/* (n.h + n.l) / c for a small integer c (3, 5, 6): q + (n - c q)/c, the remainder exact (fmaf;
 * also for a subnormal q: both terms are multiples of 2^-149), relative error < 2^-46 */
ACTIV_HD f2 div_small(f2 n, float c) {
    float q = n.h / c;
    float r = fmaf(-q, c, n.h);
    return fast2sum(q, (r + n.l) / c);
}
/* 2^k as a float, -149 <= k <= 127 */
ACTIV_HD float p2f(int k) {
    return k >= -126 ? bitsf((uint32_t)(k + 127) << 23) : bitsf(1u << (k + 149));
}
/* v * 2^k for any int k, by steps that stay normal until the last (16-bit path: the one
 * possible subnormal rounding is far below ulp16) */
ACTIV_HD float ldexp_lp(float v, int k) {
    while (k < -126) {
        if (v == 0.0f || k < -400) return v * 0.0f;
        v *= 0x1p-126f;
        k += 126;
    }
    while (k > 127) {
        v *= 0x1p127f;
        k -= 127;
        if (k > 400) return v * 0x1p127f;
    }
    return v * p2f(k);
}

/* ---- fp32 pair exponential ---- */
#define ACTIV_LN2_1 0x1.62e4p-1f     /* 15 significant bits: k * L1 exact for |k| < 2^9 */
#define ACTIV_LN2_2 0x1.7f7d1cp-20f
#define ACTIV_LN2_3 0x1.ef357ap-45f
#define ACTIV_LOG2E_F 0x1.715476p+0f

/* e^(th + tl) = 2^k (h + l) for -87.5 <= th <= 0.5, |tl| <= 2^-23 |th|; h in [0.7, 1.42],
 * relative error < 2^-28 (header). */
ACTIV_HD f2 exp_f2(float th, float tl, int *k) {
    const float SH = 0x1.8p23f;
    float kf = (th * ACTIV_LOG2E_F + SH) - SH; /* nearest integer */
    float r1 = fmaf(-kf, ACTIV_LN2_1, th);     /* exact */
    f2 p = two_prod(kf, ACTIV_LN2_2);
    f2 s = two_sum(r1, -p.h);
    float lo = ((s.l - p.l) + tl) - kf * ACTIV_LN2_3;
    f2 r = fast2sum(s.h, lo);
    float rh = r.h;
    float P = (float)0x1.a01a01a01a01ap-16; /* 1/8! */
    P = fmaf(P, rh, (float)0x1.a01a01a01a01ap-13); /* 1/7! */
    P = fmaf(P, rh, (float)0x1.6c16c16c16c17p-10); /* 1/6! */
    P = fmaf(P, rh, (float)0x1.1111111111111p-7);  /* 1/5! */
    P = fmaf(P, rh, (float)0x1.5555555555555p-5);  /* 1/4! */
    P = fmaf(P, rh, (float)0x1.5555555555555p-3);  /* 1/3! */
    float T = ((rh * rh) * rh) * P;
    f2 q = two_prod(rh, rh);
    f2 a = fast2sum(1.0f, rh);
    f2 b = two_sum(a.h, 0.5f * q.h);
    float l2 = (a.l + b.l) + (r.l + (fmaf(rh, r.l, 0.5f * q.l) + T));
    *k = (int)kf;
    return fast2sum(b.h, l2);
}
/* e^t as a plain pair (h, l) with the scale applied, -86 <= t <= 0 (results normal) */
ACTIV_HD f2 exp_f2s(float th, float tl) {
    int k;
    f2 e = exp_f2(th, tl, &k);
    float s = p2f(k);
    return {e.h * s, e.l * s};
}
/* e^t - 1 for -86 <= t <= 0 (t exact), relative error < 2^-26.5: |t| < 0.34 by the series
 * t + t^2/2 + t^3 P(t) (truncation 2^-30.6 relative, r^3 P part 2^-27.2); otherwise e^t - 1
 * with e^t <= 0.712, cancellation amplifies e^t's 2^-28 by at most 2.5. */
ACTIV_HD f2 expm1_f2(float t) {
    if (t == 0.0f) return {t, 0.0f};
    if (t > -0.34f) {
        float P = (float)0x1.a01a01a01a01ap-16; /* the coefficients are the double values, rounded
                                            to float by the compiler (hex literal + f) */
        P = fmaf(P, t, (float)0x1.a01a01a01a01ap-13);
        P = fmaf(P, t, (float)0x1.6c16c16c16c17p-10);
        P = fmaf(P, t, (float)0x1.1111111111111p-7);
        P = fmaf(P, t, (float)0x1.5555555555555p-5);
        P = fmaf(P, t, (float)0x1.5555555555555p-3);
        float T = ((t * t) * t) * P;
        f2 q = two_prod(t, t);
        f2 a = two_sum(t, 0.5f * q.h);
        return fast2sum(a.h, a.l + (0.5f * q.l + T));
    }
    f2 e = exp_f2s(t, 0.0f);
    f2 a = fast2sum(-1.0f, e.h);
    return fast2sum(a.h, a.l + e.l);
}
/* sigma(t) for t = th + tl, |th| <= 86: as 2^k (h + l), relative error < 2^-27.8 (exp's error
 * times e/(1+e) <= 1, plus the pair division) */
ACTIV_HD f2 sigmoid_f2(float th, float tl, int *k) {
    if (th >= 0.0f) {
        f2 e = exp_f2s(-th, -tl);
        f2 d = fast2sum(1.0f, e.h);
        d.l += e.l;
        *k = 0;
        return inv_f2(d);
    }
    f2 e = exp_f2(th, tl, k);
    float s = p2f(*k);
    f2 d = fast2sum(1.0f, e.h * s);
    d.l += e.l * s;
    return mul_f2(e, inv_f2(d));
}
/* e/(1+e)^2 = sigma(t) sigma(-t) for e = e^-|t| as a scaled pair (normal) */
ACTIV_HD f2 bell_f2(f2 e) {
    f2 d = fast2sum(1.0f, e.h);
    d.l += e.l;
    return div_f2(e, mul_f2(d, d));
}
/* RN(dy * (g.h + g.l)): one rounding; the product dy * g.l is < 2^-24 of the result */
ACTIV_HD float dy_times(float dy, f2 g) { return fmaf(dy, g.h, dy * g.l); }

/* the root of swish' in z = b x, as three floats (z0 = -1.27846454276107...) */
#define ACTIV_SWZ0_1 -0x1.474974p+0f
#define ACTIV_SWZ0_2 0x1.bdf6fap-27f
#define ACTIV_SWZ0_3 0x1.03945ap-53f

/* swish'(z) for the pair z = b x, |zh| <= 86, as a pair (relative error < 2^-26, header):
 *   z >= 0:  (1 + e + e z) / (1+e)^2        (e = e^-z; all terms positive)
 *   z < 0:   e (1 + z + e) / (1+e)^2        (e = e^z); 1 + z + e cancels near the root z0
 *            (error amplification < 3.5 outside |z - z0| < 1/16); inside, 1 + z(1 - s)
 *            = dz S(dz) from its Taylor series at z0 (src/kernels/formulas.inc's
 *            coefficients, truncation 2^-40), dz = z - z0 as an exact-ish pair (z0 in three
 *            floats), and f' = sigma(z) dz S(dz): relative error < 2^-27. */
ACTIV_HD f2 swish_d_f2(float zh, float zl) {
    float dz1 = zh - ACTIV_SWZ0_1;
    if (fabsf(dz1) < 0.0625f) {
        f2 c = two_sum(zl - ACTIV_SWZ0_3, -ACTIV_SWZ0_2);
        f2 d = two_sum(dz1, c.h); /* dz1 exact (Sterbenz) */
        f2 dz = fast2sum(d.h, d.l + c.l);
        float x = dz.h;
        float s = fmaf(x, -(float)0x1.a2a7caf0ee747p-14, -(float)0x1.2f7e5e8a37633p-16);
        s = fmaf(s, x, (float)0x1.20a572dbb5375p-10);
        s = fmaf(s, x, (float)0x1.8f0d8289687a9p-9);
        s = fmaf(s, x, -(float)0x1.353eb573ca457p-8);
        s = fmaf(s, x, -(float)0x1.9072f0766563bp-5);
        s = fmaf(s, x, -(float)0x1.be1410460527fp-4);
        s = s * x; /* S(dz) - 1, |.| < 0.0071 */
        f2 S = fast2sum(1.0f, s);
        int k;
        f2 sg = sigmoid_f2(zh, zl, &k);
        f2 g = mul_f2(mul_f2(dz, S), sg);
        float sc = p2f(k);
        return {g.h * sc, g.l * sc};
    }
    if (zh >= 0.0f) {
        f2 e = exp_f2s(-zh, -zl);
        f2 d = fast2sum(1.0f, e.h);
        d.l += e.l;
        f2 ez = mul_f2(e, {zh, zl});
        f2 n = two_sum(d.h, ez.h);
        n = fast2sum(n.h, n.l + (d.l + ez.l));
        return div_f2(n, mul_f2(d, d));
    }
    f2 e = exp_f2s(zh, zl);
    f2 d = fast2sum(1.0f, e.h);
    d.l += e.l;
    f2 a = two_sum(1.0f, zh);
    f2 b = two_sum(a.h, e.h);
    f2 n = two_sum(b.h, (a.l + b.l) + (zl + e.l));
    return div_f2(mul_f2(e, n), mul_f2(d, d));
}

/* the double functions, rounded once: the fallback for the rare lanes */
ACTIV_FALLBACK float fwd_dbl(int kind, float x, float a, float b, float t) {
    ACTIV_CUDA_FALLBACK_HOOK();
    return (float)fwd(kind, x, a, b, t);
}
ACTIV_FALLBACK float bwd_dbl(int kind, float x, float dy, float a, float b, float t) {
    ACTIV_CUDA_FALLBACK_HOOK();
    return (float)((double)dy * deriv(kind, x, a, b, t));
}
ACTIV_FALLBACK float bwdy_dbl(int kind, float y, float dy, float a, float b, float t) {
    ACTIV_CUDA_FALLBACK_HOOK();
    return (float)((double)dy * deriv_from_output(kind, y, a, b, t));
}

/* softplus, logsigmoid: pair log1p (math_smooth_f32.cuh) */
#include "math_smooth_f32.cuh"

/* ---- fp32 storage: forward ---- */
ACTIV_HD float fwd_f32(int kind, float x, float a, float b, float t = 20.0f) {
    switch (kind) {
    case ACTIV_RELU: return x < 0.0f ? 0.0f : x; /* NaN and -0 pass through */
    case ACTIV_LEAKY_RELU:
    case ACTIV_PRELU: return x > 0.0f ? x : a * x; /* one rounding: correctly rounded */
    case ACTIV_ELU: {
        if (x > 0.0f) return x;
        if (x == 0.0f) return a * x; /* -0 keeps its sign (the pair sum would give +0) */
        if (!(x >= -86.0f)) return x != x ? x : -a; /* a (e^x - 1) = -a (1 - 2^-124): RN is -a */
        return dy_times(a, expm1_f2(x));
    }
    case ACTIV_SIGMOID: {
        if (x > 86.0f) return 1.0f; /* 1 - e^-86 rounds to 1 */
        if (!(x >= -86.0f)) return fwd_dbl(kind, x, a, b, t);
        int k;
        f2 s = sigmoid_f2(x, 0.0f, &k);
        float sc = p2f(k);
        return fmaf(s.h, sc, s.l * sc);
    }
    case ACTIV_TANH: {
        float ax = fabsf(x);
        if (ax > 43.0f) return copysignf(1.0f, x);
        if (!(ax <= 43.0f)) return x; /* NaN */
        /* tanh|x| = -m / (2 + m), m = e^-2|x| - 1 in (-1, 0]: sensitivity to m's error
         * 2/(2+m) <= 2 (1.17 where k = 0), so < 2^-25.5 before the rounding */
        f2 m = expm1_f2(-2.0f * ax);
        f2 d = fast2sum(2.0f, m.h);
        d.l += m.l;
        f2 y = div_f2({-m.h, -m.l}, d);
        return copysignf(y.h + y.l, x);
    }
    case ACTIV_SWISH: {
        if (b == 0.0f) return x * 0.5f;
        if (x == 0.0f) return x;
        f2 z = two_prod(b, x); /* exact (both normal or one tiny: abs error < 2^-149) */
        if (z.h > 86.0f && fabsf(x) < 0x1p126f) return x; /* x sigma: sigma = 1 - 2^-124 */
        if (!(fabsf(z.h) <= 86.0f) || !(fabsf(x) < 0x1p126f)) return fwd_dbl(kind, x, a, b, t);
        int k;
        f2 s = sigmoid_f2(z.h, z.l, &k);
        f2 p = two_prod(x, s.h);
        p.l = fmaf(x, s.l, p.l);
        float sc = p2f(k);
        return fmaf(p.h, sc, p.l * sc);
    }
    case ACTIV_SOFTPLUS: return softplus_fwd_f32(x, b, t);
    case ACTIV_LOGSIGMOID: return logsigmoid_fwd_f32(x);
    case ACTIV_MISH: return mish_fwd_f32(x);
    case ACTIV_GELU_TANH: return gelu_tanh_fwd_f32(x);
    case ACTIV_GELU: return gelu_fwd_f32(x);
    default: return fwd_dbl(kind, x, a, b, t);
    }
}

/* ---- fp32 storage: dx = dy * f'(x) ---- */
ACTIV_HD float bwd_f32(int kind, float x, float dy, float a, float b, float t = 20.0f) {
    switch (kind) {
    case ACTIV_RELU: return x > 0.0f ? dy : (x <= 0.0f ? dy * 0.0f : x);
    case ACTIV_LEAKY_RELU:
    case ACTIV_PRELU: return x > 0.0f ? dy : (x <= 0.0f ? dy * a : x);
    case ACTIV_ELU: {
        if (x > 0.0f) return dy;
        if (!(x >= -86.0f)) return bwd_dbl(kind, x, dy, a, b, t);
        f2 e = exp_f2s(x, 0.0f);
        f2 g = two_prod(a, e.h);
        g.l = fmaf(a, e.l, g.l);
        return dy_times(dy, g);
    }
    case ACTIV_SIGMOID: {
        if (!(fabsf(x) <= 86.0f)) return bwd_dbl(kind, x, dy, a, b, t);
        return dy_times(dy, bell_f2(exp_f2s(-fabsf(x), 0.0f)));
    }
    case ACTIV_TANH: {
        if (!(fabsf(x) <= 43.0f)) return bwd_dbl(kind, x, dy, a, b, t);
        f2 g = bell_f2(exp_f2s(-2.0f * fabsf(x), 0.0f)); /* 4 e/(1+e)^2, e = e^-2|x| */
        return dy_times(dy, {4.0f * g.h, 4.0f * g.l});
    }
    case ACTIV_SWISH: {
        if (b == 0.0f) return x != x ? x : dy * 0.5f;
        f2 z = two_prod(b, x);
        if (z.h > 86.0f) return dy; /* f' = 1 + (z - 1) e^-z ~ 1 + 2^-117 */
        if (!(z.h >= -86.0f) || fabsf(z.h) < 0x1p-100f) return bwd_dbl(kind, x, dy, a, b, t);
        return dy_times(dy, swish_d_f2(z.h, z.l));
    }
    case ACTIV_SOFTPLUS: return softplus_bwd_f32(x, dy, b, t);
    case ACTIV_LOGSIGMOID: return logsigmoid_bwd_f32(x, dy);
    case ACTIV_MISH: return mish_bwd_f32(x, dy);
    case ACTIV_GELU_TANH: return gelu_tanh_bwd_f32(x, dy);
    case ACTIV_GELU: return gelu_bwd_f32(x, dy);
    default: return bwd_dbl(kind, x, dy, a, b, t);
    }
}

/* ---- fp32 storage: dx = dy * g(y), y the forward output ---- */
ACTIV_HD float bwdy_f32(int kind, float y, float dy, float a, float b = 1.0f, float t = 20.0f) {
    switch (kind) {
    case ACTIV_RELU: return y > 0.0f ? dy : (y <= 0.0f ? dy * 0.0f : y);
    case ACTIV_LEAKY_RELU: return y > 0.0f ? dy : (y <= 0.0f ? dy * a : y);
    case ACTIV_ELU: /* y + a as an exact pair */
        return y > 0.0f ? dy : (y <= 0.0f ? dy_times(dy, two_sum(y, a)) : y);
    case ACTIV_SIGMOID: { /* y (1 - y): 1 - y exact as a pair, the product as a pair */
        if (y != y) return y;
        f2 o = two_sum(1.0f, -y);
        f2 g = two_prod(y, o.h);
        g.l = fmaf(y, o.l, g.l);
        return dy_times(dy, g);
    }
    case ACTIV_TANH: { /* 1 - y^2 with y^2 exact */
        if (y != y) return y;
        f2 q = two_prod(y, y);
        f2 o = two_sum(1.0f, -q.h);
        return dy_times(dy, {o.h, o.l - q.l});
    }
    case ACTIV_SOFTPLUS: return softplus_bwdy_f32(y, dy, b, t);
    case ACTIV_LOGSIGMOID: return logsigmoid_bwdy_f32(y, dy);
    default: return bwdy_dbl(kind, y, dy, a, b, t);
    }
}

/* ==== 16-bit storage: plain fp32 (header: relative error < 2^-19) ==== */

/* e^t = m 2^k, m in [0.7, 1.42], for t <= 0 (t >= -1000; below, m = 0) */
ACTIV_HD float exp_lp(float t, int *k) {
    if (!(t >= -1000.0f)) { *k = 0; return t != t ? t : 0.0f; }
    const float SH = 0x1.8p23f;
    float kf = (t * ACTIV_LOG2E_F + SH) - SH;
    float r = fmaf(-kf, ACTIV_LN2_1, t);
    r = fmaf(-kf, ACTIV_LN2_2, r);
    float p = (float)0x1.6c16c16c16c17p-10; /* 1/6!: truncation 0.3466^7/7! < 2^-23 */
    p = fmaf(p, r, (float)0x1.1111111111111p-7);
    p = fmaf(p, r, (float)0x1.5555555555555p-5);
    p = fmaf(p, r, (float)0x1.5555555555555p-3);
    p = fmaf(p, r, 0.5f);
    p = fmaf(p, r, 1.0f);
    p = fmaf(p, r, 1.0f);
    *k = (int)kf;
    return p;
}
/* e^(th + tl) = m 2^k for -87 <= th <= 0, |tl| <= 2^-23 |th| (the low part enters the
 * reduced argument, so a rounded b*x costs nothing) */
ACTIV_HD float exp_lp2(float th, float tl, int *k) {
    const float SH = 0x1.8p23f;
    float kf = (th * ACTIV_LOG2E_F + SH) - SH;
    float r = fmaf(-kf, ACTIV_LN2_1, th);
    r = fmaf(-kf, ACTIV_LN2_2, r) + tl;
    float p = (float)0x1.6c16c16c16c17p-10;
    p = fmaf(p, r, (float)0x1.1111111111111p-7);
    p = fmaf(p, r, (float)0x1.5555555555555p-5);
    p = fmaf(p, r, (float)0x1.5555555555555p-3);
    p = fmaf(p, r, 0.5f);
    p = fmaf(p, r, 1.0f);
    p = fmaf(p, r, 1.0f);
    *k = (int)kf;
    return p;
}

/* swish db term's factor x^2 sigma'(b x) (the reduction multiplies by dy and sums in double).
 * Plain fp32 (a gradient sum needs no correctly rounded terms): z = b x as an exact pair fed to
 * exp_lp2, e = e^-|z| (< 2^-22 relative), then 1+e, (1+e)^2, e/(1+e)^2, x^2 (one rounding
 * each) and one exact double product: relative error < 2^-20. Double for the rare lanes
 * (x^2 or sigma' outside the normal range, z tiny, NaN, inf). */
ACTIV_HD double swish_db_factor(float x, float b) {
    if (b != 0.0f && fabsf(x) < 0x1p60f && fabsf(x) >= 0x1p-60f) {
        f2 z = two_prod(b, x);
        if (fabsf(z.h) <= 86.0f && fabsf(z.h) >= 0x1p-100f) {
            int k;
            float m = exp_lp2(-fabsf(z.h), z.h < 0 ? z.l : -z.l, &k);
            float e = m * p2f(k), d = 1.0f + e;
            return (double)(x * x) * (double)(e / (d * d));
        }
    }
    return swish_dbeta_term(x, 1.0f, b);
}

ACTIV_HD float exp_lps(float t) { /* e^t, t <= 0, scaled (may underflow: fine at 16 bits) */
    int k;
    float m = exp_lp(t, &k);
    return ldexp_lp(m, k);
}
/* e^t - 1, t <= 0: series below 0.34 (relative 2^-22), else e^t - 1 (cancellation < 2.5) */
ACTIV_HD float expm1_lp(float t) {
    if (t > -0.34f) {
        float p = (float)0x1.a01a01a01a01ap-13;
        p = fmaf(p, t, (float)0x1.6c16c16c16c17p-10);
        p = fmaf(p, t, (float)0x1.1111111111111p-7);
        p = fmaf(p, t, (float)0x1.5555555555555p-5);
        p = fmaf(p, t, (float)0x1.5555555555555p-3);
        p = fmaf(p, t, 0.5f);
        return fmaf(t * t, p, t); /* keeps -0 */
    }
    return exp_lps(t) - 1.0f;
}
/* sigma(t) = m 2^k (t <= 0: e/(1+e), t > 0: 1/(1+e), e = e^-|t|) */
ACTIV_HD float sigmoid_lp(float t, int *k) {
    int ke;
    float m = exp_lp(-fabsf(t), &ke);
    float d = 1.0f + ldexp_lp(m, ke);
    if (t > 0.0f) { *k = 0; return 1.0f / d; }
    *k = ke;
    return m / d;
}
/* e/(1+e)^2 = m 2^k, e = e^-|t| */
ACTIV_HD float bell_lp(float t, int *k) {
    float m = exp_lp(-fabsf(t), k);
    float d = 1.0f + ldexp_lp(m, *k);
    return m / (d * d);
}

/* gelu, gelu_tanh, softplus, mish, logsigmoid in plain fp32 (smooth_lp) */
#include "math_smooth_lp.cuh"

/* dy * g * 2^k without an intermediate overflow (|g| <= 2^11; g 2^k <= 1 when k >= -100) */
ACTIV_HD float dy_g_k(float dy, float g, int k) {
    return k >= -100 ? dy * ldexp_lp(g, k) : ldexp_lp((dy * 0x1p-32f) * g, k + 32);
}

ACTIV_HD float fwd_lp(int kind, float x, float a, float b, float t = 20.0f) {
    switch (kind) {
    case ACTIV_RELU:
    case ACTIV_LEAKY_RELU:
    case ACTIV_PRELU: return fwd_f32(kind, x, a, b, t);
    case ACTIV_ELU: return x > 0.0f ? x : (x != x || x == 0.0f ? a * x : a * expm1_lp(x));
    case ACTIV_SIGMOID: {
        if (x != x) return x;
        int k;
        float m = sigmoid_lp(x, &k);
        return ldexp_lp(m, k);
    }
    case ACTIV_TANH: {
        if (x != x) return x;
        float m = expm1_lp(-2.0f * fabsf(x)); /* -2|x| may be -inf: m = -1 */
        return copysignf(-m / (2.0f + m), x);
    }
    case ACTIV_SWISH: {
        if (b == 0.0f) return x * 0.5f;
        if (x != x) return x;
        float z = b * x;
        if (z > 0.0f && z == INFINITY) return x; /* sigma = 1 */
        int k;
        float m = sigmoid_lp(z, &k);
        if (m == 0.0f) return copysignf(0.0f, x); /* z = -inf (or < -1000): x e^z -> 0 */
        return ldexp_lp((x * 0.5f) * m, k + 1); /* x/2 first: no overflow of x m */
    }
    default: {
        float v;
        return smooth_lp(kind, 0, x, b, t, &v) ? v : fwd_dbl(kind, x, a, b, t);
    }
    }
}

ACTIV_HD float bwd_lp(int kind, float x, float dy, float a, float b, float t = 20.0f) {
    switch (kind) {
    case ACTIV_RELU:
    case ACTIV_LEAKY_RELU:
    case ACTIV_PRELU: return bwd_f32(kind, x, dy, a, b, t);
    case ACTIV_ELU: {
        if (x > 0.0f) return dy;
        if (x != x) return x;
        int k;
        float m = exp_lp(x, &k);
        return dy_g_k(dy, a * m, k);
    }
    case ACTIV_SIGMOID: {
        if (x != x) return x;
        int k;
        float m = bell_lp(x, &k);
        return dy_g_k(dy, m, k);
    }
    case ACTIV_TANH: {
        if (x != x) return x;
        int k;
        float m = bell_lp(2.0f * x, &k);
        return dy_g_k(dy, 4.0f * m, k);
    }
    case ACTIV_SWISH: {
        if (b == 0.0f) return x != x ? x : dy * 0.5f;
        if (x != x) return x;
        float z = b * x;
        if (z == INFINITY) return dy;
        if (z == -INFINITY) return dy * -0.0f;
        /* f' = (v (1+e) + e z) / (1+e)^2, v = 1 (z >= 0) or e (z < 0), e = e^-|z|; near the
         * root z0 (z < 0) the cancellation in 1 + e + z costs < 2^-24 / |z - z0|: relative
         * error < 2^-12 needs |z - z0| > 2^-12, and inside that, f' ~ 0.22 (z - z0) + ... :
         * use the series (as the fp32 path) */
        float dz = (z - ACTIV_SWZ0_1) - ACTIV_SWZ0_2;
        if (fabsf(dz) < 0.0625f) {
            float s = fmaf(dz, -(float)0x1.a2a7caf0ee747p-14, -(float)0x1.2f7e5e8a37633p-16);
            s = fmaf(s, dz, (float)0x1.20a572dbb5375p-10);
            s = fmaf(s, dz, (float)0x1.8f0d8289687a9p-9);
            s = fmaf(s, dz, -(float)0x1.353eb573ca457p-8);
            s = fmaf(s, dz, -(float)0x1.9072f0766563bp-5);
            s = fmaf(s, dz, -(float)0x1.be1410460527fp-4);
            s = fmaf(s, dz, 1.0f);
            int k;
            float sg = sigmoid_lp(z, &k);
            return dy_g_k(dy, (s * dz) * sg, k);
        }
        int k;
        float m = exp_lp(-fabsf(z), &k);
        float e = ldexp_lp(m, k), d = 1.0f + e;
        if (z >= 0.0f) return dy * ((d + e * z) / (d * d));
        return dy_g_k(dy, m * (((1.0f + z) + e) / (d * d)), k);
    }
    default: {
        float g;
        return smooth_lp(kind, 1, x, b, t, &g) ? dy * g : bwd_dbl(kind, x, dy, a, b, t);
    }
    }
}

ACTIV_HD float bwdy_lp(int kind, float y, float dy, float a, float b = 1.0f, float t = 20.0f) {
    switch (kind) {
    case ACTIV_SIGMOID: return y != y ? y : dy * (y * (1.0f - y)); /* 1-y exact above 0.5 */
    case ACTIV_TANH: return y != y ? y : dy * fmaf(-y, y, 1.0f);
    case ACTIV_ELU: return y > 0.0f ? dy : (y <= 0.0f ? dy * (y + a) : y);
    case ACTIV_SOFTPLUS:
    case ACTIV_LOGSIGMOID: {
        float g;
        if (smooth_lp(kind, 2, y, b, t, &g)) return dy * g;
        return bwdy_f32(kind, y, dy, a, b, t);
    }
    default: return bwdy_f32(kind, y, dy, a, b, t);
    }
}

/* relu6 .. celu (KParams) and the kernels' entry points fwd_f32p ... bwdy_lpp */
#include "math_f32_p.cuh"

#endif
