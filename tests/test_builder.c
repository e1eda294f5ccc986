/* test_builder.c - the circuit builder (folding, algebraic simplification,
 * hash-consing, dead-gate elimination, INV materialisation, slot reuse,
 * tags, sticky errors) and circ_compact. Random expression graphs are checked
 * against the same expressions computed in C. Gadgets: test_gadgets.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/bristol.h"
#include "circuits/builder.h"
#include "circuits/flatten.h"
#include "circuits/gadgets.h"
#include "circuits/stats.h"
#include "circuits/circuit.h"
#include "circuits/compact.h"
#include "circuits/eval.h"
#include "test_support.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static struct bld *new_bld(void)
{
    struct mpcc_error err = { 0 };
    struct bld *b = bld_new(&err);
    ck_assert_ptr_nonnull(b);
    return b;
}

static struct circuit *finish_ok(struct bld *b)
{
    struct mpcc_error err = { 0 };
    struct circuit *c = bld_finish(b, &err);
    ck_assert_msg(c != NULL, "bld_finish: %s", err.msg);
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    return c;
}

START_TEST(builder_folds_constants)
{
    struct bld *b = new_bld();
    bld_wire x;
    bld_input(b, 1, &x);
    ck_assert_uint_eq(bld_and(b, x, BLD_FALSE), BLD_FALSE);
    ck_assert_uint_eq(bld_and(b, BLD_TRUE, x), x);
    ck_assert_uint_eq(bld_xor(b, x, BLD_FALSE), x);
    ck_assert_uint_eq(bld_xor(b, BLD_TRUE, x), bld_not(b, x));
    ck_assert_uint_eq(bld_or(b, x, BLD_TRUE), BLD_TRUE);
    ck_assert_uint_eq(bld_or(b, BLD_FALSE, x), x);
    ck_assert_uint_eq(bld_mux(b, BLD_TRUE, x, BLD_FALSE), x);
    ck_assert_uint_eq(bld_mux(b, BLD_FALSE, x, BLD_TRUE), BLD_TRUE);
    ck_assert_uint_eq(bld_xor(b, BLD_TRUE, BLD_TRUE), BLD_FALSE);
    ck_assert(bld_is_const(BLD_TRUE) && bld_is_const(BLD_FALSE) && !bld_is_const(x));
    ck_assert_uint_eq(bld_node_count(b), 2); /* the constant and the input */
    bld_free(b);
}
END_TEST

START_TEST(builder_simplifies_algebra)
{
    struct bld *b = new_bld();
    bld_wire v[3];
    bld_input(b, 3, v);
    bld_wire x = v[0], y = v[1], z = v[2];
    ck_assert_uint_eq(bld_xor(b, x, x), BLD_FALSE);
    ck_assert_uint_eq(bld_xor(b, x, bld_not(b, x)), BLD_TRUE);
    ck_assert_uint_eq(bld_and(b, x, x), x);
    ck_assert_uint_eq(bld_and(b, x, bld_not(b, x)), BLD_FALSE);
    ck_assert_uint_eq(bld_not(b, bld_not(b, x)), x);
    ck_assert_uint_eq(bld_mux(b, z, y, y), y);
    uint64_t before = bld_node_count(b);
    bld_wire xy = bld_xor(b, x, y);
    ck_assert_uint_eq(bld_xor(b, bld_not(b, x), y), bld_not(b, xy)); /* ~a ^ b = ~(a ^ b) */
    ck_assert_uint_eq(bld_xor(b, x, bld_not(b, y)), bld_not(b, xy));
    ck_assert_uint_eq(bld_xor(b, x, xy), y);                /* x ^ (x ^ y) = y */
    ck_assert_uint_eq(bld_xor(b, bld_not(b, xy), y), bld_not(b, x));
    bld_wire a = bld_and(b, x, y);
    ck_assert_uint_eq(bld_and(b, x, a), a);                 /* x & (x & y) = x & y */
    ck_assert_uint_eq(bld_and(b, a, bld_not(b, y)), BLD_FALSE); /* (x & y) & ~y = 0 */
    ck_assert_uint_eq(bld_node_count(b), before + 2);
    ck_assert_uint_eq(bld_and_count(b), 1);
    bld_free(b);
}
END_TEST

