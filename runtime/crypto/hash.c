/* hash.c - MITCCRH, H(x, j) = AES_{S xor (j||0)}(sigma(x)) xor sigma(x), in
 * batches: each kernel derives a group of per-tweak keys, runs their key
 * schedules round by round interleaved with the encryptions that use them
 * (round key r is consumed as soon as it exists, so no schedule is stored),
 * with AES-NI (8 keys per group) or VAES/AVX-512 (16 keys, 4 per zmm).
 * Tweak choice and uniqueness are the caller's business (see gc.c). */
#include "runtime/crypto/hash.h"

#include <immintrin.h>
#include <string.h>

#include "runtime/crypto/aes.h"
#include "runtime/crypto/aes_internal.h"

#define TGT_NI "aes,sse4.1"
#define TGT_V "aes,sse4.1,vaes,avx512f,avx512bw"

void crypto_hash_init(struct crypto_hash *h, block salt)
{
    h->salt = salt;
    h->use_vaes = crypto_has_vaes();
}

void crypto_hash_init_aesni(struct crypto_hash *h, block salt)
{
    h->salt = salt;
    h->use_vaes = 0;
}

__attribute__((target(TGT_NI))) block crypto_ccr_hash(const struct crypto_hash *h, block x,
                                                       uint64_t tweak)
{
    block k = blk_xor(h->salt, blk_from_u64(tweak, 0));
    block s = crypto_sigma(x);
    block st = blk_xor(s, k);
    for (int r = 1; r < 10; r++) {
        k = aes_ks_step(k, aes_rcon[r]);
        st = _mm_aesenc_si128(st, k);
    }
    k = aes_ks_step(k, aes_rcon[10]);
    return blk_xor(_mm_aesenclast_si128(st, k), s);
}

/* ---------------- AES-NI kernels ---------------- */

/* x[i] <- H(x[i], tw[i]), i < 8. */
__attribute__((target(TGT_NI))) static void singles8_ni(block salt, const uint64_t *tw, block *x)
{
    block k[8], s[8], st[8];
#pragma GCC unroll 8
    for (int j = 0; j < 8; j++) {
        k[j] = blk_xor(salt, blk_from_u64(tw[j], 0));
        s[j] = crypto_sigma(blk_load(&x[j]));
        st[j] = blk_xor(s[j], k[j]);
    }
#pragma GCC unroll 9
    for (int r = 1; r < 10; r++) {
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++) {
            k[j] = aes_ks_step(k[j], aes_rcon[r]);
            st[j] = _mm_aesenc_si128(st[j], k[j]);
        }
    }
#pragma GCC unroll 8
    for (int j = 0; j < 8; j++) {
        k[j] = aes_ks_step(k[j], aes_rcon[10]);
        blk_store(&x[j], blk_xor(_mm_aesenclast_si128(st[j], k[j]), s[j]));
    }
}

/* x[2i], x[2i+1] <- H(., tw[i]), i < 4. */
__attribute__((target(TGT_NI))) static void pairs4_ni(block salt, const uint64_t *tw, block *x)
{
    block k[4], s[8], st[8];
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) {
        k[j] = blk_xor(salt, blk_from_u64(tw[j], 0));
        s[2 * j] = crypto_sigma(blk_load(&x[2 * j]));
        s[2 * j + 1] = crypto_sigma(blk_load(&x[2 * j + 1]));
        st[2 * j] = blk_xor(s[2 * j], k[j]);
        st[2 * j + 1] = blk_xor(s[2 * j + 1], k[j]);
    }
#pragma GCC unroll 9
    for (int r = 1; r < 10; r++) {
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++) {
            k[j] = aes_ks_step(k[j], aes_rcon[r]);
            st[2 * j] = _mm_aesenc_si128(st[2 * j], k[j]);
            st[2 * j + 1] = _mm_aesenc_si128(st[2 * j + 1], k[j]);
        }
    }
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) {
        k[j] = aes_ks_step(k[j], aes_rcon[10]);
        blk_store(&x[2 * j], blk_xor(_mm_aesenclast_si128(st[2 * j], k[j]), s[2 * j]));
        blk_store(&x[2 * j + 1], blk_xor(_mm_aesenclast_si128(st[2 * j + 1], k[j]), s[2 * j + 1]));
    }
}

static void singles_ni(block salt, const uint64_t *tw, block *x, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        singles8_ni(salt, tw + i, x + i);
    if (i < n) {
        block tmp[8];
        uint64_t tt[8] = {0};
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, x + i, (n - i) * sizeof(block));
        memcpy(tt, tw + i, (n - i) * sizeof(uint64_t));
        singles8_ni(salt, tt, tmp);
        memcpy(x + i, tmp, (n - i) * sizeof(block));
    }
}

