/* net.c - the implementation-independent half of a channel: write and read
 * buffers, exact-length receives, frames, counters, and error messages that
 * name the peer. Sockets and TLS live in net_tcp.c and net_tls.c. */
#include "runtime/net/net_internal.h"

#include <errno.h>
#include <linux/tcp.h> /* struct tcp_info with tcpi_min_rtt */
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int64_t net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int net_poll_fd(int fd, short events, int64_t deadline_ms)
{
    for (;;) {
        /* Always poll at least once, so a ready fd counts even at the deadline. */
        int64_t left = deadline_ms - net_now_ms();
        if (left < 0)
            left = 0;
        struct pollfd p = {.fd = fd, .events = events, .revents = 0};
        int r = poll(&p, 1, left > 1000000000 ? 1000000000 : (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
        if (r == 0 && left == 0)
            return 0;
    }
}

enum mpcc_status net_channel_new(const struct net_ops *ops, int fd, const char *peer_name,
                                 const char *addr, int timeout_ms, struct net_channel **out,
                                 struct mpcc_error *err)
{
    *out = NULL;
    struct net_channel *ch = calloc(1, sizeof *ch);
    if (ch == NULL) {
        close(fd);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for a channel");
    }
    ch->ops = ops;
    ch->fd = fd;
    ch->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
    ch->max_frame = NET_FRAME_MAX_DEFAULT;
    ch->rtt_override = -1;
    snprintf(ch->peer, sizeof ch->peer, "peer '%s' (%s)", peer_name ? peer_name : "?",
             addr ? addr : "?");
    ch->wbuf = malloc(NET_BUFFER_BYTES);
    ch->rbuf = malloc(NET_BUFFER_BYTES);
    ch->tx_sum = net_transcript_new();
    ch->rx_sum = net_transcript_new();
    if (ch->wbuf == NULL || ch->rbuf == NULL || ch->tx_sum == NULL || ch->rx_sum == NULL) {
        net_free(ch);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for channel buffers");
    }
    *out = ch;
    return MPCC_OK;
}

static enum mpcc_status net_broken(struct net_channel *ch, struct mpcc_error *err)
{
    return mpcc_error_set(err, ch->broken, "%s: channel unusable after an earlier error",
                          ch->peer);
}

static bool net_abort_after_send(struct net_channel *ch, char *why);

/* Writes all of buf, or fails with a message naming the peer (or quoting
 * its abort frame, when it stopped the run and closed while we sent). */
static enum mpcc_status net_write_all(struct net_channel *ch, const uint8_t *buf, size_t len,
                                      struct mpcc_error *err)
{
    int64_t deadline = net_now_ms() + ch->timeout_ms;
    size_t off = 0;
    while (off < len) {
        char why[NET_WHY_MAX] = "";
        size_t done = 0;
        enum mpcc_status st = ch->ops->write_some(ch, buf + off, len - off, &done, deadline, why);
        if (st != MPCC_OK) {
            ch->broken = st;
            if (st == MPCC_ERR_TIMEOUT)
                return mpcc_error_set(err, st, "%s: not accepting data for %d ms (%zu of %zu "
                                      "bytes sent)", ch->peer, ch->timeout_ms, off, len);
            char last_words[NET_ABORT_MAX + 1];
            if (net_abort_after_send(ch, last_words)) {
                ch->broken = MPCC_ERR_PROTOCOL;
                return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s stopped the run (while we sent "
                                      "%zu bytes): %s", ch->peer, len - off, last_words);
            }
            return mpcc_error_set(err, st, "%s: %s while sending %zu bytes", ch->peer, why,
                                  len - off);
        }
        off += done;
        ch->bytes_sent += done;
        if (ch->progress != NULL)
            atomic_fetch_add_explicit(&ch->progress->bytes_sent, done, memory_order_relaxed);
        deadline = net_now_ms() + ch->timeout_ms; /* progress: the timeout restarts */
    }
    return MPCC_OK;
}

enum mpcc_status net_flush(struct net_channel *ch, struct mpcc_error *err)
{
    if (ch->broken != MPCC_OK)
        return net_broken(ch, err);
    if (ch->wlen == 0)
        return MPCC_OK;
    size_t n = ch->wlen;
    ch->wlen = 0;
    return net_write_all(ch, ch->wbuf, n, err);
}

void net_pack_bits(const uint8_t *bits, size_t n, uint8_t *packed)
{
    memset(packed, 0, (n + 7) / 8);
    for (size_t i = 0; i < n; i++)
        packed[i / 8] |= (uint8_t)((bits[i] & 1u) << (i % 8));
}

enum mpcc_status net_send(struct net_channel *ch, const void *buf, size_t len,
                          struct mpcc_error *err)
{
    if (ch->broken != MPCC_OK)
        return net_broken(ch, err);
    net_transcript_update(ch->tx_sum, buf, len);
    if (len <= NET_BUFFER_BYTES - ch->wlen) {
        memcpy(ch->wbuf + ch->wlen, buf, len);
        ch->wlen += len;
        return ch->wlen == NET_BUFFER_BYTES ? net_flush(ch, err) : MPCC_OK;
    }
    enum mpcc_status st = net_flush(ch, err);
    if (st != MPCC_OK)
        return st;
    if (len >= NET_BUFFER_BYTES / 2) /* big writes go straight out */
        return net_write_all(ch, buf, len, err);
    memcpy(ch->wbuf, buf, len);
    ch->wlen = len;
    return MPCC_OK;
}

static uint32_t net_get_u32(const uint8_t *p);

/* Appends the got bytes just read to the channel's tail of received bytes. */
static void net_tail_add(struct net_channel *ch, const uint8_t *src, size_t got)
{
    const size_t cap = sizeof ch->rtail;
    if (got >= cap) {
        memcpy(ch->rtail, src + got - cap, cap);
        ch->rtail_len = cap;
        return;
    }
    size_t keep = ch->rtail_len < cap - got ? ch->rtail_len : cap - got;
    memmove(ch->rtail, ch->rtail + ch->rtail_len - keep, keep);
    memcpy(ch->rtail + keep, src, got);
    ch->rtail_len = keep + got;
}

/* Counts the got bytes just read into src (the channel's total and the
 * run's progress) and keeps them in the tail of received bytes. */
static void net_count_recv(struct net_channel *ch, const uint8_t *src, size_t got)
{
    ch->bytes_recv += got;
    net_tail_add(ch, src, got);
    if (ch->progress != NULL)
        atomic_fetch_add_explicit(&ch->progress->bytes_recv, got, memory_order_relaxed);
}

/* When the connection closed right after an abort frame (the peer's last
 * words, perhaps sent in the middle of a block we read as data), its reason,
 * made printable, in why (NET_ABORT_MAX + 1 bytes); false otherwise. */
static bool net_tail_abort(const struct net_channel *ch, char *why)
{
    for (size_t k = 0; k + 8 <= ch->rtail_len; k++) {
        if (net_get_u32(ch->rtail + k) != NET_FRAME_ABORT)
            continue;
        uint32_t n = net_get_u32(ch->rtail + k + 4);
        if (n > NET_ABORT_MAX || k + 8 + n != ch->rtail_len)
            continue;
        for (uint32_t i = 0; i < n; i++) {
            char c = (char)ch->rtail[k + 8 + i];
            why[i] = c < 32 || c > 126 ? '?' : c;
        }
        why[n] = '\0';
        return true;
    }
    return false;
}

/* After a failed send: a peer that stopped the run sent an abort frame and
 * closed, and the frame may still wait, unread, in our receive buffer (we
 * were busy sending). Reads what has arrived without waiting (at most 1 MiB:
 * only the tail matters) and looks for the frame at its end, as
 * net_read_failed does after a failed read. */
static bool net_abort_after_send(struct net_channel *ch, char *why)
{
    uint8_t sink[4096];
    for (int i = 0; i < 256; i++) {
        char w[NET_WHY_MAX] = "";
        size_t got = 0;
        if (ch->ops->read_some(ch, sink, sizeof sink, &got, net_now_ms(), w) != MPCC_OK || got == 0)
            break;
        net_count_recv(ch, sink, got);
    }
    return net_tail_abort(ch, why);
}

/* The error of a run the peer stopped, saying why. */
static enum mpcc_status net_stopped(const struct net_channel *ch, const char *what,
                                    const char *why, struct mpcc_error *err)
{
    return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s stopped the run (while we waited for %s): "
                          "%s", ch->peer, what, why);
}

/* A read that failed with st (why: the implementation's reason): the
 * channel is broken; the error names the peer, or quotes its abort frame
 * when it closed right after one. */
static enum mpcc_status net_read_failed(struct net_channel *ch, enum mpcc_status st,
                                        const char *why, size_t want, const char *what,
                                        size_t have, struct mpcc_error *err)
{
    ch->broken = st;
    if (st == MPCC_ERR_TIMEOUT)
        return mpcc_error_set(err, st, "%s: timed out after %d ms waiting for %zu bytes of %s "
                              "(got %zu)", ch->peer, ch->timeout_ms, want, what, have);
    char last_words[NET_ABORT_MAX + 1];
    if (st == MPCC_ERR_CLOSED && net_tail_abort(ch, last_words)) {
        ch->broken = MPCC_ERR_PROTOCOL;
        return net_stopped(ch, what, last_words, err);
    }
    return mpcc_error_set(err, st, "%s: %s while waiting for %zu bytes of %s (got %zu)",
                          ch->peer, why, want, what, have);
}

/* Reads at least one byte into dst (at most cap), waiting until deadline. */
static enum mpcc_status net_read_some(struct net_channel *ch, uint8_t *dst, size_t cap,
                                      size_t *got, int64_t deadline, size_t have, size_t want,
                                      const char *what, struct mpcc_error *err)
{
    char why[NET_WHY_MAX] = "";
    enum mpcc_status st = ch->ops->read_some(ch, dst, cap, got, deadline, why);
    if (st == MPCC_OK) {
        net_count_recv(ch, dst, *got);
        return MPCC_OK;
    }
    return net_read_failed(ch, st, why, want, what, have, err);
}

static enum mpcc_status net_recv_bytes(struct net_channel *ch, void *buf, size_t len,
                                       const char *what, struct mpcc_error *err)
{
    if (ch->broken != MPCC_OK)
        return net_broken(ch, err);
    uint8_t *out = buf;
    size_t have = ch->rlen - ch->rpos;
    if (have >= len) {
        memcpy(out, ch->rbuf + ch->rpos, len);
        ch->rpos += len;
        return MPCC_OK;
    }
    memcpy(out, ch->rbuf + ch->rpos, have);
    ch->rpos = ch->rlen = 0;
    /* About to wait: whatever we queued may be what the peer waits for. */
    enum mpcc_status st = net_flush(ch, err);
    if (st != MPCC_OK)
        return st;
    int64_t deadline = net_now_ms() + ch->timeout_ms;
    while (have < len) {
        size_t need = len - have, got = 0;
        if (need >= NET_BUFFER_BYTES / 2) {
            st = net_read_some(ch, out + have, need, &got, deadline, have, len, what, err);
            if (st != MPCC_OK)
                return st;
            have += got;
            deadline = net_now_ms() + ch->timeout_ms; /* progress: the timeout restarts */
            continue;
        }
        st = net_read_some(ch, ch->rbuf, NET_BUFFER_BYTES, &got, deadline, have, len, what, err);
        if (st != MPCC_OK)
            return st;
        size_t take = got < need ? got : need;
        memcpy(out + have, ch->rbuf, take);
        have += take;
        ch->rpos = take;
        ch->rlen = got;
        deadline = net_now_ms() + ch->timeout_ms;
    }
    return MPCC_OK;
}

enum mpcc_status net_recv(struct net_channel *ch, void *buf, size_t len, const char *what,
                          struct mpcc_error *err)
{
    enum mpcc_status st = net_recv_bytes(ch, buf, len, what, err);
    if (st == MPCC_OK)
        net_transcript_update(ch->rx_sum, buf, len);
    return st;
}

static void net_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t net_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

enum mpcc_status net_send_frame(struct net_channel *ch, uint32_t type, const void *payload,
                                size_t len, struct mpcc_error *err)
{
    if (len > ch->max_frame)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "%s: frame of %zu bytes exceeds the "
                              "limit of %u bytes", ch->peer, len, ch->max_frame);
    uint8_t hdr[8];
    net_put_u32(hdr, type);
    net_put_u32(hdr + 4, (uint32_t)len);
    enum mpcc_status st = net_send(ch, hdr, sizeof hdr, err);
    if (st == MPCC_OK && len > 0)
        st = net_send(ch, payload, len, err);
    return st;
}

