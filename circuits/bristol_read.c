/* bristol_read.c - the Bristol Fashion reader: a hand-written scanner over an
 * in-memory buffer that builds a struct circuit, lowering EQ, EQW and MAND to
 * XOR/AND/INV. Malformed text is refused with "NAME:LINE: problem" and memory
 * grows only with what the text holds. Writing lives in bristol_write.c. */
#include "circuits/bristol.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define BR_NONE UINT32_MAX
#define BR_SHOW 40 /* characters of an offending token quoted in a message */

struct br_tok {
    const unsigned char *s;
    size_t len;
    uint64_t line;
};

struct br_reader {
    const unsigned char *p, *end;
    const char *name;
    uint64_t line;      /* line of the scan position */
    uint64_t last_line; /* line of the last token read (for "file ends" messages) */
    struct mpcc_error *err;

    struct circuit *c;
    uint64_t n_wires;    /* as the header declares */
    uint64_t n_in_bits;  /* wires 0 .. n_in_bits-1 are inputs */
    uint32_t *map;       /* Bristol wire n_in_bits+i -> IR wire, BR_NONE = unwritten */
    uint32_t next_extra; /* next IR wire beyond the Bristol ones (hidden constants) */
    uint32_t const0, const1;

    uint32_t *wires; /* wire list of the gate being read */
    size_t cap_wires;
    uint64_t gate_line;
};

static enum mpcc_status br_fail(struct br_reader *r, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum mpcc_status br_fail(struct br_reader *r, uint64_t line, const char *fmt, ...)
{
    char msg[MPCC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mpcc_error_set(r->err, MPCC_ERR_PARSE, "%s:%llu: %s", r->name,
                          (unsigned long long)line, msg);
}

static inline int br_is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
}

/* Next whitespace-separated token; 0 at the end of the text. */
static int br_next(struct br_reader *r, struct br_tok *t)
{
    const unsigned char *p = r->p, *end = r->end;
    uint64_t line = r->line;
    while (p < end && br_is_space(*p)) {
        line += *p == '\n';
        p++;
    }
    r->line = line;
    if (p == end) {
        r->p = p;
        return 0;
    }
    t->s = p;
    t->line = line;
    while (p < end && !br_is_space(*p))
        p++;
    t->len = (size_t)(p - t->s);
    r->p = p;
    r->last_line = line;
    return 1;
}

static int br_show_len(const struct br_tok *t)
{
    return t->len > BR_SHOW ? BR_SHOW : (int)t->len;
}

/* Describes a token that is not what was expected. */
static enum mpcc_status br_bad_token(struct br_reader *r, const struct br_tok *t, const char *what)
{
    for (size_t i = 0; i < t->len; i++)
        if (t->s[i] < 0x21 || t->s[i] > 0x7e)
            return br_fail(r, t->line, "unexpected byte 0x%02x (not Bristol Fashion text) where %s "
                           "was expected", t->s[i], what);
    int sign = t->s[0] == '-' && t->len > 1;
    for (size_t i = 1; sign && i < t->len; i++)
        sign = t->s[i] >= '0' && t->s[i] <= '9';
    if (sign)
        return br_fail(r, t->line, "negative number %.*s where %s was expected", br_show_len(t),
                       (const char *)t->s, what);
    return br_fail(r, t->line, "expected %s, found '%.*s%s'", what, br_show_len(t),
                   (const char *)t->s, t->len > BR_SHOW ? "..." : "");
}

static int br_printable(const struct br_tok *t)
{
    for (size_t i = 0; i < t->len; i++)
        if (t->s[i] < 0x21 || t->s[i] > 0x7e)
            return 0;
    return 1;
}

static int br_is_number(const struct br_tok *t)
{
    return t->s[0] >= '0' && t->s[0] <= '9';
}

/* Parses token t as an unsigned decimal number. */
static enum mpcc_status br_number(struct br_reader *r, const struct br_tok *t, const char *what,
                                  uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < t->len; i++) {
        unsigned d = (unsigned)t->s[i] - '0';
        if (d > 9)
            break;
        if (v > (UINT64_MAX - d) / 10)
            return br_fail(r, t->line, "number %.*s%s is too large (more than 64 bits) for %s",
                           br_show_len(t), (const char *)t->s, t->len > BR_SHOW ? "..." : "", what);
        v = v * 10 + d;
    }
    if (i == 0 || i != t->len)
        return br_bad_token(r, t, what);
    *out = v;
    return MPCC_OK;
}

