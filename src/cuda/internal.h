/* internal.h - shared by the backend's .cu files (not installed). */
#ifndef ACTIV_CUDA_INTERNAL_H
#define ACTIV_CUDA_INTERNAL_H

#include <cuda_runtime.h>
#include "activ_cuda.h"

/* cudaError_t -> activ_status (cudaSuccess -> ACTIV_OK). */
activ_status activ_cuda_status(cudaError_t e);

/* Column sums of a row-major (rows, cols) matrix of dtype dt, accumulated in double in fixed
 * blocks (deterministic), written to out[cols] in dtype dt. */
activ_status activ_cuda_colsum(activ_cuda_dtype dt, const void *m, size_t rows, size_t cols,
                               void *out, cudaStream_t s);

#endif
