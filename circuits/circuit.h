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
 * Subcircuits: a CIRC_CALL gate runs another circuit of the caller's library
 * (struct circ_lib, shared and reference-counted) on argument wires of the
 * caller, writing its outputs to result wires; the callee's input bits are
 * the arguments in order, its output bits the results. A library's
 * subcircuit k may call only subcircuits below k, so calls never recurse.
 * A program that calls a 3 505-AND multiplier 25 000 times holds it once.
 *
 * Memory: 16 bytes per gate, 4 bytes per output bit, 4 bytes per value width,
 * 4 bytes per call wire. This module does not read or write files (see
 * bristol.h, program.h) nor evaluate (see eval.h). */
#ifndef MPCC_CIRCUIT_H
#define MPCC_CIRCUIT_H

#include <stdint.h>

#include "mpcc/error.h"

/* Declared limits: any larger circuit is refused with MPCC_ERR_LIMIT. */
#define CIRC_MAX_WIRES ((uint32_t)1 << 31)      /* wire slots */
#define CIRC_MAX_GATES ((uint64_t)1 << 36)      /* gates in one circuit */
#define CIRC_MAX_VALUES ((uint32_t)1 << 20)     /* input or output values */
#define CIRC_MAX_VALUE_WIDTH ((uint32_t)1 << 28) /* bits in one value */

#define CIRC_MAX_SUBS ((uint32_t)1 << 20)      /* subcircuits in one library */
#define CIRC_MAX_CALL_DEPTH 64                    /* calls nested in calls */

enum circ_op {
    CIRC_XOR = 0, /* out = in0 ^ in1 (free with free-XOR) */
    CIRC_AND = 1, /* out = in0 & in1 (two ciphertexts with half-gates) */
    CIRC_INV = 2, /* out = !in0; in1 == in0 (free) */
    CIRC_CALL = 3 /* in0: index in calls[]; in1 = out = 0 */
};

/* Call wires are stored as ranges: wires start + r*stride .. + len - 1 in
 * repetition r. */
struct circ_range {
    uint32_t start, len;
    int32_t stride;
};

/* One call, repeated `repeat` times in a row (a loop of calls): in
 * repetition r the callee's n_args input bits are read from the argument
 * ranges and its n_res output bits written to the result ranges (ranges
 * first_range ..: n_arg_ranges of arguments, then the results'). A result
 * may overwrite an argument: arguments are read before results are written. */
struct circ_call {
    uint32_t callee; /* index in the library */
    uint32_t repeat; /* >= 1 */
    uint32_t n_args, n_res;
    uint32_t n_arg_ranges, n_ranges;
    uint64_t first_range;
};

struct circuit;

/* Subcircuits shared by a program's circuit (and by copies of it, such as
 * the input-splitting wrapper of runtime/proto): owned by the library. */
struct circ_lib {
    uint32_t refs;
    uint32_t n_subs, cap_subs;
    struct circuit **subs;
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

    uint32_t n_calls, cap_calls;
    struct circ_call *calls;
    struct circ_range *ranges;
    uint64_t n_ranges, cap_ranges;
    /* The subcircuits the calls name (a subcircuit's calls name the same
     * library); NULL when there are none. A circuit holds a reference when
     * it owns it (lib_ref), a subcircuit borrows its library's. */
    struct circ_lib *lib;
    int lib_ref;
};

/* ---- libraries ---- */
struct circ_lib *circ_lib_new(struct mpcc_error *err);
/* Drops one reference; frees the subcircuits with the last. NULL is fine. */
void circ_lib_release(struct circ_lib *lib);
/* Appends sub (taking ownership, freed on failure too); *index receives its
 * index. The subcircuit may call only subcircuits already in lib. */
enum mpcc_status circ_lib_add(struct circ_lib *lib, struct circuit *sub, uint32_t *index,
                              struct mpcc_error *err);
/* Makes c hold a reference to lib (replacing any it held). */
void circ_set_lib(struct circuit *c, struct circ_lib *lib);
/* The subcircuit a call names. */
const struct circuit *circ_callee(const struct circuit *c, const struct circ_call *call);

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

/* Appends a call of subcircuit callee of c's library: args (its input bits)
 * and res (its output bits) are wires of c (stored as ranges of consecutive
 * wires). Grows n_wires to cover res. */
enum mpcc_status circ_add_call(struct circuit *c, uint32_t callee, const uint32_t *args,
                               uint32_t n_args, const uint32_t *res, uint32_t n_res,
                               struct mpcc_error *err);
/* Appends a call given as ranges (n_arg_ranges of arguments, then the
 * results'), repeated `repeat` times; checks counts and bounds. */
enum mpcc_status circ_add_call_ranges(struct circuit *c, uint32_t callee, uint32_t repeat,
                                      const struct circ_range *r, uint32_t n_arg_ranges,
                                      uint32_t n_ranges, struct mpcc_error *err);
/* Merges each run of adjacent calls of one subcircuit whose ranges have the
 * same lengths and move by the same distance from each call to the next
 * into one call repeated as often (a loop kept as a loop). */
enum mpcc_status circ_merge_calls(struct circuit *c, struct mpcc_error *err);
/* The wires of repetition rep of a call: its n_args arguments then its
 * n_res results, into w. */
void circ_call_wires(const struct circuit *c, const struct circ_call *cl, uint32_t rep, uint32_t *w);
/* The most arguments plus results any call of c or of its library has. */
uint64_t circ_max_call_wires(const struct circuit *c);

/* Makes room for at least n more gates (an optimisation; never required). */
enum mpcc_status circ_reserve_gates(struct circuit *c, uint64_t n, struct mpcc_error *err);

/* Checks the whole circuit: every gate reads only wires already written (or
 * inputs), ops are known, indices are below n_wires, outputs read written
 * wires, calls name a subcircuit with as many inputs and outputs as they
 * pass; and the same of every subcircuit of its library (each calling only
 * subcircuits below it). Names the first offending gate. */
enum mpcc_status circ_validate(const struct circuit *c, struct mpcc_error *err);

/* Gates of one kind that running the circuit executes: its own plus, for
 * every call, the callee's (CIRC_CALL: the calls themselves, nested ones
 * included). */
uint64_t circ_count_op(const struct circuit *c, enum circ_op op);
/* The same, in one pass for XOR, AND, INV and CALL (out[op]); 0 on
 * allocation failure. */
int circ_count_ops(const struct circuit *c, uint64_t out[4]);

/* Index of the first bit of input value k in the input bit vector (= its first wire). */
uint64_t circ_input_offset(const struct circuit *c, uint32_t k);
/* Index of the first bit of output value k in output_wires. */
uint64_t circ_output_offset(const struct circuit *c, uint32_t k);

/* Short name of an op: "XOR", "AND", "INV", "CALL". */
const char *circ_op_name(enum circ_op op);

#endif
