/* test_stdlib.c - the standard library modules (stdlib/ modules), each function
 * compiled through the real compiler (import "module";) and evaluated in
 * plaintext on many random inputs, 64 at a time (bit-sliced evaluator),
 * against the same function written in C; plus edge cases, the documented
 * error bounds of the fixed-point approximations, FIPS 180-4 / OpenSSL
 * SHA-256, and the AND-gate counts docs/stdlib.md quotes. */
#include <check.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/circuit.h"
#include "circuits/eval.h"
#include "circuits/flatten.h"
#include "circuits/program.h"
#include "compiler/compiler.h"
#include "test_support.h"

/* ---- harness: one program, inputs and outputs as flat bit positions ---- */

/* Every program is also compiled with subcircuits from the first repeat
 * (alt) and that circuit flattened (flat): run() checks that all three give
 * the same outputs, so each test is a differential test of the structured
 * circuit and of its flat expansion as well. */
struct lanes {
    struct mpcc_program *p, *alt;
    struct circuit *flat;
    uint64_t *in, *out, *out2; /* one word per input / output bit, bit l = lane l */
};

static struct mpcc_program *compile_src(const char *src) { return ts_compile(src, NULL); }

static void lanes_open(struct lanes *l, const char *src)
{
    struct mpcc_error err = {0};
    l->p = compile_src(src);
    l->alt = ts_compile_mode(src, NULL, MPCC_SUBS_ALWAYS);
    ck_assert_msg(circ_flatten(l->alt->circ, &l->flat, &err) == MPCC_OK, "%s", err.msg);
    ck_assert_uint_eq(l->alt->circ->n_input_bits, l->p->circ->n_input_bits);
    ck_assert_uint_eq(l->alt->circ->n_output_bits, l->p->circ->n_output_bits);
    l->in = calloc(l->p->circ->n_input_bits + 1, sizeof *l->in);
    l->out = calloc(l->p->circ->n_output_bits + 1, sizeof *l->out);
    l->out2 = calloc(l->p->circ->n_output_bits + 1, sizeof *l->out2);
    ck_assert_ptr_nonnull(l->in);
    ck_assert_ptr_nonnull(l->out);
    ck_assert_ptr_nonnull(l->out2);
}

static void lanes_close(struct lanes *l)
{
    prog_free(l->p);
    prog_free(l->alt);
    circ_free(l->flat);
    free(l->in);
    free(l->out);
    free(l->out2);
}

static uint64_t and_gates(const struct lanes *l) { return circ_count_op(l->p->circ, CIRC_AND); }

/* Writes the low `width` bits of v at input bit `pos` of lane `lane`. */
static void put(struct lanes *l, uint64_t pos, unsigned width, uint64_t v, unsigned lane)
{
    for (unsigned i = 0; i < width; i++) {
        uint64_t m = 1ULL << lane;
        l->in[pos + i] = (l->in[pos + i] & ~m) | ((((v >> (i < 64 ? i : 63)) & (i < 64)) & 1ULL) << lane);
    }
}

/* Reads `width` (<= 64) output bits at `pos` of lane `lane`. */
static uint64_t get(const struct lanes *l, uint64_t pos, unsigned width, unsigned lane)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= ((l->out[pos + i] >> lane) & 1ULL) << i;
    return v;
}

static int64_t sext(uint64_t v, unsigned w)
{
    return w >= 64 ? (int64_t)v : (int64_t)(v << (64 - w)) >> (64 - w);
}

static void run(struct lanes *l)
{
    struct mpcc_error err = {0};
    const size_t n = l->p->circ->n_output_bits * sizeof *l->out;
    ck_assert_msg(circ_eval64(l->alt->circ, l->in, l->out2, &err) == MPCC_OK, "%s", err.msg);
    ck_assert_msg(circ_eval64(l->flat, l->in, l->out, &err) == MPCC_OK, "%s", err.msg);
    ck_assert_msg(memcmp(l->out, l->out2, n) == 0, "the flattened circuit differs from the one with calls");
    ck_assert_msg(circ_eval64(l->p->circ, l->in, l->out, &err) == MPCC_OK, "%s", err.msg);
    ck_assert_msg(memcmp(l->out, l->out2, n) == 0, "the circuit with subcircuits differs from the inlined one");
}

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* ---- math ---- */

static const char math_src[] =
    "import \"math\";\n"
    "party a, b;\n"
    "input a uint16 x;\n input b uint16 y;\n input a int16 s;\n input b int16 t;\n"
    "output all o_min = min(x, y);\n"            /* 0: 16 */
    "output all o_max = max(x, y);\n"            /* 16 */
    "output all o_abs = abs_s(s);\n"             /* 32 */
    "output all o_sign = sign_s(s);\n"           /* 48: 8 */
    "output all o_isqrt = isqrt(x);\n"           /* 56: 16 */
    "output all o_pop = popcount(x);\n"          /* 72: 16 */
    "output all o_clz = clz(x);\n"               /* 88 */
    "output all o_ctz = ctz(x);\n"               /* 104 */
    "output all o_sadd = sat_add(x, y);\n"       /* 120 */
    "output all o_ssub = sat_sub(x, y);\n"       /* 136 */
    "output all o_sadds = sat_add_s(s, t);\n"    /* 152 */
    "output all o_ssubs = sat_sub_s(s, t);\n"    /* 168 */
    "output all o_mul = mul_full(x, y);\n"       /* 184: 32 */
    "output all o_muls = mul_full_s(s, t);\n"    /* 216: 32 */
    "output all o_clamp = clamp(x, uint16(100), y);\n"; /* 248: 16 */

static int64_t sat16(int64_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : v; }

