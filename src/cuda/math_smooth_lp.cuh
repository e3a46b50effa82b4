/* math_smooth_lp.cuh - plain fp32 math of gelu, gelu_tanh, softplus, mish and logsigmoid for
 * 16-bit storage. Included by math_f32.cuh (namespace activ_cuda_math). The formulas are
 * math_smooth.cuh's (and the CPU's, src/kernels/math_smooth.inc, where each is argued), with
 * the fitted polynomials' coefficients rounded to float and exp_lps / expm1_lp / sigmoid_lp.
 *
 * Error argument (16-bit needs relative error < 2^-12, math_f32.cuh's header): each formula is
 * a handful of fp32 roundings (< 2^-21) on top of
 *   - exp of a rounded argument: the argument (e.g. -a^2/2, the tanh form's z, b x) carries a
 *     relative error of a few u, so e^arg is off by |arg| * 3u <= 80 * 2^-22.4 < 2^-16 relative;
 *     the ranges below keep |arg| <= 80;
 *   - the fitted polynomials rounded to float: log1p on [0, 1] and W on [0, 24] (|t| < 1), and
 *     the Taylor series at the zeros of f': a few u relative;
 *   - cancellation next to a zero of f' (gelu', gelu_tanh', mish' for x < 0), outside the
 *     series window |x - x0| < 1/32: amplification < 2^5, so < 2^-16 relative.
 * The functions return false outside the ranges where every intermediate is a normal float
 * (and for NaN); the caller then uses the double functions (rare lanes: |x| > 12 or 80).
 * tests/cuda/test_cuda_math_host checks every bf16 and fp16 input. */
#ifndef ACTIV_CUDA_MATH_SMOOTH_LP_CUH
#define ACTIV_CUDA_MATH_SMOOTH_LP_CUH

ACTIV_HD float log1p01_lp(float u) { /* log1p(u), u in [0, 1] */
    const float c[] = ACTIV_LOG1P_C;
    float p = c[ACTIV_LOG1P_DEG];
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int k = ACTIV_LOG1P_DEG - 1; k >= 0; k--) p = fmaf(p, u, c[k]);
    return u * p;
}
ACTIV_HD float gelu_w_lp(float a) { /* erfc(a/sqrt2) e^(a^2/2) / 2, a in [0, 24] */
    const float c[] = ACTIV_GELU_W_C;
    const float K = (float)ACTIV_GELU_W_K;
    float t = (a - K) / (a + K);
    float p = c[ACTIV_GELU_W_DEG];
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int k = ACTIV_GELU_W_DEG - 1; k >= 0; k--) p = fmaf(p, t, c[k]);
    return p;
}
/* f'(x) near its zero x0 (which: 0 gelu, 1 gelu_tanh, 2 mish): (x - x0) S(x - x0) */
ACTIV_HD bool root_series_lp(int which, float x, float *g) {
    const float c0[] = ACTIV_GELU_S_C, c1[] = ACTIV_GELU_TANH_S_C, c2[] = ACTIV_MISH_S_C;
    constexpr float H0 = (float)ACTIV_GELU_X0_HI, H1 = (float)ACTIV_GELU_TANH_X0_HI,
                    H2 = (float)ACTIV_MISH_X0_HI;
    constexpr float L0 = (float)((ACTIV_GELU_X0_HI - (double)H0) + ACTIV_GELU_X0_LO);
    constexpr float L1 = (float)((ACTIV_GELU_TANH_X0_HI - (double)H1) + ACTIV_GELU_TANH_X0_LO);
    constexpr float L2 = (float)((ACTIV_MISH_X0_HI - (double)H2) + ACTIV_MISH_X0_LO);
    const float *c = which == 0 ? c0 : which == 1 ? c1 : c2;
    float d1 = x - (which == 0 ? H0 : which == 1 ? H1 : H2); /* exact (Sterbenz) in the window */
    if (!(fabsf(d1) < (float)ACTIV_GELU_WIN)) return false;
    float d = d1 - (which == 0 ? L0 : which == 1 ? L1 : L2);
    float p = c[ACTIV_GELU_S_DEG];
    for (int k = ACTIV_GELU_S_DEG - 1; k >= 0; k--) p = fmaf(p, d, c[k]);
    *g = d * p;
    return true;
}

