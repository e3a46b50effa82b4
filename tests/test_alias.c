/* test_alias.c - in-place calls: y == x, dx == dy, dx == x (and dx == y == dy for
 * from-output) give the same results as separate buffers on every path, including the
 * da/db reductions; partial overlap is ACTIV_ERR_OVERLAP from every API entry point. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define N 1031 /* odd: vector body plus tail */

static void compare(const tu_path *p, const char *what, activ_kind k, const float *got,
                    const float *want, size_t n) {
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (!tu_same(got[i], want[i]) && !bad++) first = i;
    CHECK(bad == 0, "%s %s %s: %zu of %zu differ from separate buffers (first [%zu] %a vs %a)",
          p->name, tu_kind_str(k), what, bad, n, first, (double)got[first],
          (double)want[first]);
}

static void in_place(const tu_path *p, tu_rng *r) {
    float *x = tu_alloc(N), *dy = tu_alloc(N), *ref = tu_alloc(N), *buf = tu_alloc(N);
    float *buf2 = tu_alloc(N);
    const float slopes[3] = {0.25f, -0.1f, 2.0f};
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        activ_kind kind = (activ_kind)k;
        float a = tu_default_alpha(kind), b = kind == ACTIV_SWISH ? 1.3f : 1.0f;
        const float *sl = kind == ACTIV_PRELU ? slopes : NULL;
        size_t ch = kind == ACTIV_PRELU ? 3 : 1, inner = 1;
        size_t n = kind == ACTIV_PRELU ? 1029 : N; /* divisible by 3 */
        for (size_t i = 0; i < n; i++) {
            x[i] = tu_rng_interesting(r, kind);
            dy[i] = tu_rng_range(r, -2, 2);
        }
        x[5] = NAN;
        /* forward: y == x */
        tu_fwd(p, kind, a, b, sl, ch, inner, x, ref, n);
        memcpy(buf, x, n * sizeof *x);
        CHECK_STATUS(tu_fwd(p, kind, a, b, sl, ch, inner, buf, buf, n), ACTIV_OK,
                     "%s %s fwd in place", p->name, tu_kind_str(kind));
        compare(p, "fwd y == x", kind, buf, ref, n);
        /* backward: dx == dy, dx == x; the reductions must not change either */
        float dp_ref[3] = {0}, dp[3] = {0};
        tu_bwd(p, kind, a, b, sl, ch, inner, x, dy, ref, n, dp_ref);
        memcpy(buf, dy, n * sizeof *dy);
        CHECK_STATUS(tu_bwd(p, kind, a, b, sl, ch, inner, x, buf, buf, n, dp), ACTIV_OK,
                     "%s %s bwd dx == dy", p->name, tu_kind_str(kind));
        compare(p, "bwd dx == dy", kind, buf, ref, n);
        CHECK(memcmp(dp, dp_ref, sizeof dp) == 0, "%s %s dparam with dx == dy: %g vs %g",
              p->name, tu_kind_str(kind), (double)dp[0], (double)dp_ref[0]);
        memcpy(buf, x, n * sizeof *x);
        memset(dp, 0, sizeof dp);
        CHECK_STATUS(tu_bwd(p, kind, a, b, sl, ch, inner, buf, dy, buf, n, dp), ACTIV_OK,
                     "%s %s bwd dx == x", p->name, tu_kind_str(kind));
        compare(p, "bwd dx == x", kind, buf, ref, n);
        CHECK(memcmp(dp, dp_ref, sizeof dp) == 0, "%s %s dparam with dx == x: %g vs %g",
              p->name, tu_kind_str(kind), (double)dp[0], (double)dp_ref[0]);
        /* x == dy (the same buffer read twice) */
        tu_bwd(p, kind, a, b, sl, ch, inner, x, x, ref, n, NULL);
        memcpy(buf, x, n * sizeof *x);
        tu_bwd(p, kind, a, b, sl, ch, inner, buf, buf, buf, n, NULL);
        compare(p, "bwd dx == x == dy", kind, buf, ref, n);
        if (!tu_has_from_output(kind)) continue;
        /* from-output: y from the forward pass */
        float *y = buf2;
        tu_fwd(p, kind, a, b, NULL, 1, 1, x, y, n);
        tu_bwdy(p, kind, a, y, dy, ref, n);
        memcpy(buf, dy, n * sizeof *dy);
        CHECK_STATUS(tu_bwdy(p, kind, a, y, buf, buf, n), ACTIV_OK, "%s %s bwdy dx == dy",
                     p->name, tu_kind_str(kind));
        compare(p, "bwdy dx == dy", kind, buf, ref, n);
        memcpy(buf, y, n * sizeof *y);
        tu_bwdy(p, kind, a, buf, dy, buf, n);
        compare(p, "bwdy dx == y", kind, buf, ref, n);
    }
    free(x);
    free(dy);
    free(ref);
    free(buf);
    free(buf2);
}

