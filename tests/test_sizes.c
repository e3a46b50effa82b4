/* test_sizes.c - every n = 0..100 at every float misalignment 0..3 of each buffer, on every
 * path: nothing is written outside [0, n) (canaries before and after the output, inputs
 * unchanged), and every element equals, bit for bit, what the same path gives for the same
 * value inside one large call (the kernel must not depend on position, width or tail). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define BIG 4096
#define MAXN 100
#define GUARD 16
#define CANARY 0x7fbadbadu /* a signalling-NaN pattern nobody computes */

typedef struct {
    float *mem; /* GUARD + 3 + MAXN + GUARD floats, 64-byte aligned */
    float *p;   /* mem + GUARD + mis */
} gbuf;

static void gbuf_init(gbuf *g, int mis) {
    for (size_t i = 0; i < 2 * GUARD + 3 + MAXN; i++) g->mem[i] = tu_float(CANARY);
    g->p = g->mem + GUARD + mis;
}
static int gbuf_guards_ok(const gbuf *g, size_t n) {
    for (float *q = g->mem; q < g->p; q++)
        if (tu_bits(*q) != CANARY) return 0;
    for (float *q = g->p + n; q < g->mem + 2 * GUARD + 3 + MAXN; q++)
        if (tu_bits(*q) != CANARY) return 0;
    return 1;
}

static int same_run(const float *got, const float *want, size_t n, size_t *at) {
    for (size_t i = 0; i < n; i++)
        if (!tu_same(got[i], want[i])) {
            *at = i;
            return 0;
        }
    return 1;
}

static void run_kind(const tu_path *p, activ_kind kind, float a, float b, const float *X,
                     const float *DY, gbuf *gx, gbuf *gdy, gbuf *gout) {
    static float refy[BIG], refdx[BIG], refdxy[BIG];
    const char *kn = tu_kind_str(kind);
    int fo = tu_has_from_output(kind);
    /* the large reference calls (kernel path here: positions 0..BIG-1 in one call) */
    tu_fwd(p, kind, a, b, NULL, 1, 1, X, refy, BIG);
    tu_bwd(p, kind, a, b, NULL, 1, 1, X, DY, refdx, BIG, NULL);
    if (fo) tu_bwdy(p, kind, a, X, DY, refdxy, BIG);
    for (size_t n = 0; n <= MAXN; n++) {
        for (int mis = 0; mis < 4; mis++) {
            size_t off = (n * 37 + (size_t)mis * 401) % (BIG - MAXN);
            size_t at = 0;
            /* forward */
            gbuf_init(gx, (mis + 1) % 4);
            gbuf_init(gout, mis);
            memcpy(gx->p, X + off, n * sizeof(float));
            CHECK_STATUS(tu_fwd(p, kind, a, b, NULL, 1, 1, gx->p, gout->p, n), ACTIV_OK,
                         "%s %s fwd n=%zu status", p->name, kn, n);
            CHECK(gbuf_guards_ok(gout, n), "%s %s fwd n=%zu mis=%d: wrote outside [0, n)",
                  p->name, kn, n, mis);
            CHECK(gbuf_guards_ok(gx, n) && memcmp(gx->p, X + off, n * sizeof(float)) == 0,
                  "%s %s fwd n=%zu mis=%d: input modified", p->name, kn, n, mis);
            CHECK(same_run(gout->p, refy + off, n, &at),
                  "%s %s fwd n=%zu mis=%d: [%zu] x=%a gives %a, the large call %a", p->name,
                  kn, n, mis, at, (double)X[off + at], (double)gout->p[at],
                  (double)refy[off + at]);
            /* in place, misaligned */
            gbuf_init(gout, mis);
            memcpy(gout->p, X + off, n * sizeof(float));
            tu_fwd(p, kind, a, b, NULL, 1, 1, gout->p, gout->p, n);
            CHECK(gbuf_guards_ok(gout, n) && same_run(gout->p, refy + off, n, &at),
                  "%s %s fwd in place n=%zu mis=%d", p->name, kn, n, mis);
            /* backward, the three buffers misaligned differently */
            gbuf_init(gdy, (mis + 2) % 4);
            gbuf_init(gout, mis);
            memcpy(gdy->p, DY + off, n * sizeof(float));
            CHECK_STATUS(tu_bwd(p, kind, a, b, NULL, 1, 1, gx->p, gdy->p, gout->p, n, NULL),
                         ACTIV_OK, "%s %s bwd n=%zu status", p->name, kn, n);
            CHECK(gbuf_guards_ok(gout, n), "%s %s bwd n=%zu mis=%d: wrote outside [0, n)",
                  p->name, kn, n, mis);
            CHECK(memcmp(gx->p, X + off, n * sizeof(float)) == 0 &&
                      memcmp(gdy->p, DY + off, n * sizeof(float)) == 0,
                  "%s %s bwd n=%zu mis=%d: input modified", p->name, kn, n, mis);
            CHECK(same_run(gout->p, refdx + off, n, &at),
                  "%s %s bwd n=%zu mis=%d: [%zu] x=%a dy=%a gives %a, the large call %a",
                  p->name, kn, n, mis, at, (double)X[off + at], (double)DY[off + at],
                  (double)gout->p[at], (double)refdx[off + at]);
            if (kind == ACTIV_SWISH || kind == ACTIV_PRELU) {
                /* asking for the reduction does not change dx */
                float dp = 12345;
                gbuf_init(gout, mis);
                tu_bwd(p, kind, a, b, NULL, 1, 1, gx->p, gdy->p, gout->p, n, &dp);
                CHECK(gbuf_guards_ok(gout, n) && same_run(gout->p, refdx + off, n, &at),
                      "%s %s bwd with dparam n=%zu mis=%d", p->name, kn, n, mis);
                CHECK(n > 0 || dp == 0, "%s %s n=0: dparam %g, expected 0", p->name, kn,
                      (double)dp);
            }
            if (!fo) continue;
            gbuf_init(gout, mis);
            CHECK_STATUS(tu_bwdy(p, kind, a, gx->p, gdy->p, gout->p, n), ACTIV_OK,
                         "%s %s bwdy n=%zu status", p->name, kn, n);
            CHECK(gbuf_guards_ok(gout, n), "%s %s bwdy n=%zu mis=%d: wrote outside [0, n)",
                  p->name, kn, n, mis);
            CHECK(same_run(gout->p, refdxy + off, n, &at),
                  "%s %s bwdy n=%zu mis=%d: [%zu] y=%a dy=%a gives %a, the large call %a",
                  p->name, kn, n, mis, at, (double)X[off + at], (double)DY[off + at],
                  (double)gout->p[at], (double)refdxy[off + at]);
        }
    }
}

