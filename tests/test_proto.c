/* test_proto.c - the two-party protocol (runtime/proto) over an in-memory
 * channel pair, both parties in threads: results equal the plaintext
 * evaluator on random circuits and on the shared reference circuits; every
 * handshake mismatch and a vanished peer give clear errors on both sides. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/bristol.h"
#include "circuits/compact.h"
#include "circuits/eval.h"
#include "mpcc/mpcc.h"
#include "runtime/proto/proto.h"
#include "runtime/net/net.h"
#include "test_support.h"

struct side {
    struct mpcc_2pc run;
    struct net_channel *ch;
    const uint8_t *in;
    uint8_t *out;
    uint8_t *got;
    struct mpcc_stats stats;
    struct mpcc_error err;
    enum mpcc_status st;
    int drop_after_handshake; /* simulate a peer that dies */
};

static void *side_main(void *arg)
{
    struct side *s = arg;
    s->st = mpcc_2pc_run(&s->run, s->ch, s->in, s->out, s->got, &s->stats, &s->err);
    net_free(s->ch);
    return NULL;
}

/* Runs both parties; garbler gives inputs where owner[k] == 0. */
static void run_both(struct side *g, struct side *e)
{
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair(g->run.my_name, e->run.my_name, 5000, &g->ch, &e->ch, &err),
                     MPCC_OK);
    pthread_t tg, te;
    ck_assert_int_eq(pthread_create(&tg, NULL, side_main, g), 0);
    ck_assert_int_eq(pthread_create(&te, NULL, side_main, e), 0);
    pthread_join(tg, NULL);
    pthread_join(te, NULL);
}

struct setup {
    uint8_t *owner_g, *owner_e, *recip, *in, *out_g, *out_e, *got_g, *got_e;
};

static void setup_sides(const struct circuit *c, struct setup *su, struct side *g, struct side *e,
                        unsigned seed)
{
    su->owner_g = calloc(c->n_inputs + 1, 1);
    su->owner_e = calloc(c->n_inputs + 1, 1);
    su->recip = malloc(c->n_outputs + 1);
    su->in = malloc(c->n_input_bits + 1);
    su->out_g = calloc(c->n_output_bits + 1, 1);
    su->out_e = calloc(c->n_output_bits + 1, 1);
    su->got_g = calloc(c->n_outputs + 1, 1);
    su->got_e = calloc(c->n_outputs + 1, 1);
    srand(seed);
    for (uint32_t k = 0; k < c->n_inputs; k++) {
        su->owner_g[k] = (k % 2) == 0;
        su->owner_e[k] = !su->owner_g[k];
    }
    memset(su->recip, 3, c->n_outputs);
    for (uint64_t i = 0; i < c->n_input_bits; i++)
        su->in[i] = rand() & 1;
    memset(g, 0, sizeof *g);
    memset(e, 0, sizeof *e);
    g->run = (struct mpcc_2pc){.circ = c, .my_name = "alice", .peer_name = "bob",
                               .role = MPCC_GARBLER, .my_inputs = su->owner_g,
                               .recipients = su->recip};
    e->run = (struct mpcc_2pc){.circ = c, .my_name = "bob", .peer_name = "alice",
                               .role = MPCC_EVALUATOR, .my_inputs = su->owner_e,
                               .recipients = su->recip};
    memset(g->run.digest, 0xab, 32);
    memset(e->run.digest, 0xab, 32);
    g->in = su->in;
    e->in = su->in;
    g->out = su->out_g;
    e->out = su->out_e;
    g->got = su->got_g;
    e->got = su->got_e;
}

static void free_setup(struct setup *su)
{
    free(su->owner_g);
    free(su->owner_e);
    free(su->recip);
    free(su->in);
    free(su->out_g);
    free(su->out_e);
    free(su->got_g);
    free(su->got_e);
}

