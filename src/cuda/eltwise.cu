/* eltwise.cu - element-wise activations on the GPU: forward, backward, from-output, and the
 * deterministic prelu da / swish db reductions. The math is in math.cuh (shared with the host
 * test); this file is indexing, vectorisation and argument checks.
 *
 * Layout of one element-wise launch over n elements (any n, any element-aligned pointers):
 *   [0, head)                 scalar head, until the output is 16-byte aligned
 *   [head, head + nvec*V)     16-byte vectors (V = 4 fp32 or 8 bf16/fp16), only when every
 *                             array has the same address mod 16; otherwise nvec = 0
 *   [head + nvec*V, n)        scalar tail
 * Grid-stride loops over each part; no access outside [0, n).
 */
#include <stdint.h>
#include <string.h>
#include <float.h>
#include <cuda_runtime.h>
#include "activ_cuda.h"
#include "internal.h"
#include "math.cuh"
#include "validate.h"

using namespace activ_cuda_math;

namespace {

enum { DIR_FWD = ACTIV_DIR_FWD, DIR_BWD = ACTIV_DIR_BWD, DIR_BWDY = ACTIV_DIR_BWDY };
constexpr int THREADS = 256;

struct Args {
    const void *in;  /* x (fwd, bwd) or y (bwdy) */
    const void *dy;  /* bwd, bwdy */
    void *out;       /* y or dx */
    size_t n;
    float a, b, g, lo, hi; /* alpha, beta, gamma, min_val, max_val */
    float t; /* softplus threshold */
    const float *slopes;
    size_t channels, inner;
};

/* Storage types: load to float exactly, store a float with one rounding (fp32: none). */
template <int DT> struct St;
template <> struct St<ACTIV_CUDA_F32> {
    typedef float T;
    static __device__ __forceinline__ float ld(T v) { return v; }
    static __device__ __forceinline__ T st(float f) { return f; }
    static __device__ __forceinline__ T st_d(double d) { return (float)d; }
};
template <> struct St<ACTIV_CUDA_BF16> {
    typedef uint16_t T;
    static __device__ __forceinline__ float ld(T v) { return bf2f(v); }
    static __device__ __forceinline__ T st(float f) { return f2bf_rn(f); }
    static __device__ __forceinline__ T st_d(double d) { return d2bf(d); }
};
template <> struct St<ACTIV_CUDA_F16> {
    typedef uint16_t T;
    static __device__ __forceinline__ float ld(T v) { return h2f(v); }
    static __device__ __forceinline__ T st(float f) { return f2h_rn(f); }
    static __device__ __forceinline__ T st_d(double d) { return d2h(d); }
};

__device__ __forceinline__ size_t prelu_channel(size_t i, size_t inner, size_t channels) {
    if (i <= 0xffffffffu && inner <= 0xffffffffu && channels <= 0xffffffffu)
        return (size_t)(((uint32_t)i / (uint32_t)inner) % (uint32_t)channels);
    return (i / inner) % channels;
}

/* One element: v = input, g = dy (unused for forward), a = alpha or the prelu channel's slope.
 * fp32 storage runs the pair-compensated fp32 math (<= 1 / 2 ULP), 16-bit storage the plain
 * fp32 math (math_f32.cuh and math_f32_p.cuh state the error arguments); rare lanes (far
 * tails, NaN/inf where a pair step would not pass them) call the double formulas (inlined:
 * see ACTIV_FALLBACK in math.cuh). */
template <int DT, int K, int D>
__device__ __forceinline__ float elem(float v, float g, float a, const Args &p) {
    const KParams kp = {a, p.b, p.g, p.lo, p.hi, p.t};
    if (DT == ACTIV_CUDA_F32) {
        if (D == DIR_FWD) return fwd_f32p(K, v, kp);
        if (D == DIR_BWD) return bwd_f32p(K, v, g, kp);
        return bwdy_f32p(K, v, g, kp);
    }
    if (D == DIR_FWD) return fwd_lpp(K, v, kp);
    if (D == DIR_BWD) return bwd_lpp(K, v, g, kp);
    return bwdy_lpp(K, v, g, kp);
}

/* One 16-byte vector of V elements starting at element i0. */
template <int DT, int K, int D>
__device__ __forceinline__ uint4 eltwise_vec(const Args &p, uint4 xi, uint4 gi, size_t i0) {
    typedef St<DT> S;
    typedef typename S::T T;
    constexpr int V = 16 / sizeof(T);
    T xs[V], gs[V], ys[V];
    memcpy(xs, &xi, 16);
    if (D != DIR_FWD) memcpy(gs, &gi, 16);
    float as[V];
    if (K == ACTIV_PRELU) {
        size_t q, r, c;
        if (i0 + V <= 0xffffffffu && p.inner <= 0xffffffffu && p.channels <= 0xffffffffu) {
            uint32_t q32 = (uint32_t)i0 / (uint32_t)p.inner; /* 32-bit division: ~20 instructions, */
            r = (uint32_t)i0 - q32 * (uint32_t)p.inner;       /* 64-bit would be ~10x that */
            c = q32 % (uint32_t)p.channels;
        } else {
            q = i0 / p.inner;
            r = i0 - q * p.inner;
            c = q % p.channels;
        }
#pragma unroll
        for (int k = 0; k < V; k++) {
            as[k] = p.slopes[c];
            if (++r == p.inner) {
                r = 0;
                if (++c == p.channels) c = 0;
            }
        }
    }
#pragma unroll
    for (int k = 0; k < V; k++) {
        float a = (K == ACTIV_PRELU) ? as[k] : p.a;
        float g = (D == DIR_FWD) ? 0.0f : S::ld(gs[k]);
        ys[k] = S::st(elem<DT, K, D>(S::ld(xs[k]), g, a, p));
    }
    uint4 yo;
    memcpy(&yo, ys, 16);
    return yo;
}

/* The element-wise launch (reasoning in launch_eltwise). Tile = THREADS * U vectors; vector u
 * of thread t in tile b is b*THREADS*U + u*THREADS + t (each of the U loads is one coalesced
 * 4 KiB row). All U (x, dy) loads are written before any math or store (the compiler cannot
 * move a load past a store that may alias it, and need not here), so a thread keeps
 * U*16 bytes per input array in flight. The last tile checks bounds per vector; the scalar
 * head and tail (at most 2V - 2 elements, only when the pointers are not 16-byte aligned or
 * n is not a multiple of V) go to the first threads of the grid. */
/* U: 4 vectors per thread per tile (the hot path of every kind is fp32 math now), except
 * 16-bit hardsigmoid: 2 (at 4, its inlined double kink-lane fallback spilled 4 bytes on sm_90
 * for fp16 backward; -Xptxas -warn-spills is an error in this build). */
template <int DT, int K> struct Units {
    static constexpr int value = (DT != ACTIV_CUDA_F32 && K == ACTIV_HARDSIGMOID) ? 2 : 4;
};
template <int DT, int K, int D>
__global__ void __launch_bounds__(THREADS) eltwise_kernel(Args p, size_t head, size_t nvec) {
    constexpr int U = Units<DT, K>::value;
    typedef St<DT> S;
    typedef typename S::T T;
    constexpr int V = 16 / sizeof(T);
    const T *in = (const T *)p.in; /* no __restrict__ / __ldg: out may equal in or dy */
    const T *dy = (const T *)p.dy;
    T *out = (T *)p.out;
    const size_t body_end = head + nvec * V;

    /* scalar head and tail */
    const size_t nscalar = head + (p.n - body_end);
    const size_t tid = (size_t)blockIdx.x * THREADS + threadIdx.x;
    for (size_t j = tid; j < nscalar; j += (size_t)gridDim.x * THREADS) {
        size_t i = j < head ? j : body_end + (j - head);
        float a = p.a;
        if (K == ACTIV_PRELU) a = p.slopes[prelu_channel(i, p.inner, p.channels)];
        float g = (D == DIR_FWD) ? 0.0f : S::ld(dy[i]);
        out[i] = S::st(elem<DT, K, D>(S::ld(in[i]), g, a, p));
    }
    /* 16-byte body, U vectors per thread per tile, grid-stride over tiles */
    const uint4 *vin = (const uint4 *)(in + head);
    const uint4 *vdy = (const uint4 *)(dy + head);
    uint4 *vout = (uint4 *)(out + head);
    const size_t tile = (size_t)THREADS * U;
    for (size_t base = (size_t)blockIdx.x * tile + threadIdx.x; base < nvec; base += (size_t)gridDim.x * tile) {
        uint4 xv[U], gv[U] = {};
        if (base + (U - 1) * THREADS < nvec) { /* full tile: no checks */
#pragma unroll
            for (int u = 0; u < U; u++) {
                xv[u] = vin[base + u * THREADS];
                if (D != DIR_FWD) gv[u] = vdy[base + u * THREADS];
            }
#pragma unroll
            for (int u = 0; u < U; u++)
                vout[base + u * THREADS] = eltwise_vec<DT, K, D>(p, xv[u], gv[u], head + (base + u * THREADS) * V);
        } else {
#pragma unroll
            for (int u = 0; u < U; u++) {
                size_t v = base + u * THREADS;
                if (v < nvec) {
                    xv[u] = vin[v];
                    if (D != DIR_FWD) gv[u] = vdy[v];
                }
            }
#pragma unroll
            for (int u = 0; u < U; u++) {
                size_t v = base + u * THREADS;
                if (v < nvec) vout[v] = eltwise_vec<DT, K, D>(p, xv[u], gv[u], head + v * V);
            }
        }
    }
}

/* ---- deterministic reductions ------------------------------------------------------ */

/* Fixed-order sum of one double per thread of a THREADS block; result in thread 0. Warp
 * shuffles in a fixed pattern, then warp 0 adds the 8 warp sums in a fixed pattern: the same
 * inputs give the same bits on every run and for every grid size. */
__device__ double block_sum(double v, double *sh) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    if ((threadIdx.x & 31) == 0) sh[threadIdx.x >> 5] = v;
    __syncthreads();
    double r = 0.0;
    if (threadIdx.x < 32) {
        r = threadIdx.x < THREADS / 32 ? sh[threadIdx.x] : 0.0;
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) r += __shfl_down_sync(0xffffffffu, r, o);
    }
    __syncthreads();
    return r;
}

