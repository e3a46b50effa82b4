/* math_smooth_f32.cuh - fp32 (pair) device math of softplus, logsigmoid, mish, gelu_tanh and
 * gelu for fp32 storage.
 * Included by math_f32.cuh (namespace activ_cuda_math) after its pair building blocks and
 * fallbacks; fwd_f32 / bwd_f32 / bwdy_f32 call these. __host__ __device__ (the host test runs
 * them). Error arguments in math_f32.cuh's units (u = 2^-24; result = one rounding of a value
 * within relative e: ULP error <= 0.5 + 2^24 e).
 *
 * log1p_f2(e), e = eh + el in [0, 1] (|el| <= 2^-23 eh): w = 1 + e = 2^k m with k = 0 (e <=
 * sqrt2 - 1) or 1, m in [0.707, 1.415]; log m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...),
 * s = (m - 1)/(m + 1) = e/(2 + e) or (e - 1)/(3 + e), |s| <= 0.1716 (s^2 <= 2^-5.08):
 *   - numerator and denominator are exact pairs (2Sum / Fast2Sum of floats, plus el), s by
 *     the pair division (2^-44);
 *   - T = s^3 (1/3 + s^2/5 + ... + s^8/11) in plain fp32: truncation s^12/13 < 2^-34 of s;
 *     |T| <= 0.0100 |s| (2^-6.6), computed with <= 5 roundings (2^-21.7) and from s.h alone
 *     (3 * 2^-24 relative), so T adds < 2^-28 relative;
 *   - log w = k ln2 + 2 (s + T), ln2 as a pair (2^-45); for k = 1, 2(s + T) is in
 *     [-0.343, 0] and log w >= 0.347: no cancellation, the relative error stays < 2^-27.5.
 *   A relative error d in e moves log1p(e) by <= d e/((1 + e) log1p(e)) <= d.
 * softplus f = (max(z, 0) + log1p(e^-|z|))/b, z = b x an exact pair (2Prod), e^-|z| by
 *   exp_f2s (2^-28, the low part of z in the argument): log1p within 2^-27, the sum of two
 *   positive pairs adds 2^-44, the pair division by b 2^-44: e < 2^-26.9, forward <= 0.64 ULP.
 *   z > threshold is decided exactly on the pair (z.h > t, or z.h = t and z.l > 0).
 *   f' = sigma(z): sigmoid_f2 of the pair (2^-27.8); g(y) = -expm1(-b y): expm1_f2 of z.h
 *   plus e^(-z.h) (-z.l) (the second-order term z.l^2/2 < 2^-46): 2^-26.4.
 * logsigmoid f = min(x, 0) - log1p(e^-|x|): two terms of the same sign, e < 2^-26.9.
 *   f' = sigma(-x) (sigmoid_f2), g(y) = -expm1(y) (expm1_f2, 2^-26.5).
 * Ranges: |z| <= 80 (every intermediate normal, e^-80 = 2^-115.4); beyond, f = x exactly
 * (softplus z > 80, logsigmoid x < -80: the log1p term is below half an ULP of x), f' = 1
 * (dy), g = 1 (dy), or the double functions (the tails where f or f' is tiny); softplus needs
 * beta in [2^-20, 2^8] and |threshold| >= 2^-100 (uniform branches; else double).
 */
#ifndef ACTIV_CUDA_MATH_SMOOTH_F32_CUH
#define ACTIV_CUDA_MATH_SMOOTH_F32_CUH

/* log(1 + eh + el), 0 <= eh <= 1 (header) */
ACTIV_HD f2 log1p_f2(float eh, float el) {
    const bool k1 = eh > 0.41421356f; /* 1 + e > sqrt2: log 2 + log((1 + e)/2) */
    f2 n = two_sum(eh, k1 ? -1.0f : 0.0f);
    n = fast2sum(n.h, n.l + el);
    f2 d = fast2sum(k1 ? 3.0f : 2.0f, eh);
    d.l += el;
    f2 s = div_f2(n, d);
    float s2 = s.h * s.h;
    float P = (float)(1.0 / 11.0);
    P = fmaf(P, s2, (float)(1.0 / 9.0));
    P = fmaf(P, s2, (float)(1.0 / 7.0));
    P = fmaf(P, s2, (float)(1.0 / 5.0));
    P = fmaf(P, s2, (float)(1.0 / 3.0));
    float T = (s.h * s2) * P;
    float lh = k1 ? ACTIV_LN2_1 : 0.0f, ll = k1 ? ACTIV_LN2_2 : 0.0f;
    f2 r = two_sum(lh, 2.0f * s.h);
    return fast2sum(r.h, r.l + (ll + 2.0f * (s.l + T)));
}

