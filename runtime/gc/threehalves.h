/* threehalves.h - the arithmetic of one three-halves AND gate (Rosulek, Roy,
 * "Three Halves Make a Whole?", CRYPTO 2021), shared by the garbler and the
 * evaluator; hashing, batching and tables stay in garbler.c / evaluator.c.
 *
 * Labels are split into 64-bit halves, L = low, R = high; Delta = (DL, DR),
 * lsb(DL) = 1. The colour of a label is its lsb. For an AND gate with input
 * labels A^c, B^c of colour c (A^1 = A^0 ^ Delta) the tweaks are ta = 3g,
 * tb = 3g+1, tx = 3g+2, and each hash H(x, t) (MITCCRH) gives a half h(x) =
 * its low 64 bits and a control bit m(x) = bit 64.
 *
 * The evaluator, holding A, B of colours sa, sb, computes hA = h(A, ta),
 * hB = h(B, tb), hX = h(A ^ B, tx) (and their m bits), decodes two bits
 *   r1 = z0 ^ sa z2 ^ (sa^sb) z4 ^ mA ^ mX
 *   r2 = z1 ^ sb z3 ^ (sa^sb) z4 ^ mB ^ mX
 * from the gate's 5 control bits z, and outputs
 *   CL = sa G0 ^ (sa^sb) G2 ^ hA ^ hX ^ row0(r, A, B) ^ !sa BL
 *   CR = sb G1 ^ (sa^sb) G2 ^ hB ^ hX ^ row1(r, A, B) ^ !sb AR
 * where row0 = r1 (AL^AR^BL) ^ r2 (AL^BR), row1 = r1 (AL^BR) ^ r2 (AR^BL^BR):
 * the paper's decoding with its matrices V, R_p, S1, S2 written out.
 *
 * The garbler knows both colours of the false labels (pa, pb), so which of
 * the four views (sa, sb) carries a true output. Of the 256 ways to give
 * each view its pair r, exactly 4 make the eight half-label equations
 * solvable (tests/tools/threehalves_derive.py exhausts them); they are
 *   r00 = (u1, u2) random,  r01 = r00 ^ (na^nb, na),  r10 = r00 ^ (nb, na^nb),
 *   r11 = r00 ^ (na, nb),   na = !pa, nb = !pb,
 * so every view's r is uniform whatever the truth table's position. Solving
 * the equations with A, B the colour-0 labels and v_ab = (a^pa)(b^pb):
 *   C  = (hA0 ^ hX0 ^ P00_0 ^ v00 DL,  hB0 ^ hX0 ^ P00_1 ^ v00 DR)  (false label)
 *   G0 = hA0 ^ hA1 ^ P00_0 ^ P11_0 ^ (v00^v11) DL
 *   G1 = hB0 ^ hB1 ^ P00_1 ^ P11_1 ^ (v00^v11) DR
 *   G2 = hX0 ^ hX1 ^ P00_0 ^ P01_0 ^ (v00^v01) DL
 *   z0 = r1_00 ^ mA0 ^ mX0           z1 = r2_00 ^ mB0 ^ mX0
 *   z2 = r1_11 ^ r1_00 ^ mA0 ^ mA1   z3 = r2_11 ^ r2_00 ^ mB0 ^ mB1
 *   z4 = r1_10 ^ r1_11 ^ mX0 ^ mX1
 * where Pab_i is the evaluator's row i (with its !sa BL / !sb AR terms) in
 * view ab, applied to A^a, B^b. Each G and each of z2..z4 is masked by a
 * hash the evaluator's view lacks. Wire format per gate: G0, G1, G2 (8 bytes
 * each, little-endian), then one byte with z0..z4 in bits 0..4 (bits 5..7
 * zero): 25 bytes.
 *
 * Every secret (labels, colours, random bits) enters as a mask: no branch and
 * no table index depends on one. */
#ifndef MPCC_THREEHALVES_H
#define MPCC_THREEHALVES_H

#include <stdint.h>
#include <string.h>

#include "runtime/crypto/block.h"

#define TH_TABLE_BYTES 25

/* All-ones when bit (0/1) is 1. */
static inline uint64_t th_mask(uint64_t bit) { return (uint64_t)0 - (bit & 1u); }

/* The evaluator's rows for bits r1, r2 on halves (al, ar, bl, br). */
static inline uint64_t th_row0(uint64_t r1, uint64_t r2, uint64_t al, uint64_t ar, uint64_t bl,
                               uint64_t br)
{
    return (th_mask(r1) & (al ^ ar ^ bl)) ^ (th_mask(r2) & (al ^ br));
}

