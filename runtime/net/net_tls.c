/* net_tls.c - the TLS 1.3 channel: an OpenSSL SSL object over the TCP
 * socket through a small BIO of our own (send with MSG_NOSIGNAL, so a closed
 * peer is an error, never SIGPIPE), non-blocking with poll-based timeouts.
 * Certificates are loaded here; buffering and framing stay in net.c. */
#include "runtime/net/net_tls.h"

#include <errno.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/net/net_identity.h"
#include "runtime/net/net_internal.h"

/* Bytes gathered before a send(), and read-ahead: TLS records are at most
 * 16 KiB, and a syscall per record costs more than the cipher. */
#define NET_TLS_IO_BUFFER ((size_t)256 << 10)

struct net_tls {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    BIO_METHOD *meth;
    X509 *pin;
    const char *auth; /* net_tls_authentication */
    uint8_t *out;     /* records gathered for one send(): out[out_pos .. out_len) */
    size_t out_pos, out_len;
    uint8_t *in;      /* bytes read ahead from the socket: in[in_pos .. in_len) */
    size_t in_pos, in_len;
    int confirm_due;  /* client: the server's confirmation byte is still to read */
};

/* Sends what is gathered: 1 all sent, 0 the socket is full (try later),
 * -1 error (errno says which). */
static int net_tls_push(struct net_tls *t)
{
    while (t->out_pos < t->out_len) {
        ssize_t r = send(t->fd, t->out + t->out_pos, t->out_len - t->out_pos, MSG_NOSIGNAL);
        if (r < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
        t->out_pos += (size_t)r;
    }
    t->out_pos = t->out_len = 0;
    return 1;
}

/* OpenSSL writes one record (at most 16 KiB) at a time: they are gathered
 * here and sent together on a flush or when the buffer is full. */
static int net_tls_bio_write(BIO *b, const char *buf, int len)
{
    struct net_tls *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (len <= 0)
        return 0;
    if (t->out_len + (size_t)len > NET_TLS_IO_BUFFER) {
        int f = net_tls_push(t);
        if (f < 0)
            return -1;
        if (f == 0) {
            BIO_set_retry_write(b);
            return -1;
        }
    }
    if ((size_t)len > NET_TLS_IO_BUFFER) { /* larger than the buffer: straight out */
        ssize_t r = send(t->fd, buf, (size_t)len, MSG_NOSIGNAL);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            BIO_set_retry_write(b);
        return (int)r;
    }
    memcpy(t->out + t->out_len, buf, (size_t)len);
    t->out_len += (size_t)len;
    return len;
}

/* OpenSSL reads a record's header, then its body: both come from one large
 * recv() into t->in. (OpenSSL's own read-ahead would do the same, but moves
 * every unread byte to the front of its buffer before each record: with a
 * buffer of many records that costs more than the cipher.) */
static ssize_t net_tls_recv(BIO *b, int fd, void *dst, size_t cap)
{
    ssize_t r = recv(fd, dst, cap, 0);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_read(b);
    return r;
}

static int net_tls_bio_read(BIO *b, char *buf, int len)
{
    struct net_tls *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (len <= 0)
        return 0;
    if (t->in_pos == t->in_len) {
        t->in_pos = t->in_len = 0;
        if ((size_t)len >= NET_TLS_IO_BUFFER) /* as large as the buffer: straight in */
            return (int)net_tls_recv(b, t->fd, buf, (size_t)len);
        ssize_t r = net_tls_recv(b, t->fd, t->in, NET_TLS_IO_BUFFER);
        if (r <= 0)
            return (int)r;
        t->in_len = (size_t)r;
    }
    size_t n = t->in_len - t->in_pos < (size_t)len ? t->in_len - t->in_pos : (size_t)len;
    memcpy(buf, t->in + t->in_pos, n);
    t->in_pos += n;
    return (int)n;
}

static long net_tls_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num, (void)ptr;
    struct net_tls *t = BIO_get_data(b);
    if (cmd == BIO_CTRL_WPENDING)
        return (long)(t->out_len - t->out_pos);
    if (cmd == BIO_CTRL_PENDING)
        return (long)(t->in_len - t->in_pos);
    if (cmd != BIO_CTRL_FLUSH)
        return 0;
    BIO_clear_retry_flags(b);
    int f = net_tls_push(t);
    if (f == 0)
        BIO_set_retry_write(b);
    return f > 0 ? 1 : f == 0 ? 0 : -1;
}

