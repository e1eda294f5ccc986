/* test_collusion.c - what two colluding parties of three learn about the
 * third's input. Parties g and e collude against h; g's and e's inputs are
 * fixed, h's input is one of two values that give the same output. Each run
 * goes through relays that record every byte h sends to g and to e (what
 * the coalition holds beyond its own inputs and randomness is a function of
 * these bytes). Over many runs per input, every bit position of the two
 * streams, and of their xor, is compared between the two inputs: under
 * N-party garbling no position may tell them apart; under Yao with g
 * garbling and e evaluating, the xor of h's two input shares is h's input,
 * and the same comparison must find it (so the test can fail). */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "circuits/program.h"
#include "circuits/values.h"
#include "compiler/compiler.h"
#include "mpcc/mpcc.h"
#include "runtime/net/net.h"
#include "test_support.h"

#define RUNS 96 /* per input and protocol */

static const char src[] =
    "party g, e, h;\n"
    "input g uint8 a;\ninput e uint8 b;\ninput h uint8 x;\n"
    "output all r = (x > 100) != (a == b);\n";

struct stream {
    uint8_t *p;
    size_t n, cap;
};

/* Copies bytes both ways between fd_h (toward h) and fd_c (toward the
 * colluder), recording what h sends, until both directions are closed. */
struct relay {
    int fd_h, fd_c;
    struct stream rec;
};

