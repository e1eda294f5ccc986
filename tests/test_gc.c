/* test_gc.c - runtime/gc, for both garbling schemes (half-gates and
 * three-halves; the loop tests run once per scheme, _i = enum gc_scheme):
 * garble then evaluate the reference circuits (every vectors.txt line) and
 * random circuits of all gate kinds with reused wire slots, against the
 * plaintext evaluator; the free-XOR / point-and-permute invariants; unique
 * tweaks; streaming equals one-shot; tampered tables; the three-halves gate
 * algebra in every case; exact error messages. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/bristol.h"
#include "circuits/circuit.h"
#include "circuits/compact.h"
#include "circuits/eval.h"
#include "circuits/gadgets.h"
#include "circuits/flatten.h"
#include "circuits/builder.h"
#include "circuits/hexval.h"
#include "runtime/crypto/prg.h"
#include "runtime/gc/gc.h"
#include "runtime/gc/threehalves.h"
#include "test_support.h"

/* ---- helpers ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

struct growbuf {
    unsigned char *p;
    size_t len, cap, pos;
    size_t max_piece; /* source: hand out in pieces of at most this (0 = any) */
    size_t unit;      /* sink: table bytes per AND (0 = 32) */
};

/* Puts g and e (either may be NULL) on scheme; three-halves' random bits
 * come from a fixed seed, so equal garblers give equal tables. */
static void use_scheme_seeded(struct gc_garbler *g, struct gc_evaluator *e, int scheme,
                              block seed)
{
    struct mpcc_error err = {0};
    struct prg coins;
    prg_init_seed(&coins, seed);
    if (g != NULL)
        ck_assert_int_eq(gc_garbler_set_scheme(g, (enum gc_scheme)scheme, &coins, &err), MPCC_OK);
    if (e != NULL)
        ck_assert_int_eq(gc_evaluator_set_scheme(e, (enum gc_scheme)scheme, &err), MPCC_OK);
    prg_clear(&coins);
}

static void use_scheme(struct gc_garbler *g, struct gc_evaluator *e, int scheme)
{
    use_scheme_seeded(g, e, scheme, blk_from_u64(0xc0115, 0x5eed));
}

static enum mpcc_status sink_append(void *ctx, const void *tables, size_t len,
                                    struct mpcc_error *err)
{
    struct growbuf *b = ctx;
    ck_assert_uint_eq(len % (b->unit ? b->unit : 32), 0);
    ck_assert_uint_le(len, GC_SINK_CHUNK_BYTES);
    if (b->len + len > b->cap) {
        size_t cap = (b->len + len) * 2;
        unsigned char *p = realloc(b->p, cap);
        if (p == NULL)
            return mpcc_error_set(err, MPCC_ERR_NOMEM, "test sink");
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, tables, len);
    b->len += len;
    return MPCC_OK;
}

static enum mpcc_status source_read(void *ctx, void *buf, size_t len, struct mpcc_error *err)
{
    struct growbuf *b = ctx;
    if (b->len - b->pos < len)
        return mpcc_error_set(err, MPCC_ERR_CLOSED, "test source: no more tables");
    memcpy(buf, b->p + b->pos, len);
    b->pos += len;
    return MPCC_OK;
}

/* Garbles and evaluates c on one input (in_bits: n_input_bits 0/1 bytes),
 * writes the decoded outputs, and checks that every output label of the
 * evaluator is the garbler's label for the decoded value. */
static void run_garbled(const struct circuit *c, const uint8_t *in_bits, uint8_t *out_bits,
                        struct prg *prg, int scheme)
{
    struct mpcc_error err = {0};
    uint32_t nw = c->n_wires > c->n_input_bits ? c->n_wires : (uint32_t)c->n_input_bits;
    struct gc_garbler *g = gc_garbler_new(nw, prg, &err);
    ck_assert_msg(g != NULL, "%s", err.msg);
    struct gc_evaluator *e = gc_evaluator_new(nw, gc_garbler_salt(g), &err);
    ck_assert_msg(e != NULL, "%s", err.msg);
    use_scheme(g, e, scheme);
    const size_t bpa = gc_scheme_table_bytes((enum gc_scheme)scheme);
    block delta = gc_garbler_delta(g);
    ck_assert_int_eq(blk_lsb(delta), 1);
    ck_assert_int_eq(gc_garbler_random_labels(g, prg, 0, (uint32_t)c->n_input_bits, &err), MPCC_OK);
    for (uint32_t k = 0; k < c->n_input_bits; k++) {
        ck_assert(blk_eq(blk_xor(gc_garbler_label(g, k, 0), gc_garbler_label(g, k, 1)), delta));
        ck_assert_int_eq(gc_evaluator_set_label(e, k, gc_garbler_label(g, k, in_bits[k]), &err),
                         MPCC_OK);
    }
    uint64_t n_and = circ_count_op(c, CIRC_AND);
    size_t cap = (size_t)n_and * bpa + 32;
    unsigned char *tab = malloc(cap);
    ck_assert_ptr_nonnull(tab);
    size_t len = 0, used = 0;
    ck_assert_int_eq(gc_garble_to_buffer(g, c, 0, c->n_gates, tab, cap, &len, &err), MPCC_OK);
    ck_assert_uint_eq(len, n_and * bpa);
    ck_assert_uint_eq(gc_garbler_n_and(g), n_and);
    ck_assert_int_eq(gc_evaluate_from_buffer(e, c, 0, c->n_gates, tab, len, &used, &err), MPCC_OK);
    ck_assert_uint_eq(used, len);
    ck_assert_uint_eq(gc_evaluator_n_and(e), n_and);
    uint8_t *d = malloc(c->n_output_bits + 1), *col = malloc(c->n_output_bits + 1);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(col);
    ck_assert_int_eq(gc_garbler_decode_bits(g, c, d, &err), MPCC_OK);
    ck_assert_int_eq(gc_evaluator_colour_bits(e, c, col, &err), MPCC_OK);
    gc_decode(col, d, c->n_output_bits, out_bits);
    for (uint64_t i = 0; i < c->n_output_bits; i++) {
        uint32_t w = c->output_wires[i];
        ck_assert(blk_eq(gc_evaluator_label(e, w), gc_garbler_label(g, w, out_bits[i])));
    }
    free(d);
    free(col);
    free(tab);
    gc_evaluator_free(e);
    gc_garbler_free(g);
}

