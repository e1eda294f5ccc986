/* prg.h - a pseudo-random generator: AES-128 in counter mode under a key from
 * OpenSSL's RAND_bytes (or a caller's seed, for tests and for expanding OT
 * seeds). Deterministic given the seed. Not thread-safe: one per thread. */
#ifndef MPCC_PRG_H
#define MPCC_PRG_H

#include <stddef.h>
#include <stdint.h>

#include "mpcc/error.h"
#include "runtime/crypto/aes.h"
#include "runtime/crypto/block.h"

struct prg {
    struct aes_key key;
    uint64_t counter;   /* next counter block (low 64 bits; high 64 bits zero) */
    block buf[8];       /* unused output of the last refill (for prg_bytes) */
    unsigned buf_used;  /* bytes of buf already handed out (0..128) */
};

/* Seeds from RAND_bytes. MPCC_ERR_CRYPTO if OpenSSL cannot supply entropy,
 * MPCC_ERR_CPU if the CPU lacks AES-NI. */
enum mpcc_status prg_init_random(struct prg *p, struct mpcc_error *err);

/* Seeds from a caller's 128-bit seed (the seed is the AES key). */
void prg_init_seed(struct prg *p, block seed);

/* n fresh pseudo-random blocks. */
void prg_blocks(struct prg *p, block *out, size_t n);

/* len fresh pseudo-random bytes, from the same counter sequence as
 * prg_blocks (bytes left over from the last refill serve the next call). */
void prg_bytes(struct prg *p, void *out, size_t len);

/* Wipes the key and buffered output (OPENSSL_cleanse). */
void prg_clear(struct prg *p);

#endif