/* Garbles c between two threads on random inputs; checks both results. */
static void check_circuit_2pc(const struct circuit *c, unsigned seed)
{
    struct setup su;
    struct side g, e;
    setup_sides(c, &su, &g, &e, seed);
    run_both(&g, &e);
    ck_assert_msg(g.st == MPCC_OK, "garbler: %s", g.err.msg);
    ck_assert_msg(e.st == MPCC_OK, "evaluator: %s", e.err.msg);
    uint8_t *want = malloc(c->n_output_bits + 1);
    struct mpcc_error err = {0};
    ck_assert_int_eq(circ_eval_bits(c, su.in, want, &err), MPCC_OK);
    ck_assert_mem_eq(su.out_g, want, c->n_output_bits);
    ck_assert_mem_eq(su.out_e, want, c->n_output_bits);
    ck_assert_uint_eq(g.stats.n_and, circ_count_op(c, CIRC_AND));
    /* 32 (half-gates) or 25 (three-halves, which auto may pick on a busy
     * machine) bytes of tables per AND gate leave the garbler, plus small
     * change. */
    ck_assert_int_eq(g.stats.garbling, e.stats.garbling);
    uint64_t per = g.stats.garbling == MPCC_GARBLING_THREEHALVES ? 25 : 32;
    ck_assert_uint_eq(g.stats.table_bytes, per * g.stats.n_and);
    ck_assert_uint_ge(g.stats.bytes_sent, per * g.stats.n_and);
    free(want);
    free_setup(&su);
}

static struct circuit *random_circuit(unsigned seed, uint32_t n_in, uint32_t n_gates)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    srand(seed);
    ck_assert_int_eq(circ_add_input(c, n_in / 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_input(c, n_in - n_in / 2, &err), MPCC_OK);
    uint32_t w = n_in;
    for (uint32_t i = 0; i < n_gates; i++, w++) {
        uint32_t a = (uint32_t)rand() % w, b = (uint32_t)rand() % w;
        enum circ_op op = (enum circ_op)(rand() % 3);
        ck_assert_int_eq(circ_add_gate(c, op, a, b, w, &err), MPCC_OK);
    }
    uint32_t outs[17];
    for (int i = 0; i < 17; i++)
        outs[i] = w - 1 - (uint32_t)i * 3;
    ck_assert_int_eq(circ_add_output(c, 17, outs, &err), MPCC_OK);
    ck_assert_int_eq(circ_compact(c, &err), MPCC_OK);
    return c;
}

START_TEST(proto_random_circuits_match_plaintext)
{
    for (unsigned seed = 1; seed <= 6; seed++) {
        struct circuit *c = random_circuit(seed, 40 + seed * 30, 3000);
        check_circuit_2pc(c, seed);
        circ_free(c);
    }
}
END_TEST

START_TEST(proto_reference_circuits_match_plaintext)
{
    const char *dir = ts_shared_dir();
    if (dir == NULL)
        return;
    const char *names[] = {"adder64", "sub64", "neg64", "zero_equal", "mult64", "mult2_64",
                           "udivide64", "aes_128", "aes_256", "sha256"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/circuits/bristol/%s.txt", dir, names[i]);
        struct mpcc_error err = {0};
        struct circuit *c = circ_read_bristol_file(path, &err);
        ck_assert_msg(c != NULL, "%s", err.msg);
        ck_assert_int_eq(circ_compact(c, &err), MPCC_OK);
        check_circuit_2pc(c, (unsigned)i + 100);
        circ_free(c);
    }
}
END_TEST

START_TEST(proto_outputs_reach_only_their_recipients)
{
    struct circuit *c = random_circuit(42, 64, 500);
    struct setup su;
    struct side g, e;
    setup_sides(c, &su, &g, &e, 42);
    su.recip[0] = 1; /* garbler only */
    run_both(&g, &e);
    ck_assert_msg(g.st == MPCC_OK && e.st == MPCC_OK, "%s / %s", g.err.msg, e.err.msg);
    ck_assert_uint_eq(su.got_g[0], 1);
    ck_assert_uint_eq(su.got_e[0], 0);
    for (uint64_t i = 0; i < c->n_output_bits; i++)
        ck_assert_uint_eq(su.out_e[i], 0); /* nothing written */
    free_setup(&su);
    circ_free(c);

    c = random_circuit(43, 64, 500);
    setup_sides(c, &su, &g, &e, 43);
    su.recip[0] = 2; /* evaluator only */
    run_both(&g, &e);
    ck_assert_msg(g.st == MPCC_OK && e.st == MPCC_OK, "%s / %s", g.err.msg, e.err.msg);
    ck_assert_uint_eq(su.got_g[0], 0);
    ck_assert_uint_eq(su.got_e[0], 1);
    free_setup(&su);
    circ_free(c);
}
END_TEST