/* dir 0: f(x); 1: f'(x); 2: g(y) (from the output). false: use the double functions. */
ACTIV_HD bool smooth_lp(int kind, int dir, float x, float b, float thr, float *out) {
    const float INV_SQRT_2PI = (float)ACTIV_CM_INV_SQRT_2PI, K2 = (float)ACTIV_CM_GT_2K,
                KAPPA = (float)ACTIV_CM_GT_KAPPA;
    switch (kind) {
    case ACTIV_GELU: {
        float a = fabsf(x);
        if (!(a <= 12.0f)) return false;
        if (dir == 0) {
            float q = exp_lps(-0.5f * (a * a)) * gelu_w_lp(a); /* Phi(-|x|) */
            *out = x * (x < 0.0f ? q : 1.0f - q);
            return true;
        }
        if (dir != 1) return false;
        if (root_series_lp(0, x, out)) return true;
        float e = exp_lps(-0.5f * (a * a));
        float t = fmaf(a, INV_SQRT_2PI, -gelu_w_lp(a));
        *out = x < 0.0f ? e * (-t) : fmaf(e, t, 1.0f);
        return true;
    }
    case ACTIV_GELU_TANH: {
        if (!(fabsf(x) <= 12.0f)) return false;
        if (dir == 1 && root_series_lp(1, x, out)) return true;
        float x2 = x * x;
        float z = (K2 * x) * fmaf(KAPPA, x2, 1.0f);
        if (!(fabsf(z) <= 80.0f) || dir == 2) return false;
        float e = exp_lps(-fabsf(z)), d = 1.0f + e;
        if (dir == 0) {
            *out = (z < 0.0f ? x * e : x) / d;
            return true;
        }
        float v = (K2 * x) * fmaf(3.0f * KAPPA, x2, 1.0f);
        float num = z < 0.0f ? e * (d + v) : fmaf(v, e, d);
        *out = num / (d * d);
        return true;
    }
    case ACTIV_SOFTPLUS: {
        if (x != x) return false;
        if (dir == 2) { /* y -> 1 - e^(-b y) */
            if (b * x > thr) { *out = 1.0f; return true; }
            if (x <= 0.0f) { *out = 0.0f; return true; }
            if (!(b * x <= 80.0f)) return false;
            *out = -expm1_lp(-(b * x));
            return true;
        }
        float z = b * x;
        if (z > thr) { *out = dir == 0 ? x : 1.0f; return true; }
        if (!(fabsf(z) <= 80.0f)) return false;
        if (dir == 0) {
            *out = (fmaxf(z, 0.0f) + log1p01_lp(exp_lps(-fabsf(z)))) / b;
            return true;
        }
        int k;
        float m = sigmoid_lp(z, &k);
        *out = m * p2f(k); /* normal: |z| <= 80 */
        return true;
    }
    case ACTIV_MISH: {
        if (!(fabsf(x) <= 80.0f) || dir == 2) return false;
        if (dir == 1 && root_series_lp(2, x, out)) return true;
        float e = exp_lps(-fabsf(x)), e2 = e * e;
        if (dir == 0) {
            float num = x < 0.0f ? fmaf(2.0f, e, e2) : fmaf(2.0f, e, 1.0f);
            float den = num + (x < 0.0f ? 2.0f : e2 + e2);
            *out = x * num / den;
            return true;
        }
        float ope = 1.0f + e;
        if (x < 0.0f) {
            float N = fmaf(2.0f, e, e2) + 2.0f;
            float num = e * fmaf(e + 2.0f, N, 4.0f * x * ope);
            *out = num / (N * N);
            return true;
        }
        float n1 = fmaf(2.0f, e, 1.0f), D = n1 + (e2 + e2);
        float num = fmaf(n1, D, (4.0f * x * e2) * ope);
        *out = num / (D * D);
        return true;
    }
    case ACTIV_LOGSIGMOID: {
        if (x != x) return false;
        if (dir == 2) {
            *out = x >= 0.0f ? 0.0f : -expm1_lp(x);
            return true;
        }
        if (!(fabsf(x) <= 80.0f)) return false;
        if (dir == 0) {
            *out = fminf(x, 0.0f) - log1p01_lp(exp_lps(-fabsf(x)));
            return true;
        }
        int k;
        float m = sigmoid_lp(-x, &k);
        *out = m * p2f(k);
        return true;
    }
    default: return false;
    }
}

#endif
