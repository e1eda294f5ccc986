/* compact.c - in-place wire-slot renumbering of any IR circuit with reuse of
 * dead slots (see compact.h). Gates keep their order and count; only slot
 * numbers change. Needs 12 bytes per value (inputs + gates) temporarily. */
#include "circuits/compact.h"

#include <stdlib.h>

enum mpcc_status circ_compact(struct circuit *c, struct mpcc_error *err)
{
    enum mpcc_status st;
    uint32_t *cur = NULL;  /* per old slot: the value it holds */
    uint32_t *refs = NULL; /* per value: reads still to come (UINT32_MAX: an output) */
    uint32_t *slot = NULL; /* per value: new slot (later: free list) */
    uint32_t *free_list = NULL;

    if ((st = circ_validate(c, err)) != MPCC_OK) {
        mpcc_error_prefix(err, "compact");
        return st;
    }
    if (c->n_calls > 0)
        return MPCC_OK; /* the compiler writes circuits with calls compact already */
    uint64_t n_values = c->n_input_bits + c->n_gates;
    if (n_values >= UINT32_MAX)
        return mpcc_error_set(err, MPCC_ERR_LIMIT,
                              "compact: %llu inputs and gates, at most %u supported",
                              (unsigned long long)n_values, UINT32_MAX - 1);
    cur = malloc(((size_t)c->n_wires + 1) * sizeof *cur);
    refs = calloc((size_t)n_values + 1, sizeof *refs);
    slot = malloc(((size_t)n_values + 1) * sizeof *slot);
    free_list = malloc(((size_t)n_values + 1) * sizeof *free_list);
    if (!cur || !refs || !slot || !free_list) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "compact: out of memory");
        goto out;
    }

    /* SSA pass: value k < n_input_bits is input bit k, value n_input_bits+g
     * is gate g's result. Gate operands are rewritten to value ids. */
    for (uint32_t w = 0; w < c->n_wires; w++)
        cur[w] = w < c->n_input_bits ? w : 0; /* unwritten slots: validate forbids reads */
    for (uint64_t g = 0; g < c->n_gates; g++) {
        struct circ_gate *gt = &c->gates[g];
        gt->in0 = cur[gt->in0];
        gt->in1 = gt->op == CIRC_INV ? gt->in0 : cur[gt->in1];
        refs[gt->in0]++;
        if (gt->op != CIRC_INV)
            refs[gt->in1]++;
        cur[gt->out] = (uint32_t)(c->n_input_bits + g);
    }
    for (uint64_t k = 0; k < c->n_output_bits; k++) {
        c->output_wires[k] = cur[c->output_wires[k]];
        refs[c->output_wires[k]] = UINT32_MAX;
    }

    /* Allocation pass: a slot is freed after the gate holding its last read. */
    uint32_t n_free = 0, next = (uint32_t)c->n_input_bits;
    for (uint32_t k = (uint32_t)c->n_input_bits; k-- > 0;) {
        slot[k] = k;
        if (refs[k] == 0)
            free_list[n_free++] = k;
    }
    for (uint64_t g = 0; g < c->n_gates; g++) {
        struct circ_gate *gt = &c->gates[g];
        uint32_t v = (uint32_t)(c->n_input_bits + g);
        uint32_t o = n_free ? free_list[--n_free] : next++;
        slot[v] = o;
        uint32_t a = gt->in0, bv = gt->in1;
        gt->in0 = slot[a];
        gt->in1 = slot[bv];
        gt->out = o;
        if (gt->op == CIRC_INV)
            gt->in1 = gt->in0;
        if (refs[a] != UINT32_MAX && --refs[a] == 0)
            free_list[n_free++] = slot[a];
        /* XOR(w, w) counted w twice: the second release frees it. */
        if (gt->op != CIRC_INV && refs[bv] != UINT32_MAX && --refs[bv] == 0)
            free_list[n_free++] = slot[bv];
        if (refs[v] == 0)
            free_list[n_free++] = o; /* never read: free right away */
    }
    uint32_t max_slot = c->n_input_bits ? (uint32_t)c->n_input_bits - 1 : 0;
    for (uint64_t g = 0; g < c->n_gates; g++)
        if (c->gates[g].out > max_slot)
            max_slot = c->gates[g].out;
    for (uint64_t k = 0; k < c->n_output_bits; k++)
        c->output_wires[k] = slot[c->output_wires[k]];
    c->n_wires = (c->n_input_bits || c->n_gates) ? max_slot + 1 : c->n_wires;
    st = MPCC_OK;
out:
    free(cur);
    free(refs);
    free(slot);
    free(free_list);
    return st;
}