START_TEST(stdlib_math_matches_c)
{
    struct lanes l;
    lanes_open(&l, math_src);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    static const uint16_t edge[] = {0, 1, 2, 3, 0x8000, 0x7fff, 0xffff, 0xfffe, 100, 255, 256};
    for (int batch = 0; batch < 40; batch++) {
        uint16_t X[64], Y[64];
        int16_t S[64], T[64];
        for (unsigned k = 0; k < 64; k++) {
            X[k] = (uint16_t)rng(&seed);
            Y[k] = (uint16_t)rng(&seed);
            S[k] = (int16_t)rng(&seed);
            T[k] = (int16_t)rng(&seed);
            if (batch == 0) { /* every pair of edge values somewhere */
                X[k] = edge[k % 11];
                Y[k] = edge[(k / 11) % 11];
                S[k] = (int16_t)edge[(k + 3) % 11];
                T[k] = (int16_t)edge[(k / 7) % 11];
            }
            put(&l, 0, 16, X[k], k);
            put(&l, 16, 16, Y[k], k);
            put(&l, 32, 16, (uint16_t)S[k], k);
            put(&l, 48, 16, (uint16_t)T[k], k);
        }
        run(&l);
        for (unsigned k = 0; k < 64; k++) {
            uint32_t x = X[k], y = Y[k];
            int32_t s = S[k], t = T[k];
            ck_assert_uint_eq(get(&l, 0, 16, k), x < y ? x : y);
            ck_assert_uint_eq(get(&l, 16, 16, k), x < y ? y : x);
            ck_assert_uint_eq(get(&l, 32, 16, k), (uint32_t)(s < 0 ? -s : s));
            ck_assert_int_eq(sext(get(&l, 48, 8, k), 8), s < 0 ? -1 : s > 0);
            ck_assert_uint_eq(get(&l, 56, 16, k), (uint64_t)floor(sqrt((double)x)));
            ck_assert_uint_eq(get(&l, 72, 16, k), (uint64_t)__builtin_popcount(x));
            ck_assert_uint_eq(get(&l, 88, 16, k), x ? (uint64_t)__builtin_clz(x) - 16 : 16);
            ck_assert_uint_eq(get(&l, 104, 16, k), x ? (uint64_t)__builtin_ctz(x) : 16);
            ck_assert_uint_eq(get(&l, 120, 16, k), x + y > 65535 ? 65535 : x + y);
            ck_assert_uint_eq(get(&l, 136, 16, k), x < y ? 0 : x - y);
            ck_assert_int_eq(sext(get(&l, 152, 16, k), 16), sat16((int64_t)s + t));
            ck_assert_int_eq(sext(get(&l, 168, 16, k), 16), sat16((int64_t)s - t));
            ck_assert_uint_eq(get(&l, 184, 32, k), (uint64_t)x * y);
            ck_assert_int_eq(sext(get(&l, 216, 32, k), 32), (int64_t)s * t);
            uint32_t lo = 100, c = x < lo ? lo : x;
            ck_assert_uint_eq(get(&l, 248, 16, k), c < y ? c : y);
        }
    }
    lanes_close(&l);
}
END_TEST

/* AND gates of one call, as docs/stdlib.md lists them. */
static uint64_t cost(const char *module, const char *decls, const char *expr)
{
    char src[2048];
    snprintf(src, sizeof src, "import \"%s\";\nparty a, b;\n%s\noutput all r = %s;\n", module, decls,
             expr);
    struct mpcc_program *p = compile_src(src);
    uint64_t n = circ_count_op(p->circ, CIRC_AND);
    prog_free(p);
    return n;
}

START_TEST(stdlib_math_gate_counts)
{
    /* popcount: n - popcount(n) ANDs, the optimum for counting n bits. */
    ck_assert_uint_eq(cost("math", "input a uint32 x;", "popcount(x)"), 31);
    ck_assert_uint_eq(cost("math", "input a uint64 x;", "popcount(x)"), 63);
    ck_assert_uint_eq(cost("math", "input a uint13 x;", "popcount(x)"), 13 - 3);
    ck_assert_uint_eq(cost("math", "input a uint32 x; input b uint32 y;", "min(x, y)"), 64);
    ck_assert_uint_eq(cost("math", "input a int32 x;", "abs_s(x)"), 31);
    ck_assert_uint_eq(cost("math", "input a uint64 x; input b uint64 y;", "mul_full(x, y)"), 5233);
    ck_assert_uint_le(cost("math", "input a int32 x; input b int32 y;", "mul_full_s(x, y)"), 1609 + 4 * 32);
    ck_assert_uint_le(cost("math", "input a uint32 x;", "clz(x)"), 2 * 32);
}
END_TEST

/* count_true past 65535 (issue 19: 70 000 true flags gave 4464): the result
 * widens with N, the count is exact, and the AND gates are N - popcount(N). */
START_TEST(stdlib_count_true_is_exact_for_every_n)
{
    struct lanes l;
    lanes_open(&l, "import \"math\";\nparty a, b;\ninput a bool f[70000];\noutput all c = count_true(f);\n");
    ck_assert_uint_eq(l.p->circ->output_widths[0], 17);
    ck_assert_uint_eq(and_gates(&l), 70000 - 6); /* 70000 = 0b10001000101110000 */
    uint64_t seed = 5;
    unsigned want[64] = {0};
    for (uint64_t i = 0; i < 70000; i++) {
        uint64_t word = rng(&seed);
        word &= ~1ULL;                 /* lane 0: all false */
        word |= 2ULL;                  /* lane 1: all true */
        if (i % 3 == 0)
            word |= 4ULL; /* lane 2: every third */
        else
            word &= ~4ULL;
        l.in[i] = word;
        for (unsigned lane = 0; lane < 64; lane++)
            want[lane] += (unsigned)((word >> lane) & 1);
    }
    run(&l);
    ck_assert_uint_eq(get(&l, 0, 17, 0), 0);
    ck_assert_uint_eq(get(&l, 0, 17, 1), 70000);
    ck_assert_uint_eq(get(&l, 0, 17, 2), 23334);
    for (unsigned lane = 0; lane < 64; lane++)
        ck_assert_uint_eq(get(&l, 0, 17, lane), want[lane]);
    lanes_close(&l);
    /* Below 65536 the result stays uint16, and small N costs N - popcount(N). */
    for (unsigned n = 1; n <= 40; n++) {
        char decl[64], use[32];
        snprintf(decl, sizeof decl, "input a bool f[%u];", n);
        snprintf(use, sizeof use, "count_true(f)");
        ck_assert_uint_eq(cost("math", decl, use), n - (unsigned)__builtin_popcount(n));
    }
}
END_TEST

/* Preconditions the library cannot serve are compile errors naming the call. */
static void expect_compile_error(const char *src, const char *want)
{
    struct mpcc_program *p = NULL;
    struct mpcc_error err = {0};
    struct compile_options o = {0};
    o.stdlib_dir = MPCC_SOURCE_DIR "/stdlib";
    ck_assert_int_eq(mpcc_compile_source("test.mpc", src, strlen(src), &o, &p, &err), MPCC_ERR_PARSE);
    ck_assert_msg(strstr(err.msg, want) != NULL, "got %s, want %s", err.msg, want);
}

