/* bmr_walk.c - a resumable walk over a circuit's gates with calls expanded
 * on the fly: each call's frame gets its own slots after its caller's (so
 * the walk needs the deepest chain of frames, not the expanded circuit),
 * and a call becomes copies of its arguments into the callee's input
 * slots, the callee's gates, and copies of its outputs into the results.
 * N-party garbling walks the circuit once per party (and the evaluator a
 * second time), pausing at window boundaries, so it cannot recurse. */
#include <stdlib.h>
#include <string.h>

#include "circuits/circuit.h"
#include "runtime/bmr/bmr_internal.h"

/* Slots a frame of c needs with its deepest chain of callees. need[] holds
 * the library's subcircuits' figures (a subcircuit calls only lower ones). */
static uint64_t frame_need(const struct circuit *c, const uint64_t *need)
{
    uint64_t deepest = 0;
    for (uint32_t k = 0; k < c->n_calls; k++)
        if (need[c->calls[k].callee] > deepest)
            deepest = need[c->calls[k].callee];
    return c->n_wires + deepest;
}

enum mpcc_status bmr_walk_init(struct bmr_walk *w, const struct circuit *top,
                               struct mpcc_error *err)
{
    memset(w, 0, sizeof *w);
    const struct circ_lib *lib = top->lib;
    uint32_t n_subs = lib ? lib->n_subs : 0;
    uint64_t *need = calloc(n_subs + 1, sizeof *need);
    if (need == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
    uint64_t max_call = 1;
    for (uint32_t k = 0; k <= n_subs; k++) {
        const struct circuit *c = k < n_subs ? lib->subs[k] : top;
        for (uint32_t j = 0; j < c->n_calls; j++) {
            const struct circ_call *cl = &c->calls[j];
            if (lib == NULL || cl->callee >= n_subs || (k < n_subs && cl->callee >= k)) {
                free(need);
                return mpcc_error_set(err, MPCC_ERR_INVALID,
                                      "a call names subcircuit %u, which does not exist",
                                      cl->callee);
            }
            if ((uint64_t)cl->n_args + cl->n_res > max_call)
                max_call = (uint64_t)cl->n_args + cl->n_res;
        }
        if (k < n_subs)
            need[k] = frame_need(c, need);
    }
    w->n_slots = frame_need(top, need);
    free(need);
    w->wires = malloc((size_t)(CIRC_MAX_CALL_DEPTH + 1) * max_call * sizeof *w->wires);
    if (w->wires == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
    w->max_call = max_call;
    w->stack[0].c = top;
    return MPCC_OK;
}

void bmr_walk_free(struct bmr_walk *w)
{
    free(w->wires);
    memset(w, 0, sizeof *w);
}

int bmr_walk_next(struct bmr_walk *w, struct bmr_step *s, struct mpcc_error *err)
{
    if (w->have_peek) {
        *s = w->peek;
        w->have_peek = 0;
        return 1;
    }
    for (;;) {
        struct bmr_walk_frame *f = &w->stack[w->depth];
        const struct circuit *c = f->c;
        if (f->phase == 0) {
            if (f->gate == c->n_gates) {
                if (w->depth == 0)
                    return 0;
                w->depth--;
                w->stack[w->depth].phase = 2;
                w->stack[w->depth].i = 0;
                continue;
            }
            const struct circ_gate *g = &c->gates[f->gate];
            if (g->op != CIRC_CALL) {
                s->op = g->op;
                s->a = f->base + g->in0;
                s->b = f->base + g->in1;
                s->o = f->base + g->out;
                f->gate++;
                return 1;
            }
            f->rep = 0;
            f->phase = 1;
            f->i = 0;
            f->wires_ready = 0;
            continue;
        }
        const struct circ_call *cl = &c->calls[c->gates[f->gate].in0];
        const struct circuit *callee = circ_callee(c, cl);
        uint32_t *ws = w->wires + (size_t)w->depth * w->max_call;
        uint64_t callee_base = f->base + c->n_wires;
        if (!f->wires_ready) {
            circ_call_wires(c, cl, f->rep, ws);
            for (uint64_t k = 0; k < (uint64_t)cl->n_args + cl->n_res; k++)
                if (ws[k] >= c->n_wires) {
                    mpcc_error_set(err, MPCC_ERR_INVALID,
                                   "a call names wire %u, beyond the %u wires", ws[k], c->n_wires);
                    return -1;
                }
            if (cl->n_args != callee->n_input_bits || cl->n_res != callee->n_output_bits) {
                mpcc_error_set(err, MPCC_ERR_INVALID,
                               "a call of subcircuit %u has the wrong number of wires", cl->callee);
                return -1;
            }
            f->wires_ready = 1;
        }
        if (f->phase == 1) { /* arguments into the callee's input slots */
            if (f->i < cl->n_args) {
                s->op = BMR_COPY;
                s->a = s->b = f->base + ws[f->i];
                s->o = callee_base + f->i;
                f->i++;
                return 1;
            }
            if (w->depth == CIRC_MAX_CALL_DEPTH) {
                mpcc_error_set(err, MPCC_ERR_LIMIT, "calls nested more than %d deep",
                               CIRC_MAX_CALL_DEPTH);
                return -1;
            }
            w->depth++;
            memset(&w->stack[w->depth], 0, sizeof w->stack[w->depth]);
            w->stack[w->depth].c = callee;
            w->stack[w->depth].base = callee_base;
            continue;
        }
        /* phase 2: the callee's outputs into the results */
        if (f->i < cl->n_res) {
            s->op = BMR_COPY;
            s->a = s->b = callee_base + callee->output_wires[f->i];
            s->o = f->base + ws[cl->n_args + f->i];
            f->i++;
            return 1;
        }
        if (++f->rep < cl->repeat) {
            f->phase = 1;
            f->i = 0;
            f->wires_ready = 0;
            continue;
        }
        f->phase = 0;
        f->gate++;
    }
}

void bmr_walk_unget(struct bmr_walk *w, const struct bmr_step *s)
{
    w->peek = *s;
    w->have_peek = 1;
}
