/* exec.c - running a program with calls (gc.h, "programs"): every circuit
 * split at its calls into planned pieces once (gc_plan), then a walk that
 * garbles or evaluates the pieces in order and, at a call, moves argument
 * labels into the callee's frame, walks the callee, and moves the result
 * labels back. Both sides walk the same gates in the same order, so tweaks
 * and the table stream match the flattened circuit. Labels are secrets:
 * frames are wiped when a run ends. No crypto of its own, no I/O. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "runtime/gc/gc.h"
#include "runtime/gc/gc_internal.h"

/* A piece of a circuit: a planned gate range, or one call gate. */
struct gc_piece {
    struct gc_plan *plan; /* NULL for a call */
    uint32_t call;
};

struct gc_cplan {
    const struct circuit *c;
    struct gc_piece *pieces;
    uint32_t n_pieces;
};

struct gc_prog {
    struct gc_cplan main;
    struct gc_cplan *subs;
    uint32_t n_subs;
    uint64_t n_and;
    uint64_t max_call_wires;
};

static enum mpcc_status cplan_init(struct gc_cplan *cp, const struct circuit *c, struct mpcc_error *err)
{
    cp->c = c;
    uint64_t n = 1;
    for (uint64_t i = 0; i < c->n_gates; i++)
        n += c->gates[i].op == CIRC_CALL ? 2 : 0;
    if (n > UINT32_MAX)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "too many calls in one circuit");
    cp->pieces = calloc((size_t)n, sizeof *cp->pieces);
    if (cp->pieces == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory planning a program");
    uint64_t start = 0;
    for (uint64_t i = 0; i <= c->n_gates; i++) {
        if (i < c->n_gates && c->gates[i].op != CIRC_CALL)
            continue;
        if (i > start) {
            struct gc_plan *p = gc_plan_new(c, start, i, err);
            if (p == NULL)
                return err ? err->code : MPCC_ERR_NOMEM;
            cp->pieces[cp->n_pieces++].plan = p;
        }
        if (i < c->n_gates)
            cp->pieces[cp->n_pieces++].call = c->gates[i].in0;
        start = i + 1;
    }
    return MPCC_OK;
}

static void cplan_clear(struct gc_cplan *cp)
{
    for (uint32_t k = 0; cp->pieces != NULL && k < cp->n_pieces; k++)
        gc_plan_free(cp->pieces[k].plan);
    free(cp->pieces);
}

struct gc_prog *gc_prog_new(const struct circuit *c, struct mpcc_error *err)
{
    if (circ_validate(c, err) != MPCC_OK)
        return NULL;
    struct gc_prog *p = calloc(1, sizeof *p);
    if (p == NULL) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory planning a program");
        return NULL;
    }
    enum mpcc_status st = cplan_init(&p->main, c, err);
    if (st == MPCC_OK && c->lib != NULL && c->lib_ref && c->lib->n_subs > 0) {
        p->n_subs = c->lib->n_subs;
        p->subs = calloc(p->n_subs, sizeof *p->subs);
        if (p->subs == NULL)
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory planning a program");
        for (uint32_t k = 0; st == MPCC_OK && k < p->n_subs; k++)
            st = cplan_init(&p->subs[k], c->lib->subs[k], err);
    }
    if (st != MPCC_OK) {
        gc_prog_free(p);
        return NULL;
    }
    p->n_and = circ_count_op(c, CIRC_AND);
    p->max_call_wires = circ_max_call_wires(c);
    return p;
}

void gc_prog_free(struct gc_prog *p)
{
    if (p == NULL)
        return;
    cplan_clear(&p->main);
    for (uint32_t k = 0; p->subs != NULL && k < p->n_subs; k++)
        cplan_clear(&p->subs[k]);
    free(p->subs);
    free(p);
}

uint64_t gc_prog_n_and(const struct gc_prog *p)
{
    return p->n_and;
}

/* One run: the frames of the subcircuits, and the side that runs. */
struct gc_run {
    const struct gc_prog *p;
    struct gc_garbler *g;
    struct gc_evaluator *e;
    gc_table_sink sink;
    gc_table_source source;
    void *ctx;
    block inv; /* slot GC_SLOT_INV of a frame: Delta (garbler), zero (evaluator) */
    block **frames;
    uint32_t **wires; /* per subcircuit: the wires of the call into it */
};

static struct gc_frame run_swap(struct gc_run *r, struct gc_frame f)
{
    return r->g != NULL ? gc_garbler_swap_frame(r->g, f) : gc_evaluator_swap_frame(r->e, f);
}