START_TEST(builder_hash_conses_identical_gates)
{
    struct bld *b = new_bld();
    bld_wire v[2];
    bld_input(b, 2, v);
    bld_wire a1 = bld_and(b, v[0], v[1]);
    bld_wire a2 = bld_and(b, v[1], v[0]);
    bld_wire o1 = bld_or(b, v[0], v[1]);
    bld_wire n1 = bld_and(b, bld_not(b, v[1]), bld_not(b, v[0]));
    bld_wire x1 = bld_xor(b, v[0], v[1]);
    bld_wire x2 = bld_xor(b, v[1], v[0]);
    ck_assert_uint_eq(a1, a2);
    ck_assert_uint_eq(x1, x2);
    ck_assert_uint_eq(o1, bld_not(b, n1)); /* x | y shares the node of ~x & ~y */
    ck_assert_uint_eq(bld_and_count(b), 2);
    ck_assert_uint_eq(bld_node_count(b), 6);
    bld_free(b);
}
END_TEST

START_TEST(builder_eliminates_dead_gates)
{
    struct bld *b = new_bld();
    bld_wire v[4];
    bld_input(b, 4, v);
    bld_wire dead = bld_and(b, v[0], v[1]);
    (void)bld_xor(b, dead, v[2]);
    bld_wire live = bld_and(b, v[2], v[3]);
    bld_output(b, 1, &live);
    ck_assert_uint_eq(bld_and_count(b), 2);
    struct circuit *c = finish_ok(b);
    ck_assert_uint_eq(c->n_gates, 1);
    ck_assert_uint_eq(circ_count_op(c, CIRC_AND), 1);
    ck_assert_uint_eq(c->gates[0].in0, 2);
    ck_assert_uint_eq(c->gates[0].in1, 3);
    circ_free(c);
    bld_free(b);
}
END_TEST

START_TEST(builder_materialises_each_inverse_once)
{
    struct bld *b = new_bld();
    bld_wire v[3];
    bld_input(b, 3, v);
    bld_wire nx = bld_not(b, v[0]);
    bld_wire o[4] = { bld_and(b, nx, v[1]), bld_and(b, nx, v[2]), nx, v[1] };
    bld_output(b, 4, o);
    struct circuit *c = finish_ok(b);
    ck_assert_uint_eq(circ_count_op(c, CIRC_INV), 1);
    ck_assert_uint_eq(circ_count_op(c, CIRC_AND), 2);
    ck_assert_uint_eq(c->output_wires[3], 1); /* an input as output: named directly */
    uint64_t in[3] = { 0xF0F0, 0xFF00, 0xAAAA }, out[4];
    struct mpcc_error err = { 0 };
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
    ck_assert_uint_eq(out[0], ~in[0] & in[1]);
    ck_assert_uint_eq(out[1], ~in[0] & in[2]);
    ck_assert_uint_eq(out[2], ~in[0]);
    ck_assert_uint_eq(out[3], in[1]);
    circ_free(c);
    bld_free(b);
}
END_TEST

START_TEST(builder_emits_constant_outputs)
{
    struct bld *b = new_bld();
    bld_wire v[2];
    bld_input(b, 2, v);
    bld_wire o[4] = { BLD_TRUE, BLD_FALSE, bld_and(b, v[0], v[1]), BLD_TRUE };
    bld_output(b, 4, o);
    struct circuit *c = finish_ok(b);
    uint64_t in[2] = { 0x1234, 0x0FF0 }, out[4];
    struct mpcc_error err = { 0 };
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
    ck_assert_uint_eq(out[0], ~(uint64_t)0);
    ck_assert_uint_eq(out[1], 0);
    ck_assert_uint_eq(out[2], in[0] & in[1]);
    ck_assert_uint_eq(out[3], ~(uint64_t)0);
    ck_assert_uint_eq(c->n_gates, 3); /* AND, XOR(w,w), one shared INV */
    circ_free(c);
    bld_free(b);
}
END_TEST