static inline uint64_t th_row1(uint64_t r1, uint64_t r2, uint64_t al, uint64_t ar, uint64_t bl,
                               uint64_t br)
{
    return (th_mask(r1) & (al ^ br)) ^ (th_mask(r2) & (ar ^ bl ^ br));
}

/* The reference forms, th_garble and th_eval: the equations above written
 * out half by half. garbler.c and evaluator.c run the 128-bit forms below
 * (th_garble_v, th_eval_v); test_gc checks them against these in every case.
 *
 * Garbles one gate. a0, b0: the colour-0 input labels; pa, pb (0/1): the
 * colours of the FALSE input labels; h[0..5]: the hashes of a0, a0^D (tweak
 * 3g), b0, b0^D (3g+1), a0^b0, a0^b0^D (3g+2); u1, u2: random bits. Writes
 * the 25 table bytes to tab and returns the output wire's false label. */
static inline block th_garble(block a0, block b0, block delta, uint64_t pa, uint64_t pb,
                              const block *h, uint64_t u1, uint64_t u2, unsigned char *tab)
{
    const uint64_t al = blk_lo64(a0), ar = blk_hi64(a0), bl = blk_lo64(b0), br = blk_hi64(b0);
    const uint64_t dl = blk_lo64(delta), dr = blk_hi64(delta);
    const uint64_t hA0 = blk_lo64(h[0]), hA1 = blk_lo64(h[1]), hB0 = blk_lo64(h[2]);
    const uint64_t hB1 = blk_lo64(h[3]), hX0 = blk_lo64(h[4]), hX1 = blk_lo64(h[5]);
    const uint64_t mA0 = blk_hi64(h[0]) & 1, mA1 = blk_hi64(h[1]) & 1, mB0 = blk_hi64(h[2]) & 1;
    const uint64_t mB1 = blk_hi64(h[3]) & 1, mX0 = blk_hi64(h[4]) & 1, mX1 = blk_hi64(h[5]) & 1;
    const uint64_t na = pa ^ 1, nb = pb ^ 1;
    /* Each view's pair r. */
    const uint64_t r1_00 = u1, r2_00 = u2;
    const uint64_t r1_01 = u1 ^ na ^ nb, r2_01 = u2 ^ na;
    const uint64_t r1_10 = u1 ^ nb;
    const uint64_t r1_11 = u1 ^ na, r2_11 = u2 ^ nb;
    /* Which view decodes to true. */
    const uint64_t v00 = pa & pb, v01 = pa & nb, v11 = na & nb;
    /* The evaluator's label terms in views 00, 11 and 01. */
    const uint64_t p00_0 = th_row0(r1_00, r2_00, al, ar, bl, br) ^ bl;
    const uint64_t p00_1 = th_row1(r1_00, r2_00, al, ar, bl, br) ^ ar;
    const uint64_t p11_0 = th_row0(r1_11, r2_11, al ^ dl, ar ^ dr, bl ^ dl, br ^ dr);
    const uint64_t p11_1 = th_row1(r1_11, r2_11, al ^ dl, ar ^ dr, bl ^ dl, br ^ dr);
    const uint64_t p01_0 = th_row0(r1_01, r2_01, al, ar, bl ^ dl, br ^ dr) ^ bl ^ dl;
    uint64_t g[3];
    g[0] = hA0 ^ hA1 ^ p00_0 ^ p11_0 ^ (th_mask(v00 ^ v11) & dl);
    g[1] = hB0 ^ hB1 ^ p00_1 ^ p11_1 ^ (th_mask(v00 ^ v11) & dr);
    g[2] = hX0 ^ hX1 ^ p00_0 ^ p01_0 ^ (th_mask(v00 ^ v01) & dl);
    const uint64_t z = (r1_00 ^ mA0 ^ mX0) | (r2_00 ^ mB0 ^ mX0) << 1
                       | (r1_11 ^ r1_00 ^ mA0 ^ mA1) << 2 | (r2_11 ^ r2_00 ^ mB0 ^ mB1) << 3
                       | (r1_10 ^ r1_11 ^ mX0 ^ mX1) << 4;
    memcpy(tab, g, 24); /* little-endian host (x86-64) */
    tab[24] = (unsigned char)z;
    const uint64_t cl = hA0 ^ hX0 ^ p00_0 ^ (th_mask(v00) & dl);
    const uint64_t cr = hB0 ^ hX0 ^ p00_1 ^ (th_mask(v00) & dr);
    return blk_from_u64(cr, cl);
}

