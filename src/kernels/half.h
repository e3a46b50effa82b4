/* half.h - 16-bit <-> fp32 block conversions, one set per instruction set (internal).
 *
 * to32: exact (every binary16 and bfloat16 value is an fp32). from32: round to nearest
 * even, subnormals kept, overflow to +-inf, NaN quieted with its top payload bits kept (the
 * rule of F16C's vcvtps2ph and AVX-512 BF16's vcvtneps2bf16, so every set gives the same
 * bits). src/half.c picks a set once per call from the path in use; tests/test_half.c checks
 * every set against the portable one.
 */
#ifndef ACTIV_KERNELS_HALF_H
#define ACTIV_KERNELS_HALF_H

#include <stddef.h>
#include <stdint.h>

typedef struct activ_cvt16 {
    const char *name;
    void (*to32)(const uint16_t *in, float *out, size_t n);
    void (*from32)(const float *in, uint16_t *out, size_t n);
} activ_cvt16;

/* portable C (half_scalar.c): always there */
extern const activ_cvt16 activ_cvt_f16_scalar, activ_cvt_bf16_scalar;
uint16_t activ_f32_to_f16_scalar(float f);
float activ_f16_to_f32_scalar(uint16_t h);
uint16_t activ_f32_to_bf16_scalar(float f);
float activ_bf16_to_f32_scalar(uint16_t h);
#if defined(__x86_64__)
/* F16C for binary16, AVX2 integer arithmetic for bfloat16 (half_avx2.c) */
extern const activ_cvt16 activ_cvt_f16_f16c, activ_cvt_bf16_avx2;
/* AVX-512F for binary16, AVX-512 integer / AVX-512 BF16 for bfloat16 (half_avx512.c) */
extern const activ_cvt16 activ_cvt_f16_avx512, activ_cvt_bf16_avx512, activ_cvt_bf16_avx512bf16;
#endif

/* Whole-kernel variants with the conversions fused into the loads and stores (one pass; see
 * half_fused.inc), indexed [activ_half][kind]: the 16-bit rounding of the path's fp32 kernel
 * on the same inputs, bit for bit, except the kinds marked approx. NULL where a kind has none
 * (bwdy without a from-output form). acc as activ_bwd_fn's. */
#include "kernels/manifest.h"
typedef void (*activ_fwd16_fn)(const uint16_t *x, uint16_t *y, size_t n, const activ_kargs *a);
typedef void (*activ_bwd16_fn)(const uint16_t *x, const uint16_t *dy, uint16_t *dx, size_t n,
                               const activ_kargs *a, double *acc);
typedef void (*activ_gfwd16_fn)(const uint16_t *a, const uint16_t *b, uint16_t *y, size_t n);
typedef void (*activ_gbwd16_fn)(const uint16_t *a, const uint16_t *b, const uint16_t *dy,
                                uint16_t *da, uint16_t *db, size_t n);
typedef struct activ_kernels16 {
    activ_fwd16_fn fwd[2][ACTIV_KIND_COUNT];
    activ_bwd16_fn bwd[2][ACTIV_KIND_COUNT];
    activ_bwd16_fn bwdy[2][ACTIV_KIND_COUNT];
    /* 1 where the kind's 16-bit kernels evaluate their own fp32 formula (half_fused.inc):
     * within 1 ULP16 of the rounded fp32 kernel instead of identical to it */
    unsigned char approx[ACTIV_KIND_COUNT];
    /* the gated units, [activ_half][activ_glu_kind] (kernels/gated_half.inc): as
     * activ_gfwd_fn / activ_gbwd_fn on 16-bit arrays, the 16-bit rounding of the path's fp32
     * gated kernel bit for bit */
    activ_gfwd16_fn gfwd[2][ACTIV_GLU_COUNT];
    activ_gbwd16_fn gbwd[2][ACTIV_GLU_COUNT];
} activ_kernels16;
#if defined(__x86_64__)
/* half_fused_avx2.c (AVX2 + FMA + F16C), half_fused_avx512.c */
extern const activ_kernels16 activ_k16tab_avx2, activ_k16tab_avx512;
#endif
/* the fused kernels of the path in use (AVX-512, or AVX2 where cpuid reports F16C), or NULL
 * where the path converts blocks instead (src/half.c) */
const activ_kernels16 *activ_half_fused_current(void);

#endif
