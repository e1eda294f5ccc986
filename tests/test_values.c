/* test_values.c - typed values (circuits/values.h): parse/format round trips
 * against a plain-C (__int128) reference, big decimals, every error class
 * with its exact message, --input assignments, input files, ownership and
 * missing-input checks, and output printing. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "circuits/fixed.h"
#include "circuits/values.h"
#include "test_support.h"

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

static struct iface_type *patient_type(void)
{
    char **names = malloc(2 * sizeof *names);
    struct iface_type **types = malloc(2 * sizeof *types);
    ck_assert_ptr_nonnull(names);
    ck_assert_ptr_nonnull(types);
    names[0] = strdup("age");
    names[1] = strdup("diabetic");
    types[0] = iface_type_int(false, 8);
    types[1] = iface_type_bool();
    return iface_type_struct(strdup("Patient"), 2, names, types);
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Decimal of a u128, the reference printer. */
static void u128_dec(u128 v, char *out)
{
    char tmp[48];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    while (n)
        *out++ = tmp[--n];
    *out = '\0';
}

/* Formats t's value held in bits, compares with want, parses it back. */
static void check_round_trip(const struct iface_type *t, const uint8_t *bits, const char *want)
{
    struct mpcc_error err = {0};
    char *s = values_to_string(t, bits, false, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    if (want)
        ck_assert_str_eq(s, want);
    uint8_t *back = malloc(t->bits);
    ck_assert_msg(values_parse(t, s, back, &err) == MPCC_OK, "%s: %s", s, err.msg);
    ck_assert_int_eq(memcmp(back, bits, t->bits), 0);
    free(back);
    free(s);
}

START_TEST(values_round_trip_random_integers_against_int128)
{
    static const uint32_t widths[] = {1, 7, 8, 16, 64, 128, 256};
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    uint8_t bits[256];
    char want[64], hex[80];
    struct mpcc_error err = {0};
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
        uint32_t w = widths[wi];
        for (int sgn = 0; sgn < 2; sgn++) {
            struct iface_type *t = iface_type_int(sgn, w);
            for (int rep = 0; rep < 300; rep++) {
                uint64_t r = rng_next(&seed);
                for (uint32_t i = 0; i < w; i++) {
                    if (i % 64 == 0)
                        r = rng_next(&seed);
                    bits[i] = (uint8_t)((r >> (i % 64)) & 1);
                }
                if (rep == 0) /* the extremes: all ones, sign bit alone, zero */
                    memset(bits, 1, w);
                if (rep == 1) {
                    memset(bits, 0, w);
                    bits[w - 1] = 1;
                }
                if (rep == 2)
                    memset(bits, 0, w);
                if (w > 128) {
                    check_round_trip(t, bits, NULL);
                    continue;
                }
                u128 u = 0;
                for (uint32_t i = 0; i < w; i++)
                    u |= (u128)bits[i] << i;
                bool neg = sgn && bits[w - 1];
                if (neg) { /* two's complement magnitude, computed as i128 */
                    i128 v = (i128)(u | (w < 128 ? ~(((u128)1 << w) - 1) : 0));
                    want[0] = '-';
                    u128_dec((u128)0 - (u128)v, want + 1);
                } else {
                    u128_dec(u, want);
                }
                check_round_trip(t, bits, want);
                if (!sgn) { /* hexadecimal and binary spellings parse to the same bits */
                    uint8_t back[128];
                    int n = snprintf(hex, sizeof hex, "0x%016llx_%016llx",
                                     (unsigned long long)(u >> 64), (unsigned long long)u);
                    ck_assert_int_gt(n, 0);
                    ck_assert_msg(values_parse(t, hex, back, &err) == MPCC_OK, "%s", err.msg);
                    ck_assert_int_eq(memcmp(back, bits, w), 0);
                }
            }
            iface_type_free(t);
        }
    }
}
END_TEST

