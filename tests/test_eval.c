/* test_eval.c - the plaintext evaluator (eval.h) and hexadecimal values
 * (hexval.h): every reference vector, FIPS-197 and SHA-256("abc"), bit-sliced
 * vs single evaluations, a hand-built adder against C's +, slot reuse, and
 * the exact error messages. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/bristol.h"
#include "circuits/circuit.h"
#include "circuits/eval.h"
#include "circuits/hexval.h"
#include "test_support.h"

/* ---- helpers ---- */

static uint64_t te_rand(uint64_t *state) /* splitmix64: deterministic test data */
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static struct circuit *te_load(const char *shared, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/circuits/bristol/%s.txt", shared, name);
    struct mpcc_error err = {0};
    struct circuit *c = circ_read_bristol_file(path, &err);
    ck_assert_msg(c != NULL, "reading %s: %s", path, err.msg);
    return c;
}

/* Evaluates c once on hex inputs; returns the outputs joined by spaces (malloc'd). */
static char *te_eval_hex(const struct circuit *c, const char *const *values)
{
    struct mpcc_error err = {0};
    uint8_t *in = calloc(c->n_input_bits + 1, 1), *out = calloc(c->n_output_bits + 1, 1);
    char *text = calloc(c->n_output_bits / 4 + 2 * c->n_outputs + 2, 1);
    ck_assert(in != NULL && out != NULL && text != NULL);
    for (uint32_t k = 0; k < c->n_inputs; k++)
        ck_assert_msg(circ_hex_parse(values[k], in + circ_input_offset(c, k), c->input_widths[k],
                                     &err) == MPCC_OK, "value %u: %s", k + 1, err.msg);
    ck_assert_msg(circ_eval_bits(c, in, out, &err) == MPCC_OK, "%s", err.msg);
    for (uint32_t k = 0; k < c->n_outputs; k++) {
        if (k > 0)
            strcat(text, " ");
        circ_hex_format(out + circ_output_offset(c, k), c->output_widths[k], text + strlen(text));
    }
    free(in);
    free(out);
    return text;
}

/* ---- reference circuits ---- */

START_TEST(eval_reproduces_every_reference_vector)
{
    const char *shared = ts_shared_dir();
    if (shared == NULL)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/circuits/vectors.txt", shared);
    char *text = ts_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    struct circuit *c = NULL;
    char current[64] = "";
    int n_lines = 0, n_checked = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *tok[64];
        int n_tok = 0, arrow = -1;
        char *tsave = NULL;
        for (char *t = strtok_r(line, " \t\r", &tsave); t != NULL && n_tok < 64;
             t = strtok_r(NULL, " \t\r", &tsave)) {
            if (strcmp(t, "->") == 0)
                arrow = n_tok;
            tok[n_tok++] = t;
        }
        if (n_tok == 0)
            continue;
        n_lines++;
        ck_assert_msg(arrow > 0, "vectors.txt line %d has no '->'", n_lines);
        if (strcmp(current, tok[0]) != 0) {
            circ_free(c);
            c = te_load(shared, tok[0]);
            snprintf(current, sizeof current, "%s", tok[0]);
        }
        ck_assert_int_eq(arrow - 1, (int)c->n_inputs);
        ck_assert_int_eq(n_tok - arrow - 1, (int)c->n_outputs);
        char *got = te_eval_hex(c, (const char *const *)&tok[1]);
        char expected[4096] = "";
        for (int k = arrow + 1; k < n_tok; k++) {
            if (k > arrow + 1)
                strcat(expected, " ");
            strcat(expected, tok[k]);
        }
        ck_assert_msg(strcmp(got, expected) == 0, "%s line %d: got %s, expected %s", current,
                      n_lines, got, expected);
        free(got);
        n_checked++;
    }
    ck_assert_int_eq(n_checked, 80);
    circ_free(c);
    free(text);
}
END_TEST

