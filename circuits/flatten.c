/* flatten.c - expands calls (see flatten.h): walks the caller's gates in
 * order with a map from its slots to wires of the result; a call maps the
 * callee's input slots to its arguments' wires and walks the callee the same
 * way, its outputs becoming the caller's result slots. Every gate output
 * gets a fresh wire, so slot reuse inside any circuit is harmless. */
#include "circuits/flatten.h"

#include <stdlib.h>
#include <string.h>

struct fl {
    struct circuit *d;
    uint64_t next; /* next fresh wire */
};

static enum mpcc_status fl_run(struct fl *f, const struct circuit *c, uint32_t *map, int depth,
                               struct mpcc_error *err)
{
    if (depth > CIRC_MAX_CALL_DEPTH)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "calls nested more than %d deep", CIRC_MAX_CALL_DEPTH);
    enum mpcc_status st = MPCC_OK;
    for (uint64_t i = 0; i < c->n_gates && st == MPCC_OK; i++) {
        const struct circ_gate *g = &c->gates[i];
        if (g->op != CIRC_CALL) {
            if (f->next >= CIRC_MAX_WIRES)
                return mpcc_error_set(err, MPCC_ERR_LIMIT, "the expanded circuit needs more than %u wires",
                                      CIRC_MAX_WIRES);
            uint32_t w = (uint32_t)f->next++;
            st = circ_add_gate(f->d, (enum circ_op)g->op, map[g->in0], map[g->in1], w, err);
            map[g->out] = w;
            continue;
        }
        const struct circ_call *cl = &c->calls[g->in0];
        const struct circuit *s = circ_callee(c, cl);
        uint32_t *w = malloc(((size_t)cl->n_args + cl->n_res + 1) * sizeof *w);
        uint32_t *smap = malloc(((size_t)s->n_wires + 1) * sizeof *smap);
        if (w == NULL || smap == NULL) {
            free(w);
            free(smap);
            return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory expanding calls");
        }
        for (uint32_t rep = 0; rep < cl->repeat && st == MPCC_OK; rep++) {
            circ_call_wires(c, cl, rep, w);
            for (uint32_t k = 0; k < cl->n_args; k++)
                smap[k] = map[w[k]];
            st = fl_run(f, s, smap, depth + 1, err);
            for (uint32_t k = 0; st == MPCC_OK && k < cl->n_res; k++)
                map[w[cl->n_args + k]] = smap[s->output_wires[k]];
        }
        free(w);
        free(smap);
    }
    return st;
}

enum mpcc_status circ_flatten(const struct circuit *c, struct circuit **out, struct mpcc_error *err)
{
    *out = NULL;
    enum mpcc_status st = circ_validate(c, err);
    if (st != MPCC_OK)
        return st;
    struct fl f = { circ_new(err), c->n_input_bits };
    uint32_t *map = malloc(((size_t)c->n_wires + 1) * sizeof *map);
    uint32_t *ow = malloc(((size_t)c->n_output_bits + 1) * sizeof *ow);
    if (f.d == NULL || map == NULL || ow == NULL) {
        st = f.d == NULL ? MPCC_ERR_NOMEM : mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory expanding calls");
        goto out;
    }
    for (uint32_t k = 0; k < c->n_inputs && st == MPCC_OK; k++)
        st = circ_add_input(f.d, c->input_widths[k], err);
    for (uint32_t w = 0; w < c->n_wires; w++)
        map[w] = w < c->n_input_bits ? w : 0;
    if (st == MPCC_OK)
        st = fl_run(&f, c, map, 0, err);
    uint64_t off = 0;
    for (uint32_t k = 0; k < c->n_outputs && st == MPCC_OK; k++) {
        for (uint32_t i = 0; i < c->output_widths[k]; i++)
            ow[i] = map[c->output_wires[off + i]];
        st = circ_add_output(f.d, c->output_widths[k], ow, err);
        off += c->output_widths[k];
    }
out:
    free(map);
    free(ow);
    if (st != MPCC_OK) {
        circ_free(f.d);
        return st;
    }
    *out = f.d;
    return MPCC_OK;
}
