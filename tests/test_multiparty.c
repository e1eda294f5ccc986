/* test_multiparty.c - runs with more than two parties (runtime/proto
 * multiparty.c, mp_local.c, mp_connect.c roster, circuits/split.c): the
 * share-splitting circuit transformation against the plaintext evaluator,
 * 3/4/5-party runs in threads against plaintext, who gets which output,
 * misbehaving parties (wrong share length, vanishing, wrong configuration)
 * named in every other party's error, and statistical checks that the
 * shares a computing party sees do not depend on the input. */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "circuits/eval.h"
#include "circuits/program.h"
#include "circuits/split.h"
#include "circuits/values.h"
#include "compiler/compiler.h"
#include "mpcc/mpcc.h"
#include "runtime/crypto/prg.h"
#include "runtime/net/net.h"
#include "runtime/proto/proto.h"
#include "test_support.h"

static const char mult3_src[] =
    "party p1, p2, p3;\n"
    "input p1 uint32 x1;\ninput p2 uint32 x2;\ninput p3 uint32 x3;\n"
    "output all product = uint96(x1) * uint96(x2) * uint96(x3);\n";

static const char sum4_src[] =
    "party q1, q2, q3, q4;\n"
    "input q1 uint16 a;\ninput q2 uint16 b;\ninput q3 uint16 c;\ninput q4 uint32 d;\n"
    "output all total = uint32(a) + uint32(b) + uint32(c) + d;\n"
    "output q4 max_ab = a > b ? a : b;\n"
    "output q1, q3 c_gt_d = uint32(c) > d;\n";

static const char auction5_src[] =
    "party b1, b2, b3, b4, b5;\n"
    "input b1 uint16 v1;\ninput b2 uint16 v2;\ninput b3 uint16 v3;\n"
    "input b4 uint16 v4;\ninput b5 uint16 v5;\n"
    "uint16 v[5] = [v1, v2, v3, v4, v5];\n"
    "uint16 best = v[0];\nuint16 second = 0;\nuint8 w = 0;\n"
    "for i in 1..5 { if (v[i] > best) { second = best; best = v[i]; w = uint8(i); }\n"
    "  else { if (v[i] > second) { second = v[i]; } } }\n"
    "output all price = second;\n"
    "output b1 won1 = w == 0;\noutput b2 won2 = w == 1;\noutput b3 won3 = w == 2;\n"
    "output b4 won4 = w == 3;\noutput b5 won5 = w == 4;\n";

static const char byte3_src[] =
    "party g, e, h;\ninput h uint8 secret;\ninput g uint8 k;\n"
    "output all r = secret ^ k;\n";

static struct mpcc_program *compile(const char *src)
{
    struct mpcc_error err = {0};
    struct mpcc_program *p = NULL;
    enum mpcc_status st = mpcc_compile_source("test.mpc", src, strlen(src), NULL, &p, &err);
    ck_assert_msg(st == MPCC_OK, "compile: %s", err.msg);
    return p;
}

/* Random inputs for every party, as a values set plus the flat bit vector. */
static struct values_set *random_inputs(const struct mpcc_program *p, struct prg *prg,
                                        uint8_t **flat)
{
    struct mpcc_error err = {0};
    const struct circuit *c = p->circ;
    struct values_set *s = values_set_new(p->iface, VALUES_ANY_PARTY, &err);
    ck_assert_ptr_nonnull(s);
    *flat = calloc(c->n_input_bits + 1, 1);
    ck_assert_ptr_nonnull(*flat);
    uint64_t off = 0;
    for (uint32_t k = 0; k < c->n_inputs; k++) {
        uint32_t w = c->input_widths[k];
        s->bits[k] = malloc(w);
        ck_assert_ptr_nonnull(s->bits[k]);
        prg_bytes(prg, s->bits[k], w);
        for (uint32_t i = 0; i < w; i++) {
            s->bits[k][i] &= 1;
            (*flat)[off + i] = s->bits[k][i];
        }
        off += w;
    }
    return s;
}

