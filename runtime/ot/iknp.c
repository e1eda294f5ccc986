/* iknp.c - IKNP OT extension with the ALSZ optimisations, correlated flavour:
 * the sender's base-OT choices are Delta, so q_j = t_j xor r_j * Delta leaves
 * the transpose needing no hash. Chunks of OT_CHUNK OTs (one u frame each)
 * keep memory independent of n. No malicious-receiver check (semi-honest). */
#include "runtime/ot/ot.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/crypto/aes.h"
#include "runtime/crypto/prg.h"
#include "runtime/ot/ot_internal.h"

#define OT_CHUNK 16384u /* OTs per u-matrix frame: multiple of 128 */
#define OT_ROW_MAX (OT_CHUNK / 8)

struct ot_cot_sender {
    struct net_channel *ch;
    block delta;
    struct crypto_hash hash; /* for random / chosen-message OT (ot_chosen.c) */
    struct prg g[OT_KAPPA]; /* G(k_i^{s_i}) */
    uint8_t *q;             /* 128 rows of OT_ROW_MAX bytes */
    uint8_t *u;
    block *tmp;             /* transposed last (partial) chunk */
    uint64_t done;          /* OTs so far (for messages) */
};

struct ot_cot_receiver {
    struct net_channel *ch;
    struct crypto_hash hash;
    struct prg g0[OT_KAPPA], g1[OT_KAPPA];
    uint8_t *t;
    uint8_t *u;
    block *tmp;
    uint8_t r[OT_ROW_MAX]; /* this chunk's choice bits, padded with zeros */
    uint64_t done;
};

static void *ot_alloc(size_t n)
{
    void *p = NULL;
    return posix_memalign(&p, 64, n) == 0 ? p : NULL;
}

enum mpcc_status ot_cot_sender_new(struct net_channel *ch, const uint8_t *session,
                                   block delta, struct ot_cot_sender **out,
                                   struct mpcc_error *err)
{
    return ot_cot_sender_new_with_base(ch, session, delta, NULL, out, err);
}

enum mpcc_status ot_cot_sender_new_with_base(struct net_channel *ch, const uint8_t *session,
                                             block delta, const block *base,
                                             struct ot_cot_sender **out, struct mpcc_error *err)
{
    *out = NULL;
    enum mpcc_status st = crypto_check_cpu(err);
    if (st != MPCC_OK)
        return st;
    struct ot_cot_sender *s = ot_alloc(sizeof *s);
    if (s == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "OT extension: out of memory");
    memset(s, 0, sizeof *s);
    s->ch = ch;
    s->delta = delta;
    s->q = ot_alloc((size_t)OT_KAPPA * OT_ROW_MAX);
    s->u = ot_alloc((size_t)OT_KAPPA * OT_ROW_MAX);
    s->tmp = ot_alloc((size_t)OT_CHUNK * sizeof(block));
    if (s->q == NULL || s->u == NULL || s->tmp == NULL) {
        ot_cot_sender_free(s);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "OT extension: out of memory");
    }
    uint8_t dbits[16];
    block keys[OT_KAPPA];
    blk_store(dbits, delta);
    if (base != NULL)
        memcpy(keys, base, sizeof keys);
    else
        st = ot_base_recv(ch, session, OT_KAPPA, dbits, keys, err);
    if (st == MPCC_OK)
        for (size_t i = 0; i < OT_KAPPA; i++)
            prg_init_seed(&s->g[i], keys[i]);
    uint8_t salt[16];
    size_t got = 0;
    if (st == MPCC_OK)
        st = net_recv_frame(ch, OT_FRAME_SALT, salt, sizeof salt, &got, "OT hash salt", err);
    if (st == MPCC_OK && got != sizeof salt)
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s: OT hash salt of %zu bytes, expected "
                            "16", net_peer(ch), got);
    block bound;
    if (st == MPCC_OK)
        st = crypto_bind_salt(blk_load(salt), session, "ot extension", &bound, err);
    if (st == MPCC_OK)
        crypto_hash_init(&s->hash, bound);
    OPENSSL_cleanse(keys, sizeof keys);
    OPENSSL_cleanse(dbits, sizeof dbits);
    if (st != MPCC_OK) {
        ot_cot_sender_free(s);
        mpcc_error_prefix(err, "OT extension set-up");
        return st;
    }
    *out = s;
    return MPCC_OK;
}

