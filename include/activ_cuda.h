/*
 * activ_cuda.h - the GPU backend: every activation of activ.h on NVIDIA GPUs, and a Dense
 * layer y = f(x W + b) on cuBLASLt with the activation fused into (or right after) the GEMM.
 *
 * Same math, semantics and accuracy contract as include/activ.h (read it first): NaN in gives
 * NaN out, infinities give the limits, -0 is kept where the math keeps it, PyTorch's kink
 * conventions, forward within 1 ULP and backward within 2 ULP of the exact value, prelu da and
 * swish db accumulated in double in fixed blocks (bitwise the same for a given size on every
 * run, grid and GPU of the same build).
 *
 * Storage types. Arrays are fp32, bf16 or fp16 (activ_cuda_dtype); the computation is in double
 * for the transcendental functions and exact products for the piecewise-linear ones. A 16-bit
 * output is the correctly rounded conversion of the double-precision value, rounded once, so it
 * is also the correctly rounded conversion of a value meeting the fp32 contract up to ties.
 * prelu slopes and the da / db outputs are always fp32 device arrays.
 *
 * Memory and streams. Every array argument is a DEVICE pointer (cudaMalloc, cudaMallocAsync or
 * managed memory). Work is queued on the given stream (NULL: the legacy default stream) and the
 * call returns without waiting; errors of the kernel itself show up at the next
 * synchronisation, as with any CUDA call. Calls with da/db use a stream-ordered temporary
 * (cudaMallocAsync) of about n/16 bytes.
 *
 * Arguments are checked as on the CPU: NULL pointers (ACTIV_ERR_NULL), n = 0 does nothing
 * (and zeroes a requested da / db), sizes (ACTIV_ERR_SIZE), prelu channels*inner must divide n
 * (ACTIV_ERR_SHAPE), alpha/beta must be finite (ACTIV_ERR_PARAM), partial overlap of an output
 * with an input (ACTIV_ERR_OVERLAP; an output may be exactly an input), pointers must be
 * aligned to their element size (ACTIV_ERR_PARAM). prelu slopes live on the device and are not
 * checked for finiteness (that would need a synchronisation). Failures of CUDA or cuBLASLt
 * give ACTIV_ERR_CUDA, a failed device allocation ACTIV_ERR_NOMEM, and no usable device (or no
 * driver) ACTIV_ERR_NO_DEVICE.
 *
 * Including this header does not pull in the CUDA headers; a cudaStream_t converts to
 * activ_cuda_stream implicitly (both are struct CUstream_st *).
 */
#ifndef ACTIV_CUDA_H
#define ACTIV_CUDA_H

#include <stddef.h>
#include "activ.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CUstream_st *activ_cuda_stream; /* the same type as cudaStream_t */

typedef enum activ_cuda_dtype {
    ACTIV_CUDA_F32 = 0,  /* IEEE binary32 */
    ACTIV_CUDA_BF16 = 1, /* bfloat16 (__nv_bfloat16) */
    ACTIV_CUDA_F16 = 2   /* IEEE binary16 (__half) */
} activ_cuda_dtype;

/* Bytes per element of a dtype (4 or 2), 0 for an unknown one. */
ACTIV_API size_t activ_cuda_dtype_size(activ_cuda_dtype dt);

/* Number of CUDA devices usable by this process; 0 when there is none or no driver. */
ACTIV_API int activ_cuda_device_count(void);
/* 1 if at least one device is usable, else 0. Tests skip (exit 77) when this is 0. */
ACTIV_API int activ_cuda_available(void);

/* ---------------------------------------------------------------------------------------
 * Element-wise activations (generic entry points; p may be NULL for the kind's defaults,
 * except prelu which needs p->slopes, a device array of p->channels floats)
 * ------------------------------------------------------------------------------------- */

/* y[i] = f(x[i]), i < n.  x, y are (n) of dtype dt; y may equal x.
 * Accuracy (every kind, every input; src/cuda/math_f32.cuh argues it, bench/gpu.sh sweeps it):
 * fp32 within 1 ULP forward and 2 ULP backward of the exact value; bf16 and fp16 within 1 ULP
 * of their own type (computed in fp32, rounded once).
 * Returns ACTIV_OK, or NULL/SIZE/SHAPE/PARAM/OVERLAP/KIND/CUDA/NO_DEVICE. */
ACTIV_API activ_status activ_cuda_forward(activ_kind kind, const activ_params *p,
                                          activ_cuda_dtype dt, const void *x, void *y, size_t n,
                                          activ_cuda_stream stream);

