/* half_avx512.c - 16-bit <-> fp32 conversions on AVX-512, 16 lanes: vcvtph2ps/vcvtps2ph
 * (AVX-512F) for binary16; for bfloat16 either AVX-512 integer arithmetic or AVX-512 BF16's
 * vcvtneps2bf16. That instruction treats fp32 subnormal inputs as zero, so a vector holding
 * one is redone with the integer rounding (no flush anywhere; see half.h). */
#if defined(__x86_64__)
#include <immintrin.h>

#include "kernels/half.h"

static void f16_to32(const uint16_t *in, float *out, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(out + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(in + i))));
    for (; i < n; i++) out[i] = activ_f16_to_f32_scalar(in[i]);
}

static void f16_from32(const float *in, uint16_t *out, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(out + i),
                            _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (; i < n; i++) out[i] = activ_f32_to_f16_scalar(in[i]);
}

static void bf16_to32(const uint16_t *in, float *out, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(in + i)));
        _mm512_storeu_si512((void *)(out + i), _mm512_slli_epi32(w, 16));
    }
    for (; i < n; i++) out[i] = activ_bf16_to_f32_scalar(in[i]);
}

static inline __m256i bf16_round16(__m512i x)
{
    __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(x, 16), _mm512_set1_epi32(1));
    __m512i r = _mm512_srli_epi32(_mm512_add_epi32(_mm512_add_epi32(x, _mm512_set1_epi32(0x7fff)), lsb), 16);
    __m512i a = _mm512_and_si512(x, _mm512_set1_epi32(0x7fffffff));
    __mmask16 nan = _mm512_cmpgt_epi32_mask(a, _mm512_set1_epi32(0x7f800000));
    r = _mm512_mask_or_epi32(r, nan, _mm512_srli_epi32(x, 16), _mm512_set1_epi32(0x40));
    return _mm512_cvtepi32_epi16(r);
}

static void bf16_from32(const float *in, uint16_t *out, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(out + i), bf16_round16(_mm512_loadu_si512((const void *)(in + i))));
    for (; i < n; i++) out[i] = activ_f32_to_bf16_scalar(in[i]);
}

static void bf16_from32_native(const float *in, uint16_t *out, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512i x = _mm512_loadu_si512((const void *)(in + i));
        /* exponent field 0 and a non-zero fraction: an fp32 subnormal */
        __mmask16 e0 = _mm512_testn_epi32_mask(x, _mm512_set1_epi32(0x7f800000));
        __mmask16 sub = _mm512_mask_test_epi32_mask(e0, x, _mm512_set1_epi32(0x007fffff));
        __m256i r;
        if (sub) r = bf16_round16(x);
        else r = (__m256i)_mm512_cvtneps_pbh(_mm512_castsi512_ps(x));
        _mm256_storeu_si256((__m256i *)(out + i), r);
    }
    for (; i < n; i++) out[i] = activ_f32_to_bf16_scalar(in[i]);
}

const activ_cvt16 activ_cvt_f16_avx512 = {"f16/avx512", f16_to32, f16_from32};
const activ_cvt16 activ_cvt_bf16_avx512 = {"bf16/avx512", bf16_to32, bf16_from32};
const activ_cvt16 activ_cvt_bf16_avx512bf16 = {"bf16/avx512bf16", bf16_to32, bf16_from32_native};
#endif
