/*
 * activ.h - activation functions for fp32 tensors: forward and backward, exact to 1 ULP.
 *
 * Every function here is element-wise over n contiguous floats (prelu also looks at the
 * element's channel). Every call returns an activ_status; activ_status_str() explains it.
 * The library never prints, never exits, never allocates unless a reduction needs it,
 * never flushes subnormals and never changes the caller's floating-point environment.
 *
 * ---------------------------------------------------------------------------------------
 * The math (x: input, y: output, dy: upstream gradient, dx = dy * f'(x))
 *
 *   relu        f(x) = max(0, x)                     f'(x) = 1 if x > 0 else 0
 *   leaky_relu  f(x) = x if x > 0 else a*x           f'(x) = 1 if x > 0 else a      (a = 0.01)
 *   prelu       f(x) = x if x > 0 else a_c*x         f'(x) = 1 if x > 0 else a_c
 *               da_c = sum over the elements of channel c of dy * (x if x <= 0 else 0)
 *   elu         f(x) = x if x > 0 else a*(e^x - 1)   f'(x) = 1 if x > 0 else a*e^x  (a = 1)
 *   swish/silu  f(x) = x * s(b*x)                    f'(x) = s(bx) + b*x*s(bx)*(1 - s(bx))  (b = 1)
 *               db   = sum of dy * x^2 * s(bx) * (1 - s(bx))
 *   sigmoid     s(x) = 1 / (1 + e^-x)                s'(x) = s(x) * (1 - s(x))
 *   tanh        f(x) = tanh(x)                       f'(x) = 1 - tanh(x)^2
 *   relu6       f(x) = min(max(0, x), 6)             f'(x) = 1 if 0 < x < 6 else 0
 *   hardtanh    f(x) = min(max(lo, x), hi)           f'(x) = 1 if lo < x < hi else 0
 *               (lo = min_val = -1, hi = max_val = 1; needs lo <= hi)
 *   hardsigmoid f(x) = min(max(0, u), 1), u = a*x + b f'(x) = a if 0 < u < 1 else 0
 *               (a = alpha = 1/6, b = beta = 1/2: PyTorch's relu6(x + 3)/6; ONNX's
 *               HardSigmoid is alpha 0.2. The default alpha, the float nearest 1/6, means
 *               1/6 itself: u = x/6 + b, not 0.16666667f*x + b)
 *   hardswish   f(x) = x * relu6(x + 3) / 6          f'(x) = 0 if x < -3, x/3 + 1/2 if
 *                                                    -3 <= x <= 3, 1 if x > 3
 *   softsign    f(x) = x / (1 + |x|)                 f'(x) = 1 / (1 + |x|)^2
 *   relu2       f(x) = max(0, x)^2 (squared ReLU)    f'(x) = 2 max(0, x)
 *   thresholded_relu  f(x) = x if x > a else 0       f'(x) = 1 if x > a else 0  (a = 1)
 *   selu        f(x) = g*x if x > 0 else g*a*(e^x - 1)   f'(x) = g if x > 0 else g*a*e^x
 *               (a = alpha = 1.6732632, g = gamma = 1.0507010: PyTorch's constants)
 *   celu        f(x) = x if x > 0 else a*(e^(x/a) - 1)   f'(x) = 1 if x > 0 else e^(x/a)
 *               (a = 1; needs a > 0)
 *   gelu        f(x) = x * Phi(x), Phi(x) = (1 + erf(x/sqrt2))/2    f'(x) = Phi(x) + x*phi(x)
 *   gelu_tanh   f(x) = x/2 * (1 + tanh(u)), u = sqrt(2/pi)*(x + 0.044715*x^3)   (PyTorch's
 *               gelu(approximate='tanh'))        f'(x) = s(2u) + x*u'(x)*2*s(2u)*(1 - s(2u))
 *   softplus    f(x) = log(1 + e^(b*x)) / b, and f(x) = x where b*x > t  (b = beta 1,
 *               t = threshold 20, as PyTorch; needs b > 0)
 *                                                f'(x) = s(b*x), and 1 where b*x > t (at
 *                                                b*x = t the smooth branch, as PyTorch's backward)
 *   mish        f(x) = x * tanh(softplus(x))     f'(x) = tanh(sp) + x*(1 - tanh(sp)^2)*s(x)
 *   logsigmoid  f(x) = log s(x) = -softplus(-x)  f'(x) = s(-x) = 1 - s(x)
 *
 * From-output backward (the framework may free x after the forward pass): dx = dy * g(y)
 *   relu        g(y) = 1 if y > 0 else 0
 *   leaky_relu  g(y) = 1 if y > 0 else a             (needs a > 0)
 *   elu         g(y) = 1 if y > 0 else y + a         (needs a >= 0)
 *   sigmoid     g(y) = y * (1 - y)
 *   tanh        g(y) = 1 - y^2
 *   relu6       g(y) = 1 if 0 < y < 6 else 0
 *   hardtanh    g(y) = 1 if lo < y < hi else 0
 *   hardsigmoid g(y) = a if 0 < y < 1 else 0         (where u rounds to 1 exactly, 0)
 *   softsign    g(y) = (1 - |y|)^2
 *   relu2       g(y) = 2 sqrt(y) for y > 0, else 0
 *   thresholded_relu  g(y) = 1 if y > a else 0       (needs a >= 0)
 *   selu        g(y) = g if y > 0 else y + g*a       (needs g > 0, a >= 0)
 *   celu        g(y) = 1 if y > 0 else (y + a)/a
 *   softplus    g(y) = 1 - e^(-b*y), and 1 where b*y > t (exact wherever y came from the
 *               linear branch; within e^-t of s(b*x) for the few y of the smooth branch above
 *               t/b); 0 for y <= 0 (outside the range of f)
 *   logsigmoid  g(y) = 1 - e^y; 0 for y >= 0 (outside the range of f)
 * prelu, swish, hardswish (not invertible), gelu, gelu_tanh and mish have no from-output
 * form (ACTIV_ERR_UNSUPPORTED).
 *
 * ---------------------------------------------------------------------------------------
 * Semantics, identical on every code path (scalar, SSE2, AVX2, AVX-512, any thread count)
 *
 *   NaN     NaN in x (or y) gives NaN out, forward and backward: relu(NaN) = NaN.
 *           Backward is the IEEE product dy * f'(x), so a NaN dy also gives NaN, and an
 *           infinite dy where f'(x) = 0 gives NaN (inf * 0).
 *   inf     The mathematical limits: relu(-inf) = 0, sigmoid(-inf) = +0, sigmoid(+inf) = 1,
 *           tanh(+-inf) = +-1, elu(-inf) = -a, swish(-inf) = -0 for b > 0, f'(+-inf) is the
 *           limit of f' (0 for sigmoid and tanh; 1 or 0 for swish depending on the side).
 *           gelu, gelu_tanh, mish: f(+inf) = +inf, f(-inf) = -0, f'(+inf) = 1, f'(-inf) = -0
 *           (approached from below); softplus(-inf) = +0, softplus(+inf) = +inf;
 *           logsigmoid(-inf) = -inf, logsigmoid(+inf) = -0; their f' limits 0 and 1.
 *   -0      Kept wherever the math keeps it: relu(-0) = -0 (as PyTorch), leaky(-0) = -0,
 *           elu(-0) = -0, tanh(-0) = -0, swish(-0) = -0, sigmoid(-0) = 0.5, gelu(-0) =
 *           gelu_tanh(-0) = mish(-0) = -0 (softplus(-0) = log 2, logsigmoid(-0) = -log 2).
 *   kinks   PyTorch's conventions: relu'(0) = 0; leaky'(0) = a; prelu'(0) = a_c and the
 *           element adds 0 to da_c; elu'(0) = a (the x <= 0 branch). -0 and +0 agree.
 *           relu6 and hardtanh: 0 at both bounds (PyTorch's hardtanh_backward); hardsigmoid:
 *           0 at u = 0 and u = 1 (x = +-3); hardswish: -1/2 at x = -3 and 3/2 at x = 3
 *           (PyTorch's hardswish_backward formula, as its CUDA and scalar CPU code compute
 *           it; its vectorised CPU loop gives 1 at x = 3); relu2'(0) = 0;
 *           thresholded_relu'(a) = 0; selu'(0) = g*a and celu'(0) = 1 (the x <= 0 branch).
 *   more    relu6(-0) = hardtanh(-0) = -0 (clamps keep x); relu2(x <= 0) = +0;
 *           thresholded_relu(x <= a) = +0; hardswish(x <= -3) = -0 (PyTorch's x * 0), and
 *           hardswish(-inf) = -0 too; softsign(+-inf) = +-1; selu(-inf) = -g*a, celu(-inf) = -a.
 *   subnormals  Inputs and outputs are never flushed; subnormal results are rounded
 *           correctly to within the accuracy bound below.
 *
 * Accuracy (checked against a double-precision oracle by the sweep tool, tests/sweep.c)
 *   forward             every output within 1 ULP of the exact f(x), for every fp32 x
 *   backward            within 2 ULP of the exact dy * f'(x)
 *   from-output         within 2 ULP of the exact dy * g(y) for the given fp32 y
 *   da, db reductions   accumulated in double in fixed blocks, so the bits are the same for
 *                       any thread count
 *
 * Arguments
 *   n = 0 is a valid empty tensor: the call does nothing and returns ACTIV_OK (pointers may
 *   then be NULL; a requested da is zeroed, db is set to 0). Every other argument (kind,
 *   parameters, prelu shape and slopes, da/db overlap) is checked first, for n = 0 too:
 *   nothing is written unless the whole call is valid.
 *   y may be exactly x (in place) and dx may be exactly dy or x. Partial overlap of an output
 *   with an input, prelu slopes overlapping an output or da, is ACTIV_ERR_OVERLAP. Pointers
 *   need float alignment (a misaligned one is ACTIV_ERR_PARAM).
 *   Parameters (every field a kind reads, prelu slopes) must be finite (ACTIV_ERR_PARAM
 *   otherwise), and in the ranges the math table says.
 * ---------------------------------------------------------------------------------------
 */
