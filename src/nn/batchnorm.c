/* batchnorm.c - BatchNorm over channels of (B, c, inner), statistics accumulated in double,
 * running statistics with momentum, learnable γ and β, an optional fused activation.
 *
 * Two layouts of the same arithmetic:
 *   short rows (inner < ROW_ACT_MIN, BatchNorm after Dense): one task per channel does its
 *     sums and its map over the batch; the activation is one call over the block after.
 *   long rows (after a conv): passes over the batch, one sample per task, each reading its
 *     sample's (c, inner) block front to back (a channel's rows lie c·inner floats apart;
 *     walked per channel, the first pass ran at less than half the memory speed). Each row's
 *     sums go to a slot of their own and are added per channel in sample order afterwards,
 *     which is the order the per-channel loop adds them in: the same bits either way, and
 *     for any thread count. The activation and its derivative run row by row in the task
 *     that wrote the row, while it is in cache.
 */
#include <math.h>
#include <stdlib.h>

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

/* What the tasks of one call share. */
typedef struct bn_job {
    const activ_nn_batchnorm *L;
    const float *x;
    const float *z, *yb; /* backward: the layer's z and y, for the activation's derivative */
    float *dy;           /* backward: dY, made dZ */
    float *out;          /* forward: the pre-activations g; backward: dx or NULL */
    float *y;            /* forward: y */
    int B, C, training;
    size_t inner, N, stride;
    nn_act act;          /* the fused activation, its parameters built once per call */
    /* long rows: the row sums (B, C) (a second set going back), the per-channel means (in
     * double), and the per-channel coefficients of the map (a, d forward; k, a, d back) */
    double *part, *part2, *mean;
    float *ka, *kd, *kk;
    _Atomic int err;     /* a per-row activation call's failure (activ_status) */
} bn_job;

/* Rows at least this long go one sample per task (the note at the top). */
enum { ROW_ACT_MIN = 64 };

/* channel c's batch statistics from its mean and Σ(x − μ)² over its N values (training), or
 * the running ones, and the map g = a·x + d; in double, rounded to float once */
static void fwd_stats(const bn_job *j, int c, double mean, double ss, float *a, float *d)
{
    const activ_nn_batchnorm *L = j->L;
    double invstd;
    if (j->training) {
        const double var = ss / (double)j->N;
        invstd = 1.0 / sqrt(var + L->eps);
        L->mean[c] = (float)mean;
        L->invstd[c] = (float)invstd;
        const double m = L->momentum;
        L->run_mean[c] = (float)((1 - m) * L->run_mean[c] + m * mean);
        L->run_var[c] = (float)((1 - m) * L->run_var[c] + m * var * (double)j->N / (double)(j->N - 1));
    } else {
        mean = L->run_mean[c];
        invstd = 1.0 / sqrt((double)L->run_var[c] + L->eps);
    }
    /* y = γ (x − μ) / σ + β = a x + d */
    *a = (float)(L->gamma[c] * invstd), *d = (float)(L->beta[c] - L->gamma[c] * invstd * mean);
}

/* short rows, channel c forward: statistics (training) or running ones, then g = a·x + d */
static void fwd_channel(void *ctx, size_t c)
{
    bn_job *j = ctx;
    const size_t inner = j->inner;
    double mean = 0, ss = 0;
    if (j->training) {
        double s = 0;
        for (int b = 0; b < j->B; b++)
            s += sum_d(j->x + b * j->stride + c * inner, inner);
        mean = s / (double)j->N;
        for (int b = 0; b < j->B; b++) /* two passes: the variance of centred values, no cancellation */
            ss += sumsq_centred(j->x + b * j->stride + c * inner, inner, mean);
    }
    float a, d;
    fwd_stats(j, (int)c, mean, ss, &a, &d);
    for (int b = 0; b < j->B; b++)
        affine_row(j->x + b * j->stride + c * inner, j->out + b * j->stride + c * inner, inner, a, d);
}

/* long rows, sample b: Σ x of each of its rows (pass 1), then Σ (x − μ)² (pass 2) */
static void sum_rows_task(void *ctx, size_t b)
{
    bn_job *j = ctx;
    for (int c = 0; c < j->C; c++)
        j->part[b * j->C + c] = sum_d(j->x + b * j->stride + c * j->inner, j->inner);
}

