/* circuit.c - construction, growth and validation of struct circuit and of
 * libraries of subcircuits, and gate counts across calls. No file formats
 * and no evaluation here. */
#include "circuit.h"

#include <stdlib.h>
#include <string.h>

struct circuit *circ_new(struct mpcc_error *err)
{
    struct circuit *c = calloc(1, sizeof *c);
    if (c == NULL)
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory allocating a circuit");
    return c;
}

void circ_free(struct circuit *c)
{
    if (c == NULL)
        return;
    free(c->input_widths);
    free(c->output_widths);
    free(c->output_wires);
    free(c->gates);
    free(c->calls);
    free(c->ranges);
    if (c->lib_ref)
        circ_lib_release(c->lib);
    free(c);
}

struct circ_lib *circ_lib_new(struct mpcc_error *err)
{
    struct circ_lib *lib = calloc(1, sizeof *lib);
    if (lib == NULL)
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory allocating a circuit library");
    else
        lib->refs = 1;
    return lib;
}

void circ_lib_release(struct circ_lib *lib)
{
    if (lib == NULL || --lib->refs > 0)
        return;
    for (uint32_t i = 0; i < lib->n_subs; i++)
        circ_free(lib->subs[i]);
    free(lib->subs);
    free(lib);
}

enum mpcc_status circ_lib_add(struct circ_lib *lib, struct circuit *sub, uint32_t *index,
                              struct mpcc_error *err)
{
    if (lib->n_subs >= CIRC_MAX_SUBS) {
        circ_free(sub);
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %u subcircuits", CIRC_MAX_SUBS);
    }
    if (lib->n_subs == lib->cap_subs) {
        uint32_t cap = lib->cap_subs ? lib->cap_subs * 2 : 16;
        struct circuit **s = realloc(lib->subs, cap * sizeof *s);
        if (s == NULL) {
            circ_free(sub);
            return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding a subcircuit");
        }
        lib->subs = s;
        lib->cap_subs = cap;
    }
    if (sub->lib_ref)
        circ_lib_release(sub->lib);
    sub->lib = lib; /* borrowed: the library owns the subcircuit */
    sub->lib_ref = 0;
    *index = lib->n_subs;
    lib->subs[lib->n_subs++] = sub;
    return MPCC_OK;
}

void circ_set_lib(struct circuit *c, struct circ_lib *lib)
{
    if (lib != NULL)
        lib->refs++;
    if (c->lib_ref)
        circ_lib_release(c->lib);
    c->lib = lib;
    c->lib_ref = lib != NULL;
}

const struct circuit *circ_callee(const struct circuit *c, const struct circ_call *call)
{
    return c->lib->subs[call->callee];
}

/* Appends n ranges to c->ranges. */
static enum mpcc_status circ_push_ranges(struct circuit *c, const struct circ_range *r, uint64_t n,
                                         struct mpcc_error *err)
{
    uint64_t need = c->n_ranges + n;
    if (need > c->cap_ranges) {
        uint64_t cap = c->cap_ranges ? c->cap_ranges : 256;
        while (cap < need)
            cap *= 2;
        if (cap > SIZE_MAX / sizeof *r)
            return mpcc_error_set(err, MPCC_ERR_LIMIT, "too many call ranges");
        struct circ_range *t = realloc(c->ranges, (size_t)cap * sizeof *t);
        if (t == NULL)
            return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding a call");
        c->ranges = t;
        c->cap_ranges = cap;
    }
    memcpy(c->ranges + c->n_ranges, r, (size_t)n * sizeof *r);
    c->n_ranges += n;
    return MPCC_OK;
}

