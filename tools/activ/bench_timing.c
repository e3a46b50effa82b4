/* bench_timing.c - 'activ bench' timing: each series is calibrated so one repetition lasts at
 * least min_s, warmed up, then the repetitions of all series are interleaved so slow drift
 * on a shared machine hits them alike; the median repetition is kept. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ_internal/clock.h"
#include "bench.h"

/* Warm-up, then the number of calls that makes one repetition last at least min_s. */
static void calibrate(bench_series *s, double min_s)
{
    s->fn(s->ctx);
    long k = 1;
    double t;
    for (;;) {
        double t0 = activ_now_s();
        for (long i = 0; i < k; i++)
            s->fn(s->ctx);
        t = activ_now_s() - t0;
        if (t >= 0.1 * min_s || k >= (1L << 30))
            break;
        k *= t < 0.01 * min_s ? 8 : 2;
    }
    double it = ceil((double)k * min_s / (t > 1e-9 ? t : 1e-9));
    s->iters = it < 1 ? 1 : it > 1e9 ? 1000000000L : (long)it;
    for (long i = 0; i < s->iters / 2; i++) /* warm-up: half a repetition */
        s->fn(s->ctx);
}

static void time_rep(bench_series *s, int r)
{
    double t0 = activ_now_s();
    for (long i = 0; i < s->iters; i++)
        s->fn(s->ctx);
    s->t[r] = (activ_now_s() - t0) / (double)s->iters;
}

/* Between multi-thread series: lets every pool's spinning workers go to sleep, so the next
 * series gets the cores to itself. */
static void settle(bench_peer_op *op)
{
    if (op && op->quiesce)
        op->quiesce(op);
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *t, int n)
{
    double v[BENCH_MAX_REPS];
    memcpy(v, t, (size_t)n * sizeof *v);
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void bench_time_series(bench_series *s, int ns, int reps, double min_s, int threads)
{
    for (int k = 0; k < ns; k++) {
        calibrate(&s[k], min_s);
        if (threads > 1)
            settle(s[k].peer);
    }
    for (int r = 0; r < reps; r++)
        for (int k = 0; k < ns; k++) {
            time_rep(&s[k], r);
            if (threads > 1)
                settle(s[k].peer);
        }
    for (int k = 0; k < ns; k++)
        s[k].med = median(s[k].t, reps);
}
