/* test_net.c - the channel layer: in-memory and loopback-TCP round trips,
 * framing, limits, and the faults a peer can cause (close mid-transfer,
 * truncated frame, oversized length, silence) with their exact messages. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "runtime/net/net.h"

#define BIG (3u << 20) /* larger than the socket and channel buffers */

static void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

struct sender_job {
    struct net_channel *ch;
    size_t len;
    enum mpcc_status st;
    struct mpcc_error err;
};

static void *sender_thread(void *arg)
{
    struct sender_job *j = arg;
    uint8_t *buf = malloc(j->len);
    if (buf == NULL) {
        j->st = MPCC_ERR_NOMEM;
        return NULL;
    }
    fill_pattern(buf, j->len, 7);
    /* Small pieces, a frame and one big write: every buffering path. */
    j->st = net_send(j->ch, buf, 3, &j->err);
    if (j->st == MPCC_OK)
        j->st = net_send_frame(j->ch, 0x11, buf + 3, 1000, &j->err);
    if (j->st == MPCC_OK)
        j->st = net_send(j->ch, buf + 1003, j->len - 1003, &j->err);
    if (j->st == MPCC_OK)
        j->st = net_flush(j->ch, &j->err);
    free(buf);
    return NULL;
}

/* Receives what sender_thread sends and compares. */
static void check_round_trip(struct net_channel *tx, struct net_channel *rx)
{
    struct sender_job job = {.ch = tx, .len = BIG};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, sender_thread, &job), 0);
    uint8_t *want = malloc(BIG), *got = malloc(BIG);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(got);
    fill_pattern(want, BIG, 7);
    struct mpcc_error err = {0};
    size_t flen = 0;
    ck_assert_int_eq(net_recv(rx, got, 3, "prefix", &err), MPCC_OK);
    ck_assert_int_eq(net_recv_frame(rx, 0x11, got + 3, 1000, &flen, "frame", &err), MPCC_OK);
    ck_assert_uint_eq(flen, 1000);
    ck_assert_int_eq(net_recv(rx, got + 1003, BIG - 1003, "bulk", &err), MPCC_OK);
    pthread_join(t, NULL);
    ck_assert_msg(job.st == MPCC_OK, "sender: %s", job.err.msg);
    ck_assert_int_eq(memcmp(want, got, BIG), 0);
    ck_assert_uint_eq(net_bytes_sent(tx), BIG + 8);
    ck_assert_uint_eq(net_bytes_recv(rx), BIG + 8);
    free(want);
    free(got);
}

START_TEST(mem_pair_round_trip_exact_bytes)
{
    struct net_channel *a, *b;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("alice", "bob", 5000, &a, &b, &err), MPCC_OK);
    ck_assert_str_eq(net_kind(a), "mem");
    ck_assert_str_eq(net_peer(a), "peer 'bob' (in-memory)");
    check_round_trip(a, b);
    check_round_trip(b, a);
    net_close(a);
    net_close(b);
}
END_TEST

struct connect_job {
    char addr[64];
    int timeout_ms;
    struct net_channel *ch;
    enum mpcc_status st;
    struct mpcc_error err;
};

static void *connect_thread(void *arg)
{
    struct connect_job *j = arg;
    j->st = net_tcp_connect(j->addr, "server", j->timeout_ms, &j->ch, &j->err);
    return NULL;
}

/* Listens on host:0, connects from a thread; NULL when the host is unusable here. */
static int tcp_pair(const char *host, struct net_channel **srv, struct net_channel **cli)
{
    struct net_listener *l = NULL;
    struct mpcc_error err = {0};
    char hp[64];
    snprintf(hp, sizeof hp, "%s:0", host);
    if (net_tcp_listen(hp, &l, &err) != MPCC_OK) {
        fprintf(stderr, "skipping %s: %s\n", host, err.msg);
        return 0;
    }
    struct connect_job job = {.timeout_ms = 5000};
    snprintf(job.addr, sizeof job.addr, "%s:%u", host, net_listener_port(l));
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, connect_thread, &job), 0);
    enum mpcc_status st = net_tcp_accept(l, "client", 5000, srv, &err);
    pthread_join(t, NULL);
    net_listener_free(l);
    ck_assert_msg(st == MPCC_OK, "accept: %s", err.msg);
    ck_assert_msg(job.st == MPCC_OK, "connect: %s", job.err.msg);
    *cli = job.ch;
    return 1;
}