START_TEST(eval_aes128_fips197_c1)
{
    const char *shared = ts_shared_dir();
    if (shared == NULL)
        return;
    struct circuit *c = te_load(shared, "aes_128");
    const char *in[2] = {"000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff"};
    char *got = te_eval_hex(c, in);
    ck_assert_str_eq(got, "69c4e0d86a7b0430d8cdb78070b4c55a");
    free(got);
    circ_free(c);
}
END_TEST

START_TEST(eval_sha256_abc)
{
    const char *shared = ts_shared_dir();
    if (shared == NULL)
        return;
    struct circuit *c = te_load(shared, "sha256");
    char block[129] = "61626380";
    for (int i = 0; i < 52; i++)
        strcat(block, "00");
    strcat(block, "0000000000000018");
    ck_assert_uint_eq(strlen(block), 128);
    const char *in[2] = {block, "6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19"};
    char *got = te_eval_hex(c, in);
    ck_assert_str_eq(got, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    free(got);
    circ_free(c);
}
END_TEST

/* 64 random evaluations in one bit-sliced call equal 64 single evaluations. */
static void te_check_sliced_vs_single(const struct circuit *c, uint64_t seed)
{
    struct mpcc_error err = {0};
    uint64_t *in = calloc(c->n_input_bits + 1, sizeof *in);
    uint64_t *out = calloc(c->n_output_bits + 1, sizeof *out);
    uint8_t *in_bits = calloc(c->n_input_bits + 1, 1), *out_bits = calloc(c->n_output_bits + 1, 1);
    ck_assert(in != NULL && out != NULL && in_bits != NULL && out_bits != NULL);
    for (uint64_t k = 0; k < c->n_input_bits; k++)
        in[k] = te_rand(&seed);
    ck_assert_msg(circ_eval64(c, in, out, &err) == MPCC_OK, "%s", err.msg);
    for (unsigned j = 0; j < 64; j++) {
        for (uint64_t k = 0; k < c->n_input_bits; k++)
            in_bits[k] = (uint8_t)((in[k] >> j) & 1);
        ck_assert_msg(circ_eval_bits(c, in_bits, out_bits, &err) == MPCC_OK, "%s", err.msg);
        for (uint64_t k = 0; k < c->n_output_bits; k++)
            ck_assert_msg(out_bits[k] == ((out[k] >> j) & 1), "lane %u output bit %llu", j,
                          (unsigned long long)k);
    }
    free(in);
    free(out);
    free(in_bits);
    free(out_bits);
}

START_TEST(eval_bitsliced_equals_single_on_reference_circuits)
{
    const char *shared = ts_shared_dir();
    if (shared == NULL)
        return;
    const char *names[] = {"adder64", "mult64", "zero_equal", "aes_128"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct circuit *c = te_load(shared, names[i]);
        te_check_sliced_vs_single(c, 1000 + i);
        circ_free(c);
    }
}
END_TEST

/* ---- hand-built circuits ---- */

/* A ripple-carry adder of two `width`-bit inputs with one AND per bit:
 * out = a + b mod 2^width, plus the carry out as a second output. */
static struct circuit *te_ripple_adder(uint32_t width)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(circ_add_input(c, width, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_input(c, width, &err), MPCC_OK);
    uint32_t next = 2 * width, carry = 0, *sum = calloc(width, sizeof *sum);
    ck_assert_ptr_nonnull(sum);
    for (uint32_t i = 0; i < width; i++) {
        uint32_t a = i, b = width + i;
        if (i == 0) { /* no carry in */
            sum[0] = next++;
            ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, a, b, sum[0], &err), MPCC_OK);
            carry = next++;
            ck_assert_int_eq(circ_add_gate(c, CIRC_AND, a, b, carry, &err), MPCC_OK);
            continue;
        }
        uint32_t ac = next++, bc = next++, t = next++, s = next++, nc = next++;
        ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, a, carry, ac, &err), MPCC_OK);
        ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, b, carry, bc, &err), MPCC_OK);
        ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, ac, b, s, &err), MPCC_OK);
        ck_assert_int_eq(circ_add_gate(c, CIRC_AND, ac, bc, t, &err), MPCC_OK);
        ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, t, carry, nc, &err), MPCC_OK);
        sum[i] = s;
        carry = nc;
    }
    ck_assert_int_eq(circ_add_output(c, width, sum, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_output(c, 1, &carry, &err), MPCC_OK);
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    free(sum);
    return c;
}

