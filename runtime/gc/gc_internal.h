/* gc_internal.h - what the garbler and the evaluator share and nobody else
 * uses: the batch size, the scheduled-gate record, and the window scheduler
 * (schedule.c) that reorders a window of gates so independent AND gates meet
 * in full batches. Not part of gc.h's contract. */
#ifndef MPCC_GC_INTERNAL_H
#define MPCC_GC_INTERNAL_H

#include <stdint.h>
#include <xmmintrin.h>

#include "circuits/circuit.h"
#include "mpcc/error.h"
#include "runtime/crypto/block.h"
#include "runtime/gc/gc.h"

/* AND gates hashed in one batch: 32 gates = 64 tweaks = 128 garbler blocks,
 * two rounds of the VAES kernels' 16-key groups. */
#define GC_BATCH 32

/* Half-gates' table bytes per AND gate (TG, TE); three-halves' are
 * TH_TABLE_BYTES (threehalves.h). */
#define GC_HG_TABLE_BYTES 32

/* gc_garbler_set_scheme / gc_evaluator_set_scheme's checks: `who` has made
 * n_and AND gates so far. */
static inline enum mpcc_status gc_scheme_check(enum gc_scheme s, uint64_t n_and, const char *who,
                                               struct mpcc_error *err)
{
    if (n_and != 0)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "%s: the garbling scheme cannot change after the first AND gate", who);
    if (s != GC_HALF_GATES && s != GC_THREE_HALVES)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "%s: unknown garbling scheme %d", who, (int)s);
    return MPCC_OK;
}

/* Gates planned together. A window's tables (at most 32 bytes per gate) fit
 * GC_SINK_CHUNK_BYTES. */
#define GC_WINDOW 8192

/* Slot array of the executors (garbler and evaluator alike):
 *   0                      a constant for INV: Delta (garbler) or zero (evaluator)
 *   1                      zero (copies are XOR with it)
 *   2 .. GC_SLOT_BASE-1    scratch slots: a window renames a wire slot here when
 *                          reusing it would serialise AND gates (copied back
 *                          at the end of the window)
 *   GC_SLOT_BASE + w       wire w
 * A gate in execution order holds these indices, INV rewritten as XOR with
 * slot 0, and for an AND gate its rank among its window's ANDs in circuit
 * order (which fixes its tweak and table position). */
#define GC_SLOT_INV 0u
#define GC_SLOT_ZERO 1u
#define GC_SLOT_SCRATCH 2u
#define GC_SLOT_BASE (GC_SLOT_SCRATCH + GC_WINDOW)

struct gc_sgate {
    uint32_t in0, in1, out, rank;
};

/* Gates a planned window may hold: its own plus one copy per renamed slot. */
#define GC_WIN_SGATES (2 * GC_WINDOW)

/* A window's gates form runs: consecutive gates of one kind, encoded as
 * len << 1 | is_and. Each AND run is hashed in batches of GC_BATCH, the last
 * one flushed before the next run starts; XOR runs are done inline. */
#define GC_RUN_AND 1u

/* Phases: XOR/INV gates get even phases, AND gates odd ones; running a
 * window phase by phase (circuit order within a phase, each AND phase hashed
 * in batches once collected) respects every read-after-write,
 * write-after-read and write-after-write dependency on wire slots. */
struct gc_sched {
    uint32_t n_wires;
    uint32_t base;     /* absolute phase where the next window starts */
    uint32_t *state;   /* per slot index (minus GC_SLOT_SCRATCH), 2 words: first
                        * phase its value can be read; first phase it may be
                        * overwritten */
    uint32_t *ren;     /* per wire: its scratch slot in this window, or 0 */
    uint32_t *renamed; /* wires renamed in this window (GC_WINDOW entries) */
    uint32_t *phase;   /* per gate of the window, relative to base */
    uint32_t *count;   /* counting-sort buckets */
};

/* Most runs a window can have. */
#define GC_MAX_RUNS (2 * GC_WINDOW + 4)

