/* base_ot.c - base OT: Chou-Orlandi "simplest OT" on P-256 (OpenSSL EC_POINT),
 * semi-honest, giving random keys that iknp.c expands. Received points are
 * validated; each key hashes the tag, the session id, both points, the index
 * and the shared point with SHA-256. No chosen messages, no malicious security. */
#include "runtime/ot/ot.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/obj_mac.h>
#include <stdlib.h>
#include <string.h>

#define OT_PT_BYTES 65 /* uncompressed P-256 point */
#define OT_BASE_MAX (1u << 16)

static const char ot_co_tag[] = "mpcc chou-orlandi ot v1";

struct ot_ec {
    EC_GROUP *group;
    BN_CTX *bn;
    EVP_MD_CTX *md;
    const uint8_t *session; /* CRYPTO_SESSION_BYTES, mixed into every key */
};

static enum mpcc_status ot_ec_fail(struct mpcc_error *err, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "no OpenSSL detail";
    if (e != 0)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return mpcc_error_set(err, MPCC_ERR_CRYPTO, "base OT: %s failed (%s)", what, buf);
}

static enum mpcc_status ot_ec_init(struct ot_ec *ec, struct mpcc_error *err)
{
    ec->group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    ec->bn = BN_CTX_new();
    ec->md = EVP_MD_CTX_new();
    if (ec->group == NULL || ec->bn == NULL || ec->md == NULL)
        return ot_ec_fail(err, "setting up P-256");
    return MPCC_OK;
}

static void ot_ec_clear(struct ot_ec *ec)
{
    EC_GROUP_free(ec->group);
    BN_CTX_free(ec->bn);
    EVP_MD_CTX_free(ec->md);
}

/* A uniformly random scalar in [1, order). */
static enum mpcc_status ot_random_scalar(struct ot_ec *ec, BIGNUM *x, struct mpcc_error *err)
{
    const BIGNUM *order = EC_GROUP_get0_order(ec->group);
    do {
        if (!BN_priv_rand_range(x, order))
            return ot_ec_fail(err, "drawing a random scalar");
    } while (BN_is_zero(x));
    BN_set_flags(x, BN_FLG_CONSTTIME);
    return MPCC_OK;
}

static int ot_encode(struct ot_ec *ec, const EC_POINT *p, uint8_t out[OT_PT_BYTES])
{
    return EC_POINT_point2oct(ec->group, p, POINT_CONVERSION_UNCOMPRESSED, out, OT_PT_BYTES,
                              ec->bn) == OT_PT_BYTES;
}

/* Decodes a peer's point: on the curve (checked by OpenSSL) and not infinity. */
static enum mpcc_status ot_decode(struct ot_ec *ec, const uint8_t in[OT_PT_BYTES], EC_POINT *p,
                                  const char *what, size_t index, struct mpcc_error *err)
{
    if (in[0] != 0x04 || !EC_POINT_oct2point(ec->group, p, in, OT_PT_BYTES, ec->bn) ||
        EC_POINT_is_at_infinity(ec->group, p) || EC_POINT_is_on_curve(ec->group, p, ec->bn) != 1) {
        ERR_clear_error();
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "base OT: the peer's %s %zu is not a "
                              "valid P-256 point", what, index);
    }
    return MPCC_OK;
}