START_TEST(tcp_loopback_v4_and_v6_round_trip)
{
    const char *hosts[] = {"127.0.0.1", "[::1]", "localhost"};
    for (size_t i = 0; i < 3; i++) {
        struct net_channel *s, *c;
        if (!tcp_pair(hosts[i], &s, &c))
            continue;
        ck_assert_str_eq(net_kind(s), "tcp");
        ck_assert_ptr_nonnull(strstr(net_peer(s), "peer 'client' ("));
        check_round_trip(c, s);
        check_round_trip(s, c);
        net_close(s);
        net_close(c);
    }
}
END_TEST

START_TEST(tcp_wildcard_listener_accepts_ipv4)
{
    struct net_listener *l = NULL;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_tcp_listen("*:0", &l, &err), MPCC_OK);
    struct connect_job job = {.timeout_ms = 5000};
    snprintf(job.addr, sizeof job.addr, "127.0.0.1:%u", net_listener_port(l));
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, connect_thread, &job), 0);
    struct net_channel *s = NULL;
    enum mpcc_status st = net_tcp_accept(l, "client", 5000, &s, &err);
    pthread_join(t, NULL);
    net_listener_free(l);
    ck_assert_msg(st == MPCC_OK, "%s", err.msg);
    ck_assert_msg(job.st == MPCC_OK, "%s", job.err.msg);
    net_close(s);
    net_close(job.ch);
}
END_TEST

START_TEST(tcp_connect_retries_until_listener_appears)
{
    struct net_listener *l = NULL;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_tcp_listen("127.0.0.1:0", &l, &err), MPCC_OK);
    unsigned port = net_listener_port(l);
    net_listener_free(l);
    struct connect_job job = {.timeout_ms = 5000};
    snprintf(job.addr, sizeof job.addr, "127.0.0.1:%u", port);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, connect_thread, &job), 0);
    struct timespec pause = {0, 300 * 1000000L};
    nanosleep(&pause, NULL);
    char hp[64];
    snprintf(hp, sizeof hp, "127.0.0.1:%u", port);
    struct net_channel *s = NULL;
    enum mpcc_status st = net_tcp_listen_accept(hp, "client", 5000, &s, &err);
    pthread_join(t, NULL);
    ck_assert_msg(st == MPCC_OK, "%s", err.msg);
    ck_assert_msg(job.st == MPCC_OK, "%s", job.err.msg);
    uint32_t v = 0xabcdef;
    ck_assert_int_eq(net_send(job.ch, &v, 4, &err), MPCC_OK);
    ck_assert_int_eq(net_flush(job.ch, &err), MPCC_OK);
    v = 0;
    ck_assert_int_eq(net_recv(s, &v, 4, "value", &err), MPCC_OK);
    ck_assert_uint_eq(v, 0xabcdef);
    net_close(s);
    net_close(job.ch);
}
END_TEST