START_TEST(builder_rejects_constant_output_without_inputs)
{
    struct bld *b = new_bld();
    bld_wire o = BLD_TRUE;
    bld_output(b, 1, &o);
    struct mpcc_error err = { 0 };
    ck_assert_ptr_null(bld_finish(b, &err));
    ck_assert_int_eq(err.code, MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "builder: a constant output needs at least one input wire");
    bld_free(b);
}
END_TEST

START_TEST(builder_errors_are_sticky)
{
    struct bld *b = new_bld();
    bld_wire v[2];
    bld_input(b, 2, v);
    ck_assert(!bld_failed(b));
    bld_note_error(b, MPCC_ERR_LIMIT, "program too large");
    bld_note_error(b, MPCC_ERR_NOMEM, "second failure");
    ck_assert(bld_failed(b));
    ck_assert_uint_eq(bld_and(b, v[0], v[1]), BLD_FALSE);
    ck_assert_uint_eq(bld_xor(b, v[0], v[1]), BLD_FALSE);
    bld_output(b, 2, v);
    struct mpcc_error err = { 0 };
    ck_assert_ptr_null(bld_finish(b, &err));
    ck_assert_int_eq(err.code, MPCC_ERR_LIMIT);
    ck_assert_str_eq(err.msg, "builder: program too large");
    bld_free(b);
}
END_TEST

START_TEST(builder_refuses_foreign_wires)
{
    struct bld *b = new_bld();
    bld_wire v[2];
    bld_input(b, 2, v);
    ck_assert_uint_eq(bld_and(b, v[0], 12345u), BLD_FALSE);
    struct mpcc_error err = { 0 };
    ck_assert_ptr_null(bld_finish(b, &err));
    ck_assert_int_eq(err.code, MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "builder: a wire that this builder did not create was used");
    bld_free(b);

    b = new_bld();
    bld_input(b, 2, v);
    bld_wire o[2] = { v[1], 99u };
    bld_output(b, 2, o);
    ck_assert(bld_failed(b));
    bld_free(b);
}
END_TEST

START_TEST(builder_counts_live_ands_per_tag)
{
    struct bld *b = new_bld();
    bld_wire v[4];
    bld_input(b, 4, v);
    bld_set_tag(b, 3);
    bld_wire a = bld_and(b, v[0], v[1]);
    bld_set_tag(b, 5);
    bld_wire d = bld_and(b, v[2], v[3]); /* dead */
    bld_wire e = bld_and(b, v[1], v[2]);
    bld_wire again = bld_and(b, v[1], v[0]); /* shared: keeps tag 3 */
    bld_set_tag(b, 3);
    bld_wire f = bld_and(b, a, e);
    (void)d;
    bld_wire o[2] = { f, again };
    bld_output(b, 2, o);
    struct circuit *c = finish_ok(b);
    ck_assert_uint_eq(bld_tag_and_count(b, 3), 2);
    ck_assert_uint_eq(bld_tag_and_count(b, 5), 1);
    ck_assert_uint_eq(bld_tag_and_count(b, 0), 0);
    ck_assert_uint_eq(bld_tag_and_count(b, 99), 0);
    circ_free(c);
    bld_free(b);
}
END_TEST

/* Huge tag values (hashes, addresses) work without a huge table. */
START_TEST(builder_counts_sparse_tags)
{
    struct bld *b = new_bld();
    bld_wire v[3];
    bld_input(b, 3, v);
    bld_set_tag(b, 0xFFFFFFF0u);
    bld_wire a = bld_and(b, v[0], v[1]);
    bld_set_tag(b, 7);
    bld_wire e = bld_and(b, a, v[2]);
    bld_set_tag(b, 0xFFFFFFF0u);
    bld_wire f = bld_or(b, e, v[0]);
    bld_output(b, 1, &f);
    struct circuit *c = finish_ok(b);
    ck_assert_uint_eq(bld_tag_and_count(b, 0xFFFFFFF0u), 2);
    ck_assert_uint_eq(bld_tag_and_count(b, 7), 1);
    ck_assert_uint_eq(bld_tag_and_count(b, 8), 0);
    circ_free(c);
    bld_free(b);
}
END_TEST

