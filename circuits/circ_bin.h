/* circ_bin.h - the binary encoding of a circuit with its library of
 * subcircuits (the body of a binary .circ file, docs/circuit-format.md):
 * unsigned LEB128 varints, wire numbers as zig-zag deltas, calls as strided
 * ranges. Reading allocates nothing beyond what the bytes can hold and
 * names each problem (truncated, oversized, a subcircuit calling itself or a
 * later one, wires out of range, argument counts). No files, no interface. */
#ifndef MPCC_CIRC_BIN_H
#define MPCC_CIRC_BIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "circuits/circuit.h"
#include "mpcc/error.h"

/* Appends the encoding of c (its library first, then c) to a buffer. */
struct circ_bin_buf {
    uint8_t *p;
    size_t n, cap;
    int failed; /* out of memory */
};
void circ_bin_encode(const struct circuit *c, struct circ_bin_buf *b);
void circ_bin_encode_byte(struct circ_bin_buf *b, uint8_t v);
void circ_bin_encode_u(struct circ_bin_buf *b, uint64_t v); /* unsigned LEB128 */

/* Decodes a circuit from buf[0 .. len-1], all of it. Errors name the byte
 * offset (plus base, the body's offset in its file). NULL on failure. */
struct circuit *circ_bin_decode(const uint8_t *buf, size_t len, size_t base, struct mpcc_error *err);

#endif