START_TEST(tcp_refused_and_address_in_use_are_named)
{
    struct net_listener *l = NULL, *l2 = NULL;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_tcp_listen("127.0.0.1:0", &l, &err), MPCC_OK);
    char hp[64], want[256];
    snprintf(hp, sizeof hp, "127.0.0.1:%u", net_listener_port(l));
    ck_assert_int_eq(net_tcp_listen(hp, &l2, &err), MPCC_ERR_IO);
    snprintf(want, sizeof want, "cannot listen on %s: address already in use (is another "
             "party or program using this port?)", hp);
    ck_assert_str_eq(err.msg, want);
    net_listener_free(l);
    struct net_channel *c = NULL;
    ck_assert_int_eq(net_tcp_connect(hp, "bob", 150, &c, &err), MPCC_ERR_IO);
    snprintf(want, sizeof want, "cannot connect to peer 'bob' at %s within 150 ms: connection "
             "refused (is the peer running and listening there?)", hp);
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(tcp_accept_times_out)
{
    struct net_listener *l = NULL;
    struct net_channel *c = NULL;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_tcp_listen("127.0.0.1:0", &l, &err), MPCC_OK);
    ck_assert_int_eq(net_tcp_accept(l, "bob", 100, &c, &err), MPCC_ERR_TIMEOUT);
    char want[128];
    snprintf(want, sizeof want, "peer 'bob' did not connect to 127.0.0.1:%u within 100 ms",
             net_listener_port(l));
    ck_assert_str_eq(err.msg, want);
    net_listener_free(l);
}
END_TEST

START_TEST(bad_addresses_are_rejected)
{
    struct net_listener *l = NULL;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_tcp_listen("localhost", &l, &err), MPCC_ERR_PARSE);
    ck_assert_str_eq(err.msg, "bad address 'localhost': expected HOST:PORT");
    ck_assert_int_eq(net_tcp_listen("::1:80", &l, &err), MPCC_ERR_PARSE);
    ck_assert_str_eq(err.msg, "bad address '::1:80': write an IPv6 address as [ADDR]:PORT");
    ck_assert_int_eq(net_tcp_listen("127.0.0.1:99999", &l, &err), MPCC_ERR_PARSE);
    ck_assert_str_eq(err.msg, "bad address '127.0.0.1:99999': port must be a number from 0 "
                     "to 65535");
    ck_assert_int_eq(net_tcp_listen("[::1:80", &l, &err), MPCC_ERR_PARSE);
    ck_assert_str_eq(err.msg, "bad address '[::1:80': expected [IPV6]:PORT");
    ck_assert_ptr_null(l);
}
END_TEST

/* A channel whose peer is a raw socket the test drives byte by byte. */
static struct net_channel *raw_pair(int *raw, int timeout_ms)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct net_channel *ch = NULL;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_fd_channel(sv[0], "bob", timeout_ms, &ch, &err), MPCC_OK);
    *raw = sv[1];
    return ch;
}

static void raw_write(int fd, const void *p, size_t n)
{
    ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
}

START_TEST(peer_closing_mid_transfer_is_named)
{
    int raw;
    struct net_channel *ch = raw_pair(&raw, 5000);
    uint8_t buf[1000] = {0};
    raw_write(raw, buf, 100);
    close(raw);
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_recv(ch, buf, sizeof buf, "OT extension matrix", &err),
                     MPCC_ERR_CLOSED);
    ck_assert_str_eq(err.msg, "peer 'bob' (local socket): connection closed while waiting "
                     "for 1000 bytes of OT extension matrix (got 100)");
    /* The channel stays broken. */
    ck_assert_int_eq(net_recv(ch, buf, 1, "x", &err), MPCC_ERR_CLOSED);
    ck_assert_str_eq(err.msg, "peer 'bob' (local socket): channel unusable after an earlier "
                     "error");
    net_free(ch);
}
END_TEST

/* A peer that stops the run sends an abort frame wherever its stream was
 * and closes: a receiver reading a block of data names the peer's reason,
 * even when the frame came in two reads (one before this receive). */