START_TEST(eval_ripple_adder_matches_c_addition)
{
    const uint32_t widths[] = {1, 7, 32, 63};
    uint64_t seed = 42;
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        const uint32_t width = widths[w];
        const uint64_t mask = (1ULL << width) - 1;
        struct circuit *c = te_ripple_adder(width);
        uint64_t in[126], out[64], a[64], b[64];
        struct mpcc_error err = {0};
        for (int round = 0; round < 8; round++) {
            for (unsigned j = 0; j < 64; j++) {
                a[j] = te_rand(&seed) & mask;
                b[j] = te_rand(&seed) & mask;
                if (round == 0 && j < 2) /* the extremes */
                    a[j] = b[j] = j == 0 ? 0 : mask;
            }
            memset(in, 0, sizeof in);
            for (unsigned j = 0; j < 64; j++)
                for (uint32_t i = 0; i < width; i++) {
                    in[i] |= ((a[j] >> i) & 1) << j;
                    in[width + i] |= ((b[j] >> i) & 1) << j;
                }
            ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
            for (unsigned j = 0; j < 64; j++) {
                uint64_t s = 0;
                for (uint32_t i = 0; i <= width; i++)
                    s |= ((out[i] >> j) & 1) << i;
                const uint64_t want = a[j] + b[j]; /* width < 64: the carry is bit `width` */
                ck_assert_msg(s == want, "width %u: %llx + %llx gave %llx", width,
                              (unsigned long long)a[j], (unsigned long long)b[j],
                              (unsigned long long)s);
            }
        }
        te_check_sliced_vs_single(c, 7 + w);
        circ_free(c);
    }
}
END_TEST

START_TEST(eval_slot_reuse_reads_latest_write)
{
    /* a = slot 0, b = slot 1. slot 2 = a & b; slot 2 = slot 2 ^ a (in place);
     * slot 0 = !a (overwrites an input); slot 1 = slot 0 & b.
     * Outputs read after the last gate: (slot 2, slot 0, slot 1) =
     * ((a & b) ^ a, !a, !a & b). */
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 1, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_input(c, 1, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 0, 1, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 2, 0, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_INV, 0, 0, 0, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 0, 1, 1, &err), MPCC_OK);
    uint32_t outs[3] = {2, 0, 1};
    ck_assert_int_eq(circ_add_output(c, 3, outs, &err), MPCC_OK);
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    const uint64_t a = 0xf0f0f0f0f0f0f0f0ULL, b = 0xccccccccccccccccULL;
    uint64_t in[2] = {a, b}, out[3];
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
    ck_assert_uint_eq(out[0], (a & b) ^ a);
    ck_assert_uint_eq(out[1], ~a);
    ck_assert_uint_eq(out[2], ~a & b);
    ck_assert_uint_eq(in[0], a); /* the caller's inputs are not modified */
    /* The same circuit through the workspace variant, twice (scratch is reset). */
    uint64_t ws[3];
    ck_assert_int_eq(circ_eval64_ws(c, in, out, ws, &err), MPCC_OK);
    ck_assert_int_eq(circ_eval64_ws(c, in, out, ws, &err), MPCC_OK);
    ck_assert_uint_eq(out[0], (a & b) ^ a);
    circ_free(c);
}
END_TEST