#ifndef ACTIV_H
#define ACTIV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ACTIV_VERSION_MAJOR 0
#define ACTIV_VERSION_MINOR 1
#define ACTIV_VERSION_PATCH 0
#define ACTIV_VERSION_STRING "0.1.0"
/* ACTIV_VERSION_MAJOR * 10000 + ACTIV_VERSION_MINOR * 100 + ACTIV_VERSION_PATCH */
#define ACTIV_VERSION_NUMBER 100

#if defined(_WIN32)
#define ACTIV_API
#elif defined(__GNUC__)
#define ACTIV_API __attribute__((visibility("default")))
#else
#define ACTIV_API
#endif

/* Status codes. Every call returns one; ACTIV_OK is 0. */
typedef enum activ_status {
    ACTIV_OK = 0,
    ACTIV_ERR_NULL = 1,        /* a required pointer is NULL */
    ACTIV_ERR_SIZE = 2,        /* n, or a product of sizes, overflows the address space */
    ACTIV_ERR_SHAPE = 3,       /* shapes disagree: prelu channels*inner does not divide n, ... */
    ACTIV_ERR_PARAM = 4,       /* a parameter is out of range (non-finite a or b, ...) */
    ACTIV_ERR_OVERLAP = 5,     /* an output partially overlaps an input */
    ACTIV_ERR_KIND = 6,        /* unknown activation kind or name */
    ACTIV_ERR_UNSUPPORTED = 7, /* no such variant (from-output swish), or ISA not on this CPU */
    ACTIV_ERR_NOMEM = 8,       /* memory allocation failed */
    ACTIV_ERR_IO = 9,          /* a file could not be read or written */
    ACTIV_ERR_FORMAT = 10,     /* a file is truncated or malformed */
    ACTIV_ERR_CUDA = 11,       /* a CUDA or cuBLASLt call failed */
    ACTIV_ERR_NO_DEVICE = 12   /* no CUDA device, or the library was built without CUDA */
} activ_status;