static enum mpcc_status run_circ(struct gc_run *r, const struct gc_cplan *cp, int depth, struct mpcc_error *err);

static enum mpcc_status run_call(struct gc_run *r, const struct gc_cplan *cp, uint32_t ci, int depth,
                                 struct mpcc_error *err)
{
    const struct circ_call *cl = &cp->c->calls[ci];
    const struct gc_cplan *sub = &r->p->subs[cl->callee];
    const struct circuit *s = sub->c;
    if (depth >= CIRC_MAX_CALL_DEPTH)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "calls nested more than %d deep", CIRC_MAX_CALL_DEPTH);
    size_t n_slots = (size_t)s->n_wires + GC_SLOT_BASE;
    if (r->frames[cl->callee] == NULL) {
        r->frames[cl->callee] = calloc(n_slots, sizeof(block));
        r->wires[cl->callee] = malloc(((size_t)cl->n_args + cl->n_res + 1) * sizeof(uint32_t));
        if (r->frames[cl->callee] == NULL || r->wires[cl->callee] == NULL)
            return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for a subcircuit's labels");
        r->frames[cl->callee][GC_SLOT_INV] = r->inv;
    }
    block *sf = r->frames[cl->callee];
    uint32_t *w = r->wires[cl->callee];
    struct gc_frame mine = { sf, s->n_wires };
    for (uint32_t rep = 0; rep < cl->repeat; rep++) {
        struct gc_frame caller = run_swap(r, mine);
        circ_call_wires(cp->c, cl, rep, w);
        for (uint32_t k = 0; k < cl->n_args; k++)
            sf[GC_SLOT_BASE + k] = caller.slots[GC_SLOT_BASE + w[k]];
        enum mpcc_status st = run_circ(r, sub, depth + 1, err);
        (void)run_swap(r, caller);
        if (st != MPCC_OK)
            return st;
        for (uint32_t k = 0; k < cl->n_res; k++)
            caller.slots[GC_SLOT_BASE + w[cl->n_args + k]] = sf[GC_SLOT_BASE + s->output_wires[k]];
    }
    return MPCC_OK;
}

static enum mpcc_status run_circ(struct gc_run *r, const struct gc_cplan *cp, int depth, struct mpcc_error *err)
{
    enum mpcc_status st = MPCC_OK;
    for (uint32_t k = 0; k < cp->n_pieces && st == MPCC_OK; k++) {
        const struct gc_piece *pc = &cp->pieces[k];
        if (pc->plan == NULL)
            st = run_call(r, cp, pc->call, depth, err);
        else if (r->g != NULL)
            st = gc_garble_plan(r->g, pc->plan, r->sink, r->ctx, err);
        else
            st = gc_evaluate_plan(r->e, pc->plan, r->source, r->ctx, err);
    }
    return st;
}

static enum mpcc_status run_prog(struct gc_run *r, struct mpcc_error *err)
{
    const struct gc_prog *p = r->p;
    enum mpcc_status st = MPCC_OK;
    if (p->n_subs > 0) {
        r->frames = calloc(p->n_subs, sizeof *r->frames);
        r->wires = calloc(p->n_subs, sizeof *r->wires);
        if (r->frames == NULL || r->wires == NULL)
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for subcircuit frames");
    }
    if (st == MPCC_OK)
        st = run_circ(r, &p->main, 0, err);
    for (uint32_t k = 0; r->frames != NULL && k < p->n_subs; k++) {
        if (r->frames[k] != NULL)
            OPENSSL_cleanse(r->frames[k], ((size_t)p->subs[k].c->n_wires + GC_SLOT_BASE) * sizeof(block));
        free(r->frames[k]);
        free(r->wires[k]);
    }
    free(r->frames);
    free(r->wires);
    OPENSSL_cleanse(&r->inv, sizeof r->inv);
    return st;
}

enum mpcc_status gc_garble_prog(struct gc_garbler *g, const struct gc_prog *p, gc_table_sink sink, void *ctx,
                                struct mpcc_error *err)
{
    struct gc_run r = { p, g, NULL, sink, NULL, ctx, gc_garbler_delta(g), NULL, NULL };
    return run_prog(&r, err);
}

enum mpcc_status gc_evaluate_prog(struct gc_evaluator *e, const struct gc_prog *p, gc_table_source source,
                                  void *ctx, struct mpcc_error *err)
{
    struct gc_run r = { p, NULL, e, NULL, source, ctx, blk_zero(), NULL, NULL };
    return run_prog(&r, err);
}
