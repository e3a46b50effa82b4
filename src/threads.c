/* threads.c - a small pthread pool of our own (not OpenMP), and the thread-count setting.
 *
 * Why not OpenMP: a library must not oversubscribe a multithreaded caller, must survive
 * fork(), and must not deadlock when called from inside its own parallel region. This pool:
 *   - runs a job serially in the calling thread when another thread is already using the
 *     pool (busy flag, never waits for it) or when the caller is one of its own workers;
 *   - is re-created lazily in a forked child (pthread_atfork: the child forgets the parent's
 *     pool, whose threads do not exist there);
 *   - lets idle workers sleep on a condition variable (after a short spin that catches
 *     back-to-back calls; see ACTIV_SPIN_WORKER);
 *   - has the caller work too, taking chunks from the same atomic counter.
 * Chunks are cut by the caller from n alone (api.c), so results do not depend on the thread
 * count or on which thread ran a chunk.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ACTIV_MAX_THREADS 256

typedef struct activ_pool {
    pthread_mutex_t mu;
    pthread_cond_t wake; /* workers wait for a new generation */
    pthread_cond_t done; /* the caller waits for active == 0 */
    int nworkers;        /* started threads */
    unsigned long gen;   /* job generation */
    int participants;    /* workers with index < participants join the current job */
    int active;          /* participating workers not yet finished */
    activ_chunk_fn fn;
    void *ctx;
    size_t nchunks;
    atomic_size_t next; /* next chunk to take */
} activ_pool;

static _Atomic int activ_threads_set = 0; /* 0 = default */
static pthread_once_t activ_threads_once = PTHREAD_ONCE_INIT;
static int activ_threads_default = 1;

static pthread_mutex_t activ_pool_create_mu = PTHREAD_MUTEX_INITIALIZER;
static activ_pool *_Atomic activ_pool_ptr = NULL;
static atomic_int activ_pool_busy = 0;
static _Thread_local int activ_in_worker = 0;
static pthread_once_t activ_atfork_once = PTHREAD_ONCE_INIT;

static void activ_threads_default_init(void)
{
    int n = 0;
    const char *env = getenv("ACTIV_NUM_THREADS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v > 0) n = v > ACTIV_MAX_THREADS ? ACTIV_MAX_THREADS : (int)v;
    }
    if (n == 0) {
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
    }
    if (n <= 0) n = 1;
    if (n > ACTIV_MAX_THREADS) n = ACTIV_MAX_THREADS;
    activ_threads_default = n;
}

activ_status activ_set_num_threads(int n)
{
    if (n < 0) return ACTIV_ERR_PARAM;
    atomic_store(&activ_threads_set, n > ACTIV_MAX_THREADS ? ACTIV_MAX_THREADS : n);
    return ACTIV_OK;
}

int activ_get_num_threads(void)
{
    int n = atomic_load(&activ_threads_set);
    if (n > 0) return n;
    pthread_once(&activ_threads_once, activ_threads_default_init);
    return activ_threads_default;
}

/* fork: the child has none of the parent's threads. It forgets the pool (the parent's copy
 * is leaked in the child, a few hundred bytes) and makes a new one when it needs one. */
static void activ_atfork_child(void)
{
    atomic_store(&activ_pool_ptr, NULL);
    atomic_store(&activ_pool_busy, 0);
    pthread_mutex_init(&activ_pool_create_mu, NULL);
}

static void activ_atfork_register(void) { pthread_atfork(NULL, NULL, activ_atfork_child); }

typedef struct activ_worker_arg {
    activ_pool *pool;
    int index;
    unsigned long gen0; /* the generation when it was started: it joins any later job */
} activ_worker_arg;

static void activ_pool_drain(activ_pool *p)
{
    for (;;) {
        size_t c = atomic_fetch_add(&p->next, 1);
        if (c >= p->nchunks) break;
        p->fn(p->ctx, c);
    }
}

/* Short spins before sleeping: a worker that just finished a job polls the generation
 * for ~ACTIV_SPIN_WORKER pause instructions (tens of microseconds) before it waits on the
 * condition variable, and the caller polls `active` before it sleeps on `done`. Back-to-back
 * calls (a network's layers) then skip the futex wake-up, which cost 15-25 us per call on
 * the loaded dev box; an idle pool still sleeps (no lasting spinning). */
#define ACTIV_SPIN_WORKER 4000
#define ACTIV_SPIN_CALLER 20000