START_TEST(abort_frame_before_a_close_mid_block_is_read_as_the_reason)
{
    static const char why[] = "peer 'h3': connection closed by peer";
    for (int split = 0; split < 2; split++) {
        int raw;
        struct net_channel *ch = raw_pair(&raw, 5000);
        uint8_t data[300] = {1, 2, 3}, frame[8 + sizeof why - 1];
        uint32_t type = NET_FRAME_ABORT, n = sizeof why - 1;
        for (int i = 0; i < 4; i++)
            frame[i] = (uint8_t)(type >> (8 * i)), frame[4 + i] = (uint8_t)(n >> (8 * i));
        memcpy(frame + 8, why, n);
        raw_write(raw, data, sizeof data);
        raw_write(raw, frame, sizeof frame);
        close(raw);
        struct mpcc_error err = {0};
        uint8_t first[310], *block = malloc(1 << 20);
        ck_assert_ptr_nonnull(block);
        if (split) /* the first 10 bytes of the frame end an earlier receive */
            ck_assert_int_eq(net_recv(ch, first, sizeof first, "inputs", &err), MPCC_OK);
        ck_assert_int_eq(net_recv(ch, block, 1 << 20, "garbled tables", &err),
                         MPCC_ERR_PROTOCOL);
        ck_assert_str_eq(err.msg, "peer 'bob' (local socket) stopped the run (while we waited "
                         "for garbled tables): peer 'h3': connection closed by peer");
        free(block);
        net_free(ch);
    }
    /* Data that merely ends in something frame-like but of the wrong length
     * is a plain close. */
    int raw;
    struct net_channel *ch = raw_pair(&raw, 5000);
    uint8_t fake[12] = {0x0f, 0x00, 0x50, 0x4d, 9, 0, 0, 0, 'a', 'b', 'c', 'd'};
    raw_write(raw, fake, sizeof fake);
    close(raw);
    struct mpcc_error err = {0};
    uint8_t buf[100];
    ck_assert_int_eq(net_recv(ch, buf, sizeof buf, "x", &err), MPCC_ERR_CLOSED);
    net_free(ch);
}
END_TEST

/* net_check_abort: nothing pending and ordinary data are fine (the data is
 * still read in full afterwards); a pending abort, or a close, is the error. */
START_TEST(check_abort_sees_aborts_and_leaves_data_alone)
{
    int raw;
    struct net_channel *ch = raw_pair(&raw, 5000);
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_check_abort(ch, "x", &err), MPCC_OK);
    uint8_t data[20] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12};
    raw_write(raw, data, sizeof data);
    usleep(20000);
    ck_assert_int_eq(net_check_abort(ch, "x", &err), MPCC_OK);
    uint8_t back[20];
    ck_assert_int_eq(net_recv(ch, back, sizeof back, "data", &err), MPCC_OK);
    ck_assert_mem_eq(back, data, sizeof data);
    static const char why[] = "roles differ";
    uint8_t frame[8 + sizeof why - 1] = {0x0f, 0x00, 0x50, 0x4d, sizeof why - 1, 0, 0, 0};
    memcpy(frame + 8, why, sizeof why - 1);
    raw_write(raw, frame, sizeof frame);
    usleep(20000);
    ck_assert_int_eq(net_check_abort(ch, "the others", &err), MPCC_ERR_PROTOCOL);
    ck_assert_str_eq(err.msg, "peer 'bob' (local socket) stopped the run (while we waited for the "
                     "others): roles differ");
    net_free(ch);
    ch = raw_pair(&raw, 5000);
    close(raw);
    ck_assert_int_eq(net_check_abort(ch, "x", &err), MPCC_ERR_CLOSED);
    net_free(ch);
}
END_TEST

/* Sends BIG zero bytes and flushes: the status of the first failure. */
static enum mpcc_status send_big(struct net_channel *ch, struct mpcc_error *err)
{
    uint8_t *buf = calloc(1, BIG);
    ck_assert_ptr_nonnull(buf);
    enum mpcc_status st = net_send(ch, buf, BIG, err);
    if (st == MPCC_OK)
        st = net_flush(ch, err);
    free(buf);
    return st;
}

/* The same when we are sending: the peer's abort frame, unread behind our
 * send, becomes the reason (as seen in a three-party run whose third party
 * died while one garbler sent the evaluator its tables). */
