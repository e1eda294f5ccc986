/* test_crypto.c - runtime/crypto: AES-128 (both the AES-NI and the VAES path)
 * against FIPS-197 and OpenSSL, the PRG, sigma and the MITCCRH hash against a
 * straightforward byte-level reference written here with OpenSSL's AES. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "runtime/crypto/aes.h"
#include "runtime/crypto/block.h"
#include "runtime/crypto/hash.h"
#include "runtime/crypto/prg.h"

typedef void (*enc_fn)(const struct aes_key *, block *, size_t);

static void hex_to_bytes(const char *hex, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (unsigned char)v;
    }
}

/* OpenSSL AES-128-ECB of n blocks: the oracle. */
static void ref_aes(const unsigned char key[16], const unsigned char *in, unsigned char *out,
                    size_t n)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    ck_assert_ptr_nonnull(ctx);
    int len = 0;
    ck_assert_int_eq(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL), 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    ck_assert_int_eq(EVP_EncryptUpdate(ctx, out, &len, in, (int)(16 * n)), 1);
    ck_assert_int_eq(len, (int)(16 * n));
    EVP_CIPHER_CTX_free(ctx);
}

static int n_paths(void) { return crypto_has_vaes() ? 2 : 1; }
static enc_fn path(int i) { return i == 0 ? aes_encrypt_blocks_aesni : aes_encrypt_blocks_vaes; }

START_TEST(crypto_cpu_check_passes_here)
{
    struct mpcc_error err = {0};
    ck_assert_int_eq(crypto_check_cpu(&err), MPCC_OK);
    if (!crypto_has_vaes())
        printf("test_crypto: no VAES on this CPU; only the AES-NI path is tested\n");
}
END_TEST

START_TEST(aes_fips197_c1_both_paths)
{
    unsigned char key[16], pt[16], ct[16];
    hex_to_bytes("000102030405060708090a0b0c0d0e0f", key, 16);
    hex_to_bytes("00112233445566778899aabbccddeeff", pt, 16);
    hex_to_bytes("69c4e0d86a7b0430d8cdb78070b4c55a", ct, 16);
    struct aes_key k;
    aes_expand_key(&k, blk_load(key));
    ck_assert(blk_eq(aes_encrypt_block(&k, blk_load(pt)), blk_load(ct)));
    for (int p = 0; p < n_paths(); p++) {
        for (size_t n = 1; n <= 21; n++) {
            block b[21];
            for (size_t i = 0; i < n; i++)
                b[i] = blk_load(pt);
            path(p)(&k, b, n);
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(blk_eq(b[i], blk_load(ct)), "path %d, n %zu, block %zu", p, n, i);
        }
    }
    block one = blk_load(pt);
    aes_encrypt_blocks(&k, &one, 1);
    ck_assert(blk_eq(one, blk_load(ct)));
    /* The last round key of FIPS-197 A.1's key 2b7e1516...: d014f9a8c9ee2589e13f0cc8b6630ca6. */
    unsigned char k2[16], rk10[16];
    hex_to_bytes("2b7e151628aed2a6abf7158809cf4f3c", k2, 16);
    hex_to_bytes("d014f9a8c9ee2589e13f0cc8b6630ca6", rk10, 16);
    aes_expand_key(&k, blk_load(k2));
    ck_assert(blk_eq(k.rk[10], blk_load(rk10)));
}
END_TEST

START_TEST(aes_random_blocks_match_openssl_both_paths)
{
    enum { N = 70 };
    unsigned char key[16], in[16 * N], want[16 * N];
    for (int trial = 0; trial < 20; trial++) {
        ck_assert_int_eq(RAND_bytes(key, 16), 1);
        ck_assert_int_eq(RAND_bytes(in, sizeof in), 1);
        ref_aes(key, in, want, N);
        struct aes_key k;
        aes_expand_key(&k, blk_load(key));
        for (int p = 0; p < n_paths(); p++) {
            for (size_t n = 0; n <= N; n += (n < 20 ? 1 : 7)) {
                block b[N];
                memcpy(b, in, 16 * n);
                path(p)(&k, b, n);
                ck_assert_msg(memcmp(b, want, 16 * n) == 0, "path %d n %zu", p, n);
            }
        }
    }
}
END_TEST