/* prelu with per-channel slopes, channels-last (inner = 1), for channel counts whose slope
 * period lcm(C, W) is below, at and above the kernels' tile limit: y and dx (without and
 * with da) equal the definition bit for bit, also when a call starts mid-row (kernel path:
 * offset, as the API's chunks do) and ends mid-period; asking for da leaves dx alone, and da
 * is the exact sum within the double-sum bound (C = 1: the one-slope run over several of its
 * blocks). */
static void prelu_channels(const tu_path *p, const float *X, const float *DY) {
    static const size_t Cs[] = {1, 2, 3, 5, 8, 16, 24, 64, 100, 129, 200, 520};
    static float y[BIG], dx[BIG], sl[600], da[600];
    for (size_t ci = 0; ci < sizeof Cs / sizeof Cs[0]; ci++) {
        const size_t C = Cs[ci];
        for (size_t c = 0; c < C; c++) sl[c] = c % 7 == 3 ? 1.75f : (float)c * 0.03125f - 1.0f;
        for (size_t start = 0; start < (p->api ? 1 : 3); start++) {
            const size_t off = start * (C / 2 + 1) % C; /* 0, then mid-row */
            const size_t n = BIG - 7 - (BIG - 7) % (p->api ? C : 1);
            activ_kargs a = tu_kargs(0, 1, sl, C, 1);
            a.offset = off;
            if (p->api) {
                CHECK_STATUS(tu_fwd(p, ACTIV_PRELU, 0, 1, sl, C, 1, X, y, n), ACTIV_OK,
                             "%s prelu C=%zu fwd", p->name, C);
                CHECK_STATUS(tu_bwd(p, ACTIV_PRELU, 0, 1, sl, C, 1, X, DY, dx, n, NULL),
                             ACTIV_OK, "%s prelu C=%zu bwd", p->name, C);
            } else {
                p->k->fwd[ACTIV_PRELU](X, y, n, &a);
                p->k->bwd[ACTIV_PRELU](X, DY, dx, n, &a, NULL);
            }
            size_t bad = 0, at = 0;
            for (size_t i = 0; i < n; i++) {
                float s = sl[(off + i) % C], x = X[i];
                float wy = x > 0 ? x : s * x;
                float wd = x != x ? DY[i] * x : DY[i] * (x > 0 ? 1.0f : s);
                if (!tu_same(y[i], wy) || !tu_same(dx[i], wd)) bad++, at = i;
            }
            CHECK(bad == 0, "%s prelu C=%zu offset %zu n=%zu: %zu wrong, last [%zu] x=%a: y %a dx %a",
                  p->name, C, off, n, bad, at, (double)X[at], (double)y[at], (double)dx[at]);
            if (p->api) { /* with da: dx unchanged */
                static float dx2[BIG];
                tu_bwd(p, ACTIV_PRELU, 0, 1, sl, C, 1, X, DY, dx2, n, da);
                CHECK(memcmp(dx, dx2, n * sizeof(float)) == 0, "%s prelu C=%zu: dx with da differs",
                      p->name, C);
                /* da on finite data (the specials are test_special's): the exact sum, rounded
                 * once from double sums, over calls long enough for several blocks */
                static float xf[BIG], gf[BIG];
                for (size_t i = 0; i < n; i++) {
                    xf[i] = isfinite(X[i]) && fabsf(X[i]) < 1e6f ? X[i] : -0.75f;
                    gf[i] = isfinite(DY[i]) && fabsf(DY[i]) < 1e6f ? DY[i] : 0.5f;
                }
                tu_bwd(p, ACTIV_PRELU, 0, 1, sl, C, 1, xf, gf, dx2, n, da);
                for (size_t c = 0; c < C; c++) {
                    long double w = 0;
                    double mag = 0;
                    for (size_t i = c; i < n; i += C)
                        if (xf[i] <= 0) {
                            w += (long double)gf[i] * xf[i];
                            mag += fabs((double)gf[i] * xf[i]);
                        }
                    CHECK(fabs(da[c] - (double)w) <= activ_ulp_of((double)w) + 1e-13 * mag,
                          "%s prelu C=%zu da[%zu] = %.9g, long double sum %.12Lg", p->name, C, c,
                          (double)da[c], w);
                }
            }
        }
    }
}