/* Every party's outputs equal the plaintext ones, and only recipients get them. */
static void check_outputs(const struct mpcc_program *p, const uint8_t *flat,
                          struct mpcc_mp_local_result *res)
{
    struct mpcc_error err = {0};
    const struct circuit *c = p->circ;
    uint8_t *want = malloc(c->n_output_bits + 1);
    ck_assert_ptr_nonnull(want);
    ck_assert_int_eq(circ_eval_bits(c, flat, want, &err), MPCC_OK);
    for (uint32_t q = 0; q < p->iface->n_parties; q++) {
        uint64_t off = 0;
        for (uint32_t k = 0; k < c->n_outputs; k++) {
            bool to_q = iface_output_has_recipient(&p->iface->outputs[k], q);
            if (!to_q)
                ck_assert_msg(res[q].outputs[k] == NULL, "party %u got output %u", q, k);
            else
                ck_assert_msg(res[q].outputs[k] != NULL &&
                                  memcmp(res[q].outputs[k], want + off, c->output_widths[k]) == 0,
                              "party %u output %u differs from plaintext", q, k);
            off += c->output_widths[k];
        }
    }
    free(want);
}

static void run_program_locally(const char *src, uint32_t g, uint32_t e, int rounds)
{
    struct mpcc_program *p = compile(src);
    struct prg prg;
    prg_init_seed(&prg, blk_from_u64(0x1234, (uint64_t)g * 7 + e));
    uint32_t n = p->iface->n_parties;
    for (int r = 0; r < rounds; r++) {
        uint8_t *flat = NULL;
        struct values_set *in = random_inputs(p, &prg, &flat);
        struct mpcc_mp_local_result *res = calloc(n, sizeof *res);
        struct mpcc_error err = {0};
        ck_assert_ptr_nonnull(res);
        enum mpcc_status st = mpcc_mp_run_local(p, g, e, MPCC_MP_YAO, MPCC_GARBLING_AUTO, in, 20000, NULL, res, &err);
        ck_assert_msg(st == MPCC_OK, "run: %s", err.msg);
        check_outputs(p, flat, res);
        for (uint32_t q = 0; q < n; q++)
            mpcc_outputs_free(res[q].outputs, p->iface->n_outputs);
        free(res);
        free(flat);
        values_set_free(in);
    }
    prg_clear(&prg);
    prog_free(p);
}

START_TEST(three_parties_match_plaintext)
{
    run_program_locally(mult3_src, 0, 1, 3);
}
END_TEST

START_TEST(four_parties_match_plaintext_and_only_recipients_learn)
{
    run_program_locally(sum4_src, 0, 1, 3);
    run_program_locally(sum4_src, 3, 1, 2); /* the computing pair need not be first */
}
END_TEST

START_TEST(five_bidders_match_plaintext)
{
    run_program_locally(auction5_src, 0, 1, 2);
    run_program_locally(auction5_src, 4, 2, 1);
}
END_TEST

