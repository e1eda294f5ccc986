/* schedule.c - plans windows of gates for batched garbling: gives every gate
 * the earliest phase its wire-slot dependencies allow (XOR/INV even, AND odd)
 * and sorts the window by phase, stably, into runs of one kind, so the AND
 * gates of a run are independent and hashed together; gc_plan keeps a whole
 * range planned for repeated runs. Sees wire numbers and ops only (public). */
#include <stdlib.h>
#include <string.h>

#include "runtime/gc/gc_internal.h"

struct gc_plan {
    uint32_t n_wires; /* of the circuit planned */
    uint64_t n_gates, n_and, n_windows;
    struct gc_sgate *sg;  /* n_gates, window k at k * GC_WINDOW */
    uint32_t *runs;       /* all windows' runs, one after another */
    uint64_t *win_runs;   /* n_windows + 1 offsets into runs */
    uint32_t *win_and;    /* ANDs per window */
};

int gc_sched_init(struct gc_sched *s, uint32_t n_wires)
{
    memset(s, 0, sizeof *s);
    size_t nw = n_wires ? n_wires : 1;
    s->n_wires = n_wires;
    s->slot = calloc(2 * nw, sizeof *s->slot);
    s->phase = malloc(GC_WINDOW * sizeof *s->phase);
    s->count = malloc((2 * GC_WINDOW + 4) * sizeof *s->count);
    if (!s->slot || !s->phase || !s->count) {
        gc_sched_free(s);
        return 0;
    }
    return 1;
}

void gc_sched_free(struct gc_sched *s)
{
    free(s->slot);
    free(s->phase);
    free(s->count);
    memset(s, 0, sizeof *s);
}

static inline uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* Phase rules, with an AND batch collecting its inputs first and writing its
 * outputs when hashed at the end of its run:
 *  - a value written in phase p by XOR/INV can be read from phase p on (same
 *    phase, later in circuit order); written by AND in phase q, from q+1;
 *  - a slot read in phase p by XOR/INV may be overwritten from phase p on;
 *    read by AND in phase q, from q+1 (conservative for AND writers);
 *  - a slot may be rewritten once its current value is available, so the
 *    writes to one slot keep their order (avail <= warb always holds, so
 *    warb alone bounds a writer). */
enum mpcc_status gc_sched_plan(struct gc_sched *s, const struct circ_gate *gates, uint64_t first,
                               uint32_t n, struct gc_sgate *out, uint32_t *runs,
                               uint32_t *n_runs, uint32_t *n_and_out, const char *who,
                               struct mpcc_error *err)
{
    if (s->base > 0x7fffffffu) { /* after ~2^30 windows: restart phase numbers */
        memset(s->slot, 0, 2 * (size_t)s->n_wires * sizeof *s->slot);
        s->base = 0;
    }
    const uint32_t base = s->base, nw = s->n_wires;
    uint32_t *slot = s->slot, *phase = s->phase;
    uint32_t maxp = base;
    for (uint32_t i = 0; i < n; i++) {
        const struct circ_gate *gt = &gates[first + i];
        uint32_t a = gt->in0, b = gt->in1, o = gt->out;
        if (a >= nw || b >= nw || o >= nw)
            return mpcc_error_set(err, MPCC_ERR_INVALID, "%s: gate %llu: wire beyond %u slots", who,
                                  (unsigned long long)(first + i), nw);
        if (gt->op > CIRC_INV)
            return mpcc_error_set(err, MPCC_ERR_INVALID, "%s: gate %llu: unknown op %u", who,
                                  (unsigned long long)(first + i), gt->op);
        uint32_t is_and = gt->op == CIRC_AND;
        uint32_t lb = max_u32(max_u32(slot[2 * a], slot[2 * b]), max_u32(slot[2 * o + 1], base));
        uint32_t p = is_and ? (lb | 1u) : ((lb + 1u) & ~1u);
        phase[i] = p - base;
        maxp = max_u32(maxp, p);
        uint32_t r = p + is_and;
        slot[2 * a + 1] = max_u32(slot[2 * a + 1], r);
        slot[2 * b + 1] = max_u32(slot[2 * b + 1], r);
        slot[2 * o] = r;
        slot[2 * o + 1] = r;
    }
    /* Stable counting sort by phase; ranks follow circuit order. */
    uint32_t n_ph = maxp - base + 1;
    uint32_t *count = s->count;
    memset(count, 0, ((size_t)n_ph + 1) * sizeof *count);
    for (uint32_t i = 0; i < n; i++)
        count[phase[i] + 1]++;
    for (uint32_t k = 1; k <= n_ph; k++)
        count[k] += count[k - 1];
    uint32_t n_and = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct circ_gate *gt = &gates[first + i];
        uint32_t pos = count[phase[i]]++;
        if (gt->op == CIRC_AND)
            out[pos] = (struct gc_sgate){gt->in0 + 1, gt->in1 + 1, gt->out + 1, n_and++};
        else if (gt->op == CIRC_XOR)
            out[pos] = (struct gc_sgate){gt->in0 + 1, gt->in1 + 1, gt->out + 1, 0};
        else /* INV: XOR with the constant slot 0 */
            out[pos] = (struct gc_sgate){gt->in0 + 1, 0, gt->out + 1, 0};
    }
    /* Runs: count[k] is now the end of phase k; even phases XOR, odd AND.
     * Consecutive XOR runs merge (their order is kept); AND runs never do. */
    uint32_t nr = 0, prev_end = 0;
    for (uint32_t k = 0; k < n_ph; k++) {
        uint32_t len = count[k] - prev_end;
        prev_end = count[k];
        if (len == 0)
            continue;
        uint32_t is_and = (base + k) & 1u;
        if (!is_and && nr > 0 && !(runs[nr - 1] & GC_RUN_AND))
            runs[nr - 1] += len << 1;
        else
            runs[nr++] = len << 1 | is_and;
    }
    *n_runs = nr;
    *n_and_out = n_and;
    s->base = maxp + 1;
    return MPCC_OK;
}

