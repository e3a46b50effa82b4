/* xsum.cuh - an exact accumulator for sums of doubles (host and device): Kulisch-style
 * fixed point, limb i holds 32 bits of weight 2^(32 i - 384) in a signed 64-bit integer, so
 * any order of additions gives the same limbs (integer addition commutes: a block can add
 * with atomicAdd and stay deterministic). Covers every product of two fp32 values
 * (|p| in [2^-298, 2^256]) and sums of up to 2^31 terms. */
#ifndef ACTIV_CUDA_XSUM_CUH
#define ACTIV_CUDA_XSUM_CUH

#include <stdint.h>
#include <math.h>

#define ACTIV_XL 26
#define ACTIV_XSUM_HD __host__ __device__ __forceinline__

/* the three limb contributions of v (exact): limb index li, li+1, li+2; 0 for v = 0 */
ACTIV_XSUM_HD void xsum_split(double v, int *li, long long c[3])
{
    c[0] = c[1] = c[2] = 0;
    *li = 0;
    if (v == 0.0) return;
    int E;
    double f = frexp(fabs(v), &E);
    unsigned long long m = (unsigned long long)ldexp(f, 53);
    int off = E - 53 + 384, sh = off % 32;
    *li = off / 32;
    unsigned long long lo = (m << sh) & 0xffffffffull;
    unsigned long long mid = (sh ? (m >> (32 - sh)) : (m >> 32)) & 0xffffffffull;
    unsigned long long hi = sh ? (m >> (64 - sh)) : 0;
    /* m < 2^53, so m << sh (sh < 32) fits in 85 bits: lo | mid << 32 | hi << 64 */
    long long sg = v < 0 ? -1 : 1;
    c[0] = sg * (long long)lo;
    c[1] = sg * (long long)mid;
    c[2] = sg * (long long)hi;
}

ACTIV_XSUM_HD void xsum_add(long long *L, double v)
{
    int li;
    long long c[3];
    xsum_split(v, &li, c);
    L[li] += c[0];
    L[li + 1] += c[1];
    L[li + 2] += c[2];
}

/* the value of the limbs in double (relative error below 2^-51.9): carries are
 * propagated, the sign taken out, and the top three non-zero limbs (at least 65 bits) summed */
ACTIV_XSUM_HD double xsum_value(const long long *Lin)
{
    long long L[ACTIV_XL];
    for (int i = 0; i < ACTIV_XL; i++) L[i] = Lin[i];
    for (int i = 0; i + 1 < ACTIV_XL; i++) {
        long long c = L[i] >> 32;
        L[i] -= c * 4294967296LL, L[i + 1] += c;
    }
    double sg = 1;
    if (L[ACTIV_XL - 1] < 0) {
        sg = -1;
        for (int i = 0; i < ACTIV_XL; i++) L[i] = -L[i];
        for (int i = 0; i + 1 < ACTIV_XL; i++) {
            long long c = L[i] >> 32;
            L[i] -= c * 4294967296LL, L[i + 1] += c;
        }
    }
    int t = ACTIV_XL - 1;
    while (t > 0 && L[t] == 0) t--;
    double r = 0;
    for (int i = t; i >= 0 && i >= t - 2; i--) r += ldexp((double)L[i], 32 * i - 384);
    /* the limbs below t-2 add less than 2^-64 of the value; with the two roundings the
     * result is within 2^-51.9 relative */
    return sg * r;
}

#endif
