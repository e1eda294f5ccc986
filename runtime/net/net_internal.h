/* net_internal.h - what the channel implementations (tcp, tls, mem) share
 * with the generic buffering and framing in net.c. Other modules use net.h
 * only. */
#ifndef MPCC_NET_INTERNAL_H
#define MPCC_NET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/net/net.h"

#define NET_PEER_MAX 200
#define NET_WHY_MAX 160

/* One implementation. Both I/O functions move at least one byte unless they
 * On failure they return CLOSED, TIMEOUT, IO or CRYPTO and write a short
 * reason ("connection reset by peer") into why. */
struct net_ops {
    const char *kind;
    enum mpcc_status (*write_some)(struct net_channel *ch, const uint8_t *buf, size_t len,
                                   size_t *done, int64_t deadline_ms, char *why);
    enum mpcc_status (*read_some)(struct net_channel *ch, uint8_t *buf, size_t len,
                                  size_t *got, int64_t deadline_ms, char *why);
    void (*destroy)(struct net_channel *ch); /* closes fd and impl; not ch itself */
};

struct net_channel {
    const struct net_ops *ops;
    int fd;
    void *impl; /* implementation state (SSL * for tls) */
    char peer[NET_PEER_MAX];
    int timeout_ms;
    uint32_t max_frame;
    enum mpcc_status broken; /* MPCC_OK while usable */
    uint8_t *wbuf;
    size_t wlen;
    uint8_t *rbuf;
    size_t rpos, rlen;
    uint64_t bytes_sent, bytes_recv;
    struct mpcc_progress *progress; /* or NULL: where bytes are also counted */
    /* The last bytes received (oldest first): a peer that stops a run sends
     * an abort frame and closes, possibly in the middle of a block we are
     * reading as data; on the close we look for that frame here. */
    uint8_t rtail[NET_ABORT_MAX + 8];
    size_t rtail_len;
    /* Running checksums (GHASH) of every byte passed to net_send and returned
     * by net_recv, for net_confirm_transcript (net_transcript.c). */
    struct net_transcript *tx_sum, *rx_sum;
    double rtt_override; /* net_set_rtt_hint's value (s), or -1: ask the kernel */
};

/* --- net_transcript.c */
struct net_transcript;
/* A fresh checksum state; NULL when out of memory. */
struct net_transcript *net_transcript_new(void);
/* A counting one (for TLS, whose records are authenticated already): its
 * value is HMAC-SHA-256 under key of the number of bytes. */
struct net_transcript *net_transcript_new_counting(const uint8_t key[32]);
void net_transcript_update(struct net_transcript *t, const void *buf, size_t len);
/* The 16-byte checksum of everything so far (the state goes on). 0 on an
 * OpenSSL failure, now or in an earlier update. */
int net_transcript_value(const struct net_transcript *t, uint8_t out[16]);
void net_transcript_free(struct net_transcript *t);

/* Allocates a channel with buffers around an fd (owned: closed on failure). */
enum mpcc_status net_channel_new(const struct net_ops *ops, int fd, const char *peer_name,
                                 const char *addr, int timeout_ms, struct net_channel **out,
                                 struct mpcc_error *err);
/* Polls fd for events until deadline_ms: 1 ready, 0 timed out, -1 error (errno). */
int net_poll_fd(int fd, short events, int64_t deadline_ms);
/* "a.b.c.d:port" / "[v6]:port" of a socket's peer, or "?" */
void net_format_peer_addr(int fd, char *out, size_t cap);
/* The plain socket implementation (tcp and mem share it). */
extern const struct net_ops net_tcp_ops;
extern const struct net_ops net_mem_ops;
enum mpcc_status net_sock_write_some(struct net_channel *ch, const uint8_t *buf, size_t len,
                                     size_t *done, int64_t deadline_ms, char *why);
enum mpcc_status net_sock_read_some(struct net_channel *ch, uint8_t *buf, size_t len,
                                    size_t *got, int64_t deadline_ms, char *why);

#endif
