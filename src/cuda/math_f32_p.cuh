/* math_f32_p.cuh - fp32 device math of relu6, hardtanh, hardsigmoid, hardswish, softsign,
 * relu2, thresholded_relu, selu and celu (the kinds whose parameters travel in KParams), and
 * the per-element entry points the kernels call for EVERY kind:
 *   fwd_f32p / bwd_f32p / bwdy_f32p   fp32 storage (<= 1 ULP forward, <= 2 ULP backward)
 *   fwd_lpp  / bwd_lpp  / bwdy_lpp    16-bit storage
 * Included at the end of math_f32.cuh (namespace activ_cuda_math); the other kinds go on to
 * fwd_f32 / fwd_lp there. __host__ __device__: tests/cuda/test_cuda_math_host runs these bits.
 *
 * Error arguments (u = 2^-24; "pair" as in math_f32.cuh's header; the result is one rounding
 * of a value within relative e of the exact one: ULP error <= 0.5 + 2^24 e):
 * - relu6, hardtanh, thresholded_relu: comparisons and a copy of x or a parameter: exact.
 *   Their derivatives are dy, dy * 0 (the sign of dy, as the double product) or NaN: exact.
 * - relu2: x*x and dy*(x+x) are one rounding of the exact value (x+x is exact below 2^126;
 *   above, (dy*x)*2 with |dy x| >= 2^-23 normal, so the doubling is exact): correctly
 *   rounded. g(y) = 2 sqrt(y): s = sqrtf(y) (correctly rounded), its residual y - s^2 exact
 *   by fmaf (y >= 2^-100, else y is scaled by 2^48 first), sqrt(y) = s + r/(2s) to 2^-46
 *   relative; dy times the pair: <= 0.5 + 2^-20 ULP.
 * - hardsigmoid: u = alpha x + beta is fmaf(alpha, x, beta), one rounding (0.5 ULP of u). The
 *   default alpha (the float nearest 1/6) means x/6 + beta: q = RN(x/6), x - 6q exact (fmaf),
 *   q + beta exact as a pair (2Sum), plus RN((x - 6q)/6): |error| <= 2^-24 ulp(q) + the last
 *   rounding, < 0.6 ULP of u wherever |u| >= 2^-20 (cancellation there costs at most
 *   |q|/|u| <= 2^21 |beta| in ulp(q)/ulp(u)). The clamp is monotone, so the result is within
 *   0.6 ULP. The kinks decide the derivative (0 < u < 1), which a rounded u can get wrong
 *   within an ULP of 0 or 1: lanes with |u| < 2^-20 or |u - 1| < 2^-20 (about 50 floats next
 *   to each kink for the defaults) take the double formula. dy/6 and dy*alpha: one rounding.
 * - hardswish: x(x+3)/6 on (-3, 3): x + 3 as an exact pair (2Sum), x times it as a pair
 *   (2Prod, the low product rounded: 2^-48), then /6 as q + (x(x+3) - 6q)/6 (remainder
 *   exact by fmaf): relative error < 2^-46 before the last rounding (no cancellation: x and
 *   x + 3 keep their signs). f' = (x + 1.5)/3 on [-3, 3]: x + 1.5 exact as a pair (the root
 *   -1.5 cancels exactly, Sterbenz), divided by 3 the same way: < 2^-46 relative.
 * - softsign: x / (1 + |x|) with 1 + |x| an exact pair and the pair division (2^-44): the
 *   plain float 1 + |x| would cost up to 0.5 ULP. f' = 1/d^2 from the pair d (mul_f2, inv_f2:
 *   2^-43) for |x| <= 2^40 (f' >= 2^-80 stays normal); g(y) = (1 - |y|)^2 with 1 - |y| an
 *   exact pair: 2^-43.
 * - selu: gamma x (one rounding) for x > 0; gamma alpha as an exact pair (2Prod) times
 *   expm1_f2(x) (2^-26.5) for x <= 0, summed by two fmaf (2^-46): 0.5 + 0.18 ULP. f' = gamma
 *   alpha e^x: exp_f2s (2^-28) times the pair: 0.5 + 0.07 ULP. g(y) = y + gamma alpha: an
 *   exact 2Sum plus the pair's low part (exact where y cancels gamma alpha, Sterbenz),
 *   renormalised: < 2^-46.
 * - celu: t = x/alpha as a pair (q = RN(x/alpha), (x - q alpha)/alpha, the remainder exact);
 *   alpha expm1(q + t_l) = alpha (expm1_f2(q) + e^q t_l) (the t_l^2 term < 2^-46 relative):
 *   0.5 + 0.18 ULP. |t| < 2^-20: x (1 + t/2) by one fmaf (truncation t^2/6 < 2^-42).
 *   f' = e^(x/alpha): exp_f2s of the pair t (2^-28). g(y) = (y + alpha)/alpha: exact 2Sum,
 *   pair division (2^-44).
 * Backward results that are subnormal (a subnormal dy, as the host test's 1e-40): dy_times'
 * low product dy * g.l then rounds to the subnormal grid too (abs error <= 2^-150), so such dx
 * are within 1 ULP rather than 0.5 + eps (relu2's g(y) measured 0.87 there, 0.5 elsewhere).
 * Ranges: selu needs gamma alpha in [2^-20, 2^20], celu alpha in [2^-20, 2^20] (uniform
 * branches); x >= -86 for the exponentials. Outside, and for NaN/inf where the pair steps
 * would produce NaN, the double formulas of math.cuh (fwd_p ...) give the value: rare lanes.
 *
 * 16-bit storage uses the same functions: a value within 0.75 ULP32 of f, rounded once to
 * bf16/fp16, is within 0.5 ULP16 + 0.75 ULP32 < 1 ULP16 (math_f32.cuh's 16-bit argument).
 */
