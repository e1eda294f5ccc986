/* eval.h - the plaintext evaluator: the reference semantics of a circuit that
 * the garbler, the compiler's constant folding and every compiled circuit are
 * tested against. Bit-sliced: one 64-bit word per wire runs 64 independent
 * evaluations at once. No cryptography, no file formats here.
 *
 * Semantics: input bit k is written to wire slot k; gates run in order, each
 * reading its input slots and then writing its output slot (a slot may be
 * rewritten, see circuit.h); outputs are read after the last gate. A slot that
 * is read before any write reads 0 (circ_validate refuses such circuits). */
#ifndef MPCC_EVAL_H
#define MPCC_EVAL_H

#include <stdint.h>

#include "circuits/circuit.h"
#include "mpcc/error.h"

/* Evaluates c on 64 input vectors at once: in[k] holds input bit k of all 64
 * evaluations (bit j of the word belongs to evaluation j); out receives
 * c->n_output_bits words laid out the same way. Allocates c->n_wires words of
 * scratch. Fails (and leaves out untouched) on an unknown op or a wire index
 * at or beyond c->n_wires. */
enum mpcc_status circ_eval64(const struct circuit *c, const uint64_t *in, uint64_t *out,
                             struct mpcc_error *err);

/* As circ_eval64, with caller-provided scratch of at least c->n_wires words
 * (for callers that evaluate the same circuit many times; no allocation). */
enum mpcc_status circ_eval64_ws(const struct circuit *c, const uint64_t *in, uint64_t *out,
                                uint64_t *wires, struct mpcc_error *err);

/* One evaluation on unpacked bits: in_bits[k] is input bit k (0 or 1; any
 * non-zero byte counts as 1), out_bits receives c->n_output_bits bytes of 0/1. */
enum mpcc_status circ_eval_bits(const struct circuit *c, const uint8_t *in_bits,
                                uint8_t *out_bits, struct mpcc_error *err);

#endif
