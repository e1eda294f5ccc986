/* test_ot.c - oblivious transfer: transpose paths against the plain one and a
 * known answer; base OT; correlated OT (m1 = m0 xor Delta) in memory and over
 * loopback TCP for n = 1, 127, 128, 129, 10^6; random and chosen-message OT;
 * faults: bad points, a peer that closes, disagrees on n, or stays silent. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/crypto/block.h"
#include "runtime/net/net.h"
#include "runtime/ot/ot.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd64();
}

static int get_bit(const uint8_t *p, size_t j) { return (p[j / 8] >> (j % 8)) & 1; }

START_TEST(transpose_paths_agree_and_known_answer)
{
    size_t sizes[] = {128, 256, 1024, 16384};
    for (size_t s = 0; s < 4; s++) {
        size_t m = sizes[s];
        uint8_t *in = malloc(16 * m);
        block *a = malloc(m * sizeof(block)), *b = malloc(m * sizeof(block));
        ck_assert_ptr_nonnull(in);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        rnd_bytes(in, 16 * m);
        ot_transpose_128_plain(in, m, a);
        /* plain against the definition at some points */
        for (size_t k = 0; k < 64; k++) {
            size_t i = rnd64() % 128, j = rnd64() % m;
            uint8_t row[16];
            blk_store(row, a[j]);
            ck_assert_int_eq(get_bit(row, i), get_bit(in + i * (m / 8), j));
        }
        ot_transpose_128_sse2(in, m, b);
        ck_assert_int_eq(memcmp(a, b, m * sizeof(block)), 0);
        if (ot_have_avx2()) {
            memset(b, 0, m * sizeof(block));
            ot_transpose_128_avx2(in, m, b);
            ck_assert_int_eq(memcmp(a, b, m * sizeof(block)), 0);
        }
        memset(b, 0, m * sizeof(block));
        ot_transpose_128(in, m, b);
        ck_assert_int_eq(memcmp(a, b, m * sizeof(block)), 0);
        free(in);
        free(a);
        free(b);
    }
    /* Known answer: row i has only bit 3*i set (m = 384) -> out[3i] = e_i. */
    uint8_t in[128 * 48] = {0};
    block out[384];
    for (size_t i = 0; i < 128; i++)
        in[i * 48 + (3 * i) / 8] |= (uint8_t)(1u << ((3 * i) % 8));
    ot_transpose_128(in, 384, out);
    for (size_t j = 0; j < 384; j++) {
        uint8_t want[16] = {0};
        if (j % 3 == 0)
            want[(j / 3) / 8] = (uint8_t)(1u << ((j / 3) % 8));
        ck_assert_int_eq(memcmp(&out[j], want, 16), 0);
    }
}
END_TEST

/* The session id both sides pass (any fixed one serves a test). */
static const uint8_t test_session[CRYPTO_SESSION_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8};

/* --- Running both sides: the OT sender in a thread, the receiver here. */
struct side {
    const uint8_t *session; /* the sender's session id; NULL: test_session */
    struct net_channel *ch;
    size_t n_calls;
    const size_t *ns;
    block delta;
    block *out; /* concatenated outputs of all calls */
    enum mpcc_status st;
    struct mpcc_error err;
    int base_only;
    block *k0, *k1;
};

static void *cot_sender_thread(void *arg)
{
    struct side *s = arg;
    if (s->base_only) {
        s->st = ot_base_send(s->ch, s->session ? s->session : test_session, 128, s->k0, s->k1,
                             &s->err);
        return NULL;
    }
    struct ot_cot_sender *snd = NULL;
    s->st = ot_cot_sender_new(s->ch, s->session ? s->session : test_session, s->delta, &snd,
                              &s->err);
    size_t off = 0;
    for (size_t c = 0; c < s->n_calls && s->st == MPCC_OK; c++) {
        s->st = ot_send_correlated(snd, s->ns[c], s->out + off, &s->err);
        off += s->ns[c];
    }
    ot_cot_sender_free(snd);
    return NULL;
}

