/* aes.h - AES-128 with the x86 AES instructions: key expansion and batched
 * ECB encryption, with a VAES (AVX-512) path chosen at run time and a plain
 * AES-NI path (8 blocks in flight) for CPUs without it. No decryption, no
 * other key sizes, no software AES: a CPU without AES-NI is refused. */
#ifndef MPCC_AES_H
#define MPCC_AES_H

#include <stddef.h>

#include "mpcc/error.h"
#include "runtime/crypto/block.h"

struct aes_key {
    block rk[11]; /* round keys 0..10 */
};

/* MPCC_OK when the CPU has AES-NI and SSE4.1 (needed by everything in
 * runtime/), else MPCC_ERR_CPU with a message naming what is missing. */
enum mpcc_status crypto_check_cpu(struct mpcc_error *err);

/* 1 when the VAES + AVX-512F/BW path can run here (CPU and OS support). */
int crypto_has_vaes(void);

/* Expands a 128-bit key (FIPS-197 byte order: byte 0 of the block is key
 * byte 0). Requires AES-NI (call crypto_check_cpu once at start-up). */
void aes_expand_key(struct aes_key *k, block key);

/* Encrypts n blocks in place (ECB), choosing VAES when crypto_has_vaes(). */
void aes_encrypt_blocks(const struct aes_key *k, block *blocks, size_t n);

/* The two paths, callable directly (tests check both against OpenSSL).
 * aes_encrypt_blocks_vaes must only be called when crypto_has_vaes(). */
void aes_encrypt_blocks_aesni(const struct aes_key *k, block *blocks, size_t n);
void aes_encrypt_blocks_vaes(const struct aes_key *k, block *blocks, size_t n);

/* One block (no batching; for set-up code, not hot loops). */
block aes_encrypt_block(const struct aes_key *k, block b);

#endif