START_TEST(stdlib_preconditions_are_compile_errors)
{
    expect_compile_error("import \"sort\";\nparty a, b;\ninput a uint8 v[4];\noutput all t = top_k(v, 5);\n",
                         "static assertion failed: top_k(v, K) needs 1 <= K <= N (in the call of 'top_k' at test.mpc:4:16)");
    expect_compile_error("import \"fixed\";\nparty a, b;\ninput a int32 x;\noutput all t = fx_mul(x, x);\n",
                         "'fx_mul' takes fixed<W> values, not int32 (convert it: fixed32(x) for the number x, "
                         "fx_from_raw(x) for an int<W> holding round(r * 2^(W/2)))");
    expect_compile_error("import \"fixed\";\nparty a, b;\ninput a fixed8 x;\noutput all t = fx_exp(x);\n",
                         "static assertion failed: fx_exp needs fixed<W> with W >= 10");
}
END_TEST

/* ---- array ---- */

/* concat, slice, reverse and fill only move wires: against C on random
 * inputs (64 lanes), no AND gate, and their preconditions refused. */
START_TEST(stdlib_array_moves_wires_and_matches_c)
{
    struct lanes l;
    lanes_open(&l, "import \"array\";\nparty a, b;\ninput a uint8 x[3];\ninput b uint8 y[4];\n"
                   "output all c = concat(x, y);\noutput all s = slice(concat(y, x), 2, 4);\n"
                   "output all r = reverse(y);\noutput all f = fill(x[1], 5);\n"
                   "output all k = concat(x, [uint8(7), 9]);\n");
    ck_assert_uint_eq(and_gates(&l), 0);
    uint64_t seed = 17;
    uint8_t x[64][3], y[64][4];
    for (unsigned lane = 0; lane < 64; lane++) {
        for (unsigned i = 0; i < 3; i++)
            put(&l, 8 * i, 8, x[lane][i] = (uint8_t)rng(&seed), lane);
        for (unsigned i = 0; i < 4; i++)
            put(&l, 24 + 8 * i, 8, y[lane][i] = (uint8_t)rng(&seed), lane);
    }
    run(&l);
    for (unsigned lane = 0; lane < 64; lane++) {
        uint8_t cat[7], yx[7];
        memcpy(cat, x[lane], 3), memcpy(cat + 3, y[lane], 4);
        memcpy(yx, y[lane], 4), memcpy(yx + 4, x[lane], 3);
        uint64_t pos = 0;
        for (unsigned i = 0; i < 7; i++, pos += 8)
            ck_assert_uint_eq(get(&l, pos, 8, lane), cat[i]);
        for (unsigned i = 0; i < 4; i++, pos += 8)
            ck_assert_uint_eq(get(&l, pos, 8, lane), yx[2 + i]);
        for (unsigned i = 0; i < 4; i++, pos += 8)
            ck_assert_uint_eq(get(&l, pos, 8, lane), y[lane][3 - i]);
        for (unsigned i = 0; i < 5; i++, pos += 8)
            ck_assert_uint_eq(get(&l, pos, 8, lane), x[lane][1]);
        for (unsigned i = 0; i < 5; i++, pos += 8)
            ck_assert_uint_eq(get(&l, pos, 8, lane), i < 3 ? x[lane][i] : i == 3 ? 7 : 9);
    }
    lanes_close(&l);
    expect_compile_error("import \"array\";\nparty a, b;\ninput a uint8 v[4];\noutput all t = slice(v, 2, 3);\n",
                         "static assertion failed: slice(v, START, K) needs 1 <= K and START + K <= N");
    expect_compile_error("import \"array\";\nparty a, b;\ninput a uint8 v[4];\noutput all t = fill(v[0], 0);\n",
                         "array size 0 is out of range");
}
END_TEST

/* ---- sort ---- */