#ifndef ACTIV_CUDA_MATH_F32_P_CUH
#define ACTIV_CUDA_MATH_F32_P_CUH

/* the double formulas, rounded once: the fallback for the rare lanes */
ACTIV_FALLBACK float fwd_pdbl(int kind, float x, KParams p) {
    ACTIV_CUDA_FALLBACK_HOOK();
    return (float)fwd_p(kind, x, p);
}
ACTIV_FALLBACK float bwd_pdbl(int kind, float x, float dy, KParams p) {
    ACTIV_CUDA_FALLBACK_HOOK();
    return (float)((double)dy * deriv_p(kind, x, p));
}
ACTIV_FALLBACK float bwdy_pdbl(int kind, float y, float dy, KParams p) {
    ACTIV_CUDA_FALLBACK_HOOK();
    return (float)((double)dy * deriv_from_output_p(kind, y, p));
}

/* dy where lo < v < hi, dy * 0 outside (sign of dy), NaN for NaN v */
ACTIV_HD float dy_inside(float v, float dy, float lo, float hi) {
    return (v > lo && v < hi) ? dy : (v == v ? dy * 0.0f : v);
}

/* dy_times for a g that may be large (g(y) of off-range y): when dy g overflows, the low
 * product may overflow with the other sign; the high product alone then gives the inf */
ACTIV_HD float dy_times_big(float dy, f2 g) {
    float v = dy_times(dy, g);
    return fabsf(v) <= 0x1.fffffep127f ? v : dy * g.h;
}

/* hardsigmoid's u (header); *kink: within 2^-20 of 0 or 1, or x not in the fast range */
ACTIV_HD float hsig_u_f32(float x, const KParams &p, bool *kink) {
    float u;
    if (p.a == 1.0f / 6.0f) {
        float q = x / 6.0f;
        float r = fmaf(-q, 6.0f, x);
        f2 s = two_sum(q, p.b);
        u = s.h + (s.l + r / 6.0f);
    } else {
        u = fmaf(p.a, x, p.b);
    }
    *kink = !(fabsf(x) <= 0x1p100f) || fabsf(u) < 0x1p-20f || fabsf(u - 1.0f) < 0x1p-20f;
    return u;
}

