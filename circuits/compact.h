/* compact.h - renumbers the wire slots of any IR circuit in place so that a
 * slot is reused once its value is dead (labels then fit in a small array).
 * Inputs stay at 0..n_input_bits-1; outputs stay correct (output values are
 * kept live to the end). Does not remove or reorder gates. A circuit with
 * calls is left as it is: the compiler makes those compact itself. */
#ifndef MPCC_COMPACT_H
#define MPCC_COMPACT_H

#include "circuits/circuit.h"
#include "mpcc/error.h"

enum mpcc_status circ_compact(struct circuit *c, struct mpcc_error *err);

#endif
