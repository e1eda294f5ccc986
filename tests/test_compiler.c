/* test_compiler.c - the .mpc compiler end to end: each language feature is
 * compiled and evaluated in plaintext against expected outputs; every
 * operator at widths 1..128, signed and unsigned, is checked against C
 * arithmetic on edge and random values; gate counts pin AND-optimality of
 * simple constructs. Error messages are in test_diagnostics.c. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "circuits/eval.h"
#include "circuits/fixed.h"
#include "circuits/values.h"
#include "compiler.h"
#include "driver.h"
#include "test_support.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

static struct mpcc_program *compile_ok(const char *src, struct mpcc_profile *prof)
{
    return ts_compile(src, prof);
}

/* Compiles src, evaluates with the given "NAME=VALUE" inputs (NULL-ended) and
 * returns "name=value; name=value" for all outputs (malloc'd). */
static char *run(const char *src, const char *const *inputs)
{
    struct mpcc_program *p = compile_ok(src, NULL);
    struct mpcc_error err = { 0 };
    struct values_set *set = values_set_new(p->iface, VALUES_ANY_PARTY, &err);
    ck_assert_ptr_nonnull(set);
    for (size_t i = 0; inputs != NULL && inputs[i] != NULL; i++)
        ck_assert_msg(values_set_assign(set, inputs[i], &err) == MPCC_OK, "%s: %s", inputs[i], err.msg);
    uint8_t **outs = NULL;
    ck_assert_msg(mpcc_eval_plain(p, set, &outs, &err) == MPCC_OK, "%s", err.msg);
    size_t cap = 4096, len = 0;
    char *res = malloc(cap);
    ck_assert_ptr_nonnull(res);
    res[0] = '\0';
    for (uint32_t k = 0; k < p->iface->n_outputs; k++) {
        char *v = values_to_string(p->iface->outputs[k].type, outs[k], false, &err);
        ck_assert_ptr_nonnull(v);
        size_t need = strlen(p->iface->outputs[k].name) + strlen(v) + 4;
        while (len + need + 1 > cap) {
            cap *= 2;
            res = realloc(res, cap);
            ck_assert_ptr_nonnull(res);
        }
        len += (size_t)snprintf(res + len, cap - len, "%s%s=%s", k ? "; " : "",
                                p->iface->outputs[k].name, v);
        free(v);
    }
    mpcc_free_outputs(p, outs);
    values_set_free(set);
    prog_free(p);
    return res;
}

static void check_run(const char *src, const char *const *inputs, const char *expect)
{
    char *r = run(src, inputs);
    ck_assert_str_eq(r, expect);
    free(r);
}

static uint64_t and_count(const char *src)
{
    struct mpcc_program *p = compile_ok(src, NULL);
    uint64_t n = circ_count_op(p->circ, CIRC_AND);
    prog_free(p);
    return n;
}

static const char hospitals[] =
    "// hospitals.mpc\n"
    "party h1, h2, h3;\n"
    "const N = 4;\n"
    "struct Patient { uint8 age; bool diabetic; }\n"
    "input h1 Patient a[N];\n"
    "input h2 Patient b[N];\n"
    "input h3 uint32 threshold;\n"
    "fn count(Patient p[N], uint8 min_age) -> uint16 {\n"
    "    uint16 n = 0;\n"
    "    for i in 0..N {\n"
    "        if (p[i].diabetic && p[i].age >= min_age) { n += 1; }\n"
    "    }\n"
    "    return n;\n"
    "}\n"
    "uint16 total = count(a, 65) + count(b, 65);\n"
    "output all total;\n"
    "output h3 over = total > threshold;\n";

START_TEST(compiler_hospitals_example)
{
    const char *in[] = {
        "h1:a=[{age: 70, diabetic: true}, {age: 64, diabetic: true}, {age: 80, diabetic: false}, {age: 65, diabetic: true}]",
        "h2:b=[{age: 90, diabetic: true}, {age: 30, diabetic: true}, {age: 66, diabetic: true}, {age: 1, diabetic: false}]",
        "h3:threshold=3", NULL };
    check_run(hospitals, in, "total=4; over=true");
    const char *in2[] = {
        "h1:a=[{age: 70, diabetic: false}, {age: 64, diabetic: true}, {age: 80, diabetic: false}, {age: 65, diabetic: false}]",
        "h2:b=[{age: 90, diabetic: true}, {age: 30, diabetic: true}, {age: 66, diabetic: false}, {age: 1, diabetic: false}]",
        "h3:threshold=1", NULL };
    check_run(hospitals, in2, "total=1; over=false");
    struct mpcc_program *p = compile_ok(hospitals, NULL);
    ck_assert_uint_eq(p->iface->n_parties, 3);
    ck_assert_uint_eq(p->iface->n_inputs, 3);
    ck_assert_str_eq(p->iface->inputs[2].name, "threshold");
    ck_assert_uint_eq(p->iface->inputs[2].owner, 2);
    ck_assert_uint_eq(p->iface->outputs[0].n_recipients, 3);
    ck_assert_uint_eq(p->iface->outputs[1].n_recipients, 1);
    ck_assert_uint_eq(p->iface->outputs[1].recipients[0], 2);
    prog_free(p);
}
END_TEST

START_TEST(compiler_literals_and_constants)
{
    const char *src2 = "party a, b;\n"
                       "const K = 0x1_0 + 0b101 * 2 - 1_000 / 100;\n"
                       "const BIG = 1 << 200;\n"
                       "input a uint8 x;\n"
                       "output all r1 = x + K;\n"
                       "output all r2 = uint8(BIG >> 197);\n"
                       "output all r3 = uint8(-1);\n"
                       "output all r4 = int16(-7 / 2 * 10 + -7 % 2);\n"
                       "output all r5 = uint256(BIG);\n";
    const char *in[] = { "x=5", NULL };
    check_run(src2, in,
              "r1=21; r2=8; r3=255; r4=-31; r5=1606938044258990275541962092341162602522202993782792835301376");
}
END_TEST

START_TEST(compiler_secret_if_else_and_nesting)
{
    const char *src = "party a, b;\n"
                      "input a int16 x; input b int16 y;\n"
                      "int16 m = 0; int16 k = 7;\n"
                      "if (x > y) { m = x; if (x > 100) { k = 1; } else { k = 2; } }\n"
                      "else if (x == y) { m = 0; }\n"
                      "else { m = y; k = -3; }\n"
                      "output all m; output all k;\n";
    const char *i1[] = { "x=150", "y=3", NULL };
    check_run(src, i1, "m=150; k=1");
    const char *i2[] = { "x=50", "y=3", NULL };
    check_run(src, i2, "m=50; k=2");
    const char *i3[] = { "x=5", "y=5", NULL };
    check_run(src, i3, "m=0; k=7");
    const char *i4[] = { "x=-5", "y=5", NULL };
    check_run(src, i4, "m=5; k=-3");
}
END_TEST

START_TEST(compiler_compound_assignment_in_secret_branches)
{
    const char *src = "party a, b;\n"
                      "input a uint8 x; input b bool c; input b bool d;\n"
                      "uint8 n = x;\n"
                      "if (c) { n += 5; if (d) { n -= 2; } else { n ^= 1; } n |= 128; }\n"
                      "else { n = n * 2; n += 1; }\n"
                      "output all n;\n";
    const char *i1[] = { "x=7", "c=true", "d=true", NULL };
    check_run(src, i1, "n=138");
    const char *i2[] = { "x=7", "c=true", "d=false", NULL };
    check_run(src, i2, "n=141");
    const char *i3[] = { "x=7", "c=false", "d=true", NULL };
    check_run(src, i3, "n=15");
    /* Incrementing by a secret condition costs an incrementer, no mux. */
    ck_assert_uint_le(and_count("party a, b; input a bool c; input b uint8 n0;"
                                " uint8 n = n0; if (c) { n += 1; } output all n;"), 7);
}
END_TEST

