/* garbler.c - the garbler's side: runs planned windows of gates
 * (schedule.c), XOR/INV runs inline (free-XOR), AND runs in batches whose
 * labels go through one MITCCRH call (4 per gate for half-gates, 6 for
 * three-halves, threehalves.h), tables to a sink or a buffer. Holds the
 * labels of wire slots and one window of tables, never a circuit's worth.
 * No I/O, no OT. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "runtime/crypto/aes.h"
#include "runtime/crypto/hash.h"
#include "runtime/gc/gc.h"
#include "runtime/gc/gc_internal.h"
#include "runtime/gc/threehalves.h"

#define CHUNK_ANDS (GC_SINK_CHUNK_BYTES / GC_TABLE_BYTES_PER_AND)
_Static_assert(CHUNK_ANDS >= GC_WINDOW, "a window's tables must fit one sink chunk");

struct gc_garbler {
    block delta;
    struct crypto_hash hash;
    enum gc_scheme scheme;
    struct aes_key coin_key; /* three-halves: the gates' random bits */
    struct th_consts th;     /* three-halves: Delta's terms */
    uint64_t n_and; /* AND gates garbled: gate g uses tweaks 2g, 2g+1 (or 3g..3g+2) */
    uint32_t n_wires;
    block *slots;   /* GC_SLOT_BASE + n_wires (gc_internal.h): Delta (INV is
                     * XOR with it), zero, scratch, then the zero-label of
                     * each wire */
    struct gc_sched sched;
    struct gc_sgate win[GC_WIN_SGATES]; /* a window planned on the fly */
    uint32_t runs[GC_MAX_RUNS];

    uint64_t tw[3 * GC_BATCH];      /* tweaks 2g, 2g+1 (or 3g, 3g+1, 3g+2) per gate */
    block a[GC_BATCH], b[GC_BATCH]; /* zero-labels (three-halves: colour-0 labels) */
    uint64_t pa[GC_BATCH], pb[GC_BATCH]; /* three-halves: colours of the zero-labels */
    block h[6 * GC_BATCH];          /* per gate: A0, A0^D, B0, B0^D (and A0^B0, A0^B0^D),
                                     * hashed in place */
    block coins[GC_WINDOW / 64 + 2]; /* three-halves: a window's random bits */

    block chunk[CHUNK_ANDS * 2]; /* staging for gc_garble's sink */
};

struct gc_garbler *gc_garbler_new_with(uint32_t n_wires, block delta, block salt,
                                       struct mpcc_error *err)
{
    if (crypto_check_cpu(err) != MPCC_OK)
        return NULL;
    if (!blk_lsb(delta)) {
        mpcc_error_set(err, MPCC_ERR_INVALID, "garbler: Delta must have its lsb set (point-and-permute)");
        return NULL;
    }
    struct gc_garbler *g = aligned_alloc(64, (sizeof(struct gc_garbler) + 63) / 64 * 64);
    if (g == NULL)
        goto nomem;
    memset(g, 0, sizeof *g);
    g->slots = calloc((size_t)n_wires + GC_SLOT_BASE, sizeof(block));
    if (g->slots == NULL || !gc_sched_init(&g->sched, n_wires)) {
        free(g->slots);
        gc_sched_free(&g->sched);
        free(g);
        goto nomem;
    }
    g->n_wires = n_wires;
    g->delta = delta;
    g->slots[GC_SLOT_INV] = delta; /* GC_SLOT_ZERO stays zero */
    crypto_hash_init(&g->hash, salt);
    return g;
nomem:
    mpcc_error_set(err, MPCC_ERR_NOMEM, "garbler: out of memory for %u wire labels", n_wires);
    return NULL;
}

struct gc_garbler *gc_garbler_new(uint32_t n_wires, struct prg *prg, struct mpcc_error *err)
{
    block r[2];
    prg_blocks(prg, r, 2);
    block delta = blk_or(r[0], blk_from_u64(0, 1));
    struct gc_garbler *g = gc_garbler_new_with(n_wires, delta, r[1], err);
    OPENSSL_cleanse(r, sizeof r);
    OPENSSL_cleanse(&delta, sizeof delta);
    return g;
}

void gc_garbler_free(struct gc_garbler *g)
{
    if (g == NULL)
        return;
    OPENSSL_cleanse(g->slots, ((size_t)g->n_wires + GC_SLOT_BASE) * sizeof(block));
    free(g->slots);
    gc_sched_free(&g->sched);
    OPENSSL_cleanse(g, sizeof *g);
    free(g);
}

size_t gc_scheme_table_bytes(enum gc_scheme s)
{
    return s == GC_THREE_HALVES ? TH_TABLE_BYTES : GC_HG_TABLE_BYTES;
}