/* dx[i] = dy[i] * f'(x[i]).  x, dy, dx are (n) of dtype dt; dx may equal dy or x.
 * dparam (device, fp32, may be NULL): prelu writes da[channels], swish writes db[1]; other
 * kinds ignore it. Deterministic: same bits for the same inputs and size on every run,
 * whatever the grid. One pass over memory: each block sums its fixed tile's terms in
 * double in a fixed order and writes one partial; one small kernel adds the partials in a
 * fixed order. Error: prelu's terms dy*min(x,0) are exact in double, swish's dy*x^2*s*(1-s)
 * within 2^-20 relative; a fixed summation tree of depth m <= 160 + n/2^20 adds at most
 * m*2^-53 relative to sum|term|, so |dparam - exact| <= (2^-20 [swish] + m*2^-53) * sum|term|
 * + 2^-24 |dparam| (the final fp32 rounding).
 * Returns ACTIV_OK, or NULL/SIZE/SHAPE/PARAM/OVERLAP/KIND/NOMEM/CUDA/NO_DEVICE. */
ACTIV_API activ_status activ_cuda_backward(activ_kind kind, const activ_params *p,
                                           activ_cuda_dtype dt, const void *x, const void *dy,
                                           void *dx, size_t n, float *dparam,
                                           activ_cuda_stream stream);

/* dx[i] = dy[i] * g(y[i]) (activ.h's from-output table).  y, dy, dx are (n) of dtype dt.
 * Returns ACTIV_ERR_UNSUPPORTED for prelu, swish and hardswish, ACTIV_ERR_PARAM where
 * activ.h's table needs a range (leaky_relu a <= 0, elu a < 0, ...); otherwise as
 * activ_cuda_backward. */
ACTIV_API activ_status activ_cuda_backward_from_output(activ_kind kind, const activ_params *p,
                                                       activ_cuda_dtype dt, const void *y,
                                                       const void *dy, void *dx, size_t n,
                                                       activ_cuda_stream stream);

/* ---------------------------------------------------------------------------------------
 * Direct calls: the generic entries with the kind and parameters spelled out.
 * ------------------------------------------------------------------------------------- */

/* f(x) = max(0, x) */
ACTIV_API activ_status activ_cuda_relu_forward(activ_cuda_dtype dt, const void *x, void *y,
                                               size_t n, activ_cuda_stream s);
/* dx = dy * (x > 0) */
ACTIV_API activ_status activ_cuda_relu_backward(activ_cuda_dtype dt, const void *x, const void *dy,
                                                void *dx, size_t n, activ_cuda_stream s);
/* f(x) = x if x > 0 else alpha*x */
ACTIV_API activ_status activ_cuda_leaky_relu_forward(activ_cuda_dtype dt, const void *x, void *y,
                                                     size_t n, float alpha, activ_cuda_stream s);
/* dx = dy * (x > 0 ? 1 : alpha) */
ACTIV_API activ_status activ_cuda_leaky_relu_backward(activ_cuda_dtype dt, const void *x,
                                                      const void *dy, void *dx, size_t n,
                                                      float alpha, activ_cuda_stream s);
/* f(x) = x if x > 0 else slopes[c]*x, c = (i / inner) % channels; slopes is a device array */
ACTIV_API activ_status activ_cuda_prelu_forward(activ_cuda_dtype dt, const void *x, void *y,
                                                size_t n, const float *slopes, size_t channels,
                                                size_t inner, activ_cuda_stream s);
/* dx = dy * (x > 0 ? 1 : slopes[c]);  dslopes[c] = sum dy * min(x, 0) (device, may be NULL) */
ACTIV_API activ_status activ_cuda_prelu_backward(activ_cuda_dtype dt, const void *x,
                                                 const void *dy, void *dx, size_t n,
                                                 const float *slopes, size_t channels,
                                                 size_t inner, float *dslopes,
                                                 activ_cuda_stream s);
/* f(x) = x if x > 0 else alpha*(e^x - 1) */
ACTIV_API activ_status activ_cuda_elu_forward(activ_cuda_dtype dt, const void *x, void *y,
                                              size_t n, float alpha, activ_cuda_stream s);
/* dx = dy * (x > 0 ? 1 : alpha*e^x) */
ACTIV_API activ_status activ_cuda_elu_backward(activ_cuda_dtype dt, const void *x, const void *dy,
                                               void *dx, size_t n, float alpha,
                                               activ_cuda_stream s);
