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

enum mpcc_status circ_stats_compute(const struct circuit *c, struct circ_stats *st,
                                    struct mpcc_error *err)
{
    enum mpcc_status s = circ_validate(c, err);
    if (s != MPCC_OK)
        return s;
    memset(st, 0, sizeof *st);
    st->n_gates = c->n_gates;
    st->n_wires = c->n_wires;
    st->n_inputs = c->n_inputs;
    st->n_input_bits = c->n_input_bits;
    st->n_outputs = c->n_outputs;
    st->n_output_bits = c->n_output_bits;
    s = stats_depths(c, st, err);
    if (s == MPCC_OK)
        s = stats_peak_live(c, st, err);
    return s;
}
