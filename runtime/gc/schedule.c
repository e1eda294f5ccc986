/* schedule.c - plans windows of gates for batched garbling: gives every gate
 * the earliest phase its slot dependencies allow (XOR/INV even, AND odd),
 * renaming a reused wire slot to a scratch slot when the reuse would delay
 * the gate, and sorts the window by phase, stably, into runs of one kind, so
 * the AND gates of a run are independent and hashed together; gc_plan keeps
 * a whole range planned. Sees wire numbers and ops only (public data). */
#include <stdlib.h>
#include <string.h>

#include "runtime/gc/gc_internal.h"

struct gc_plan {
    uint32_t n_wires; /* of the circuit planned */
    uint64_t n_gates, n_and, n_windows;
    struct gc_sgate *sg;  /* all windows' planned gates, one after another */
    uint64_t *win_sg;     /* n_windows + 1 offsets into sg */
    uint32_t *runs;       /* all windows' runs, one after another */
    uint64_t *win_runs;   /* n_windows + 1 offsets into runs */
    uint32_t *win_and;    /* ANDs per window */
};

int gc_sched_init(struct gc_sched *s, uint32_t n_wires)
{
    memset(s, 0, sizeof *s);
    size_t nw = n_wires ? n_wires : 1;
    s->n_wires = n_wires;
    s->state = calloc(2 * (nw + GC_WINDOW), sizeof *s->state);
    s->ren = calloc(nw, sizeof *s->ren);
    s->renamed = malloc(GC_WINDOW * sizeof *s->renamed);
    s->phase = malloc(GC_WINDOW * sizeof *s->phase);
    s->count = malloc((2 * GC_WINDOW + 4) * sizeof *s->count);
    if (!s->state || !s->ren || !s->renamed || !s->phase || !s->count) {
        gc_sched_free(s);
        return 0;
    }
    return 1;
}

void gc_sched_free(struct gc_sched *s)
{
    free(s->state);
    free(s->ren);
    free(s->renamed);
    free(s->phase);
    free(s->count);
    memset(s, 0, sizeof *s);
}

static inline uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* Phase rules, with an AND batch reading all its inputs before writing any
 * output, and batches and runs executed in order:
 *  - a value written in phase p by XOR/INV can be read from phase p on (same
 *    phase, later in circuit order); written by AND in phase q, from q+1;
 *  - a slot read in phase p may be overwritten from phase p on: by a later
 *    XOR/INV of the same phase, or by an AND of phase p (its batch reads
 *    every input before writing any output, and batches run in order); an
 *    XOR/INV writer after an AND reader of phase q lands in q+1 anyway, as
 *    XOR phases are even;
 *  - a slot may be rewritten once its current value is available (so the
 *    writes to one slot keep their order; avail <= warb always holds, so
 *    warb alone bounds a writer).
 * When the write bound alone would push a gate to a later phase than its
 * inputs allow (a wire slot reused soon after its last read, as compacted
 * circuits do), the gate writes a fresh scratch slot instead and later gates
 * of the window read the wire from there; one copy per renamed wire, in a
 * final XOR run, puts the values back. */