START_TEST(compiler_return_inside_secret_branch)
{
    const char *src = "party a, b;\n"
                      "input a uint8 x;\n"
                      "fn f(uint8 v) -> uint8 {\n"
                      "  uint8 acc = 1;\n"
                      "  if (v < 10) { return 100; }\n"
                      "  acc = acc + v;\n"
                      "  for i in 0..3 { if (v == 20 + i) { return acc * 2; } }\n"
                      "  return acc;\n"
                      "}\n"
                      "fn g(uint8 v) -> uint8 { if (v > 5) { return 1; } else { return 2; } }\n"
                      "output all r = f(x); output all s = g(x);\n";
    const char *i1[] = { "x=3", NULL };
    check_run(src, i1, "r=100; s=2");
    const char *i2[] = { "x=21", NULL };
    check_run(src, i2, "r=44; s=1");
    const char *i3[] = { "x=30", NULL };
    check_run(src, i3, "r=31; s=1");
}
END_TEST

START_TEST(compiler_arrays_public_and_secret_index)
{
    const char *src = "party a, b;\n"
                      "input a uint8 v[5]; input b uint3 i; input b int4 j;\n"
                      "uint8 w[5] = v;\n"
                      "w[i] = 99;\n"
                      "uint8 m[2][3] = [[1, 2, 3], [4, 5, 6]];\n"
                      "m[1][2] += v[0];\n"
                      "output all r = v[i];\n"
                      "output all s = v[j];\n"
                      "output all w;\n"
                      "output all t = m[1][2] + m[0][1];\n";
    const char *i1[] = { "v=[10,11,12,13,14]", "i=2", "j=4", NULL };
    check_run(src, i1, "r=12; s=14; w=[10, 11, 99, 13, 14]; t=18");
    const char *i2[] = { "v=[10,11,12,13,14]", "i=6", "j=-1", NULL };
    check_run(src, i2, "r=0; s=0; w=[10, 11, 12, 13, 14]; t=18");
    /* Secret writes through wide and signed indices (decoder), out of range ignored. */
    const char *src2 = "party a, b;\n"
                       "input a uint32 i; input b int8 j;\n"
                       "uint4 v[6];\n"
                       "v[i] = 7; v[j] += 3;\n"
                       "output all v;\n";
    const char *i3[] = { "i=5", "j=5", NULL };
    check_run(src2, i3, "v=[0, 0, 0, 0, 0, 10]");
    const char *i4[] = { "i=65541", "j=-128", NULL };
    check_run(src2, i4, "v=[0, 0, 0, 0, 0, 0]");
    const char *i5[] = { "i=0", "j=1", NULL };
    check_run(src2, i5, "v=[7, 3, 0, 0, 0, 0]");
}
END_TEST

START_TEST(compiler_structs_loops_casts)
{
    const char *src = "party a, b;\n"
                      "struct P { uint8 x; int8 y[2]; }\n"
                      "input a P p;\n"
                      "P q = p;\n"
                      "q.y[1] = int8(q.x);\n"
                      "uint16 s = 0;\n"
                      "for i in 0..3 { for j in i..3 { s += uint16(i * 10 + j); } }\n"
                      "output all q;\n"
                      "output all s;\n"
                      "output all z = uint16(p.y[0]);\n"
                      "output all e = int16(p.y[0]);\n"
                      "output all b = bool(p.x);\n"
                      "output all c = p.x > 3 ? p.y[0] : int8(5);\n"
                      "output all same = q == p;\n"
                      "output all diff = q.y != p.y;\n";
    const char *i1[] = { "p={x: 200, y: [-2, 3]}", NULL };
    check_run(src, i1, "q={x: 200, y: [-2, -56]}; s=48; z=65534; e=-2; b=true; c=-2; same=false; diff=true");
}
END_TEST

START_TEST(compiler_functions_take_and_return_arrays)
{
    const char *src = "party a, b;\n"
                      "input a uint8 x;\n"
                      "fn swap(uint8 q[2]) -> uint8[2] { return [q[1], q[0] + x]; }\n"
                      "fn nothing(uint8 q) { q = 1; return; }\n"
                      "uint8 z[2] = swap([1, 2]);\n"
                      "nothing(x);\n"
                      "output all z;\n"
                      "output all w = swap(z)[1];\n";
    const char *i1[] = { "x=5", NULL };
    check_run(src, i1, "z=[2, 6]; w=7");
}
END_TEST

/* The static type of an expression never depends on what the builder folds
 * (issue 13's two programs, found by random programs against C). */
START_TEST(compiler_types_do_not_depend_on_constant_folding)
{
    const char *p1 = "party p, q;\n"
                     "input p uint16 x0;\n"
                     "input q int64 x1;\n"
                     "output all o1 = (((uint33(x0) ^ 3577489051) < (uint33(x1) & 1)) ? "
                     "((uint33(x1) % (uint33(x1) | 1)) * 5) : 5855337761);\n";
    const char *i1[] = { "x0=45554", "x1=9126734221732621843", NULL };
    check_run(p1, i1, "o1=5855337761");
    const char *p2 = "party p, q;\n"
                     "input p uint8 x0;\n"
                     "input q uint64 x1;\n"
                     "input p int13 x2;\n"
                     "output all o2 = ((~((uint100(x2) > 1267650600228229401496703205375) ? uint32(x2) : 0)) & "
                     "((uint32(x1) % (uint32(x1) | 1)) << 9));\n";
    const char *i2[] = { "x0=52", "x1=209642591431368979", "x2=4093", NULL };
    check_run(p2, i2, "o2=0");
    /* A public condition still gives the ?: its unified type; an untyped ?:
     * with a secret condition takes the type of its context. */
    const char *p3 = "party a, b;\n"
                     "input a uint8 x;\n"
                     "output all w = true ? x : int16(-1);\n"
                     "uint8 z = x > 3 ? 1 : 2;\n"
                     "output all z;\n"
                     "output all v = (x > 3 ? 10 : 20) + x;\n"
                     "const N = 2;\n"
                     "output all c = uint8(N > 1 ? 100 : 200);\n";
    const char *i3[] = { "x=7", NULL };
    check_run(p3, i3, "w=7; z=1; v=17; c=100");
    const char *i4[] = { "x=2", NULL };
    check_run(p3, i4, "w=2; z=2; v=22; c=100");
}
END_TEST

START_TEST(compiler_bit_width_and_static_assert)
{
    const char *src = "party a, b;\n"
                      "input a uint8 x;\n"
                      "fn widen<N>(bool f[N]) -> uint<(bit_width(N) > 4 ? bit_width(N) : 4)> {\n"
                      "    static_assert(N >= 1, \"at least one flag\");\n"
                      "    uint<(bit_width(N) > 4 ? bit_width(N) : 4)> n = 0;\n"
                      "    for i in 0..N { if (f[i]) { n += 1; } }\n"
                      "    return n;\n"
                      "}\n"
                      "bool f3[3] = [x > 1, x > 2, x > 3];\n"
                      "bool f40[40];\n"
                      "for i in 0..40 { f40[i] = x > i; }\n"
                      "output all w0 = uint8(bit_width(0));\n"
                      "output all w1 = uint8(bit_width(255) + bit_width(256));\n"
                      "output all c3 = widen(f3);\n"
                      "output all c40 = widen(f40);\n";
    const char *i1[] = { "x=37", NULL };
    check_run(src, i1, "w0=0; w1=17; c3=3; c40=37");
    struct mpcc_program *p = compile_ok(src, NULL);
    ck_assert_uint_eq(p->circ->output_widths[2], 4);
    ck_assert_uint_eq(p->circ->output_widths[3], 6);
    prog_free(p);
}
END_TEST