/* A short English sentence for a status; never NULL (unknown codes say so). */
ACTIV_API const char *activ_status_str(activ_status s);

/* The library's version as "MAJOR.MINOR.PATCH" (the one it was built with). */
ACTIV_API const char *activ_version(void);
/* ACTIV_VERSION_NUMBER of the built library, to compare with the header's. */
ACTIV_API int activ_version_number(void);

/* ---------------------------------------------------------------------------------------
 * Activation kinds and the generic (oneDNN-style "eltwise") entry points
 * ------------------------------------------------------------------------------------- */

typedef enum activ_kind {
    ACTIV_RELU = 0,
    ACTIV_LEAKY_RELU = 1,
    ACTIV_PRELU = 2,
    ACTIV_ELU = 3,
    ACTIV_SWISH = 4,
    ACTIV_SIGMOID = 5,
    ACTIV_TANH = 6,
    ACTIV_RELU6 = 7,
    ACTIV_HARDTANH = 8,
    ACTIV_HARDSIGMOID = 9,
    ACTIV_HARDSWISH = 10,
    ACTIV_SOFTSIGN = 11,
    ACTIV_RELU2 = 12,
    ACTIV_THRESHOLDED_RELU = 13,
    ACTIV_SELU = 14,
    ACTIV_CELU = 15,
    ACTIV_GELU = 16,
    ACTIV_GELU_TANH = 17,
    ACTIV_SOFTPLUS = 18,
    ACTIV_MISH = 19,
    ACTIV_LOGSIGMOID = 20,
    ACTIV_KIND_COUNT = 21
} activ_kind;

/* The CLI name of a kind: the enum's name in lower case ("relu", "leaky_relu", ...,
 * "thresholded_relu", "selu", "celu", "gelu", "gelu_tanh", "softplus", "mish",
 * "logsigmoid"), or NULL for an unknown kind. */
ACTIV_API const char *activ_kind_name(activ_kind kind);
/* Parses a name (also "silu" for swish, case-sensitive). Returns ACTIV_ERR_KIND if unknown. */
ACTIV_API activ_status activ_kind_from_name(const char *name, activ_kind *kind);

/* Parameters of an activation. Fields a kind does not use are ignored. */
typedef struct activ_params {
    float alpha;         /* leaky_relu slope (0.01), elu alpha (1) */
    float beta;          /* swish beta (1), softplus beta (1, > 0) */
    const float *slopes; /* prelu: one slope per channel, slopes[channels] */
    size_t channels;     /* prelu: number of channels (1 = one shared slope) */
    size_t inner;        /* prelu: contiguous elements per channel run. Element i belongs to
                            channel (i / inner) % channels. Layout (N, C, S): inner = S.
                            Channels-last (N, S, C): inner = 1. */
    float gamma;         /* selu scale (PyTorch's 1.0507010) */
    float threshold;     /* softplus: linear above beta*x > threshold (20) */
    float min_val;       /* hardtanh lower bound (-1) */
    float max_val;       /* hardtanh upper bound (1) */
} activ_params;

/* PyTorch's defaults for a kind (the math table above; src/kernels/manifest.h lists them):
 * alpha 0.01 (leaky), 0.25 (prelu: the shared slope a caller may point slopes at), 1 (elu);
 * beta 1; channels 1, inner 1, slopes NULL (the caller must set it for prelu). Fields a kind
 * does not read are alpha 1, beta 1 and 0. */
ACTIV_API activ_params activ_default_params(activ_kind kind);

/* y[i] = f(x[i]) for i < n.  x is (n), y is (n); y may equal x. p may be NULL for the
 * kind's defaults (activ_default_params; prelu then needs p for its slopes).
 * Returns ACTIV_OK, or NULL/SIZE/SHAPE/PARAM/OVERLAP/KIND errors. */
ACTIV_API activ_status activ_forward(activ_kind kind, const activ_params *p, const float *x,
                                     float *y, size_t n);

/* dx[i] = dy[i] * f'(x[i]).  x, dy, dx are (n); dx may equal dy or x.
 * dparam (may be NULL): prelu writes da[channels], swish writes db[1]; other kinds ignore it.
 * Returns ACTIV_OK, or NULL/SIZE/SHAPE/PARAM/OVERLAP/KIND/NOMEM errors. */
ACTIV_API activ_status activ_backward(activ_kind kind, const activ_params *p, const float *x,
                                      const float *dy, float *dx, size_t n, float *dparam);

/* dx[i] = dy[i] * g(y[i]) where y = f(x) (see the table above).  y, dy, dx are (n).
 * Returns ACTIV_ERR_UNSUPPORTED for prelu, swish and hardswish, ACTIV_ERR_PARAM where the
 * table needs a range (leaky_relu a <= 0, elu a < 0, ...); otherwise as activ_backward. */
