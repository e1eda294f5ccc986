/* values.c - typed values <-> bits: a recursive-descent parser for the
 * human value syntax (integers of any width up to 65535 bits, bools,
 * arrays, structs), the text and JSON printers, and the collection of a
 * party's inputs from --input arguments and input files. No protocol code. */
#include "circuits/values.h"

#include "circuits/fixed.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LIT_ECHO_MAX 40 /* characters of a literal quoted in an error */
#define TYPE_STR_MAX 1024

/* ---- big magnitudes: little-endian arrays of 32-bit limbs ---- */

struct mag {
    uint32_t *l;
    size_t n;    /* capacity in limbs */
    size_t used; /* limbs up to the highest non-zero one */
    uint32_t small[8];
};

static bool mag_init(struct mag *m, uint32_t width)
{
    m->n = (size_t)width / 32 + 2;
    m->used = 0;
    if (m->n <= sizeof m->small / sizeof m->small[0]) {
        m->l = m->small;
        memset(m->small, 0, sizeof m->small);
        return true;
    }
    m->l = calloc(m->n, sizeof *m->l);
    return m->l != NULL;
}

static void mag_clear(struct mag *m)
{
    if (m->l != m->small)
        free(m->l);
}

/* m = m * mul + add; false when the result no longer fits in m->n limbs. */
static bool mag_muladd(struct mag *m, uint32_t mul, uint32_t add)
{
    uint64_t carry = add;
    for (size_t i = 0; i < m->used; i++) {
        uint64_t x = (uint64_t)m->l[i] * mul + carry;
        m->l[i] = (uint32_t)x;
        carry = x >> 32;
    }
    if (carry) {
        if (m->used == m->n)
            return false;
        m->l[m->used++] = (uint32_t)carry;
    }
    return true;
}

/* m = m / div; returns the remainder. */
static uint32_t mag_divrem(struct mag *m, uint32_t div)
{
    uint64_t rem = 0;
    for (size_t i = m->used; i-- > 0;) {
        uint64_t x = (rem << 32) | m->l[i];
        m->l[i] = (uint32_t)(x / div);
        rem = x % div;
    }
    while (m->used > 0 && m->l[m->used - 1] == 0)
        m->used--;
    return (uint32_t)rem;
}

/* Index of the highest set bit, or -1 for zero. */
static int64_t mag_top_bit(const struct mag *m)
{
    if (m->used == 0)
        return -1;
    uint32_t top = m->l[m->used - 1];
    int b = 31;
    while (!(top >> b))
        b--;
    return (int64_t)(m->used - 1) * 32 + b;
}

static int mag_bit(const struct mag *m, uint64_t i)
{
    return i / 32 < m->used ? (int)((m->l[i / 32] >> (i % 32)) & 1) : 0;
}

/* True if bits 0 .. nbits-1 of m are all zero. */
static bool mag_low_zero(const struct mag *m, uint64_t nbits)
{
    for (uint64_t i = 0; i < nbits / 32 && i < m->used; i++)
        if (m->l[i])
            return false;
    if (nbits % 32 && nbits / 32 < m->used)
        return (m->l[nbits / 32] & ((1u << (nbits % 32)) - 1)) == 0;
    return true;
}

/* ---- the parser ---- */

struct vp {
    const char *s;
    size_t len, pos;
    size_t err_pos; /* offset of the problem */
    struct mpcc_error *err;
};