static void net_tls_impl_free(struct net_tls *t)
{
    if (t == NULL)
        return;
    SSL_free(t->ssl); /* frees the BIO too */
    SSL_CTX_free(t->ctx);
    BIO_meth_free(t->meth);
    X509_free(t->pin);
    if (t->fd >= 0)
        close(t->fd);
    free(t->out);
    free(t->in);
    free(t);
}

/* The last OpenSSL error as text ("certificate verify failed", ...). */
static void net_tls_reason(char *out, size_t cap)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;
    snprintf(out, cap, "%s", r != NULL ? r : "unknown TLS error");
    ERR_clear_error();
}

/* Maps a failed SSL call to a status and a reason. */
static enum mpcc_status net_tls_failure(struct net_tls *t, int ret, char *why)
{
    int e = SSL_get_error(t->ssl, ret);
    if (e == SSL_ERROR_ZERO_RETURN) {
        snprintf(why, NET_WHY_MAX, "connection closed");
        return MPCC_ERR_CLOSED;
    }
    if (e == SSL_ERROR_SYSCALL) {
        int en = errno;
        ERR_clear_error();
        snprintf(why, NET_WHY_MAX, "%s", en == ECONNRESET ? "connection reset by peer"
                                         : en == EPIPE || en == 0 ? "connection closed"
                                                                  : strerror(en));
        return en == 0 || en == EPIPE || en == ECONNRESET ? MPCC_ERR_CLOSED : MPCC_ERR_IO;
    }
    unsigned long le = ERR_peek_last_error();
    if (ERR_GET_LIB(le) == ERR_LIB_SSL &&
        ERR_GET_REASON(le) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ERR_clear_error();
        snprintf(why, NET_WHY_MAX, "connection closed");
        return MPCC_ERR_CLOSED;
    }
    char r[128];
    net_tls_reason(r, sizeof r);
    snprintf(why, NET_WHY_MAX, "TLS error: %s", r);
    return MPCC_ERR_CRYPTO;
}

