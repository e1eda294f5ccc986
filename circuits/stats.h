/* stats.h - static figures of a circuit: gate counts by kind, AND-depth,
 * depth and the peak number of live wires (the label memory a streaming
 * garbler or evaluator needs). Computed, never stored in the circuit; this
 * module does not change or optimise circuits. */
#ifndef MPCC_STATS_H
#define MPCC_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "circuits/circuit.h"
#include "mpcc/error.h"

struct circ_stats {
    uint64_t n_gates; /* XOR, AND and INV gates run, calls' included */
    uint64_t n_and;
    uint64_t n_xor;
    uint64_t n_inv;
    uint32_t n_wires; /* wire slots */
    uint32_t n_inputs;
    uint64_t n_input_bits;
    uint32_t n_outputs;
    uint64_t n_output_bits;
    /* Longest chain of gates counting AND gates only (XOR and INV add 0),
     * over every gate of the circuit; inputs have depth 0. */
    uint64_t and_depth;
    /* Longest chain of gates counting every gate as 1. */
    uint64_t depth;
    /* Most values alive at once. A value is alive from its write (inputs:
     * from the start) to its last read; output values stay alive to the end;
     * a value never read dies at once. Values last read by a gate die before
     * that gate's output is born, so this is the fewest slots a renumbering
     * that reuses dead slots could achieve. */
    uint64_t peak_live_wires;
    /* Calls run (nested ones included) and subcircuits in the library; with
     * calls, and_depth and depth add each callee's own depth to its deepest
     * argument (an upper bound) and peak_live_wires adds the callee's peak
     * to the caller's live wires at the call. */
    uint64_t n_calls;
    uint32_t n_subs;
};

/* Fills *st in O(gates + wires) time and memory (with calls: of every
 * subcircuit once, never of the calls' expansion). Refuses (with
 * circ_validate's message) a circuit that reads a wire before writing it. */
enum mpcc_status circ_stats_compute(const struct circuit *c, struct circ_stats *st,
                                    struct mpcc_error *err);

/* Prints st (of circuit c) as `mpcc stats` shows it, the same for every
 * kind of file: "name: value" lines (gates, and, xor, inv, wires, inputs
 * and outputs with their widths, input_bits, output_bits, and_depth,
 * depth, peak_live_wires, and subcircuits and calls when there are calls),
 * or with json the same names as one JSON object's members, without the
 * closing brace (a caller may add members) when open is non-zero. */
void circ_stats_print(const struct circ_stats *st, const struct circuit *c, int json, int open,
                      FILE *out);

#endif