/* Reads a frame header and checks type and length against limit. */
static enum mpcc_status net_recv_header(struct net_channel *ch, uint32_t expected_type,
                                        size_t limit, size_t *len, const char *what,
                                        struct mpcc_error *err)
{
    uint8_t hdr[8];
    char hwhat[NET_WHY_MAX];
    snprintf(hwhat, sizeof hwhat, "frame header of %s", what);
    enum mpcc_status st = net_recv(ch, hdr, sizeof hdr, hwhat, err);
    if (st != MPCC_OK)
        return st;
    uint32_t type = net_get_u32(hdr), n = net_get_u32(hdr + 4);
    if (type == NET_FRAME_ABORT && expected_type != NET_FRAME_ABORT && n <= NET_ABORT_MAX) {
        char why[NET_ABORT_MAX + 1];
        st = net_recv(ch, why, n, "reason for stopping", err);
        ch->broken = MPCC_ERR_PROTOCOL;
        if (st != MPCC_OK)
            return st;
        why[n] = '\0';
        for (uint32_t i = 0; i < n; i++)
            if (why[i] < 32 || why[i] > 126)
                why[i] = '?';
        return net_stopped(ch, what, why, err);
    }
    if (type != expected_type) {
        ch->broken = MPCC_ERR_PROTOCOL;
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s: expected a frame of type 0x%08x "
                              "(%s) but got type 0x%08x", ch->peer, expected_type, what, type);
    }
    if (limit > ch->max_frame)
        limit = ch->max_frame;
    if (n > limit) {
        ch->broken = MPCC_ERR_LIMIT;
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "%s: frame of %u bytes for %s exceeds the "
                              "limit of %zu bytes", ch->peer, n, what, limit);
    }
    *len = n;
    return MPCC_OK;
}

