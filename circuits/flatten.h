/* flatten.h - a circuit with calls expanded into one without: every call
 * replaced by the callee's gates on fresh wires (single assignment). For
 * Bristol Fashion export and for checking structured circuits against their
 * expansion; the runtime never needs it. */
#ifndef MPCC_FLATTEN_H
#define MPCC_FLATTEN_H

#include "circuits/circuit.h"
#include "mpcc/error.h"

/* *out receives a new circuit with c's inputs and outputs and no calls
 * (a copy when c has none). Fails with MPCC_ERR_LIMIT when the expansion
 * exceeds CIRC_MAX_WIRES wires or CIRC_MAX_GATES gates. */
enum mpcc_status circ_flatten(const struct circuit *c, struct circuit **out, struct mpcc_error *err);

#endif
