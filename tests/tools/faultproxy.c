/* faultproxy.c - a small fault-injecting TCP proxy for the end-to-end tests
 * (tests/cli/mpcrun_faults.sh): listens on 127.0.0.1:0, accepts ONE client,
 * connects it to --target, relays both ways with poll() and applies one kind
 * of fault at a byte offset. Not a general proxy: one connection, bounded time.
 *
 * Directions: "up" is the byte stream from the client (the process that
 * connected to the proxy) to the target (the process listening at --target);
 * "down" is the stream from the target back to the client. Offsets count the
 * ORIGINAL bytes of one direction from 0. With --direction both (the default)
 * the fault applies to each direction independently.
 *   --close-after N   forward N bytes, then close both connections and exit
 *   --flip-at N       xor byte N with --flip-mask (default 0x01)
 *   --drop-at N --drop-len L   leave out bytes N .. N+L-1 (L default 1)
 *   --dup-at N        send byte N twice
 *   --delay-ms MS     sleep MS before forwarding each chunk read
 *   --max-seconds S   give up (exit 3) after S seconds in all (default 30)
 *   --record-down FILE, --record-up FILE  write every original byte of
 *                     that direction to FILE
 *   --replay FILE     no target: send FILE's bytes to the client (a
 *                     recorded stream replayed into a new session)
 * Prints "faultproxy: listening on port P" to stderr (flushed) once bound and a
 * summary line at exit. Exit status: 0 after a normal end (both directions
 * closed, or --close-after fired), 1 on socket errors, 2 on bad usage,
 * 3 on --max-seconds. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FP_CHUNK 65536
#define FP_NO_OFFSET UINT64_MAX

enum fp_dir { FP_UP = 0, FP_DOWN = 1 };

struct fp_options {
    char host[256];
    char port[16];
    uint64_t close_after, flip_at, drop_at, drop_len, dup_at;
    unsigned flip_mask;
    long delay_ms;
    bool dir_on[2];
    long max_seconds;
    const char *record[2]; /* files for the original bytes of each direction, or NULL */
    const char *replay;    /* serve this recording to the client instead of relaying */
};

/* One direction of the relay: bytes read from src, rewritten into buf and
 * written to dst. */
struct fp_pipe {
    int src, dst;
    uint8_t in[FP_CHUNK];
    uint8_t buf[FP_CHUNK + 1]; /* one extra byte for --dup-at */
    size_t len, sent;          /* pending bytes buf[sent..len) */
    uint64_t n_in, n_out;      /* original bytes read, bytes written */
    bool eof;                  /* src reached end of stream */
    FILE *record;              /* the original bytes read, or NULL */
    bool done;                 /* eof seen and everything flushed, dst shut down */
};

static int fp_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "faultproxy: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    fprintf(stderr,
            "usage: faultproxy --target HOST:PORT [--close-after N] [--flip-at N "
            "[--flip-mask M]]\n"
            "                  [--drop-at N [--drop-len L]] [--dup-at N] [--delay-ms MS]\n"
            "                  [--direction up|down|both] [--max-seconds S]\n"
            "                  [--record-down FILE] [--record-up FILE]\n"
            "       faultproxy --replay FILE [--max-seconds S]\n");
    return 2;
}

static bool fp_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s == NULL || *s == '\0' || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static int fp_parse_args(int argc, char **argv, struct fp_options *o)
{
    memset(o, 0, sizeof *o);
    o->close_after = o->flip_at = o->drop_at = o->dup_at = FP_NO_OFFSET;
    o->drop_len = 1;
    o->flip_mask = 0x01;
    o->dir_on[FP_UP] = o->dir_on[FP_DOWN] = true;
    o->max_seconds = 30;
    bool have_target = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        if (v == NULL)
            return fp_usage("missing value after", a);
        i++;
        if (strcmp(a, "--target") == 0) {
            const char *colon = strrchr(v, ':');
            size_t hl = colon ? (size_t)(colon - v) : 0;
            if (colon == NULL || hl == 0 || hl >= sizeof o->host || strlen(colon + 1) == 0 ||
                strlen(colon + 1) >= sizeof o->port)
                return fp_usage("--target takes HOST:PORT, not", v);
            memcpy(o->host, v, hl);
            o->host[hl] = '\0';
            strcpy(o->port, colon + 1);
            have_target = true;
        } else if (strcmp(a, "--direction") == 0) {
            o->dir_on[FP_UP] = strcmp(v, "up") == 0 || strcmp(v, "both") == 0;
            o->dir_on[FP_DOWN] = strcmp(v, "down") == 0 || strcmp(v, "both") == 0;
            if (!o->dir_on[FP_UP] && !o->dir_on[FP_DOWN])
                return fp_usage("--direction takes up, down or both, not", v);
        } else if (strcmp(a, "--record-down") == 0) {
            o->record[FP_DOWN] = v;
        } else if (strcmp(a, "--record-up") == 0) {
            o->record[FP_UP] = v;
        } else if (strcmp(a, "--replay") == 0) {
            o->replay = v;
        } else if (!fp_parse_u64(v, &n)) {
            return fp_usage("expected a non-negative number, found", v);
        } else if (strcmp(a, "--close-after") == 0) {
            o->close_after = n;
        } else if (strcmp(a, "--flip-at") == 0) {
            o->flip_at = n;
        } else if (strcmp(a, "--flip-mask") == 0) {
            if (n == 0 || n > 255)
                return fp_usage("--flip-mask takes 1..255, not", v);
            o->flip_mask = (unsigned)n;
        } else if (strcmp(a, "--drop-at") == 0) {
            o->drop_at = n;
        } else if (strcmp(a, "--drop-len") == 0) {
            o->drop_len = n;
        } else if (strcmp(a, "--dup-at") == 0) {
            o->dup_at = n;
        } else if (strcmp(a, "--delay-ms") == 0) {
            if (n > 10000)
                return fp_usage("--delay-ms takes 0..10000, not", v);
            o->delay_ms = (long)n;
        } else if (strcmp(a, "--max-seconds") == 0) {
            if (n < 1 || n > 3600)
                return fp_usage("--max-seconds takes 1..3600, not", v);
            o->max_seconds = (long)n;
        } else {
            return fp_usage("unknown option", a);
        }
    }
    if (!have_target && o->replay == NULL)
        return fp_usage("--target HOST:PORT (or --replay FILE) is required", NULL);
    return 0;
}

