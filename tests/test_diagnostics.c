/* test_diagnostics.c - the compiler's error messages: each bad program with
 * its exact first message and file:line:column, several syntax errors in one
 * run, the caret rendering, and no output file when compilation fails.
 * Working programs are tested in test_compiler.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"
#include "driver.h"
#include "test_support.h"

/* Compiles src (must fail) and returns the diagnostics (caller frees). */
static struct mpcc_diags *compile_bad(const char *src)
{
    struct mpcc_program *p = NULL;
    struct mpcc_error err = { 0 };
    struct compile_options o = { 0 };
    o.diags = mpcc_diags_new();
    ck_assert_ptr_nonnull(o.diags);
    enum mpcc_status st = mpcc_compile_source("bad.mpc", src, strlen(src), &o, &p, &err);
    ck_assert_msg(st == MPCC_ERR_PARSE, "expected a compile error for:\n%s", src);
    ck_assert_ptr_null(p);
    ck_assert_uint_gt(o.diags->n, 0);
    /* err carries the first diagnostic. */
    char first[700];
    snprintf(first, sizeof first, "%s:%d:%d: %s", o.diags->v[0].file, o.diags->v[0].line,
             o.diags->v[0].col, o.diags->v[0].msg);
    ck_assert_str_eq(err.msg, first);
    return o.diags;
}

struct bad_case {
    const char *src;
    const char *expect; /* "line:col: message" of the first error */
};

#define HDR "party a, b;\n"