START_TEST(eval_outputs_may_be_inputs_and_repeat)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    uint32_t outs[4] = {1, 0, 1, 1};
    ck_assert_int_eq(circ_add_output(c, 4, outs, &err), MPCC_OK);
    uint8_t in[2] = {0, 7}, out[4]; /* any non-zero byte is a 1 */
    ck_assert_int_eq(circ_eval_bits(c, in, out, &err), MPCC_OK);
    ck_assert(out[0] == 1 && out[1] == 0 && out[2] == 1 && out[3] == 1);
    circ_free(c);
}
END_TEST

START_TEST(eval_rejects_unknown_op_and_wild_wire)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 0, 1, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_output(c, 1, (uint32_t[]){2}, &err), MPCC_OK);
    uint64_t in[2] = {1, 3}, out[1] = {12345};
    c->gates[0].op = 7;
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "gate 0: unknown op 7");
    c->gates[0].op = CIRC_AND;
    c->gates[0].in1 = 3;
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "gate 0: wire index beyond the 3 wires");
    c->gates[0].in1 = 1;
    c->output_wires[0] = 9;
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "output bit 0 reads wire 9, beyond the 3 wires");
    ck_assert_uint_eq(out[0], 12345); /* untouched on failure */
    c->output_wires[0] = 2;
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
    ck_assert_uint_eq(out[0], 1);
    circ_free(c);
}
END_TEST

/* ---- hexadecimal values ---- */

static char *te_hex_error(const char *text, uint64_t width, unsigned value_no)
{
    static char msg[MPCC_ERROR_MSG_MAX]; /* test-only */
    struct mpcc_error err = {0};
    uint8_t bits[256];
    memset(bits, 0xaa, sizeof bits);
    ck_assert_int_eq(circ_hex_parse(text, bits, width, &err), MPCC_ERR_PARSE);
    ck_assert_uint_eq(bits[0], 0xaa); /* untouched on failure */
    mpcc_error_prefix(&err, "value %u", value_no);
    snprintf(msg, sizeof msg, "%s", err.msg);
    return msg;
}

START_TEST(hex_rejects_non_hex_wide_and_empty_values)
{
    ck_assert_str_eq(te_hex_error("xyz", 8, 2), "value 2: 'xyz' is not hexadecimal");
    ck_assert_str_eq(te_hex_error("12g4", 32, 1), "value 1: '12g4' is not hexadecimal");
    ck_assert_str_eq(te_hex_error("0x", 8, 1), "value 1: '0x' is not hexadecimal");
    ck_assert_str_eq(te_hex_error("-1", 8, 1), "value 1: '-1' is not hexadecimal");
    ck_assert_str_eq(te_hex_error(" 1", 8, 1), "value 1: ' 1' is not hexadecimal");
    ck_assert_str_eq(te_hex_error("0x1ff", 8, 1), "value 1: 0x1ff does not fit in 8 bits");
    ck_assert_str_eq(te_hex_error("1ff", 8, 3), "value 3: 0x1ff does not fit in 8 bits");
    ck_assert_str_eq(te_hex_error("0020", 5, 1), "value 1: 0x20 does not fit in 5 bits");
    ck_assert_str_eq(te_hex_error("1", 0, 1), "value 1: 0x1 does not fit in 0 bits");
    ck_assert_str_eq(te_hex_error("", 8, 1),
                     "value 1: empty value, expected hexadecimal digits");
    char long_value[71];
    memset(long_value, '0', 70);
    long_value[0] = '1';
    long_value[70] = '\0';
    ck_assert_str_eq(te_hex_error(long_value, 8, 1),
                     "value 1: 0x1000000000000000... (a 277-bit value) does not fit in 8 bits");
    long_value[69] = 'z';
    ck_assert_str_eq(te_hex_error(long_value, 8, 1),
                     "value 1: '10000000000000000000000000000000000000000000000000000000000000"
                     "00...' is not hexadecimal");
}
END_TEST

