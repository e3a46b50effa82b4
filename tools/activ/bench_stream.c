/* bench_stream.c - memcpy and 3-array stream baselines for 'activ bench', on one thread or
 * split across a small pthread pool (the threaded baseline for the all-threads column).
 */
#include "bench_stream.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BENCH_X86 1
#define cpu_relax() __builtin_ia32_pause()
#else
#define BENCH_X86 0
#define cpu_relax() ((void)0)
#endif

/* ---- the 3-array stream kernels: plain loads, adds and stores, 4 vectors per step ---- */

typedef void (*add3_fn)(float *c, const float *a, const float *b, size_t n);

static void add3_scalar(float *c, const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        c[i] = a[i] + b[i];
}

#if BENCH_X86
static void add3_sse2(float *c, const float *a, const float *b, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128 a0 = _mm_loadu_ps(a + i), a1 = _mm_loadu_ps(a + i + 4);
        __m128 a2 = _mm_loadu_ps(a + i + 8), a3 = _mm_loadu_ps(a + i + 12);
        _mm_storeu_ps(c + i, _mm_add_ps(a0, _mm_loadu_ps(b + i)));
        _mm_storeu_ps(c + i + 4, _mm_add_ps(a1, _mm_loadu_ps(b + i + 4)));
        _mm_storeu_ps(c + i + 8, _mm_add_ps(a2, _mm_loadu_ps(b + i + 8)));
        _mm_storeu_ps(c + i + 12, _mm_add_ps(a3, _mm_loadu_ps(b + i + 12)));
    }
    add3_scalar(c + i, a + i, b + i, n - i);
}

__attribute__((target("avx2"))) static void add3_avx2(float *c, const float *a, const float *b,
                                                      size_t n)
{
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 a0 = _mm256_loadu_ps(a + i), a1 = _mm256_loadu_ps(a + i + 8);
        __m256 a2 = _mm256_loadu_ps(a + i + 16), a3 = _mm256_loadu_ps(a + i + 24);
        _mm256_storeu_ps(c + i, _mm256_add_ps(a0, _mm256_loadu_ps(b + i)));
        _mm256_storeu_ps(c + i + 8, _mm256_add_ps(a1, _mm256_loadu_ps(b + i + 8)));
        _mm256_storeu_ps(c + i + 16, _mm256_add_ps(a2, _mm256_loadu_ps(b + i + 16)));
        _mm256_storeu_ps(c + i + 24, _mm256_add_ps(a3, _mm256_loadu_ps(b + i + 24)));
    }
    add3_sse2(c + i, a + i, b + i, n - i);
}

__attribute__((target("avx512f"))) static void add3_avx512(float *c, const float *a,
                                                           const float *b, size_t n)
{
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512 a0 = _mm512_loadu_ps(a + i), a1 = _mm512_loadu_ps(a + i + 16);
        __m512 a2 = _mm512_loadu_ps(a + i + 32), a3 = _mm512_loadu_ps(a + i + 48);
        _mm512_storeu_ps(c + i, _mm512_add_ps(a0, _mm512_loadu_ps(b + i)));
        _mm512_storeu_ps(c + i + 16, _mm512_add_ps(a1, _mm512_loadu_ps(b + i + 16)));
        _mm512_storeu_ps(c + i + 32, _mm512_add_ps(a2, _mm512_loadu_ps(b + i + 32)));
        _mm512_storeu_ps(c + i + 48, _mm512_add_ps(a3, _mm512_loadu_ps(b + i + 48)));
    }
    add3_sse2(c + i, a + i, b + i, n - i);
}
#endif

static add3_fn add3_pick(const char **name)
{
#if BENCH_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        *name = "avx512";
        return add3_avx512;
    }
    if (__builtin_cpu_supports("avx2")) {
        *name = "avx2";
        return add3_avx2;
    }
    *name = "sse2";
    return add3_sse2;
#else
    *name = "scalar";
    return add3_scalar;
#endif
}

static add3_fn add3_best;
static const char *add3_name;

const char *bench_stream_isa(void)
{
    if (!add3_best)
        add3_best = add3_pick(&add3_name);
    return add3_name;
}

/* ---- the pool: thread 0 is the caller; a job runs part i of nthreads ---- */

#define POOL_MAX 256
#define POOL_SPIN 5000 /* pauses before a worker sleeps: about a hundred microseconds */

typedef void (*pool_job)(void *ctx, int part, int nparts);