/* elements per partial sum: fixed, independent of the grid; EPT per thread */
constexpr size_t TILE = 4096;
constexpr int EPT = (int)(TILE / THREADS);

/* backward over the elements beg + threadIdx.x + j*THREADS < end (j < EPT) of one tile, with
 * the d-param terms summed in a fixed order: all EPT (x, dy) loads are issued before any math
 * or store (EPT*4 bytes per array in flight per thread for fp32, coalesced across the warp). */
template <int DT, int K>
__device__ __forceinline__ double bwd_tile(const Args &p, size_t beg, size_t end, float a) {
    typedef St<DT> S;
    typedef typename S::T T;
    const T *x = (const T *)p.in;
    const T *dy = (const T *)p.dy;
    T *dx = (T *)p.out;
    float xv[EPT], gv[EPT];
    const size_t i0 = beg + threadIdx.x;
    if (beg + TILE <= end) {
#pragma unroll
        for (int j = 0; j < EPT; j++) {
            xv[j] = S::ld(x[i0 + (size_t)j * THREADS]);
            gv[j] = S::ld(dy[i0 + (size_t)j * THREADS]);
        }
    } else {
#pragma unroll
        for (int j = 0; j < EPT; j++) {
            size_t i = i0 + (size_t)j * THREADS;
            xv[j] = i < end ? S::ld(x[i]) : 0.0f;
            gv[j] = i < end ? S::ld(dy[i]) : 0.0f;
        }
    }
    double acc = 0.0;
#pragma unroll
    for (int j = 0; j < EPT; j++) {
        size_t i = i0 + (size_t)j * THREADS;
        if (i < end) {
            if (K == ACTIV_SWISH) acc += (double)gv[j] * swish_db_factor(xv[j], p.b);
            else acc += prelu_dslope_term(xv[j], gv[j]);
            dx[i] = S::st(elem<DT, K, DIR_BWD>(xv[j], gv[j], a, p));
        }
    }
    return acc;
}

