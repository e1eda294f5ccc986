/* circ_bin.c - binary encoding of circuits with their libraries (see
 * circ_bin.h). One circuit is: input and output counts and widths, its wire
 * slots, its gates, its output wires. A gate starts with varint(d << 2 | op)
 * where d is the zig-zag distance of its output from the previous gate's
 * (XOR, AND, INV) or the callee's index (CALL); XOR/AND/INV follow with the
 * zig-zag distances of their inputs from the output, a call with its repeat
 * count, range counts and each range's start (zig-zag from the previous
 * range's), length and stride. The library's subcircuits come first, in
 * order, so a call always names one already read. */
#include "circuits/circ_bin.h"

#include <stdlib.h>
#include <string.h>

/* ---- writing ---- */

void circ_bin_encode_byte(struct circ_bin_buf *b, uint8_t v)
{
    if (b->failed)
        return;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        uint8_t *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    b->p[b->n++] = v;
}

void circ_bin_encode_u(struct circ_bin_buf *b, uint64_t v)
{
    while (v >= 0x80) {
        circ_bin_encode_byte(b, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    circ_bin_encode_byte(b, (uint8_t)v);
}

static uint64_t zz(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static void bin_circuit(const struct circuit *c, struct circ_bin_buf *b)
{
    circ_bin_encode_u(b, c->n_inputs);
    for (uint32_t k = 0; k < c->n_inputs; k++)
        circ_bin_encode_u(b, c->input_widths[k]);
    circ_bin_encode_u(b, c->n_outputs);
    for (uint32_t k = 0; k < c->n_outputs; k++)
        circ_bin_encode_u(b, c->output_widths[k]);
    circ_bin_encode_u(b, c->n_wires);
    circ_bin_encode_u(b, c->n_gates);
    int64_t prev = 0, prev_start = 0;
    for (uint64_t i = 0; i < c->n_gates && !b->failed; i++) {
        const struct circ_gate *g = &c->gates[i];
        if (g->op == CIRC_CALL) {
            const struct circ_call *cl = &c->calls[g->in0];
            circ_bin_encode_u(b, (uint64_t)cl->callee << 2 | CIRC_CALL);
            circ_bin_encode_u(b, cl->repeat);
            circ_bin_encode_u(b, cl->n_arg_ranges);
            circ_bin_encode_u(b, cl->n_ranges);
            for (uint32_t k = 0; k < cl->n_ranges; k++) {
                const struct circ_range *r = &c->ranges[cl->first_range + k];
                circ_bin_encode_u(b, zz((int64_t)r->start - prev_start));
                circ_bin_encode_u(b, r->len);
                circ_bin_encode_u(b, zz(r->stride));
                prev_start = r->start;
            }
            continue;
        }
        circ_bin_encode_u(b, zz((int64_t)g->out - prev) << 2 | g->op);
        circ_bin_encode_u(b, zz((int64_t)g->in0 - g->out));
        if (g->op != CIRC_INV)
            circ_bin_encode_u(b, zz((int64_t)g->in1 - g->out));
        prev = g->out;
    }
    for (uint64_t i = 0; i < c->n_output_bits; i++)
        circ_bin_encode_u(b, c->output_wires[i]);
}

void circ_bin_encode(const struct circuit *c, struct circ_bin_buf *b)
{
    uint32_t n_subs = c->lib != NULL && c->lib_ref ? c->lib->n_subs : 0;
    circ_bin_encode_u(b, n_subs);
    for (uint32_t k = 0; k < n_subs; k++)
        bin_circuit(c->lib->subs[k], b);
    bin_circuit(c, b);
}

/* ---- reading ---- */

struct bin_in {
    const uint8_t *p;
    size_t n, pos, base;
    struct mpcc_error *err;
    const char *what; /* "subcircuit 3" or "the main circuit" */
};

static int bin_get(struct bin_in *in, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (in->pos >= in->n)
            return 0;
        uint8_t c = in->p[in->pos++];
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return 1;
        }
    }
    return 0;
}

static enum mpcc_status bin_num(struct bin_in *in, uint64_t max, const char *name, uint64_t *v)
{
    size_t at = in->base + in->pos;
    if (!bin_get(in, v))
        return mpcc_error_set(in->err, MPCC_ERR_PARSE, "byte %zu, %s: %s %s", at, in->what,
                              in->pos >= in->n ? "truncated: the file ends inside" : "malformed number for", name);
    if (*v > max)
        return mpcc_error_set(in->err, MPCC_ERR_LIMIT, "byte %zu, %s: %s %llu is more than the limit of %llu", at,
                              in->what, name, (unsigned long long)*v, (unsigned long long)max);
    return MPCC_OK;
}

static int64_t unzz(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Reads a wire given as a zig-zag distance from base; checks it below n_wires. */
static enum mpcc_status bin_wire(struct bin_in *in, int64_t base, uint32_t n_wires, uint64_t gate,
                                 uint32_t *w)
{
    uint64_t v;
    enum mpcc_status st = bin_num(in, UINT64_MAX, "a wire", &v);
    if (st != MPCC_OK)
        return st;
    int64_t x = base + unzz(v);
    if (x < 0 || x >= (int64_t)n_wires)
        return mpcc_error_set(in->err, MPCC_ERR_PARSE, "byte %zu, %s: gate %llu names wire %lld, outside its %u wires",
                              in->base + in->pos, in->what, (unsigned long long)gate, (long long)x, n_wires);
    *w = (uint32_t)x;
    return MPCC_OK;
}

static struct circuit *bin_read_circuit(struct bin_in *in, struct circ_lib *lib, uint32_t self,
                                        uint32_t max_callee)
{
    struct circuit *c = circ_new(in->err);
    uint64_t v, n;
    enum mpcc_status st = c ? MPCC_OK : MPCC_ERR_NOMEM;
    if (st == MPCC_OK && (st = bin_num(in, CIRC_MAX_VALUES, "the number of inputs", &n)) == MPCC_OK)
        for (uint64_t k = 0; k < n && st == MPCC_OK; k++)
            if ((st = bin_num(in, CIRC_MAX_VALUE_WIDTH, "an input width", &v)) == MPCC_OK)
                st = circ_add_input(c, (uint32_t)v, in->err);
    uint64_t n_out = 0;
    uint32_t *widths = NULL;
    if (st == MPCC_OK && (st = bin_num(in, CIRC_MAX_VALUES, "the number of outputs", &n_out)) == MPCC_OK) {
        if (n_out > in->n - in->pos)
            st = mpcc_error_set(in->err, MPCC_ERR_LIMIT, "byte %zu, %s: %llu outputs, more than the file holds",
                                in->base + in->pos, in->what, (unsigned long long)n_out);
        else if ((widths = malloc((size_t)(n_out + 1) * sizeof *widths)) == NULL)
            st = mpcc_error_set(in->err, MPCC_ERR_NOMEM, "out of memory reading a circuit");
        for (uint64_t k = 0; k < n_out && st == MPCC_OK; k++)
            if ((st = bin_num(in, CIRC_MAX_VALUE_WIDTH, "an output width", &v)) == MPCC_OK)
                widths[k] = (uint32_t)v;
    }
    uint64_t n_wires = 0, n_gates = 0;
    if (st == MPCC_OK)
        st = bin_num(in, CIRC_MAX_WIRES - 1, "the number of wires", &n_wires);
    if (st == MPCC_OK && c->n_input_bits > n_wires)
        st = mpcc_error_set(in->err, MPCC_ERR_PARSE, "byte %zu, %s: %llu input bits but only %llu wires",
                            in->base + in->pos, in->what, (unsigned long long)c->n_input_bits,
                            (unsigned long long)n_wires);
    if (st == MPCC_OK)
        st = bin_num(in, CIRC_MAX_GATES, "the number of gates", &n_gates);
    if (st == MPCC_OK && n_gates > in->n - in->pos)
        st = mpcc_error_set(in->err, MPCC_ERR_LIMIT, "byte %zu, %s: %llu gates, more than the file holds",
                            in->base + in->pos, in->what, (unsigned long long)n_gates);
    if (st == MPCC_OK)
        st = circ_reserve_gates(c, n_gates, in->err);
    if (st == MPCC_OK && lib != NULL && max_callee > 0)
        circ_set_lib(c, lib);
    int64_t prev = 0, prev_start = 0;
    struct circ_range *rs = NULL;
    for (uint64_t i = 0; i < n_gates && st == MPCC_OK; i++) {
        if ((st = bin_num(in, UINT64_MAX, "a gate", &v)) != MPCC_OK)
            break;
        uint32_t op = (uint32_t)(v & 3);
        if (op == CIRC_CALL) {
            uint64_t callee = v >> 2, rep, nar, nr;
            if (callee == self) {
                st = mpcc_error_set(in->err, MPCC_ERR_PARSE, "byte %zu, %s: gate %llu calls the subcircuit itself "
                                    "(calls may not recurse)", in->base + in->pos, in->what, (unsigned long long)i);
                break;
            }
            if (callee >= max_callee) {
                st = mpcc_error_set(in->err, MPCC_ERR_PARSE, "byte %zu, %s: gate %llu calls subcircuit %llu; "
                                    "only subcircuits 0..%u%s may be called here (calls may not recurse)",
                                    in->base + in->pos, in->what, (unsigned long long)i, (unsigned long long)callee,
                                    max_callee ? max_callee - 1 : 0, max_callee ? "" : " (none)");
                break;
            }
            if ((st = bin_num(in, UINT32_MAX, "a repeat count", &rep)) != MPCC_OK ||
                (st = bin_num(in, UINT32_MAX, "a call's argument ranges", &nar)) != MPCC_OK ||
                (st = bin_num(in, UINT32_MAX, "a call's ranges", &nr)) != MPCC_OK)
                break;
            if (nr > (in->n - in->pos) / 3 || nar > nr) {
                st = mpcc_error_set(in->err, MPCC_ERR_LIMIT, "byte %zu, %s: gate %llu has %llu ranges, more than "
                                    "the file holds", in->base + in->pos, in->what, (unsigned long long)i,
                                    (unsigned long long)nr);
                break;
            }
            struct circ_range *t = realloc(rs, ((size_t)nr + 1) * sizeof *t);
            if (t == NULL) {
                st = mpcc_error_set(in->err, MPCC_ERR_NOMEM, "out of memory reading a circuit");
                break;
            }
            rs = t;
            for (uint64_t k = 0; k < nr && st == MPCC_OK; k++) {
                uint64_t s, len, stride;
                if ((st = bin_num(in, UINT64_MAX, "a range start", &s)) != MPCC_OK ||
                    (st = bin_num(in, CIRC_MAX_WIRES, "a range length", &len)) != MPCC_OK ||
                    (st = bin_num(in, UINT64_MAX, "a range stride", &stride)) != MPCC_OK)
                    break;
                int64_t start = prev_start + unzz(s), str = unzz(stride);
                int64_t last = start + (int64_t)len - 1, shift = str * (int64_t)(rep ? rep - 1 : 0);
                if (len == 0 || start < 0 || last >= (int64_t)n_wires || str > INT32_MAX || str < INT32_MIN ||
                    start + shift < 0 || last + shift >= (int64_t)n_wires) {
                    st = mpcc_error_set(in->err, MPCC_ERR_PARSE, "byte %zu, %s: gate %llu: a call range reaches "
                                        "outside the %llu wires", in->base + in->pos, in->what,
                                        (unsigned long long)i, (unsigned long long)n_wires);
                    break;
                }
                rs[k].start = (uint32_t)start;
                rs[k].len = (uint32_t)len;
                rs[k].stride = (int32_t)str;
                prev_start = start;
            }
            if (st == MPCC_OK && (st = circ_add_call_ranges(c, (uint32_t)callee, (uint32_t)rep, rs, (uint32_t)nar,
                                                             (uint32_t)nr, in->err)) != MPCC_OK)
                mpcc_error_prefix(in->err, "byte %zu, %s: gate %llu", in->base + in->pos, in->what,
                                  (unsigned long long)i);
            continue;
        }
        int64_t out = prev + unzz(v >> 2);
        if (out < 0 || out >= (int64_t)n_wires) {
            st = mpcc_error_set(in->err, MPCC_ERR_PARSE, "byte %zu, %s: gate %llu writes wire %lld, outside its %llu wires",
                                in->base + in->pos, in->what, (unsigned long long)i, (long long)out,
                                (unsigned long long)n_wires);
            break;
        }
        uint32_t a = 0, b2;
        if ((st = bin_wire(in, out, (uint32_t)n_wires, i, &a)) != MPCC_OK)
            break;
        b2 = a;
        if (op != CIRC_INV && (st = bin_wire(in, out, (uint32_t)n_wires, i, &b2)) != MPCC_OK)
            break;
        st = circ_add_gate(c, (enum circ_op)op, a, b2, (uint32_t)out, in->err);
        prev = out;
    }
    free(rs);
    uint32_t *ow = NULL;
    for (uint64_t k = 0; k < n_out && st == MPCC_OK; k++) {
        uint32_t *t = realloc(ow, ((size_t)widths[k] + 1) * sizeof *t);
        if (t == NULL) {
            st = mpcc_error_set(in->err, MPCC_ERR_NOMEM, "out of memory reading a circuit");
            break;
        }
        ow = t;
        for (uint32_t i = 0; i < widths[k] && st == MPCC_OK; i++) {
            if ((st = bin_num(in, n_wires ? n_wires - 1 : 0, "an output wire", &v)) == MPCC_OK)
                ow[i] = (uint32_t)v;
        }
        if (st == MPCC_OK)
            st = circ_add_output(c, widths[k], ow, in->err);
    }
    free(ow);
    free(widths);
    if (st == MPCC_OK && c->n_wires < n_wires)
        c->n_wires = (uint32_t)n_wires; /* the declared slots, even if the last ones go unused */
    if (st != MPCC_OK) {
        circ_free(c);
        return NULL;
    }
    return c;
}

struct circuit *circ_bin_decode(const uint8_t *buf, size_t len, size_t base, struct mpcc_error *err)
{
    struct bin_in in = { buf, len, 0, base, err, "the library" };
    uint64_t n_subs;
    struct circ_lib *lib = NULL;
    struct circuit *c = NULL;
    char what[64];
    if (bin_num(&in, CIRC_MAX_SUBS, "the number of subcircuits", &n_subs) != MPCC_OK)
        return NULL;
    if (n_subs > len) {
        mpcc_error_set(err, MPCC_ERR_LIMIT, "byte %zu: %llu subcircuits, more than the file holds", base,
                       (unsigned long long)n_subs);
        return NULL;
    }
    if (n_subs > 0 && (lib = circ_lib_new(err)) == NULL)
        return NULL;
    for (uint64_t k = 0; k < n_subs; k++) {
        snprintf(what, sizeof what, "subcircuit %llu", (unsigned long long)k);
        in.what = what;
        struct circuit *s = bin_read_circuit(&in, lib, (uint32_t)k, (uint32_t)k);
        uint32_t idx;
        if (s == NULL || circ_lib_add(lib, s, &idx, err) != MPCC_OK) {
            circ_lib_release(lib);
            return NULL;
        }
    }
    in.what = "the main circuit";
    c = bin_read_circuit(&in, lib, UINT32_MAX, (uint32_t)n_subs);
    if (c != NULL && n_subs > 0 && c->lib == NULL)
        circ_set_lib(c, lib); /* a library nothing in main calls still belongs to it */
    circ_lib_release(lib);
    if (c != NULL && in.pos != in.n) {
        mpcc_error_set(err, MPCC_ERR_PARSE, "byte %zu: %zu bytes after the main circuit", base + in.pos,
                       in.n - in.pos);
        circ_free(c);
        return NULL;
    }
    if (c != NULL && circ_validate(c, err) != MPCC_OK) {
        circ_free(c);
        return NULL;
    }
    return c;
}