static enum mpcc_status vp_fail(struct vp *p, size_t at, enum mpcc_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum mpcc_status vp_fail(struct vp *p, size_t at, enum mpcc_status code, const char *fmt, ...)
{
    char msg[MPCC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->err_pos = at;
    return mpcc_error_set(p->err, code, "%s", msg);
}

static void vp_ws(struct vp *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

/* Describes what stands at the current position, for "found ..." texts. */
static void vp_found(const struct vp *p, char *buf, size_t len)
{
    if (p->pos >= p->len) {
        snprintf(buf, len, "end of text");
        return;
    }
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c >= 0x21 && c < 0x7f)
        snprintf(buf, len, "'%c'", c);
    else
        snprintf(buf, len, "byte 0x%02x", c);
}

static bool word_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static void type_str(const struct iface_type *t, char *buf)
{
    iface_type_to_string(t, buf, TYPE_STR_MAX);
}

/* "0..255" / "-128..127" / "0..2^128-1" / "-2^127..2^127-1" */
static void range_str(const struct iface_type *t, char *buf, size_t len)
{
    uint32_t w = t->width;
    if (t->kind == IFACE_UINT && w <= 64)
        snprintf(buf, len, "0..%llu", (unsigned long long)(w == 64 ? UINT64_MAX : (1ull << w) - 1));
    else if (t->kind == IFACE_UINT)
        snprintf(buf, len, "0..2^%u-1", w);
    else if (w <= 64)
        snprintf(buf, len, "-%llu..%llu", (unsigned long long)(1ull << (w - 1)),
                 (unsigned long long)((1ull << (w - 1)) - 1));
    else
        snprintf(buf, len, "-2^%u..2^%u-1", w - 1, w - 1);
}

static enum mpcc_status parse_value(struct vp *p, const struct iface_type *t, uint8_t *bits);

/* An integer literal: [+-] (decimal | 0x hex | 0b binary), '_' between digits. */
static enum mpcc_status parse_int(struct vp *p, const struct iface_type *t, uint8_t *bits)
{
    char tb[TYPE_STR_MAX], rb[96], found[32];
    size_t start = p->pos, i = p->pos;
    bool neg = false;
    if (i < p->len && (p->s[i] == '-' || p->s[i] == '+')) {
        neg = p->s[i] == '-';
        i++;
    }
    size_t body = i;
    while (i < p->len && word_char(p->s[i]))
        i++;
    size_t end = i;
    int lit_n = (int)(end - start > LIT_ECHO_MAX ? LIT_ECHO_MAX : end - start);
    const char *dots = end - start > LIT_ECHO_MAX ? "..." : "";
    if (end > body && end + 1 < p->len && p->s[end] == '.' && p->s[end + 1] >= '0' && p->s[end + 1] <= '9') {
        size_t e2 = end + 1;
        while (e2 < p->len && word_char(p->s[e2]))
            e2++;
        type_str(t, tb);
        return vp_fail(p, start, MPCC_ERR_PARSE, "%.*s is a decimal, but %s takes integers (decimals "
                       "need a fixed-point type such as fixed32)",
                       (int)(e2 - start > LIT_ECHO_MAX ? LIT_ECHO_MAX : e2 - start), p->s + start, tb);
    }
    if (body == end) {
        type_str(t, tb);
        p->pos = body;
        vp_found(p, found, sizeof found);
        return vp_fail(p, body, MPCC_ERR_PARSE, "expected a %s value, found %s", tb, found);
    }
    unsigned base = 10;
    size_t d = body;
    if (end - body >= 2 && p->s[body] == '0' && (p->s[body + 1] == 'x' || p->s[body + 1] == 'X'))
        base = 16, d += 2;
    else if (end - body >= 2 && p->s[body] == '0' && (p->s[body + 1] == 'b' || p->s[body + 1] == 'B'))
        base = 2, d += 2;
    const char *base_name = base == 16 ? "hexadecimal" : base == 2 ? "binary" : "decimal";
    if (d == end)
        return vp_fail(p, start, MPCC_ERR_PARSE, "'%.*s%s' has no digits", lit_n, p->s + start, dots);
    for (size_t k = d; k < end; k++) {
        char c = p->s[k];
        unsigned v = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
        if (c == '_') {
            if (k == d || k + 1 == end || p->s[k + 1] == '_')
                return vp_fail(p, k, MPCC_ERR_PARSE, "misplaced '_' in '%.*s%s' (only between digits)",
                               lit_n, p->s + start, dots);
        } else if (v >= base) {
            if (k == body && base == 10 && (c < '0' || c > '9')) {
                type_str(t, tb);
                return vp_fail(p, start, MPCC_ERR_PARSE, "expected a %s value, found '%.*s%s'", tb,
                               lit_n, p->s + start, dots);
            }
            return vp_fail(p, k, MPCC_ERR_PARSE, "invalid %s digit '%c' in '%.*s%s'", base_name, c,
                           lit_n, p->s + start, dots);
        }
    }
    struct mag m;
    if (!mag_init(&m, t->width))
        return vp_fail(p, start, MPCC_ERR_NOMEM, "out of memory parsing a %u-bit value", t->width);
    bool fits = true;
    if (base == 10) {
        for (size_t k = d; k < end && fits; k++)
            if (p->s[k] != '_')
                fits = mag_muladd(&m, 10, (uint32_t)(p->s[k] - '0'));
    } else {
        unsigned step = base == 16 ? 4 : 1;
        uint64_t bit = 0;
        for (size_t k = end; k-- > d && fits;) {
            char c = p->s[k];
            if (c == '_')
                continue;
            unsigned v = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
            for (unsigned b = 0; b < step; b++, bit++) {
                if (!((v >> b) & 1))
                    continue;
                if (bit / 32 >= m.n) {
                    fits = false;
                    break;
                }
                m.l[bit / 32] |= 1u << (bit % 32);
                if (bit / 32 + 1 > m.used)
                    m.used = bit / 32 + 1;
            }
        }
    }
    int64_t top = fits ? mag_top_bit(&m) : INT64_MAX;
    int64_t w = t->width;
    if (t->kind == IFACE_UINT)
        fits = top < w && !(neg && top >= 0);
    else if (!neg)
        fits = top < w - 1;
    else /* magnitude up to 2^(w-1) */
        fits = top < w - 1 || (top == w - 1 && mag_low_zero(&m, (uint64_t)(w - 1)));
    if (!fits) {
        mag_clear(&m);
        type_str(t, tb);
        range_str(t, rb, sizeof rb);
        return vp_fail(p, start, MPCC_ERR_PARSE, "value %.*s%s does not fit in %s (%s)", lit_n,
                       p->s + start, dots, tb, rb);
    }
    /* two's complement of the magnitude when negative: invert, add one */
    int carry = neg ? 1 : 0;
    for (uint32_t b = 0; b < t->width; b++) {
        int v = mag_bit(&m, b);
        if (neg) {
            v = !v + carry;
            carry = v >> 1;
            v &= 1;
        }
        bits[b] = (uint8_t)v;
    }
    mag_clear(&m);
    p->pos = end;
    return MPCC_OK;
}

/* A fixed-point value: a decimal number [+-]D[.D] (fixed.h: the nearest
 * multiple of 2^-F, halves away from zero). */
static enum mpcc_status parse_fixed(struct vp *p, const struct iface_type *t, uint8_t *bits)
{
    char tb[TYPE_STR_MAX], found[32], lo[FIXED_TEXT_MAX], hi[FIXED_TEXT_MAX];
    size_t start = p->pos, end = p->pos, used = 0;
    while (end < p->len && (word_char(p->s[end]) || p->s[end] == '.' || p->s[end] == '-' ||
                            p->s[end] == '+'))
        end++;
    int lit_n = (int)(end - start > LIT_ECHO_MAX ? LIT_ECHO_MAX : end - start);
    const char *dots = end - start > LIT_ECHO_MAX ? "..." : "";
    int64_t v = 0;
    int r = fixed_parse(p->s + start, end - start, t->width, &v, &used);
    type_str(t, tb);
    if (r == 0 || (r == 1 && used != end - start)) {
        if (end == start) {
            vp_found(p, found, sizeof found);
            return vp_fail(p, start, MPCC_ERR_PARSE, "expected a %s value (a decimal number such as "
                           "1.5), found %s", tb, found);
        }
        return vp_fail(p, start, MPCC_ERR_PARSE, "expected a %s value (a decimal number such as 1.5), "
                       "found '%.*s%s'", tb, lit_n, p->s + start, dots);
    }
    if (r < 0) {
        fixed_range(t->width, lo, hi);
        return vp_fail(p, start, MPCC_ERR_PARSE, "value %.*s%s does not fit in %s (%s..%s)", lit_n,
                       p->s + start, dots, tb, lo, hi);
    }
    for (uint32_t b = 0; b < t->width; b++)
        bits[b] = (uint8_t)(((uint64_t)v >> b) & 1);
    p->pos = end;
    return MPCC_OK;
}

static enum mpcc_status parse_bool(struct vp *p, uint8_t *bits)
{
    char found[32];
    size_t start = p->pos, end = p->pos;
    while (end < p->len && (word_char(p->s[end]) || p->s[end] == '-' || p->s[end] == '+'))
        end++;
    size_t n = end - start;
    if ((n == 4 && memcmp(p->s + start, "true", 4) == 0) || (n == 1 && p->s[start] == '1'))
        bits[0] = 1;
    else if ((n == 5 && memcmp(p->s + start, "false", 5) == 0) || (n == 1 && p->s[start] == '0'))
        bits[0] = 0;
    else if (n == 0) {
        vp_found(p, found, sizeof found);
        return vp_fail(p, start, MPCC_ERR_PARSE, "expected true, false, 0 or 1 for bool, found %s",
                       found);
    } else
        return vp_fail(p, start, MPCC_ERR_PARSE, "expected true, false, 0 or 1 for bool, found '%.*s%s'",
                       (int)(n > LIT_ECHO_MAX ? LIT_ECHO_MAX : n), p->s + start,
                       n > LIT_ECHO_MAX ? "..." : "");
    p->pos = end;
    return MPCC_OK;
}

static bool vp_peek(const struct vp *p, char c)
{
    return p->pos < p->len && p->s[p->pos] == c;
}

/* '[' v, v, ... ']' with exactly t->length elements (a trailing ',' is allowed). */
static enum mpcc_status parse_array(struct vp *p, const struct iface_type *t, uint8_t *bits)
{
    char tb[TYPE_STR_MAX], found[32];
    enum mpcc_status st;
    uint32_t count = 0;
    if (!vp_peek(p, '[')) {
        type_str(t, tb);
        vp_found(p, found, sizeof found);
        return vp_fail(p, p->pos, MPCC_ERR_PARSE, "expected '[' to start a %s value, found %s", tb,
                       found);
    }
    p->pos++;
    vp_ws(p);
    while (!vp_peek(p, ']')) {
        if (count == t->length) {
            type_str(t, tb);
            return vp_fail(p, p->pos, MPCC_ERR_PARSE, "too many elements for %s (expected %u)", tb,
                           t->length);
        }
        if ((st = parse_value(p, t->elem, bits + (uint64_t)count * t->elem->bits)) != MPCC_OK)
            return st;
        count++;
        vp_ws(p);
        if (vp_peek(p, ',')) {
            p->pos++;
            vp_ws(p);
        } else if (!vp_peek(p, ']')) {
            type_str(t, tb);
            vp_found(p, found, sizeof found);
            return vp_fail(p, p->pos, MPCC_ERR_PARSE, "expected ',' or ']' in %s, found %s", tb, found);
        }
    }
    if (count < t->length) {
        type_str(t, tb);
        return vp_fail(p, p->pos, MPCC_ERR_PARSE, "expected %u elements for %s, found %u", t->length,
                       tb, count);
    }
    p->pos++;
    return MPCC_OK;
}

/* '{' field: v, ... '}' with every field exactly once, in any order. */
static enum mpcc_status parse_struct(struct vp *p, const struct iface_type *t, uint8_t *bits)
{
    char found[32];
    enum mpcc_status st = MPCC_OK;
    bool *given = NULL;
    if (!vp_peek(p, '{')) {
        vp_found(p, found, sizeof found);
        return vp_fail(p, p->pos, MPCC_ERR_PARSE, "expected '{' to start a %s value, found %s",
                       t->name, found);
    }
    given = calloc(t->n_fields, sizeof *given);
    if (!given)
        return vp_fail(p, p->pos, MPCC_ERR_NOMEM, "out of memory parsing a %s value", t->name);
    p->pos++;
    vp_ws(p);
    while (!vp_peek(p, '}')) {
        size_t fstart = p->pos;
        while (p->pos < p->len && word_char(p->s[p->pos]))
            p->pos++;
        size_t fn = p->pos - fstart;
        if (fn == 0) {
            vp_found(p, found, sizeof found);
            st = vp_fail(p, p->pos, MPCC_ERR_PARSE, "expected a field name of %s, found %s", t->name,
                         found);
            goto out;
        }
        uint32_t k;
        uint64_t off = 0;
        for (k = 0; k < t->n_fields; k++) {
            if (strlen(t->field_names[k]) == fn && memcmp(t->field_names[k], p->s + fstart, fn) == 0)
                break;
            off += t->field_types[k]->bits;
        }
        if (k == t->n_fields) {
            st = vp_fail(p, fstart, MPCC_ERR_PARSE, "struct %s has no field '%.*s'", t->name,
                         (int)(fn > IFACE_MAX_NAME ? IFACE_MAX_NAME : fn), p->s + fstart);
            goto out;
        }
        if (given[k]) {
            st = vp_fail(p, fstart, MPCC_ERR_PARSE, "field '%s' of %s given twice", t->field_names[k],
                         t->name);
            goto out;
        }
        given[k] = true;
        vp_ws(p);
        if (!vp_peek(p, ':')) {
            vp_found(p, found, sizeof found);
            st = vp_fail(p, p->pos, MPCC_ERR_PARSE, "expected ':' after field '%s', found %s",
                         t->field_names[k], found);
            goto out;
        }
        p->pos++;
        vp_ws(p);
        if ((st = parse_value(p, t->field_types[k], bits + off)) != MPCC_OK)
            goto out;
        vp_ws(p);
        if (vp_peek(p, ',')) {
            p->pos++;
            vp_ws(p);
        } else if (!vp_peek(p, '}')) {
            vp_found(p, found, sizeof found);
            st = vp_fail(p, p->pos, MPCC_ERR_PARSE, "expected ',' or '}' in %s, found %s", t->name,
                         found);
            goto out;
        }
    }
    for (uint32_t k = 0; k < t->n_fields; k++)
        if (!given[k]) {
            st = vp_fail(p, p->pos, MPCC_ERR_PARSE, "missing field '%s' of %s", t->field_names[k],
                         t->name);
            goto out;
        }
    p->pos++;
out:
    free(given);
    return st;
}

static enum mpcc_status parse_value(struct vp *p, const struct iface_type *t, uint8_t *bits)
{
    vp_ws(p);
    switch (t->kind) {
    case IFACE_BOOL:
        return parse_bool(p, bits);
    case IFACE_UINT:
    case IFACE_INT:
        return parse_int(p, t, bits);
    case IFACE_FIXED:
        return parse_fixed(p, t, bits);
    case IFACE_ARRAY:
        return parse_array(p, t, bits);
    case IFACE_STRUCT:
        return parse_struct(p, t, bits);
    }
    return vp_fail(p, p->pos, MPCC_ERR_INVALID, "unknown type kind %d", (int)t->kind);
}

/* Parses a whole text as one value; on failure *err_pos is the offset of
 * the problem and err holds the message without a location. */
static enum mpcc_status parse_at(const struct iface_type *t, const char *s, size_t len,
                                 uint8_t *bits, struct mpcc_error *err, size_t *err_pos)
{
    char found[32];
    struct vp p = {.s = s, .len = len, .err = err};
    enum mpcc_status st = parse_value(&p, t, bits);
    if (st == MPCC_OK) {
        vp_ws(&p);
        if (p.pos < p.len) {
            vp_found(&p, found, sizeof found);
            st = vp_fail(&p, p.pos, MPCC_ERR_PARSE, "unexpected %s after the value", found);
        }
    }
    *err_pos = p.err_pos;
    return st;
}

enum mpcc_status values_parse_n(const struct iface_type *t, const char *text, size_t len,
                                uint8_t *bits, struct mpcc_error *err)
{
    struct mpcc_error local;
    struct mpcc_error *e = err ? err : &local;
    size_t at = 0;
    enum mpcc_status st = parse_at(t, text, len, bits, e, &at);
    if (st != MPCC_OK)
        mpcc_error_prefix(e, "column %zu", at + 1);
    return st;
}

enum mpcc_status values_parse(const struct iface_type *t, const char *text, uint8_t *bits,
                              struct mpcc_error *err)
{
    return values_parse_n(t, text, strlen(text), bits, err);
}

/* ---- formatting ---- */

/* Prints an integer of t's width and signedness in decimal. */
static void format_int(const struct iface_type *t, const uint8_t *bits, bool quote, FILE *out,
                       struct mpcc_error *err, enum mpcc_status *st)
{
    uint32_t w = t->width;
    bool neg = t->kind == IFACE_INT && bits[w - 1];
    const char *q = quote ? "\"" : "";
    if (w <= 64) {
        uint64_t v = 0;
        for (uint32_t i = 0; i < w; i++)
            v |= (uint64_t)(bits[i] != 0) << i;
        if (neg) { /* magnitude of the two's complement value */
            v = ~v + 1;
            if (w < 64)
                v &= (1ull << w) - 1;
        }
        char buf[24];
        size_t n = sizeof buf;
        do
            buf[--n] = (char)('0' + v % 10);
        while ((v /= 10) != 0);
        if (neg)
            buf[--n] = '-';
        fputs(q, out);
        fwrite(buf + n, 1, sizeof buf - n, out);
        fputs(q, out);
        return;
    }
    struct mag m;
    uint32_t *chunks = NULL;
    if (!mag_init(&m, w))
        goto nomem;
    int carry = neg ? 1 : 0;
    for (uint32_t i = 0; i < w; i++) {
        int v = bits[i] != 0;
        if (neg) {
            v = !v + carry;
            carry = v >> 1;
            v &= 1;
        }
        if (v)
            m.l[i / 32] |= 1u << (i % 32);
    }
    m.used = (w + 31) / 32;
    while (m.used > 0 && m.l[m.used - 1] == 0)
        m.used--;
    size_t n_chunks = 0, cap = (size_t)w / 29 + 2; /* 10^9 > 2^29 */
    chunks = malloc(cap * sizeof *chunks);
    if (!chunks) {
        mag_clear(&m);
        goto nomem;
    }
    do
        chunks[n_chunks++] = mag_divrem(&m, 1000000000u);
    while (m.used > 0 && n_chunks < cap);
    fprintf(out, "%s%s%u", q, neg ? "-" : "", chunks[n_chunks - 1]);
    for (size_t i = n_chunks - 1; i-- > 0;)
        fprintf(out, "%09u", chunks[i]);
    fputs(q, out);
    free(chunks);
    mag_clear(&m);
    return;
nomem:
    if (*st == MPCC_OK)
        *st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory formatting a %u-bit value", w);
}

static void format_value(const struct iface_type *t, const uint8_t *bits, bool json, FILE *out,
                         struct mpcc_error *err, enum mpcc_status *st)
{
    switch (t->kind) {
    case IFACE_BOOL:
        fputs(bits[0] ? "true" : "false", out);
        return;
    case IFACE_UINT:
    case IFACE_INT:
        format_int(t, bits, json && t->width > 53, out, err, st);
        return;
    case IFACE_FIXED: { /* (JSON: a string when a double could not hold it) */
        uint64_t u = 0;
        for (uint32_t i = 0; i < t->width; i++)
            u |= (uint64_t)(bits[i] != 0) << i;
        char text[FIXED_TEXT_MAX];
        fixed_format((int64_t)u, t->width, text);
        const char *q = json && t->width > 53 ? "\"" : "";
        fprintf(out, "%s%s%s", q, text, q);
        return;
    }
    case IFACE_ARRAY:
        fputc('[', out);
        for (uint32_t i = 0; i < t->length; i++) {
            if (i)
                fputs(", ", out);
            format_value(t->elem, bits + (uint64_t)i * t->elem->bits, json, out, err, st);
        }
        fputc(']', out);
        return;
    case IFACE_STRUCT: {
        uint64_t off = 0;
        fputc('{', out);
        for (uint32_t i = 0; i < t->n_fields; i++) {
            fprintf(out, json ? "%s\"%s\": " : "%s%s: ", i ? ", " : "", t->field_names[i]);
            format_value(t->field_types[i], bits + off, json, out, err, st);
            off += t->field_types[i]->bits;
        }
        fputc('}', out);
        return;
    }
    }
}

static enum mpcc_status format_top(const struct iface_type *t, const uint8_t *bits, bool json,
                                   FILE *out, struct mpcc_error *err)
{
    enum mpcc_status st = MPCC_OK;
    format_value(t, bits, json, out, err, &st);
    if (st == MPCC_OK && ferror(out))
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot write a value: %s", strerror(errno));
    return st;
}

enum mpcc_status values_format(const struct iface_type *t, const uint8_t *bits, FILE *out,
                               struct mpcc_error *err)
{
    return format_top(t, bits, false, out, err);
}

enum mpcc_status values_format_json(const struct iface_type *t, const uint8_t *bits, FILE *out,
                                    struct mpcc_error *err)
{
    return format_top(t, bits, true, out, err);
}

char *values_to_string(const struct iface_type *t, const uint8_t *bits, bool json,
                       struct mpcc_error *err)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    if (!mem) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory formatting a value");
        return NULL;
    }
    enum mpcc_status st = format_top(t, bits, json, mem, err);
    if (fclose(mem) != 0 && st == MPCC_OK)
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory formatting a value");
    if (st != MPCC_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

enum mpcc_status values_print_outputs(const struct iface *f, const uint8_t *const *bits,
                                      bool json, FILE *out, struct mpcc_error *err)
{
    enum mpcc_status st = MPCC_OK;
    bool first = true;
    if (json)
        fputc('{', out);
    for (uint32_t k = 0; k < f->n_outputs; k++) {
        if (!bits[k])
            continue;
        if (json)
            fprintf(out, "%s\"%s\": ", first ? "" : ", ", f->outputs[k].name);
        else
            fprintf(out, "%s = ", f->outputs[k].name);
        format_value(f->outputs[k].type, bits[k], json, out, err, &st);
        if (!json)
            fputc('\n', out);
        first = false;
    }
    if (json)
        fputs("}\n", out);
    if (st == MPCC_OK && ferror(out))
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot write the outputs: %s", strerror(errno));
    return st;
}

/* ---- collecting inputs ---- */

struct values_set *values_set_new(const struct iface *f, int64_t party, struct mpcc_error *err)
{
    if (party != VALUES_ANY_PARTY && (party < 0 || party >= f->n_parties)) {
        mpcc_error_set(err, MPCC_ERR_INVALID, "party index %lld out of range (%u parties)",
                       (long long)party, f->n_parties);
        return NULL;
    }
    struct values_set *s = calloc(1, sizeof *s);
    if (s && f->n_inputs > 0)
        s->bits = calloc(f->n_inputs, sizeof *s->bits);
    if (!s || (f->n_inputs > 0 && !s->bits)) {
        free(s);
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory allocating an input set");
        return NULL;
    }
    s->iface = f;
    s->party = party;
    return s;
}

void values_set_free(struct values_set *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; s->bits && i < s->iface->n_inputs; i++)
        free(s->bits[i]);
    free(s->bits);
    free(s);
}

/* Trims spaces and tabs from both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

static bool copy_name(const char *s, size_t n, char *buf)
{
    if (n == 0 || n > IFACE_MAX_NAME)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return iface_name_valid(buf);
}

/* Resolves "NAME" or "PARTY:NAME" to an input index this set may take. */
static enum mpcc_status resolve_input(const struct values_set *s, const char *lhs, size_t n,
                                      uint32_t *out, struct mpcc_error *err)
{
    const struct iface *f = s->iface;
    char pname[IFACE_MAX_NAME + 1], name[IFACE_MAX_NAME + 1];
    int64_t party = s->party;
    const char *colon = memchr(lhs, ':', n);
    trim(&lhs, &n);
    if (n == 0)
        return mpcc_error_set(err, MPCC_ERR_PARSE, "expected an input name before '='");
    if (colon) {
        const char *ps = lhs, *ns = colon + 1;
        size_t pn = (size_t)(colon - lhs), nn = n - pn - 1;
        trim(&ps, &pn);
        trim(&ns, &nn);
        if (!copy_name(ps, pn, pname))
            return mpcc_error_set(err, MPCC_ERR_PARSE, "invalid party name '%.*s'",
                                  (int)(pn > 80 ? 80 : pn), ps);
        int64_t p = iface_party_index(f, pname);
        if (p < 0)
            return mpcc_error_set(err, MPCC_ERR_INVALID, "unknown party '%s'", pname);
        if (s->party != VALUES_ANY_PARTY && p != s->party)
            return mpcc_error_set(err, MPCC_ERR_INVALID, "'%s:...' gives an input of party %s, not %s",
                                  pname, pname, f->parties[s->party]);
        party = p;
        lhs = ns;
        n = nn;
    }
    if (!copy_name(lhs, n, name))
        return mpcc_error_set(err, MPCC_ERR_PARSE, "invalid input name '%.*s'",
                              (int)(n > 80 ? 80 : n), lhs);
    int64_t k = iface_input_index(f, name);
    if (k < 0) { /* say which names would have been accepted */
        char list[MPCC_ERROR_MSG_MAX / 2];
        size_t used = 0;
        list[0] = '\0';
        for (uint32_t i = 0; i < f->n_inputs && used < sizeof list; i++) {
            if (party != VALUES_ANY_PARTY && f->inputs[i].owner != (uint64_t)party)
                continue;
            int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                             f->inputs[i].name);
            if (w > 0)
                used += (size_t)w;
        }
        if (party == VALUES_ANY_PARTY)
            return mpcc_error_set(err, MPCC_ERR_INVALID, "unknown input '%s' (inputs: %s)", name,
                                  used ? list : "none");
        return mpcc_error_set(err, MPCC_ERR_INVALID, "unknown input '%s' (inputs of %s: %s)", name,
                              f->parties[party], used ? list : "none");
    }
    uint32_t owner = f->inputs[k].owner;
    if (party != VALUES_ANY_PARTY && owner != (uint64_t)party)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "input '%s' belongs to party %s, not %s", name,
                              f->parties[owner], f->parties[party]);
    if (s->bits[k])
        return mpcc_error_set(err, MPCC_ERR_INVALID, "input '%s' given twice", name);
    *out = (uint32_t)k;
    return MPCC_OK;
}

