/* net_transcript.c - the transcript check of a channel, and
 * net_confirm_transcript, which exchanges and compares both ends' values so
 * that corrupted traffic is detected before any output is used. On plain
 * TCP the value is GHASH of the bytes sent and received (AES-128-GCM fed
 * only additional authenticated data) under a fixed public key: a checksum
 * against corruption, not against an adversary. On TLS every record is
 * already authenticated by the TLS AEAD under the session's keys, in order,
 * so hashing the bytes again would only cost time: the value is an HMAC of
 * the byte count under a key exported from the TLS session, which no one
 * off the two ends can compute and which catches a dropped or truncated
 * tail. */
#include "runtime/net/net_internal.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

struct net_transcript {
    EVP_CIPHER_CTX *ctx; /* GHASH of the bytes; NULL for a counting one */
    uint64_t n;          /* bytes so far */
    uint8_t key[32];     /* counting: the HMAC key */
    int failed;          /* an OpenSSL call failed: every later value fails */
};

/* A public, fixed key and nonce: the checksum detects accidental and
 * in-path corruption that is independent of the key; it is not a MAC. */
static const uint8_t transcript_key[16] = "mpcc transcript";
static const uint8_t transcript_iv[12] = "mpcc 2026 v1";

struct net_transcript *net_transcript_new(void)
{
    struct net_transcript *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ctx = EVP_CIPHER_CTX_new();
    if (t->ctx == NULL) {
        free(t);
        return NULL;
    }
    if (EVP_EncryptInit_ex(t->ctx, EVP_aes_128_gcm(), NULL, transcript_key, transcript_iv) != 1)
        t->failed = 1;
    return t;
}

struct net_transcript *net_transcript_new_counting(const uint8_t key[32])
{
    struct net_transcript *t = calloc(1, sizeof *t);
    if (t != NULL)
        memcpy(t->key, key, sizeof t->key);
    return t;
}

void net_transcript_update(struct net_transcript *t, const void *buf, size_t len)
{
    t->n += len;
    if (t->ctx == NULL)
        return;
    const unsigned char *p = buf;
    while (len > 0 && !t->failed) {
        int n = len > (size_t)INT_MAX / 2 ? INT_MAX / 2 : (int)len, outl = 0;
        if (EVP_EncryptUpdate(t->ctx, NULL, &outl, p, n) != 1)
            t->failed = 1;
        p += n;
        len -= (size_t)n;
    }
}

int net_transcript_value(const struct net_transcript *t, uint8_t out[16])
{
    if (t->failed)
        return 0;
    if (t->ctx == NULL) { /* HMAC-SHA-256 of the byte count */
        uint8_t msg[8], mac[32];
        unsigned int len = 0;
        for (int i = 0; i < 8; i++)
            msg[i] = (uint8_t)(t->n >> (8 * i));
        if (HMAC(EVP_sha256(), t->key, sizeof t->key, msg, sizeof msg, mac, &len) == NULL || len != 32)
            return 0;
        memcpy(out, mac, 16);
        return 1;
    }
    EVP_CIPHER_CTX *copy = EVP_CIPHER_CTX_new();
    unsigned char none[16];
    int outl = 0;
    int ok = copy != NULL && EVP_CIPHER_CTX_copy(copy, t->ctx) == 1
             && EVP_EncryptFinal_ex(copy, none, &outl) == 1
             && EVP_CIPHER_CTX_ctrl(copy, EVP_CTRL_GCM_GET_TAG, 16, out) == 1;
    EVP_CIPHER_CTX_free(copy);
    return ok;
}

void net_transcript_free(struct net_transcript *t)
{
    if (t == NULL)
        return;
    EVP_CIPHER_CTX_free(t->ctx);
    OPENSSL_cleanse(t->key, sizeof t->key);
    free(t);
}

/* Our value now: what we sent, then what we received; the peer's frame says
 * the same from its side, so both directions are compared on both ends. */
static enum mpcc_status net_transcript_mine(struct net_channel *ch, uint8_t mine[32],
                                            struct mpcc_error *err)
{
    if (ch->broken != MPCC_OK)
        return mpcc_error_set(err, ch->broken, "%s: channel unusable after an earlier error",
                              ch->peer);
    if (!net_transcript_value(ch->tx_sum, mine) || !net_transcript_value(ch->rx_sum, mine + 16)) {
        ch->broken = MPCC_ERR_CRYPTO;
        return mpcc_error_set(err, MPCC_ERR_CRYPTO, "%s: transcript checksum failed (OpenSSL)",
                              ch->peer);
    }
    return MPCC_OK;
}

enum mpcc_status net_transcript_send(struct net_channel *ch, uint8_t mine[32],
                                     struct mpcc_error *err)
{
    enum mpcc_status st = net_transcript_mine(ch, mine, err);
    if (st == MPCC_OK)
        st = net_send_frame(ch, NET_FRAME_TRANSCRIPT, mine, 32, err);
    return st == MPCC_OK ? net_flush(ch, err) : st;
}

/* Reads the peer's frame and compares it with mine (taken before it). */
static enum mpcc_status net_transcript_recv_compare(struct net_channel *ch, const uint8_t mine[32],
                                                    const char *when, struct mpcc_error *err)
{
    uint8_t theirs[32];
    size_t n = 0;
    enum mpcc_status st = net_recv_frame(ch, NET_FRAME_TRANSCRIPT, theirs, sizeof theirs, &n,
                                         "transcript check", err);
    if (st == MPCC_OK && n != sizeof theirs) {
        ch->broken = MPCC_ERR_PROTOCOL;
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s: transcript check frame of %zu bytes "
                              "(expected 32)", ch->peer, n);
    }
    return st == MPCC_OK ? net_transcript_compare(ch, mine, theirs, when, err) : st;
}

enum mpcc_status net_transcript_expect(struct net_channel *ch, const char *when,
                                       struct mpcc_error *err)
{
    uint8_t mine[32];
    enum mpcc_status st = net_transcript_mine(ch, mine, err);
    return st == MPCC_OK ? net_transcript_recv_compare(ch, mine, when, err) : st;
}

enum mpcc_status net_transcript_compare(struct net_channel *ch, const uint8_t mine[32],
                                        const uint8_t theirs[32], const char *when,
                                        struct mpcc_error *err)
{
    /* Public checksums: CRYPTO_memcmp only because it costs nothing more. */
    if (CRYPTO_memcmp(theirs, mine + 16, 16) == 0 && CRYPTO_memcmp(theirs + 16, mine, 16) == 0)
        return MPCC_OK;
    ch->broken = MPCC_ERR_PROTOCOL;
    return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                          "%s: transcript check %s failed: the bytes one side received differ "
                          "from what the other sent (corrupted connection); the run is aborted "
                          "and no output is used",
                          ch->peer, when);
}

enum mpcc_status net_confirm_transcript(struct net_channel *ch, const char *when,
                                        struct mpcc_error *err)
{
    uint8_t mine[32];
    enum mpcc_status st = net_transcript_send(ch, mine, err);
    return st == MPCC_OK ? net_transcript_recv_compare(ch, mine, when, err) : st;
}