/* swish backward with db: tile t covers [t*TILE, (t+1)*TILE); its partial goes to part[t]. */
template <int DT>
__global__ void __launch_bounds__(THREADS) swish_bwd_db_kernel(Args p, double *part, size_t ntiles) {
    __shared__ double sh[THREADS / 32];
    for (size_t t = blockIdx.x; t < ntiles; t += gridDim.x) {
        size_t end = (t + 1) * TILE < p.n ? (t + 1) * TILE : p.n;
        double s = block_sum(bwd_tile<DT, ACTIV_SWISH>(p, t * TILE, end, p.a), sh);
        if (threadIdx.x == 0) part[t] = s;
    }
}

/* prelu backward with da, runs of length inner >= TILE ("case A"): item = (run, chunk),
 * run r = o*channels + c covers [r*inner, (r+1)*inner), chunk k covers TILE elements of it. */
template <int DT>
__global__ void __launch_bounds__(THREADS) prelu_bwd_da_runs_kernel(Args p, double *part,
                                                                    size_t nitems, size_t cpr) {
    __shared__ double sh[THREADS / 32];
    for (size_t it = blockIdx.x; it < nitems; it += gridDim.x) {
        size_t r = it / cpr, k = it - r * cpr;
        float a = p.slopes[r % p.channels];
        size_t beg = r * p.inner + k * TILE;
        size_t end = (k + 1) * TILE < p.inner ? beg + TILE : (r + 1) * p.inner;
        double s = block_sum(bwd_tile<DT, ACTIV_PRELU>(p, beg, end, a), sh);
        if (threadIdx.x == 0) part[it] = s;
    }
}