START_TEST(split_inputs_recombines_shares)
{
    struct mpcc_program *p = compile(sum4_src);
    const struct circuit *c = p->circ;
    struct mpcc_error err = {0};
    uint8_t split[4] = {0, 1, 0, 1};
    struct circuit *x = NULL;
    ck_assert_int_eq(circ_split_inputs(c, split, &x, &err), MPCC_OK);
    ck_assert_uint_eq(x->n_inputs, 6);
    ck_assert_uint_eq(x->n_input_bits, c->n_input_bits + 16 + 32);
    ck_assert_uint_eq(circ_count_op(x, CIRC_AND), circ_count_op(c, CIRC_AND));
    ck_assert_uint_eq(circ_count_op(x, CIRC_XOR), circ_count_op(c, CIRC_XOR) + 48);
    ck_assert_int_eq(circ_validate(x, &err), MPCC_OK);
    struct prg prg;
    prg_init_seed(&prg, blk_from_u64(5, 6));
    uint8_t in[16 + 16 + 16 + 32], xin[16 + 32 + 16 + 64], o1[64], o2[64];
    for (int r = 0; r < 50; r++) {
        prg_bytes(&prg, in, sizeof in);
        prg_bytes(&prg, xin, sizeof xin);
        for (size_t i = 0; i < sizeof in; i++)
            in[i] &= 1;
        for (size_t i = 0; i < sizeof xin; i++)
            xin[i] &= 1;
        /* a | b_A b_B | c | d_A d_B, with b_B = b ^ b_A, d_B = d ^ d_A */
        memcpy(xin, in, 16);
        for (int i = 0; i < 16; i++)
            xin[32 + i] = in[16 + i] ^ xin[16 + i];
        memcpy(xin + 48, in + 32, 16);
        for (int i = 0; i < 32; i++)
            xin[96 + i] = in[48 + i] ^ xin[64 + i];
        ck_assert_int_eq(circ_eval_bits(c, in, o1, &err), MPCC_OK);
        ck_assert_int_eq(circ_eval_bits(x, xin, o2, &err), MPCC_OK);
        ck_assert_mem_eq(o1, o2, c->n_output_bits);
    }
    prg_clear(&prg);
    circ_free(x);
    prog_free(p);
}
END_TEST

/* ---- statistics of the shares ----
 * For n bits the evaluator's share is x ^ r and the garbler's is r. Over
 * N = 4096 shares of an 8-bit input, each bit of either share must be set
 * between 1800 and 2296 times (|z| > 7.75 has probability < 1e-14 per bit),
 * and the 256 byte values must pass a chi-square test with 255 degrees of
 * freedom at 420 (p < 1e-9). We test x = 0 and x = 255: if the share
 * depended on x, one of the two would fail. */
#define N_SHARES 4096

static void check_uniform(const uint8_t *bytes, size_t n, const char *what)
{
    unsigned count[256] = {0}, ones[8] = {0};
    for (size_t i = 0; i < n; i++) {
        count[bytes[i]]++;
        for (int b = 0; b < 8; b++)
            ones[b] += (bytes[i] >> b) & 1;
    }
    for (int b = 0; b < 8; b++)
        ck_assert_msg(ones[b] >= 1800 && ones[b] <= 2296, "%s: bit %d set %u times of %zu", what,
                      b, ones[b], n);
    double expect = (double)n / 256, chi = 0;
    for (int v = 0; v < 256; v++)
        chi += (count[v] - expect) * (count[v] - expect) / expect;
    ck_assert_msg(chi < 420, "%s: chi-square %.1f over 255 degrees of freedom", what, chi);
}

START_TEST(shares_are_uniform_whatever_the_input)
{
    uint8_t *ga = malloc(N_SHARES), *eb = malloc(N_SHARES);
    ck_assert_ptr_nonnull(ga);
    ck_assert_ptr_nonnull(eb);
    struct mpcc_error err = {0};
    for (int x = 0; x <= 255; x += 255) {
        uint8_t bits[8];
        for (int b = 0; b < 8; b++)
            bits[b] = (uint8_t)((x >> b) & 1);
        for (int i = 0; i < N_SHARES; i++) {
            ck_assert_int_eq(proto_mp_make_shares(bits, 8, &ga[i], &eb[i], &err), MPCC_OK);
            ck_assert_uint_eq(ga[i] ^ eb[i], (unsigned)x);
        }
        check_uniform(ga, N_SHARES, x ? "garbler share of 255" : "garbler share of 0");
        check_uniform(eb, N_SHARES, x ? "evaluator share of 255" : "evaluator share of 0");
    }
    /* Unused high bits of the last byte are zero in both shares. */
    uint8_t bits3[3] = {1, 0, 1}, a = 0xff, b = 0xff;
    for (int i = 0; i < 64; i++) {
        ck_assert_int_eq(proto_mp_make_shares(bits3, 3, &a, &b, &err), MPCC_OK);
        ck_assert_uint_eq(a & 0xf8, 0);
        ck_assert_uint_eq(b & 0xf8, 0);
        ck_assert_uint_eq(a ^ b, 5);
    }
    free(ga);
    free(eb);
}
END_TEST

