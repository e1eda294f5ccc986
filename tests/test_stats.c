/* test_stats.c - circuit statistics (stats.h): counts, AND-depth, depth and
 * peak live wires on hand-built circuits with known answers, a brute-force
 * cross-check of peak live wires on random circuits with slot reuse, and the
 * reference circuits' gate counts from the shared README table. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/bristol.h"
#include "circuits/circuit.h"
#include "circuits/stats.h"
#include "test_support.h"

static struct circuit *tst_circ(uint32_t n_input_bits)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_ptr_nonnull(c);
    if (n_input_bits > 0)
        ck_assert_int_eq(circ_add_input(c, n_input_bits, &err), MPCC_OK);
    return c;
}

static void tst_gate(struct circuit *c, enum circ_op op, uint32_t a, uint32_t b, uint32_t out)
{
    struct mpcc_error err = {0};
    ck_assert_int_eq(circ_add_gate(c, op, a, b, out, &err), MPCC_OK);
}

static void tst_out(struct circuit *c, uint32_t n, const uint32_t *wires)
{
    struct mpcc_error err = {0};
    ck_assert_int_eq(circ_add_output(c, n, wires, &err), MPCC_OK);
}

static struct circ_stats tst_stats(const struct circuit *c)
{
    struct mpcc_error err = {0};
    struct circ_stats st;
    ck_assert_msg(circ_stats_compute(c, &st, &err) == MPCC_OK, "%s", err.msg);
    return st;
}

START_TEST(stats_counts_and_depths_of_a_small_circuit)
{
    /* inputs a b c d (0..3); e = a&b (4); f = c^d (5); g = !e (6);
     * h = g&f (7); i = h^a (8); outputs h, i. */
    struct circuit *c = tst_circ(4);
    tst_gate(c, CIRC_AND, 0, 1, 4);
    tst_gate(c, CIRC_XOR, 2, 3, 5);
    tst_gate(c, CIRC_INV, 4, 4, 6);
    tst_gate(c, CIRC_AND, 6, 5, 7);
    tst_gate(c, CIRC_XOR, 7, 0, 8);
    tst_out(c, 2, (uint32_t[]){7, 8});
    struct circ_stats st = tst_stats(c);
    ck_assert_uint_eq(st.n_gates, 5);
    ck_assert_uint_eq(st.n_and, 2);
    ck_assert_uint_eq(st.n_xor, 2);
    ck_assert_uint_eq(st.n_inv, 1);
    ck_assert_uint_eq(st.n_wires, 9);
    ck_assert_uint_eq(st.n_inputs, 1);
    ck_assert_uint_eq(st.n_input_bits, 4);
    ck_assert_uint_eq(st.n_outputs, 1);
    ck_assert_uint_eq(st.n_output_bits, 2);
    ck_assert_uint_eq(st.and_depth, 2); /* a&b -> ! -> &f */
    ck_assert_uint_eq(st.depth, 4);     /* a&b -> ! -> &f -> ^a */
    circ_free(c);
}
END_TEST