START_TEST(compiler_struct_literals)
{
    const char *src = "party a, b;\n"
                      "struct Patient { uint8 age; bool diabetic; bool smoker; }\n"
                      "struct Pair { Patient p; uint8 ids[2]; }\n"
                      "input a Patient x;\n"
                      "input b uint8 add;\n"
                      "fn older(Patient p, uint8 n) -> Patient {\n"
                      "    return Patient{smoker: p.smoker, age: p.age + n, diabetic: p.diabetic};\n"
                      "}\n"
                      "fn age_of(Patient p) -> uint8 { return p.age; }\n"
                      "Patient q = {age: 70, diabetic: true, smoker: false};\n"
                      "Patient ps[2] = [q, {\n"
                      "    // the second patient\n"
                      "    age: add, diabetic: false, smoker: true,\n"
                      "}];\n"
                      "Pair pr = {ids: [add, 2], p: {age: 1, diabetic: x.smoker, smoker: false}};\n"
                      "q = {age: q.age + 1, diabetic: x.diabetic, smoker: q.smoker};\n"
                      "output all o1 = older(x, add);\n"
                      "output all o2 = ps;\n"
                      "output all o3 = age_of({age: 9, diabetic: false, smoker: false}) + age_of(q);\n"
                      "output all o4 = Patient{age: 30, diabetic: x.diabetic, smoker: x.smoker} == x;\n"
                      "output all o5 = pr;\n";
    const char *i1[] = { "x={age: 30, diabetic: false, smoker: true}", "add=5", NULL };
    check_run(src, i1,
              "o1={age: 35, diabetic: false, smoker: true}; "
              "o2=[{age: 70, diabetic: true, smoker: false}, {age: 5, diabetic: false, smoker: true}]; "
              "o3=80; o4=true; o5={p: {age: 1, diabetic: true, smoker: false}, ids: [5, 2]}");
    const char *i2[] = { "x={age: 31, diabetic: true, smoker: false}", "add=0", NULL };
    check_run(src, i2,
              "o1={age: 31, diabetic: true, smoker: false}; "
              "o2=[{age: 70, diabetic: true, smoker: false}, {age: 0, diabetic: false, smoker: true}]; "
              "o3=80; o4=false; o5={p: {age: 1, diabetic: false, smoker: false}, ids: [0, 2]}");
}
END_TEST

START_TEST(compiler_generic_functions_infer_sizes_widths_and_types)
{
    const char *src = "party a, b;\n"
                      "struct P { uint8 age; bool f; }\n"
                      "input a uint8 x[4];\n"
                      "input b uint16 y;\n"
                      "input a P ps[3];\n"
                      "input b int8 s;\n"
                      "fn max<W>(uint<W> p, uint<W> q) -> uint<W> { return p > q ? p : q; }\n"
                      "fn sum<N, W>(uint<W> v[N]) -> uint<(W+8)> {\n"
                      "    uint<(W+8)> t = 0; for i in 0..N { t += uint<(W+8)>(v[i]); } return t; }\n"
                      "fn rev<N, T>(T v[N]) -> T[N] { T r[N]; for i in 0..N { r[i] = v[N-1-i]; } return r; }\n"
                      "fn widen<W>(int<W> v) -> int<(2*W)> { return int<(2*W)>(v) * 1000; }\n"
                      "fn size<N, T>(T v[N]) -> uint8 { return N; }\n"
                      /* a generic calling a generic; array literals convert once N is known */
                      "fn total<N, W>(uint<W> v[N], uint<W> w[N]) -> uint<(W+8)> { return sum(v) + sum(rev(w)); }\n"
                      "output all m = max(x[0], y);\n"
                      "output all t = sum(x);\n"
                      "output all r = rev(x);\n"
                      "output all age = rev(ps)[0].age;\n"
                      "output all w = widen(s);\n"
                      "output all n = size(ps) + size(x);\n"
                      "output all u = total(x, [x[0], 1, 2, 3]);\n";
    const char *in[] = { "x=[1,2,3,250]", "y=7", "ps=[{age:5,f:true},{age:6,f:false},{age:7,f:true}]",
                         "s=-100", NULL };
    check_run(src, in, "m=7; t=256; r=[250, 3, 2, 1]; age=7; w=31072; n=7; u=263");
    /* One instance per call: widths follow the arguments, so the uint8 max
     * costs 8 + 8 ANDs and the uint32 one 32 + 32. */
    ck_assert_uint_eq(and_count("party a, b; input a uint8 x; input b uint8 y;"
                                " fn max<W>(uint<W> p, uint<W> q) -> uint<W> { return p > q ? p : q; }"
                                " output all r = max(x, y);"),
                      16);
    ck_assert_uint_eq(and_count("party a, b; input a uint32 x; input b uint32 y;"
                                " fn max<W>(uint<W> p, uint<W> q) -> uint<W> { return p > q ? p : q; }"
                                " output all r = max(x, y);"),
                      64);
}
END_TEST

START_TEST(compiler_gate_counts_are_minimal)
{
    /* A 64-bit addition is 63 ANDs; public shifts and constant arithmetic are free. */
    ck_assert_uint_eq(and_count("party a, b; input a uint64 x; input b uint64 y; output all r = x + y;"), 63);
    ck_assert_uint_eq(and_count("party a, b; input a uint64 x; output all r = (x << 3) ^ (x >> 60);"), 0);
    ck_assert_uint_eq(and_count("party a, b; input a uint64 x; uint64 k = 12; k = k * k + 3;"
                                " output all r = x ^ k;"), 0);
    /* A secret if that increments costs the adder plus one mux, not more. */
    ck_assert_uint_le(and_count("party a, b; input a bool c; input b uint8 n;"
                                " uint8 m = n; if (c) { m = m + 1; } output all m;"),
                      7 + 8);
    /* A public index is free. */
    ck_assert_uint_eq(and_count("party a, b; input a uint8 v[4]; output all r = v[2] ^ v[3];"), 0);
}
END_TEST

START_TEST(compiler_profile_attributes_ands_to_lines)
{
    struct mpcc_profile prof = { 0 };
    struct mpcc_program *p = compile_ok(hospitals, &prof);
    uint64_t total = 0, in_count = 0;
    for (size_t i = 0; i < prof.n; i++) {
        total += prof.lines[i].n_and;
        if (strcmp(prof.lines[i].function, "count") == 0)
            in_count += prof.lines[i].n_and;
    }
    ck_assert_uint_eq(total, circ_count_op(p->circ, CIRC_AND));
    ck_assert_uint_gt(in_count, 0);
    mpcc_profile_clear(&prof);
    prog_free(p);
}
END_TEST

/* `output NAME = expr;` charges expr's gates to its own line, not to the
 * statement before it (which has none here). */
START_TEST(compiler_profile_counts_output_expressions)
{
    struct mpcc_profile prof = { 0 };
    struct mpcc_program *p = compile_ok("party a, b;\n"
                                        "input a uint8 x;\n"
                                        "input b uint8 y;\n"
                                        "uint8 z = x ^ y;\n"
                                        "output all t = x * y;\n", &prof);
    uint64_t on5 = 0, total = 0;
    for (size_t i = 0; i < prof.n; i++) {
        total += prof.lines[i].n_and;
        if (prof.lines[i].line == 5)
            on5 += prof.lines[i].n_and;
    }
    ck_assert_uint_gt(on5, 0);
    ck_assert_uint_eq(on5, total);
    ck_assert_uint_eq(total, circ_count_op(p->circ, CIRC_AND));
    mpcc_profile_clear(&prof);
    prog_free(p);
}
END_TEST

