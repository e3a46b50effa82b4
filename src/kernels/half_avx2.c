/* half_avx2.c - 16-bit <-> fp32 conversions with F16C (binary16) and AVX2 integer arithmetic
 * (bfloat16), 8 lanes; tails use the portable functions (see half.h). */
#if defined(__x86_64__)
#include <immintrin.h>

#include "kernels/half.h"

static void f16_to32(const uint16_t *in, float *out, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(in + i))));
    for (; i < n; i++) out[i] = activ_f16_to_f32_scalar(in[i]);
}

static void f16_from32(const float *in, uint16_t *out, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(out + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (; i < n; i++) out[i] = activ_f32_to_f16_scalar(in[i]);
}

static void bf16_to32(const uint16_t *in, float *out, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(in + i)));
        _mm256_storeu_si256((__m256i *)(out + i), _mm256_slli_epi32(w, 16));
    }
    for (; i < n; i++) out[i] = activ_bf16_to_f32_scalar(in[i]);
}

/* (x + 0x7fff + lsb) >> 16, NaN -> (x >> 16) | 0x40; two 8-lane halves packed to 16 */
static inline __m256i bf16_round8(__m256i x)
{
    __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(1));
    __m256i r = _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(x, _mm256_set1_epi32(0x7fff)), lsb), 16);
    __m256i a = _mm256_and_si256(x, _mm256_set1_epi32(0x7fffffff));
    __m256i nan = _mm256_cmpgt_epi32(a, _mm256_set1_epi32(0x7f800000));
    __m256i q = _mm256_or_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(0x40));
    return _mm256_blendv_epi8(r, q, nan);
}

static void bf16_from32(const float *in, uint16_t *out, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256i lo = bf16_round8(_mm256_loadu_si256((const __m256i *)(in + i)));
        __m256i hi = bf16_round8(_mm256_loadu_si256((const __m256i *)(in + i + 8)));
        __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), 0xd8);
        _mm256_storeu_si256((__m256i *)(out + i), p);
    }
    for (; i < n; i++) out[i] = activ_f32_to_bf16_scalar(in[i]);
}

const activ_cvt16 activ_cvt_f16_f16c = {"f16/f16c", f16_to32, f16_from32};
const activ_cvt16 activ_cvt_bf16_avx2 = {"bf16/avx2", bf16_to32, bf16_from32};
#endif
