/* record_peer.c - makes the seed corpora of the protocol fuzzers: runs both
 * sides of the fixed two-party run of tests/fuzz/peer_party.h through a
 * relay and writes what each side sent, so that the fuzzers start from a
 * well-framed stream:
 *   record_peer DIR   writes DIR/garbler_to_evaluator.bin (a seed for
 *                     fuzz_peer_evaluator) and DIR/evaluator_to_garbler.bin
 *                     (a seed for fuzz_peer_garbler)
 * Every run differs (fresh randomness); any run is a good seed. */
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../fuzz/peer_party.h"

struct relay {
    int from, to;
    FILE *log;
};

static void *relay_main(void *arg)
{
    struct relay *r = arg;
    char buf[65536];
    ssize_t n;
    while ((n = read(r->from, buf, sizeof buf)) > 0) {
        if (fwrite(buf, 1, (size_t)n, r->log) != (size_t)n)
            break;
        if (write(r->to, buf, (size_t)n) != n)
            break;
    }
    shutdown(r->to, SHUT_WR);
    return NULL;
}

struct side {
    const struct circuit *c;
    enum mpcc_role role;
    int fd;
    enum mpcc_status st;
    struct mpcc_error err;
};

static void *side_main(void *arg)
{
    struct side *s = arg;
    struct net_channel *ch = NULL;
    s->st = net_fd_channel(s->fd, s->role == MPCC_GARBLER ? "e" : "g", 10000, &ch, &s->err);
    if (s->st == MPCC_OK)
        s->st = peer_run_side(s->c, s->role, ch, &s->err);
    net_free(ch);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: record_peer DIR\n");
        return 2;
    }
    char p1[4096], p2[4096];
    snprintf(p1, sizeof p1, "%s/garbler_to_evaluator.bin", argv[1]);
    snprintf(p2, sizeof p2, "%s/evaluator_to_garbler.bin", argv[1]);
    FILE *f1 = fopen(p1, "wb"), *f2 = fopen(p2, "wb");
    struct circuit *c = peer_circuit();
    int g[2], e[2];
    if (f1 == NULL || f2 == NULL || c == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, g) != 0 ||
        socketpair(AF_UNIX, SOCK_STREAM, 0, e) != 0) {
        perror("record_peer");
        return 1;
    }
    /* garbler <-> g[0] | g[1] relay e[1] | e[0] <-> evaluator */
    int g1 = dup(g[1]), e1 = dup(e[1]);
    struct relay down = {g[1], e1, f1}, up = {e[1], g1, f2};
    struct side sg = {c, MPCC_GARBLER, g[0], MPCC_OK, {0}}, se = {c, MPCC_EVALUATOR, e[0], MPCC_OK, {0}};
    pthread_t t[4];
    pthread_create(&t[0], NULL, relay_main, &down);
    pthread_create(&t[1], NULL, relay_main, &up);
    pthread_create(&t[2], NULL, side_main, &sg);
    pthread_create(&t[3], NULL, side_main, &se);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    fclose(f1);
    fclose(f2);
    circ_free(c);
    if (sg.st != MPCC_OK || se.st != MPCC_OK) {
        fprintf(stderr, "record_peer: %s / %s\n", sg.err.msg, se.err.msg);
        return 1;
    }
    printf("record_peer: wrote %s and %s\n", p1, p2);
    return 0;
}