/* Parses value text for input k and stores it; *err_pos as for parse_at. */
static enum mpcc_status store_input(struct values_set *s, uint32_t k, const char *v, size_t n,
                                    struct mpcc_error *err, size_t *err_pos)
{
    const struct iface_type *t = s->iface->inputs[k].type;
    uint8_t *bits = malloc(t->bits);
    *err_pos = 0;
    if (!bits)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for input '%s' (%llu bits)",
                              s->iface->inputs[k].name, (unsigned long long)t->bits);
    enum mpcc_status st = parse_at(t, v, n, bits, err, err_pos);
    if (st != MPCC_OK) {
        free(bits);
        return st;
    }
    s->bits[k] = bits;
    return MPCC_OK;
}

enum mpcc_status values_set_assign(struct values_set *s, const char *text, struct mpcc_error *err)
{
    struct mpcc_error local;
    struct mpcc_error *e = err ? err : &local;
    const char *eq = strchr(text, '=');
    uint32_t k;
    size_t at;
    enum mpcc_status st;
    if (!eq)
        return mpcc_error_set(e, MPCC_ERR_PARSE, "expected NAME=VALUE, found '%.80s'", text);
    if ((st = resolve_input(s, text, (size_t)(eq - text), &k, e)) != MPCC_OK)
        return st;
    st = store_input(s, k, eq + 1, strlen(eq + 1), e, &at);
    if (st != MPCC_OK)
        mpcc_error_prefix(e, "input '%s': column %zu", s->iface->inputs[k].name,
                          (size_t)(eq + 1 - text) + at + 1);
    return st;
}

