/* bench16.c - build/activ_bench16: elements per second of the 16-bit CPU paths against the
 * fp32 path, measured side by side in the same run (R rounds, default 7, fp32 / f16 / bf16
 * interleaved in each; the MEDIAN round of each), for every kind of the manifest, forward,
 * backward and (--bwdy) the from-output backward, at 64K and 1M elements. The --kinds list
 * matches names exactly (comma-separated). The path is the library's: ACTIV_ISA=avx2 etc.
 * bench/half_speed.sh runs it on every path and writes bench/results/half_speed.txt.
 *
 *   activ_bench16 [--threads T] [--rounds R] [--bwdy] [--kinds relu,tanh,...]
 *
 * --rows times softmax and log_softmax (rows of 1024, the last axis) and the gated units
 * instead, the 16-bit calls of src/half_rows.c against their fp32 calls.
 *
 * Prints Gelem/s for fp32, f16, bf16 and the ratios f16/fp32, bf16/fp32 (target >= 1), and
 * at the end the smallest ratio of each column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ.h"
#include "kernels/manifest.h"

/* 1 thread: the thread's CPU time (the shared dev box descheduled a wall-clock run for whole
 * rounds); more threads: wall clock */
static clockid_t clk = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec t;
    clock_gettime(clk, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define MAXR 51

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const struct { const char *name; activ_kind k; int fo; } kinds[] = {
#define BK(name, K, fam, fo, ...) {#name, K, fo},
    ACTIV_FOREACH_KIND(BK)
#undef BK
};

/* one variant (0 fp32, 1 f16, 2 bf16) of one call on n elements */
typedef struct bench_ctx {
    activ_kind k; /* --rows: 0 softmax, 1 log_softmax, 2.. the gated units */
    const activ_params *p;
    int dir;
    float *x, *g, *y;
    uint16_t *xh[2], *gh[2], *yh[2];
} bench_ctx;

static void run_kind(int v, size_t n, const bench_ctx *c)
{
    if (v == 0) {
        if (c->dir == 0) activ_forward(c->k, c->p, c->x, c->y, n);
        else if (c->dir == 1) activ_backward(c->k, c->p, c->x, c->g, c->y, n, NULL);
        else activ_backward_from_output(c->k, c->p, c->x, c->g, c->y, n);
        return;
    }
    activ_half h = (activ_half)(v - 1);
    if (c->dir == 0) activ_forward16(h, c->k, c->p, c->xh[v - 1], c->yh[v - 1], n);
    else if (c->dir == 1) activ_backward16(h, c->k, c->p, c->xh[v - 1], c->gh[v - 1], c->yh[v - 1], n, NULL);
    else activ_backward_from_output16(h, c->k, c->p, c->xh[v - 1], c->gh[v - 1], c->yh[v - 1], n);
}

/* softmax / log_softmax along rows of 1024 (backward: y = x, dy = g), or a gated unit with
 * a = x, b = g (backward: dy = g, da and db into the two halves of y) */
static void run_rows(int v, size_t n, const bench_ctx *c)
{
    const size_t shape[2] = {n / 1024, 1024};
    const int f = (int)c->k, logf = f == 1;
    const activ_half h = (activ_half)(v - 1);
    if (f < 2) {
        if (v == 0 && c->dir == 0) (logf ? activ_log_softmax_forward : activ_softmax_forward)(c->x, c->y, shape, 2, -1);
        else if (v == 0) (logf ? activ_log_softmax_backward : activ_softmax_backward)(c->x, c->g, c->y, shape, 2, -1);
        else if (c->dir == 0)
            (logf ? activ_log_softmax_forward16 : activ_softmax_forward16)(h, c->xh[v - 1], c->yh[v - 1], shape, 2, -1);
        else
            (logf ? activ_log_softmax_backward16 : activ_softmax_backward16)(h, c->xh[v - 1], c->gh[v - 1], c->yh[v - 1],
                                                                             shape, 2, -1);
        return;
    }
    const activ_glu_kind gk = (activ_glu_kind)(f - 2);
    if (v == 0 && c->dir == 0) activ_glu_forward(gk, c->x, c->g, c->y, n);
    else if (v == 0) activ_glu_backward(gk, c->x, c->g, c->g, c->y, c->y + n, n);
    else if (c->dir == 0) activ_glu_forward16(h, gk, c->xh[v - 1], c->gh[v - 1], c->yh[v - 1], n);
    else activ_glu_backward16(h, gk, c->xh[v - 1], c->gh[v - 1], c->gh[v - 1], c->yh[v - 1], c->yh[v - 1] + n, n);
}

/* times fp32, f16 and bf16 interleaved within each round (so a burst of load from other
 * processes hits all of them alike), the median round of each; prints one row */
static void measure(const char *name, const char *dir, size_t n, int rounds, void (*run)(int, size_t, const bench_ctx *),
                    const bench_ctx *c, double worst[2])
{
    const int reps = (int)(((size_t)1 << 23) / n);
    double t[3][MAXR], rate[3];
    for (int r = 0; r < rounds; r++)
        for (int v = 0; v < 3; v++) {
            double t0 = now();
            for (int q = 0; q < reps; q++) run(v, n, c);
            t[v][r] = now() - t0;
        }
    for (int v = 0; v < 3; v++) {
        qsort(t[v], (size_t)rounds, sizeof(double), cmp_double);
        rate[v] = (double)n * reps / t[v][rounds / 2] * 1e-9;
    }
    printf("%-16s %-4s %8zu %8.3f %8.3f %8.3f %8.2f %8.2f\n", name, dir, n, rate[0], rate[1], rate[2],
           rate[1] / rate[0], rate[2] / rate[0]);
    for (int v = 1; v < 3; v++)
        if (rate[v] / rate[0] < worst[v - 1]) worst[v - 1] = rate[v] / rate[0];
}

int main(int argc, char **argv)
{
    int threads = 1, rounds = 7, with_bwdy = 0, rows = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--bwdy")) with_bwdy = 1;
        else if (!strcmp(argv[i], "--rows")) rows = 1;
        else if (!strcmp(argv[i], "--kinds") && i + 1 < argc) only = argv[++i];
        else {
            fprintf(stderr, "usage: activ_bench16 [--threads T] [--rounds R] [--bwdy | --rows] [--kinds relu,tanh,...]\n");
            return 2;
        }
    }
    if (rounds < 1 || rounds > MAXR || threads < 1) {
        fprintf(stderr, "activ_bench16: --rounds must be 1..%d and --threads >= 1\n", MAXR);
        return 2;
    }
    activ_set_num_threads(threads);
    if (threads == 1) clk = CLOCK_THREAD_CPUTIME_ID;
    size_t nmax = 1 << 20;
    float *x = malloc(nmax * 4), *g = malloc(nmax * 4), *y = malloc(2 * nmax * 4); /* y: da and db of the gated units */
    uint16_t *xh[2], *gh[2], *yh[2];
    for (int d = 0; d < 2; d++) xh[d] = malloc(nmax * 2), gh[d] = malloc(nmax * 2), yh[d] = malloc(2 * nmax * 2);
    for (size_t i = 0; i < nmax; i++) {
        x[i] = (float)((double)(i % 2000) / 100.0 - 10.0);
        g[i] = 0.5f;
        for (int d = 0; d < 2; d++) xh[d][i] = activ_half_from_f32((activ_half)d, x[i]), gh[d][i] = activ_half_from_f32((activ_half)d, g[i]);
    }
    float slope = 0.25f;
    printf("activ_bench16: path %s, %d thread(s); Gelem/s (%s), median of %d interleaved rounds\n",
           activ_isa_name(activ_get_isa()), threads, threads == 1 ? "thread CPU time" : "wall clock", rounds);
    double worst[2] = {1e300, 1e300};
    printf("%-16s %-4s %8s %8s %8s %8s %8s %8s\n", "kind", "dir", "n", "fp32", "f16", "bf16", "f16/32", "bf16/32");
    const size_t sizes[2] = {65536, 1 << 20};
    for (int si = 0; rows && si < 2; si++)
        for (int f = 0; f < 5; f++)
            for (int dir = 0; dir < 2; dir++) {
                static const char *const names[5] = {"softmax", "log_softmax", "swiglu", "geglu", "reglu"};
                bench_ctx c = {(activ_kind)f, NULL, dir, x, g, y, {xh[0], xh[1]}, {gh[0], gh[1]}, {yh[0], yh[1]}};
                measure(names[f], dir ? "bwd" : "fwd", sizes[si], rounds, run_rows, &c, worst);
            }
    for (size_t ki = 0; !rows && ki < sizeof kinds / sizeof kinds[0]; ki++) {
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
        for (int dir = 0; dir < 3; dir++) {
            if (dir == 2 && (!with_bwdy || !kinds[ki].fo)) continue;
            for (int si = 0; si < 2; si++) {
                size_t n = sizes[si];
                bench_ctx c = {k, &p, dir, x, g, y, {xh[0], xh[1]}, {gh[0], gh[1]}, {yh[0], yh[1]}};
                measure(kinds[ki].name, (const char *[]){"fwd", "bwd", "bwdy"}[dir], n, rounds, run_kind, &c, worst);
            }
        }
    }
    printf("smallest ratio: f16/fp32 %.2f, bf16/fp32 %.2f\n", worst[0], worst[1]);
    free(x), free(g), free(y);
    for (int d = 0; d < 2; d++) free(xh[d]), free(gh[d]), free(yh[d]);
    return 0;
}