/* Inputs declared after some gates still become wires in declaration order. */
START_TEST(builder_accepts_inputs_declared_after_gates)
{
    struct bld *b = new_bld();
    bld_wire a[2], c1[3];
    bld_input(b, 2, a);
    bld_wire g = bld_and(b, a[0], a[1]);
    bld_input(b, 3, c1);
    bld_wire o[2] = { bld_xor(b, g, c1[2]), bld_not(b, c1[0]) };
    bld_output(b, 2, o);
    struct circuit *c = finish_ok(b);
    ck_assert_uint_eq(c->n_inputs, 2);
    ck_assert_uint_eq(c->input_widths[0], 2);
    ck_assert_uint_eq(c->input_widths[1], 3);
    uint64_t in[5] = { 0xF0, 0xCC, 0x1, 0x2, 0xAA }, out[2];
    struct mpcc_error err = { 0 };
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
    ck_assert_uint_eq(out[0], (in[0] & in[1]) ^ in[4]);
    ck_assert_uint_eq(out[1], ~in[2]);
    circ_free(c);
    bld_free(b);
}
END_TEST

/* A long chain keeps only a handful of values live: slots are reused. */
START_TEST(builder_reuses_dead_slots)
{
    struct bld *b = new_bld();
    bld_wire v[8];
    bld_input(b, 8, v);
    bld_wire acc = v[0];
    for (int i = 0; i < 20000; i++)
        acc = bld_xor(b, bld_and(b, acc, v[1 + i % 7]), v[(i * 3) % 8]);
    bld_output(b, 1, &acc);
    struct circuit *c = finish_ok(b);
    ck_assert_uint_le(c->n_wires, 8 + 3);
    ck_assert_uint_eq(bld_peak_live(b), c->n_wires);
    uint64_t in[8], out[1];
    uint64_t rng = 5;
    for (int i = 0; i < 8; i++)
        in[i] = rng_next(&rng);
    uint64_t w = in[0];
    for (int i = 0; i < 20000; i++)
        w = (w & in[1 + i % 7]) ^ in[(i * 3) % 8];
    struct mpcc_error err = { 0 };
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
    ck_assert_uint_eq(out[0], w);
    circ_free(c);
    bld_free(b);
}
END_TEST

/* Random expression graphs over all builder operations, mirrored in C on 64
 * lanes: whatever folding, hashing, DCE and renumbering do, values agree. */
