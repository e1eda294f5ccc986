/* aes_internal.h - pieces of AES-128 shared by aes.c, hash.c and prg.c: the
 * round constants and one round of the key schedule done with AESENCLAST
 * (Gueron-Lindell-Nof-Pinkas style), so that many independent key schedules
 * pipeline like encryptions. Not part of the crypto layer's contract. */
#ifndef MPCC_AES_INTERNAL_H
#define MPCC_AES_INTERNAL_H

#include <immintrin.h>

#include "runtime/crypto/block.h"

static const int aes_rcon[11] = {0x00, 0x01, 0x02, 0x04, 0x08, 0x10,
                                 0x20, 0x40, 0x80, 0x1b, 0x36};

/* Byte shuffle that puts RotWord(w3) into every 32-bit column. */
#define AES_ROTWORD_MASK 0x0c0f0e0d

/* Round key r from round key r-1: every column of the pshufb result is
 * RotWord(w3); ShiftRows leaves identical columns alone, so AESENCLAST with
 * key rcon yields SubWord(RotWord(w3)) xor rcon in every column. */
__attribute__((target("aes,sse4.1"))) static inline block aes_ks_step(block k, int rcon)
{
    block t = _mm_shuffle_epi8(k, _mm_set1_epi32(AES_ROTWORD_MASK));
    t = _mm_aesenclast_si128(t, _mm_set1_epi32(rcon));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 8));
    return _mm_xor_si128(k, t);
}

#endif
