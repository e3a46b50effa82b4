/* batchnorm.c - BatchNorm over channels of (B, c, inner), statistics accumulated in double,
 * running statistics with momentum, learnable γ and β, an optional fused activation. One
 * task per channel on libactiv's pool; a channel's sums run in one task in a fixed order,
 * and on long rows (after a conv) the activation and its derivative run in the same task,
 * row by row, while the row is in cache. */
#include <math.h>

#include "nn_internal.h"

/* Σ x[i] and Σ (x[i] − c)² in double, eight independent lanes so the adds pipeline and
 * vectorize (one chain of dependent double adds costs ~4 cycles per element). */
NN_HOT static double sum_d(const float *restrict x, size_t n)
{
    double acc[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += (double)x[i + k];
    double s = 0;
    for (; i < n; i++)
        s += x[i];
    for (int k = 0; k < 8; k++)
        s += acc[k];
    return s;
}

NN_HOT static double sumsq_centred(const float *restrict x, size_t n, double c)
{
    double acc[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) {
            const double d = (double)x[i + k] - c;
            acc[k] += d * d;
        }
    double s = 0;
    for (; i < n; i++)
        s += ((double)x[i] - c) * ((double)x[i] - c);
    for (int k = 0; k < 8; k++)
        s += acc[k];
    return s;
}

/* Σ dz and Σ dz·(x − μ), in double, eight lanes */
NN_HOT static void sums_back(const float *restrict x, const float *restrict dz, size_t n, double mu, double *sdz,
                      double *sdzx)
{
    double a[8] = {0}, b[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) {
            a[k] += (double)dz[i + k];
            b[k] += (double)dz[i + k] * ((double)x[i + k] - mu);
        }
    double s1 = 0, s2 = 0;
    for (; i < n; i++) {
        s1 += dz[i];
        s2 += (double)dz[i] * ((double)x[i] - mu);
    }
    for (int k = 0; k < 8; k++)
        s1 += a[k], s2 += b[k];
    *sdz += s1;
    *sdzx += s2;
}

static int bn_ok(const activ_nn_batchnorm *L)
{
    return L->c >= 1 && L->inner >= 1 && L->eps > 0 && L->momentum >= 0 && L->momentum <= 1;
}

/* g = a·x + d over a row */
NN_HOT static void affine_row(const float *restrict x, float *restrict g, size_t n, float a, float d)
{
    for (size_t i = 0; i < n; i++)
        g[i] = a * x[i] + d;
}

/* out = k·dz + a·x + d over a row */
NN_HOT static void affine2_row(const float *restrict dz, const float *restrict x, float *restrict out, size_t n,
                               float k, float a, float d)
{
    for (size_t i = 0; i < n; i++)
        out[i] = k * dz[i] + a * x[i] + d;
}

/* What the per-channel tasks of one call share. */
typedef struct bn_job {
    const activ_nn_batchnorm *L;
    const float *x;
    const float *z, *yb; /* backward: the layer's z and y, for the activation's derivative */
    float *dy;           /* backward: dY, made dZ */
    float *out;          /* forward: the pre-activations g; backward: dx or NULL */
    float *y;            /* forward: y */
    int B, training, per_row; /* per_row: the activation runs on each row in its task */
    size_t inner, N, stride;
    nn_act act;          /* the fused activation, its parameters built once per call */
    _Atomic int err;     /* a per-row activation call's failure (activ_status) */
} bn_job;

/* Rows at least this long take the activation in the task that wrote them, while they are
 * in cache; shorter ones (BatchNorm after Dense, inner = 1) take one call over the block. */
enum { ROW_ACT_MIN = 64 };

/* channel c forward: statistics (training) or running ones, then g = a·x + d */
static void fwd_channel(void *ctx, size_t c)
{
    bn_job *j = ctx;
    const activ_nn_batchnorm *L = j->L;
    const size_t inner = j->inner, N = j->N;
    double mean, invstd;
    if (j->training) {
        double s = 0;
        for (int b = 0; b < j->B; b++)
            s += sum_d(j->x + b * j->stride + c * inner, inner);
        mean = s / (double)N;
        double ss = 0; /* two passes: the variance of centred values, no cancellation */
        for (int b = 0; b < j->B; b++)
            ss += sumsq_centred(j->x + b * j->stride + c * inner, inner, mean);
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
    for (int b = 0; b < j->B; b++) {
        const size_t at = b * j->stride + c * inner;
        const float *xp = j->x + at;
        float *gp = j->out + at;
        affine_row(xp, gp, inner, a, d);
        if (j->per_row) {
            const activ_status s = nn_act_run_forward(&j->act, gp, j->y + at, inner);
            if (s != ACTIV_OK)
                j->err = s;
        }
    }
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
    const size_t inner = (size_t)L->inner, N = (size_t)B * inner;
    if (training && N < 2)
        return ACTIV_ERR_SHAPE;
    const int keep_z = nn_act_needs_z(L->act, L->alpha);
    if (keep_z && (!z || z == y))
        return ACTIV_ERR_NULL;
    bn_job j = {L, x, NULL, NULL, NULL, keep_z ? z : y, y, B, training, inner >= ROW_ACT_MIN, inner, N,
                (size_t)C * inner, nn_act_make(L->act, L->alpha, NULL, NULL, 1, inner), ACTIV_OK};
    if (j.per_row) { /* the kind and its parameters first, so that a bad one writes nothing */
        const activ_status s = nn_act_forward(L->act, L->alpha, NULL, NULL, 1, inner, NULL, NULL, 0);
        if (s != ACTIV_OK)
            return s;
    }
    (void)activ_parallel_for_each((size_t)C, fwd_channel, &j);
    if (j.per_row)
        return (activ_status)j.err;
    return nn_act_forward(L->act, L->alpha, NULL, NULL, C, inner, j.out, y, N * C);
}

/* channel c backward: dγ, dβ, and dx unless it is NULL */
static void bwd_channel(void *ctx, size_t c)
{
    bn_job *j = ctx;
    const activ_nn_batchnorm *L = j->L;
    const size_t inner = j->inner;
    const double mean = L->mean[c], invstd = L->invstd[c];
    double sdz = 0, sdzx = 0; /* Σ dZ, then Σ dZ·x̂ = Σ dZ·(x − μ) / σ */
    for (int b = 0; b < j->B; b++) {
        if (j->per_row) {
            const size_t at = b * j->stride + c * inner;
            const activ_status s = nn_act_run_backward(&j->act, j->z ? j->z + at : NULL, j->yb ? j->yb + at : NULL,
                                                       j->dy + at, inner, NULL, NULL);
            if (s != ACTIV_OK)
                j->err = s;
        }
        sums_back(j->x + b * j->stride + c * inner, j->dy + b * j->stride + c * inner, inner, mean, &sdz, &sdzx);
    }
    sdzx *= invstd;
    L->dgamma[c] = (float)sdzx;
    L->dbeta[c] = (float)sdz;
    if (!j->out)
        return;
    /* dx = γ/σ · (dZ − Σ dZ / N − x̂ Σ(dZ x̂) / N) */
    /* as dx = k·dZ + a·x + d with k = γ/σ, a = −k·Σ(dZ x̂)/(N σ), d = −k·Σ dZ/N − a·μ */
    const double k = L->gamma[c] * invstd, a = -k * sdzx / (double)j->N * invstd;
    const float kf = (float)k, af = (float)a, df = (float)(-k * sdz / (double)j->N - a * mean);
    for (int b = 0; b < j->B; b++) {
        const float *xp = j->x + b * j->stride + c * inner, *dp = j->dy + b * j->stride + c * inner;
        float *op = j->out + b * j->stride + c * inner;
        affine2_row(dp, xp, op, inner, kf, af, df);
    }
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
    const size_t inner = (size_t)L->inner, N = (size_t)B * inner;
    bn_job j = {L, x, z, y, dy, dx, NULL, B, 1, inner >= ROW_ACT_MIN, inner, N, (size_t)C * inner,
                nn_act_make(L->act, L->alpha, NULL, NULL, 1, inner), ACTIV_OK};
    if (!j.per_row) {
        activ_status s = nn_act_backward(L->act, L->alpha, NULL, NULL, C, inner, z, y, dy, N * C, NULL, NULL);
        if (s != ACTIV_OK)
            return s;
    } else if (L->act != ACTIV_NN_LINEAR && !(nn_act_needs_z(L->act, L->alpha) ? z : y)) {
        return ACTIV_ERR_NULL;
    }
    (void)activ_parallel_for_each((size_t)C, bwd_channel, &j);
    return (activ_status)j.err;
}