/* Every pair of garbling choices: equal or one auto runs (with the explicit
 * one, or half-gates when both say auto and nothing measured a round trip, on both sides, with its table
 * bytes, and the right outputs); two different explicit choices are refused
 * by both sides with a message naming both. */
START_TEST(proto_garbling_choices_agree_or_are_refused)
{
    struct circuit *c = random_circuit(46, 32, 300);
    static const char *names[] = {"auto", "halfgates", "threehalves"};
    for (int gc = 0; gc < 3; gc++)
        for (int ec = 0; ec < 3; ec++) {
            struct setup su;
            struct side g, e;
            setup_sides(c, &su, &g, &e, 46);
            g.run.garbling = (enum mpcc_garbling)gc;
            e.run.garbling = (enum mpcc_garbling)ec;
            run_both(&g, &e);
            if (gc != 0 && ec != 0 && gc != ec) {
                char want[200];
                ck_assert_int_eq(g.st, MPCC_ERR_INVALID);
                ck_assert_int_eq(e.st, MPCC_ERR_INVALID);
                snprintf(want, sizeof want, "garbling scheme mismatch: we garble with %s, peer "
                         "'bob' (in-memory) with %s (give both parties the same --garbling, or auto to follow "
                         "the other)", names[gc], names[ec]);
                ck_assert_str_eq(g.err.msg, want);
            } else {
                ck_assert_msg(g.st == MPCC_OK && e.st == MPCC_OK, "%d/%d: %s / %s", gc, ec,
                              g.err.msg, e.err.msg);
                /* Both auto over an in-memory pair: nothing measured, half-gates. */
                int want = gc ? gc : ec ? ec : MPCC_GARBLING_HALFGATES;
                ck_assert_int_eq(g.stats.garbling, want);
                ck_assert_double_eq(g.stats.garbling_rtt, -1);
                ck_assert_int_eq(e.stats.garbling, g.stats.garbling);
                uint64_t per = g.stats.garbling == MPCC_GARBLING_THREEHALVES ? 25 : 32;
                ck_assert_uint_eq(e.stats.table_bytes, per * g.stats.n_and);
                uint8_t *want_out = malloc(c->n_output_bits + 1);
                struct mpcc_error err = {0};
                ck_assert_int_eq(circ_eval_bits(c, su.in, want_out, &err), MPCC_OK);
                ck_assert_mem_eq(su.out_e, want_out, c->n_output_bits);
                ck_assert_mem_eq(su.out_g, want_out, c->n_output_bits);
                free(want_out);
            }
            free_setup(&su);
        }
    circ_free(c);
}
END_TEST

/* Auto on both sides: the smaller round trip the two hellos carry decides
 * (three-halves from 1 ms), both sides agree, and none measured means
 * half-gates (in-memory pairs measure nothing; the round trips are set). */
struct rtt_case {
    double g, e;
    int want;
};