/* A random valid circuit: n_in input bits, n_gates gates of all kinds, about
 * a third of them overwriting a live slot (slot reuse); wide = inputs drawn
 * from anywhere (many independent ANDs), else from recent wires (deep). */
static struct circuit *random_circuit(uint64_t *rs, uint32_t n_in, uint32_t n_gates, int wide)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(circ_add_input(c, n_in, &err), MPCC_OK);
    uint32_t n_slots = n_in;
    for (uint32_t i = 0; i < n_gates; i++) {
        uint64_t r = rng_next(rs);
        enum circ_op op = (r % 8) < 4 ? CIRC_AND : (r % 8) < 7 ? CIRC_XOR : CIRC_INV;
        uint32_t lo = (!wide && n_slots > 8) ? n_slots - 8 : 0;
        uint32_t a = lo + (uint32_t)(rng_next(rs) % (n_slots - lo));
        uint32_t b = lo + (uint32_t)(rng_next(rs) % (n_slots - lo));
        uint32_t out = (rng_next(rs) % 3 == 0) ? (uint32_t)(rng_next(rs) % n_slots) : n_slots++;
        ck_assert_int_eq(circ_add_gate(c, op, a, b, out, &err), MPCC_OK);
    }
    uint32_t n_out = 1 + (uint32_t)(rng_next(rs) % 24);
    uint32_t outs[24];
    for (uint32_t i = 0; i < n_out; i++)
        outs[i] = (uint32_t)(rng_next(rs) % n_slots);
    ck_assert_int_eq(circ_add_output(c, n_out, outs, &err), MPCC_OK);
    ck_assert_msg(circ_validate(c, &err) == MPCC_OK, "%s", err.msg);
    return c;
}

/* ---- tests ---- */

START_TEST(gc_random_circuits_match_plaintext_evaluator)
{
    struct mpcc_error err = {0};
    struct prg prg;
    ck_assert_int_eq(prg_init_random(&prg, &err), MPCC_OK);
    uint64_t rs = 0x9e3779b97f4a7c15ULL;
    for (int t = 0; t < 60; t++) {
        uint32_t n_in = 1 + (uint32_t)(rng_next(&rs) % 40);
        uint32_t n_gates = t >= 56 ? 20000u : (uint32_t)(rng_next(&rs) % (t < 30 ? 60 : 1500));
        struct circuit *c = random_circuit(&rs, n_in, n_gates, t % 2);
        uint64_t in[64], want[24];
        for (uint32_t k = 0; k < n_in; k++)
            in[k] = rng_next(&rs);
        ck_assert_int_eq(circ_eval64(c, in, want, &err), MPCC_OK);
        for (int j = 0; j < 4; j++) {
            uint8_t in_bits[64], out_bits[24];
            for (uint32_t k = 0; k < n_in; k++)
                in_bits[k] = (uint8_t)((in[k] >> j) & 1);
            run_garbled(c, in_bits, out_bits, &prg, _i);
            for (uint64_t i = 0; i < c->n_output_bits; i++)
                ck_assert_msg(out_bits[i] == ((want[i] >> j) & 1),
                              "circuit %d, vector %d, output bit %llu", t, j,
                              (unsigned long long)i);
        }
        circ_free(c);
    }
    prg_clear(&prg);
}
END_TEST

/* Garbles and evaluates one gate per call (through the sink and source
 * callbacks): after every gate, the evaluator's label of the written wire is
 * the garbler's label for its true value, and the tweak counter carries over. */
START_TEST(gc_every_wire_label_is_the_true_value_label)
{
    struct mpcc_error err = {0};
    struct prg prg;
    ck_assert_int_eq(prg_init_random(&prg, &err), MPCC_OK);
    uint64_t rs = 12345;
    for (int t = 0; t < 6; t++) {
        struct circuit *c = random_circuit(&rs, 16, 300, t % 2);
        struct gc_garbler *g = gc_garbler_new(c->n_wires, &prg, &err);
        struct gc_evaluator *e = gc_evaluator_new(c->n_wires, gc_garbler_salt(g), &err);
        ck_assert_ptr_nonnull(g);
        ck_assert_ptr_nonnull(e);
        use_scheme(g, e, _i);
        block delta = gc_garbler_delta(g);
        uint8_t *val = calloc(c->n_wires, 1);
        ck_assert_ptr_nonnull(val);
        ck_assert_int_eq(gc_garbler_random_labels(g, &prg, 0, 16, &err), MPCC_OK);
        for (uint32_t k = 0; k < 16; k++) {
            val[k] = (uint8_t)(rng_next(&rs) & 1);
            gc_evaluator_set_label(e, k, gc_garbler_label(g, k, val[k]), &err);
        }
        struct growbuf tb = {0};
        tb.unit = gc_scheme_table_bytes((enum gc_scheme)_i);
        for (uint64_t i = 0; i < c->n_gates; i++) {
            const struct circ_gate *gt = &c->gates[i];
            uint8_t v = gt->op == CIRC_AND   ? (uint8_t)(val[gt->in0] & val[gt->in1])
                        : gt->op == CIRC_XOR ? (uint8_t)(val[gt->in0] ^ val[gt->in1])
                                             : (uint8_t)(val[gt->in0] ^ 1);
            val[gt->out] = v;
            ck_assert_int_eq(gc_garble(g, c, i, i + 1, sink_append, &tb, &err), MPCC_OK);
            ck_assert_int_eq(gc_evaluate(e, c, i, i + 1, source_read, &tb, &err), MPCC_OK);
            ck_assert_msg(blk_eq(gc_evaluator_label(e, gt->out), gc_garbler_label(g, gt->out, v)),
                          "circuit %d gate %llu", t, (unsigned long long)i);
            ck_assert(blk_eq(blk_xor(gc_garbler_label(g, gt->out, 0),
                                     gc_garbler_label(g, gt->out, 1)), delta));
        }
        ck_assert_uint_eq(tb.pos, tb.len);
        ck_assert_uint_eq(tb.len, tb.unit * circ_count_op(c, CIRC_AND));
        free(tb.p);
        free(val);
        gc_evaluator_free(e);
        gc_garbler_free(g);
        circ_free(c);
    }
    prg_clear(&prg);
}
END_TEST

