/* manifest.h - the one list of activation kinds and code paths. Everything that depends on
 * which kinds exist iterates these X-macros: the kernel tables (kernels/math.inc), the
 * dispatch (src/dispatch.c), the kind names, defaults, classification and argument checks
 * (src/kinds.c, src/validate.c, src/api.c), the CUDA entry points (src/cuda/eltwise.cu), the
 * CLI's names and options (tools/activ), `activ table`, `activ plot`, `activ bench`, the
 * tests and the accuracy sweep. Adding an element-wise function is one ACTIV_FOREACH_KIND
 * line here (and its enum value in include/activ.h, checked below), plus its math: the
 * kernels in kernels/formulas.inc (scalar and SIMD, through simd.inc), the device math in
 * src/cuda/math.cuh, and the oracle in src/ref/ref.c.
 *
 * Kernel naming: activ_f32_<kind>_<dir>__<isa>, dir = fwd | bwd | bwdy (from output).
 */
#ifndef ACTIV_KERNELS_MANIFEST_H
#define ACTIV_KERNELS_MANIFEST_H

#include <stddef.h>
#include "activ.h"

/* Families (how a kind is scheduled: chunk sizes and thread thresholds in src/api.c) */
#define ACTIV_FAM_MEMORY 0 /* a few fp32 or exact double ops per element: memory-bound */
#define ACTIV_FAM_MATH 1   /* transcendental, evaluated in double: compute-bound */
#define ACTIV_FAM_GATED 2  /* two inputs, y = f(a) * b (reserved for the gated units) */

/* Parameter gradients (the dparam argument of activ_backward) */
#define ACTIV_DP_NONE 0    /* none: dparam is ignored */
#define ACTIV_DP_ONE 1     /* one float (swish: dbeta) */
#define ACTIV_DP_CHANNEL 2 /* one float per channel (prelu: dslopes[channels]) */

/* X(name, ACTIV_KIND, family, has_from_output, dparam, params, formula, derivative)
 *   name        the CLI / activ_kind_name spelling, and the kernels' <kind>
 *   family      ACTIV_FAM_<family>
 *   has_from_output  1 if dx = dy * g(y) exists (activ_backward_from_output)
 *   dparam      ACTIV_DP_<dparam>
 *   params      ACTIV_P(field, default) for every activ_params float field the kind reads;
 *               activ_default_params() sets them, src/validate.c requires them finite, the
 *               CLI accepts --field for them. Fields not listed are ignored by the kind.
 *   formula, derivative   UTF-8 text for `activ table` (the header's math table is the spec)
 * The expansion of `params` is up to the user: #define ACTIV_P(field, def) before expanding. */
