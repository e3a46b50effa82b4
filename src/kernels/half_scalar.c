/* half_scalar.c - portable 16-bit <-> fp32 conversions (see half.h). Integer arithmetic only,
 * so the caller's rounding mode and flush settings never matter. */
#include <string.h>

#include "kernels/half.h"

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}
static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

float activ_f16_to_f32_scalar(uint16_t h)
{
    uint32_t s = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0) {
        if (m == 0) return float_of(s);
        /* subnormal: m * 2^-24, normalised into fp32 */
        int sh = 0;
        while (!(m & 0x400u)) {
            m <<= 1;
            sh++;
        }
        m &= 0x3ffu;
        return float_of(s | (uint32_t)(113 - sh) << 23 | m << 13);
    }
    if (e == 31) return float_of(s | 0x7f800000u | m << 13 | (m ? 0x00400000u : 0));
    return float_of(s | (e + 112) << 23 | m << 13);
}

uint16_t activ_f32_to_f16_scalar(float f)
{
    uint32_t x = bits_of(f), a = x & 0x7fffffffu;
    uint16_t s = (uint16_t)((x >> 16) & 0x8000u);
    if (a > 0x7f800000u) return (uint16_t)(s | 0x7e00u | ((a >> 13) & 0x3ffu)); /* NaN */
    if (a >= 0x47800000u) return (uint16_t)(s | 0x7c00u);                      /* >= 2^16 */
    if (a >= 0x38800000u) /* normal binary16 range (>= 2^-14): RNE on the low 13 bits */
        return (uint16_t)(s | ((a - 0x38000000u + 0xfffu + ((a >> 13) & 1u)) >> 13));
    uint32_t e = a >> 23;
    if (e < 102) return s; /* < 2^-25: rounds to zero (fp32 subnormals included) */
    uint32_t mant = (a & 0x7fffffu) | 0x800000u, sh = 126 - e; /* 14 <= sh <= 24 */
    uint32_t q = mant >> sh, rem = mant & ((1u << sh) - 1), half = 1u << (sh - 1);
    if (rem > half || (rem == half && (q & 1u))) q++;
    return (uint16_t)(s | q);
}

float activ_bf16_to_f32_scalar(uint16_t h) { return float_of((uint32_t)h << 16); }

uint16_t activ_f32_to_bf16_scalar(float f)
{
    uint32_t x = bits_of(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40u);
    return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

static void f16_to32(const uint16_t *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = activ_f16_to_f32_scalar(in[i]);
}
static void f16_from32(const float *in, uint16_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = activ_f32_to_f16_scalar(in[i]);
}
static void bf16_to32(const uint16_t *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = activ_bf16_to_f32_scalar(in[i]);
}
static void bf16_from32(const float *in, uint16_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = activ_f32_to_bf16_scalar(in[i]);
}

const activ_cvt16 activ_cvt_f16_scalar = {"f16/scalar", f16_to32, f16_from32};
const activ_cvt16 activ_cvt_bf16_scalar = {"bf16/scalar", bf16_to32, bf16_from32};
