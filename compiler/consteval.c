/* consteval.c - exact arithmetic on untyped constants (see consteval.h).
 * Straightforward limb loops: constants are few and small, speed is moot.
 * Typed (fixed-width) semantics are not here; the builder folds those. */
#include "consteval.h"

#include <stdio.h>
#include <string.h>

static int ce_in_range(const struct ce_int *a)
{
    return ce_fits(a, CE_MAX_BITS + 1, 1);
}

void ce_from_i64(struct ce_int *r, int64_t v)
{
    uint64_t fill = v < 0 ? ~(uint64_t)0 : 0;
    r->l[0] = (uint64_t)v;
    for (int i = 1; i < CE_LIMBS; i++)
        r->l[i] = fill;
}

int ce_is_neg(const struct ce_int *a)
{
    return (a->l[CE_LIMBS - 1] >> 63) != 0;
}

int ce_is_zero(const struct ce_int *a)
{
    for (int i = 0; i < CE_LIMBS; i++)
        if (a->l[i] != 0)
            return 0;
    return 1;
}

static void ce_raw_add(struct ce_int *r, const struct ce_int *a, const struct ce_int *b)
{
    unsigned __int128 c = 0;
    for (int i = 0; i < CE_LIMBS; i++) {
        c += (unsigned __int128)a->l[i] + b->l[i];
        r->l[i] = (uint64_t)c;
        c >>= 64;
    }
}

static void ce_raw_neg(struct ce_int *r, const struct ce_int *a)
{
    struct ce_int one, t;
    for (int i = 0; i < CE_LIMBS; i++)
        t.l[i] = ~a->l[i];
    ce_from_i64(&one, 1);
    ce_raw_add(r, &t, &one);
}

int ce_add(struct ce_int *r, const struct ce_int *a, const struct ce_int *b)
{
    ce_raw_add(r, a, b);
    return ce_in_range(r);
}

int ce_neg(struct ce_int *r, const struct ce_int *a)
{
    ce_raw_neg(r, a);
    return ce_in_range(r);
}

int ce_sub(struct ce_int *r, const struct ce_int *a, const struct ce_int *b)
{
    struct ce_int nb;
    ce_raw_neg(&nb, b);
    ce_raw_add(r, a, &nb);
    return ce_in_range(r);
}

int ce_cmp(const struct ce_int *a, const struct ce_int *b)
{
    int na = ce_is_neg(a), nb = ce_is_neg(b);
    if (na != nb)
        return na ? -1 : 1;
    for (int i = CE_LIMBS - 1; i >= 0; i--)
        if (a->l[i] != b->l[i])
            return a->l[i] < b->l[i] ? -1 : 1;
    return 0;
}

static void ce_abs(struct ce_int *r, const struct ce_int *a)
{
    if (ce_is_neg(a))
        ce_raw_neg(r, a);
    else
        *r = *a;
}

int ce_mul(struct ce_int *r, const struct ce_int *a, const struct ce_int *b)
{
    struct ce_int x, y;
    ce_abs(&x, a);
    ce_abs(&y, b);
    uint64_t p[2 * CE_LIMBS] = { 0 };
    for (int i = 0; i < CE_LIMBS; i++) {
        unsigned __int128 c = 0;
        for (int j = 0; j < CE_LIMBS; j++) {
            c += (unsigned __int128)x.l[i] * y.l[j] + p[i + j];
            p[i + j] = (uint64_t)c;
            c >>= 64;
        }
        p[i + CE_LIMBS] = (uint64_t)c;
    }
    for (int i = CE_LIMBS; i < 2 * CE_LIMBS; i++)
        if (p[i] != 0)
            return 0;
    memcpy(r->l, p, sizeof r->l);
    if (!ce_in_range(r) || ce_is_neg(r))
        return 0;
    if (ce_is_neg(a) != ce_is_neg(b))
        ce_raw_neg(r, r);
    return 1;
}