START_TEST(abort_frame_before_a_close_while_we_send_is_the_reason)
{
    static const char why[] = "peer 'h3': connection closed by peer";
    int raw;
    struct net_channel *ch = raw_pair(&raw, 5000);
    uint8_t frame[8 + sizeof why - 1];
    uint32_t type = NET_FRAME_ABORT, n = sizeof why - 1;
    for (int i = 0; i < 4; i++)
        frame[i] = (uint8_t)(type >> (8 * i)), frame[4 + i] = (uint8_t)(n >> (8 * i));
    memcpy(frame + 8, why, n);
    raw_write(raw, frame, sizeof frame);
    close(raw);
    struct mpcc_error err = {0};
    enum mpcc_status st = send_big(ch, &err);
    ck_assert_int_eq(st, MPCC_ERR_PROTOCOL);
    ck_assert_ptr_nonnull(strstr(err.msg, "peer 'bob' (local socket) stopped the run (while we sent "));
    ck_assert_ptr_nonnull(strstr(err.msg, "): peer 'h3': connection closed by peer"));
    net_free(ch);
}
END_TEST

START_TEST(sending_to_a_closed_peer_fails_without_sigpipe)
{
    int raw;
    struct net_channel *ch = raw_pair(&raw, 5000);
    close(raw);
    struct mpcc_error err = {0};
    enum mpcc_status st = send_big(ch, &err);
    ck_assert_int_eq(st, MPCC_ERR_CLOSED);
    ck_assert_ptr_nonnull(strstr(err.msg, "peer 'bob' (local socket): connection "));
    net_free(ch);
}
END_TEST

START_TEST(truncated_frame_is_an_error)
{
    int raw;
    struct net_channel *ch = raw_pair(&raw, 5000);
    uint8_t hdr[8] = {0x22, 0, 0, 0, 50, 0, 0, 0}, body[64];
    raw_write(raw, hdr, 8);
    raw_write(raw, body, 20);
    close(raw);
    struct mpcc_error err = {0};
    size_t len = 99;
    ck_assert_int_eq(net_recv_frame(ch, 0x22, body, sizeof body, &len, "base OT points", &err),
                     MPCC_ERR_CLOSED);
    ck_assert_str_eq(err.msg, "peer 'bob' (local socket): connection closed while waiting "
                     "for 50 bytes of base OT points (got 20)");
    ck_assert_uint_eq(len, 0);
    net_free(ch);
}
END_TEST

START_TEST(oversized_and_mistyped_frames_are_rejected_before_reading)
{
    int raw;
    struct net_channel *ch = raw_pair(&raw, 5000);
    uint8_t hdr[8] = {0x22, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f};
    raw_write(raw, hdr, 8);
    struct mpcc_error err = {0};
    void *p = (void *)1;
    size_t len = 0;
    ck_assert_int_eq(net_recv_frame_alloc(ch, 0x22, 1u << 30, &p, &len, "garbled tables", &err),
                     MPCC_ERR_LIMIT);
    ck_assert_str_eq(err.msg, "peer 'bob' (local socket): frame of 2147483647 bytes for "
                     "garbled tables exceeds the limit of 67108864 bytes");
    ck_assert_ptr_null(p);
    net_free(ch);

    ch = raw_pair(&raw, 5000);
    uint8_t hdr2[8] = {0x23, 0, 0, 0, 4, 0, 0, 0};
    raw_write(raw, hdr2, 8);
    uint8_t small[4];
    ck_assert_int_eq(net_recv_frame(ch, 0x22, small, 4, &len, "handshake", &err),
                     MPCC_ERR_PROTOCOL);
    ck_assert_str_eq(err.msg, "peer 'bob' (local socket): expected a frame of type 0x00000022 "
                     "(handshake) but got type 0x00000023");
    net_free(ch);
    close(raw);

    ch = raw_pair(&raw, 5000);
    uint8_t hdr3[8] = {0x22, 0, 0, 0, 5, 0, 0, 0};
    raw_write(raw, hdr3, 8);
    ck_assert_int_eq(net_recv_frame(ch, 0x22, small, 4, &len, "handshake", &err),
                     MPCC_ERR_LIMIT);
    ck_assert_str_eq(err.msg, "peer 'bob' (local socket): frame of 5 bytes for handshake "
                     "exceeds the limit of 4 bytes");
    net_free(ch);
    close(raw);
}
END_TEST

