/* gadgets_div.c - unsigned and signed division with remainder: restoring
 * division whose k-th step subtracts only k+1 bits (the higher divisor bits
 * are tested once, by a shared prefix OR), n^2+2n-3 ANDs for the quotient and
 * n^2+3n-3 with the remainder. Signed = magnitudes, unsigned divide, signs. */
#include "circuits/gadgets.h"

#include <stdlib.h>
#include <string.h>

/* Unsigned divide; q, r may be NULL. If nz is not NULL it receives y != 0
 * (1 extra AND, shared with the prefix ORs). */
static void div_core(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *q,
                     bld_wire *r, bld_wire *nz)
{
    bld_wire *m = calloc(4 * (size_t)n, sizeof *m);
    if (m == NULL) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory in a divider");
        for (uint32_t i = 0; i < n; i++) {
            if (q)
                q[i] = BLD_FALSE;
            if (r)
                r[i] = BLD_FALSE;
        }
        if (nz)
            *nz = BLD_FALSE;
        return;
    }
    bld_wire *hi = m, *rem = hi + n, *sh = rem + n, *diff = sh + n;

    /* hi[k] = y[k+1] | ... | y[n-1]: the divisor has a bit above bit k. */
    hi[n - 1] = BLD_FALSE;
    for (uint32_t k = n - 1; k-- > 0;)
        hi[k] = bld_or(b, hi[k + 1], y[k + 1]);
    if (nz)
        *nz = bld_or(b, hi[0], y[0]);

    /* Step k brings down x bit n-1-k; the partial remainder then has k+1 bits. */
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = n - 1 - k;
        sh[0] = x[i];
        for (uint32_t j = 1; j <= k; j++)
            sh[j] = rem[j - 1];
        /* diff = sh - y[0..k] and c = (sh >= y[0..k]), k+1 ANDs. */
        bld_wire c = BLD_TRUE;
        for (uint32_t j = 0; j <= k; j++) {
            bld_wire ny = bld_not(b, y[j]);
            bld_wire t = bld_xor(b, sh[j], c);
            diff[j] = bld_xor(b, t, ny);
            c = bld_xor(b, c, bld_and(b, t, bld_xor(b, ny, c)));
        }
        bld_wire qi = bld_and(b, c, bld_not(b, hi[k]));
        if (q)
            q[i] = qi;
        if (k + 1 < n || r)
            for (uint32_t j = 0; j <= k; j++)
                rem[j] = bld_mux(b, qi, diff[j], sh[j]);
    }
    if (r)
        for (uint32_t j = 0; j < n; j++)
            r[j] = rem[j];
    free(m);
}

void bld_udivmod(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *q,
                 bld_wire *r)
{
    if (n == 0)
        return;
    /* Through scratch, so q and r may alias x or y. */
    bld_wire *t = calloc(2 * (size_t)n, sizeof *t);
    if (t == NULL) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory in a divider");
        for (uint32_t i = 0; i < n; i++) {
            if (q)
                q[i] = BLD_FALSE;
            if (r)
                r[i] = BLD_FALSE;
        }
        return;
    }
    div_core(b, n, x, y, q ? t : NULL, r ? t + n : NULL, NULL);
    if (q)
        memcpy(q, t, n * sizeof *q);
    if (r)
        memcpy(r, t + n, n * sizeof *r);
    free(t);
}

/* out = s ? -x : x as (x ^ s) + s: n-1 ANDs. out may alias x. */
static void cond_neg(struct bld *b, uint32_t n, const bld_wire *x, bld_wire s, bld_wire *out)
{
    bld_wire c = s;
    for (uint32_t i = 0; i < n; i++) {
        bld_wire a = bld_xor(b, x[i], s);
        out[i] = bld_xor(b, a, c);
        if (i + 1 < n)
            c = bld_and(b, a, c);
    }
}

void bld_sdivmod(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *q,
                 bld_wire *r)
{
    if (n == 0)
        return;
    bld_wire *m = calloc(4 * (size_t)n, sizeof *m);
    if (m == NULL) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory in a divider");
        for (uint32_t i = 0; i < n; i++) {
            if (q)
                q[i] = BLD_FALSE;
            if (r)
                r[i] = BLD_FALSE;
        }
        return;
    }
    bld_wire *ax = m, *ay = ax + n, *uq = ay + n, *ur = uq + n;
    bld_wire sx = x[n - 1], sy = y[n - 1], nz;
    cond_neg(b, n, x, sx, ax);
    cond_neg(b, n, y, sy, ay);
    div_core(b, n, ax, ay, q ? uq : NULL, r ? ur : NULL, &nz);
    /* x / 0 must give -1 whatever the sign of x: the unsigned all-ones stays. */
    if (q)
        cond_neg(b, n, uq, bld_and(b, bld_xor(b, sx, sy), nz), q);
    if (r)
        cond_neg(b, n, ur, sx, r); /* the remainder takes the dividend's sign */
    free(m);
}
