/* net_identity.c - identity keys for TLS without certificates (see
 * net_identity.h): generation into a private file, loading, fingerprints
 * and their text form. OpenSSL does the cryptography and the PEM. */
#include "runtime/net/net_identity.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *net_identity_reason(void)
{
    unsigned long e = ERR_get_error();
    const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;
    ERR_clear_error();
    return r != NULL ? r : "unknown OpenSSL error";
}

int net_identity_fingerprint(const EVP_PKEY *key, uint8_t fp[NET_FINGERPRINT_LEN])
{
    unsigned char *der = NULL;
    int len = i2d_PUBKEY(key, &der);
    unsigned int n = 0;
    int ok = len > 0 && EVP_Digest(der, (size_t)len, fp, &n, EVP_sha256(), NULL) == 1 && n == NET_FINGERPRINT_LEN;
    OPENSSL_free(der);
    return ok;
}

void net_fingerprint_format(const uint8_t fp[NET_FINGERPRINT_LEN], char out[NET_FINGERPRINT_TEXT])
{
    int n = snprintf(out, NET_FINGERPRINT_TEXT, "SHA256:");
    for (int i = 0; i < NET_FINGERPRINT_LEN; i++)
        n += snprintf(out + n, (size_t)(NET_FINGERPRINT_TEXT - n), "%02x", fp[i]);
}

static int net_hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int net_fingerprint_parse(const char *s, uint8_t fp[NET_FINGERPRINT_LEN])
{
    if (strncmp(s, "SHA256:", 7) == 0 || strncmp(s, "sha256:", 7) == 0)
        s += 7;
    if (strlen(s) != 2 * NET_FINGERPRINT_LEN)
        return 0;
    for (int i = 0; i < NET_FINGERPRINT_LEN; i++) {
        int hi = net_hex_digit(s[2 * i]), lo = net_hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        fp[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

EVP_PKEY *net_identity_load(const char *path, struct mpcc_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        mpcc_error_set(err, MPCC_ERR_IO, "cannot read identity key '%s': %s", path, strerror(errno));
        return NULL;
    }
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (key == NULL)
        mpcc_error_set(err, MPCC_ERR_PARSE, "identity key '%s' is not a PEM private key: %s", path,
                       net_identity_reason());
    return key;
}

enum mpcc_status net_identity_keygen(const char *path, uint8_t fp[NET_FINGERPRINT_LEN], struct mpcc_error *err)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (key == NULL || !net_identity_fingerprint(key, fp)) {
        EVP_PKEY_free(key);
        return mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot make a key: %s", net_identity_reason());
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        EVP_PKEY_free(key);
        return mpcc_error_set(err, MPCC_ERR_IO, "cannot create '%s': %s%s", path, strerror(errno),
                              errno == EEXIST ? " (an existing key is never overwritten)" : "");
    }
    FILE *f = fdopen(fd, "w");
    int ok = f != NULL && PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
    if (f != NULL)
        ok = fclose(f) == 0 && ok;
    else
        close(fd);
    EVP_PKEY_free(key);
    if (!ok) {
        unlink(path);
        return mpcc_error_set(err, MPCC_ERR_IO, "cannot write '%s'", path);
    }
    return MPCC_OK;
}
