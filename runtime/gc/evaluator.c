/* evaluator.c - the evaluator's side: runs the same planned windows as the
 * garbler (schedule.c), XOR/INV runs inline, AND runs in batches hashed with
 * one MITCCRH call (2 hashes per AND for half-gates, 3 for three-halves,
 * threehalves.h), tables pulled one window at a time from a source or read
 * from a buffer. Holds one label per wire slot; learns colour bits only
 * (decoding needs the garbler's bits). */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "runtime/crypto/aes.h"
#include "runtime/crypto/hash.h"
#include "runtime/gc/gc.h"
#include "runtime/gc/gc_internal.h"
#include "runtime/gc/threehalves.h"

struct gc_evaluator {
    struct crypto_hash hash;
    enum gc_scheme scheme;
    uint64_t n_and;
    uint32_t n_wires;
    block *slots; /* GC_SLOT_BASE + n_wires (gc_internal.h): zero (INV), zero,
                   * scratch, then the label of each wire */
    struct gc_sched sched;
    struct gc_sgate win[GC_WIN_SGATES]; /* a window planned on the fly */
    uint32_t runs[GC_MAX_RUNS];

    uint64_t tw[3 * GC_BATCH]; /* tweaks 2g, 2g+1 (or 3g, 3g+1, 3g+2) per gate */
    block a[GC_BATCH];         /* label of each gate's first input */
    block b[GC_BATCH];         /* three-halves: label of the second input */
    block sb[GC_BATCH];        /* lsb(B) as a mask */
    block h[3 * GC_BATCH];     /* per gate: A, B (and A^B), hashed in place */

    block chunk[2 * GC_WINDOW]; /* one window's tables, from a source */
};

struct gc_evaluator *gc_evaluator_new(uint32_t n_wires, block salt, struct mpcc_error *err)
{
    if (crypto_check_cpu(err) != MPCC_OK)
        return NULL;
    struct gc_evaluator *e = aligned_alloc(64, (sizeof(struct gc_evaluator) + 63) / 64 * 64);
    if (e == NULL)
        goto nomem;
    memset(e, 0, sizeof *e);
    e->slots = calloc((size_t)n_wires + GC_SLOT_BASE, sizeof(block));
    if (e->slots == NULL || !gc_sched_init(&e->sched, n_wires)) {
        free(e->slots);
        gc_sched_free(&e->sched);
        free(e);
        goto nomem;
    }
    e->n_wires = n_wires;
    crypto_hash_init(&e->hash, salt);
    return e;
nomem:
    mpcc_error_set(err, MPCC_ERR_NOMEM, "evaluator: out of memory for %u wire labels", n_wires);
    return NULL;
}

void gc_evaluator_free(struct gc_evaluator *e)
{
    if (e == NULL)
        return;
    OPENSSL_cleanse(e->slots, ((size_t)e->n_wires + GC_SLOT_BASE) * sizeof(block));
    free(e->slots);
    gc_sched_free(&e->sched);
    OPENSSL_cleanse(e, sizeof *e);
    free(e);
}

enum mpcc_status gc_evaluator_set_label(struct gc_evaluator *e, uint32_t wire, block label,
                                        struct mpcc_error *err)
{
    if (wire >= e->n_wires)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "evaluator: wire %u beyond the %u wire slots",
                              wire, e->n_wires);
    e->slots[GC_SLOT_BASE + wire] = label;
    return MPCC_OK;
}

enum mpcc_status gc_evaluator_set_scheme(struct gc_evaluator *e, enum gc_scheme s,
                                         struct mpcc_error *err)
{
    enum mpcc_status st = gc_scheme_check(s, e->n_and, "evaluator", err);
    if (st == MPCC_OK)
        e->scheme = s;
    return st;
}

block gc_evaluator_label(const struct gc_evaluator *e, uint32_t wire) { return e->slots[GC_SLOT_BASE + wire]; }
uint64_t gc_evaluator_n_and(const struct gc_evaluator *e) { return e->n_and; }

/* Evaluates the m <= GC_BATCH independent AND gates sg[0 .. m-1]:
 * C = H(A,j) ^ sa*TG ^ H(B,j') ^ sb*(TE ^ A), sa = lsb(A), sb = lsb(B),
 * with masks instead of branches (colour bits must not steer anything). A
 * gate's tables sit at its rank in t (the window's tables). */