/* The hot path: a plain number of at most 18 digits followed by whitespace
 * or the end. Anything else returns 0 with the position unchanged, and the
 * caller takes the slow path that explains what is wrong. */
static int br_fast_number(struct br_reader *r, uint64_t *out)
{
    const unsigned char *p = r->p, *end = r->end;
    uint64_t line = r->line, v = 0;
    while (p < end && br_is_space(*p)) {
        line += *p == '\n';
        p++;
    }
    const unsigned char *s = p;
    while (p < end && (unsigned)(*p - '0') <= 9 && p - s < 18)
        v = v * 10 + (unsigned)(*p++ - '0');
    if (p == s || (p < end && !br_is_space(*p)))
        return 0;
    r->p = p;
    r->line = r->last_line = line;
    *out = v;
    return 1;
}

/* Reads the next token as a number; `what` names it in messages. */
static enum mpcc_status br_expect(struct br_reader *r, const char *what, uint64_t *out)
{
    struct br_tok t;
    if (br_fast_number(r, out))
        return MPCC_OK;
    if (!br_next(r, &t)) {
        if (r->last_line == 0)
            return br_fail(r, 1, "file is empty (expected a header 'ngates nwires')");
        return br_fail(r, r->last_line, "file ends where %s was expected", what);
    }
    return br_number(r, &t, what, out);
}

/* Reads "count w1 .. wcount" of the input (is_input) or output header line. */
static enum mpcc_status br_values(struct br_reader *r, int is_input, uint64_t *bits_out)
{
    const char *kind = is_input ? "input" : "output";
    uint64_t n, bits = 0;
    char what[64];
    snprintf(what, sizeof what, "the number of %s values", kind);
    enum mpcc_status st = br_expect(r, what, &n);
    if (st != MPCC_OK)
        return st;
    if (n > CIRC_MAX_VALUES)
        return br_fail(r, r->last_line, "%llu %s values, above the limit of %u",
                       (unsigned long long)n, kind, CIRC_MAX_VALUES);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t w;
        snprintf(what, sizeof what, "the width of %s value %llu", kind, (unsigned long long)i + 1);
        if ((st = br_expect(r, what, &w)) != MPCC_OK)
            return st;
        if (w == 0 || w > CIRC_MAX_VALUE_WIDTH)
            return br_fail(r, r->last_line, "%s value %llu has width %llu, outside 1..%u", kind,
                           (unsigned long long)i + 1, (unsigned long long)w, CIRC_MAX_VALUE_WIDTH);
        bits += w;
        if (bits > r->n_wires)
            return br_fail(r, r->last_line, "%s values need more than the %llu wires the header "
                           "declares", kind, (unsigned long long)r->n_wires);
        if (is_input) {
            struct mpcc_error sub = {0};
            if (circ_add_input(r->c, (uint32_t)w, &sub) != MPCC_OK)
                return mpcc_error_set(r->err, sub.code, "%s:%llu: %s", r->name,
                                      (unsigned long long)r->last_line, sub.msg);
        } else {
            uint32_t *ow = realloc(r->c->output_widths, (size_t)(i + 1) * sizeof *ow);
            if (ow == NULL)
                return mpcc_error_set(r->err, MPCC_ERR_NOMEM, "out of memory reading %s",
                                      r->name);
            r->c->output_widths = ow;
            ow[i] = (uint32_t)w;
            r->c->n_outputs = (uint32_t)(i + 1);
        }
    }
    *bits_out = bits;
    return MPCC_OK;
}

