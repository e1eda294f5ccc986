/* net_tcp.c - channels over stream sockets: TCP listen/accept/connect with
 * deadlines (IPv4, IPv6, host names, "[::1]:7000"), an in-memory pair
 * (socketpair) for tests, and the poll-based socket I/O both use. TLS wraps
 * these sockets in net_tls.c; buffering and framing are in net.c. */
#include "runtime/net/net_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct net_listener {
    int fd;
    uint16_t port;
    char addr[NET_PEER_MAX];
};

static void net_why_errno(char *why, int e)
{
    if (e == ECONNRESET)
        snprintf(why, NET_WHY_MAX, "connection reset by peer");
    else if (e == EPIPE)
        snprintf(why, NET_WHY_MAX, "connection closed by peer");
    else
        snprintf(why, NET_WHY_MAX, "socket error: %s", strerror(e));
}

enum mpcc_status net_sock_write_some(struct net_channel *ch, const uint8_t *buf, size_t len,
                                     size_t *done, int64_t deadline_ms, char *why)
{
    for (;;) {
        ssize_t r = send(ch->fd, buf, len, MSG_NOSIGNAL);
        if (r > 0) {
            *done = (size_t)r;
            return MPCC_OK;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int p = net_poll_fd(ch->fd, POLLOUT, deadline_ms);
            if (p == 0)
                return MPCC_ERR_TIMEOUT;
            if (p < 0) {
                net_why_errno(why, errno);
                return MPCC_ERR_IO;
            }
            continue;
        }
        int e = r < 0 ? errno : EPIPE;
        net_why_errno(why, e);
        return e == EPIPE || e == ECONNRESET ? MPCC_ERR_CLOSED : MPCC_ERR_IO;
    }
}

enum mpcc_status net_sock_read_some(struct net_channel *ch, uint8_t *buf, size_t len,
                                    size_t *got, int64_t deadline_ms, char *why)
{
    for (;;) {
        ssize_t r = recv(ch->fd, buf, len, 0);
        if (r > 0) {
            *got = (size_t)r;
            return MPCC_OK;
        }
        if (r == 0) {
            snprintf(why, NET_WHY_MAX, "connection closed");
            return MPCC_ERR_CLOSED;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int p = net_poll_fd(ch->fd, POLLIN, deadline_ms);
            if (p == 0)
                return MPCC_ERR_TIMEOUT;
            if (p < 0) {
                net_why_errno(why, errno);
                return MPCC_ERR_IO;
            }
            continue;
        }
        int e = errno;
        net_why_errno(why, e);
        return e == ECONNRESET ? MPCC_ERR_CLOSED : MPCC_ERR_IO;
    }
}

static void net_sock_destroy(struct net_channel *ch)
{
    if (ch->fd >= 0)
        close(ch->fd);
    ch->fd = -1;
}

const struct net_ops net_tcp_ops = {"tcp", net_sock_write_some, net_sock_read_some,
                                    net_sock_destroy};
const struct net_ops net_mem_ops = {"mem", net_sock_write_some, net_sock_read_some,
                                    net_sock_destroy};

static int net_set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void net_format_sockaddr(const struct sockaddr *sa, char *out, size_t cap)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
        port = ntohs(s4->sin_port);
        snprintf(out, cap, "%s:%u", host, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
        port = ntohs(s6->sin6_port);
        snprintf(out, cap, "[%s]:%u", host, port);
    } else {
        snprintf(out, cap, "local socket");
    }
}

void net_format_peer_addr(int fd, char *out, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0) {
        snprintf(out, cap, "?");
        return;
    }
    net_format_sockaddr((struct sockaddr *)&ss, out, cap);
}

int net_peer_is_loopback(const struct net_channel *ch)
{
    if (ch == NULL)
        return 0;
    if (ch->ops == &net_mem_ops)
        return 1;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (ch->fd < 0 || getpeername(ch->fd, (struct sockaddr *)&ss, &sl) != 0)
        return 0;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
        if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr))
            return 1;
        return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127;
    }
    return ss.ss_family == AF_UNIX;
}