const char *gc_scheme_name(enum gc_scheme s)
{
    return s == GC_THREE_HALVES ? "threehalves" : "halfgates";
}

enum mpcc_status gc_garbler_set_scheme(struct gc_garbler *g, enum gc_scheme s, struct prg *prg,
                                       struct mpcc_error *err)
{
    enum mpcc_status st = gc_scheme_check(s, g->n_and, "garbler", err);
    if (st != MPCC_OK)
        return st;
    g->scheme = s;
    if (s == GC_THREE_HALVES) {
        block seed;
        prg_blocks(prg, &seed, 1);
        aes_expand_key(&g->coin_key, seed);
        OPENSSL_cleanse(&seed, sizeof seed);
        th_consts_init(&g->th, g->delta);
    }
    return MPCC_OK;
}

block gc_garbler_delta(const struct gc_garbler *g) { return g->delta; }
block gc_garbler_salt(const struct gc_garbler *g) { return g->hash.salt; }
uint64_t gc_garbler_n_and(const struct gc_garbler *g) { return g->n_and; }

enum mpcc_status gc_garbler_random_labels(struct gc_garbler *g, struct prg *prg, uint32_t first,
                                          uint32_t n, struct mpcc_error *err)
{
    if (first > g->n_wires || n > g->n_wires - first)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "garbler: wires %u..%u+%u beyond the %u wire slots", first, first, n,
                              g->n_wires);
    prg_blocks(prg, g->slots + GC_SLOT_BASE + first, n);
    return MPCC_OK;
}

enum mpcc_status gc_garbler_set_label(struct gc_garbler *g, uint32_t wire, block label0,
                                      struct mpcc_error *err)
{
    if (wire >= g->n_wires)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "garbler: wire %u beyond the %u wire slots",
                              wire, g->n_wires);
    g->slots[GC_SLOT_BASE + wire] = label0;
    return MPCC_OK;
}

block gc_garbler_label(const struct gc_garbler *g, uint32_t wire, unsigned bit)
{
    return blk_xor(g->slots[GC_SLOT_BASE + wire], blk_and(blk_mask_from_bit(bit), g->delta));
}

/* Garbles the m <= GC_BATCH independent AND gates sg[0 .. m-1]: reads all
 * inputs, hashes them with one MITCCRH call, then writes the outputs and
 * each gate's TG, TE at its rank in tab (the window's tables, circuit order;
 * unaligned is fine). Half-gates (ZRE15, section 3), pa = lsb(A0), pb = lsb(B0):
 *   TG = H(A0,j) ^ H(A1,j) ^ pb*D      WG0 = H(A0,j) ^ pa*TG
 *   TE = H(B0,j') ^ H(B1,j') ^ A0      WE0 = H(B0,j') ^ pb*(TE ^ A0)
 *   C0 = WG0 ^ WE0;  j = 2g, j' = 2g+1 for the g-th AND of the session
 *   (g = ANDs before the window + rank).
 * pa, pb become all-zero/all-one masks: no branch, no index on them. */
static void garble_batch(struct gc_garbler *g, const struct gc_sgate *sg, uint32_t m,
                         uint64_t and_base, unsigned char *tab)
{
    block *S = g->slots, *h = g->h;
    const block delta = g->delta;
    for (uint32_t k = 0; k < m; k++) {
        block a = S[sg[k].in0], b = S[sg[k].in1];
        g->a[k] = a;
        g->b[k] = b;
        h[4 * k] = a;
        h[4 * k + 1] = blk_xor(a, delta);
        h[4 * k + 2] = b;
        h[4 * k + 3] = blk_xor(b, delta);
        g->tw[2 * k] = 2 * (and_base + sg[k].rank);
        g->tw[2 * k + 1] = g->tw[2 * k] + 1;
    }
    crypto_hash_pairs_tw(&g->hash, g->tw, h, 2 * (size_t)m);
    for (uint32_t k = 0; k < m; k++) {
        block hA0 = h[4 * k], hB0 = h[4 * k + 2];
        block pa = blk_lsb_mask(g->a[k]), pb = blk_lsb_mask(g->b[k]);
        block tg = blk_xor(blk_xor(hA0, h[4 * k + 1]), blk_and(pb, delta));
        block dB = blk_xor(hB0, h[4 * k + 3]);
        block te = blk_xor(dB, g->a[k]);
        block wg = blk_xor(hA0, blk_and(pa, tg));
        block we = blk_xor(hB0, blk_and(pb, dB));
        S[sg[k].out] = blk_xor(wg, we);
        blk_store(tab + GC_HG_TABLE_BYTES * (size_t)sg[k].rank, tg);
        blk_store(tab + GC_HG_TABLE_BYTES * (size_t)sg[k].rank + 16, te);
    }
}

