/* ot.h - oblivious transfer over a channel: Chou-Orlandi base OT on P-256 and
 * IKNP extension (ALSZ) giving correlated OT with the garbler's Delta, plus
 * random / chosen-message OT through a correlation-robust hash. Semi-honest
 * only: no check against a malicious peer (docs/SECURITY.md). */
#ifndef MPCC_OT_H
#define MPCC_OT_H

#include <stddef.h>
#include <stdint.h>

#include "mpcc/error.h"
#include "runtime/crypto/block.h"
#include "runtime/crypto/session_bind.h"
#include "runtime/net/net.h"

/* Every OT session is bound to the run's session id (session, 32 bytes,
 * CRYPTO_SESSION_BYTES): it enters the base OT key derivation and the
 * extension's hash salt, so no message of one session serves in another.
 * Both sides must pass the same id (tests and benchmarks may use any fixed
 * one). */

/* Streaming: call the ot_send_* / ot_recv_* functions of one session as
 * often as needed with any n; internal memory does not grow with n. Choice
 * bits are packed LSB-first: OT j chooses (choice[j / 8] >> (j % 8)) & 1. */

#define OT_KAPPA 128 /* computational security parameter = number of base OTs */

/* Frame types on the channel ("OT" + kind). */
#define OT_FRAME_BASE_A 0x4f540001u /* base OT sender's point A */
#define OT_FRAME_BASE_B 0x4f540002u /* base OT receiver's points B_i */
#define OT_FRAME_EXT_U 0x4f540003u  /* extension receiver's matrix u for one chunk */
/* (0x4f540004 salt and 0x4f540005 chosen messages: see ot_internal.h) */

/* Performs OpenSSL's one-time lazy initialisation (provider, DRBG, P-256
 * tables) so that the first base OT does not pay for it while a peer waits. */
enum mpcc_status ot_warm_up(struct mpcc_error *err);

/* --- Base OT (random OT: the parties get keys, not chosen messages). */

/* Sender side: for i < n, k0[i] and k1[i] are two random keys, of which the
 * receiver learns exactly the one it chose. */
enum mpcc_status ot_base_send(struct net_channel *ch, const uint8_t *session, size_t n,
                              block *k0, block *k1, struct mpcc_error *err);
/* The sender in two steps, so that its first message (the point A, which
 * depends on nothing) can travel with earlier ones: start computes A and
 * queues it on ch (not flushed); finish, once the session id is known,
 * flushes, reads the receiver's points and derives the keys as ot_base_send
 * does; it frees s either way. ot_base_sender_free drops a started sender. */
struct ot_base_sender;
enum mpcc_status ot_base_send_start(struct net_channel *ch, size_t n, struct ot_base_sender **out,
                                    struct mpcc_error *err);
enum mpcc_status ot_base_send_finish(struct ot_base_sender *s, const uint8_t *session, block *k0,
                                     block *k1, struct mpcc_error *err);
void ot_base_sender_free(struct ot_base_sender *s);
/* Receiver side: kc[i] = (choice bit i) ? k1[i] : k0[i]. */
enum mpcc_status ot_base_recv(struct net_channel *ch, const uint8_t *session, size_t n,
                              const uint8_t *choice_bits, block *kc, struct mpcc_error *err);

/* --- Correlated OT extension (IKNP). The sender holds Delta (lsb should be 1
 * for point-and-permute, not required here); for each OT j it gets a random
 * zero label z_j, and the receiver gets z_j xor (choice_j ? Delta : 0). The
 * base OTs run inside ot_cot_*_new (roles reversed: the COT sender is the
 * base-OT receiver, choosing with the bits of Delta). */
struct ot_cot_sender;
struct ot_cot_receiver;

enum mpcc_status ot_cot_sender_new(struct net_channel *ch, const uint8_t *session,
                                   block delta, struct ot_cot_sender **out,
                                   struct mpcc_error *err);
/* n correlated OTs: out_zero_labels[j] = z_j (n blocks; n >= 1). */
enum mpcc_status ot_send_correlated(struct ot_cot_sender *s, size_t n, block *out_zero_labels,
                                    struct mpcc_error *err);
void ot_cot_sender_free(struct ot_cot_sender *s);

enum mpcc_status ot_cot_receiver_new(struct net_channel *ch, const uint8_t *session,
                                     struct ot_cot_receiver **out, struct mpcc_error *err);
/* The same with the 128 base OTs already done some other way (for example
 * as random OTs of an extension running the other way, which costs no
 * public-key operation): the sender passes its 128 chosen keys (choices =
 * the bits of delta, LSB first), the receiver both keys of each. They must
 * be fresh, random and independent (e.g. outputs of ot_send_random /
 * ot_recv_random), and used for one session only. */
enum mpcc_status ot_cot_sender_new_with_base(struct net_channel *ch, const uint8_t *session,
                                             block delta, const block *base,
                                             struct ot_cot_sender **out, struct mpcc_error *err);
enum mpcc_status ot_cot_receiver_new_with_base(struct net_channel *ch, const uint8_t *session,
                                               const block *base0, const block *base1,
                                               struct ot_cot_receiver **out,
                                               struct mpcc_error *err);
/* n correlated OTs: out_labels[j] = z_j xor choice_j * Delta. The n here must
 * equal the sender's n for the matching call. */
enum mpcc_status ot_recv_correlated(struct ot_cot_receiver *r, const uint8_t *choice_bits,
                                    size_t n, block *out_labels, struct mpcc_error *err);
void ot_cot_receiver_free(struct ot_cot_receiver *r);

/* --- Random and chosen-message OT on the same sessions (ot_chosen.c): the
 * correlated outputs are hashed with the correlation-robust hash of
 * runtime/crypto/hash.h (per-session salt, tweak = the OT's index in the
 * session), which breaks the Delta correlation. */

/* Random OT: the sender gets two independent-looking random messages
 * m0[j], m1[j]; the receiver gets m_{choice_j}[j] in out[j]. */
enum mpcc_status ot_send_random(struct ot_cot_sender *s, size_t n, block *m0, block *m1,
                                struct mpcc_error *err);
enum mpcc_status ot_recv_random(struct ot_cot_receiver *r, const uint8_t *choice_bits,
                                size_t n, block *out, struct mpcc_error *err);
/* Chosen-message OT: the sender's messages m0[j], m1[j] are its own; the
 * receiver gets m_{choice_j}[j]. Costs 32 more bytes per OT on the wire. */
enum mpcc_status ot_send_chosen(struct ot_cot_sender *s, size_t n, const block *m0,
                                const block *m1, struct mpcc_error *err);
enum mpcc_status ot_recv_chosen(struct ot_cot_receiver *r, const uint8_t *choice_bits,
                                size_t n, block *out, struct mpcc_error *err);

/* --- The 128 x m bit-matrix transpose IKNP needs (exposed for tests and
 * benchmarks). in: 128 rows of m bits, row i at in + i * (m / 8); out: m
 * blocks, bit i of out[j] = bit j of row i. m must be a multiple of 128. */
void ot_transpose_128(const uint8_t *in, size_t m, block *out);
/* The paths behind it: plain C (reference), SSE2, AVX2 (only when
 * ot_have_avx2()) and AVX-512BW (only when ot_have_avx512()). */
void ot_transpose_128_plain(const uint8_t *in, size_t m, block *out);
void ot_transpose_128_sse2(const uint8_t *in, size_t m, block *out);
void ot_transpose_128_avx2(const uint8_t *in, size_t m, block *out);
void ot_transpose_128_avx512(const uint8_t *in, size_t m, block *out);
int ot_have_avx2(void);
int ot_have_avx512(void);

#endif