enum mpcc_status circ_add_call_ranges(struct circuit *c, uint32_t callee, uint32_t repeat,
                                      const struct circ_range *r, uint32_t n_arg_ranges,
                                      uint32_t n_ranges, struct mpcc_error *err)
{
    if (c->lib == NULL || callee >= c->lib->n_subs)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "call of subcircuit %u, which the library does not have",
                              callee);
    if (repeat == 0 || n_arg_ranges > n_ranges)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "a call needs a repeat count of at least 1");
    const struct circuit *s = c->lib->subs[callee];
    uint64_t n_args = 0, n_res = 0;
    for (uint32_t k = 0; k < n_ranges; k++) {
        int64_t first = r[k].start, last = (int64_t)r[k].start + r[k].len - 1;
        int64_t shift = (int64_t)r[k].stride * (int64_t)(repeat - 1);
        if (r[k].len == 0 || last >= CIRC_MAX_WIRES || first + shift < 0 || last + shift >= CIRC_MAX_WIRES)
            return mpcc_error_set(err, MPCC_ERR_LIMIT, "call wires out of range");
        if (k < n_arg_ranges)
            n_args += r[k].len;
        else
            n_res += r[k].len;
    }
    if (n_args != s->n_input_bits || n_res != s->n_output_bits)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "call of subcircuit %u with %llu arguments and %llu results; it takes %llu and gives %llu",
                              callee, (unsigned long long)n_args, (unsigned long long)n_res,
                              (unsigned long long)s->n_input_bits, (unsigned long long)s->n_output_bits);
    if (c->n_calls == UINT32_MAX)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "too many calls");
    if (c->n_calls == c->cap_calls) {
        uint32_t cap = c->cap_calls ? (c->cap_calls > UINT32_MAX / 2 ? UINT32_MAX : c->cap_calls * 2) : 64;
        struct circ_call *n = realloc(c->calls, (size_t)cap * sizeof *n);
        if (n == NULL)
            return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding a call");
        c->calls = n;
        c->cap_calls = cap;
    }
    uint64_t first = c->n_ranges;
    enum mpcc_status st = circ_push_ranges(c, r, n_ranges, err);
    if (st == MPCC_OK)
        st = circ_add_gate(c, CIRC_CALL, c->n_calls, 0, 0, err);
    if (st != MPCC_OK) {
        c->n_ranges = first;
        return st;
    }
    struct circ_call *cl = &c->calls[c->n_calls++];
    cl->callee = callee;
    cl->repeat = repeat;
    cl->n_args = (uint32_t)n_args;
    cl->n_res = (uint32_t)n_res;
    cl->n_arg_ranges = n_arg_ranges;
    cl->n_ranges = n_ranges;
    cl->first_range = first;
    for (uint32_t k = n_arg_ranges; k < n_ranges; k++) {
        int64_t shift = (int64_t)r[k].stride * (int64_t)(repeat - 1);
        uint64_t top = (uint64_t)((int64_t)r[k].start + r[k].len - 1 + (shift > 0 ? shift : 0));
        if (c->n_wires <= top)
            c->n_wires = (uint32_t)top + 1;
    }
    return MPCC_OK;
}

/* Wires as ranges of consecutive wires (at most n of them) into r. */
static uint32_t circ_to_ranges(const uint32_t *w, uint32_t n, struct circ_range *r)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (k > 0 && r[k - 1].start + r[k - 1].len == w[i] && r[k - 1].len < UINT32_MAX) {
            r[k - 1].len++;
            continue;
        }
        r[k].start = w[i];
        r[k].len = 1;
        r[k].stride = 0;
        k++;
    }
    return k;
}