/* Runs calls of ns[] OTs between tx (sender) and rx (receiver); checks every OT. */
static void check_cot(struct net_channel *tx, struct net_channel *rx, const size_t *ns,
                      size_t n_calls)
{
    size_t total = 0;
    for (size_t c = 0; c < n_calls; c++)
        total += ns[c];
    struct side s = {.ch = tx, .n_calls = n_calls, .ns = ns};
    uint8_t d[16];
    rnd_bytes(d, 16);
    d[0] |= 1;
    s.delta = blk_load(d);
    s.out = malloc(total * sizeof(block));
    block *got = malloc(total * sizeof(block));
    uint8_t *choice = malloc(total / 8 + 16);
    ck_assert_ptr_nonnull(s.out);
    ck_assert_ptr_nonnull(got);
    ck_assert_ptr_nonnull(choice);
    rnd_bytes(choice, total / 8 + 16);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, cot_sender_thread, &s), 0);
    struct mpcc_error err = {0};
    struct ot_cot_receiver *r = NULL;
    enum mpcc_status st = ot_cot_receiver_new(rx, test_session, &r, &err);
    /* Each call takes its choice bits from a fresh packed array starting at bit 0. */
    size_t off = 0;
    for (size_t c = 0; c < n_calls && st == MPCC_OK; c++) {
        uint8_t *cb = malloc(ns[c] / 8 + 1);
        ck_assert_ptr_nonnull(cb);
        memset(cb, 0, ns[c] / 8 + 1);
        for (size_t j = 0; j < ns[c]; j++)
            cb[j / 8] |= (uint8_t)(get_bit(choice, off + j) << (j % 8));
        /* Garbage beyond n must be ignored. */
        if (ns[c] % 8 != 0)
            cb[ns[c] / 8] |= (uint8_t)(0xffu << (ns[c] % 8));
        st = ot_recv_correlated(r, cb, ns[c], got + off, &err);
        free(cb);
        off += ns[c];
    }
    pthread_join(t, NULL);
    ck_assert_msg(st == MPCC_OK, "receiver: %s", err.msg);
    ck_assert_msg(s.st == MPCC_OK, "sender: %s", s.err.msg);
    /* One assertion at the end: Check records every assertion it passes. */
    size_t bad = total;
    for (size_t j = 0; j < total && bad == total; j++) {
        block mask = blk_mask_from_bit((unsigned)get_bit(choice, j));
        block want = blk_xor(s.out[j], blk_and(s.delta, mask));
        if (!blk_eq(got[j], want))
            bad = j;
    }
    ck_assert_msg(bad == total, "OT %zu of %zu: wrong label", bad, total);
    /* The zero labels are not trivially related: a few distinct, none equal to Delta. */
    if (total > 1)
        ck_assert(!blk_eq(s.out[0], s.out[total - 1]));
    ck_assert(!blk_eq(s.out[0], blk_zero()));
    ot_cot_receiver_free(r);
    free(s.out);
    free(got);
    free(choice);
}

START_TEST(base_ot_receiver_gets_chosen_key_only)
{
    struct net_channel *a, *b;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("garbler", "evaluator", 10000, &a, &b, &err), MPCC_OK);
    block k0[128], k1[128], kc[128];
    uint8_t ch[16];
    rnd_bytes(ch, 16);
    struct side s = {.ch = a, .base_only = 1, .k0 = k0, .k1 = k1};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, cot_sender_thread, &s), 0);
    enum mpcc_status st = ot_base_recv(b, test_session, 128, ch, kc, &err);
    pthread_join(t, NULL);
    ck_assert_msg(st == MPCC_OK, "%s", err.msg);
    ck_assert_msg(s.st == MPCC_OK, "%s", s.err.msg);
    for (size_t i = 0; i < 128; i++) {
        int c = get_bit(ch, i);
        ck_assert(blk_eq(kc[i], c ? k1[i] : k0[i]));
        ck_assert(!blk_eq(kc[i], c ? k0[i] : k1[i]));
    }
    net_close(a);
    net_close(b);
}
END_TEST

/* Keys are bound to the session id: the same exchange under two different
 * ids (a message replayed into another session) gives the receiver neither
 * of the sender's keys. */
