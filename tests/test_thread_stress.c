/* test_thread_stress.c - several caller threads at once, small and large calls, every kind
 * and direction (prelu da and swish db included), while another thread keeps changing
 * activ_set_num_threads underneath. Every result must be bitwise identical to the same call
 * made alone with one thread. Built and run under ThreadSanitizer by `make test-tsan`
 * (-DACTIV_SANITIZE=thread), where it is the data-race check of the pool in src/threads.c.
 *
 * ACTIV_STRESS_ROUNDS (default 20) sets how many times each caller runs the whole job list. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define CALLERS 4
#define CHANNELS 8

typedef struct {
    activ_kind kind;
    int dir; /* 0 forward, 1 backward, 2 from output */
    size_t n;
    float *ref, *dref; /* single-threaded results: out (n), dparam (CHANNELS) */
} job;

static float *gx, *gdy, slopes[CHANNELS];
static job jobs[ACTIV_KIND_COUNT * 3 * 2];
static int njobs;
static atomic_int stop;
static atomic_long changes;

static activ_status run(const job *j, float *out, float *dparam)
{
    activ_params p = activ_default_params(j->kind);
    if (j->kind == ACTIV_PRELU) {
        p.slopes = slopes;
        p.channels = CHANNELS;
        p.inner = 16;
    }
    if (j->kind == ACTIV_SWISH)
        p.beta = 1.25f;
    if (j->dir == 0)
        return activ_forward(j->kind, &p, gx, out, j->n);
    if (j->dir == 1)
        return activ_backward(j->kind, &p, gx, gdy, out, j->n, dparam);
    return activ_backward_from_output(j->kind, &p, gx, gdy, out, j->n);
}

static void *changer(void *arg)
{
    (void)arg;
    static const int counts[] = {1, 2, 3, 4, 0, 7, 2, 1, 16};
    unsigned i = 0;
    while (!atomic_load(&stop)) {
        activ_set_num_threads(counts[i++ % (sizeof counts / sizeof *counts)]);
        atomic_fetch_add(&changes, 1);
        sched_yield();
    }
    return NULL;
}

typedef struct {
    int id, rounds;
    long calls, mismatches, errors;
} caller_arg;

static void *caller(void *varg)
{
    caller_arg *a = varg;
    size_t maxn = 0;
    for (int j = 0; j < njobs; j++)
        maxn = jobs[j].n > maxn ? jobs[j].n : maxn;
    float *out = malloc(maxn * sizeof(float));
    float dparam[CHANNELS];
    for (int r = 0; r < a->rounds; r++)
        for (int k = 0; k < njobs; k++) {
            const job *j = &jobs[(k + a->id * 7) % njobs]; /* callers start at different jobs */
            memset(dparam, 0xff, sizeof dparam);
            if (run(j, out, dparam) != ACTIV_OK) {
                a->errors++;
                continue;
            }
            a->calls++;
            int nd = j->dir == 1 ? (j->kind == ACTIV_PRELU ? CHANNELS : j->kind == ACTIV_SWISH ? 1 : 0) : 0;
            if (memcmp(out, j->ref, j->n * sizeof(float)) != 0 ||
                memcmp(dparam, j->dref, (size_t)nd * sizeof(float)) != 0)
                a->mismatches++;
        }
    free(out);
    return NULL;
}

int main(void)
{
    const size_t sizes[] = {37, 4096, 70000, 262144};
    const size_t N = 262144;
    const char *env = getenv("ACTIV_STRESS_ROUNDS");
    int rounds = env && atoi(env) > 0 ? atoi(env) : 20;
    gx = malloc(N * sizeof(float));
    gdy = malloc(N * sizeof(float));
    tu_rng rng = {12345};
    for (size_t i = 0; i < N; i++) {
        gx[i] = (float)(tu_rng_u64(&rng) % 20001) * 0.001f - 10.0f;
        gdy[i] = (float)(tu_rng_u64(&rng) % 2001) * 0.001f - 1.0f;
    }
    for (int c = 0; c < CHANNELS; c++)
        slopes[c] = 0.05f * (float)(c + 1);

    /* the reference: each call alone, one thread */
    CHECK_STATUS(activ_set_num_threads(1), ACTIV_OK, "set_num_threads(1)");
    for (int k = 0; k < ACTIV_KIND_COUNT; k++)
        for (int dir = 0; dir < 3; dir++) {
            /* from output only where the kind has that form (an empty call says so) */
            activ_params fp = activ_default_params((activ_kind)k);
            if (dir == 2 && activ_backward_from_output((activ_kind)k, &fp, NULL, NULL, NULL, 0) ==
                                ACTIV_ERR_UNSUPPORTED)
                continue;
            /* two sizes per kind and direction, rotating through the list */
            for (int s = 0; s < 2; s++) {
                job *j = &jobs[njobs++];
                j->kind = (activ_kind)k;
                j->dir = dir;
                j->n = sizes[(k + dir + 2 * s) % 4];
                if (k == ACTIV_PRELU) /* channels * inner = 128 must divide n */
                    j->n = j->n < 128 ? 128 : j->n / 128 * 128;
                j->ref = malloc(j->n * sizeof(float));
                j->dref = malloc(CHANNELS * sizeof(float));
                memset(j->dref, 0xff, CHANNELS * sizeof(float));
                CHECK_STATUS(run(j, j->ref, j->dref), ACTIV_OK, "reference %s dir %d n %zu",
                             activ_kind_name(j->kind), dir, j->n);
            }
        }

    pthread_t ch, th[CALLERS];
    caller_arg args[CALLERS];
    pthread_create(&ch, NULL, changer, NULL);
    for (int t = 0; t < CALLERS; t++) {
        memset(&args[t], 0, sizeof args[t]);
        args[t].id = t;
        args[t].rounds = rounds;
        pthread_create(&th[t], NULL, caller, &args[t]);
    }
    long calls = 0, bad = 0, errors = 0;
    for (int t = 0; t < CALLERS; t++) {
        pthread_join(th[t], NULL);
        calls += args[t].calls;
        bad += args[t].mismatches;
        errors += args[t].errors;
    }
    atomic_store(&stop, 1);
    pthread_join(ch, NULL);
    CHECK(errors == 0, "%ld calls failed", errors);
    CHECK(bad == 0, "%ld of %ld results differ from the single-threaded run", bad, calls);
    CHECK(calls == (long)CALLERS * rounds * njobs, "%ld calls made", calls);
    printf("test_thread_stress: %d callers x %d rounds x %d jobs = %ld calls, %ld thread-count changes, "
           "%ld mismatches\n", CALLERS, rounds, njobs, calls, (long)atomic_load(&changes), bad);
    for (int k = 0; k < njobs; k++) {
        free(jobs[k].ref);
        free(jobs[k].dref);
    }
    free(gx);
    free(gdy);
    activ_set_num_threads(0);
    return tu_finish("test_thread_stress");
}