enum mpcc_status circ_add_call(struct circuit *c, uint32_t callee, const uint32_t *args,
                               uint32_t n_args, const uint32_t *res, uint32_t n_res,
                               struct mpcc_error *err)
{
    struct circ_range *r = malloc(((size_t)n_args + n_res + 1) * sizeof *r);
    if (r == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding a call");
    for (uint32_t i = 0; i < n_args; i++)
        if (args[i] >= CIRC_MAX_WIRES) {
            free(r);
            return mpcc_error_set(err, MPCC_ERR_LIMIT, "call argument wire %u out of range", args[i]);
        }
    for (uint32_t i = 0; i < n_res; i++)
        if (res[i] >= CIRC_MAX_WIRES) {
            free(r);
            return mpcc_error_set(err, MPCC_ERR_LIMIT, "call result wire %u out of range", res[i]);
        }
    uint32_t na = circ_to_ranges(args, n_args, r);
    uint32_t nr = circ_to_ranges(res, n_res, r + na);
    enum mpcc_status st = circ_add_call_ranges(c, callee, 1, r, na, na + nr, err);
    free(r);
    return st;
}

/* The distance of call b's ranges from call a's in *d (n ranges); 0 if the
 * calls cannot be repetitions of one another. */
static int circ_call_step(const struct circuit *c, const struct circ_call *a, const struct circ_call *b,
                          int32_t *d)
{
    if (a->callee != b->callee || a->repeat != 1 || b->repeat != 1 || a->n_ranges != b->n_ranges ||
        a->n_arg_ranges != b->n_arg_ranges)
        return 0;
    const struct circ_range *ra = c->ranges + a->first_range, *rb = c->ranges + b->first_range;
    for (uint32_t k = 0; k < a->n_ranges; k++) {
        int64_t diff = (int64_t)rb[k].start - (int64_t)ra[k].start;
        if (ra[k].len != rb[k].len || diff > INT32_MAX || diff < INT32_MIN)
            return 0;
        d[k] = (int32_t)diff;
    }
    return 1;
}

enum mpcc_status circ_merge_calls(struct circuit *c, struct mpcc_error *err)
{
    uint32_t max_r = 0;
    for (uint32_t k = 0; k < c->n_calls; k++)
        max_r = c->calls[k].n_ranges > max_r ? c->calls[k].n_ranges : max_r;
    int32_t *d = malloc(((size_t)max_r + 1) * sizeof *d), *e = malloc(((size_t)max_r + 1) * sizeof *e);
    struct circ_call *calls = malloc(((size_t)c->n_calls + 1) * sizeof *calls);
    struct circ_range *ranges = malloc(((size_t)c->n_ranges + 1) * sizeof *ranges);
    if (d == NULL || e == NULL || calls == NULL || ranges == NULL) {
        free(d);
        free(e);
        free(calls);
        free(ranges);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory merging calls");
    }
    uint64_t g_out = 0, n_ranges = 0;
    uint32_t n_calls = 0;
    for (uint64_t i = 0; i < c->n_gates;) {
        struct circ_gate g = c->gates[i];
        if (g.op != CIRC_CALL) {
            c->gates[g_out++] = g;
            i++;
            continue;
        }
        const struct circ_call *first = &c->calls[g.in0];
        uint64_t j = i + 1;
        uint32_t reps = 1;
        if (j < c->n_gates && c->gates[j].op == CIRC_CALL &&
            circ_call_step(c, first, &c->calls[c->gates[j].in0], d)) {
            const struct circ_call *prev = &c->calls[c->gates[j].in0];
            reps = 2;
            for (j++; j < c->n_gates && c->gates[j].op == CIRC_CALL && reps < UINT32_MAX; j++, reps++) {
                const struct circ_call *next = &c->calls[c->gates[j].in0];
                if (!circ_call_step(c, prev, next, e) || memcmp(d, e, first->n_ranges * sizeof *d) != 0)
                    break;
                prev = next;
            }
        } else {
            j = i + 1;
        }
        struct circ_call m = *first;
        m.repeat = reps;
        m.first_range = n_ranges;
        for (uint32_t k = 0; k < first->n_ranges; k++) {
            ranges[n_ranges] = c->ranges[first->first_range + k];
            ranges[n_ranges++].stride = reps > 1 ? d[k] : 0;
        }
        c->gates[g_out++] = (struct circ_gate){ n_calls, 0, 0, CIRC_CALL };
        calls[n_calls++] = m;
        i = j;
    }
    free(c->calls);
    free(c->ranges);
    free(d);
    free(e);
    c->calls = calls;
    c->cap_calls = n_calls + 1;
    c->n_calls = n_calls;
    c->ranges = ranges;
    c->cap_ranges = c->n_ranges + 1;
    c->n_ranges = n_ranges;
    c->n_gates = g_out;
    return MPCC_OK;
}

void circ_call_wires(const struct circuit *c, const struct circ_call *cl, uint32_t rep, uint32_t *w)
{
    const struct circ_range *r = c->ranges + cl->first_range;
    uint64_t o = 0;
    for (uint32_t k = 0; k < cl->n_ranges; k++) {
        uint32_t start = (uint32_t)((int64_t)r[k].start + (int64_t)r[k].stride * rep);
        for (uint32_t i = 0; i < r[k].len; i++)
            w[o++] = start + i;
    }
}

uint64_t circ_max_call_wires(const struct circuit *c)
{
    uint64_t m = 0;
    for (uint32_t k = 0; k < c->n_calls; k++)
        if ((uint64_t)c->calls[k].n_args + c->calls[k].n_res > m)
            m = (uint64_t)c->calls[k].n_args + c->calls[k].n_res;
    if (c->lib != NULL && c->lib_ref)
        for (uint32_t s = 0; s < c->lib->n_subs; s++) {
            uint64_t t = circ_max_call_wires(c->lib->subs[s]);
            m = t > m ? t : m;
        }
    return m;
}

enum mpcc_status circ_add_input(struct circuit *c, uint32_t width, struct mpcc_error *err)
{
    if (c->n_gates != 0)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "inputs must be added before gates");
    if (width == 0 || width > CIRC_MAX_VALUE_WIDTH)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "input width %u out of range 1..%u", width,
                              CIRC_MAX_VALUE_WIDTH);
    if (c->n_inputs >= CIRC_MAX_VALUES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %u input values", CIRC_MAX_VALUES);
    if (c->n_input_bits + width > CIRC_MAX_WIRES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "inputs need more than %u wires",
                              CIRC_MAX_WIRES);
    uint32_t *w = realloc(c->input_widths, (c->n_inputs + 1) * sizeof *w);
    if (w == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding an input");
    c->input_widths = w;
    w[c->n_inputs++] = width;
    c->n_input_bits += width;
    if (c->n_wires < c->n_input_bits)
        c->n_wires = (uint32_t)c->n_input_bits;
    return MPCC_OK;
}

enum mpcc_status circ_add_output(struct circuit *c, uint32_t width, const uint32_t *wires,
                                 struct mpcc_error *err)
{
    if (width == 0 || width > CIRC_MAX_VALUE_WIDTH)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "output width %u out of range 1..%u", width,
                              CIRC_MAX_VALUE_WIDTH);
    if (c->n_outputs >= CIRC_MAX_VALUES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %u output values", CIRC_MAX_VALUES);
    if (c->n_output_bits + width > CIRC_MAX_WIRES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "outputs have more than %u bits",
                              CIRC_MAX_WIRES);
    for (uint32_t i = 0; i < width; i++)
        if (wires[i] >= CIRC_MAX_WIRES)
            return mpcc_error_set(err, MPCC_ERR_LIMIT, "output wire %u out of range", wires[i]);
    uint32_t *ow = realloc(c->output_widths, (c->n_outputs + 1) * sizeof *ow);
    if (ow == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding an output");
    c->output_widths = ow;
    uint32_t *wl = realloc(c->output_wires, (c->n_output_bits + width) * sizeof *wl);
    if (wl == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding an output");
    c->output_wires = wl;
    memcpy(wl + c->n_output_bits, wires, width * sizeof *wl);
    ow[c->n_outputs++] = width;
    c->n_output_bits += width;
    for (uint32_t i = 0; i < width; i++)
        if (c->n_wires <= wires[i])
            c->n_wires = wires[i] + 1;
    return MPCC_OK;
}

enum mpcc_status circ_reserve_gates(struct circuit *c, uint64_t n, struct mpcc_error *err)
{
    if (n > CIRC_MAX_GATES - c->n_gates)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %llu gates",
                              (unsigned long long)CIRC_MAX_GATES);
    uint64_t need = c->n_gates + n;
    if (need <= c->cap_gates)
        return MPCC_OK;
    if ((uint64_t)SIZE_MAX / sizeof(struct circ_gate) < need)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "gate array too large");
    struct circ_gate *g = realloc(c->gates, (size_t)need * sizeof *g);
    if (g == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for %llu gates",
                              (unsigned long long)need);
    c->gates = g;
    c->cap_gates = need;
    return MPCC_OK;
}

enum mpcc_status circ_add_gate(struct circuit *c, enum circ_op op, uint32_t in0, uint32_t in1,
                               uint32_t out, struct mpcc_error *err)
{
    if (in0 >= CIRC_MAX_WIRES || in1 >= CIRC_MAX_WIRES || out >= CIRC_MAX_WIRES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "wire index beyond the limit of %u wires",
                              CIRC_MAX_WIRES);
    if (c->n_gates == c->cap_gates) {
        uint64_t grow = c->cap_gates < 1024 ? 1024 : c->cap_gates / 2;
        if (grow > CIRC_MAX_GATES - c->n_gates)
            grow = CIRC_MAX_GATES - c->n_gates;
        if (grow == 0)
            return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %llu gates",
                                  (unsigned long long)CIRC_MAX_GATES);
        enum mpcc_status st = circ_reserve_gates(c, grow, err);
        if (st != MPCC_OK)
            return st;
    }
    c->gates[c->n_gates++] = (struct circ_gate){in0, op == CIRC_INV ? in0 : in1, out, op};
    if (c->n_wires <= out)
        c->n_wires = out + 1;
    return MPCC_OK;
}

