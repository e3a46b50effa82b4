/* bench16.c - build/activ_bench16: elements per second of the 16-bit CPU paths against the
 * fp32 path, measured side by side in the same run (7 rounds, fp32 / f16 / bf16 interleaved
 * in each; the best round of each), for every kind of the manifest, forward and backward, at
 * 64K and 1M elements. The --kinds list matches names exactly (comma-separated).
 *
 *   activ_bench16 [--threads T] [--kinds relu,tanh,...]
 *
 * Prints Gelem/s for fp32, f16, bf16 and the ratios f16/fp32, bf16/fp32 (target >= 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ.h"
#include "kernels/manifest.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static const struct { const char *name; activ_kind k; } kinds[] = {
#define BK(name, K, ...) {#name, K},
    ACTIV_FOREACH_KIND(BK)
#undef BK
};

int main(int argc, char **argv)
{
    int threads = 1;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--kinds") && i + 1 < argc) only = argv[++i];
        else {
            fprintf(stderr, "usage: activ_bench16 [--threads T] [--kinds relu,tanh,...]\n");
            return 2;
        }
    }
    activ_set_num_threads(threads);
    size_t nmax = 1 << 20;
    float *x = malloc(nmax * 4), *g = malloc(nmax * 4), *y = malloc(nmax * 4);
    uint16_t *xh[2], *gh[2], *yh[2];
    for (int d = 0; d < 2; d++) xh[d] = malloc(nmax * 2), gh[d] = malloc(nmax * 2), yh[d] = malloc(nmax * 2);
    for (size_t i = 0; i < nmax; i++) {
        x[i] = (float)((double)(i % 2000) / 100.0 - 10.0);
        g[i] = 0.5f;
        for (int d = 0; d < 2; d++) xh[d][i] = activ_half_from_f32((activ_half)d, x[i]), gh[d][i] = activ_half_from_f32((activ_half)d, g[i]);
    }
    float slope = 0.25f;
    printf("activ_bench16: path %s, %d thread(s); Gelem/s, best of 7 interleaved rounds\n", activ_isa_name(activ_get_isa()), threads);
    printf("%-12s %-4s %8s %8s %8s %8s %8s %8s\n", "kind", "dir", "n", "fp32", "f16", "bf16", "f16/32", "bf16/32");
    const size_t sizes[2] = {65536, 1 << 20};
    for (size_t ki = 0; ki < sizeof kinds / sizeof kinds[0]; ki++) {
        if (only) {
            size_t ln = strlen(kinds[ki].name);
            const char *q = only;
            int hit = 0;
            while (!hit && (q = strstr(q, kinds[ki].name))) {
                hit = (q == only || q[-1] == ',') && (q[ln] == 0 || q[ln] == ',');
                q += ln;
            }
            if (!hit) continue;
        }
        activ_kind k = kinds[ki].k;
        activ_params p = activ_default_params(k);
        if (k == ACTIV_PRELU) p.slopes = &slope;
        for (int dir = 0; dir < 2; dir++)
            for (int si = 0; si < 2; si++) {
                size_t n = sizes[si];
                int reps = (int)(((size_t)1 << 23) / n);
                /* the three variants interleaved within each round, so a burst of load from
                 * other processes hits all of them alike; the best round of each counts */
                double best[3] = {1e300, 1e300, 1e300}, rate[3];
                for (int r = 0; r < 7; r++)
                    for (int v = 0; v < 3; v++) {
                        double t0 = now();
                        for (int q = 0; q < reps; q++) {
                            if (v == 0) {
                                if (dir == 0) activ_forward(k, &p, x, y, n);
                                else activ_backward(k, &p, x, g, y, n, NULL);
                            } else {
                                activ_half h = (activ_half)(v - 1);
                                if (dir == 0) activ_forward16(h, k, &p, xh[v - 1], yh[v - 1], n);
                                else activ_backward16(h, k, &p, xh[v - 1], gh[v - 1], yh[v - 1], n, NULL);
                            }
                        }
                        double t = now() - t0;
                        if (t < best[v]) best[v] = t;
                    }
                for (int v = 0; v < 3; v++) rate[v] = (double)n * reps / best[v] * 1e-9;
                printf("%-12s %-4s %8zu %8.2f %8.2f %8.2f %8.2f %8.2f\n", kinds[ki].name, dir ? "bwd" : "fwd",
                       n, rate[0], rate[1], rate[2], rate[1] / rate[0], rate[2] / rate[0]);
            }
    }
    return 0;
}