/* prelu backward with da, short runs ("case B"): the array viewed as rows of width W2 (a
 * multiple of channels*inner); item = (row tile of RT rows, 256 columns); each thread sums its
 * column over the tile's rows into part[rt*W2 + col]. */
constexpr size_t RT = 128;
template <int DT>
__global__ void __launch_bounds__(THREADS) prelu_bwd_da_cols_kernel(Args p, double *part,
                                                                    size_t W2, size_t nrt,
                                                                    size_t ncb) {
    typedef St<DT> S;
    typedef typename S::T T;
    const T *x = (const T *)p.in;
    const T *dy = (const T *)p.dy;
    T *dx = (T *)p.out;
    const size_t W = p.channels * p.inner;
    for (size_t it = blockIdx.x; it < nrt * ncb; it += gridDim.x) {
        size_t rt = it / ncb, cb = it - rt * ncb;
        size_t col = cb * THREADS + threadIdx.x;
        if (col >= W2) continue;
        float a = p.slopes[(col % W) / p.inner];
        double acc = 0.0;
        /* rows in groups of 8, loads first (8 x 4 B per array in flight per thread, fp32);
         * the sum runs over the rows in order, as one row at a time would */
        for (size_t r0 = rt * RT; r0 < (rt + 1) * RT; r0 += 8) {
            float xv[8], gv[8];
#pragma unroll
            for (int j = 0; j < 8; j++) {
                size_t i = (r0 + j) * W2 + col;
                xv[j] = i < p.n ? S::ld(x[i]) : 0.0f;
                gv[j] = i < p.n ? S::ld(dy[i]) : 0.0f;
            }
#pragma unroll
            for (int j = 0; j < 8; j++) {
                size_t i = (r0 + j) * W2 + col;
                if (i < p.n) {
                    acc += prelu_dslope_term(xv[j], gv[j]);
                    dx[i] = S::st(elem<DT, ACTIV_PRELU, DIR_BWD>(xv[j], gv[j], a, p));
                }
            }
        }
        part[rt * W2 + col] = acc;
    }
}

/* Final sums: out[c] = sum over m < count of part[idx(c, m)], with
 * idx = (m / (B*F)) * sa + ((m / B) % F) * sf + c * sc + m % B. Block per channel. */
struct Gather {
    size_t count, B, F, sa, sf, sc;
};
__global__ void __launch_bounds__(THREADS) finalize_kernel(const double *part, Gather g, float *out,
                                                           size_t nout) {
    __shared__ double sh[THREADS];
    for (size_t c = blockIdx.x; c < nout; c += gridDim.x) {
        double acc = 0.0;
        for (size_t m = threadIdx.x; m < g.count; m += THREADS) {
            size_t b = m % g.B, f = (m / g.B) % g.F, a = m / (g.B * g.F);
            acc += part[a * g.sa + f * g.sf + c * g.sc + b];
        }
        double s = block_sum(acc, sh);
        if (threadIdx.x == 0) out[c] = (float)s;
    }
}

/* Column sums of a (rows, cols) matrix into part[rt][col], then finalize to dtype. */
template <int DT>
__global__ void __launch_bounds__(THREADS) colsum_kernel(const void *mv, size_t rows, size_t cols,
                                                         double *part, size_t nrt, size_t ncb) {
    typedef St<DT> S;
    typedef typename S::T T;
    const T *m = (const T *)mv;
    for (size_t it = blockIdx.x; it < nrt * ncb; it += gridDim.x) {
        size_t rt = it / ncb, col = (it - rt * ncb) * THREADS + threadIdx.x;
        if (col >= cols) continue;
        double acc = 0.0;
        size_t end = (rt + 1) * RT < rows ? (rt + 1) * RT : rows;
        for (size_t r = rt * RT; r < end; r++) acc += S::ld(m[r * cols + col]);
        part[rt * cols + col] = acc;
    }
}
template <int DT>
__global__ void __launch_bounds__(THREADS) colsum_final_kernel(const double *part, size_t nrt,
                                                               size_t cols, void *outv) {
    typedef St<DT> S;
    typedef typename S::T T;
    size_t col = (size_t)blockIdx.x * THREADS + threadIdx.x;
    if (col >= cols) return;
    double acc = 0.0;
    for (size_t rt = 0; rt < nrt; rt++) acc += part[rt * cols + col];
    ((T *)outv)[col] = S::st_d(acc);
}

/* ---- launching ---------------------------------------------------------------------- */

