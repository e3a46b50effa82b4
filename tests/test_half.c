/* test_half.c - 16-bit storage (src/half.c, src/kernels/half*.c):
 *   - the portable conversions against independent references: binary16 by the compiler's
 *     _Float16 (where it has one) and bfloat16 by nearest-candidate search in double, on all
 *     65536 patterns and on fp32 patterns (stride + windows at every rounding boundary);
 *   - every vector conversion set this CPU supports gives the portable set's bits;
 *   - the API plumbing: activ_forward16 / backward16 / from-output16 give exactly the 16-bit
 *     rounding of the fp32 kernel on the converted inputs (every kind, prelu channels across
 *     block and chunk boundaries, odd sizes), dparam close to the fp32 call's, bitwise the
 *     same for 1, 2 and 5 threads; argument errors;
 *   - the same against the fp32 kernel for all 65536 inputs, every kind, direction, type and
 *     path (the fused kernels of src/kernels/half_fused.inc); where a kind's 16-bit kernels
 *     use their own fp32 formula, a tie may round to the neighbouring value, nothing more;
 *     and the same bits again when the array starts one element later (tails, alignment);
 *   - prelu's layouts (one slope, channel runs, channels-last) on every path, sizes over
 *     several chunks: y and dx the rounded fp32 kernel's bits, da within the bound of a
 *     double sum of the exact terms (against a long double sum).
 * Accuracy against the double oracle over all 65536 inputs is activ_sweep --half (ctest
 * sweep_half). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/half.h"
#include "testutil.h"

/* nearest bfloat16 of a finite f by search: the two candidates around f, ties to even */
static uint16_t bf16_ref(float f)
{
    uint32_t b = tu_bits(f);
    uint16_t lo = (uint16_t)(b >> 16), hi = (uint16_t)(lo + 1);
    double dl = fabs((double)f - (double)tu_float((uint32_t)lo << 16));
    if ((hi & 0x7fff) > 0x7f80) return lo; /* lo is the largest finite: no higher candidate */
    double vh = (hi & 0x7fff) == 0x7f80 ? ldexp(signbit(f) ? -1 : 1, 128) : (double)tu_float((uint32_t)hi << 16);
    double dh = fabs((double)f - vh);
    if (dl < dh) return lo;
    if (dh < dl) return hi;
    return (lo & 1) ? hi : lo;
}

static void check_from32(const activ_cvt16 *sets[], int nsets, float f, int *bad16, int *badbf)
{
    uint16_t h = activ_f32_to_f16_scalar(f), b = activ_f32_to_bf16_scalar(f);
#ifdef __FLT16_MAX__
    if (!isnan(f)) {
        _Float16 t = (_Float16)f;
        uint16_t want;
        memcpy(&want, &t, 2);
        if (h != want && (*bad16)++ < 5) CHECK(0, "f16 of %a: %04x want %04x", (double)f, h, want);
    }
#endif
    if (!isnan(f)) {
        uint16_t want = bf16_ref(f);
        if (b != want && (*badbf)++ < 5) CHECK(0, "bf16 of %a: %04x want %04x", (double)f, b, want);
    } else {
        CHECK((b & 0x7fc0) == 0x7fc0 && (h & 0x7e00) == 0x7e00, "NaN stays a quiet NaN");
    }
    (void)sets, (void)nsets;
}

/* Whether the 16-bit result a stands for want, the 16-bit rounding of the fp32 kernel's
 * result on the same inputs: the same bits (any NaN for a NaN: payloads are not part of the
 * contract), or, for a kind whose 16-bit kernels evaluate their own fp32 formula (approx,
 * src/kernels/half_fused.inc), the neighbouring value with the same sign bit (a tie rounded
 * the other way: also 0 against the smallest subnormal, e.g. gelu_tanh(2^-24) = 2^-25 + a
 * hair, which the fp32 kernel's result, rounded to 2^-25 in fp32, loses; or the largest
 * finite against inf). NaN and the sign bit must match either way. */