static void sumsq_rows_task(void *ctx, size_t b)
{
    bn_job *j = ctx;
    for (int c = 0; c < j->C; c++)
        j->part[b * j->C + c] = sumsq_centred(j->x + b * j->stride + c * j->inner, j->inner, j->mean[c]);
}

/* long rows, sample b: g = a·x + d, then y = f(g), row by row */
static void map_rows_task(void *ctx, size_t b)
{
    bn_job *j = ctx;
    for (int c = 0; c < j->C; c++) {
        const size_t at = b * j->stride + c * j->inner;
        affine_row(j->x + at, j->out + at, j->inner, j->ka[c], j->kd[c]);
        const activ_status s = nn_act_run_forward(&j->act, j->out + at, j->y + at, j->inner);
        if (s != ACTIV_OK)
            j->err = s;
    }
}

/* Σ over the batch of channel c's row sums, in sample order (the per-channel loop's order) */
static double batch_sum(const double *part, int B, int C, int c)
{
    double s = 0;
    for (int b = 0; b < B; b++)
        s += part[(size_t)b * C + c];
    return s;
}

/* the long-row scratch: `sets` (B, C) arrays of row sums and C means in double, then three
 * C-float coefficient rows; 0 when out of memory */
static int rows_alloc(bn_job *j, int sets)
{
    const size_t C = (size_t)j->C, nd = (size_t)sets * (size_t)j->B * C + C;
    double *m = malloc(nd * sizeof(double) + 3 * C * sizeof(float));
    if (!m)
        return 0;
    j->part = m;
    j->part2 = m + (size_t)j->B * C;
    j->mean = m + nd - C;
    j->ka = (float *)(void *)(m + nd);
    j->kd = j->ka + C;
    j->kk = j->kd + C;
    return 1;
}

/* the long-row forward: the passes over the samples and the per-channel steps between them */
static activ_status fwd_rows(bn_job *j)
{
    if (!rows_alloc(j, 1))
        return ACTIV_ERR_NOMEM;
    const int C = j->C;
    if (j->training) {
        (void)activ_parallel_for_each((size_t)j->B, sum_rows_task, j);
        for (int c = 0; c < C; c++)
            j->mean[c] = batch_sum(j->part, j->B, C, c) / (double)j->N;
        (void)activ_parallel_for_each((size_t)j->B, sumsq_rows_task, j);
    }
    for (int c = 0; c < C; c++)
        fwd_stats(j, c, j->training ? j->mean[c] : 0, j->training ? batch_sum(j->part, j->B, C, c) : 0, &j->ka[c],
                  &j->kd[c]);
    (void)activ_parallel_for_each((size_t)j->B, map_rows_task, j);
    free(j->part);
    return (activ_status)j->err;
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
    bn_job j = {L, x, NULL, NULL, NULL, keep_z ? z : y, y, B, C, training, inner, N, (size_t)C * inner,
                nn_act_make(L->act, L->alpha, NULL, NULL, 1, inner), NULL, NULL, NULL, NULL, NULL, NULL,
                ACTIV_OK};
    if (inner < ROW_ACT_MIN) {
        (void)activ_parallel_for_each((size_t)C, fwd_channel, &j);
        return nn_act_forward(L->act, L->alpha, NULL, NULL, C, inner, j.out, y, N * C);
    }
    /* the kind and its parameters first, so that a bad one writes nothing */
    const activ_status s = nn_act_run_forward(&j.act, NULL, NULL, 0);
    return s != ACTIV_OK ? s : fwd_rows(&j);
}

/* channel c's dγ and dβ from Σ dZ and Σ dZ·(x − μ), and the map dx = k·dZ + a·x + d */
static void bwd_stats(const bn_job *j, int c, double sdz, double sdzx, float *kf, float *af, float *df)
{
    const activ_nn_batchnorm *L = j->L;
    const double mean = L->mean[c], invstd = L->invstd[c];
    sdzx *= invstd; /* Σ dZ·x̂ = Σ dZ·(x − μ) / σ */
    L->dgamma[c] = (float)sdzx;
    L->dbeta[c] = (float)sdz;
    /* dx = γ/σ · (dZ − Σ dZ / N − x̂ Σ(dZ x̂) / N) */
    /* as dx = k·dZ + a·x + d with k = γ/σ, a = −k·Σ(dZ x̂)/(N σ), d = −k·Σ dZ/N − a·μ */
    const double k = L->gamma[c] * invstd, a = -k * sdzx / (double)j->N * invstd;
    *kf = (float)k, *af = (float)a, *df = (float)(-k * sdz / (double)j->N - a * mean);
}

