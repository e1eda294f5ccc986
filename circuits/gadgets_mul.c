/* gadgets_mul.c - multiplication: schoolbook rows added by ripple adders of
 * shrinking width (low half: n^2-n+1 ANDs, full: 2n^2-n), Karatsuba for full
 * products and a split at the best point for low halves, chosen per width by
 * a cost model wherever they need fewer ANDs. No division here. */
#include "circuits/gadgets.h"

#include <stdlib.h>
#include <string.h>

/* Cost model and plan: for every width k <= max, the AND count of the full
 * product (schoolbook 2k^2-k or Karatsuba at k/2) and of the low half
 * (schoolbook k^2-k+1, or a split at low_h[k]), computed bottom-up once per
 * gadget call. Costs are before folding (the built circuits are a bit smaller). */
struct mul_plan {
    uint32_t max;
    uint64_t *full;
    uint8_t *kara;
    uint64_t *low;
    uint32_t *low_h; /* 0: schoolbook */
};

static void mul_plan_free(struct mul_plan *p)
{
    free(p->full);
    free(p->kara);
    free(p->low);
    free(p->low_h);
}

static int mul_plan_init(struct mul_plan *p, uint32_t max)
{
    size_t m = (size_t)max + 1;
    p->max = max;
    p->full = calloc(m, sizeof *p->full);
    p->kara = calloc(m, sizeof *p->kara);
    p->low = calloc(m, sizeof *p->low);
    p->low_h = calloc(m, sizeof *p->low_h);
    if (!p->full || !p->kara || !p->low || !p->low_h) {
        mul_plan_free(p);
        return 0;
    }
    for (uint32_t k = 1; k <= max; k++) {
        uint64_t k64 = k;
        p->full[k] = 2 * k64 * k64 - k64;
        if (k >= 8) {
            uint32_t h = k / 2, hi = k - h; /* hi + 1 < k */
            uint64_t c = p->full[h] + p->full[hi] + p->full[hi + 1] + 2 * (uint64_t)hi +
                         4 * (uint64_t)hi + (2 * k64 - h - 1);
            if (c < p->full[k]) {
                p->full[k] = c;
                p->kara[k] = 1;
            }
        }
        p->low[k] = k64 * k64 - k64 + 1;
        for (uint32_t h = 1; k >= 8 && h < k; h++) {
            uint32_t hi = k - h, r = k > 2 * h ? k - 2 * h : 0;
            uint64_t c = p->full[h] + 2 * p->low[hi] + 2 * ((uint64_t)hi - 1) + (r ? p->low[r] : 0);
            if (c < p->low[k]) {
                p->low[k] = c;
                p->low_h[k] = h;
            }
        }
    }
    return 1;
}

static bld_wire *mul_scratch(struct bld *b, size_t n_wires)
{
    bld_wire *p = calloc(n_wires ? n_wires : 1, sizeof *p); /* calloc: all BLD_FALSE */
    if (p == NULL)
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory in a multiplier");
    return p;
}

static void mul_clear(uint32_t n, bld_wire *out)
{
    for (uint32_t i = 0; i < n; i++)
        out[i] = BLD_FALSE;
}