START_TEST(builder_random_graphs_agree_with_c)
{
    enum { N_IN = 12, N_OPS_R = 3000, N_OUT = 40 };
    uint64_t rng = 1234 + (uint64_t)_i;
    struct bld *b = new_bld();
    bld_wire *w = malloc((N_IN + N_OPS_R + 2) * sizeof *w);
    uint64_t *val = malloc((N_IN + N_OPS_R + 2) * sizeof *val);
    ck_assert(w && val);
    uint64_t in[N_IN];
    bld_input(b, N_IN, w);
    for (int i = 0; i < N_IN; i++)
        val[i] = in[i] = rng_next(&rng);
    w[N_IN] = BLD_FALSE;
    val[N_IN] = 0;
    w[N_IN + 1] = BLD_TRUE;
    val[N_IN + 1] = ~(uint64_t)0;
    int n = N_IN + 2;
    for (int k = 0; k < N_OPS_R; k++) {
        /* Operands biased towards recent values and repeats (to hit the rules). */
        int i = (int)(rng_next(&rng) % (uint64_t)n);
        int j = rng_next(&rng) % 4 == 0 ? i : n - 1 - (int)(rng_next(&rng) % (uint64_t)(n < 20 ? n : 20));
        int s = (int)(rng_next(&rng) % (uint64_t)n);
        bld_wire x = w[i], y = w[j];
        uint64_t vx = val[i], vy = val[j];
        if (rng_next(&rng) & 1) {
            x = bld_not(b, x);
            vx = ~vx;
        }
        switch (rng_next(&rng) % 5) {
        case 0: w[n] = bld_and(b, x, y); val[n] = vx & vy; break;
        case 1: w[n] = bld_xor(b, x, y); val[n] = vx ^ vy; break;
        case 2: w[n] = bld_or(b, x, y); val[n] = vx | vy; break;
        case 3: w[n] = bld_not(b, x); val[n] = ~vx; break;
        default:
            w[n] = bld_mux(b, w[s], x, y);
            val[n] = (val[s] & vx) | (~val[s] & vy);
            break;
        }
        n++;
    }
    bld_wire outs[N_OUT];
    uint64_t want[N_OUT];
    for (int k = 0; k < N_OUT; k++) {
        int i = k < 4 ? N_IN - 2 + k : n - 1 - (int)(rng_next(&rng) % 500); /* incl. constants */
        outs[k] = w[i];
        want[k] = val[i];
    }
    bld_output(b, N_OUT / 2, outs);
    bld_output(b, N_OUT / 2, outs + N_OUT / 2);
    struct circuit *c = finish_ok(b);
    uint64_t out[N_OUT];
    struct mpcc_error err = { 0 };
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
    for (int k = 0; k < N_OUT; k++)
        ck_assert_msg(out[k] == want[k], "output %d differs", k);
    /* compaction of an already compact circuit keeps it correct */
    ck_assert_int_eq(circ_compact(c, &err), MPCC_OK);
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
    for (int k = 0; k < N_OUT; k++)
        ck_assert_msg(out[k] == want[k], "output %d differs after compaction", k);
    circ_free(c);
    bld_free(b);
    free(w);
    free(val);
}
END_TEST

/* A write-once circuit (like a Bristol file) where an output is computed
 * early and many gates follow: compaction shrinks it and keeps the output. */
/* Calls: a 16-bit multiply-add subcircuit called in a loop. The result
 * agrees with C, with the flattened circuit and with the same computation
 * built inline; identical calls are reused; the loop of calls is merged into
 * one repeated call; the counts and stats count every call. */
