/* gc.h - the garbling schemes: free-XOR and point-and-permute, with AND gates
 * garbled either by half-gates (Zahur, Rosulek, Evans 2015; 32 bytes of
 * tables per AND) or by three-halves (Rosulek, Roy 2021; 25 bytes per AND),
 * nothing for XOR and INV, hashed with MITCCRH (runtime/crypto/hash.h). The garbler and the
 * evaluator walk a range of a circuit's gates in batches of independent ANDs
 * and stream tables to / from the caller; wire labels live in one array
 * indexed by wire slot. Pure computation: no I/O, no threads, no OT.
 *
 * Tweaks: the g-th AND gate of the session (in circuit order, counting across
 * calls) uses tweaks 2g and 2g+1 (half-gates) or 3g, 3g+1, 3g+2
 * (three-halves), and its tables are the g-th 32 (25) bytes of the session's
 * table stream, whatever order the gates are computed in; so both sides must walk the same gates, but may
 * split the walk into calls differently. Inside a call, windows of gates are
 * reordered (schedule.c) so independent ANDs are hashed together. */
#ifndef MPCC_GC_H
#define MPCC_GC_H

#include <stddef.h>
#include <stdint.h>

#include "circuits/circuit.h"
#include "mpcc/error.h"
#include "runtime/crypto/block.h"
#include "runtime/crypto/prg.h"

/* The most table bytes any scheme puts on the wire per AND gate (half-gates):
 * size buffers with it. */
#define GC_TABLE_BYTES_PER_AND 32

/* How AND gates are garbled. Both sides must use the same scheme for a
 * session (the protocol binds it); set it before the first gate.
 *   GC_HALF_GATES   ZRE15: 2 ciphertexts (32 bytes) per AND; the garbler
 *                   hashes 4 blocks, the evaluator 2.
 *   GC_THREE_HALVES RR21: 3 half-size ciphertexts and 5 control bits
 *                   (25 bytes) per AND; the garbler hashes 6 blocks and
 *                   draws 2 random bits, the evaluator hashes 3. About 22%
 *                   fewer bytes, about 1.5x the hashing: the better choice
 *                   when the link, not the CPU, is the limit. */
enum gc_scheme { GC_HALF_GATES = 0, GC_THREE_HALVES = 1 };

/* Table bytes per AND gate of a scheme: 32 or 25. */
size_t gc_scheme_table_bytes(enum gc_scheme s);
/* "halfgates" / "threehalves". */
const char *gc_scheme_name(enum gc_scheme s);

/* Receives tables as they are made, in stream order (len_bytes a multiple of
 * the scheme's bytes per AND, at most GC_SINK_CHUNK_BYTES). A non-OK return
 * stops garbling with that status. */
typedef enum mpcc_status (*gc_table_sink)(void *ctx, const void *tables, size_t len_bytes,
                                          struct mpcc_error *err);
/* Must fill buf with exactly the next len_bytes of the table stream (a
 * multiple of the scheme's bytes per AND, at most GC_SINK_CHUNK_BYTES: one window) or fail (e.g.
 * MPCC_ERR_CLOSED). */
typedef enum mpcc_status (*gc_table_source)(void *ctx, void *buf, size_t len_bytes,
                                            struct mpcc_error *err);

#define GC_SINK_CHUNK_BYTES ((size_t)256 * 1024)

struct gc_garbler;
struct gc_evaluator;

/* ---- plans: a gate range scheduled once, run many times ----
 * gc_garble / gc_evaluate schedule each window of gates as they go, which
 * costs about 7-9 ns per gate here: on XOR-heavy circuits (AES-128: 5.7 gates
 * per AND) that is most of the time. For a circuit run more than once, plan
 * it once (16 bytes per gate, more with slot renaming) and run the plan:
 * 3-5x faster on AES-128. A plan serves either side and any number of runs
 * and sessions (it copies what it needs: the circuit may be freed); running
 * it gives exactly the tables and labels of running its range. */
struct gc_plan;
struct gc_plan *gc_plan_new(const struct circuit *c, uint64_t gate_begin, uint64_t gate_end,
                            struct mpcc_error *err);
