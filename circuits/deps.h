/* deps.h - what each output value of a circuit depends on: the input bits
 * in its fan-in cone, the AND gates of that cone, and whether it is only
 * input bits copied (or negated) and constants. Works on compacted circuits
 * (slots written more than once). `mpcc audit` reports from it; nothing
 * here knows names or types. */
#ifndef MPCC_DEPS_H
#define MPCC_DEPS_H

#include <stdint.h>

#include "circuits/circuit.h"
#include "mpcc/error.h"

struct circ_deps_ctx;

struct circ_deps {
    uint64_t n_and;     /* AND gates in the value's fan-in cone */
    uint8_t *input_bit; /* n_input_bits flags: 1 where the value depends on that input bit */
    uint8_t *copied;    /* n_input_bits flags: 1 where a bit of the value is that input bit
                         * itself (or its complement) */
    int computed;       /* some bit of the value is neither a copy nor a constant */
};

/* Prepares the analysis of c (one pass over the gates); NULL on failure. */
struct circ_deps_ctx *circ_deps_new(const struct circuit *c, struct mpcc_error *err);
void circ_deps_free(struct circ_deps_ctx *x);

/* The dependencies of output value k (one backward pass over the gates).
 * The flag arrays are allocated here: free them with circ_deps_clear. */
enum mpcc_status circ_deps_output(struct circ_deps_ctx *x, uint32_t k, struct circ_deps *d,
                                  struct mpcc_error *err);
void circ_deps_clear(struct circ_deps *d);

#endif
