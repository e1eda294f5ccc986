/* stats.c - gate counts, depths and peak live wires of a circuit (see
 * stats.h): one forward pass for counts and depths, one backward pass for
 * each value's last read, one forward sweep for the live count. Read-only. */
#include "circuits/stats.h"

#include <stdlib.h>
#include <string.h>

#define STATS_NONE UINT64_MAX       /* last[]: no read seen (yet) */
#define STATS_END (UINT64_MAX - 1)  /* last[]: live to the end (an output) */
#define STATS_DIES_AT_BIRTH 4       /* dies[] flag: the gate's own value is never read */

static void *stats_alloc(uint64_t n, size_t size, struct mpcc_error *err)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / size) {
        mpcc_error_set(err, MPCC_ERR_LIMIT, "circuit too large for statistics");
        return NULL;
    }
    void *p = malloc((size_t)n * size);
    if (p == NULL)
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory computing circuit statistics");
    return p;
}

/* Counts and both depths in one forward pass (depth[] per slot: the depth of
 * the value the slot holds now). */
static enum mpcc_status stats_depths(const struct circuit *c, struct circ_stats *st,
                                     struct mpcc_error *err)
{
    uint64_t *and_d = stats_alloc(c->n_wires, sizeof *and_d, err);
    uint64_t *all_d = and_d == NULL ? NULL : stats_alloc(c->n_wires, sizeof *all_d, err);
    if (all_d == NULL) {
        free(and_d);
        return err != NULL ? err->code : MPCC_ERR_NOMEM;
    }
    memset(and_d, 0, (size_t)c->n_wires * sizeof *and_d);
    memset(all_d, 0, (size_t)c->n_wires * sizeof *all_d);
    uint64_t counts[3] = {0, 0, 0}, max_and = 0, max_all = 0;
    for (uint64_t i = 0; i < c->n_gates; i++) {
        const struct circ_gate g = c->gates[i];
        counts[g.op]++;
        uint64_t a = and_d[g.in0] > and_d[g.in1] ? and_d[g.in0] : and_d[g.in1];
        uint64_t d = all_d[g.in0] > all_d[g.in1] ? all_d[g.in0] : all_d[g.in1];
        a += g.op == CIRC_AND;
        d += 1;
        and_d[g.out] = a;
        all_d[g.out] = d;
        if (a > max_and)
            max_and = a;
        if (d > max_all)
            max_all = d;
    }
    st->n_xor = counts[CIRC_XOR];
    st->n_and = counts[CIRC_AND];
    st->n_inv = counts[CIRC_INV];
    st->and_depth = max_and;
    st->depth = max_all;
    free(and_d);
    free(all_d);
    return MPCC_OK;
}

/* Peak live values: backward pass recording, per gate, how many values die
 * there (their last read) and whether its own value is never read; then a
 * forward sweep of the live count. */
static enum mpcc_status stats_peak_live(const struct circuit *c, struct circ_stats *st,
                                        struct mpcc_error *err)
{
    uint64_t *last = stats_alloc(c->n_wires, sizeof *last, err);
    uint8_t *dies = last == NULL ? NULL : stats_alloc(c->n_gates, sizeof *dies, err);
    if (dies == NULL) {
        free(last);
        return err != NULL ? err->code : MPCC_ERR_NOMEM;
    }
    for (uint32_t w = 0; w < c->n_wires; w++)
        last[w] = STATS_NONE;
    for (uint64_t k = 0; k < c->n_output_bits; k++)
        last[c->output_wires[k]] = STATS_END;
    memset(dies, 0, (size_t)c->n_gates);

    for (uint64_t i = c->n_gates; i-- > 0;) {
        const struct circ_gate g = c->gates[i];
        /* The value gate i writes is read last where last[out] says; before
         * gate i the slot holds an older value with its own reads. */
        const uint64_t l = last[g.out];
        last[g.out] = STATS_NONE;
        if (l == STATS_NONE)
            dies[i] |= STATS_DIES_AT_BIRTH;
        else if (l != STATS_END)
            dies[l]++;
        if (last[g.in0] == STATS_NONE)
            last[g.in0] = i;
        if (last[g.in1] == STATS_NONE)
            last[g.in1] = i;
    }

    uint64_t live = c->n_input_bits, peak = live;
    for (uint64_t w = 0; w < c->n_input_bits; w++) {
        if (last[w] == STATS_NONE)
            live--; /* an input nobody reads is dropped at the start */
        else if (last[w] != STATS_END)
            dies[last[w]]++;
    }
    for (uint64_t i = 0; i < c->n_gates; i++) {
        live -= dies[i] & 3u;
        live++;
        if (live > peak)
            peak = live;
        if (dies[i] & STATS_DIES_AT_BIRTH)
            live--;
    }
    st->peak_live_wires = peak;
    free(last);
    free(dies);
    return MPCC_OK;
}

/* ---- circuits with calls ----
 * A call reads its arguments and writes its results like a gate with many
 * operands. Its depth adds the callee's own depth (inputs at depth 0) to its
 * deepest argument, an upper bound; its live wires add the callee's peak to
 * the caller's at that point. Every subcircuit is measured once. */

