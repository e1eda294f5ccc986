/* prg.c - AES-128-CTR pseudo-random generator, seeded from OpenSSL's
 * RAND_bytes or from a caller's seed. Output is deterministic per seed; the
 * counter is 64 bits (2^64 blocks per seed, far beyond any session). This
 * file does not reseed or fork-protect: make one per session and thread. */
#include "runtime/crypto/prg.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

enum mpcc_status prg_init_random(struct prg *p, struct mpcc_error *err)
{
    enum mpcc_status st = crypto_check_cpu(err);
    if (st != MPCC_OK)
        return st;
    unsigned char seed[16];
    if (RAND_bytes(seed, (int)sizeof seed) != 1)
        return mpcc_error_set(err, MPCC_ERR_CRYPTO,
                              "OpenSSL RAND_bytes could not supply 16 bytes of entropy for a PRG seed");
    prg_init_seed(p, blk_load(seed));
    OPENSSL_cleanse(seed, sizeof seed);
    return MPCC_OK;
}

void prg_init_seed(struct prg *p, block seed)
{
    aes_expand_key(&p->key, seed);
    p->counter = 0;
    memset(p->buf, 0, sizeof p->buf);
    p->buf_used = sizeof p->buf; /* empty */
}

void prg_blocks(struct prg *p, block *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = blk_from_u64(0, p->counter + i);
    p->counter += n;
    aes_encrypt_blocks(&p->key, out, n);
}

void prg_bytes(struct prg *p, void *out, size_t len)
{
    unsigned char *o = out;
    while (len > 0) {
        if (p->buf_used == sizeof p->buf) {
            if (len >= sizeof p->buf) {
                /* Whole refills straight into the output. */
                block b[8];
                prg_blocks(p, b, 8);
                memcpy(o, b, sizeof b);
                OPENSSL_cleanse(b, sizeof b);
                o += sizeof b;
                len -= sizeof b;
                continue;
            }
            prg_blocks(p, p->buf, sizeof p->buf / sizeof(block));
            p->buf_used = 0;
        }
        size_t take = sizeof p->buf - p->buf_used;
        if (take > len)
            take = len;
        memcpy(o, (unsigned char *)p->buf + p->buf_used, take);
        p->buf_used += (unsigned)take;
        o += take;
        len -= take;
    }
}

void prg_clear(struct prg *p)
{
    OPENSSL_cleanse(p, sizeof *p);
}
