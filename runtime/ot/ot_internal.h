/* ot_internal.h - what iknp.c shares with ot_chosen.c (random and
 * chosen-message OT built on the correlated OT): the session's hash salt,
 * its OT counter (the hash tweaks) and Delta. Not for other modules. */
#ifndef MPCC_OT_INTERNAL_H
#define MPCC_OT_INTERNAL_H

#include "runtime/crypto/hash.h"
#include "runtime/ot/ot.h"

/* Frame carrying the session's public hash salt (receiver -> sender). */
#define OT_FRAME_SALT 0x4f540004u
/* Frame carrying the masked messages of chosen-message OT. */
#define OT_FRAME_CHOSEN 0x4f540005u
/* OTs per chosen-message frame. */
#define OT_CHOSEN_BATCH 8192u

const struct crypto_hash *ot_sender_hash(const struct ot_cot_sender *s);
uint64_t ot_sender_count(const struct ot_cot_sender *s);
block ot_sender_delta(const struct ot_cot_sender *s);
struct net_channel *ot_sender_channel(const struct ot_cot_sender *s);
const struct crypto_hash *ot_receiver_hash(const struct ot_cot_receiver *r);
uint64_t ot_receiver_count(const struct ot_cot_receiver *r);
struct net_channel *ot_receiver_channel(const struct ot_cot_receiver *r);

#endif
