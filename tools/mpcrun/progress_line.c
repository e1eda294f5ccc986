/* progress_line.c - mpcrun's progress line (progress_line.h). */
#include "progress_line.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_DELAY_S 1.0    /* auto mode: nothing for runs shorter than this */
#define PROGRESS_TTY_MS 250     /* a terminal line is redrawn this often */
#define PROGRESS_PLAIN_MS 2000  /* plain lines this often */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Below 100 000 exactly ("5008"), else scaled: 1234567 -> "1.23 M";
 * bytes with a B. */
static void human(char *out, size_t n, double v, const char *unit)
{
    const char *p[] = {"", " k", " M", " G", " T"};
    int i = 0;
    while (v >= (i == 0 ? 100000.0 : 1000.0) && i < 4)
        v /= 1000.0, i++;
    snprintf(out, n, i == 0 ? "%.0f%s%s" : "%.2f%s%s", v, p[i], unit);
}

static void render(struct progress_line *l, int last)
{
    double t = now_s();
    int phase = atomic_load_explicit(&l->pg.phase, memory_order_relaxed);
    uint64_t done = atomic_load_explicit(&l->pg.and_done, memory_order_relaxed);
    uint64_t sent = atomic_load_explicit(&l->pg.bytes_sent, memory_order_relaxed);
    uint64_t recv = atomic_load_explicit(&l->pg.bytes_recv, memory_order_relaxed);
    char d[32], tot[32], rate[32], s[32], r[32], eta[32] = "";
    human(d, sizeof d, (double)done, "");
    human(tot, sizeof tot, (double)l->and_total, "");
    human(s, sizeof s, (double)sent, "B");
    human(r, sizeof r, (double)recv, "B");
    double el = l->t_garble > 0.0 ? t - l->t_garble : 0.0;
    double per_s = el > 0.05 ? (double)(done - l->and_at_garble) / el : 0.0;
    if (last && t > l->t0) /* the whole run's */
        per_s = (double)done / (t - l->t0);
    human(rate, sizeof rate, per_s, " AND/s");
    if (per_s > 0.0 && done < l->and_total && phase == MPCC_PHASE_GARBLE) {
        double left = (double)(l->and_total - done) / per_s;
        snprintf(eta, sizeof eta, ", ETA %d:%02d", (int)(left / 60), (int)left % 60);
    }
    unsigned pct = l->and_total ? (unsigned)(100.0 * (double)done / (double)l->and_total) : 0;
    char line[256];
    snprintf(line, sizeof line, "%s: %s, %s of %s AND (%u%%), %s%s, sent %s, received %s",
             l->who, mpcc_phase_name(last ? MPCC_PHASE_DONE : phase), d, tot, pct, rate, eta, s, r);
    if (l->tty)
        fprintf(stderr, "\r%s\033[K", line);
    else
        fprintf(stderr, "%s\n", line);
    fflush(stderr);
    l->shown = 1;
}

static void *progress_main(void *arg)
{
    struct progress_line *l = arg;
    int period = l->tty ? PROGRESS_TTY_MS : PROGRESS_PLAIN_MS;
    pthread_mutex_lock(&l->mu);
    while (!l->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)period * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        int rc = pthread_cond_timedwait(&l->cv, &l->mu, &ts);
        if (l->stop)
            break;
        /* The rate counts from the first wake-up in the garbling phase. */
        if (l->t_garble == 0.0 &&
            atomic_load_explicit(&l->pg.phase, memory_order_relaxed) >= MPCC_PHASE_GARBLE) {
            l->t_garble = now_s();
            l->and_at_garble = atomic_load_explicit(&l->pg.and_done, memory_order_relaxed);
        }
        if (rc == ETIMEDOUT &&
            (l->mode == PROGRESS_FORCED || now_s() - l->t0 >= PROGRESS_DELAY_S))
            render(l, 0);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

static void progress_line_attach(struct progress_line *l, struct mpcc_progress *p)
{
    for (uint32_t i = 0; i < l->n_chans; i++)
        if (l->chans[i] != NULL)
            net_set_progress(l->chans[i], p);
}

void progress_line_start(struct progress_line *l, enum progress_mode mode, uint64_t and_total,
                         const char *who, struct net_channel *const *chans, uint32_t n)
{
    memset(l, 0, sizeof *l);
    mpcc_progress_init(&l->pg);
    l->mode = mode;
    l->and_total = and_total;
    l->who = who;
    l->chans = chans;
    l->n_chans = n;
    l->tty = isatty(STDERR_FILENO);
    l->t0 = now_s();
    if (mode == PROGRESS_QUIET || (mode == PROGRESS_AUTO && !l->tty))
        return;
    if (pthread_mutex_init(&l->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&l->cv, NULL) != 0) {
        pthread_mutex_destroy(&l->mu);
        return;
    }
    if (pthread_create(&l->th, NULL, progress_main, l) != 0) { /* no display, still a run */
        pthread_cond_destroy(&l->cv);
        pthread_mutex_destroy(&l->mu);
        return;
    }
    l->running = 1;
    progress_line_attach(l, &l->pg);
}

void progress_line_stop(struct progress_line *l)
{
    if (!l->running)
        return;
    progress_line_attach(l, NULL);
    pthread_mutex_lock(&l->mu);
    l->stop = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->th, NULL);
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    l->running = 0;
    if (l->mode == PROGRESS_FORCED) {
        render(l, 1); /* a last figure, even for a run shorter than one period */
        if (l->tty)
            fprintf(stderr, "\n");
    } else if (l->tty && l->shown) {
        fprintf(stderr, "\r\033[K"); /* the line goes; the outputs stay */
    }
    fflush(stderr);
}
