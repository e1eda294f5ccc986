#!/usr/bin/env python3
"""threehalves_derive.py - checks the algebra behind runtime/gc/threehalves.h
symbolically, over GF(2) with label halves, Delta halves, hash halves and
ciphertexts as independent unknowns (so it holds for any hash outputs):

  1. of the 256 ways to give each of the evaluator's four views (sa, sb) its
     pair r = (r1, r2), exactly 4 make the garbler's equations solvable, for
     every position (pa, pb) of the false labels' colours;
  2. over those 4, every view's r is uniform (what the evaluator decodes says
     nothing about pa, pb);
  3. they are the closed form threehalves.h uses (r00 random, the others r00
     xor offsets linear in !pa, !pb);
  4. the garbler's formulas for C, G0, G1, G2 satisfy all eight half-label
     equations, and its control bits z0..z4 decode to each view's r.
Exit status 0 when all hold. Run by tests/cli/threehalves_algebra.sh."""
import itertools
import sys

AL, AR, BL, BR, DL, DR = [1 << i for i in range(6)]
hA, hB, hX = [1 << 6, 1 << 7], [1 << 8, 1 << 9], [1 << 10, 1 << 11]
G = [1 << 12, 1 << 13, 1 << 14]
VIEWS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def row0(r1, r2, y):  # evaluator's row 0 on halves y = (al, ar, bl, br)
    return (y[0] ^ y[1] ^ y[2] if r1 else 0) ^ (y[0] ^ y[3] if r2 else 0)


def row1(r1, r2, y):
    return (y[0] ^ y[3] if r1 else 0) ^ (y[1] ^ y[2] ^ y[3] if r2 else 0)


def labels(sa, sb):  # A^sa, B^sb from the colour-0 labels
    return [AL ^ (DL if sa else 0), AR ^ (DR if sa else 0),
            BL ^ (DL if sb else 0), BR ^ (DR if sb else 0)]


def evaluate(sa, sb, r1, r2):  # what the evaluator computes, symbolically
    y = labels(sa, sb)
    cl = (G[0] if sa else 0) ^ (G[2] if sa ^ sb else 0) ^ hA[sa] ^ hX[sa ^ sb] \
        ^ row0(r1, r2, y) ^ (0 if sa else y[2])
    cr = (G[1] if sb else 0) ^ (G[2] if sa ^ sb else 0) ^ hB[sb] ^ hX[sa ^ sb] \
        ^ row1(r1, r2, y) ^ (0 if sb else y[1])
    return cl, cr


def garble(pa, pb, r):
    """threehalves.h's formulas: false label C and G0..G2."""
    v = {(a, b): (a ^ pa) & (b ^ pb) for a, b in VIEWS}
    y00, y11, y01 = labels(0, 0), labels(1, 1), labels(0, 1)
    p00_0 = row0(*r[(0, 0)], y00) ^ BL
    p00_1 = row1(*r[(0, 0)], y00) ^ AR
    p11_0 = row0(*r[(1, 1)], y11)
    p11_1 = row1(*r[(1, 1)], y11)
    p01_0 = row0(*r[(0, 1)], y01) ^ y01[2]
    cl = hA[0] ^ hX[0] ^ p00_0 ^ (DL if v[(0, 0)] else 0)
    cr = hB[0] ^ hX[0] ^ p00_1 ^ (DR if v[(0, 0)] else 0)
    g0 = hA[0] ^ hA[1] ^ p00_0 ^ p11_0 ^ (DL if v[(0, 0)] ^ v[(1, 1)] else 0)
    g1 = hB[0] ^ hB[1] ^ p00_1 ^ p11_1 ^ (DR if v[(0, 0)] ^ v[(1, 1)] else 0)
    g2 = hX[0] ^ hX[1] ^ p00_0 ^ p01_0 ^ (DL if v[(0, 0)] ^ v[(0, 1)] else 0)
    return v, (cl, cr), (g0, g1, g2)


def substitute(x, gs):
    out = x & ~(G[0] | G[1] | G[2])
    for gk, val in zip(G, gs):
        if x & gk:
            out ^= val
    return out


def solvable(pa, pb, r):
    """Is there any C, G0..G2 (linear in the unknowns) meeting all views?
    Eliminating the Gs leaves three conditions; checked by trying the
    formulas' shape: C from view 00, G0 and G1 from view 11, G2 from view 01,
    then every equation."""
    v, c, gs = garble(pa, pb, r)
    for a, b in VIEWS:
        e = evaluate(a, b, *r[(a, b)])
        want = (c[0] ^ (DL if v[(a, b)] else 0), c[1] ^ (DR if v[(a, b)] else 0))
        if (substitute(e[0], gs), substitute(e[1], gs)) != want:
            return False
    return True


def control_bits_decode(r):
    """z from threehalves.h, with the hash control bits m as 6 free bits:
    each view decodes its own r for every value of the m bits."""
    for m in range(64):
        mA, mB, mX = [m & 1, m >> 1 & 1], [m >> 2 & 1, m >> 3 & 1], [m >> 4 & 1, m >> 5 & 1]
        z = [r[(0, 0)][0] ^ mA[0] ^ mX[0], r[(0, 0)][1] ^ mB[0] ^ mX[0],
             r[(1, 1)][0] ^ r[(0, 0)][0] ^ mA[0] ^ mA[1],
             r[(1, 1)][1] ^ r[(0, 0)][1] ^ mB[0] ^ mB[1],
             r[(1, 0)][0] ^ r[(1, 1)][0] ^ mX[0] ^ mX[1]]
        for sa, sb in VIEWS:
            s = sa ^ sb
            r1 = z[0] ^ (sa & z[2]) ^ (s & z[4]) ^ mA[sa] ^ mX[s]
            r2 = z[1] ^ (sb & z[3]) ^ (s & z[4]) ^ mB[sb] ^ mX[s]
            if (r1, r2) != r[(sa, sb)]:
                return False
    return True


def closed_form(pa, pb, u1, u2):
    na, nb = pa ^ 1, pb ^ 1
    return {(0, 0): (u1, u2), (0, 1): (u1 ^ na ^ nb, u2 ^ na),
            (1, 0): (u1 ^ nb, u2 ^ na ^ nb), (1, 1): (u1 ^ na, u2 ^ nb)}


def main():
    ok = True
    for pa, pb in VIEWS:
        valid = []
        for bits in itertools.product((0, 1), repeat=8):
            r = {VIEWS[i]: (bits[2 * i], bits[2 * i + 1]) for i in range(4)}
            if solvable(pa, pb, r):
                valid.append(r)
        closed = [closed_form(pa, pb, u1, u2) for u1 in (0, 1) for u2 in (0, 1)]
        uniform = all(sorted(r[w] for r in valid) == [(0, 0), (0, 1), (1, 0), (1, 1)]
                      for w in VIEWS)
        same = sorted(map(sorted, (r.items() for r in valid))) == \
            sorted(map(sorted, (r.items() for r in closed)))
        decodes = all(control_bits_decode(r) for r in closed)
        print("pa=%d pb=%d: %d solvable assignments, uniform per view: %s, closed form: %s, "
              "control bits decode: %s" % (pa, pb, len(valid), uniform, same, decodes))
        ok = ok and len(valid) == 4 and uniform and same and decodes
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