static int cmp_u8(const void *a, const void *b)
{
    return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

static int cmp_s8(const void *a, const void *b)
{
    return (int)*(const int8_t *)a - (int)*(const int8_t *)b;
}

/* The sort family of 8-bit values (unsigned: sort, sort_desc, top_k, median;
 * signed: the same with _s) for every length 1..max_n against qsort, many
 * duplicates and the extremes included. */
static void check_sort_family(int is_signed, unsigned max_n, uint64_t seed)
{
    const char *sfx = is_signed ? "_s" : "";
    for (unsigned n = 1; n <= max_n; n++) {
        char src[1024];
        unsigned k = n < 3 ? n : 3;
        snprintf(src, sizeof src,
                 "import \"sort\";\nparty a, b;\ninput a %s v[%u];\n"
                 "output all s = sort%s(v);\noutput all d = sort_desc%s(v);\n"
                 "output all t = top_k%s(v, %u);\noutput all m = median%s(v);\n",
                 is_signed ? "int8" : "uint8", n, sfx, sfx, sfx, k, sfx);
        struct lanes l;
        lanes_open(&l, src);
        for (int batch = 0; batch < 3; batch++) {
            uint8_t v[64][33];
            static const uint8_t edge[] = {0x80, 0x7f, 0xff, 0, 1};
            for (unsigned lane = 0; lane < 64; lane++)
                for (unsigned i = 0; i < n; i++) {
                    v[lane][i] = (uint8_t)(batch == 0 ? edge[rng(&seed) % 5] : batch == 1 ? rng(&seed) % 4 : rng(&seed));
                    put(&l, 8 * i, 8, v[lane][i], lane);
                }
            run(&l);
            for (unsigned lane = 0; lane < 64; lane++) {
                uint8_t s8[33];
                memcpy(s8, v[lane], n);
                qsort(s8, n, 1, is_signed ? cmp_s8 : cmp_u8);
                uint64_t o = 0;
                for (unsigned i = 0; i < n; i++, o += 8)
                    ck_assert_uint_eq(get(&l, o, 8, lane), s8[i]);
                for (unsigned i = 0; i < n; i++, o += 8)
                    ck_assert_uint_eq(get(&l, o, 8, lane), s8[n - 1 - i]);
                for (unsigned i = 0; i < k; i++, o += 8)
                    ck_assert_uint_eq(get(&l, o, 8, lane), s8[n - 1 - i]);
                ck_assert_uint_eq(get(&l, o, 8, lane), s8[(n - 1) / 2]);
            }
        }
        lanes_close(&l);
    }
}

START_TEST(stdlib_sort_matches_qsort_for_every_length)
{
    check_sort_family(0, 33, 77);
}
END_TEST

/* The signed family costs what the unsigned one does (the sign flip is free). */
START_TEST(stdlib_signed_sort_matches_qsort)
{
    check_sort_family(1, 17, 78);
    ck_assert_uint_eq(cost("sort", "input a int16 v[8];", "sort_s(v)"), 19 * 2 * 16);
    expect_compile_error("import \"sort\";\nparty a, b;\ninput a int16 v[5];\noutput all m = median(v);\n",
                         "'median' takes uint<W> values, not int16: use median_s for signed values");
    expect_compile_error("import \"sort\";\nparty a, b;\ninput a uint16 v[5];\noutput all m = sort_s(v);\n",
                         "'sort_s' takes int<W> values, not uint16: use sort for unsigned values");
    expect_compile_error("import \"stats\";\nparty a, b;\ninput a int16 v[5];\noutput all m = mean(v);\n",
                         "'mean' takes uint<W> values, not int16: signed and unsigned widths do not bind each "
                         "other (convert the argument, or use a function for signed values, e.g. sort_s, median_s)");
}
END_TEST

START_TEST(stdlib_sort_by_key_moves_structs_with_their_keys)
{
    const char *src = "import \"sort\";\nparty a, b;\n"
                      "struct P { uint8 age; uint16 id; }\n"
                      "input a P ps[9];\n"
                      "uint8 k[9];\nfor i in 0..9 { k[i] = ps[i].age; }\n"
                      "output all s = sort_by_key(k, ps);\n";
    struct lanes l;
    lanes_open(&l, src);
    uint64_t seed = 5;
    uint8_t age[64][9];
    for (unsigned lane = 0; lane < 64; lane++)
        for (unsigned i = 0; i < 9; i++) {
            age[lane][i] = (uint8_t)(rng(&seed) % 50);
            put(&l, 24 * i, 8, age[lane][i], lane);
            put(&l, 24 * i + 8, 16, 1000 + i, lane); /* id: where it came from */
        }
    run(&l);
    for (unsigned lane = 0; lane < 64; lane++) {
        unsigned seen = 0;
        for (unsigned i = 0; i < 9; i++) {
            unsigned a = (unsigned)get(&l, 24 * i, 8, lane), id = (unsigned)get(&l, 24 * i + 8, 16, lane);
            ck_assert_uint_ge(id, 1000);
            ck_assert_uint_lt(id, 1009);
            ck_assert_uint_eq(a, age[lane][id - 1000]); /* moved with its key */
            if (i > 0)
                ck_assert_uint_le(get(&l, 24 * (i - 1), 8, lane), a);
            seen |= 1u << (id - 1000);
        }
        ck_assert_uint_eq(seen, 0x1ff); /* a permutation */
    }
    lanes_close(&l);
}
END_TEST

/* Signed keys and signed argmax: against C on random values (equal keys and
 * the extremes included), at the cost of their unsigned forms. */
START_TEST(stdlib_signed_keys_and_argmax_match_c)
{
    const char *src = "import \"sort\";\nimport \"stats\";\nparty a, b;\n"
                      "struct P { int8 t; uint8 id; }\n"
                      "input a P ps[7];\n"
                      "int8 k[7];\nfor i in 0..7 { k[i] = ps[i].t; }\n"
                      "output all s = sort_by_key_s(k, ps);\n"
                      "output all am = argmax_s(k);\n";
    struct lanes l;
    lanes_open(&l, src);
    uint64_t seed = 23;
    int8_t t[64][7];
    for (unsigned lane = 0; lane < 64; lane++)
        for (unsigned i = 0; i < 7; i++) {
            uint64_t r = rng(&seed);
            t[lane][i] = (int8_t)(r % 4 == 0 ? (r % 8 == 0 ? -128 : 127) : (int)(r >> 8) % 9 - 4);
            put(&l, 16 * i, 8, (uint8_t)t[lane][i], lane);
            put(&l, 16 * i + 8, 8, i, lane);
        }
    run(&l);
    for (unsigned lane = 0; lane < 64; lane++) {
        unsigned seen = 0, am = 0;
        for (unsigned i = 0; i < 7; i++) {
            int8_t key = (int8_t)get(&l, 16 * i, 8, lane);
            unsigned id = (unsigned)get(&l, 16 * i + 8, 8, lane);
            ck_assert_uint_lt(id, 7);
            ck_assert_int_eq(key, t[lane][id]);
            if (i > 0)
                ck_assert_int_le((int8_t)get(&l, 16 * (i - 1), 8, lane), key);
            seen |= 1u << id;
            if (t[lane][i] > t[lane][am])
                am = i;
        }
        ck_assert_uint_eq(seen, 0x7f);
        ck_assert_uint_eq(get(&l, 16 * 7, 16, lane), am);
    }
    lanes_close(&l);
    ck_assert_uint_eq(cost("stats", "input a int16 v[8];", "argmax_s(v)"),
                      cost("stats", "input a uint16 v[8];", "argmax(v)"));
}
END_TEST

START_TEST(stdlib_sort_comparator_and_gate_counts)
{
    /* Batcher merge-exchange comparator counts (n = 2^k: (k^2 - k + 4) 2^(k-2) - 1). */
    const unsigned want[] = {0, 0, 1, 3, 5, 9, 12, 16, 19, 0, 0, 0, 0, 0, 0, 0, 63};
    for (unsigned n = 2; n <= 16; n++) {
        if (n > 8 && n != 16)
            continue;
        char src[256];
        snprintf(src, sizeof src,
                 "import \"sort\";\nparty a, b;\ninput a uint8 x;\noutput all r = batcher_comparators(%u);\n", n);
        struct lanes l;
        lanes_open(&l, src);
        run(&l);
        ck_assert_uint_eq(get(&l, 0, 32, 0), want[n]);
        lanes_close(&l);
    }
    ck_assert_uint_eq(cost("sort", "input a uint16 v[8];", "sort(v)"), 19 * 2 * 16);
    ck_assert_uint_eq(cost("sort", "input a uint16 v[16];", "sort(v)"), 63 * 2 * 16);
    ck_assert_uint_eq(cost("sort", "input a uint32 v[32];", "sort(v)"), 191 * 2 * 32);
}
END_TEST

/* ---- stats ---- */

START_TEST(stdlib_stats_matches_c)
{
    const char *src = "import \"stats\";\nparty a, b;\n"
                      "input a uint12 v[6];\ninput b uint8 w[6];\n"
                      "output all s = sum(v);\n"               /* 0: 28 */
                      "output all m = mean(v);\n"              /* 28: 12 */
                      "output all mf = mean_fx(v, 8);\n"       /* 40: 20 */
                      "output all va = variance(v);\n"         /* 60: 24 */
                      "output all h = histogram(v, [100, 1000, 3000]);\n" /* 84: 4 x 16 */
                      "output all ce = count_eq(v, v[0]);\n"   /* 148: 16 */
                      "output all cr = count_in_range(v, uint12(50), uint12(2000));\n" /* 164 */
                      "output all ws = weighted_sum(v, w);\n"  /* 180: 36 */
                      "output all am = argmax(v);\n";          /* 216: 16 */
    struct lanes l;
    lanes_open(&l, src);
    uint64_t seed = 99;
    for (int batch = 0; batch < 20; batch++) {
        uint32_t v[64][6], w[64][6];
        for (unsigned lane = 0; lane < 64; lane++)
            for (unsigned i = 0; i < 6; i++) {
                v[lane][i] = (uint32_t)(batch == 0 ? rng(&seed) % 3 * 4095 / 2 : rng(&seed) % 4096);
                w[lane][i] = (uint32_t)(rng(&seed) % 256);
                put(&l, 12 * i, 12, v[lane][i], lane);
                put(&l, 72 + 8 * i, 8, w[lane][i], lane);
            }
        run(&l);
        for (unsigned lane = 0; lane < 64; lane++) {
            uint64_t s = 0, q = 0, ws = 0;
            unsigned h[4] = {0}, ce = 0, cr = 0, am = 0;
            for (unsigned i = 0; i < 6; i++) {
                uint64_t x = v[lane][i];
                s += x;
                q += x * x;
                ws += x * w[lane][i];
                h[x < 100 ? 0 : x < 1000 ? 1 : x < 3000 ? 2 : 3]++;
                ce += x == v[lane][0];
                cr += x >= 50 && x < 2000;
                if (x > v[lane][am])
                    am = i;
            }
            ck_assert_uint_eq(get(&l, 0, 28, lane), s);
            ck_assert_uint_eq(get(&l, 28, 12, lane), s / 6);
            ck_assert_uint_eq(get(&l, 40, 20, lane), (s << 8) / 6);
            ck_assert_uint_eq(get(&l, 60, 24, lane), (6 * q - s * s) / 36);
            for (unsigned b = 0; b < 4; b++)
                ck_assert_uint_eq(get(&l, 84 + 16 * b, 16, lane), h[b]);
            ck_assert_uint_eq(get(&l, 148, 16, lane), ce);
            ck_assert_uint_eq(get(&l, 164, 16, lane), cr);
            ck_assert_uint_eq(get(&l, 180, 36, lane), ws);
            ck_assert_uint_eq(get(&l, 216, 16, lane), am);
        }
    }
    lanes_close(&l);
}
END_TEST

/* ---- set ---- */

/* n distinct IDs below 16 (small: the two sets overlap). */
static void distinct_ids(uint64_t *seed, uint16_t *out, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        int dup;
        do {
            out[i] = (uint16_t)(rng(seed) % 16);
            dup = 0;
            for (unsigned j = 0; j < i; j++)
                dup |= out[j] == out[i];
        } while (dup);
    }
}

