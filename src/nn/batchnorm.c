/* batchnorm.c - BatchNorm over channels of (B, c, inner), statistics accumulated in double,
 * running statistics with momentum, learnable γ and β, an optional fused activation. */
#include <math.h>

#include "nn_internal.h"

static int bn_ok(const activ_nn_batchnorm *L)
{
    return L->c >= 1 && L->inner >= 1 && L->eps > 0 && L->momentum >= 0 && L->momentum <= 1;
}

// x, z and y are (B, c, inner)
activ_status activ_nn_batchnorm_forward(const activ_nn_batchnorm *L, const float *x, float *z,
                                        float *y, int B, int training)
{
    if (!L || !L->gamma || !L->beta || !L->run_mean || !L->run_var || (training && (!L->mean || !L->invstd)))
        return ACTIV_ERR_NULL;
    if (B < 0 || !bn_ok(L))
        return ACTIV_ERR_SHAPE;
    if (B == 0)
        return ACTIV_OK;
    if (!x || !y)
        return ACTIV_ERR_NULL;
    const int C = L->c;
    const size_t inner = (size_t)L->inner, N = (size_t)B * inner, stride = (size_t)C * inner;
    if (training && N < 2)
        return ACTIV_ERR_SHAPE;
    const int keep_z = nn_act_needs_z(L->act, L->alpha);
    if (keep_z && (!z || z == y))
        return ACTIV_ERR_NULL;
    float *g = keep_z ? z : y;
    for (int c = 0; c < C; c++) {
        double mean, invstd;
        if (training) {
            double s = 0;
            for (int b = 0; b < B; b++) {
                const float *xp = x + b * stride + c * inner;
                for (size_t i = 0; i < inner; i++)
                    s += xp[i];
            }
            mean = s / (double)N;
            double ss = 0; /* two passes: the variance of centred values, no cancellation */
            for (int b = 0; b < B; b++) {
                const float *xp = x + b * stride + c * inner;
                for (size_t i = 0; i < inner; i++) {
                    const double d = xp[i] - mean;
                    ss += d * d;
                }
            }
            const double var = ss / (double)N;
            invstd = 1.0 / sqrt(var + L->eps);
            L->mean[c] = (float)mean;
            L->invstd[c] = (float)invstd;
            const double m = L->momentum;
            L->run_mean[c] = (float)((1 - m) * L->run_mean[c] + m * mean);
            L->run_var[c] = (float)((1 - m) * L->run_var[c] + m * var * (double)N / (double)(N - 1));
        } else {
            mean = L->run_mean[c];
            invstd = 1.0 / sqrt((double)L->run_var[c] + L->eps);
        }
        /* y = γ (x − μ) / σ + β = a x + d */
        const float a = (float)(L->gamma[c] * invstd), d = (float)(L->beta[c] - L->gamma[c] * invstd * mean);
        for (int b = 0; b < B; b++) {
            const float *xp = x + b * stride + c * inner;
            float *gp = g + b * stride + c * inner;
            for (size_t i = 0; i < inner; i++)
                gp[i] = a * xp[i] + d;
        }
    }
    return nn_act_forward(L->act, L->alpha, NULL, NULL, C, inner, g, y, N * C);
}

// x, z, y are (B, c, inner), dy (B, c, inner) becomes dZ, dx is (B, c, inner) or NULL
activ_status activ_nn_batchnorm_backward(const activ_nn_batchnorm *L, const float *x,
                                         const float *z, const float *y, float *dy, float *dx, int B)
{
    if (!L || !L->gamma || !L->dgamma || !L->dbeta || !L->mean || !L->invstd)
        return ACTIV_ERR_NULL;
    if (B < 1 || !bn_ok(L))
        return ACTIV_ERR_SHAPE;
    if (!x || !dy)
        return ACTIV_ERR_NULL;
    if (dx == dy)
        return ACTIV_ERR_OVERLAP;
    const int C = L->c;
    const size_t inner = (size_t)L->inner, N = (size_t)B * inner, stride = (size_t)C * inner;
    activ_status s = nn_act_backward(L->act, L->alpha, NULL, NULL, C, inner, z, y, dy, N * C, NULL, NULL);
    if (s != ACTIV_OK)
        return s;
    for (int c = 0; c < C; c++) {
        const double mean = L->mean[c], invstd = L->invstd[c];
        double sdz = 0, sdzx = 0; /* Σ dZ, Σ dZ·x̂ */
        for (int b = 0; b < B; b++) {
            const float *xp = x + b * stride + c * inner, *dp = dy + b * stride + c * inner;
            for (size_t i = 0; i < inner; i++) {
                sdz += dp[i];
                sdzx += dp[i] * ((xp[i] - mean) * invstd);
            }
        }
        L->dgamma[c] = (float)sdzx;
        L->dbeta[c] = (float)sdz;
        if (!dx)
            continue;
        /* dx = γ/σ · (dZ − Σ dZ / N − x̂ Σ(dZ x̂) / N) */
        const double k = L->gamma[c] * invstd, mz = sdz / (double)N, mzx = sdzx / (double)N;
        for (int b = 0; b < B; b++) {
            const float *xp = x + b * stride + c * inner, *dp = dy + b * stride + c * inner;
            float *op = dx + b * stride + c * inner;
            for (size_t i = 0; i < inner; i++)
                op[i] = (float)(k * (dp[i] - mz - (xp[i] - mean) * invstd * mzx));
        }
    }
    return ACTIV_OK;
}