/* Streaming in any split of the gate range gives the same tables as one call,
 * and the evaluator may split its walk differently from the garbler. */
START_TEST(gc_streamed_tables_equal_one_shot)
{
    struct mpcc_error err = {0};
    uint64_t rs = 777;
    struct circuit *c = random_circuit(&rs, 64, 40000, 1);
    uint64_t n_and = circ_count_op(c, CIRC_AND);
    ck_assert_uint_gt(n_and * 32, 2 * GC_SINK_CHUNK_BYTES); /* several sink chunks */
    block delta = blk_from_u64(0x1111, 0x2223), salt = blk_from_u64(5, 6);
    struct gc_garbler *g1 = gc_garbler_new_with(c->n_wires, delta, salt, &err);
    struct gc_garbler *g2 = gc_garbler_new_with(c->n_wires, delta, salt, &err);
    ck_assert_ptr_nonnull(g1);
    ck_assert_ptr_nonnull(g2);
    use_scheme(g1, NULL, _i);
    use_scheme(g2, NULL, _i);
    for (uint32_t k = 0; k < 64; k++) {
        gc_garbler_set_label(g1, k, blk_from_u64(k, 3 * k + 1), &err);
        gc_garbler_set_label(g2, k, blk_from_u64(k, 3 * k + 1), &err);
    }
    unsigned char *one = malloc(n_and * 32);
    ck_assert_ptr_nonnull(one);
    size_t len = 0;
    ck_assert_int_eq(gc_garble_to_buffer(g1, c, 0, c->n_gates, one, n_and * 32, &len, &err), MPCC_OK);
    ck_assert_uint_eq(len, n_and * gc_scheme_table_bytes((enum gc_scheme)_i));
    struct growbuf tb = {0};
    tb.unit = gc_scheme_table_bytes((enum gc_scheme)_i);
    for (uint64_t i = 0; i < c->n_gates;) {
        uint64_t step = 1 + rng_next(&rs) % 3000;
        uint64_t end = i + step > c->n_gates ? c->n_gates : i + step;
        ck_assert_int_eq(gc_garble(g2, c, i, end, sink_append, &tb, &err), MPCC_OK);
        i = end;
    }
    ck_assert_uint_eq(tb.len, len);
    ck_assert(memcmp(tb.p, one, len) == 0);
    /* A plan of the whole range, and plans of two halves, give them too. */
    struct gc_plan *plan = gc_plan_new(c, 0, c->n_gates, &err);
    struct gc_plan *half1 = gc_plan_new(c, 0, 20001, &err);
    struct gc_plan *half2 = gc_plan_new(c, 20001, c->n_gates, &err);
    ck_assert(plan && half1 && half2);
    ck_assert_uint_eq(gc_plan_n_and(plan), n_and);
    for (int variant = 0; variant < 2; variant++) {
        struct gc_garbler *g3 = gc_garbler_new_with(c->n_wires, delta, salt, &err);
        ck_assert_ptr_nonnull(g3);
        use_scheme(g3, NULL, _i);
        for (uint32_t k = 0; k < 64; k++)
            gc_garbler_set_label(g3, k, blk_from_u64(k, 3 * k + 1), &err);
        unsigned char *raw = malloc(n_and * 32 + 1);
        ck_assert_ptr_nonnull(raw);
        unsigned char *pt = raw + 1; /* tables need no alignment */
        size_t l1 = 0, l2 = 0;
        if (variant == 0) {
            ck_assert_int_eq(gc_garble_plan_to_buffer(g3, plan, pt, n_and * 32, &l1, &err), MPCC_OK);
        } else {
            ck_assert_int_eq(gc_garble_plan_to_buffer(g3, half1, pt, n_and * 32, &l1, &err), MPCC_OK);
            ck_assert_int_eq(gc_garble_plan_to_buffer(g3, half2, pt + l1, n_and * 32 - l1, &l2, &err),
                             MPCC_OK);
        }
        ck_assert_uint_eq(l1 + l2, len);
        ck_assert(memcmp(pt, one, len) == 0);
        free(raw);
        gc_garbler_free(g3);
    }
    for (uint64_t i = 0; i < c->n_output_bits; i++) {
        uint32_t w = c->output_wires[i];
        ck_assert(blk_eq(gc_garbler_label(g1, w, 0), gc_garbler_label(g2, w, 0)));
    }
    uint8_t in[64], want[24];
    for (uint32_t k = 0; k < 64; k++)
        in[k] = (uint8_t)(rng_next(&rs) & 1);
    ck_assert_int_eq(circ_eval_bits(c, in, want, &err), MPCC_OK);
    struct gc_evaluator *e = gc_evaluator_new(c->n_wires, salt, &err);
    ck_assert_ptr_nonnull(e);
    use_scheme(NULL, e, _i);
    for (uint32_t k = 0; k < 64; k++) /* the input labels (slots may be reused since) */
        gc_evaluator_set_label(e, k, blk_xor(blk_from_u64(k, 3 * k + 1),
                                             blk_and(blk_mask_from_bit(in[k]), delta)), &err);
    for (uint64_t i = 0; i < c->n_gates;) {
        uint64_t step = 1 + rng_next(&rs) % 20000;
        uint64_t end = i + step > c->n_gates ? c->n_gates : i + step;
        ck_assert_int_eq(gc_evaluate(e, c, i, end, source_read, &tb, &err), MPCC_OK);
        i = end;
    }
    ck_assert_uint_eq(tb.pos, tb.len);
    for (uint64_t i = 0; i < c->n_output_bits; i++) {
        uint32_t w = c->output_wires[i];
        ck_assert(blk_eq(gc_evaluator_label(e, w), gc_garbler_label(g1, w, want[i])));
    }
    gc_evaluator_free(e);
    /* The evaluator through plans (halves, source then buffer). */
    e = gc_evaluator_new(c->n_wires, salt, &err);
    ck_assert_ptr_nonnull(e);
    use_scheme(NULL, e, _i);
    for (uint32_t k = 0; k < 64; k++)
        gc_evaluator_set_label(e, k, blk_xor(blk_from_u64(k, 3 * k + 1),
                                             blk_and(blk_mask_from_bit(in[k]), delta)), &err);
    tb.pos = 0;
    ck_assert_int_eq(gc_evaluate_plan(e, half1, source_read, &tb, &err), MPCC_OK);
    size_t used = 0;
    ck_assert_int_eq(gc_evaluate_plan_from_buffer(e, half2, tb.p + tb.pos, tb.len - tb.pos, &used,
                                                  &err), MPCC_OK);
    ck_assert_uint_eq(tb.pos + used, tb.len);
    for (uint64_t i = 0; i < c->n_output_bits; i++) {
        uint32_t w = c->output_wires[i];
        ck_assert(blk_eq(gc_evaluator_label(e, w), gc_garbler_label(g1, w, want[i])));
    }
    gc_evaluator_free(e);
    gc_plan_free(plan);
    gc_plan_free(half1);
    gc_plan_free(half2);
    free(tb.p);
    free(one);
    gc_garbler_free(g1);
    gc_garbler_free(g2);
    circ_free(c);
}
END_TEST

