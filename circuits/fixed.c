/* fixed.c - fixed-point numbers as text and their arithmetic (fixed.h). */
#include "circuits/fixed.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define FIXED_MAX_DIGITS 1000

int64_t fixed_wrap(int64_t v, uint32_t width)
{
    if (width >= 64)
        return v;
    uint64_t m = ((uint64_t)1 << width) - 1, u = (uint64_t)v & m;
    if (u >> (width - 1))
        u |= ~m;
    return (int64_t)u;
}

int fixed_parse(const char *s, size_t len, uint32_t width, int64_t *out, size_t *used)
{
    return fixed_parse_signed(s, len, 0, width, out, used);
}

int fixed_parse_signed(const char *s, size_t len, int negate, uint32_t width, int64_t *out,
                       size_t *used)
{
    uint32_t f = width / 2;
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (negate)
        neg = !neg;
    size_t int_start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    size_t int_end = i, frac_start = i, frac_end = i;
    if (int_end == int_start)
        return 0;
    if (i < len && s[i] == '.') {
        frac_start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        frac_end = i;
        if (frac_end == frac_start)
            return 0;
    }
    if (frac_end - frac_start > FIXED_MAX_DIGITS)
        frac_end = frac_start + FIXED_MAX_DIGITS; /* digits this far cannot change the rounding:
                                                     a multiple of 2^-33 has 33 decimals */
    *used = i;
    /* The integer part: at most 2^(W-1) after scaling, so it fits 64 bits. */
    unsigned __int128 mag = 0;
    for (size_t k = int_start; k < int_end; k++) {
        mag = mag * 10 + (unsigned)(s[k] - '0');
        if (mag > ((unsigned __int128)1 << 64))
            return -1;
    }
    mag <<= f;
    /* The fraction's binary digits, by doubling its decimal digits: F of
     * them, then one more to round (halves away from zero). */
    unsigned char d[FIXED_MAX_DIGITS];
    size_t nd = frac_end - frac_start;
    for (size_t k = 0; k < nd; k++)
        d[k] = (unsigned char)(s[frac_start + k] - '0');
    uint64_t bits = 0;
    unsigned next = 0;
    for (uint32_t b = 0; b <= f && nd > 0; b++) {
        unsigned carry = 0;
        for (size_t k = nd; k-- > 0;) {
            unsigned v = d[k] * 2u + carry;
            d[k] = (unsigned char)(v % 10);
            carry = v / 10;
        }
        if (b < f)
            bits = bits << 1 | carry;
        else
            next = carry;
    }
    mag += bits;
    mag += next;
    unsigned __int128 limit = (unsigned __int128)1 << (width - 1);
    if (mag > limit || (!neg && mag == limit))
        return -1;
    uint64_t m = (uint64_t)mag;
    *out = neg ? (int64_t)(0 - m) : (int64_t)m;
    return 1;
}

void fixed_format(int64_t v, uint32_t width, char *buf)
{
    uint32_t f = width / 2;
    v = fixed_wrap(v, width);
    bool neg = v < 0;
    uint64_t m = neg ? 0 - (uint64_t)v : (uint64_t)v;
    uint64_t ip = m >> f, frac = m & (((uint64_t)1 << f) - 1);
    int n = snprintf(buf, FIXED_TEXT_MAX, "%s%llu.", neg ? "-" : "", (unsigned long long)ip);
    do { /* exact: frac * 10 < 10 * 2^32 */
        frac *= 10;
        buf[n++] = (char)('0' + (frac >> f));
        frac &= ((uint64_t)1 << f) - 1;
    } while (frac != 0 && n < FIXED_TEXT_MAX - 1);
    buf[n] = '\0';
}

void fixed_range(uint32_t width, char *lo, char *hi)
{
    int64_t top = width >= 64 ? INT64_MAX : (int64_t)(((uint64_t)1 << (width - 1)) - 1);
    fixed_format(-top - 1, width, lo);
    fixed_format(top, width, hi);
}

int64_t fixed_mul(int64_t a, int64_t b, uint32_t width)
{
    uint32_t f = width / 2;
    __int128 p = (__int128)fixed_wrap(a, width) * fixed_wrap(b, width);
    p += (__int128)1 << (f - 1);
    return fixed_wrap((int64_t)(p >> f), width); /* >> on a negative: floor, as the gates */
}

int64_t fixed_div(int64_t a, int64_t b, uint32_t width)
{
    uint32_t f = width / 2;
    a = fixed_wrap(a, width);
    b = fixed_wrap(b, width);
    if (b == 0)
        return -1;
    __int128 q = ((__int128)a * ((__int128)1 << f)) / b; /* C: toward zero */
    return fixed_wrap((int64_t)q, width);
}