void gc_plan_free(struct gc_plan *p);
uint64_t gc_plan_n_and(const struct gc_plan *p);

/* ---- garbler ---- */

/* A garbler for circuits of at most n_wires wire slots. Delta (lsb 1) and the
 * hash salt come from prg. NULL on failure (NOMEM, CPU). */
struct gc_garbler *gc_garbler_new(uint32_t n_wires, struct prg *prg, struct mpcc_error *err);
/* As gc_garbler_new with a given Delta (e.g. the one correlated OT used; its
 * lsb must be 1) and salt. */
struct gc_garbler *gc_garbler_new_with(uint32_t n_wires, block delta, block salt,
                                       struct mpcc_error *err);
/* Wipes labels and Delta, frees. NULL is fine. */
void gc_garbler_free(struct gc_garbler *g);

/* Chooses the scheme (default GC_HALF_GATES); only before the first AND gate
 * (MPCC_ERR_INVALID after). Three-halves draws a key from prg for its
 * random bits: the g-th gate's 2 bits are bits 2(g mod 64), 2(g mod 64)+1 of
 * AES_k(floor(g / 64)), so tables do not depend on how the walk is split. */
enum mpcc_status gc_garbler_set_scheme(struct gc_garbler *g, enum gc_scheme s, struct prg *prg,
                                       struct mpcc_error *err);

block gc_garbler_delta(const struct gc_garbler *g);
/* The public salt S the evaluator needs (send it in the clear). */
block gc_garbler_salt(const struct gc_garbler *g);
/* AND gates garbled so far in this session. */
uint64_t gc_garbler_n_and(const struct gc_garbler *g);

/* Fresh random zero-labels for wires first .. first+n-1 (usually inputs). */
enum mpcc_status gc_garbler_random_labels(struct gc_garbler *g, struct prg *prg, uint32_t first,
                                          uint32_t n, struct mpcc_error *err);
/* Sets the zero-label of one wire (e.g. from correlated OT). */
enum mpcc_status gc_garbler_set_label(struct gc_garbler *g, uint32_t wire, block label0,
                                      struct mpcc_error *err);
/* The label of wire for value bit (label0 xor bit*Delta, constant time in
 * bit). The wire must be below n_wires. */
block gc_garbler_label(const struct gc_garbler *g, uint32_t wire, unsigned bit);

/* Garbles gates [gate_begin, gate_end) of c, handing tables to sink in chunks
 * of at most GC_SINK_CHUNK_BYTES; all tables of the range are delivered (and
 * all labels final) when it returns. */
enum mpcc_status gc_garble(struct gc_garbler *g, const struct circuit *c, uint64_t gate_begin,
                           uint64_t gate_end, gc_table_sink sink, void *ctx,
                           struct mpcc_error *err);
/* As gc_garble, writing the tables to buf (cap_bytes; MPCC_ERR_LIMIT if it is
 * too small) and their length to *len_out. */
enum mpcc_status gc_garble_to_buffer(struct gc_garbler *g, const struct circuit *c,
                                     uint64_t gate_begin, uint64_t gate_end, void *buf,
                                     size_t cap_bytes, size_t *len_out, struct mpcc_error *err);

/* As gc_garble / gc_garble_to_buffer, for a planned gate range. */
enum mpcc_status gc_garble_plan(struct gc_garbler *g, const struct gc_plan *p, gc_table_sink sink,
                                void *ctx, struct mpcc_error *err);
enum mpcc_status gc_garble_plan_to_buffer(struct gc_garbler *g, const struct gc_plan *p, void *buf,
                                          size_t cap_bytes, size_t *len_out,
                                          struct mpcc_error *err);

/* ---- programs: a circuit with calls of subcircuits ----
 * Each circuit of the program (the main one and every subcircuit of its
 * library) is split at its calls and each piece planned once; running the
 * program walks the main circuit, and a call copies its argument labels into
 * the callee's own slot array (one per subcircuit, made on first use), runs
 * the callee's plan and copies the result labels back. Tables and tweaks
 * are those of the flattened circuit: the g-th AND run is the g-th AND of
 * the expansion. Memory: the plans plus one frame per subcircuit, never the
 * expansion. A circuit without calls is one plan. The circuit must outlive
 * the plan. */