START_TEST(values_big_decimals_parse_and_print)
{
    struct mpcc_error err = {0};
    struct iface_type *t = iface_type_int(false, 256);
    uint8_t *bits = malloc(65535);
    memset(bits, 1, 256);
    check_round_trip(t, bits,
                     "115792089237316195423570985008687907853269984665640564039457584007913129639935");
    iface_type_free(t);

    t = iface_type_int(true, 128);
    memset(bits, 0, 128);
    bits[127] = 1;
    check_round_trip(t, bits, "-170141183460469231731687303715884105728");
    iface_type_free(t);

    t = iface_type_int(false, 201);
    ck_assert_int_eq(values_parse(t, "1606938044258990275541962092341162602522202993782792835313721",
                                  bits, &err), MPCC_OK);
    uint8_t *hb = malloc(201);
    ck_assert_int_eq(values_parse(t, "0x100000000000000000000000000000000000000000000003039", hb, &err),
                     MPCC_OK);
    ck_assert_int_eq(memcmp(bits, hb, 201), 0);
    free(hb);
    iface_type_free(t);

    t = iface_type_int(true, 200);
    memset(bits, 0, 200);
    bits[199] = 1;
    check_round_trip(t, bits, "-803469022129495137770981046170581301261101496891396417650688");
    iface_type_free(t);

    t = iface_type_int(false, 65535); /* 2^65535 - 1 has 19729 digits */
    memset(bits, 1, 65535);
    char *s = values_to_string(t, bits, false, &err);
    ck_assert_uint_eq(strlen(s), 19729);
    ck_assert_int_eq(strncmp(s, "100176496520342323248953617578", 30), 0);
    ck_assert_str_eq(s + 19729 - 30, "753036169722793947952859578367");
    memset(bits, 0, 65535);
    ck_assert_int_eq(values_parse(t, s, bits, &err), MPCC_OK);
    for (uint32_t i = 0; i < 65535; i++)
        ck_assert_uint_eq(bits[i], 1);
    free(s);
    iface_type_free(t);
    free(bits);
}
END_TEST

START_TEST(values_accept_every_syntax)
{
    struct mpcc_error err = {0};
    uint8_t b[512];
    struct iface_type *u8 = iface_type_int(false, 8), *i8 = iface_type_int(true, 8);
    struct iface_type *u16 = iface_type_int(false, 16), *bt = iface_type_bool();
    static const struct {
        const char *text;
        int type; /* 0 uint8, 1 int8, 2 uint16, 3 bool */
        const char *printed;
    } ok[] = {
        {"0xFF", 0, "255"},   {"0b1010_1010", 0, "170"}, {"+5", 0, "5"},     {" \t7\n", 0, "7"},
        {"007", 0, "7"},      {"-0", 0, "0"},            {"-128", 1, "-128"}, {"-0x80", 1, "-128"},
        {"127", 1, "127"},    {"1_000", 2, "1000"},      {"0X1_0", 2, "16"}, {"true", 3, "true"},
        {"1", 3, "true"},     {"false", 3, "false"},     {"0", 3, "false"},
    };
    struct iface_type *types[4] = {u8, i8, u16, bt};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        ck_assert_msg(values_parse(types[ok[i].type], ok[i].text, b, &err) == MPCC_OK, "%s: %s",
                      ok[i].text, err.msg);
        char *s = values_to_string(types[ok[i].type], b, false, &err);
        ck_assert_str_eq(s, ok[i].printed);
        free(s);
    }

    struct iface_type *arr = iface_type_array(iface_type_int(false, 8), 3);
    ck_assert_int_eq(values_parse(arr, "  [ 1 ,2,\n3 , ] ", b, &err), MPCC_OK);
    ck_assert_uint_eq(b[0], 1);
    ck_assert_uint_eq(b[8], 0);
    ck_assert_uint_eq(b[9], 1);
    ck_assert_uint_eq(b[16], 1);
    ck_assert_uint_eq(b[17], 1);
    iface_type_free(arr);

    struct iface_type *m = iface_type_array(iface_type_array(iface_type_int(true, 32), 3), 2);
    ck_assert_int_eq(values_parse(m, "[[1,-2,3],[4,5,-6]]", b, &err), MPCC_OK);
    char *s = values_to_string(m, b, false, &err);
    ck_assert_str_eq(s, "[[1, -2, 3], [4, 5, -6]]");
    free(s);
    s = values_to_string(m, b, true, &err);
    ck_assert_str_eq(s, "[[1, -2, 3], [4, 5, -6]]");
    free(s);
    iface_type_free(m);

    struct iface_type *pa = iface_type_array(patient_type(), 2);
    ck_assert_int_eq(values_parse(pa, "[{diabetic: true, age: 70}, {age:0x20,diabetic:0}]", b, &err),
                     MPCC_OK);
    ck_assert_uint_eq(b[8], 1); /* diabetic follows the 8 bits of age */
    s = values_to_string(pa, b, false, &err);
    ck_assert_str_eq(s, "[{age: 70, diabetic: true}, {age: 32, diabetic: false}]");
    free(s);
    s = values_to_string(pa, b, true, &err);
    ck_assert_str_eq(s, "[{\"age\": 70, \"diabetic\": true}, {\"age\": 32, \"diabetic\": false}]");
    free(s);
    iface_type_free(pa);

    /* JSON: numbers up to 53 bits, strings beyond */
    struct iface_type *u53 = iface_type_int(false, 53), *u64 = iface_type_int(false, 64);
    struct iface_type *i54 = iface_type_int(true, 54);
    memset(b, 1, 64);
    s = values_to_string(u53, b, true, &err);
    ck_assert_str_eq(s, "9007199254740991");
    free(s);
    s = values_to_string(u64, b, true, &err);
    ck_assert_str_eq(s, "\"18446744073709551615\"");
    free(s);
    s = values_to_string(i54, b, true, &err);
    ck_assert_str_eq(s, "\"-1\"");
    free(s);
    iface_type_free(u53);
    iface_type_free(u64);
    iface_type_free(i54);
    for (int i = 0; i < 4; i++)
        iface_type_free(types[i]);
}
END_TEST