/* Splits "host:port" / "[v6]:port" / ":port" into host (empty = any) and port. */
static enum mpcc_status net_split_host_port(const char *hp, char *host, size_t hcap,
                                            char *port, size_t pcap, struct mpcc_error *err)
{
    const char *colon, *h = hp;
    size_t hlen;
    if (hp == NULL)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "no address given (expected HOST:PORT)");
    if (hp[0] == '[') {
        const char *close_br = strchr(hp, ']');
        if (close_br == NULL || close_br[1] != ':')
            return mpcc_error_set(err, MPCC_ERR_PARSE, "bad address '%s': expected "
                                  "[IPV6]:PORT", hp);
        h = hp + 1;
        hlen = (size_t)(close_br - h);
        colon = close_br + 1;
    } else {
        colon = strrchr(hp, ':');
        if (colon == NULL)
            return mpcc_error_set(err, MPCC_ERR_PARSE, "bad address '%s': expected HOST:PORT",
                                  hp);
        if (memchr(hp, ':', (size_t)(colon - hp)) != NULL)
            return mpcc_error_set(err, MPCC_ERR_PARSE, "bad address '%s': write an IPv6 "
                                  "address as [ADDR]:PORT", hp);
        hlen = (size_t)(colon - hp);
    }
    const char *p = colon + 1;
    char *end = NULL;
    long v = strtol(p, &end, 10);
    if (*p == '\0' || *end != '\0' || v < 0 || v > 65535)
        return mpcc_error_set(err, MPCC_ERR_PARSE, "bad address '%s': port must be a number "
                              "from 0 to 65535", hp);
    if (hlen >= hcap || strlen(p) >= pcap)
        return mpcc_error_set(err, MPCC_ERR_PARSE, "bad address '%s': too long", hp);
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    if (strcmp(host, "*") == 0)
        host[0] = '\0';
    snprintf(port, pcap, "%s", p);
    return MPCC_OK;
}

static enum mpcc_status net_resolve(const char *hp, int passive, struct addrinfo **res,
                                    int *any_host, struct mpcc_error *err)
{
    char host[256], port[16];
    enum mpcc_status st = net_split_host_port(hp, host, sizeof host, port, sizeof port, err);
    if (st != MPCC_OK)
        return st;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0; /* no AI_ADDRCONFIG: it hides ::1 */
    *any_host = host[0] == '\0';
    int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, res);
    if (rc != 0)
        return mpcc_error_set(err, MPCC_ERR_IO, "cannot resolve '%s': %s", hp,
                              gai_strerror(rc));
    return MPCC_OK;
}

enum mpcc_status net_tcp_listen(const char *host_port, struct net_listener **out,
                                struct mpcc_error *err)
{
    *out = NULL;
    struct addrinfo *res = NULL;
    int any_host = 0;
    enum mpcc_status st = net_resolve(host_port, 1, &res, &any_host, err);
    if (st != MPCC_OK)
        return st;
    int fd = -1, last = 0;
    /* For "*:PORT" try a dual-stack IPv6 socket first (it takes IPv4 too). */
    for (int pass = any_host ? 0 : 1; pass < 2 && fd < 0; pass++)
        for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
            if (pass == 0 && ai->ai_family != AF_INET6)
                continue;
            fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) {
                last = errno;
                continue;
            }
            int one = 1, zero = 0;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (ai->ai_family == AF_INET6)
                setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 8) == 0 &&
                net_set_nonblocking(fd) == 0)
                break;
            last = errno;
            close(fd);
            fd = -1;
        }
    freeaddrinfo(res);
    if (fd < 0) {
        if (last == EADDRINUSE)
            return mpcc_error_set(err, MPCC_ERR_IO, "cannot listen on %s: address already in "
                                  "use (is another party or program using this port?)",
                                  host_port);
        return mpcc_error_set(err, MPCC_ERR_IO, "cannot listen on %s: %s", host_port,
                              strerror(last));
    }
    struct net_listener *l = calloc(1, sizeof *l);
    if (l == NULL) {
        close(fd);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for a listener");
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    l->fd = fd;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        net_format_sockaddr((struct sockaddr *)&ss, l->addr, sizeof l->addr);
        l->port = ntohs(ss.ss_family == AF_INET6
                            ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port
                            : ((struct sockaddr_in *)(void *)&ss)->sin_port);
    }
    *out = l;
    return MPCC_OK;
}

uint16_t net_listener_port(const struct net_listener *l) { return l->port; }

void net_listener_free(struct net_listener *l)
{
    if (l == NULL)
        return;
    close(l->fd);
    free(l);
}

