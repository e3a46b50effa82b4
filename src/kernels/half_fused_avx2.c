/* half_fused_avx2.c - the 16-bit kernels of the AVX2 path, conversions fused into the loads
 * and stores (half_fused.inc): F16C for binary16, AVX2 integer rounding for bfloat16, the
 * math of avx2.c at 8 fp32 lanes. Compiled with avx2.c's flags plus -mf16c (src/CMakeLists.txt),
 * so the math contracts exactly as in avx2.c; src/half.c uses it only where cpuid reports F16C. */
#if defined(__x86_64__)
#define ACTIV_W 8
#define ACTIV_ISA_TAG avx2
#include "simd.inc"
#include "kernels/manifest.h"
#define ACTIV_INL static inline __attribute__((always_inline))
#define ACTIV_CAT3_(a, b, c) a##b##c
#define ACTIV_CAT3(a, b, c) ACTIV_CAT3_(a, b, c)
#include "kernels/formulas.inc"
#include "kernels/half_fused.inc"
#endif