/* ---- threads with fakes: parties that misbehave, and a tap on the shares ---- */

struct party_thread {
    struct mpcc_mp_session s;
    struct net_channel *chans[8];
    const struct values_set *in;
    uint8_t **outputs;
    struct mpcc_error err;
    enum mpcc_status st;
    int fake;         /* 0 honest; 1 short share; 2 vanish after hello; 3 tap (record shares) */
    uint8_t tap[16];  /* fake 3: the share frame received from the input party */
    uint32_t tap_from;
};

static void *party_main(void *arg)
{
    struct party_thread *t = arg;
    uint32_t n = t->s.prog->iface->n_parties;
    enum mpcc_status st = MPCC_OK;
    for (uint32_t p = 0; st == MPCC_OK && p < n; p++)
        if (t->chans[p] != NULL)
            st = mpcc_mp_hello(&t->s, t->chans[p], p, &t->err);
    if (st == MPCC_OK && t->fake == 0) {
        st = mpcc_mp_run_program(&t->s, t->chans, t->in, &t->outputs, NULL, &t->err);
    } else if (st == MPCC_OK && t->fake == 1) {
        uint8_t junk[3] = {1, 2, 3}; /* uint32 input needs 4 bytes */
        st = net_send_frame(t->chans[t->s.garbler], PROTO_FRAME_SHARE, junk, 3, &t->err);
        if (st == MPCC_OK)
            st = net_send_frame(t->chans[t->s.evaluator], PROTO_FRAME_SHARE, junk, 3, &t->err);
        net_flush(t->chans[t->s.garbler], &t->err);
        net_flush(t->chans[t->s.evaluator], &t->err);
        uint8_t d[8];
        if (st == MPCC_OK)
            st = proto_mp_recv(t->chans[t->s.garbler], PROTO_FRAME_OUTD, d, 1, "out", &t->err);
    } else if (st == MPCC_OK && t->fake == 3) {
        st = proto_mp_recv(t->chans[t->tap_from], PROTO_FRAME_SHARE, t->tap, 1, "share",
                           &t->err);
        /* Answer the input party's transcript check, as a real computing
         * party would, so that it goes on to hear our abort. */
        if (st == MPCC_OK)
            st = net_confirm_transcript(t->chans[t->tap_from], "tap", &t->err);
        mpcc_mp_abort(&t->s, t->chans, "tap done");
    }
    for (uint32_t p = 0; p < n; p++) {
        net_free(t->chans[p]);
        t->chans[p] = NULL;
    }
    t->st = st;
    return NULL;
}

/* Runs every party in a thread; fake[q] says how party q behaves. */
static void run_threads(const struct mpcc_program *p, uint32_t g, uint32_t e, const int *fake,
                        const struct values_set *in, struct party_thread *t)
{
    struct mpcc_error err = {0};
    uint32_t n = p->iface->n_parties;
    memset(t, 0, n * sizeof *t);
    for (uint32_t q = 0; q < n; q++) {
        ck_assert_int_eq(mpcc_mp_session_init(&t[q].s, p, q, g, e, &err), MPCC_OK);
        t[q].in = in;
        t[q].fake = fake[q];
    }
    for (uint32_t a = 0; a < n; a++)
        for (uint32_t b = a + 1; b < n; b++)
            if (mpcc_mp_linked(&t[0].s, a, b))
                ck_assert_int_eq(net_mem_pair(p->iface->parties[a], p->iface->parties[b], 10000,
                                              &t[a].chans[b], &t[b].chans[a], &err),
                                 MPCC_OK);
    pthread_t th[8];
    for (uint32_t q = 0; q < n; q++)
        ck_assert_int_eq(pthread_create(&th[q], NULL, party_main, &t[q]), 0);
    for (uint32_t q = 0; q < n; q++)
        pthread_join(th[q], NULL);
}