ACTIV_API activ_status activ_backward_from_output(activ_kind kind, const activ_params *p,
                                                  const float *y, const float *dy, float *dx,
                                                  size_t n);

/* ---------------------------------------------------------------------------------------
 * Direct calls, one per function and direction. Each is activ_forward / activ_backward /
 * activ_backward_from_output with the kind and parameters spelled out.
 * ------------------------------------------------------------------------------------- */

/* f(x) = max(0, x) */
ACTIV_API activ_status activ_relu_forward(const float *x, float *y, size_t n);
/* dx = dy * (x > 0) */
ACTIV_API activ_status activ_relu_backward(const float *x, const float *dy, float *dx, size_t n);
/* dx = dy * (y > 0) */
ACTIV_API activ_status activ_relu_backward_from_output(const float *y, const float *dy,
                                                       float *dx, size_t n);

/* f(x) = x if x > 0 else alpha*x */
ACTIV_API activ_status activ_leaky_relu_forward(const float *x, float *y, size_t n, float alpha);
/* dx = dy * (x > 0 ? 1 : alpha) */
ACTIV_API activ_status activ_leaky_relu_backward(const float *x, const float *dy, float *dx,
                                                 size_t n, float alpha);
/* dx = dy * (y > 0 ? 1 : alpha), alpha > 0 */
ACTIV_API activ_status activ_leaky_relu_backward_from_output(const float *y, const float *dy,
                                                             float *dx, size_t n, float alpha);

/* f(x) = x if x > 0 else slopes[c]*x, c = (i / inner) % channels; n % (channels*inner) == 0 */
ACTIV_API activ_status activ_prelu_forward(const float *x, float *y, size_t n,
                                           const float *slopes, size_t channels, size_t inner);
/* dx = dy * (x > 0 ? 1 : slopes[c]);  dslopes[c] = sum dy * min(x, 0) (dslopes may be NULL) */
ACTIV_API activ_status activ_prelu_backward(const float *x, const float *dy, float *dx, size_t n,
                                            const float *slopes, size_t channels, size_t inner,
                                            float *dslopes);

/* f(x) = x if x > 0 else alpha*(e^x - 1) */
ACTIV_API activ_status activ_elu_forward(const float *x, float *y, size_t n, float alpha);
/* dx = dy * (x > 0 ? 1 : alpha*e^x) */
ACTIV_API activ_status activ_elu_backward(const float *x, const float *dy, float *dx, size_t n,
                                          float alpha);
/* dx = dy * (y > 0 ? 1 : y + alpha), alpha >= 0 */
ACTIV_API activ_status activ_elu_backward_from_output(const float *y, const float *dy, float *dx,
                                                      size_t n, float alpha);

/* f(x) = x * sigmoid(beta*x)  (silu when beta = 1) */
ACTIV_API activ_status activ_swish_forward(const float *x, float *y, size_t n, float beta);
/* dx = dy * (s + beta*x*s*(1-s)), s = sigmoid(beta*x);  *dbeta = sum dy * x^2 * s*(1-s)
 * (dbeta may be NULL) */
ACTIV_API activ_status activ_swish_backward(const float *x, const float *dy, float *dx, size_t n,
                                            float beta, float *dbeta);

/* f(x) = 1 / (1 + e^-x) */
ACTIV_API activ_status activ_sigmoid_forward(const float *x, float *y, size_t n);
/* dx = dy * s(x) * (1 - s(x)) */
ACTIV_API activ_status activ_sigmoid_backward(const float *x, const float *dy, float *dx, size_t n);
/* dx = dy * y * (1 - y) */
ACTIV_API activ_status activ_sigmoid_backward_from_output(const float *y, const float *dy,
                                                          float *dx, size_t n);

/* f(x) = tanh(x) */
ACTIV_API activ_status activ_tanh_forward(const float *x, float *y, size_t n);
/* dx = dy * (1 - tanh(x)^2) */
ACTIV_API activ_status activ_tanh_backward(const float *x, const float *dy, float *dx, size_t n);
/* dx = dy * (1 - y^2) */
ACTIV_API activ_status activ_tanh_backward_from_output(const float *y, const float *dy,
                                                       float *dx, size_t n);

/* ---------------------------------------------------------------------------------------
 * Code paths and threads (process-wide settings, safe to change from any thread)
 * ------------------------------------------------------------------------------------- */

typedef enum activ_isa {
    ACTIV_ISA_SCALAR = 0, /* portable C */
    ACTIV_ISA_SSE2 = 1,   /* any x86-64 */
    ACTIV_ISA_AVX2 = 2,   /* AVX2 + FMA */
    ACTIV_ISA_AVX512 = 3, /* AVX-512F */
    ACTIV_ISA_NEON = 4,   /* AArch64 */
    ACTIV_ISA_COUNT = 5
} activ_isa;

/* "scalar", "sse2", "avx2", "avx512", "neon", or NULL. */
ACTIV_API const char *activ_isa_name(activ_isa isa);
/* 1 if this build has the path and the CPU (and OS) support it, else 0. */
ACTIV_API int activ_isa_supported(activ_isa isa);
/* The path in use: the best supported one, unless ACTIV_ISA or activ_set_isa chose another. */
ACTIV_API activ_isa activ_get_isa(void);
/* Forces a path. Returns ACTIV_ERR_UNSUPPORTED if it is not supported here. */
ACTIV_API activ_status activ_set_isa(activ_isa isa);

/* Threads used for large inputs. 0 restores the default (ACTIV_NUM_THREADS, else the CPUs
 * this process may run on). Results are bitwise identical for any count. Returns
 * ACTIV_ERR_PARAM for a negative count. */
