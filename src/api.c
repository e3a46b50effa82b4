/* api.c - the public entry points of include/activ.h: argument checks, chunking, threads.
 *
 * Checks: activ_validate (src/validate.h), shared with the CUDA entry points; all of them
 * run before anything is read or written, for n = 0 too. p == NULL in the generic calls
 * means activ_default_params(kind). n == 0 then does nothing (a requested da is zeroed,
 * db = 0).
 *
 * Chunks: an input of n floats is cut into ceil(n / L) chunks of L floats, where L depends
 * on n and the kind only (never on the thread count), at most ACTIV_MAX_CHUNKS of them. Each
 * chunk's da/db partial sum (double) goes to its own slot, and the slots are added in chunk
 * order and rounded to float once: the bits are the same for any number of threads.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "validate.h"

#define ACTIV_MAX_CHUNKS 64
/* Serial threshold and smallest chunk (floats). A call with n <= ACTIV_SERIAL_* runs in one
 * chunk on the calling thread (api fast path: straight to the kernel); above it the call is
 * cut into ceil(n / L) chunks, L = max(ACTIV_CHUNK_*, ceil(n / 64)) rounded up to 16, which
 * depends on n and the kind only (never on the thread count).
 * Measured on the dev box (Xeon with AVX-512, 2 cores shared with other jobs), AVX2 path,
 * back-to-back calls, GB/s serial vs split over 2 threads, median of 5:
 *     relu fwd     256K: 69 vs 153 (each core's L2 holds its half)   512K: 40 vs 80
 *     sigmoid fwd  32K: 12.4 vs 22.4   64K: 12.0 vs 23.3
 *     swish fwd    32K: 9.2 vs 17.1    64K: 9.1 vs 17.6
 * Those splits rely on the pool's workers still spinning from the previous call
 * (threads.c); a cold call pays the futex wake-up, 15-25 us on this loaded box (before the
 * spin: sigmoid 64K split 11.2 vs 12.4 serial, relu 256K 29 vs 62). The thresholds sit one
 * step above the hot break-even so that a cold split still roughly pays: the relu family
 * splits beyond 128K floats (256K serial: ~35 us), the transcendental kinds beyond 32K
 * (64K serial: ~40 us). Re-measure on the target with `activ bench`. */
#define ACTIV_SERIAL_STREAM 131072
#define ACTIV_SERIAL_MATH 32768
#define ACTIV_CHUNK_STREAM 65536
#define ACTIV_CHUNK_MATH 16384
/* prelu da slots: at most this many doubles in all (chunks are made longer instead) */
#define ACTIV_MAX_SLOT_DOUBLES ((size_t)1 << 20)

const char *activ_status_str(activ_status s)
{
    switch (s) {
    case ACTIV_OK: return "success";
    case ACTIV_ERR_NULL: return "a required pointer is NULL";
    case ACTIV_ERR_SIZE: return "a size, or a product of sizes, overflows the address space";
    case ACTIV_ERR_SHAPE: return "the shapes disagree (prelu: channels*inner must divide n)";
    case ACTIV_ERR_PARAM: return "a parameter is out of range (non-finite alpha, beta or slope, ...)";
    case ACTIV_ERR_OVERLAP: return "an output partially overlaps an input";
    case ACTIV_ERR_KIND: return "unknown activation kind or name";
    case ACTIV_ERR_UNSUPPORTED: return "unsupported: no such variant, or the ISA is not available on this CPU";
    case ACTIV_ERR_NOMEM: return "memory allocation failed";
    case ACTIV_ERR_IO: return "a file could not be read or written";
    case ACTIV_ERR_FORMAT: return "a file is truncated or malformed";
    case ACTIV_ERR_CUDA: return "a CUDA or cuBLASLt call failed";
    case ACTIV_ERR_NO_DEVICE: return "no CUDA device, or the library was built without CUDA";
    default: return "unknown status code";
    }
}