static const struct bad_case bad_cases[] = {
    /* syntax */
    { HDR "uint8 x = 1 +;\n", "2:14: syntax error, unexpected ';'" },
    { "party a b;\n", "1:9: syntax error, unexpected identifier, expecting ';' or ','" },
    { HDR "uint8 x = 1 $ 2;\n", "2:13: unexpected character '$'" },
    { HDR "/* never closed\n", "2:1: unterminated comment: '/*' has no matching '*/'" },
    { HDR "uint600 x;\n", "2:1: integer type 'uint600' has an unsupported width (widths are 1 to 512, no leading zeros)" },
    { HDR "uint8 x = 0; if (x = 1) { x = 2; }\n", "2:20: '=' assigns; use '==' to compare in a condition" },
    { HDR "for (i = 0; i < 4; i++) { }\n", "2:6: syntax error, unexpected identifier" },
    /* names */
    { HDR "uint8 x = y;\n", "2:11: unknown name 'y'" },
    { HDR "Foo x;\n", "2:1: unknown type 'Foo'" },
    { HDR "uint8 x = f(1);\n", "2:11: unknown function 'f'" },
    { HDR "uint8 x; uint8 x;\n", "2:16: 'x' is already declared in this scope (line 2)" },
    { HDR "struct S { uint8 a; } uint8 v = 0; S s; v = s.b;\n", "2:47: struct S has no field 'b'" },
    /* types */
    { HDR "uint8 x = 300;\n", "2:11: initialisation: constant 300 does not fit in uint8" },
    { HDR "uint8 x = -1;\n", "2:11: initialisation: constant -1 does not fit in uint8" },
    { HDR "int8 x = 1; uint8 y = 2; uint8 z = x + y;\n", "2:38: mismatched types int8 and uint8 for operator '+' (add a cast, e.g. int32(x))" },
    { HDR "uint16 x = 1; uint8 y = x;\n", "2:25: initialisation: cannot convert uint16 to uint8 implicitly (use a cast: uint8(x))" },
    { HDR "uint8 x = 1; if (x) { x = 2; }\n", "2:18: condition must be bool, found uint8 (compare with 0: x != 0)" },
    { HDR "bool b = true; uint8 x = b + 1;\n", "2:28: operator '+': cannot use an integer constant as bool" },
    { HDR "uint8 v[4]; uint8 x = v[4];\n", "2:25: index 4 is out of range for uint8[4]" },
    { HDR "const N = 1 << 600;\n", "2:13: constant expression overflows (constants are limited to 2^540)" },
    { HDR "const N = 5 / 0;\n", "2:13: division by zero in a constant expression" },
    { HDR "uint8 x = 99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999;\n",
      "2:11: integer literal '99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999' is too large (constants are limited to 2^540)" },
    { HDR "uint8 x = 0b102;\n", "2:11: invalid integer literal '0b102'" },
    { HDR "const N = 3; N = 4;\n", "2:14: cannot assign to constant 'N'" },
    /* generic functions */
    { HDR "fn f<K>(uint8 p) -> uint8 { return p; }\n",
      "2:6: generic parameter 'K' of 'f' cannot be inferred: use it alone as an array size (a[K]), a width (uint<K>) or a type (K x) of a parameter" },
    { HDR "fn f<W, W>(uint<W> p) -> uint<W> { return p; }\n", "2:9: generic parameter 'W' of 'f' is declared twice" },
    { HDR "fn f<W>(uint<W> p) -> uint<W> { return p; } uint8 x = f(3);\n",
      "2:55: cannot infer 'W' for this call of 'f' from its arguments (constants bind nothing: cast a constant, e.g. uint32(5), or pass a declared array)" },
    { HDR "fn f<N>(uint8 p[N], uint8 q[N]) -> uint8 { return p[0]; } uint8 a[2]; uint8 b[3]; uint8 x = f(a, b);\n",
      "2:98: the arguments of 'f' disagree on its array size N (2 and 3)" },
    { HDR "fn f<T>(T p, T q) -> T { return p; } uint8 a; bool b; uint8 x = f(a, b);\n",
      "2:70: the arguments of 'f' disagree on its type T (uint8 and bool)" },
    { HDR "fn f<T>(T v) -> T { return T; } uint8 a; uint8 x = f(a);\n", "2:28: 'T' is a type parameter, not a value" },
    { HDR "fn f<W>(uint<W> v) -> uint<(W*300)> { return 0; } uint8 a; uint8 x = f(a);\n",
      "2:30: integer width 2400 is out of range (1 to 512)" },
    { HDR "x + 1;\n", "2:1: this expression does nothing (did you mean an assignment?)" },
    { HDR "uint8 x = 1; x + 1;\n", "2:14: this expression does nothing (did you mean an assignment?)" },
    /* compile-time constants */
    { HDR "input a uint8 n; uint8 v[n];\n", "2:26: array size must be a compile-time constant" },
    { HDR "input a uint8 n; for i in 0..n { }\n", "2:30: loop bound must be a compile-time constant" },
    { HDR "uint8 v[0];\n", "2:9: array size 0 is out of range (1 to 16777216)" },
    /* parties, inputs, outputs */
    { HDR "input c uint8 x;\n", "2:7: input 'x' is owned by 'c', which is not a declared party" },
    { HDR "input a uint8 x; output c y = x;\n", "2:25: output 'y' goes to 'c', which is not a declared party" },
    { HDR "output all y = 3;\n", "2:16: output 'y' needs a type: write e.g. uint32(...) around the constant" },
    { HDR "input a uint8 x; x = 1;\n", "2:18: cannot assign to input 'x'" },
    { "party a;\ninput a uint8 x;\n", "1:1: a program needs at least two parties (e.g. party alice, bob;)" },
    { HDR "party a;\n", "2:7: party 'a' is declared twice" },
    { HDR "input a uint8 x_234567890123456789012345678901234567890123456789012345678901234567890;\n",
      "2:15: the name 'x_23456789012345678901234567890123456789...' is too long for the program's interface (at most 64 characters)" },
    /* functions */
    { HDR "fn f(uint8 x) -> uint8 { return f(x); }\nuint8 y = f(1);\n",
      "2:33: recursive call: f -> f (functions are inlined, so recursion is not supported)" },
    { HDR "fn f(uint8 x) -> uint8 { return g(x); }\nfn g(uint8 x) -> uint8 { return f(x); }\nuint8 y = f(1);\n",
      "3:33: recursive call: f -> g -> f (functions are inlined, so recursion is not supported)" },
    { HDR "fn f(uint8 x) -> uint8 { x = 1; }\nuint8 y = f(1);\n", "2:4: function 'f' can reach its end without returning a value" },
    { HDR "input a bool c; fn f(uint8 x) -> uint8 { if (c) { return 1; } }\nuint8 y = f(1);\n",
      "2:20: function 'f' does not return a value on every path" },
    { HDR "fn f(uint8 x) -> uint8 { return x; }\nuint8 y = f(1, 2);\n", "3:11: function 'f' takes 1 argument but 2 were given" },
    { HDR "uint8 g = 0; fn f(uint8 x) -> uint8 { g = x; return x; }\nuint8 y = f(1);\n",
      "2:39: function 'f' cannot assign to the global variable 'g' (functions only change their own variables; return a value instead)" },
    { HDR "return 1;\n", "2:1: 'return' outside a function" },
    { HDR "fn never_called(uint8 x) -> bool { return x + 1; }\n",
      "2:45: return value: expected bool, found uint8" },
    /* every branch and every function is checked (docs/language.md, "The semantic pass") */
    { HDR "const N = 2; uint8 y = 0; if (N > 3) { y = y + true; }\n",
      "2:46: mismatched types uint8 and bool for operator '+'" },
    { HDR "const N = 2; uint8 y = N > 3 ? true : 1;\n", "2:30: operator '?': cannot use an integer constant as bool" },
    { HDR "bool c = false; uint8 y = 0; if (c && y + 1) { y = 1; }\n",
      "2:41: condition must be bool, found uint8 (compare with 0: x != 0)" },
    { HDR "fn g<W>(uint<W> v) -> uint<W> { bool b = v; return v; }\n",
      "2:42: initialisation: expected bool, found uint<?>" },
    { HDR "fn g<T>(T v) -> T { return w; }\n", "2:28: unknown name 'w'" },
    { HDR "input a bool c; uint8 y = c ? 1 : 300;\n", "2:35: initialisation: constant 300 does not fit in uint8" },
    { HDR "input a bool c; output all y = c ? 1 : 2;\n", "2:34: output 'y' needs a type: write e.g. uint32(...) around the constant" },
    { HDR "input a uint8 x; uint8 y = true ? x : int8(1);\n", "2:33: mismatched types uint8 and int8 for operator '?' (add a cast, e.g. int32(x))" },
    /* struct literals */
    { HDR "struct P { uint8 age; bool d; } P p = {age: 1};\n",
      "2:39: initialisation: the struct literal has no value for field 'd' of P" },
    { HDR "struct P { uint8 age; bool d; } P p = {age: 1, d: true, x: 3};\n", "2:57: struct P has no field 'x'" },
    { HDR "struct P { uint8 age; bool d; } P p = P{age: 1, age: 2, d: false};\n", "2:49: field 'age' is given twice" },
    { HDR "struct P { uint8 age; bool d; } uint8 z = {age: 1, d: true};\n",
      "2:43: initialisation: a struct literal cannot be a uint8" },
    { HDR "struct P { uint8 age; bool d; } P p = {age: 300, d: true};\n", "2:45: field 'age': constant 300 does not fit in uint8" },
    { HDR "struct P { uint8 age; bool d; } bool b = {age: 1, d: true} == {age: 1, d: true};\n",
      "2:42: a struct literal needs a known type: write Name{...}, or use it where a struct is expected" },
    { HDR "P p = Q{age: 1};\n", "2:1: unknown type 'P'" },
    /* static_assert and bit_width */
    { HDR "fn f<K>(uint8 v, const K) -> uint8 { static_assert(K > 2, \"f needs K > 2\"); return v; }\nuint8 y = f(1, 2);\n",
      "2:38: static assertion failed: f needs K > 2 (in the call of 'f' at bad.mpc:3:11)" },
    { HDR "input a uint8 x; static_assert(x > 2, \"no\");\n",
      "2:18: static_assert: the condition must be known at compile time" },
    { HDR "static_assert(1, \"m\");\n", "2:15: condition must be bool, found integer constant (compare with 0: x != 0)" },
    { HDR "uint8 y = bit_width(-1);\n", "2:21: the argument of 'bit_width' must not be negative" },
    { HDR "uint8 y = bit_width(1, 2);\n", "2:11: 'bit_width' takes 1 argument but 2 were given" },
    { HDR "input a uint8 x; uint8 v[bit_width(x)];\n", "2:26: array size must be a compile-time constant" },
    /* imports */
    { HDR "import \"no_such_module_xyz\";\n", "2:8: cannot find module 'no_such_module_xyz' (searched: .)" },
};

