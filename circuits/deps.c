/* deps.c - output dependencies (deps.h). A forward pass records what each
 * slot holds at the end: a copy of an input bit (or its complement), a
 * constant (x ^ x and its complement), or a computed value. A backward pass
 * per output marks the gates whose results reach it: a slot is needed until
 * the gate that wrote its current value is met, so reused slots are handled.
 * A call is summarised once per subcircuit: which of its inputs each output
 * depends on (exact while the table stays under DEPS_MAX_TABLE_BITS, else
 * every input), what each output copies, and its AND gates (a call in a
 * cone counts all of them). */
#include "circuits/deps.h"

#include <stdlib.h>
#include <string.h>

enum { SRC_COMPUTED = -2, SRC_CONST = -1 };
#define DEPS_MAX_TABLE_BITS ((uint64_t)1 << 24)

struct deps_sum {
    int done;
    int exact;        /* dep holds one row per output; else every output depends on every input */
    uint64_t words;   /* 64-bit words per row */
    uint64_t *dep;    /* n_out rows of n_in bits */
    int64_t *src;     /* per output: an input index, SRC_CONST or SRC_COMPUTED */
    uint64_t n_and;   /* AND gates a call runs, nested calls included */
};

struct circ_deps_ctx {
    const struct circuit *c;
    int64_t *src;  /* per slot of c, at the end */
    uint8_t *need; /* per slot of c, scratch */
    struct deps_sum *sums; /* per subcircuit of c's library */
};

static enum mpcc_status deps_sum_get(struct circ_deps_ctx *x, uint32_t k, struct mpcc_error *err);

/* What each slot holds at the end of c. */
static enum mpcc_status deps_sources(struct circ_deps_ctx *x, const struct circuit *c, int64_t *src,
                                     struct mpcc_error *err)
{
    for (uint32_t w = 0; w < c->n_wires; w++)
        src[w] = w < c->n_input_bits ? (int64_t)w : SRC_COMPUTED;
    for (uint64_t i = 0; i < c->n_gates; i++) {
        const struct circ_gate *g = &c->gates[i];
        if (g->op == CIRC_CALL) {
            const struct circ_call *cl = &c->calls[g->in0];
            enum mpcc_status st = deps_sum_get(x, cl->callee, err);
            if (st != MPCC_OK)
                return st;
            const struct deps_sum *s = &x->sums[cl->callee];
            uint32_t *w = malloc(((size_t)cl->n_args + cl->n_res + 1) * sizeof *w);
            int64_t *v = malloc(((size_t)cl->n_res + 1) * sizeof *v);
            if (w == NULL || v == NULL) {
                free(w);
                free(v);
                return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory analysing the circuit");
            }
            for (uint32_t rep = 0; rep < cl->repeat; rep++) {
                circ_call_wires(c, cl, rep, w);
                for (uint32_t k = 0; k < cl->n_res; k++) /* arguments first: results may overwrite them */
                    v[k] = s->src[k] >= 0 ? src[w[s->src[k]]] : s->src[k];
                for (uint32_t k = 0; k < cl->n_res; k++)
                    src[w[cl->n_args + k]] = v[k];
            }
            free(w);
            free(v);
            continue;
        }
        int64_t v;
        if (g->op == CIRC_INV)
            v = src[g->in0]; /* a negated copy is still a copy */
        else if (g->op == CIRC_XOR && g->in0 == g->in1)
            v = SRC_CONST;
        else
            v = SRC_COMPUTED;
        src[g->out] = v;
    }
    return MPCC_OK;
}

/* The backward pass over c from the slots set in need (cleared as it goes):
 * on return need[w] for w < n_input_bits marks the inputs reached. Adds the
 * cone's AND gates to *n_and. */