START_TEST(stdlib_set_intersection_matches_c)
{
    const char *src = "import \"set\";\nparty a, b;\n"
                      "input a uint16 x[5];\ninput b uint16 y[7];\n"
                      "output all n = psi_size(x, y);\n"            /* 0: 16 */
                      "output all np = psi_size_pairwise(x, y);\n"  /* 16 */
                      "output all ns = psi_size_sorted(x, y);\n"    /* 32 */
                      "output a m = psi_mask(x, y);\n"              /* 48: 5 */
                      "output a v = psi_values(x, y);\n"            /* 53: 5 x 16 */
                      "output all c = set_contains(y, x[0]);\n";    /* 133 */
    struct lanes l;
    lanes_open(&l, src);
    uint64_t seed = 1234;
    for (int batch = 0; batch < 20; batch++) {
        uint16_t x[64][5], y[64][7];
        for (unsigned lane = 0; lane < 64; lane++) {
            /* distinct IDs within each set, from a small range: overlaps */
            distinct_ids(&seed, x[lane], 5);
            distinct_ids(&seed, y[lane], 7);
            for (unsigned i = 0; i < 5; i++)
                put(&l, 16 * i, 16, x[lane][i], lane);
            for (unsigned i = 0; i < 7; i++)
                put(&l, 80 + 16 * i, 16, y[lane][i], lane);
        }
        run(&l);
        for (unsigned lane = 0; lane < 64; lane++) {
            unsigned n = 0;
            for (unsigned i = 0; i < 5; i++) {
                int in = 0;
                for (unsigned j = 0; j < 7; j++)
                    in |= x[lane][i] == y[lane][j];
                n += (unsigned)in;
                ck_assert_uint_eq(get(&l, 48 + i, 1, lane), (uint64_t)in);
                ck_assert_uint_eq(get(&l, 53 + 16 * i, 16, lane), in ? x[lane][i] : 0);
                if (i == 0)
                    ck_assert_uint_eq(get(&l, 133, 1, lane), (uint64_t)in);
            }
            ck_assert_uint_eq(get(&l, 0, 16, lane), n);
            ck_assert_uint_eq(get(&l, 16, 16, lane), n);
            ck_assert_uint_eq(get(&l, 32, 16, lane), n);
        }
    }
    lanes_close(&l);
    /* psi_size takes the cheaper method: never more than either. */
    const char *d = "input a uint32 x[64]; input b uint32 y[64];";
    uint64_t auto_ = cost("set", d, "psi_size(x, y)"), pw = cost("set", d, "psi_size_pairwise(x, y)"),
             so = cost("set", d, "psi_size_sorted(x, y)");
    ck_assert_uint_le(auto_, pw < so ? pw : so);
}
END_TEST

/* Set semantics on inputs with repeated values, zeros and padding: every
 * method and the masked variants against a C reference, for several sizes. */
