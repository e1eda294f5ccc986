/* gadgets.h - word-level arithmetic on top of the builder, each with the
 * fewest AND gates known for free-XOR garbling. Words are arrays of bld_wire,
 * least significant bit first, all of width n (n >= 1) unless said. An
 * output may alias an input (out == x is fine); q and r may not alias each
 * other. n == 0 does nothing. All gadgets fold to constants (0 gates)
 * on constant inputs, and public shift amounts (constant wires) fold to
 * pure rewiring. This header does not parse or type anything.
 *
 * Semantics: + - * wrap mod 2^n; division truncates toward zero; INT_MIN / -1
 * = INT_MIN and INT_MIN % -1 = 0; x / 0 gives q = all ones (unsigned) or -1
 * (signed) and r = x; shifts by >= n give 0 (all sign bits for shr_s). */
#ifndef MPCC_GADGETS_H
#define MPCC_GADGETS_H

#include <stdint.h>

#include "circuits/builder.h"

/* gadgets_arith.c */
void bld_add(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *out); /* n-1 ANDs, mod 2^n */
/* x + y + cin; returns the carry-out; n ANDs. */
bld_wire bld_add_carry(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire cin,
                       bld_wire *out);
void bld_sub(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *out); /* n-1 ANDs */
void bld_neg(struct bld *b, uint32_t n, const bld_wire *x, bld_wire *out);                    /* n-2 ANDs */

/* gadgets_compare.c */
bld_wire bld_lt_u(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y); /* x < y unsigned, n ANDs */
bld_wire bld_lt_s(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y); /* signed two's complement, n ANDs */
bld_wire bld_eq(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y);   /* n-1 ANDs */
/* out = sel ? if1 : if0; n ANDs. */
void bld_mux_word(struct bld *b, uint32_t n, bld_wire sel, const bld_wire *if1, const bld_wire *if0,
                  bld_wire *out);

/* gadgets_mul.c */
void bld_mul(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *out); /* low n bits; n=64: <= 4033 ANDs */
/* Unsigned 2n-bit product into out2n[0..2n-1]; Karatsuba where it wins. */
void bld_mul_full(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *out2n);

/* gadgets_div.c */
/* q or r may be NULL; n=64: <= 4285 ANDs. */
void bld_udivmod(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *q, bld_wire *r);
/* Truncating toward zero; n=64: <= 4664 ANDs for q. */
void bld_sdivmod(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *q, bld_wire *r);

/* gadgets_shift.c: shift by a secret amount of m bits (amount[0..m-1]). */
void bld_shl(struct bld *b, uint32_t n, const bld_wire *x, uint32_t m, const bld_wire *amount, bld_wire *out); /* >= n gives 0 */
void bld_shr_u(struct bld *b, uint32_t n, const bld_wire *x, uint32_t m, const bld_wire *amount, bld_wire *out);
void bld_shr_s(struct bld *b, uint32_t n, const bld_wire *x, uint32_t m, const bld_wire *amount, bld_wire *out); /* >= n gives all sign bits */

#endif
