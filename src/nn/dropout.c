/* dropout.c - inverted dropout. The mask is counter-based: one draw from the seeded rng per
 * call is a key, elements 2i and 2i + 1 take the high and low halves of output i + 1 of
 * SplitMix64 from state key (a Weyl sequence, so any output is one multiply away), chunks
 * are drawn in parallel, and one seed gives one mask whatever the thread count. */
#include <string.h>

#include "common/splitmix64.h"
#include "nn_internal.h"

enum { CHUNK = 16384 }; /* elements per task */

typedef struct drop_job {
    const float *x;
    float *mask, *y;
    size_t n;
    uint64_t key, thr;
    float scale;
} drop_job;

/* pairs [q0, q0 + nq): elements 2q and 2q + 1 from SplitMix64 output q + 1 after state key
 * (the state after q + 1 Weyl steps, then the finaliser), without a branch so that it
 * vectorizes (64-bit multiplies are emulated on AVX2; still ~4x the scalar loop) */
NN_HOT static void drop_pairs(uint64_t key, size_t q0, size_t nq, uint64_t thr, float scale, const float *x,
                              float *restrict mask, float *y)
{
    for (size_t q = 0; q < nq; q++) {
        uint64_t z = key + (q0 + q + 1) * 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        const float m0 = (z >> 32) >= thr ? scale : 0.0f, m1 = (z & 0xffffffffu) >= thr ? scale : 0.0f;
        mask[2 * q] = m0;
        mask[2 * q + 1] = m1;
        y[2 * q] = x[2 * q] * m0;
        y[2 * q + 1] = x[2 * q + 1] * m1;
    }
}

static void drop_task(void *ctx, size_t c)
{
    const drop_job *j = ctx;
    const size_t start = c * CHUNK, end = (c + 1) * CHUNK < j->n ? (c + 1) * CHUNK : j->n;
    const size_t nq = (end - start) / 2; /* CHUNK is even: pairs never straddle tasks */
    drop_pairs(j->key, start / 2, nq, j->thr, j->scale, j->x + start, j->mask + start, j->y + start);
    if ((end - start) & 1) { /* the last element of an odd n: the high half of its pair's draw */
        uint64_t state = j->key + (end / 2) * 0x9e3779b97f4a7c15ULL;
        const float m0 = (activ_splitmix64(&state) >> 32) >= j->thr ? j->scale : 0.0f;
        j->mask[end - 1] = m0;
        j->y[end - 1] = j->x[end - 1] * m0;
    }
}

// x, mask and y are (n)
activ_status activ_nn_dropout_forward(float p, activ_nn_rng *rng, const float *x, float *mask,
                                      float *y, size_t n, int training)
{
    if (!(p >= 0.0f && p < 1.0f))
        return ACTIV_ERR_PARAM;
    if (n && (!x || !y))
        return ACTIV_ERR_NULL;
    if (!training || p == 0.0f) {
        if (x != y && n)
            memmove(y, x, n * sizeof(float));
        if (training && mask)
            for (size_t i = 0; i < n; i++)
                mask[i] = 1.0f;
        return ACTIV_OK;
    }
    if (n && (!rng || !mask))
        return ACTIV_ERR_NULL;
    /* keep when the top 32 bits of a draw are >= p·2^32: P(keep) = 1 − p to 2^-32 */
    drop_job j = {x, mask, y, n, activ_nn_rng_u64(rng), (uint64_t)((double)p * 4294967296.0),
                  1.0f / (1.0f - p)};
    (void)activ_parallel_for_each((n + CHUNK - 1) / CHUNK, drop_task, &j);
    return ACTIV_OK;
}

typedef struct drop_back_job {
    const float *mask, *dy;
    float *dx;
    size_t n;
} drop_back_job;

static void drop_back_task(void *ctx, size_t c)
{
    const drop_back_job *j = ctx;
    const size_t end = (c + 1) * CHUNK < j->n ? (c + 1) * CHUNK : j->n;
    for (size_t i = c * CHUNK; i < end; i++)
        j->dx[i] = j->dy[i] * j->mask[i];
}

// mask, dy and dx are (n); dx may equal dy
activ_status activ_nn_dropout_backward(const float *mask, const float *dy, float *dx, size_t n)
{
    if (n && (!mask || !dy || !dx))
        return ACTIV_ERR_NULL;
    drop_back_job j = {mask, dy, dx, n};
    (void)activ_parallel_for_each((n + CHUNK - 1) / CHUNK, drop_back_task, &j);
    return ACTIV_OK;
}