/* f(x) = x * sigmoid(beta*x) */
ACTIV_API activ_status activ_cuda_swish_forward(activ_cuda_dtype dt, const void *x, void *y,
                                                size_t n, float beta, activ_cuda_stream s);
/* dx = dy * (s + beta*x*s*(1-s));  *dbeta = sum dy * x^2 * s*(1-s) (device, may be NULL) */
ACTIV_API activ_status activ_cuda_swish_backward(activ_cuda_dtype dt, const void *x,
                                                 const void *dy, void *dx, size_t n, float beta,
                                                 float *dbeta, activ_cuda_stream s);
/* f(x) = 1 / (1 + e^-x) */
ACTIV_API activ_status activ_cuda_sigmoid_forward(activ_cuda_dtype dt, const void *x, void *y,
                                                  size_t n, activ_cuda_stream s);
/* dx = dy * s(x) * (1 - s(x)) */
ACTIV_API activ_status activ_cuda_sigmoid_backward(activ_cuda_dtype dt, const void *x,
                                                   const void *dy, void *dx, size_t n,
                                                   activ_cuda_stream s);
/* f(x) = tanh(x) */
ACTIV_API activ_status activ_cuda_tanh_forward(activ_cuda_dtype dt, const void *x, void *y,
                                               size_t n, activ_cuda_stream s);
/* dx = dy * (1 - tanh(x)^2) */
ACTIV_API activ_status activ_cuda_tanh_backward(activ_cuda_dtype dt, const void *x, const void *dy,
                                                void *dx, size_t n, activ_cuda_stream s);
/* From-output forms use activ_cuda_backward_from_output (relu, leaky_relu, elu, sigmoid, tanh). */

/* ---------------------------------------------------------------------------------------
 * Dense on cuBLASLt:  z = x W + b,  y = f(z)
 *
 * Layouts are row-major (C order), as in llm.c:
 *   x  is (batch, in)      W  is (in, out)       b, db are (out)
 *   z, y, dy, dz are (batch, out)                 dx is (batch, in), dW is (in, out)
 * All of x, W, b, y, dz, dx, dW, db have the dtype dt (ACTIV_CUDA_F32 or ACTIV_CUDA_BF16);
 * the GEMM accumulates in fp32 (CUBLAS_COMPUTE_32F, no TF32).
 * Forward: relu uses the RELU_BIAS epilogue (RELU_AUX_BIAS when `saved` is given, which keeps
 * the relu bit mask for activ_cuda_dense_backward_data_relu); every other kind uses the BIAS
 * epilogue and then one fused activation kernel (z kept in `saved` when given).
 * Note: inside the cuBLASLt relu epilogue, relu of a NaN is cuBLASLt's (it may give 0), so the
 * NaN rule of activ.h holds for the element-wise calls above, not inside that epilogue.
 * ------------------------------------------------------------------------------------- */

typedef struct activ_cuda_blas activ_cuda_blas; /* cuBLASLt handle + workspace (one per thread) */

/* Creates a handle on the current device. Returns ACTIV_OK, NULL, NOMEM, CUDA or NO_DEVICE. */
ACTIV_API activ_status activ_cuda_blas_create(activ_cuda_blas **h);
/* Frees it (NULL is allowed). Waits for nothing: destroy it only when its work is done. */
ACTIV_API void activ_cuda_blas_destroy(activ_cuda_blas *h);

/* Bytes of the `saved` buffer that forward fills for backward: relu keeps the cuBLASLt bit
 * mask (ceil(out/128)*16 bytes per row of the batch), other kinds keep z (batch*out elements).
 * 0 for a bad kind or dtype. */
ACTIV_API size_t activ_cuda_dense_saved_bytes(activ_kind kind, activ_cuda_dtype dt, size_t batch,
                                              size_t out);

/* y = f(x W + b).  saved may be NULL (inference), else activ_cuda_dense_saved_bytes bytes.
 * prelu: p->slopes has p->channels entries and p->inner = 1 / channels = out is the per-feature
 * layout (channel of y[r][o] is o % channels).
 * Returns ACTIV_OK, or NULL/SIZE/PARAM/KIND/UNSUPPORTED (dtype F16)/CUDA/NO_DEVICE. */
ACTIV_API activ_status activ_cuda_dense_forward(activ_cuda_blas *h, activ_kind kind,
                                                const activ_params *p, activ_cuda_dtype dt,
                                                size_t batch, size_t in, size_t out,
                                                const void *x, const void *w, const void *b,
                                                void *y, void *saved, activ_cuda_stream stream);

