/* status_line.h - a status line on stderr for long work, shared by the
 * commands (mpcrun's run progress, mpcc's compile progress): a thread asks
 * the caller for the line's text every so often and draws it in place on a
 * terminal, or as plain lines when stderr is not one (only when forced).
 * stdout is never touched. The caller's format function runs in that thread
 * and must only read atomics (or other thread-safe state). */
#ifndef MPCC_STATUS_LINE_H
#define MPCC_STATUS_LINE_H

#include <pthread.h>
#include <stddef.h>

enum status_mode {
    STATUS_AUTO,   /* on a terminal, for work longer than about a second */
    STATUS_FORCED, /* always (plain lines off a terminal), and a last line at the end */
    STATUS_QUIET   /* never */
};

/* Writes the line (at most n bytes, NUL-terminated) into line; last is 1 for
 * the final line of forced mode (the work is over). */
typedef void (*status_format_fn)(void *ctx, char *line, size_t n, int last);

struct status_line {
    enum status_mode mode;
    status_format_fn format;
    void *ctx;
    int tty;
    int shown;   /* a line is on the terminal (to clear) */
    int running; /* the thread was started */
    int stop;
    double t0;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

/* Starts the display (no thread when quiet, or auto off a terminal; none
 * either when a thread cannot be made: the work goes on without). */
void status_line_start(struct status_line *l, enum status_mode mode, status_format_fn format,
                       void *ctx);
/* Stops the thread; clears the terminal line, or (forced) prints a last line.
 * Call before printing results. */
void status_line_stop(struct status_line *l);

/* Seconds on a monotonic clock. */
double status_now(void);
/* Below 100 000 exactly ("5008"), else scaled: 1234567 -> "1.23 M"; unit
 * appended ("B", " AND/s"). */
void status_human(char *out, size_t n, double v, const char *unit);

#endif