static void pairs_ni(block salt, const uint64_t *tw, block *x, size_t n_tweaks)
{
    size_t i = 0;
    for (; i + 4 <= n_tweaks; i += 4)
        pairs4_ni(salt, tw + i, x + 2 * i);
    if (i < n_tweaks) {
        block tmp[8];
        uint64_t tt[4] = {0};
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, x + 2 * i, (n_tweaks - i) * 2 * sizeof(block));
        memcpy(tt, tw + i, (n_tweaks - i) * sizeof(uint64_t));
        pairs4_ni(salt, tt, tmp);
        memcpy(x + 2 * i, tmp, (n_tweaks - i) * 2 * sizeof(block));
    }
}

/* ---------------- VAES kernels ---------------- */

__attribute__((target(TGT_V), always_inline)) static inline __m512i ks_step_v(__m512i k, int rcon)
{
    __m512i t = _mm512_shuffle_epi8(k, _mm512_set1_epi32(AES_ROTWORD_MASK));
    t = _mm512_aesenclast_epi128(t, _mm512_set1_epi32(rcon));
    __m512i u = _mm512_xor_si512(k, _mm512_bslli_epi128(k, 4));
    return _mm512_ternarylogic_epi64(u, _mm512_bslli_epi128(u, 8), t, 0x96);
}

__attribute__((target(TGT_V), always_inline)) static inline __m512i sigma_v(__m512i x)
{
    __m512i swapped = _mm512_shuffle_epi32(x, (_MM_PERM_ENUM)0x4e);
    /* swapped xor (x and hi_mask): ternary-logic table A ^ (B & C) = 0x78. */
    return _mm512_ternarylogic_epi64(swapped, x, _mm512_set_epi64(-1, 0, -1, 0, -1, 0, -1, 0), 0x78);
}

/* The keys S xor (tw[0]||0) .. S xor (tw[3]||0), one per 128-bit lane: the
 * expand-load puts the 4 tweaks in the odd (high) quadwords. */
__attribute__((target(TGT_V), always_inline)) static inline __m512i keys4_v(__m512i salt,
                                                                           const uint64_t *tw)
{
    return _mm512_xor_si512(salt, _mm512_maskz_expandloadu_epi64(0xaa, tw));
}

/* x[i] <- H(x[i], tw[i]), i < 4*G. */
__attribute__((target(TGT_V), always_inline)) static inline void singles_group_v(__m512i salt,
                                                                                const uint64_t *tw,
                                                                                block *x, int G)
{
    __m512i k[4], s[4], st[4];
#pragma GCC unroll 4
    for (int j = 0; j < G; j++) {
        k[j] = keys4_v(salt, tw + 4 * j);
        s[j] = sigma_v(_mm512_loadu_si512((const void *)&x[4 * j]));
        st[j] = _mm512_xor_si512(s[j], k[j]);
    }
#pragma GCC unroll 9
    for (int r = 1; r < 10; r++) {
#pragma GCC unroll 4
        for (int j = 0; j < G; j++) {
            k[j] = ks_step_v(k[j], aes_rcon[r]);
            st[j] = _mm512_aesenc_epi128(st[j], k[j]);
        }
    }
#pragma GCC unroll 4
    for (int j = 0; j < G; j++) {
        k[j] = ks_step_v(k[j], aes_rcon[10]);
        _mm512_storeu_si512((void *)&x[4 * j],
                            _mm512_xor_si512(_mm512_aesenclast_epi128(st[j], k[j]), s[j]));
    }
}

/* x[2i], x[2i+1] <- H(., tw[i]), i < 4*G. The two blocks of a tweak sit in
 * neighbouring lanes; a permute splits them into "first" and "second" zmm so
 * that both line up with one zmm of 4 keys. */