START_TEST(compiler_imports_modules)
{
    char dir[] = "/tmp/mpcc_import_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], main_path[256];
    snprintf(path, sizeof path, "%s/mathx.mpc", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    /* An unused module function is checked too: its type error is reported. */
    fputs("const TEN = 10;\nfn max8(uint8 a, uint8 b) -> uint8 { return a > b ? a : b; }\n"
          "fn unused(uint8 a) -> bool { return a; }\n", f);
    fclose(f);
    snprintf(main_path, sizeof main_path, "%s/main.mpc", dir);
    f = fopen(main_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("import \"mathx\";\nimport \"mathx.mpc\";\nparty a, b;\ninput a uint8 x; input b uint8 y;\n"
          "output all m = max8(x, y) + TEN;\n", f);
    fclose(f);
    struct mpcc_program *p = NULL;
    struct mpcc_error err = { 0 };
    ck_assert_int_eq(mpcc_compile_file(main_path, NULL, &p, &err), MPCC_ERR_PARSE);
    char want[400];
    snprintf(want, sizeof want, "%s:3:37: return value: expected bool, found uint8", path);
    ck_assert_str_eq(err.msg, want);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("const TEN = 10;\nfn max8(uint8 a, uint8 b) -> uint8 { return a > b ? a : b; }\n"
          "fn unused(uint8 a) -> bool { return a != 0; }\n", f);
    fclose(f);
    ck_assert_msg(mpcc_compile_file(main_path, NULL, &p, &err) == MPCC_OK, "%s", err.msg);
    struct values_set *set = values_set_new(p->iface, VALUES_ANY_PARTY, &err);
    ck_assert_int_eq(values_set_assign(set, "x=4", &err), MPCC_OK);
    ck_assert_int_eq(values_set_assign(set, "y=9", &err), MPCC_OK);
    uint8_t **outs;
    ck_assert_int_eq(mpcc_eval_plain(p, set, &outs, &err), MPCC_OK);
    char *v = values_to_string(p->iface->outputs[0].type, outs[0], false, &err);
    ck_assert_str_eq(v, "19");
    free(v);
    mpcc_free_outputs(p, outs);
    values_set_free(set);
    prog_free(p);
    unlink(path);
    unlink(main_path);
    rmdir(dir);
}
END_TEST

START_TEST(compiler_compile_command_writes_a_readable_program)
{
    char *tmp = ts_write_temp(hospitals, strlen(hospitals));
    ck_assert_ptr_nonnull(tmp);
    char mpc[300], out[300];
    snprintf(mpc, sizeof mpc, "%s.mpc", tmp);
    snprintf(out, sizeof out, "%s.circ", tmp);
    ck_assert_int_eq(rename(tmp, mpc), 0);
    char *argv[] = { (char *)"compile", mpc, (char *)"-o", out, NULL };
    ck_assert_int_eq(mpcc_cmd_compile(4, argv), 0);
    struct mpcc_error err = { 0 };
    struct mpcc_program *back = prog_read_file(out, &err);
    ck_assert_msg(back != NULL, "%s", err.msg);
    struct mpcc_program *p = compile_ok(hospitals, NULL);
    ck_assert(iface_equal(p->iface, back->iface));
    ck_assert_uint_eq(circ_count_op(back->circ, CIRC_AND), circ_count_op(p->circ, CIRC_AND));
    prog_free(p);
    prog_free(back);
    unlink(mpc);
    unlink(out);
    free(tmp);
}
END_TEST

/* Every examples/NAME.mpc with inputs/NAME_expected.txt: compiled, run on
 * inputs/NAME_*.txt, printed as `mpcc run` prints, compared. */
START_TEST(compiler_examples_match_expected_outputs)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/examples/inputs", MPCC_SOURCE_DIR);
    DIR *d = opendir(dir);
    if (d == NULL) {
        printf("examples/inputs not found: example checks skipped\n");
        return;
    }
    struct dirent *de;
    int checked = 0;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        const char *suffix = "_expected.txt";
        if (n <= strlen(suffix) || strcmp(de->d_name + n - strlen(suffix), suffix) != 0)
            continue;
        char name[256], path[1200];
        snprintf(name, sizeof name, "%.*s", (int)(n - strlen(suffix)), de->d_name);
        snprintf(path, sizeof path, "%s/examples/%s.mpc", MPCC_SOURCE_DIR, name);
        struct mpcc_program *p = NULL;
        struct mpcc_error err = { 0 };
        struct compile_options o = { 0 };
        o.stdlib_dir = MPCC_SOURCE_DIR "/stdlib";
        ck_assert_msg(mpcc_compile_file(path, &o, &p, &err) == MPCC_OK, "%s", err.msg);
        struct values_set *set = values_set_new(p->iface, VALUES_ANY_PARTY, &err);
        ck_assert_ptr_nonnull(set);
        DIR *d2 = opendir(dir);
        ck_assert_ptr_nonnull(d2);
        struct dirent *de2;
        while ((de2 = readdir(d2)) != NULL) {
            size_t nl = strlen(name);
            if (strncmp(de2->d_name, name, nl) != 0 || de2->d_name[nl] != '_'
                || strcmp(de2->d_name, de->d_name) == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, de2->d_name);
            ck_assert_msg(values_set_read_file(set, path, &err) == MPCC_OK, "%s", err.msg);
        }
        closedir(d2);
        uint8_t **outs = NULL;
        ck_assert_msg(mpcc_eval_plain(p, set, &outs, &err) == MPCC_OK, "%s: %s", name, err.msg);
        char *got = mpcc_format_outputs(p, outs, false, &err);
        ck_assert_ptr_nonnull(got);
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        char *want = ts_read_file(path, NULL);
        ck_assert_ptr_nonnull(want);
        ck_assert_msg(strcmp(got, want) == 0, "example %s:\ngot:\n%s\nwanted:\n%s", name, got, want);
        free(got);
        free(want);
        mpcc_free_outputs(p, outs);
        values_set_free(set);
        prog_free(p);
        checked++;
    }
    closedir(d);
    printf("%d examples checked\n", checked);
}
END_TEST

/* ---- differential tests against C arithmetic ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static u128 mask_of(unsigned w)
{
    return w >= 128 ? ~(u128)0 : (((u128)1 << w) - 1);
}

static s128 sext(u128 v, unsigned w)
{
    if (w < 128 && ((v >> (w - 1)) & 1))
        v |= ~mask_of(w);
    return (s128)v;
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
       OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_NEG, OP_NOT, OP_PSHL, OP_PSHR, N_OPS };
static const char *const op_src[N_OPS] = {
    "x + y", "x - y", "x * y", "x / y", "x % y", "x & y", "x | y", "x ^ y", "x << y", "x >> y",
    "x == y", "x != y", "x < y", "x <= y", "x > y", "x >= y", "-x", "~x", "x << S", "x >> S" };

static u128 expect(int op, unsigned w, int sg, u128 x, u128 y, unsigned pshift)
{
    u128 m = mask_of(w);
    s128 sx = sext(x, w), sy = sext(y, w);
    u128 r = 0;
    switch (op) {
    case OP_ADD: r = x + y; break;
    case OP_SUB: r = x - y; break;
    case OP_MUL: r = x * y; break;
    case OP_DIV:
    case OP_MOD:
        if (y == 0) {
            r = op == OP_DIV ? m : x;
        } else if (!sg) {
            r = op == OP_DIV ? x / y : x % y;
        } else if (sy == -1) {
            r = op == OP_DIV ? (u128)0 - x : 0; /* INT_MIN / -1 wraps to INT_MIN */
        } else {
            r = (u128)(op == OP_DIV ? sx / sy : sx % sy);
        }
        break;
    case OP_AND: r = x & y; break;
    case OP_OR: r = x | y; break;
    case OP_XOR: r = x ^ y; break;
    case OP_SHL: r = y >= w ? 0 : x << y; break;
    case OP_SHR:
        if (sg)
            r = y >= w ? (u128)(sx < 0 ? -1 : 0) : (u128)(sx >> y);
        else
            r = y >= w ? 0 : x >> y;
        break;
    case OP_PSHL: r = pshift >= w ? 0 : x << pshift; break;
    case OP_PSHR:
        if (sg)
            r = pshift >= w ? (u128)(sx < 0 ? -1 : 0) : (u128)(sx >> pshift);
        else
            r = pshift >= w ? 0 : x >> pshift;
        break;
    case OP_EQ: return x == y;
    case OP_NE: return x != y;
    case OP_LT: return sg ? sx < sy : x < y;
    case OP_LE: return sg ? sx <= sy : x <= y;
    case OP_GT: return sg ? sx > sy : x > y;
    case OP_GE: return sg ? sx >= sy : x >= y;
    case OP_NEG: r = (u128)0 - x; break;
    case OP_NOT: r = ~x; break;
    }
    return r & m;
}