/* Unsigned long division of magnitudes: q = x / y, m = x % y (y != 0). */
static void ce_udivmod(struct ce_int *q, struct ce_int *m, const struct ce_int *x,
                       const struct ce_int *y)
{
    struct ce_int qq, rr, ny;
    memset(&qq, 0, sizeof qq);
    memset(&rr, 0, sizeof rr);
    ce_raw_neg(&ny, y);
    for (int i = CE_LIMBS * 64 - 1; i >= 0; i--) {
        for (int k = CE_LIMBS - 1; k > 0; k--)
            rr.l[k] = (rr.l[k] << 1) | (rr.l[k - 1] >> 63);
        rr.l[0] = (rr.l[0] << 1) | ((x->l[i / 64] >> (i % 64)) & 1);
        /* rr and y are below 2^301, so the signed compare is an unsigned one. */
        if (ce_cmp(&rr, y) >= 0) {
            ce_raw_add(&rr, &rr, &ny);
            qq.l[i / 64] |= (uint64_t)1 << (i % 64);
        }
    }
    *q = qq;
    *m = rr;
}

int ce_div(struct ce_int *r, const struct ce_int *a, const struct ce_int *b)
{
    if (ce_is_zero(b))
        return 0;
    struct ce_int x, y, q, m;
    ce_abs(&x, a);
    ce_abs(&y, b);
    ce_udivmod(&q, &m, &x, &y);
    if (ce_is_neg(a) != ce_is_neg(b))
        ce_raw_neg(&q, &q);
    *r = q;
    return ce_in_range(r);
}

int ce_mod(struct ce_int *r, const struct ce_int *a, const struct ce_int *b)
{
    if (ce_is_zero(b))
        return 0;
    struct ce_int x, y, q, m;
    ce_abs(&x, a);
    ce_abs(&y, b);
    ce_udivmod(&q, &m, &x, &y);
    if (ce_is_neg(a))
        ce_raw_neg(&m, &m);
    *r = m;
    return 1;
}

void ce_and(struct ce_int *r, const struct ce_int *a, const struct ce_int *b)
{
    for (int i = 0; i < CE_LIMBS; i++)
        r->l[i] = a->l[i] & b->l[i];
}

void ce_or(struct ce_int *r, const struct ce_int *a, const struct ce_int *b)
{
    for (int i = 0; i < CE_LIMBS; i++)
        r->l[i] = a->l[i] | b->l[i];
}

void ce_xor(struct ce_int *r, const struct ce_int *a, const struct ce_int *b)
{
    for (int i = 0; i < CE_LIMBS; i++)
        r->l[i] = a->l[i] ^ b->l[i];
}

void ce_not(struct ce_int *r, const struct ce_int *a)
{
    for (int i = 0; i < CE_LIMBS; i++)
        r->l[i] = ~a->l[i];
}

int ce_bit(const struct ce_int *a, uint32_t i)
{
    if (i >= CE_LIMBS * 64)
        return ce_is_neg(a);
    return (int)((a->l[i / 64] >> (i % 64)) & 1);
}

int ce_shl(struct ce_int *r, const struct ce_int *a, uint32_t n)
{
    if (n > CE_MAX_BITS)
        return ce_is_zero(a) ? (memset(r, 0, sizeof *r), 1) : 0;
    struct ce_int t;
    for (uint32_t i = 0; i < CE_LIMBS * 64; i++) {
        int bit = i >= n ? ce_bit(a, i - n) : 0;
        if (bit)
            t.l[i / 64] |= (uint64_t)1 << (i % 64);
        else
            t.l[i / 64] &= ~((uint64_t)1 << (i % 64));
    }
    /* The shifted-out bits must all equal the sign, or the value overflowed. */
    for (uint32_t i = CE_LIMBS * 64 - n; i < CE_LIMBS * 64; i++)
        if (ce_bit(a, i) != ce_is_neg(a))
            return 0;
    *r = t;
    return ce_in_range(r) && ce_is_neg(r) == ce_is_neg(a);
}

