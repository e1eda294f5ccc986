/* net_identity.h - persistent identity keys for TLS links without
 * certificates, as SSH host keys: a P-256 private key in a PEM file (made by
 * `mpcrun keygen`), named by its fingerprint, the SHA-256 of its DER
 * SubjectPublicKeyInfo, written "SHA256:" and 64 hex digits. Peers pin it
 * (`--peer-fingerprint NAME=...`, or a roster column); TLS carries the key
 * in a self-signed certificate that nobody checks otherwise. */
#ifndef MPCC_NET_IDENTITY_H
#define MPCC_NET_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "mpcc/error.h"

#define NET_FINGERPRINT_LEN 32
#define NET_FINGERPRINT_TEXT 72 /* "SHA256:" + 64 hex digits + NUL, rounded up */

/* Makes a new key at path (mode 0600, refusing to overwrite an existing
 * file, nothing left behind on failure); fp receives its fingerprint. */
enum mpcc_status net_identity_keygen(const char *path, uint8_t fp[NET_FINGERPRINT_LEN], struct mpcc_error *err);
/* Loads the private key at path (NULL on failure, err says why). */
EVP_PKEY *net_identity_load(const char *path, struct mpcc_error *err);
/* The fingerprint of a key's public half; 0 on an OpenSSL failure. */
int net_identity_fingerprint(const EVP_PKEY *key, uint8_t fp[NET_FINGERPRINT_LEN]);
/* "SHA256:" + lowercase hex. */
void net_fingerprint_format(const uint8_t fp[NET_FINGERPRINT_LEN], char out[NET_FINGERPRINT_TEXT]);
/* Parses "SHA256:HEX" or bare HEX (64 digits, either case); 1 if valid. */
int net_fingerprint_parse(const char *s, uint8_t fp[NET_FINGERPRINT_LEN]);

#endif