/* ---- the same garbling in 128-bit lanes [L | R], for the garbler's loop ----
 * The evaluator's two rows over a view's labels A', B' are, as one vector,
 * [row0 | row1] = r1 S1 ^ r2 S2 with u = A' ^ swap(B'), S1 = swap(u) ^ lo(A'),
 * S2 = u ^ hi(B') (lo/hi keep one lane). S1 and S2 are linear in the labels,
 * so the other views' come from view 00's and Delta's, precomputed once. */
struct th_consts {
    block delta, s1_da_db, s2_da_db, s1_db, s2_db;
};

static inline block th_swap(block x) { return _mm_shuffle_epi32(x, 0x4e); }
static inline block th_lo(block x) { return _mm_and_si128(x, _mm_set_epi64x(0, -1)); }
static inline block th_hi(block x) { return _mm_and_si128(x, _mm_set_epi64x(-1, 0)); }
static inline block th_vmask(uint64_t bit) { return _mm_set1_epi64x((long long)th_mask(bit)); }

static inline void th_s12(block a, block b, block *s1, block *s2)
{
    block u = blk_xor(a, th_swap(b));
    *s1 = blk_xor(th_swap(u), th_lo(a));
    *s2 = blk_xor(u, th_hi(b));
}

static inline void th_consts_init(struct th_consts *k, block delta)
{
    block s1a, s2a, s1b, s2b;
    th_s12(delta, blk_zero(), &s1a, &s2a);
    th_s12(blk_zero(), delta, &s1b, &s2b);
    k->delta = delta;
    k->s1_da_db = blk_xor(s1a, s1b);
    k->s2_da_db = blk_xor(s2a, s2b);
    k->s1_db = s1b;
    k->s2_db = s2b;
}

static inline block th_rows(uint64_t r1, uint64_t r2, block s1, block s2)
{
    return blk_xor(blk_and(th_vmask(r1), s1), blk_and(th_vmask(r2), s2));
}

/* Bit 64 of blocks x and y, as bits 0 and 1. */
static inline unsigned th_mbits(block x, block y)
{
    return (unsigned)_mm_movemask_pd(_mm_castsi128_pd(_mm_slli_epi64(_mm_unpackhi_epi64(x, y), 63)));
}

/* th_garble, the same tables and labels, with the constants of Delta. */
static inline block th_garble_v(block a0, block b0, const struct th_consts *k, uint64_t pa,
                                uint64_t pb, const block *h, uint64_t u1, uint64_t u2,
                                unsigned char *tab)
{
    const uint64_t na = pa ^ 1, nb = pb ^ 1;
    const uint64_t r1_01 = u1 ^ na ^ nb, r2_01 = u2 ^ na, r1_10 = u1 ^ nb;
    const uint64_t r1_11 = u1 ^ na, r2_11 = u2 ^ nb;
    const uint64_t v00 = pa & pb, v01 = pa & nb, v11 = na & nb;
    block s1, s2;
    th_s12(a0, b0, &s1, &s2);
    const block p00 = blk_xor(th_rows(u1, u2, s1, s2), blk_xor(th_lo(b0), th_hi(a0)));
    const block p11 = th_rows(r1_11, r2_11, blk_xor(s1, k->s1_da_db), blk_xor(s2, k->s2_da_db));
    const block p01 = blk_xor(th_rows(r1_01, r2_01, blk_xor(s1, k->s1_db), blk_xor(s2, k->s2_db)),
                              th_lo(blk_xor(b0, k->delta)));
    const block hab0 = _mm_unpacklo_epi64(h[0], h[2]), hab1 = _mm_unpacklo_epi64(h[1], h[3]);
    const block hx0 = _mm_unpacklo_epi64(h[4], h[4]), hx1 = _mm_unpacklo_epi64(h[5], h[5]);
    const block gg = blk_xor(blk_xor(blk_xor(hab0, hab1), blk_xor(p00, p11)),
                             blk_and(th_vmask(v00 ^ v11), k->delta));
    const block g2 = blk_xor(blk_xor(blk_xor(hx0, hx1), blk_xor(p00, p01)),
                             blk_and(th_vmask(v00 ^ v01), k->delta));
    const unsigned mA = th_mbits(h[0], h[1]), mB = th_mbits(h[2], h[3]), mX = th_mbits(h[4], h[5]);
    const uint64_t mA0 = mA & 1, mA1 = mA >> 1, mB0 = mB & 1, mB1 = mB >> 1;
    const uint64_t mX0 = mX & 1, mX1 = mX >> 1;
    const uint64_t z = (u1 ^ mA0 ^ mX0) | (u2 ^ mB0 ^ mX0) << 1 | (r1_11 ^ u1 ^ mA0 ^ mA1) << 2
                       | (r2_11 ^ u2 ^ mB0 ^ mB1) << 3 | (r1_10 ^ r1_11 ^ mX0 ^ mX1) << 4;
    blk_store(tab, gg);
    const uint64_t g2l = blk_lo64(g2);
    memcpy(tab + 16, &g2l, 8);
    tab[24] = (unsigned char)z;
    return blk_xor(blk_xor(blk_xor(hab0, hx0), p00), blk_and(th_vmask(v00), k->delta));
}

