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

static void drop_task(void *ctx, size_t c)
{
    const drop_job *j = ctx;
    const size_t end = (c + 1) * CHUNK < j->n ? (c + 1) * CHUNK : j->n;
    for (size_t i = c * CHUNK; i < end; i += 2) { /* CHUNK is even: pairs never straddle tasks */
        uint64_t state = j->key + (i / 2) * 0x9e3779b97f4a7c15ULL; /* output i/2 + 1 from key */
        const uint64_t r = activ_splitmix64(&state);
        const float m0 = (r >> 32) >= j->thr ? j->scale : 0.0f, m1 = (r & 0xffffffffu) >= j->thr ? j->scale : 0.0f;
        j->mask[i] = m0;
        j->y[i] = j->x[i] * m0;
        if (i + 1 < end) {
            j->mask[i + 1] = m1;
            j->y[i + 1] = j->x[i + 1] * m1;
        }
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
