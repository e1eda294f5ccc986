/* consteval.h - exact arithmetic on untyped integer constants (literals,
 * `const` declarations, loop variables): signed integers of up to 540 bits
 * magnitude in 576-bit two's complement. Typed values are not computed here:
 * they go through the circuit builder, which folds constant wires.
 * Every operation returns 0 when the result leaves the range (or divides by
 * zero), so callers can report an error. */
#ifndef MPCC_CONSTEVAL_H
#define MPCC_CONSTEVAL_H

#include <stddef.h>
#include <stdint.h>

#define CE_LIMBS 9
#define CE_MAX_BITS 540 /* |value| < 2^540 (covers uint512) */

struct ce_int {
    uint64_t l[CE_LIMBS]; /* two's complement, least significant limb first */
};

void ce_from_i64(struct ce_int *r, int64_t v);
/* Parses a literal: decimal, 0x hex or 0b binary, '_' between digits.
 * Returns 1 on success, 0 on a bad digit (*bad_digit set) or overflow. */
int ce_parse(struct ce_int *r, const char *text, int *bad_digit);

int ce_is_neg(const struct ce_int *a);
int ce_is_zero(const struct ce_int *a);
int ce_cmp(const struct ce_int *a, const struct ce_int *b); /* -1, 0, 1 */

int ce_add(struct ce_int *r, const struct ce_int *a, const struct ce_int *b);
int ce_sub(struct ce_int *r, const struct ce_int *a, const struct ce_int *b);
int ce_neg(struct ce_int *r, const struct ce_int *a);
int ce_mul(struct ce_int *r, const struct ce_int *a, const struct ce_int *b);
/* Truncating division (C semantics); 0 on division by zero. */
int ce_div(struct ce_int *r, const struct ce_int *a, const struct ce_int *b);
int ce_mod(struct ce_int *r, const struct ce_int *a, const struct ce_int *b);
void ce_and(struct ce_int *r, const struct ce_int *a, const struct ce_int *b);
void ce_or(struct ce_int *r, const struct ce_int *a, const struct ce_int *b);
void ce_xor(struct ce_int *r, const struct ce_int *a, const struct ce_int *b);
void ce_not(struct ce_int *r, const struct ce_int *a);
int ce_shl(struct ce_int *r, const struct ce_int *a, uint32_t n);
void ce_shr(struct ce_int *r, const struct ce_int *a, uint32_t n); /* arithmetic */

/* True if a fits in an integer of `width` bits (signed or unsigned). */
int ce_fits(const struct ce_int *a, uint32_t width, int is_signed);
/* Bit i of the two's complement (i >= 64 * CE_LIMBS gives the sign). */
int ce_bit(const struct ce_int *a, uint32_t i);
/* Value of `width` bits (bits[i] is bit i) read as signed or unsigned. */
void ce_from_bits(struct ce_int *r, const uint8_t *bits, uint32_t width, int is_signed);
/* The number of bits of a non-negative value (0 for 0). */
int ce_bit_width(const struct ce_int *a);
/* Fits in int64 -> 1 and *out set. */
int ce_to_i64(const struct ce_int *a, int64_t *out);
/* Decimal text into buf (at least 100 bytes). */
void ce_to_string(const struct ce_int *a, char *buf, size_t len);

#endif