START_TEST(prg_is_deterministic_per_seed_and_distinct)
{
    struct prg a, b, c;
    prg_init_seed(&a, blk_from_u64(1, 2));
    prg_init_seed(&b, blk_from_u64(1, 2));
    prg_init_seed(&c, blk_from_u64(1, 3));
    block xa[100], xb[100], xc[100];
    prg_blocks(&a, xa, 37);
    prg_blocks(&a, xa + 37, 63);
    prg_blocks(&b, xb, 100);
    prg_blocks(&c, xc, 100);
    ck_assert(memcmp(xa, xb, sizeof xa) == 0);
    for (int i = 0; i < 100; i++) {
        ck_assert(!blk_eq(xa[i], xc[i]));
        for (int j = 0; j < i; j++)
            ck_assert(!blk_eq(xa[i], xa[j]));
    }
    /* Counter mode: block i is AES_seed(i). */
    struct aes_key k;
    aes_expand_key(&k, blk_from_u64(1, 2));
    ck_assert(blk_eq(xa[5], aes_encrypt_block(&k, blk_from_u64(0, 5))));
    /* prg_bytes follows the same stream. */
    unsigned char bytes[16 * 100];
    struct prg d;
    prg_init_seed(&d, blk_from_u64(1, 2));
    prg_bytes(&d, bytes, 3);
    prg_bytes(&d, bytes + 3, 13);
    prg_bytes(&d, bytes + 16, sizeof bytes - 16);
    ck_assert(memcmp(bytes, xa, 16 * 8) == 0);
    prg_clear(&a);
    prg_clear(&b);
    prg_clear(&c);
    prg_clear(&d);
}
END_TEST

START_TEST(prg_random_seeds_differ)
{
    struct mpcc_error err = {0};
    struct prg a, b;
    ck_assert_int_eq(prg_init_random(&a, &err), MPCC_OK);
    ck_assert_int_eq(prg_init_random(&b, &err), MPCC_OK);
    block x, y;
    prg_blocks(&a, &x, 1);
    prg_blocks(&b, &y, 1);
    ck_assert(!blk_eq(x, y));
    prg_clear(&a);
    prg_clear(&b);
}
END_TEST

START_TEST(sigma_swaps_and_xors_halves)
{
    uint64_t L = 0x0123456789abcdefULL, R = 0xfedcba9876543210ULL;
    block s = crypto_sigma(blk_from_u64(L, R));
    ck_assert_uint_eq(blk_hi64(s), L ^ R);
    ck_assert_uint_eq(blk_lo64(s), L);
    s = crypto_sigma(blk_from_u64(0, 1));
    ck_assert(blk_eq(s, blk_from_u64(1, 0)));
    s = crypto_sigma(blk_from_u64(1, 0));
    ck_assert(blk_eq(s, blk_from_u64(1, 1)));
    /* An orthomorphism: sigma(x) xor x = (xR || xL xor xR) is a permutation too. */
    block x = blk_from_u64(L, R);
    block d = blk_xor(crypto_sigma(x), x);
    ck_assert(blk_eq(d, blk_from_u64(R, L ^ R)));
}
END_TEST

/* Reference MITCCRH on bytes: block byte i is memory byte i; the high 64 bits
 * are bytes 8..15 read little-endian (x86 layout). */
static uint64_t get_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}
static void put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static void ref_hash(const unsigned char salt[16], const unsigned char x[16], uint64_t tweak,
                     unsigned char out[16])
{
    unsigned char key[16], sx[16], enc[16];
    memcpy(key, salt, 16);
    put_le64(key + 8, get_le64(salt + 8) ^ tweak);
    uint64_t xl = get_le64(x + 8), xr = get_le64(x);
    put_le64(sx + 8, xl ^ xr);
    put_le64(sx, xl);
    ref_aes(key, sx, enc, 1);
    for (int i = 0; i < 16; i++)
        out[i] = enc[i] ^ sx[i];
}