/* Low n bits: row j (x * y_j, shifted by j) is added into bits j..n-1. */
static void mul_low_school(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y,
                           bld_wire *out)
{
    bld_wire *row = mul_scratch(b, n);
    if (row == NULL) {
        mul_clear(n, out);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        out[i] = bld_and(b, x[i], y[0]);
    for (uint32_t j = 1; j < n; j++) {
        for (uint32_t i = 0; i + j < n; i++)
            row[i] = bld_and(b, x[i], y[j]);
        bld_add(b, n - j, out + j, row, out + j); /* the ripple reads bit i before writing it */
    }
    free(row);
}

/* Full 2n bits: row j is added into bits j..j+n with its carry-out. */
static void mul_full_school(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y,
                            bld_wire *out)
{
    bld_wire *row = mul_scratch(b, n);
    if (row == NULL) {
        mul_clear(2 * n, out);
        return;
    }
    mul_clear(2 * n, out);
    for (uint32_t i = 0; i < n; i++)
        out[i] = bld_and(b, x[i], y[0]);
    for (uint32_t j = 1; j < n; j++) {
        for (uint32_t i = 0; i < n; i++)
            row[i] = bld_and(b, x[i], y[j]);
        out[j + n] = bld_add_carry(b, n, out + j, row, BLD_FALSE, out + j);
    }
    free(row);
}

static void mul_full_rec(struct bld *b, const struct mul_plan *pl, uint32_t n, const bld_wire *x,
                         const bld_wire *y, bld_wire *out);

/* Karatsuba: x = x1 2^h + x0; z1 = (x0+x1)(y0+y1) - z0 - z2. */
static void mul_full_kara(struct bld *b, const struct mul_plan *pl, uint32_t n, const bld_wire *x,
                          const bld_wire *y, bld_wire *out)
{
    uint32_t h = n / 2, hi = n - h, w1 = 2 * hi + 1, wt = 2 * n - h;
    /* sx, sy: hi+1 each; p: 2hi+2; pad: wt; t, z1: wt each. */
    size_t total = 2 * ((size_t)hi + 1) + (2 * (size_t)hi + 2) + 3 * (size_t)wt;
    bld_wire *m = mul_scratch(b, total);
    if (m == NULL) {
        mul_clear(2 * n, out);
        return;
    }
    bld_wire *sx = m, *sy = sx + hi + 1, *p = sy + hi + 1, *pad = p + 2 * hi + 2;
    bld_wire *t = pad + wt, *z1 = t + wt;

    mul_full_rec(b, pl, h, x, y, out);                  /* z0 -> out[0, 2h) */
    mul_full_rec(b, pl, hi, x + h, y + h, out + 2 * h); /* z2 -> out[2h, 2n) */
    memcpy(pad, x, h * sizeof *pad);                  /* x0 zero-extended to hi bits */
    pad[hi - 1] = h < hi ? BLD_FALSE : pad[hi - 1];
    sx[hi] = bld_add_carry(b, hi, pad, x + h, BLD_FALSE, sx);
    memcpy(pad, y, h * sizeof *pad);
    pad[hi - 1] = h < hi ? BLD_FALSE : pad[hi - 1];
    sy[hi] = bld_add_carry(b, hi, pad, y + h, BLD_FALSE, sy);
    mul_full_rec(b, pl, hi + 1, sx, sy, p);

    /* z1 = p - z0 - z2 fits in w1 = 2hi+1 bits. */
    mul_clear(wt, pad);
    memcpy(pad, out, 2 * (size_t)h * sizeof *pad);
    bld_sub(b, w1, p, pad, t);
    mul_clear(wt, pad);
    memcpy(pad, out + 2 * h, 2 * (size_t)hi * sizeof *pad);
    bld_sub(b, w1, t, pad, z1);
    for (uint32_t i = w1; i < wt; i++)
        z1[i] = BLD_FALSE;
    bld_add(b, wt, out + h, z1, out + h); /* in place: the ripple reads bit i before writing it */
    free(m);
}

static void mul_full_rec(struct bld *b, const struct mul_plan *pl, uint32_t n, const bld_wire *x,
                         const bld_wire *y, bld_wire *out)
{
    if (pl->kara[n])
        mul_full_kara(b, pl, n, x, y, out);
    else
        mul_full_school(b, n, x, y, out);
}

static void mul_low_rec(struct bld *b, const struct mul_plan *pl, uint32_t n, const bld_wire *x,
                        const bld_wire *y, bld_wire *out);

/* With x = x1 2^h + x0 (hi = n-h bits in x1, r = max(n-2h, 0)):
 * x y mod 2^n = x0 y0 + 2^h ((x0 y1 + x1 y0) mod 2^hi) + 2^2h (x1 y1 mod 2^r),
 * x0 y0 a full product, the cross terms low products of width hi. The best
 * h is often above n/2 (n = 64: h = 40), where the x1 y1 term vanishes. */
static void mul_low_split(struct bld *b, const struct mul_plan *pl, uint32_t n, const bld_wire *x,
                          const bld_wire *y, bld_wire *out)
{
    uint32_t h = pl->low_h[n], hi = n - h, r = n > 2 * h ? n - 2 * h : 0;
    uint32_t c = h < hi ? h : hi; /* bits of x0 that matter in the cross terms */
    size_t total = 2 * (size_t)h + 6 * (size_t)hi;
    bld_wire *m = mul_scratch(b, total);
    if (m == NULL) {
        mul_clear(n, out);
        return;
    }
    bld_wire *z0 = m, *pad = z0 + 2 * h, *t1 = pad + hi, *t2 = t1 + hi, *t = t2 + hi;
    bld_wire *top = t + hi, *u = top + hi;

    mul_full_rec(b, pl, h, x, y, z0);
    memcpy(pad, x, c * sizeof *pad); /* x0 cut or zero-extended to hi bits (pad[c..] stay 0) */
    mul_low_rec(b, pl, hi, pad, y + h, t1);
    memcpy(pad, y, c * sizeof *pad);
    mul_low_rec(b, pl, hi, x + h, pad, t2);
    bld_add(b, hi, t1, t2, t);
    for (uint32_t i = 0; i < hi && h + i < 2 * h; i++)
        top[i] = z0[h + i];
    if (r > 0) {
        mul_low_rec(b, pl, r, x + h, y + h, u);
        memcpy(top + h, u, r * sizeof *top); /* top[h..hi): no overlap with z0's bits */
    }
    memcpy(out, z0, h * sizeof *out);
    bld_add(b, hi, top, t, out + h);
    free(m);
}

static void mul_low_rec(struct bld *b, const struct mul_plan *pl, uint32_t n, const bld_wire *x,
                        const bld_wire *y, bld_wire *out)
{
    if (pl->low_h[n])
        mul_low_split(b, pl, n, x, y, out);
    else
        mul_low_school(b, n, x, y, out);
}

/* Both entry points build into scratch first, so out may alias x or y. */
void bld_mul(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *out)
{
    if (n == 0)
        return;
    struct mul_plan pl;
    bld_wire *t = mul_scratch(b, n);
    if (t == NULL) {
        mul_clear(n, out);
        return;
    }
    if (!mul_plan_init(&pl, n)) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory planning a multiplier");
        mul_clear(n, out);
        free(t);
        return;
    }
    mul_low_rec(b, &pl, n, x, y, t);
    memcpy(out, t, n * sizeof *out);
    mul_plan_free(&pl);
    free(t);
}

void bld_mul_full(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *out2n)
{
    if (n == 0)
        return;
    struct mul_plan pl;
    bld_wire *t = mul_scratch(b, 2 * (size_t)n);
    if (t == NULL) {
        mul_clear(2 * n, out2n);
        return;
    }
    if (!mul_plan_init(&pl, n)) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory planning a multiplier");
        mul_clear(2 * n, out2n);
        free(t);
        return;
    }
    mul_full_rec(b, &pl, n, x, y, t);
    memcpy(out2n, t, 2 * (size_t)n * sizeof *out2n);
    mul_plan_free(&pl);
    free(t);
}