/* Waits for what SSL asked for; MPCC_OK to retry. */
static enum mpcc_status net_tls_wait(struct net_tls *t, int ret, int64_t deadline, char *why)
{
    int e = SSL_get_error(t->ssl, ret);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        return net_tls_failure(t, ret, why);
    int p = net_poll_fd(t->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
    if (p == 0)
        return MPCC_ERR_TIMEOUT;
    if (p < 0) {
        snprintf(why, NET_WHY_MAX, "poll: %s", strerror(errno));
        return MPCC_ERR_IO;
    }
    return MPCC_OK;
}

/* Sends every gathered record, waiting for the socket within the deadline. */
static enum mpcc_status net_tls_flush_out(struct net_tls *t, int64_t deadline, char *why)
{
    for (;;) {
        int f = net_tls_push(t);
        if (f > 0)
            return MPCC_OK;
        if (f < 0) {
            int en = errno;
            snprintf(why, NET_WHY_MAX, "%s", en == ECONNRESET ? "connection reset by peer"
                                             : en == EPIPE ? "connection closed" : strerror(en));
            return en == EPIPE || en == ECONNRESET ? MPCC_ERR_CLOSED : MPCC_ERR_IO;
        }
        int p = net_poll_fd(t->fd, POLLOUT, deadline);
        if (p == 0)
            return MPCC_ERR_TIMEOUT;
        if (p < 0) {
            snprintf(why, NET_WHY_MAX, "poll: %s", strerror(errno));
            return MPCC_ERR_IO;
        }
    }
}

static enum mpcc_status net_tls_write_some(struct net_channel *ch, const uint8_t *buf,
                                           size_t len, size_t *done, int64_t deadline_ms,
                                           char *why)
{
    struct net_tls *t = ch->impl;
    int n = len > INT_MAX ? INT_MAX : (int)len;
    for (;;) {
        ERR_clear_error();
        int r = SSL_write(t->ssl, buf, n);
        if (r > 0) {
            *done = (size_t)r;
            return net_tls_flush_out(t, deadline_ms, why);
        }
        enum mpcc_status st = net_tls_wait(t, r, deadline_ms, why);
        if (st != MPCC_OK)
            return st;
    }
}

/* The server's confirmation byte, read before the first data (a client does
 * not wait for it before sending: net_tls_handshake). A server that rejected
 * our certificate sends an alert or closes instead. */
static enum mpcc_status net_tls_read_confirm(struct net_tls *t, int64_t deadline_ms, char *why)
{
    uint8_t got = 0;
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(t->ssl, &got, 1);
        if (r == 1)
            break;
        enum mpcc_status st = net_tls_wait(t, r, deadline_ms, why);
        if (st == MPCC_ERR_CRYPTO && strstr(why, "alert") != NULL) {
            char r2[NET_WHY_MAX];
            snprintf(r2, sizeof r2, "%s", why);
            snprintf(why, NET_WHY_MAX, "TLS handshake with it failed: the peer rejected our "
                     "certificate (%.60s)", r2);
        } else if (st == MPCC_ERR_CLOSED) {
            snprintf(why, NET_WHY_MAX, "TLS handshake with it failed: the peer closed the "
                     "connection (did it reject our certificate?)");
        }
        if (st != MPCC_OK)
            return st;
    }
    if (got != 0x5a) {
        snprintf(why, NET_WHY_MAX, "TLS handshake with it failed: bad confirmation byte 0x%02x", got);
        return MPCC_ERR_PROTOCOL;
    }
    t->confirm_due = 0;
    return MPCC_OK;
}

static enum mpcc_status net_tls_read_some(struct net_channel *ch, uint8_t *buf, size_t len,
                                          size_t *got, int64_t deadline_ms, char *why)
{
    struct net_tls *t = ch->impl;
    if (t->confirm_due) {
        enum mpcc_status st = net_tls_read_confirm(t, deadline_ms, why);
        if (st != MPCC_OK)
            return st;
    }
    int n = len > INT_MAX ? INT_MAX : (int)len;
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(t->ssl, buf, n);
        if (r > 0) {
            *got = (size_t)r;
            return MPCC_OK;
        }
        enum mpcc_status st = net_tls_wait(t, r, deadline_ms, why);
        if (st != MPCC_OK)
            return st;
    }
}

static void net_tls_destroy(struct net_channel *ch)
{
    struct net_tls *t = ch->impl;
    if (t != NULL && ch->broken == MPCC_OK) {
        (void)SSL_shutdown(t->ssl); /* best effort close_notify, never waits */
        (void)net_tls_push(t);
    }
    net_tls_impl_free(t);
    ch->impl = NULL;
    ch->fd = -1;
}

static const struct net_ops net_tls_ops = {"tls", net_tls_write_some, net_tls_read_some,
                                           net_tls_destroy};

const char *net_tls_authentication(const struct net_channel *ch)
{
    if (ch == NULL || ch->ops != &net_tls_ops || ch->impl == NULL)
        return NULL;
    return ((const struct net_tls *)ch->impl)->auth;
}

int net_tls_peer_fingerprint(const struct net_channel *ch, uint8_t fp[32])
{
    if (ch == NULL || ch->ops != &net_tls_ops || ch->impl == NULL)
        return 0;
    X509 *peer = SSL_get1_peer_certificate(((const struct net_tls *)ch->impl)->ssl);
    int ok = peer != NULL && net_identity_fingerprint(X509_get0_pubkey(peer), fp);
    X509_free(peer);
    return ok;
}

/* n bytes of keying material exported under label (RFC 8446 7.5). */
static int net_tls_export(SSL *ssl, const char *label, uint8_t *out, size_t n)
{
    return SSL_export_keying_material(ssl, out, n, label, strlen(label), NULL, 0, 0) == 1;
}