unsigned grid_for(size_t work_blocks) {
    int dev = 0, sms = 132;
    if (cudaGetDevice(&dev) == cudaSuccess)
        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
    size_t cap = (size_t)sms * 32; /* 8 resident blocks of 256 per SM, 4 waves */
    size_t g = work_blocks < cap ? work_blocks : cap;
    return (unsigned)(g ? g : 1);
}

/* Launch geometry (to confirm with ncu on the device; bench/gpu.sh leaves the command):
 * - Bytes in flight. HBM3e at ~4.8 TB/s with ~0.7 us of load latency needs ~3.4 MB in flight
 *   over 132 SMs, ~26 KB per SM. At 256 threads x 8 resident blocks = 2048 threads/SM (full
 *   occupancy needs <= 32 registers/thread), one 16-byte load per thread is 32 KB; but the fp32
 *   pair math needs more registers (occupancy 50-75%), and a grid-stride loop with one vector
 *   per iteration cannot start the next load before the current store (the compiler must
 *   assume they alias). So each thread issues U = 4 vector loads per array up front: 64 B
 *   (forward) or 128 B (backward) per thread, 4x the old figure, enough at 25% occupancy.
 * - Grid. One tile (THREADS*U vectors = 16 KiB of fp32 input) per block, as many blocks as
 *   tiles (2^28 fp32: 16384 blocks), capped at 2^20 blocks with a grid-stride loop beyond: many
 *   short blocks balance across SMs with no tail wave to speak of (each SM runs >100 blocks),
 *   and no block is a straggler.
 * - Tail. Only the last tile checks bounds (per vector); misaligned heads/tails (at most
 *   2V - 2 elements) are scalar, handled by the grid's first threads, in the same launch.
 * The old kernel (one vector per thread per iteration, grid = 32 blocks/SM) kept 16 B in
 * flight per thread and 64-bit prelu index divisions; both are gone. */
template <int DT, int K, int D>
void launch_eltwise(const Args &p, cudaStream_t s) {
    typedef typename St<DT>::T T;
    constexpr size_t V = 16 / sizeof(T);
    uintptr_t ao = (uintptr_t)p.out % 16;
    bool same = (uintptr_t)p.in % 16 == ao && (D == DIR_FWD || (uintptr_t)p.dy % 16 == ao);
    size_t head = p.n, nvec = 0;
    if (same) {
        head = ((16 - ao) % 16) / sizeof(T);
        if (head > p.n) head = p.n;
        nvec = (p.n - head) / V;
    }
    size_t nscalar = p.n - nvec * V;
    constexpr size_t U = Units<DT, K>::value;
    size_t tiles = (nvec + (size_t)THREADS * U - 1) / ((size_t)THREADS * U);
    size_t sblocks = (nscalar + THREADS - 1) / THREADS;
    size_t g = tiles > sblocks ? tiles : sblocks;
    if (g > ((size_t)1 << 20)) g = (size_t)1 << 20;
    if (g == 0) g = 1;
    eltwise_kernel<DT, K, D><<<(unsigned)g, THREADS, 0, s>>>(p, head, nvec);
}

template <int K, int D>
void launch_kind_dt(activ_cuda_dtype dt, const Args &p, cudaStream_t s) {
    if (dt == ACTIV_CUDA_F32) launch_eltwise<ACTIV_CUDA_F32, K, D>(p, s);
    else if (dt == ACTIV_CUDA_BF16) launch_eltwise<ACTIV_CUDA_BF16, K, D>(p, s);
    else launch_eltwise<ACTIV_CUDA_F16, K, D>(p, s);
}

/* one case per manifest kind; the from-output direction only where the kind has it */
template <int D>
void launch_dir(activ_kind kind, activ_cuda_dtype dt, const Args &p, cudaStream_t s) {
    switch (kind) {
#define ACTIV_X_(name, K, fam, fo, ...)                           \
    case K:                                                      \
        if constexpr (D != DIR_BWDY || (fo)) launch_kind_dt<K, D>(dt, p, s); \
        break;
        ACTIV_FOREACH_KIND(ACTIV_X_)
#undef ACTIV_X_
    default: break;
    }
}

/* ---- argument checks: src/validate.c, shared with the CPU entry points ------------- */

activ_status check_common(activ_kind kind, int dir, const activ_params *p, activ_cuda_dtype dt,
                          size_t n, const void *in, const void *dy, void *out,
                          const float *dparam, Args *a) {
    activ_params dp = activ_default_params((unsigned)kind < ACTIV_KIND_COUNT ? kind : ACTIV_RELU);
    if (p) dp = *p;
    /* slopes live on the device: not read here (that would need a synchronisation) */
    activ_status st = activ_validate(kind, dir, &dp, in, dy, out, n, activ_cuda_dtype_size(dt),
                                     dparam, 0);
    if (st) return st;
    a->in = in;
    a->dy = dy;
    a->out = out;
    a->n = n;
    a->a = dp.alpha;
    a->b = dp.beta;
    a->t = dp.threshold;
    a->g = dp.gamma;
    a->lo = dp.min_val;
    a->hi = dp.max_val;
    a->slopes = dp.slopes;
    a->channels = kind == ACTIV_PRELU ? dp.channels : 1;
    a->inner = kind == ACTIV_PRELU ? dp.inner : 1;
    return ACTIV_OK;
}

