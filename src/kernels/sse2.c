/* sse2.c - the kernels for baseline x86-64: the math of math.inc at 4 fp32 lane(s). */
#if defined(__x86_64__)
#define ACTIV_W 4
#define ACTIV_ISA_TAG sse2
#define ACTIV_ISA_ENUM SSE2
#include "simd.inc"
#include "math.inc"
#endif
