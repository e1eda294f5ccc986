/* progress_line.h - mpcrun's progress display: one updating stderr line on a
 * terminal (phase, AND gates done of the total, rate, ETA, bytes), or plain
 * lines with --progress when stderr is not a terminal (common/status_line.h
 * draws it). The run reports through its channels into a struct
 * mpcc_progress, which the line's thread polls; stdout is never touched. */
#ifndef MPCRUN_PROGRESS_LINE_H
#define MPCRUN_PROGRESS_LINE_H

#include <stdint.h>

#include "common/status_line.h"
#include "mpcc/progress.h"
#include "runtime/net/net.h"

struct progress_line {
    struct mpcc_progress pg;  /* the run reports here (net_set_progress) */
    uint64_t and_total;
    double t_garble;          /* first seen garbling (0: not yet); display thread only */
    uint64_t and_at_garble;   /* AND gates done then */
    const char *who;
    struct net_channel *const *chans; /* reporting here until stop (NULL ones skipped) */
    uint32_t n_chans;
    struct status_line line;
};

/* Starts the display (no thread when quiet, or auto off a terminal) and
 * has the run's channels chans[0 .. n-1] report to it. chans is read again
 * at stop: a channel freed meanwhile must have been set to NULL there. */
void progress_line_start(struct progress_line *l, enum status_mode mode, uint64_t and_total,
                         const char *who, struct net_channel *const *chans, uint32_t n);
/* Detaches the channels, stops the thread; clears the terminal line, or
 * (forced) prints a last line. Call before printing outputs. */
void progress_line_stop(struct progress_line *l);

#endif
