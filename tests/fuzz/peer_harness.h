/* peer_harness.h - the body of the protocol harnesses: the fuzz input is the
 * whole byte stream the peer sends; one side of the fixed run (peer_party.h)
 * reads it from a socket pair while a thread feeds it and another drains and
 * discards what the side sends. The side must end (the stream closes after
 * the input), fail with a message or succeed, and never crash, leak or hang. */
#ifndef MPCC_FUZZ_PEER_HARNESS_H
#define MPCC_FUZZ_PEER_HARNESS_H

#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer_party.h"
#include "runtime/ot/ot.h"

struct peer_feed {
    int fd;
    const uint8_t *data;
    size_t size;
};

static void *peer_feed_main(void *arg)
{
    struct peer_feed *f = arg;
    size_t off = 0;
    while (off < f->size) {
        ssize_t n = send(f->fd, f->data + off, f->size - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    shutdown(f->fd, SHUT_WR);
    return NULL;
}

static void *peer_drain_main(void *arg)
{
    int fd = *(int *)arg;
    char buf[65536];
    while (read(fd, buf, sizeof buf) > 0)
        ;
    return NULL;
}

static int peer_fuzz_one(enum mpcc_role role, const uint8_t *data, size_t size)
{
    static struct circuit *c;
    struct mpcc_error err = {0};
    if (c == NULL) {
        c = peer_circuit();
        if (c == NULL || ot_warm_up(&err) != MPCC_OK)
            abort();
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        abort();
    int peer_fd = dup(sv[1]);
    struct net_channel *ch = NULL;
    if (peer_fd < 0 || net_fd_channel(sv[0], "fuzzed peer", 2000, &ch, &err) != MPCC_OK)
        abort();
    struct peer_feed feed = {sv[1], data, size};
    pthread_t tf, td;
    if (pthread_create(&tf, NULL, peer_feed_main, &feed) != 0 ||
        pthread_create(&td, NULL, peer_drain_main, &peer_fd) != 0)
        abort();
    enum mpcc_status st = peer_run_side(c, role, ch, &err);
    if (st != MPCC_OK && err.msg[0] == '\0')
        abort(); /* a failure must say why */
    net_free(ch); /* closes sv[0]: the drain sees EOF, the feed EPIPE */
    pthread_join(tf, NULL);
    pthread_join(td, NULL);
    close(sv[1]);
    close(peer_fd);
    return 0;
}

#endif