/* key = first 16 bytes of SHA-256(tag || session || A || B || index || P). */
static enum mpcc_status ot_derive(struct ot_ec *ec, const uint8_t a[OT_PT_BYTES],
                                  const uint8_t b[OT_PT_BYTES], uint32_t index,
                                  const uint8_t p[OT_PT_BYTES], block *key,
                                  struct mpcc_error *err)
{
    uint8_t idx[4] = {(uint8_t)index, (uint8_t)(index >> 8), (uint8_t)(index >> 16),
                      (uint8_t)(index >> 24)};
    uint8_t md[32];
    unsigned mdlen = 0;
    if (!EVP_DigestInit_ex(ec->md, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(ec->md, ot_co_tag, sizeof ot_co_tag) ||
        !EVP_DigestUpdate(ec->md, ec->session, CRYPTO_SESSION_BYTES) ||
        !EVP_DigestUpdate(ec->md, a, OT_PT_BYTES) || !EVP_DigestUpdate(ec->md, b, OT_PT_BYTES) ||
        !EVP_DigestUpdate(ec->md, idx, 4) || !EVP_DigestUpdate(ec->md, p, OT_PT_BYTES) ||
        !EVP_DigestFinal_ex(ec->md, md, &mdlen))
        return ot_ec_fail(err, "SHA-256");
    *key = blk_load(md);
    OPENSSL_cleanse(md, sizeof md);
    return MPCC_OK;
}

static enum mpcc_status ot_check_n(size_t n, struct mpcc_error *err)
{
    if (n == 0 || n > OT_BASE_MAX)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "base OT: count %zu outside 1..%u", n,
                              OT_BASE_MAX);
    return MPCC_OK;
}

/* A base-OT sender between its first message (A) and the receiver's reply. */
struct ot_base_sender {
    struct net_channel *ch;
    size_t n;
    struct ot_ec ec;
    BIGNUM *a;
    EC_POINT *pa, *neg_aa;
    uint8_t ea[OT_PT_BYTES];
};

void ot_base_sender_free(struct ot_base_sender *s)
{
    if (s == NULL)
        return;
    BN_clear_free(s->a);
    EC_POINT_clear_free(s->pa);
    EC_POINT_clear_free(s->neg_aa);
    ot_ec_clear(&s->ec);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

enum mpcc_status ot_base_send_start(struct net_channel *ch, size_t n, struct ot_base_sender **out,
                                    struct mpcc_error *err)
{
    *out = NULL;
    enum mpcc_status st = ot_check_n(n, err);
    if (st != MPCC_OK)
        return st;
    struct ot_base_sender *s = calloc(1, sizeof *s);
    if (s == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "base OT: out of memory");
    s->ch = ch;
    s->n = n;
    if ((st = ot_ec_init(&s->ec, err)) != MPCC_OK)
        goto fail;
    s->a = BN_secure_new();
    s->pa = EC_POINT_new(s->ec.group), s->neg_aa = EC_POINT_new(s->ec.group);
    if (s->a == NULL || s->pa == NULL || s->neg_aa == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "base OT: out of memory");
        goto fail;
    }
    if ((st = ot_random_scalar(&s->ec, s->a, err)) != MPCC_OK)
        goto fail;
    /* A = aG is sent; -aA turns aB into a(B - A) for the second key. */
    if (!EC_POINT_mul(s->ec.group, s->pa, s->a, NULL, NULL, s->ec.bn) ||
        !EC_POINT_mul(s->ec.group, s->neg_aa, NULL, s->pa, s->a, s->ec.bn) ||
        !EC_POINT_invert(s->ec.group, s->neg_aa, s->ec.bn) || !ot_encode(&s->ec, s->pa, s->ea)) {
        st = ot_ec_fail(err, "computing A");
        goto fail;
    }
    if ((st = net_send_frame(ch, OT_FRAME_BASE_A, s->ea, sizeof s->ea, err)) != MPCC_OK)
        goto fail;
    *out = s;
    return MPCC_OK;
fail:
    ot_base_sender_free(s);
    return st;
}

