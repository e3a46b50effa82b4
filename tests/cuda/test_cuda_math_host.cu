/* test_cuda_math_host - the GPU backend's math (src/cuda/math.cuh) run on the CPU against the
 * double-precision oracle (src/ref). Needs no GPU: math.cuh is __host__ __device__ and pins
 * its rounding (explicit fma, --fmad=false), so this is the device's arithmetic.
 *
 * Checks, for every 1021st fp32 bit pattern (about 4.2M inputs; ACTIV_SWEEP_STRIDE) plus special values:
 *   forward within 1 ULP, backward (dy = 1 and a second dy) within 2 ULP, from-output within
 *   2 ULP, NaN/inf/signed-zero agreement with the oracle; and the 16-bit conversions: d2bf and
 *   d2h are the correctly rounded conversions of the double value (checked against a
 *   brute-force nearest-even search) for random doubles and all the boundary cases.
 * Prints the largest error found per function. Set ACTIV_SWEEP_STRIDE to change 1021 (97 visits ~44M inputs in about a minute). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include "math.cuh"
extern "C" {
#include "ref/ref.h"
}

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

int main(void) {
    const char *env = getenv("ACTIV_SWEEP_STRIDE");
    uint32_t stride = env ? (uint32_t)strtoul(env, NULL, 10) : 1021;
    if (stride == 0) stride = 1021;
    check_conversions();
    static const uint32_t specials[] = {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u,
                                        0x7fc00000u, 0xffc00000u, 0x00000001u, 0x80000001u,
                                        0x007fffffu, 0x807fffffu, 0x00800000u, 0x7f7fffffu,
                                        0xff7fffffu, 0x3f800000u, 0xbf800000u, 0xc2b00000u,
                                        0x42b00000u, 0xc3000000u, 0x3c000000u, 0xbfa3a000u};
    struct P { int kind; float a, b; } params[] = {
        {ACTIV_RELU, 0, 1}, {ACTIV_LEAKY_RELU, 0.01f, 1}, {ACTIV_PRELU, 0.25f, 1},
        {ACTIV_ELU, 1.0f, 1}, {ACTIV_ELU, 0.5f, 1}, {ACTIV_SWISH, 0, 1.0f},
        {ACTIV_SWISH, 0, 1.702f}, {ACTIV_SWISH, 0, -0.5f}, {ACTIV_SWISH, 0, 0.0f},
        {ACTIV_SIGMOID, 0, 1}, {ACTIV_TANH, 0, 1}, {ACTIV_RELU6, 1, 1}, {ACTIV_HARDTANH, 1, 1},
        {ACTIV_HARDSIGMOID, 1.0f / 6.0f, 0.5f}, {ACTIV_HARDSIGMOID, 0.2f, 0.5f},
        {ACTIV_HARDSWISH, 1, 1}, {ACTIV_SOFTSIGN, 1, 1}, {ACTIV_RELU2, 1, 1},
        {ACTIV_THRESHOLDED_RELU, 1, 1}, {ACTIV_THRESHOLDED_RELU, 0.5f, 1},
        {ACTIV_SELU, 1.6732632f, 1}, {ACTIV_CELU, 1, 1}, {ACTIV_CELU, 0.5f, 1}};
    const float dys[] = {1.0f, -0.7f, 3.0e38f, 1e-40f};
    for (size_t pi = 0; pi < sizeof params / sizeof params[0]; pi++) {
        P p = params[pi];
        /* the kind's other parameters at their defaults (gamma, min_val, max_val) */
        activ_params ap = activ_default_params((activ_kind)p.kind);
        ap.alpha = p.a;
        ap.beta = p.b;
        const KParams kp = {p.a, p.b, ap.gamma, ap.min_val, ap.max_val};
        double mf = 0, mb = 0, my = 0, mdb = 0;
        uint64_t count = 0;
        auto one = [&](uint32_t bits) {
            float x = ff(bits);
            count++;
            float y = (float)fwd_p(p.kind, x, kp);
            double ey = activ_ref_forward_p((activ_kind)p.kind, x, &ap);
            double e = check("fwd", p.kind, x, y, ey, 1.0);
            if (e > mf && e != INFINITY) mf = e;
            float dy = dys[(bits >> 3) % 4];
            float dx = (float)((double)dy * deriv_p(p.kind, x, kp));
            e = check("bwd", p.kind, x, dx, (double)dy * activ_ref_derivative_p((activ_kind)p.kind, x, &ap), 2.0);
            if (e > mb && e != INFINITY) mb = e;
            if (p.kind == ACTIV_SWISH) {
                double t = swish_dbeta_term(x, dy, p.b), r = (double)dy * activ_ref_swish_dbeta(x, p.b);
                double rel = (t == r || (t != t && r != r)) ? 0 : fabs(t - r) / fabs(r);
                if (!(rel <= 1e-9)) {
                    if (failures < 30) printf("FAIL swish dbeta x=%a got %a want %a\n", x, t, r);
                    failures++;
                } else if (rel > mdb) mdb = rel;
            }
            if (p.kind != ACTIV_PRELU && p.kind != ACTIV_SWISH && p.kind != ACTIV_HARDSWISH) {
                /* from output: y = the fp32 forward result */
                float dyy = (float)((double)dy * deriv_from_output_p(p.kind, y, kp));
                e = check("bwd_from_output", p.kind, y, dyy,
                          (double)dy * activ_ref_derivative_from_output_p((activ_kind)p.kind, y, &ap), 2.0);
                if (e > my && e != INFINITY) my = e;
            }
            /* bf16 and fp16 outputs are the correctly rounded conversions of the double value */
            double v = fwd_p(p.kind, x, kp);
            if (v == v && !isinf(v) && fabs(v) < 1e300) {
                if (d2bf(v) != nearest16(v, bf_val, 0x7f80, 0, ldexp(2.0 - ldexp(1, -8), 127)) ||
                    d2h(v) != nearest16(v, h_val, 0x7c00, 0, 65520.0)) {
                    if (failures < 30) printf("FAIL 16-bit rounding x=%a v=%a\n", x, v);
                    failures++;
                }
            }
        };
        for (uint64_t u = 0; u < 0x100000000ull; u += stride) one((uint32_t)u);
        for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) one(specials[k]);
        printf("%-10s a=%-6g b=%-6g inputs=%llu  max ULP: fwd %.4f  bwd %.4f  from-output %.4f%s\n",
               activ_kind_name((activ_kind)p.kind), p.a, p.b, (unsigned long long)count, mf, mb, my,
               p.kind == ACTIV_SWISH ? "" : "");
        if (p.kind == ACTIV_SWISH) printf("           swish db term max relative error %.3g\n", mdb);
    }
    if (failures) {
        printf("%d failures\n", failures);
        return 1;
    }
    printf("all ok\n");
    return 0;
}
