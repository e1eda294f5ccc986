/* split.c - replaces input values by pairs of XOR shares (see split.h).
 * Wire numbering of the result: the new inputs first, then one wire per
 * split bit holding the recombined value, then the original non-input wires
 * shifted up. It keeps the original gate order and adds no AND gates. */
#include "circuits/split.h"

#include <stdlib.h>

#include "circuits/compact.h"

enum mpcc_status circ_split_inputs(const struct circuit *c, const uint8_t *split,
                                   struct circuit **out, struct mpcc_error *err)
{
    *out = NULL;
    uint64_t nib = c->n_input_bits, new_nib = 0, n_split_bits = 0;
    for (uint32_t k = 0; k < c->n_inputs; k++) {
        new_nib += split[k] ? 2 * (uint64_t)c->input_widths[k] : c->input_widths[k];
        n_split_bits += split[k] ? c->input_widths[k] : 0;
    }
    uint64_t n_wires = new_nib + n_split_bits + (c->n_wires > nib ? c->n_wires - nib : 0);
    if (n_wires >= CIRC_MAX_WIRES || c->n_gates + n_split_bits > CIRC_MAX_GATES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT,
                              "splitting inputs into shares needs %llu wires, more than the "
                              "limit of %u",
                              (unsigned long long)n_wires, CIRC_MAX_WIRES);
    enum mpcc_status st = MPCC_OK;
    uint32_t *in_map = malloc((nib ? nib : 1) * sizeof *in_map);
    struct circuit *d = circ_new(err);
    if (in_map == NULL || d == NULL) {
        st = d == NULL && err ? err->code : mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; st == MPCC_OK && k < c->n_inputs; k++) {
        st = circ_add_input(d, c->input_widths[k], err);
        if (st == MPCC_OK && split[k])
            st = circ_add_input(d, c->input_widths[k], err);
    }
    if (st == MPCC_OK)
        st = circ_reserve_gates(d, c->n_gates + n_split_bits, err);
    /* Recombination gates: XOR of the two shares into wire new_nib + j. */
    uint64_t old_off = 0, new_off = 0, j = 0;
    for (uint32_t k = 0; st == MPCC_OK && k < c->n_inputs; k++) {
        uint32_t w = c->input_widths[k];
        for (uint32_t i = 0; st == MPCC_OK && i < w; i++) {
            if (split[k]) {
                uint32_t r = (uint32_t)(new_nib + j++);
                st = circ_add_gate(d, CIRC_XOR, (uint32_t)(new_off + i),
                                   (uint32_t)(new_off + w + i), r, err);
                in_map[old_off + i] = r;
            } else {
                in_map[old_off + i] = (uint32_t)(new_off + i);
            }
        }
        old_off += w;
        new_off += split[k] ? 2 * (uint64_t)w : w;
    }
    uint32_t shift = (uint32_t)(new_nib + n_split_bits);
#define MAP(x) ((x) < nib ? in_map[(x)] : (uint32_t)((x) - nib + shift))
    circ_set_lib(d, c->lib); /* calls keep naming the same subcircuits */
    uint32_t *cw = NULL;
    for (uint64_t g = 0; st == MPCC_OK && g < c->n_gates; g++) {
        const struct circ_gate *gt = &c->gates[g];
        if (gt->op == CIRC_CALL) { /* each repetition as its own call: the map may break ranges */
            const struct circ_call *cl = &c->calls[gt->in0];
            uint32_t n = cl->n_args + cl->n_res;
            uint32_t *t = realloc(cw, ((size_t)n + 1) * sizeof *t);
            if (t == NULL) {
                st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
                break;
            }
            cw = t;
            for (uint32_t rep = 0; rep < cl->repeat && st == MPCC_OK; rep++) {
                circ_call_wires(c, cl, rep, cw);
                for (uint32_t k = 0; k < n; k++)
                    cw[k] = MAP(cw[k]);
                st = circ_add_call(d, cl->callee, cw, cl->n_args, cw + cl->n_args, cl->n_res, err);
            }
            continue;
        }
        st = circ_add_gate(d, (enum circ_op)gt->op, MAP(gt->in0), MAP(gt->in1), MAP(gt->out),
                           err);
    }
    free(cw);
    uint64_t ooff = 0;
    uint32_t *wires = NULL;
    for (uint32_t k = 0; st == MPCC_OK && k < c->n_outputs; k++) {
        uint32_t w = c->output_widths[k];
        wires = malloc((w ? w : 1) * sizeof *wires);
        if (wires == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
            break;
        }
        for (uint32_t i = 0; i < w; i++)
            wires[i] = MAP(c->output_wires[ooff + i]);
#undef MAP
        st = circ_add_output(d, w, wires, err);
        free(wires);
        wires = NULL;
        ooff += w;
    }
    if (st == MPCC_OK)
        st = circ_compact(d, err);
    if (st == MPCC_OK) {
        *out = d;
        d = NULL;
    }
out:
    circ_free(d);
    free(in_map);
    return st;
}
