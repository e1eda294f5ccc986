/* program.c - reading, writing and hashing .circ files (see
 * docs/circuit-format.md): the binary form (magic, version, the interface
 * header as text, the circuit with its subcircuits from circ_bin.c, a
 * SHA-256 of all of it) that the compiler writes and the digest covers, and
 * the text form (interface header + Bristol Fashion body) that stays
 * readable and interoperable. The header reader is strict and line-based.
 * Value parsing and circuit evaluation live elsewhere. */
#include "circuits/program.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "circuits/bristol.h"
#include "circuits/circ_bin.h"

#define TYPE_STR_MAX 1024

/* ---- the program object ---- */

struct mpcc_program *prog_new(struct iface *iface, struct circuit *circ, struct mpcc_error *err)
{
    struct mpcc_program *p = NULL;
    if (!iface || !circ) {
        mpcc_error_set(err, MPCC_ERR_INVALID, "a program needs an interface and a circuit");
        goto fail;
    }
    if (iface_check_against(iface, circ, err) != MPCC_OK)
        goto fail;
    p = malloc(sizeof *p);
    if (!p) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory allocating a program");
        goto fail;
    }
    p->iface = iface;
    p->circ = circ;
    return p;
fail:
    iface_free(iface);
    circ_free(circ);
    return NULL;
}

void prog_free(struct mpcc_program *p)
{
    if (!p)
        return;
    iface_free(p->iface);
    circ_free(p->circ);
    free(p);
}

/* ---- header reader ---- */

struct hdr {
    const char *name;
    const char *cur, *end;   /* the current line's unread part */
    unsigned long line;      /* current line number (1-based) */
    struct mpcc_error *err;
    struct iface_type **structs; /* struct definitions, owned */
    uint32_t n_structs;
    unsigned long *in_lines, *out_lines; /* line of each input / output */
    uint64_t nodes; /* type nodes built so far (bounded: nested structs could
                       otherwise grow exponentially) */
};

