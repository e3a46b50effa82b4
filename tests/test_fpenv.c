/* test_fpenv.c - the library leaves the caller's floating-point environment alone: rounding
 * mode, MXCSR control bits (FTZ, DAZ, masks, rounding) and the x87 control word are the same
 * after every kind of call on every path and thread count; and subnormal inputs give
 * correctly rounded subnormal outputs (not flushed). */
#define _GNU_SOURCE
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "testutil.h"

typedef struct {
    int round;
    unsigned mxcsr_ctl; /* MXCSR without the sticky exception flags (bits 0-5) */
    unsigned short x87_cw;
} envsnap;

static envsnap snap(void) {
    envsnap e;
    memset(&e, 0, sizeof e);
    e.round = fegetround();
#if defined(__x86_64__) || defined(__i386__)
    e.mxcsr_ctl = _mm_getcsr() & ~0x3fu;
    __asm__ volatile("fnstcw %0" : "=m"(e.x87_cw));
#endif
    return e;
}

static void calls(const char *what, int threads, const float *x, const float *dy, float *o,
                  size_t n) {
    const float sl[2] = {0.2f, -0.3f};
    activ_set_num_threads(threads);
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        activ_kind kind = (activ_kind)k;
        activ_params p = activ_default_params(kind);
        if (kind == ACTIV_PRELU) p.slopes = sl, p.channels = 2;
        float dp[2];
        envsnap before = snap();
        activ_forward(kind, &p, x, o, n);
        activ_backward(kind, &p, x, dy, o, n, dp);
        if (tu_has_from_output(kind)) activ_backward_from_output(kind, &p, x, dy, o, n);
        activ_status_str(ACTIV_OK);
        envsnap after = snap();
        CHECK(before.round == after.round && before.mxcsr_ctl == after.mxcsr_ctl &&
                  before.x87_cw == after.x87_cw,
              "%s %s threads %d n=%zu: environment changed (round %d->%d, mxcsr %#x->%#x, "
              "x87 %#x->%#x)", what, tu_kind_str(kind), threads, n, before.round, after.round,
              before.mxcsr_ctl, after.mxcsr_ctl, before.x87_cw, after.x87_cw);
    }
}

static void subnormals(void) {
    /* outputs that are subnormal: exact values from the oracle, rounded correctly within
     * the bounds, and never flushed to zero */
    const struct {
        activ_kind k;
        float a, b, x;
    } cs[] = {
        {ACTIV_RELU, 0, 1, 0x1p-149f},      {ACTIV_RELU, 0, 1, 0x1.8p-130f},
        {ACTIV_LEAKY_RELU, 0.01f, 1, -0x1p-130f}, {ACTIV_LEAKY_RELU, 0.5f, 1, -0x1p-140f},
        {ACTIV_PRELU, 0.25f, 1, -0x1p-127f}, {ACTIV_ELU, 1, 1, -0x1p-140f},
        {ACTIV_ELU, 0.5f, 1, -0x1p-130f},   {ACTIV_TANH, 0, 1, 0x1.234p-135f},
        {ACTIV_TANH, 0, 1, -0x1p-149f},     {ACTIV_SWISH, 0, 1, 0x1p-130f},
        {ACTIV_SWISH, 0, 1, -100.0f},       {ACTIV_SWISH, 0, 1, -95.5f},
        {ACTIV_SIGMOID, 0, 1, -100.0f},     {ACTIV_SIGMOID, 0, 1, -90.0f},
        {ACTIV_SIGMOID, 0, 1, -103.0f},     {ACTIV_SWISH, 0, 2, -50.0f},
    };
    tu_path paths[2 * ACTIV_ISA_COUNT];
    int np = tu_paths(paths);
    for (int pi = 0; pi < np; pi++)
        for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
            float y = 0, xs = cs[c].x;
            tu_fwd(&paths[pi], cs[c].k, cs[c].a, cs[c].b, NULL, 1, 1, &xs, &y, 1);
            double e = activ_ref_forward(cs[c].k, xs, cs[c].a, cs[c].b);
            CHECK(fabs(e) < FLT_MIN && (float)e != 0, "case %zu is a subnormal result", c);
            CHECK_ULP(y, e, 1.0, "%s %s(%a) subnormal output", paths[pi].name,
                      tu_kind_str(cs[c].k), (double)xs);
            CHECK(y != 0, "%s %s(%a) flushed to zero", paths[pi].name, tu_kind_str(cs[c].k),
                  (double)xs);
            /* backward with a subnormal dy: dx = dy * f'(x), f'(x) = 1 for relu, x > 0 */
            float dy = 0x1.5p-140f, dx = 0, one = 1.0f;
            tu_bwd(&paths[pi], ACTIV_RELU, 0, 1, NULL, 1, 1, &one, &dy, &dx, 1, NULL);
            CHECK(dx == dy, "%s relu backward flushed a subnormal dy", paths[pi].name);
        }
}

int main(void) {
    enum { N = 300000 };
    float *x = tu_alloc(N), *dy = tu_alloc(N), *o = tu_alloc(N);
    tu_rng r;
    tu_rng_seed(&r, 8);
    for (size_t i = 0; i < N; i++) x[i] = tu_rng_interesting(&r, ACTIV_SWISH), dy[i] = 0.5f;
    const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    activ_isa best = activ_get_isa();
    for (int isa = 0; isa < ACTIV_ISA_COUNT; isa++) {
        if (!activ_isa_supported((activ_isa)isa)) continue;
        activ_set_isa((activ_isa)isa);
        for (int m = 0; m < 4; m++) {
            fesetround(modes[m]);
            calls(activ_isa_name((activ_isa)isa), 1, x, dy, o, 1000);
            calls(activ_isa_name((activ_isa)isa), 3, x, dy, o, N);
            fesetround(FE_TONEAREST);
        }
#if defined(__x86_64__) || defined(__i386__)
        /* a caller that runs with FTZ and DAZ on keeps them */
        unsigned keep = _mm_getcsr();
        _mm_setcsr(keep | 0x8040u);
        calls("ftz+daz", 1, x, dy, o, 1000);
        calls("ftz+daz", 2, x, dy, o, N);
        _mm_setcsr(keep);
#endif
    }
    activ_set_isa(best);
    activ_set_num_threads(0);
    subnormals();
    free(x);
    free(dy);
    free(o);
    return tu_finish("test_fpenv");
}