const char *activ_version(void) { return ACTIV_VERSION_STRING; }
int activ_version_number(void) { return ACTIV_VERSION_NUMBER; }

/* ---- the chunked run ---------------------------------------------------------------- */

typedef struct activ_job {
    activ_fwd_fn fwd;
    activ_bwd_fn bwd;
    const float *x, *dy;
    float *y;
    activ_kargs ka;
    size_t n, chunk;
    double *slots;   /* nchunks * slot_len partial sums, or NULL */
    size_t slot_len;
} activ_job;

static void activ_job_chunk(void *ctx, size_t c)
{
    const activ_job *j = ctx;
    size_t i0 = c * j->chunk;
    size_t len = j->n - i0 < j->chunk ? j->n - i0 : j->chunk;
    activ_kargs ka = j->ka;
    ka.offset = i0;
    if (j->fwd) {
        j->fwd(j->x + i0, j->y + i0, len, &ka);
    } else {
        double *acc = j->slots ? j->slots + c * j->slot_len : NULL;
        j->bwd(j->x + i0, j->dy + i0, j->y + i0, len, &ka, acc);
    }
}

static activ_status activ_run(activ_kind kind, int dir, const activ_params *p, const float *x,
                              const float *dy, float *out, size_t n, float *dparam)
{
    const activ_kernels *k = activ_kernels_current();
    activ_job j;
    memset(&j, 0, sizeof j);
    j.x = x;
    j.dy = dy;
    j.y = out;
    j.n = n;
    j.ka = activ_kargs_from_params(kind, p, n);
    if (dir == ACTIV_DIR_FWD) j.fwd = k->fwd[kind];
    else j.bwd = dir == ACTIV_DIR_BWD ? k->bwd[kind] : k->bwdy[kind];

    int stream = activ_kind_info_of(kind)->family == ACTIV_FAM_MEMORY;
    size_t minchunk = stream ? ACTIV_CHUNK_STREAM : ACTIV_CHUNK_MATH;
    size_t serial = stream ? ACTIV_SERIAL_STREAM : ACTIV_SERIAL_MATH;
    size_t chunk = (n + ACTIV_MAX_CHUNKS - 1) / ACTIV_MAX_CHUNKS;
    if (chunk < minchunk) chunk = minchunk;
    int reduce = dparam != NULL; /* activ_call passes it only where the kind has one */
    if (reduce) {
        j.slot_len = activ_dparam_len(kind, p);
        size_t maxchunks = ACTIV_MAX_SLOT_DOUBLES / j.slot_len;
        if (maxchunks < 1) maxchunks = 1;
        size_t c2 = n / maxchunks + (n % maxchunks != 0);
        if (chunk < c2) chunk = c2;
    }
    chunk = (chunk + 15) & ~(size_t)15; /* whole cache lines when aligned */
    if (chunk > n || n <= serial) chunk = n;
    j.chunk = chunk;
    size_t nchunks = n / chunk + (n % chunk != 0);

    double stackslots[ACTIV_MAX_CHUNKS];
    double *heap = NULL;
    if (reduce) {
        size_t total = nchunks * j.slot_len;
        if (total > SIZE_MAX / sizeof(double)) return ACTIV_ERR_NOMEM;
        if (total <= ACTIV_MAX_CHUNKS) {
            j.slots = stackslots;
        } else {
            heap = malloc(total * sizeof(double));
            if (!heap) return ACTIV_ERR_NOMEM;
            j.slots = heap;
        }
        memset(j.slots, 0, total * sizeof(double));
    }

    if (nchunks == 1) activ_job_chunk(&j, 0);
    else activ_parallel_for(nchunks, activ_job_chunk, &j);

    if (reduce) {
        for (size_t c = 0; c < j.slot_len; c++) {
            double s = 0;
            for (size_t q = 0; q < nchunks; q++) s += j.slots[q * j.slot_len + c];
            dparam[c] = (float)s;
        }
        free(heap);
    }
    return ACTIV_OK;
}