static int op_is_bool(int op)
{
    return op >= OP_EQ && op <= OP_GE;
}

static void diff_width(unsigned w, int sg)
{
    char src[4096];
    unsigned pshift = w > 2 ? w / 2 + 1 : 1;
    int n = snprintf(src, sizeof src, "party a, b;\nconst S = %u;\ninput a %s%u x;\ninput b %s%u y;\n",
                     pshift, sg ? "int" : "uint", w, sg ? "int" : "uint", w);
    for (int op = 0; op < N_OPS; op++)
        n += snprintf(src + n, sizeof src - (size_t)n, "output all r%d = %s;\n", op, op_src[op]);
    struct mpcc_program *p = compile_ok(src, NULL);
    const struct circuit *c = p->circ;
    ck_assert_uint_eq(c->n_input_bits, 2 * w);
    uint64_t *in = calloc(2 * w, sizeof *in);
    uint64_t *out = calloc(c->n_output_bits, sizeof *out);
    ck_assert(in && out);
    u128 m = mask_of(w);
    u128 specials[5] = { 0, 1 & m, m, (sg ? (m >> 1) + 1 : m - 1) & m, (sg ? m >> 1 : 2) & m };
    uint64_t seed = 0x9e3779b97f4a7c15ull ^ (w * 2 + (unsigned)sg);
    for (int batch = 0; batch < 3; batch++) {
        u128 xs[64], ys[64];
        for (int j = 0; j < 64; j++) {
            int t = batch * 64 + j;
            if (t < 25) {
                xs[j] = specials[t / 5];
                ys[j] = specials[t % 5];
            } else {
                xs[j] = (((u128)rng_next(&seed) << 64) | rng_next(&seed)) & m;
                ys[j] = (((u128)rng_next(&seed) << 64) | rng_next(&seed)) & m;
                if (t % 7 == 0) /* small shift amounts and divisors */
                    ys[j] &= 0xff & m;
            }
        }
        memset(in, 0, 2 * w * sizeof *in);
        for (int j = 0; j < 64; j++)
            for (unsigned i = 0; i < w; i++) {
                in[i] |= (uint64_t)((xs[j] >> i) & 1) << j;
                in[w + i] |= (uint64_t)((ys[j] >> i) & 1) << j;
            }
        struct mpcc_error err = { 0 };
        ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
        for (int op = 0; op < N_OPS; op++) {
            uint64_t off = circ_output_offset(c, (uint32_t)op);
            unsigned ow = op_is_bool(op) ? 1 : w;
            for (int j = 0; j < 64; j++) {
                u128 got = 0;
                for (unsigned i = 0; i < ow; i++)
                    got |= (u128)((out[off + i] >> j) & 1) << i;
                u128 want = expect(op, w, sg, xs[j], ys[j], pshift);
                ck_assert_msg(got == want, "%s%u: %s with x=%llx..%llx y=%llx..%llx: got %llx..%llx want %llx..%llx",
                              sg ? "int" : "uint", w, op_src[op],
                              (unsigned long long)(xs[j] >> 64), (unsigned long long)xs[j],
                              (unsigned long long)(ys[j] >> 64), (unsigned long long)ys[j],
                              (unsigned long long)(got >> 64), (unsigned long long)got,
                              (unsigned long long)(want >> 64), (unsigned long long)want);
            }
        }
    }
    free(in);
    free(out);
    prog_free(p);
}

static const unsigned diff_widths[] = { 1, 7, 8, 16, 31, 32, 63, 64, 128 };

START_TEST(compiler_operators_match_c_unsigned)
{
    diff_width(diff_widths[_i], 0);
}
END_TEST

START_TEST(compiler_operators_match_c_signed)
{
    diff_width(diff_widths[_i], 1);
}
END_TEST

/* break and continue: a first-match search, a skip, nested loops with a
 * break in the inner one, a function leaving its loop by return and by
 * break, all against C on random inputs; a public break stops unrolling
 * (no gate for the iterations after it). */
static const char loops_src[] =
    "party p, q;\n"
    "input p uint8 x[8];\n"
    "input q uint8 key;\n"
    "uint8 first = 255;\n"
    "uint16 evens = 0;\n"
    "uint16 pairs = 0;\n"
    "for i in 0..8 { if (x[i] == key) { first = uint8(i); break; } }\n"
    "for i in 0..8 { if (x[i] % 2 == 1) { continue; } if (x[i] > key) { break; } evens += uint16(x[i]); }\n"
    "for i in 0..8 { for j in 0..8 { if (x[j] >= x[i]) { break; } pairs += 1; } if (x[i] == 0) { continue; } pairs += 100; }\n"
    "fn last_below(uint8 v[8], uint8 k) -> uint8 {\n"
    "    uint8 r = 0;\n"
    "    for i in 0..8 { if (v[i] == k) { return r; } if (v[i] > k) { break; } r = v[i]; }\n"
    "    return r + 1;\n"
    "}\n"
    "output all first;\n"
    "output all evens;\n"
    "output all pairs;\n"
    "output all lb = last_below(x, key);\n";

START_TEST(compiler_break_and_continue_match_c)
{
    uint64_t seed = 99;
    for (int round = 0; round < 200; round++) {
        uint8_t x[8], key = (uint8_t)(rng_next(&seed) % 16);
        char xin[200], kin[40];
        int n = snprintf(xin, sizeof xin, "p:x=[");
        for (int i = 0; i < 8; i++) {
            x[i] = (uint8_t)(rng_next(&seed) % 16); /* small: matches and zeros are common */
            n += snprintf(xin + n, sizeof xin - (size_t)n, "%s%u", i ? "," : "", x[i]);
        }
        snprintf(xin + n, sizeof xin - (size_t)n, "]");
        snprintf(kin, sizeof kin, "q:key=%u", key);
        /* the same in C */
        unsigned first = 255, evens = 0, pairs = 0, lb;
        for (int i = 0; i < 8; i++)
            if (x[i] == key) { first = (unsigned)i; break; }
        for (int i = 0; i < 8; i++) {
            if (x[i] % 2 == 1) continue;
            if (x[i] > key) break;
            evens += x[i];
        }
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) { if (x[j] >= x[i]) break; pairs += 1; }
            if (x[i] == 0) continue;
            pairs += 100;
        }
        {
            unsigned r = 0;
            int done = 0;
            for (int i = 0; i < 8 && !done; i++) {
                if (x[i] == key) { lb = r; done = 1; break; }
                if (x[i] > key) break;
                r = x[i];
            }
            if (!done) lb = (r + 1) & 0xff;
        }
        char want[200];
        snprintf(want, sizeof want, "first=%u; evens=%u; pairs=%u; lb=%u", first, evens, pairs, lb);
        const char *in[] = {xin, kin, NULL};
        char *got = run(loops_src, in);
        ck_assert_msg(strcmp(got, want) == 0, "inputs %s %s: got %s, want %s", xin, kin, got, want);
        free(got);
    }
    /* A public break stops unrolling: the same gates as the shorter loop. */
    ck_assert_uint_eq(and_count("party p, q;\ninput p uint16 x[100];\ninput q uint16 y;\nuint16 s = y;\n"
                                "for i in 0..100 { if (i == 3) { break; } s = s * x[i]; }\noutput all s;\n"),
                      and_count("party p, q;\ninput p uint16 x[100];\ninput q uint16 y;\nuint16 s = y;\n"
                                "for i in 0..3 { s = s * x[i]; }\noutput all s;\n"));
    /* A public continue skips the rest of that iteration only. */
    check_run("party p, q;\ninput p uint8 a;\ninput q uint8 b;\nuint8 s = 0;\n"
              "for i in 0..5 { if (i % 2 == 0) { continue; } s += a; }\noutput all s;\n",
              (const char *const[]){"p:a=3", "q:b=0", NULL}, "s=6");
}
END_TEST

