/* test_threads.c - results are bitwise the same for activ_set_num_threads(1), 2, 3 and 7 on
 * large inputs (3 million elements), for every kind, forward, backward (with the prelu da
 * and swish db reductions) and from-output, on the best path and on scalar. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define N 3000000 /* divisible by 3 channels * 1000 */

int main(void) {
    tu_rng r;
    tu_rng_seed(&r, 5);
    float *x = tu_alloc(N), *dy = tu_alloc(N), *out = tu_alloc(N), *ref = tu_alloc(N);
    for (size_t i = 0; i < N; i++) {
        x[i] = tu_rng_interesting(&r, (activ_kind)(i % ACTIV_KIND_COUNT));
        dy[i] = tu_rng_range(&r, -1, 1);
    }
    const int counts[] = {1, 2, 3, 7};
    const float slopes[3] = {0.25f, -0.5f, 0.01f};
    activ_isa isas[2] = {activ_get_isa(), ACTIV_ISA_SCALAR};
    int nisa = isas[0] == ACTIV_ISA_SCALAR ? 1 : 2;
    for (int ii = 0; ii < nisa; ii++) {
        CHECK_STATUS(activ_set_isa(isas[ii]), ACTIV_OK, "set_isa %s", tu_isa_str(isas[ii]));
        for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
            activ_kind kind = (activ_kind)k;
            activ_params p = activ_default_params(kind);
            if (kind == ACTIV_PRELU) p.slopes = slopes, p.channels = 3, p.inner = 1000;
            if (kind == ACTIV_SWISH) p.beta = 1.25f;
            float dp_ref[3], dp[3];
            for (int dir = 0; dir < 3; dir++) {
                if (dir == 2 && !tu_has_from_output(kind)) continue;
                for (int ci = 0; ci < 4; ci++) {
                    CHECK_STATUS(activ_set_num_threads(counts[ci]), ACTIV_OK, "threads %d",
                                 counts[ci]);
                    float *o = ci == 0 ? ref : out;
                    float *d = ci == 0 ? dp_ref : dp;
                    memset(d, 0, 3 * sizeof *d);
                    activ_status s;
                    if (dir == 0) s = activ_forward(kind, &p, x, o, N);
                    else if (dir == 1) s = activ_backward(kind, &p, x, dy, o, N, d);
                    else s = activ_backward_from_output(kind, &p, x, dy, o, N);
                    CHECK_STATUS(s, ACTIV_OK, "%s dir %d threads %d: %s", tu_kind_str(kind), dir,
                                 counts[ci], activ_status_str(s));
                    if (ci == 0) continue;
                    size_t bad = 0, first = 0;
                    for (size_t i = 0; i < N; i++)
                        if (!tu_same(out[i], ref[i]) && !bad++) first = i;
                    CHECK(bad == 0, "%s %s dir %d: %d threads differ from 1 in %zu elements "
                          "(first [%zu])", tu_isa_str(isas[ii]), tu_kind_str(kind), dir,
                          counts[ci], bad, first);
                    if (dir == 1 && (kind == ACTIV_PRELU || kind == ACTIV_SWISH))
                        CHECK(memcmp(dp, dp_ref, sizeof dp) == 0,
                              "%s %s: dparam with %d threads %.9g %.9g %.9g, with 1: %.9g %.9g "
                              "%.9g", tu_isa_str(isas[ii]), tu_kind_str(kind), counts[ci],
                              (double)dp[0], (double)dp[1], (double)dp[2], (double)dp_ref[0],
                              (double)dp_ref[1], (double)dp_ref[2]);
                }
            }
        }
    }
    /* the reduction is accurate, not only deterministic */
    {
        activ_set_num_threads(7);
        long double want = 0;
        for (size_t i = 0; i < N; i++)
            want += (long double)dy[i] * activ_ref_swish_dbeta(x[i], 1.25f);
        float db = 0;
        activ_set_isa(isas[0]);
        activ_swish_backward(x, dy, out, N, 1.25f, &db);
        CHECK(fabs(db - (double)want) <= 2 * activ_ulp_of((double)want),
              "swish db over 3M elements %.9g, long double %.12Lg", (double)db, want);
    }
    CHECK_STATUS(activ_set_num_threads(-1), ACTIV_ERR_PARAM, "set_num_threads(-1)");
    CHECK_STATUS(activ_set_num_threads(3), ACTIV_OK, "set_num_threads(3)");
    CHECK(activ_get_num_threads() == 3, "get_num_threads after set(3): %d",
          activ_get_num_threads());
    CHECK_STATUS(activ_set_num_threads(0), ACTIV_OK, "set_num_threads(0)");
    CHECK(activ_get_num_threads() >= 1, "default thread count %d", activ_get_num_threads());
    free(x);
    free(dy);
    free(out);
    free(ref);
    return tu_finish("test_threads");
}