void ce_shr(struct ce_int *r, const struct ce_int *a, uint32_t n)
{
    struct ce_int t;
    for (uint32_t i = 0; i < CE_LIMBS * 64; i++) {
        uint64_t pos = (uint64_t)i + n;
        int bit = ce_bit(a, pos >= CE_LIMBS * 64 ? CE_LIMBS * 64 : (uint32_t)pos);
        if (bit)
            t.l[i / 64] |= (uint64_t)1 << (i % 64);
        else
            t.l[i / 64] &= ~((uint64_t)1 << (i % 64));
    }
    *r = t;
}

int ce_fits(const struct ce_int *a, uint32_t width, int is_signed)
{
    if (!is_signed && ce_is_neg(a))
        return 0;
    /* Every bit at or above the top usable bit must equal the sign. */
    uint32_t from = is_signed ? width - 1 : width;
    int sign = ce_is_neg(a);
    for (uint32_t i = from; i < CE_LIMBS * 64; i++)
        if (ce_bit(a, i) != sign)
            return 0;
    return 1;
}

void ce_from_bits(struct ce_int *r, const uint8_t *bits, uint32_t width, int is_signed)
{
    int sign = is_signed && width > 0 && bits[width - 1];
    for (uint32_t i = 0; i < CE_LIMBS * 64; i++) {
        int bit = i < width ? bits[i] != 0 : sign;
        if (bit)
            r->l[i / 64] |= (uint64_t)1 << (i % 64);
        else
            r->l[i / 64] &= ~((uint64_t)1 << (i % 64));
    }
}

int ce_bit_width(const struct ce_int *a)
{
    for (int i = CE_LIMBS * 64 - 1; i >= 0; i--)
        if (ce_bit(a, (uint32_t)i))
            return i + 1;
    return 0;
}

int ce_to_i64(const struct ce_int *a, int64_t *out)
{
    if (!ce_fits(a, 64, 1))
        return 0;
    *out = (int64_t)a->l[0];
    return 1;
}

int ce_parse(struct ce_int *r, const char *text, int *bad_digit)
{
    unsigned base = 10;
    const char *p = text;
    *bad_digit = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
    }
    struct ce_int acc, b, d;
    ce_from_i64(&acc, 0);
    ce_from_i64(&b, base);
    int n_digits = 0, prev_us = 1;
    for (; *p != '\0'; p++) {
        if (*p == '_') {
            if (prev_us) { /* leading or doubled '_' */
                *bad_digit = 1;
                return 0;
            }
            prev_us = 1;
            continue;
        }
        unsigned v;
        if (*p >= '0' && *p <= '9')
            v = (unsigned)(*p - '0');
        else if (*p >= 'a' && *p <= 'f')
            v = (unsigned)(*p - 'a' + 10);
        else if (*p >= 'A' && *p <= 'F')
            v = (unsigned)(*p - 'A' + 10);
        else
            v = 99;
        if (v >= base) {
            *bad_digit = 1;
            return 0;
        }
        ce_from_i64(&d, v);
        if (!ce_mul(&acc, &acc, &b) || !ce_add(&acc, &acc, &d))
            return 0;
        n_digits++;
        prev_us = 0;
    }
    if (n_digits == 0 || prev_us) {
        *bad_digit = 1;
        return 0;
    }
    *r = acc;
    return 1;
}

void ce_to_string(const struct ce_int *a, char *buf, size_t len)
{
    char tmp[200];
    size_t n = 0;
    struct ce_int x, ten, q, m;
    ce_abs(&x, a);
    ce_from_i64(&ten, 10);
    do {
        ce_udivmod(&q, &m, &x, &ten);
        tmp[n++] = (char)('0' + m.l[0]);
        x = q;
    } while (!ce_is_zero(&x) && n < sizeof tmp - 2);
    if (ce_is_neg(a))
        tmp[n++] = '-';
    size_t o = 0;
    while (n > 0 && o + 1 < len)
        buf[o++] = tmp[--n];
    if (len > 0)
        buf[o] = '\0';
}
