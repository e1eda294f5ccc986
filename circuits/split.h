/* split.h - the circuit transformation behind input parties beyond two:
 * chosen input values are replaced by two XOR shares (garbler share, then
 * evaluator share) that free XOR gates recombine before the original gates.
 * It does not draw shares or know about parties (runtime/proto does). */
#ifndef MPCC_SPLIT_H
#define MPCC_SPLIT_H

#include <stdint.h>

#include "circuits/circuit.h"
#include "mpcc/error.h"

/* Builds *out from c: input value k with split[k] != 0 becomes two
 * consecutive values of the same width (share A, share B) whose XOR is the
 * original value; other values keep their place and width. The result
 * computes the same function of the recombined inputs, with one XOR gate per
 * split bit and no extra AND gate, and is compacted (circ_compact). Outputs
 * are unchanged. c is not modified. */
enum mpcc_status circ_split_inputs(const struct circuit *c, const uint8_t *split,
                                   struct circuit **out, struct mpcc_error *err);

#endif
