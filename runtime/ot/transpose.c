/* transpose.c - the 128 x m bit-matrix transpose of IKNP: a plain C reference
 * and SSE2 / AVX2 / AVX-512BW paths (16x16 byte transposes by unpacks, then
 * one movemask per bit column), chosen at run time. The bits are secret but
 * no branch or address depends on them. */
#include "runtime/ot/ot.h"

#include <immintrin.h>
#include <string.h>

void ot_transpose_128_plain(const uint8_t *in, size_t m, block *out)
{
    size_t stride = m / 8;
    for (size_t j = 0; j < m; j++) {
        uint8_t row[16] = {0};
        for (size_t i = 0; i < 128; i++)
            row[i / 8] |= (uint8_t)(((in[i * stride + j / 8] >> (j % 8)) & 1u) << (i % 8));
        memcpy(&out[j], row, 16);
    }
}

static inline __m128i ot_load16(const uint8_t *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* w[b] byte k = in[k * stride + b] for 16 rows k and 16 byte columns b. */
static inline void ot_tp16x16(const uint8_t *in, size_t stride, __m128i w[16])
{
    __m128i r[16], s[16];
    for (int k = 0; k < 16; k++)
        r[k] = ot_load16(in + (size_t)k * stride);
    for (int p = 0; p < 8; p++) { /* 16-bit element e: rows 2p,2p+1 at column e (+8) */
        s[2 * p] = _mm_unpacklo_epi8(r[2 * p], r[2 * p + 1]);
        s[2 * p + 1] = _mm_unpackhi_epi8(r[2 * p], r[2 * p + 1]);
    }
    for (int q = 0; q < 4; q++) { /* 32-bit element: rows 4q..4q+3 */
        r[4 * q + 0] = _mm_unpacklo_epi16(s[4 * q], s[4 * q + 2]);     /* columns 0-3 */
        r[4 * q + 1] = _mm_unpackhi_epi16(s[4 * q], s[4 * q + 2]);     /* 4-7 */
        r[4 * q + 2] = _mm_unpacklo_epi16(s[4 * q + 1], s[4 * q + 3]); /* 8-11 */
        r[4 * q + 3] = _mm_unpackhi_epi16(s[4 * q + 1], s[4 * q + 3]); /* 12-15 */
    }
    for (int h = 0; h < 2; h++) /* 64-bit element: rows 8h..8h+7 */
        for (int c = 0; c < 4; c++) {
            s[8 * h + 2 * c] = _mm_unpacklo_epi32(r[8 * h + c], r[8 * h + 4 + c]);
            s[8 * h + 2 * c + 1] = _mm_unpackhi_epi32(r[8 * h + c], r[8 * h + 4 + c]);
        }
    for (int g = 0; g < 8; g++) { /* s[g] holds columns 2g, 2g+1 of rows 0-7 */
        w[2 * g] = _mm_unpacklo_epi64(s[g], s[8 + g]);
        w[2 * g + 1] = _mm_unpackhi_epi64(s[g], s[8 + g]);
    }
}

void ot_transpose_128_sse2(const uint8_t *in, size_t m, block *out)
{
    size_t stride = m / 8;
    uint8_t *o = (uint8_t *)out;
    for (size_t c = 0; c < m / 128; c++) {
        for (size_t rg = 0; rg < 8; rg++) {
            __m128i w[16];
            ot_tp16x16(in + rg * 16 * stride + c * 16, stride, w);
            for (size_t b = 0; b < 16; b++) {
                __m128i v = w[b];
                uint8_t *dst = o + (c * 128 + b * 8) * 16 + rg * 2;
                for (int bit = 7; bit >= 0; bit--) {
                    uint16_t mask = (uint16_t)_mm_movemask_epi8(v);
                    memcpy(dst + (size_t)bit * 16, &mask, 2);
                    v = _mm_slli_epi64(v, 1);
                }
            }
        }
    }
}

__attribute__((target("avx2"))) void ot_transpose_128_avx2(const uint8_t *in, size_t m,
                                                            block *out)
{
    size_t stride = m / 8;
    uint8_t *o = (uint8_t *)out;
    for (size_t c = 0; c < m / 128; c++) {
        for (size_t rg = 0; rg < 4; rg++) {
            __m128i lo[16], hi[16];
            ot_tp16x16(in + rg * 32 * stride + c * 16, stride, lo);
            ot_tp16x16(in + (rg * 32 + 16) * stride + c * 16, stride, hi);
            for (size_t b = 0; b < 16; b++) {
                __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(lo[b]), hi[b], 1);
                uint8_t *dst = o + (c * 128 + b * 8) * 16 + rg * 4;
                for (int bit = 7; bit >= 0; bit--) {
                    uint32_t mask = (uint32_t)_mm256_movemask_epi8(v);
                    memcpy(dst + (size_t)bit * 16, &mask, 4);
                    v = _mm256_slli_epi64(v, 1);
                }
            }
        }
    }
}

