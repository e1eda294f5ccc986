/* bristol.h - reading and writing circuits in Bristol Fashion, the
 * interchange format of SCALE-MAMBA, MP-SPDZ and EMP-toolkit.
 *
 * The reader is strict: any malformed text is refused with a message of the
 * form "NAME:LINE: problem" and never causes unbounded allocation (memory
 * grows with what the text actually holds, within circuit.h's limits).
 * EQ, EQW and MAND are lowered to XOR/AND/INV on the way in. */
#ifndef MPCC_BRISTOL_H
#define MPCC_BRISTOL_H

#include <stddef.h>
#include <stdio.h>

#include "circuits/circuit.h"

/* Parses Bristol Fashion from memory; `name` is used in error messages. */
struct circuit *circ_read_bristol_mem(const char *text, size_t len, const char *name,
                                      struct mpcc_error *err);

/* Parses a Bristol Fashion file. */
struct circuit *circ_read_bristol_file(const char *path, struct mpcc_error *err);

/* Writes c as Bristol Fashion (each wire written once; outputs on the last
 * wires, as the format requires) to an open stream. */
enum mpcc_status circ_write_bristol(const struct circuit *c, FILE *out, struct mpcc_error *err);

/* Writes c to path atomically (a temporary file renamed into place), so a
 * failure never leaves a half-written file behind. */
enum mpcc_status circ_write_bristol_file(const struct circuit *c, const char *path,
                                         struct mpcc_error *err);

#endif