static void stream_add(struct stream *s, const uint8_t *p, size_t n)
{
    if (s->n + n > s->cap) {
        s->cap = (s->n + n) * 2;
        s->p = realloc(s->p, s->cap);
        ck_assert_ptr_nonnull(s->p);
    }
    memcpy(s->p + s->n, p, n);
    s->n += n;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void *relay_main(void *arg)
{
    struct relay *r = arg;
    int open_h = 1, open_c = 1;
    uint8_t buf[65536];
    while (open_h || open_c) {
        struct pollfd pf[2] = {{r->fd_h, open_h ? POLLIN : 0, 0}, {r->fd_c, open_c ? POLLIN : 0, 0}};
        if (poll(pf, 2, 20000) <= 0)
            break;
        if (open_h && (pf[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(r->fd_h, buf, sizeof buf);
            if (n <= 0 || write_all(r->fd_c, buf, (size_t)n) != 0) {
                open_h = 0;
                shutdown(r->fd_c, SHUT_WR);
            } else {
                stream_add(&r->rec, buf, (size_t)n);
            }
        }
        if (open_c && (pf[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(r->fd_c, buf, sizeof buf);
            if (n <= 0 || write_all(r->fd_h, buf, (size_t)n) != 0) {
                open_c = 0;
                shutdown(r->fd_h, SHUT_WR);
            }
        }
    }
    close(r->fd_h);
    close(r->fd_c);
    return NULL;
}

struct party {
    struct mpcc_mp_session s;
    struct net_channel *chans[3];
    const struct values_set *in;
    uint8_t **outs;
    enum mpcc_status st;
    struct mpcc_error err;
};

static void *party_main(void *arg)
{
    struct party *t = arg;
    t->st = MPCC_OK;
    for (uint32_t q = 0; q < 3 && t->st == MPCC_OK; q++)
        if (t->chans[q] != NULL)
            t->st = mpcc_mp_hello(&t->s, t->chans[q], q, &t->err);
    if (t->st == MPCC_OK)
        t->st = mpcc_mp_run_program(&t->s, t->chans, t->in, &t->outs, NULL, &t->err);
    for (uint32_t q = 0; q < 3; q++) {
        if (t->chans[q] != NULL) {
            if (t->st == MPCC_OK)
                net_close(t->chans[q]);
            else
                net_free(t->chans[q]);
        }
        t->chans[q] = NULL;
    }
    return NULL;
}

/* One run: h (party 2) reaches g (0) and e (1) through recording relays;
 * to_g and to_e receive what h sent each. Checks every output is `want`. */
static void one_run(const struct mpcc_program *p, enum mpcc_mp_protocol proto,
                    const struct values_set *in, uint8_t want, struct stream *to_g,
                    struct stream *to_e)
{
    struct mpcc_error err = {0};
    struct party t[3];
    memset(t, 0, sizeof t);
    for (uint32_t q = 0; q < 3; q++) {
        ck_assert_int_eq(mpcc_mp_session_init(&t[q].s, p, q, 0, 1, &err), MPCC_OK);
        t[q].s.protocol = proto;
        t[q].in = in;
    }
    const char *names[3] = {"g", "e", "h"};
    ck_assert_int_eq(net_mem_pair(names[0], names[1], 20000, &t[0].chans[1], &t[1].chans[0], &err),
                     MPCC_OK);
    struct relay r[2];
    pthread_t rt[2];
    for (uint32_t c = 0; c < 2; c++) { /* h <-> colluder c */
        int sh[2], sc[2];
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sh), 0);
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sc), 0);
        ck_assert_int_eq(net_fd_channel(sh[0], names[c], 20000, &t[2].chans[c], &err), MPCC_OK);
        ck_assert_int_eq(net_fd_channel(sc[0], "h", 20000, &t[c].chans[2], &err), MPCC_OK);
        memset(&r[c], 0, sizeof r[c]);
        r[c].fd_h = sh[1];
        r[c].fd_c = sc[1];
        ck_assert_int_eq(pthread_create(&rt[c], NULL, relay_main, &r[c]), 0);
    }
    pthread_t th[3];
    for (uint32_t q = 0; q < 3; q++)
        ck_assert_int_eq(pthread_create(&th[q], NULL, party_main, &t[q]), 0);
    for (uint32_t q = 0; q < 3; q++)
        pthread_join(th[q], NULL);
    for (uint32_t c = 0; c < 2; c++)
        pthread_join(rt[c], NULL);
    for (uint32_t q = 0; q < 3; q++) {
        ck_assert_msg(t[q].st == MPCC_OK, "party %s: %s", names[q], t[q].err.msg);
        ck_assert_ptr_nonnull(t[q].outs);
        ck_assert_ptr_nonnull(t[q].outs[0]);
        ck_assert_uint_eq(t[q].outs[0][0], want);
        mpcc_outputs_free(t[q].outs, p->iface->n_outputs);
    }
    *to_g = r[0].rec;
    *to_e = r[1].rec;
}

static struct values_set *inputs(const struct mpcc_program *p, const char *x)
{
    struct mpcc_error err = {0};
    struct values_set *s = values_set_new(p->iface, VALUES_ANY_PARTY, &err);
    ck_assert_ptr_nonnull(s);
    const char *assign[] = {"g:a = 7", "e:b = 9", x};
    for (int i = 0; i < 3; i++)
        ck_assert_msg(values_set_assign(s, assign[i], &err) == MPCC_OK, "%s", err.msg);
    return s;
}

/* Runs RUNS sessions with each of two inputs of h and returns the largest
 * difference, over every bit position of h's stream to g, to e and of their
 * xor, between the number of runs with that bit set under the two inputs.
 * Under no dependence each count is Binomial(RUNS, p) for the same p, and
 * by Hoeffding's inequality a difference of 0.6 RUNS has probability below
 * 2 exp(-RUNS * 0.36) = 2e-15 per position (below 1e-8 over a million). */
static unsigned max_difference(enum mpcc_mp_protocol proto)
{
    struct mpcc_error err = {0};
    struct mpcc_program *p = NULL;
    ck_assert_msg(mpcc_compile_source("collusion.mpc", src, strlen(src), NULL, &p, &err) ==
                  MPCC_OK, "%s", err.msg);
    /* x = 5 and x = 50: both below 100, so r = (a == b) = 0 either way */
    struct values_set *in[2] = {inputs(p, "h:x = 5"), inputs(p, "h:x = 50")};
    uint16_t *count[2] = {NULL, NULL};
    size_t len = SIZE_MAX; /* bits compared: the shortest stream seen */
    for (int v = 0; v < 2; v++)
        for (int run = 0; run < RUNS; run++) {
            struct stream g = {0}, e = {0};
            one_run(p, proto, in[v], 0, &g, &e);
            size_t n = (g.n < e.n ? g.n : e.n) * 8;
            if (count[0] == NULL) {
                len = n;
                count[0] = calloc(3 * len + 1, sizeof *count[0]);
                count[1] = calloc(3 * len + 1, sizeof *count[1]);
                ck_assert_ptr_nonnull(count[0]);
                ck_assert_ptr_nonnull(count[1]);
            }
            if (n < len)
                len = n;
            for (size_t k = 0; k < len; k++) {
                unsigned bg = (g.p[k / 8] >> (k % 8)) & 1, be = (e.p[k / 8] >> (k % 8)) & 1;
                count[v][3 * k] += (uint16_t)bg;
                count[v][3 * k + 1] += (uint16_t)be;
                count[v][3 * k + 2] += (uint16_t)(bg ^ be);
            }
            free(g.p);
            free(e.p);
        }
    ck_assert_uint_gt(len, 1000);
    unsigned worst = 0;
    for (size_t f = 0; f < 3 * len; f++) {
        unsigned d = count[0][f] > count[1][f] ? count[0][f] - count[1][f]
                                               : count[1][f] - count[0][f];
        if (d > worst)
            worst = d;
    }
    free(count[0]);
    free(count[1]);
    values_set_free(in[0]);
    values_set_free(in[1]);
    prog_free(p);
    return worst;
}

START_TEST(bmr_coalition_of_two_learns_nothing)
{
    unsigned d = max_difference(MPCC_MP_BMR);
    printf("bmr: largest difference %u of %u runs (threshold %u)\n", d, RUNS, RUNS * 6 / 10);
    ck_assert_msg(d < RUNS * 6 / 10, "a bit position differs in %u of %u runs", d, RUNS);
}
END_TEST

START_TEST(yao_garbler_and_evaluator_together_see_the_input)
{
    unsigned d = max_difference(MPCC_MP_YAO);
    printf("yao: largest difference %u of %u runs (threshold %u)\n", d, RUNS, RUNS * 6 / 10);
    ck_assert_msg(d >= RUNS * 6 / 10, "largest difference only %u of %u runs", d, RUNS);
}
END_TEST

int main(void)
{
    const TTest *tests[] = {bmr_coalition_of_two_learns_nothing,
                            yao_garbler_and_evaluator_together_see_the_input};
    return ts_run_tests("collusion", tests, sizeof tests / sizeof tests[0], 600);
}