START_TEST(hash_matches_reference_all_layouts_both_paths)
{
    enum { N = 45 };
    unsigned char salt[16], x[16 * 2 * N], want[16 * 2 * N];
    for (int trial = 0; trial < 3; trial++) {
        ck_assert_int_eq(RAND_bytes(salt, 16), 1);
        ck_assert_int_eq(RAND_bytes(x, sizeof x), 1);
        uint64_t t0 = trial == 2 ? UINT64_MAX - 20 : (uint64_t)trial * 1000003u;
        for (int p = 0; p < n_paths(); p++) {
            struct crypto_hash h;
            if (p == 0)
                crypto_hash_init_aesni(&h, blk_load(salt));
            else
                crypto_hash_init(&h, blk_load(salt));
            ck_assert_int_eq(h.use_vaes, p);
            for (int i = 0; i < 3; i++) {
                ref_hash(salt, x + 16 * i, t0 + (uint64_t)i, want);
                ck_assert(blk_eq(crypto_ccr_hash(&h, blk_load(x + 16 * i), t0 + (uint64_t)i),
                                 blk_load(want)));
            }
            for (size_t n = 0; n <= N; n++) {
                for (size_t i = 0; i < n; i++)
                    ref_hash(salt, x + 16 * i, t0 + i, want + 16 * i);
                block b[2 * N];
                memcpy(b, x, 16 * n);
                crypto_hash_singles(&h, t0, b, n);
                ck_assert_msg(memcmp(b, want, 16 * n) == 0, "singles path %d n %zu", p, n);

                for (size_t i = 0; i < 2 * n; i++)
                    ref_hash(salt, x + 16 * i, t0 + i / 2, want + 16 * i);
                memcpy(b, x, 32 * n);
                crypto_hash_pairs(&h, t0, b, n);
                ck_assert_msg(memcmp(b, want, 32 * n) == 0, "pairs path %d n %zu", p, n);

                /* Arbitrary tweak lists (the garbler's and evaluator's form). */
                uint64_t tw[2 * N];
                ck_assert_int_eq(RAND_bytes((unsigned char *)tw, sizeof tw), 1);
                for (size_t i = 0; i < n; i++)
                    ref_hash(salt, x + 16 * i, tw[i], want + 16 * i);
                memcpy(b, x, 16 * n);
                crypto_hash_singles_tw(&h, tw, b, n);
                ck_assert_msg(memcmp(b, want, 16 * n) == 0, "singles_tw path %d n %zu", p, n);
                for (size_t i = 0; i < 2 * n; i++)
                    ref_hash(salt, x + 16 * i, tw[i / 2], want + 16 * i);
                memcpy(b, x, 32 * n);
                crypto_hash_pairs_tw(&h, tw, b, n);
                ck_assert_msg(memcmp(b, want, 32 * n) == 0, "pairs_tw path %d n %zu", p, n);
                /* Groups: x[i * n_tw + t] under tw[t] (N-party evaluation). */
                for (size_t n_tw = 1; n_tw <= n && n_tw <= 20; n_tw++) {
                    size_t per = (2 * n) / n_tw;
                    for (size_t i = 0; i < per * n_tw; i++)
                        ref_hash(salt, x + 16 * i, tw[i % n_tw], want + 16 * i);
                    memcpy(b, x, 16 * per * n_tw);
                    crypto_hash_groups_tw(&h, tw, b, n_tw, per);
                    ck_assert_msg(memcmp(b, want, 16 * per * n_tw) == 0,
                                  "groups_tw path %d tweaks %zu per %zu", p, n_tw, per);
                }
            }
        }
    }
}
END_TEST

START_TEST(hash_depends_on_tweak_and_salt)
{
    struct crypto_hash h1, h2;
    crypto_hash_init(&h1, blk_from_u64(7, 8));
    crypto_hash_init(&h2, blk_from_u64(7, 9));
    block x = blk_from_u64(0x55, 0xaa);
    ck_assert(!blk_eq(crypto_ccr_hash(&h1, x, 0), crypto_ccr_hash(&h1, x, 1)));
    ck_assert(!blk_eq(crypto_ccr_hash(&h1, x, 0), crypto_ccr_hash(&h2, x, 0)));
    /* The tweak sits in the key's high half: tweak 1 under salt (7,8) is the
     * key (6,8), i.e. tweak 0 under salt (6,8). */
    struct crypto_hash h3;
    crypto_hash_init(&h3, blk_from_u64(6, 8));
    ck_assert(blk_eq(crypto_ccr_hash(&h1, x, 1), crypto_ccr_hash(&h3, x, 0)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, crypto_cpu_check_passes_here);
    tcase_add_test(tc, aes_fips197_c1_both_paths);
    tcase_add_test(tc, aes_random_blocks_match_openssl_both_paths);
    tcase_add_test(tc, prg_is_deterministic_per_seed_and_distinct);
    tcase_add_test(tc, prg_random_seeds_differ);
    tcase_add_test(tc, sigma_swaps_and_xors_halves);
    tcase_add_test(tc, hash_matches_reference_all_layouts_both_paths);
    tcase_add_test(tc, hash_depends_on_tweak_and_salt);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
