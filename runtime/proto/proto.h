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
#define PROTO_FRAME_SCHEME 0x59410006u /* garbler -> evaluator: the garbling scheme,
                                        * just before the tables */

#define PROTO_NAME_MAX 64

/* Frame types of runs with more than two parties ("MP" + number). */
#define PROTO_FRAME_WHO 0x4d500001u     /* connector -> acceptor: its party name, in clear */
#define PROTO_FRAME_MPHELLO 0x4d500002u /* run configuration, both directions */
#define PROTO_FRAME_SHARE 0x4d500003u   /* input party -> garbler/evaluator: packed share */
#define PROTO_FRAME_READY 0x4d500004u   /* garbler <-> evaluator: all shares arrived */
#define PROTO_FRAME_OUTD 0x4d500005u    /* garbler -> output party: decoding bits */
#define PROTO_FRAME_OUTC 0x4d500006u    /* evaluator -> output party: colour bits */
#define PROTO_FRAME_NONCE 0x4d500007u   /* BMR: every party -> every party: its nonce */
#define PROTO_FRAME_ABORT NET_FRAME_ABORT /* any -> any: the run stops; payload says why */
#define PROTO_ABORT_MAX NET_ABORT_MAX

/* What a multi-party run needs from the two-party core beyond mpcc_2pc_run:
 * the garbler's decoding bits and the evaluator's colour bits of every
 * output bit (n_output_bits bytes each), to forward to output parties.
 * NULL pointers are not filled. */
struct proto_2pc_extra {
    uint8_t *decode_bits; /* garbler side */
    uint8_t *colour_bits; /* evaluator side */
};

/* mpcc_2pc_run with the extra output shares (extra may be NULL). */
enum mpcc_status proto_2pc_run(const struct mpcc_2pc *run, struct net_channel *ch,
                               const uint8_t *input_bits, uint8_t *output_bits, uint8_t *got,
                               struct mpcc_stats *stats, const struct proto_2pc_extra *extra,
                               struct mpcc_error *err);

/* The HELLO exchange, in two halves so that a party may queue more behind
 * its hello (the evaluator's first base-OT message). proto_hello_send draws
 * a fresh nonce and queues our hello (not flushed): protocol version,
 * circuit digest, names, role, inputs we give, output recipients, our
 * garbling choice and the round trip the channel measured (net_rtt_hint).
 * proto_hello_recv flushes, checks the peer's greeting first when
 * run->greeting_due, then its hello: same version and circuit, the peer is
 * who we expect in the opposite role, the two input sets partition the
 * circuit's inputs, both agree on who receives each output, and their
 * garbling choices agree (two explicit choices that differ are refused).
 * Any mismatch is an error naming both sides' values. Then `agreed` is the
 * scheme both derive (an explicit choice, or under auto three-halves when
 * the smaller measured round trip, in *rtt_used, is at least
 * MPCC_AUTO_RTT_MS) and `session` the session id: SHA-256 over the circuit
 * digest, both party names (in role order), both nonces, both garbling
 * choices and the agreed scheme and, on a TLS channel, the TLS session's
 * exported keying material (which covers both certificates). The garbling
 * and OT hashes are keyed with salts bound to it, so bytes of one session
 * decode to nothing in another. */
enum mpcc_status proto_hello_send(const struct mpcc_2pc *run, struct net_channel *ch,
                                  uint8_t nonce[32], struct mpcc_error *err);
enum mpcc_status proto_hello_recv(const struct mpcc_2pc *run, struct net_channel *ch,
                                  const uint8_t nonce[32], uint8_t session[32],
                                  enum mpcc_garbling *agreed, double *rtt_used,
                                  struct mpcc_error *err);

/* The session id itself: SHA-256 over a label, the circuit digest, the
 * garbler's and the evaluator's names (each with its length byte), their
 * nonces (garbler's first), three garbling bytes (the garbler's choice, the
 * evaluator's, the agreed scheme: enum mpcc_garbling) and a flag byte with
 * the TLS exporter's 32 bytes
 * (tls_exporter NULL on a plain channel). The garbling and OT hashes key on
 * salts bound to it (runtime/crypto/session_bind.h). On a plain channel
 * every input is on the wire, so an eavesdropper computes it too. */
enum mpcc_status proto_session_id(const uint8_t digest[32], const char *gname,
                                  const char *ename, const uint8_t gnonce[32],
                                  const uint8_t enonce[32], const uint8_t garbling[3],
                                  const uint8_t *tls_exporter, uint8_t out[32],
                                  struct mpcc_error *err);

/* Receives one frame of `type` with exactly `want` payload bytes from the
 * channel's peer (named in errors as the channel names it). An ABORT frame
 * instead becomes an error quoting the peer's reason; a wrong type or length
 * is an error raised before the payload is read. */
enum mpcc_status proto_mp_recv(struct net_channel *ch, uint32_t type, uint8_t *buf,
                               size_t want, const char *what, struct mpcc_error *err);

/* The transcript check on ch (net_confirm_transcript), understanding an
 * ABORT frame from the peer in place of its checksum. */
enum mpcc_status proto_mp_confirm(struct net_channel *ch, const char *when,
                                  struct mpcc_error *err);

/* XOR-shares n bits (0/1 bytes): share_a gets fresh random bits from a
 * PRG seeded by RAND_bytes, share_b = bits ^ share_a; both packed (bit i in
 * byte i/8, LSB first, unused high bits zero), (n+7)/8 bytes each. */
enum mpcc_status proto_mp_make_shares(const uint8_t *bits, size_t n, uint8_t *share_a,
                                      uint8_t *share_b, struct mpcc_error *err);

/* A run with more than two parties under MPCC_MP_BMR (mp_bmr.c): outs as
 * for mpcc_mp_run_program (allocated by the caller, entries filled). */
struct values_set;
enum mpcc_status proto_mp_run_bmr(const struct mpcc_mp_session *s,
                                  struct net_channel *const *chans,
                                  const struct values_set *inputs, uint8_t **outs,
                                  struct mpcc_stats *stats, struct mpcc_error *err);

/* Seconds on a monotonic clock. */
double proto_now(void);

#endif