/* The IR wire holding Bristol wire w, which a gate reads. */
static enum mpcc_status br_resolve(struct br_reader *r, uint32_t w, uint32_t *ir)
{
    if (w < r->n_in_bits) {
        *ir = w;
        return MPCC_OK;
    }
    uint32_t m = r->map[w - r->n_in_bits];
    if (m == BR_NONE)
        return br_fail(r, r->gate_line, "gate reads wire %u before any gate writes it", w);
    *ir = m;
    return MPCC_OK;
}

/* Records that Bristol wire w now holds IR wire ir. */
static enum mpcc_status br_define(struct br_reader *r, uint32_t w, uint32_t ir)
{
    if (w < r->n_in_bits)
        return br_fail(r, r->gate_line, "gate writes wire %u, which is an input wire", w);
    if (r->map[w - r->n_in_bits] != BR_NONE)
        return br_fail(r, r->gate_line, "wire %u is written twice (again by this gate)", w);
    r->map[w - r->n_in_bits] = ir;
    return MPCC_OK;
}

static enum mpcc_status br_gate(struct br_reader *r, enum circ_op op, uint32_t a, uint32_t b,
                                uint32_t out)
{
    struct mpcc_error sub; /* filled only on failure */
    if (circ_add_gate(r->c, op, a, b, out, &sub) == MPCC_OK)
        return MPCC_OK;
    return mpcc_error_set(r->err, sub.code == MPCC_ERR_NOMEM ? sub.code : MPCC_ERR_PARSE,
                          "%s:%llu: %s", r->name, (unsigned long long)r->gate_line, sub.msg);
}

/* A fresh IR wire beyond the Bristol numbering, for a hidden constant. */
static enum mpcc_status br_extra(struct br_reader *r, uint32_t *ir)
{
    if (r->next_extra >= CIRC_MAX_WIRES)
        return br_fail(r, r->gate_line, "no wire left for a constant (limit %u wires)",
                       CIRC_MAX_WIRES);
    *ir = r->next_extra++;
    return MPCC_OK;
}

/* EQ: out = constant. 0 is XOR(w0, w0) and 1 is INV of that, each made once. */
static enum mpcc_status br_eq(struct br_reader *r, uint32_t value, uint32_t out)
{
    enum mpcc_status st;
    if (value > 1)
        return br_fail(r, r->gate_line, "EQ constant must be 0 or 1, not %u", value);
    if (r->n_in_bits == 0)
        return br_fail(r, r->gate_line, "EQ gate needs an input wire to build a constant from, "
                       "but the circuit has no inputs");
    uint32_t *have = value ? &r->const1 : &r->const0;
    if (*have != BR_NONE)
        return br_define(r, out, *have);
    if ((st = br_define(r, out, out)) != MPCC_OK)
        return st;
    if (value == 0) {
        r->const0 = out;
        return br_gate(r, CIRC_XOR, 0, 0, out);
    }
    if (r->const0 == BR_NONE) {
        uint32_t z = 0;
        if ((st = br_extra(r, &z)) != MPCC_OK || (st = br_gate(r, CIRC_XOR, 0, 0, z)) != MPCC_OK)
            return st;
        r->const0 = z;
    }
    r->const1 = out;
    return br_gate(r, CIRC_INV, r->const0, r->const0, out);
}

struct br_opdef {
    const char *name;
    size_t len;
    int code; /* enum circ_op, or one of the BR_OP_* below */
    unsigned nin, nout;
};
enum { BR_OP_EQ = 16, BR_OP_EQW, BR_OP_MAND };
static const struct br_opdef br_ops[] = {
    {"XOR", 3, CIRC_XOR, 2, 1}, {"AND", 3, CIRC_AND, 2, 1},  {"INV", 3, CIRC_INV, 1, 1},
    {"NOT", 3, CIRC_INV, 1, 1}, {"EQ", 2, BR_OP_EQ, 1, 1},   {"EQW", 3, BR_OP_EQW, 1, 1},
    {"MAND", 4, BR_OP_MAND, 0, 0},
};

