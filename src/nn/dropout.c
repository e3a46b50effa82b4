/* dropout.c - inverted dropout: the mask is drawn serially from the seeded rng, so one seed
 * gives one mask whatever the thread count. */
#include <string.h>

#include "nn_internal.h"

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
    const uint64_t thr = (uint64_t)((double)p * 4294967296.0);
    const float scale = 1.0f / (1.0f - p);
    for (size_t i = 0; i < n; i++) {
        const float m = (activ_nn_rng_u64(rng) >> 32) >= thr ? scale : 0.0f;
        mask[i] = m;
        y[i] = x[i] * m;
    }
    return ACTIV_OK;
}

// mask, dy and dx are (n); dx may equal dy
activ_status activ_nn_dropout_backward(const float *mask, const float *dy, float *dx, size_t n)
{
    if (n && (!mask || !dy || !dx))
        return ACTIV_ERR_NULL;
    for (size_t i = 0; i < n; i++)
        dx[i] = dy[i] * mask[i];
    return ACTIV_OK;
}