/* e^(th + tl) - 1 for -86 <= th <= 0, |tl| <= 2^-23 |th| (header) */
ACTIV_HD f2 expm1_f2p(float th, float tl) {
    f2 m = expm1_f2(th);
    return fast2sum(m.h, m.l + fmaf(m.h, tl, tl));
}

/* z = b x > t, exactly */
ACTIV_HD bool pair_above(f2 z, float t) { return z.h > t || (z.h == t && z.l > 0.0f); }
ACTIV_HD bool softplus_fast(float b, float t) {
    return b >= 0x1p-20f && b <= 0x1p8f && fabsf(t) >= 0x1p-100f;
}

ACTIV_HD float softplus_fwd_f32(float x, float b, float t) {
    f2 z = two_prod(b, x);
    if (!softplus_fast(b, t)) return fwd_dbl(ACTIV_SOFTPLUS, x, 0.0f, b, t);
    if (pair_above(z, t) || z.h > 80.0f) return x;
    if (!(z.h >= -80.0f)) return fwd_dbl(ACTIV_SOFTPLUS, x, 0.0f, b, t);
    f2 e = exp_f2s(-fabsf(z.h), z.h < 0.0f ? z.l : -z.l);
    f2 s = log1p_f2(e.h, e.l);
    if (z.h > 0.0f) {
        f2 a = two_sum(z.h, s.h);
        s = fast2sum(a.h, a.l + (z.l + s.l));
    }
    if (b != 1.0f) s = div_f2(s, {b, 0.0f});
    return s.h + s.l;
}
ACTIV_HD float softplus_bwd_f32(float x, float dy, float b, float t) {
    f2 z = two_prod(b, x);
    if (!softplus_fast(b, t)) return bwd_dbl(ACTIV_SOFTPLUS, x, dy, 0.0f, b, t);
    if (pair_above(z, t) || z.h > 80.0f) return dy; /* sigma = 1 - 2^-115: dy */
    if (!(z.h >= -86.0f)) return bwd_dbl(ACTIV_SOFTPLUS, x, dy, 0.0f, b, t);
    int k;
    f2 s = sigmoid_f2(z.h, z.l, &k);
    float sc = p2f(k);
    return dy_times(dy, {s.h * sc, s.l * sc});
}
ACTIV_HD float softplus_bwdy_f32(float y, float dy, float b, float t) {
    if (y != y) return y;
    f2 z = two_prod(b, y);
    if (!softplus_fast(b, t)) return bwdy_dbl(ACTIV_SOFTPLUS, y, dy, 0.0f, b, t);
    if (pair_above(z, t) || z.h > 80.0f) return dy; /* 1 - e^-z, e^-z < 2^-115 */
    if (y <= 0.0f) return dy * 0.0f;
    if (z.h < 0x1p-100f) return bwdy_dbl(ACTIV_SOFTPLUS, y, dy, 0.0f, b, t);
    f2 m = expm1_f2p(-z.h, -z.l);
    return dy_times(dy, {-m.h, -m.l});
}

ACTIV_HD float logsigmoid_fwd_f32(float x) {
    if (x < -80.0f || x != x) return x; /* x - log1p(e^x): the log is < 2^-115, below ulp(x)/2 */
    if (!(x <= 80.0f)) return fwd_dbl(ACTIV_LOGSIGMOID, x, 0.0f, 1.0f, 20.0f);
    f2 e = exp_f2s(-fabsf(x), 0.0f);
    f2 l = log1p_f2(e.h, e.l);
    if (x > 0.0f) return -(l.h + l.l);
    f2 s = two_sum(x, -l.h);
    return s.h + (s.l - l.l);
}
ACTIV_HD float logsigmoid_bwd_f32(float x, float dy) {
    if (x < -86.0f) return dy; /* sigma(-x) = 1 - 2^-124 */
    if (!(x <= 86.0f)) return bwd_dbl(ACTIV_LOGSIGMOID, x, dy, 0.0f, 1.0f, 20.0f);
    int k;
    f2 s = sigmoid_f2(-x, 0.0f, &k);
    float sc = p2f(k);
    return dy_times(dy, {s.h * sc, s.l * sc});
}
ACTIV_HD float logsigmoid_bwdy_f32(float y, float dy) {
    if (y != y) return y;
    if (y >= 0.0f) return dy * 0.0f;
    if (y < -86.0f) return dy; /* 1 - e^y, e^y < 2^-124 */
    f2 m = expm1_f2(y);
    return dy_times(dy, {-m.h, -m.l});
}