/* Reads gate number gi (0-based) and appends its lowering to the circuit. */
static enum mpcc_status br_read_gate(struct br_reader *r, uint64_t gi, uint64_t ngates)
{
    struct br_tok t;
    uint64_t nin, nout;
    enum mpcc_status st;
    if (br_fast_number(r, &nin)) {
        r->gate_line = r->last_line;
    } else {
        if (!br_next(r, &t))
            return br_fail(r, r->last_line, "file ends after %llu of the %llu gates the header "
                           "declares", (unsigned long long)gi, (unsigned long long)ngates);
        r->gate_line = t.line;
        if ((st = br_number(r, &t, "the number of gate input wires", &nin)) != MPCC_OK)
            return st;
    }
    if ((st = br_expect(r, "the number of gate output wires", &nout)) != MPCC_OK)
        return st;
    if (nin > CIRC_MAX_WIRES || nout > CIRC_MAX_WIRES)
        return br_fail(r, r->gate_line, "gate declares %llu input and %llu output wires, too many",
                       (unsigned long long)nin, (unsigned long long)nout);
    uint64_t nw = nin + nout;
    for (uint64_t k = 0; k < nw; k++) {
        uint64_t w;
        if (!br_fast_number(r, &w)) {
            if (!br_next(r, &t))
                return br_fail(r, r->last_line, "file ends in the middle of gate %llu",
                               (unsigned long long)gi + 1);
            if ((t.s[0] | 0x20) >= 'a' && (t.s[0] | 0x20) <= 'z' && br_printable(&t))
                return br_fail(r, t.line, "gate lists %llu wires before '%.*s' but its counts "
                               "say %llu inputs and %llu outputs", (unsigned long long)k,
                               br_show_len(&t), (const char *)t.s, (unsigned long long)nin,
                               (unsigned long long)nout);
            if ((st = br_number(r, &t, "a wire index", &w)) != MPCC_OK)
                return st;
        }
        if (w >= r->n_wires)
            return br_fail(r, r->last_line, "wire %llu is out of range: the header declares "
                           "%llu wires", (unsigned long long)w, (unsigned long long)r->n_wires);
        if (k == r->cap_wires) {
            size_t cap = r->cap_wires ? r->cap_wires * 2 : 16;
            uint32_t *nwl = realloc(r->wires, cap * sizeof *nwl);
            if (nwl == NULL)
                return mpcc_error_set(r->err, MPCC_ERR_NOMEM, "out of memory reading %s",
                                      r->name);
            r->wires = nwl;
            r->cap_wires = cap;
        }
        r->wires[k] = (uint32_t)w;
    }
    if (!br_next(r, &t))
        return br_fail(r, r->last_line, "file ends in the middle of gate %llu",
                       (unsigned long long)gi + 1);
    if (br_is_number(&t))
        return br_fail(r, t.line, "gate lists more wires than its counts say (%llu inputs, %llu "
                       "outputs)", (unsigned long long)nin, (unsigned long long)nout);
    const struct br_opdef *op = NULL;
    for (size_t i = 0; i < sizeof br_ops / sizeof br_ops[0]; i++)
        if (br_ops[i].len == t.len && memcmp(br_ops[i].name, t.s, t.len) == 0) {
            op = &br_ops[i];
            break;
        }
    if (op == NULL) {
        if (!br_printable(&t))
            return br_bad_token(r, &t, "an operation");
        return br_fail(r, t.line, "unknown operation '%.*s%s'", br_show_len(&t),
                       (const char *)t.s, t.len > BR_SHOW ? "..." : "");
    }
    /* The operation ends its line: only blanks may follow. */
    for (const unsigned char *p = r->p; p < r->end && *p != '\n'; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r') {
            struct br_tok junk;
            br_next(r, &junk);
            for (size_t i = 0; i < junk.len; i++)
                if (junk.s[i] < 0x21 || junk.s[i] > 0x7e)
                    return br_fail(r, t.line, "unexpected byte 0x%02x after the operation",
                                   junk.s[i]);
            return br_fail(r, t.line, "unexpected text '%.*s%s' after the operation",
                           br_show_len(&junk), (const char *)junk.s,
                           junk.len > BR_SHOW ? "..." : "");
        }
    int ok = op->code == BR_OP_MAND ? nout >= 1 && nin == 2 * nout
                                    : nin == op->nin && nout == op->nout;
    if (!ok) {
        if (op->code == BR_OP_MAND)
            return br_fail(r, r->gate_line, "MAND gate must have 2k inputs and k outputs, not "
                           "%llu and %llu", (unsigned long long)nin, (unsigned long long)nout);
        return br_fail(r, r->gate_line, "%s gate must have %u input%s and 1 output, not %llu and "
                       "%llu", op->name, op->nin, op->nin == 1 ? "" : "s", (unsigned long long)nin,
                       (unsigned long long)nout);
    }
    uint32_t *w = r->wires, a, b;
    switch (op->code) {
    case CIRC_XOR:
    case CIRC_AND:
        if ((st = br_resolve(r, w[0], &a)) != MPCC_OK || (st = br_resolve(r, w[1], &b)) != MPCC_OK ||
            (st = br_define(r, w[2], w[2])) != MPCC_OK)
            return st;
        return br_gate(r, (enum circ_op)op->code, a, b, w[2]);
    case CIRC_INV:
        if ((st = br_resolve(r, w[0], &a)) != MPCC_OK || (st = br_define(r, w[1], w[1])) != MPCC_OK)
            return st;
        return br_gate(r, CIRC_INV, a, a, w[1]);
    case BR_OP_EQW:
        if ((st = br_resolve(r, w[0], &a)) != MPCC_OK)
            return st;
        return br_define(r, w[1], a);
    case BR_OP_EQ:
        return br_eq(r, w[0], w[1]);
    default: /* MAND: out_i = in_i AND in_{k+i} */
        for (uint64_t i = 0; i < nin; i++)
            if ((st = br_resolve(r, w[i], &w[i])) != MPCC_OK)
                return st;
        for (uint64_t i = 0; i < nout; i++)
            if ((st = br_define(r, w[nin + i], w[nin + i])) != MPCC_OK ||
                (st = br_gate(r, CIRC_AND, w[i], w[nout + i], w[nin + i])) != MPCC_OK)
                return st;
        return MPCC_OK;
    }
}