ACTIV_API activ_status activ_set_num_threads(int n);
ACTIV_API int activ_get_num_threads(void);

/* Runs fn(ctx, i) once for every i < n on the library's thread pool (activ_get_num_threads()
 * threads, the caller among them) and returns when all n calls have returned. The calls run
 * serially in the caller when one thread is set, when another thread is using the pool, or
 * when called from inside a task. Tasks must not depend on the thread that runs them or on
 * their order; then the result is the same for any thread count. libactiv_nn threads its
 * layers with it; callers may use it for their own loops around the kernels.
 * ACTIV_ERR_NULL if fn is NULL and n > 0. */
typedef void (*activ_task_fn)(void *ctx, size_t i);
ACTIV_API activ_status activ_parallel_for_each(size_t n, activ_task_fn fn, void *ctx);

/* =======================================================================================
 * softmax and log_softmax along one axis, gated linear units, and 16-bit storage
 * (src/softmax.c, src/gated.c, src/half.c)
 * =======================================================================================
 *
 * ---- softmax / log_softmax --------------------------------------------------------------
 * x is a C-order tensor of shape[ndim] (1 <= ndim <= ACTIV_MAX_DIMS); the function acts
 * along `axis`, given as PyTorch's dim: 0 .. ndim-1, or -ndim .. -1 counted from the end
 * (-1 = the last axis). Every "row" (the elements that differ only in the axis index) is
 * normalised on its own:
 *   softmax      y_k = e^(x_k - m) / S,          m = max_j x_j,  S = sum_j e^(x_j - m)
 *   log_softmax  y_k = (x_k - m) - log S
 * Backward, from the output y (PyTorch's form, so x may be freed after the forward pass):
 *   softmax      dx_k = y_k * (dy_k - s),        s = sum_j dy_j * y_j
 *   log_softmax  dx_k = dy_k - e^(y_k) * t,      t = sum_j dy_j
 *
 * How the bounds hold (u = 2^-53, the double unit roundoff):
 *   Forward. m is exact (a float). d_k = x_k - m <= 0 in double has relative error <= u.
 *   e^(d_k) comes from the kernels' double exp (the path's vector code, relative error
 *   < 2^-28.9; d's error adds < 2^-44.6 where the result can still show, |d| <= 300; below
 *   d = -300 it gives e^-300, which no fp32 result can show next to S >= 1; e^-inf is 0).
 *   T = the sum of e^(d_j) over every j except ONE index of the maximum (whose term is
 *   exactly 1), in blocks of 256 (relative error of the summation <= (256 + n/256) * 1.01u,
 *   < 2^-29 for any axis length n < 2^32: all terms are non-negative, so the bound is
 *   relative). glibc's log1p is within 1 double ULP (2u).
 *   softmax:  e^(d_k) * (1 / (1 + T)): relative error < 2^-28.9 + 2^-28.9 + 2^-29 + 4u
 *             < 2^-27.3, so the fp32 result is within 0.5 + 2^-27.3 * 2^24 < 0.6 ULP.
 *   log_softmax: L = log1p(T) has relative error <= eps_T + 2u < 2^-27.9 (log1p's condition
 *             number T / ((1+T) log1p T) <= 1), and y_k = d_k - L is a sum of two values of
 *             the same sign (d_k <= 0, -L <= 0): no cancellation, so its relative error is
 *             at most the larger of the two plus u: < 2^-27.8, within 0.58 ULP.
 *   (Writing S = 1 + T and using log1p is what keeps the max element's log_softmax, -L,
 *   accurate when T is tiny; log(S) would lose it.)
 *   Backward, softmax. Every product dy_j * y_j is exact in double (24 x 24 bits). s is
 *   first summed compensated (Ogita, Rump and Oishi's Sum2, in 1 to 16 chains) with an
 *   a-posteriori bound; where that bound shows the double sd within 2^-45.9 |s| it is used,
 *   otherwise s is summed EXACTLY (a non-overlapping expansion of doubles, Shewchuk's
 *   grow-expansion as in Python's math.fsum) and rounded (within 2^-43.6 |s|). Where
 *   |dy_k - sd| >= 2^-16 |sd| (2^-10 after the exact sum), dy_k - sd in double is within
 *   2^-29.9 of dy_k - s (relative), and the fp32 result within 0.5 + 2^-5.9 ULP. Elsewhere
 *   dy_k - s is formed exactly in the expansion and rounded to double (relative error
 *   <= 2u), multiplied by y_k (u) and rounded to fp32 once: within 0.5 + 2^-26 ULP of the
 *   exact y_k (dy_k - s) for the given fp32 y and dy, even when dy_k - s cancels.
 *   Backward, log_softmax. t = sum dy_j as above (td in double, within 2^-45.9 or, after
 *   the exact sum, 2^-43.6). First in double: q = e^(y_k) * td (e^y from the path's vector
 *   exp, within 2^-50.7, on rows along the last axis, glibc's exp elsewhere; |error| <=
 *   2^-45.6 |q|, 2^-43.5 after the exact sum) and dy_k - q; where that difference is at
 *   least 2^-16 |q| (2^-10) and q is normal and finite, it is within 2^-29.6 of dx_k
 *   (relative), so the fp32 result within 0.5 + 2^-5.6 ULP. Elsewhere (dy_k and q agree
 *   to 16 (10) bits, or q is 0, tiny, huge or NaN) t is taken within 2^-63 (Sum2's pair
 *   where its bound allows, else the exact sum) and
 *   q = e^(y_k) * t and dx_k = dy_k - q again in long double (64-bit significand on x86-64:
 *   expl within 2 of its ULPs, so q has relative error < 2^-61). dx_k is then within
 *   0.5 + 2^-61 |q| / ULP(dx_k) ULP: within 2 ULP whenever |dx_k| >= 2^-37 |q|, and in
 *   general |error| <= 2^-61 |q| + 0.5 ULP. e^(y_k) is transcendental, so dy_k and q never
 *   cancel exactly; this cancellation window is the one place where the 2 ULP bound is
 *   conditional (it needs dy_k to agree with e^(y_k) * t to 37 bits).
 *   tests/test_softmax.c prints the largest errors it measures.
 *
 * Semantics (forward): a row whose maximum is not finite is NaN in every element: a NaN
 * anywhere, a +inf anywhere (inf - inf), or only -inf (PyTorch gives the same NaN rows).
 * Otherwise -inf elements give softmax +0 and log_softmax -inf, and nothing overflows
 * (every exponent is of x - max <= 0). Backward: when a term of the row's sum (dy*y for
 * softmax, dy for log_softmax) is NaN or infinite, the sum is the plain double sum and the
 * IEEE rules give the result (NaN or inf, as PyTorch's formula would); a NaN y or dy
 * element otherwise gives NaN in its own dx.
 * Threads: rows are split into chunks that depend on the shape only; every row is computed
 * by one thread in a fixed order, so the bits are the same for any thread count (the
 * forwards' vector kernels may give other bits on another CPU path, within the bounds).
 * Aliasing: y may be exactly x; dx may be exactly dy or y; partial overlap is
 * ACTIV_ERR_OVERLAP. A zero-size dimension is a valid empty tensor (ACTIV_OK).
 */
