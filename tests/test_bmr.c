/* test_bmr.c - N-party garbling (runtime/bmr): N parties in N threads over
 * in-memory channels (ts_bmr_run) compute random circuits (2 to 9 parties,
 * one or more windows, free gates only) and a compiled program with calls,
 * and every recipient's outputs must equal plaintext evaluation; outputs
 * go to their recipients only; a missing party fails every other party. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/circuit.h"
#include "circuits/compact.h"
#include "circuits/eval.h"
#include "circuits/program.h"
#include "compiler.h"
#include "runtime/bmr/bmr.h"
#include "runtime/net/net.h"
#include "test_support.h"

static struct circuit *random_circuit(unsigned seed, uint32_t n_values, uint32_t width,
                                      uint32_t n_gates, uint32_t n_out_values)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_ptr_nonnull(c);
    srand(seed);
    for (uint32_t v = 0; v < n_values; v++)
        ck_assert_int_eq(circ_add_input(c, width, &err), MPCC_OK);
    uint32_t w = n_values * width;
    for (uint32_t i = 0; i < n_gates; i++, w++) {
        uint32_t a = (uint32_t)rand() % w, b = (uint32_t)rand() % w;
        enum circ_op op = (enum circ_op)(rand() % 3);
        ck_assert_int_eq(circ_add_gate(c, op, a, op == CIRC_INV ? a : b, w, &err), MPCC_OK);
    }
    for (uint32_t v = 0; v < n_out_values; v++) {
        uint32_t outs[8];
        for (int i = 0; i < 8; i++)
            outs[i] = w - 1 - (uint32_t)rand() % (n_gates / 2 + 1);
        ck_assert_int_eq(circ_add_output(c, 8, outs, &err), MPCC_OK);
    }
    ck_assert_int_eq(circ_compact(c, &err), MPCC_OK);
    return c;
}

static uint8_t *random_bits(uint64_t n)
{
    uint8_t *b = malloc(n + 1);
    ck_assert_ptr_nonnull(b);
    for (uint64_t i = 0; i < n; i++)
        b[i] = (uint8_t)(rand() & 1);
    return b;
}

START_TEST(bmr_random_circuits_match_plaintext)
{
    /* 3, 4 and 5 parties, each party evaluating in turn; 2 parties too. */
    for (uint32_t n = 2; n <= 5; n++)
        for (uint32_t ev = 0; ev < n; ev++) {
            unsigned seed = 100 * n + ev;
            struct circuit *c = random_circuit(seed, 2 * n, 8, 3000, 4);
            uint64_t rec[4] = {1u << ev, (1u << n) - 1, 1u << ((ev + 1) % n), 0};
            rec[3] = (1u << n) - 1 - (1u << ev); /* everybody but the evaluator */
            uint8_t *in = random_bits(c->n_input_bits);
            ck_assert_uint_eq(ts_bmr_run(c, n, ev, rec, in, -1), 0);
            free(in);
            circ_free(c);
        }
}
END_TEST

/* More AND gates than one window, and a circuit of free gates only. */
START_TEST(bmr_windows_and_free_circuits)
{
    struct circuit *c = random_circuit(7, 6, 16, 80000, 3); /* ~27 000 AND: two windows */
    uint64_t rec[3] = {7, 1, 4};
    uint8_t *in = random_bits(c->n_input_bits);
    ck_assert_uint_eq(ts_bmr_run(c, 3, 1, rec, in, -1), 0);
    free(in);
    circ_free(c);
    /* XOR and NOT only */
    struct mpcc_error err = {0};
    c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 4, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_input(c, 4, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_input(c, 4, &err), MPCC_OK);
    uint32_t outs[4];
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, i, 4 + i, 12 + i, &err), MPCC_OK);
        ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 12 + i, 8 + i, 16 + i, &err), MPCC_OK);
        ck_assert_int_eq(circ_add_gate(c, CIRC_INV, 16 + i, 16 + i, 20 + i, &err), MPCC_OK);
        outs[i] = 20 + i;
    }
    ck_assert_int_eq(circ_add_output(c, 4, outs, &err), MPCC_OK);
    uint64_t r1[1] = {7};
    uint8_t bits[12] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0};
    ck_assert_uint_eq(ts_bmr_run(c, 3, 2, r1, bits, -1), 0);
    circ_free(c);
}
END_TEST

/* Nine parties: the window shrinks with N^2 (bmr_window_size), so these
 * ~7 000 AND gates take two windows. */
START_TEST(bmr_nine_parties)
{
    struct circuit *c = random_circuit(11, 9, 4, 21000, 2);
    uint64_t rec[2] = {0x1ff, 0x101};
    uint8_t *in = random_bits(c->n_input_bits);
    ck_assert_uint_eq(ts_bmr_run(c, 9, 4, rec, in, -1), 0);
    free(in);
    circ_free(c);
}
END_TEST

/* A compiled program whose loops are subcircuits (calls, a repeated call):
 * the walk expands them on the fly. */
START_TEST(bmr_circuits_with_calls)
{
    static const char src[] =
        "party p1, p2, p3;\n"
        "const N = 9;\n"
        "input p1 uint16 a[N];\n"
        "input p2 uint16 b[N];\n"
        "input p3 uint16 c[N];\n"
        "uint32 s = 0;\n"
        "for i in 0..N { s += uint32(a[i]) * uint32(b[i]) + uint32(c[i]); }\n"
        "uint16 m = a[0];\n"
        "for i in 1..N { if (c[i] > m) { m = c[i]; } }\n"
        "output all s;\n"
        "output p2 m;\n";
    struct compile_options o = {0};
    o.subcircuits = MPCC_SUBS_ALWAYS;
    struct mpcc_program *prog = NULL;
    struct mpcc_error err = {0};
    ck_assert_msg(mpcc_compile_source("calls.mpc", src, sizeof src - 1, &o, &prog, &err) ==
                  MPCC_OK, "%s", err.msg);
    ck_assert_uint_gt(prog->circ->n_calls, 0);
    uint64_t rec[2] = {7, 2};
    for (unsigned seed = 1; seed <= 3; seed++) {
        srand(seed);
        uint8_t *in = random_bits(prog->circ->n_input_bits);
        ck_assert_uint_eq(ts_bmr_run(prog->circ, 3, seed % 3, rec, in, -1), 0);
        free(in);
    }
    prog_free(prog);
}
END_TEST

/* A party that is gone: every other party fails with a message, none
 * returns outputs. */
START_TEST(bmr_missing_party_fails_everyone)
{
    struct circuit *c = random_circuit(9, 6, 8, 2000, 2);
    uint64_t rec[2] = {7, 7};
    uint8_t *in = random_bits(c->n_input_bits);
    for (int cut = 0; cut < 3; cut++)
        ck_assert_uint_eq(ts_bmr_run(c, 3, 1, rec, in, cut), 2);
    free(in);
    circ_free(c);
}
END_TEST

int main(void)
{
    const TTest *tests[] = {bmr_random_circuits_match_plaintext, bmr_windows_and_free_circuits,
                            bmr_circuits_with_calls, bmr_nine_parties,
                            bmr_missing_party_fails_everyone};
    return ts_run_tests("bmr", tests, sizeof tests / sizeof tests[0], 300);
}
