/* net_tls.h - TLS 1.3 with mutual certificate authentication over an
 * established TCP channel (OpenSSL). Each side presents its certificate and
 * key and checks the peer's against a CA, a pinned certificate, or both.
 * No TLS below 1.3, no session resumption, no anonymous peers. */
#ifndef MPCC_NET_TLS_H
#define MPCC_NET_TLS_H

#include "runtime/net/net.h"

struct net_tls_config {
    const char *cert_file;      /* this party's certificate chain (PEM) */
    const char *key_file;       /* its private key (PEM, unencrypted) */
    const char *ca_file;        /* CA certificate(s) the peer's must chain to, or NULL */
    const char *peer_cert_file; /* the peer's exact certificate (pinning), or NULL */
    const char *peer_cert_name; /* name the peer's certificate must carry (DNS SAN, or
                                   CN when it has none), or NULL for any */
};

/* Runs the TLS handshake on tcp (client side unless is_server) within the
 * channel's timeout, then a one-byte confirmation each way so both sides
 * know the peer accepted them. On success *out is a "tls" channel with the
 * same peer name. tcp is consumed in every case. At least one of ca_file and
 * peer_cert_file is required. */
enum mpcc_status net_tls_wrap(struct net_channel *tcp, const struct net_tls_config *cfg,
                              int is_server, struct net_channel **out, struct mpcc_error *err);

/* For a TLS channel: 32 bytes of keying material exported from its TLS 1.3
 * session (RFC 8446 section 7.5, label "EXPORTER-mpcc-session"), which both
 * ends derive identically and which depends on the whole TLS handshake,
 * both certificates included. Returns 1, or 0 (out untouched) when ch is
 * not a TLS channel or the export fails. */
int net_tls_exporter(const struct net_channel *ch, uint8_t out[32]);

#endif