/* Builds the output list: the last n_out_bits Bristol wires, in order. */
static enum mpcc_status br_outputs(struct br_reader *r, uint64_t n_out_bits)
{
    struct circuit *c = r->c;
    uint32_t *ow = malloc((n_out_bits ? n_out_bits : 1) * sizeof *ow);
    if (ow == NULL)
        return mpcc_error_set(r->err, MPCC_ERR_NOMEM, "out of memory reading %s", r->name);
    uint64_t first = r->n_wires - n_out_bits;
    for (uint64_t i = 0; i < n_out_bits; i++) {
        uint64_t w = first + i;
        ow[i] = w < r->n_in_bits ? (uint32_t)w : r->map[w - r->n_in_bits];
        if (ow[i] == BR_NONE) {
            free(ow);
            return br_fail(r, r->last_line, "output wire %llu is never written by any gate",
                           (unsigned long long)w);
        }
        if (c->n_wires <= ow[i])
            c->n_wires = ow[i] + 1;
    }
    c->output_wires = ow;
    c->n_output_bits = n_out_bits;
    return MPCC_OK;
}

static enum mpcc_status br_parse(struct br_reader *r)
{
    uint64_t ngates, n_out_bits;
    enum mpcc_status st;
    if ((st = br_expect(r, "the number of gates", &ngates)) != MPCC_OK)
        return st;
    if (ngates > CIRC_MAX_GATES)
        return br_fail(r, r->last_line, "header declares %llu gates, above the limit of %llu",
                       (unsigned long long)ngates, (unsigned long long)CIRC_MAX_GATES);
    if ((st = br_expect(r, "the number of wires", &r->n_wires)) != MPCC_OK)
        return st;
    if (r->n_wires > CIRC_MAX_WIRES)
        return br_fail(r, r->last_line, "header declares %llu wires, above the limit of %u",
                       (unsigned long long)r->n_wires, CIRC_MAX_WIRES);
    if ((st = br_values(r, 1, &r->n_in_bits)) != MPCC_OK ||
        (st = br_values(r, 0, &n_out_bits)) != MPCC_OK)
        return st;