static int h_same(activ_half h, uint16_t a, uint16_t want, int approx)
{
    if (a == want) return 1;
    float fa = activ_half_to_f32(h, a), fw = activ_half_to_f32(h, want);
    if (isnan(fa) || isnan(fw)) return isnan(fa) && isnan(fw);
    if (!approx || ((a ^ want) & 0x8000)) return 0;
    int d = (int)(a & 0x7fff) - (int)(want & 0x7fff);
    return d == 1 || d == -1;
}

/* 1 where the path's fused 16-bit kernels may differ by a tie from the rounded fp32 kernel */
static int h_approx(activ_isa isa, activ_kind kind)
{
#if defined(__x86_64__)
    if (isa == ACTIV_ISA_AVX2) return activ_k16tab_avx2.approx[kind];
    if (isa == ACTIV_ISA_AVX512) return activ_k16tab_avx512.approx[kind];
#endif
    (void)isa, (void)kind;
    return 0;
}

/* Every 16-bit input x (all 65536 patterns), with dy running over all 65536 patterns in a
 * scrambled order (so NaN, infinities, huge and tiny dy meet every kind of x), every kind,
 * direction, type and supported path: the 16-bit API against the rounded fp32 API on the
 * same path (activ_set_isa). Returns the number of failures. */
static int h_exhaustive(void)
{
    enum { P = 65536 };
    uint16_t *x16 = malloc(P * 2), *g16 = malloc(P * 2), *o16 = malloc(P * 2);
    float *x = malloc(P * 4), *g = malloc(P * 4), *o = malloc(P * 4);
    const activ_kernels *ks[ACTIV_ISA_COUNT];
    int nk = tu_isas(ks), fails = 0;
    long ties = 0, checked = 0;
    activ_isa saved = activ_get_isa();
    float slope = -0.375f;
    for (int dt = 0; dt < 2; dt++) {
        activ_half h = (activ_half)dt;
        for (uint32_t i = 0; i < P; i++) {
            x16[i] = (uint16_t)i;
            g16[i] = (uint16_t)(i * 40503u + 12345u); /* odd multiplier: a permutation */
            x[i] = activ_half_to_f32(h, x16[i]);
            g[i] = activ_half_to_f32(h, g16[i]);
        }
        for (int ii = 0; ii < nk; ii++) {
            activ_set_isa(ks[ii]->isa);
            for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
                activ_kind kind = (activ_kind)k;
                activ_params p = activ_default_params(kind);
                if (kind == ACTIV_PRELU) p.slopes = &slope, p.channels = 1, p.inner = 1;
                int approx = h_approx(ks[ii]->isa, kind);
                for (int dir = 0; dir < 3; dir++) {
                    if (dir == 2 && !tu_has_from_output(kind)) continue;
                    activ_status s1, s2;
                    if (dir == 0) {
                        s1 = activ_forward(kind, &p, x, o, P);
                        s2 = activ_forward16(h, kind, &p, x16, o16, P);
                    } else if (dir == 1) {
                        s1 = activ_backward(kind, &p, x, g, o, P, NULL);
                        s2 = activ_backward16(h, kind, &p, x16, g16, o16, P, NULL);
                    } else {
                        s1 = activ_backward_from_output(kind, &p, x, g, o, P);
                        s2 = activ_backward_from_output16(h, kind, &p, x16, g16, o16, P);
                    }
                    int bad = 0, first = -1;
                    for (int i = 0; i < P; i++) {
                        uint16_t want = activ_half_from_f32(h, o[i]);
                        if (!h_same(h, o16[i], want, approx)) {
                            if (first < 0) first = i;
                            bad++;
                        }
                        ties += o16[i] != want && approx;
                    }
                    checked += P;
                    /* the same elements one position later, with a tail: the same bits
                     * (an element's result never depends on where it sits) */
                    uint16_t *o2 = malloc(P * 2);
                    activ_status s3 = !o2 ? ACTIV_ERR_NOMEM
                                    : dir == 0 ? activ_forward16(h, kind, &p, x16 + 1, o2, P - 1)
                                    : dir == 1 ? activ_backward16(h, kind, &p, x16 + 1, g16 + 1, o2, P - 1, NULL)
                                               : activ_backward_from_output16(h, kind, &p, x16 + 1, g16 + 1, o2, P - 1);
                    int moved = s3 == ACTIV_OK ? 0 : P;
                    for (int i = 0; s3 == ACTIV_OK && i < P - 1; i++) /* (NaN: any NaN) */
                        moved += o2[i] != o16[i + 1] && !(isnan(activ_half_to_f32(h, o2[i])) &&
                                                          isnan(activ_half_to_f32(h, o16[i + 1])));
                    CHECK(moved == 0, "%s %s dir %d %s: %d results change when shifted by one element",
                          dt ? "bf16" : "f16", tu_kind_str(kind), dir, tu_isa_str(ks[ii]->isa), moved);
                    fails += moved != 0;
                    free(o2);
                    if (s1 != ACTIV_OK || s2 != ACTIV_OK || bad) {
                        fails++;
                        CHECK(0, "%s %s dir %d %s: %d of %d differ (first x=0x%04x dy=0x%04x: 0x%04x, "
                                 "rounded fp32 0x%04x), status %d %d",
                              dt ? "bf16" : "f16", tu_kind_str(kind), dir, tu_isa_str(ks[ii]->isa), bad, P,
                              first < 0 ? 0 : x16[first], first < 0 ? 0 : g16[first], first < 0 ? 0 : o16[first],
                              first < 0 ? 0 : activ_half_from_f32(h, o[first]), s1, s2);
                    }
                }
            }
        }
    }
    activ_set_isa(saved);
    printf("test_half: %ld results (all inputs x all kinds, directions, types, %d paths) against the "
           "rounded fp32 kernel: %d cases differ; %ld ties rounded the other way by the fp32-formula kinds\n",
           checked, nk, fails, ties);
    free(x16), free(g16), free(o16), free(x), free(g), free(o);
    return fails;
}