/* The backward of activ_cuda_dense_forward, given dy = dL/dy:
 *   dz = dy * f'(z)   (relu: from y; other kinds: from saved = z), one fused kernel
 *   db = sum over the batch of dz (deterministic, double accumulation), dW = x^T dz, dx = dz W^T
 * dz is a (batch, out) scratch of dtype dt that receives dL/dz (it may be exactly dy).
 * dx, dW, db, dparam may each be NULL to skip them. dparam: prelu da[channels], swish db[1].
 * Returns as activ_cuda_dense_forward, plus NOMEM. */
ACTIV_API activ_status activ_cuda_dense_backward(activ_cuda_blas *h, activ_kind kind,
                                                 const activ_params *p, activ_cuda_dtype dt,
                                                 size_t batch, size_t in, size_t out,
                                                 const void *x, const void *w, const void *y,
                                                 const void *saved, const void *dy, void *dz,
                                                 void *dx, void *dw, void *db, float *dparam,
                                                 activ_cuda_stream stream);

/* Back through this layer into a relu Dense layer below it, in one cuBLASLt call with the
 * DRELU_BGRAD epilogue: given this layer's dz (batch, out) and W (in, out), and the bit mask
 * saved by the forward pass of the layer below (whose out is this layer's in),
 *   dz_below = (dz W^T) * relu'(z_below)   (batch, in)
 *   db_below = sum over the batch of dz_below   (in)
 * This replaces this layer's dx GEMM and the layer below's dz kernel and bias reduction.
 * Returns ACTIV_OK, or NULL/SIZE/UNSUPPORTED/CUDA/NO_DEVICE. */
ACTIV_API activ_status activ_cuda_dense_backward_data_relu(activ_cuda_blas *h, activ_cuda_dtype dt,
                                                           size_t batch, size_t in, size_t out,
                                                           const void *w, const void *dz,
                                                           const void *saved_below,
                                                           void *dz_below, void *db_below,
                                                           activ_cuda_stream stream);

/* ---------------------------------------------------------------------------------------
 * softmax and log_softmax along one axis (fp32 device arrays; src/cuda/softmax.cu)
 *
 * The same definitions, axis rules (PyTorch's dim), NaN/inf semantics and aliasing rules as
 * activ_softmax_forward & co. in activ.h, and the same method: max-subtraction, T = the sum
 * of e^(x - m) over all but one maximum in double, e^d / (1 + T) and d - log1p(T) rounded
 * once (within 1 ULP: the CPU argument with CUDA's exp / log1p, within 2 double ULPs).
 * One block per row; every reduction is a fixed tree, so a given shape gives the same bits
 * on every run. Backward, from the output: the row sums (dy*y for softmax, dy for
 * log_softmax) are EXACT, in a fixed-point accumulator in shared memory fed by 64-bit
 * integer atomics (order-independent, so still deterministic); softmax then forms dy_k - s
 * exactly and is within 2 ULP for any input, as on the CPU. log_softmax's dy_k - e^(y_k) t is
 * formed in double here (the CPU uses long double): within 2 ULP whenever
 * |dx_k| >= 2^-26 |e^(y_k) t|, otherwise |error| <= 2^-50 |e^(y_k) t|.
 * Returns ACTIV_OK, or NULL/SHAPE/SIZE/PARAM (pointer not 4-byte aligned)/OVERLAP/CUDA/
 * NO_DEVICE.
 * ------------------------------------------------------------------------------------- */
ACTIV_API activ_status activ_cuda_softmax_forward(const float *x, float *y, const size_t *shape,
                                                  int ndim, int axis, activ_cuda_stream s);
ACTIV_API activ_status activ_cuda_log_softmax_forward(const float *x, float *y,
                                                      const size_t *shape, int ndim, int axis,
                                                      activ_cuda_stream s);
/* dx = y * (dy - sum_axis(dy * y)), y the softmax output */
ACTIV_API activ_status activ_cuda_softmax_backward(const float *y, const float *dy, float *dx,
                                                   const size_t *shape, int ndim, int axis,
                                                   activ_cuda_stream s);
/* dx = dy - e^y * sum_axis(dy), y the log_softmax output */
ACTIV_API activ_status activ_cuda_log_softmax_backward(const float *y, const float *dy,
                                                       float *dx, const size_t *shape, int ndim,
                                                       int axis, activ_cuda_stream s);

#ifdef __cplusplus
}
#endif

#endif /* ACTIV_CUDA_H */