/* The same unpack network on zmm registers transposes four 16x16 tiles at
 * once, one per 128-bit lane: register k lane L holds row 16L + k, so after
 * the network w[b] lane L holds byte column b of rows 16L..16L+15 and one
 * movepi8_mask yields 64 rows of one bit column. */
__attribute__((target("avx512f,avx512bw"))) void
ot_transpose_128_avx512(const uint8_t *in, size_t m, block *out)
{
    size_t stride = m / 8;
    uint8_t *o = (uint8_t *)out;
    for (size_t c = 0; c < m / 128; c++) {
        for (size_t half = 0; half < 2; half++) {
            const uint8_t *base = in + half * 64 * stride + c * 16;
            __m512i r[16], s[16];
            for (size_t k = 0; k < 16; k++) {
                const uint8_t *p = base + k * stride;
                __m512i v = _mm512_castsi128_si512(ot_load16(p));
                v = _mm512_inserti32x4(v, ot_load16(p + 16 * stride), 1);
                v = _mm512_inserti32x4(v, ot_load16(p + 32 * stride), 2);
                r[k] = _mm512_inserti32x4(v, ot_load16(p + 48 * stride), 3);
            }
            for (int q = 0; q < 8; q++) {
                s[2 * q] = _mm512_unpacklo_epi8(r[2 * q], r[2 * q + 1]);
                s[2 * q + 1] = _mm512_unpackhi_epi8(r[2 * q], r[2 * q + 1]);
            }
            for (int q = 0; q < 4; q++) {
                r[4 * q + 0] = _mm512_unpacklo_epi16(s[4 * q], s[4 * q + 2]);
                r[4 * q + 1] = _mm512_unpackhi_epi16(s[4 * q], s[4 * q + 2]);
                r[4 * q + 2] = _mm512_unpacklo_epi16(s[4 * q + 1], s[4 * q + 3]);
                r[4 * q + 3] = _mm512_unpackhi_epi16(s[4 * q + 1], s[4 * q + 3]);
            }
            for (int h = 0; h < 2; h++)
                for (int g = 0; g < 4; g++) {
                    s[8 * h + 2 * g] = _mm512_unpacklo_epi32(r[8 * h + g], r[8 * h + 4 + g]);
                    s[8 * h + 2 * g + 1] = _mm512_unpackhi_epi32(r[8 * h + g], r[8 * h + 4 + g]);
                }
            for (int g = 0; g < 8; g++) {
                r[2 * g] = _mm512_unpacklo_epi64(s[g], s[8 + g]);
                r[2 * g + 1] = _mm512_unpackhi_epi64(s[g], s[8 + g]);
            }
            for (size_t b = 0; b < 16; b++) {
                __m512i v = r[b];
                uint8_t *dst = o + (c * 128 + b * 8) * 16 + half * 8;
                for (int bit = 7; bit >= 0; bit--) {
                    uint64_t mask = (uint64_t)_mm512_movepi8_mask(v);
                    memcpy(dst + (size_t)bit * 16, &mask, 8);
                    v = _mm512_slli_epi64(v, 1);
                }
            }
        }
    }
}

int ot_have_avx2(void) { return __builtin_cpu_supports("avx2") ? 1 : 0; }
int ot_have_avx512(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") ? 1 : 0;
}

void ot_transpose_128(const uint8_t *in, size_t m, block *out)
{
    if (ot_have_avx512())
        ot_transpose_128_avx512(in, m, out);
    else if (ot_have_avx2())
        ot_transpose_128_avx2(in, m, out);
    else
        ot_transpose_128_sse2(in, m, out);
}
