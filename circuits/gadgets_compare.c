/* gadgets_compare.c - comparisons and word multiplexers: less-than as the
 * borrow of a subtraction (n ANDs), equality as an AND tree of XNORs (n-1),
 * mux as one AND per bit. No arithmetic results here (gadgets_arith.c). */
#include "circuits/gadgets.h"

/* The carry-out of x + ~y + 1, i.e. 1 iff x >= y (unsigned): n ANDs. */
static bld_wire bld_geq_carry(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y)
{
    bld_wire c = BLD_TRUE;
    for (uint32_t i = 0; i < n; i++) {
        bld_wire yi = bld_not(b, y[i]);
        c = bld_xor(b, c, bld_and(b, bld_xor(b, x[i], c), bld_xor(b, yi, c)));
    }
    return c;
}

bld_wire bld_lt_u(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y)
{
    return bld_not(b, bld_geq_carry(b, n, x, y));
}

/* Flipping both sign bits maps signed order onto unsigned order. */
bld_wire bld_lt_s(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y)
{
    bld_wire c = BLD_TRUE;
    for (uint32_t i = 0; i < n; i++) {
        bld_wire xi = i + 1 == n ? bld_not(b, x[i]) : x[i];
        bld_wire yi = i + 1 == n ? y[i] : bld_not(b, y[i]); /* ~(~y) for the sign bit */
        c = bld_xor(b, c, bld_and(b, bld_xor(b, xi, c), bld_xor(b, yi, c)));
    }
    return bld_not(b, c);
}

/* AND of w[0..n-1] as a balanced tree (n-1 ANDs, depth log n); w is clobbered. */
static bld_wire bld_and_tree(struct bld *b, uint32_t n, bld_wire *w)
{
    while (n > 1) {
        uint32_t h = 0;
        for (uint32_t i = 0; i + 1 < n; i += 2)
            w[h++] = bld_and(b, w[i], w[i + 1]);
        if (n & 1u)
            w[h++] = w[n - 1];
        n = h;
    }
    return n ? w[0] : BLD_TRUE;
}

bld_wire bld_eq(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y)
{
    bld_wire buf[64];
    /* Reduce in chunks of 64 bits so no allocation is needed. */
    bld_wire acc = BLD_TRUE;
    for (uint32_t base = 0; base < n; base += 64) {
        uint32_t m = n - base < 64 ? n - base : 64;
        for (uint32_t i = 0; i < m; i++)
            buf[i] = bld_not(b, bld_xor(b, x[base + i], y[base + i]));
        acc = bld_and(b, acc, bld_and_tree(b, m, buf));
    }
    return acc;
}

void bld_mux_word(struct bld *b, uint32_t n, bld_wire sel, const bld_wire *if1, const bld_wire *if0,
                  bld_wire *out)
{
    for (uint32_t i = 0; i < n; i++)
        out[i] = bld_mux(b, sel, if1[i], if0[i]);
}
