/* avx2.c - the kernels for AVX2 + FMA (-mavx2 -mfma, -ffp-contract=fast): the math of math.inc at 8 fp32 lane(s). */
#if defined(__x86_64__)
#define ACTIV_W 8
#define ACTIV_ISA_TAG avx2
#define ACTIV_ISA_ENUM AVX2
#include "simd.inc"
#include "math.inc"
#endif
