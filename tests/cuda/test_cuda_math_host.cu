/* test_cuda_math_host - the GPU backend's math (src/cuda/math.cuh, math_f32.cuh) run on the CPU
 * against the double-precision oracle (src/ref). Needs no GPU: the math is __host__ __device__
 * and pins its rounding (explicit fmaf, --fmad=false, host -ffp-contract=off), so these are the
 * device's bits.
 *
 * Checks, for every kind (and a few parameters):
 *   fp32 storage (fwd_f32p, bwd_f32p, bwdy_f32p, the kernels' code): every STRIDE-th fp32 bit
 *     pattern plus special values; forward within 1 ULP, backward (dy cycling through 1, -0.7,
 *     3e38, 1e-40) within 2 ULP, from-output within 2 ULP; NaN and signed-zero agreement;
 *     the swish db factor within 2^-20 relative. STRIDE = 127 by default (33.8M inputs per
 *     parameter set, about a minute of CPU in all); ACTIV_SWEEP_STRIDE=31 is activ_sweep's
 *     ctest stride (about 4x longer), 1 the full sweep; ACTIV_MATH_KINDS=selu,celu,... limits
 *     the run to those kinds.
 *   16-bit storage (fwd_lpp, bwd_lpp, bwdy_lpp, then one rounding to bf16 / fp16): EVERY bf16 and
 *     fp16 input, forward and from-output within 1 ULP of the 16-bit type, backward within
 *     1 ULP for each of four dy values.
 *   the conversions double -> bf16 / fp16 (used by the column sums) against a brute-force
 *     nearest-even search.
 *   that the fp32 path is what was measured: every entry to a double fallback is counted
 *     (ACTIV_CUDA_FALLBACK_HOOK); a kind fails if more than 1e-4 of its sampled inputs with
 *     2^-20 <= |x| <= 8 took the fallback (on_double() lists kinds exempted: none now).
 * Prints the largest error found per function, direction and type, and the fallback shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
/* every entry to a double fallback of the fp32 functions counts here (host pass only) */
static unsigned long long g_fallbacks = 0;
__host__ __device__ inline void count_fallback(void) {
#ifndef __CUDA_ARCH__
    g_fallbacks++;
#endif
}
#define ACTIV_CUDA_FALLBACK_HOOK() count_fallback()
#include "math.cuh"
extern "C" {
#include "ref/ref.h"
}
#include "kernels/manifest.h"
#include "math_cases.cuh"

using namespace activ_cuda_math;

static int failures = 0;

static float ff(uint32_t u) { return bitsf(u); }

/* same sign of zero, NaN-ness; returns ULP error */
static double check(const char *what, int kind, float x, float got, double exact, double bound) {
    double e = activ_ulp_error(got, exact);
    bool zero_sign_bad = got == 0 && exact == 0 && (signbit(got) != signbit(exact));
    if (e > bound || zero_sign_bad) {
        if (failures < 30)
            printf("FAIL %s %s x=%a got=%a exact=%a ulp=%g\n", activ_kind_name((activ_kind)kind), what,
                   x, got, exact, e);
        failures++;
    }
    return e;
}