START_TEST(builder_calls_subcircuits)
{
    struct mpcc_error err = {0};
    enum { N = 40, W = 16 };
    struct circ_lib *lib = circ_lib_new(&err);
    ck_assert_ptr_nonnull(lib);
    /* sub: (s, x, y) -> s + x * y */
    struct bld *sb = bld_new(&err);
    bld_wire s_in[W], x_in[W], y_in[W], p[W], r[W];
    bld_input(sb, W, s_in);
    bld_input(sb, W, x_in);
    bld_input(sb, W, y_in);
    bld_mul(sb, W, x_in, y_in, p);
    bld_add(sb, W, s_in, p, r);
    bld_output(sb, W, r);
    struct circuit *sub = bld_finish(sb, &err);
    ck_assert_msg(sub != NULL, "%s", err.msg);
    uint64_t sub_and = circ_count_op(sub, CIRC_AND);
    bld_free(sb);
    uint32_t idx;
    ck_assert_int_eq(circ_lib_add(lib, sub, &idx, &err), MPCC_OK);

    struct bld *b = bld_new(&err);
    bld_set_lib(b, lib);
    bld_wire x[N][W], y[N][W], s[W], args[3 * W], twice[W];
    for (int i = 0; i < N; i++)
        bld_input(b, W, x[i]);
    for (int i = 0; i < N; i++)
        bld_input(b, W, y[i]);
    memcpy(s, x[0], sizeof s); /* s = x[0], then s += x[i] * y[i] for i >= 1 */
    for (int i = 1; i < N; i++) {
        memcpy(args, s, sizeof s);
        memcpy(args + W, x[i], sizeof s);
        memcpy(args + 2 * W, y[i], sizeof s);
        bld_call(b, idx, args, 3 * W, W, s);
    }
    bld_call(b, idx, args, 3 * W, W, twice); /* the last call again: reused */
    ck_assert_uint_eq(bld_call_count(b), N - 1);
    bld_output(b, W, s);
    bld_output(b, W, twice);
    struct circuit *c = bld_finish(b, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    circ_lib_release(lib); /* c keeps its own reference */
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    ck_assert_uint_eq(circ_count_op(c, CIRC_AND), (N - 1) * sub_and);
    ck_assert_uint_lt(c->n_calls, 5); /* the loop became (about) one repeated call */
    ck_assert_uint_eq(circ_count_op(c, CIRC_CALL), N - 1);

    struct circuit *flat;
    ck_assert_int_eq(circ_flatten(c, &flat, &err), MPCC_OK);
    ck_assert_uint_eq(flat->n_calls, 0);
    ck_assert_uint_eq(circ_count_op(flat, CIRC_AND), (N - 1) * sub_and);
    uint64_t seed = 3;
    uint64_t in[2 * N * W], out1[2 * W], out2[2 * W];
    for (int i = 0; i < 2 * N * W; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        in[i] = seed ^ (seed >> 29);
    }
    ck_assert_int_eq(circ_eval64(c, in, out1, &err), MPCC_OK);
    ck_assert_int_eq(circ_eval64(flat, in, out2, &err), MPCC_OK);
    ck_assert(memcmp(out1, out2, sizeof out1) == 0);
    for (unsigned lane = 0; lane < 64; lane++) {
        uint16_t xs[N], ys[N], acc;
        for (int i = 0; i < N; i++) {
            xs[i] = ys[i] = 0;
            for (int k = 0; k < W; k++) {
                xs[i] |= (uint16_t)(((in[i * W + k] >> lane) & 1) << k);
                ys[i] |= (uint16_t)(((in[(N + i) * W + k] >> lane) & 1) << k);
            }
        }
        acc = xs[0];
        for (int i = 1; i < N; i++)
            acc = (uint16_t)(acc + xs[i] * ys[i]);
        uint16_t got = 0, got2 = 0;
        for (int k = 0; k < W; k++) {
            got |= (uint16_t)(((out1[k] >> lane) & 1) << k);
            got2 |= (uint16_t)(((out1[W + k] >> lane) & 1) << k);
        }
        ck_assert_uint_eq(got, acc);
        ck_assert_uint_eq(got2, acc);
    }
    struct circ_stats st;
    ck_assert_int_eq(circ_stats_compute(c, &st, &err), MPCC_OK);
    ck_assert_uint_eq(st.n_and, (N - 1) * sub_and);
    ck_assert_uint_eq(st.n_calls, N - 1);
    ck_assert_uint_lt(st.peak_live_wires, 2 * N * W + sub->n_wires + 4 * W);
    circ_free(flat);
    circ_free(c);
    bld_free(b);
}
END_TEST

START_TEST(compact_reuses_slots_and_keeps_outputs)
{
    struct mpcc_error err = { 0 };
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 4, &err), MPCC_OK);
    uint32_t next = 4;
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 0, 1, next++, &err), MPCC_OK); /* early output */
    uint32_t early = 4, acc = 2;
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(circ_add_gate(c, i % 2 ? CIRC_XOR : CIRC_AND, acc, (uint32_t)(i % 4),
                                       next, &err), MPCC_OK);
        acc = next++;
        ck_assert_int_eq(circ_add_gate(c, CIRC_INV, acc, acc, next, &err), MPCC_OK);
        acc = next++;
    }
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 3, 3, next++, &err), MPCC_OK); /* dead, reads 3 twice */
    uint32_t outs[3] = { early, acc, 3 };
    ck_assert_int_eq(circ_add_output(c, 3, outs, &err), MPCC_OK);
    uint64_t in[4] = { 0x1111, 0x3333, 0x0F0F, 0x00FF }, want[3], out[3];
    ck_assert_int_eq(circ_eval64(c, in, want, &err), MPCC_OK);
    ck_assert_uint_eq(c->n_wires, next);
    ck_assert_int_eq(circ_compact(c, &err), MPCC_OK);
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    ck_assert_uint_le(c->n_wires, 7);
    ck_assert_uint_eq(c->n_gates, 2002);
    ck_assert_uint_eq(c->output_wires[2], 3);
    ck_assert_int_eq(circ_eval64(c, in, out, &err), MPCC_OK);
    ck_assert_uint_eq(out[0], want[0]);
    ck_assert_uint_eq(out[1], want[1]);
    ck_assert_uint_eq(out[2], want[2]);
    circ_free(c);
}
END_TEST