START_TEST(stats_and_depth_ignores_xor_chains_and_counts_and_trees)
{
    /* 8 inputs; a long XOR chain (depth 7, AND-depth 0) and a balanced AND
     * tree over the same inputs (AND-depth 3). */
    struct circuit *c = tst_circ(8);
    uint32_t w = 8, acc = 0;
    for (uint32_t i = 1; i < 8; i++) {
        tst_gate(c, CIRC_XOR, acc, i, w);
        acc = w++;
    }
    uint32_t level[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    for (uint32_t n = 8; n > 1; n /= 2)
        for (uint32_t i = 0; i < n / 2; i++) {
            tst_gate(c, CIRC_AND, level[2 * i], level[2 * i + 1], w);
            level[i] = w++;
        }
    tst_out(c, 2, (uint32_t[]){acc, level[0]});
    struct circ_stats st = tst_stats(c);
    ck_assert_uint_eq(st.n_xor, 7);
    ck_assert_uint_eq(st.n_and, 7);
    ck_assert_uint_eq(st.and_depth, 3);
    ck_assert_uint_eq(st.depth, 7);
    circ_free(c);
}
END_TEST

START_TEST(stats_empty_and_gateless_circuits)
{
    struct circuit *c = tst_circ(0);
    struct circ_stats st = tst_stats(c);
    ck_assert_uint_eq(st.n_gates, 0);
    ck_assert_uint_eq(st.peak_live_wires, 0);
    ck_assert_uint_eq(st.and_depth, 0);
    circ_free(c);
    c = tst_circ(3); /* output = input 1: all three inputs live at the start */
    tst_out(c, 1, (uint32_t[]){1});
    st = tst_stats(c);
    ck_assert_uint_eq(st.peak_live_wires, 3);
    ck_assert_uint_eq(st.depth, 0);
    circ_free(c);
}
END_TEST

START_TEST(stats_peak_live_wires_known_answers)
{
    /* Two ANDs feeding an XOR: inputs are the peak (4), then 3, 2, 1. */
    struct circuit *c = tst_circ(4);
    tst_gate(c, CIRC_AND, 0, 1, 4);
    tst_gate(c, CIRC_AND, 2, 3, 5);
    tst_gate(c, CIRC_XOR, 4, 5, 6);
    tst_out(c, 1, (uint32_t[]){6});
    ck_assert_uint_eq(tst_stats(c).peak_live_wires, 4);
    circ_free(c);

    /* Growing: a (output, live to the end); b = !a; c = a^b; d = b&c; e = c^d.
     * Live after each gate: {a,b} {a,b,c} {a,c,d} {a,e}: peak 3. */
    c = tst_circ(1);
    tst_gate(c, CIRC_INV, 0, 0, 1);
    tst_gate(c, CIRC_XOR, 0, 1, 2);
    tst_gate(c, CIRC_AND, 1, 2, 3);
    tst_gate(c, CIRC_XOR, 2, 3, 4);
    tst_out(c, 2, (uint32_t[]){4, 0});
    ck_assert_uint_eq(tst_stats(c).peak_live_wires, 3);
    circ_free(c);

    /* A value nobody reads is counted at its birth only: {a,b,x} -> 3. */
    c = tst_circ(2);
    tst_gate(c, CIRC_AND, 0, 1, 2);
    tst_gate(c, CIRC_XOR, 0, 1, 3);
    tst_out(c, 1, (uint32_t[]){3});
    ck_assert_uint_eq(tst_stats(c).peak_live_wires, 3);
    circ_free(c);

    /* Many fan-outs kept alive: 2 inputs, 6 values all outputs: 8 at the end. */
    c = tst_circ(2);
    for (uint32_t i = 0; i < 6; i++)
        tst_gate(c, i % 2 ? CIRC_AND : CIRC_XOR, 0, 1, 2 + i);
    tst_out(c, 8, (uint32_t[]){0, 1, 2, 3, 4, 5, 6, 7});
    ck_assert_uint_eq(tst_stats(c).peak_live_wires, 8);
    circ_free(c);
}
END_TEST

START_TEST(stats_peak_live_wires_with_slot_reuse)
{
    /* a (0), b (1); slot 2 = a&b; slot 2 = slot 2 ^ a (in place: the old value
     * dies as the new one is born); slot 0 = !slot 2; output slot 0.
     * Live: start {a,b}=2; {a,s2}=2; {s2'}=1; {s0'}=1. */
    struct circuit *c = tst_circ(2);
    tst_gate(c, CIRC_AND, 0, 1, 2);
    tst_gate(c, CIRC_XOR, 2, 0, 2);
    tst_gate(c, CIRC_INV, 2, 2, 0);
    tst_out(c, 1, (uint32_t[]){0});
    struct circ_stats st = tst_stats(c);
    ck_assert_uint_eq(st.peak_live_wires, 2);
    ck_assert_uint_eq(st.n_wires, 3);
    ck_assert_uint_eq(st.and_depth, 1);
    ck_assert_uint_eq(st.depth, 3);
    circ_free(c);
}
END_TEST

START_TEST(stats_refuses_read_before_write)
{
    struct circuit *c = tst_circ(2);
    tst_gate(c, CIRC_XOR, 0, 5, 2);
    tst_gate(c, CIRC_XOR, 0, 1, 5);
    struct mpcc_error err = {0};
    struct circ_stats st;
    ck_assert_int_eq(circ_stats_compute(c, &st, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "gate 0 reads wire 5 before it is written");
    circ_free(c);
}
END_TEST

/* ---- brute force: peak live wires from explicit value lifetimes ---- */

static uint64_t tst_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A value is born at gate `birth` (-1 for inputs) in slot s; its reads are the
 * reads of s by later gates up to and including the next gate writing s. It
 * counts as live at time t (t = -1 start, else after gate t) if born at or
 * before t and (born at t, or an output still in its slot at the end, or read
 * after t). */
static uint64_t tst_brute_peak(const struct circuit *c)
{
    const int64_t n = (int64_t)c->n_gates;
    uint64_t peak = 0;
    for (int64_t t = -1; t < n; t++) {
        uint64_t live = 0;
        for (int64_t v = -(int64_t)c->n_input_bits; v < n; v++) {
            int64_t birth = v < 0 ? -1 : v;
            uint32_t s = v < 0 ? (uint32_t)(v + (int64_t)c->n_input_bits) : c->gates[v].out;
            if (birth > t)
                continue;
            int alive = birth == t, overwritten = 0;
            for (int64_t j = birth + 1; j < n && !alive; j++) {
                const struct circ_gate *g = &c->gates[j];
                if ((g->in0 == s || g->in1 == s) && j > t)
                    alive = 1;
                if (g->out == s) {
                    overwritten = 1;
                    break;
                }
            }
            if (!alive && !overwritten)
                for (uint64_t k = 0; k < c->n_output_bits; k++)
                    if (c->output_wires[k] == s)
                        alive = 1;
            live += (uint64_t)alive;
        }
        if (live > peak)
            peak = live;
    }
    return peak;
}

START_TEST(stats_peak_live_matches_brute_force_on_random_circuits)
{
    uint64_t seed = 99;
    for (int round = 0; round < 200; round++) {
        const uint32_t n_in = 1 + (uint32_t)(tst_rand(&seed) % 6);
        const uint32_t n_slots = n_in + (uint32_t)(tst_rand(&seed) % 8);
        const uint32_t n_gates = (uint32_t)(tst_rand(&seed) % 40);
        struct circuit *c = tst_circ(n_in);
        uint8_t written[16] = {0};
        uint32_t ws[16], n_written = n_in;
        for (uint32_t i = 0; i < n_in; i++) {
            written[i] = 1;
            ws[i] = i;
        }
        for (uint32_t i = 0; i < n_gates; i++) {
            uint32_t a = ws[tst_rand(&seed) % n_written], b = ws[tst_rand(&seed) % n_written];
            uint32_t out = (uint32_t)(tst_rand(&seed) % n_slots);
            enum circ_op op = (enum circ_op)(tst_rand(&seed) % 3);
            tst_gate(c, op, a, op == CIRC_INV ? a : b, out);
            if (!written[out]) {
                written[out] = 1;
                ws[n_written++] = out;
            }
        }
        uint32_t outs[4];
        const uint32_t n_out = 1 + (uint32_t)(tst_rand(&seed) % 4);
        for (uint32_t k = 0; k < n_out; k++)
            outs[k] = ws[tst_rand(&seed) % n_written];
        tst_out(c, n_out, outs);
        ck_assert_msg(tst_stats(c).peak_live_wires == tst_brute_peak(c), "round %d: %llu vs %llu",
                      round, (unsigned long long)tst_stats(c).peak_live_wires,
                      (unsigned long long)tst_brute_peak(c));
        circ_free(c);
    }
}
END_TEST

/* ---- reference circuits: the README table ---- */

START_TEST(stats_reference_gate_counts_match_readme_table)
{
    const char *shared = ts_shared_dir();
    if (shared == NULL)
        return;
    /* Gates in the IR: the file's gate lines minus EQW copies, which the
     * reader turns into wire aliases. */
    static const struct {
        const char *name;
        uint64_t gates, n_and, n_xor, n_inv;
        uint64_t in_bits, out_bits;
    } table[] = {
        {"adder64", 376, 63, 313, 0, 128, 64},
        {"sub64", 439, 63, 313, 63, 128, 64},
        {"neg64", 189, 62, 63, 64, 64, 64}, /* the table's 190 counts an EQW (a wire alias) */
        {"zero_equal", 127, 63, 0, 64, 64, 1},
        {"mult64", 13675, 4033, 9642, 0, 128, 64},
        {"mult2_64", 28032, 8128, 19904, 0, 128, 128},
        {"udivide64", 16952, 4285, 12603, 64, 128, 64},
        {"aes_128", 36663, 6400, 28176, 2087, 256, 128},
        {"aes_256", 50666, 8832, 39008, 2826, 384, 128},
        {"sha256", 135073, 22573, 110644, 1856, 768, 256},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/circuits/bristol/%s.txt", shared, table[i].name);
        struct mpcc_error err = {0};
        struct circuit *c = circ_read_bristol_file(path, &err);
        ck_assert_msg(c != NULL, "%s: %s", path, err.msg);
        struct circ_stats st = tst_stats(c);
        ck_assert_msg(st.n_gates == table[i].gates && st.n_and == table[i].n_and &&
                          st.n_xor == table[i].n_xor && st.n_inv == table[i].n_inv,
                      "%s: %llu gates, %llu AND, %llu XOR, %llu INV", table[i].name,
                      (unsigned long long)st.n_gates, (unsigned long long)st.n_and,
                      (unsigned long long)st.n_xor, (unsigned long long)st.n_inv);
        ck_assert_uint_eq(st.n_input_bits, table[i].in_bits);
        ck_assert_uint_eq(st.n_output_bits, table[i].out_bits);
        ck_assert_uint_le(st.and_depth, st.n_and);
        ck_assert_uint_le(st.peak_live_wires, st.n_wires);
        ck_assert_uint_ge(st.peak_live_wires, st.n_input_bits);
        if (strcmp(table[i].name, "adder64") == 0)
            ck_assert_uint_eq(st.and_depth, 63); /* a ripple carry chain */
        circ_free(c);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("hand_built");
    tcase_add_test(tc, stats_counts_and_depths_of_a_small_circuit);
    tcase_add_test(tc, stats_and_depth_ignores_xor_chains_and_counts_and_trees);
    tcase_add_test(tc, stats_empty_and_gateless_circuits);
    tcase_add_test(tc, stats_peak_live_wires_known_answers);
    tcase_add_test(tc, stats_peak_live_wires_with_slot_reuse);
    tcase_add_test(tc, stats_refuses_read_before_write);
    tcase_add_test(tc, stats_peak_live_matches_brute_force_on_random_circuits);
    suite_add_tcase(s, tc);
    TCase *ref = tcase_create("reference");
    tcase_set_timeout(ref, 300);
    tcase_add_test(ref, stats_reference_gate_counts_match_readme_table);
    suite_add_tcase(s, ref);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