/* ---- forward ---- */
ACTIV_HD float fwd_f32p(int kind, float x, const KParams &p) {
    switch (kind) {
    case ACTIV_RELU6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x); /* -0, NaN pass */
    case ACTIV_HARDTANH: return x < p.lo ? p.lo : (x > p.hi ? p.hi : x);
    case ACTIV_HARDSIGMOID: {
        bool kink;
        float u = hsig_u_f32(x, p, &kink);
        if (kink) return fwd_pdbl(kind, x, p);
        return u < 0.0f ? 0.0f : (u > 1.0f ? 1.0f : u);
    }
    case ACTIV_HARDSWISH: {
        if (x <= -3.0f) return -0.0f; /* PyTorch's x * 0 */
        if (x >= 3.0f) return x;
        if (x != x) return x;
        f2 s = two_sum(x, 3.0f);
        f2 m = two_prod(x, s.h);
        m = fast2sum(m.h, m.l + x * s.l);
        f2 y = div_small(m, 6.0f);
        return copysignf(y.h + y.l, x); /* -0 stays -0; x(x+3) has the sign of x here */
    }
    case ACTIV_SOFTSIGN: {
        float ax = fabsf(x);
        if (!(ax <= 0x1p126f)) return x != x ? x : copysignf(1.0f, x);
        f2 d = ax <= 1.0f ? fast2sum(1.0f, ax) : fast2sum(ax, 1.0f);
        f2 y = div_f2({x, 0.0f}, d);
        return copysignf(y.h + y.l, x); /* -0 stays -0 */
    }
    case ACTIV_RELU2: return x > 0.0f ? x * x : (x <= 0.0f ? 0.0f : x);
    case ACTIV_THRESHOLDED_RELU: return x > p.a ? x : (x <= p.a ? 0.0f : x);
    case ACTIV_SELU: {
        if (x > 0.0f) return p.g * x;
        if (x == 0.0f) return (p.g * p.a) * x; /* the sign of gamma alpha x */
        f2 ga = two_prod(p.g, p.a);
        if (!(x >= -86.0f) || !(fabsf(ga.h) >= 0x1p-20f && fabsf(ga.h) <= 0x1p20f))
            return fwd_pdbl(kind, x, p);
        f2 m = expm1_f2(x);
        return fmaf(ga.h, m.h, fmaf(ga.h, m.l, ga.l * m.h));
    }
    case ACTIV_CELU: {
        if (x > 0.0f) return x;
        if (x == 0.0f) return x; /* alpha > 0: alpha expm1(+-0) = +-0 */
        if (!(p.a >= 0x1p-20f && p.a <= 0x1p20f) || x != x) return fwd_pdbl(kind, x, p);
        float q = x / p.a;
        if (q < -86.0f) return -p.a; /* alpha (e^t - 1) = -alpha (1 - 2^-124): RN is -alpha */
        if (q > -0x1p-20f) return fmaf(x, 0.5f * q, x);
        float tl = fmaf(-q, p.a, x) / p.a;
        f2 m = expm1_f2(q);
        m = fast2sum(m.h, m.l + fmaf(m.h, tl, tl)); /* + e^q t_l */
        return fmaf(p.a, m.h, p.a * m.l);
    }
    default: return fwd_f32(kind, x, p.a, p.b, p.t);
    }
}

/* ---- dx = dy * f'(x) ---- */
ACTIV_HD float bwd_f32p(int kind, float x, float dy, const KParams &p) {
    switch (kind) {
    case ACTIV_RELU6: return dy_inside(x, dy, 0.0f, 6.0f);
    case ACTIV_HARDTANH: return dy_inside(x, dy, p.lo, p.hi);
    case ACTIV_HARDSIGMOID: {
        bool kink;
        float u = hsig_u_f32(x, p, &kink);
        if (kink) return bwd_pdbl(kind, x, dy, p);
        if (!(u > 0.0f && u < 1.0f)) return dy * 0.0f;
        return p.a == 1.0f / 6.0f ? dy / 6.0f : dy * p.a;
    }
    case ACTIV_HARDSWISH: {
        if (x < -3.0f) return dy * 0.0f;
        if (x > 3.0f) return dy;
        f2 s = two_sum(x, 1.5f); /* NaN passes */
        return dy_times(dy, div_small(s, 3.0f));
    }
    case ACTIV_SOFTSIGN: {
        float ax = fabsf(x);
        if (!(ax <= 0x1p40f)) return bwd_pdbl(kind, x, dy, p);
        f2 d = ax <= 1.0f ? fast2sum(1.0f, ax) : fast2sum(ax, 1.0f);
        return dy_times(dy, inv_f2(mul_f2(d, d)));
    }
    case ACTIV_RELU2: {
        if (!(x > 0.0f)) return x <= 0.0f ? dy * 0.0f : x;
        return x < 0x1p126f ? dy * (x + x) : (dy * x) * 2.0f;
    }
    case ACTIV_THRESHOLDED_RELU: return x > p.a ? dy : (x <= p.a ? dy * 0.0f : x);
    case ACTIV_SELU: {
        if (x > 0.0f) return dy * p.g;
        f2 ga = two_prod(p.g, p.a);
        if (!(x >= -86.0f) || !(fabsf(ga.h) >= 0x1p-20f && fabsf(ga.h) <= 0x1p20f))
            return bwd_pdbl(kind, x, dy, p);
        f2 e = exp_f2s(x, 0.0f);
        f2 g = two_prod(ga.h, e.h);
        g.l = fmaf(ga.h, e.l, fmaf(ga.l, e.h, g.l));
        return dy_times(dy, g);
    }
    case ACTIV_CELU: {
        if (x > 0.0f) return dy;
        float q = x / p.a;
        if (!(p.a >= 0x1p-20f && p.a <= 0x1p20f) || !(q >= -86.0f)) return bwd_pdbl(kind, x, dy, p);
        float tl = q > -0x1p-20f ? 0.0f : fmaf(-q, p.a, x) / p.a; /* exact remainder / alpha */
        return dy_times(dy, exp_f2s(q, tl));
    }
    default: return bwd_f32(kind, x, dy, p.a, p.b, p.t);
    }
}