enum mpcc_status net_check_abort(struct net_channel *ch, const char *what, struct mpcc_error *err)
{
    if (ch->broken != MPCC_OK)
        return net_broken(ch, err);
    size_t have = ch->rlen - ch->rpos;
    if (have < 8) {
        if (ch->rpos > 0) { /* room behind what is buffered */
            memmove(ch->rbuf, ch->rbuf + ch->rpos, have);
            ch->rpos = 0;
            ch->rlen = have;
        }
        char why[NET_WHY_MAX] = "";
        size_t got = 0;
        enum mpcc_status st = ch->ops->read_some(ch, ch->rbuf + ch->rlen, NET_BUFFER_BYTES - ch->rlen,
                                                 &got, net_now_ms(), why);
        if (st == MPCC_ERR_TIMEOUT) /* nothing pending */
            return MPCC_OK;
        if (st != MPCC_OK)
            return net_read_failed(ch, st, why, 8, what, have, err);
        net_count_recv(ch, ch->rbuf + ch->rlen, got);
        ch->rlen += got;
        have += got;
    }
    if (have < 8 || net_get_u32(ch->rbuf + ch->rpos) != NET_FRAME_ABORT)
        return MPCC_OK;
    /* The abort is read, its reason with it, as by a receiver waiting for
     * any other frame type (NET_FRAME_ABORT + 1): the header buffered above
     * is an abort's, so this never returns MPCC_OK. */
    size_t len = 0;
    return net_recv_header(ch, NET_FRAME_ABORT + 1, 0, &len, what, err);
}