enum mpcc_status gc_sched_plan(struct gc_sched *s, const struct circ_gate *gates, uint64_t first,
                               uint32_t n, struct gc_sgate *out, uint32_t *n_out, uint32_t *runs,
                               uint32_t *n_runs, uint32_t *n_and_out, const char *who,
                               struct mpcc_error *err)
{
    const uint32_t nw = s->n_wires;
    if (s->base > 0x7fffffffu) { /* after ~2^30 windows: restart phase numbers */
        memset(s->state, 0, 2 * ((size_t)nw + GC_WINDOW) * sizeof *s->state);
        s->base = 0;
    }
    const uint32_t base = s->base;
    /* state[] is indexed by slot - GC_SLOT_SCRATCH: scratch i at i (gate i of
     * the window owns it; phases left from older windows are below base),
     * wire w at GC_WINDOW + w. ren[w] is 1 + the scratch holding wire w. */
    uint32_t *st = s->state, *ren = s->ren, *phase = s->phase;
    struct gc_sgate *tmp = out + GC_WINDOW; /* circuit order; sorted into out */
    uint32_t maxp = base, n_ren = 0, n_and = 0;
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
        uint32_t pa = ren[a] ? ren[a] - 1 : GC_WINDOW + a;
        uint32_t pb = ren[b] ? ren[b] - 1 : GC_WINDOW + b;
        uint32_t po = ren[o] ? ren[o] - 1 : GC_WINDOW + o;
        uint32_t lb_in = max_u32(max_u32(st[2 * pa], st[2 * pb]), base);
        uint32_t lb = max_u32(lb_in, st[2 * po + 1]);
        uint32_t p = is_and ? (lb | 1u) : ((lb + 1u) & ~1u);
        uint32_t p_in = is_and ? (lb_in | 1u) : ((lb_in + 1u) & ~1u);
        if (p_in < p) { /* the write alone delays the gate: rename o */
            if (ren[o] == 0)
                s->renamed[n_ren++] = o;
            ren[o] = i + 1;
            po = i;
            p = p_in;
        }
        phase[i] = p - base;
        maxp = max_u32(maxp, p);
        uint32_t r = p + is_and;
        st[2 * pa + 1] = max_u32(st[2 * pa + 1], p);
        st[2 * pb + 1] = max_u32(st[2 * pb + 1], p);
        st[2 * po] = r;
        st[2 * po + 1] = r;
        tmp[i] = (struct gc_sgate){pa + GC_SLOT_SCRATCH,
                                   gt->op == CIRC_INV ? GC_SLOT_INV : pb + GC_SLOT_SCRATCH,
                                   po + GC_SLOT_SCRATCH, is_and ? n_and : 0};
        n_and += is_and;
    }
    /* Stable counting sort by phase. Neighbouring gates often share a phase:
     * runs are counted in a register, not through memory. */
    uint32_t n_ph = maxp - base + 1;
    uint32_t *count = s->count;
    memset(count, 0, ((size_t)n_ph + 1) * sizeof *count);
    uint32_t cur = n ? phase[0] : 0, run = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (phase[i] != cur) {
            count[cur + 1] += run;
            cur = phase[i];
            run = 0;
        }
        run++;
    }
    count[cur + 1] += run;
    for (uint32_t k = 1; k <= n_ph; k++)
        count[k] += count[k - 1];
    uint32_t pos = 0;
    cur = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++) {
        if (phase[i] != cur) {
            if (cur != UINT32_MAX)
                count[cur] = pos;
            cur = phase[i];
            pos = count[cur];
        }
        out[pos++] = tmp[i];
    }
    if (cur != UINT32_MAX)
        count[cur] = pos;
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
    /* Copies of renamed wires back to their slots, after everything else. */
    if (n_ren > 0) {
        uint32_t pc = (maxp + 2u) & ~1u;
        for (uint32_t k = 0; k < n_ren; k++) {
            uint32_t w = s->renamed[k];
            out[n + k] = (struct gc_sgate){ren[w] - 1 + GC_SLOT_SCRATCH, GC_SLOT_ZERO,
                                           GC_WINDOW + w + GC_SLOT_SCRATCH, 0};
            ren[w] = 0;
            st[2 * (GC_WINDOW + w)] = pc;
            st[2 * (GC_WINDOW + w) + 1] = pc;
        }
        if (nr > 0 && !(runs[nr - 1] & GC_RUN_AND))
            runs[nr - 1] += n_ren << 1;
        else
            runs[nr++] = n_ren << 1;
        maxp = pc;
    }
    *n_out = n + n_ren;
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
    struct gc_sgate *win = NULL;
    uint64_t cap_sg = n + 16, cap_runs = 1024;
    struct gc_plan *p = calloc(1, sizeof *p);
    int sched_ok = gc_sched_init(&s, c->n_wires);
    if (p == NULL || !sched_ok)
        goto nomem;
    p->n_wires = c->n_wires;
    p->n_gates = n;
    p->n_windows = (n + GC_WINDOW - 1) / GC_WINDOW;
    p->sg = malloc(cap_sg * sizeof *p->sg);
    p->runs = malloc(cap_runs * sizeof *p->runs);
    p->win_and = malloc((p->n_windows ? p->n_windows : 1) * sizeof *p->win_and);
    p->win_runs = malloc((p->n_windows + 1) * sizeof *p->win_runs);
    p->win_sg = malloc((p->n_windows + 1) * sizeof *p->win_sg);
    runs = malloc(GC_MAX_RUNS * sizeof *runs);
    win = malloc(GC_WIN_SGATES * sizeof *win);
    if (!p->sg || !p->runs || !p->win_and || !p->win_runs || !p->win_sg || !runs || !win)
        goto nomem;
    p->win_runs[0] = 0;
    p->win_sg[0] = 0;
    for (uint64_t w = 0; w < p->n_windows; w++) {
        uint64_t off = w * GC_WINDOW;
        uint32_t m = (uint32_t)(n - off < GC_WINDOW ? n - off : GC_WINDOW), nr = 0, ns = 0;
        if (gc_sched_plan(&s, c->gates, gate_begin + off, m, win, &ns, runs, &nr, &p->win_and[w],
                          "plan", err) != MPCC_OK)
            goto fail;
        uint64_t have_sg = p->win_sg[w], have_runs = p->win_runs[w];
        if (have_sg + ns > cap_sg) { /* renames add copies: grow by half */
            uint64_t cap = (have_sg + ns) + (have_sg + ns) / 2;
            struct gc_sgate *grown = realloc(p->sg, cap * sizeof *grown);
            if (grown == NULL)
                goto nomem;
            p->sg = grown;
            cap_sg = cap;
        }
        if (have_runs + nr > cap_runs) {
            uint64_t cap = 2 * (have_runs + nr);
            uint32_t *grown = realloc(p->runs, cap * sizeof *grown);
            if (grown == NULL)
                goto nomem;
            p->runs = grown;
            cap_runs = cap;
        }
        memcpy(p->sg + have_sg, win, ns * sizeof *win);
        memcpy(p->runs + have_runs, runs, nr * sizeof *runs);
        p->win_sg[w + 1] = have_sg + ns;
        p->win_runs[w + 1] = have_runs + nr;
        p->n_and += p->win_and[w];
    }
    free(win);
    free(runs);
    gc_sched_free(&s);
    return p;
nomem:
    mpcc_error_set(err, MPCC_ERR_NOMEM, "plan: out of memory for %llu gates",
                   (unsigned long long)n);
fail:
    free(win);
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
    free(p->win_sg);
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
        w->sg = p->sg + p->win_sg[it->pos];
        w->n_gates = (uint32_t)(p->win_sg[it->pos + 1] - p->win_sg[it->pos]);
        w->n_and = p->win_and[it->pos];
        w->runs = p->runs + p->win_runs[it->pos];
        w->n_runs = (uint32_t)(p->win_runs[it->pos + 1] - p->win_runs[it->pos]);
        it->pos++;
        return MPCC_OK;
    }
    uint32_t m = (uint32_t)(it->end - it->pos < GC_WINDOW ? it->end - it->pos : GC_WINDOW);
    enum mpcc_status st = gc_sched_plan(it->sched, it->c->gates, it->pos, m, it->buf, &w->n_gates,
                                        it->runs, &w->n_runs, &w->n_and, it->who, err);
    if (st != MPCC_OK)
        return st;
    w->sg = it->buf;
    w->runs = it->runs;
    it->pos += m;
    return MPCC_OK;
}