START_TEST(compact_refuses_invalid_circuits)
{
    struct mpcc_error err = { 0 };
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 0, 4, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 0, 1, 4, &err), MPCC_OK);
    ck_assert_int_eq(circ_compact(c, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "compact: gate 0 reads wire 4 before it is written");
    circ_free(c);
}
END_TEST

/* The reference Bristol circuits evaluate the same after compaction, in far
 * fewer slots. */
START_TEST(compact_keeps_bristol_circuits_correct)
{
    static const char *const names[] = { "adder64", "mult64", "udivide64", "sha256" };
    const char *dir = ts_shared_dir();
    if (dir == NULL)
        return;
    struct mpcc_error err = { 0 };
    char path[4096];
    snprintf(path, sizeof path, "%s/circuits/bristol/%s.txt", dir, names[_i]);
    struct circuit *c = circ_read_bristol_file(path, &err);
    ck_assert_msg(c != NULL, "%s: %s", path, err.msg);
    uint64_t *in = malloc(c->n_input_bits * sizeof *in);
    uint64_t *want = malloc(c->n_output_bits * sizeof *want);
    uint64_t *got = malloc(c->n_output_bits * sizeof *got);
    ck_assert(in && want && got);
    uint64_t rng = 99;
    for (uint64_t k = 0; k < c->n_input_bits; k++)
        in[k] = rng_next(&rng);
    ck_assert_int_eq(circ_eval64(c, in, want, &err), MPCC_OK);
    uint32_t before = c->n_wires;
    ck_assert_int_eq(circ_compact(c, &err), MPCC_OK);
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    ck_assert_uint_lt(c->n_wires, before);
    ck_assert_int_eq(circ_eval64(c, in, got, &err), MPCC_OK);
    ck_assert_int_eq(memcmp(want, got, c->n_output_bits * sizeof *got), 0);
    free(in);
    free(want);
    free(got);
    circ_free(c);
}
END_TEST

static Suite *builder_suite(void)
{
    Suite *s = suite_create("builder");
    TCase *tc = tcase_create("builder");
    tcase_add_test(tc, builder_folds_constants);
    tcase_add_test(tc, builder_simplifies_algebra);
    tcase_add_test(tc, builder_hash_conses_identical_gates);
    tcase_add_test(tc, builder_eliminates_dead_gates);
    tcase_add_test(tc, builder_materialises_each_inverse_once);
    tcase_add_test(tc, builder_emits_constant_outputs);
    tcase_add_test(tc, builder_rejects_constant_output_without_inputs);
    tcase_add_test(tc, builder_errors_are_sticky);
    tcase_add_test(tc, builder_refuses_foreign_wires);
    tcase_add_test(tc, builder_counts_live_ands_per_tag);
    tcase_add_test(tc, builder_counts_sparse_tags);
    tcase_add_test(tc, builder_accepts_inputs_declared_after_gates);
    tcase_add_test(tc, builder_reuses_dead_slots);
    tcase_add_loop_test(tc, builder_random_graphs_agree_with_c, 0, 8);
    tcase_add_test(tc, builder_calls_subcircuits);
    tcase_add_test(tc, compact_reuses_slots_and_keeps_outputs);
    tcase_add_test(tc, compact_refuses_invalid_circuits);
    tcase_add_loop_test(tc, compact_keeps_bristol_circuits_correct, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(builder_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