enum mpcc_status net_recv_frame(struct net_channel *ch, uint32_t expected_type, void *buf,
                                size_t cap, size_t *len, const char *what,
                                struct mpcc_error *err)
{
    size_t n = 0;
    enum mpcc_status st = net_recv_header(ch, expected_type, cap, &n, what, err);
    if (st == MPCC_OK && n > 0)
        st = net_recv(ch, buf, n, what, err);
    *len = st == MPCC_OK ? n : 0;
    return st;
}

enum mpcc_status net_recv_frame_alloc(struct net_channel *ch, uint32_t expected_type,
                                      size_t max_len, void **buf, size_t *len,
                                      const char *what, struct mpcc_error *err)
{
    *buf = NULL;
    *len = 0;
    size_t n = 0;
    enum mpcc_status st = net_recv_header(ch, expected_type, max_len, &n, what, err);
    if (st != MPCC_OK)
        return st;
    void *p = malloc(n > 0 ? n : 1);
    if (p == NULL) {
        ch->broken = MPCC_ERR_NOMEM;
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for %zu bytes of %s", n, what);
    }
    st = net_recv(ch, p, n, what, err);
    if (st != MPCC_OK) {
        free(p);
        return st;
    }
    *buf = p;
    *len = n;
    return MPCC_OK;
}