    /* Trust the header only as far as the rest of the text could back it: each
     * wire a gate writes takes at least two bytes ("5 "). */
    uint64_t rest = (uint64_t)(r->end - r->p);
    uint64_t gate_wires = r->n_wires - r->n_in_bits;
    if (gate_wires > rest / 2 + 1)
        return br_fail(r, r->last_line, "header declares %llu wires but the rest of the file can "
                       "define at most %llu of them beyond the %llu input wires",
                       (unsigned long long)r->n_wires, (unsigned long long)(rest / 2 + 1),
                       (unsigned long long)r->n_in_bits);
    if (n_out_bits > gate_wires && n_out_bits - gate_wires > rest + 64)
        return br_fail(r, r->last_line, "%llu output bits are input wires, more than this "
                       "reader accepts for a file of this size",
                       (unsigned long long)(n_out_bits - gate_wires));
    r->map = malloc((gate_wires ? gate_wires : 1) * sizeof *r->map);
    if (r->map == NULL)
        return mpcc_error_set(r->err, MPCC_ERR_NOMEM, "out of memory reading %s", r->name);
    memset(r->map, 0xff, (size_t)gate_wires * sizeof *r->map);
    r->next_extra = (uint32_t)r->n_wires;

    struct mpcc_error sub = {0};
    uint64_t guess = rest / 8 + 1;
    if (circ_reserve_gates(r->c, ngates < guess ? ngates : guess, &sub) != MPCC_OK)
        return mpcc_error_set(r->err, sub.code, "%s: %s", r->name, sub.msg);
    for (uint64_t gi = 0; gi < ngates; gi++)
        if ((st = br_read_gate(r, gi, ngates)) != MPCC_OK)
            return st;

    struct br_tok t;
    if (br_next(r, &t)) {
        if (br_is_number(&t))
            return br_fail(r, t.line, "more gates than the %llu the header declares",
                           (unsigned long long)ngates);
        return br_bad_token(r, &t, "the end of the file after the last gate");
    }
    return br_outputs(r, n_out_bits);
}

struct circuit *circ_read_bristol_mem(const char *text, size_t len, const char *name,
                                      struct mpcc_error *err)
{
    struct br_reader r = {0};
    r.p = (const unsigned char *)text;
    r.end = r.p + len;
    r.name = name != NULL ? name : "<memory>";
    r.line = 1;
    r.err = err;
    r.const0 = r.const1 = BR_NONE;
    r.c = circ_new(err);
    if (r.c == NULL)
        return NULL;
    enum mpcc_status st = br_parse(&r);
    free(r.map);
    free(r.wires);
    if (st != MPCC_OK) {
        circ_free(r.c);
        return NULL;
    }
    return r.c;
}

struct circuit *circ_read_bristol_file(const char *path, struct mpcc_error *err)
{
    struct circuit *c = NULL;
    char *buf = NULL;
    size_t len = 0, cap = 65536;
    struct stat sb;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        mpcc_error_set(err, MPCC_ERR_IO, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
        (uint64_t)sb.st_size <= SIZE_MAX) {
        /* A regular file is mapped, not copied; read() below is the fallback. */
        void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
        if (m != MAP_FAILED) {
            c = circ_read_bristol_mem(m, (size_t)sb.st_size, path, err);
            munmap(m, (size_t)sb.st_size);
            fclose(f);
            return c;
        }
        cap = (size_t)sb.st_size + 1;
    }
    for (;;) {
        if (buf == NULL || len == cap) {
            size_t ncap = buf == NULL ? cap : cap * 2;
            char *nb = ncap >= cap ? realloc(buf, ncap) : NULL;
            if (nb == NULL) {
                mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory reading %s", path);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                mpcc_error_set(err, MPCC_ERR_IO, "cannot read %s: %s", path, strerror(errno));
                goto out;
            }
            break;
        }
    }
    c = circ_read_bristol_mem(buf, len, path, err);
out:
    free(buf);
    fclose(f);
    return c;
}