static struct values_set *fixed_inputs(const struct mpcc_program *p, const char *const *assign)
{
    struct mpcc_error err = {0};
    struct values_set *s = values_set_new(p->iface, VALUES_ANY_PARTY, &err);
    ck_assert_ptr_nonnull(s);
    for (; *assign; assign++)
        ck_assert_msg(values_set_assign(s, *assign, &err) == MPCC_OK, "%s", err.msg);
    return s;
}

static void free_threads(const struct mpcc_program *p, struct party_thread *t)
{
    for (uint32_t q = 0; q < p->iface->n_parties; q++)
        mpcc_outputs_free(t[q].outputs, p->iface->n_outputs);
}

START_TEST(short_share_is_named_by_everyone)
{
    struct mpcc_program *p = compile(sum4_src);
    static const char *const in[] = {"q1:a=1", "q2:b=2", "q3:c=3", "q4:d=4", NULL};
    struct values_set *vs = fixed_inputs(p, in);
    struct party_thread t[4];
    int fake[4] = {0, 0, 0, 1};
    run_threads(p, 0, 1, fake, vs, t);
    for (int q = 0; q < 3; q++) {
        ck_assert_int_ne(t[q].st, MPCC_OK);
        ck_assert_msg(strstr(t[q].err.msg, "'q4'") != NULL, "party %d: %s", q, t[q].err.msg);
    }
    ck_assert_msg(strstr(t[0].err.msg, "peer 'q4' (in-memory) sent 3 bytes of input share, expected 4") !=
                      NULL,
                  "%s", t[0].err.msg);
    free_threads(p, t);
    values_set_free(vs);
    prog_free(p);
}
END_TEST

START_TEST(vanished_party_is_named_by_everyone)
{
    struct mpcc_program *p = compile(sum4_src);
    static const char *const in[] = {"q1:a=1", "q2:b=2", "q3:c=3", "q4:d=4", NULL};
    struct values_set *vs = fixed_inputs(p, in);
    struct party_thread t[4];
    int fake[4] = {0, 0, 0, 2};
    run_threads(p, 0, 1, fake, vs, t);
    for (int q = 0; q < 3; q++) {
        ck_assert_int_ne(t[q].st, MPCC_OK);
        ck_assert_msg(strstr(t[q].err.msg, "'q4'") != NULL, "party %d: %s", q, t[q].err.msg);
    }
    free_threads(p, t);
    values_set_free(vs);
    prog_free(p);
}
END_TEST

struct hello_side {
    struct mpcc_mp_session *s;
    struct net_channel *ch;
    uint32_t peer;
    struct mpcc_error err;
};

static void *hello_main(void *arg)
{
    struct hello_side *h = arg;
    mpcc_mp_hello(h->s, h->ch, h->peer, &h->err);
    return NULL;
}

START_TEST(configuration_mismatch_is_refused)
{
    struct mpcc_program *p = compile(mult3_src);
    struct mpcc_error err = {0};
    struct mpcc_mp_session a, b;
    ck_assert_int_eq(mpcc_mp_session_init(&a, p, 0, 0, 1, &err), MPCC_OK);
    ck_assert_int_eq(mpcc_mp_session_init(&b, p, 1, 1, 0, &err), MPCC_OK);
    struct net_channel *ca = NULL, *cb = NULL;
    ck_assert_int_eq(net_mem_pair("p1", "p2", 5000, &ca, &cb, &err), MPCC_OK);
    struct mpcc_error ea = {0};
    struct hello_side hb = {&b, cb, 0, {0}};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, hello_main, &hb), 0);
    ck_assert_int_ne(mpcc_mp_hello(&a, ca, 1, &ea), MPCC_OK);
    pthread_join(th, NULL);
    ck_assert_msg(strstr(hb.err.msg, "party 'p1' has garbler 'p1' and evaluator 'p2'") != NULL,
                  "%s", hb.err.msg);
    const char *want = "run configuration mismatch: we have garbler 'p1' and evaluator 'p2', "
                       "party 'p2' has garbler 'p2' and evaluator 'p1'";
    ck_assert_msg(strstr(ea.msg, want) != NULL, "%s", ea.msg);
    net_free(ca);
    net_free(cb);
    ck_assert_int_ne(mpcc_mp_session_init(&a, p, 0, 2, 2, &err), MPCC_OK);
    ck_assert_msg(strstr(err.msg, "cannot both garble and evaluate") != NULL, "%s", err.msg);
    prog_free(p);
}
END_TEST

