/* half_fused_avx512.c - the 16-bit kernels of the AVX-512 path, conversions fused into the
 * loads and stores (half_fused.inc): AVX-512F vcvtph2ps / vcvtps2ph for binary16, AVX-512
 * integer rounding for bfloat16, the math of avx512.c at 16 fp32 lanes. Compiled with
 * avx512.c's flags (src/CMakeLists.txt), so the math contracts exactly as in avx512.c. */
#if defined(__x86_64__)
#define ACTIV_W 16
#define ACTIV_ISA_TAG avx512
#include "simd.inc"
#include "kernels/manifest.h"
#define ACTIV_INL static inline __attribute__((always_inline))
#define ACTIV_CAT3_(a, b, c) a##b##c
#define ACTIV_CAT3(a, b, c) ACTIV_CAT3_(a, b, c)
#include "kernels/formulas.inc"
#include "kernels/half_fused.inc"
#endif