START_TEST(base_ot_keys_bound_to_session)
{
    struct net_channel *a, *b;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("garbler", "evaluator", 10000, &a, &b, &err), MPCC_OK);
    block k0[128], k1[128], kc[128];
    uint8_t ch[16], other[CRYPTO_SESSION_BYTES];
    rnd_bytes(ch, 16);
    memcpy(other, test_session, sizeof other);
    other[31] ^= 1;
    struct side s = {.ch = a, .base_only = 1, .k0 = k0, .k1 = k1, .session = other};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, cot_sender_thread, &s), 0);
    enum mpcc_status st = ot_base_recv(b, test_session, 128, ch, kc, &err);
    pthread_join(t, NULL);
    ck_assert_msg(st == MPCC_OK && s.st == MPCC_OK, "%s %s", err.msg, s.err.msg);
    size_t same = 0;
    for (size_t i = 0; i < 128; i++)
        same += blk_eq(kc[i], k0[i]) + blk_eq(kc[i], k1[i]);
    ck_assert_uint_eq(same, 0);
    net_close(a);
    net_close(b);
}
END_TEST

START_TEST(cot_in_memory_all_sizes)
{
    struct net_channel *a, *b;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("garbler", "evaluator", 20000, &a, &b, &err), MPCC_OK);
    const size_t ns[] = {1, 127, 128, 129, 1000000, 16385, 3};
    check_cot(a, b, ns, 7);
    net_close(a);
    net_close(b);
}
END_TEST

struct accept_job {
    struct net_listener *l;
    struct net_channel *ch;
    enum mpcc_status st;
    struct mpcc_error err;
};

static void *accept_thread(void *arg)
{
    struct accept_job *j = arg;
    j->st = net_tcp_accept(j->l, "evaluator", 10000, &j->ch, &j->err);
    return NULL;
}

START_TEST(cot_over_loopback_tcp)
{
    struct mpcc_error err = {0};
    struct accept_job j = {0};
    ck_assert_int_eq(net_tcp_listen("127.0.0.1:0", &j.l, &err), MPCC_OK);
    char hp[64];
    snprintf(hp, sizeof hp, "127.0.0.1:%u", net_listener_port(j.l));
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, accept_thread, &j), 0);
    struct net_channel *c = NULL;
    enum mpcc_status st = net_tcp_connect(hp, "garbler", 10000, &c, &err);
    pthread_join(t, NULL);
    net_listener_free(j.l);
    ck_assert_msg(st == MPCC_OK, "%s", err.msg);
    ck_assert_msg(j.st == MPCC_OK, "%s", j.err.msg);
    const size_t ns[] = {1, 127, 128, 129, 1000000};
    check_cot(j.ch, c, ns, 5);
    ck_assert_uint_ge(net_bytes_recv(j.ch), 16u * 1000000u);
    net_close(j.ch);
    net_close(c);
}
END_TEST

/* --- Faults. The receiver's side is played by hand on a raw socket. */
static struct net_channel *raw_pair(int *raw, int timeout_ms)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct net_channel *ch = NULL;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_fd_channel(sv[0], "evaluator", timeout_ms, &ch, &err), MPCC_OK);
    *raw = sv[1];
    return ch;
}

START_TEST(base_ot_rejects_point_not_on_curve)
{
    int raw;
    struct net_channel *ch = raw_pair(&raw, 5000);
    /* Frame with a bogus A: 0x04 then 64 bytes of 0x01 (not on P-256). */
    uint8_t f[8 + 65];
    uint32_t type = OT_FRAME_BASE_A;
    memcpy(f, &type, 4);
    f[4] = 65, f[5] = f[6] = f[7] = 0;
    f[8] = 4;
    memset(f + 9, 1, 64);
    ck_assert_int_eq(write(raw, f, sizeof f), (ssize_t)sizeof f);
    block kc[128];
    uint8_t choice[16] = {0};
    struct mpcc_error err = {0};
    ck_assert_int_eq(ot_base_recv(ch, test_session, 128, choice, kc, &err), MPCC_ERR_PROTOCOL);
    ck_assert_str_eq(err.msg, "base OT: the peer's point A 0 is not a valid P-256 point");
    net_free(ch);
    close(raw);
}
END_TEST

