/* proto.h - internals shared by the protocol files: frame types, the
 * handshake, and timing helpers. Not part of the public API (mpcc.h). */
#ifndef MPCC_PROTO_H
#define MPCC_PROTO_H

#include <stdint.h>

#include "mpcc/mpcc.h"
#include "runtime/net/net.h"

/* Frame types of the two-party protocol ("YA" + number). */
#define PROTO_FRAME_HELLO 0x59410001u  /* handshake, both directions */
#define PROTO_FRAME_SETUP 0x59410002u  /* garbler -> evaluator: hash salt, counts */
#define PROTO_FRAME_DECODE 0x59410003u /* garbler -> evaluator: decoding bits */
#define PROTO_FRAME_COLOUR 0x59410004u /* evaluator -> garbler: colour bits */

#define PROTO_NAME_MAX 64

/* Exchanges HELLO frames and checks that both sides run the same protocol
 * version and circuit, that the peer is who we expect in the opposite role,
 * that the two input sets partition the circuit's inputs and that both agree
 * on who receives each output. Any mismatch is MPCC_ERR_PROTOCOL with a
 * message naming both sides' values. */
enum mpcc_status proto_handshake(const struct mpcc_2pc *run, struct net_channel *ch,
                                 struct mpcc_error *err);

/* Seconds on a monotonic clock. */
double proto_now(void);

#endif
