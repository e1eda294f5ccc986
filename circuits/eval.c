/* eval.c - the bit-sliced plaintext evaluator (see eval.h): one tight loop
 * over the gate array, 64 evaluations per word. It does not validate that
 * wires are written before they are read (circ_validate does); it only
 * refuses what would be out of bounds or undefined. */
#include "circuits/eval.h"

#include <stdlib.h>
#include <string.h>

/* Allocates n words into *p (at least one, so that n == 0 is not NULL). */
static enum mpcc_status eval_alloc_words(uint64_t n, const char *what, uint64_t **p,
                                         struct mpcc_error *err)
{
    *p = NULL;
    if (n > SIZE_MAX / sizeof(uint64_t))
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "%llu words of %s do not fit in memory",
                              (unsigned long long)n, what);
    *p = malloc(n == 0 ? sizeof **p : (size_t)n * sizeof **p);
    if (*p == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for %llu words of %s",
                              (unsigned long long)n, what);
    return MPCC_OK;
}

enum mpcc_status circ_eval64_ws(const struct circuit *c, const uint64_t *in, uint64_t *out,
                                uint64_t *wires, struct mpcc_error *err)
{
    const uint32_t n = c->n_wires;
    if (c->n_input_bits > n)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "circuit has %llu input bits but only %u wires",
                              (unsigned long long)c->n_input_bits, n);
    for (uint64_t i = 0; i < c->n_output_bits; i++)
        if (c->output_wires[i] >= n)
            return mpcc_error_set(err, MPCC_ERR_INVALID,
                                  "output bit %llu reads wire %u, beyond the %u wires",
                                  (unsigned long long)i, c->output_wires[i], n);

    memcpy(wires, in, (size_t)c->n_input_bits * sizeof *wires);
    memset(wires + c->n_input_bits, 0, (size_t)(n - c->n_input_bits) * sizeof *wires);

    const struct circ_gate *gates = c->gates;
    const uint64_t n_gates = c->n_gates;
    for (uint64_t i = 0; i < n_gates; i++) {
        const struct circ_gate g = gates[i];
        if (g.in0 >= n || g.in1 >= n || g.out >= n)
            return mpcc_error_set(err, MPCC_ERR_INVALID,
                                  "gate %llu: wire index beyond the %u wires",
                                  (unsigned long long)i, n);
        const uint64_t a = wires[g.in0], b = wires[g.in1];
        switch (g.op) {
        case CIRC_XOR: wires[g.out] = a ^ b; break;
        case CIRC_AND: wires[g.out] = a & b; break;
        case CIRC_INV: wires[g.out] = ~a; break;
        default:
            return mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu: unknown op %u",
                                  (unsigned long long)i, g.op);
        }
    }

    for (uint64_t i = 0; i < c->n_output_bits; i++)
        out[i] = wires[c->output_wires[i]];
    return MPCC_OK;
}

enum mpcc_status circ_eval64(const struct circuit *c, const uint64_t *in, uint64_t *out,
                             struct mpcc_error *err)
{
    uint64_t *wires;
    enum mpcc_status st = eval_alloc_words(c->n_wires, "wire scratch", &wires, err);
    if (st != MPCC_OK)
        return st;
    st = circ_eval64_ws(c, in, out, wires, err);
    free(wires);
    return st;
}

enum mpcc_status circ_eval_bits(const struct circuit *c, const uint8_t *in_bits,
                                uint8_t *out_bits, struct mpcc_error *err)
{
    uint64_t *in = NULL, *out = NULL;
    enum mpcc_status st = eval_alloc_words(c->n_input_bits, "input", &in, err);
    if (st == MPCC_OK)
        st = eval_alloc_words(c->n_output_bits, "output", &out, err);
    if (st != MPCC_OK)
        goto out;
    for (uint64_t k = 0; k < c->n_input_bits; k++)
        in[k] = in_bits[k] != 0;
    st = circ_eval64(c, in, out, err);
    if (st != MPCC_OK)
        goto out;
    for (uint64_t k = 0; k < c->n_output_bits; k++)
        out_bits[k] = (uint8_t)(out[k] & 1);
out:
    free(in);
    free(out);
    return st;
}