#define ACTIV_MAX_DIMS 16

/* softmax of x (shape[ndim]) along axis into y (same shape).
 * Returns ACTIV_OK, or NULL (x, y or shape NULL), SHAPE (ndim out of 1..ACTIV_MAX_DIMS or
 * axis out of range), SIZE (the element count overflows), OVERLAP, NOMEM. */
ACTIV_API activ_status activ_softmax_forward(const float *x, float *y, const size_t *shape,
                                             int ndim, int axis);
/* log_softmax along axis; as activ_softmax_forward. */
ACTIV_API activ_status activ_log_softmax_forward(const float *x, float *y, const size_t *shape,
                                                 int ndim, int axis);
/* dx = y * (dy - sum_axis(dy * y)) from the softmax output y.  y, dy, dx have the shape. */
ACTIV_API activ_status activ_softmax_backward(const float *y, const float *dy, float *dx,
                                              const size_t *shape, int ndim, int axis);
/* dx = dy - e^y * sum_axis(dy) from the log_softmax output y. */
ACTIV_API activ_status activ_log_softmax_backward(const float *y, const float *dy, float *dx,
                                                  const size_t *shape, int ndim, int axis);

/* ---- gated linear units -----------------------------------------------------------------
 * Two inputs of the same shape, a (through f) and b (linear):  y = f(a) * b
 *   swiglu  f = silu,  f(a) = a * s(a), s = 1/(1+e^-a)      f'(a) = s + a s (1-s)
 *   geglu   f = gelu (erf form), f(a) = a * Phi(a), Phi(a) = erfc(-a/sqrt2)/2
 *                                                           f'(a) = Phi(a) + a phi(a)
 *   reglu   f = relu,  f(a) = max(0, a)                      f'(a) = 1 if a > 0 else 0
 * Backward, given dy = dL/dy:   da = dy * b * f'(a),   db = dy * f(a).
 *
 * Accuracy: the same contract as the element-wise functions: y within 1 ULP, da and db
 * within 2 ULP of the exact value for the given fp32 a, b, dy. f(a) * b is NOT an fp32 f(a)
 * multiplied by b (that would add up to 1 ULP of f's error to the product's rounding): the
 * whole product is evaluated in double and rounded to fp32 once. The kernels are the
 * element-wise ones' vector math, compiled per code path (src/kernels/gated.inc): silu and
 * gelu in double lanes with the error bounds of swish and gelu (f relative error < 2^-28.6,
 * dy' * f' < 2^-26.5 with dy' = dy * b exact in double, the Taylor window around the root of
 * f' included: silu near a = -1.2785, gelu near -0.7518), then one rounding: y and db within
 * 0.55 ULP, da within 0.6 ULP; relu in fp32 lanes, correctly rounded.
 * Semantics: IEEE products in double: NaN in a or b gives NaN; f(-inf) = -0 (silu, gelu),
 * f(+inf) = +inf, so reglu(-1, inf) = 0 * inf = NaN as in PyTorch's relu(a) * b; -0 is kept
 * where the product keeps it; relu'(0) = 0 (PyTorch). (With b = +-inf and an f(a) that rounds
 * to 0 in fp32 but not in double, e.g. silu(-200), y is +-inf; silu(a < -300) is taken as -0
 * there, so y is NaN.)
 *
 * Layouts. The two-array form takes a, b, y of n elements (y may be exactly a or b; da may be
 * exactly a or dy, db exactly b or dy; da and db must be distinct). The split form takes
 * one array x of rows x (2h) (C order) and follows PyTorch's F.glu: the FIRST half of each
 * row is the linear factor b and the SECOND half goes through f:
 *   y[r][j] = x[r][j] * f(x[r][h + j])        y is rows x h
 *   dx[r][j] = dy[r][j] * f(x[r][h+j]),  dx[r][h+j] = dy[r][j] * x[r][j] * f'(x[r][h+j])
 * (dx is rows x 2h and must not overlap x or dy.)
 */