struct gc_prog;
struct gc_prog *gc_prog_new(const struct circuit *c, struct mpcc_error *err);
void gc_prog_free(struct gc_prog *p);
/* AND gates of one run (calls expanded). */
uint64_t gc_prog_n_and(const struct gc_prog *p);
/* Runs the program on a garbler / evaluator made for the main circuit's
 * n_wires (inputs set), tables to a sink / from a source. */
enum mpcc_status gc_garble_prog(struct gc_garbler *g, const struct gc_prog *p, gc_table_sink sink, void *ctx,
                                struct mpcc_error *err);
enum mpcc_status gc_evaluate_prog(struct gc_evaluator *e, const struct gc_prog *p, gc_table_source source,
                                  void *ctx, struct mpcc_error *err);

/* Output decoding bits: d[i] = lsb(zero-label of output wire i), for the
 * c->n_output_bits outputs (call after garbling the last gate). */
enum mpcc_status gc_garbler_decode_bits(const struct gc_garbler *g, const struct circuit *c,
                                        uint8_t *d, struct mpcc_error *err);

/* ---- evaluator ---- */

/* An evaluator for circuits of at most n_wires slots, with the garbler's salt. */
struct gc_evaluator *gc_evaluator_new(uint32_t n_wires, block salt, struct mpcc_error *err);
void gc_evaluator_free(struct gc_evaluator *e);
/* As gc_garbler_set_scheme (no randomness needed). */
enum mpcc_status gc_evaluator_set_scheme(struct gc_evaluator *e, enum gc_scheme s,
                                         struct mpcc_error *err);

enum mpcc_status gc_evaluator_set_label(struct gc_evaluator *e, uint32_t wire, block label,
                                        struct mpcc_error *err);
/* The evaluator's current label of wire (below n_wires). */
block gc_evaluator_label(const struct gc_evaluator *e, uint32_t wire);
uint64_t gc_evaluator_n_and(const struct gc_evaluator *e);

/* Evaluates gates [gate_begin, gate_end), pulling the scheme's bytes per AND
 * gate from source one window (up to 8192 gates) at a time. */
enum mpcc_status gc_evaluate(struct gc_evaluator *e, const struct circuit *c, uint64_t gate_begin,
                             uint64_t gate_end, gc_table_source source, void *ctx,
                             struct mpcc_error *err);
/* As gc_evaluate, reading tables from buf; MPCC_ERR_PROTOCOL if buf holds
 * fewer than the range needs. *used_out receives the bytes consumed. */
enum mpcc_status gc_evaluate_from_buffer(struct gc_evaluator *e, const struct circuit *c,
                                         uint64_t gate_begin, uint64_t gate_end, const void *buf,
                                         size_t len_bytes, size_t *used_out,
                                         struct mpcc_error *err);

/* As gc_evaluate / gc_evaluate_from_buffer, for a planned gate range. */
enum mpcc_status gc_evaluate_plan(struct gc_evaluator *e, const struct gc_plan *p,
                                  gc_table_source source, void *ctx, struct mpcc_error *err);
enum mpcc_status gc_evaluate_plan_from_buffer(struct gc_evaluator *e, const struct gc_plan *p,
                                              const void *buf, size_t len_bytes, size_t *used_out,
                                              struct mpcc_error *err);

/* Colour bits of the outputs: colour[i] = lsb(label of output wire i). */
enum mpcc_status gc_evaluator_colour_bits(const struct gc_evaluator *e, const struct circuit *c,
                                          uint8_t *colour, struct mpcc_error *err);

/* ---- decoding (either side, or a third party holding both) ---- */

/* out[i] = (colour[i] xor d[i]) & 1: the plaintext output bits. */
void gc_decode(const uint8_t *colour, const uint8_t *d, size_t n, uint8_t *out);

#endif