/* Line and column (1-based) of offset `at` in text. */
static void line_col(const char *text, size_t at, unsigned long *line, unsigned long *col)
{
    *line = 1;
    size_t start = 0;
    for (size_t i = 0; i < at; i++)
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    *col = (unsigned long)(at - start) + 1;
}

enum mpcc_status values_set_read_mem(struct values_set *s, const char *text, size_t len,
                                     const char *name, struct mpcc_error *err)
{
    struct mpcc_error local;
    struct mpcc_error *e = err ? err : &local;
    enum mpcc_status st = MPCC_OK;
    unsigned long line, col;
    char *buf = malloc(len + 1);
    if (!buf)
        return mpcc_error_set(e, MPCC_ERR_NOMEM, "out of memory reading %s", name);
    /* blank out comments (values never contain '#'), keeping offsets */
    bool comment = false;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '#')
            comment = true;
        else if (text[i] == '\n')
            comment = false;
        buf[i] = comment ? ' ' : text[i];
    }
    buf[len] = '\0';
    size_t pos = 0;
    for (;;) {
        while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\r' || buf[pos] == '\n'))
            pos++;
        if (pos >= len)
            break;
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t eol = nl ? (size_t)(nl - buf) : len;
        const char *eq = memchr(buf + pos, '=', eol - pos);
        uint32_t k;
        line_col(buf, pos, &line, &col);
        if (!eq) {
            st = mpcc_error_set(e, MPCC_ERR_PARSE, "%s:%lu: expected NAME = VALUE", name, line);
            break;
        }
        if ((st = resolve_input(s, buf + pos, (size_t)(eq - (buf + pos)), &k, e)) != MPCC_OK) {
            mpcc_error_prefix(e, "%s:%lu", name, line);
            break;
        }
        /* the value runs to the end of the line, or further while brackets are open */
        size_t vs = (size_t)(eq - buf) + 1, ve = vs;
        long depth = 0;
        for (; ve < len; ve++) {
            char c = buf[ve];
            if (c == '[' || c == '{')
                depth++;
            else if (c == ']' || c == '}')
                depth--;
            else if (c == '\n' && depth <= 0)
                break;
        }
        size_t at;
        if ((st = store_input(s, k, buf + vs, ve - vs, e, &at)) != MPCC_OK) {
            line_col(buf, vs + at, &line, &col);
            mpcc_error_prefix(e, "%s:%lu:%lu: input '%s'", name, line, col, s->iface->inputs[k].name);
            break;
        }
        pos = ve;
    }
    free(buf);
    return st;
}

