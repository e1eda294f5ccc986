/* test_circuit.c - the in-memory circuit IR: construction, limits, validation. */
#include <check.h>
#include <stdlib.h>

#include "circuits/circuit.h"

START_TEST(circuit_builds_inputs_gates_outputs)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(circ_add_input(c, 3, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    ck_assert_uint_eq(c->n_input_bits, 5);
    ck_assert_uint_eq(circ_input_offset(c, 1), 3);
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 0, 3, 5, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_INV, 5, 99, 6, &err), MPCC_OK);
    ck_assert_uint_eq(c->gates[1].in1, 5); /* INV's second input is its first */
    uint32_t outs[2] = {6, 1};
    ck_assert_int_eq(circ_add_output(c, 2, outs, &err), MPCC_OK);
    ck_assert_uint_eq(c->n_wires, 7);
    ck_assert_uint_eq(circ_count_op(c, CIRC_AND), 1);
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    circ_free(c);
}
END_TEST

START_TEST(circuit_rejects_inputs_after_gates)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 1, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 0, 0, 1, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_input(c, 1, &err), MPCC_ERR_INVALID);
    circ_free(c);
}
END_TEST

START_TEST(circuit_validate_names_read_before_write)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 0, 4, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 0, 1, 4, &err), MPCC_OK);
    ck_assert_int_eq(circ_validate(c, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "gate 0 reads wire 4 before it is written");
    circ_free(c);
}
END_TEST

START_TEST(circuit_rejects_zero_and_huge_widths)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 0, &err), MPCC_ERR_LIMIT);
    ck_assert_int_eq(circ_add_input(c, CIRC_MAX_VALUE_WIDTH + 1, &err), MPCC_ERR_LIMIT);
    circ_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("circuit");
    TCase *tc = tcase_create("ir");
    tcase_add_test(tc, circuit_builds_inputs_gates_outputs);
    tcase_add_test(tc, circuit_rejects_inputs_after_gates);
    tcase_add_test(tc, circuit_validate_names_read_before_write);
    tcase_add_test(tc, circuit_rejects_zero_and_huge_widths);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