START_TEST(hex_parses_exact_widths_and_leading_zeros)
{
    struct mpcc_error err = {0};
    uint8_t bits[200];
    ck_assert_int_eq(circ_hex_parse("1f", bits, 5, &err), MPCC_OK);
    ck_assert(bits[0] && bits[1] && bits[2] && bits[3] && bits[4]);
    ck_assert_int_eq(circ_hex_parse("0X00000001Ff", bits, 9, &err), MPCC_OK);
    for (int i = 0; i < 9; i++)
        ck_assert_uint_eq(bits[i], 1);
    ck_assert_int_eq(circ_hex_parse("000", bits, 1, &err), MPCC_OK);
    ck_assert_uint_eq(bits[0], 0);
    ck_assert_int_eq(circ_hex_parse("a", bits, 4, &err), MPCC_OK); /* 1010, LSB first */
    ck_assert(bits[0] == 0 && bits[1] == 1 && bits[2] == 0 && bits[3] == 1);
    ck_assert_int_eq(circ_hex_parse("8", bits, 4, &err), MPCC_OK);
    ck_assert_int_eq(circ_hex_parse("0", bits, 0, &err), MPCC_OK);
}
END_TEST

START_TEST(hex_formats_zero_padded_lowercase_and_round_trips)
{
    uint8_t bits[130];
    char text[40];
    memset(bits, 0, sizeof bits);
    circ_hex_format(bits, 9, text);
    ck_assert_str_eq(text, "000");
    bits[8] = 1;
    bits[0] = 1;
    circ_hex_format(bits, 9, text);
    ck_assert_str_eq(text, "101");
    circ_hex_format(bits, 1, text);
    ck_assert_str_eq(text, "1");
    circ_hex_format(bits, 0, text);
    ck_assert_str_eq(text, "");
    ck_assert_uint_eq(circ_hex_digits(0), 0);
    ck_assert_uint_eq(circ_hex_digits(1), 1);
    ck_assert_uint_eq(circ_hex_digits(128), 32);
    ck_assert_uint_eq(circ_hex_digits(130), 33);

    struct mpcc_error err = {0};
    const char *v = "2aBcDeF0123456789abcdef0123456789";
    ck_assert_int_eq(circ_hex_parse(v, bits, 130, &err), MPCC_OK);
    char *back = circ_hex_format_new(bits, 130, &err);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(back, "2abcdef0123456789abcdef0123456789");
    free(back);
    uint64_t seed = 5;
    for (int round = 0; round < 50; round++) {
        const uint64_t width = 1 + te_rand(&seed) % 130;
        for (uint64_t i = 0; i < width; i++)
            bits[i] = (uint8_t)(te_rand(&seed) & 1);
        uint8_t again[130];
        circ_hex_format(bits, width, text);
        ck_assert_uint_eq(strlen(text), circ_hex_digits(width));
        ck_assert_int_eq(circ_hex_parse(text, again, width, &err), MPCC_OK);
        ck_assert_mem_eq(bits, again, (size_t)width);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("eval");
    TCase *ref = tcase_create("reference");
    tcase_set_timeout(ref, 300);
    tcase_add_test(ref, eval_reproduces_every_reference_vector);
    tcase_add_test(ref, eval_aes128_fips197_c1);
    tcase_add_test(ref, eval_sha256_abc);
    tcase_add_test(ref, eval_bitsliced_equals_single_on_reference_circuits);
    suite_add_tcase(s, ref);
    TCase *hand = tcase_create("hand_built");
    tcase_add_test(hand, eval_ripple_adder_matches_c_addition);
    tcase_add_test(hand, eval_slot_reuse_reads_latest_write);
    tcase_add_test(hand, eval_outputs_may_be_inputs_and_repeat);
    tcase_add_test(hand, eval_rejects_unknown_op_and_wild_wire);
    suite_add_tcase(s, hand);
    TCase *hex = tcase_create("hexval");
    tcase_add_test(hex, hex_rejects_non_hex_wide_and_empty_values);
    tcase_add_test(hex, hex_parses_exact_widths_and_leading_zeros);
    tcase_add_test(hex, hex_formats_zero_padded_lowercase_and_round_trips);
    suite_add_tcase(s, hex);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