static inline void activ_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static void *activ_worker_main(void *argp)
{
    activ_worker_arg arg = *(activ_worker_arg *)argp;
    free(argp);
    activ_pool *p = arg.pool;
    activ_in_worker = 1;
    unsigned long seen = arg.gen0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->gen == seen) {
            pthread_mutex_unlock(&p->mu);
            int moved = 0;
            for (int s = 0; s < ACTIV_SPIN_WORKER && !moved; s++) {
                moved = __atomic_load_n(&p->gen, __ATOMIC_ACQUIRE) != seen;
                if (!moved) activ_cpu_relax();
            }
            pthread_mutex_lock(&p->mu);
            if (moved || p->gen != seen) break;
            pthread_cond_wait(&p->wake, &p->mu);
        }
        seen = p->gen;
        if (arg.index >= p->participants) continue;
        pthread_mutex_unlock(&p->mu);
        activ_pool_drain(p);
        pthread_mutex_lock(&p->mu);
        if (__atomic_sub_fetch(&p->active, 1, __ATOMIC_RELEASE) == 0) pthread_cond_signal(&p->done);
    }
    return NULL;
}

static activ_pool *activ_pool_get(void)
{
    activ_pool *p = atomic_load(&activ_pool_ptr);
    if (p) return p;
    pthread_once(&activ_atfork_once, activ_atfork_register);
    pthread_mutex_lock(&activ_pool_create_mu);
    p = atomic_load(&activ_pool_ptr);
    if (!p) {
        p = calloc(1, sizeof *p);
        if (p) {
            pthread_mutex_init(&p->mu, NULL);
            pthread_cond_init(&p->wake, NULL);
            pthread_cond_init(&p->done, NULL);
            atomic_store(&activ_pool_ptr, p);
        }
    }
    pthread_mutex_unlock(&activ_pool_create_mu);
    return p;
}

/* Starts workers up to want (called with the busy flag held, so only one caller grows it).
 * A thread that cannot be started just means fewer threads. */
static void activ_pool_grow(activ_pool *p, int want)
{
    while (p->nworkers < want) {
        activ_worker_arg *arg = malloc(sizeof *arg);
        if (!arg) break;
        arg->pool = p;
        arg->index = p->nworkers;
        arg->gen0 = p->gen; /* p->gen only changes under the busy flag, which we hold */
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_t t;
        int rc = pthread_create(&t, &attr, activ_worker_main, arg);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
            free(arg);
            break;
        }
        pthread_mutex_lock(&p->mu);
        p->nworkers++;
        pthread_mutex_unlock(&p->mu);
    }
}

void activ_parallel_for(size_t nchunks, activ_chunk_fn fn, void *ctx)
{
    int threads = activ_get_num_threads();
    if ((size_t)threads > nchunks) threads = (int)nchunks;
    int expect = 0;
    activ_pool *p = NULL;
    if (threads > 1 && !activ_in_worker &&
        atomic_compare_exchange_strong(&activ_pool_busy, &expect, 1)) {
        p = activ_pool_get();
        if (!p) atomic_store(&activ_pool_busy, 0);
    }
    if (!p) {
        for (size_t c = 0; c < nchunks; c++) fn(ctx, c);
        return;
    }
    activ_pool_grow(p, threads - 1);
    pthread_mutex_lock(&p->mu);
    int helpers = threads - 1 < p->nworkers ? threads - 1 : p->nworkers;
    p->fn = fn;
    p->ctx = ctx;
    p->nchunks = nchunks;
    atomic_store(&p->next, 0);
    p->participants = helpers;
    __atomic_store_n(&p->active, helpers, __ATOMIC_RELAXED);
    __atomic_store_n(&p->gen, p->gen + 1, __ATOMIC_RELEASE); /* spinning workers poll it */
    if (helpers > 0) pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);

    activ_pool_drain(p);

    /* the helpers' writes are visible once active reads 0 (release/acquire) */
    int done = 0;
    for (int s = 0; s < ACTIV_SPIN_CALLER && !done; s++) {
        done = __atomic_load_n(&p->active, __ATOMIC_ACQUIRE) == 0;
        if (!done) activ_cpu_relax();
    }
    if (!done) {
        pthread_mutex_lock(&p->mu);
        while (p->active > 0) pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
    atomic_store(&activ_pool_busy, 0);
}

activ_status activ_parallel_for_each(size_t n, activ_task_fn fn, void *ctx)
{
    if (n == 0) return ACTIV_OK;
    if (!fn) return ACTIV_ERR_NULL;
    activ_parallel_for(n, fn, ctx);
    return ACTIV_OK;
}
