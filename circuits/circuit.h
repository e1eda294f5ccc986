/* circuit.h - the in-memory boolean circuit: the one data structure the
 * compiler produces and the runtime consumes.
 *
 * A circuit is a straight-line program over numbered wire slots. Input bit k
 * (input values laid out one after another, least significant bit first) is
 * wire k. Gates run in order; each reads one or two slots and writes one.
 * A slot may be written again once its old value is dead (the compiler's
 * renumbering reuses slots so that labels fit in a small array); the Bristol
 * reader only produces circuits where each wire is written once. Outputs are
 * an explicit list of wires read after the last gate.
 *
 * Memory: 16 bytes per gate, 4 bytes per output bit, 4 bytes per value width.
 * This module does not read or write files (see bristol.h) nor evaluate
 * (see eval.h). */
#ifndef MPCC_CIRCUIT_H
#define MPCC_CIRCUIT_H

#include <stdint.h>

#include "mpcc/error.h"

/* Declared limits: any larger circuit is refused with MPCC_ERR_LIMIT. */
#define CIRC_MAX_WIRES ((uint32_t)1 << 31)      /* wire slots */
#define CIRC_MAX_GATES ((uint64_t)1 << 36)      /* gates in one circuit */
#define CIRC_MAX_VALUES ((uint32_t)1 << 20)     /* input or output values */
#define CIRC_MAX_VALUE_WIDTH ((uint32_t)1 << 28) /* bits in one value */

enum circ_op {
    CIRC_XOR = 0, /* out = in0 ^ in1 (free with free-XOR) */
    CIRC_AND = 1, /* out = in0 & in1 (two ciphertexts with half-gates) */
    CIRC_INV = 2  /* out = !in0; in1 == in0 (free) */
};

struct circ_gate {
    uint32_t in0;
    uint32_t in1;
    uint32_t out;
    uint32_t op; /* enum circ_op */
};

struct circuit {
    uint32_t n_wires; /* every wire index is below this */

    uint32_t n_inputs;      /* input values */
    uint32_t *input_widths; /* width of each input value, in bits */
    uint64_t n_input_bits;  /* sum of input_widths: wires 0 .. n_input_bits-1 */

    uint32_t n_outputs;
    uint32_t *output_widths;
    uint64_t n_output_bits;
    uint32_t *output_wires; /* n_output_bits entries, value by value, LSB first */

    uint64_t n_gates;
    uint64_t cap_gates;
    struct circ_gate *gates;
};

/* Allocates an empty circuit (no inputs, outputs or gates). NULL on failure. */
struct circuit *circ_new(struct mpcc_error *err);
void circ_free(struct circuit *c);

/* Appends an input value of `width` bits; its wires are the next n_input_bits.
 * Inputs must all be added before the first gate. */
enum mpcc_status circ_add_input(struct circuit *c, uint32_t width, struct mpcc_error *err);

/* Appends an output value of `width` bits read from wires[0 .. width-1]. */
enum mpcc_status circ_add_output(struct circuit *c, uint32_t width, const uint32_t *wires,
                                 struct mpcc_error *err);

/* Appends a gate (for CIRC_INV pass in1 == in0). Grows n_wires to cover out. */
enum mpcc_status circ_add_gate(struct circuit *c, enum circ_op op, uint32_t in0, uint32_t in1,
                               uint32_t out, struct mpcc_error *err);

/* Makes room for at least n more gates (an optimisation; never required). */
enum mpcc_status circ_reserve_gates(struct circuit *c, uint64_t n, struct mpcc_error *err);

/* Checks the whole circuit: every gate reads only wires already written (or
 * inputs), ops are known, indices are below n_wires, outputs read written
 * wires. Names the first offending gate. */
enum mpcc_status circ_validate(const struct circuit *c, struct mpcc_error *err);

/* Counts gates of one kind. */
uint64_t circ_count_op(const struct circuit *c, enum circ_op op);

/* Index of the first bit of input value k in the input bit vector (= its first wire). */
uint64_t circ_input_offset(const struct circuit *c, uint32_t k);
/* Index of the first bit of output value k in output_wires. */
uint64_t circ_output_offset(const struct circuit *c, uint32_t k);

/* Short name of an op: "XOR", "AND", "INV". */
const char *circ_op_name(enum circ_op op);

#endif
