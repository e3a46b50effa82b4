/* manifest.h - the one list of kernels. Dispatch (src/dispatch.c), the tests and the
 * benchmarks all iterate these X-macros, so adding a function or an ISA is one line here
 * plus its math.
 *
 * Kernel naming: activ_f32_<kind>_<dir>__<isa>, dir = fwd | bwd | bwdy (from output).
 */
#ifndef ACTIV_KERNELS_MANIFEST_H
#define ACTIV_KERNELS_MANIFEST_H

#include <stddef.h>
#include "activ.h"

/* X(name, ACTIV_KIND, has_from_output) */
#define ACTIV_FOREACH_KIND(X)              \
    X(relu, ACTIV_RELU, 1)                 \
    X(leaky_relu, ACTIV_LEAKY_RELU, 1)     \
    X(prelu, ACTIV_PRELU, 0)               \
    X(elu, ACTIV_ELU, 1)                   \
    X(swish, ACTIV_SWISH, 0)               \
    X(sigmoid, ACTIV_SIGMOID, 1)           \
    X(tanh, ACTIV_TANH, 1)

/* X(name, ACTIV_ISA) - every path this project knows; activ_kernels_for() says which are
 * compiled in and supported by the running CPU. */
#define ACTIV_FOREACH_ISA(X)               \
    X(scalar, ACTIV_ISA_SCALAR)            \
    X(sse2, ACTIV_ISA_SSE2)                \
    X(avx2, ACTIV_ISA_AVX2)                \
    X(avx512, ACTIV_ISA_AVX512)            \
    X(neon, ACTIV_ISA_NEON)

/* Everything a kernel needs besides its arrays. Checked by src/api.c before any kernel runs. */
typedef struct activ_kargs {
    float alpha;         /* leaky_relu, elu */
    float beta;          /* swish */
    const float *slopes; /* prelu: slopes[channels] */
    size_t channels;     /* prelu (>= 1) */
    size_t inner;        /* prelu (>= 1) */
    size_t offset;       /* global index of element 0 of this call: element i of the call
                            belongs to channel ((offset + i) / inner) % channels */
    size_t total;        /* elements of the whole API call this chunk belongs to (0 = unknown):
                            a prefetch hint only, it never changes a result */
} activ_kargs;

/* y[i] = f(x[i]), i < n. y may equal x. Never reads or writes past n; any alignment. */
typedef void (*activ_fwd_fn)(const float *x, float *y, size_t n, const activ_kargs *a);
/* dx[i] = dy[i] * f'(x[i]). dx may equal x or dy. If acc != NULL the kernel ADDS its
 * reduction in double: prelu into acc[c] (sum of dy*min(x,0) over channel c), swish into
 * acc[0] (sum of dy*x^2*s*(1-s)). For bwdy kernels, x is the forward output y and acc is
 * unused. */
typedef void (*activ_bwd_fn)(const float *x, const float *dy, float *dx, size_t n,
                             const activ_kargs *a, double *acc);

typedef struct activ_kernels {
    activ_isa isa;
    activ_fwd_fn fwd[ACTIV_KIND_COUNT];
    activ_bwd_fn bwd[ACTIV_KIND_COUNT];
    activ_bwd_fn bwdy[ACTIV_KIND_COUNT]; /* NULL where there is no from-output form */
} activ_kernels;

/* The table of one path, or NULL when the path is not compiled in or the CPU/OS lacks it. */
const activ_kernels *activ_kernels_for(activ_isa isa);

#endif