/* short rows, channel c backward: dγ, dβ, and dx unless it is NULL */
static void bwd_channel(void *ctx, size_t c)
{
    bn_job *j = ctx;
    const size_t inner = j->inner;
    double sdz = 0, sdzx = 0;
    for (int b = 0; b < j->B; b++)
        sums_back(j->x + b * j->stride + c * inner, j->dy + b * j->stride + c * inner, inner, j->L->mean[c], &sdz,
                  &sdzx);
    float k, a, d;
    bwd_stats(j, (int)c, sdz, sdzx, &k, &a, &d);
    for (int b = 0; j->out && b < j->B; b++) {
        const size_t at = b * j->stride + c * inner;
        affine2_row(j->dy + at, j->x + at, j->out + at, inner, k, a, d);
    }
}

/* long rows, sample b: dZ = dY·f′ row by row, then each row's Σ dZ and Σ dZ·(x − μ) */
static void back_rows_task(void *ctx, size_t b)
{
    bn_job *j = ctx;
    for (int c = 0; c < j->C; c++) {
        const size_t at = b * j->stride + c * j->inner;
        const activ_status s = nn_act_run_backward(&j->act, j->z ? j->z + at : NULL, j->yb ? j->yb + at : NULL,
                                                   j->dy + at, j->inner, NULL, NULL);
        if (s != ACTIV_OK)
            j->err = s;
        double s1 = 0, s2 = 0;
        sums_back(j->x + at, j->dy + at, j->inner, j->L->mean[c], &s1, &s2);
        j->part[b * j->C + c] = s1;
        j->part2[b * j->C + c] = s2;
    }
}

/* long rows, sample b: dx = k·dZ + a·x + d row by row */
static void dx_rows_task(void *ctx, size_t b)
{
    bn_job *j = ctx;
    for (int c = 0; c < j->C; c++) {
        const size_t at = b * j->stride + c * j->inner;
        affine2_row(j->dy + at, j->x + at, j->out + at, j->inner, j->kk[c], j->ka[c], j->kd[c]);
    }
}

/* the long-row backward: dZ and the row sums per sample, the per-channel steps, then dx */
static activ_status bwd_rows(bn_job *j)
{
    if (!rows_alloc(j, 2))
        return ACTIV_ERR_NOMEM;
    (void)activ_parallel_for_each((size_t)j->B, back_rows_task, j);
    for (int c = 0; c < j->C; c++)
        bwd_stats(j, c, batch_sum(j->part, j->B, j->C, c), batch_sum(j->part2, j->B, j->C, c), &j->kk[c], &j->ka[c],
                  &j->kd[c]);
    if (j->out)
        (void)activ_parallel_for_each((size_t)j->B, dx_rows_task, j);
    free(j->part);
    return (activ_status)j->err;
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
    bn_job j = {L, x, z, y, dy, dx, NULL, B, C, 1, inner, N, (size_t)C * inner,
                nn_act_make(L->act, L->alpha, NULL, NULL, 1, inner), NULL, NULL, NULL, NULL, NULL, NULL,
                ACTIV_OK};
    if (inner >= ROW_ACT_MIN) {
        if (L->act != ACTIV_NN_LINEAR && !(nn_act_needs_z(L->act, L->alpha) ? z : y))
            return ACTIV_ERR_NULL;
        return bwd_rows(&j);
    }
    const activ_status s = nn_act_backward(L->act, L->alpha, NULL, NULL, C, inner, z, y, dy, N * C, NULL, NULL);
    if (s != ACTIV_OK)
        return s;
    (void)activ_parallel_for_each((size_t)C, bwd_channel, &j);
    return ACTIV_OK;
}