struct stats_sub {
    uint64_t and_depth, depth, peak;
    int done;
};

static enum mpcc_status stats_calls(const struct circuit *c, struct stats_sub *subs, struct stats_sub *res,
                                    struct mpcc_error *err);

static enum mpcc_status stats_sub_get(const struct circuit *c, uint32_t k, struct stats_sub *subs,
                                      struct mpcc_error *err)
{
    if (subs[k].done)
        return MPCC_OK;
    enum mpcc_status st = stats_calls(c->lib->subs[k], subs, &subs[k], err);
    subs[k].done = 1;
    return st;
}

static enum mpcc_status stats_calls(const struct circuit *c, struct stats_sub *subs, struct stats_sub *res,
                                    struct mpcc_error *err)
{
    uint64_t *and_d = stats_alloc(c->n_wires, sizeof *and_d, err);
    uint64_t *all_d = and_d ? stats_alloc(c->n_wires, sizeof *all_d, err) : NULL;
    uint64_t *last = all_d ? stats_alloc(c->n_wires, sizeof *last, err) : NULL;
    uint64_t *dies = last ? stats_alloc(c->n_gates, sizeof *dies, err) : NULL;
    uint64_t *born = dies ? stats_alloc(c->n_gates, sizeof *born, err) : NULL;
    /* w[] holds one call's wires, or a gate's three */
    const uint64_t n_w = circ_max_call_wires(c) > 3 ? circ_max_call_wires(c) : 3;
    uint32_t *w = born ? stats_alloc(n_w, sizeof *w, err) : NULL;
    enum mpcc_status st = w ? MPCC_OK : (err ? err->code : MPCC_ERR_NOMEM);
    uint64_t max_and = 0, max_all = 0;
    if (st != MPCC_OK)
        goto out;
    for (uint32_t k = 0; k < c->n_calls && st == MPCC_OK; k++)
        st = stats_sub_get(c, c->calls[k].callee, subs, err);
    if (st != MPCC_OK)
        goto out;
    memset(and_d, 0, (size_t)c->n_wires * sizeof *and_d);
    memset(all_d, 0, (size_t)c->n_wires * sizeof *all_d);
    for (uint64_t i = 0; i < c->n_gates; i++) {
        const struct circ_gate g = c->gates[i];
        if (g.op == CIRC_CALL) {
            const struct circ_call *cl = &c->calls[g.in0];
            for (uint32_t rep = 0; rep < cl->repeat; rep++) {
                circ_call_wires(c, cl, rep, w);
                uint64_t a = 0, d = 0;
                for (uint32_t k = 0; k < cl->n_args; k++) {
                    a = and_d[w[k]] > a ? and_d[w[k]] : a;
                    d = all_d[w[k]] > d ? all_d[w[k]] : d;
                }
                a += subs[cl->callee].and_depth;
                d += subs[cl->callee].depth;
                for (uint32_t k = 0; k < cl->n_res; k++) {
                    and_d[w[cl->n_args + k]] = a;
                    all_d[w[cl->n_args + k]] = d;
                }
                max_and = a > max_and ? a : max_and;
                max_all = d > max_all ? d : max_all;
            }
            continue;
        }
        uint64_t a = and_d[g.in0] > and_d[g.in1] ? and_d[g.in0] : and_d[g.in1];
        uint64_t d = all_d[g.in0] > all_d[g.in1] ? all_d[g.in0] : all_d[g.in1];
        a += g.op == CIRC_AND;
        d += 1;
        and_d[g.out] = a;
        all_d[g.out] = d;
        max_and = a > max_and ? a : max_and;
        max_all = d > max_all ? d : max_all;
    }
    /* Live values: backward for last reads, then a forward sweep. A repeated
     * call is one step: values it both makes and consumes cancel out. */
    for (uint32_t x = 0; x < c->n_wires; x++)
        last[x] = STATS_NONE;
    for (uint64_t k = 0; k < c->n_output_bits; k++)
        last[c->output_wires[k]] = STATS_END;
    memset(dies, 0, (size_t)c->n_gates * sizeof *dies);
    memset(born, 0, (size_t)c->n_gates * sizeof *born);
    for (uint64_t i = c->n_gates; i-- > 0;) {
        const struct circ_gate g = c->gates[i];
        uint32_t reps = 1, n_in = 2, n_out = 1;
        const struct circ_call *cl = NULL;
        if (g.op == CIRC_CALL) {
            cl = &c->calls[g.in0];
            reps = cl->repeat;
            n_in = cl->n_args;
            n_out = cl->n_res;
        } else {
            w[0] = g.in0;
            w[1] = g.in1;
            w[2] = g.out;
        }
        for (uint32_t rep = reps; rep-- > 0;) {
            if (cl != NULL)
                circ_call_wires(c, cl, rep, w);
            for (uint32_t k = 0; k < n_out; k++) {
                uint32_t o = w[n_in + k];
                const uint64_t l = last[o];
                last[o] = STATS_NONE;
                if (l == STATS_NONE)
                    continue; /* never read: born and dead at once */
                born[i]++;
                if (l != STATS_END)
                    dies[l]++;
            }
            for (uint32_t k = 0; k < n_in; k++)
                if (last[w[k]] == STATS_NONE)
                    last[w[k]] = i;
        }
    }
    uint64_t live = c->n_input_bits, peak = live;
    for (uint64_t x = 0; x < c->n_input_bits; x++) {
        if (last[x] == STATS_NONE)
            live--;
        else if (last[x] != STATS_END)
            dies[last[x]]++;
    }
    for (uint64_t i = 0; i < c->n_gates; i++) {
        const struct circ_gate g = c->gates[i];
        uint64_t inner = g.op == CIRC_CALL ? subs[c->calls[g.in0].callee].peak : 1;
        if (live + inner > peak)
            peak = live + inner;
        live += born[i];
        live -= dies[i] < live ? dies[i] : live;
        if (live > peak)
            peak = live;
    }
    res->and_depth = max_and;
    res->depth = max_all;
    res->peak = peak;
out:
    free(and_d);
    free(all_d);
    free(last);
    free(dies);
    free(born);
    free(w);
    return st;
}