/* One circuit (its library's subcircuits are checked by circ_validate). */
static enum mpcc_status circ_validate_one(const struct circuit *c, uint32_t max_callee,
                                          struct mpcc_error *err)
{
    enum mpcc_status st = MPCC_OK;
    uint32_t *scratch = NULL;
    uint64_t scratch_n = 0;
    uint8_t *written = calloc(c->n_wires ? c->n_wires : 1, 1);
    if (written == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory validating a circuit");
    memset(written, 1, (size_t)c->n_input_bits);
    for (uint64_t i = 0; i < c->n_gates; i++) {
        const struct circ_gate *g = &c->gates[i];
        if (g->op > CIRC_CALL) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu: unknown op %u",
                                (unsigned long long)i, g->op);
            goto out;
        }
        if (g->op == CIRC_CALL) {
            if (g->in0 >= c->n_calls) {
                st = mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu: call %u does not exist",
                                    (unsigned long long)i, g->in0);
                goto out;
            }
            const struct circ_call *cl = &c->calls[g->in0];
            if (c->lib == NULL || cl->callee >= max_callee) {
                st = mpcc_error_set(err, MPCC_ERR_INVALID,
                                    "gate %llu calls subcircuit %u, which it may not call (a subcircuit "
                                    "calls only those before it)",
                                    (unsigned long long)i, cl->callee);
                goto out;
            }
            const struct circuit *s = c->lib->subs[cl->callee];
            uint64_t na = 0, nr = 0;
            int bad = cl->repeat == 0 || cl->n_arg_ranges > cl->n_ranges || cl->first_range > c->n_ranges ||
                      cl->n_ranges > c->n_ranges - cl->first_range;
            for (uint32_t k = 0; !bad && k < cl->n_ranges; k++) {
                const struct circ_range *r = &c->ranges[cl->first_range + k];
                int64_t lo = r->start, hi = (int64_t)r->start + r->len - 1;
                int64_t sh = (int64_t)r->stride * (int64_t)(cl->repeat - 1);
                bad = r->len == 0 || hi >= c->n_wires || lo + sh < 0 || hi + sh >= c->n_wires;
                *(k < cl->n_arg_ranges ? &na : &nr) += r->len;
            }
            if (bad || na != cl->n_args || nr != cl->n_res || na != s->n_input_bits || nr != s->n_output_bits) {
                st = mpcc_error_set(err, MPCC_ERR_INVALID,
                                    "gate %llu: the call of subcircuit %u has %llu arguments and %llu results "
                                    "(it takes %llu and gives %llu) or wires out of range",
                                    (unsigned long long)i, cl->callee, (unsigned long long)na,
                                    (unsigned long long)nr, (unsigned long long)s->n_input_bits,
                                    (unsigned long long)s->n_output_bits);
                goto out;
            }
            if (scratch == NULL || scratch_n < na + nr) {
                uint32_t *t = realloc(scratch, ((size_t)(na + nr) + 1) * sizeof *t);
                if (t == NULL) {
                    st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory validating a circuit");
                    goto out;
                }
                scratch = t;
                scratch_n = na + nr;
            }
            for (uint32_t rep = 0; rep < cl->repeat; rep++) {
                circ_call_wires(c, cl, rep, scratch);
                for (uint32_t k = 0; k < cl->n_args; k++) {
                    if (!written[scratch[k]]) {
                        st = mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu reads wire %u before it is written",
                                            (unsigned long long)i, scratch[k]);
                        goto out;
                    }
                }
                for (uint32_t k = 0; k < cl->n_res; k++)
                    written[scratch[cl->n_args + k]] = 1;
            }
            continue;
        }
        if (g->in0 >= c->n_wires || g->in1 >= c->n_wires || g->out >= c->n_wires) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu: wire index out of range",
                                (unsigned long long)i);
            goto out;
        }
        if (!written[g->in0] || !written[g->in1]) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "gate %llu reads wire %u before it is written",
                                (unsigned long long)i, written[g->in0] ? g->in1 : g->in0);
            goto out;
        }
        written[g->out] = 1;
    }
    for (uint64_t i = 0; i < c->n_output_bits; i++) {
        uint32_t w = c->output_wires[i];
        if (w >= c->n_wires || !written[w]) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "output bit %llu reads unwritten wire %u",
                                (unsigned long long)i, w);
            goto out;
        }
    }