static void eval_batch(struct gc_evaluator *e, const struct gc_sgate *sg, uint32_t m,
                       uint64_t and_base, const unsigned char *t)
{
    block *S = e->slots, *h = e->h;
    for (uint32_t k = 0; k < m; k++) {
        block a = S[sg[k].in0], b = S[sg[k].in1];
        e->a[k] = a;
        e->sb[k] = blk_lsb_mask(b);
        h[2 * k] = a;
        h[2 * k + 1] = b;
        e->tw[2 * k] = 2 * (and_base + sg[k].rank);
        e->tw[2 * k + 1] = e->tw[2 * k] + 1;
    }
    crypto_hash_singles_tw(&e->hash, e->tw, h, 2 * (size_t)m);
    for (uint32_t k = 0; k < m; k++) {
        block a = e->a[k];
        const unsigned char *tk = t + (size_t)GC_HG_TABLE_BYTES * sg[k].rank;
        block tg = blk_load(tk), te = blk_load(tk + 16);
        block c = blk_xor(h[2 * k], h[2 * k + 1]);
        c = blk_xor(c, blk_and(blk_lsb_mask(a), tg));
        c = blk_xor(c, blk_and(e->sb[k], blk_xor(te, a)));
        S[sg[k].out] = c;
    }
}

/* Three-halves (threehalves.h) for the m <= GC_BATCH independent AND gates
 * sg[0 .. m-1]: A, B and A^B hashed under tweaks 3g, 3g+1, 3g+2 in one
 * MITCCRH call, then th_eval_v on the gate's 25 bytes at its rank in t. */
static void eval_batch_3h(struct gc_evaluator *e, const struct gc_sgate *sg, uint32_t m,
                          uint64_t and_base, const unsigned char *t)
{
    block *S = e->slots, *h = e->h;
    for (uint32_t k = 0; k < m; k++) {
        block a = S[sg[k].in0], b = S[sg[k].in1];
        e->a[k] = a;
        e->b[k] = b;
        h[3 * k] = a;
        h[3 * k + 1] = b;
        h[3 * k + 2] = blk_xor(a, b);
        e->tw[3 * k] = 3 * (and_base + sg[k].rank);
        e->tw[3 * k + 1] = e->tw[3 * k] + 1;
        e->tw[3 * k + 2] = e->tw[3 * k] + 2;
    }
    crypto_hash_singles_tw(&e->hash, e->tw, h, 3 * (size_t)m);
    for (uint32_t k = 0; k < m; k++)
        S[sg[k].out] = th_eval_v(e->a[k], e->b[k], h[3 * k], h[3 * k + 1], h[3 * k + 2],
                                 t + (size_t)TH_TABLE_BYTES * sg[k].rank);
}

/* Evaluates one planned window; branches on the plan only (public). */
static void eval_window(struct gc_evaluator *e, const struct gc_window *w, const unsigned char *t)
{
    block *S = e->slots;
    const struct gc_sgate *sg = w->sg;
    const uint64_t and_base = e->n_and;
    for (uint32_t r = 0; r < w->n_runs; r++) {
        uint32_t len = w->runs[r] >> 1;
        if (w->runs[r] & GC_RUN_AND) {
            for (uint32_t j = 0; j < len; j += GC_BATCH) {
                /* Fetch the next batch's inputs while this one hashes. */
                for (uint32_t k = j + GC_BATCH; k < len && k < j + 2 * GC_BATCH; k++)
                    gc_prefetch_inputs(S, &sg[k]);
                uint32_t m = len - j < GC_BATCH ? len - j : GC_BATCH;
                if (e->scheme == GC_THREE_HALVES)
                    eval_batch_3h(e, sg + j, m, and_base, t);
                else
                    eval_batch(e, sg + j, m, and_base, t);
            }
        } else {
            gc_xor_run(S, sg, len);
        }
        sg += len;
    }
    e->n_and += w->n_and;
}

static enum mpcc_status eval_source(struct gc_evaluator *e, struct gc_win_iter *it,
                                    gc_table_source source, void *ctx, struct mpcc_error *err)
{
    enum mpcc_status st;
    for (;;) {
        struct gc_window w;
        if ((st = gc_win_next(it, &w, err)) != MPCC_OK || w.n_gates == 0)
            return st;
        size_t len = (size_t)w.n_and * gc_scheme_table_bytes(e->scheme);
        if (len > 0 && (st = source(ctx, e->chunk, len, err)) != MPCC_OK)
            return st;
        eval_window(e, &w, (const unsigned char *)e->chunk);
    }
}