/* Evaluates one gate: labels a, b; hA, hB, hX the hashes of a (3g), b (3g+1)
 * and a^b (3g+2); tab the gate's 25 bytes. Returns the output label. */
static inline block th_eval(block a, block b, block hA, block hB, block hX,
                            const unsigned char *tab)
{
    const uint64_t al = blk_lo64(a), ar = blk_hi64(a), bl = blk_lo64(b), br = blk_hi64(b);
    const uint64_t sa = al & 1, sb = bl & 1, s = sa ^ sb;
    const uint64_t mA = blk_hi64(hA) & 1, mB = blk_hi64(hB) & 1, mX = blk_hi64(hX) & 1;
    uint64_t g[3];
    memcpy(g, tab, 24);
    const uint64_t z = tab[24];
    const uint64_t r1 = (z ^ (sa & z >> 2) ^ (s & z >> 4) ^ mA ^ mX) & 1;
    const uint64_t r2 = (z >> 1 ^ (sb & z >> 3) ^ (s & z >> 4) ^ mB ^ mX) & 1;
    const uint64_t hx = blk_lo64(hX);
    const uint64_t cl = (th_mask(sa) & g[0]) ^ (th_mask(s) & g[2]) ^ blk_lo64(hA) ^ hx
                        ^ th_row0(r1, r2, al, ar, bl, br) ^ (th_mask(sa ^ 1) & bl);
    const uint64_t cr = (th_mask(sb) & g[1]) ^ (th_mask(s) & g[2]) ^ blk_lo64(hB) ^ hx
                        ^ th_row1(r1, r2, al, ar, bl, br) ^ (th_mask(sb ^ 1) & ar);
    return blk_from_u64(cr, cl);
}

/* th_eval in 128-bit lanes (the evaluator's loop): the same label. */
static inline block th_eval_v(block a, block b, block hA, block hB, block hX,
                              const unsigned char *tab)
{
    const uint64_t sa = (uint64_t)blk_lsb(a), sb = (uint64_t)blk_lsb(b), s = sa ^ sb;
    const uint64_t z = tab[24];
    const uint64_t mA = (uint64_t)th_mbits(hA, hA) & 1, mB = (uint64_t)th_mbits(hB, hB) & 1;
    const uint64_t mX = (uint64_t)th_mbits(hX, hX) & 1;
    const uint64_t r1 = (z ^ (sa & z >> 2) ^ (s & z >> 4) ^ mA ^ mX) & 1;
    const uint64_t r2 = (z >> 1 ^ (sb & z >> 3) ^ (s & z >> 4) ^ mB ^ mX) & 1;
    const block sel = _mm_set_epi64x((long long)th_mask(sb), (long long)th_mask(sa));
    uint64_t g2;
    memcpy(&g2, tab + 16, 8);
    block s1, s2;
    th_s12(a, b, &s1, &s2);
    block c = blk_and(sel, blk_load(tab));                               /* [sa G0 | sb G1] */
    c = blk_xor(c, blk_and(th_vmask(s), _mm_set1_epi64x((long long)g2))); /* (sa^sb) G2 */
    c = blk_xor(c, blk_xor(_mm_unpacklo_epi64(hA, hB), _mm_unpacklo_epi64(hX, hX)));
    c = blk_xor(c, th_rows(r1, r2, s1, s2));
    return blk_xor(c, _mm_andnot_si128(sel, blk_xor(th_lo(b), th_hi(a)))); /* [!sa BL | !sb AR] */
}

#endif