int main(void) {
    static float X[BIG], DY[BIG];
    tu_rng r;
    tu_rng_seed(&r, 3);
    gbuf gx, gdy, gout;
    gx.mem = tu_alloc(2 * GUARD + 3 + MAXN);
    gdy.mem = tu_alloc(2 * GUARD + 3 + MAXN);
    gout.mem = tu_alloc(2 * GUARD + 3 + MAXN);
    tu_path paths[2 * ACTIV_ISA_COUNT];
    int np = tu_paths(paths);
    CHECK(np >= 2, "paths: %d", np);
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        activ_kind kind = (activ_kind)k;
        for (int i = 0; i < BIG; i++) {
            X[i] = (i % 97 == 5) ? tu_rng_anyfloat(&r) : tu_rng_interesting(&r, kind);
            DY[i] = (i % 89 == 7) ? tu_rng_anyfloat(&r) : tu_rng_range(&r, -3, 3);
        }
        if (kind == ACTIV_SIGMOID || kind == ACTIV_TANH) /* from-output: y in range too */
            for (int i = 0; i < BIG; i += 3) X[i] = tu_rng_range(&r, -1, 1);
        float a = tu_default_alpha(kind), b = kind == ACTIV_SWISH ? 0.8f : 1.0f;
        for (int i = 0; i < np; i++) run_kind(&paths[i], kind, a, b, X, DY, &gx, &gdy, &gout);
        if (kind == ACTIV_PRELU)
            for (int i = 0; i < np; i++) prelu_channels(&paths[i], X, DY);
    }
    free(gx.mem);
    free(gdy.mem);
    free(gout.mem);
    return tu_finish("test_sizes");
}