int net_tls_exporter(const struct net_channel *ch, uint8_t out[32])
{
    static const char label[] = "EXPORTER-mpcc-session";
    if (ch == NULL || ch->ops != &net_tls_ops)
        return 0;
    const struct net_tls *t = ch->impl;
    if (t == NULL || t->ssl == NULL)
        return 0;
    return SSL_export_keying_material(t->ssl, out, 32, label, sizeof label - 1, NULL, 0, 0) == 1;
}

/* A self-signed certificate on key (an identity key, or a fresh one for an
 * anonymous server: TLS 1.3 has no anonymous key exchange, the server must
 * sign something). Nobody checks it but a pinned fingerprint. */
static int net_tls_self_signed(SSL_CTX *ctx, EVP_PKEY *key)
{
    X509 *x = key != NULL ? X509_new() : NULL;
    X509_NAME *name = x != NULL ? X509_get_subject_name(x) : NULL;
    int ok = name != NULL && X509_set_version(x, 2) == 1 &&
             ASN1_INTEGER_set(X509_get_serialNumber(x), 1) == 1 &&
             X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
             X509_gmtime_adj(X509_getm_notAfter(x), 86400) != NULL &&
             X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"mpcc", -1, -1, 0) == 1 &&
             X509_set_issuer_name(x, name) == 1 && X509_set_pubkey(x, key) == 1 &&
             X509_sign(x, key, EVP_sha256()) > 0 && SSL_CTX_use_certificate(ctx, x) == 1 &&
             SSL_CTX_use_PrivateKey(ctx, key) == 1;
    X509_free(x);
    return ok;
}

/* Without certificates every presented key is accepted by TLS; the pinned
 * fingerprint, if any, is compared after the handshake. */
static int net_tls_accept_any(int preverify, X509_STORE_CTX *x)
{
    (void)preverify, (void)x;
    return 1;
}

static enum mpcc_status net_tls_setup_ctx(struct net_tls *t, const struct net_tls_config *cfg,
                                          int is_server, struct mpcc_error *err)
{
    char r[128];
    t->ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
    if (t->ctx == NULL || !SSL_CTX_set_min_proto_version(t->ctx, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(t->ctx, TLS1_3_VERSION)) {
        net_tls_reason(r, sizeof r);
        return mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS set-up failed: %s", r);
    }
    SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_read_ahead(t->ctx, 0); /* net_tls_bio_read reads ahead */
    (void)SSL_CTX_set_ciphersuites(t->ctx, "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
                                           "TLS_AES_256_GCM_SHA384");
    SSL_CTX_set_options(t->ctx, SSL_OP_NO_TICKET);
    if (cfg->cert_file == NULL) { /* keys, not certificates: checked by fingerprint, if pinned */
        t->auth = cfg->peer_fingerprint != NULL ? (cfg->secret != NULL ? "pinned key and session secret" : "pinned key")
                  : cfg->secret != NULL ? "session secret"
                                        : "none (anonymous)";
        EVP_PKEY *key = NULL;
        if (cfg->identity_file != NULL) {
            if ((key = net_identity_load(cfg->identity_file, err)) == NULL)
                return MPCC_ERR_INVALID;
        } else if (is_server) {
            key = EVP_EC_gen("P-256");
        }
        int ok = key == NULL || net_tls_self_signed(t->ctx, key);
        EVP_PKEY_free(key);
        if (!ok || (is_server && cfg->identity_file == NULL && SSL_CTX_get0_certificate(t->ctx) == NULL)) {
            net_tls_reason(r, sizeof r);
            return mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS: cannot set up our key: %s", r);
        }
        /* Ask for the peer's key (a server asks the client) so it can be
         * pinned and shown; demand it when pinned. */
        int mode = SSL_VERIFY_PEER;
        if (is_server && cfg->peer_fingerprint != NULL)
            mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
        SSL_CTX_set_verify(t->ctx, mode, net_tls_accept_any);
        return MPCC_OK;
    }
    t->auth = cfg->secret != NULL ? "certificate and session secret" : "certificate";
    if (SSL_CTX_use_certificate_chain_file(t->ctx, cfg->cert_file) != 1) {
        net_tls_reason(r, sizeof r);
        return mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot load certificate '%s': %s",
                              cfg->cert_file, r);
    }
    if (SSL_CTX_use_PrivateKey_file(t->ctx, cfg->key_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(t->ctx) != 1) {
        net_tls_reason(r, sizeof r);
        return mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot load private key '%s' for "
                              "certificate '%s': %s", cfg->key_file, cfg->cert_file, r);
    }
    if (cfg->ca_file != NULL && SSL_CTX_load_verify_locations(t->ctx, cfg->ca_file, NULL) != 1) {
        net_tls_reason(r, sizeof r);
        return mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot load CA certificates '%s': %s",
                              cfg->ca_file, r);
    }
    if (cfg->peer_cert_file != NULL) {
        FILE *f = fopen(cfg->peer_cert_file, "r");
        if (f != NULL) {
            t->pin = PEM_read_X509(f, NULL, NULL, NULL);
            fclose(f);
        }
        X509_STORE *store = SSL_CTX_get_cert_store(t->ctx);
        if (t->pin == NULL || X509_STORE_add_cert(store, t->pin) != 1) {
            net_tls_reason(r, sizeof r);
            return mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot load pinned peer certificate "
                                  "'%s': %s", cfg->peer_cert_file, f == NULL ? strerror(errno) : r);
        }
        /* The pinned certificate is itself a trust anchor, CA-issued or not. */
        X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
    }
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    return MPCC_OK;
}