/* ---- mish (no from-output form) ----
 * f = x tanh(softplus(x)) with e = e^-|x| (exp_f2s, 2^-28): x >= 0: x (1 + 2e)/(1 + 2e + 2e^2);
 * x < 0: x n/(n + 2), n = e (e + 2). Ratios of positive pairs (mul_f2 / div_f2: 2^-44 each),
 * and |d ln f / d ln e| <= 1 (src/kernels/math_smooth.inc), so e < 2^-27.9: forward <= 0.57 ULP
 * (results >= 2^-126; a subnormal result also drops x r.l < 2^-150: < 1 ULP).
 * f' = ((1 + 2e) D + 4x e^2 (1 + e)) / D^2, D = 1 + 2e + 2e^2 (x >= 0, positive terms), and
 * e B / N^2, N = n + 2, B = (e + 2) N + 4x (1 + e) (x < 0): B cancels at the zero x0 =
 * -1.19243 of f'; outside |x - x0| < 1/32 the amplification is <= 7.3 (math_smooth.inc), so
 * e < 2^-28 * 7.3 + 2^-40 < 2^-25.1 (backward <= 0.97 ULP); inside, f' = d S(d), d = x - x0
 * as a pair (x0 in three floats, x - x0_1 exact by Sterbenz), S the Taylor series of
 * special_coef.h (truncation 2^-48.8) with c0 as a pair and the rest in fp32 (|d (S - c0)| <=
 * 0.024 c0, so 2^-23 of it is 2^-28.4 relative). Ranges: |x| <= 80; x > 80: f = x, f' = 1
 * (tanh(sp) = 1 - 2^-230); x < -80: the double functions (f ~ x e^x is still normal). */
/* x0 (a zero of f') in three floats: x - x0_1 is exact (Sterbenz) in the window */
#define ACTIV_X0_1(HI) ((float)(HI))
#define ACTIV_X0_2(HI) ((float)((HI) - (double)ACTIV_X0_1(HI)))
#define ACTIV_X0_3(HI, LO) ((float)(((HI) - (double)ACTIV_X0_1(HI) - (double)ACTIV_X0_2(HI)) + (LO)))

/* f'(x) = d S(d), d = x - x0, within |d| < 1/32 of the zero x0 of f' (special_coef.h's
 * series, truncation 2^-48.8): d as a pair, S with its constant term as a pair and the rest
 * in fp32 (|d (S - c0)| <= 0.03 |c0| for mish and gelu_tanh, so 2^-23 of it is < 2^-28 of S) */
ACTIV_HD f2 root_f2(float d1, const double *c, float x02, float x03) {
    f2 t0 = two_sum(d1, -x02);
    f2 d = fast2sum(t0.h, t0.l - x03);
    float t = (float)c[ACTIV_GELU_S_DEG];
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int k = ACTIV_GELU_S_DEG - 1; k >= 1; k--) t = fmaf(t, d.h, (float)c[k]);
    const float c0h = (float)c[0], c0l = (float)(c[0] - (double)c0h);
    f2 p = two_prod(d.h, t); /* d (S - c0) */
    f2 S = fast2sum(c0h, p.h);
    S.l += c0l + fmaf(d.l, t, p.l);
    return mul_f2(d, S);
}