START_TEST(proto_auto_garbling_follows_the_round_trip)
{
    struct circuit *c = random_circuit(47, 32, 200);
    static const struct rtt_case cases[] = {
        {0.002, -1, MPCC_GARBLING_THREEHALVES}, {-1, 0.005, MPCC_GARBLING_THREEHALVES},
        {0.0005, -1, MPCC_GARBLING_HALFGATES},  {0.0005, 0.003, MPCC_GARBLING_HALFGATES},
        {0.004, 0.001, MPCC_GARBLING_THREEHALVES}, {-1, -1, MPCC_GARBLING_HALFGATES}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct setup su;
        struct side g, e;
        struct mpcc_error err = {0};
        setup_sides(c, &su, &g, &e, 47);
        ck_assert_int_eq(net_mem_pair(g.run.my_name, e.run.my_name, 5000, &g.ch, &e.ch, &err),
                         MPCC_OK);
        net_set_rtt_hint(g.ch, cases[k].g);
        net_set_rtt_hint(e.ch, cases[k].e);
        pthread_t tg, te;
        ck_assert_int_eq(pthread_create(&tg, NULL, side_main, &g), 0);
        ck_assert_int_eq(pthread_create(&te, NULL, side_main, &e), 0);
        pthread_join(tg, NULL);
        pthread_join(te, NULL);
        ck_assert_msg(g.st == MPCC_OK && e.st == MPCC_OK, "case %zu: %s / %s", k, g.err.msg,
                      e.err.msg);
        ck_assert_int_eq(g.stats.garbling, cases[k].want);
        ck_assert_int_eq(e.stats.garbling, cases[k].want);
        double used = cases[k].g < 0 ? cases[k].e : cases[k].e < 0 ? cases[k].g
                      : cases[k].g < cases[k].e ? cases[k].g : cases[k].e;
        ck_assert_double_eq_tol(g.stats.garbling_rtt, used, 2e-6);
        ck_assert_double_eq_tol(e.stats.garbling_rtt, used, 2e-6);
        free_setup(&su);
    }
    circ_free(c);
}
END_TEST

START_TEST(proto_session_id_is_shared_and_fresh)
{
    struct circuit *c = random_circuit(44, 32, 100);
    struct setup su;
    struct side g, e;
    uint8_t first[32], zero[32] = {0};
    setup_sides(c, &su, &g, &e, 44);
    run_both(&g, &e);
    ck_assert_msg(g.st == MPCC_OK && e.st == MPCC_OK, "%s / %s", g.err.msg, e.err.msg);
    /* Both ends derive the same id, and it is not a default value. */
    ck_assert_mem_eq(g.stats.session_id, e.stats.session_id, 32);
    ck_assert_int_ne(memcmp(g.stats.session_id, zero, 32), 0);
    memcpy(first, g.stats.session_id, 32);
    free_setup(&su);
    /* The same circuit, parties and inputs again: fresh nonces, a new id. */
    setup_sides(c, &su, &g, &e, 44);
    run_both(&g, &e);
    ck_assert_msg(g.st == MPCC_OK && e.st == MPCC_OK, "%s / %s", g.err.msg, e.err.msg);
    ck_assert_mem_eq(g.stats.session_id, e.stats.session_id, 32);
    ck_assert_int_ne(memcmp(g.stats.session_id, first, 32), 0);
    free_setup(&su);
    circ_free(c);
}
END_TEST

static void *send_short_hello(void *arg)
{
    struct net_channel *ch = arg;
    /* magic, version, then 6 bytes where the 32-byte digest should be: the
     * one-byte fields after it must not be read from there. */
    uint8_t h[8 + 4 + 6];
    memcpy(h, "mpcc-2pc", 8);
    h[8] = MPCC_PROTOCOL_VERSION, h[9] = h[10] = h[11] = 0;
    memset(h + 12, 1, 6);
    struct mpcc_error err = {0};
    if (net_send_frame(ch, PROTO_FRAME_HELLO, h, sizeof h, &err) == MPCC_OK)
        (void)net_flush(ch, &err);
    uint8_t sink[4096];
    while (net_recv(ch, sink, 1, "anything", &err) == MPCC_OK)
        ;
    return NULL;
}

START_TEST(proto_short_hello_is_refused_cleanly)
{
    struct circuit *c = random_circuit(45, 32, 100);
    struct setup su;
    struct side g, e;
    setup_sides(c, &su, &g, &e, 45);
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("alice", "bob", 2000, &g.ch, &e.ch, &err), MPCC_OK);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, send_short_hello, e.ch), 0);
    g.st = mpcc_2pc_run(&g.run, g.ch, g.in, g.out, g.got, &g.stats, &g.err);
    net_free(g.ch);
    pthread_join(t, NULL);
    net_free(e.ch);
    ck_assert_int_eq(g.st, MPCC_ERR_PROTOCOL);
    ck_assert_msg(strstr(g.err.msg, "sent a truncated handshake") != NULL, "%s", g.err.msg);
    free_setup(&su);
    circ_free(c);
}
END_TEST

