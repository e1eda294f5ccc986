/* block.h - the 128-bit block every layer of the runtime computes on (wire
 * labels, AES states, OT rows) and a few inline operations on it. SSE2 only
 * (part of every x86-64), so this header needs no target attributes; AES and
 * wider vectors live in aes.h / hash.h. Nothing here is secret-dependent. */
#ifndef MPCC_BLOCK_H
#define MPCC_BLOCK_H

#include <emmintrin.h>
#include <stdint.h>

typedef __m128i block;

static inline block blk_zero(void) { return _mm_setzero_si128(); }
static inline block blk_xor(block a, block b) { return _mm_xor_si128(a, b); }
static inline block blk_and(block a, block b) { return _mm_and_si128(a, b); }
static inline block blk_or(block a, block b) { return _mm_or_si128(a, b); }

/* The block whose high 64 bits are hi and low 64 bits are lo. */
static inline block blk_from_u64(uint64_t hi, uint64_t lo)
{
    return _mm_set_epi64x((long long)hi, (long long)lo);
}
static inline uint64_t blk_lo64(block a) { return (uint64_t)_mm_cvtsi128_si64(a); }
static inline uint64_t blk_hi64(block a) { return (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(a, a)); }

/* 1 when a == b, else 0. Not constant time in the result (tests, checks). */
static inline int blk_eq(block a, block b)
{
    return _mm_movemask_epi8(_mm_cmpeq_epi8(a, b)) == 0xffff;
}

/* The least significant bit (bit 0 of byte 0): the point-and-permute bit. */
static inline int blk_lsb(block a) { return _mm_cvtsi128_si32(a) & 1; }

/* All ones if lsb(a) == 1, else all zeros, without a branch (constant time). */
static inline block blk_lsb_mask(block a)
{
    return _mm_shuffle_epi32(_mm_srai_epi32(_mm_slli_epi32(a, 31), 31), 0);
}

/* All ones if bit & 1, else zero, without a branch. */
static inline block blk_mask_from_bit(unsigned bit)
{
    return _mm_set1_epi32(-(int)(bit & 1u));
}

/* Unaligned load and store of 16 bytes. */
static inline block blk_load(const void *p) { return _mm_loadu_si128((const __m128i *)p); }
static inline void blk_store(void *p, block a) { _mm_storeu_si128((__m128i *)p, a); }

#endif