void ot_cot_sender_free(struct ot_cot_sender *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < OT_KAPPA; i++)
        prg_clear(&s->g[i]);
    if (s->q != NULL)
        OPENSSL_cleanse(s->q, (size_t)OT_KAPPA * OT_ROW_MAX);
    if (s->tmp != NULL)
        OPENSSL_cleanse(s->tmp, (size_t)OT_CHUNK * sizeof(block));
    free(s->q);
    free(s->u);
    free(s->tmp);
    OPENSSL_cleanse(&s->delta, sizeof s->delta);
    free(s);
}

/* dst ^= src & mask over len bytes (len a multiple of 16). */
static void ot_xor_masked(uint8_t *dst, const uint8_t *src, block mask, size_t len)
{
    for (size_t k = 0; k < len; k += 16)
        blk_store(dst + k, blk_xor(blk_load(dst + k), blk_and(blk_load(src + k), mask)));
}

enum mpcc_status ot_send_correlated(struct ot_cot_sender *s, size_t n, block *out_zero_labels,
                                    struct mpcc_error *err)
{
    uint8_t dbits[16];
    blk_store(dbits, s->delta);
    enum mpcc_status st = MPCC_OK;
    for (size_t j0 = 0; j0 < n; j0 += OT_CHUNK) {
        size_t nc = n - j0 < OT_CHUNK ? n - j0 : OT_CHUNK;
        size_t m = (nc + 127) / 128 * 128, row = m / 8, got = 0;
        /* Expand the seeds first: this overlaps with the receiver's work. */
        for (size_t i = 0; i < OT_KAPPA; i++)
            prg_blocks(&s->g[i], (block *)(void *)(s->q + i * row), row / 16);
        st = net_recv_frame(s->ch, OT_FRAME_EXT_U, s->u, OT_KAPPA * row, &got,
                            "OT extension matrix", err);
        if (st != MPCC_OK)
            break;
        if (got != OT_KAPPA * row) {
            st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s: OT extension matrix for OTs %llu.."
                                "%llu: expected %zu bytes, got %zu (do both sides ask for the "
                                "same number of OTs?)", net_peer(s->ch),
                                (unsigned long long)(s->done + j0),
                                (unsigned long long)(s->done + j0 + nc - 1), OT_KAPPA * row, got);
            break;
        }
        /* q_i = G(k_i^{s_i}) xor s_i * u_i, s_i = bit i of Delta, applied as a mask. */
        for (size_t i = 0; i < OT_KAPPA; i++) {
            block mask = blk_mask_from_bit((unsigned)(dbits[i / 8] >> (i % 8)));
            ot_xor_masked(s->q + i * row, s->u + i * row, mask, row);
        }
        if (nc == m) {
            ot_transpose_128(s->q, m, out_zero_labels + j0);
        } else {
            ot_transpose_128(s->q, m, s->tmp);
            memcpy(out_zero_labels + j0, s->tmp, nc * sizeof(block));
        }
    }
    OPENSSL_cleanse(dbits, sizeof dbits);
    if (st == MPCC_OK)
        s->done += n;
    return st;
}

enum mpcc_status ot_cot_receiver_new(struct net_channel *ch, const uint8_t *session,
                                     struct ot_cot_receiver **out, struct mpcc_error *err)
{
    return ot_cot_receiver_new_with_base(ch, session, NULL, NULL, out, err);
}

enum mpcc_status ot_cot_receiver_new_with_base(struct net_channel *ch, const uint8_t *session,
                                               const block *base0, const block *base1,
                                               struct ot_cot_receiver **out,
                                               struct mpcc_error *err)
{
    *out = NULL;
    enum mpcc_status st = crypto_check_cpu(err);
    if (st != MPCC_OK)
        return st;
    struct ot_cot_receiver *r = ot_alloc(sizeof *r);
    if (r == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "OT extension: out of memory");
    memset(r, 0, sizeof *r);
    r->ch = ch;
    r->t = ot_alloc((size_t)OT_KAPPA * OT_ROW_MAX);
    r->u = ot_alloc((size_t)OT_KAPPA * OT_ROW_MAX);
    r->tmp = ot_alloc((size_t)OT_CHUNK * sizeof(block));
    block k0[OT_KAPPA], k1[OT_KAPPA];
    if (r->t == NULL || r->u == NULL || r->tmp == NULL) {
        ot_cot_receiver_free(r);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "OT extension: out of memory");
    }
    if (base0 != NULL && base1 != NULL) {
        memcpy(k0, base0, sizeof k0);
        memcpy(k1, base1, sizeof k1);
    } else {
        st = ot_base_send(ch, session, OT_KAPPA, k0, k1, err);
    }
    if (st == MPCC_OK)
        for (size_t i = 0; i < OT_KAPPA; i++) {
            prg_init_seed(&r->g0[i], k0[i]);
            prg_init_seed(&r->g1[i], k1[i]);
        }
    /* A fresh public salt for the correlation-robust hash of this session,
     * bound to the session id on both sides. */
    uint8_t salt[16];
    if (st == MPCC_OK && RAND_bytes(salt, sizeof salt) != 1)
        st = mpcc_error_set(err, MPCC_ERR_CRYPTO, "OpenSSL RAND_bytes failed for the OT salt");
    if (st == MPCC_OK)
        st = net_send_frame(ch, OT_FRAME_SALT, salt, sizeof salt, err);
    if (st == MPCC_OK)
        st = net_flush(ch, err);
    block bound;
    if (st == MPCC_OK)
        st = crypto_bind_salt(blk_load(salt), session, "ot extension", &bound, err);
    if (st == MPCC_OK)
        crypto_hash_init(&r->hash, bound);
    OPENSSL_cleanse(k0, sizeof k0);
    OPENSSL_cleanse(k1, sizeof k1);
    if (st != MPCC_OK) {
        ot_cot_receiver_free(r);
        mpcc_error_prefix(err, "OT extension set-up");
        return st;
    }
    *out = r;
    return MPCC_OK;
}

