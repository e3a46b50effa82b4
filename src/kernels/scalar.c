/* scalar.c - the kernels for portable C, no vector extensions or intrinsics: the math of math.inc at 1 fp32 lane(s). */

#define ACTIV_W 1
#define ACTIV_ISA_TAG scalar
#define ACTIV_ISA_ENUM SCALAR
#include "simd.inc"
#include "math.inc"

