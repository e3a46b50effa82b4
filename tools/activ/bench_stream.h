/* bench_stream.h - the baselines 'activ bench' compares against, measured in the same run:
 * memcpy (a 2-array stream: read x, write y) and a 3-array stream (c[i] = a[i] + b[i]),
 * on 1 thread or split across a small pool of pthreads.
 */
#ifndef ACTIV_BENCH_STREAM_H
#define ACTIV_BENCH_STREAM_H

#include <stddef.h>

/* The vector width the 3-array stream uses: the widest this CPU has ("avx512", "avx2",
 * "sse2" or "scalar"), like glibc's memcpy. */
const char *bench_stream_isa(void);

/* Starts the pool with nthreads - 1 workers (the caller is thread 0). Workers spin briefly
 * after a job, then sleep, so they do not steal the CPU while activ or a peer is timed.
 * Returns 0, or -1 if a thread could not be created. */
int bench_pool_start(int nthreads);
void bench_pool_stop(void);

/* y = x (n floats) with glibc's memcpy, split into nthreads contiguous 64-byte aligned
 * parts when nthreads > 1 (nthreads <= the pool's size). */
void bench_memcpy(float *y, const float *x, size_t n, int nthreads);
/* c[i] = a[i] + b[i], same splitting. */
void bench_stream3(float *c, const float *a, const float *b, size_t n, int nthreads);

#endif