static activ_status activ_call(activ_kind kind, int dir, const activ_params *pin, const float *x,
                               const float *dy, float *out, size_t n, float *dparam)
{
    activ_params def;
    const activ_params *p = pin;
    if (!p) {
        def = activ_default_params((unsigned)kind < ACTIV_KIND_COUNT ? kind : ACTIV_RELU);
        p = &def;
    }
    activ_status st = activ_validate(kind, dir, p, x, dy, out, n, sizeof(float), dparam, 1);
    if (st != ACTIV_OK) return st;
    size_t nd = dir == ACTIV_DIR_BWD && dparam ? activ_dparam_len(kind, p) : 0;
    if (!nd) dparam = NULL;
    if (n == 0) {
        for (size_t c = 0; c < nd; c++) dparam[c] = 0.0f;
        return ACTIV_OK;
    }
    /* The serial case (one chunk: n at most the smallest chunk, see activ_run) goes straight
     * to the kernel: no job, no chunk arithmetic, no pool. Same kernel, same arguments, same
     * bits as activ_run's single chunk. */
    int stream = activ_kind_info_of(kind)->family == ACTIV_FAM_MEMORY;
    if (n <= (stream ? ACTIV_SERIAL_STREAM : ACTIV_SERIAL_MATH) && nd <= 1) {
        const activ_kernels *k = activ_kernels_current();
        activ_kargs ka = activ_kargs_from_params(kind, p, n);
        if (dir == ACTIV_DIR_FWD) {
            k->fwd[kind](x, out, n, &ka);
        } else if (dparam) { /* one-value dparam (swish db): 0 + the chunk's sum, rounded once */
            double acc = 0;
            k->bwd[kind](x, dy, out, n, &ka, &acc);
            dparam[0] = (float)acc;
        } else {
            (dir == ACTIV_DIR_BWD ? k->bwd : k->bwdy)[kind](x, dy, out, n, &ka, NULL);
        }
        return ACTIV_OK;
    }
    return activ_run(kind, dir, p, x, dy, out, n, dparam);
}

/* ---- generic entry points ----------------------------------------------------------- */

activ_status activ_forward(activ_kind kind, const activ_params *p, const float *x, float *y,
                           size_t n)
{
    return activ_call(kind, ACTIV_DIR_FWD, p, x, NULL, y, n, NULL);
}

activ_status activ_backward(activ_kind kind, const activ_params *p, const float *x,
                            const float *dy, float *dx, size_t n, float *dparam)
{
    return activ_call(kind, ACTIV_DIR_BWD, p, x, dy, dx, n, dparam);
}

activ_status activ_backward_from_output(activ_kind kind, const activ_params *p, const float *y,
                                        const float *dy, float *dx, size_t n)
{
    return activ_call(kind, ACTIV_DIR_BWDY, p, y, dy, dx, n, NULL);
}

/* ---- direct calls ------------------------------------------------------------------- */

static activ_params activ_pa(activ_kind kind, float alpha, float beta)
{
    activ_params p = activ_default_params(kind);
    p.alpha = alpha;
    p.beta = beta;
    return p;
}

activ_status activ_relu_forward(const float *x, float *y, size_t n)
{
    return activ_forward(ACTIV_RELU, NULL, x, y, n);
}
activ_status activ_relu_backward(const float *x, const float *dy, float *dx, size_t n)
{
    return activ_backward(ACTIV_RELU, NULL, x, dy, dx, n, NULL);
}
activ_status activ_relu_backward_from_output(const float *y, const float *dy, float *dx, size_t n)
{
    return activ_backward_from_output(ACTIV_RELU, NULL, y, dy, dx, n);
}

