/* gadgets_arith.c - addition, subtraction and negation with one AND per
 * carry (ripple carry: c' = c ^ ((a ^ c) & (b ^ c))), the AND-optimal form
 * for free-XOR garbling. No comparisons or products here (gadgets_compare.c,
 * gadgets_mul.c). */
#include "circuits/gadgets.h"

/* out = x + y + cin over n bits; returns the carry-out when want_carry, else
 * skips the last carry's AND and returns BLD_FALSE. */
static bld_wire bld_ripple(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y,
                           bld_wire cin, bld_wire *out, int want_carry)
{
    bld_wire c = cin;
    for (uint32_t i = 0; i < n; i++) {
        bld_wire xi = x[i], yi = y[i];
        bld_wire t = bld_xor(b, xi, c);
        out[i] = bld_xor(b, t, yi);
        if (i + 1 < n || want_carry)
            c = bld_xor(b, c, bld_and(b, t, bld_xor(b, yi, c)));
    }
    return want_carry ? c : BLD_FALSE;
}

void bld_add(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *out)
{
    bld_ripple(b, n, x, y, BLD_FALSE, out, 0);
}

bld_wire bld_add_carry(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire cin,
                       bld_wire *out)
{
    return bld_ripple(b, n, x, y, cin, out, 1);
}

/* x - y = x + ~y + 1, the same ripple with the complement of y (free). */
static bld_wire bld_sub_borrow(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y,
                               bld_wire *out, int want_carry)
{
    bld_wire c = BLD_TRUE;
    for (uint32_t i = 0; i < n; i++) {
        bld_wire yi = bld_not(b, y[i]);
        bld_wire t = bld_xor(b, x[i], c);
        if (out)
            out[i] = bld_xor(b, t, yi);
        if (i + 1 < n || want_carry)
            c = bld_xor(b, c, bld_and(b, t, bld_xor(b, yi, c)));
    }
    return want_carry ? c : BLD_FALSE;
}

void bld_sub(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *out)
{
    bld_sub_borrow(b, n, x, y, out, 0);
}

/* -x = ~x + 1: sum bit i = ~x_i ^ c_i, c_0 = 1, c_{i+1} = ~x_i & c_i, and
 * c_1 = ~x_0 is free, so n-2 ANDs. */
void bld_neg(struct bld *b, uint32_t n, const bld_wire *x, bld_wire *out)
{
    bld_wire c = BLD_TRUE;
    for (uint32_t i = 0; i < n; i++) {
        bld_wire nx = bld_not(b, x[i]);
        out[i] = bld_xor(b, nx, c);
        if (i + 1 < n)
            c = bld_and(b, nx, c);
    }
}