/* Gates ahead whose input labels an XOR run prefetches. */
#ifndef GC_PREFETCH
#define GC_PREFETCH 16
#endif

/* Prefetches the two input labels of a planned gate (slot numbers: public). */
static inline void gc_prefetch_inputs(const block *slots, const struct gc_sgate *g)
{
    _mm_prefetch((const char *)&slots[g->in0], _MM_HINT_T0);
    _mm_prefetch((const char *)&slots[g->in1], _MM_HINT_T0);
}

/* Runs a run of len XOR gates of a planned window (the same for both roles:
 * free-XOR), prefetching the inputs GC_PREFETCH gates ahead. */
static inline void gc_xor_run(block *slots, const struct gc_sgate *sg, uint32_t len)
{
    uint32_t j = 0;
    for (; j + GC_PREFETCH < len; j++) {
        gc_prefetch_inputs(slots, &sg[j + GC_PREFETCH]);
        slots[sg[j].out] = blk_xor(slots[sg[j].in0], slots[sg[j].in1]);
    }
    for (; j < len; j++)
        slots[sg[j].out] = blk_xor(slots[sg[j].in0], slots[sg[j].in1]);
}

/* 1 on success, 0 when out of memory. */
int gc_sched_init(struct gc_sched *s, uint32_t n_wires);
void gc_sched_free(struct gc_sched *s);

/* One planned window. */
struct gc_window {
    const struct gc_sgate *sg;
    const uint32_t *runs;
    uint32_t n_gates, n_and, n_runs;
};

/* Plans gates first .. first+n-1 (n <= GC_WINDOW) into out[0 .. *n_out-1]
 * (at most GC_WIN_SGATES) and runs[0 .. *n_runs-1] (at most GC_MAX_RUNS),
 * counting ANDs. Refuses unknown ops and wires beyond n_wires, naming the
 * gate; `who` prefixes the message. */
enum mpcc_status gc_sched_plan(struct gc_sched *s, const struct circ_gate *gates, uint64_t first,
                               uint32_t n, struct gc_sgate *out, uint32_t *n_out, uint32_t *runs,
                               uint32_t *n_runs, uint32_t *n_and_out, const char *who,
                               struct mpcc_error *err);

/* Walks the windows of a gate range: from a gc_plan, or planned on the fly
 * from a circuit. */
struct gc_win_iter {
    const struct gc_plan *plan; /* or NULL: */
    const struct circuit *c;
    struct gc_sched *sched;
    struct gc_sgate *buf; /* GC_WIN_SGATES entries */
    uint32_t *runs;       /* GC_MAX_RUNS entries */
    uint64_t pos, end;    /* gates (on the fly) or windows (plan) */
    const char *who;
};

/* Sets w->n_gates = 0 at the end of the range. */
enum mpcc_status gc_win_next(struct gc_win_iter *it, struct gc_window *w, struct mpcc_error *err);

/* A slot array (GC_SLOT_BASE + n_wires blocks) and its wire count: what a
 * garbler or evaluator works on. Running a program with calls (exec.c)
 * swaps in the callee's frame for the call and back after it; each swap
 * returns the frame it replaced. */
struct gc_frame {
    block *slots;
    uint32_t n_wires;
};
struct gc_frame gc_garbler_swap_frame(struct gc_garbler *g, struct gc_frame f);
struct gc_frame gc_evaluator_swap_frame(struct gc_evaluator *e, struct gc_frame f);

/* Checks that a plan or circuit fits wire slots n_wires; for a circuit also
 * that [begin, end) is within it. Fills the iterator. */
enum mpcc_status gc_win_start(struct gc_win_iter *it, const struct gc_plan *plan,
                              const struct circuit *c, uint64_t begin, uint64_t end,
                              uint32_t n_wires, struct gc_sched *sched, struct gc_sgate *buf,
                              uint32_t *runs, const char *who, struct mpcc_error *err);

#endif
