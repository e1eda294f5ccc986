/* netsim.c - a wide-area link in user space, for benchmarks and tests (the
 * kernel here has no netem): a TCP relay that listens on 127.0.0.1, accepts
 * ONE client, connects it to --target and carries each direction through a
 * bottleneck of --rate-mbit (a FIFO serialising the bytes, like a token
 * bucket with a one-packet burst) followed by --delay-ms of one-way
 * propagation delay. At most --buffer bytes of a direction are in flight
 * (on the wire or queued at the bottleneck); past that the relay stops
 * reading, so the sender's socket fills and it waits, as over a real path
 * with that much buffering (default: the bandwidth-delay product of a round
 * trip plus 1 MiB, large enough for full speed).
 *
 * It counts the bytes of each direction and the *turns*: the times a side
 * sends after data from the other side reached it since its own last send
 * (a reply). A run of sequential request/response exchanges has one turn
 * per one-way leg after the first, so "legs = turns + 1" one-way delays sit
 * on its critical path at least.
 *
 *   netsim --target HOST:PORT [--listen PORT] [--delay-ms D] [--rate-mbit R]
 *          [--buffer BYTES] [--max-seconds S] [--trace 1]
 * --trace 1 prints every read to stderr: time, direction, bytes, and
 * whether it was a reply (a turn), to see a protocol's legs.
 * Prints "netsim: listening on port P" to stderr once bound and, at the end,
 * "netsim: up U bytes, down D bytes, turns T, legs L, S s" (up: from the
 * client to the target). Exit status 0 after both directions closed, 1 on a
 * socket error, 2 on bad usage, 3 after --max-seconds. */
#define _GNU_SOURCE /* ppoll: timeouts finer than a millisecond */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NS_CHUNK 65536

struct ns_chunk {
    uint8_t *data;
    size_t len, off;    /* off: bytes already written to the destination */
    double release;     /* when its last byte has crossed the link */
    struct ns_chunk *next;
};

/* One direction: bytes read from `from`, delivered to `to`. */
struct ns_dir {
    int from, to;
    struct ns_chunk *head, *tail;
    size_t queued;       /* bytes read and not yet fully written */
    double link_free_at; /* when the bottleneck has sent everything queued */
    int eof;             /* the source closed: shut the destination once drained */
    int shut;
    uint64_t bytes;
};

struct ns_cfg {
    const char *target;
    unsigned listen_port;
    double delay_s, rate_bps; /* rate 0: unlimited */
    size_t buffer;
    double max_seconds;
    int trace;
};

static double ns_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int ns_usage(const char *msg)
{
    fprintf(stderr, "netsim: %s\nusage: netsim --target HOST:PORT [--listen PORT] [--delay-ms D] "
                    "[--rate-mbit R] [--buffer BYTES] [--max-seconds S] [--trace 1]\n", msg);
    return 2;
}

static int ns_parse(int argc, char **argv, struct ns_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->max_seconds = 600;
    long buffer = -1;
    for (int i = 1; i < argc; i += 2) { /* every option takes a value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (v == NULL)
            return ns_usage("every option takes a value");
        if (strcmp(a, "--target") == 0)
            c->target = v;
        else if (strcmp(a, "--listen") == 0)
            c->listen_port = (unsigned)strtoul(v, &end, 10);
        else if (strcmp(a, "--delay-ms") == 0)
            c->delay_s = strtod(v, &end) / 1000.0;
        else if (strcmp(a, "--rate-mbit") == 0)
            c->rate_bps = strtod(v, &end) * 1e6;
        else if (strcmp(a, "--buffer") == 0)
            buffer = strtol(v, &end, 10);
        else if (strcmp(a, "--max-seconds") == 0)
            c->max_seconds = strtod(v, &end);
        else if (strcmp(a, "--trace") == 0)
            c->trace = (int)strtol(v, &end, 10);
        else
            return ns_usage("unknown option");
        if (end != NULL && (*end != '\0' || end == v))
            return ns_usage("bad number");
    }
    if (c->target == NULL)
        return ns_usage("--target is required");
    if (c->delay_s < 0 || c->rate_bps < 0 || c->listen_port > 65535 || c->max_seconds <= 0)
        return ns_usage("values out of range");
    /* Room for a round trip's worth of data at full rate, plus socket buffers. */
    double bdp = c->rate_bps > 0 ? c->rate_bps / 8 * 2 * c->delay_s : 0;
    c->buffer = buffer > 0 ? (size_t)buffer : (size_t)bdp + ((size_t)1 << 20);
    return 0;
}

static int ns_connect(const char *host_port)
{
    char host[256];
    const char *colon = strrchr(host_port, ':');
    if (colon == NULL || (size_t)(colon - host_port) >= sizeof host)
        return -1;
    memcpy(host, host_port, (size_t)(colon - host_port));
    host[colon - host_port] = '\0';
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *r = res; r != NULL && fd < 0; r = r->ai_next) {
        fd = socket(r->ai_family, r->ai_socktype, r->ai_protocol);
        if (fd >= 0 && connect(fd, r->ai_addr, r->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static int ns_listen(unsigned port, unsigned *bound)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)port);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return -1;
    }
    *bound = ntohs(sa.sin_port);
    return fd;
}

