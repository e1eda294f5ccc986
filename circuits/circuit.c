/* circuit.c - construction, growth and validation of struct circuit.
 * No file formats and no evaluation here. */
#include "circuit.h"

#include <stdlib.h>
#include <string.h>

struct circuit *circ_new(struct mpcc_error *err)
{
    struct circuit *c = calloc(1, sizeof *c);
    if (c == NULL)
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory allocating a circuit");
    return c;
}

void circ_free(struct circuit *c)
{
    if (c == NULL)
        return;
    free(c->input_widths);
    free(c->output_widths);
    free(c->output_wires);
    free(c->gates);
    free(c);
}

enum mpcc_status circ_add_input(struct circuit *c, uint32_t width, struct mpcc_error *err)
{
    if (c->n_gates != 0)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "inputs must be added before gates");
    if (width == 0 || width > CIRC_MAX_VALUE_WIDTH)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "input width %u out of range 1..%u", width,
                              CIRC_MAX_VALUE_WIDTH);
    if (c->n_inputs >= CIRC_MAX_VALUES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %u input values", CIRC_MAX_VALUES);
    if (c->n_input_bits + width > CIRC_MAX_WIRES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "inputs need more than %u wires",
                              CIRC_MAX_WIRES);
    uint32_t *w = realloc(c->input_widths, (c->n_inputs + 1) * sizeof *w);
    if (w == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding an input");
    c->input_widths = w;
    w[c->n_inputs++] = width;
    c->n_input_bits += width;
    if (c->n_wires < c->n_input_bits)
        c->n_wires = (uint32_t)c->n_input_bits;
    return MPCC_OK;
}

enum mpcc_status circ_add_output(struct circuit *c, uint32_t width, const uint32_t *wires,
                                 struct mpcc_error *err)
{
    if (width == 0 || width > CIRC_MAX_VALUE_WIDTH)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "output width %u out of range 1..%u", width,
                              CIRC_MAX_VALUE_WIDTH);
    if (c->n_outputs >= CIRC_MAX_VALUES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %u output values", CIRC_MAX_VALUES);
    if (c->n_output_bits + width > CIRC_MAX_WIRES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "outputs have more than %u bits",
                              CIRC_MAX_WIRES);
    for (uint32_t i = 0; i < width; i++)
        if (wires[i] >= CIRC_MAX_WIRES)
            return mpcc_error_set(err, MPCC_ERR_LIMIT, "output wire %u out of range", wires[i]);
    uint32_t *ow = realloc(c->output_widths, (c->n_outputs + 1) * sizeof *ow);
    if (ow == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding an output");
    c->output_widths = ow;
    uint32_t *wl = realloc(c->output_wires, (c->n_output_bits + width) * sizeof *wl);
    if (wl == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding an output");
    c->output_wires = wl;
    memcpy(wl + c->n_output_bits, wires, width * sizeof *wl);
    ow[c->n_outputs++] = width;
    c->n_output_bits += width;
    for (uint32_t i = 0; i < width; i++)
        if (c->n_wires <= wires[i])
            c->n_wires = wires[i] + 1;
    return MPCC_OK;
}

enum mpcc_status circ_reserve_gates(struct circuit *c, uint64_t n, struct mpcc_error *err)
{
    if (n > CIRC_MAX_GATES - c->n_gates)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %llu gates",
                              (unsigned long long)CIRC_MAX_GATES);
    uint64_t need = c->n_gates + n;
    if (need <= c->cap_gates)
        return MPCC_OK;
    if ((uint64_t)SIZE_MAX / sizeof(struct circ_gate) < need)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "gate array too large");
    struct circ_gate *g = realloc(c->gates, (size_t)need * sizeof *g);
    if (g == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for %llu gates",
                              (unsigned long long)need);
    c->gates = g;
    c->cap_gates = need;
    return MPCC_OK;
}

enum mpcc_status circ_add_gate(struct circuit *c, enum circ_op op, uint32_t in0, uint32_t in1,
                               uint32_t out, struct mpcc_error *err)
{
    if (in0 >= CIRC_MAX_WIRES || in1 >= CIRC_MAX_WIRES || out >= CIRC_MAX_WIRES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "wire index beyond the limit of %u wires",
                              CIRC_MAX_WIRES);
    if (c->n_gates == c->cap_gates) {
        uint64_t grow = c->cap_gates < 1024 ? 1024 : c->cap_gates / 2;
        if (grow > CIRC_MAX_GATES - c->n_gates)
            grow = CIRC_MAX_GATES - c->n_gates;
        if (grow == 0)
            return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %llu gates",
                                  (unsigned long long)CIRC_MAX_GATES);
        enum mpcc_status st = circ_reserve_gates(c, grow, err);
        if (st != MPCC_OK)
            return st;
    }
    c->gates[c->n_gates++] = (struct circ_gate){in0, op == CIRC_INV ? in0 : in1, out, op};
    if (c->n_wires <= out)
        c->n_wires = out + 1;
    return MPCC_OK;
}

enum mpcc_status circ_validate(const struct circuit *c, struct mpcc_error *err)
{
    enum mpcc_status st = MPCC_OK;
    uint8_t *written = calloc(c->n_wires ? c->n_wires : 1, 1);
    if (written == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory validating a circuit");
    memset(written, 1, (size_t)c->n_input_bits);
    for (uint64_t i = 0; i < c->n_gates; i++) {
        const struct circ_gate *g = &c->gates[i];
        if (g->op > CIRC_INV) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu: unknown op %u",
                                (unsigned long long)i, g->op);
            goto out;
        }
        if (g->in0 >= c->n_wires || g->in1 >= c->n_wires || g->out >= c->n_wires) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu: wire index out of range",
                                (unsigned long long)i);
            goto out;
        }
        if (!written[g->in0] || !written[g->in1]) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu reads wire %u before it is written",
                                (unsigned long long)i, written[g->in0] ? g->in1 : g->in0);
            goto out;
        }
        written[g->out] = 1;
    }
    for (uint64_t i = 0; i < c->n_output_bits; i++) {
        uint32_t w = c->output_wires[i];
        if (w >= c->n_wires || !written[w]) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "output bit %llu reads unwritten wire %u",
                                (unsigned long long)i, w);
            goto out;
        }
    }
out:
    free(written);
    return st;
}

uint64_t circ_count_op(const struct circuit *c, enum circ_op op)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i < c->n_gates; i++)
        n += c->gates[i].op == (uint32_t)op;
    return n;
}

uint64_t circ_input_offset(const struct circuit *c, uint32_t k)
{
    uint64_t off = 0;
    for (uint32_t i = 0; i < k && i < c->n_inputs; i++)
        off += c->input_widths[i];
    return off;
}

uint64_t circ_output_offset(const struct circuit *c, uint32_t k)
{
    uint64_t off = 0;
    for (uint32_t i = 0; i < k && i < c->n_outputs; i++)
        off += c->output_widths[i];
    return off;
}

const char *circ_op_name(enum circ_op op)
{
    switch (op) {
    case CIRC_XOR: return "XOR";
    case CIRC_AND: return "AND";
    case CIRC_INV: return "INV";
    }
    return "?";
}