static double fp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fp_ms_left(double deadline)
{
    double left = deadline - fp_now();
    return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static void fp_set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Listens on 127.0.0.1:0 and announces the port; returns the fd or -1. */
static int fp_listen(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    socklen_t sl = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        close(fd);
        return -1;
    }
    fprintf(stderr, "faultproxy: listening on port %u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stderr);
    return fd;
}

static int fp_connect(const struct fp_options *o)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(o->host, o->port, &hints, &res);
    if (gai != 0) {
        fprintf(stderr, "faultproxy: cannot resolve %s: %s\n", o->host, gai_strerror(gai));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0)
        fprintf(stderr, "faultproxy: cannot connect to %s:%s: %s\n", o->host, o->port,
                strerror(errno));
    freeaddrinfo(res);
    return fd;
}

/* Copies the n bytes just read into p->buf, applying the faults of this
 * direction; offsets are those of the original stream. */
static void fp_transform(const struct fp_options *o, bool on, struct fp_pipe *p, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t off = p->n_in + i;
        uint8_t b = p->in[i];
        if (on && o->drop_at != FP_NO_OFFSET && off >= o->drop_at &&
            off - o->drop_at < o->drop_len)
            continue;
        if (on && off == o->flip_at)
            b ^= (uint8_t)o->flip_mask;
        p->buf[out++] = b;
        if (on && off == o->dup_at)
            p->buf[out++] = b;
    }
    p->n_in += n;
    p->len = out;
    p->sent = 0;
}