static enum mpcc_status eval_buf(struct gc_evaluator *e, struct gc_win_iter *it, const void *buf,
                                 size_t len_bytes, size_t *used_out, struct mpcc_error *err)
{
    enum mpcc_status st;
    size_t used = 0;
    for (;;) {
        struct gc_window w;
        if ((st = gc_win_next(it, &w, err)) != MPCC_OK || w.n_gates == 0)
            break;
        size_t len = (size_t)w.n_and * gc_scheme_table_bytes(e->scheme);
        if (len > len_bytes - used) {
            st = mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                                "evaluator: tables end after %zu bytes, the gate range needs more",
                                len_bytes);
            break;
        }
        eval_window(e, &w, (const unsigned char *)buf + used);
        used += len;
    }
    if (used_out != NULL)
        *used_out = used;
    return st;
}

enum mpcc_status gc_evaluate(struct gc_evaluator *e, const struct circuit *c, uint64_t gate_begin,
                             uint64_t gate_end, gc_table_source source, void *ctx,
                             struct mpcc_error *err)
{
    struct gc_win_iter it;
    enum mpcc_status st = gc_win_start(&it, NULL, c, gate_begin, gate_end, e->n_wires, &e->sched,
                                       e->win, e->runs, "evaluator", err);
    return st != MPCC_OK ? st : eval_source(e, &it, source, ctx, err);
}

enum mpcc_status gc_evaluate_from_buffer(struct gc_evaluator *e, const struct circuit *c,
                                         uint64_t gate_begin, uint64_t gate_end, const void *buf,
                                         size_t len_bytes, size_t *used_out,
                                         struct mpcc_error *err)
{
    struct gc_win_iter it;
    if (used_out != NULL)
        *used_out = 0;
    enum mpcc_status st = gc_win_start(&it, NULL, c, gate_begin, gate_end, e->n_wires, &e->sched,
                                       e->win, e->runs, "evaluator", err);
    return st != MPCC_OK ? st : eval_buf(e, &it, buf, len_bytes, used_out, err);
}

enum mpcc_status gc_evaluate_plan(struct gc_evaluator *e, const struct gc_plan *p,
                                  gc_table_source source, void *ctx, struct mpcc_error *err)
{
    struct gc_win_iter it;
    enum mpcc_status st = gc_win_start(&it, p, NULL, 0, 0, e->n_wires, NULL, NULL, NULL, "evaluator", err);
    return st != MPCC_OK ? st : eval_source(e, &it, source, ctx, err);
}

enum mpcc_status gc_evaluate_plan_from_buffer(struct gc_evaluator *e, const struct gc_plan *p,
                                              const void *buf, size_t len_bytes, size_t *used_out,
                                              struct mpcc_error *err)
{
    struct gc_win_iter it;
    if (used_out != NULL)
        *used_out = 0;
    enum mpcc_status st = gc_win_start(&it, p, NULL, 0, 0, e->n_wires, NULL, NULL, NULL, "evaluator", err);
    return st != MPCC_OK ? st : eval_buf(e, &it, buf, len_bytes, used_out, err);
}

enum mpcc_status gc_evaluator_colour_bits(const struct gc_evaluator *e, const struct circuit *c,
                                          uint8_t *colour, struct mpcc_error *err)
{
    for (uint64_t i = 0; i < c->n_output_bits; i++) {
        uint32_t w = c->output_wires[i];
        if (w >= e->n_wires)
            return mpcc_error_set(err, MPCC_ERR_INVALID,
                                  "evaluator: output bit %llu reads wire %u beyond %u slots",
                                  (unsigned long long)i, w, e->n_wires);
        colour[i] = (uint8_t)blk_lsb(e->slots[GC_SLOT_BASE + w]);
    }
    return MPCC_OK;
}

struct gc_frame gc_evaluator_swap_frame(struct gc_evaluator *e, struct gc_frame f)
{
    struct gc_frame old = { e->slots, e->n_wires };
    e->slots = f.slots;
    e->n_wires = f.n_wires;
    return old;
}
