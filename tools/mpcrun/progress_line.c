/* progress_line.c - mpcrun's progress line (progress_line.h): what the line
 * says; common/status_line.c draws it. */
#include "progress_line.h"

#include <stdio.h>
#include <string.h>

static void format(void *ctx, char *line, size_t n, int last)
{
    struct progress_line *l = ctx;
    double t = status_now();
    int phase = atomic_load_explicit(&l->pg.phase, memory_order_relaxed);
    uint64_t done = atomic_load_explicit(&l->pg.and_done, memory_order_relaxed);
    uint64_t sent = atomic_load_explicit(&l->pg.bytes_sent, memory_order_relaxed);
    uint64_t recv = atomic_load_explicit(&l->pg.bytes_recv, memory_order_relaxed);
    /* The rate counts from the first look in the garbling phase. */
    if (l->t_garble == 0.0 && phase >= MPCC_PHASE_GARBLE) {
        l->t_garble = t;
        l->and_at_garble = done;
    }
    char d[32], tot[32], rate[32], s[32], r[32], eta[32] = "";
    status_human(d, sizeof d, (double)done, "");
    status_human(tot, sizeof tot, (double)l->and_total, "");
    status_human(s, sizeof s, (double)sent, "B");
    status_human(r, sizeof r, (double)recv, "B");
    double el = l->t_garble > 0.0 ? t - l->t_garble : 0.0;
    double per_s = el > 0.05 ? (double)(done - l->and_at_garble) / el : 0.0;
    if (last && t > l->line.t0) /* the whole run's */
        per_s = (double)done / (t - l->line.t0);
    status_human(rate, sizeof rate, per_s, " AND/s");
    if (per_s > 0.0 && done < l->and_total && phase == MPCC_PHASE_GARBLE) {
        double left = (double)(l->and_total - done) / per_s;
        snprintf(eta, sizeof eta, ", ETA %d:%02d", (int)(left / 60), (int)left % 60);
    }
    unsigned pct = l->and_total ? (unsigned)(100.0 * (double)done / (double)l->and_total) : 0;
    snprintf(line, n, "%s: %s, %s of %s AND (%u%%), %s%s, sent %s, received %s", l->who,
             mpcc_phase_name(last ? MPCC_PHASE_DONE : phase), d, tot, pct, rate, eta, s, r);
}

static void attach(struct progress_line *l, struct mpcc_progress *p)
{
    for (uint32_t i = 0; i < l->n_chans; i++)
        if (l->chans[i] != NULL)
            net_set_progress(l->chans[i], p);
}

void progress_line_start(struct progress_line *l, enum status_mode mode, uint64_t and_total,
                         const char *who, struct net_channel *const *chans, uint32_t n)
{
    memset(l, 0, sizeof *l);
    mpcc_progress_init(&l->pg);
    l->and_total = and_total;
    l->who = who;
    l->chans = chans;
    l->n_chans = n;
    status_line_start(&l->line, mode, format, l);
    if (l->line.running)
        attach(l, &l->pg);
}

void progress_line_stop(struct progress_line *l)
{
    if (l->line.running)
        attach(l, NULL);
    status_line_stop(&l->line);
}