/* One read from p->src into p's buffer (only when the buffer is empty). */
static int fp_pump_read(const struct fp_options *o, bool on, struct fp_pipe *p)
{
    size_t want = FP_CHUNK;
    if (on && o->close_after != FP_NO_OFFSET && o->close_after - p->n_in < want)
        want = (size_t)(o->close_after - p->n_in);
    if (want == 0)
        return 0;
    ssize_t r = read(p->src, p->in, want);
    if (r < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    if (r == 0) {
        p->eof = true;
        return 0;
    }
    if (p->record != NULL && fwrite(p->in, 1, (size_t)r, p->record) != (size_t)r)
        return -1;
    if (on && o->delay_ms > 0) {
        struct timespec ts = {o->delay_ms / 1000, (o->delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    fp_transform(o, on, p, (size_t)r);
    return 0;
}

static int fp_pump_write(struct fp_pipe *p)
{
    while (p->sent < p->len) {
        ssize_t w = send(p->dst, p->buf + p->sent, p->len - p->sent, MSG_NOSIGNAL);
        if (w < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
        p->sent += (size_t)w;
        p->n_out += (size_t)w;
    }
    return 0;
}

/* Relays until both directions end, the close-after point is reached
 * (returns 0 and sets *cut), an error (-1) or the deadline (-3). */
static int fp_relay(const struct fp_options *o, struct fp_pipe p[2], double deadline,
                    const char **cut)
{
    static const char *const names[2] = {"up", "down"};
    for (;;) {
        for (int d = 0; d < 2; d++) {
            bool on = o->dir_on[d];
            if (on && o->close_after != FP_NO_OFFSET && p[d].n_in == o->close_after &&
                p[d].sent == p[d].len) {
                *cut = names[d];
                return 0;
            }
            if (p[d].eof && !p[d].done && p[d].sent == p[d].len) {
                shutdown(p[d].dst, SHUT_WR);
                p[d].done = true;
            }
        }
        if (p[0].done && p[1].done)
            return 0;
        struct pollfd pf[4];
        int idx[4], n = 0;
        for (int d = 0; d < 2; d++) {
            if (p[d].done)
                continue;
            if (p[d].sent < p[d].len) {
                pf[n] = (struct pollfd){.fd = p[d].dst, .events = POLLOUT};
                idx[n++] = 2 * d + 1;
            } else if (!p[d].eof) {
                pf[n] = (struct pollfd){.fd = p[d].src, .events = POLLIN};
                idx[n++] = 2 * d;
            }
        }
        int ms = fp_ms_left(deadline);
        if (ms == 0)
            return -3;
        int r = poll(pf, (nfds_t)n, ms);
        if (r < 0 && errno != EINTR)
            return -1;
        for (int k = 0; r > 0 && k < n; k++) {
            if (pf[k].revents == 0)
                continue;
            struct fp_pipe *pp = &p[idx[k] / 2];
            int rc = idx[k] % 2 ? fp_pump_write(pp) : fp_pump_read(o, o->dir_on[idx[k] / 2], pp);
            if (rc != 0)
                return -1;
        }
    }
}

/* --replay: sends the recording to the client as if it came from the
 * target, then drains what the client sends until it closes (or 10 s). */
static int fp_replay(int cfd, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "faultproxy: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    uint8_t buf[FP_CHUNK];
    size_t n, total = 0;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t off = 0; off < n;) {
            ssize_t w = write(cfd, buf + off, n - off);
            if (w <= 0) {
                rc = errno == EPIPE || errno == ECONNRESET ? 0 : 1; /* the client gave up: fine */
                break;
            }
            off += (size_t)w;
            total += (size_t)w;
        }
    }
    fclose(f);
    struct pollfd cp = {.fd = cfd, .events = POLLIN};
    double end = fp_now() + 10;
    while (poll(&cp, 1, fp_ms_left(end)) > 0 && read(cfd, buf, sizeof buf) > 0)
        ;
    fprintf(stderr, "faultproxy: replayed %zu bytes\n", total);
    return rc;
}

int main(int argc, char **argv)
{
    struct fp_options o;
    int rc = fp_parse_args(argc, argv, &o);
    if (rc != 0)
        return rc;
    signal(SIGPIPE, SIG_IGN);
    double deadline = fp_now() + (double)o.max_seconds;
    int lfd = -1, cfd = -1, tfd = -1;
    struct fp_pipe *p = NULL;
    const char *cut = NULL;
    rc = 1;
    lfd = fp_listen();
    if (lfd < 0) {
        fprintf(stderr, "faultproxy: cannot listen on 127.0.0.1: %s\n", strerror(errno));
        goto out;
    }
    struct pollfd lp = {.fd = lfd, .events = POLLIN};
    int pr = poll(&lp, 1, fp_ms_left(deadline));
    if (pr <= 0) {
        fprintf(stderr, "faultproxy: no client within %ld s\n", o.max_seconds);
        rc = 3;
        goto out;
    }
    cfd = accept(lfd, NULL, NULL);
    if (cfd < 0) {
        fprintf(stderr, "faultproxy: accept failed: %s\n", strerror(errno));
        goto out;
    }
    if (o.replay != NULL) {
        rc = fp_replay(cfd, o.replay);
        goto out;
    }
    tfd = fp_connect(&o);
    if (tfd < 0)
        goto out;
    fp_set_nonblocking(cfd);
    fp_set_nonblocking(tfd);
    p = calloc(2, sizeof *p);
    if (p == NULL) {
        fprintf(stderr, "faultproxy: out of memory\n");
        goto out;
    }
    p[FP_UP].src = cfd;
    p[FP_UP].dst = tfd;
    p[FP_DOWN].src = tfd;
    p[FP_DOWN].dst = cfd;
    for (int d = 0; d < 2; d++)
        if (o.record[d] != NULL && (p[d].record = fopen(o.record[d], "wb")) == NULL) {
            fprintf(stderr, "faultproxy: cannot write %s: %s\n", o.record[d], strerror(errno));
            goto out;
        }
    int r = fp_relay(&o, p, deadline, &cut);
    if (r == -3) {
        fprintf(stderr, "faultproxy: gave up after %ld s\n", o.max_seconds);
        rc = 3;
    } else if (r < 0) {
        fprintf(stderr, "faultproxy: connection error: %s\n", strerror(errno));
        rc = 1;
    } else {
        rc = 0;
    }
    fprintf(stderr, "faultproxy: %s; up %llu bytes in, %llu out; down %llu in, %llu out\n",
            cut ? (strcmp(cut, "up") == 0 ? "closed after --close-after bytes up"
                                           : "closed after --close-after bytes down")
                : "relay ended",
            (unsigned long long)p[FP_UP].n_in, (unsigned long long)p[FP_UP].n_out,
            (unsigned long long)p[FP_DOWN].n_in, (unsigned long long)p[FP_DOWN].n_out);
out:
    for (int d = 0; p != NULL && d < 2; d++)
        if (p[d].record != NULL && fclose(p[d].record) != 0 && rc == 0)
            rc = 1;
    if (tfd >= 0)
        close(tfd);
    if (cfd >= 0)
        close(cfd);
    if (lfd >= 0)
        close(lfd);
    free(p);
    return rc;
}
