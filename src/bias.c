/* bias.c - bias + activation in one pass over each row: z[r][c] += b[c], y[r][c] = f(z[r][c])
 * (include/activ.h, activ_bias_forward). Checked once per call (src/validate.h), then the
 * kernel of the path in use runs on each row while the row is in L1; rows are spread over the
 * thread pool in chunks that depend on the shape only (bitwise the same for any count). */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "validate.h"

static int activ_overlap_bytes(const void *a, size_t na, const void *b, size_t nb)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x < y + nb && y < x + na;
}

typedef struct bias_job {
    activ_fwd_fn fwd;
    activ_kargs ka;
    float *z, *y;
    const float *b;
    size_t rows, cols, rows_per_chunk;
} bias_job;

static void bias_chunk(void *ctx, size_t c)
{
    const bias_job *j = ctx;
    size_t r0 = c * j->rows_per_chunk;
    size_t r1 = r0 + j->rows_per_chunk < j->rows ? r0 + j->rows_per_chunk : j->rows;
    activ_kargs ka = j->ka;
    for (size_t r = r0; r < r1; r++) {
        float *zr = j->z + r * j->cols;
        for (size_t k = 0; k < j->cols; k++) zr[k] += j->b[k];
        ka.offset = r * j->cols;
        if (j->fwd) j->fwd(zr, j->y + r * j->cols, j->cols, &ka);
    }
}

#define BIAS_CHUNK 32768 /* elements per chunk (whole rows), at most 64 chunks */
#define BIAS_SERIAL 65536

activ_status activ_bias_forward(activ_kind kind, const activ_params *pin, float *z,
                                const float *b, float *y, size_t rows, size_t cols)
{
    activ_params def;
    const activ_params *p = pin;
    if (!p) {
        def = activ_default_params((unsigned)kind < ACTIV_KIND_COUNT ? kind : ACTIV_RELU);
        p = &def;
    }
    if (rows == 0 || cols == 0) return ACTIV_OK;
    if (!z || !b) return ACTIV_ERR_NULL;
    if (cols > (size_t)PTRDIFF_MAX / sizeof(float) / rows) return ACTIV_ERR_SIZE;
    size_t n = rows * cols;
    int linear = (int)kind == -1;
    if (!linear && (unsigned)kind >= ACTIV_KIND_COUNT) return ACTIV_ERR_KIND;
    if (!linear && !y) return ACTIV_ERR_NULL;
    if (!linear) {
        activ_status st = activ_validate(kind, ACTIV_DIR_FWD, p, z, NULL, y, n, sizeof(float), NULL, 1);
        if (st != ACTIV_OK) return st;
    }
    if (activ_overlap_bytes(b, cols * 4, z, n * 4) || (!linear && activ_overlap_bytes(b, cols * 4, y, n * 4)))
        return ACTIV_ERR_OVERLAP;
    bias_job j;
    memset(&j, 0, sizeof j);
    const activ_kernels *k = activ_kernels_current();
    j.fwd = linear ? NULL : k->fwd[kind];
    if (!linear) j.ka = activ_kargs_from_params(kind, p, n);
    j.ka.total = cols; /* rows are processed one at a time, in cache */
    j.z = z;
    j.y = y;
    j.b = b;
    j.rows = rows;
    j.cols = cols;
    size_t rpc = BIAS_CHUNK / cols, minrpc = (rows + 63) / 64;
    if (rpc < 1) rpc = 1;
    if (rpc < minrpc) rpc = minrpc;
    if (n <= BIAS_SERIAL) rpc = rows;
    j.rows_per_chunk = rpc;
    size_t nchunks = (rows + rpc - 1) / rpc;
    if (nchunks == 1) bias_chunk(&j, 0);
    else activ_parallel_for(nchunks, bias_chunk, &j);
    return ACTIV_OK;
}
