/* progress_line.h - mpcrun's progress display: one updating stderr line on a
 * terminal (phase, AND gates done of the total, rate, ETA, bytes), or plain
 * lines with --progress when stderr is not a terminal. A thread polls the
 * run's struct mpcc_progress; stdout is never touched. */
#ifndef MPCRUN_PROGRESS_LINE_H
#define MPCRUN_PROGRESS_LINE_H

#include <pthread.h>
#include <stdint.h>

#include "mpcc/progress.h"
#include "runtime/net/net.h"

enum progress_mode {
    PROGRESS_AUTO,   /* on a terminal, for runs longer than about a second */
    PROGRESS_FORCED, /* --progress: always (plain lines off a terminal) */
    PROGRESS_QUIET   /* --quiet */
};

struct progress_line {
    struct mpcc_progress pg;  /* the run reports here (net_set_progress) */
    uint64_t and_total;
    enum progress_mode mode;
    int tty;
    int shown;                /* a line is on the terminal (to clear) */
    int running;              /* the thread was started */
    int stop;
    double t0, t_garble;      /* start; first seen garbling (0: not yet) */
    uint64_t and_at_garble;   /* AND gates done then */
    const char *who;
    struct net_channel *const *chans; /* reporting here until stop (NULL ones skipped) */
    uint32_t n_chans;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

/* Starts the display (no thread when quiet, or auto off a terminal) and
 * has the run's channels chans[0 .. n-1] report to it. chans is read again
 * at stop: a channel freed meanwhile must have been set to NULL there. */
void progress_line_start(struct progress_line *l, enum progress_mode mode, uint64_t and_total,
                         const char *who, struct net_channel *const *chans, uint32_t n);
/* Detaches the channels, stops the thread; clears the terminal line, or
 * (forced) prints a last line. Call before printing outputs. */
void progress_line_stop(struct progress_line *l);

#endif