static enum mpcc_status hdr_error(struct hdr *h, enum mpcc_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum mpcc_status hdr_error(struct hdr *h, enum mpcc_status code, const char *fmt, ...)
{
    char msg[MPCC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mpcc_error_set(h->err, code, "%s:%lu: %s", h->name, h->line, msg);
}

/* A token of the current line: a word, or one of '{', '}', ';'. */
struct tok {
    const char *s;
    size_t n;
};

static bool is_punct(char c)
{
    return c == '{' || c == '}' || c == ';';
}

/* Reads the next token; returns false at end of line. Sets *bad when the
 * line holds a control character. */
static bool next_tok(struct hdr *h, struct tok *t, bool *bad)
{
    while (h->cur < h->end && (*h->cur == ' ' || *h->cur == '\t' || *h->cur == '\r'))
        h->cur++;
    if (h->cur >= h->end)
        return false;
    t->s = h->cur;
    if (is_punct(*h->cur)) {
        h->cur++;
        t->n = 1;
        return true;
    }
    while (h->cur < h->end && *h->cur != ' ' && *h->cur != '\t' && *h->cur != '\r' &&
           !is_punct(*h->cur)) {
        unsigned char c = (unsigned char)*h->cur;
        if (c < 0x20 || c >= 0x7f)
            *bad = true;
        h->cur++;
    }
    t->n = (size_t)(h->cur - t->s);
    return true;
}

static bool tok_is(const struct tok *t, const char *s)
{
    return t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

/* Copies a token that must be an identifier into buf (IFACE_MAX_NAME + 1). */
static enum mpcc_status tok_name(struct hdr *h, const struct tok *t, const char *what, char *buf)
{
    if (t->n == 0 || t->n > IFACE_MAX_NAME) {
        return hdr_error(h, MPCC_ERR_PARSE, "%s name '%.*s' is not an identifier of 1..%u characters",
                         what, (int)(t->n > 80 ? 80 : t->n), t->s, IFACE_MAX_NAME);
    }
    memcpy(buf, t->s, t->n);
    buf[t->n] = '\0';
    if (!iface_name_valid(buf))
        return hdr_error(h, MPCC_ERR_PARSE,
                         "%s name '%s' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)", what, buf);
    return MPCC_OK;
}

/* Parses a decimal number without sign or leading zeros in 1..max. */
static bool parse_dec(const char *s, size_t n, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (n == 0 || (s[0] == '0' && n > 1))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > max)
            return false;
    }
    if (v == 0)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* True (with *is_signed, *width) if s[0..n) spells a builtin integer type. */
static bool builtin_int(const char *s, size_t n, bool *is_signed, uint32_t *width, bool *bad_width)
{
    size_t skip;
    *bad_width = false;
    if (n > 4 && memcmp(s, "uint", 4) == 0) {
        *is_signed = false;
        skip = 4;
    } else if (n > 3 && memcmp(s, "int", 3) == 0) {
        *is_signed = true;
        skip = 3;
    } else {
        return false;
    }
    for (size_t i = skip; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    if (!parse_dec(s + skip, n - skip, IFACE_MAX_INT_WIDTH, width))
        *bad_width = true;
    return true;
}

/* True (with *width) if s[0..n) spells fixedW (digits only after "fixed"). */
static bool builtin_fixed(const char *s, size_t n, uint32_t *width)
{
    if (n <= 5 || memcmp(s, "fixed", 5) != 0)
        return false;
    for (size_t i = 5; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    if (!parse_dec(s + 5, n - 5, IFACE_FIXED_MAX_WIDTH, width))
        *width = 0;
    return true;
}

/* Number of nodes in a type tree (arrays count once, not per element). */
static uint64_t type_nodes(const struct iface_type *t)
{
    uint64_t n = 1;
    if (t->kind == IFACE_ARRAY)
        n += type_nodes(t->elem);
    for (uint32_t i = 0; t->kind == IFACE_STRUCT && i < t->n_fields; i++)
        n += type_nodes(t->field_types[i]);
    return n;
}

static const struct iface_type *find_struct(const struct hdr *h, const char *s, size_t n)
{
    for (uint32_t i = 0; i < h->n_structs; i++)
        if (strlen(h->structs[i]->name) == n && memcmp(h->structs[i]->name, s, n) == 0)
            return h->structs[i];
    return NULL;
}

/* Parses a type token: BASE ('[' N ']')*. */
static enum mpcc_status parse_type(struct hdr *h, const struct tok *t, struct iface_type **out)
{
    size_t base_n = 0;
    uint32_t dims[IFACE_MAX_DEPTH], n_dims = 0;
    struct iface_type *ty = NULL;
    bool is_signed, bad_width;
    uint32_t width;
    *out = NULL;
    while (base_n < t->n && t->s[base_n] != '[')
        base_n++;
    const char *q = t->s + base_n, *end = t->s + t->n;
    while (q < end) {
        const char *close = memchr(q, ']', (size_t)(end - q));
        if (*q != '[' || !close)
            return hdr_error(h, MPCC_ERR_PARSE, "malformed type '%.*s' (expected NAME[N][M]...)",
                             (int)(t->n > 80 ? 80 : t->n), t->s);
        if (n_dims >= IFACE_MAX_DEPTH)
            return hdr_error(h, MPCC_ERR_LIMIT, "type '%.80s...' has more than %u dimensions", t->s,
                             IFACE_MAX_DEPTH);
        if (!parse_dec(q + 1, (size_t)(close - q - 1), UINT32_MAX, &dims[n_dims]))
            return hdr_error(h, MPCC_ERR_PARSE,
                             "array length '%.*s' is not a positive decimal number",
                             (int)(close - q - 1 > 40 ? 40 : close - q - 1), q + 1);
        n_dims++;
        q = close + 1;
    }
    const struct iface_type *st = find_struct(h, t->s, base_n);
    uint64_t nodes = (st ? type_nodes(st) : 1) + n_dims;
    if (nodes > PROG_MAX_TYPE_NODES - h->nodes)
        return hdr_error(h, MPCC_ERR_LIMIT, "the header's types have more than %u parts in all",
                         PROG_MAX_TYPE_NODES);
    h->nodes += nodes;
    if (base_n == 4 && memcmp(t->s, "bool", 4) == 0) {
        ty = iface_type_bool();
    } else if (builtin_int(t->s, base_n, &is_signed, &width, &bad_width)) {
        if (bad_width)
            return hdr_error(h, MPCC_ERR_PARSE, "integer type '%.*s' needs a width of 1..%u bits",
                             (int)(base_n > 40 ? 40 : base_n), t->s, IFACE_MAX_INT_WIDTH);
        ty = iface_type_int(is_signed, width);
    } else if (builtin_fixed(t->s, base_n, &width)) {
        if (!iface_fixed_width_ok(width))
            return hdr_error(h, MPCC_ERR_PARSE, "fixed-point type '%.*s' needs an even width of "
                             "%u..%u bits", (int)(base_n > 40 ? 40 : base_n), t->s,
                             IFACE_FIXED_MIN_WIDTH, IFACE_FIXED_MAX_WIDTH);
        ty = iface_type_fixed(width);
    } else if (st) {
        ty = iface_type_clone(st);
    } else {
        return hdr_error(h, MPCC_ERR_PARSE, "unknown type '%.*s'", (int)(base_n > 80 ? 80 : base_n),
                         t->s);
    }
    if (!ty)
        return hdr_error(h, MPCC_ERR_NOMEM, "out of memory building a type");
    uint64_t bits = ty->bits;
    if (iface_type_depth(ty) + n_dims > IFACE_MAX_DEPTH) {
        iface_type_free(ty);
        return hdr_error(h, MPCC_ERR_LIMIT, "type '%.80s' is nested more than %u deep", t->s,
                         IFACE_MAX_DEPTH);
    }
    for (uint32_t i = n_dims; i-- > 0;) {
        bits *= dims[i]; /* cannot overflow: bits <= 2^28 before, dims < 2^32 */
        if (bits > IFACE_MAX_TYPE_BITS) {
            iface_type_free(ty);
            return hdr_error(h, MPCC_ERR_LIMIT, "type '%.*s' has more than %u bits",
                             (int)(t->n > 80 ? 80 : t->n), t->s, IFACE_MAX_TYPE_BITS);
        }
        ty = iface_type_array(ty, dims[i]);
        if (!ty)
            return hdr_error(h, MPCC_ERR_NOMEM, "out of memory building a type");
    }
    *out = ty;
    return MPCC_OK;
}

/* Expects the end of the current line. */
static enum mpcc_status expect_eol(struct hdr *h, const char *after)
{
    struct tok t;
    bool bad = false;
    if (next_tok(h, &t, &bad))
        return hdr_error(h, MPCC_ERR_PARSE, "unexpected '%.*s' after %s",
                         (int)(t.n > 40 ? 40 : t.n), t.s, after);
    return MPCC_OK;
}

/* Reads one token that must exist; `what` names it in the error. */
static enum mpcc_status need_tok(struct hdr *h, struct tok *t, const char *what)
{
    bool bad = false;
    if (!next_tok(h, t, &bad))
        return hdr_error(h, MPCC_ERR_PARSE, "expected %s before end of line", what);
    return MPCC_OK;
}

static enum mpcc_status parse_party(struct hdr *h, struct iface *f)
{
    struct tok t;
    char name[IFACE_MAX_NAME + 1];
    enum mpcc_status st;
    if ((st = need_tok(h, &t, "a party name")) || (st = tok_name(h, &t, "party", name)) ||
        (st = expect_eol(h, "the party name")))
        return st;
    if (iface_add_party(f, name, h->err) != MPCC_OK)
        return hdr_error(h, h->err->code, "%s", h->err->msg);
    return MPCC_OK;
}

static enum mpcc_status parse_struct(struct hdr *h)
{
    struct tok t;
    char name[IFACE_MAX_NAME + 1], fname[IFACE_MAX_NAME + 1];
    char *sname = NULL, **names = NULL;
    struct iface_type **types = NULL, *ty = NULL;
    uint32_t n = 0, cap = 0;
    bool is_signed, bad_width;
    uint32_t width;
    enum mpcc_status st;
    if ((st = need_tok(h, &t, "a struct name")) || (st = tok_name(h, &t, "struct", name)))
        return st;
    if (strcmp(name, "bool") == 0 || builtin_int(name, strlen(name), &is_signed, &width, &bad_width) ||
        builtin_fixed(name, strlen(name), &width))
        return hdr_error(h, MPCC_ERR_PARSE, "struct name '%s' is a builtin type name", name);
    if (find_struct(h, name, strlen(name)))
        return hdr_error(h, MPCC_ERR_PARSE, "duplicate struct '%s'", name);
    if (h->n_structs >= PROG_MAX_STRUCTS)
        return hdr_error(h, MPCC_ERR_LIMIT, "more than %u structs", PROG_MAX_STRUCTS);
    if ((st = need_tok(h, &t, "'{'")))
        return st;
    if (!tok_is(&t, "{"))
        return hdr_error(h, MPCC_ERR_PARSE, "expected '{' after struct %s, found '%.*s'", name,
                         (int)(t.n > 40 ? 40 : t.n), t.s);
    for (;;) {
        if ((st = need_tok(h, &t, "a field type or '}'")))
            goto out;
        if (tok_is(&t, "}"))
            break;
        if (n >= IFACE_MAX_FIELDS) {
            st = hdr_error(h, MPCC_ERR_LIMIT, "struct %s has more than %u fields", name,
                           IFACE_MAX_FIELDS);
            goto out;
        }
        if ((st = parse_type(h, &t, &ty)))
            goto out;
        if ((st = need_tok(h, &t, "a field name")) || (st = tok_name(h, &t, "field", fname)))
            goto out;
        for (uint32_t i = 0; i < n; i++)
            if (strcmp(names[i], fname) == 0) {
                st = hdr_error(h, MPCC_ERR_PARSE, "duplicate field '%s' in struct %s", fname, name);
                goto out;
            }
        if ((st = need_tok(h, &t, "';'")))
            goto out;
        if (!tok_is(&t, ";")) {
            st = hdr_error(h, MPCC_ERR_PARSE, "expected ';' after field %s, found '%.*s'", fname,
                           (int)(t.n > 40 ? 40 : t.n), t.s);
            goto out;
        }
        if (n == cap) {
            uint32_t nc = cap ? cap * 2 : 4;
            char **nn = realloc(names, nc * sizeof *nn);
            if (nn)
                names = nn;
            struct iface_type **nt = realloc(types, nc * sizeof *nt);
            if (nt)
                types = nt;
            if (!nn || !nt) {
                st = hdr_error(h, MPCC_ERR_NOMEM, "out of memory reading struct %s", name);
                goto out;
            }
            cap = nc;
        }
        names[n] = strdup(fname);
        if (!names[n]) {
            st = hdr_error(h, MPCC_ERR_NOMEM, "out of memory reading struct %s", name);
            goto out;
        }
        types[n++] = ty;
        ty = NULL;
    }
    if (n == 0) {
        st = hdr_error(h, MPCC_ERR_PARSE, "struct %s has no fields", name);
        goto out;
    }
    if ((st = expect_eol(h, "the struct's '}'")))
        goto out;
    uint64_t bits = 0;
    for (uint32_t i = 0; i < n; i++)
        bits += types[i]->bits;
    if (bits > IFACE_MAX_TYPE_BITS) {
        st = hdr_error(h, MPCC_ERR_LIMIT, "struct %s has more than %u bits", name,
                       IFACE_MAX_TYPE_BITS);
        goto out;
    }
    struct iface_type **ns = realloc(h->structs, (h->n_structs + 1) * sizeof *ns);
    sname = strdup(name);
    if (!ns || !sname) {
        if (ns)
            h->structs = ns;
        st = hdr_error(h, MPCC_ERR_NOMEM, "out of memory reading struct %s", name);
        goto out;
    }
    h->structs = ns;
    struct iface_type *s = iface_type_struct(sname, n, names, types); /* owns them now */
    sname = NULL;
    names = NULL;
    types = NULL;
    n = 0;
    if (!s)
        return hdr_error(h, MPCC_ERR_LIMIT, "struct %s is too deeply nested", name);
    h->structs[h->n_structs++] = s;
    return MPCC_OK;
out:
    iface_type_free(ty);
    free(sname);
    for (uint32_t i = 0; i < n; i++) {
        free(names[i]);
        iface_type_free(types[i]);
    }
    free(names);
    free(types);
    return st;
}

/* Resolves a party-name token to its index. */
static enum mpcc_status party_tok(struct hdr *h, const struct iface *f, const struct tok *t,
                                  uint32_t *out)
{
    char name[IFACE_MAX_NAME + 1];
    enum mpcc_status st = tok_name(h, t, "party", name);
    if (st)
        return st;
    int64_t p = iface_party_index(f, name);
    if (p < 0)
        return hdr_error(h, MPCC_ERR_PARSE, "unknown party '%s'", name);
    *out = (uint32_t)p;
    return MPCC_OK;
}

static enum mpcc_status remember_line(struct hdr *h, unsigned long **lines, uint32_t n)
{
    if ((n & (n - 1)) == 0) { /* capacities are powers of two */
        unsigned long *nl = realloc(*lines, (n ? 2 * (size_t)n : 1) * sizeof *nl);
        if (!nl)
            return hdr_error(h, MPCC_ERR_NOMEM, "out of memory");
        *lines = nl;
    }
    (*lines)[n] = h->line;
    return MPCC_OK;
}

static enum mpcc_status parse_input(struct hdr *h, struct iface *f)
{
    struct tok t;
    char name[IFACE_MAX_NAME + 1];
    uint32_t owner = 0;
    struct iface_type *ty = NULL;
    enum mpcc_status st;
    if ((st = need_tok(h, &t, "the owning party")) || (st = party_tok(h, f, &t, &owner)) ||
        (st = need_tok(h, &t, "an input name")) || (st = tok_name(h, &t, "input", name)) ||
        (st = need_tok(h, &t, "a type")) || (st = parse_type(h, &t, &ty)))
        return st;
    if ((st = expect_eol(h, "the input's type")) || (st = remember_line(h, &h->in_lines, f->n_inputs))) {
        iface_type_free(ty);
        return st;
    }
    if (iface_add_input(f, name, owner, ty, h->err) != MPCC_OK)
        return hdr_error(h, h->err->code, "%s", h->err->msg);
    return MPCC_OK;
}

static enum mpcc_status parse_output(struct hdr *h, struct iface *f)
{
    struct tok t;
    char name[IFACE_MAX_NAME + 1];
    struct iface_type *ty = NULL;
    uint32_t *rs = NULL, n = 0;
    bool bad = false;
    enum mpcc_status st;
    if ((st = need_tok(h, &t, "an output name")) || (st = tok_name(h, &t, "output", name)) ||
        (st = need_tok(h, &t, "a type")) || (st = parse_type(h, &t, &ty)))
        return st;
    if ((st = need_tok(h, &t, "'to'")))
        goto out;
    if (!tok_is(&t, "to")) {
        st = hdr_error(h, MPCC_ERR_PARSE, "expected 'to' after the output's type, found '%.*s'",
                       (int)(t.n > 40 ? 40 : t.n), t.s);
        goto out;
    }
    rs = malloc(((size_t)f->n_parties + 1) * sizeof *rs);
    if (!rs) {
        st = hdr_error(h, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    while (next_tok(h, &t, &bad)) {
        uint32_t p = 0;
        if ((st = party_tok(h, f, &t, &p)))
            goto out;
        for (uint32_t i = 0; i < n; i++)
            if (rs[i] == p) {
                st = hdr_error(h, MPCC_ERR_PARSE, "party '%s' is listed twice", f->parties[p]);
                goto out;
            }
        rs[n++] = p; /* n <= n_parties: duplicates are refused above */
    }
    if (n == 0) {
        st = hdr_error(h, MPCC_ERR_PARSE, "output '%s' has no recipients after 'to'", name);
        goto out;
    }
    if ((st = remember_line(h, &h->out_lines, f->n_outputs)))
        goto out;
    st = iface_add_output(f, name, ty, rs, n, h->err);
    ty = NULL;
    if (st != MPCC_OK)
        st = hdr_error(h, h->err->code, "%s", h->err->msg);
out:
    free(rs);
    iface_type_free(ty);
    return st;
}

/* Moves to the next line of text starting at *pos; false at end of text. */
static bool next_line(struct hdr *h, const char *text, size_t len, size_t *pos)
{
    if (*pos >= len)
        return false;
    const char *s = text + *pos;
    const char *nl = memchr(s, '\n', len - *pos);
    h->cur = s;
    h->end = nl ? nl : text + len;
    *pos = nl ? (size_t)(nl - text) + 1 : len;
    h->line++;
    return true;
}

/* The Bristol reader numbers lines from the start of the body: shift
 * "NAME:LINE: ..." to whole-file numbering, or say "in circuit body". */
static void fix_body_error(struct hdr *h, struct mpcc_error *err, unsigned long offset)
{
    size_t nl = strlen(h->name);
    char *m = err->msg;
    if (strncmp(m, h->name, nl) == 0 && m[nl] == ':' && m[nl + 1] >= '0' && m[nl + 1] <= '9') {
        char *end;
        unsigned long line = strtoul(m + nl + 1, &end, 10);
        if (*end == ':') {
            char rest[MPCC_ERROR_MSG_MAX];
            snprintf(rest, sizeof rest, "%s", end);
            mpcc_error_set(err, err->code, "%s:%lu%s", h->name, line + offset, rest);
            return;
        }
    }
    if (strncmp(m, h->name, nl) == 0 && m[nl] == ':' && m[nl + 1] == ' ') {
        char rest[MPCC_ERROR_MSG_MAX];
        snprintf(rest, sizeof rest, "%s", m + nl + 2);
        mpcc_error_set(err, err->code, "%s: in circuit body: %s", h->name, rest);
        return;
    }
    mpcc_error_prefix(err, "%s: in circuit body", h->name);
}

static enum mpcc_status check_widths(struct hdr *h, const struct iface *f, const struct circuit *c,
                                     unsigned long circuit_line)
{
    char tb[TYPE_STR_MAX];
    h->line = circuit_line;
    if (f->n_inputs != c->n_inputs)
        return hdr_error(h, MPCC_ERR_PARSE,
                         "the header declares %u inputs but the circuit has %u input values",
                         f->n_inputs, c->n_inputs);
    if (f->n_outputs != c->n_outputs)
        return hdr_error(h, MPCC_ERR_PARSE,
                         "the header declares %u outputs but the circuit has %u output values",
                         f->n_outputs, c->n_outputs);
    for (uint32_t i = 0; i < f->n_inputs; i++)
        if (f->inputs[i].type->bits != c->input_widths[i]) {
            h->line = h->in_lines[i];
            iface_type_to_string(f->inputs[i].type, tb, sizeof tb);
            return hdr_error(h, MPCC_ERR_PARSE,
                             "input '%s' has type %s (%llu bits) but circuit input %u has %u bits",
                             f->inputs[i].name, tb, (unsigned long long)f->inputs[i].type->bits, i,
                             c->input_widths[i]);
        }
    for (uint32_t i = 0; i < f->n_outputs; i++)
        if (f->outputs[i].type->bits != c->output_widths[i]) {
            h->line = h->out_lines[i];
            iface_type_to_string(f->outputs[i].type, tb, sizeof tb);
            return hdr_error(h, MPCC_ERR_PARSE,
                             "output '%s' has type %s (%llu bits) but circuit output %u has %u bits",
                             f->outputs[i].name, tb, (unsigned long long)f->outputs[i].type->bits,
                             i, c->output_widths[i]);
        }
    return MPCC_OK;
}

/* Reads the header from its version line to its 'circuit' line into f;
 * *pos receives the offset just past that line. */
static enum mpcc_status read_header(struct hdr *h, struct iface *f, const char *text, size_t len, size_t *pos)
{
    struct tok t = {"", 0};
    bool bad = false, found_circuit = false;
    enum mpcc_status st = MPCC_OK;
    if (!next_line(h, text, len, pos) || !next_tok(h, &t, &bad) || !tok_is(&t, "mpcc-circuit")) {
        h->line = 1;
        return hdr_error(h, MPCC_ERR_PARSE,
                         "not an mpcc circuit file (expected 'mpcc-circuit %d' on the first line, or a binary "
                         ".circ; compile a .mpc program with 'mpcc compile PROG.mpc -o PROG.circ')",
                         PROG_FORMAT_VERSION);
    }
    if (!next_tok(h, &t, &bad))
        return hdr_error(h, MPCC_ERR_PARSE, "missing format version after 'mpcc-circuit'");
    if (!tok_is(&t, "1"))
        return hdr_error(h, MPCC_ERR_PARSE, "unsupported format version '%.*s' (this build reads version %d)",
                         (int)(t.n > 20 ? 20 : t.n), t.s, PROG_FORMAT_VERSION);
    if (expect_eol(h, "the version"))
        return MPCC_ERR_PARSE;
    while (!found_circuit && next_line(h, text, len, pos)) {
        if (memchr(h->cur, '\0', (size_t)(h->end - h->cur)))
            return hdr_error(h, MPCC_ERR_PARSE, "NUL byte in the header");
        const char *line_start = h->cur;
        bad = false;
        if (!next_tok(h, &t, &bad) || t.s[0] == '#')
            continue; /* blank line or comment */
        h->cur = line_start;
        bad = false;
        while (next_tok(h, &t, &bad))
            ;
        if (bad)
            return hdr_error(h, MPCC_ERR_PARSE, "control or non-ASCII character in the header");
        h->cur = line_start;
        next_tok(h, &t, &bad);
        if (tok_is(&t, "party"))
            st = parse_party(h, f);
        else if (tok_is(&t, "struct"))
            st = parse_struct(h);
        else if (tok_is(&t, "input"))
            st = parse_input(h, f);
        else if (tok_is(&t, "output"))
            st = parse_output(h, f);
        else if (tok_is(&t, "circuit"))
            found_circuit = (st = expect_eol(h, "'circuit'")) == MPCC_OK;
        else
            st = hdr_error(h, MPCC_ERR_PARSE,
                           "unknown keyword '%.*s' (expected party, struct, input, output or circuit)",
                           (int)(t.n > 40 ? 40 : t.n), t.s);
        if (st != MPCC_OK)
            return st;
    }
    if (!found_circuit)
        return hdr_error(h, MPCC_ERR_PARSE, "end of file before the 'circuit' line");
    if (f->n_parties == 0)
        return hdr_error(h, MPCC_ERR_PARSE, "no parties declared before 'circuit'");
    return MPCC_OK;
}

static const uint8_t prog_magic[8] = { 0x7f, 'M', 'P', 'C', 'C', '\r', '\n', 0x1a };

/* Unsigned LEB128 at buf[*pos]; 0 when truncated or too long. */
static int bin_varint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64 && *pos < len; shift += 7) {
        uint8_t c = buf[(*pos)++];
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return 1;
        }
    }
    return 0;
}

/* The binary form: magic, version, header length and text, body length and
 * circuit, SHA-256 of everything before it. */
static struct mpcc_program *read_binary(struct hdr *h, const uint8_t *buf, size_t len)
{
    struct iface *f = NULL;
    struct circuit *c = NULL;
    struct mpcc_program *p = NULL;
    size_t pos = sizeof prog_magic;
    uint64_t version, hlen, blen;
    uint8_t md[32];
    unsigned int dlen = 0;
    if (len < sizeof prog_magic + 32) {
        mpcc_error_set(h->err, MPCC_ERR_PARSE, "%s: truncated: %zu bytes, too short for a binary .circ", h->name, len);
        return NULL;
    }
    if (!EVP_Digest(buf, len - 32, md, &dlen, EVP_sha256(), NULL) || dlen != 32) {
        mpcc_error_set(h->err, MPCC_ERR_CRYPTO, "%s: SHA-256 failed", h->name);
        return NULL;
    }
    if (memcmp(md, buf + len - 32, 32) != 0) {
        mpcc_error_set(h->err, MPCC_ERR_PARSE, "%s: the checksum at the end does not match: the file is damaged or "
                       "truncated", h->name);
        return NULL;
    }
    len -= 32;
    if (!bin_varint(buf, len, &pos, &version) || version != PROG_BINARY_VERSION) {
        mpcc_error_set(h->err, MPCC_ERR_PARSE, "%s: unsupported binary format version (this build reads version %d)",
                       h->name, PROG_BINARY_VERSION);
        return NULL;
    }
    if (!bin_varint(buf, len, &pos, &hlen) || hlen > len - pos) {
        mpcc_error_set(h->err, MPCC_ERR_PARSE, "%s: byte %zu: truncated interface header", h->name, pos);
        return NULL;
    }
    size_t hpos = 0, hstart = pos;
    if ((f = iface_new(h->err)) == NULL || read_header(h, f, (const char *)buf + hstart, (size_t)hlen, &hpos) != MPCC_OK)
        goto out;
    if (hpos != hlen) {
        mpcc_error_set(h->err, MPCC_ERR_PARSE, "%s: text after the 'circuit' line of the interface header", h->name);
        goto out;
    }
    pos += (size_t)hlen;
    if (!bin_varint(buf, len, &pos, &blen) || blen != len - pos) {
        mpcc_error_set(h->err, MPCC_ERR_PARSE, "%s: byte %zu: the circuit's length does not match the file", h->name, pos);
        goto out;
    }
    c = circ_bin_decode(buf + pos, (size_t)blen, pos, h->err);
    if (c == NULL) {
        mpcc_error_prefix(h->err, "%s", h->name);
        goto out;
    }
    if (check_widths(h, f, c, h->line) != MPCC_OK)
        goto out;
    p = prog_new(f, c, h->err);
    f = NULL;
    c = NULL;
out:
    iface_free(f);
    circ_free(c);
    return p;
}

struct mpcc_program *prog_read_mem(const char *text, size_t len, const char *name,
                                   struct mpcc_error *err)
{
    struct mpcc_error local = {0};
    struct hdr h = {.name = name ? name : "<memory>", .err = err ? err : &local};
    struct iface *f = NULL;
    struct circuit *c = NULL;
    struct mpcc_program *p = NULL;
    size_t pos = 0;
    if (len >= sizeof prog_magic && memcmp(text, prog_magic, sizeof prog_magic) == 0) {
        p = read_binary(&h, (const uint8_t *)text, len);
        goto out;
    }
    if ((f = iface_new(h.err)) == NULL || read_header(&h, f, text, len, &pos) != MPCC_OK)
        goto out;
    unsigned long circuit_line = h.line;
    c = circ_read_bristol_mem(text + pos, len - pos, h.name, h.err);
    if (!c) {
        fix_body_error(&h, h.err, circuit_line);
        goto out;
    }
    if (check_widths(&h, f, c, circuit_line) != MPCC_OK)
        goto out;
    p = prog_new(f, c, h.err);
    f = NULL;
    c = NULL;
out:
    iface_free(f);
    circ_free(c);
    for (uint32_t i = 0; i < h.n_structs; i++)
        iface_type_free(h.structs[i]);
    free(h.structs);
    free(h.in_lines);
    free(h.out_lines);
    return p;
}

struct mpcc_program *prog_read_file(const char *path, struct mpcc_error *err)
{
    struct mpcc_program *p = NULL;
    char *buf = NULL;
    struct stat sb;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        mpcc_error_set(err, MPCC_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        mpcc_error_set(err, MPCC_ERR_IO, "'%s' is not a regular file", path);
        goto out;
    }
    size_t size = (size_t)sb.st_size;
    buf = malloc(size + 1);
    if (!buf) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory reading '%s' (%zu bytes)", path, size);
        goto out;
    }
    if (fread(buf, 1, size, fp) != size || ferror(fp)) {
        mpcc_error_set(err, MPCC_ERR_IO, "cannot read '%s'", path);
        goto out;
    }
    buf[size] = '\0';
    p = prog_read_mem(buf, size, path, err);
out:
    free(buf);
    fclose(fp);
    return p;
}

/* ---- writer ---- */

struct struct_list {
    const struct iface_type **v;
    uint32_t n;
};

/* Collects the struct types used by t, each after the structs it uses. */
static enum mpcc_status collect_structs(const struct iface_type *t, struct struct_list *l,
                                        struct mpcc_error *err)
{
    enum mpcc_status st;
    if (t->kind == IFACE_ARRAY)
        return collect_structs(t->elem, l, err);
    if (t->kind != IFACE_STRUCT)
        return MPCC_OK;
    for (uint32_t i = 0; i < t->n_fields; i++)
        if ((st = collect_structs(t->field_types[i], l, err)) != MPCC_OK)
            return st;
    for (uint32_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i]->name, t->name) == 0) {
            if (!iface_type_equal(l->v[i], t))
                return mpcc_error_set(err, MPCC_ERR_INVALID,
                                      "two different structs are both called '%s'", t->name);
            return MPCC_OK;
        }
    if (l->n >= PROG_MAX_STRUCTS)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %u structs", PROG_MAX_STRUCTS);
    const struct iface_type **nv = realloc(l->v, ((size_t)l->n + 1) * sizeof *nv);
    if (!nv)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory writing a program");
    l->v = nv;
    l->v[l->n++] = t;
    return MPCC_OK;
}

