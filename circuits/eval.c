/* eval.c - the bit-sliced plaintext evaluator (see eval.h): one tight loop
 * over the gate array, 64 evaluations per word; a call copies its arguments
 * into the callee's frame, runs it, and copies the results back. It does
 * not validate that wires are written before they are read (circ_validate
 * does); it only refuses what would be out of bounds or undefined. */
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

/* Scratch of the subcircuits of one evaluation: one frame each, made on
 * first use (a subcircuit is never on the call stack twice). */
struct eval_frames {
    const struct circ_lib *lib;
    uint64_t **w;
};

static enum mpcc_status eval_run(const struct circuit *c, const uint64_t *in, uint64_t *out,
                                 uint64_t *wires, struct eval_frames *fr, int depth,
                                 struct mpcc_error *err);

static enum mpcc_status eval_call(const struct circuit *c, const struct circ_call *cl, uint64_t *wires,
                                  struct eval_frames *fr, int depth, struct mpcc_error *err)
{
    if (c->lib == NULL || cl->callee >= c->lib->n_subs || fr->lib != c->lib)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "a call names subcircuit %u, which does not exist",
                              cl->callee);
    if (depth >= CIRC_MAX_CALL_DEPTH)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "calls nested more than %d deep", CIRC_MAX_CALL_DEPTH);
    const struct circuit *s = c->lib->subs[cl->callee];
    if (cl->n_args != s->n_input_bits || cl->n_res != s->n_output_bits)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "a call of subcircuit %u has the wrong number of wires",
                              cl->callee);
    /* The callee's frame: its wires, its inputs, its outputs, and the wire
     * list of this call (free: a subcircuit is never on the stack twice). */
    uint64_t **frame = &fr->w[cl->callee];
    size_t words = (size_t)s->n_wires + 2 * (s->n_input_bits + s->n_output_bits) + 1;
    if (*frame == NULL && (*frame = malloc(words * sizeof **frame)) == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for a subcircuit's wires");
    uint64_t *sw = *frame, *sin = sw + s->n_wires, *sout = sin + s->n_input_bits;
    uint32_t *w = (uint32_t *)(sout + s->n_output_bits);
    for (uint32_t rep = 0; rep < cl->repeat; rep++) {
        circ_call_wires(c, cl, rep, w);
        for (uint32_t k = 0; k < cl->n_args + cl->n_res; k++)
            if (w[k] >= c->n_wires)
                return mpcc_error_set(err, MPCC_ERR_INVALID, "a call names wire %u, beyond the %u wires", w[k],
                                      c->n_wires);
        for (uint32_t k = 0; k < cl->n_args; k++)
            sin[k] = wires[w[k]];
        enum mpcc_status st = eval_run(s, sin, sout, sw, fr, depth + 1, err);
        if (st != MPCC_OK)
            return st;
        for (uint32_t k = 0; k < cl->n_res; k++)
            wires[w[cl->n_args + k]] = sout[k];
    }
    return MPCC_OK;
}

static enum mpcc_status eval_run(const struct circuit *c, const uint64_t *in, uint64_t *out,
                                 uint64_t *wires, struct eval_frames *fr, int depth,
                                 struct mpcc_error *err)
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
        if (g.op == CIRC_CALL) {
            enum mpcc_status st = g.in0 < c->n_calls
                                      ? eval_call(c, &c->calls[g.in0], wires, fr, depth, err)
                                      : mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu: no call %u",
                                                       (unsigned long long)i, g.in0);
            if (st != MPCC_OK)
                return st;
            continue;
        }
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

enum mpcc_status circ_eval64_ws(const struct circuit *c, const uint64_t *in, uint64_t *out,
                                uint64_t *wires, struct mpcc_error *err)
{
    struct eval_frames fr = { c->lib, NULL };
    if (c->n_calls > 0 && c->lib != NULL) {
        fr.w = calloc(c->lib->n_subs ? c->lib->n_subs : 1, sizeof *fr.w);
        if (fr.w == NULL)
            return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for subcircuit frames");
    }
    enum mpcc_status st = eval_run(c, in, out, wires, &fr, 0, err);
    for (uint32_t k = 0; fr.w != NULL && k < c->lib->n_subs; k++)
        free(fr.w[k]);
    free(fr.w);
    return st;
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