/* Both sides fail with a message containing `expect`. */
static void expect_both_fail(struct side *g, struct side *e, const char *expect)
{
    run_both(g, e);
    ck_assert_int_ne(g->st, MPCC_OK);
    ck_assert_int_ne(e->st, MPCC_OK);
    ck_assert_msg(strstr(g->err.msg, expect) || strstr(e->err.msg, expect),
                  "expected '%s' in '%s' / '%s'", expect, g->err.msg, e->err.msg);
}

START_TEST(proto_handshake_refuses_different_circuits)
{
    struct circuit *c = random_circuit(7, 32, 100);
    struct setup su;
    struct side g, e;
    setup_sides(c, &su, &g, &e, 7);
    e.run.digest[5] ^= 1;
    expect_both_fail(&g, &e, "circuit mismatch: our circuit's SHA-256 starts abababababababab");
    free_setup(&su);
    circ_free(c);
}
END_TEST

START_TEST(proto_handshake_refuses_wrong_names_and_roles)
{
    struct circuit *c = random_circuit(8, 32, 100);
    struct setup su;
    struct side g, e;
    setup_sides(c, &su, &g, &e, 8);
    e.run.my_name = "mallory";
    expect_both_fail(&g, &e, "says it is party 'mallory', but we expect party 'bob'");
    free_setup(&su);
    setup_sides(c, &su, &g, &e, 8);
    e.run.role = MPCC_GARBLER;
    expect_both_fail(&g, &e, "role conflict: we are the garbler and peer 'bob'");
    free_setup(&su);
    setup_sides(c, &su, &g, &e, 8);
    su.owner_e[0] = 1; /* both give input 1 */
    expect_both_fail(&g, &e, "input value 1 is given by both parties");
    free_setup(&su);
    setup_sides(c, &su, &g, &e, 8);
    su.owner_g[0] = 0; /* nobody gives input 1 */
    expect_both_fail(&g, &e, "input value 1 is given by neither party");
    free_setup(&su);
    circ_free(c);
}
END_TEST

static void *close_at_once(void *arg)
{
    net_free(arg);
    return NULL;
}

START_TEST(proto_peer_vanishing_is_a_clear_error)
{
    struct circuit *c = random_circuit(9, 32, 100);
    struct setup su;
    struct side g, e;
    setup_sides(c, &su, &g, &e, 9);
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("alice", "bob", 2000, &g.ch, &e.ch, &err), MPCC_OK);
    pthread_t tg, te;
    ck_assert_int_eq(pthread_create(&tg, NULL, side_main, &g), 0);
    ck_assert_int_eq(pthread_create(&te, NULL, close_at_once, e.ch), 0);
    pthread_join(tg, NULL);
    pthread_join(te, NULL);
    ck_assert_int_ne(g.st, MPCC_OK);
    ck_assert_msg(strstr(g.err.msg, "bob") != NULL, "error should name the peer: %s", g.err.msg);
    free_setup(&su);
    circ_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("proto");
    TCase *tc = tcase_create("two-party");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, proto_random_circuits_match_plaintext);
    tcase_add_test(tc, proto_reference_circuits_match_plaintext);
    tcase_add_test(tc, proto_outputs_reach_only_their_recipients);
    tcase_add_test(tc, proto_session_id_is_shared_and_fresh);
    tcase_add_test(tc, proto_garbling_choices_agree_or_are_refused);
    tcase_add_test(tc, proto_auto_garbling_follows_the_round_trip);
    tcase_add_test(tc, proto_short_hello_is_refused_cleanly);
    tcase_add_test(tc, proto_handshake_refuses_different_circuits);
    tcase_add_test(tc, proto_handshake_refuses_wrong_names_and_roles);
    tcase_add_test(tc, proto_peer_vanishing_is_a_clear_error);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