activ_status last_launch(void) { return activ_cuda_status(cudaGetLastError()); }

template <int DT>
activ_status swish_db(const Args &p, float *db, cudaStream_t s) {
    size_t ntiles = (p.n + TILE - 1) / TILE;
    double *part = NULL;
    activ_status st = activ_cuda_status(cudaMallocAsync((void **)&part, ntiles * sizeof(double), s));
    if (st) return st;
    swish_bwd_db_kernel<DT><<<grid_for(ntiles), THREADS, 0, s>>>(p, part, ntiles);
    Gather g = {ntiles, ntiles, 1, 0, 0, 0};
    finalize_kernel<<<1, THREADS, 0, s>>>(part, g, db, 1);
    st = last_launch();
    cudaError_t e = cudaFreeAsync(part, s);
    return st ? st : activ_cuda_status(e);
}

template <int DT>
activ_status prelu_da(const Args &p, float *da, cudaStream_t s) {
    const size_t C = p.channels, S = p.inner, W = C * S;
    double *part = NULL;
    activ_status st;
    Gather g;
    if (S >= TILE) { /* case A: long runs, chunked */
        size_t cpr = (S + TILE - 1) / TILE, runs = p.n / S, nitems = runs * cpr;
        st = activ_cuda_status(cudaMallocAsync((void **)&part, nitems * sizeof(double), s));
        if (st) return st;
        prelu_bwd_da_runs_kernel<DT><<<grid_for(nitems), THREADS, 0, s>>>(p, part, nitems, cpr);
        /* channel c: items (o*C + c)*cpr + k, o < runs/C, k < cpr */
        g.count = (runs / C) * cpr; g.B = cpr; g.F = 1; g.sa = C * cpr; g.sf = 0; g.sc = cpr;
    } else { /* case B: short runs, column sums over row tiles */
        size_t F = W >= THREADS ? 1 : (THREADS + W - 1) / W, W2 = W * F;
        size_t rows = (p.n + W2 - 1) / W2, nrt = (rows + RT - 1) / RT;
        size_t ncb = (W2 + THREADS - 1) / THREADS;
        st = activ_cuda_status(cudaMallocAsync((void **)&part, nrt * W2 * sizeof(double), s));
        if (st) return st;
        /* every thread writes its column's partial (0 past the end of the array) */
        prelu_bwd_da_cols_kernel<DT><<<grid_for(nrt * ncb), THREADS, 0, s>>>(p, part, W2, nrt, ncb);
        /* channel c: part[rt*W2 + f*W + c*S + s'], rt < nrt, f < F, s' < S */
        g.count = nrt * F * S; g.B = S; g.F = F; g.sa = W2; g.sf = W; g.sc = S;
    }
    if (!st) {
        finalize_kernel<<<grid_for(C), THREADS, 0, s>>>(part, g, da, C);
        st = last_launch();
    }
    cudaError_t e = cudaFreeAsync(part, s);
    return st ? st : activ_cuda_status(e);
}

} /* namespace */

/* ---- shared helpers ----------------------------------------------------------------- */

activ_status activ_cuda_status(cudaError_t e) {
    switch (e) {
    case cudaSuccess: return ACTIV_OK;
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorInvalidDevice: return ACTIV_ERR_NO_DEVICE;
    case cudaErrorMemoryAllocation: return ACTIV_ERR_NOMEM;
    default: return ACTIV_ERR_CUDA;
    }
}

