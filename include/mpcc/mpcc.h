/* mpcc.h - the public C API of libmpcc: run a compiled program (or a raw
 * Bristol Fashion circuit) as one party of a two-party garbled-circuit
 * computation (Yao with free-XOR and half-gates or three-halves; OT extension for the
 * evaluator's inputs), or of a run with more parties where two compute and
 * the others XOR-share inputs and receive outputs (mpcc_mp_*). The mpcrun
 * command is a thin shell around this. Semi-honest security; see
 * docs/SECURITY.md. */
#ifndef MPCC_MPCC_H
#define MPCC_MPCC_H

#include <stdbool.h>
#include <stdint.h>

#include "mpcc/error.h"

#define MPCC_VERSION "0.1.0"
#define MPCC_PROTOCOL_VERSION 4u

struct circuit;      /* circuits/circuit.h */
struct net_channel;  /* runtime/net/net.h */
struct mpcc_program; /* circuits/program.h */
struct values_set;   /* circuits/values.h */

enum mpcc_role { MPCC_GARBLER = 0, MPCC_EVALUATOR = 1 };

/* How the garbler garbles AND gates (docs/protocol.md, "Garbling schemes"):
 * - MPCC_GARBLING_AUTO (the default): when both sides say auto, both derive
 *   the scheme from their hellos: three-halves when the link's round trip
 *   as the kernel measured it (the smaller of the two sides' TCP_INFO
 *   samples) is at least MPCC_AUTO_RTT_MS (a link slower than the garbler's
 *   CPU), half-gates otherwise or when nothing was measured (in-memory
 *   channels). One side auto, the other explicit: the explicit choice.
 * - MPCC_GARBLING_HALFGATES: 32 bytes per AND, least CPU (fast links).
 * - MPCC_GARBLING_THREEHALVES: 25 bytes per AND, 1.5x the hashing (links
 *   that are the bottleneck).
 * Two explicit choices that differ are refused in the handshake. */
enum mpcc_garbling {
    MPCC_GARBLING_AUTO = 0,
    MPCC_GARBLING_HALFGATES = 1,
    MPCC_GARBLING_THREEHALVES = 2
};
#define MPCC_AUTO_RTT_MS 1.0

/* "auto", "halfgates", "threehalves" (NULL for other values). */
const char *mpcc_garbling_name(enum mpcc_garbling g);

/* Figures of one run (one party's view). Times in seconds. */
struct mpcc_stats {
    uint64_t n_and, n_xor, n_inv;
    uint64_t bytes_sent, bytes_recv;
    uint64_t n_ot;            /* evaluator input bits sent through OT */
    double t_prepare;         /* scheduling the gates into AND batches (before any traffic) */
    double t_handshake;       /* hello exchange and checks */
    double t_base_ot;         /* base OTs (inside OT extension set-up) */
    double t_inputs;          /* garbler's input labels and OT extension */
    double t_garble;          /* garbling or evaluation, tables streamed */
    double t_output;          /* output decoding exchange */
    double t_total;
    uint8_t session_id[32];   /* the handshake's session id (proto.h), for logs */
    enum mpcc_garbling garbling; /* the scheme used (never AUTO after a run) */
    uint64_t table_bytes;     /* garbled-table bytes sent or received */
    double garbling_rtt;      /* auto: the round trip that decided the scheme (s; -1:
                               * none measured, or not auto) */
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
    enum mpcc_garbling garbling; /* this side's choice; 0 = auto */
    bool greeting_due;           /* the peer's greeting is still to be read (a
                                  * connector that only sent its own:
                                  * mpcc_2pc_greet_send) */
};

/* The first exchange on a fresh two-party connection (before mpcc_2pc_run
 * or mpcc_run_program): a fixed greeting each way. A listener that gets an
 * error here can drop the connection as a stranger's and accept another. */
enum mpcc_status mpcc_2pc_greet(struct net_channel *ch, struct mpcc_error *err);
/* The two halves of mpcc_2pc_greet. A connector may send its greeting
 * (buffered: the hello follows in the same flight) and run with
 * greeting_due / mpcc_run_options.greeting_due set, so that the handshake
 * checks the listener's greeting just before its hello: one one-way leg
 * less than greeting first. */
