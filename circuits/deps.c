/* deps.c - output dependencies (deps.h). A forward pass records what each
 * slot holds at the end: a copy of an input bit (or its complement), a
 * constant (x ^ x and its complement), or a computed value. A backward pass
 * per output marks the gates whose results reach it: a slot is needed until
 * the gate that wrote its current value is met, so reused slots are handled. */
#include "circuits/deps.h"

#include <stdlib.h>
#include <string.h>

enum { SRC_COMPUTED = -2, SRC_CONST = -1 };

struct circ_deps_ctx {
    const struct circuit *c;
    int64_t *src;  /* per slot, at the end: an input bit index, SRC_CONST or SRC_COMPUTED */
    uint8_t *need; /* per slot, scratch for the backward pass */
};

struct circ_deps_ctx *circ_deps_new(const struct circuit *c, struct mpcc_error *err)
{
    struct circ_deps_ctx *x = calloc(1, sizeof *x);
    size_t n = c->n_wires ? c->n_wires : 1;
    if (x == NULL || (x->src = malloc(n * sizeof *x->src)) == NULL || (x->need = calloc(n, 1)) == NULL) {
        circ_deps_free(x);
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory analysing the circuit");
        return NULL;
    }
    x->c = c;
    for (uint32_t w = 0; w < c->n_wires; w++)
        x->src[w] = w < c->n_input_bits ? (int64_t)w : SRC_COMPUTED;
    for (uint64_t i = 0; i < c->n_gates; i++) {
        const struct circ_gate *g = &c->gates[i];
        int64_t s;
        if (g->op == CIRC_INV)
            s = x->src[g->in0]; /* a negated copy is still a copy */
        else if (g->op == CIRC_XOR && g->in0 == g->in1)
            s = SRC_CONST;
        else
            s = SRC_COMPUTED;
        x->src[g->out] = s;
    }
    return x;
}

void circ_deps_free(struct circ_deps_ctx *x)
{
    if (x == NULL)
        return;
    free(x->src);
    free(x->need);
    free(x);
}

void circ_deps_clear(struct circ_deps *d)
{
    free(d->input_bit);
    free(d->copied);
    d->input_bit = NULL;
    d->copied = NULL;
}

enum mpcc_status circ_deps_output(struct circ_deps_ctx *x, uint32_t k, struct circ_deps *d,
                                  struct mpcc_error *err)
{
    const struct circuit *c = x->c;
    memset(d, 0, sizeof *d);
    d->input_bit = calloc(c->n_input_bits ? c->n_input_bits : 1, 1);
    d->copied = calloc(c->n_input_bits ? c->n_input_bits : 1, 1);
    if (d->input_bit == NULL || d->copied == NULL) {
        circ_deps_clear(d);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory analysing the circuit");
    }
    uint64_t off = circ_output_offset(c, k);
    memset(x->need, 0, c->n_wires);
    for (uint32_t i = 0; i < c->output_widths[k]; i++) {
        uint32_t w = c->output_wires[off + i];
        x->need[w] = 1;
        if (x->src[w] >= 0)
            d->copied[x->src[w]] = 1;
        else if (x->src[w] == SRC_COMPUTED)
            d->computed = 1;
    }
    for (uint64_t i = c->n_gates; i-- > 0;) {
        const struct circ_gate *g = &c->gates[i];
        if (!x->need[g->out])
            continue;
        x->need[g->out] = 0; /* this gate wrote the value that is read later */
        if (g->op == CIRC_XOR && g->in0 == g->in1)
            continue; /* a constant */
        d->n_and += g->op == CIRC_AND;
        x->need[g->in0] = 1;
        x->need[g->in1] = 1;
    }
    for (uint64_t w = 0; w < c->n_input_bits; w++)
        d->input_bit[w] = x->need[w];
    return MPCC_OK;
}
