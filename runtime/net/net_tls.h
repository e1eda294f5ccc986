/* net_tls.h - TLS 1.3 over an established TCP channel (OpenSSL), in one of
 * three kinds:
 *  - certificates: each side presents its certificate and key and checks
 *    the peer's against a CA, a pinned certificate, or both;
 *  - no certificate configured: each side presents a self-signed
 *    certificate on its identity key (net_identity.h) or, without one, the
 *    server on a fresh P-256 key; nobody checks them unless a peer's key
 *    fingerprint is pinned (then that peer is authenticated, as an SSH host
 *    key): the link is encrypted (a passive eavesdropper learns nothing)
 *    but not authenticated (a man in the middle is not detected) unless
 *  - a session secret is given (either kind): after the handshake each side
 *    proves it knows the secret with HMAC-SHA-256 over an exporter value of
 *    this TLS session, which a man in the middle (two sessions) cannot.
 * No TLS below 1.3, no session resumption. */
#ifndef MPCC_NET_TLS_H
#define MPCC_NET_TLS_H

#include "runtime/net/net.h"

#define NET_TLS_SECRET_MIN 16    /* bytes of a session secret, at least */
#define NET_TLS_SECRET_MAX 4096

struct net_tls_config {
    const char *cert_file;      /* this party's certificate chain (PEM), or NULL: anonymous */
    const char *key_file;       /* its private key (PEM, unencrypted) */
    const char *ca_file;        /* CA certificate(s) the peer's must chain to, or NULL */
    const char *peer_cert_file; /* the peer's exact certificate (pinning), or NULL */
    const char *peer_cert_name; /* name the peer's certificate must carry (DNS SAN, or
                                   CN when it has none), or NULL for any */
    const uint8_t *secret;      /* pre-shared session secret, or NULL */
    size_t secret_len;          /* NET_TLS_SECRET_MIN .. NET_TLS_SECRET_MAX */
    /* Without a certificate: */
    const char *identity_file;       /* our persistent key (net_identity.h), or NULL: ephemeral */
    const uint8_t *peer_fingerprint; /* 32 bytes: the key the peer must present, or NULL */
};

/* Runs the TLS handshake on tcp (client side unless is_server) within the
 * channel's timeout, then a one-byte confirmation each way so both sides
 * know the peer accepted them, then the session-secret proofs when a secret
 * is given. On success *out is a "tls" channel with the same peer name, whose
 * transcript check is keyed from the TLS session (a MAC). tcp is consumed in
 * every case. With a certificate, at least one of ca_file and peer_cert_file
 * is required; without one, neither may be given. */
enum mpcc_status net_tls_wrap(struct net_channel *tcp, const struct net_tls_config *cfg,
                              int is_server, struct net_channel **out, struct mpcc_error *err);

/* For a TLS channel: 32 bytes of keying material exported from its TLS 1.3
 * session (RFC 8446 section 7.5, label "EXPORTER-mpcc-session"), which both
 * ends derive identically and which depends on the whole TLS handshake,
 * both certificates included. Returns 1, or 0 (out untouched) when ch is
 * not a TLS channel or the export fails. */
int net_tls_exporter(const struct net_channel *ch, uint8_t out[32]);

/* How a TLS channel's peer was authenticated: "certificate", "session
 * secret", "pinned key", combinations with " and ", or "none (anonymous)";
 * NULL when ch is not a TLS channel. */
const char *net_tls_authentication(const struct net_channel *ch);
/* The fingerprint of the key the peer presented (identity mode); 1, or 0
 * when it presented none or ch is not TLS. */
int net_tls_peer_fingerprint(const struct net_channel *ch, uint8_t fp[32]);

#endif