static void check_sets(unsigned n, unsigned m)
{
    char src[2048];
    snprintf(src, sizeof src,
             "import \"set\";\nparty a, b;\n"
             "input a uint8 x[%u];\ninput b uint8 y[%u];\ninput a bool mx[%u];\ninput b bool my[%u];\n"
             "output all n0 = psi_size(x, y);\n"
             "output all n1 = psi_size_pairwise(x, y);\n"
             "output all n2 = psi_size_sorted(x, y);\n"
             "output all n3 = psi_size_masked(x, mx, y, my);\n"
             "output all n4 = psi_size_pairwise_masked(x, mx, y, my);\n"
             "output all n5 = psi_size_sorted_masked(x, mx, y, my);\n"
             "output all mk = psi_mask_masked(x, mx, y, my);\n"
             "output all vl = psi_values_masked(x, mx, y, my);\n"
             "output all c0 = set_contains_masked(y, my, x[0]);\n",
             n, m, n, m);
    struct lanes l;
    lanes_open(&l, src);
    uint64_t seed = 77 + n * 131 + m;
    uint64_t in_my = 8 * (uint64_t)(n + m) + n, out_mk = 6 * 16, out_vl = out_mk + n, out_c0 = out_vl + 8 * n;
    for (int batch = 0; batch < 12; batch++) {
        uint8_t x[64][16], y[64][16], mx[64][16], my[64][16];
        for (unsigned lane = 0; lane < 64; lane++) {
            /* small values: many repeats; zeros often; batch 0 all real */
            for (unsigned i = 0; i < n; i++) {
                x[lane][i] = (uint8_t)(rng(&seed) % (batch % 3 == 0 ? 4 : 9));
                mx[lane][i] = batch == 0 || rng(&seed) % 4 != 0;
                put(&l, 8 * i, 8, x[lane][i], lane);
                put(&l, 8 * (uint64_t)(n + m) + i, 1, mx[lane][i], lane);
            }
            for (unsigned j = 0; j < m; j++) {
                y[lane][j] = (uint8_t)(rng(&seed) % (batch % 3 == 0 ? 4 : 9));
                my[lane][j] = batch == 0 || rng(&seed) % 4 != 0;
                put(&l, 8 * (uint64_t)n + 8 * j, 8, y[lane][j], lane);
                put(&l, in_my + j, 1, my[lane][j], lane);
            }
        }
        run(&l);
        for (unsigned lane = 0; lane < 64; lane++) {
            unsigned all = 0, real = 0;
            for (unsigned v = 0; v < 256; v++) {
                int ia = 0, ib = 0, ra = 0, rb = 0;
                for (unsigned i = 0; i < n; i++) {
                    ia |= x[lane][i] == v;
                    ra |= x[lane][i] == v && mx[lane][i];
                }
                for (unsigned j = 0; j < m; j++) {
                    ib |= y[lane][j] == v;
                    rb |= y[lane][j] == v && my[lane][j];
                }
                all += (unsigned)(ia && ib);
                real += (unsigned)(ra && rb);
            }
            for (unsigned k = 0; k < 3; k++)
                ck_assert_msg(get(&l, 16 * k, 16, lane) == all, "sizes %u, %u: method %u gives %llu, want %u", n,
                              m, k, (unsigned long long)get(&l, 16 * k, 16, lane), all);
            for (unsigned k = 3; k < 6; k++)
                ck_assert_msg(get(&l, 16 * k, 16, lane) == real, "sizes %u, %u: masked method %u gives %llu, want %u",
                              n, m, k, (unsigned long long)get(&l, 16 * k, 16, lane), real);
            for (unsigned i = 0; i < n; i++) {
                int in = 0;
                for (unsigned j = 0; j < m; j++)
                    in |= my[lane][j] && y[lane][j] == x[lane][i];
                in &= mx[lane][i];
                ck_assert_uint_eq(get(&l, out_mk + i, 1, lane), (uint64_t)in);
                ck_assert_uint_eq(get(&l, out_vl + 8 * i, 8, lane), in ? x[lane][i] : 0);
                if (i == 0) {
                    int c = 0;
                    for (unsigned j = 0; j < m; j++)
                        c |= my[lane][j] && y[lane][j] == x[lane][0];
                    ck_assert_uint_eq(get(&l, out_c0, 1, lane), (uint64_t)c);
                }
            }
        }
    }
    lanes_close(&l);
}

START_TEST(stdlib_set_semantics_with_repeats_zeros_and_padding)
{
    static const unsigned sizes[][2] = { { 1, 1 }, { 2, 5 }, { 6, 6 }, { 9, 4 }, { 16, 16 }, { 16, 3 } };
    for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        check_sets(sizes[k][0], sizes[k][1]);
    /* issue 19: padding with 0 no longer counts; repeated values count once */
    const char *src = "import \"set\";\nparty north, south;\n"
                      "input north uint64 n[6];\ninput south uint64 s[6];\n"
                      "input north bool vn[6];\ninput south bool vs[6];\n"
                      "output all a = psi_size(n, s);\noutput all b = psi_size_masked(n, vn, s, vs);\n";
    struct lanes l;
    lanes_open(&l, src);
    static const uint64_t nv[6] = { 11, 12, 13, 14, 0, 0 }, sv[6] = { 14, 21, 22, 0, 0, 0 };
    for (unsigned i = 0; i < 6; i++) {
        put(&l, 64 * i, 64, nv[i], 0);
        put(&l, 384 + 64 * i, 64, sv[i], 0);
        put(&l, 768 + i, 1, i < 4, 0);
        put(&l, 774 + i, 1, i < 3, 0);
    }
    run(&l);
    ck_assert_uint_eq(get(&l, 0, 16, 0), 2); /* {14, 0} */
    ck_assert_uint_eq(get(&l, 16, 16, 0), 1); /* {14} */
    lanes_close(&l);
}
END_TEST

/* ---- bytes ---- */

static unsigned levenshtein(const uint8_t *a, unsigned n, const uint8_t *b, unsigned m)
{
    unsigned d[40][40];
    for (unsigned i = 0; i <= n; i++)
        d[i][0] = i;
    for (unsigned j = 0; j <= m; j++)
        d[0][j] = j;
    for (unsigned i = 1; i <= n; i++)
        for (unsigned j = 1; j <= m; j++) {
            unsigned s = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            unsigned t = d[i - 1][j] + 1, u = d[i][j - 1] + 1;
            d[i][j] = s < t ? (s < u ? s : u) : (t < u ? t : u);
        }
    return d[n][m];
}

START_TEST(stdlib_bytes_edit_and_hamming_distance_match_c)
{
    const char *src = "import \"bytes\";\nparty a, b;\n"
                      "input a uint8 s[9];\ninput b uint8 t[7];\ninput b uint8 u[9];\n"
                      "output all ed = edit_distance(s, t);\n"  /* 0: 16 */
                      "output all hm = hamming(s, u);\n"        /* 16 */
                      "output all eq = bytes_eq(s, u);\n";      /* 32 */
    struct lanes l;
    lanes_open(&l, src);
    uint64_t seed = 42;
    static const uint8_t acgt[4] = {'A', 'C', 'G', 'T'};
    for (int batch = 0; batch < 20; batch++) {
        uint8_t s[64][9], t[64][7], u[64][9];
        for (unsigned lane = 0; lane < 64; lane++) {
            for (unsigned i = 0; i < 9; i++) {
                s[lane][i] = acgt[rng(&seed) % 4];
                u[lane][i] = lane % 5 == 0 ? s[lane][i] : acgt[rng(&seed) % 4];
                put(&l, 8 * i, 8, s[lane][i], lane);
                put(&l, 128 + 8 * i, 8, u[lane][i], lane);
            }
            for (unsigned i = 0; i < 7; i++) {
                t[lane][i] = acgt[rng(&seed) % 4];
                put(&l, 72 + 8 * i, 8, t[lane][i], lane);
            }
        }
        run(&l);
        for (unsigned lane = 0; lane < 64; lane++) {
            unsigned hm = 0;
            for (unsigned i = 0; i < 9; i++)
                hm += s[lane][i] != u[lane][i];
            ck_assert_uint_eq(get(&l, 0, 16, lane), levenshtein(s[lane], 9, t[lane], 7));
            ck_assert_uint_eq(get(&l, 16, 16, lane), hm);
            ck_assert_uint_eq(get(&l, 32, 1, lane), hm == 0);
        }
    }
    lanes_close(&l);
}
END_TEST