enum mpcc_status mpcc_2pc_greet_send(struct net_channel *ch, struct mpcc_error *err);
enum mpcc_status mpcc_2pc_greet_recv(struct net_channel *ch, struct mpcc_error *err);

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

/* Options of a two-party run (zero = defaults). */
struct mpcc_run_options {
    enum mpcc_garbling garbling;
    bool greeting_due; /* as in struct mpcc_2pc */
};
/* mpcc_run_program with options (opts may be NULL). */
enum mpcc_status mpcc_run_program_opts(const struct mpcc_program *prog, uint32_t party,
                                       enum mpcc_role role, struct net_channel *ch,
                                       const struct values_set *inputs,
                                       const struct mpcc_run_options *opts, uint8_t ***outputs,
                                       struct mpcc_stats *stats, struct mpcc_error *err);

/* ---- More than two parties (docs/protocol.md, "More than two parties") ----
 * Two parties compute (garbler and evaluator); every other party of the
 * program is an input/output party: it XOR-shares each of its inputs between
 * the two and gets each of its outputs back as two shares that only it
 * combines. Channels: evaluator-garbler, and every other party to both. */
struct net_tls_config; /* runtime/net/net_tls.h */

/* How a run with more than two parties computes:
 * - MPCC_MP_YAO: two parties garble and evaluate (Yao), the others
 *   XOR-share their inputs to them. Fast, but the garbler and the evaluator
 *   together learn every input.
 * - MPCC_MP_BMR: every party garbles (runtime/bmr/bmr.h), the evaluator
 *   evaluates; no coalition short of all parties learns another's input.
 *   Every pair of parties talks directly. */
enum mpcc_mp_protocol { MPCC_MP_YAO = 0, MPCC_MP_BMR = 1 };

struct mpcc_mp_session {
    const struct mpcc_program *prog;
    uint8_t digest[32];  /* SHA-256 of the .circ (prog_digest) */
    uint32_t me;         /* party indices into prog->iface->parties */
    uint32_t garbler;    /* (Yao only) */
    uint32_t evaluator;
    enum mpcc_mp_protocol protocol; /* MPCC_MP_YAO after init; set it before connecting */
    enum mpcc_garbling garbling;    /* Yao's garbling scheme (auto after init) */
};

/* The computing pair by name (either may be NULL): the named parties, else
 * the first two declared (a party named for one role leaves the other to
 * the first of the two it is not). Errors: a name that is not a party, or
 * one party for both roles. */
enum mpcc_status mpcc_mp_pick_computing(const struct mpcc_program *prog, const char *garbler,
                                        const char *evaluator, uint32_t *g, uint32_t *e,
                                        struct mpcc_error *err);

/* Fills s after checking the indices (garbler != evaluator, all in range). */
enum mpcc_status mpcc_mp_session_init(struct mpcc_mp_session *s, const struct mpcc_program *prog,
                                      uint32_t me, uint32_t garbler, uint32_t evaluator,
                                      struct mpcc_error *err);

/* True if parties a and b talk directly (Yao: one of them computes; BMR:
 * always, a != b). */
bool mpcc_mp_linked(const struct mpcc_mp_session *s, uint32_t a, uint32_t b);

/* Exchanges the run configuration with party `peer` over ch: protocol
 * version, program digest, both names, and which parties garble and
 * evaluate. Any mismatch is an error naming both values. */
enum mpcc_status mpcc_mp_hello(const struct mpcc_mp_session *s, struct net_channel *ch,
                               uint32_t peer, struct mpcc_error *err);

/* Runs the program as party s->me over greeted channels: chans[p] is the
 * channel to party p (NULL where mpcc_mp_linked is false and for s->me).
 * Outputs as for mpcc_run_program. On failure every peer still reachable is
 * told why (an ABORT frame) before this returns. stats may be NULL; its
 * byte counts sum all of this party's channels. */
enum mpcc_status mpcc_mp_run_program(const struct mpcc_mp_session *s,
                                     struct net_channel *const *chans,
                                     const struct values_set *inputs, uint8_t ***outputs,
                                     struct mpcc_stats *stats, struct mpcc_error *err);