static enum mpcc_status deps_back(struct circ_deps_ctx *x, const struct circuit *c, uint8_t *need,
                                  uint64_t *n_and, struct mpcc_error *err)
{
    for (uint64_t i = c->n_gates; i-- > 0;) {
        const struct circ_gate *g = &c->gates[i];
        if (g->op == CIRC_CALL) {
            const struct circ_call *cl = &c->calls[g->in0];
            enum mpcc_status st = deps_sum_get(x, cl->callee, err);
            if (st != MPCC_OK)
                return st;
            const struct deps_sum *s = &x->sums[cl->callee];
            uint32_t *w = malloc(((size_t)cl->n_args + cl->n_res + 1) * sizeof *w);
            uint8_t *hit = calloc((size_t)cl->n_res + 1, 1);
            if (w == NULL || hit == NULL) {
                free(w);
                free(hit);
                return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory analysing the circuit");
            }
            for (uint32_t rep = cl->repeat; rep-- > 0;) {
                circ_call_wires(c, cl, rep, w);
                int any = 0;
                for (uint32_t k = 0; k < cl->n_res; k++) { /* results first: they may overwrite arguments */
                    uint32_t r = w[cl->n_args + k];
                    hit[k] = need[r];
                    any |= hit[k];
                    need[r] = 0;
                }
                if (!any)
                    continue;
                *n_and += s->n_and;
                for (uint32_t k = 0; k < cl->n_res; k++) {
                    if (!hit[k])
                        continue;
                    if (!s->exact) {
                        for (uint32_t j = 0; j < cl->n_args; j++)
                            need[w[j]] = 1;
                        break;
                    }
                    const uint64_t *row = s->dep + (uint64_t)k * s->words;
                    for (uint32_t j = 0; j < cl->n_args; j++)
                        if ((row[j / 64] >> (j % 64)) & 1)
                            need[w[j]] = 1;
                }
            }
            free(w);
            free(hit);
            continue;
        }
        if (!need[g->out])
            continue;
        need[g->out] = 0; /* this gate wrote the value that is read later */
        if (g->op == CIRC_XOR && g->in0 == g->in1)
            continue; /* a constant */
        *n_and += g->op == CIRC_AND;
        need[g->in0] = 1;
        need[g->in1] = 1;
    }
    return MPCC_OK;
}

static enum mpcc_status deps_sum_get(struct circ_deps_ctx *x, uint32_t k, struct mpcc_error *err)
{
    struct deps_sum *s = &x->sums[k];
    if (s->done)
        return MPCC_OK;
    const struct circuit *c = x->c->lib->subs[k];
    enum mpcc_status st = MPCC_OK;
    int64_t *src = malloc(((size_t)c->n_wires + 1) * sizeof *src);
    uint8_t *need = calloc((size_t)c->n_wires + 1, 1);
    s->src = malloc(((size_t)c->n_output_bits + 1) * sizeof *s->src);
    s->words = (c->n_input_bits + 63) / 64;
    s->exact = c->n_output_bits * s->words * 64 <= DEPS_MAX_TABLE_BITS;
    if (s->exact)
        s->dep = calloc((size_t)(c->n_output_bits * s->words) + 1, sizeof *s->dep);
    if (src == NULL || need == NULL || s->src == NULL || (s->exact && s->dep == NULL)) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory analysing a subcircuit");
        goto out;
    }
    if ((st = deps_sources(x, c, src, err)) != MPCC_OK)
        goto out;
    for (uint64_t o = 0; o < c->n_output_bits; o++)
        s->src[o] = src[c->output_wires[o]];
    uint64_t n[4];
    if (!circ_count_ops(c, n)) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory analysing a subcircuit");
        goto out;
    }
    s->n_and = n[CIRC_AND];
    for (uint64_t o = 0; s->exact && o < c->n_output_bits && st == MPCC_OK; o++) {
        uint64_t ignored = 0;
        memset(need, 0, c->n_wires);
        need[c->output_wires[o]] = 1;
        st = deps_back(x, c, need, &ignored, err);
        for (uint64_t j = 0; j < c->n_input_bits; j++)
            if (need[j])
                s->dep[o * s->words + j / 64] |= (uint64_t)1 << (j % 64);
    }
out:
    free(src);
    free(need);
    s->done = st == MPCC_OK;
    return st;
}

struct circ_deps_ctx *circ_deps_new(const struct circuit *c, struct mpcc_error *err)
{
    struct circ_deps_ctx *x = calloc(1, sizeof *x);
    size_t n = c->n_wires ? c->n_wires : 1;
    if (x == NULL || (x->src = malloc(n * sizeof *x->src)) == NULL || (x->need = calloc(n, 1)) == NULL ||
        (c->lib != NULL && (x->sums = calloc(c->lib->n_subs ? c->lib->n_subs : 1, sizeof *x->sums)) == NULL)) {
        circ_deps_free(x);
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory analysing the circuit");
        return NULL;
    }
    x->c = c;
    if (deps_sources(x, c, x->src, err) != MPCC_OK) {
        circ_deps_free(x);
        return NULL;
    }
    return x;
}

void circ_deps_free(struct circ_deps_ctx *x)
{
    if (x == NULL)
        return;
    for (uint32_t k = 0; x->sums != NULL && k < x->c->lib->n_subs; k++) {
        free(x->sums[k].dep);
        free(x->sums[k].src);
    }
    free(x->sums);
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
    enum mpcc_status st = deps_back(x, c, x->need, &d->n_and, err);
    if (st != MPCC_OK) {
        circ_deps_clear(d);
        return st;
    }
    for (uint64_t w = 0; w < c->n_input_bits; w++)
        d->input_bit[w] = x->need[w];
    return MPCC_OK;
}
