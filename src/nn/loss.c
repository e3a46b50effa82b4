/* loss.c - softmax cross-entropy (log-sum-exp) and MSE: value, gradient and accuracy in one pass. */
#include <math.h>

#include "nn_internal.h"

// logits is (B, C), labels is (B), dlogits is (B, C) or NULL (may equal logits)
activ_status activ_nn_softmax_xent(const float *logits, const uint8_t *labels, int B, int C,
                                   float *dlogits, double *loss, int *correct)
{
    if (!logits || !labels)
        return ACTIV_ERR_NULL;
    if (B < 1 || C < 1)
        return ACTIV_ERR_SHAPE;
    for (int r = 0; r < B; r++)
        if (labels[r] >= C)
            return ACTIV_ERR_SHAPE;
    double total = 0;
    int ok = 0;
    const float invB = 1.0f / (float)B;
    for (int r = 0; r < B; r++) {
        const float *z = logits + (size_t)r * C;
        const int t = labels[r];
        float mx = z[0];
        int arg = 0;
        for (int j = 1; j < C; j++)
            if (z[j] > mx)
                mx = z[j], arg = j;
        ok += arg == t;
        const float zt = z[t] - mx;
        double sum = 0;
        if (dlogits) {
            float *d = dlogits + (size_t)r * C;
            for (int j = 0; j < C; j++) {
                float e = expf(z[j] - mx);
                d[j] = e;
                sum += e;
            }
            const float scale = (float)(1.0 / sum) * invB;
            for (int j = 0; j < C; j++)
                d[j] *= scale;
            d[t] -= invB;
        } else {
            for (int j = 0; j < C; j++)
                sum += expf(z[j] - mx);
        }
        total += log(sum) - zt;
    }
    if (loss)
        *loss = total / B;
    if (correct)
        *correct = ok;
    return ACTIV_OK;
}

activ_status activ_nn_mse(const float *y, const float *t, size_t n, float *dy, double *loss)
{
    if ((!y || !t) && n)
        return ACTIV_ERR_NULL;
    double total = 0;
    const float k = n ? 2.0f / (float)n : 0.0f;
    for (size_t i = 0; i < n; i++) {
        float e = y[i] - t[i];
        total += (double)e * e;
        if (dy)
            dy[i] = k * e;
    }
    if (loss)
        *loss = n ? total / (double)n : 0.0;
    return ACTIV_OK;
}