typedef enum activ_glu_kind {
    ACTIV_SWIGLU = 0,
    ACTIV_GEGLU = 1,
    ACTIV_REGLU = 2,
    ACTIV_GLU_COUNT = 3
} activ_glu_kind;

/* "swiglu", "geglu", "reglu", or NULL. */
ACTIV_API const char *activ_glu_name(activ_glu_kind kind);
/* Parses one of those names. Returns ACTIV_OK, ACTIV_ERR_NULL or ACTIV_ERR_KIND. */
ACTIV_API activ_status activ_glu_from_name(const char *name, activ_glu_kind *kind);

/* y[i] = f(a[i]) * b[i], i < n.  Returns ACTIV_OK, or NULL/SIZE/KIND/OVERLAP. */
ACTIV_API activ_status activ_glu_forward(activ_glu_kind kind, const float *a, const float *b,
                                         float *y, size_t n);
/* da[i] = dy[i] * b[i] * f'(a[i]),  db[i] = dy[i] * f(a[i]).  Returns as above. */
ACTIV_API activ_status activ_glu_backward(activ_glu_kind kind, const float *a, const float *b,
                                          const float *dy, float *da, float *db, size_t n);
/* Split form: x is (rows, 2h), y is (rows, h). Returns ACTIV_OK, or NULL/SIZE/KIND/OVERLAP. */
ACTIV_API activ_status activ_glu_split_forward(activ_glu_kind kind, const float *x, float *y,
                                               size_t rows, size_t h);
/* Split form backward: x (rows, 2h), dy (rows, h), dx (rows, 2h). */
ACTIV_API activ_status activ_glu_split_backward(activ_glu_kind kind, const float *x,
                                                const float *dy, float *dx, size_t rows,
                                                size_t h);

/* ---- 16-bit storage on the CPU ----------------------------------------------------------
 * Every element-wise kind (activ_kind) on arrays of 16-bit floats, stored as uint16_t bit
 * patterns (little or big endian is the machine's; no struct, no compiler extension):
 *   ACTIV_F16   IEEE 754 binary16 (1 sign, 5 exponent, 10 fraction bits; numpy float16)
 *   ACTIV_BF16  bfloat16, the top 16 bits of a binary32
 * Arithmetic is fp32 or better. Everywhere the inputs are converted to fp32 exactly (every
 * 16-bit value is an fp32) and results are rounded to the 16-bit type with
 * round-to-nearest-even (subnormals kept, overflow to +-inf, NaN stays NaN and is quieted).
 * On the AVX2 (with F16C) and AVX-512 paths the 16-bit kernels are fused
 * (src/kernels/half_fused.inc): the conversions sit in their loads and stores (one pass;
 * F16C / AVX-512F vcvtph2ps and vcvtps2ph, bfloat16 by integer rounding), relu works on the
 * bit patterns, and most kinds evaluate in fp32 lanes instead of the fp32 kernels' double
 * lanes, since a 16-bit result needs an fp32 value only within about 2^-12 relative (the
 * error arguments are next to the code, half_fused.inc and half_smooth.inc); lanes outside
 * a formula's fast domain (NaN, +-inf, huge or tiny values, the roots of f') take the fp32
 * kernel's formula. So there the result may differ from the 16-bit rounding of the path's
 * fp32 kernel by one step where the exact value is next to a rounding tie (elu, selu, celu,
 * sigmoid, tanh, swish, softplus, logsigmoid, mish, gelu_tanh, relu2, softsign,
 * hardsigmoid, hardswish), never in sign or NaN-ness; the other kinds (prelu too, every
 * channel layout) give its bits. Elsewhere (scalar, SSE2, AVX2 without F16C) blocks of
 * inputs are converted (portable C, AVX2 integer rounding for bfloat16) and the path's fp32
 * kernel runs on them.
 * Paths are chosen once from cpuid like the kernels (ACTIV_ISA / activ_set_isa pick one).
 * Every element's result depends on its own inputs only (NaN payloads aside): the same
 * for any thread count, split or alignment.
 *
 * Accuracy: within 1 ULP of the 16-bit type (forward, backward, from-output). Argument:
 * the fp32 result r is within k fp32 ULPs of the exact v (k = 1 forward, 2 backward, the
 * fp32 kernels; the fp32-lane formulas: a relative error below 2^-14, i.e. k < 2^10), so
 * |r - v| <= k 2^-13 ULP16 (fp16: 11 vs 24 significand bits; bf16: 2^-16 ULP16, 8 bits;
 * in the fp16 subnormal range the fp32 ULP is smaller still). Rounding r to the nearest
 * 16-bit value q: |q - r| <= |p - r| for p = the 16-bit value nearest v, so
 * |q - v| <= |p - v| + 2|r - v| <= 0.5 + 2k 2^-13 ULP16 (< 0.51 for the fp32 kernels,
 * < 0.75 for the fp32-lane formulas). Overflow counts +-inf as
 * the next power of two (65536 for fp16), as activ_ulp_error does: a v just under the
 * rounding threshold 65520 that comes out inf is then 0.5 ULP off. tests/sweep (--half)
 * checks all 65536 inputs of each type for every kind and direction.
 * Parameters (alpha, beta, prelu slopes) stay fp32; prelu da and swish db are fp32, summed
 * in double as for fp32. Aliasing and argument checks as for the fp32 calls.
 */
typedef enum activ_half {
    ACTIV_F16 = 0,
    ACTIV_BF16 = 1
} activ_half;

/* y[i] = f(x[i]) on 16-bit storage dt. As activ_forward. */
ACTIV_API activ_status activ_forward16(activ_half dt, activ_kind kind, const activ_params *p,
                                       const uint16_t *x, uint16_t *y, size_t n);