ACTIV_HD float mish_fwd_f32(float x) {
    if (x > 80.0f) return x;
    /* tiny x: f = x tanh(log 2) + O(x^2) = 3x/5 (relative 2^-60 away): 3x an exact pair, the
     * division as q + remainder/5 (remainder exact): within 2^-24 ULP of the one rounding (the
     * pair product below would lose x r.l in the subnormal range) */
    if (fabsf(x) < 0x1p-60f) {
        f2 y = div_small(two_prod(3.0f, x), 5.0f);
        return copysignf(y.h + y.l, x); /* -0 stays -0 */
    }
    if (!(x >= -80.0f)) return fwd_dbl(ACTIV_MISH, x, 0.0f, 1.0f, 20.0f);
    f2 e = exp_f2s(-fabsf(x), 0.0f);
    f2 n, d;
    if (x < 0.0f) {
        f2 a = fast2sum(2.0f, e.h);
        a.l += e.l;
        n = mul_f2(e, a);
        d = fast2sum(2.0f, n.h);
        d.l += n.l;
    } else {
        n = fast2sum(1.0f, 2.0f * e.h);
        n.l += 2.0f * e.l;
        f2 e2 = mul_f2(e, e);
        d = fast2sum(n.h, 2.0f * e2.h);
        d.l += n.l + 2.0f * e2.l;
    }
    f2 r = div_f2(n, d);
    return copysignf(dy_times(x, r), x); /* tanh(sp) > 0: the sign of x, -0 too */
}
ACTIV_HD float mish_bwd_f32(float x, float dy) {
    if (x > 80.0f) return dy;
    if (!(x >= -80.0f)) return bwd_dbl(ACTIV_MISH, x, dy, 0.0f, 1.0f, 20.0f);
    const float d1 = x - ACTIV_X0_1(ACTIV_MISH_X0_HI);
    if (fabsf(d1) < (float)ACTIV_MISH_WIN) { /* root series */
        const double c[] = ACTIV_MISH_S_C;
        return dy_times(dy, root_f2(d1, c, ACTIV_X0_2(ACTIV_MISH_X0_HI),
                                    ACTIV_X0_3(ACTIV_MISH_X0_HI, ACTIV_MISH_X0_LO)));
    }
    f2 e = exp_f2s(-fabsf(x), 0.0f);
    f2 ope = fast2sum(1.0f, e.h);
    ope.l += e.l;
    f2 x4 = {4.0f * x, 0.0f};
    f2 num, den;
    if (x < 0.0f) {
        f2 a = fast2sum(2.0f, e.h); /* e + 2 */
        a.l += e.l;
        f2 n = mul_f2(e, a);
        f2 N = fast2sum(2.0f, n.h);
        N.l += n.l;
        f2 u = mul_f2(a, N), v = mul_f2(x4, ope); /* B = u + v cancels near x0 */
        f2 B = two_sum(u.h, v.h);
        B = fast2sum(B.h, B.l + (u.l + v.l));
        num = mul_f2(e, B);
        den = mul_f2(N, N);
    } else {
        f2 n1 = fast2sum(1.0f, 2.0f * e.h);
        n1.l += 2.0f * e.l;
        f2 e2 = mul_f2(e, e);
        f2 D = fast2sum(n1.h, 2.0f * e2.h);
        D.l += n1.l + 2.0f * e2.l;
        f2 u = mul_f2(n1, D), v = mul_f2(mul_f2(x4, e2), ope);
        num = fast2sum(u.h, v.h);
        num.l += u.l + v.l;
        den = mul_f2(D, D);
    }
    return dy_times(dy, div_f2(num, den));
}


/* ---- gelu_tanh (no from-output form) ----
 * f = x sigma(z), z = 2k x (1 + kappa x^2) (k = sqrt(2/pi), kappa = 0.044715 as in the oracle):
 * sigma's relative sensitivity to z is |z| (1 - sigma) <= 86, so z is a pair: x^2 exact (2Prod),
 * kappa and 2k as float pairs (2^-48), three pair products and a sum (2^-44 each): |dz| <
 * 86 * 2^-42 absolute, sigma(z) within 2^-27.8 + 2^-35 (sigmoid_f2), x sigma as in swish:
 * forward <= 0.58 ULP. f' = (d + v e)/d^2 (z >= 0) or e (d + v)/d^2 (z < 0), d = 1 + e,
 * e = e^-|z|, v = 2k x (1 + 3 kappa x^2) as a pair like z: d + v cancels at the zero x0 =
 * -0.75246 of f'; outside |x - x0| < 1/32 the amplification is <= 3.88 (math_smooth.inc), so
 * e < 2^-28 * 3.88 + 2^-40 < 2^-26 (backward <= 0.75 ULP); inside, root_f2. Ranges: |x| <= 12
 * and |z| <= 86; beyond, f = x and f' = 1 (z > 86: sigma = 1 - 2^-124), else the double
 * functions (x < -11.4, where f and f' are tiny). */
