/* builder.h - the circuit builder: a hash-consed AND/XOR graph with constant
 * folding and algebraic simplification at construction time, turned into a
 * struct circuit by bld_finish (dead-gate elimination, INV materialisation,
 * wire-slot renumbering with reuse). Arithmetic gadgets are in gadgets.h.
 *
 * Wires are 32-bit node references whose low bit is a complement flag
 * (AIG-style): NOT is free, ~x & x folds to 0, ~a ^ b normalises to ~(a ^ b).
 * Node 0 is the constant false, so BLD_FALSE = 0 and BLD_TRUE = 1.
 *
 * Errors are sticky: after an allocation or limit failure (or a wire this
 * builder did not create) every call returns BLD_FALSE and bld_finish
 * reports the first error. The builder itself never
 * prints. Memory while building: 16 to 32 bytes per node (an 8-byte node
 * record in an array that grows by doubling + a hash table of 4-byte slots
 * kept between 25% and 50% full); tags cost nothing per node (runs of node
 * ids). bld_finish needs about 25 more bytes per node temporarily, plus the
 * circuit (16 bytes per gate). */
#ifndef MPCC_BUILDER_H
#define MPCC_BUILDER_H

#include <stdatomic.h>
#include <stdint.h>

#include "circuits/circuit.h"
#include "mpcc/error.h"

typedef uint32_t bld_wire; /* a node of the builder's graph (low bit: complement) */
#define BLD_FALSE ((bld_wire)0)
#define BLD_TRUE ((bld_wire)1)

/* Upper bound on nodes in one builder (node ids must fit in 31 bits). */
#define BLD_MAX_NODES ((uint32_t)1 << 30)

struct bld;

/* A fresh builder; NULL (and err filled) on allocation failure. */
struct bld *bld_new(struct mpcc_error *err);
void bld_free(struct bld *b);

/* Non-zero once an allocation or limit failure happened (sticky). */
int bld_failed(const struct bld *b);
/* Records a failure found outside the builder proper (a gadget's scratch
 * allocation, a front-end limit): sticky, only the first is kept. */
void bld_note_error(struct bld *b, enum mpcc_status code, const char *what);

/* Declares the next circuit input value of `width` bits; out[0..width-1]
 * receive its wires, LSB first. All inputs should be declared before use;
 * they become circuit wires 0..n_input_bits-1 in declaration order. */
void bld_input(struct bld *b, uint32_t width, bld_wire *out);

bld_wire bld_xor(struct bld *b, bld_wire x, bld_wire y);
bld_wire bld_and(struct bld *b, bld_wire x, bld_wire y);
bld_wire bld_not(struct bld *b, bld_wire x);
bld_wire bld_or(struct bld *b, bld_wire x, bld_wire y); /* 1 AND */
/* sel ? if1 : if0, as if0 ^ (sel & (if1 ^ if0)): 1 AND. */
bld_wire bld_mux(struct bld *b, bld_wire sel, bld_wire if1, bld_wire if0);
int bld_is_const(bld_wire w); /* w == BLD_FALSE || w == BLD_TRUE */

/* Declares the next circuit output value: w[0..width-1], LSB first. */
void bld_output(struct bld *b, uint32_t width, const bld_wire *w);

/* ---- calls of subcircuits ----
 * The library whose subcircuits bld_call names; bld_finish gives the circuit
 * a reference to it. Borrowed: it must outlive the builder. */
void bld_set_lib(struct bld *b, struct circ_lib *lib);
/* Calls subcircuit callee of the library on args (n_args wires, none of
 * them constant: constants belong inside the subcircuit); res[0..n_res-1]
 * receive its output bits. A call with the same callee and arguments as an
 * earlier one returns the earlier results. */
void bld_call(struct bld *b, uint32_t callee, const bld_wire *args, uint32_t n_args, uint32_t n_res,
              bld_wire *res);
/* Calls made so far (distinct ones). */
uint32_t bld_call_count(const struct bld *b);

/* AND gates created from now on are attributed to tag (for --profile).
 * Tag 0 is the default. A node shared by hash-consing keeps its first tag. */
void bld_set_tag(struct bld *b, uint32_t tag);

/* Builds the circuit: keeps only gates and calls that reach an output,
 * emits them in creation order, adds INV gates where a complemented edge is
 * needed (one per node), and renumbers slots so a dead slot is reused (a
 * call's results in consecutive slots where the slots its arguments free
 * allow; consecutive calls whose wires advance by fixed strides become one
 * repeated call). Fails (NULL, err set)
 * after an earlier builder failure, or when there are outputs but no inputs
 * and an output needs a gate. Caller frees with circ_free. The builder stays
 * valid (for bld_tag_and_count) and must still be freed with bld_free. */
struct circuit *bld_finish(struct bld *b, struct mpcc_error *err);

/* After bld_finish: live AND gates attributed to tag. */
uint64_t bld_tag_and_count(const struct bld *b, uint32_t tag);
/* Reports the AND nodes this builder creates to *counter (which several
 * builders may share): added in steps of a few thousand, relaxed, and the
 * rest at bld_finish or bld_free. For a display in another thread; NULL
 * stops reporting. */
void bld_set_progress(struct bld *b, atomic_uint_least64_t *counter);

/* AND nodes created so far (before dead-gate elimination). */
uint64_t bld_and_count(const struct bld *b);
/* After bld_finish: the largest number of values live at once (= the slots
 * the circuit needs beyond nothing; n_wires of the circuit is about this). */
uint64_t bld_peak_live(const struct bld *b);
/* All nodes created so far (inputs, AND and XOR nodes, the constant). */
uint64_t bld_node_count(const struct bld *b);

#endif