/* The interface header, from the version line to the 'circuit' line. */
static enum mpcc_status write_header(const struct mpcc_program *p, FILE *out, struct mpcc_error *err)
{
    const struct iface *f = p->iface;
    struct struct_list l = {0};
    char tb[TYPE_STR_MAX];
    enum mpcc_status st = iface_check_against(f, p->circ, err);
    if (st != MPCC_OK)
        goto out;
    for (uint32_t i = 0; i < f->n_inputs && st == MPCC_OK; i++)
        st = collect_structs(f->inputs[i].type, &l, err);
    for (uint32_t i = 0; i < f->n_outputs && st == MPCC_OK; i++)
        st = collect_structs(f->outputs[i].type, &l, err);
    if (st != MPCC_OK)
        goto out;
    fprintf(out, "mpcc-circuit %d\n", PROG_FORMAT_VERSION);
    for (uint32_t i = 0; i < f->n_parties; i++)
        fprintf(out, "party %s\n", f->parties[i]);
    for (uint32_t i = 0; i < l.n; i++) {
        fprintf(out, "struct %s {", l.v[i]->name);
        for (uint32_t j = 0; j < l.v[i]->n_fields; j++) {
            iface_type_to_string(l.v[i]->field_types[j], tb, sizeof tb);
            fprintf(out, " %s %s;", tb, l.v[i]->field_names[j]);
        }
        fprintf(out, " }\n");
    }
    for (uint32_t i = 0; i < f->n_inputs; i++) {
        iface_type_to_string(f->inputs[i].type, tb, sizeof tb);
        fprintf(out, "input %s %s %s\n", f->parties[f->inputs[i].owner], f->inputs[i].name, tb);
    }
    for (uint32_t i = 0; i < f->n_outputs; i++) {
        iface_type_to_string(f->outputs[i].type, tb, sizeof tb);
        fprintf(out, "output %s %s to", f->outputs[i].name, tb);
        for (uint32_t j = 0; j < f->outputs[i].n_recipients; j++)
            fprintf(out, " %s", f->parties[f->outputs[i].recipients[j]]);
        fputc('\n', out);
    }
    fprintf(out, "circuit\n");
    if (ferror(out))
        st = mpcc_error_set(err, MPCC_ERR_IO, "write error: %s", strerror(errno));
out:
    free(l.v);
    return st;
}