/* Three-halves (threehalves.h) for the m <= GC_BATCH independent AND gates
 * sg[0 .. m-1]: 6 hashes per gate in one MITCCRH call (both labels of A, B
 * and A^B under tweaks 3g, 3g+1, 3g+2), then th_garble_v. coins holds the
 * window's random bits from gate coin_base on (a multiple of 64). */
static void garble_batch_3h(struct gc_garbler *g, const struct gc_sgate *sg, uint32_t m,
                            uint64_t and_base, uint64_t coin_base, unsigned char *tab)
{
    block *S = g->slots, *h = g->h;
    const block delta = g->delta;
    for (uint32_t k = 0; k < m; k++) {
        block a = S[sg[k].in0], b = S[sg[k].in1];
        block pam = blk_lsb_mask(a), pbm = blk_lsb_mask(b);
        block a0 = blk_xor(a, blk_and(pam, delta)), b0 = blk_xor(b, blk_and(pbm, delta));
        block x0 = blk_xor(a0, b0);
        g->a[k] = a0;
        g->b[k] = b0;
        g->pa[k] = (uint64_t)blk_lsb(a);
        g->pb[k] = (uint64_t)blk_lsb(b);
        h[6 * k] = a0;
        h[6 * k + 1] = blk_xor(a0, delta);
        h[6 * k + 2] = b0;
        h[6 * k + 3] = blk_xor(b0, delta);
        h[6 * k + 4] = x0;
        h[6 * k + 5] = blk_xor(x0, delta);
        g->tw[3 * k] = 3 * (and_base + sg[k].rank);
        g->tw[3 * k + 1] = g->tw[3 * k] + 1;
        g->tw[3 * k + 2] = g->tw[3 * k] + 2;
    }
    crypto_hash_pairs_tw(&g->hash, g->tw, h, 3 * (size_t)m);
    for (uint32_t k = 0; k < m; k++) {
        uint64_t gi = and_base + sg[k].rank - coin_base; /* public: the gate's position */
        block cb = g->coins[gi / 64];
        uint64_t word = (gi & 32) ? blk_hi64(cb) : blk_lo64(cb);
        uint64_t bits = word >> (2 * (gi & 31));
        S[sg[k].out] = th_garble_v(g->a[k], g->b[k], &g->th, g->pa[k], g->pb[k], h + 6 * k,
                                   bits & 1, (bits >> 1) & 1,
                                   tab + TH_TABLE_BYTES * (size_t)sg[k].rank);
    }
}

/* The random bits of AND gates and_base .. and_base+n-1 (three-halves):
 * coins[i] = AES_k(first + i) from first = floor(and_base / 64) on. Returns
 * first * 64. */
static uint64_t draw_coins(struct gc_garbler *g, uint64_t and_base, uint32_t n)
{
    uint64_t first = and_base / 64, last = (and_base + n + 63) / 64;
    size_t nb = (size_t)(last - first);
    for (size_t i = 0; i < nb; i++)
        g->coins[i] = blk_from_u64(0, first + i);
    aes_encrypt_blocks(&g->coin_key, g->coins, nb);
    return first * 64;
}

/* Garbles one planned window, tables to tab. Loops branch on the plan only
 * (public): runs of XORs inline, runs of ANDs in batches. */
static void garble_window(struct gc_garbler *g, const struct gc_window *w, unsigned char *tab)
{
    block *S = g->slots;
    const struct gc_sgate *sg = w->sg;
    const uint64_t and_base = g->n_and;
    const int three = g->scheme == GC_THREE_HALVES;
    const uint64_t coin_base = three && w->n_and > 0 ? draw_coins(g, and_base, w->n_and) : 0;
    for (uint32_t r = 0; r < w->n_runs; r++) {
        uint32_t len = w->runs[r] >> 1;
        if (w->runs[r] & GC_RUN_AND) {
            for (uint32_t j = 0; j < len; j += GC_BATCH) {
                /* Fetch the next batch's inputs while this one hashes. */
                for (uint32_t k = j + GC_BATCH; k < len && k < j + 2 * GC_BATCH; k++)
                    gc_prefetch_inputs(S, &sg[k]);
                uint32_t m = len - j < GC_BATCH ? len - j : GC_BATCH;
                if (three)
                    garble_batch_3h(g, sg + j, m, and_base, coin_base, tab);
                else
                    garble_batch(g, sg + j, m, and_base, tab);
            }
        } else {
            gc_xor_run(S, sg, len);
        }
        sg += len;
    }
    g->n_and += w->n_and;
}