/* brute force: nearest-even 16-bit value to d, by scanning neighbours of a guess */
static double bf_val(uint16_t h) { return (double)bf2f(h); }
static double h_val(uint16_t h) { return (double)h2f(h); }
static uint16_t nearest16(double d, double (*val)(uint16_t), uint16_t inf_bits, double maxfin,
                          double halfstep_over) {
    if (d != d) return 0x7fff;
    uint16_t sign = signbit(d) ? 0x8000 : 0;
    double a = fabs(d);
    if (a >= halfstep_over) return sign | inf_bits; /* at or beyond the overflow midpoint */
    (void)maxfin;
    uint16_t best = 0;
    double bd = INFINITY;
    /* binary search for the largest finite magnitude <= a */
    uint16_t lo = 0, hi = (uint16_t)(inf_bits - 1);
    while (lo < hi) {
        uint16_t mid = (uint16_t)((lo + hi + 1) / 2);
        if (val(mid) <= a) lo = mid; else hi = (uint16_t)(mid - 1);
    }
    for (int c = (int)lo - 1; c <= (int)lo + 1; c++) {
        if (c < 0 || c >= inf_bits) continue;
        double dist = fabs(val((uint16_t)c) - a);
        if (dist < bd || (dist == bd && (c & 1) == 0)) { bd = dist; best = (uint16_t)c; }
    }
    return sign | best;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next64(void) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

static void check_conversions(void) {
    /* bf16: max finite 0x7f7f = (2 - 2^-7) * 2^127, overflow midpoint (2 - 2^-8) * 2^127 */
    double bf_over = ldexp(2.0 - ldexp(1, -8), 127);
    double h_over = 65520.0;
    int bad = 0;
    for (long i = 0; i < 4000000; i++) {
        double d;
        uint64_t r = next64();
        switch (i % 4) {
        case 0: memcpy(&d, &r, 8); break;                                      /* any double */
        case 1: d = ldexp((double)(r >> 11) / 9007199254740992.0, (int)(r % 300) - 150); break;
        case 2: { /* near a bf16 midpoint */
            uint32_t u = (uint32_t)r & 0xffff0000u | 0x8000u;
            d = (double)ff(u) * (1.0 + ((int)(r >> 40) % 5 - 2) * 0x1p-40);
            break; }
        default: { /* near an fp16 midpoint or subnormal */
            double v = h_val((uint16_t)(r & 0x7bff));
            double w = h_val((uint16_t)((r & 0x7bff) + 1));
            d = (v + w) / 2 * (1.0 + ((int)(r >> 40) % 5 - 2) * 0x1p-45);
            if (r >> 63) d = -d;
            break; }
        }
        if (isinf(d) || (d != d)) continue;
        uint16_t g1 = d2bf(d), e1 = nearest16(d, bf_val, 0x7f80, 0, bf_over);
        uint16_t g2 = d2h(d), e2 = nearest16(d, h_val, 0x7c00, 0, h_over);
        if (g1 != e1 || g2 != e2) {
            if (bad < 10) printf("FAIL conversion d=%a bf16 got %04x want %04x fp16 got %04x want %04x\n", d, g1, e1, g2, e2);
            bad++;
        }
    }
    /* specials */
    if (d2bf(INFINITY) != 0x7f80 || d2bf(-INFINITY) != 0xff80 || d2h(INFINITY) != 0x7c00 ||
        d2h(-0.0) != 0x8000 || d2bf(-0.0) != 0x8000 || !(bf2f(d2bf(NAN)) != bf2f(d2bf(NAN))) ||
        !(h2f(d2h(NAN)) != h2f(d2h(NAN))) || d2h(0x1p-25) != 0 || d2h(0x1.0000000001p-25) != 1 ||
        d2h(65519.99) != 0x7bff || d2h(65520.0) != 0x7c00 || d2bf((double)FLT_MAX) != 0x7f80) {
        printf("FAIL conversion specials\n");
        bad++;
    }
    /* every fp16 and bf16 value converts back exactly */
    for (uint32_t h = 0; h < 65536; h++) {
        float f = h2f((uint16_t)h);
        if (f == f && d2h(f) != h) { if (bad < 20) printf("FAIL fp16 round trip %04x\n", h); bad++; }
        float g = bf2f((uint16_t)h);
        if (g == g && d2bf(g) != h) { if (bad < 20) printf("FAIL bf16 round trip %04x\n", h); bad++; }
    }
    printf("conversions (double -> bf16 / fp16, correctly rounded): %s\n", bad ? "FAIL" : "ok");
    failures += bad;
}

static bool has_from_output(int kind) { return activ_manifest_has_from_output(kind) != 0; }

/* ULP error of a 16-bit result (given as float) against the exact double v, in units of the
 * 16-bit type's ulp at v (mant = significand bits incl. the implicit one, emin = min normal
 * exponent, vmax = largest finite; inf counts as vmax + ulp(vmax)) */
static double ulp16_error(float got, double v, int mant, int emin, double vmax) {
    if (got != got || v != v) return (got != got && v != v) ? 0.0 : INFINITY;
    double g = got;
    double top = ldexp(1.0, (int)floor(log2(vmax)) + 1); /* vmax + ulp(vmax) */
    if (isinf(g) && fabs(v) >= (vmax + top) / 2 && signbit(g) == signbit(v)) return 0.0; /* overflow */
    if (isinf(g)) g = copysign(top, g);
    if (isinf(v)) v = copysign(top, v);
    double av = fabs(v);
    int e = av > 0 ? (int)floor(log2(av)) : emin;
    if (e < emin) e = emin;
    double ulp = ldexp(1.0, e - (mant - 1));
    return fabs(g - v) / ulp;
}

struct Max {
    double f = 0, b = 0, y = 0;
};

static void note(double &m, double e) {
    if (e > m && e != INFINITY) m = e;
}

/* What the device's elem() runs (src/cuda/eltwise.cu): fwd_f32p ... for fp32 storage, fwd_lpp
 * ... (plain fp32, then one rounding) for 16-bit, with KParams as the kernels fill them. */
static KParams kparams(int kind, float a, float b) {
    activ_params ap = activ_default_params((activ_kind)kind);
    KParams kp = {a, b, ap.gamma, ap.min_val, ap.max_val, ap.threshold};
    return kp;
}
static float dev_fwd(bool lp, int kind, float x, float a, float b) {
    KParams kp = kparams(kind, a, b);
    return lp ? fwd_lpp(kind, x, kp) : fwd_f32p(kind, x, kp);
}
static float dev_bwd(bool lp, int kind, float x, float dy, float a, float b) {
    KParams kp = kparams(kind, a, b);
    return lp ? bwd_lpp(kind, x, dy, kp) : bwd_f32p(kind, x, dy, kp);
}
static float dev_bwdy(bool lp, int kind, float y, float dy, float a, float b) {
    KParams kp = kparams(kind, a, b);
    return lp ? bwdy_lpp(kind, y, dy, kp) : bwdy_f32p(kind, y, dy, kp);
}
/* the kinds whose fp32 storage still runs the double functions (math_f32.cuh's TODO(perf)) */
static bool on_double(int kind) {
    (void)kind; /* none left */
    return false;
}

/* 16-bit: every input of the type, every direction */
static void check_16(int kind, float a, float b, int bf, Max &mx) {
    const int mant = bf ? 8 : 11, emin = bf ? -126 : -14;
    const double vmax = bf ? (double)bf2f(0x7f7f) : 65504.0;
    auto to16 = [&](float f) { return bf ? f2bf_rn(f) : f2h_rn(f); };
    auto from16 = [&](uint16_t h) { return bf ? bf2f(h) : h2f(h); };
    const float dys[] = {1.0f, from16(to16(-0.7f)), from16(to16(bf ? 3.0e38f : 60000.0f)),
                         from16(bf ? (uint16_t)0x0005 : (uint16_t)0x0003)};
    const char *tn = bf ? "bf16" : "fp16";
    bool has_y = has_from_output(kind) && !(kind == ACTIV_LEAKY_RELU && a <= 0);
    for (uint32_t h = 0; h < 65536; h++) {
        float x = from16((uint16_t)h);
        float y = from16(to16(dev_fwd(true, kind, x, a, b)));
        double ey = activ_ref_forward((activ_kind)kind, x, a, b);
        double e = ulp16_error(y, ey, mant, emin, vmax);
        bool zs = y == 0 && ey == 0 && signbit(y) != signbit(ey);
        if (!(e <= 1.0) || zs) {
            if (failures < 30) printf("FAIL %s %s fwd x=%a got=%a exact=%a ulp=%g\n", activ_kind_name((activ_kind)kind), tn, x, y, ey, e);
            failures++;
        }
        note(mx.f, e);
        for (float dy : dys) {
            float dx = from16(to16(dev_bwd(true, kind, x, dy, a, b)));
            double ex = activ_ref_backward((activ_kind)kind, x, dy, a, b);
            e = ulp16_error(dx, ex, mant, emin, vmax);
            zs = dx == 0 && ex == 0 && signbit(dx) != signbit(ex);
            if (!(e <= 1.0) || zs) {
                if (failures < 30) printf("FAIL %s %s bwd x=%a dy=%a got=%a exact=%a ulp=%g\n", activ_kind_name((activ_kind)kind), tn, x, dy, dx, ex, e);
                failures++;
            }
            note(mx.b, e);
            if (has_y && y == y) {
                float dyy = from16(to16(dev_bwdy(true, kind, y, dy, a, b)));
                activ_params q = activ_default_params((activ_kind)kind);
                q.alpha = a;
                q.beta = b;
                double eyy = (double)dy * activ_ref_derivative_from_output_p((activ_kind)kind, y, &q);
                e = ulp16_error(dyy, eyy, mant, emin, vmax);
                if (!(e <= 1.0)) {
                    if (failures < 30) printf("FAIL %s %s bwd_from_output y=%a dy=%a got=%a exact=%a ulp=%g\n", activ_kind_name((activ_kind)kind), tn, y, dy, dyy, eyy, e);
                    failures++;
                }
                note(mx.y, e);
            }
        }
    }
}

int main(void) {
    const char *env = getenv("ACTIV_SWEEP_STRIDE");
    uint32_t stride = env ? (uint32_t)strtoul(env, NULL, 10) : 127;
    if (stride == 0) stride = 127;
    check_conversions();
    static const uint32_t specials[] = {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u,
                                        0x7fc00000u, 0xffc00000u, 0x00000001u, 0x80000001u,
                                        0x007fffffu, 0x807fffffu, 0x00800000u, 0x7f7fffffu,
                                        0xff7fffffu, 0x3f800000u, 0xbf800000u, 0xc2b00000u,
                                        0x42b00000u, 0xc3000000u, 0x3c000000u, 0xbfa3a000u,
                                        0xc2ac0000u, 0x42ac0000u, 0xc22c0000u, 0x422c0000u,
                                        0xbfa3a4c0u, 0xbfa3a4b0u};
    typedef activ_math_case P;
    const P *params = activ_math_cases;
    const size_t nparams = sizeof activ_math_cases / sizeof activ_math_cases[0];
    const float dys[] = {1.0f, -0.7f, 3.0e38f, 1e-40f};
    printf("fp32 storage: every %u-th pattern plus %zu specials; 16-bit: every input\n", stride,
           sizeof specials / sizeof specials[0]);
    /* ACTIV_MATH_KINDS=name,name,...: only those kinds (a finer stride for a few kinds) */
    const char *only = getenv("ACTIV_MATH_KINDS");
    for (size_t pi = 0; pi < nparams; pi++) {
        P p = params[pi];
        if (only) {
            const char *nm = activ_kind_name((activ_kind)p.kind), *f = strstr(only, nm);
            size_t ln = strlen(nm);
            while (f && ((f != only && f[-1] != ',') || (f[ln] != ',' && f[ln] != 0))) f = strstr(f + 1, nm);
            if (!f) continue;
        }
        double mf = 0, mb = 0, my = 0, mdb = 0;
        uint64_t count = 0, ncommon = 0;
        /* inputs that entered a double fallback: all, and those with 2^-20 <= |x| <= 8 */
        uint64_t fb[3] = {0, 0, 0}, fbc[3] = {0, 0, 0};
        bool has_y = has_from_output(p.kind);
        auto one = [&](uint32_t bits) {
            float x = ff(bits);
            count++;
            const bool common = fabsf(x) >= 0x1p-20f && fabsf(x) <= 8.0f;
            ncommon += common;
            auto tally = [&](int d, unsigned long long before) {
                if (g_fallbacks != before) {
                    fb[d]++;
                    fbc[d] += common;
                }
            };
            unsigned long long f0 = g_fallbacks;
            float y = dev_fwd(false, p.kind, x, p.a, p.b);
            tally(0, f0);
            double ey = activ_ref_forward((activ_kind)p.kind, x, p.a, p.b);
            note(mf, check("fwd", p.kind, x, y, ey, 1.0));
            float dy = dys[(bits >> 3) % 4];
            f0 = g_fallbacks;
            float dx = dev_bwd(false, p.kind, x, dy, p.a, p.b);
            tally(1, f0);
            note(mb, check("bwd", p.kind, x, dx, activ_ref_backward((activ_kind)p.kind, x, dy, p.a, p.b), 2.0));
            if (p.kind == ACTIV_SWISH) {
                double t = swish_db_factor(x, p.b), r = activ_ref_swish_dbeta(x, p.b);
                double rel = (t == r || (t != t && r != r)) ? 0 : fabs(t - r) / fabs(r);
                if (!(rel <= 0x1p-20)) {
                    if (failures < 30) printf("FAIL swish db factor x=%a got %a want %a\n", x, t, r);
                    failures++;
                } else if (rel > mdb) mdb = rel;
            }
            if (has_y) {
                f0 = g_fallbacks;
                float dyy = dev_bwdy(false, p.kind, y, dy, p.a, p.b);
                tally(2, f0);
                activ_params q = activ_default_params((activ_kind)p.kind);
                q.alpha = p.a;
                q.beta = p.b;
                note(my, check("bwd_from_output", p.kind, y, dyy,
                               (double)dy * activ_ref_derivative_from_output_p((activ_kind)p.kind, y, &q), 2.0));
            }
        };
        for (uint64_t u = 0; u < 0x100000000ull; u += stride) one((uint32_t)u);
        for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) one(specials[k]);
        Max b16, h16;
        check_16(p.kind, p.a, p.b, 1, b16);
        check_16(p.kind, p.a, p.b, 0, h16);
        printf("%-10s a=%-5g b=%-6g fp32 (%llu inputs) max ULP fwd %.3f bwd %.3f from-output %.3f | "
               "bf16 fwd %.3f bwd %.3f fo %.3f | fp16 fwd %.3f bwd %.3f fo %.3f\n",
               activ_kind_name((activ_kind)p.kind), p.a, p.b, (unsigned long long)count, mf, mb, my,
               b16.f, b16.b, b16.y, h16.f, h16.b, h16.y);
        if (p.kind == ACTIV_SWISH) printf("           swish db factor max relative error %.3g\n", mdb);
        printf("           fp32 inputs on the double fallback: fwd %.3g%% bwd %.3g%% fo %.3g%%; with "
               "2^-20 <= |x| <= 8: %.3g%% %.3g%% %.3g%%%s\n",
               100.0 * fb[0] / count, 100.0 * fb[1] / count, 100.0 * fb[2] / count,
               100.0 * fbc[0] / ncommon, 100.0 * fbc[1] / ncommon, 100.0 * fbc[2] / ncommon,
               on_double(p.kind) ? " (kind still on double)" : "");
        /* the fp32 path must be what was measured: no more than 1e-4 of the common range on
         * the fallback (the kink bands of hardsigmoid, the root windows ...) */
        for (int d = 0; d < 3; d++)
            if (!on_double(p.kind) && fbc[d] > ncommon / 10000) {
                printf("FAIL %s: %llu of %llu common-range inputs took the double fallback (dir %d)\n",
                       activ_kind_name((activ_kind)p.kind), (unsigned long long)fbc[d],
                       (unsigned long long)ncommon, d);
                failures++;
            }
    }
    if (failures) {
        printf("%d failures\n", failures);
        return 1;
    }
    printf("all ok\n");
    return 0;
}