enum mpcc_status prog_write_text(const struct mpcc_program *p, FILE *out, struct mpcc_error *err)
{
    enum mpcc_status st = write_header(p, out, err);
    return st != MPCC_OK ? st : circ_write_bristol(p->circ, out, err);
}

/* The canonical binary bytes of p into *buf (malloc'd). */
static enum mpcc_status binary_bytes(const struct mpcc_program *p, uint8_t **buf, size_t *len,
                                     struct mpcc_error *err)
{
    char *hdr = NULL;
    size_t hlen = 0;
    struct circ_bin_buf body = {0}, all = {0};
    FILE *m = open_memstream(&hdr, &hlen);
    if (m == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory writing a program");
    enum mpcc_status st = write_header(p, m, err);
    if (fclose(m) != 0 && st == MPCC_OK)
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory writing a program");
    if (st == MPCC_OK) {
        circ_bin_encode(p->circ, &body);
        for (size_t i = 0; i < sizeof prog_magic; i++)
            circ_bin_encode_byte(&all, prog_magic[i]);
        circ_bin_encode_u(&all, PROG_BINARY_VERSION);
        circ_bin_encode_u(&all, hlen);
        for (size_t i = 0; i < hlen; i++)
            circ_bin_encode_byte(&all, (uint8_t)hdr[i]);
        circ_bin_encode_u(&all, body.n);
        for (size_t i = 0; i < body.n && !body.failed; i++)
            circ_bin_encode_byte(&all, body.p[i]);
        uint8_t md[32];
        unsigned int dlen = 0;
        if (body.failed || all.failed)
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory writing a program");
        else if (!EVP_Digest(all.p, all.n, md, &dlen, EVP_sha256(), NULL) || dlen != 32)
            st = mpcc_error_set(err, MPCC_ERR_CRYPTO, "SHA-256 of the program failed");
        for (unsigned i = 0; st == MPCC_OK && i < 32; i++)
            circ_bin_encode_byte(&all, md[i]);
        if (st == MPCC_OK && all.failed)
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory writing a program");
    }
    free(hdr);
    free(body.p);
    if (st != MPCC_OK) {
        free(all.p);
        return st;
    }
    *buf = all.p;
    *len = all.n;
    return MPCC_OK;
}

enum mpcc_status prog_write(const struct mpcc_program *p, FILE *out, struct mpcc_error *err)
{
    uint8_t *buf;
    size_t len;
    enum mpcc_status st = binary_bytes(p, &buf, &len, err);
    if (st != MPCC_OK)
        return st;
    if (fwrite(buf, 1, len, out) != len || ferror(out))
        st = mpcc_error_set(err, MPCC_ERR_IO, "write error: %s", strerror(errno));
    free(buf);
    return st;
}

static enum mpcc_status prog_write_file_with(const struct mpcc_program *p, const char *path,
                                            enum prog_form form, struct mpcc_error *err)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + sizeof ".tmp.XXXXXX");
    FILE *fp = NULL;
    int fd = -1;
    enum mpcc_status st;
    if (!tmp)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory writing '%s'", path);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    fd = mkstemp(tmp);
    if (fd < 0) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
        free(tmp);
        return st;
    }
    if (fchmod(fd, 0644) != 0) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        goto fail;
    }
    fp = fdopen(fd, "wb");
    if (!fp) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        goto fail;
    }
    st = form == PROG_FORM_TEXT      ? prog_write_text(p, fp, err)
         : form == PROG_FORM_BRISTOL ? circ_write_bristol(p->circ, fp, err)
                                     : prog_write(p, fp, err);
    if (st != MPCC_OK) {
        fclose(fp);
        goto fail;
    }
    if (fflush(fp) != 0 || fsync(fd) != 0) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        fclose(fp);
        goto fail;
    }
    if (fclose(fp) != 0) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot rename into '%s': %s", path, strerror(errno));
        goto fail;
    }
    free(tmp);
    return MPCC_OK;
fail:
    unlink(tmp);
    free(tmp);
    return st;
}

enum mpcc_status prog_write_file(const struct mpcc_program *p, const char *path,
                                 struct mpcc_error *err)
{
    return prog_write_file_with(p, path, PROG_FORM_BINARY, err);
}

enum mpcc_status prog_write_file_as(const struct mpcc_program *p, const char *path, enum prog_form form,
                                    struct mpcc_error *err)
{
    return prog_write_file_with(p, path, form, err);
}

enum mpcc_status prog_digest(const struct mpcc_program *p, uint8_t out[32],
                             struct mpcc_error *err)
{
    uint8_t *buf;
    size_t len;
    enum mpcc_status st = binary_bytes(p, &buf, &len, err);
    if (st != MPCC_OK)
        return st;
    memcpy(out, buf + len - 32, 32); /* the file's own SHA-256 of everything before it */
    free(buf);
    return MPCC_OK;
}
