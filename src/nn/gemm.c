/* gemm.c - every GEMM (and the dot product) of libactiv_nn: OpenBLAS single-threaded inside
 * tasks on libactiv's pool, so one pool runs the whole network (no second set of BLAS
 * threads spinning while the layers' own loops run) and the split is fixed by the shape.
 *
 * C (m, n) = op(A)·op(B) + beta·C, row-major, is cut along the larger of m and n into at
 * most NN_GEMM_MAX_BLOCKS about even blocks of rows or columns, each one cblas_sgemm over
 * the whole k. Each block packs the whole other operand again, so blocks are at least 64
 * wide, and 256 where the cut dimension has 512 or more: a conv's dW of 576 columns is 2
 * blocks of 288, not 9 of 64 (which also left one of two threads a block short). The cut
 * must depend on the shape alone: OpenBLAS gives other last bits for another cut
 * (tests/test_nn_cnn.c's thread_invariance fails when the cut follows the thread count),
 * and with a fixed cut the results do not depend on the thread count. */
#include <cblas.h>
#include <pthread.h>

#include "nn_internal.h"

enum { NN_GEMM_MIN_BLOCK = 64, NN_GEMM_WIDE_BLOCK = 256, NN_GEMM_MAX_BLOCKS = 32 };

typedef struct gemm_job {
    int ta, tb, m, n, k, lda, ldb, ldc, block, by_rows;
    const float *a, *b;
    float beta;
    float *c;
} gemm_job;

static void gemm_task(void *ctx, size_t blk)
{
    const gemm_job *j = ctx;
    const int dim = j->by_rows ? j->m : j->n, lo = (int)blk * j->block;
    const int len = dim - lo < j->block ? dim - lo : j->block;
    const CBLAS_TRANSPOSE ta = j->ta ? CblasTrans : CblasNoTrans, tb = j->tb ? CblasTrans : CblasNoTrans;
    if (j->by_rows) /* rows lo.. of C: rows of op(A) */
        cblas_sgemm(CblasRowMajor, ta, tb, len, j->n, j->k, 1.0f, j->a + (size_t)lo * (j->ta ? 1 : j->lda), j->lda,
                    j->b, j->ldb, j->beta, j->c + (size_t)lo * j->ldc, j->ldc);
    else /* columns lo.. of C: columns of op(B) */
        cblas_sgemm(CblasRowMajor, ta, tb, j->m, len, j->k, 1.0f, j->a, j->lda,
                    j->b + (size_t)lo * (j->tb ? j->ldb : 1), j->ldb, j->beta, j->c + lo, j->ldc);
}

static void blas_one_thread(void) { openblas_set_num_threads(1); }
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

void nn_sgemm_task(int ta, int tb, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc)
{
    pthread_once(&blas_once, blas_one_thread);
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a,
                lda, b, ldb, beta, c, ldc);
}

void nn_sgemm(int ta, int tb, int m, int n, int k, const float *a, int lda, const float *b, int ldb, float beta,
              float *c, int ldc)
{
    pthread_once(&blas_once, blas_one_thread);
    if (m <= 0 || n <= 0)
        return;
    gemm_job j = {ta, tb, m, n, k, lda, ldb, ldc, 0, m > n, a, b, beta, c};
    const int dim = j.by_rows ? m : n;
    const int least = dim >= 2 * NN_GEMM_WIDE_BLOCK ? NN_GEMM_WIDE_BLOCK : NN_GEMM_MIN_BLOCK;
    int blocks = dim / least < NN_GEMM_MAX_BLOCKS ? dim / least : NN_GEMM_MAX_BLOCKS;
    if (blocks < 1)
        blocks = 1;
    j.block = ((dim + blocks - 1) / blocks + 15) / 16 * 16; /* about even, 16-aligned */
    (void)activ_parallel_for_each((size_t)((dim + j.block - 1) / j.block), gemm_task, &j);
}

NN_HOT float nn_dot(const float *restrict a, const float *restrict b, size_t n)
{
    float acc[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += a[i + k] * b[i + k];
    float s = 0;
    for (; i < n; i++)
        s += a[i] * b[i];
    for (int k = 0; k < 8; k++)
        s += acc[k];
    return s;
}

/* out[r] = nn_dot(a, b + r·ldb, n) for r = 0..3, each with exactly nn_dot's operations in
 * nn_dot's order (so the same bits); one pass over a, four accumulators in flight instead of
 * one chain waiting on its own adds. */
NN_HOT void nn_dot4(const float *restrict a, const float *restrict b, size_t ldb, size_t n, float out[4])
{
    const float *restrict b0 = b, *restrict b1 = b + ldb, *restrict b2 = b + 2 * ldb, *restrict b3 = b + 3 * ldb;
    float c0[8] = {0}, c1[8] = {0}, c2[8] = {0}, c3[8] = {0}; /* written out so that they stay in registers */
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) {
            c0[k] += a[i + k] * b0[i + k];
            c1[k] += a[i + k] * b1[i + k];
            c2[k] += a[i + k] * b2[i + k];
            c3[k] += a[i + k] * b3[i + k];
        }
    const float *acc[4] = {c0, c1, c2, c3};
    for (int r = 0; r < 4; r++) {
        float s = 0;
        for (size_t t = i; t < n; t++)
            s += a[t] * b[(size_t)r * ldb + t];
        for (int k = 0; k < 8; k++)
            s += acc[r][k];
        out[r] = s;
    }
}