START_TEST(diagnostics_bad_program_reports_message_and_location)
{
    const struct bad_case *c = &bad_cases[_i];
    struct mpcc_diags *d = compile_bad(c->src);
    char got[700];
    snprintf(got, sizeof got, "%d:%d: %s", d->v[0].line, d->v[0].col, d->v[0].msg);
    ck_assert_msg(strcmp(got, c->expect) == 0, "program:\n%s\ngot:    %s\nwanted: %s", c->src, got,
                  c->expect);
    ck_assert_str_eq(d->v[0].file, "bad.mpc");
    mpcc_diags_free(d);
}
END_TEST

START_TEST(diagnostics_several_syntax_errors_in_one_run)
{
    struct mpcc_diags *d = compile_bad("party a b;\nuint8 x = 1 +;\nfn f( { }\nuint8 y = 2;\nif (x { }\n");
    ck_assert_uint_eq(d->n, 4);
    ck_assert_int_eq(d->v[0].line, 1);
    ck_assert_int_eq(d->v[1].line, 2);
    ck_assert_int_eq(d->v[2].line, 3);
    ck_assert_int_eq(d->v[3].line, 5);
    mpcc_diags_free(d);
}
END_TEST

START_TEST(diagnostics_several_semantic_errors_in_one_run)
{
    struct mpcc_diags *d = compile_bad(HDR "uint8 x = q;\nuint8 y = 300;\ninput z uint8 w;\n");
    ck_assert_uint_eq(d->n, 3);
    ck_assert_str_eq(d->v[0].msg, "unknown name 'q'");
    ck_assert_str_eq(d->v[1].msg, "initialisation: constant 300 does not fit in uint8");
    ck_assert_str_eq(d->v[2].msg, "input 'w' is owned by 'z', which is not a declared party");
    mpcc_diags_free(d);
}
END_TEST

