/* scalar.c - the kernels for portable C, no vector extensions or intrinsics: the math of math.inc at 1 fp32 lane(s). */

#define ACTIV_W 1
#define ACTIV_ISA_TAG scalar
#define ACTIV_ISA_ENUM SCALAR
#include "simd.inc"
#include "math.inc"


/* e^t for t <= 0 (t < -300 gives e^-300), in double with a relative error below 2^-28.9:
 * formulas.inc's d_exp_neg for callers outside the kernels whose results need less than
 * libm's exp (softmax on 16-bit storage, src/softmax.c). */
double activ_exp_nonpos(double t)
{
    return d_exp_neg(t);
}