__attribute__((target(TGT_V), always_inline)) static inline void pairs_group_v(__m512i salt,
                                                                              const uint64_t *tw,
                                                                              block *x, int G)
{
    const __m512i idx_first = _mm512_set_epi64(13, 12, 9, 8, 5, 4, 1, 0);
    const __m512i idx_second = _mm512_set_epi64(15, 14, 11, 10, 7, 6, 3, 2);
    const __m512i idx_lo = _mm512_set_epi64(11, 10, 3, 2, 9, 8, 1, 0);
    const __m512i idx_hi = _mm512_set_epi64(15, 14, 7, 6, 13, 12, 5, 4);
    __m512i k[4], s[8], st[8];
#pragma GCC unroll 4
    for (int j = 0; j < G; j++) {
        __m512i d0 = _mm512_loadu_si512((const void *)&x[8 * j]);
        __m512i d1 = _mm512_loadu_si512((const void *)&x[8 * j + 4]);
        k[j] = keys4_v(salt, tw + 4 * j);
        s[2 * j] = sigma_v(_mm512_permutex2var_epi64(d0, idx_first, d1));
        s[2 * j + 1] = sigma_v(_mm512_permutex2var_epi64(d0, idx_second, d1));
        st[2 * j] = _mm512_xor_si512(s[2 * j], k[j]);
        st[2 * j + 1] = _mm512_xor_si512(s[2 * j + 1], k[j]);
    }
#pragma GCC unroll 9
    for (int r = 1; r < 10; r++) {
#pragma GCC unroll 4
        for (int j = 0; j < G; j++) {
            k[j] = ks_step_v(k[j], aes_rcon[r]);
            st[2 * j] = _mm512_aesenc_epi128(st[2 * j], k[j]);
            st[2 * j + 1] = _mm512_aesenc_epi128(st[2 * j + 1], k[j]);
        }
    }
#pragma GCC unroll 4
    for (int j = 0; j < G; j++) {
        k[j] = ks_step_v(k[j], aes_rcon[10]);
        __m512i a = _mm512_xor_si512(_mm512_aesenclast_epi128(st[2 * j], k[j]), s[2 * j]);
        __m512i b = _mm512_xor_si512(_mm512_aesenclast_epi128(st[2 * j + 1], k[j]), s[2 * j + 1]);
        _mm512_storeu_si512((void *)&x[8 * j], _mm512_permutex2var_epi64(a, idx_lo, b));
        _mm512_storeu_si512((void *)&x[8 * j + 4], _mm512_permutex2var_epi64(a, idx_hi, b));
    }
}

__attribute__((target(TGT_V))) static void singles_v(block salt128, const uint64_t *tw, block *x,
                                                     size_t n)
{
    __m512i salt = _mm512_broadcast_i32x4(salt128);
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        singles_group_v(salt, tw + i, x + i, 4);
    for (; i + 4 <= n; i += 4)
        singles_group_v(salt, tw + i, x + i, 1);
    if (i < n) {
        block tmp[4];
        uint64_t tt[4] = {0};
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, x + i, (n - i) * sizeof(block));
        memcpy(tt, tw + i, (n - i) * sizeof(uint64_t));
        singles_group_v(salt, tt, tmp, 1);
        memcpy(x + i, tmp, (n - i) * sizeof(block));
    }
}

__attribute__((target(TGT_V))) static void pairs_v(block salt128, const uint64_t *tw, block *x,
                                                   size_t n_tweaks)
{
    __m512i salt = _mm512_broadcast_i32x4(salt128);
    size_t i = 0;
    for (; i + 16 <= n_tweaks; i += 16)
        pairs_group_v(salt, tw + i, x + 2 * i, 4);
    for (; i + 4 <= n_tweaks; i += 4)
        pairs_group_v(salt, tw + i, x + 2 * i, 1);
    if (i < n_tweaks) {
        block tmp[8];
        uint64_t tt[4] = {0};
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, x + 2 * i, (n_tweaks - i) * 2 * sizeof(block));
        memcpy(tt, tw + i, (n_tweaks - i) * sizeof(uint64_t));
        pairs_group_v(salt, tt, tmp, 1);
        memcpy(x + 2 * i, tmp, (n_tweaks - i) * 2 * sizeof(block));
    }
}

/* Tweaks t0 .. t0 + 4G - 1 (those past n_tw masked off), positions
 * i0 .. i0 + C - 1: G zmm of keys (4 tweaks each), C zmm of blocks per key
 * (position i of those 4 tweaks: one contiguous load in this layout), all
 * G chains in flight at once. G and C are constants after inlining. */
__attribute__((target(TGT_V), always_inline)) static inline void
groups_kernel_v(__m512i salt, const uint64_t *tw, block *x, size_t n_tw, size_t t0, size_t i0,
                int G, int C)
{
    __m512i k[4], s[4][4], st[4][4];
    __mmask8 lanes[4];
#pragma GCC unroll 4
    for (int j = 0; j < G; j++) {
        size_t t = t0 + 4 * (size_t)j, m = n_tw - t < 4 ? n_tw - t : 4;
        lanes[j] = (__mmask8)((1u << (2 * m)) - 1u); /* 2 qwords per block */
        k[j] = _mm512_xor_si512(salt, _mm512_maskz_expandloadu_epi64(0xaa & lanes[j], tw + t));
#pragma GCC unroll 4
        for (int i = 0; i < C; i++) {
            s[j][i] = sigma_v(_mm512_maskz_loadu_epi64(lanes[j], &x[(i0 + (size_t)i) * n_tw + t]));
            st[j][i] = _mm512_xor_si512(s[j][i], k[j]);
        }
    }
#pragma GCC unroll 9
    for (int r = 1; r < 10; r++) {
#pragma GCC unroll 4
        for (int j = 0; j < G; j++) {
            k[j] = ks_step_v(k[j], aes_rcon[r]);
#pragma GCC unroll 4
            for (int i = 0; i < C; i++)
                st[j][i] = _mm512_aesenc_epi128(st[j][i], k[j]);
        }
    }
#pragma GCC unroll 4
    for (int j = 0; j < G; j++) {
        size_t t = t0 + 4 * (size_t)j;
        k[j] = ks_step_v(k[j], aes_rcon[10]);
#pragma GCC unroll 4
        for (int i = 0; i < C; i++)
            _mm512_mask_storeu_epi64(&x[(i0 + (size_t)i) * n_tw + t], lanes[j],
                                     _mm512_xor_si512(_mm512_aesenclast_epi128(st[j][i], k[j]),
                                                      s[j][i]));
    }
}