#define ACTIV_FOREACH_KIND(X)                                                                  \
    X(relu, ACTIV_RELU, MEMORY, 1, NONE, ,                                                     \
      "max(0, x)", "1 if x > 0 else 0")                                                        \
    X(leaky_relu, ACTIV_LEAKY_RELU, MEMORY, 1, NONE, ACTIV_P(alpha, 0.01f),                   \
      "x if x > 0 else \xCE\xB1x", "1 if x > 0 else \xCE\xB1")                                 \
    X(prelu, ACTIV_PRELU, MEMORY, 0, CHANNEL, ACTIV_P(alpha, 0.25f),                           \
      "x if x > 0 else \xCE\xB1x (\xCE\xB1 learned)", "1 if x > 0 else \xCE\xB1")              \
    X(elu, ACTIV_ELU, MATH, 1, NONE, ACTIV_P(alpha, 1.0f),                                     \
      "x if x > 0 else \xCE\xB1(e\xCB\xA3 \xE2\x88\x92 1)", "1 if x > 0 else \xCE\xB1" "e\xCB\xA3") \
    X(swish, ACTIV_SWISH, MATH, 0, ONE, ACTIV_P(beta, 1.0f),                                   \
      "x\xC2\xB7\xCF\x83(\xCE\xB2x)", "s + \xCE\xB2x\xC2\xB7s(1 \xE2\x88\x92 s), s = \xCF\x83(\xCE\xB2x)") \
    X(sigmoid, ACTIV_SIGMOID, MATH, 1, NONE, ,                                                 \
      "\xCF\x83(x) = 1/(1 + e\xE2\x81\xBB\xCB\xA3)", "\xCF\x83(x)(1 \xE2\x88\x92 \xCF\x83(x))") \
    X(tanh, ACTIV_TANH, MATH, 1, NONE, ,                                                       \
      "tanh(x)", "1 \xE2\x88\x92 tanh\xC2\xB2(x)")                                          \
    X(relu6, ACTIV_RELU6, MEMORY, 1, NONE, ,                                                   \
      "min(max(0, x), 6)", "1 if 0 < x < 6 else 0")                                           \
    X(hardtanh, ACTIV_HARDTANH, MEMORY, 1, NONE, ACTIV_P(min_val, -1.0f) ACTIV_P(max_val, 1.0f), \
      "min(max(lo, x), hi)", "1 if lo < x < hi else 0")                                       \
    X(hardsigmoid, ACTIV_HARDSIGMOID, MEMORY, 1, NONE,                                         \
      ACTIV_P(alpha, 1.0f / 6.0f) ACTIV_P(beta, 0.5f),                                         \
      "min(max(0, \xCE\xB1x + \xCE\xB2), 1)", "\xCE\xB1 if 0 < \xCE\xB1x + \xCE\xB2 < 1 else 0") \
    X(hardswish, ACTIV_HARDSWISH, MEMORY, 0, NONE, ,                                           \
      "x\xC2\xB7relu6(x + 3)/6", "0, x/3 + 1/2, 1 (x < \xE2\x88\x92" "3, |x| \xE2\x89\xA4 3, x > 3)") \
    X(softsign, ACTIV_SOFTSIGN, MEMORY, 1, NONE, ,                                             \
      "x/(1 + |x|)", "1/(1 + |x|)\xC2\xB2")                                                   \
    X(relu2, ACTIV_RELU2, MEMORY, 1, NONE, ,                                                   \
      "max(0, x)\xC2\xB2", "2\xC2\xB7max(0, x)")                                              \
    X(thresholded_relu, ACTIV_THRESHOLDED_RELU, MEMORY, 1, NONE, ACTIV_P(alpha, 1.0f),         \
      "x if x > \xCE\xB1 else 0", "1 if x > \xCE\xB1 else 0")                                  \
    X(selu, ACTIV_SELU, MATH, 1, NONE, ACTIV_P(alpha, 1.6732632423543772f) ACTIV_P(gamma, 1.0507009873554805f), \
      "\xCE\xB3x if x > 0 else \xCE\xB3\xCE\xB1(e\xCB\xA3 \xE2\x88\x92 1)", "\xCE\xB3 if x > 0 else \xCE\xB3\xCE\xB1" "e\xCB\xA3") \
    X(celu, ACTIV_CELU, MATH, 1, NONE, ACTIV_P(alpha, 1.0f),                                   \
      "x if x > 0 else \xCE\xB1(e^(x/\xCE\xB1) \xE2\x88\x92 1)", "1 if x > 0 else e^(x/\xCE\xB1)") \
    X(gelu, ACTIV_GELU, MATH, 0, NONE, ,                                              \
      "x\xC2\xB7\xCE\xA6(x), \xCE\xA6(x) = (1 + erf(x/\xE2\x88\x9A" "2))/2", "\xCE\xA6(x) + x\xC2\xB7\xCF\x86(x)") \
    X(gelu_tanh, ACTIV_GELU_TANH, MATH, 0, NONE, ,                                    \
      "x/2\xC2\xB7(1 + tanh(\xE2\x88\x9A(2/\xCF\x80)(x + 0.044715x\xC2\xB3)))", "\xCF\x83(2u) + 2x\xC2\xB7u\xE2\x80\xB2\xC2\xB7\xCF\x83(2u)(1 \xE2\x88\x92 \xCF\x83(2u))") \
    X(softplus, ACTIV_SOFTPLUS, MATH, 1, NONE,  ACTIV_P(beta, 1.0f) ACTIV_P(threshold, 20.0f), \
      "log(1 + e\xE1\xB5\x9D\xCB\xA3)/\xCE\xB2; x if \xCE\xB2x > threshold", "\xCF\x83(\xCE\xB2x); 1 if \xCE\xB2x > threshold") \
    X(mish, ACTIV_MISH, MATH, 0, NONE, ,                                              \
      "x\xC2\xB7tanh(softplus(x))", "tanh(sp) + x\xC2\xB7\xCF\x83(x)(1 \xE2\x88\x92 tanh\xC2\xB2(sp))") \
    X(logsigmoid, ACTIV_LOGSIGMOID, MATH, 1, NONE, ,                                  \
      "log \xCF\x83(x) = \xE2\x88\x92softplus(\xE2\x88\x92x)", "\xCF\x83(\xE2\x88\x92x) = 1 \xE2\x88\x92 \xCF\x83(x)")

