/* session_bind.c - a public salt hashed together with the session id
 * (see session_bind.h). */
#include "runtime/crypto/session_bind.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

enum mpcc_status crypto_bind_salt(block salt, const uint8_t session[CRYPTO_SESSION_BYTES],
                                  const char *purpose, block *out, struct mpcc_error *err)
{
    static const char label[] = "mpcc session-bound salt v1";
    uint8_t raw[16], md[32];
    unsigned int n = 0;
    blk_store(raw, salt);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1
             && EVP_DigestUpdate(ctx, label, sizeof label) == 1
             && EVP_DigestUpdate(ctx, purpose, strlen(purpose) + 1) == 1
             && EVP_DigestUpdate(ctx, session, CRYPTO_SESSION_BYTES) == 1
             && EVP_DigestUpdate(ctx, raw, sizeof raw) == 1
             && EVP_DigestFinal_ex(ctx, md, &n) == 1 && n == sizeof md;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return mpcc_error_set(err, MPCC_ERR_CRYPTO,
                              "cannot bind the %s salt to the session (OpenSSL SHA-256 failed)",
                              purpose);
    *out = blk_load(md);
    OPENSSL_cleanse(md, sizeof md);
    return MPCC_OK;
}