/* ---- dx = dy * g(y), y the forward output ---- */
ACTIV_HD float bwdy_f32p(int kind, float y, float dy, const KParams &p) {
    switch (kind) {
    case ACTIV_RELU6: return dy_inside(y, dy, 0.0f, 6.0f);
    case ACTIV_HARDTANH: return dy_inside(y, dy, p.lo, p.hi);
    case ACTIV_HARDSIGMOID: {
        if (!(y > 0.0f && y < 1.0f)) return y == y ? dy * 0.0f : y;
        return p.a == 1.0f / 6.0f ? dy / 6.0f : dy * p.a;
    }
    case ACTIV_SOFTSIGN: {
        if (!(fabsf(y) <= 1.0f)) return bwdy_pdbl(kind, y, dy, p);
        f2 t = two_sum(1.0f, -fabsf(y));
        return dy_times(dy, mul_f2(t, t));
    }
    case ACTIV_RELU2: {
        if (!(y > 0.0f)) return y <= 0.0f ? dy * 0.0f : y;
        if (y == INFINITY) return bwdy_pdbl(kind, y, dy, p);
        bool tiny = y < 0x1p-100f;
        float ys = tiny ? y * 0x1p48f : y;
        float s = sqrtf(ys);
        float r = fmaf(-s, s, ys); /* exact */
        float c = tiny ? 0x1p-23f : 2.0f; /* 2 sqrt(y) = c (s + r/(2s)) */
        return dy_times_big(dy, {c * s, c * (r / (s + s))});
    }
    case ACTIV_THRESHOLDED_RELU: return y > p.a ? dy : (y <= p.a ? dy * 0.0f : y);
    case ACTIV_SELU: {
        if (y > 0.0f) return dy * p.g;
        f2 ga = two_prod(p.g, p.a);
        if (!(y >= -0x1p126f) || !(fabsf(ga.h) >= 0x1p-20f && fabsf(ga.h) <= 0x1p20f))
            return bwdy_pdbl(kind, y, dy, p);
        f2 s = two_sum(y, ga.h);
        return dy_times_big(dy, two_sum(s.h, s.l + ga.l));
    }
    case ACTIV_CELU: {
        if (y > 0.0f) return dy;
        if (!(y >= -0x1p126f) || !(p.a >= 0x1p-20f && p.a <= 0x1p20f))
            return bwdy_pdbl(kind, y, dy, p);
        return dy_times_big(dy, div_f2(two_sum(y, p.a), {p.a, 0.0f}));
    }
    default: return bwdy_f32(kind, y, dy, p.a, p.b, p.t);
    }
}

/* ---- 16-bit storage: relu6 .. celu through the functions above, the rest math_f32.cuh's ---- */
ACTIV_HD bool kparam_kind(int kind) { return kind >= ACTIV_RELU6 && kind <= ACTIV_CELU; }
ACTIV_HD float fwd_lpp(int kind, float x, const KParams &p) {
    return kparam_kind(kind) ? fwd_f32p(kind, x, p) : fwd_lp(kind, x, p.a, p.b, p.t);
}
ACTIV_HD float bwd_lpp(int kind, float x, float dy, const KParams &p) {
    return kparam_kind(kind) ? bwd_f32p(kind, x, dy, p) : bwd_lp(kind, x, dy, p.a, p.b, p.t);
}
ACTIV_HD float bwdy_lpp(int kind, float y, float dy, const KParams &p) {
    return kparam_kind(kind) ? bwdy_f32p(kind, y, dy, p) : bwdy_lp(kind, y, dy, p.a, p.b, p.t);
}

#endif
