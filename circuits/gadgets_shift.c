/* gadgets_shift.c - shifts by a secret amount: a logarithmic barrel shifter
 * (one mux stage per amount bit below log2 n), with amounts >= n handled by
 * one OR of the high amount bits that switches every stage on. Constant
 * amounts fold to rewiring through the builder's constant propagation.
 * Rotations are not provided. */
#include "circuits/gadgets.h"

#include <stdlib.h>
#include <string.h>

enum shift_kind { SHIFT_LEFT, SHIFT_RIGHT_U, SHIFT_RIGHT_S };

static void shift_any(struct bld *b, uint32_t n, const bld_wire *x, uint32_t m,
                      const bld_wire *amount, bld_wire *out, enum shift_kind kind)
{
    bld_wire *cur = malloc(2 * (size_t)n * sizeof *cur);
    if (cur == NULL) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory in a shifter");
        for (uint32_t i = 0; i < n; i++)
            out[i] = BLD_FALSE;
        return;
    }
    bld_wire *nxt = cur + n;
    memcpy(cur, x, n * sizeof *cur);
    bld_wire fill = kind == SHIFT_RIGHT_S ? x[n - 1] : BLD_FALSE;

    /* Stages: amount bits j with 2^j < n. Higher bits mean "shift >= n". */
    uint32_t stages = 0;
    while (stages < m && stages < 32 && ((uint64_t)1 << stages) < n)
        stages++;
    bld_wire big = BLD_FALSE;
    for (uint32_t j = stages; j < m; j++)
        big = bld_or(b, big, amount[j]);

    for (uint32_t j = 0; j < stages; j++) {
        uint32_t d = (uint32_t)1 << j;
        /* A big amount turns every stage on: a shift by 2^stages - 1 >= n - 1. */
        bld_wire s = bld_or(b, amount[j], big);
        for (uint32_t i = 0; i < n; i++) {
            bld_wire moved;
            if (kind == SHIFT_LEFT)
                moved = i >= d ? cur[i - d] : BLD_FALSE;
            else
                moved = i + d < n ? cur[i + d] : fill;
            nxt[i] = bld_mux(b, s, moved, cur[i]);
        }
        memcpy(cur, nxt, n * sizeof *cur);
    }
    /* That gives all sign bits for shr_s; for shl and shr_u only the bits a
     * shift by 2^stages - 1 leaves (one at most, when n is a power of two)
     * still need clearing. */
    uint64_t all = ((uint64_t)1 << stages) - 1;
    for (uint32_t i = 0; i < n; i++) {
        int survives = kind == SHIFT_LEFT ? i >= all : (uint64_t)i + all < n;
        out[i] = kind != SHIFT_RIGHT_S && survives ? bld_and(b, cur[i], bld_not(b, big)) : cur[i];
    }
    free(cur);
}

void bld_shl(struct bld *b, uint32_t n, const bld_wire *x, uint32_t m, const bld_wire *amount,
             bld_wire *out)
{
    if (n)
        shift_any(b, n, x, m, amount, out, SHIFT_LEFT);
}

void bld_shr_u(struct bld *b, uint32_t n, const bld_wire *x, uint32_t m, const bld_wire *amount,
               bld_wire *out)
{
    if (n)
        shift_any(b, n, x, m, amount, out, SHIFT_RIGHT_U);
}

void bld_shr_s(struct bld *b, uint32_t n, const bld_wire *x, uint32_t m, const bld_wire *amount,
               bld_wire *out)
{
    if (n)
        shift_any(b, n, x, m, amount, out, SHIFT_RIGHT_S);
}