static enum mpcc_status garble_sink(struct gc_garbler *g, struct gc_win_iter *it,
                                    gc_table_sink sink, void *ctx, struct mpcc_error *err)
{
    enum mpcc_status st;
    const size_t bpa = gc_scheme_table_bytes(g->scheme);
    size_t used_and = 0; /* tables staged in g->chunk */
    for (;;) {
        struct gc_window w;
        if ((st = gc_win_next(it, &w, err)) != MPCC_OK || w.n_gates == 0)
            break;
        if (used_and + w.n_and > CHUNK_ANDS) {
            st = sink(ctx, g->chunk, used_and * bpa, err);
            used_and = 0;
            if (st != MPCC_OK)
                return st;
        }
        garble_window(g, &w, (unsigned char *)g->chunk + bpa * used_and);
        used_and += w.n_and;
    }
    if (st == MPCC_OK && used_and > 0)
        st = sink(ctx, g->chunk, used_and * bpa, err);
    return st;
}

static enum mpcc_status garble_buf(struct gc_garbler *g, struct gc_win_iter *it, void *buf,
                                   size_t cap_bytes, size_t *len_out, struct mpcc_error *err)
{
    enum mpcc_status st;
    const size_t bpa = gc_scheme_table_bytes(g->scheme);
    size_t used_and = 0, cap_and = cap_bytes / bpa;
    for (;;) {
        struct gc_window w;
        if ((st = gc_win_next(it, &w, err)) != MPCC_OK || w.n_gates == 0)
            break;
        if (w.n_and > cap_and - used_and) {
            st = mpcc_error_set(err, MPCC_ERR_LIMIT,
                                "garbler: table buffer of %zu bytes too small for this gate range",
                                cap_bytes);
            break;
        }
        garble_window(g, &w, (unsigned char *)buf + bpa * used_and);
        used_and += w.n_and;
    }
    *len_out = used_and * bpa;
    return st;
}

enum mpcc_status gc_garble(struct gc_garbler *g, const struct circuit *c, uint64_t gate_begin,
                           uint64_t gate_end, gc_table_sink sink, void *ctx,
                           struct mpcc_error *err)
{
    struct gc_win_iter it;
    enum mpcc_status st = gc_win_start(&it, NULL, c, gate_begin, gate_end, g->n_wires, &g->sched,
                                       g->win, g->runs, "garbler", err);
    return st != MPCC_OK ? st : garble_sink(g, &it, sink, ctx, err);
}

enum mpcc_status gc_garble_to_buffer(struct gc_garbler *g, const struct circuit *c,
                                     uint64_t gate_begin, uint64_t gate_end, void *buf,
                                     size_t cap_bytes, size_t *len_out, struct mpcc_error *err)
{
    struct gc_win_iter it;
    *len_out = 0;
    enum mpcc_status st = gc_win_start(&it, NULL, c, gate_begin, gate_end, g->n_wires, &g->sched,
                                       g->win, g->runs, "garbler", err);
    return st != MPCC_OK ? st : garble_buf(g, &it, buf, cap_bytes, len_out, err);
}

enum mpcc_status gc_garble_plan(struct gc_garbler *g, const struct gc_plan *p, gc_table_sink sink,
                                void *ctx, struct mpcc_error *err)
{
    struct gc_win_iter it;
    enum mpcc_status st = gc_win_start(&it, p, NULL, 0, 0, g->n_wires, NULL, NULL, NULL, "garbler", err);
    return st != MPCC_OK ? st : garble_sink(g, &it, sink, ctx, err);
}

enum mpcc_status gc_garble_plan_to_buffer(struct gc_garbler *g, const struct gc_plan *p, void *buf,
                                          size_t cap_bytes, size_t *len_out,
                                          struct mpcc_error *err)
{
    struct gc_win_iter it;
    *len_out = 0;
    enum mpcc_status st = gc_win_start(&it, p, NULL, 0, 0, g->n_wires, NULL, NULL, NULL, "garbler", err);
    return st != MPCC_OK ? st : garble_buf(g, &it, buf, cap_bytes, len_out, err);
}

enum mpcc_status gc_garbler_decode_bits(const struct gc_garbler *g, const struct circuit *c,
                                        uint8_t *d, struct mpcc_error *err)
{
    for (uint64_t i = 0; i < c->n_output_bits; i++) {
        uint32_t w = c->output_wires[i];
        if (w >= g->n_wires)
            return mpcc_error_set(err, MPCC_ERR_INVALID,
                                  "garbler: output bit %llu reads wire %u beyond %u slots",
                                  (unsigned long long)i, w, g->n_wires);
        d[i] = (uint8_t)blk_lsb(g->slots[GC_SLOT_BASE + w]);
    }
    return MPCC_OK;
}

void gc_decode(const uint8_t *colour, const uint8_t *d, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)((colour[i] ^ d[i]) & 1u);
}

struct gc_frame gc_garbler_swap_frame(struct gc_garbler *g, struct gc_frame f)
{
    struct gc_frame old = { g->slots, g->n_wires };
    g->slots = f.slots;
    g->n_wires = f.n_wires;
    return old;
}