/* prelu's layouts on every path (the fused kernels of half_fused.inc take the channel runs,
 * channels-last slopes and the da sum themselves): y and dx the rounded fp32 kernel's bits,
 * and da within the bound of a double sum of the exact terms, against a long double sum:
 * |da - S| <= 2^-24 |S| (the fp32 rounding) + n 2^-52 sum|t_i| (double additions). Sizes
 * above ACTIV_H_SERIAL, so chunks start mid-run and mid-row. Returns the failures. */
static int h_prelu_layouts(void)
{
    static const size_t lay[][2] = {{1, 1}, {3, 700}, {5, 1}, {3, 1}, {16, 1}, {37, 1}, {2, 9}};
    const float slopes[37] = {0.25f, -0.5f, 0.1f, 1.5f, -3.0f, 0.0f, 2.0f, 0.75f, -0.125f, 1.0f,
                              0.3f, 0.6f, -0.9f, 4.0f, 0.01f, -0.02f, 0.5f, 0.2f, 0.3f, 0.4f,
                              0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.1f, 1.2f, 1.3f, 1.4f, -1.5f,
                              1.6f, 1.7f, 1.8f, 1.9f, 2.1f, 2.2f, -2.3f};
    enum { NMAX = 84000 };
    uint16_t *x16 = malloc(NMAX * 2), *g16 = malloc(NMAX * 2), *o16 = malloc(NMAX * 2);
    float *x = malloc(NMAX * 4), *g = malloc(NMAX * 4), *o = malloc(NMAX * 4);
    const activ_kernels *ks[ACTIV_ISA_COUNT];
    int nk = tu_isas(ks), fails = 0;
    activ_isa saved = activ_get_isa();
    tu_rng r;
    tu_rng_seed(&r, 11);
    for (int dt = 0; dt < 2; dt++) {
        activ_half h = (activ_half)dt;
        for (size_t L = 0; L < sizeof lay / sizeof lay[0]; L++) {
            size_t C = lay[L][0], inner = lay[L][1], n = NMAX / (C * inner) * (C * inner);
            for (size_t i = 0; i < n; i++) {
                /* a few zeros, NaN and infinities among the values */
                float v = (i % 97 == 5) ? 0.0f : (i % 101 == 7) ? -0.0f : tu_rng_range(&r, -40, 30);
                if (i % 4099 == 3) v = (i & 1) ? INFINITY : -INFINITY;
                if (i % 5003 == 9) v = NAN;
                x16[i] = activ_half_from_f32(h, v);
                g16[i] = activ_half_from_f32(h, tu_rng_range(&r, -3, 3));
                x[i] = activ_half_to_f32(h, x16[i]);
                g[i] = activ_half_to_f32(h, g16[i]);
            }
            activ_params p = activ_default_params(ACTIV_PRELU);
            p.slopes = slopes, p.channels = C, p.inner = inner;
            /* the da reference: exact products, summed in long double, per channel */
            long double S[37] = {0}, A[37] = {0};
            for (size_t i = 0; i < n; i++) {
                size_t c = i / inner % C;
                double t = (double)g[i] * (double)(x[i] > 0 ? 0.0f : x[i]);
                if (isnan(x[i])) continue; /* NaN channels are checked for NaN below */
                S[c] += t, A[c] += fabs(t);
            }
            for (int ii = 0; ii < nk; ii++) {
                activ_set_isa(ks[ii]->isa);
                for (int dir = 0; dir < 2; dir++) {
                    float da[37] = {0};
                    activ_status s1 = dir ? activ_backward(ACTIV_PRELU, &p, x, g, o, n, NULL)
                                          : activ_forward(ACTIV_PRELU, &p, x, o, n);
                    activ_status s2 = dir ? activ_backward16(h, ACTIV_PRELU, &p, x16, g16, o16, n, da)
                                          : activ_forward16(h, ACTIV_PRELU, &p, x16, o16, n);
                    int bad = 0;
                    for (size_t i = 0; i < n; i++) bad += !h_same(h, o16[i], activ_half_from_f32(h, o[i]), 0);
                    int dbad = 0;
                    for (size_t c = 0; dir && c < C; c++) {
                        int hasnan = 0;
                        for (size_t i = c * inner; i < n && !hasnan; i += C * inner)
                            for (size_t q = 0; q < inner; q++) hasnan |= isnan(x[i + q]);
                        double bound = ldexp(fabs((double)S[c]), -24) + (double)n * ldexp((double)A[c], -52);
                        int ok = hasnan || isnan((double)S[c]) ? isnan(da[c])
                               : isinf((double)S[c]) ? (double)da[c] == (double)S[c] /* an inf term */
                                                     : fabs((double)da[c] - (double)S[c]) <= bound;
                        if (!ok) {
                            if (dbad++ < 3)
                                CHECK(0, "prelu %s C=%zu inner=%zu %s: da[%zu] %.9g, exact sum %.12Lg",
                                      dt ? "bf16" : "f16", C, inner, tu_isa_str(ks[ii]->isa), c,
                                      (double)da[c], S[c]);
                        }
                    }
                    CHECK(s1 == ACTIV_OK && s2 == ACTIV_OK && bad == 0,
                          "prelu %s C=%zu inner=%zu %s dir %d: %d of %zu differ from the rounded fp32 "
                          "kernel, status %d %d", dt ? "bf16" : "f16", C, inner, tu_isa_str(ks[ii]->isa),
                          dir, bad, n, s1, s2);
                    fails += bad != 0 || dbad != 0 || s1 != ACTIV_OK || s2 != ACTIV_OK;
                }
            }
        }
    }
    activ_set_isa(saved);
    printf("test_half: prelu layouts (channels x inner, with da) on %d paths: %d cases differ\n", nk, fails);
    free(x16), free(g16), free(o16), free(x), free(g), free(o);
    return fails;
}