out:
    free(written);
    free(scratch);
    return st;
}

enum mpcc_status circ_validate(const struct circuit *c, struct mpcc_error *err)
{
    enum mpcc_status st;
    if (c->lib != NULL && c->lib_ref) {
        for (uint32_t k = 0; k < c->lib->n_subs; k++) {
            if ((st = circ_validate_one(c->lib->subs[k], k, err)) != MPCC_OK) {
                mpcc_error_prefix(err, "subcircuit %u", k);
                return st;
            }
        }
    }
    return circ_validate_one(c, c->lib != NULL ? (c->lib_ref ? c->lib->n_subs : 0) : 0, err);
}

/* Counts of the circuit's own gates (CIRC_CALL: its calls) into n[4]. */
static void circ_own_counts(const struct circuit *c, uint64_t n[4])
{
    n[0] = n[1] = n[2] = n[3] = 0;
    for (uint64_t i = 0; i < c->n_gates; i++)
        n[c->gates[i].op & 3u]++;
}

int circ_count_ops(const struct circuit *c, uint64_t out[4])
{
    circ_own_counts(c, out);
    if (c->n_calls == 0 || c->lib == NULL)
        return 1;
    /* Totals of each subcircuit, bottom up (a subcircuit calls only earlier ones). */
    uint32_t ns = c->lib->n_subs;
    uint64_t (*tot)[4] = calloc(ns ? ns : 1, sizeof *tot);
    if (tot == NULL)
        return 0;
    for (uint32_t k = 0; k < ns; k++) {
        const struct circuit *s = c->lib->subs[k];
        circ_own_counts(s, tot[k]);
        for (uint32_t j = 0; j < s->n_calls; j++) {
            tot[k][CIRC_CALL] += s->calls[j].repeat - 1;
            for (int op = 0; op < 4; op++)
                tot[k][op] += s->calls[j].callee < k ? tot[s->calls[j].callee][op] * s->calls[j].repeat : 0;
        }
    }
    for (uint32_t j = 0; j < c->n_calls; j++) {
        out[CIRC_CALL] += c->calls[j].repeat - 1;
        for (int op = 0; op < 4; op++)
            out[op] += c->calls[j].callee < ns ? tot[c->calls[j].callee][op] * c->calls[j].repeat : 0;
    }
    free(tot);
    return 1;
}

uint64_t circ_count_op(const struct circuit *c, enum circ_op op)
{
    uint64_t n[4];
    if (!circ_count_ops(c, n)) { /* out of memory: the circuit's own gates */
        uint64_t k = 0;
        for (uint64_t i = 0; i < c->n_gates; i++)
            k += c->gates[i].op == (uint32_t)op;
        return k;
    }
    return n[op & 3u];
}

uint64_t circ_input_offset(const struct circuit *c, uint32_t k)
{
    uint64_t off = 0;
    for (uint32_t i = 0; i < k && i < c->n_inputs; i++)
        off += c->input_widths[i];
    return off;
}

uint64_t circ_output_offset(const struct circuit *c, uint32_t k)
{
    uint64_t off = 0;
    for (uint32_t i = 0; i < k && i < c->n_outputs; i++)
        off += c->output_widths[i];
    return off;
}

const char *circ_op_name(enum circ_op op)
{
    switch (op) {
    case CIRC_XOR: return "XOR";
    case CIRC_AND: return "AND";
    case CIRC_INV: return "INV";
    case CIRC_CALL: return "CALL";
    }
    return "?";
}