static struct {
    pthread_t th[POOL_MAX];
    int nworkers; /* threads besides the caller */
    atomic_uint gen;
    atomic_int pending;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pool_job job;
    void *ctx;
    int nparts;
    int quit;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *pool_worker(void *arg)
{
    int part = (int)(size_t)arg;
    unsigned seen = 0;
    for (;;) {
        int spins = 0;
        while (atomic_load_explicit(&pool.gen, memory_order_acquire) == seen) {
            if (++spins < POOL_SPIN) {
                cpu_relax();
                continue;
            }
            pthread_mutex_lock(&pool.mu);
            while (atomic_load_explicit(&pool.gen, memory_order_acquire) == seen)
                pthread_cond_wait(&pool.cv, &pool.mu);
            pthread_mutex_unlock(&pool.mu);
        }
        seen = atomic_load_explicit(&pool.gen, memory_order_acquire);
        if (pool.quit)
            return NULL;
        if (part < pool.nparts)
            pool.job(pool.ctx, part, pool.nparts);
        atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_acq_rel);
    }
}

int bench_pool_start(int nthreads)
{
    bench_stream_isa();
    if (nthreads > POOL_MAX)
        nthreads = POOL_MAX;
    pool.quit = 0;
    for (int i = 1; i < nthreads; i++) {
        if (pthread_create(&pool.th[i - 1], NULL, pool_worker, (void *)(size_t)i))
            return -1;
        pool.nworkers = i;
    }
    return 0;
}

static void pool_run(pool_job job, void *ctx, int nparts)
{
    if (nparts <= 1 || pool.nworkers == 0) {
        job(ctx, 0, 1);
        return;
    }
    if (nparts > pool.nworkers + 1)
        nparts = pool.nworkers + 1;
    pool.job = job;
    pool.ctx = ctx;
    pool.nparts = nparts;
    atomic_store_explicit(&pool.pending, pool.nworkers, memory_order_relaxed);
    pthread_mutex_lock(&pool.mu);
    atomic_fetch_add_explicit(&pool.gen, 1, memory_order_release);
    pthread_cond_broadcast(&pool.cv);
    pthread_mutex_unlock(&pool.mu);
    job(ctx, 0, nparts);
    while (atomic_load_explicit(&pool.pending, memory_order_acquire) > 0)
        cpu_relax();
}

void bench_pool_stop(void)
{
    if (!pool.nworkers)
        return;
    pool.quit = 1;
    pthread_mutex_lock(&pool.mu);
    atomic_fetch_add_explicit(&pool.gen, 1, memory_order_release);
    pthread_cond_broadcast(&pool.cv);
    pthread_mutex_unlock(&pool.mu);
    for (int i = 0; i < pool.nworkers; i++)
        pthread_join(pool.th[i], NULL);
    pool.nworkers = 0;
}

/* ---- the baselines ---- */

typedef struct {
    float *c;
    const float *a, *b;
    size_t n;
} stream_ctx;

/* Part p of nparts: [lo, hi), boundaries on 16-float (64-byte) multiples. */
static void part_range(size_t n, int p, int nparts, size_t *lo, size_t *hi)
{
    size_t blocks = (n + 15) / 16;
    size_t b0 = blocks * (size_t)p / (size_t)nparts, b1 = blocks * (size_t)(p + 1) / (size_t)nparts;
    *lo = b0 * 16 < n ? b0 * 16 : n;
    *hi = b1 * 16 < n ? b1 * 16 : n;
}

static void memcpy_job(void *ctx, int p, int nparts)
{
    stream_ctx *s = ctx;
    size_t lo, hi;
    part_range(s->n, p, nparts, &lo, &hi);
    if (hi > lo)
        memcpy(s->c + lo, s->a + lo, (hi - lo) * sizeof(float));
}

static void stream3_job(void *ctx, int p, int nparts)
{
    stream_ctx *s = ctx;
    size_t lo, hi;
    part_range(s->n, p, nparts, &lo, &hi);
    if (hi > lo)
        add3_best(s->c + lo, s->a + lo, s->b + lo, hi - lo);
}

void bench_memcpy(float *y, const float *x, size_t n, int nthreads)
{
    if (nthreads <= 1) {
        memcpy(y, x, n * sizeof(float));
        return;
    }
    stream_ctx s = {y, x, NULL, n};
    pool_run(memcpy_job, &s, nthreads);
}

void bench_stream3(float *c, const float *a, const float *b, size_t n, int nthreads)
{
    if (!add3_best)
        bench_stream_isa();
    if (nthreads <= 1) {
        add3_best(c, a, b, n);
        return;
    }
    stream_ctx s = {c, a, b, n};
    pool_run(stream3_job, &s, nthreads);
}