activ_status activ_cuda_colsum(activ_cuda_dtype dt, const void *m, size_t rows, size_t cols,
                               void *out, cudaStream_t s) {
    if (cols == 0) return ACTIV_OK;
    size_t es = activ_cuda_dtype_size(dt);
    if (rows == 0) return activ_cuda_status(cudaMemsetAsync(out, 0, cols * es, s));
    size_t nrt = (rows + RT - 1) / RT, ncb = (cols + THREADS - 1) / THREADS;
    double *part = NULL;
    activ_status st = activ_cuda_status(cudaMallocAsync((void **)&part, nrt * cols * sizeof(double), s));
    if (st) return st;
    unsigned g = grid_for(nrt * ncb), gf = (unsigned)ncb;
    if (dt == ACTIV_CUDA_F32) {
        colsum_kernel<ACTIV_CUDA_F32><<<g, THREADS, 0, s>>>(m, rows, cols, part, nrt, ncb);
        colsum_final_kernel<ACTIV_CUDA_F32><<<gf, THREADS, 0, s>>>(part, nrt, cols, out);
    } else if (dt == ACTIV_CUDA_BF16) {
        colsum_kernel<ACTIV_CUDA_BF16><<<g, THREADS, 0, s>>>(m, rows, cols, part, nrt, ncb);
        colsum_final_kernel<ACTIV_CUDA_BF16><<<gf, THREADS, 0, s>>>(part, nrt, cols, out);
    } else {
        colsum_kernel<ACTIV_CUDA_F16><<<g, THREADS, 0, s>>>(m, rows, cols, part, nrt, ncb);
        colsum_final_kernel<ACTIV_CUDA_F16><<<gf, THREADS, 0, s>>>(part, nrt, cols, out);
    }
    st = last_launch();
    cudaError_t e = cudaFreeAsync(part, s);
    return st ? st : activ_cuda_status(e);
}

/* ---- public API --------------------------------------------------------------------- */

extern "C" {

size_t activ_cuda_dtype_size(activ_cuda_dtype dt) {
    switch (dt) {
    case ACTIV_CUDA_F32: return 4;
    case ACTIV_CUDA_BF16:
    case ACTIV_CUDA_F16: return 2;
    default: return 0;
    }
}

int activ_cuda_device_count(void) {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError(); /* clear the error this call leaves behind */
        return 0;
    }
    return n;
}

int activ_cuda_available(void) { return activ_cuda_device_count() > 0; }

activ_status activ_cuda_forward(activ_kind kind, const activ_params *p, activ_cuda_dtype dt,
                                const void *x, void *y, size_t n, activ_cuda_stream stream) {
    Args a;
    activ_status st = check_common(kind, DIR_FWD, p, dt, n, x, NULL, y, NULL, &a);
    if (st || n == 0) return st;
    launch_dir<DIR_FWD>(kind, dt, a, (cudaStream_t)stream);
    return last_launch();
}

activ_status activ_cuda_backward(activ_kind kind, const activ_params *p, activ_cuda_dtype dt,
                                 const void *x, const void *dy, void *dx, size_t n, float *dparam,
                                 activ_cuda_stream stream) {
    Args a;
    cudaStream_t s = (cudaStream_t)stream;
    activ_status st = check_common(kind, DIR_BWD, p, dt, n, x, dy, dx, dparam, &a);
    if (st) return st;
    activ_params dp = p ? *p : activ_default_params(kind);
    size_t cnt = dparam ? activ_dparam_len(kind, &dp) : 0;
    bool want = cnt > 0;
    if (n == 0) {
        if (!want) return ACTIV_OK;
        return activ_cuda_status(cudaMemsetAsync(dparam, 0, cnt * sizeof(float), s));
    }
    if (want) {
        if (kind == ACTIV_SWISH) {
            if (dt == ACTIV_CUDA_F32) return swish_db<ACTIV_CUDA_F32>(a, dparam, s);
            if (dt == ACTIV_CUDA_BF16) return swish_db<ACTIV_CUDA_BF16>(a, dparam, s);
            return swish_db<ACTIV_CUDA_F16>(a, dparam, s);
        }
        if (dt == ACTIV_CUDA_F32) return prelu_da<ACTIV_CUDA_F32>(a, dparam, s);
        if (dt == ACTIV_CUDA_BF16) return prelu_da<ACTIV_CUDA_BF16>(a, dparam, s);
        return prelu_da<ACTIV_CUDA_F16>(a, dparam, s);
    }
    launch_dir<DIR_BWD>(kind, dt, a, s);
    return last_launch();
}

activ_status activ_cuda_backward_from_output(activ_kind kind, const activ_params *p,
                                             activ_cuda_dtype dt, const void *y, const void *dy,
                                             void *dx, size_t n, activ_cuda_stream stream) {
    Args a;
    activ_status st = check_common(kind, DIR_BWDY, p, dt, n, y, dy, dx, NULL, &a);
    if (st || n == 0) return st;
    launch_dir<DIR_BWDY>(kind, dt, a, (cudaStream_t)stream);
    return last_launch();
}

/* Direct calls */
static activ_params kp(activ_kind k) { return activ_default_params(k); }