enum mpcc_status ot_base_send_finish(struct ot_base_sender *s, const uint8_t *session, block *k0,
                                     block *k1, struct mpcc_error *err)
{
    struct ot_ec *ec = &s->ec;
    struct net_channel *ch = s->ch;
    size_t n = s->n, got = 0;
    ec->session = session;
    EC_POINT *pb = EC_POINT_new(ec->group), *p = EC_POINT_new(ec->group);
    uint8_t ep[OT_PT_BYTES], *eb = malloc(n * OT_PT_BYTES);
    enum mpcc_status st = MPCC_OK;
    if (pb == NULL || p == NULL || eb == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "base OT: out of memory");
        goto out;
    }
    if ((st = net_flush(ch, err)) != MPCC_OK)
        goto out;
    st = net_recv_frame(ch, OT_FRAME_BASE_B, eb, n * OT_PT_BYTES, &got, "base OT points B",
                        err);
    if (st != MPCC_OK)
        goto out;
    if (got != n * OT_PT_BYTES) {
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s: base OT points B: expected %zu bytes, "
                            "got %zu", net_peer(ch), n * OT_PT_BYTES, got);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *bi = eb + i * OT_PT_BYTES;
        if ((st = ot_decode(ec, bi, pb, "point B", i, err)) != MPCC_OK)
            goto out;
        if (!EC_POINT_mul(ec->group, p, NULL, pb, s->a, ec->bn) || !ot_encode(ec, p, ep)) {
            st = ot_ec_fail(err, "computing aB");
            goto out;
        }
        if ((st = ot_derive(ec, s->ea, bi, (uint32_t)i, ep, &k0[i], err)) != MPCC_OK)
            goto out;
        if (!EC_POINT_add(ec->group, p, p, s->neg_aa, ec->bn) || !ot_encode(ec, p, ep)) {
            st = ot_ec_fail(err, "computing a(B - A)");
            goto out;
        }
        if ((st = ot_derive(ec, s->ea, bi, (uint32_t)i, ep, &k1[i], err)) != MPCC_OK)
            goto out;
    }
out:
    OPENSSL_cleanse(ep, sizeof ep);
    EC_POINT_free(pb);
    EC_POINT_clear_free(p);
    free(eb);
    ot_base_sender_free(s);
    return st;
}

enum mpcc_status ot_base_send(struct net_channel *ch, const uint8_t *session, size_t n,
                              block *k0, block *k1, struct mpcc_error *err)
{
    struct ot_base_sender *s = NULL;
    enum mpcc_status st = ot_base_send_start(ch, n, &s, err);
    return st != MPCC_OK ? st : ot_base_send_finish(s, session, k0, k1, err);
}