static void ns_prepare(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Reads what the source has (as much as the buffer allows) into a chunk
 * timed through the link. 0 on EOF (d->eof set), -1 on error, 1 otherwise. */
static int ns_read(struct ns_dir *d, const struct ns_cfg *c, double now)
{
    size_t room = c->buffer > d->queued ? c->buffer - d->queued : 0;
    size_t want = room < NS_CHUNK ? room : NS_CHUNK;
    if (want == 0)
        return 1;
    struct ns_chunk *ch = malloc(sizeof *ch);
    uint8_t *buf = malloc(want);
    if (ch == NULL || buf == NULL) {
        free(ch);
        free(buf);
        return -1;
    }
    ssize_t n = read(d->from, buf, want);
    if (n <= 0) {
        free(ch);
        free(buf);
        if (n == 0 || errno == ECONNRESET) { /* a reset ends the stream like a close */
            d->eof = 1;
            return 0;
        }
        return errno == EAGAIN || errno == EINTR ? 1 : -1;
    }
    double start = d->link_free_at > now ? d->link_free_at : now;
    d->link_free_at = start + (c->rate_bps > 0 ? (double)n * 8 / c->rate_bps : 0);
    *ch = (struct ns_chunk){buf, (size_t)n, 0, d->link_free_at + c->delay_s, NULL};
    if (d->tail != NULL)
        d->tail->next = ch;
    else
        d->head = ch;
    d->tail = ch;
    d->queued += (size_t)n;
    d->bytes += (uint64_t)n;
    return 1;
}

static void ns_free(struct ns_dir *d)
{
    while (d->head != NULL) {
        struct ns_chunk *ch = d->head;
        d->head = ch->next;
        free(ch->data);
        free(ch);
    }
}

/* Writes released chunks to the destination. Returns bytes written (to note
 * a delivery), or -1 on error. */
static ssize_t ns_write(struct ns_dir *d, double now)
{
    ssize_t total = 0;
    while (d->head != NULL && d->head->release <= now) {
        struct ns_chunk *ch = d->head;
        ssize_t n = write(d->to, ch->data + ch->off, ch->len - ch->off);
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            /* The destination is gone: what is still in flight is lost, as on
             * a real path; the source is not read any more. */
            ns_free(d);
            d->queued = 0;
            d->eof = d->shut = 1;
            return total;
        }
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? total : -1;
        ch->off += (size_t)n;
        d->queued -= (size_t)n;
        total += n;
        if (ch->off < ch->len)
            break;
        d->head = ch->next;
        if (d->head == NULL)
            d->tail = NULL;
        free(ch->data);
        free(ch);
    }
    if (d->eof && d->head == NULL && !d->shut) {
        shutdown(d->to, SHUT_WR);
        d->shut = 1;
    }
    return total;
}

