/* bmr.h - N-party garbling in the BMR family (Beaver-Micali-Rogaway, made
 * practical for semi-honest parties with free-XOR and OT by Ben-Efraim,
 * Lindell and Omri, CCS 2016): every party garbles with its own Delta and
 * its own key per wire, each wire's permutation bit is XOR-shared among all
 * parties, the AND tables are produced jointly from shares computed by
 * pairwise OT (runtime/ot), and one party evaluates with one key per party
 * per wire. No coalition of up to N-1 semi-honest parties learns anything
 * beyond its outputs (docs/SECURITY.md). The protocol, its messages and its
 * costs are in docs/protocol.md ("N-party garbling"). */
#ifndef MPCC_BMR_H
#define MPCC_BMR_H

#include <stdint.h>

#include "mpcc/error.h"
#include "mpcc/mpcc.h"

#define BMR_MAX_PARTIES 64 /* output recipients are a 64-bit mask */

struct circuit;
struct net_channel;

struct bmr_config {
    const struct circuit *circ;  /* the same on every party (calls allowed) */
    uint32_t n_parties;          /* 2 .. BMR_MAX_PARTIES */
    uint32_t me;                 /* this party's index */
    uint32_t evaluator;          /* the party that evaluates */
    const uint32_t *input_owner; /* per circuit input value: the party giving it */
    const uint64_t *recipients;  /* per circuit output value: bit p set if party p gets it */
    uint8_t session[32];         /* the run's session id, the same on every party */
};

/* Runs the protocol as party cfg->me over chans[p], a channel to every other
 * party p (chans[me] unused). input_bits has one byte (0/1) per circuit
 * input bit; only the bits of values this party owns are read. On success
 * output_bits (one byte per output bit) holds the bits of every output value
 * this party receives; the others are left zero. Every link's transcript is
 * checked before any output share leaves and again before outputs are
 * returned. stats may be NULL. */
enum mpcc_status bmr_run(const struct bmr_config *cfg, struct net_channel *const *chans,
                         const uint8_t *input_bits, uint8_t *output_bits,
                         struct mpcc_stats *stats, struct mpcc_error *err);

#endif