activ_status activ_leaky_relu_forward(const float *x, float *y, size_t n, float alpha)
{
    activ_params p = activ_pa(ACTIV_LEAKY_RELU, alpha, 1.0f);
    return activ_forward(ACTIV_LEAKY_RELU, &p, x, y, n);
}
activ_status activ_leaky_relu_backward(const float *x, const float *dy, float *dx, size_t n,
                                       float alpha)
{
    activ_params p = activ_pa(ACTIV_LEAKY_RELU, alpha, 1.0f);
    return activ_backward(ACTIV_LEAKY_RELU, &p, x, dy, dx, n, NULL);
}
activ_status activ_leaky_relu_backward_from_output(const float *y, const float *dy, float *dx,
                                                   size_t n, float alpha)
{
    activ_params p = activ_pa(ACTIV_LEAKY_RELU, alpha, 1.0f);
    return activ_backward_from_output(ACTIV_LEAKY_RELU, &p, y, dy, dx, n);
}

activ_status activ_prelu_forward(const float *x, float *y, size_t n, const float *slopes,
                                 size_t channels, size_t inner)
{
    activ_params p = activ_default_params(ACTIV_PRELU);
    p.slopes = slopes;
    p.channels = channels;
    p.inner = inner;
    return activ_forward(ACTIV_PRELU, &p, x, y, n);
}
activ_status activ_prelu_backward(const float *x, const float *dy, float *dx, size_t n,
                                  const float *slopes, size_t channels, size_t inner,
                                  float *dslopes)
{
    activ_params p = activ_default_params(ACTIV_PRELU);
    p.slopes = slopes;
    p.channels = channels;
    p.inner = inner;
    return activ_backward(ACTIV_PRELU, &p, x, dy, dx, n, dslopes);
}

activ_status activ_elu_forward(const float *x, float *y, size_t n, float alpha)
{
    activ_params p = activ_pa(ACTIV_ELU, alpha, 1.0f);
    return activ_forward(ACTIV_ELU, &p, x, y, n);
}
activ_status activ_elu_backward(const float *x, const float *dy, float *dx, size_t n, float alpha)
{
    activ_params p = activ_pa(ACTIV_ELU, alpha, 1.0f);
    return activ_backward(ACTIV_ELU, &p, x, dy, dx, n, NULL);
}
activ_status activ_elu_backward_from_output(const float *y, const float *dy, float *dx, size_t n,
                                            float alpha)
{
    activ_params p = activ_pa(ACTIV_ELU, alpha, 1.0f);
    return activ_backward_from_output(ACTIV_ELU, &p, y, dy, dx, n);
}

activ_status activ_swish_forward(const float *x, float *y, size_t n, float beta)
{
    activ_params p = activ_pa(ACTIV_SWISH, 1.0f, beta);
    return activ_forward(ACTIV_SWISH, &p, x, y, n);
}
activ_status activ_swish_backward(const float *x, const float *dy, float *dx, size_t n,
                                  float beta, float *dbeta)
{
    activ_params p = activ_pa(ACTIV_SWISH, 1.0f, beta);
    return activ_backward(ACTIV_SWISH, &p, x, dy, dx, n, dbeta);
}

activ_status activ_sigmoid_forward(const float *x, float *y, size_t n)
{
    return activ_forward(ACTIV_SIGMOID, NULL, x, y, n);
}
activ_status activ_sigmoid_backward(const float *x, const float *dy, float *dx, size_t n)
{
    return activ_backward(ACTIV_SIGMOID, NULL, x, dy, dx, n, NULL);
}
activ_status activ_sigmoid_backward_from_output(const float *y, const float *dy, float *dx,
                                                size_t n)
{
    return activ_backward_from_output(ACTIV_SIGMOID, NULL, y, dy, dx, n);
}

activ_status activ_tanh_forward(const float *x, float *y, size_t n)
{
    return activ_forward(ACTIV_TANH, NULL, x, y, n);
}
activ_status activ_tanh_backward(const float *x, const float *dy, float *dx, size_t n)
{
    return activ_backward(ACTIV_TANH, NULL, x, dy, dx, n, NULL);
}
activ_status activ_tanh_backward_from_output(const float *y, const float *dy, float *dx, size_t n)
{
    return activ_backward_from_output(ACTIV_TANH, NULL, y, dy, dx, n);
}