/* Constant arrays: untyped ones stand for their literal wherever a type is
 * known (initialisations, arguments, generic inference) and take constant
 * or loop-variable indices; typed ones are public values of their type
 * (secret indices, rows); neither costs a gate of its own. */
START_TEST(compiler_constant_arrays)
{
    static const char prog[] =
        "party p, q;\n"
        "const EDGES = [10, 20, 30];\n"
        "const GRID = [[1, 2], [3, 4]];\n"
        "const uint8 TABLE[4] = [3, 1, 4, 1];\n"
        "const int8 NEG[2][2] = [[-1, 2], [3, -4]];\n"
        "const uint16 LIMIT = 300;\n"
        "input p uint8 x;\n"
        "input q uint8 k;\n"
        "fn below(uint8 v, uint8 e[3]) -> uint8 { uint8 n = 0; for i in 0..3 { if (v < e[i]) { n += 1; } } return n; }\n"
        "fn first<N, W>(uint<W> v[N]) -> uint<W> { return v[N - 1]; }\n"
        "fn table_at(uint8 i) -> uint8 { return TABLE[i]; }\n"
        "uint8 over = 0;\n"
        "for i in 0..3 { if (x > EDGES[i]) { over += 1; } }\n"
        "uint8 g = 0;\n"
        "for i in 0..2 { for j in 0..2 { g += uint8(GRID[i][j] * (j + 1)); } }\n"
        "uint8 e[3] = EDGES;\n"
        "output all over;\n"
        "output all g;\n"
        "output all b = below(x, EDGES);\n"
        "output all f = first(e) + EDGES[1] + GRID[1][0];\n"
        "output all t = table_at(k);\n"
        "output all n = NEG[k % 2][1];\n"
        "output all lim = uint16(x) * 2 > LIMIT;\n"
        "output all whole = TABLE;\n";
    check_run(prog, (const char *const[]){"p:x=25", "q:k=2", NULL},
              "over=2; g=16; b=1; f=53; t=4; n=2; lim=false; whole=[3, 1, 4, 1]");
    check_run(prog, (const char *const[]){"p:x=200", "q:k=3", NULL},
              "over=3; g=16; b=0; f=53; t=1; n=-4; lim=true; whole=[3, 1, 4, 1]");
    /* Reading constants costs nothing beyond what the comparisons need. */
    ck_assert_uint_eq(and_count("party p, q;\nconst E = [10, 20, 30];\ninput p uint8 x;\ninput q uint8 y;\n"
                                "uint8 n = 0;\nfor i in 0..3 { if (x > E[i]) { n += 1; } }\noutput all n;\n"),
                      and_count("party p, q;\ninput p uint8 x;\ninput q uint8 y;\n"
                                "uint8 n = 0;\nif (x > 10) { n += 1; }\nif (x > 20) { n += 1; }\n"
                                "if (x > 30) { n += 1; }\noutput all n;\n"));
}
END_TEST

static void compile_error_has(const char *src, const char *want)
{
    struct mpcc_program *p = NULL;
    struct mpcc_error err = { 0 };
    struct compile_options o = { 0 };
    ck_assert_int_eq(mpcc_compile_source("test.mpc", src, strlen(src), &o, &p, &err), MPCC_ERR_PARSE);
    ck_assert_msg(strstr(err.msg, want) != NULL, "got [%s], want [%s]", err.msg, want);
}