#define ACTIV_GT_K2H ((float)ACTIV_CM_GT_2K)
#define ACTIV_GT_K2L ((float)(ACTIV_CM_GT_2K - (double)ACTIV_GT_K2H))
/* 2k x (1 + c x^2) for the pair c = kappa or 3 kappa */
ACTIV_HD f2 gelu_tanh_arg(float x, f2 c) {
    f2 q = two_prod(x, x);
    f2 cq = mul_f2(c, q);
    f2 w = two_sum(1.0f, cq.h);
    w = fast2sum(w.h, w.l + cq.l);
    f2 xw = two_prod(x, w.h);
    xw.l = fmaf(x, w.l, xw.l);
    return mul_f2({ACTIV_GT_K2H, ACTIV_GT_K2L}, xw);
}
ACTIV_HD f2 gt_kappa(void) {
    return {(float)ACTIV_CM_GT_KAPPA, (float)(ACTIV_CM_GT_KAPPA - (double)(float)ACTIV_CM_GT_KAPPA)};
}
ACTIV_HD f2 gt_kappa3(void) {
    const double k3 = 3.0 * ACTIV_CM_GT_KAPPA; /* exact in double but for 2^-53: below 2^-48 */
    return {(float)k3, (float)(k3 - (double)(float)k3)};
}

ACTIV_HD float gelu_tanh_fwd_f32(float x) {
    if (!(fabsf(x) <= 12.0f)) return x > 12.0f ? x : fwd_dbl(ACTIV_GELU_TANH, x, 0.0f, 1.0f, 20.0f);
    f2 z = gelu_tanh_arg(x, gt_kappa());
    if (z.h > 86.0f) return x;
    if (!(z.h >= -86.0f)) return fwd_dbl(ACTIV_GELU_TANH, x, 0.0f, 1.0f, 20.0f);
    int k;
    f2 s = sigmoid_f2(z.h, z.l, &k);
    f2 p = two_prod(x, s.h);
    p.l = fmaf(x, s.l, p.l);
    float sc = p2f(k);
    return copysignf(fmaf(p.h, sc, p.l * sc), x); /* sigma > 0: the sign of x, -0 too */
}
ACTIV_HD float gelu_tanh_bwd_f32(float x, float dy) {
    if (!(fabsf(x) <= 12.0f)) return x > 12.0f ? dy : bwd_dbl(ACTIV_GELU_TANH, x, dy, 0.0f, 1.0f, 20.0f);
    const float d1 = x - ACTIV_X0_1(ACTIV_GELU_TANH_X0_HI);
    if (fabsf(d1) < (float)ACTIV_GELU_TANH_WIN) { /* root series */
        const double c[] = ACTIV_GELU_TANH_S_C;
        return dy_times(dy, root_f2(d1, c, ACTIV_X0_2(ACTIV_GELU_TANH_X0_HI),
                                    ACTIV_X0_3(ACTIV_GELU_TANH_X0_HI, ACTIV_GELU_TANH_X0_LO)));
    }
    f2 z = gelu_tanh_arg(x, gt_kappa());
    if (z.h > 86.0f) return dy;
    if (!(z.h >= -86.0f)) return bwd_dbl(ACTIV_GELU_TANH, x, dy, 0.0f, 1.0f, 20.0f);
    f2 v = gelu_tanh_arg(x, gt_kappa3());
    f2 e = exp_f2s(-fabsf(z.h), z.h < 0.0f ? z.l : -z.l);
    f2 d = fast2sum(1.0f, e.h);
    d.l += e.l;
    f2 num;
    if (z.h >= 0.0f) {
        f2 ve = mul_f2(v, e);
        num = two_sum(d.h, ve.h);
        num = fast2sum(num.h, num.l + (d.l + ve.l));
    } else {
        f2 dv = two_sum(d.h, v.h); /* cancels near x0 */
        dv = fast2sum(dv.h, dv.l + (d.l + v.l));
        num = mul_f2(e, dv);
    }
    return dy_times(dy, div_f2(num, mul_f2(d, d)));
}


/* ---- gelu (no from-output form) ----
 * f = x Phi(x), Phi(-a) = q = e^(-a^2/2) W(a), a = |x| (special_coef.h: W(a) = erfc(a/sqrt2)
 * e^(a^2/2)/2 = P(t), t = (a - 3.5)/(a + 3.5), fit error 2^-33.45):
 * - a^2/2 an exact pair (2Prod, halved), e = exp_f2s of it: 2^-28;
 * - t by the pair division (2^-44); P(t) by Horner with the terms of degree >= 6 in fp32
 *   (they are < 2^-7.6 of W on [-1, 0.58], the t of a <= 12, so their 2^-23 error is < 2^-30
 *   of W) and the six leading steps in pairs (coefficients as float pairs, mul_f2 and a 2Sum
 *   per step: 2^-44 each, times P's condition number sum|c_k t^k|/|P| <= 6.3): W within
 *   2^-33.3 + 2^-30 + 2^-37;
 * x < 0: f = x e W (pair products, one final rounding): e < 2^-27.8, forward <= 0.57 ULP.
 * x >= 0: f = x (1 - q), q <= 1/2: Phi's relative error <= q's: same bound.
 * f' = Phi + x phi: x < 0: e (W - a c), c = 1/sqrt(2 pi) as a pair: W - a c cancels at the
 *   zero x0 = -0.75179 of f'; outside |x - x0| < 1/32 W's error is amplified <= 16.8
 *   (special_coef.h), e's is a common factor: e < 2^-28 + 2^-29.9 * 16.8 < 2^-25.6 (backward
 *   <= 0.83 ULP); inside, root_f2. x >= 0: f' = 1 + e (a c - W) in [0.5, 1.13], the
 *   correction's error is absolute (< 2^-29 of f').
 * Ranges: |x| <= 12 (a^2/2 <= 72, every intermediate normal); x > 12: f = x, f' = 1 (q <
 *   2^-108); x < -12 and NaN: the double functions. */