enum mpcc_status circ_stats_compute(const struct circuit *c, struct circ_stats *st,
                                    struct mpcc_error *err)
{
    enum mpcc_status s = circ_validate(c, err);
    if (s != MPCC_OK)
        return s;
    memset(st, 0, sizeof *st);
    st->n_wires = c->n_wires;
    st->n_inputs = c->n_inputs;
    st->n_input_bits = c->n_input_bits;
    st->n_outputs = c->n_outputs;
    st->n_output_bits = c->n_output_bits;
    if (c->n_calls == 0) {
        st->n_gates = c->n_gates;
        s = stats_depths(c, st, err);
        if (s == MPCC_OK)
            s = stats_peak_live(c, st, err);
        return s;
    }
    uint64_t n[4];
    if (!circ_count_ops(c, n))
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory computing circuit statistics");
    st->n_xor = n[CIRC_XOR];
    st->n_and = n[CIRC_AND];
    st->n_inv = n[CIRC_INV];
    st->n_calls = n[CIRC_CALL];
    st->n_gates = n[CIRC_XOR] + n[CIRC_AND] + n[CIRC_INV];
    st->n_subs = c->lib ? c->lib->n_subs : 0;
    struct stats_sub *subs = calloc(st->n_subs ? st->n_subs : 1, sizeof *subs);
    struct stats_sub top;
    if (subs == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory computing circuit statistics");
    s = stats_calls(c, subs, &top, err);
    free(subs);
    st->and_depth = top.and_depth;
    st->depth = top.depth;
    st->peak_live_wires = top.peak;
    return s;
}

/* The widths of n values: " (8, 16 bits)" as text, "[8, 16]" as JSON. */
static void print_widths(FILE *out, uint32_t n, const uint32_t *w, int json)
{
    fputs(json ? "[" : n > 0 ? " (" : "", out);
    for (uint32_t i = 0; i < n; i++)
        fprintf(out, "%s%u", i ? ", " : "", w[i]);
    fputs(json ? "]" : n > 0 ? " bits)" : "", out);
}

void circ_stats_print(const struct circ_stats *st, const struct circuit *c, int json, int open,
                      FILE *out)
{
    const char *names[] = {"gates", "and", "xor", "inv", "wires"};
    unsigned long long vals[] = {st->n_gates, st->n_and, st->n_xor, st->n_inv, st->n_wires};
    if (json)
        fputc('{', out);
    for (int i = 0; i < 5; i++)
        fprintf(out, json ? "%s\"%s\": %llu" : "%s%s: %llu\n", i && json ? ", " : "", names[i], vals[i]);
    if (json) {
        fputs(", \"inputs\": ", out);
        print_widths(out, c->n_inputs, c->input_widths, 1);
        fputs(", \"outputs\": ", out);
        print_widths(out, c->n_outputs, c->output_widths, 1);
    } else {
        fprintf(out, "inputs: %u", c->n_inputs);
        print_widths(out, c->n_inputs, c->input_widths, 0);
        fprintf(out, "\noutputs: %u", c->n_outputs);
        print_widths(out, c->n_outputs, c->output_widths, 0);
        fputc('\n', out);
    }
    const char *more[] = {"input_bits", "output_bits", "and_depth", "depth", "peak_live_wires",
                          "subcircuits", "calls"};
    unsigned long long mv[] = {st->n_input_bits, st->n_output_bits, st->and_depth, st->depth,
                               st->peak_live_wires, st->n_subs, st->n_calls};
    int n_more = st->n_subs > 0 ? 7 : 5;
    for (int i = 0; i < n_more; i++)
        fprintf(out, json ? ", \"%s\": %llu" : "%s: %llu\n", more[i], mv[i]);
    if (json && !open)
        fputs("}\n", out);
}
