/* net.h - the channel between two parties: buffered send/receive with a
 * timeout on every wait, type+length framing, byte counters, errors naming
 * the peer. TCP (v4/v6, host names), TLS 1.3 (net_tls.h) and an in-memory
 * pair for tests. It knows nothing of what the messages mean. */
#ifndef MPCC_NET_H
#define MPCC_NET_H

#include <stddef.h>
#include <stdint.h>

#include "mpcc/error.h"
#include "mpcc/progress.h"

/* Largest frame payload accepted by default (net_set_max_frame changes it). */
#define NET_FRAME_MAX_DEFAULT (64u << 20)
/* Size of the write buffer and of the read buffer of each channel. */
#define NET_BUFFER_BYTES (256u << 10)

struct net_channel;
struct net_listener;

/* --- Establishing channels. peer_name is a label for error messages ("bob");
 * timeout_ms (> 0) bounds the connection set-up and, afterwards, every wait
 * of a send, receive or flush: a call fails when no byte could move for
 * timeout_ms (a long transfer that keeps progressing is not cut off). */

/* Binds and listens on host_port: "HOST:PORT", "[V6ADDR]:PORT", ":PORT" or
 * "*:PORT" (all interfaces). Port 0 picks a free port (see net_listener_port). */
enum mpcc_status net_tcp_listen(const char *host_port, struct net_listener **out,
                                struct mpcc_error *err);
/* The port the listener is bound to. */
uint16_t net_listener_port(const struct net_listener *l);
/* Waits up to timeout_ms for one peer to connect. */
enum mpcc_status net_tcp_accept(struct net_listener *l, const char *peer_name, int timeout_ms,
                                struct net_channel **out, struct mpcc_error *err);
void net_listener_free(struct net_listener *l);
/* net_tcp_listen + net_tcp_accept + net_listener_free. */
enum mpcc_status net_tcp_listen_accept(const char *host_port, const char *peer_name,
                                       int timeout_ms, struct net_channel **out,
                                       struct mpcc_error *err);
/* Connects to host_port, retrying a refused connection until timeout_ms has
 * passed (the listener may start later). */
enum mpcc_status net_tcp_connect(const char *host_port, const char *peer_name, int timeout_ms,
                                 struct net_channel **out, struct mpcc_error *err);
/* Two connected in-memory channels (a socketpair): a talks to b. a's peer is
 * called name_b and b's peer name_a. */
enum mpcc_status net_mem_pair(const char *name_a, const char *name_b, int timeout_ms,
                              struct net_channel **a, struct net_channel **b,
                              struct mpcc_error *err);
/* Wraps an already connected stream socket fd (the channel owns it from now,
 * even on failure). */
enum mpcc_status net_fd_channel(int fd, const char *peer_name, int timeout_ms,
                                struct net_channel **out, struct mpcc_error *err);

/* --- Using a channel (from one thread at a time). After any error the
 * channel is broken: every later call fails at once with a message saying so. */

/* Queues len bytes (sent when the buffer fills, on net_flush, or before a
 * receive has to wait). */
enum mpcc_status net_send(struct net_channel *ch, const void *buf, size_t len,
                          struct mpcc_error *err);
/* Sends everything queued. */
enum mpcc_status net_flush(struct net_channel *ch, struct mpcc_error *err);
/* Receives exactly len bytes; `what` names them for error messages
 * ("OT extension matrix"). Flushes queued output before waiting. */
enum mpcc_status net_recv(struct net_channel *ch, void *buf, size_t len, const char *what,
                          struct mpcc_error *err);

/* Bit vectors on the wire: n 0/1 bytes packed LSB first, bit i in byte
 * i / 8 ((n + 7) / 8 bytes, unused high bits zero). */
void net_pack_bits(const uint8_t *bits, size_t n, uint8_t *packed);

/* A frame: 4-byte type, 4-byte payload length (little-endian), payload.
 * A peer that stops a run may send NET_FRAME_ABORT (payload: why, at most
 * NET_ABORT_MAX printable bytes) in place of whatever it owed: a receiver
 * waiting for any other frame type then fails with "PEER stopped the run:
 * WHY", so the party that failed first is named everywhere. */
#define NET_FRAME_ABORT 0x4d50000fu
#define NET_ABORT_MAX 1024u
enum mpcc_status net_send_frame(struct net_channel *ch, uint32_t type, const void *payload,
                                size_t len, struct mpcc_error *err);
/* Receives one frame of type expected_type into buf (capacity cap); its
 * length goes to *len. A wrong type, or a length above cap or the channel's
 * frame limit, is an error raised before the payload is read. */
enum mpcc_status net_recv_frame(struct net_channel *ch, uint32_t expected_type, void *buf,
                                size_t cap, size_t *len, const char *what,
                                struct mpcc_error *err);