/* Garbles (c, through gc_garble_prog) with a fixed Delta, salt and input
 * labels; evaluates; returns the tables and the decoded outputs. */
static unsigned char *garble_prog_fixed(const struct circuit *c, const uint8_t *in_bits, uint8_t *out_bits,
                                        size_t *len, int scheme)
{
    struct mpcc_error err = {0};
    block delta = blk_from_u64(0x0123456789abcdefULL, 0xfedcba9876543211ULL), salt = blk_from_u64(7, 9);
    struct gc_garbler *g = gc_garbler_new_with(c->n_wires, delta, salt, &err);
    struct gc_evaluator *e = gc_evaluator_new(c->n_wires, salt, &err);
    ck_assert_ptr_nonnull(g);
    ck_assert_ptr_nonnull(e);
    use_scheme(g, e, scheme);
    for (uint32_t k = 0; k < c->n_input_bits; k++) {
        block l0 = blk_from_u64(k * 0x9e3779b97f4a7c15ULL, k + 1);
        ck_assert_int_eq(gc_garbler_set_label(g, k, l0, &err), MPCC_OK);
        ck_assert_int_eq(gc_evaluator_set_label(e, k, gc_garbler_label(g, k, in_bits[k]), &err), MPCC_OK);
    }
    struct gc_prog *p = gc_prog_new(c, &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    struct growbuf tb = {0};
    tb.unit = gc_scheme_table_bytes((enum gc_scheme)scheme);
    ck_assert_int_eq(gc_garble_prog(g, p, sink_append, &tb, &err), MPCC_OK);
    ck_assert_uint_eq(tb.len, gc_prog_n_and(p) * tb.unit);
    ck_assert_int_eq(gc_evaluate_prog(e, p, source_read, &tb, &err), MPCC_OK);
    ck_assert_uint_eq(tb.pos, tb.len);
    uint8_t *d = malloc(c->n_output_bits + 1), *col = malloc(c->n_output_bits + 1);
    ck_assert_int_eq(gc_garbler_decode_bits(g, c, d, &err), MPCC_OK);
    ck_assert_int_eq(gc_evaluator_colour_bits(e, c, col, &err), MPCC_OK);
    gc_decode(col, d, c->n_output_bits, out_bits);
    free(d);
    free(col);
    gc_prog_free(p);
    gc_evaluator_free(e);
    gc_garbler_free(g);
    *len = tb.len;
    return tb.p;
}

/* A program with calls (nested: a loop calling a multiply-add that calls a
 * multiplier) garbles to exactly the tables of its flattened circuit, and
 * decodes to the plaintext evaluator's outputs. */
START_TEST(gc_programs_with_calls_garble_like_their_expansion)
{
    struct mpcc_error err = {0};
    enum { N = 12, W = 12 };
    struct circ_lib *lib = circ_lib_new(&err);
    uint32_t i_mul, i_mad;
    bld_wire x[W], y[W], s[W], p[W], r[W], a[3 * W];
    struct bld *b = bld_new(&err); /* sub 0: x * y */
    bld_input(b, W, x);
    bld_input(b, W, y);
    bld_mul(b, W, x, y, p);
    bld_output(b, W, p);
    ck_assert_int_eq(circ_lib_add(lib, bld_finish(b, &err), &i_mul, &err), MPCC_OK);
    bld_free(b);
    b = bld_new(&err); /* sub 1: s + mul(x, y) */
    bld_set_lib(b, lib);
    bld_input(b, W, s);
    bld_input(b, W, x);
    bld_input(b, W, y);
    memcpy(a, x, sizeof x);
    memcpy(a + W, y, sizeof y);
    bld_call(b, i_mul, a, 2 * W, W, p);
    bld_add(b, W, s, p, r);
    bld_output(b, W, r);
    ck_assert_int_eq(circ_lib_add(lib, bld_finish(b, &err), &i_mad, &err), MPCC_OK);
    bld_free(b);
    b = bld_new(&err); /* main: s = x[0]; s = mad(s, x[i], y[i]); and a bare XOR */
    bld_set_lib(b, lib);
    bld_wire xs[N][W], ys[N][W];
    for (int i = 0; i < N; i++)
        bld_input(b, W, xs[i]);
    for (int i = 0; i < N; i++)
        bld_input(b, W, ys[i]);
    memcpy(s, xs[0], sizeof s);
    for (int i = 1; i < N; i++) {
        memcpy(a, s, sizeof s);
        memcpy(a + W, xs[i], sizeof s);
        memcpy(a + 2 * W, ys[i], sizeof s);
        bld_call(b, i_mad, a, 3 * W, W, s);
    }
    bld_output(b, W, s);
    bld_wire z = bld_and(b, s[0], xs[1][1]);
    bld_output(b, 1, &z);
    struct circuit *c = bld_finish(b, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    bld_free(b);
    circ_lib_release(lib);
    struct circuit *flat;
    ck_assert_int_eq(circ_flatten(c, &flat, &err), MPCC_OK);
    uint64_t rs = 99;
    for (int trial = 0; trial < 4; trial++) {
        uint8_t in[2 * N * W], o1[W + 1], o2[W + 1], o3[W + 1];
        for (int i = 0; i < 2 * N * W; i++)
            in[i] = (uint8_t)(rng_next(&rs) & 1);
        size_t l1, l2;
        unsigned char *t1 = garble_prog_fixed(c, in, o1, &l1, _i);
        unsigned char *t2 = garble_prog_fixed(flat, in, o2, &l2, _i);
        ck_assert_uint_eq(l1, l2);
        ck_assert(memcmp(t1, t2, l1) == 0);
        ck_assert(memcmp(o1, o2, W + 1) == 0);
        ck_assert_int_eq(circ_eval_bits(c, in, o3, &err), MPCC_OK);
        ck_assert(memcmp(o1, o3, W + 1) == 0);
        free(t1);
        free(t2);
    }
    circ_free(flat);
    circ_free(c);
}
END_TEST

START_TEST(gc_tables_of_identical_gates_differ)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    enum { N = 200 };
    for (uint32_t i = 0; i < N; i++)
        ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 0, 1, 2 + i, &err), MPCC_OK);
    struct prg prg;
    prg_init_seed(&prg, blk_from_u64(9, 9));
    struct gc_garbler *g = gc_garbler_new(c->n_wires, &prg, &err);
    ck_assert_ptr_nonnull(g);
    use_scheme(g, NULL, _i);
    gc_garbler_random_labels(g, &prg, 0, 2, &err);
    block tab[2 * N];
    size_t len = 0;
    ck_assert_int_eq(gc_garble_to_buffer(g, c, 0, N, tab, sizeof tab, &len, &err), MPCC_OK);
    if (_i == GC_HALF_GATES) {
        ck_assert_uint_eq(len, sizeof tab);
        for (int i = 0; i < 2 * N; i++)
            for (int j = 0; j < i; j++)
                ck_assert_msg(!blk_eq(tab[i], tab[j]), "table blocks %d and %d equal", i, j);
    } else { /* the 3 N half-size ciphertexts all differ */
        ck_assert_uint_eq(len, (size_t)TH_TABLE_BYTES * N);
        const unsigned char *t = (const unsigned char *)tab;
        for (int i = 0; i < 3 * N; i++)
            for (int j = 0; j < i; j++)
                ck_assert_msg(memcmp(t + TH_TABLE_BYTES * (i / 3) + 8 * (i % 3),
                                     t + TH_TABLE_BYTES * (j / 3) + 8 * (j % 3), 8) != 0,
                              "ciphertexts %d and %d equal", i, j);
    }
    for (uint32_t i = 1; i < N; i++)
        ck_assert(!blk_eq(gc_garbler_label(g, 2, 0), gc_garbler_label(g, 2 + i, 0)));
    gc_garbler_free(g);
    circ_free(c);
    prg_clear(&prg);
}
END_TEST