/* One run of byte3_src where both computing parties are taps: returns the
 * share each received from the input party h. */
static void tap_once(const struct mpcc_program *p, const struct values_set *vs, uint8_t *seen_g,
                     uint8_t *seen_e)
{
    struct party_thread t[3];
    int fake[3] = {3, 3, 0};
    memset(t, 0, sizeof t);
    struct mpcc_error err = {0};
    for (uint32_t q = 0; q < 3; q++) {
        ck_assert_int_eq(mpcc_mp_session_init(&t[q].s, p, q, 0, 1, &err), MPCC_OK);
        t[q].in = vs;
        t[q].fake = fake[q];
        t[q].tap_from = 2;
    }
    for (uint32_t a = 0; a < 3; a++)
        for (uint32_t b = a + 1; b < 3; b++)
            ck_assert_int_eq(net_mem_pair(p->iface->parties[a], p->iface->parties[b], 10000,
                                          &t[a].chans[b], &t[b].chans[a], &err),
                             MPCC_OK);
    pthread_t th[3];
    for (int q = 0; q < 3; q++)
        ck_assert_int_eq(pthread_create(&th[q], NULL, party_main, &t[q]), 0);
    for (int q = 0; q < 3; q++)
        pthread_join(th[q], NULL);
    ck_assert_msg(t[0].st == MPCC_OK, "%s", t[0].err.msg);
    ck_assert_msg(t[1].st == MPCC_OK, "%s", t[1].err.msg);
    ck_assert_int_ne(t[2].st, MPCC_OK); /* the input party hears "tap done" */
    ck_assert_msg(strstr(t[2].err.msg, "stopped the run: tap done") != NULL, "%s", t[2].err.msg);
    *seen_g = t[0].tap[0];
    *seen_e = t[1].tap[0];
    free_threads(p, t);
}

/* End to end through the real input-party code: the shares the garbler and
 * the evaluator receive recombine to the input, differ between runs with the
 * same input, and their bits are balanced whether the input is 0x00 or 0xff:
 * over 160 runs each bit must be set 40..120 times (|z| > 6.3, probability
 * below 3e-10 per bit and input). */
#define TAP_RUNS 160

START_TEST(shares_seen_by_computing_parties_are_fresh_and_balanced)
{
    struct mpcc_program *p = compile(byte3_src);
    static const char *const in0[] = {"h:secret=0", "g:k=0", NULL};
    static const char *const in1[] = {"h:secret=0xff", "g:k=0", NULL};
    for (int which = 0; which < 2; which++) {
        struct values_set *vs = fixed_inputs(p, which ? in1 : in0);
        unsigned ones_g[8] = {0}, ones_e[8] = {0};
        uint8_t first_g = 0, first_e = 0;
        int differ_g = 0, differ_e = 0;
        for (int r = 0; r < TAP_RUNS; r++) {
            uint8_t g, e;
            tap_once(p, vs, &g, &e);
            ck_assert_uint_eq(g ^ e, which ? 0xffu : 0u);
            if (r == 0)
                first_g = g, first_e = e;
            differ_g |= g != first_g;
            differ_e |= e != first_e;
            for (int b = 0; b < 8; b++) {
                ones_g[b] += (g >> b) & 1;
                ones_e[b] += (e >> b) & 1;
            }
        }
        ck_assert(differ_g && differ_e);
        for (int b = 0; b < 8; b++) {
            ck_assert_msg(ones_g[b] >= 40 && ones_g[b] <= 120, "garbler bit %d: %u of %d", b,
                          ones_g[b], TAP_RUNS);
            ck_assert_msg(ones_e[b] >= 40 && ones_e[b] <= 120, "evaluator bit %d: %u of %d", b,
                          ones_e[b], TAP_RUNS);
        }
        values_set_free(vs);
    }
    prog_free(p);
}
END_TEST