static enum mpcc_status net_tls_fail(struct net_channel *tcp, struct net_tls *t,
                                     enum mpcc_status st, const char *fmt_reason,
                                     struct mpcc_error *err)
{
    long vr = t->ssl != NULL ? SSL_get_verify_result(t->ssl) : X509_V_OK;
    if (st == MPCC_ERR_TIMEOUT)
        mpcc_error_set(err, st, "TLS handshake with %s timed out after %d ms (is the peer "
                       "using TLS?)", tcp->peer, tcp->timeout_ms);
    else if (vr != X509_V_OK)
        mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS handshake with %s failed: its certificate "
                       "was rejected: %s", tcp->peer, X509_verify_cert_error_string(vr));
    else
        mpcc_error_set(err, st, "TLS handshake with %s failed: %s", tcp->peer, fmt_reason);
    return st == MPCC_OK ? MPCC_ERR_CRYPTO : st;
}

/* Sends (write) or receives exactly n bytes inside the handshake. */
static enum mpcc_status net_tls_xfer(struct net_tls *t, uint8_t *buf, int n, int write, int64_t deadline,
                                     char *why)
{
    int done = 0;
    while (done < n) {
        ERR_clear_error();
        int r = write ? SSL_write(t->ssl, buf + done, n - done) : SSL_read(t->ssl, buf + done, n - done);
        if (r > 0) {
            done += r;
            enum mpcc_status st = write ? net_tls_flush_out(t, deadline, why) : MPCC_OK;
            if (st != MPCC_OK)
                return st;
            continue;
        }
        enum mpcc_status st = net_tls_wait(t, r, deadline, why);
        if (st != MPCC_OK)
            return st;
    }
    return MPCC_OK;
}

/* HMAC-SHA-256 under the secret of a label, the prover's side ('S' or 'C')
 * and an exporter value of this TLS session. */
static int net_tls_secret_mac(const struct net_tls_config *cfg, char side, const uint8_t exp[32],
                              uint8_t out[32])
{
    static const char label[] = "mpcc session secret v1";
    uint8_t msg[sizeof label + 32];
    memcpy(msg, label, sizeof label - 1);
    msg[sizeof label - 1] = (uint8_t)side;
    memcpy(msg + sizeof label, exp, 32);
    unsigned int len = 0;
    return HMAC(EVP_sha256(), cfg->secret, (int)cfg->secret_len, msg, sizeof msg, out, &len) != NULL &&
           len == 32;
}

/* Both sides prove they know the session secret: each sends its MAC, then
 * checks the peer's. A man in the middle runs two TLS sessions with
 * different exporter values, so it would need the secret to pass. */