START_TEST(cot_set_up_with_closed_or_silent_peer_fails)
{
    /* Peer closes right away: the set-up names the missing message. */
    int raw;
    struct net_channel *ch = raw_pair(&raw, 5000);
    close(raw);
    struct ot_cot_receiver *r = NULL;
    struct mpcc_error err = {0};
    ck_assert_int_eq(ot_cot_receiver_new(ch, test_session, &r, &err), MPCC_ERR_CLOSED);
    ck_assert_ptr_nonnull(strstr(err.msg, "OT extension set-up: peer 'evaluator' (local "
                                 "socket): connection "));
    ck_assert_ptr_null(r);
    net_free(ch);

    /* Silent peer: timeout, no hang. */
    ch = raw_pair(&raw, 150);
    struct ot_cot_sender *s = NULL;
    ck_assert_int_eq(ot_cot_sender_new(ch, test_session, blk_zero(), &s, &err), MPCC_ERR_TIMEOUT);
    ck_assert_str_eq(err.msg, "OT extension set-up: peer 'evaluator' (local socket): timed out "
                     "after 150 ms waiting for 8 bytes of frame header of base OT point A "
                     "(got 0)");
    net_free(ch);
    close(raw);

}
END_TEST

struct mismatch_job {
    struct net_channel *ch;
    size_t n;
    enum mpcc_status st;
    struct mpcc_error err;
    int close_after_setup;
};

static void *mismatch_sender(void *arg)
{
    struct mismatch_job *j = arg;
    struct ot_cot_sender *s = NULL;
    block *out = malloc(j->n * sizeof(block));
    j->st = out ? ot_cot_sender_new(j->ch, test_session, blk_from_u64(5, 7), &s, &j->err) : MPCC_ERR_NOMEM;
    if (j->st == MPCC_OK)
        j->st = ot_send_correlated(s, j->n, out, &j->err);
    ot_cot_sender_free(s);
    free(out);
    return NULL;
}

START_TEST(cot_mismatched_n_and_mid_transfer_close)
{
    struct net_channel *a, *b;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("garbler", "evaluator", 10000, &a, &b, &err), MPCC_OK);
    struct mismatch_job j = {.ch = a, .n = 1000};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, mismatch_sender, &j), 0);
    struct ot_cot_receiver *r = NULL;
    ck_assert_int_eq(ot_cot_receiver_new(b, test_session, &r, &err), MPCC_OK);
    uint8_t choice[64] = {0};
    block out[500];
    ck_assert_int_eq(ot_recv_correlated(r, choice, 500, out, &err), MPCC_OK);
    pthread_join(t, NULL);
    ck_assert_int_eq(j.st, MPCC_ERR_PROTOCOL);
    ck_assert_str_eq(j.err.msg, "peer 'evaluator' (in-memory): OT extension matrix for OTs "
                     "0..999: expected 16384 bytes, got 8192 (do both sides ask for the same "
                     "number of OTs?)");
    ot_cot_receiver_free(r);
    net_free(a);
    net_free(b);

    /* The receiver finishes set-up and then closes: the sender learns it. */
    ck_assert_int_eq(net_mem_pair("garbler", "evaluator", 10000, &a, &b, &err), MPCC_OK);
    j = (struct mismatch_job){.ch = a, .n = 100000};
    ck_assert_int_eq(pthread_create(&t, NULL, mismatch_sender, &j), 0);
    ck_assert_int_eq(ot_cot_receiver_new(b, test_session, &r, &err), MPCC_OK);
    ot_cot_receiver_free(r);
    net_free(b);
    pthread_join(t, NULL);
    ck_assert_int_eq(j.st, MPCC_ERR_CLOSED);
    ck_assert_str_eq(j.err.msg, "peer 'evaluator' (in-memory): connection closed while waiting "
                     "for 8 bytes of frame header of OT extension matrix (got 0)");
    net_free(a);
}
END_TEST

struct chosen_job {
    struct net_channel *ch;
    size_t n_rand, n_chosen;
    block *r0, *r1;       /* random OT outputs */
    const block *m0, *m1; /* chosen messages */
    enum mpcc_status st;
    struct mpcc_error err;
};