/* The manifest's has_from_output column as a function: 1 if activ_backward_from_output
 * exists for the kind (the CPU, the CUDA backend, the CLI and the tests all ask here). */
static inline int activ_manifest_has_from_output(int kind)
{
    switch (kind) {
#define ACTIV_M_FO_(name, K, fam, fo, ...) \
    case K: return fo;
        ACTIV_FOREACH_KIND(ACTIV_M_FO_)
#undef ACTIV_M_FO_
    default: return 0;
    }
}

/* X(field) - every float field of activ_params a kind may read (one spelling everywhere:
 * the C field, the CLI option --field, the Python keyword). */
#define ACTIV_FOREACH_FIELD(X) X(alpha) X(beta) X(gamma) X(threshold) X(min_val) X(max_val)

/* X(name, ACTIV_ISA, built) - every path this project knows; built is 1 where this build
 * compiles the path's kernels (src/kernels/<name>.c defines activ_ktab_<name>).
 * activ_kernels_for() says which are also supported by the running CPU. */
#if defined(__x86_64__)
#define ACTIV_BUILT_X86 1
#else
#define ACTIV_BUILT_X86 0
#endif
#define ACTIV_FOREACH_ISA(X)                     \
    X(scalar, ACTIV_ISA_SCALAR, 1)               \
    X(sse2, ACTIV_ISA_SSE2, ACTIV_BUILT_X86)     \
    X(avx2, ACTIV_ISA_AVX2, ACTIV_BUILT_X86)     \
    X(avx512, ACTIV_ISA_AVX512, ACTIV_BUILT_X86) \
    X(neon, ACTIV_ISA_NEON, 0)