#define GROUPS_CASE(G, C)                                                  \
    case 4 * ((G) - 1) + (C) - 1:                                          \
        groups_kernel_v(salt, tw, x, n_tw, t, i0, G, C);                   \
        break

/* x[i * n_tw + t] <- H(., tw[t]) for t < n_tw, i < per: up to 16 tweaks
 * and 4 positions per kernel call. */
__attribute__((target(TGT_V))) static void groups_v(block salt128, const uint64_t *tw, block *x,
                                                    size_t n_tw, size_t per)
{
    __m512i salt = _mm512_broadcast_i32x4(salt128);
    for (size_t t = 0; t < n_tw; t += 16) {
        size_t rest = n_tw - t, g = rest >= 16 ? 4 : (rest + 3) / 4;
        for (size_t i0 = 0; i0 < per; i0 += 4) {
            size_t c = per - i0 < 4 ? per - i0 : 4;
            switch (4 * (g - 1) + c - 1) {
                GROUPS_CASE(1, 1); GROUPS_CASE(1, 2); GROUPS_CASE(1, 3); GROUPS_CASE(1, 4);
                GROUPS_CASE(2, 1); GROUPS_CASE(2, 2); GROUPS_CASE(2, 3); GROUPS_CASE(2, 4);
                GROUPS_CASE(3, 1); GROUPS_CASE(3, 2); GROUPS_CASE(3, 3); GROUPS_CASE(3, 4);
                GROUPS_CASE(4, 1); GROUPS_CASE(4, 2); GROUPS_CASE(4, 3); GROUPS_CASE(4, 4);
            }
        }
    }
}
#undef GROUPS_CASE

/* The AES-NI form: the same hashes as singles, 64 at a time. */
static void groups_ni(block salt, const uint64_t *tw, block *x, size_t n_tw, size_t per)
{
    uint64_t tt[64];
    size_t total = n_tw * per;
    for (size_t i = 0; i < total; i += 64) {
        size_t m = total - i < 64 ? total - i : 64;
        for (size_t j = 0; j < m; j++)
            tt[j] = tw[(i + j) % n_tw];
        singles_ni(salt, tt, x + i, m);
    }
}

void crypto_hash_groups_tw(const struct crypto_hash *h, const uint64_t *tweaks, block *x,
                           size_t n_tweaks, size_t per)
{
    if (h->use_vaes)
        groups_v(h->salt, tweaks, x, n_tweaks, per);
    else
        groups_ni(h->salt, tweaks, x, n_tweaks, per);
}

void crypto_hash_singles_tw(const struct crypto_hash *h, const uint64_t *tweaks, block *x, size_t n)
{
    if (h->use_vaes)
        singles_v(h->salt, tweaks, x, n);
    else
        singles_ni(h->salt, tweaks, x, n);
}

void crypto_hash_pairs_tw(const struct crypto_hash *h, const uint64_t *tweaks, block *x,
                          size_t n_tweaks)
{
    if (h->use_vaes)
        pairs_v(h->salt, tweaks, x, n_tweaks);
    else
        pairs_ni(h->salt, tweaks, x, n_tweaks);
}

/* The consecutive-tweak forms, in slices of 64 tweaks. */
void crypto_hash_singles(const struct crypto_hash *h, uint64_t tweak0, block *x, size_t n)
{
    uint64_t tw[64];
    for (size_t i = 0; i < n; i += 64) {
        size_t m = n - i < 64 ? n - i : 64;
        for (size_t j = 0; j < m; j++)
            tw[j] = tweak0 + i + j;
        crypto_hash_singles_tw(h, tw, x + i, m);
    }
}

void crypto_hash_pairs(const struct crypto_hash *h, uint64_t tweak0, block *x, size_t n_tweaks)
{
    uint64_t tw[64];
    for (size_t i = 0; i < n_tweaks; i += 64) {
        size_t m = n_tweaks - i < 64 ? n_tweaks - i : 64;
        for (size_t j = 0; j < m; j++)
            tw[j] = tweak0 + i + j;
        crypto_hash_pairs_tw(h, tw, x + 2 * i, m);
    }
}
