/* aes.c - AES-128 key expansion and batched ECB encryption with AES-NI (8
 * blocks in flight) and VAES/AVX-512 (16 blocks in flight, 4 per zmm), the
 * path chosen per call from the CPU's features. No decryption; no software
 * fallback (crypto_check_cpu refuses a CPU without AES-NI). */
#include "runtime/crypto/aes.h"

#include <immintrin.h>
#include <string.h>

#include "runtime/crypto/aes_internal.h"

enum mpcc_status crypto_check_cpu(struct mpcc_error *err)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("aes"))
        return mpcc_error_set(err, MPCC_ERR_CPU,
                              "this CPU lacks the AES-NI instructions, which mpcc's runtime "
                              "requires (any x86-64 CPU since about 2010 has them)");
    if (!__builtin_cpu_supports("sse4.1"))
        return mpcc_error_set(err, MPCC_ERR_CPU,
                              "this CPU lacks SSE4.1, which mpcc's runtime requires");
    return MPCC_OK;
}

/* clang before 16 cannot name "vaes" in __builtin_cpu_supports; VPCLMULQDQ
 * arrived together with VAES on every CPU that has either (Intel Ice Lake and
 * later, AMD Zen 3 and later), so it stands in for it there. Executing CPUID
 * instead would cost microseconds per call under a hypervisor. */
#if defined(__clang__) && __clang_major__ < 16
#define MPCC_CPU_HAS_VAES() __builtin_cpu_supports("vpclmulqdq")
#else
#define MPCC_CPU_HAS_VAES() __builtin_cpu_supports("vaes")
#endif

int crypto_has_vaes(void)
{
    /* __builtin_cpu_supports reads the compiler runtime's CPU model (filled
     * once at start-up), which also checks that the OS saves the AVX-512
     * state (XCR0): cheap enough to ask per call. */
    __builtin_cpu_init();
    return MPCC_CPU_HAS_VAES() && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("aes");
}

__attribute__((target("aes,sse4.1"))) void aes_expand_key(struct aes_key *k, block key)
{
    k->rk[0] = key;
    for (int r = 1; r <= 10; r++)
        k->rk[r] = aes_ks_step(k->rk[r - 1], aes_rcon[r]);
}

__attribute__((target("aes,sse4.1"))) block aes_encrypt_block(const struct aes_key *k, block b)
{
    b = _mm_xor_si128(b, k->rk[0]);
    for (int r = 1; r < 10; r++)
        b = _mm_aesenc_si128(b, k->rk[r]);
    return _mm_aesenclast_si128(b, k->rk[10]);
}

__attribute__((target("aes,sse4.1"))) void aes_encrypt_blocks_aesni(const struct aes_key *k,
                                                                     block *blocks, size_t n)
{
    block rk[11];
    for (int r = 0; r < 11; r++)
        rk[r] = k->rk[r];
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        block s[8];
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++)
            s[j] = _mm_xor_si128(_mm_loadu_si128(&blocks[i + j]), rk[0]);
#pragma GCC unroll 9
        for (int r = 1; r < 10; r++) {
#pragma GCC unroll 8
            for (int j = 0; j < 8; j++)
                s[j] = _mm_aesenc_si128(s[j], rk[r]);
        }
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++)
            _mm_storeu_si128(&blocks[i + j], _mm_aesenclast_si128(s[j], rk[10]));
    }
    for (; i < n; i++) {
        block s = _mm_xor_si128(_mm_loadu_si128(&blocks[i]), rk[0]);
        for (int r = 1; r < 10; r++)
            s = _mm_aesenc_si128(s, rk[r]);
        _mm_storeu_si128(&blocks[i], _mm_aesenclast_si128(s, rk[10]));
    }
}

__attribute__((target("aes,sse4.1,vaes,avx512f,avx512bw"))) void
aes_encrypt_blocks_vaes(const struct aes_key *k, block *blocks, size_t n)
{
    __m512i rk[11];
    for (int r = 0; r < 11; r++)
        rk[r] = _mm512_broadcast_i32x4(k->rk[r]);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512i s[4];
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++)
            s[j] = _mm512_xor_si512(_mm512_loadu_si512((const void *)&blocks[i + 4 * j]), rk[0]);
#pragma GCC unroll 9
        for (int r = 1; r < 10; r++) {
#pragma GCC unroll 4
            for (int j = 0; j < 4; j++)
                s[j] = _mm512_aesenc_epi128(s[j], rk[r]);
        }
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++)
            _mm512_storeu_si512((void *)&blocks[i + 4 * j], _mm512_aesenclast_epi128(s[j], rk[10]));
    }
    for (; i < n; i += 4) {
        /* 1 to 4 blocks: masked load and store of 2 quadwords per block. */
        size_t left = n - i < 4 ? n - i : 4;
        __mmask8 m = (__mmask8)((1u << (2 * left)) - 1u);
        __m512i s = _mm512_maskz_loadu_epi64(m, (const void *)&blocks[i]);
        s = _mm512_xor_si512(s, rk[0]);
        for (int r = 1; r < 10; r++)
            s = _mm512_aesenc_epi128(s, rk[r]);
        s = _mm512_aesenclast_epi128(s, rk[10]);
        _mm512_mask_storeu_epi64((void *)&blocks[i], m, s);
    }
}

void aes_encrypt_blocks(const struct aes_key *k, block *blocks, size_t n)
{
    if (crypto_has_vaes())
        aes_encrypt_blocks_vaes(k, blocks, n);
    else
        aes_encrypt_blocks_aesni(k, blocks, n);
}