/* dx[i] = dy[i] * f'(x[i]) on 16-bit storage; dparam (fp32) as activ_backward. */
ACTIV_API activ_status activ_backward16(activ_half dt, activ_kind kind, const activ_params *p,
                                        const uint16_t *x, const uint16_t *dy,
                                        uint16_t *dx, size_t n, float *dparam);
/* dx[i] = dy[i] * g(y[i]) on 16-bit storage. As activ_backward_from_output. */
ACTIV_API activ_status activ_backward_from_output16(activ_half dt, activ_kind kind,
                                                    const activ_params *p,
                                                    const uint16_t *y,
                                                    const uint16_t *dy,
                                                    uint16_t *dx, size_t n);
/* ---- 16-bit storage for softmax and the gated units --------------------------------------
 * The same calls as above on 16-bit arrays (dt as for activ_forward16), with the same shapes,
 * argument checks and aliasing rules (applied to the 16-bit arrays) and one more status,
 * PARAM for an unknown dt. The inputs are converted to fp32 exactly, the fp32 call runs on
 * fp32 copies of them (the backwards: on the stack for rows of up to 2048 along the last
 * axis, otherwise from the heap, NOMEM when they do not fit), and each result is rounded to
 * the 16-bit type once. So a result is the 16-bit rounding of what the fp32 call
 * gives for the same (converted) inputs (a NaN where it gives a NaN; the sign and payload of a
 * NaN may differ), and the argument above carries over: the fp32 call is within k fp32 ULPs
 * (softmax forward 0.6, log_softmax forward 0.58, softmax backward 0.52, log_softmax
 * backward 0.52 outside its conditional window, the gated units 0.55 forward and 0.6
 * backward), so the 16-bit result is within 0.5 + 2k 2^-13 < 0.51 ULP16 (bf16: 2^-16
 * instead of 2^-13). The softmax and log_softmax forwards take no fp32 copies: each row's
 * blocks are widened on the way in and the fp32 results rounded on the way out
 * (src/softmax.c), the same bits. Where a 16-bit result needs less, it gets less work:
 *   - the gated units run in one pass on AVX2 with F16C and AVX-512, the conversions in the
 *     kernels' loads and stores, and there swiglu and geglu evaluate f in fp32 lanes
 *     (src/kernels/gated_half.inc: f within 2^-15 relative, special and out-of-range lanes
 *     through the fp32 kernel's formula): within 0.5 + 2^-3 ULP16, and a result may then be
 *     one 16-bit step from the rounding of the fp32 call where the exact value is next to a
 *     rounding tie, never in sign, NaN-ness or infinity.
 * Threads as for the fp32 calls: the bits do not depend on the thread count. */
ACTIV_API activ_status activ_softmax_forward16(activ_half dt, const uint16_t *x, uint16_t *y,
                                               const size_t *shape, int ndim, int axis);
ACTIV_API activ_status activ_log_softmax_forward16(activ_half dt, const uint16_t *x, uint16_t *y,
                                                   const size_t *shape, int ndim, int axis);
ACTIV_API activ_status activ_softmax_backward16(activ_half dt, const uint16_t *y,
                                                const uint16_t *dy, uint16_t *dx,
                                                const size_t *shape, int ndim, int axis);
ACTIV_API activ_status activ_log_softmax_backward16(activ_half dt, const uint16_t *y,
                                                    const uint16_t *dy, uint16_t *dx,
                                                    const size_t *shape, int ndim, int axis);
ACTIV_API activ_status activ_glu_forward16(activ_half dt, activ_glu_kind kind, const uint16_t *a,
                                           const uint16_t *b, uint16_t *y, size_t n);
ACTIV_API activ_status activ_glu_backward16(activ_half dt, activ_glu_kind kind, const uint16_t *a,
                                            const uint16_t *b, const uint16_t *dy, uint16_t *da,
                                            uint16_t *db, size_t n);
ACTIV_API activ_status activ_glu_split_forward16(activ_half dt, activ_glu_kind kind,
                                                 const uint16_t *x, uint16_t *y, size_t rows,
                                                 size_t h);
ACTIV_API activ_status activ_glu_split_backward16(activ_half dt, activ_glu_kind kind,
                                                  const uint16_t *x, const uint16_t *dy,
                                                  uint16_t *dx, size_t rows, size_t h);

/* One value: fp32 -> 16-bit with round-to-nearest-even (the library's conversion), and the
 * exact 16-bit -> fp32. */
ACTIV_API uint16_t activ_half_from_f32(activ_half dt, float f);
ACTIV_API float activ_half_to_f32(activ_half dt, uint16_t h);

/* ---- bias + activation -----------------------------------------------------------------
 * A Dense layer's epilogue in one pass per row (the row stays in L1): z is (rows, cols),
 * b is (cols), y is (rows, cols).
 *   z[r][c] = z[r][c] + b[c]   (in place, rounded to fp32: the pre-activation a backward needs)
 *   y[r][c] = f(z[r][c])       (kind's kernel; kind -1 means no activation, y unused)
 * The arguments are checked once per call (as activ_forward's, n = rows * cols, element i of
 * the call at index r * cols + c for prelu's channels), then the kernels run row by row,
 * threaded over rows. y may be exactly z. Bitwise the same as adding b and calling
 * activ_forward. Returns ACTIV_OK, or NULL/SIZE/SHAPE/PARAM/OVERLAP/KIND. */
ACTIV_API activ_status activ_bias_forward(activ_kind kind, const activ_params *p, float *z,
                                          const float *b, float *y, size_t rows, size_t cols);

#ifdef __cplusplus
}
#endif

#endif /* ACTIV_H */
