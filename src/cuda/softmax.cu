/* softmax.cu - softmax and log_softmax along one axis on the GPU (include/activ_cuda.h):
 * the CPU's method (include/activ.h, "softmax / log_softmax") in CUDA: one block of THREADS
 * per row, the max and its first index by a fixed tree, T = sum of e^(x - m) over all but one
 * maximum in double (each thread a strided partial, then a fixed tree: deterministic for a
 * given length), e^(d)/(1 + T) and d - log1p(T) rounded to fp32 once. The backward sums are
 * exact: every product dy*y (or dy) goes into a fixed-point accumulator in shared memory
 * with 64-bit integer atomics (xsum.cuh), which is exact and independent of the order. */
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <cuda_runtime.h>
#include "activ_cuda.h"
#include "internal.h"
#include "xsum.cuh"

namespace {

constexpr int THREADS = 256;

struct Rows {
    size_t rows, len, inner;
};

__device__ __forceinline__ size_t row_base(const Rows &g, size_t r)
{
    return (r / g.inner) * g.len * g.inner + r % g.inner;
}

/* (m, i) <- the first maximum of (m, i) and (m2, i2); a NaN wins (it poisons the row) */
__device__ __forceinline__ void max_combine(float &m, size_t &i, float m2, size_t i2)
{
    if (m != m) return;
    if (m2 != m2 || m2 > m || (m2 == m && i2 < i)) m = m2, i = i2;
}

template <bool LOG>
__global__ void __launch_bounds__(THREADS) fwd_kernel(const float *x, float *y, Rows g)
{
    __shared__ float sm[THREADS];
    __shared__ size_t si[THREADS];
    __shared__ double sd[THREADS];
    for (size_t r = blockIdx.x; r < g.rows; r += gridDim.x) {
        const size_t b = row_base(g, r), st = g.inner;
        float m = -INFINITY;
        size_t am = (size_t)-1;
        for (size_t k = threadIdx.x; k < g.len; k += THREADS) max_combine(m, am, x[b + k * st], k);
        sm[threadIdx.x] = m, si[threadIdx.x] = am;
        __syncthreads();
        for (int w = THREADS / 2; w > 0; w >>= 1) {
            if ((int)threadIdx.x < w) {
                float m1 = sm[threadIdx.x];
                size_t i1 = si[threadIdx.x];
                max_combine(m1, i1, sm[threadIdx.x + w], si[threadIdx.x + w]);
                sm[threadIdx.x] = m1, si[threadIdx.x] = i1;
            }
            __syncthreads();
        }
        m = sm[0], am = si[0];
        __syncthreads();
        if (!isfinite(m)) { /* NaN, +inf, or only -inf: NaN row (as the CPU and PyTorch) */
            for (size_t k = threadIdx.x; k < g.len; k += THREADS) y[b + k * st] = NAN;
            continue;
        }
        double dm = m, part = 0;
        for (size_t k = threadIdx.x; k < g.len; k += THREADS)
            if (k != am) part += exp((double)x[b + k * st] - dm);
        sd[threadIdx.x] = part;
        __syncthreads();
        for (int w = THREADS / 2; w > 0; w >>= 1) {
            if ((int)threadIdx.x < w) sd[threadIdx.x] += sd[threadIdx.x + w];
            __syncthreads();
        }
        double T = sd[0];
        __syncthreads();
        if (!LOG) {
            double S = 1.0 + T;
            for (size_t k = threadIdx.x; k < g.len; k += THREADS)
                y[b + k * st] = (float)(exp((double)x[b + k * st] - dm) / S);
        } else {
            double L = log1p(T);
            for (size_t k = threadIdx.x; k < g.len; k += THREADS)
                y[b + k * st] = (float)(((double)x[b + k * st] - dm) - L);
        }
    }
}

/* softmax: dx = y (dy - sum dy*y); log_softmax: dx = dy - e^y sum dy */
template <bool LOG>
__global__ void __launch_bounds__(THREADS) bwd_kernel(const float *y, const float *dy, float *dx, Rows g)
{
    __shared__ long long L[ACTIV_XL];
    __shared__ double sd[THREADS];
    __shared__ int nonfinite;
    for (size_t r = blockIdx.x; r < g.rows; r += gridDim.x) {
        const size_t b = row_base(g, r), st = g.inner;
        if (threadIdx.x < ACTIV_XL) L[threadIdx.x] = 0;
        if (threadIdx.x == 0) nonfinite = 0;
        __syncthreads();
        double naive = 0;
        for (size_t k = threadIdx.x; k < g.len; k += THREADS) {
            double t = LOG ? (double)dy[b + k * st] : (double)dy[b + k * st] * (double)y[b + k * st];
            naive += t;
            if (!isfinite(t)) {
                nonfinite = 1;
                continue;
            }
            int li;
            long long c[3];
            xsum_split(t, &li, c);
            for (int q = 0; q < 3; q++)
                if (c[q]) atomicAdd((unsigned long long *)&L[li + q], (unsigned long long)c[q]);
        }
        sd[threadIdx.x] = naive;
        __syncthreads();
        for (int w = THREADS / 2; w > 0; w >>= 1) {
            if ((int)threadIdx.x < w) sd[threadIdx.x] += sd[threadIdx.x + w];
            __syncthreads();
        }
        const int nf = nonfinite;
        const double s_naive = sd[0];
        double s_exact = LOG && !nf ? xsum_value(L) : 0;
        for (size_t k = threadIdx.x; k < g.len; k += THREADS) {
            double yk = y[b + k * st], dk = dy[b + k * st];
            double out;
            if (LOG) {
                out = dk - exp(yk) * (nf ? s_naive : s_exact);
            } else if (nf) {
                out = yk * (dk - s_naive);
            } else {
                long long R[ACTIV_XL];
                for (int i = 0; i < ACTIV_XL; i++) R[i] = -L[i];
                xsum_add(R, dk); /* dy_k - s, exactly */
                out = yk * xsum_value(R);
            }
            dx[b + k * st] = (float)out;
        }
        __syncthreads();
    }
}

activ_status shape_rows(const size_t *shape, int ndim, int axis, Rows *g, size_t *total)
{
    if (!shape) return ACTIV_ERR_NULL;
    if (ndim < 1 || ndim > ACTIV_MAX_DIMS || axis < -ndim || axis >= ndim) return ACTIV_ERR_SHAPE;
    if (axis < 0) axis += ndim;
    size_t n = 1, outer = 1, inner = 1;
    int zero = 0;
    for (int d = 0; d < ndim; d++) zero |= shape[d] == 0;
    for (int d = 0; d < ndim; d++) {
        if (!zero && shape[d] > ((size_t)PTRDIFF_MAX / sizeof(float)) / n) return ACTIV_ERR_SIZE;
        n *= shape[d];
        if (d < axis) outer *= shape[d];
        if (d > axis) inner *= shape[d];
    }
    g->len = shape[axis];
    g->inner = inner;
    g->rows = outer * inner;
    *total = zero ? 0 : n;
    return ACTIV_OK;
}

int overlap(const float *a, const float *b, size_t n)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b, nb = n * sizeof(float);
    return a != b && x < y + nb && y < x + nb;
}