/* The public enums must follow the lists: value = position, count = length. */
enum activ_manifest_pos_ {
#define ACTIV_MPOS_(name, K, ...) ACTIV_MPOS_##name,
    ACTIV_FOREACH_KIND(ACTIV_MPOS_)
#undef ACTIV_MPOS_
    ACTIV_MPOS_COUNT_
};
enum activ_manifest_isa_pos_ {
#define ACTIV_MIPOS_(name, I, b) ACTIV_MIPOS_##name,
    ACTIV_FOREACH_ISA(ACTIV_MIPOS_)
#undef ACTIV_MIPOS_
    ACTIV_MIPOS_COUNT_
};
#ifdef __cplusplus
#define ACTIV_STATIC_ASSERT static_assert
#else
#define ACTIV_STATIC_ASSERT _Static_assert
#endif
#define ACTIV_MCHECK_(name, K, ...) \
    ACTIV_STATIC_ASSERT((int)K == (int)ACTIV_MPOS_##name, #K " is not at its manifest position");
ACTIV_FOREACH_KIND(ACTIV_MCHECK_)
#undef ACTIV_MCHECK_
#define ACTIV_MICHECK_(name, I, b) \
    ACTIV_STATIC_ASSERT((int)I == (int)ACTIV_MIPOS_##name, #I " is not at its manifest position");
ACTIV_FOREACH_ISA(ACTIV_MICHECK_)
#undef ACTIV_MICHECK_
ACTIV_STATIC_ASSERT((int)ACTIV_KIND_COUNT == (int)ACTIV_MPOS_COUNT_,
                    "ACTIV_KIND_COUNT differs from the manifest's length");
ACTIV_STATIC_ASSERT((int)ACTIV_ISA_COUNT == (int)ACTIV_MIPOS_COUNT_,
                    "ACTIV_ISA_COUNT differs from the manifest's length");

/* Everything a kernel needs besides its arrays. Checked by src/validate.c before any kernel
 * runs (activ_kargs_from_params fills it). */
typedef struct activ_kargs {
    float alpha;         /* leaky_relu, elu, ... (see the manifest's params) */
    float beta;          /* swish */
    float gamma;         /* selu's scale */
    float threshold;     /* softplus's linear switch */
    float min_val;       /* hardtanh */
    float max_val;       /* hardtanh */
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

/* Gated units (kernels/gated.inc), f by activ_glu_kind: y[i] = f(a[i]) * b[i];
 * da[i] = dy[i] * b[i] * f'(a[i]), db[i] = dy[i] * f(a[i]), i < n. Every output may be
 * exactly one of the inputs (a step loads all its inputs before it stores); da != db. Any
 * alignment; an element's bits depend on its own inputs only. */
typedef void (*activ_gfwd_fn)(const float *a, const float *b, float *y, size_t n);
typedef void (*activ_gbwd_fn)(const float *a, const float *b, const float *dy, float *da,
                              float *db, size_t n);

/* softmax and log_softmax on a block (forward) or a row (backward) of contiguous floats
 * (kernels/softmax_rows.inc has the details); any n >= 1 and alignment */
typedef struct activ_smk {
    float (*max)(const float *x, size_t n); /* NaN if any x[k] is NaN */
    /* e[k] = e^(x[k] - m) in double if e != NULL (m finite, x[k] <= m); returns the sum over
     * x[k] != m and adds the count of x[k] == m to *cnt */
    double (*exp_sum)(const float *x, double m, double *e, size_t n, size_t *cnt);
    void (*scale)(const double *e, double r, float *y, size_t n);          /* y = e * r */
    void (*logsub)(const float *x, double m, double L, float *y, size_t n); /* (x - m) - L */
    /* the backwards: Sum2 of dy*y (y NULL: of dy) into out = {hi, lo, sum |t|} */
    void (*sum2)(const float *y, const float *dy, size_t n, double out[3]);
    int (*bwd_need)(const float *dy, size_t n, double sd, double thr); /* |sd - dy| < thr */
    void (*bwd)(const float *y, const float *dy, float *dx, size_t n, double sd);
    void (*lbwd)(const float *y, const float *dy, float *dx, size_t n, double td, long double tl,
                 double win);
} activ_smk;

typedef struct activ_kernels {
    activ_isa isa;
    activ_fwd_fn fwd[ACTIV_KIND_COUNT];
    activ_bwd_fn bwd[ACTIV_KIND_COUNT];
    activ_bwd_fn bwdy[ACTIV_KIND_COUNT]; /* NULL where there is no from-output form */
    activ_gfwd_fn gfwd[ACTIV_GLU_COUNT];
    activ_gbwd_fn gbwd[ACTIV_GLU_COUNT];
    activ_smk sm;
} activ_kernels;

/* The table of one path, or NULL when the path is not compiled in or the CPU/OS lacks it. */
const activ_kernels *activ_kernels_for(activ_isa isa);

#endif