static void overlap_errors(void) {
    enum { M = 64 };
    float b[3 * M];
    for (int i = 0; i < 3 * M; i++) b[i] = (float)(i % 7) - 3;
    float *x = b, *dy = b + M;
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        activ_kind kind = (activ_kind)k;
        activ_params pr = activ_default_params(kind);
        float slope = 0.25f;
        if (kind == ACTIV_PRELU) pr.slopes = &slope;
        const char *kn = tu_kind_str(kind);
        for (int off = 1; off < 6; off += 4) {
            float *save = malloc(sizeof b);
            memcpy(save, b, sizeof b);
            CHECK_STATUS(activ_forward(kind, &pr, x, x + off, M),
                         ACTIV_ERR_OVERLAP, "%s fwd y = x + %d", kn, off);
            CHECK_STATUS(activ_forward(kind, &pr, x + off, x, M), ACTIV_ERR_OVERLAP,
                         "%s fwd x = y + %d", kn, off);
            CHECK_STATUS(activ_backward(kind, &pr, x, dy, dy + off, M, NULL),
                         ACTIV_ERR_OVERLAP, "%s bwd dx = dy + %d", kn, off);
            CHECK_STATUS(activ_backward(kind, &pr, x, dy, x + off, M, NULL), ACTIV_ERR_OVERLAP,
                         "%s bwd dx = x + %d", kn, off);
            CHECK_STATUS(activ_backward(kind, &pr, x, dy, dy - off, M, NULL),
                         ACTIV_ERR_OVERLAP, "%s bwd dx = dy - %d (also overlaps x)", kn, off);
            CHECK_STATUS(activ_backward(kind, &pr, x + off, dy, x, M, NULL), ACTIV_ERR_OVERLAP,
                         "%s bwd x = dx + %d", kn, off);
            if (tu_has_from_output(kind)) {
                CHECK_STATUS(activ_backward_from_output(kind, &pr, x, dy, dy + off, M),
                             ACTIV_ERR_OVERLAP, "%s bwdy dx = dy + %d", kn, off);
                CHECK_STATUS(activ_backward_from_output(kind, &pr, x, dy, x + off, M),
                             ACTIV_ERR_OVERLAP, "%s bwdy dx = y + %d", kn, off);
            }
            CHECK(memcmp(save, b, sizeof b) == 0, "%s: a rejected call wrote memory", kn);
            free(save);
        }
        /* adjacent (touching, not overlapping) buffers are fine */
        CHECK_STATUS(activ_forward(kind, &pr, x, x + M, M), ACTIV_OK, "%s adjacent fwd", kn);
        CHECK_STATUS(activ_backward(kind, &pr, x, dy, dy + M, M, NULL), ACTIV_OK,
                     "%s adjacent bwd", kn);
        CHECK_STATUS(activ_backward(kind, &pr, b + M, b + 2 * M, b, M, NULL), ACTIV_OK,
                     "%s adjacent bwd (dx before x)", kn);
    }
    /* the direct calls check too */
    CHECK_STATUS(activ_relu_forward(x, x + 1, M), ACTIV_ERR_OVERLAP, "relu_forward overlap");
    CHECK_STATUS(activ_tanh_backward(x, dy, dy + 2, M), ACTIV_ERR_OVERLAP,
                 "tanh_backward overlap");
    CHECK_STATUS(activ_sigmoid_backward_from_output(x, dy, x + 3, M), ACTIV_ERR_OVERLAP,
                 "sigmoid_backward_from_output overlap");
    CHECK_STATUS(activ_elu_forward(x + 1, x, M, 1.0f), ACTIV_ERR_OVERLAP, "elu_forward overlap");
    float s1 = 0.1f;
    CHECK_STATUS(activ_prelu_forward(x, x + 1, M, &s1, 1, 1), ACTIV_ERR_OVERLAP,
                 "prelu_forward overlap");
    CHECK_STATUS(activ_swish_backward(x, dy, x + 5, M, 1.0f, NULL), ACTIV_ERR_OVERLAP,
                 "swish_backward overlap");
    CHECK_STATUS(activ_relu_forward(x, x, M), ACTIV_OK, "relu_forward in place");
}

int main(void) {
    tu_rng r;
    tu_rng_seed(&r, 11);
    tu_path paths[2 * ACTIV_ISA_COUNT];
    int np = tu_paths(paths);
    CHECK(np >= 2, "paths: %d", np);
    for (int i = 0; i < np; i++) in_place(&paths[i], &r);
    overlap_errors();
    return tu_finish("test_alias");
}