#define ACTIV_GELU_C_H ((float)ACTIV_CM_INV_SQRT_2PI)
#define ACTIV_GELU_C_L ((float)(ACTIV_CM_INV_SQRT_2PI - (double)ACTIV_GELU_C_H))

/* W(a) as a pair, 0 <= a <= 12 (header) */
ACTIV_HD f2 gelu_w_f2(float a) {
    const double c[] = ACTIV_GELU_W_C;
    f2 n = two_sum(a, -(float)ACTIV_GELU_W_K), d = two_sum(a, (float)ACTIV_GELU_W_K);
    f2 t = div_f2(n, d);
    float s = (float)c[ACTIV_GELU_W_DEG];
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int k = ACTIV_GELU_W_DEG - 1; k >= 6; k--) s = fmaf(s, t.h, (float)c[k]);
    f2 acc = {s, 0.0f};
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int k = 5; k >= 0; k--) {
        acc = mul_f2(acc, t);
        const float ch = (float)c[k], cl = (float)(c[k] - (double)ch);
        f2 u = two_sum(ch, acc.h);
        acc = fast2sum(u.h, u.l + (cl + acc.l));
    }
    return acc;
}
/* e^(-a^2/2) as a pair, 0 <= a <= 12 */
ACTIV_HD f2 gelu_e_f2(float a) {
    f2 q = two_prod(a, a);
    return exp_f2s(-0.5f * q.h, -0.5f * q.l);
}

ACTIV_HD float gelu_fwd_f32(float x) {
    if (!(fabsf(x) <= 12.0f)) return x > 12.0f ? x : fwd_dbl(ACTIV_GELU, x, 0.0f, 1.0f, 20.0f);
    const float a = fabsf(x);
    f2 q = mul_f2(gelu_e_f2(a), gelu_w_f2(a)); /* Phi(-a) */
    if (!(x < 0.0f)) { /* Phi(x) = 1 - q */
        f2 u = two_sum(1.0f, -q.h);
        q = fast2sum(u.h, u.l - q.l);
    }
    return copysignf(dy_times(x, q), x); /* Phi > 0: the sign of x, -0 too */
}
ACTIV_HD float gelu_bwd_f32(float x, float dy) {
    if (!(fabsf(x) <= 12.0f)) return x > 12.0f ? dy : bwd_dbl(ACTIV_GELU, x, dy, 0.0f, 1.0f, 20.0f);
    const float d1 = x - ACTIV_X0_1(ACTIV_GELU_X0_HI);
    if (fabsf(d1) < (float)ACTIV_GELU_WIN) { /* root series */
        const double c[] = ACTIV_GELU_S_C;
        return dy_times(dy, root_f2(d1, c, ACTIV_X0_2(ACTIV_GELU_X0_HI),
                                    ACTIV_X0_3(ACTIV_GELU_X0_HI, ACTIV_GELU_X0_LO)));
    }
    const float a = fabsf(x);
    f2 e = gelu_e_f2(a), w = gelu_w_f2(a);
    f2 ac = two_prod(a, ACTIV_GELU_C_H);
    ac.l = fmaf(a, ACTIV_GELU_C_L, ac.l);
    f2 m = two_sum(w.h, -ac.h); /* W - a c */
    m = fast2sum(m.h, m.l + (w.l - ac.l));
    f2 g = mul_f2(e, m);
    if (x < 0.0f) return dy_times(dy, g);
    f2 u = two_sum(1.0f, -g.h); /* 1 + e (a c - W) */
    return dy_times(dy, fast2sum(u.h, u.l - g.l));
}

#endif