struct bad_value {
    int type; /* index into the types built in the test */
    const char *text;
    const char *msg;
};

static const struct bad_value bad_values[] = {
    {0, "300", "column 1: value 300 does not fit in uint8 (0..255)"},
    {1, "-129", "column 1: value -129 does not fit in int8 (-128..127)"},
    {1, "128", "column 1: value 128 does not fit in int8 (-128..127)"},
    {0, "-1", "column 1: value -1 does not fit in uint8 (0..255)"},
    {0, "  0x1ff", "column 3: value 0x1ff does not fit in uint8 (0..255)"},
    {6, "340282366920938463463374607431768211456",
     "column 1: value 340282366920938463463374607431768211456 does not fit in uint128 (0..2^128-1)"},
    {7, "-1701411834604692317316873037158841057280",
     "column 1: value -170141183460469231731687303715884105728... does not fit in int128 "
     "(-2^127..2^127-1)"},
    {0, "12a", "column 3: invalid decimal digit 'a' in '12a'"},
    {0, "0xg", "column 3: invalid hexadecimal digit 'g' in '0xg'"},
    {0, "0b102", "column 5: invalid binary digit '2' in '0b102'"},
    {0, "0x", "column 1: '0x' has no digits"},
    {0, "1__0", "column 2: misplaced '_' in '1__0' (only between digits)"},
    {0, "_1", "column 1: misplaced '_' in '_1' (only between digits)"},
    {0, "", "column 1: expected a uint8 value, found end of text"},
    {0, "true", "column 1: expected a uint8 value, found 'true'"},
    {0, "[1]", "column 1: expected a uint8 value, found '['"},
    {0, "1 2", "column 3: unexpected '2' after the value"},
    {2, "2", "column 1: expected true, false, 0 or 1 for bool, found '2'"},
    {2, "yes", "column 1: expected true, false, 0 or 1 for bool, found 'yes'"},
    {3, "[1, 2]", "column 6: expected 3 elements for uint8[3], found 2"},
    {3, "[1,2,3,4]", "column 8: too many elements for uint8[3] (expected 3)"},
    {3, "[1 2 3]", "column 4: expected ',' or ']' in uint8[3], found '2'"},
    {3, "5", "column 1: expected '[' to start a uint8[3] value, found '5'"},
    {3, "[1,2,300]", "column 6: value 300 does not fit in uint8 (0..255)"},
    {3, "[1,2,3", "column 7: expected ',' or ']' in uint8[3], found end of text"},
    {4, "{age: 70}", "column 9: missing field 'diabetic' of Patient"},
    {4, "{age: 70, agee: 1}", "column 11: struct Patient has no field 'agee'"},
    {4, "{age: 70, age: 1}", "column 11: field 'age' of Patient given twice"},
    {4, "{age 70}", "column 6: expected ':' after field 'age', found '7'"},
    {4, "{age: 70; diabetic: true}", "column 9: expected ',' or '}' in Patient, found ';'"},
    {4, "[1]", "column 1: expected '{' to start a Patient value, found '['"},
    {4, "{: 1}", "column 2: expected a field name of Patient, found ':'"},
    {5, "[[1,2,3],[4,5]]", "column 14: expected 3 elements for int32[3], found 2"},
};