static void *chosen_sender(void *arg)
{
    struct chosen_job *j = arg;
    struct ot_cot_sender *s = NULL;
    j->st = ot_cot_sender_new(j->ch, test_session, blk_from_u64(0x1234, 0x5679), &s, &j->err);
    if (j->st == MPCC_OK)
        j->st = ot_send_random(s, j->n_rand, j->r0, j->r1, &j->err);
    if (j->st == MPCC_OK)
        j->st = ot_send_chosen(s, j->n_chosen, j->m0, j->m1, &j->err);
    ot_cot_sender_free(s);
    return NULL;
}

START_TEST(random_and_chosen_message_ot_deliver_the_chosen_message)
{
    struct net_channel *a, *b;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("garbler", "evaluator", 20000, &a, &b, &err), MPCC_OK);
    size_t nr = 129, nc = 20001; /* nc spans three chosen-message batches */
    block *r0 = malloc(nr * sizeof(block)), *r1 = malloc(nr * sizeof(block));
    block *m0 = malloc(nc * sizeof(block)), *m1 = malloc(nc * sizeof(block));
    block *gr = malloc(nr * sizeof(block)), *gc = malloc(nc * sizeof(block));
    uint8_t *cr = malloc(nr / 8 + 1), *cc = malloc(nc / 8 + 1);
    ck_assert(r0 && r1 && m0 && m1 && gr && gc && cr && cc);
    rnd_bytes((uint8_t *)m0, nc * sizeof(block));
    rnd_bytes((uint8_t *)m1, nc * sizeof(block));
    rnd_bytes(cr, nr / 8 + 1);
    rnd_bytes(cc, nc / 8 + 1);
    struct chosen_job j = {.ch = a, .n_rand = nr, .n_chosen = nc, .r0 = r0, .r1 = r1,
                           .m0 = m0, .m1 = m1};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, chosen_sender, &j), 0);
    struct ot_cot_receiver *r = NULL;
    enum mpcc_status st = ot_cot_receiver_new(b, test_session, &r, &err);
    if (st == MPCC_OK)
        st = ot_recv_random(r, cr, nr, gr, &err);
    if (st == MPCC_OK)
        st = ot_recv_chosen(r, cc, nc, gc, &err);
    pthread_join(t, NULL);
    ck_assert_msg(st == MPCC_OK, "receiver: %s", err.msg);
    ck_assert_msg(j.st == MPCC_OK, "sender: %s", j.err.msg);
    size_t bad = nr;
    for (size_t i = 0; i < nr && bad == nr; i++)
        if (!blk_eq(gr[i], get_bit(cr, i) ? r1[i] : r0[i]) ||
            blk_eq(gr[i], get_bit(cr, i) ? r0[i] : r1[i]))
            bad = i;
    ck_assert_msg(bad == nr, "random OT %zu wrong", bad);
    /* The hash broke the correlation: m0 xor m1 differs between OTs. */
    ck_assert(!blk_eq(blk_xor(r0[0], r1[0]), blk_xor(r0[1], r1[1])));
    bad = nc;
    for (size_t i = 0; i < nc && bad == nc; i++)
        if (!blk_eq(gc[i], get_bit(cc, i) ? m1[i] : m0[i]))
            bad = i;
    ck_assert_msg(bad == nc, "chosen OT %zu wrong", bad);
    ot_cot_receiver_free(r);
    net_close(a);
    net_close(b);
    free(r0), free(r1), free(m0), free(m1), free(gr), free(gc), free(cr), free(cc);
}
END_TEST

static Suite *ot_suite(void)
{
    Suite *s = suite_create("ot");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, transpose_paths_agree_and_known_answer);
    tcase_add_test(tc, base_ot_receiver_gets_chosen_key_only);
    tcase_add_test(tc, base_ot_keys_bound_to_session);
    tcase_add_test(tc, cot_in_memory_all_sizes);
    tcase_add_test(tc, cot_over_loopback_tcp);
    tcase_add_test(tc, random_and_chosen_message_ot_deliver_the_chosen_message);
    tcase_add_test(tc, base_ot_rejects_point_not_on_curve);
    tcase_add_test(tc, cot_set_up_with_closed_or_silent_peer_fails);
    tcase_add_test(tc, cot_mismatched_n_and_mid_transfer_close);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