activ_status run(int op, const float *in, const float *dy, float *out, const size_t *shape, int ndim,
                 int axis, cudaStream_t s)
{
    Rows g;
    size_t n;
    activ_status st = shape_rows(shape, ndim, axis, &g, &n);
    if (st != ACTIV_OK) return st;
    if (n == 0) return ACTIV_OK;
    if (!in || !out || (op >= 2 && !dy)) return ACTIV_ERR_NULL;
    if (((uintptr_t)in | (uintptr_t)out | (uintptr_t)dy) & 3) return ACTIV_ERR_PARAM;
    if (overlap(out, in, n) || (dy && overlap(out, dy, n))) return ACTIV_ERR_OVERLAP;
    int dev = 0;
    cudaError_t e = cudaGetDevice(&dev);
    if (e != cudaSuccess) return activ_cuda_status(e);
    unsigned grid = g.rows < 65535u * 16u ? (unsigned)g.rows : 65535u * 16u;
    switch (op) {
    case 0: fwd_kernel<false><<<grid, THREADS, 0, s>>>(in, out, g); break;
    case 1: fwd_kernel<true><<<grid, THREADS, 0, s>>>(in, out, g); break;
    case 2: bwd_kernel<false><<<grid, THREADS, 0, s>>>(in, dy, out, g); break;
    default: bwd_kernel<true><<<grid, THREADS, 0, s>>>(in, dy, out, g); break;
    }
    return activ_cuda_status(cudaGetLastError());
}

} // namespace

extern "C" {

activ_status activ_cuda_softmax_forward(const float *x, float *y, const size_t *shape, int ndim,
                                        int axis, activ_cuda_stream s)
{
    return run(0, x, NULL, y, shape, ndim, axis, (cudaStream_t)s);
}

activ_status activ_cuda_log_softmax_forward(const float *x, float *y, const size_t *shape, int ndim,
                                            int axis, activ_cuda_stream s)
{
    return run(1, x, NULL, y, shape, ndim, axis, (cudaStream_t)s);
}

activ_status activ_cuda_softmax_backward(const float *y, const float *dy, float *dx,
                                         const size_t *shape, int ndim, int axis,
                                         activ_cuda_stream s)
{
    return run(2, y, dy, dx, shape, ndim, axis, (cudaStream_t)s);
}

activ_status activ_cuda_log_softmax_backward(const float *y, const float *dy, float *dx,
                                             const size_t *shape, int ndim, int axis,
                                             activ_cuda_stream s)
{
    return run(3, y, dy, dx, shape, ndim, axis, (cudaStream_t)s);
}

} // extern "C"