START_TEST(values_errors_say_column_and_expectation)
{
    const struct bad_value *bv = &bad_values[_i];
    struct iface_type *types[8] = {
        iface_type_int(false, 8),
        iface_type_int(true, 8),
        iface_type_bool(),
        iface_type_array(iface_type_int(false, 8), 3),
        patient_type(),
        iface_type_array(iface_type_array(iface_type_int(true, 32), 3), 2),
        iface_type_int(false, 128),
        iface_type_int(true, 128),
    };
    struct mpcc_error err = {0};
    uint8_t bits[256];
    ck_assert_int_eq(values_parse(types[bv->type], bv->text, bits, &err), MPCC_ERR_PARSE);
    ck_assert_str_eq(err.msg, bv->msg);
    for (int i = 0; i < 8; i++)
        iface_type_free(types[i]);
}
END_TEST

/* h1 owns a (uint8[2]) and c (int16); h2 owns b (Patient). */
static struct iface *example_iface(void)
{
    struct mpcc_error err = {0};
    struct iface *f = iface_new(&err);
    ck_assert_int_eq(iface_add_party(f, "h1", &err), MPCC_OK);
    ck_assert_int_eq(iface_add_party(f, "h2", &err), MPCC_OK);
    ck_assert_int_eq(iface_add_input(f, "a", 0, iface_type_array(iface_type_int(false, 8), 2), &err),
                     MPCC_OK);
    ck_assert_int_eq(iface_add_input(f, "b", 1, patient_type(), &err), MPCC_OK);
    ck_assert_int_eq(iface_add_input(f, "c", 0, iface_type_int(true, 16), &err), MPCC_OK);
    uint32_t both[2] = {0, 1};
    ck_assert_int_eq(iface_add_output(f, "total", iface_type_int(false, 16), both, 2, &err), MPCC_OK);
    ck_assert_int_eq(iface_add_output(f, "who", patient_type(), both, 1, &err), MPCC_OK);
    return f;
}

static uint64_t bits_value(const uint8_t *b, uint32_t w)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < w; i++)
        v |= (uint64_t)b[i] << i;
    return v;
}