void ot_cot_receiver_free(struct ot_cot_receiver *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < OT_KAPPA; i++) {
        prg_clear(&r->g0[i]);
        prg_clear(&r->g1[i]);
    }
    if (r->t != NULL)
        OPENSSL_cleanse(r->t, (size_t)OT_KAPPA * OT_ROW_MAX);
    if (r->tmp != NULL)
        OPENSSL_cleanse(r->tmp, (size_t)OT_CHUNK * sizeof(block));
    OPENSSL_cleanse(r->r, sizeof r->r);
    free(r->t);
    free(r->u);
    free(r->tmp);
    free(r);
}

enum mpcc_status ot_recv_correlated(struct ot_cot_receiver *r, const uint8_t *choice_bits,
                                    size_t n, block *out_labels, struct mpcc_error *err)
{
    enum mpcc_status st = MPCC_OK;
    for (size_t j0 = 0; j0 < n; j0 += OT_CHUNK) {
        size_t nc = n - j0 < OT_CHUNK ? n - j0 : OT_CHUNK;
        size_t m = (nc + 127) / 128 * 128, row = m / 8;
        /* The chunk's choice bits, zero-padded to m (j0 is a multiple of 8). */
        memset(r->r, 0, row);
        memcpy(r->r, choice_bits + j0 / 8, (nc + 7) / 8);
        if (nc % 8 != 0)
            r->r[nc / 8] &= (uint8_t)((1u << (nc % 8)) - 1u);
        /* t_i = G(k_i^0); u_i = t_i xor G(k_i^1) xor r. */
        for (size_t i = 0; i < OT_KAPPA; i++) {
            uint8_t *ti = r->t + i * row, *ui = r->u + i * row;
            prg_blocks(&r->g0[i], (block *)(void *)ti, row / 16);
            prg_blocks(&r->g1[i], (block *)(void *)ui, row / 16);
            for (size_t k = 0; k < row; k += 16)
                blk_store(ui + k, blk_xor(blk_load(ui + k),
                                          blk_xor(blk_load(ti + k), blk_load(r->r + k))));
        }
        st = net_send_frame(r->ch, OT_FRAME_EXT_U, r->u, OT_KAPPA * row, err);
        if (st == MPCC_OK)
            st = net_flush(r->ch, err);
        if (st != MPCC_OK)
            break;
        if (nc == m) {
            ot_transpose_128(r->t, m, out_labels + j0);
        } else {
            ot_transpose_128(r->t, m, r->tmp);
            memcpy(out_labels + j0, r->tmp, nc * sizeof(block));
        }
    }
    if (st == MPCC_OK)
        r->done += n;
    return st;
}

const struct crypto_hash *ot_sender_hash(const struct ot_cot_sender *s) { return &s->hash; }
uint64_t ot_sender_count(const struct ot_cot_sender *s) { return s->done; }
block ot_sender_delta(const struct ot_cot_sender *s) { return s->delta; }
struct net_channel *ot_sender_channel(const struct ot_cot_sender *s) { return s->ch; }
const struct crypto_hash *ot_receiver_hash(const struct ot_cot_receiver *r) { return &r->hash; }
uint64_t ot_receiver_count(const struct ot_cot_receiver *r) { return r->done; }
struct net_channel *ot_receiver_channel(const struct ot_cot_receiver *r) { return r->ch; }