/* Without waiting: when what the peer sent next is an abort frame (or it
 * closed after one, or closed), the error naming it ("PEER stopped the run
 * (while we waited for `what`): WHY"); MPCC_OK when nothing, or anything
 * else, is pending (bytes read stay buffered for the next receive). For a
 * party waiting on other peers (mpcc_mp_connect's listener). */
enum mpcc_status net_check_abort(struct net_channel *ch, const char *what, struct mpcc_error *err);
/* Same, into a malloc'd buffer (caller frees *buf) of at most max_len bytes;
 * the length is checked before the allocation. */
enum mpcc_status net_recv_frame_alloc(struct net_channel *ch, uint32_t expected_type,
                                      size_t max_len, void **buf, size_t *len,
                                      const char *what, struct mpcc_error *err);

/* The transcript check: both ends exchange the checksums of all bytes they
 * sent and received on this channel so far (one NET_FRAME_TRANSCRIPT frame
 * each way, carrying 32 bytes) and each compares both directions. Call it at
 * the same point of the protocol on both ends, when each has received
 * everything the other sent before that point. Any difference (a flipped,
 * dropped, duplicated or inserted byte in either direction) is
 * MPCC_ERR_PROTOCOL naming `when`, and the channel is then broken. The
 * checksum is GHASH (AES-128-GCM with no plaintext) under a fixed public key:
 * it detects corruption that does not depend on that key with probability
 * at least 1 - (n/16 + 1) / 2^128 for n bytes, but is no MAC against an
 * active attacker on the path (TLS is). */
#define NET_FRAME_TRANSCRIPT 0x4e545331u
enum mpcc_status net_confirm_transcript(struct net_channel *ch, const char *when,
                                        struct mpcc_error *err);
/* The two halves of net_confirm_transcript, for callers that receive the
 * peer's 32-byte frame themselves (e.g. to understand an abort message in
 * its place): send ours (kept in mine), then compare with the peer's. */
enum mpcc_status net_transcript_send(struct net_channel *ch, uint8_t mine[32],
                                     struct mpcc_error *err);
enum mpcc_status net_transcript_compare(struct net_channel *ch, const uint8_t mine[32],
                                        const uint8_t theirs[32], const char *when,
                                        struct mpcc_error *err);
/* One-way checks, for protocols that let one side speak several times in a
 * row: net_transcript_send sends our value; the peer, having sent nothing
 * since the value we sent covers, calls net_transcript_expect, which takes
 * its own value as of now, reads ours and compares both directions. A side
 * may so verify what it received without first sending its own value (no
 * round trip); each check must still be made where the receiver has read
 * everything the sender sent before its frame. */
enum mpcc_status net_transcript_expect(struct net_channel *ch, const char *when,
                                       struct mpcc_error *err);

void net_set_timeout(struct net_channel *ch, int timeout_ms);
void net_set_max_frame(struct net_channel *ch, uint32_t max_len);
uint64_t net_bytes_sent(const struct net_channel *ch);
/* Also count this channel's bytes in p, and let the protocol report its
 * phase and AND gates there (p outlives the channel's use; NULL: none). */
void net_set_progress(struct net_channel *ch, struct mpcc_progress *p);
struct mpcc_progress *net_progress(const struct net_channel *ch);
uint64_t net_bytes_recv(const struct net_channel *ch);
/* Milliseconds on a monotonic clock (for callers' own deadlines). */
int64_t net_now_ms(void);

/* Renames the peer in later error messages, keeping its address: accepted
 * channels are created before the caller has said who it is. */
void net_set_peer_name(struct net_channel *ch, const char *peer_name);
/* "peer 'bob' (127.0.0.1:7000)": how errors name the other side. */
const char *net_peer(const struct net_channel *ch);
/* 1 when the peer is on this machine (127.0.0.0/8, ::1, an in-memory or
 * local socket), else 0. */
int net_peer_is_loopback(const struct net_channel *ch);
/* "tcp", "tls" or "mem". */
const char *net_kind(const struct net_channel *ch);
/* The link's round trip in seconds as the kernel's TCP stack has measured
 * it so far (TCP_INFO's smallest sample: the connection's handshake and
 * every acknowledged segment since; TCP and TLS channels alike), or -1 when there
 * is none (in-memory and local-socket channels). Only a hint: for choosing
 * between garbling schemes, never for security. A user-space relay (such
 * as tests/tools/netsim) hides the delay behind it: the kernel sees only
 * the hop to the relay. */
double net_rtt_hint(const struct net_channel *ch);
/* Replaces the measurement above (>= 0), or restores it (-1): for tests,
 * and for a caller that knows its link better. */
void net_set_rtt_hint(struct net_channel *ch, double seconds);

/* Flushes (best effort, bounded by the timeout), then frees. NULL is fine. */
void net_close(struct net_channel *ch);
/* Frees without flushing (after an error). NULL is fine. */
void net_free(struct net_channel *ch);

#endif
