/* avx512.c - the kernels for AVX-512F/DQ/VL (-ffp-contract=fast): the math of math.inc at 16 fp32 lane(s). */
#if defined(__x86_64__)
#define ACTIV_W 16
#define ACTIV_ISA_TAG avx512
#define ACTIV_ISA_ENUM AVX512
#include "simd.inc"
#include "math.inc"
#endif
