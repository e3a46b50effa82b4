/* test_accuracy.c - random inputs against the oracle on every path: log-uniform magnitudes
 * over the whole fp32 range (subnormals included) plus the tails of each function (exp
 * results near the subnormal range, saturation, a few ULP around 0 and the swish minimum).
 * Bounds: forward 1 ULP, backward and from-output 2 ULP (include/activ.h). Prints the
 * largest error per kind, direction and path. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "validate.h"

#define N 60000

typedef struct {
    activ_kind kind;
    float alpha, beta;
} kcase;

static const kcase cases[] = {
    {ACTIV_RELU, 0, 1},      {ACTIV_LEAKY_RELU, 0.01f, 1}, {ACTIV_LEAKY_RELU, 0.2f, 1},
    {ACTIV_PRELU, 0.25f, 1}, {ACTIV_PRELU, -0.7f, 1},      {ACTIV_ELU, 1, 1},
    {ACTIV_ELU, 0.5f, 1},    {ACTIV_ELU, 3.0f, 1},         {ACTIV_SWISH, 0, 1},
    {ACTIV_SWISH, 0, 1.7f},  {ACTIV_SWISH, 0, -0.5f},      {ACTIV_SWISH, 0, 0},
    {ACTIV_SWISH, 0, 20.0f}, {ACTIV_SIGMOID, 0, 1},        {ACTIV_TANH, 0, 1},
    {ACTIV_RELU6, 0, 1},     {ACTIV_HARDTANH, 0, 1},       {ACTIV_HARDSIGMOID, 1.0f / 6.0f, 0.5f},
    {ACTIV_HARDSIGMOID, 0.2f, 0.5f}, {ACTIV_HARDSWISH, 0, 1}, {ACTIV_SOFTSIGN, 0, 1},
    {ACTIV_RELU2, 0, 1},     {ACTIV_THRESHOLDED_RELU, 1, 1}, {ACTIV_THRESHOLDED_RELU, -0.5f, 1},
    {ACTIV_SELU, 1.6732632f, 1}, {ACTIV_CELU, 1, 1},       {ACTIV_CELU, 0.5f, 1},
    {ACTIV_GELU, 0, 1},      {ACTIV_GELU_TANH, 0, 1},      {ACTIV_SOFTPLUS, 0, 1},
    {ACTIV_SOFTPLUS, 0, 3},  {ACTIV_MISH, 0, 1},           {ACTIV_LOGSIGMOID, 0, 1},
};

static double worst(const float *got, const double *exact, size_t n, size_t *at) {
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        double e = activ_ulp_error(got[i], exact[i]);
        if (e > w || (isnan(e) && !isnan(w))) w = e, *at = i;
    }
    return w;
}

int main(void) {
    tu_rng r;
    tu_rng_seed(&r, 2024);
    tu_path paths[2 * ACTIV_ISA_COUNT];
    int np = tu_paths(paths);
    CHECK(np >= 2, "paths: %d", np);
    float *x = tu_alloc(N), *dy = tu_alloc(N), *y = tu_alloc(N), *out = tu_alloc(N);
    double *ef = malloc(N * sizeof *ef), *eb = malloc(N * sizeof *eb);
    double *ey = malloc(N * sizeof *ey);
    if (!ef || !eb || !ey) return 1;
    printf("%-11s %6s %6s %-5s %-14s %9s\n", "kind", "alpha", "beta", "dir", "path", "max ULP");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const kcase *kc = &cases[c];
        const char *kn = tu_kind_str(kc->kind);
        /* a from-output form for these parameters (the library's own rule) */
        activ_params vp = tu_params(kc->kind, kc->alpha, 1.0f, NULL, 1, 1);
        int fo = tu_has_from_output(kc->kind) &&
                 activ_validate(kc->kind, ACTIV_DIR_BWDY, &vp, NULL, NULL, NULL, 0, sizeof(float),
                                NULL, 1) == ACTIV_OK;
        for (size_t i = 0; i < N; i++) {
            x[i] = tu_rng_interesting(&r, kc->kind);
            if (kc->kind == ACTIV_SWISH && kc->beta != 0 && i % 8 == 0) /* swish's minimum */
                x[i] = tu_next(-1.2784645f / kc->beta, (int)(tu_rng_u64(&r) % 4001) - 2000);
            dy[i] = i % 5 == 0 ? 1.0f : tu_rng_range(&r, -1, 1);
            ef[i] = activ_ref_forward(kc->kind, x[i], kc->alpha, kc->beta);
            eb[i] = activ_ref_backward(kc->kind, x[i], dy[i], kc->alpha, kc->beta);
            /* from-output inputs: the rounded forward output, or any y in the range */
            y[i] = i % 2 ? (float)ef[i]
                         : (kc->kind == ACTIV_SIGMOID ? tu_rng_range(&r, 0, 1)
                            : kc->kind == ACTIV_TANH  ? tu_rng_range(&r, -1, 1)
                                                      : x[i]);
            if (fo) ey[i] = activ_ref_backward_from_output(kc->kind, y[i], dy[i], kc->alpha);
        }
        for (int pi = 0; pi < np; pi++) {
            const tu_path *p = &paths[pi];
            size_t at = 0;
            double w;
            tu_fwd(p, kc->kind, kc->alpha, kc->beta, NULL, 1, 1, x, out, N);
            w = worst(out, ef, N, &at);
            CHECK_ULP(out[at], ef[at], 1.0, "%s %s(a=%g b=%g) fwd x=%a", p->name, kn,
                      kc->alpha, kc->beta, (double)x[at]);
            printf("%-11s %6g %6g %-5s %-14s %9.3f\n", kn, kc->alpha, kc->beta, "fwd", p->name, w);
            tu_bwd(p, kc->kind, kc->alpha, kc->beta, NULL, 1, 1, x, dy, out, N, NULL);
            w = worst(out, eb, N, &at);
            CHECK_ULP(out[at], eb[at], 2.0, "%s %s(a=%g b=%g) bwd x=%a dy=%a", p->name, kn,
                      kc->alpha, kc->beta, (double)x[at], (double)dy[at]);
            printf("%-11s %6g %6g %-5s %-14s %9.3f\n", kn, kc->alpha, kc->beta, "bwd", p->name, w);
            if (!fo)
                continue;
            tu_bwdy(p, kc->kind, kc->alpha, y, dy, out, N);
            w = worst(out, ey, N, &at);
            CHECK_ULP(out[at], ey[at], 2.0, "%s %s(a=%g) bwdy y=%a dy=%a", p->name, kn,
                      kc->alpha, (double)y[at], (double)dy[at]);
            printf("%-11s %6g %6g %-5s %-14s %9.3f\n", kn, kc->alpha, kc->beta, "bwdy", p->name, w);
        }
        /* every element, not only the worst, counts as a check */
        tu_checks += (long long)N * np * (fo ? 3 : 2) - np * (fo ? 3 : 2);
    }
    free(x);
    free(dy);
    free(y);
    free(out);
    free(ef);
    free(eb);
    free(ey);
    return tu_finish("test_accuracy");
}