static enum mpcc_status net_tls_prove_secret(struct net_channel *tcp, struct net_tls *t,
                                             const struct net_tls_config *cfg, int is_server,
                                             int64_t deadline, struct mpcc_error *err)
{
    uint8_t exp[32], mine[32], want[32], theirs[32];
    char why[NET_WHY_MAX] = "";
    enum mpcc_status st = MPCC_OK;
    if (!net_tls_export(t->ssl, "EXPORTER-mpcc-secret", exp, sizeof exp) ||
        !net_tls_secret_mac(cfg, is_server ? 'S' : 'C', exp, mine) ||
        !net_tls_secret_mac(cfg, is_server ? 'C' : 'S', exp, want))
        st = mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS with %s: session secret proof failed (OpenSSL)", tcp->peer);
    int sent = st == MPCC_OK;
    if (sent && (st = net_tls_xfer(t, mine, 32, 1, deadline, why)) == MPCC_OK)
        st = net_tls_xfer(t, theirs, 32, 0, deadline, why);
    if (sent && st != MPCC_OK)
        mpcc_error_set(err, st, "TLS with %s: the session secret exchange failed: %s (does the peer use the "
                       "same --session-secret-file?)", tcp->peer, st == MPCC_ERR_TIMEOUT ? "timed out" : why);
    if (st == MPCC_OK && CRYPTO_memcmp(theirs, want, 32) != 0)
        st = mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS with %s: the peer does not know our session secret "
                            "(a different --session-secret-file, or someone in the middle)", tcp->peer);
    OPENSSL_cleanse(exp, sizeof exp);
    OPENSSL_cleanse(mine, sizeof mine);
    OPENSSL_cleanse(want, sizeof want);
    return st;
}

/* Handshake, pin check and the confirmation byte each way. */
static enum mpcc_status net_tls_handshake(struct net_channel *tcp, struct net_tls *t,
                                          const struct net_tls_config *cfg, int is_server,
                                          struct mpcc_error *err)
{
    char why[NET_WHY_MAX] = "";
    int64_t deadline = net_now_ms() + tcp->timeout_ms;
    enum mpcc_status st;
    for (;;) {
        ERR_clear_error();
        int r = SSL_do_handshake(t->ssl);
        if (r == 1)
            break;
        if ((st = net_tls_wait(t, r, deadline, why)) != MPCC_OK) {
            if (st == MPCC_ERR_CRYPTO && strstr(why, "alert") != NULL)
                return mpcc_error_set(err, st, "TLS handshake with %s failed: the peer "
                                      "rejected our certificate (%s)", tcp->peer, why);
            if (st != MPCC_ERR_TIMEOUT)
                strncat(why, " (is the peer using TLS?)", NET_WHY_MAX - strlen(why) - 1);
            return net_tls_fail(tcp, t, st, why, err);
        }
    }
    if (cfg->cert_file == NULL && cfg->peer_fingerprint != NULL) {
        uint8_t fp[NET_FINGERPRINT_LEN];
        char want[NET_FINGERPRINT_TEXT], got[NET_FINGERPRINT_TEXT];
        X509 *peer = SSL_get1_peer_certificate(t->ssl);
        int have = peer != NULL && net_identity_fingerprint(X509_get0_pubkey(peer), fp);
        X509_free(peer);
        net_fingerprint_format(cfg->peer_fingerprint, want);
        if (!have)
            return mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS with %s: it presented no identity key (pinned: %s; "
                                  "does it run with --identity?)", tcp->peer, want);
        if (CRYPTO_memcmp(fp, cfg->peer_fingerprint, NET_FINGERPRINT_LEN) != 0) {
            net_fingerprint_format(fp, got);
            return mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS with %s: its key %s is not the pinned %s "
                                  "(another key, or someone in the middle)", tcp->peer, got, want);
        }
    }
    if (t->pin != NULL) {
        X509 *peer = SSL_get1_peer_certificate(t->ssl);
        int same = peer != NULL && X509_cmp(peer, t->pin) == 0;
        X509_free(peer);
        if (!same)
            return mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS handshake with %s failed: its "
                                  "certificate is not the pinned one ('%s')", tcp->peer,
                                  cfg->peer_cert_file);
    }
    /* TLS 1.3 lets a client finish before the server has judged its
     * certificate: one byte each way makes both verdicts known here. */
    uint8_t ok = 0x5a, got = 0;
    for (;;) {
        ERR_clear_error();
        int r = SSL_write(t->ssl, &ok, 1);
        if (r == 1)
            break;
        if ((st = net_tls_wait(t, r, deadline, why)) != MPCC_OK)
            return net_tls_fail(tcp, t, st, why, err);
    }
    if ((st = net_tls_flush_out(t, deadline, why)) != MPCC_OK)
        return net_tls_fail(tcp, t, st, why, err);
    /* A client needs the server's verdict only before it reads data: it
     * may send its first messages right behind its Finished (saves a one-way
     * leg). Its first read takes the byte (net_tls_read_confirm). With a
     * session secret the proof below reads anyway. */
    if (!is_server && cfg->secret == NULL) {
        t->confirm_due = 1;
        return MPCC_OK;
    }
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(t->ssl, &got, 1);
        if (r == 1)
            break;
        if ((st = net_tls_wait(t, r, deadline, why)) != MPCC_OK) {
            if (st == MPCC_ERR_CRYPTO && strstr(why, "alert") != NULL)
                return mpcc_error_set(err, st, "TLS handshake with %s failed: the peer "
                                      "rejected our certificate (%s)", tcp->peer, why);
            if (st == MPCC_ERR_CLOSED)
                return mpcc_error_set(err, st, "TLS handshake with %s failed: the peer closed "
                                      "the connection (did it reject our certificate?)",
                                      tcp->peer);
            return net_tls_fail(tcp, t, st, why, err);
        }
    }
    if (got != ok)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "TLS handshake with %s failed: bad "
                              "confirmation byte 0x%02x", tcp->peer, got);
    return cfg->secret != NULL ? net_tls_prove_secret(tcp, t, cfg, is_server, deadline, err) : MPCC_OK;
}