START_TEST(diagnostics_c_style_for_gets_a_hint)
{
    struct mpcc_diags *d = compile_bad(HDR "for (i = 0; i < 4; i++) { }\n");
    ck_assert_uint_eq(d->n, 2);
    ck_assert_str_eq(d->v[1].msg, "for loops are written 'for i in A..B { ... }' with constant bounds A and B");
    ck_assert_int_eq(d->v[1].line, 2);
    ck_assert_int_eq(d->v[1].col, 1);
    mpcc_diags_free(d);
}
END_TEST

/* while is reserved and gets the bounded form as its explanation; break
 * and continue outside a loop (or outside the function's own loops) are
 * errors at their own locations, and nothing else is. */
START_TEST(diagnostics_while_break_continue_explain_themselves)
{
    struct mpcc_diags *d = compile_bad(HDR "input a uint8 x[4];\nbool f = false;\n"
                                           "for i in 0..4 { if (x[i] == 3) { f = true; break; } }\n"
                                           "uint8 k = 0;\nwhile (k < 3) { k += 1; }\n");
    ck_assert_uint_eq(d->n, 1);
    ck_assert_str_eq(d->v[0].msg, "there are no while loops: a circuit has a fixed size, so every loop needs "
                                  "constant bounds; write 'for i in 0..MAX { if (!(cond)) { break; } ... }'");
    ck_assert_int_eq(d->v[0].line, 6);
    ck_assert_int_eq(d->v[0].col, 1);
    mpcc_diags_free(d);
    d = compile_bad(HDR "input a uint8 x[4];\nbool f = false;\n"
                        "for i in 0..4 { if (x[i] == 3) { f = true; break; } }\n"
                        "uint8 k = 0;\nfor i in 0..4 { continue; }\n"
                        "if (f) { break; }\n"
                        "fn g() -> uint8 { continue; return 1; }\n"
                        "for i in 0..2 { k = g(); }\n");
    ck_assert_uint_eq(d->n, 2);
    ck_assert_str_eq(d->v[0].msg, "'break' outside a for loop");
    ck_assert_int_eq(d->v[0].line, 7);
    ck_assert_int_eq(d->v[0].col, 10);
    ck_assert_str_eq(d->v[1].msg, "'continue' outside a for loop of this function");
    ck_assert_int_eq(d->v[1].line, 8);
    mpcc_diags_free(d);
}
END_TEST

START_TEST(diagnostics_render_shows_line_and_caret)
{
    struct mpcc_diags *d = compile_bad(HDR "uint8 x = \ty;\n");
    char *t = mpcc_diags_render(d);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t, "bad.mpc:2:12: error: unknown name 'y'\n    uint8 x = \ty;\n              \t^\n");
    free(t);
    mpcc_diags_free(d);
}
END_TEST

START_TEST(diagnostics_compile_command_writes_no_output_on_error)
{
    char *src = ts_write_temp(HDR "uint8 x = y;\n", strlen(HDR "uint8 x = y;\n"));
    ck_assert_ptr_nonnull(src);
    char mpc[300], out[300];
    snprintf(mpc, sizeof mpc, "%s.mpc", src);
    ck_assert_int_eq(rename(src, mpc), 0);
    snprintf(out, sizeof out, "%s.circ", src);
    unlink(out);
    char *argv[] = { (char *)"compile", mpc, (char *)"-o", out, NULL };
    ck_assert_int_eq(mpcc_cmd_compile(4, argv), 1);
    ck_assert_int_ne(access(out, F_OK), 0);
    unlink(mpc);
    free(src);
}
END_TEST

START_TEST(diagnostics_missing_file_is_an_io_error)
{
    struct mpcc_program *p = NULL;
    struct mpcc_error err = { 0 };
    ck_assert_int_eq(mpcc_compile_file("/nonexistent/x.mpc", NULL, &p, &err), MPCC_ERR_IO);
    ck_assert_str_eq(err.msg, "/nonexistent/x.mpc: cannot read the file");
    ck_assert_ptr_null(p);
}
END_TEST

static Suite *diagnostics_suite(void)
{
    Suite *s = suite_create("diagnostics");
    TCase *tc = tcase_create("messages");
    tcase_add_loop_test(tc, diagnostics_bad_program_reports_message_and_location, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, diagnostics_several_syntax_errors_in_one_run);
    tcase_add_test(tc, diagnostics_several_semantic_errors_in_one_run);
    tcase_add_test(tc, diagnostics_render_shows_line_and_caret);
    tcase_add_test(tc, diagnostics_c_style_for_gets_a_hint);
    tcase_add_test(tc, diagnostics_while_break_continue_explain_themselves);
    tcase_add_test(tc, diagnostics_compile_command_writes_no_output_on_error);
    tcase_add_test(tc, diagnostics_missing_file_is_an_io_error);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(diagnostics_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