int main(int argc, char **argv)
{
    struct ns_cfg c;
    int rc = ns_parse(argc, argv, &c);
    if (rc != 0)
        return rc;
    signal(SIGPIPE, SIG_IGN);
    unsigned port = 0;
    int lfd = ns_listen(c.listen_port, &port);
    if (lfd < 0) {
        fprintf(stderr, "netsim: cannot listen: %s\n", strerror(errno));
        return 1;
    }
    fprintf(stderr, "netsim: listening on port %u\n", port);
    fflush(stderr);
    double t_start = ns_now();
    struct pollfd lp = {lfd, POLLIN, 0};
    if (poll(&lp, 1, (int)(c.max_seconds * 1000)) <= 0) {
        close(lfd);
        return 3;
    }
    int cfd = accept(lfd, NULL, NULL);
    close(lfd);
    int tfd = cfd >= 0 ? ns_connect(c.target) : -1;
    if (cfd < 0 || tfd < 0) {
        fprintf(stderr, "netsim: cannot %s: %s\n", cfd < 0 ? "accept" : "reach the target",
                strerror(errno));
        if (cfd >= 0)
            close(cfd);
        return 1;
    }
    ns_prepare(cfd);
    ns_prepare(tfd);
    /* dir[0]: up (client -> target), dir[1]: down. */
    struct ns_dir dir[2] = {{.from = cfd, .to = tfd}, {.from = tfd, .to = cfd}};
    /* Per side (0 client, 1 target): when it last sent, when data last reached it. */
    double last_sent[2] = {-1, -1}, last_got[2] = {-1, -1};
    uint64_t turns = 0;
    int any = 0;
    rc = 0;
    double t0 = ns_now();
    for (;;) {
        double now = ns_now();
        if (now - t_start > c.max_seconds) {
            rc = 3;
            break;
        }
        if (dir[0].shut && dir[1].shut)
            break;
        struct pollfd p[2] = {{cfd, 0, 0}, {tfd, 0, 0}};
        double wake = now + 1.0;
        for (int k = 0; k < 2; k++) {
            struct ns_dir *d = &dir[k];
            if (!d->eof && d->queued < c.buffer)
                p[k].events |= POLLIN; /* dir k reads from side k */
            if (d->head != NULL) {
                if (d->head->release <= now)
                    p[1 - k].events |= POLLOUT;
                else if (d->head->release < wake)
                    wake = d->head->release;
            }
        }
        double wait = wake > now ? wake - now : 0;
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        if (ppoll(p, 2, &ts, NULL) < 0 && errno != EINTR) {
            rc = 1;
            break;
        }
        now = ns_now();
        for (int k = 0; k < 2 && rc == 0; k++) {
            if (p[k].revents & (POLLIN | POLLHUP | POLLERR)) {
                uint64_t before = dir[k].bytes;
                if (ns_read(&dir[k], &c, now) < 0)
                    rc = 1;
                if (dir[k].bytes > before) {
                    /* Side k sends: a reply if data reached it since it last sent. */
                    int reply = any && last_got[k] > last_sent[k];
                    turns += (uint64_t)reply;
                    if (c.trace)
                        fprintf(stderr, "netsim: %9.3f ms %s %6llu bytes%s\n", (now - t0) * 1000,
                                k ? "down" : "up  ", (unsigned long long)(dir[k].bytes - before),
                                reply ? "  (reply)" : "");
                    any = 1;
                    last_sent[k] = now;
                }
            }
        }
        for (int k = 0; k < 2 && rc == 0; k++) {
            ssize_t n = ns_write(&dir[k], now);
            if (n < 0)
                rc = 1;
            else if (n > 0)
                last_got[1 - k] = now;
        }
        if (rc != 0)
            break;
    }
    fprintf(stderr, "netsim: up %llu bytes, down %llu bytes, turns %llu, legs %llu, %.3f s\n",
            (unsigned long long)dir[0].bytes, (unsigned long long)dir[1].bytes,
            (unsigned long long)turns, (unsigned long long)(any ? turns + 1 : 0), ns_now() - t0);
    ns_free(&dir[0]);
    ns_free(&dir[1]);
    close(cfd);
    close(tfd);
    return rc;
}
