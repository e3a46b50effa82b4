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
 *
 * From-output backward (the framework may free x after the forward pass): dx = dy * g(y)
 *   relu        g(y) = 1 if y > 0 else 0
 *   leaky_relu  g(y) = 1 if y > 0 else a             (needs a > 0)
 *   elu         g(y) = 1 if y > 0 else y + a         (needs a >= 0)
 *   sigmoid     g(y) = y * (1 - y)
 *   tanh        g(y) = 1 - y^2
 * prelu and swish have no from-output form (ACTIV_ERR_UNSUPPORTED).
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
 *   -0      Kept wherever the math keeps it: relu(-0) = -0 (as PyTorch), leaky(-0) = -0,
 *           elu(-0) = -0, tanh(-0) = -0, swish(-0) = -0, sigmoid(-0) = 0.5.
 *   kinks   PyTorch's conventions: relu'(0) = 0; leaky'(0) = a; prelu'(0) = a_c and the
 *           element adds 0 to da_c; elu'(0) = a (the x <= 0 branch). -0 and +0 agree.
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
 *   then be NULL; a requested da is zeroed, db is set to 0). The kind and the parameters
 *   are still checked, and a failing call (any n) writes nothing.
 *   y may be exactly x (in place) and dx may be exactly dy or x. Partial overlap of an output
 *   with an input is ACTIV_ERR_OVERLAP, as is any overlap of an output with the prelu
 *   slopes or of da / db with anything. Pointers need only float alignment.
 *   Parameters (a, b, prelu slopes) must be finite (ACTIV_ERR_PARAM otherwise).
 * ---------------------------------------------------------------------------------------
 */
#ifndef ACTIV_H
#define ACTIV_H

#include <stddef.h>

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
    ACTIV_KIND_COUNT = 7
} activ_kind;

/* The CLI name of a kind ("relu", "leaky_relu", "prelu", "elu", "swish", "sigmoid", "tanh"),
 * or NULL for an unknown kind. */
ACTIV_API const char *activ_kind_name(activ_kind kind);
/* Parses a name (also "silu" for swish, case-sensitive). Returns ACTIV_ERR_KIND if unknown. */
ACTIV_API activ_status activ_kind_from_name(const char *name, activ_kind *kind);

/* Parameters of an activation. Fields a kind does not use are ignored. */
typedef struct activ_params {
    float alpha;         /* leaky_relu slope (0.01), elu alpha (1) */
    float beta;          /* swish beta (1) */
    const float *slopes; /* prelu: one slope per channel, slopes[channels] */
    size_t channels;     /* prelu: number of channels (1 = one shared slope) */
    size_t inner;        /* prelu: contiguous elements per channel run. Element i belongs to
                            channel (i / inner) % channels. Layout (N, C, S): inner = S.
                            Channels-last (N, S, C): inner = 1. */
} activ_params;

/* PyTorch's defaults for a kind: alpha 0.01 (leaky) or 1 (elu), beta 1, channels 1, inner 1,
 * slopes NULL (the caller must set it for prelu). */
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
 * Returns ACTIV_ERR_UNSUPPORTED for prelu and swish, ACTIV_ERR_PARAM for leaky_relu with
 * a <= 0 or elu with a < 0; otherwise as activ_backward. */
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

#ifdef __cplusplus
}
#endif

#endif /* ACTIV_H */