/* After a failed handshake: stop sending, then read and drop what the peer
 * still sends for a moment, so that closing does not reset the connection
 * before our alert reaches it. Bounded to 200 ms. */
static void net_tls_linger(int fd)
{
    char sink[4096];
    int64_t deadline = net_now_ms() + 200;
    shutdown(fd, SHUT_WR);
    while (net_poll_fd(fd, POLLIN, deadline) == 1) {
        ssize_t r = recv(fd, sink, sizeof sink, 0);
        if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
            break;
    }
}

enum mpcc_status net_tls_wrap(struct net_channel *tcp, const struct net_tls_config *cfg,
                              int is_server, struct net_channel **out, struct mpcc_error *err)
{
    *out = NULL;
    enum mpcc_status st;
    struct net_tls *t = NULL;
    if (cfg == NULL || (cfg->cert_file != NULL && (cfg->key_file == NULL ||
                                                   (cfg->ca_file == NULL && cfg->peer_cert_file == NULL)))) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "TLS needs a certificate, its key, and a CA "
                            "or a pinned peer certificate");
        goto fail;
    }
    if (cfg->cert_file != NULL && (cfg->identity_file != NULL || cfg->peer_fingerprint != NULL)) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "TLS: identity keys and fingerprints are for links without "
                            "certificates");
        goto fail;
    }
    if (cfg->cert_file == NULL && (cfg->key_file != NULL || cfg->ca_file != NULL || cfg->peer_cert_file != NULL)) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "TLS: a key, a CA or a pinned peer certificate needs a "
                            "certificate of our own too");
        goto fail;
    }
    if (cfg->secret != NULL && (cfg->secret_len < NET_TLS_SECRET_MIN || cfg->secret_len > NET_TLS_SECRET_MAX)) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "TLS: a session secret has %d to %d bytes, not %zu",
                            NET_TLS_SECRET_MIN, NET_TLS_SECRET_MAX, cfg->secret_len);
        goto fail;
    }
    if (tcp->rlen != tcp->rpos || tcp->wlen != 0 || tcp->broken != MPCC_OK) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "TLS must start on a fresh channel to %s",
                            tcp->peer);
        goto fail;
    }
    t = calloc(1, sizeof *t);
    if (t == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for TLS");
        goto fail;
    }
    t->fd = tcp->fd;
    tcp->fd = -1;
    if ((t->out = malloc(NET_TLS_IO_BUFFER)) == NULL ||
        (t->in = malloc(NET_TLS_IO_BUFFER)) == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for TLS");
        goto fail;
    }
    if ((st = net_tls_setup_ctx(t, cfg, is_server, err)) != MPCC_OK)
        goto fail;
    t->meth = BIO_meth_new(BIO_TYPE_SOURCE_SINK | BIO_get_new_index(), "mpcc socket");
    BIO *bio = NULL;
    if (t->meth == NULL || !BIO_meth_set_write(t->meth, net_tls_bio_write) ||
        !BIO_meth_set_read(t->meth, net_tls_bio_read) ||
        !BIO_meth_set_ctrl(t->meth, net_tls_bio_ctrl) || (t->ssl = SSL_new(t->ctx)) == NULL ||
        (bio = BIO_new(t->meth)) == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for TLS");
        goto fail;
    }
    BIO_set_data(bio, t);
    BIO_set_init(bio, 1);
    SSL_set_bio(t->ssl, bio, bio);
    if (cfg->peer_cert_name != NULL && SSL_set1_host(t->ssl, cfg->peer_cert_name) != 1) {
        st = mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS: cannot require peer name '%s'",
                            cfg->peer_cert_name);
        goto fail;
    }
    if (is_server)
        SSL_set_accept_state(t->ssl);
    else
        SSL_set_connect_state(t->ssl);
    if ((st = net_tls_handshake(tcp, t, cfg, is_server, err)) != MPCC_OK)
        goto fail;
    int fd = t->fd;
    char peer[NET_PEER_MAX];
    snprintf(peer, sizeof peer, "%s", tcp->peer);
    t->fd = -1; /* the new channel owns fd from here */
    if ((st = net_channel_new(&net_tls_ops, fd, "", "", tcp->timeout_ms, out, err)) != MPCC_OK) {
        t->fd = -1;
        goto fail;
    }
    t->fd = fd;
    (*out)->impl = t;
    (*out)->max_frame = tcp->max_frame;
    /* The transcript check: TLS authenticates every byte in order already,
     * so it compares MACs of the byte counts, under keys of this session
     * (one per direction). */
    {
        uint8_t k_server[32], k_client[32];
        struct net_transcript *tx = NULL, *rx = NULL;
        if (net_tls_export(t->ssl, "EXPORTER-mpcc-transcript-server", k_server, sizeof k_server) &&
            net_tls_export(t->ssl, "EXPORTER-mpcc-transcript-client", k_client, sizeof k_client)) {
            tx = net_transcript_new_counting(is_server ? k_server : k_client);
            rx = net_transcript_new_counting(is_server ? k_client : k_server);
        }
        OPENSSL_cleanse(k_server, sizeof k_server);
        OPENSSL_cleanse(k_client, sizeof k_client);
        if (tx == NULL || rx == NULL) {
            net_transcript_free(tx);
            net_transcript_free(rx);
            net_free(*out);
            *out = NULL;
            net_free(tcp);
            return mpcc_error_set(err, MPCC_ERR_CRYPTO, "TLS with %s: cannot key the transcript check", peer);
        }
        net_transcript_free((*out)->tx_sum);
        net_transcript_free((*out)->rx_sum);
        (*out)->tx_sum = tx;
        (*out)->rx_sum = rx;
    }
    snprintf((*out)->peer, sizeof (*out)->peer, "%s", peer);
    net_free(tcp);
    return MPCC_OK;
fail:
    ERR_clear_error();
    if (t != NULL && t->ssl != NULL && t->fd >= 0)
        {
        (void)net_tls_push(t); /* our alert, if any */
        net_tls_linger(t->fd);
    }
    net_tls_impl_free(t);
    net_free(tcp);
    return st;
}