/* Flipping one table bit never crashes; the evaluator's output then either
 * still matches (the flipped half was not selected) or is a label the
 * garbler never made (caught by label checks) or decodes differently. */
START_TEST(gc_flipped_table_bit_changes_or_breaks_outputs)
{
    struct mpcc_error err = {0};
    uint64_t rs = 4242;
    struct circuit *c = random_circuit(&rs, 32, 400, 0);
    uint64_t n_and = circ_count_op(c, CIRC_AND);
    struct prg prg;
    prg_init_seed(&prg, blk_from_u64(1, 7));
    struct gc_garbler *g = gc_garbler_new(c->n_wires, &prg, &err);
    ck_assert_ptr_nonnull(g);
    use_scheme(g, NULL, _i);
    gc_garbler_random_labels(g, &prg, 0, 32, &err);
    unsigned char *tab = malloc(n_and * 32);
    ck_assert_ptr_nonnull(tab);
    size_t len = 0;
    ck_assert_int_eq(gc_garble_to_buffer(g, c, 0, c->n_gates, tab, n_and * 32, &len, &err), MPCC_OK);
    /* Every AND gate's table influences some output in this test only if the
     * circuit's outputs depend on it; count the trials that show the flip. */
    int changed = 0;
    for (int trial = 0; trial < 200; trial++) {
        size_t bit = rng_next(&rs) % (len * 8);
        tab[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        struct gc_evaluator *e = gc_evaluator_new(c->n_wires, gc_garbler_salt(g), &err);
        ck_assert_ptr_nonnull(e);
        use_scheme(NULL, e, _i);
        for (uint32_t k = 0; k < 32; k++)
            gc_evaluator_set_label(e, k, gc_garbler_label(g, k, (unsigned)(k & 1)), &err);
        ck_assert_int_eq(gc_evaluate_from_buffer(e, c, 0, c->n_gates, tab, len, NULL, &err), MPCC_OK);
        for (uint64_t i = 0; i < c->n_output_bits; i++) {
            block l = gc_evaluator_label(e, c->output_wires[i]);
            block l0 = gc_garbler_label(g, c->output_wires[i], 0);
            block l1 = gc_garbler_label(g, c->output_wires[i], 1);
            if (!blk_eq(l, l0) && !blk_eq(l, l1)) {
                changed++;
                break;
            }
        }
        gc_evaluator_free(e);
        tab[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
    ck_assert_int_gt(changed, 10);
    free(tab);
    gc_garbler_free(g);
    circ_free(c);
}
END_TEST

START_TEST(gc_errors_name_the_problem)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 0, 1, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 2, 1, 3, &err), MPCC_OK);
    ck_assert_ptr_null(gc_garbler_new_with(4, blk_from_u64(1, 2), blk_zero(), &err));
    ck_assert_int_eq(err.code, MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "garbler: Delta must have its lsb set (point-and-permute)");
    struct gc_garbler *small = gc_garbler_new_with(3, blk_from_u64(1, 3), blk_zero(), &err);
    ck_assert_ptr_nonnull(small);
    unsigned char tab[64];
    size_t len = 0;
    ck_assert_int_eq(gc_garble_to_buffer(small, c, 0, 2, tab, sizeof tab, &len, &err),
                     MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "garbler: circuit has 4 wire slots, garbler was made for 3");
    gc_garbler_free(small);

    struct gc_garbler *g = gc_garbler_new_with(4, blk_from_u64(1, 3), blk_zero(), &err);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(gc_garble_to_buffer(g, c, 0, 2, tab, 32, &len, &err), MPCC_ERR_LIMIT);
    ck_assert_str_eq(err.msg, "garbler: table buffer of 32 bytes too small for this gate range");
    ck_assert_int_eq(gc_garble_to_buffer(g, c, 0, 3, tab, 64, &len, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "garbler: gate range 0..3 outside the circuit's 2 gates");
    ck_assert_int_eq(gc_garbler_set_label(g, 4, blk_zero(), &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "garbler: wire 4 beyond the 4 wire slots");

    struct gc_evaluator *e = gc_evaluator_new(4, blk_zero(), &err);
    ck_assert_ptr_nonnull(e);
    size_t used = 0;
    ck_assert_int_eq(gc_evaluate_from_buffer(e, c, 0, 2, tab, 32, &used, &err), MPCC_ERR_PROTOCOL);
    ck_assert_str_eq(err.msg, "evaluator: tables end after 32 bytes, the gate range needs more");
    struct growbuf empty = {0};
    ck_assert_int_eq(gc_evaluate(e, c, 0, 2, source_read, &empty, &err), MPCC_ERR_CLOSED);
    ck_assert_str_eq(err.msg, "test source: no more tables");
    gc_evaluator_free(e);
    gc_garbler_free(g);
    circ_free(c);
}
END_TEST

/* The three-halves gate on its own, in every case: for random labels, Delta
 * (lsb 1) and arbitrary hash outputs, each of the 16 choices of the false
 * labels' colours and the 2 random bits, the evaluator in each of the 4
 * views gets the false label xor (a AND b) Delta; every control byte keeps
 * bits 5..7 zero; the vector forms equal the scalar ones. */
START_TEST(gc_three_halves_gate_decodes_in_every_case)
{
    uint64_t rs = 0x3a1f;
    for (int trial = 0; trial < 2000; trial++) {
        block delta = blk_or(blk_from_u64(rng_next(&rs), rng_next(&rs)), blk_from_u64(0, 1));
        block a0 = blk_from_u64(rng_next(&rs), rng_next(&rs) & ~1ULL); /* colour 0 */
        block b0 = blk_from_u64(rng_next(&rs), rng_next(&rs) & ~1ULL);
        block h[6];
        for (int i = 0; i < 6; i++)
            h[i] = blk_from_u64(rng_next(&rs), rng_next(&rs));
        for (unsigned c = 0; c < 16; c++) {
            uint64_t pa = c & 1, pb = c >> 1 & 1, u1 = c >> 2 & 1, u2 = c >> 3 & 1;
            unsigned char tab[TH_TABLE_BYTES], tab_v[TH_TABLE_BYTES];
            block c0 = th_garble(a0, b0, delta, pa, pb, h, u1, u2, tab);
            ck_assert_uint_eq(tab[24] >> 5, 0);
            /* The vector form (the garbler's) gives the same bytes and label. */
            struct th_consts k;
            th_consts_init(&k, delta);
            block c0_v = th_garble_v(a0, b0, &k, pa, pb, h, u1, u2, tab_v);
            ck_assert(blk_eq(c0, c0_v));
            ck_assert_mem_eq(tab, tab_v, TH_TABLE_BYTES);
            for (unsigned sa = 0; sa < 2; sa++)
                for (unsigned sb = 0; sb < 2; sb++) {
                    block a = blk_xor(a0, blk_and(blk_mask_from_bit(sa), delta));
                    block b = blk_xor(b0, blk_and(blk_mask_from_bit(sb), delta));
                    unsigned v = (sa ^ (unsigned)pa) & (sb ^ (unsigned)pb);
                    block want = blk_xor(c0, blk_and(blk_mask_from_bit(v), delta));
                    block got = th_eval(a, b, h[sa], h[2 + sb], h[4 + (sa ^ sb)], tab);
                    ck_assert_msg(blk_eq(got, want), "trial %d case %u view %u%u", trial, c, sa, sb);
                    block got_v = th_eval_v(a, b, h[sa], h[2 + sb], h[4 + (sa ^ sb)], tab);
                    ck_assert_msg(blk_eq(got_v, want), "vector: trial %d case %u view %u%u", trial,
                                  c, sa, sb);
                }
        }
    }
}
END_TEST

START_TEST(gc_scheme_is_fixed_before_the_first_and)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 0, 1, 2, &err), MPCC_OK);
    ck_assert_uint_eq(gc_scheme_table_bytes(GC_HALF_GATES), 32);
    ck_assert_uint_eq(gc_scheme_table_bytes(GC_THREE_HALVES), 25);
    ck_assert_str_eq(gc_scheme_name(GC_THREE_HALVES), "threehalves");
    struct prg prg;
    prg_init_seed(&prg, blk_from_u64(3, 4));
    struct gc_garbler *g = gc_garbler_new_with(3, blk_from_u64(1, 3), blk_zero(), &err);
    struct gc_evaluator *e = gc_evaluator_new(3, blk_zero(), &err);
    ck_assert(g && e);
    ck_assert_int_eq(gc_garbler_set_scheme(g, (enum gc_scheme)7, &prg, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "garbler: unknown garbling scheme 7");
    ck_assert_int_eq(gc_garbler_set_scheme(g, GC_THREE_HALVES, &prg, &err), MPCC_OK);
    unsigned char tab[32];
    size_t len = 0;
    ck_assert_int_eq(gc_garble_to_buffer(g, c, 0, 1, tab, 24, &len, &err), MPCC_ERR_LIMIT);
    ck_assert_int_eq(gc_garble_to_buffer(g, c, 0, 1, tab, 25, &len, &err), MPCC_OK);
    ck_assert_uint_eq(len, 25);
    ck_assert_int_eq(gc_garbler_set_scheme(g, GC_HALF_GATES, &prg, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "garbler: the garbling scheme cannot change after the first AND gate");
    ck_assert_int_eq(gc_evaluator_set_scheme(e, GC_THREE_HALVES, &err), MPCC_OK);
    size_t used = 0;
    ck_assert_int_eq(gc_evaluate_from_buffer(e, c, 0, 1, tab, 24, &used, &err), MPCC_ERR_PROTOCOL);
    ck_assert_int_eq(gc_evaluate_from_buffer(e, c, 0, 1, tab, 25, &used, &err), MPCC_OK);
    ck_assert_uint_eq(used, 25);
    ck_assert_int_eq(gc_evaluator_set_scheme(e, GC_HALF_GATES, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "evaluator: the garbling scheme cannot change after the first AND gate");
    gc_evaluator_free(e);
    gc_garbler_free(g);
    prg_clear(&prg);
    circ_free(c);
}
END_TEST

/* Three-halves' random bits come from the garbler's PRG: two garblers with
 * the same Delta, salt and input labels but different coin seeds give
 * different ciphertexts and control bits at almost every gate (constant
 * coins would make them equal, and would tell the evaluator the colours of
 * the false labels), and the evaluator decodes both right. */
START_TEST(gc_three_halves_coins_come_from_the_prg)
{
    struct mpcc_error err = {0};
    uint64_t rs = 5150;
    struct circuit *c = random_circuit(&rs, 32, 3000, 1);
    uint64_t n_and = circ_count_op(c, CIRC_AND);
    block delta = blk_from_u64(0x77, 0x1235), salt = blk_from_u64(1, 4);
    unsigned char *tab[2];
    for (int v = 0; v < 2; v++) {
        struct gc_garbler *g = gc_garbler_new_with(c->n_wires, delta, salt, &err);
        struct gc_evaluator *e = gc_evaluator_new(c->n_wires, salt, &err);
        ck_assert(g && e);
        use_scheme_seeded(g, e, GC_THREE_HALVES, blk_from_u64(v + 1, 99));
        uint8_t in[32], want[64];
        for (uint32_t k = 0; k < 32; k++) {
            in[k] = (uint8_t)(rng_next(&rs) & 1);
            gc_garbler_set_label(g, k, blk_from_u64(k * 7 + 1, k), &err);
            gc_evaluator_set_label(e, k, gc_garbler_label(g, k, in[k]), &err);
        }
        tab[v] = malloc(n_and * TH_TABLE_BYTES);
        ck_assert_ptr_nonnull(tab[v]);
        size_t len = 0;
        ck_assert_int_eq(gc_garble_to_buffer(g, c, 0, c->n_gates, tab[v], n_and * TH_TABLE_BYTES,
                                             &len, &err), MPCC_OK);
        ck_assert_int_eq(gc_evaluate_from_buffer(e, c, 0, c->n_gates, tab[v], len, NULL, &err),
                         MPCC_OK);
        ck_assert_int_eq(circ_eval_bits(c, in, want, &err), MPCC_OK);
        for (uint64_t i = 0; i < c->n_output_bits; i++)
            ck_assert(blk_eq(gc_evaluator_label(e, c->output_wires[i]),
                             gc_garbler_label(g, c->output_wires[i], want[i])));
        gc_evaluator_free(e);
        gc_garbler_free(g);
    }
    uint64_t differ = 0;
    for (uint64_t i = 0; i < n_and; i++)
        differ += memcmp(tab[0] + TH_TABLE_BYTES * i, tab[1] + TH_TABLE_BYTES * i,
                         TH_TABLE_BYTES) != 0;
    /* Each gate's coins differ with probability 3/4. */
    ck_assert_msg(differ * 10 > n_and * 6, "%llu of %llu gates differ", (unsigned long long)differ,
                  (unsigned long long)n_and);
    free(tab[0]);
    free(tab[1]);
    circ_free(c);
}
END_TEST

/* Every line of ../shared/circuits/vectors.txt, garbled and evaluated. */
START_TEST(gc_reference_circuits_reproduce_vectors)
{
    const char *dir = ts_shared_dir();
    if (dir == NULL)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/circuits/vectors.txt", dir);
    size_t flen = 0;
    char *text = ts_read_file(path, &flen);
    ck_assert_ptr_nonnull(text);
    struct mpcc_error err = {0};
    struct prg prg;
    ck_assert_int_eq(prg_init_random(&prg, &err), MPCC_OK);
    struct circuit *c = NULL, *cc = NULL; /* cc: c with wire slots reused */
    char cur[64] = "";
    int lines = 0, line_in_circuit = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tok_save = NULL;
        char *name = strtok_r(line, " \t", &tok_save);
        if (name == NULL)
            continue;
        if (strcmp(name, cur) != 0) {
            circ_free(c);
            circ_free(cc);
            snprintf(path, sizeof path, "%s/circuits/bristol/%s.txt", dir, name);
            c = circ_read_bristol_file(path, &err);
            ck_assert_msg(c != NULL, "%s: %s", name, err.msg);
            cc = circ_read_bristol_file(path, &err);
            ck_assert_ptr_nonnull(cc);
            ck_assert_int_eq(circ_compact(cc, &err), MPCC_OK);
            snprintf(cur, sizeof cur, "%s", name);
            line_in_circuit = 0;
        }
        uint8_t *in = calloc(c->n_input_bits + 1, 1), *want = calloc(c->n_output_bits + 1, 1);
        uint8_t *got = calloc(c->n_output_bits + 1, 1);
        ck_assert(in && want && got);
        for (uint32_t v = 0; v < c->n_inputs; v++) {
            char *tok = strtok_r(NULL, " \t", &tok_save);
            ck_assert_ptr_nonnull(tok);
            ck_assert_int_eq(circ_hex_parse(tok, in + circ_input_offset(c, v), c->input_widths[v],
                                            &err), MPCC_OK);
        }
        char *arrow = strtok_r(NULL, " \t", &tok_save);
        ck_assert_str_eq(arrow, "->");
        for (uint32_t v = 0; v < c->n_outputs; v++) {
            char *tok = strtok_r(NULL, " \t", &tok_save);
            ck_assert_ptr_nonnull(tok);
            ck_assert_int_eq(circ_hex_parse(tok, want + circ_output_offset(c, v),
                                            c->output_widths[v], &err), MPCC_OK);
        }
        run_garbled(c, in, got, &prg, _i);
        ck_assert_msg(memcmp(got, want, c->n_output_bits) == 0, "%s line %d", name, lines);
        if (line_in_circuit++ < 2) { /* the compacted circuit (slot reuse, renaming) */
            memset(got, 0, c->n_output_bits);
            run_garbled(cc, in, got, &prg, _i);
            ck_assert_msg(memcmp(got, want, c->n_output_bits) == 0, "%s compacted, line %d", name,
                          lines);
        }
        free(in);
        free(want);
        free(got);
        lines++;
    }
    ck_assert_int_ge(lines, 80);
    circ_free(c);
    circ_free(cc);
    free(text);
    prg_clear(&prg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gc");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, gc_random_circuits_match_plaintext_evaluator, GC_HALF_GATES, GC_THREE_HALVES + 1);
    tcase_add_loop_test(tc, gc_every_wire_label_is_the_true_value_label, GC_HALF_GATES, GC_THREE_HALVES + 1);
    tcase_add_loop_test(tc, gc_streamed_tables_equal_one_shot, GC_HALF_GATES, GC_THREE_HALVES + 1);
    tcase_add_loop_test(tc, gc_tables_of_identical_gates_differ, GC_HALF_GATES, GC_THREE_HALVES + 1);
    tcase_add_loop_test(tc, gc_programs_with_calls_garble_like_their_expansion, GC_HALF_GATES, GC_THREE_HALVES + 1);
    tcase_add_loop_test(tc, gc_flipped_table_bit_changes_or_breaks_outputs, GC_HALF_GATES, GC_THREE_HALVES + 1);
    tcase_add_test(tc, gc_errors_name_the_problem);
    tcase_add_test(tc, gc_three_halves_gate_decodes_in_every_case);
    tcase_add_test(tc, gc_scheme_is_fixed_before_the_first_and);
    tcase_add_test(tc, gc_three_halves_coins_come_from_the_prg);
    tcase_add_loop_test(tc, gc_reference_circuits_reproduce_vectors, GC_HALF_GATES, GC_THREE_HALVES + 1);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