struct gc_plan *gc_plan_new(const struct circuit *c, uint64_t gate_begin, uint64_t gate_end,
                            struct mpcc_error *err)
{
    if (gate_begin > gate_end || gate_end > c->n_gates) {
        mpcc_error_set(err, MPCC_ERR_INVALID,
                       "plan: gate range %llu..%llu outside the circuit's %llu gates",
                       (unsigned long long)gate_begin, (unsigned long long)gate_end,
                       (unsigned long long)c->n_gates);
        return NULL;
    }
    uint64_t n = gate_end - gate_begin;
    struct gc_sched s;
    uint32_t *runs = NULL;
    struct gc_plan *p = calloc(1, sizeof *p);
    int sched_ok = gc_sched_init(&s, c->n_wires);
    if (p == NULL || !sched_ok)
        goto nomem;
    p->n_wires = c->n_wires;
    p->n_gates = n;
    p->n_windows = (n + GC_WINDOW - 1) / GC_WINDOW;
    p->sg = malloc((n ? n : 1) * sizeof *p->sg);
    p->win_and = malloc((p->n_windows ? p->n_windows : 1) * sizeof *p->win_and);
    p->win_runs = malloc((p->n_windows + 1) * sizeof *p->win_runs);
    runs = malloc(GC_MAX_RUNS * sizeof *runs);
    if (p->sg == NULL || p->win_and == NULL || p->win_runs == NULL || runs == NULL)
        goto nomem;
    p->win_runs[0] = 0;
    for (uint64_t w = 0; w < p->n_windows; w++) {
        uint64_t off = w * GC_WINDOW;
        uint32_t m = (uint32_t)(n - off < GC_WINDOW ? n - off : GC_WINDOW), nr = 0;
        if (gc_sched_plan(&s, c->gates, gate_begin + off, m, p->sg + off, runs, &nr,
                          &p->win_and[w], "plan", err) != MPCC_OK)
            goto fail;
        uint64_t have = p->win_runs[w];
        uint32_t *grown = realloc(p->runs, (have + nr) * sizeof *grown);
        if (grown == NULL)
            goto nomem;
        p->runs = grown;
        memcpy(p->runs + have, runs, nr * sizeof *runs);
        p->win_runs[w + 1] = have + nr;
        p->n_and += p->win_and[w];
    }
    free(runs);
    gc_sched_free(&s);
    return p;
nomem:
    mpcc_error_set(err, MPCC_ERR_NOMEM, "plan: out of memory for %llu gates",
                   (unsigned long long)n);
fail:
    free(runs);
    if (sched_ok)
        gc_sched_free(&s);
    gc_plan_free(p);
    return NULL;
}

void gc_plan_free(struct gc_plan *p)
{
    if (p == NULL)
        return;
    free(p->sg);
    free(p->runs);
    free(p->win_runs);
    free(p->win_and);
    free(p);
}

uint64_t gc_plan_n_and(const struct gc_plan *p) { return p->n_and; }

enum mpcc_status gc_win_start(struct gc_win_iter *it, const struct gc_plan *plan,
                              const struct circuit *c, uint64_t begin, uint64_t end,
                              uint32_t n_wires, struct gc_sched *sched, struct gc_sgate *buf,
                              uint32_t *runs, const char *who, struct mpcc_error *err)
{
    uint32_t need = plan ? plan->n_wires : c->n_wires;
    if (need > n_wires)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "%s: circuit has %u wire slots, %s was made for %u", who, need, who,
                              n_wires);
    if (plan == NULL && (begin > end || end > c->n_gates))
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "%s: gate range %llu..%llu outside the circuit's %llu gates", who,
                              (unsigned long long)begin, (unsigned long long)end,
                              (unsigned long long)c->n_gates);
    *it = (struct gc_win_iter){plan, c, sched, buf, runs, plan ? 0 : begin,
                               plan ? plan->n_windows : end, who};
    return MPCC_OK;
}

enum mpcc_status gc_win_next(struct gc_win_iter *it, struct gc_window *w, struct mpcc_error *err)
{
    w->n_gates = 0;
    if (it->pos >= it->end)
        return MPCC_OK;
    if (it->plan != NULL) {
        const struct gc_plan *p = it->plan;
        uint64_t off = it->pos * GC_WINDOW, left = p->n_gates - off;
        w->sg = p->sg + off;
        w->n_gates = (uint32_t)(left < GC_WINDOW ? left : GC_WINDOW);
        w->n_and = p->win_and[it->pos];
        w->runs = p->runs + p->win_runs[it->pos];
        w->n_runs = (uint32_t)(p->win_runs[it->pos + 1] - p->win_runs[it->pos]);
        it->pos++;
        return MPCC_OK;
    }
    uint32_t m = (uint32_t)(it->end - it->pos < GC_WINDOW ? it->end - it->pos : GC_WINDOW);
    enum mpcc_status st = gc_sched_plan(it->sched, it->c->gates, it->pos, m, it->buf, it->runs,
                                        &w->n_runs, &w->n_and, it->who, err);
    if (st != MPCC_OK)
        return st;
    w->sg = it->buf;
    w->runs = it->runs;
    w->n_gates = m;
    it->pos += m;
    return MPCC_OK;
}