START_TEST(frame_alloc_and_empty_frames_round_trip)
{
    struct net_channel *a, *b;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("alice", "bob", 5000, &a, &b, &err), MPCC_OK);
    ck_assert_int_eq(net_send_frame(a, 7, "hello", 5, &err), MPCC_OK);
    ck_assert_int_eq(net_send_frame(a, 8, NULL, 0, &err), MPCC_OK);
    ck_assert_int_eq(net_flush(a, &err), MPCC_OK);
    void *p = NULL;
    size_t len = 0;
    ck_assert_int_eq(net_recv_frame_alloc(b, 7, 100, &p, &len, "greeting", &err), MPCC_OK);
    ck_assert_uint_eq(len, 5);
    ck_assert_int_eq(memcmp(p, "hello", 5), 0);
    free(p);
    ck_assert_int_eq(net_recv_frame(b, 8, NULL, 0, &len, "empty", &err), MPCC_OK);
    ck_assert_uint_eq(len, 0);
    net_set_max_frame(a, 4);
    ck_assert_int_eq(net_send_frame(a, 7, "hello", 5, &err), MPCC_ERR_LIMIT);
    ck_assert_str_eq(err.msg, "peer 'bob' (in-memory): frame of 5 bytes exceeds the limit of "
                     "4 bytes");
    net_close(a);
    net_close(b);
}
END_TEST

START_TEST(silent_peer_times_out)
{
    int raw;
    struct net_channel *ch = raw_pair(&raw, 200);
    uint8_t buf[32];
    raw_write(raw, buf, 5);
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_recv(ch, buf, 32, "OT extension matrix", &err), MPCC_ERR_TIMEOUT);
    ck_assert_str_eq(err.msg, "peer 'bob' (local socket): timed out after 200 ms waiting for "
                     "32 bytes of OT extension matrix (got 5)");
    net_free(ch);
    close(raw);
}
END_TEST

/* ---- transcript check: a relay between two socket pairs that passes bytes
 * on, changing one of them (flip: XOR mask at offset `at` of the a->b
 * stream; mask 0 changes nothing). */
struct relay {
    int from, to;
    size_t at;
    uint8_t mask;
};

static void *relay_main(void *arg)
{
    struct relay *r = arg;
    uint8_t buf[4096];
    size_t pos = 0;
    ssize_t n;
    while ((n = read(r->from, buf, sizeof buf)) > 0) {
        if (r->at >= pos && r->at < pos + (size_t)n)
            buf[r->at - pos] ^= r->mask;
        pos += (size_t)n;
        if (write(r->to, buf, (size_t)n) != n)
            break;
    }
    close(r->to);
    return NULL;
}

struct confirm_side {
    struct net_channel *ch;
    int sender;
    enum mpcc_status st;
    struct mpcc_error err;
};

static void *confirm_main(void *arg)
{
    struct confirm_side *c = arg;
    uint8_t data[3000], got[3000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 31 + 7);
    if (c->sender)
        c->st = net_send_frame(c->ch, 7, data, sizeof data, &c->err);
    else {
        size_t len = 0;
        c->st = net_recv_frame(c->ch, 7, got, sizeof got, &len, "data", &c->err);
    }
    if (c->st == MPCC_OK)
        c->st = net_confirm_transcript(c->ch, "in the test", &c->err);
    return NULL;
}

/* A sends a 3000-byte frame to B through the relay (which copies the other
 * direction unchanged), then both confirm; a and b get both outcomes. */