START_TEST(values_assignments_check_owner_and_completeness)
{
    struct mpcc_error err = {0};
    struct iface *f = example_iface();
    struct values_set *s = values_set_new(f, 0, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(values_set_assign(s, "a=[1, 2]", &err), MPCC_OK);
    ck_assert_uint_eq(bits_value(s->bits[0], 16), 0x0201);
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"b={age: 1, diabetic: true}", "input 'b' belongs to party h2, not h1"},
        {"h2:b={age: 1, diabetic: true}", "'h2:...' gives an input of party h2, not h1"},
        {"zz=1", "unknown input 'zz' (inputs of h1: a, c)"},
        {"h9:a=1", "unknown party 'h9'"},
        {"a=[3, 4]", "input 'a' given twice"},
        {"c = 70000", "input 'c': column 5: value 70000 does not fit in int16 (-32768..32767)"},
        {"c", "expected NAME=VALUE, found 'c'"},
        {"=5", "expected an input name before '='"},
        {"1c=5", "invalid input name '1c'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_ne(values_set_assign(s, bad[i].text, &err), MPCC_OK);
        ck_assert_str_eq(err.msg, bad[i].msg);
    }
    ck_assert_ptr_null(s->bits[2]); /* a failed value leaves the input unset */
    ck_assert_int_eq(values_set_check_complete(s, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "missing input 'c' (party h1)");
    ck_assert_int_eq(values_set_assign(s, " h1 : c = -5", &err), MPCC_OK);
    ck_assert_uint_eq(bits_value(s->bits[2], 16), 0xfffb);
    ck_assert_int_eq(values_set_check_complete(s, &err), MPCC_OK);
    values_set_free(s);

    s = values_set_new(f, VALUES_ANY_PARTY, &err);
    ck_assert_int_eq(values_set_assign(s, "h1:a=[1,2]", &err), MPCC_OK);
    ck_assert_int_eq(values_set_assign(s, "h2:c=1", &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "input 'c' belongs to party h1, not h2");
    ck_assert_int_eq(values_set_assign(s, "d=1", &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "unknown input 'd' (inputs: a, b, c)");
    ck_assert_int_eq(values_set_check_complete(s, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "missing inputs 'b' (party h2), 'c' (party h1)");
    values_set_free(s);
    ck_assert_ptr_null(values_set_new(f, 2, &err));
    iface_free(f);
}
END_TEST

START_TEST(values_input_files_span_lines_and_report_positions)
{
    struct mpcc_error err = {0};
    struct iface *f = example_iface();
    static const char good[] = "# inputs of h1\n"
                               "\n"
                               "a = [1,   # first\n"
                               "     2]\n"
                               "c = -7  # signed\n";
    struct values_set *s = values_set_new(f, 0, &err);
    ck_assert_msg(values_set_read_mem(s, good, strlen(good), "in.txt", &err) == MPCC_OK, "%s", err.msg);
    ck_assert_uint_eq(bits_value(s->bits[0], 16), 0x0201);
    ck_assert_uint_eq(bits_value(s->bits[2], 16), 0xfff9);
    ck_assert_int_eq(values_set_check_complete(s, &err), MPCC_OK);
    values_set_free(s);

    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"a = [1, 2]\nq = 1\n", "in.txt:2: unknown input 'q' (inputs of h1: a, c)"},
        {"\n\njust words\n", "in.txt:3: expected NAME = VALUE"},
        {"a = [1,\n  300]\n", "in.txt:2:3: input 'a': value 300 does not fit in uint8 (0..255)"},
        {"a = [1,\n 2\n", "in.txt:3:1: input 'a': expected ',' or ']' in uint8[2], found end of text"},
        {"c = 1 2\n", "in.txt:1:7: input 'c': unexpected '2' after the value"},
        {"b = {age: 1, diabetic: true}\n", "in.txt:1: input 'b' belongs to party h2, not h1"},
        {"c = 1\nc = 2\n", "in.txt:2: input 'c' given twice"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s = values_set_new(f, 0, &err);
        ck_assert_int_ne(values_set_read_mem(s, bad[i].text, strlen(bad[i].text), "in.txt", &err),
                         MPCC_OK);
        ck_assert_str_eq(err.msg, bad[i].msg);
        values_set_free(s);
    }

    static const char h2[] = "b = {\n  age: 70,\n  diabetic: true\n}\n";
    char *path = ts_write_temp(h2, strlen(h2));
    ck_assert_ptr_nonnull(path);
    s = values_set_new(f, 1, &err);
    ck_assert_msg(values_set_read_file(s, path, &err) == MPCC_OK, "%s", err.msg);
    ck_assert_uint_eq(bits_value(s->bits[1], 9), 70 | 256);
    ck_assert_int_eq(values_set_check_complete(s, &err), MPCC_OK);
    values_set_free(s);
    unlink(path);
    free(path);
    s = values_set_new(f, 1, &err);
    ck_assert_int_eq(values_set_read_file(s, "/nonexistent/in.txt", &err), MPCC_ERR_IO);
    ck_assert_str_eq(err.msg, "cannot open '/nonexistent/in.txt': No such file or directory");
    values_set_free(s);
    iface_free(f);
}
END_TEST

START_TEST(values_print_outputs_as_text_and_json)
{
    struct mpcc_error err = {0};
    struct iface *f = example_iface();
    uint8_t total[16] = {0}, who[9] = {0};
    total[0] = total[3] = 1; /* 9 */
    who[1] = who[8] = 1;     /* age 2, diabetic */
    const uint8_t *bits[2] = {total, who};
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    ck_assert_int_eq(values_print_outputs(f, bits, false, mem, &err), MPCC_OK);
    ck_assert_int_eq(values_print_outputs(f, bits, true, mem, &err), MPCC_OK);
    bits[0] = NULL; /* outputs this party does not receive are skipped */
    ck_assert_int_eq(values_print_outputs(f, bits, true, mem, &err), MPCC_OK);
    fclose(mem);
    ck_assert_str_eq(buf, "total = 9\n"
                          "who = {age: 2, diabetic: true}\n"
                          "{\"total\": 9, \"who\": {\"age\": 2, \"diabetic\": true}}\n"
                          "{\"who\": {\"age\": 2, \"diabetic\": true}}\n");
    free(buf);
    iface_free(f);
}
END_TEST

START_TEST(values_parser_survives_mutated_text)
{
    static const char base[] = "[{diabetic: true, age: 70}, {age:0x2_0,diabetic:0}]";
    static const char alphabet[] = "0123456789 \n[]{},:-_xbtrue\xff";
    struct iface_type *t = iface_type_array(patient_type(), 2);
    char text[sizeof base];
    uint8_t bits[18];
    uint64_t seed = 777;
    int accepted = 0;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(text, base, sizeof base);
        int edits = 1 + (int)(rng_next(&seed) % 3);
        for (int e = 0; e < edits; e++)
            text[rng_next(&seed) % (sizeof base - 1)] = alphabet[rng_next(&seed) % (sizeof alphabet - 1)];
        size_t len = iter % 7 == 0 ? rng_next(&seed) % sizeof base : sizeof base - 1;
        struct mpcc_error err = {0};
        if (values_parse_n(t, text, len, bits, &err) == MPCC_OK)
            accepted++;
        else
            ck_assert_msg(strncmp(err.msg, "column ", 7) == 0, "%s", err.msg);
    }
    ck_assert_int_gt(accepted, 0);
    iface_type_free(t);
}
END_TEST

/* ---- fixed point ---- */

/* Exact reference: round(N / 10^k * 2^F), halves away from zero. */
static i128 fixed_ref(i128 num, int k, uint32_t f)
{
    i128 den = 1;
    for (int i = 0; i < k; i++)
        den *= 10;
    int neg = num < 0;
    u128 m = (u128)(neg ? -num : num) << f;
    u128 q = m / (u128)den, r = m % (u128)den;
    if (2 * r >= (u128)den)
        q++;
    return neg ? -(i128)q : (i128)q;
}

/* Decimal text of random values with up to 18 digits after the point parses
 * to the exactly rounded value (or is refused as out of range exactly when
 * it is), formatting is exact (parsing it back gives the same bits, and it
 * equals v / 2^F as a fraction), for every width. */
START_TEST(values_fixed_point_round_trip_against_exact_rationals)
{
    uint64_t seed = 0x5eed;
    for (uint32_t w = 8; w <= 64; w += 2) {
        uint32_t f = w / 2;
        struct iface_type *t = iface_type_fixed(w);
        ck_assert_ptr_nonnull(t);
        i128 top = ((i128)1 << (w - 1)) - 1, bottom = -((i128)1 << (w - 1));
        for (int round = 0; round < 400; round++) {
            /* a random decimal: integer part around the range, k fraction digits */
            int k = (int)(rng_next(&seed) % 19);
            uint64_t ip = rng_next(&seed) % ((uint64_t)1 << (f - 1)) + (rng_next(&seed) % 8 == 0 ? ((uint64_t)1 << (f - 1)) - 1 : 0);
            uint64_t fr = k ? rng_next(&seed) % 1000000000000000000ull : 0;
            uint64_t p10 = 1;
            for (int i = 0; i < k; i++)
                p10 *= 10;
            fr %= p10;
            int neg = rng_next(&seed) & 1;
            char text[80];
            if (k)
                snprintf(text, sizeof text, "%s%llu.%0*llu", neg ? "-" : "", (unsigned long long)ip, k,
                         (unsigned long long)fr);
            else
                snprintf(text, sizeof text, "%s%llu", neg ? "-" : "", (unsigned long long)ip);
            i128 num = (i128)ip * (i128)p10 + fr;
            i128 want = fixed_ref(neg ? -num : num, k, f);
            uint8_t bits[64];
            struct mpcc_error err = {0};
            enum mpcc_status st = values_parse(t, text, bits, &err);
            if (want > top || want < bottom) {
                ck_assert_msg(st == MPCC_ERR_PARSE && strstr(err.msg, "does not fit in") != NULL,
                              "w %u: %s should not fit (%s)", w, text, err.msg);
                continue;
            }
            ck_assert_msg(st == MPCC_OK, "w %u: %s: %s", w, text, err.msg);
            uint64_t gbits = 0;
            for (uint32_t i = 0; i < w; i++)
                gbits |= (uint64_t)bits[i] << i;
            int64_t got = (int64_t)gbits;
            ck_assert_msg(fixed_wrap(got, w) == (int64_t)want, "w %u: %s gave %lld, want %lld", w, text,
                          (long long)fixed_wrap(got, w), (long long)want);
            check_round_trip(t, bits, NULL);
            /* the printed text is exactly v / 2^F */
            char out[FIXED_TEXT_MAX];
            fixed_format((int64_t)want, w, out);
            const char *dot = strchr(out, '.');
            ck_assert_ptr_nonnull(dot);
            int digits = (int)strlen(dot + 1);
            ck_assert_int_le(digits, (int)f);
            /* integer part . D (d digits) == |want| / 2^F, i.e. the integer
             * part is |want| >> F and D 2^(F-d) == frac 5^d (both < 2^107) */
            u128 aw = (u128)(want < 0 ? -want : want);
            u128 ipart = 0, dd = 0, p5 = 1;
            const char *c = out + (out[0] == '-');
            for (; *c != '.'; c++)
                ipart = ipart * 10 + (u128)(*c - '0');
            for (c++; *c; c++) {
                dd = dd * 10 + (u128)(*c - '0');
                p5 *= 5;
            }
            ck_assert(ipart == aw >> f);
            ck_assert((dd << (f - (uint32_t)digits)) == (aw & (((u128)1 << f) - 1)) * p5);
        }
        iface_type_free(t);
    }
    /* A few by hand: rounding, the ends of the range, the text. */
    struct iface_type *t = iface_type_fixed(16); /* Q8.8 */
    uint8_t bits[64];
    struct mpcc_error err = {0};
    const char *cases[][2] = {{"1.5", "1.5"}, {"-0.25", "-0.25"}, {"3", "3.0"},
                              {"0.001953125", "0.00390625"}, /* half of 2^-8: away from zero */
                              {"-0.001953125", "-0.00390625"}, {"0.0019531", "0.0"},
                              {"127.99609375", "127.99609375"}, {"-128", "-128.0"}, {"+2.50", "2.5"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(values_parse(t, cases[i][0], bits, &err) == MPCC_OK, "%s: %s", cases[i][0], err.msg);
        char *s = values_to_string(t, bits, false, &err);
        ck_assert_str_eq(s, cases[i][1]);
        free(s);
    }
    ck_assert_int_eq(values_parse(t, "128", bits, &err), MPCC_ERR_PARSE);
    ck_assert_str_eq(err.msg, "column 1: value 128 does not fit in fixed16 (-128.0..127.99609375)");
    ck_assert_int_eq(values_parse(t, "1.", bits, &err), MPCC_ERR_PARSE);
    ck_assert_str_eq(err.msg, "column 1: expected a fixed16 value (a decimal number such as 1.5), found '1.'");
    ck_assert_int_eq(values_parse(t, "1e3", bits, &err), MPCC_ERR_PARSE);
    ck_assert_int_eq(values_parse(t, "true", bits, &err), MPCC_ERR_PARSE);
    iface_type_free(t);
    /* JSON: numbers, or strings past 53 bits (as for integers). */
    t = iface_type_fixed(64);
    ck_assert_int_eq(values_parse(t, "-0.5", bits, &err), MPCC_OK);
    char *s = values_to_string(t, bits, true, &err);
    ck_assert_str_eq(s, "\"-0.5\"");
    free(s);
    iface_type_free(t);
    t = iface_type_fixed(32);
    ck_assert_int_eq(values_parse(t, "-0.5", bits, &err), MPCC_OK);
    s = values_to_string(t, bits, true, &err);
    ck_assert_str_eq(s, "-0.5");
    free(s);
    iface_type_free(t);
    ck_assert_ptr_null(iface_type_fixed(7));
    ck_assert_ptr_null(iface_type_fixed(66));
}
END_TEST

static Suite *values_suite(void)
{
    Suite *s = suite_create("values");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, values_round_trip_random_integers_against_int128);
    tcase_add_test(tc, values_big_decimals_parse_and_print);
    tcase_add_test(tc, values_fixed_point_round_trip_against_exact_rationals);
    tcase_add_test(tc, values_accept_every_syntax);
    tcase_add_loop_test(tc, values_errors_say_column_and_expectation, 0,
                        (int)(sizeof bad_values / sizeof bad_values[0]));
    tcase_add_test(tc, values_assignments_check_owner_and_completeness);
    tcase_add_test(tc, values_input_files_span_lines_and_report_positions);
    tcase_add_test(tc, values_print_outputs_as_text_and_json);
    tcase_add_test(tc, values_parser_survives_mutated_text);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(values_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
