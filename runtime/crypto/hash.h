/* hash.h - the tweakable circular correlation-robust hash used for garbling
 * (and by OT extension to break correlations): MITCCRH of Guo, Katz, Wang,
 * Weng, Yu (CRYPTO 2020):
 *
 *     H(x, j) = AES_{S xor (j || 0)}(sigma(x)) xor sigma(x),
 *     sigma(xL || xR) = (xL xor xR || xL)   (xL = high 64 bits),
 *
 * S a random 128-bit salt per session, j a 64-bit tweak placed in the high
 * half of the key. Every tweak gets its own AES key; the batched functions
 * expand many keys at once, interleaved with the encryption, so key schedule
 * and encryption keep the AES units busy. See docs/SECURITY.md for the bound.
 * This file does not choose tweaks: callers must never reuse one per salt. */
#ifndef MPCC_HASH_H
#define MPCC_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/crypto/block.h"

struct crypto_hash {
    block salt;   /* S: random per session, public (the garbler sends it) */
    int use_vaes; /* chosen once at init: 1 = VAES kernels, 0 = AES-NI */
};

/* Sets the salt and picks the kernel (VAES when the CPU has it). */
void crypto_hash_init(struct crypto_hash *h, block salt);
/* As crypto_hash_init, forcing the AES-NI kernels (tests, comparisons). */
void crypto_hash_init_aesni(struct crypto_hash *h, block salt);

/* sigma(xL || xR) = (xL xor xR || xL): a linear orthomorphism of GF(2^64)^2. */
static inline block crypto_sigma(block x)
{
    block swapped = _mm_shuffle_epi32(x, 0x4e); /* (xR || xL) */
    block hi_only = _mm_and_si128(x, _mm_set_epi64x(-1, 0));
    return _mm_xor_si128(swapped, hi_only);
}

/* One hash: H(x, tweak). Expands a key per call: for set-up code and tests. */
block crypto_ccr_hash(const struct crypto_hash *h, block x, uint64_t tweak);

/* x[i] <- H(x[i], tweak0 + i) for i < n (the evaluator's layout: one block
 * per tweak). In place. */
void crypto_hash_singles(const struct crypto_hash *h, uint64_t tweak0, block *x, size_t n);

/* x[2i] <- H(x[2i], tweak0 + i), x[2i+1] <- H(x[2i+1], tweak0 + i) for
 * i < n_tweaks (the garbler's layout: both labels of a wire under one tweak).
 * In place. */
void crypto_hash_pairs(const struct crypto_hash *h, uint64_t tweak0, block *x, size_t n_tweaks);

/* As above with one tweak per hashed unit: x[i] under tweaks[i]
 * (singles), x[2i] and x[2i+1] under tweaks[i] (pairs). */
void crypto_hash_singles_tw(const struct crypto_hash *h, const uint64_t *tweaks, block *x,
                            size_t n);
void crypto_hash_pairs_tw(const struct crypto_hash *h, const uint64_t *tweaks, block *x,
                          size_t n_tweaks);

/* x[i * n_tweaks + t] <- H(x[i * n_tweaks + t], tweaks[t]) for t < n_tweaks,
 * i < per: many blocks under each tweak (N-party evaluation: every party's
 * key under one tweak), one key schedule per tweak. */
void crypto_hash_groups_tw(const struct crypto_hash *h, const uint64_t *tweaks, block *x,
                           size_t n_tweaks, size_t per);

#endif