static void confirm_through_relay(size_t at, uint8_t mask, struct confirm_side *a,
                                  struct confirm_side *b)
{
    int ab[2], hop[2];
    struct mpcc_error err = {0};
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, ab), 0);  /* A <-> relay */
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, hop), 0); /* relay <-> B */
    /* A writes/reads ab[0]; the relay copies ab[1] -> hop[0] with the fault,
     * and hop[0] -> ab[1] unchanged; B uses hop[1]. */
    struct relay down = {ab[1], hop[0], at, mask};
    int ab1 = dup(ab[1]), hop0 = dup(hop[0]);
    struct relay up = {hop0, ab1, (size_t)-1, 0};
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
    ck_assert_int_eq(net_fd_channel(ab[0], "B", 3000, &a->ch, &err), MPCC_OK);
    ck_assert_int_eq(net_fd_channel(hop[1], "A", 3000, &b->ch, &err), MPCC_OK);
    a->sender = 1;
    pthread_t t1, t2, ta, tb;
    ck_assert_int_eq(pthread_create(&t1, NULL, relay_main, &down), 0);
    ck_assert_int_eq(pthread_create(&t2, NULL, relay_main, &up), 0);
    ck_assert_int_eq(pthread_create(&ta, NULL, confirm_main, a), 0);
    ck_assert_int_eq(pthread_create(&tb, NULL, confirm_main, b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    net_free(a->ch);
    net_free(b->ch);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
}

START_TEST(transcript_check_passes_intact_and_catches_a_flipped_byte)
{
    struct confirm_side a, b;
    confirm_through_relay(100, 0, &a, &b);
    ck_assert_msg(a.st == MPCC_OK && b.st == MPCC_OK, "%s / %s", a.err.msg, b.err.msg);
    /* One bit of the payload flipped: both ends notice (each compares both
     * directions), with the message naming the check. */
    confirm_through_relay(100, 0x10, &a, &b);
    ck_assert_int_eq(a.st, MPCC_ERR_PROTOCOL);
    ck_assert_int_eq(b.st, MPCC_ERR_PROTOCOL);
    ck_assert_msg(strstr(b.err.msg, "transcript check in the test failed") != NULL, "%s", b.err.msg);
    /* A byte of the frame header (length) flipped: B reads a wrong frame;
     * whatever happens, neither side passes the check. */
    confirm_through_relay(5, 0x01, &a, &b);
    ck_assert_int_ne(a.st, MPCC_OK);
    ck_assert_int_ne(b.st, MPCC_OK);
}
END_TEST

static Suite *net_suite(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, mem_pair_round_trip_exact_bytes);
    tcase_add_test(tc, tcp_loopback_v4_and_v6_round_trip);
    tcase_add_test(tc, tcp_wildcard_listener_accepts_ipv4);
    tcase_add_test(tc, tcp_connect_retries_until_listener_appears);
    tcase_add_test(tc, tcp_refused_and_address_in_use_are_named);
    tcase_add_test(tc, tcp_accept_times_out);
    tcase_add_test(tc, bad_addresses_are_rejected);
    tcase_add_test(tc, peer_closing_mid_transfer_is_named);
    tcase_add_test(tc, abort_frame_before_a_close_mid_block_is_read_as_the_reason);
    tcase_add_test(tc, check_abort_sees_aborts_and_leaves_data_alone);
    tcase_add_test(tc, sending_to_a_closed_peer_fails_without_sigpipe);
    tcase_add_test(tc, abort_frame_before_a_close_while_we_send_is_the_reason);
    tcase_add_test(tc, truncated_frame_is_an_error);
    tcase_add_test(tc, oversized_and_mistyped_frames_are_rejected_before_reading);
    tcase_add_test(tc, frame_alloc_and_empty_frames_round_trip);
    tcase_add_test(tc, silent_peer_times_out);
    tcase_add_test(tc, transcript_check_passes_intact_and_catches_a_flipped_byte);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(net_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
