/* progress.h - a run's progress, for a display in another thread (mpcrun's
 * progress line): the protocol updates it, through the channels it runs on
 * (net_set_progress), and a reader polls it. Every field is atomic, updated
 * with relaxed order: counts for a human, not for synchronisation. */
#ifndef MPCC_PROGRESS_H
#define MPCC_PROGRESS_H

#include <stdatomic.h>
#include <stdint.h>

enum mpcc_phase {
    MPCC_PHASE_CONNECT,   /* before the protocol starts */
    MPCC_PHASE_HANDSHAKE, /* hello and checks */
    MPCC_PHASE_BASE_OT,   /* public-key base OTs, OT extension set-up */
    MPCC_PHASE_INPUTS,    /* input labels, OTs, masked inputs */
    MPCC_PHASE_GARBLE,    /* garbling / evaluation: AND gates stream */
    MPCC_PHASE_OUTPUT,    /* transcript checks and output delivery */
    MPCC_PHASE_DONE
};

struct mpcc_progress {
    atomic_int phase;                 /* enum mpcc_phase */
    atomic_uint_least64_t and_done;   /* AND gates garbled or evaluated so far */
    atomic_uint_least64_t bytes_sent; /* over every channel that reports here */
    atomic_uint_least64_t bytes_recv;
};

/* Zero counts, phase CONNECT. */
void mpcc_progress_init(struct mpcc_progress *p);
/* These accept p == NULL (no one is watching) and do nothing then. */
void mpcc_progress_phase(struct mpcc_progress *p, enum mpcc_phase phase);
void mpcc_progress_ands(struct mpcc_progress *p, uint64_t n);
/* "connecting", "handshake", "base OT", "inputs", "garbling", "output", "done". */
const char *mpcc_phase_name(int phase);

#endif