/* Best effort: tells every non-NULL channel's peer that the run stopped,
 * with msg as the reason. */
void mpcc_mp_abort(const struct mpcc_mp_session *s, struct net_channel *const *chans,
                   const char *msg);

/* A roster: every party's address (HOST:PORT) and optionally the
 * certificate (PEM) it presents. */
struct mpcc_roster_entry {
    char *name, *addr, *cert; /* cert may be NULL */
    uint8_t fingerprint[32];  /* the identity key it must present, when has_fingerprint */
    int has_fingerprint;
};
struct mpcc_roster {
    uint32_t n;
    struct mpcc_roster_entry *e;
};
struct mpcc_roster *mpcc_roster_new(struct mpcc_error *err);
void mpcc_roster_free(struct mpcc_roster *r);
/* Adds one party (strings copied; cert may be NULL, or "SHA256:HEX": the
 * fingerprint of the identity key the party must present, for links
 * without certificates). A name given twice is an error. */
enum mpcc_status mpcc_roster_add(struct mpcc_roster *r, const char *name, const char *addr,
                                 const char *cert, struct mpcc_error *err);
/* Reads `NAME HOST:PORT [CERT.pem]` lines; '#' starts a comment. Errors
 * read "FILE:LINE: problem". */
enum mpcc_status mpcc_roster_read_file(struct mpcc_roster *r, const char *path,
                                       struct mpcc_error *err);
const struct mpcc_roster_entry *mpcc_roster_find(const struct mpcc_roster *r, const char *name);

/* How to reach the others. The garbler listens at its roster address (or
 * `listen`), the evaluator at its own for the input parties; everybody
 * else connects. Each connection starts with the connector's name in
 * clear, then TLS (when tls is set: with our certificate, the peer's
 * checked against tls->ca_file and/or its roster certificate; without one,
 * an ephemeral key; the session secret when given), then mpcc_mp_hello. */
struct mpcc_mp_net {
    const struct mpcc_roster *roster;
    const char *listen;                /* overrides our roster address, or NULL */
    const struct net_tls_config *tls;  /* NULL: plain TCP */
    int timeout_ms;                    /* for the whole set-up, and every wait after */
    void (*on_listen)(void *ctx, uint16_t port); /* called once listening, or NULL */
    void *ctx;
};

/* Opens and greets every channel party s->me needs (chans has n_parties
 * entries, set to NULL first). A stranger, a duplicate or a failed TLS
 * handshake on the listening side is refused without ending the session;
 * a party that never arrives ends it with an error naming that party. On
 * failure every opened channel is told why and freed. */
enum mpcc_status mpcc_mp_connect(const struct mpcc_mp_session *s, const struct mpcc_mp_net *cfg,
                                 struct net_channel **chans, struct mpcc_error *err);

/* Every party of a program in its own thread of this process, over
 * in-memory channels (mpcrun --local): res has n_parties entries, each with
 * that party's outputs (free with mpcc_outputs_free), figures and error.
 * inputs holds every party's inputs (VALUES_ANY_PARTY). Returns MPCC_OK
 * when every party succeeded; otherwise err names the first that failed.
 * progress (or NULL) follows the first party: its phase, AND gates and the
 * bytes on its channels. */
struct mpcc_mp_local_result {
    enum mpcc_status st;
    uint8_t **outputs;
    struct mpcc_stats stats;
    struct mpcc_error err;
};
struct mpcc_progress;
enum mpcc_status mpcc_mp_run_local(const struct mpcc_program *prog, uint32_t garbler,
                                   uint32_t evaluator, enum mpcc_mp_protocol protocol,
                                   enum mpcc_garbling garbling,
                                   const struct values_set *inputs, int timeout_ms,
                                   struct mpcc_progress *progress,
                                   struct mpcc_mp_local_result *res, struct mpcc_error *err);

/* SHA-256 of a circuit's canonical in-memory form (for raw Bristol runs,
 * whose parties have no .circ digest to compare). */
enum mpcc_status mpcc_circuit_digest(const struct circuit *c, uint8_t out[32],
                                     struct mpcc_error *err);

#endif