enum mpcc_status values_set_read_file(struct values_set *s, const char *path,
                                      struct mpcc_error *err)
{
    enum mpcc_status st;
    struct stat sb;
    char *buf = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return mpcc_error_set(err, MPCC_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "'%s' is not a regular file", path);
        goto out;
    }
    if ((uint64_t)sb.st_size > VALUES_MAX_FILE_BYTES) {
        st = mpcc_error_set(err, MPCC_ERR_LIMIT, "'%s' is larger than %zu bytes", path,
                            VALUES_MAX_FILE_BYTES);
        goto out;
    }
    size_t size = (size_t)sb.st_size;
    buf = malloc(size + 1);
    if (!buf) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory reading '%s'", path);
        goto out;
    }
    if (fread(buf, 1, size, fp) != size) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot read '%s'", path);
        goto out;
    }
    st = values_set_read_mem(s, buf, size, path, err);
out:
    free(buf);
    fclose(fp);
    return st;
}

enum mpcc_status values_set_check_complete(const struct values_set *s, struct mpcc_error *err)
{
    const struct iface *f = s->iface;
    char list[MPCC_ERROR_MSG_MAX - 32];
    size_t used = 0;
    uint32_t missing = 0;
    list[0] = '\0';
    for (uint32_t k = 0; k < f->n_inputs; k++) {
        if (s->bits[k] || (s->party != VALUES_ANY_PARTY && f->inputs[k].owner != s->party))
            continue;
        if (used < sizeof list) {
            int n = snprintf(list + used, sizeof list - used, "%s'%s' (party %s)", missing ? ", " : "",
                             f->inputs[k].name, f->parties[f->inputs[k].owner]);
            if (n > 0)
                used += (size_t)n;
        }
        missing++;
    }
    if (missing == 0)
        return MPCC_OK;
    return mpcc_error_set(err, MPCC_ERR_INVALID, "missing input%s %s", missing > 1 ? "s" : "", list);
}
