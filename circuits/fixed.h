/* fixed.h - the language's fixed-point numbers as text and as numbers:
 * fixedW (W even, 8 .. 64) holds round(r * 2^F) with F = W / 2 fraction
 * bits in W-bit two's complement (fixed32 is Q16.16). Decimal text <-> that
 * scaled integer, exactly, and the arithmetic rules that the compiler's
 * gates implement (constant folding and tests use these). */
#ifndef MPCC_FIXED_H
#define MPCC_FIXED_H

#include <stddef.h>
#include <stdint.h>

/* Parses [+-]DIGITS[.DIGITS] (no exponent; any number of digits) from
 * s[0..len) as a fixedW value: the nearest multiple of 2^-F, halves rounded
 * away from zero. *used gets the characters read. Returns 1 (*out set), 0
 * when the text is not such a number, -1 when the value does not fit. */
int fixed_parse(const char *s, size_t len, uint32_t width, int64_t *out, size_t *used);

/* The same for an unsigned decimal text negated when neg is set (a
 * literal under a unary minus): -128.0 fits fixed16. */
int fixed_parse_signed(const char *s, size_t len, int neg, uint32_t width, int64_t *out,
                       size_t *used);

/* The exact decimal value of the scaled integer v of fixedW: "1.5",
 * "-0.25", "3.0" (at least one fraction digit, no trailing zeros beyond
 * it). buf needs FIXED_TEXT_MAX bytes. */
#define FIXED_TEXT_MAX 64
void fixed_format(int64_t v, uint32_t width, char *buf);

/* The smallest and largest values, as text ("-32768.0", "32767.9999847412109375"). */
void fixed_range(uint32_t width, char *lo, char *hi);

/* v wrapped to W bits (two's complement), sign-extended to 64. */
int64_t fixed_wrap(int64_t v, uint32_t width);

/* a * b: the exact product rounded to the nearest multiple of 2^-F, halves
 * up (toward +infinity), wrapped to W bits. */
int64_t fixed_mul(int64_t a, int64_t b, uint32_t width);
/* a / b: truncated toward zero, wrapped to W bits; b = 0 gives -2^-F (all
 * ones), as the language's signed division by zero does. */
int64_t fixed_div(int64_t a, int64_t b, uint32_t width);

#endif