int main(void)
{
    const activ_cvt16 *f16s[4], *bf16s[4];
    int nf = 0, nb = 0;
    f16s[nf++] = &activ_cvt_f16_scalar;
    bf16s[nb++] = &activ_cvt_bf16_scalar;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c")) f16s[nf++] = &activ_cvt_f16_f16c;
    if (__builtin_cpu_supports("avx2")) bf16s[nb++] = &activ_cvt_bf16_avx2;
    if (activ_isa_supported(ACTIV_ISA_AVX512)) {
        f16s[nf++] = &activ_cvt_f16_avx512;
        bf16s[nb++] = &activ_cvt_bf16_avx512;
        if (__builtin_cpu_supports("avx512bf16")) bf16s[nb++] = &activ_cvt_bf16_avx512bf16;
    }
#endif
    printf("test_half: conversion sets:");
    for (int i = 0; i < nf; i++) printf(" %s", f16s[i]->name);
    for (int i = 0; i < nb; i++) printf(" %s", bf16s[i]->name);
    printf("\n");

    /* ---- conversions: every 16-bit pattern to fp32 and back ---- */
    enum { P = 65536 };
    uint16_t *pat = malloc(P * 2), *back = malloc(P * 2);
    float *f = tu_alloc(P), *g = tu_alloc(P);
    for (int i = 0; i < P; i++) pat[i] = (uint16_t)i;
    for (int dt = 0; dt < 2; dt++) {
        const activ_cvt16 **sets = dt ? bf16s : f16s;
        int ns = dt ? nb : nf;
        sets[0]->to32(pat, f, P);
        int bad = 0;
        for (int i = 0; i < P; i++) {
            uint16_t h = (uint16_t)i;
            int isnan16 = dt ? ((h & 0x7f80) == 0x7f80 && (h & 0x7f)) : ((h & 0x7c00) == 0x7c00 && (h & 0x3ff));
            uint16_t want = isnan16 ? (uint16_t)(h | (dt ? 0x40 : 0x200)) : h; /* NaNs come back quiet */
            uint16_t r = dt ? activ_f32_to_bf16_scalar(f[i]) : activ_f32_to_f16_scalar(f[i]);
            if (r != want) bad++;
            if (!isnan16 && dt == 0) {
                /* binary16 value by formula */
                int e = (h >> 10) & 31, m = h & 1023;
                double v = e == 0 ? ldexp(m, -24) : e == 31 ? INFINITY : ldexp(1024 + m, e - 25);
                if (h & 0x8000) v = -v;
                if ((double)f[i] != v) bad++;
            }
        }
        CHECK(bad == 0, "%s: %d of 65536 patterns do not round-trip", dt ? "bf16" : "f16", bad);
        for (int s = 1; s < ns; s++) {
            sets[s]->to32(pat, g, P);
            CHECK(memcmp(f, g, P * 4) == 0, "%s to32 differs from portable", sets[s]->name);
            sets[s]->from32(f, back, P);
            int diff = 0;
            for (int i = 0; i < P; i++) {
                uint16_t r = dt ? activ_f32_to_bf16_scalar(f[i]) : activ_f32_to_f16_scalar(f[i]);
                diff += back[i] != r;
            }
            CHECK(diff == 0, "%s from32 of the 16-bit values: %d differ", sets[s]->name, diff);
        }
    }
    /* ---- fp32 -> 16 bits: strided patterns plus windows at every boundary ---- */
    {
        enum { B = 4096 };
        float *in = tu_alloc(B);
        uint16_t *o1 = malloc(B * 2), *o2 = malloc(B * 2);
        int bad16 = 0, badbf = 0, diff = 0;
        size_t nin = 0;
        uint64_t idx = 0;
        const uint32_t centres[] = {0x33000000u, 0x33800000u, 0x38800000u, 0x387fc000u, 0x477fe000u,
                                    0x477ff000u, 0x47800000u, 0x00800000u, 0x007fffffu, 0x7f7f8000u,
                                    0x7f7fffffu, 0x3f800000u, 0x7f800000u, 0x7fc00000u, 0x00000000u};
        for (int pass = 0; pass < 2; pass++) {
            uint64_t count = pass == 0 ? 1200000 : sizeof centres / sizeof centres[0] * 8192;
            for (uint64_t t = 0; t < count; t++) {
                uint32_t bits = pass == 0 ? (uint32_t)(t * 3571u) : centres[t / 8192] - 4096u + (uint32_t)(t % 8192);
                in[idx++] = tu_float(bits ^ ((t & 1) ? 0x80000000u : 0));
                if (idx == B || t + 1 == count) {
                    for (size_t i = 0; i < idx; i++) check_from32(NULL, 0, in[i], &bad16, &badbf);
                    for (int dt = 0; dt < 2; dt++) {
                        const activ_cvt16 **sets = dt ? bf16s : f16s;
                        int ns = dt ? nb : nf;
                        sets[0]->from32(in, o1, idx);
                        for (int s = 1; s < ns; s++) {
                            sets[s]->from32(in, o2, idx);
                            diff += memcmp(o1, o2, idx * 2) != 0;
                        }
                    }
                    nin += idx;
                    idx = 0;
                }
            }
        }
        CHECK(bad16 == 0, "binary16 rounding differs from _Float16 on %d inputs", bad16);
        CHECK(badbf == 0, "bfloat16 rounding differs from the nearest-candidate search on %d inputs", badbf);
        CHECK(diff == 0, "%d blocks differ between conversion sets", diff);
        printf("test_half: %zu fp32 patterns rounded to binary16 and bfloat16 by every set\n", nin);
        free(in), free(o1), free(o2);
    }

    /* ---- the API: exactly the 16-bit rounding of the fp32 kernel on the same inputs ---- */
    {
        enum { N = 3 * 700 * 2 + 5 }; /* not a multiple of the block; prelu 3 channels x 700 */
        size_t n = 3 * 700 * 2;
        tu_rng r;
        tu_rng_seed(&r, 3);
        uint16_t *x16 = malloc(N * 2), *dy16 = malloc(N * 2), *o16 = malloc(N * 2), *o16b = malloc(N * 2);
        float *x = tu_alloc(N), *dy = tu_alloc(N), *o = tu_alloc(N);
        const float slopes[3] = {0.25f, -0.5f, 0.1f};
        for (int dt = 0; dt < 2; dt++) {
            activ_half h = (activ_half)dt;
            for (int i = 0; i < N; i++) {
                x16[i] = activ_half_from_f32(h, tu_rng_range(&r, -12, 12));
                dy16[i] = activ_half_from_f32(h, tu_rng_range(&r, -2, 2));
                x[i] = activ_half_to_f32(h, x16[i]);
                dy[i] = activ_half_to_f32(h, dy16[i]);
            }
            for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
                activ_kind kind = (activ_kind)k;
                activ_params p = activ_default_params(kind);
                size_t nn = kind == ACTIV_PRELU ? n : N;
                if (kind == ACTIV_PRELU) p.slopes = slopes, p.channels = 3, p.inner = 700;
                for (int dir = 0; dir < 3; dir++) {
                    if (dir == 2 && !tu_has_from_output(kind)) continue;
                    float dp32[3] = {0}, dp16[3] = {0};
                    activ_status s1, s2;
                    if (dir == 0) {
                        s1 = activ_forward(kind, &p, x, o, nn);
                        s2 = activ_forward16(h, kind, &p, x16, o16, nn);
                    } else if (dir == 1) {
                        s1 = activ_backward(kind, &p, x, dy, o, nn, dp32);
                        s2 = activ_backward16(h, kind, &p, x16, dy16, o16, nn, dp16);
                    } else {
                        s1 = activ_backward_from_output(kind, &p, x, dy, o, nn);
                        s2 = activ_backward_from_output16(h, kind, &p, x16, dy16, o16, nn);
                    }
                    CHECK(s1 == ACTIV_OK && s2 == ACTIV_OK, "%s dir %d status %d %d", tu_kind_str(kind), dir, s1, s2);
                    int diff = 0, approx = h_approx(activ_get_isa(), kind);
                    for (size_t i = 0; i < nn; i++) diff += !h_same(h, o16[i], activ_half_from_f32(h, o[i]), approx);
                    CHECK(diff == 0, "%s %s dir %d: %d elements differ from the rounded fp32 result",
                          dt ? "bf16" : "f16", tu_kind_str(kind), dir, diff);
                    if (dir == 1 && (kind == ACTIV_PRELU || kind == ACTIV_SWISH))
                        for (int c = 0; c < (kind == ACTIV_PRELU ? 3 : 1); c++)
                            CHECK(fabsf(dp16[c] - dp32[c]) <= 1e-5f * (1 + fabsf(dp32[c])),
                                  "%s dparam[%d] %g vs fp32 %g", tu_kind_str(kind), c, (double)dp16[c], (double)dp32[c]);
                }
            }
        }
        /* threads: a large prelu backward with da (reduction slots) and a tanh forward */
        size_t big = 3 * 100000;
        uint16_t *bx = malloc(big * 2), *bg = malloc(big * 2), *b1 = malloc(big * 2), *b2 = malloc(big * 2);
        for (size_t i = 0; i < big; i++)
            bx[i] = activ_half_from_f32(ACTIV_BF16, tu_rng_range(&r, -5, 5)), bg[i] = activ_half_from_f32(ACTIV_BF16, tu_rng_range(&r, -1, 1));
        activ_params pp = activ_default_params(ACTIV_PRELU);
        pp.slopes = slopes, pp.channels = 3, pp.inner = 1;
        float d1[3], d2[3];
        activ_set_num_threads(1);
        activ_backward16(ACTIV_BF16, ACTIV_PRELU, &pp, bx, bg, b1, big, d1);
        for (int c = 2; c <= 5; c += 3) {
            activ_set_num_threads(c);
            activ_backward16(ACTIV_BF16, ACTIV_PRELU, &pp, bx, bg, b2, big, d2);
            CHECK(memcmp(b1, b2, big * 2) == 0 && memcmp(d1, d2, sizeof d1) == 0, "prelu bwd16: %d threads differ", c);
        }
        activ_set_num_threads(1);
        activ_forward16(ACTIV_F16, ACTIV_TANH, NULL, bx, b1, big);
        activ_set_num_threads(5);
        activ_forward16(ACTIV_F16, ACTIV_TANH, NULL, bx, b2, big);
        CHECK(memcmp(b1, b2, big * 2) == 0, "tanh fwd16: 5 threads differ from 1");
        activ_set_num_threads(0);
        /* in place */
        memcpy(o16b, x16, N * 2);
        activ_forward16(ACTIV_F16, ACTIV_SIGMOID, NULL, x16, o16, N);
        CHECK_STATUS(activ_forward16(ACTIV_F16, ACTIV_SIGMOID, NULL, o16b, o16b, N), ACTIV_OK, "in place");
        CHECK(memcmp(o16, o16b, N * 2) == 0, "in place gives the same bits");
        /* errors */
        CHECK_STATUS(activ_forward16(ACTIV_F16, ACTIV_RELU, NULL, NULL, o16, 4), ACTIV_ERR_NULL, "x NULL");
        CHECK_STATUS(activ_forward16(ACTIV_F16, (activ_kind)99, NULL, x16, o16, 4), ACTIV_ERR_KIND, "kind");
        CHECK_STATUS(activ_forward16((activ_half)5, ACTIV_RELU, NULL, x16, o16, 4), ACTIV_ERR_PARAM, "dtype");
        CHECK_STATUS(activ_forward16(ACTIV_F16, ACTIV_RELU, NULL, x16, x16 + 1, 4), ACTIV_ERR_OVERLAP, "overlap");
        CHECK_STATUS(activ_backward_from_output16(ACTIV_BF16, ACTIV_SWISH, NULL, x16, dy16, o16, 4),
                     ACTIV_ERR_UNSUPPORTED, "from-output swish");
        activ_params bad = activ_default_params(ACTIV_ELU);
        bad.alpha = NAN;
        CHECK_STATUS(activ_forward16(ACTIV_BF16, ACTIV_ELU, &bad, x16, o16, 4), ACTIV_ERR_PARAM, "NaN alpha");
        float db = 5;
        CHECK_STATUS(activ_backward16(ACTIV_BF16, ACTIV_SWISH, NULL, x16, dy16, o16, 0, &db), ACTIV_OK, "n = 0");
        CHECK(db == 0, "n = 0 zeroes db");
        free(x16), free(dy16), free(o16), free(o16b), free(x), free(dy), free(o);
        free(bx), free(bg), free(b1), free(b2);
    }
    h_exhaustive();
    h_prelu_layouts();
    free(pat), free(back), free(f), free(g);
    return tu_finish("test_half");
}