/* ---- fixed ---- */

START_TEST(stdlib_fixed_arithmetic_matches_c)
{
    const char *src = "import \"fixed\";\nparty a, b;\ninput a fixed32 x;\ninput b fixed32 y;\n"
                      "output all m = fx_mul(x, y);\n"   /* 0 */
                      "output all d = fx_div(x, y);\n"   /* 32 */
                      "output all r = fx_round(x);\n"    /* 64 */
                      "output all f = fx_floor(x);\n";   /* 96 */
    struct lanes l;
    lanes_open(&l, src);
    uint64_t seed = 7;
    for (int batch = 0; batch < 30; batch++) {
        int32_t X[64], Y[64];
        for (unsigned k = 0; k < 64; k++) {
            /* values up to +-128.0, so products up to +-16384 fit */
            X[k] = (int32_t)(rng(&seed) % (1u << 24)) - (1 << 23);
            Y[k] = (int32_t)(rng(&seed) % (1u << 24)) - (1 << 23);
            if (k == 0)
                Y[k] = 0;
            put(&l, 0, 32, (uint32_t)X[k], k);
            put(&l, 32, 32, (uint32_t)Y[k], k);
        }
        run(&l);
        for (unsigned k = 0; k < 64; k++) {
            int64_t p = (int64_t)X[k] * Y[k];
            int64_t m = (p + (1 << 15)) >> 16; /* round half up */
            ck_assert_int_eq(sext(get(&l, 0, 32, k), 32), m);
            int64_t d = Y[k] == 0 ? -1 : ((int64_t)X[k] * 65536) / Y[k];
            ck_assert_int_eq(sext(get(&l, 32, 32, k), 32), (int32_t)d);
            ck_assert_int_eq(sext(get(&l, 64, 32, k), 32), ((int64_t)X[k] + 32768) >> 16);
            ck_assert_int_eq(sext(get(&l, 96, 32, k), 32), (int64_t)X[k] >> 16);
        }
    }
    lanes_close(&l);
}
END_TEST

/* The documented bounds (docs/stdlib.md): sigmoid within 1e-3 absolute on
 * every input; exp within 0.2% relative (or 2^-14 absolute for small
 * results) on [-10, 9.5] in Q16.16. Dense sweeps, 1/256 apart. */
START_TEST(stdlib_fixed_sigmoid_and_exp_error_bounds)
{
    const char *src = "import \"fixed\";\nparty a, b;\ninput a fixed32 x;\n"
                      "output all s = fx_sigmoid(x);\noutput all e = fx_exp(x);\n";
    struct lanes l;
    lanes_open(&l, src);
    double worst_s = 0, worst_e = 0;
    for (int32_t base = -12 * 65536; base < 12 * 65536; base += 64 * 256) {
        for (unsigned k = 0; k < 64; k++)
            put(&l, 0, 32, (uint32_t)(base + (int32_t)k * 256), k);
        run(&l);
        for (unsigned k = 0; k < 64; k++) {
            double x = (double)(base + (int32_t)k * 256) / 65536.0;
            double s = (double)sext(get(&l, 0, 32, k), 32) / 65536.0;
            double es = fabs(s - 1.0 / (1.0 + exp(-x)));
            if (es > worst_s)
                worst_s = es;
            ck_assert_msg(es <= 1e-3, "sigmoid(%g) = %g, error %g", x, s, es);
            if (x >= -10 && x <= 9.5) {
                double e = (double)sext(get(&l, 32, 32, k), 32) / 65536.0, want = exp(x);
                double ee = fabs(e - want) / want;
                if (fabs(e - want) > 1.0 / 16384 && ee > worst_e)
                    worst_e = ee;
                ck_assert_msg(ee <= 2e-3 || fabs(e - want) <= 1.0 / 16384, "exp(%g) = %g (%g)", x, e, want);
            }
        }
    }
    printf("fixed: worst sigmoid error %.2e, worst exp relative error %.2e\n", worst_s, worst_e);
    lanes_close(&l);
}
END_TEST

/* ---- crypto ---- */

static void put_big(struct lanes *l, uint64_t pos, const uint8_t *be, size_t nbytes, unsigned lane)
{
    /* big-endian bytes: bit i of the integer = bit i%8 of byte nbytes-1-i/8 */
    for (size_t i = 0; i < 8 * nbytes; i++)
        put(l, pos + i, 1, (be[nbytes - 1 - i / 8] >> (i % 8)) & 1, lane);
}

static void get_big(const struct lanes *l, uint64_t pos, uint8_t *be, size_t nbytes, unsigned lane)
{
    memset(be, 0, nbytes);
    for (size_t i = 0; i < 8 * nbytes; i++)
        be[nbytes - 1 - i / 8] |= (uint8_t)(get(l, pos + i, 1, lane) << (i % 8));
}

START_TEST(stdlib_sha256_compress_fips_vector_and_gate_count)
{
    struct lanes l;
    lanes_open(&l, "import \"crypto\";\nparty a, b;\ninput a uint256 st;\ninput b uint512 blk;\n"
                   "output all h = sha256_compress(st, blk);\n");
    static const uint8_t iv[32] = {0x6a, 0x09, 0xe6, 0x67, 0xbb, 0x67, 0xae, 0x85, 0x3c, 0x6e, 0xf3,
                                   0x72, 0xa5, 0x4f, 0xf5, 0x3a, 0x51, 0x0e, 0x52, 0x7f, 0x9b, 0x05,
                                   0x68, 0x8c, 0x1f, 0x83, 0xd9, 0xab, 0x5b, 0xe0, 0xcd, 0x19};
    uint8_t blk[64] = {'a', 'b', 'c', 0x80};
    blk[63] = 24;
    put_big(&l, 0, iv, 32, 0);
    put_big(&l, 256, blk, 64, 0);
    run(&l);
    uint8_t h[32], want[32];
    get_big(&l, 0, h, 32, 0);
    SHA256((const unsigned char *)"abc", 3, want);
    ck_assert_mem_eq(h, want, 32);
    /* Within 5% of the Bristol Fashion sha256 (22573): here exactly it. */
    ck_assert_uint_le(and_gates(&l), 22573);
    lanes_close(&l);
}
END_TEST

