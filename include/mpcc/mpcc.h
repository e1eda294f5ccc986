/* mpcc.h - the public C API of libmpcc: run a compiled program (or a raw
 * Bristol Fashion circuit) as one party of a two-party garbled-circuit
 * computation (Yao with free-XOR and half-gates; OT extension for the
 * evaluator's inputs). The mpcrun command is a thin shell around this.
 * Semi-honest security; see docs/SECURITY.md. */
#ifndef MPCC_MPCC_H
#define MPCC_MPCC_H

#include <stdbool.h>
#include <stdint.h>

#include "mpcc/error.h"

#define MPCC_VERSION "0.1.0"
#define MPCC_PROTOCOL_VERSION 1u

struct circuit;      /* circuits/circuit.h */
struct net_channel;  /* runtime/net/net.h */
struct mpcc_program; /* circuits/program.h */
struct values_set;   /* circuits/values.h */

enum mpcc_role { MPCC_GARBLER = 0, MPCC_EVALUATOR = 1 };

/* Figures of one run (one party's view). Times in seconds. */
struct mpcc_stats {
    uint64_t n_and, n_xor, n_inv;
    uint64_t bytes_sent, bytes_recv;
    uint64_t n_ot;            /* evaluator input bits sent through OT */
    double t_handshake;       /* hello exchange and checks */
    double t_base_ot;         /* base OTs (inside OT extension set-up) */
    double t_inputs;          /* garbler's input labels and OT extension */
    double t_garble;          /* garbling or evaluation, tables streamed */
    double t_output;          /* output decoding exchange */
    double t_total;
};

/* One party's side of a two-party run of a raw circuit. Every field is read
 * only; the arrays are indexed by circuit input/output value. */
struct mpcc_2pc {
    const struct circuit *circ;  /* both sides must hold the same circuit */
    uint8_t digest[32];          /* SHA-256 identifying it; compared in the handshake */
    const char *my_name;         /* this party's name, checked by the peer */
    const char *peer_name;       /* the name the peer must announce */
    enum mpcc_role role;
    const uint8_t *my_inputs;    /* per input value: 1 if this party provides it */
    const uint8_t *recipients;   /* per output value: bit 0 garbler gets it, bit 1 evaluator */
};

/* Runs the protocol over ch. input_bits holds n_input_bits bytes (0/1), of
 * which only this party's inputs are read. output_bits (n_output_bits
 * bytes) receives the outputs this party is entitled to; got[k] is set to 1
 * for those output values (0 otherwise). stats may be NULL. */
enum mpcc_status mpcc_2pc_run(const struct mpcc_2pc *run, struct net_channel *ch,
                              const uint8_t *input_bits, uint8_t *output_bits, uint8_t *got,
                              struct mpcc_stats *stats, struct mpcc_error *err);

/* Runs a compiled program as party `party` (an index into its parties, which
 * must be the first or second party of a two-party program) with the inputs
 * collected in `inputs` (values.h, complete for that party). outputs[k]
 * receives a malloc'd bit array (type bits of output k) for each output this
 * party receives, NULL for the others; free with mpcc_outputs_free. */
enum mpcc_status mpcc_run_program(const struct mpcc_program *prog, uint32_t party,
                                  enum mpcc_role role, struct net_channel *ch,
                                  const struct values_set *inputs, uint8_t ***outputs,
                                  struct mpcc_stats *stats, struct mpcc_error *err);
void mpcc_outputs_free(uint8_t **outputs, uint32_t n_outputs);

/* SHA-256 of a circuit's canonical in-memory form (for raw Bristol runs,
 * whose parties have no .circ digest to compare). */
enum mpcc_status mpcc_circuit_digest(const struct circuit *c, uint8_t out[32],
                                     struct mpcc_error *err);

#endif