activ_status activ_cuda_relu_forward(activ_cuda_dtype dt, const void *x, void *y, size_t n,
                                     activ_cuda_stream s) {
    return activ_cuda_forward(ACTIV_RELU, NULL, dt, x, y, n, s);
}
activ_status activ_cuda_relu_backward(activ_cuda_dtype dt, const void *x, const void *dy, void *dx,
                                      size_t n, activ_cuda_stream s) {
    return activ_cuda_backward(ACTIV_RELU, NULL, dt, x, dy, dx, n, NULL, s);
}
activ_status activ_cuda_leaky_relu_forward(activ_cuda_dtype dt, const void *x, void *y, size_t n,
                                           float alpha, activ_cuda_stream s) {
    activ_params p = kp(ACTIV_LEAKY_RELU);
    p.alpha = alpha;
    return activ_cuda_forward(ACTIV_LEAKY_RELU, &p, dt, x, y, n, s);
}
activ_status activ_cuda_leaky_relu_backward(activ_cuda_dtype dt, const void *x, const void *dy,
                                            void *dx, size_t n, float alpha, activ_cuda_stream s) {
    activ_params p = kp(ACTIV_LEAKY_RELU);
    p.alpha = alpha;
    return activ_cuda_backward(ACTIV_LEAKY_RELU, &p, dt, x, dy, dx, n, NULL, s);
}
activ_status activ_cuda_prelu_forward(activ_cuda_dtype dt, const void *x, void *y, size_t n,
                                      const float *slopes, size_t channels, size_t inner,
                                      activ_cuda_stream s) {
    activ_params p = kp(ACTIV_PRELU);
    p.slopes = slopes;
    p.channels = channels;
    p.inner = inner;
    return activ_cuda_forward(ACTIV_PRELU, &p, dt, x, y, n, s);
}
activ_status activ_cuda_prelu_backward(activ_cuda_dtype dt, const void *x, const void *dy, void *dx,
                                       size_t n, const float *slopes, size_t channels,
                                       size_t inner, float *dslopes, activ_cuda_stream s) {
    activ_params p = kp(ACTIV_PRELU);
    p.slopes = slopes;
    p.channels = channels;
    p.inner = inner;
    return activ_cuda_backward(ACTIV_PRELU, &p, dt, x, dy, dx, n, dslopes, s);
}
activ_status activ_cuda_elu_forward(activ_cuda_dtype dt, const void *x, void *y, size_t n,
                                    float alpha, activ_cuda_stream s) {
    activ_params p = kp(ACTIV_ELU);
    p.alpha = alpha;
    return activ_cuda_forward(ACTIV_ELU, &p, dt, x, y, n, s);
}
activ_status activ_cuda_elu_backward(activ_cuda_dtype dt, const void *x, const void *dy, void *dx,
                                     size_t n, float alpha, activ_cuda_stream s) {
    activ_params p = kp(ACTIV_ELU);
    p.alpha = alpha;
    return activ_cuda_backward(ACTIV_ELU, &p, dt, x, dy, dx, n, NULL, s);
}
activ_status activ_cuda_swish_forward(activ_cuda_dtype dt, const void *x, void *y, size_t n,
                                      float beta, activ_cuda_stream s) {
    activ_params p = kp(ACTIV_SWISH);
    p.beta = beta;
    return activ_cuda_forward(ACTIV_SWISH, &p, dt, x, y, n, s);
}
activ_status activ_cuda_swish_backward(activ_cuda_dtype dt, const void *x, const void *dy, void *dx,
                                       size_t n, float beta, float *dbeta, activ_cuda_stream s) {
    activ_params p = kp(ACTIV_SWISH);
    p.beta = beta;
    return activ_cuda_backward(ACTIV_SWISH, &p, dt, x, dy, dx, n, dbeta, s);
}
activ_status activ_cuda_sigmoid_forward(activ_cuda_dtype dt, const void *x, void *y, size_t n,
                                        activ_cuda_stream s) {
    return activ_cuda_forward(ACTIV_SIGMOID, NULL, dt, x, y, n, s);
}
activ_status activ_cuda_sigmoid_backward(activ_cuda_dtype dt, const void *x, const void *dy,
                                         void *dx, size_t n, activ_cuda_stream s) {
    return activ_cuda_backward(ACTIV_SIGMOID, NULL, dt, x, dy, dx, n, NULL, s);
}
activ_status activ_cuda_tanh_forward(activ_cuda_dtype dt, const void *x, void *y, size_t n,
                                     activ_cuda_stream s) {
    return activ_cuda_forward(ACTIV_TANH, NULL, dt, x, y, n, s);
}
activ_status activ_cuda_tanh_backward(activ_cuda_dtype dt, const void *x, const void *dy, void *dx,
                                      size_t n, activ_cuda_stream s) {
    return activ_cuda_backward(ACTIV_TANH, NULL, dt, x, dy, dx, n, NULL, s);
}

} /* extern "C" */