void net_set_timeout(struct net_channel *ch, int timeout_ms)
{
    ch->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
}

void net_set_max_frame(struct net_channel *ch, uint32_t max_len) { ch->max_frame = max_len; }
uint64_t net_bytes_sent(const struct net_channel *ch) { return ch->bytes_sent; }
void net_set_progress(struct net_channel *ch, struct mpcc_progress *p) { ch->progress = p; }
struct mpcc_progress *net_progress(const struct net_channel *ch) { return ch->progress; }
uint64_t net_bytes_recv(const struct net_channel *ch) { return ch->bytes_recv; }
const char *net_peer(const struct net_channel *ch) { return ch->peer; }
const char *net_kind(const struct net_channel *ch) { return ch->ops->kind; }
double net_rtt_hint(const struct net_channel *ch)
{
    if (ch->rtt_override >= 0)
        return ch->rtt_override;
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (ch->fd < 0 || getsockopt(ch->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        return -1;
    /* The smallest sample (immune to delayed acknowledgements), else the
     * smoothed one on kernels older than 4.6. */
    if (len >= offsetof(struct tcp_info, tcpi_min_rtt) + sizeof ti.tcpi_min_rtt &&
        ti.tcpi_min_rtt != 0 && ti.tcpi_min_rtt != ~0u)
        return ti.tcpi_min_rtt * 1e-6;
    if (len >= offsetof(struct tcp_info, tcpi_rtt) + sizeof ti.tcpi_rtt && ti.tcpi_rtt != 0)
        return ti.tcpi_rtt * 1e-6;
    return -1;
}

void net_set_rtt_hint(struct net_channel *ch, double seconds)
{
    ch->rtt_override = seconds;
}

void net_close(struct net_channel *ch)
{
    if (ch == NULL)
        return;
    if (ch->broken == MPCC_OK)
        (void)net_flush(ch, NULL);
    net_free(ch);
}

void net_free(struct net_channel *ch)
{
    if (ch == NULL)
        return;
    if (ch->ops != NULL && ch->ops->destroy != NULL)
        ch->ops->destroy(ch);
    else if (ch->fd >= 0)
        close(ch->fd);
    free(ch->wbuf);
    free(ch->rbuf);
    net_transcript_free(ch->tx_sum);
    net_transcript_free(ch->rx_sum);
    free(ch);
}

void net_set_peer_name(struct net_channel *ch, const char *peer_name)
{
    char addr[NET_PEER_MAX];
    const char *open = strstr(ch->peer, "' (");
    snprintf(addr, sizeof addr, "%s", open ? open + 3 : "?)");
    snprintf(ch->peer, sizeof ch->peer, "peer '%.64s' (%.120s", peer_name, addr);
}