START_TEST(roster_reads_lines_and_names_errors)
{
    struct mpcc_error err = {0};
    const char good[] = "# parties\nh1 127.0.0.1:7001   # garbler\n\nh2 [::1]:7002 h2.pem\n"
                        "h3 host.example:7003 SHA256:00112233445566778899AABBCCDDEEFF"
                        "0123456789abcdef0123456789abcdef\n";
    char *path = ts_write_temp(good, sizeof good - 1);
    struct mpcc_roster *r = mpcc_roster_new(&err);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(mpcc_roster_read_file(r, path, &err) == MPCC_OK, "%s", err.msg);
    ck_assert_uint_eq(r->n, 3);
    ck_assert_str_eq(mpcc_roster_find(r, "h2")->addr, "[::1]:7002");
    ck_assert_str_eq(mpcc_roster_find(r, "h2")->cert, "h2.pem");
    ck_assert_ptr_null(mpcc_roster_find(r, "h1")->cert);
    ck_assert_int_eq(mpcc_roster_find(r, "h1")->has_fingerprint, 0);
    /* A third column "SHA256:..." is the identity key's fingerprint, not a file. */
    ck_assert_ptr_null(mpcc_roster_find(r, "h3")->cert);
    ck_assert_int_eq(mpcc_roster_find(r, "h3")->has_fingerprint, 1);
    ck_assert_uint_eq(mpcc_roster_find(r, "h3")->fingerprint[0], 0x00);
    ck_assert_uint_eq(mpcc_roster_find(r, "h3")->fingerprint[5], 0x55);
    ck_assert_uint_eq(mpcc_roster_find(r, "h3")->fingerprint[15], 0xff);
    ck_assert_uint_eq(mpcc_roster_find(r, "h3")->fingerprint[31], 0xef);
    ck_assert_int_ne(mpcc_roster_add(r, "h5", "x:5", "sha256:12", &err), MPCC_OK);
    ck_assert_str_eq(err.msg, "party 'h5': 'sha256:12' is not SHA256: and 64 hex digits");
    ck_assert_ptr_null(mpcc_roster_find(r, "h4"));
    ck_assert_int_ne(mpcc_roster_add(r, "h1", "x:1", NULL, &err), MPCC_OK);
    ck_assert_str_eq(err.msg, "party 'h1' is listed twice");
    mpcc_roster_free(r);
    unlink(path);
    free(path);

    const char bad[] = "h1 127.0.0.1:7001\nh2 127.0.0.1:7002 a.pem extra\n";
    path = ts_write_temp(bad, sizeof bad - 1);
    r = mpcc_roster_new(&err);
    ck_assert_int_ne(mpcc_roster_read_file(r, path, &err), MPCC_OK);
    char want[512];
    snprintf(want, sizeof want, "%s:2: expected 'NAME HOST:PORT [CERT.pem | SHA256:FINGERPRINT]'", path);
    ck_assert_str_eq(err.msg, want);
    mpcc_roster_free(r);
    unlink(path);
    free(path);
}
END_TEST

static Suite *multiparty_suite(void)
{
    Suite *s = suite_create("multiparty");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, split_inputs_recombines_shares);
    tcase_add_test(tc, three_parties_match_plaintext);
    tcase_add_test(tc, four_parties_match_plaintext_and_only_recipients_learn);
    tcase_add_test(tc, five_bidders_match_plaintext);
    tcase_add_test(tc, shares_are_uniform_whatever_the_input);
    tcase_add_test(tc, short_share_is_named_by_everyone);
    tcase_add_test(tc, vanished_party_is_named_by_everyone);
    tcase_add_test(tc, configuration_mismatch_is_refused);
    tcase_add_test(tc, shares_seen_by_computing_parties_are_fresh_and_balanced);
    tcase_add_test(tc, roster_reads_lines_and_names_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(multiparty_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
