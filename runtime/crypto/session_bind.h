/* session_bind.h - ties a public hash salt to one session: the salt a party
 * draws and sends (garbling, OT extension) is hashed with the session id
 * (runtime/proto/proto.h) before either side keys its hash with it, so the
 * tables, labels and OT messages of one session are useless in another even
 * when an attacker replays every byte of them. */
#ifndef MPCC_SESSION_BIND_H
#define MPCC_SESSION_BIND_H

#include <stdint.h>

#include "mpcc/error.h"
#include "runtime/crypto/block.h"

#define CRYPTO_SESSION_BYTES 32

/* *out = the first 16 bytes of SHA-256(label || purpose || 0 || session ||
 * salt). purpose names the use ("garbling", "ot extension"), so that one
 * session's salts for different uses never coincide. */
enum mpcc_status crypto_bind_salt(block salt, const uint8_t session[CRYPTO_SESSION_BYTES],
                                  const char *purpose, block *out, struct mpcc_error *err);

#endif