START_TEST(compiler_fixed_point_errors_name_the_cause)
{
    const char *hdr = "party p, q;\ninput p fixed32 a;\ninput q int16 n;\n";
    const char *cases[][2] = {
        {"int32 z = 1.5;", "test.mpc:4:11: initialisation: a decimal constant needs a fixed-point type (such as fixed32), not int32"},
        {"fixed32 z = 1.5 * 2;", "operator '*' on constants alone: give the decimal a fixed-point type first, e.g. fixed32(1.5) * 2"},
        {"fixed32 z = a % a;", "operator '%' cannot be applied to fixed32 (fixed-point values take + - * / and comparisons)"},
        {"fixed32 z = a + n;", "mismatched types fixed32 and int16 for operator '+' (add a cast, e.g. fixed32(x))"},
        {"fixed16 z = a;", "initialisation: cannot convert fixed32 to fixed16 implicitly (use a cast: fixed16(x))"},
        {"fixed8 z = 300.0;", "constant 300.0 does not fit in fixed8 (-8.0..7.9375)"},
        {"fixed8 z = 8;", "constant 8 does not fit in fixed8 (-8.0..7.9375)"},
        {"fixed32 z = a << 1;", "operator '<<' cannot be applied to fixed32"},
        {"bool z = bool(a);", "cannot cast fixed32 to bool"},
        {"fixed32 z = 1.5e3;", "invalid decimal literal '1.5e3'"},
        {"fixed<9> z = 1.0;", "fixed-point width 9 is not an even width of 8 to 64 bits"},
        {"int16 z = fx_raw(n);", "the argument of 'fx_raw' must be a fixed-point value, found int16"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[512];
        snprintf(src, sizeof src, "%s%s\noutput all z;\n", hdr, cases[i][0]);
        compile_error_has(src, cases[i][1]);
    }
    compile_error_has("party p, q;\ninput p fixed9 a;\noutput all a;\n", "fixed-point type 'fixed9' has an unsupported width");
    compile_error_has("party p, q;\ninput p fixed32 a;\ninput q bool c;\noutput all r = c ? 1.5 : 2.25;\n",
                      "output 'r' needs a type: write e.g. fixed32(...) around the constant");
    compile_error_has("party p, q;\ninput p fixed32 a;\ninput q fixed16 b;\noutput all r = a + b;\n",
                      "mismatched types fixed32 and fixed16 for operator '+' (add a cast, e.g. fixed32(x), to the wider one)");
}
END_TEST

/* What a review found (all fixed): the most negative constant of a width
 * fits; a secret ?: of two decimal constants is a multiplexer of the two
 * fixed values; integer constants wrap in casts like every cast; a decimal
 * with a thousand zeros is tiny, not out of range. */
START_TEST(compiler_fixed_point_constants_at_the_edges)
{
    static const char src[] =
        "party p, q;\ninput p fixed32 x;\ninput q bool c;\n"
        "fixed16 lo = -128.0;\nfixed16 lo2 = -127.999;\nfixed64 lo3 = -2147483648.0;\n"
        "output all lo;\noutput all lo2;\noutput all lo3;\n"
        "output all m = x + (c ? 1.5 : -2.25);\n"
        "fixed32 n = c ? 0.5 : 3;\noutput all n;\n"
        "output all w = fixed8(100);\noutput all w2 = fixed8(-9);\n"
        "output all tiny = fixed32(0.00000000000000000000000000000000000000000000000000000000000001);\n";
    check_run(src, (const char *const[]){"p:x=1.25", "q:c=true", NULL},
              "lo=-128.0; lo2=-128.0; lo3=-2147483648.0; m=2.75; n=0.5; w=4.0; w2=7.0; tiny=0.0");
    check_run(src, (const char *const[]){"p:x=1.25", "q:c=false", NULL},
              "lo=-128.0; lo2=-128.0; lo3=-2147483648.0; m=-1.0; n=3.0; w=4.0; w2=7.0; tiny=0.0");
}
END_TEST

/* What a review found (all fixed): elements that are not untyped integers
 * (bools, typed values) picked by a loop variable keep their type (they read
 * garbage before); rows picked by constant indices work wherever a type is
 * known; ragged arrays and mixed element types are refused where declared
 * or used. */
START_TEST(compiler_constant_arrays_keep_their_element_types)
{
    static const char src[] =
        "party p, q;\ninput p uint8 x;\ninput q uint8 y;\n"
        "const B = [true, false, true];\nconst E = [uint8(200), 2];\nconst S = [int8(-5), 2];\n"
        "const G = [[1, 2], [3, 4]];\n"
        "fn sum2(uint8 r[2]) -> uint8 { return r[0] + r[1]; }\n"
        "uint8 nb = 0;\nuint16 ne = 0;\nint8 ns = 0;\n"
        "for i in 0..3 { if (B[i]) { nb += 1; } }\n"
        "for i in 0..2 { ne += uint16(E[i]) * 2; ns += S[i]; }\n"
        "uint8 row[2] = G[1];\nuint8 q2[2];\nq2 = G[0];\n"
        "output all nb;\noutput all ne;\noutput all ns;\noutput all row;\noutput all q2;\n"
        "output all t = sum2(G[1]) + x;\n";
    check_run(src, (const char *const[]){"p:x=1", "q:y=0", NULL},
              "nb=2; ne=404; ns=-3; row=[3, 4]; q2=[1, 2]; t=8");
    compile_error_has("party p, q;\ninput p uint8 x;\nconst G = [[1, 2], [3, 4, 5]];\noutput all x;\n",
                      "constant array 'G' is not rectangular: row 1 has 3 elements where row 0 has 2");
    compile_error_has("party p, q;\ninput p uint8 x;\nconst G = [[1, 2], 3];\noutput all x;\n",
                      "constant array 'G' is not rectangular: element 1 is a number where element 0 is a row");
    compile_error_has("party p, q;\ninput p uint8 x;\nconst M = [true, 2];\nuint8 n = 0;\n"
                      "for i in 0..2 { n += uint8(M[i]); }\noutput all n;\n",
                      "the elements of constant array 'M' have different types, so a loop variable cannot pick one");
}
END_TEST

/* A ragged array literal written out in place and indexed crashed lowering
 * (a loop variable picked a row where the first element is a number); it is
 * refused where indexed, with the message a ragged constant array gets where
 * declared. Constant arrays are checked at every depth too ([[2], [[1]]]
 * crashed the same way). Rectangular literals still work. */
START_TEST(compiler_ragged_array_literals_are_refused_where_indexed)
{
    const char *hdr = "party p, q;\ninput p uint8 x;\ninput q uint8 y;\nuint8 s = x;\n";
    const char *cases[][2] = {
        {"for i in 0..2 { s += [1, [2, 3]][i]; }",
         "test.mpc:5:26: an array literal is not rectangular: element 1 is a row where element 0 is a number"},
        {"s += [1, [2, 3]][0];",
         "test.mpc:5:10: an array literal is not rectangular: element 1 is a row where element 0 is a number"},
        {"s += [1, [2, 3]][1][0];",
         "test.mpc:5:10: an array literal is not rectangular: element 1 is a row where element 0 is a number"},
        {"for i in 0..2 { s += [[1, 2], 3][i][0]; }",
         "test.mpc:5:31: an array literal is not rectangular: element 1 is a number where element 0 is a row"},
        {"for i in 0..2 { s += [[1], [2, [3]]][i][0]; }",
         "test.mpc:5:28: an array literal is not rectangular: row 1 has 2 elements where row 0 has 1"},
        {"for i in 0..2 { s += [[1, 2], []][i][0]; }",
         "test.mpc:5:31: an array literal is not rectangular: row 1 has 0 elements where row 0 has 2"},
        {"for i in 0..2 { s += [[2], [[1]]][i][0]; }",
         "test.mpc:5:29: an array literal is not rectangular: element [1][0] is a row where element [0][0] is a number"},
        {"for i in 0..2 { for j in 0..2 { s += [[1, [2]], [3, 4]][i][j]; } }",
         "test.mpc:5:43: an array literal is not rectangular: element [0][1] is a row where element [0][0] is a number"},
        {"for i in 0..2 { s += [[[1, 2]], [[3]]][i][0][0]; }",
         "test.mpc:5:34: an array literal is not rectangular: row [1][0] has 1 elements where row [0][0] has 2"},
        {"for i in 0..2 { s += uint8([true, 2][i]); }",
         "test.mpc:5:37: the elements of an array literal have different types, so a loop variable cannot pick one"},
        {"const G = [[2], [[1]]];",
         "test.mpc:5:18: constant array 'G' is not rectangular: element [1][0] is a row where element [0][0] is a number"},
    };
    char src[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(src, sizeof src, "%s%s\noutput all r = s + y;\n", hdr, cases[i][0]);
        compile_error_has(src, cases[i][1]);
    }
    snprintf(src, sizeof src, "%sfor i in 0..2 { for j in 0..2 { s += [[1, 2], [3, 4]][i][j]; } }\n"
             "s += [[5], [6]][1][0] + [[[1, 2]], [[3, 4]]][1][0][i2];\noutput all r = s + y;\n",
             "party p, q;\ninput p uint8 x;\ninput q uint8 y;\nconst i2 = 1;\nuint8 s = x;\n");
    check_run(src, (const char *const[]){"p:x=1", "q:y=2", NULL}, "r=23");
}
END_TEST

START_TEST(compiler_constant_array_errors_name_the_cause)
{
    const char *hdr = "party p, q;\nconst E = [10, 20, 30];\ninput p uint8 x;\ninput q uint8 k;\n";
    char src[512];
    snprintf(src, sizeof src, "%soutput all c = E[k];\n", hdr);
    compile_error_has(src, "test.mpc:5:18: constant array 'E' has no type of its own, so its indices must be "
                           "public (constants or loop variables); give it a type to index it with a secret");
    snprintf(src, sizeof src, "%soutput all c = E;\n", hdr);
    compile_error_has(src, "test.mpc:5:16: constant array 'E' has no type of its own: use it where an array type is known");
    snprintf(src, sizeof src, "%soutput all c = E[3];\n", hdr);
    compile_error_has(src, "test.mpc:5:18: index 3 is out of range for constant array 'E' (3 elements)");
    snprintf(src, sizeof src, "%suint8 s = 0;\nfor i in 0..4 { s += E[i]; }\noutput all s;\n", hdr);
    compile_error_has(src, "test.mpc:6:24: index 3 is out of range for a constant array of 3 elements");
    snprintf(src, sizeof src, "%sE = [1, 2, 3];\noutput all x;\n", hdr);
    compile_error_has(src, "cannot assign to constant 'E'");
    compile_error_has("party p, q;\ninput p uint8 x;\nconst F = [1, x];\noutput all x;\n",
                      "test.mpc:3:15: the elements of constant array 'F' must be numbers or booleans known at compile time");
    compile_error_has("party p, q;\ninput p uint8 x;\nconst uint8 F[2] = [1, x];\noutput all x;\n",
                      "test.mpc:3:20: the value of constant 'F' must be known at compile time");
    compile_error_has("party p, q;\ninput p uint8 x;\nconst uint8 F[2] = [1, 300];\noutput all x;\n",
                      "300 does not fit in uint8");
    compile_error_has("party p, q;\ninput p uint8 x;\nconst uint8 K = x;\noutput all x;\n",
                      "the value of constant 'K' must be known at compile time");
}
END_TEST

/* Fixed-point arithmetic, compiled and evaluated, against circuits/fixed.c
 * (exact __int128 arithmetic of the stated rules) on random values and the
 * edges, for every operator, cast and a literal, at four widths. */
static uint64_t out_raw(uint8_t *const *outs, uint32_t k, uint32_t w)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < w; i++)
        v |= (uint64_t)(outs[k][i] != 0) << i;
    return v;
}

