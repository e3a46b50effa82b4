/* sweep_half.c - `activ_sweep --half`: every 16-bit input, exhaustively, for every kind of
 * the manifest (ACTIV_FOREACH_KIND, default parameters; prelu with one slope 0.25), both
 * storage types (binary16, bfloat16), directions fwd, bwd and bwdy (from output, where the
 * manifest has it) with dy = 1 and dy = 0.7 (rounded to the storage type), on every
 * supported code path through the public 16-bit API (activ_set_isa, then activ_forward16 /
 * activ_backward16 / activ_backward_from_output16), against the double oracle (src/ref).
 * The error is in ULPs of the storage type at the exact value (subnormal ULP below the
 * smallest normal; +-inf counted as the next power of two, 2^16 for binary16 and 2^128 for
 * bfloat16, as activ_ulp_error does for fp32). Bound: 1 ULP in every direction. Exits 1 if
 * any result exceeds it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct {
    const char *kind;
    int fo;
    activ_kind k;
} hkind;

static const hkind hkinds[] = {
#define HK(name, K, fam, fo, ...) {#name, fo, K},
    ACTIV_FOREACH_KIND(HK)
#undef HK
};

int sweep_half_main(void);
int sweep_half_main(void)
{
    enum { P = 65536 };
    uint16_t *x = malloc(P * 2), *g = malloc(P * 2), *o = malloc(P * 2);
    double *ex = malloc(P * sizeof *ex);
    if (!x || !g || !o || !ex) return 1;
    const activ_kernels *ks[ACTIV_ISA_COUNT];
    int nk = tu_isas(ks), bad = 0;
    activ_isa saved = activ_get_isa();
    printf("%-12s %-5s %-11s %-7s %9s %-14s %8s\n", "kind", "type", "direction", "path", "max ULP",
           "at x", "checked");
    for (size_t ki = 0; ki < sizeof hkinds / sizeof hkinds[0]; ki++) {
        activ_kind kind = hkinds[ki].k;
        activ_params p = activ_default_params(kind);
        float slope = 0.25f;
        if (kind == ACTIV_PRELU) p.slopes = &slope, p.channels = 1, p.inner = 1;
        float alpha = kind == ACTIV_PRELU ? slope : p.alpha;
        for (int dt = 0; dt < 2; dt++) {
            activ_half h = (activ_half)dt;
            for (int i = 0; i < P; i++) x[i] = (uint16_t)i;
            for (int d = 0; d < 5; d++) {
                static const char *dname[5] = {"fwd", "bwd dy=1", "bwd dy=0.7", "bwdy dy=1", "bwdy dy=0.7"};
                if (d >= 3 && !hkinds[ki].fo) continue;
                uint16_t dyv = activ_half_from_f32(h, (d == 1 || d == 3) ? 1.0f : 0.7f);
                float dyf = activ_half_to_f32(h, dyv);
                for (int i = 0; i < P; i++) {
                    float xf = activ_half_to_f32(h, (uint16_t)i);
                    g[i] = dyv;
                    ex[i] = d == 0   ? activ_ref_forward(kind, xf, alpha, p.beta)
                          : d < 3    ? (double)dyf * activ_ref_derivative(kind, xf, alpha, p.beta)
                                     : (double)dyf * activ_ref_derivative_from_output(kind, xf, alpha);
                }
                for (int ii = 0; ii < nk; ii++) {
                    activ_set_isa(ks[ii]->isa);
                    activ_status s = d == 0 ? activ_forward16(h, kind, &p, x, o, P)
                                   : d < 3  ? activ_backward16(h, kind, &p, x, g, o, P, NULL)
                                            : activ_backward_from_output16(h, kind, &p, x, g, o, P);
                    double mx = s == ACTIV_OK ? 0 : INFINITY;
                    int at = 0;
                    for (int i = 0; i < P && s == ACTIV_OK; i++) {
                        double e = tu_ulp16_error(activ_half_to_f32(h, o[i]), ex[i], h);
                        if (e > mx) mx = e, at = i;
                    }
                    int fail = !(mx <= 1.0);
                    bad |= fail;
                    printf("%-12s %-5s %-11s %-7s %9.3f %-14a %8d%s\n", hkinds[ki].kind,
                           dt ? "bf16" : "f16", dname[d], tu_isa_str(ks[ii]->isa), mx,
                           (double)activ_half_to_f32(h, (uint16_t)at), P, fail ? "  FAIL" : "");
                    if (fail)
                        fprintf(stderr, "FAIL %s %s %s %s: x=0x%04x got 0x%04x exact %.17g (status %d)\n",
                                hkinds[ki].kind, dt ? "bf16" : "f16", dname[d], tu_isa_str(ks[ii]->isa),
                                at, o[at], ex[at], s);
                }
            }
        }
    }
    activ_set_isa(saved);
    printf("activ_sweep --half: every 16-bit input, %s\n", bad ? "BOUND EXCEEDED" : "all within 1 ULP");
    free(x), free(g), free(o), free(ex);
    return bad ? 1 : 0;
}