static void net_tune_tcp(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

enum mpcc_status net_tcp_accept(struct net_listener *l, const char *peer_name, int timeout_ms,
                                struct net_channel **out, struct mpcc_error *err)
{
    *out = NULL;
    int64_t deadline = net_now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
    for (;;) {
        int fd = accept(l->fd, NULL, NULL);
        if (fd >= 0) {
            if (net_set_nonblocking(fd) != 0) {
                int e = errno;
                close(fd);
                return mpcc_error_set(err, MPCC_ERR_IO, "accepting peer '%s' on %s: %s",
                                      peer_name, l->addr, strerror(e));
            }
            fcntl(fd, F_SETFD, FD_CLOEXEC);
            net_tune_tcp(fd);
            char addr[NET_PEER_MAX];
            net_format_peer_addr(fd, addr, sizeof addr);
            return net_channel_new(&net_tcp_ops, fd, peer_name, addr, timeout_ms, out, err);
        }
        if (errno == EINTR || errno == ECONNABORTED)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return mpcc_error_set(err, MPCC_ERR_IO, "accepting peer '%s' on %s: %s", peer_name,
                                  l->addr, strerror(errno));
        int p = net_poll_fd(l->fd, POLLIN, deadline);
        if (p == 0)
            return mpcc_error_set(err, MPCC_ERR_TIMEOUT, "peer '%s' did not connect to %s "
                                  "within %d ms", peer_name, l->addr, timeout_ms);
        if (p < 0)
            return mpcc_error_set(err, MPCC_ERR_IO, "waiting for peer '%s' on %s: %s",
                                  peer_name, l->addr, strerror(errno));
    }
}

enum mpcc_status net_tcp_listen_accept(const char *host_port, const char *peer_name,
                                       int timeout_ms, struct net_channel **out,
                                       struct mpcc_error *err)
{
    struct net_listener *l = NULL;
    *out = NULL;
    enum mpcc_status st = net_tcp_listen(host_port, &l, err);
    if (st != MPCC_OK)
        return st;
    st = net_tcp_accept(l, peer_name, timeout_ms, out, err);
    net_listener_free(l);
    return st;
}

/* One non-blocking connect attempt to ai, waiting until deadline: fd or -1 (errno). */
static int net_try_connect(const struct addrinfo *ai, int64_t deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (net_set_nonblocking(fd) != 0)
        goto fail;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS)
        goto fail;
    int p = net_poll_fd(fd, POLLOUT, deadline);
    if (p <= 0) {
        if (p == 0)
            errno = ETIMEDOUT;
        goto fail;
    }
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        goto fail;
    if (soerr == 0)
        return fd;
    errno = soerr;
fail:;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

enum mpcc_status net_tcp_connect(const char *host_port, const char *peer_name, int timeout_ms,
                                 struct net_channel **out, struct mpcc_error *err)
{
    *out = NULL;
    struct addrinfo *res = NULL;
    int any_host = 0;
    enum mpcc_status st = net_resolve(host_port, 0, &res, &any_host, err);
    if (st != MPCC_OK)
        return st;
    int64_t deadline = net_now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
    int fd = -1, last = ETIMEDOUT;
    while (fd < 0) {
        for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
            fd = net_try_connect(ai, deadline);
            if (fd < 0)
                last = errno;
        }
        if (fd >= 0 || net_now_ms() >= deadline)
            break;
        /* Refused or unreachable: the peer may not listen yet. Retry shortly. */
        struct timespec pause = {0, 50 * 1000000L};
        nanosleep(&pause, NULL);
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (last == ECONNREFUSED)
            return mpcc_error_set(err, MPCC_ERR_IO, "cannot connect to peer '%s' at %s within "
                                  "%d ms: connection refused (is the peer running and "
                                  "listening there?)", peer_name, host_port, timeout_ms);
        return mpcc_error_set(err, last == ETIMEDOUT ? MPCC_ERR_TIMEOUT : MPCC_ERR_IO,
                              "cannot connect to peer '%s' at %s within %d ms: %s", peer_name,
                              host_port, timeout_ms, strerror(last));
    }
    net_tune_tcp(fd);
    char addr[NET_PEER_MAX];
    net_format_peer_addr(fd, addr, sizeof addr);
    return net_channel_new(&net_tcp_ops, fd, peer_name, addr, timeout_ms, out, err);
}

enum mpcc_status net_fd_channel(int fd, const char *peer_name, int timeout_ms,
                                struct net_channel **out, struct mpcc_error *err)
{
    *out = NULL;
    if (net_set_nonblocking(fd) != 0) {
        int e = errno;
        close(fd);
        return mpcc_error_set(err, MPCC_ERR_IO, "channel to peer '%s': %s", peer_name,
                              strerror(e));
    }
    char addr[NET_PEER_MAX];
    net_format_peer_addr(fd, addr, sizeof addr);
    return net_channel_new(&net_tcp_ops, fd, peer_name, addr, timeout_ms, out, err);
}

enum mpcc_status net_mem_pair(const char *name_a, const char *name_b, int timeout_ms,
                              struct net_channel **a, struct net_channel **b,
                              struct mpcc_error *err)
{
    *a = *b = NULL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return mpcc_error_set(err, MPCC_ERR_IO, "socketpair: %s", strerror(errno));
    if (net_set_nonblocking(sv[0]) != 0 || net_set_nonblocking(sv[1]) != 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        return mpcc_error_set(err, MPCC_ERR_IO, "socketpair: %s", strerror(e));
    }
    enum mpcc_status st = net_channel_new(&net_mem_ops, sv[0], name_b, "in-memory", timeout_ms,
                                          a, err);
    if (st != MPCC_OK) {
        close(sv[1]);
        return st;
    }
    st = net_channel_new(&net_mem_ops, sv[1], name_a, "in-memory", timeout_ms, b, err);
    if (st != MPCC_OK) {
        net_free(*a);
        *a = NULL;
    }
    return st;
}