START_TEST(compiler_fixed_point_matches_exact_arithmetic)
{
    static const uint32_t widths[] = {8, 16, 32, 64};
    uint64_t seed = 4242;
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
        uint32_t w = widths[wi], f = w / 2;
        char src[1400];
        snprintf(src, sizeof src,
                 "party p, q;\ninput p fixed%u a;\ninput q fixed%u b;\ninput q int16 n;\n"
                 "output all add = a + b;\noutput all sub = a - b;\noutput all mul = a * b;\n"
                 "output all div = a / b;\noutput all lt = a < b;\noutput all le = a <= b;\n"
                 "output all eq = a == b;\noutput all neg = -a;\noutput all toint = int16(a);\n"
                 "output all fromint = fixed%u(n);\noutput all lit = a * 1.25 + 0.5;\n"
                 "output all narrow = fixed8(a);\noutput all wide = fixed64(a);\n", w, w, w);
        struct mpcc_program *p = compile_ok(src, NULL);
        int64_t lit125 = 0, lit05 = 0;
        size_t used;
        ck_assert_int_eq(fixed_parse("1.25", 4, w, &lit125, &used), 1);
        ck_assert_int_eq(fixed_parse("0.5", 3, w, &lit05, &used), 1);
        for (int round = 0; round < 300; round++) {
            int64_t a, b;
            int16_t n = (int16_t)rng_next(&seed);
            int64_t edge[] = {0, 1, -1, fixed_wrap((int64_t)((uint64_t)1 << (w - 1)), w),
                              fixed_wrap((int64_t)(((uint64_t)1 << (w - 1)) - 1), w),
                              (int64_t)1 << f, -((int64_t)1 << f)};
            a = round < 7 ? edge[round] : fixed_wrap((int64_t)rng_next(&seed), w);
            b = round < 49 ? edge[round / 7 % 7] : fixed_wrap((int64_t)rng_next(&seed), w);
            if (round % 5 == 1) /* small values: products that keep their integer part */
                a = fixed_wrap((int64_t)(rng_next(&seed) % ((uint64_t)1 << (f + 2))) - ((int64_t)1 << (f + 1)), w);
            char ta[FIXED_TEXT_MAX], tb[FIXED_TEXT_MAX], ia[FIXED_TEXT_MAX + 8], ib[FIXED_TEXT_MAX + 8], in[40];
            fixed_format(a, w, ta);
            fixed_format(b, w, tb);
            snprintf(ia, sizeof ia, "p:a=%s", ta);
            snprintf(ib, sizeof ib, "q:b=%s", tb);
            snprintf(in, sizeof in, "q:n=%d", n);
            struct mpcc_error err = {0};
            struct values_set *set = values_set_new(p->iface, VALUES_ANY_PARTY, &err);
            ck_assert_ptr_nonnull(set);
            ck_assert_msg(values_set_assign(set, ia, &err) == MPCC_OK, "%s", err.msg);
            ck_assert_msg(values_set_assign(set, ib, &err) == MPCC_OK, "%s", err.msg);
            ck_assert_msg(values_set_assign(set, in, &err) == MPCC_OK, "%s", err.msg);
            uint8_t **outs = NULL;
            ck_assert_msg(mpcc_eval_plain(p, set, &outs, &err) == MPCC_OK, "%s", err.msg);
            int64_t want[13];
            want[0] = fixed_wrap((int64_t)((uint64_t)a + (uint64_t)b), w); /* (wrapping, no UB) */
            want[1] = fixed_wrap((int64_t)((uint64_t)a - (uint64_t)b), w);
            want[2] = fixed_mul(a, b, w);
            want[3] = fixed_div(a, b, w);
            want[4] = a < b;
            want[5] = a <= b;
            want[6] = a == b;
            want[7] = fixed_wrap((int64_t)(0 - (uint64_t)a), w);
            want[8] = fixed_wrap(a / ((int64_t)1 << f), 16); /* C: toward zero */
            want[9] = fixed_wrap((int64_t)((uint64_t)(int64_t)n << f), w);
            want[10] = fixed_wrap(fixed_mul(a, lit125, w) + lit05, w);
            want[11] = f > 4 ? fixed_wrap((int64_t)(((__int128)a + ((int64_t)1 << (f - 5))) >> (f - 4)), 8)
                             : fixed_wrap(a, 8);
            want[12] = (int64_t)((uint64_t)a << (32 - f));
            static const uint32_t ow[] = {0, 0, 0, 0, 1, 1, 1, 0, 16, 0, 0, 8, 64};
            for (uint32_t k = 0; k < 13; k++) {
                uint32_t kw = ow[k] ? ow[k] : w;
                int64_t got = fixed_wrap((int64_t)out_raw(outs, k, kw), kw);
                if (kw == 1)
                    got &= 1;
                ck_assert_msg(got == fixed_wrap(want[k], kw == 1 ? 64 : kw),
                              "fixed%u, a = %s, b = %s, n = %d: output %s is %lld, want %lld", w, ta, tb, n,
                              p->iface->outputs[k].name, (long long)got, (long long)want[k]);
            }
            mpcc_free_outputs(p, outs);
            values_set_free(set);
        }
        prog_free(p);
    }
}
END_TEST

static Suite *compiler_suite(void)
{
    Suite *s = suite_create("compiler");
    TCase *tc = tcase_create("features");
    tcase_add_test(tc, compiler_hospitals_example);
    tcase_add_test(tc, compiler_literals_and_constants);
    tcase_add_test(tc, compiler_secret_if_else_and_nesting);
    tcase_add_test(tc, compiler_return_inside_secret_branch);
    tcase_add_test(tc, compiler_break_and_continue_match_c);
    tcase_add_test(tc, compiler_constant_arrays);
    tcase_add_test(tc, compiler_fixed_point_matches_exact_arithmetic);
    tcase_add_test(tc, compiler_fixed_point_errors_name_the_cause);
    tcase_add_test(tc, compiler_fixed_point_constants_at_the_edges);
    tcase_add_test(tc, compiler_constant_array_errors_name_the_cause);
    tcase_add_test(tc, compiler_constant_arrays_keep_their_element_types);
    tcase_add_test(tc, compiler_ragged_array_literals_are_refused_where_indexed);
    tcase_add_test(tc, compiler_compound_assignment_in_secret_branches);
    tcase_add_test(tc, compiler_arrays_public_and_secret_index);
    tcase_add_test(tc, compiler_structs_loops_casts);
    tcase_add_test(tc, compiler_generic_functions_infer_sizes_widths_and_types);
    tcase_add_test(tc, compiler_types_do_not_depend_on_constant_folding);
    tcase_add_test(tc, compiler_struct_literals);
    tcase_add_test(tc, compiler_bit_width_and_static_assert);
    tcase_add_test(tc, compiler_gate_counts_are_minimal);
    tcase_add_test(tc, compiler_functions_take_and_return_arrays);
    tcase_add_test(tc, compiler_profile_attributes_ands_to_lines);
    tcase_add_test(tc, compiler_profile_counts_output_expressions);
    tcase_add_test(tc, compiler_imports_modules);
    tcase_add_test(tc, compiler_examples_match_expected_outputs);
    tcase_add_test(tc, compiler_compile_command_writes_a_readable_program);
    suite_add_tcase(s, tc);
    TCase *td = tcase_create("differential");
    tcase_set_timeout(td, 300);
    int nw = (int)(sizeof diff_widths / sizeof diff_widths[0]);
    tcase_add_loop_test(td, compiler_operators_match_c_unsigned, 0, nw);
    tcase_add_loop_test(td, compiler_operators_match_c_signed, 0, nw);
    suite_add_tcase(s, td);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(compiler_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
