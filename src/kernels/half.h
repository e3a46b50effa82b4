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

#endif
