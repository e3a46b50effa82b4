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
    }
    free(gx.mem);
    free(gdy.mem);
    free(gout.mem);
    return tu_finish("test_sizes");
}