START_TEST(stdlib_sha256_matches_openssl_for_several_lengths)
{
    static const unsigned lens[] = {1, 3, 55, 56, 64, 100};
    uint64_t seed = 3;
    for (size_t t = 0; t < sizeof lens / sizeof lens[0]; t++) {
        unsigned n = lens[t];
        char src[256];
        snprintf(src, sizeof src,
                 "import \"crypto\";\nparty a, b;\ninput a uint8 m[%u];\noutput all h = sha256(m);\n", n);
        struct lanes l;
        lanes_open(&l, src);
        uint8_t msg[4][128];
        for (unsigned lane = 0; lane < 4; lane++)
            for (unsigned i = 0; i < n; i++) {
                msg[lane][i] = (uint8_t)rng(&seed);
                put(&l, 8 * i, 8, msg[lane][i], lane);
            }
        run(&l);
        for (unsigned lane = 0; lane < 4; lane++) {
            uint8_t h[32], want[32];
            get_big(&l, 0, h, 32, lane);
            SHA256(msg[lane], n, want);
            ck_assert_msg(memcmp(h, want, 32) == 0, "sha256 of %u bytes differs", n);
        }
        lanes_close(&l);
    }
}
END_TEST

START_TEST(stdlib_aes128_matches_fips197_and_openssl)
{
    struct lanes l;
    lanes_open(&l, "import \"crypto\";\nparty a, b;\ninput a uint128 k;\ninput b uint128 m;\n"
                   "output all c = aes128_encrypt(k, m);\n");
    uint64_t seed = 11;
    uint8_t key[64][16], msg[64][16];
    for (unsigned lane = 0; lane < 64; lane++) {
        for (unsigned i = 0; i < 16; i++) {
            key[lane][i] = lane == 0 ? (uint8_t)i : (uint8_t)rng(&seed);
            msg[lane][i] = lane == 0 ? (uint8_t)(0x11 * i) : (uint8_t)rng(&seed);
        }
        put_big(&l, 0, key[lane], 16, lane);
        put_big(&l, 128, msg[lane], 16, lane);
    }
    run(&l);
    static const uint8_t fips[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                     0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
    for (unsigned lane = 0; lane < 64; lane++) {
        uint8_t got[16], want[16];
        int n = 0;
        get_big(&l, 0, got, 16, lane);
        EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key[lane], NULL), 1);
        EVP_CIPHER_CTX_set_padding(c, 0);
        ck_assert_int_eq(EVP_EncryptUpdate(c, want, &n, msg[lane], 16), 1);
        EVP_CIPHER_CTX_free(c);
        ck_assert_mem_eq(got, want, 16);
        if (lane == 0)
            ck_assert_mem_eq(got, fips, 16); /* FIPS-197 C.1 */
    }
    /* 200 S-boxes of 32 ANDs: the 6400 of the Bristol Fashion aes_128. */
    ck_assert_uint_eq(and_gates(&l), 6400);
    lanes_close(&l);
    ck_assert_uint_eq(cost("crypto", "input a uint8 x;", "aes_sbox(x)"), 32);
}
END_TEST

static uint8_t gf256_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    for (int i = 0; i < 8; i++) {
        if (b & 1)
            r ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

/* The S-box on all 256 inputs against its definition (FIPS-197 5.1.1):
 * inverse in GF(2^8)/0x11b, then the affine map and 0x63. */
START_TEST(stdlib_aes_sbox_exhaustive)
{
    struct lanes l;
    lanes_open(&l, "import \"crypto\";\nparty a, b;\ninput a uint8 x;\noutput all s = aes_sbox(x);\n");
    for (unsigned base = 0; base < 256; base += 64) {
        for (unsigned k = 0; k < 64; k++)
            put(&l, 0, 8, base + k, k);
        run(&l);
        for (unsigned k = 0; k < 64; k++) {
            uint8_t x = (uint8_t)(base + k), inv = 0;
            for (unsigned c = 1; c < 256 && x != 0; c++)
                if (gf256_mul(x, (uint8_t)c) == 1)
                    inv = (uint8_t)c;
            uint8_t s = 0x63;
            for (int i = 0; i < 8; i++) {
                static const int off[5] = {0, 4, 5, 6, 7};
                unsigned bit = 0;
                for (int j = 0; j < 5; j++)
                    bit ^= (inv >> ((i + off[j]) % 8)) & 1;
                s ^= (uint8_t)(bit << i);
            }
            ck_assert_uint_eq(get(&l, 0, 8, k), s);
        }
    }
    lanes_close(&l);
}
END_TEST

static Suite *stdlib_suite(void)
{
    Suite *s = suite_create("stdlib");
    TCase *tc = tcase_create("modules");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, stdlib_math_matches_c);
    tcase_add_test(tc, stdlib_math_gate_counts);
    tcase_add_test(tc, stdlib_count_true_is_exact_for_every_n);
    tcase_add_test(tc, stdlib_preconditions_are_compile_errors);
    tcase_add_test(tc, stdlib_array_moves_wires_and_matches_c);
    tcase_add_test(tc, stdlib_sort_matches_qsort_for_every_length);
    tcase_add_test(tc, stdlib_sort_by_key_moves_structs_with_their_keys);
    tcase_add_test(tc, stdlib_signed_keys_and_argmax_match_c);
    tcase_add_test(tc, stdlib_sort_comparator_and_gate_counts);
    tcase_add_test(tc, stdlib_signed_sort_matches_qsort);
    tcase_add_test(tc, stdlib_stats_matches_c);
    tcase_add_test(tc, stdlib_set_intersection_matches_c);
    tcase_add_test(tc, stdlib_set_semantics_with_repeats_zeros_and_padding);
    tcase_add_test(tc, stdlib_bytes_edit_and_hamming_distance_match_c);
    tcase_add_test(tc, stdlib_fixed_arithmetic_matches_c);
    tcase_add_test(tc, stdlib_fixed_sigmoid_and_exp_error_bounds);
    tcase_add_test(tc, stdlib_sha256_compress_fips_vector_and_gate_count);
    tcase_add_test(tc, stdlib_sha256_matches_openssl_for_several_lengths);
    tcase_add_test(tc, stdlib_aes128_matches_fips197_and_openssl);
    tcase_add_test(tc, stdlib_aes_sbox_exhaustive);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stdlib_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