enum mpcc_status ot_base_recv(struct net_channel *ch, const uint8_t *session, size_t n,
                              const uint8_t *choice_bits, block *kc, struct mpcc_error *err)
{
    struct ot_ec ec = {0};
    ec.session = session;
    BIGNUM **b = NULL;
    EC_POINT *pa = NULL, *pb0 = NULL, *pb1 = NULL, *p = NULL;
    uint8_t ea[OT_PT_BYTES], e0[OT_PT_BYTES], e1[OT_PT_BYTES], ep[OT_PT_BYTES], *eb = NULL;
    size_t got = 0;
    enum mpcc_status st = ot_check_n(n, err);
    if (st != MPCC_OK)
        goto out;
    if ((st = ot_ec_init(&ec, err)) != MPCC_OK)
        goto out;
    pa = EC_POINT_new(ec.group), pb0 = EC_POINT_new(ec.group);
    pb1 = EC_POINT_new(ec.group), p = EC_POINT_new(ec.group);
    eb = malloc(n * OT_PT_BYTES);
    b = calloc(n, sizeof *b);
    if (b == NULL || pa == NULL || pb0 == NULL || pb1 == NULL || p == NULL || eb == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "base OT: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if ((b[i] = BN_secure_new()) == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "base OT: out of memory");
            goto out;
        }
    st = net_recv_frame(ch, OT_FRAME_BASE_A, ea, sizeof ea, &got, "base OT point A", err);
    if (st != MPCC_OK)
        goto out;
    if (got != sizeof ea) {
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s: base OT point A: expected %zu bytes, "
                            "got %zu", net_peer(ch), sizeof ea, got);
        goto out;
    }
    if ((st = ot_decode(&ec, ea, pa, "point A", 0, err)) != MPCC_OK)
        goto out;
    /* First all B_i (fixed-base multiplications, quick), sent at once, so the
     * peer's work overlaps with our variable-base multiplications below. */
    for (size_t i = 0; i < n; i++) {
        uint8_t *ebi = eb + i * OT_PT_BYTES;
        if ((st = ot_random_scalar(&ec, b[i], err)) != MPCC_OK)
            goto out;
        /* Both candidates B0 = bG and B1 = bG + A are always computed; the
         * choice bit picks one with a mask, never a branch or an index. */
        if (!EC_POINT_mul(ec.group, pb0, b[i], NULL, NULL, ec.bn) ||
            !EC_POINT_add(ec.group, pb1, pb0, pa, ec.bn) || !ot_encode(&ec, pb0, e0) ||
            !ot_encode(&ec, pb1, e1)) {
            st = ot_ec_fail(err, "computing B");
            goto out;
        }
        uint8_t mask = (uint8_t)(0u - ((choice_bits[i / 8] >> (i % 8)) & 1u));
        for (size_t k = 0; k < OT_PT_BYTES; k++)
            ebi[k] = (uint8_t)(e0[k] ^ (mask & (e0[k] ^ e1[k])));
    }
    if ((st = net_send_frame(ch, OT_FRAME_BASE_B, eb, n * OT_PT_BYTES, err)) != MPCC_OK ||
        (st = net_flush(ch, err)) != MPCC_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (!EC_POINT_mul(ec.group, p, NULL, pa, b[i], ec.bn) || !ot_encode(&ec, p, ep)) {
            st = ot_ec_fail(err, "computing bA");
            goto out;
        }
        if ((st = ot_derive(&ec, ea, eb + i * OT_PT_BYTES, (uint32_t)i, ep, &kc[i], err)) !=
            MPCC_OK)
            goto out;
    }
out:
    OPENSSL_cleanse(ep, sizeof ep);
    OPENSSL_cleanse(e0, sizeof e0);
    OPENSSL_cleanse(e1, sizeof e1);
    if (b != NULL)
        for (size_t i = 0; i < n; i++)
            BN_clear_free(b[i]);
    free(b);
    EC_POINT_free(pa);
    EC_POINT_clear_free(pb0);
    EC_POINT_clear_free(pb1);
    EC_POINT_clear_free(p);
    free(eb);
    ot_ec_clear(&ec);
    return st;
}

enum mpcc_status ot_warm_up(struct mpcc_error *err)
{
    /* OpenSSL loads its provider, seeds its DRBG and builds the P-256
     * generator tables lazily, on first use (about 3 ms here): do that now,
     * before any peer waits on us, with one throwaway key and hash. */
    struct ot_ec ec = {0};
    enum mpcc_status st = ot_ec_init(&ec, err);
    EC_POINT *p = NULL;
    BIGNUM *k = BN_new();
    uint8_t digest[32];
    if (st == MPCC_OK && k == NULL)
        st = ot_ec_fail(err, "allocating a scalar");
    if (st == MPCC_OK)
        st = ot_random_scalar(&ec, k, err);
    if (st == MPCC_OK && ((p = EC_POINT_new(ec.group)) == NULL ||
                          !EC_POINT_mul(ec.group, p, k, NULL, NULL, ec.bn)))
        st = ot_ec_fail(err, "a scalar multiplication");
    if (st == MPCC_OK && RAND_bytes(digest, sizeof digest) != 1)
        st = ot_ec_fail(err, "RAND_bytes");
    if (st == MPCC_OK && (!EVP_DigestInit_ex(ec.md, EVP_sha256(), NULL) ||
                          !EVP_DigestFinal_ex(ec.md, digest, NULL)))
        st = ot_ec_fail(err, "SHA-256");
    EC_POINT_free(p);
    BN_clear_free(k);
    ot_ec_clear(&ec);
    return st;
}
