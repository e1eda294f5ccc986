/* bmr_garble.c - one party's side of N-party garbling: its Delta, keys and
 * mask shares per wire slot, the OT sessions with every peer, the input
 * wires, and each window of AND gates: the walk over the window's gates
 * (XOR and NOT are local; the output masks' Delta_j shares were made by
 * correlated OT during the window before), shares of lambda_a * lambda_b
 * from those same OTs (bmr_edge_products), shares of Delta_j times that
 * product by correlated OT again, and this party's share of every row of
 * every AND table. Secret bits select by masks, never by branches. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "circuits/circuit.h"
#include "runtime/bmr/bmr_internal.h"
#include "runtime/crypto/aes.h"
#include "runtime/crypto/session_bind.h"
#include "runtime/net/net.h"

/* Gates whose table shares are hashed in one batch. */
#define BMR_HASH_GATES 32u

/* Zeroed memory (calloc: pages the run never touches cost nothing). */
static void *bmr_alloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

uint64_t bmr_window_size(const struct circuit *c, uint32_t n_parties)
{
    uint64_t n_and = circ_count_op(c, CIRC_AND);
    uint64_t q = n_and / 4, w = q < BMR_WINDOW_MIN ? BMR_WINDOW_MIN : q < BMR_WINDOW ? q : BMR_WINDOW;
    uint64_t cap = BMR_WINDOW_BLOCKS / (8 * (uint64_t)n_parties * n_parties);
    return w < cap ? w : cap < 64 ? 64 : cap;
}

static void bmr_wipe_free(void *p, size_t len)
{
    if (p != NULL)
        OPENSSL_cleanse(p, len);
    free(p);
}

/* The two OT sessions with peer k (all peers at once, bmr_each_peer). The
 * lower-numbered party's Delta session starts from 128 Chou-Orlandi base
 * OTs; the other direction's base OTs are 128 random OTs of that first
 * session (the higher party choosing with the bits of its Delta), so a
 * pair does one set of public-key base OTs, not two. */
static enum mpcc_status setup_ots(struct bmr_party *p, uint32_t k, void *ctx,
                                  struct mpcc_error *err)
{
    (void)ctx;
    enum mpcc_status st;
    struct net_channel *ch = p->chans[k];
    const uint8_t *sid = p->cfg->session;
    block k0[OT_KAPPA], k1[OT_KAPPA];
    uint8_t dbits[16];
    blk_store(dbits, p->delta);
    if (p->me < k) {
        st = ot_cot_sender_new(ch, sid, p->delta, &p->snd[k], err);
        if (st == MPCC_OK)
            st = ot_send_random(p->snd[k], OT_KAPPA, k0, k1, err);
        if (st == MPCC_OK)
            st = ot_cot_receiver_new_with_base(ch, sid, k0, k1, &p->rcv[k], err);
    } else {
        st = ot_cot_receiver_new(ch, sid, &p->rcv[k], err);
        if (st == MPCC_OK)
            st = ot_recv_random(p->rcv[k], dbits, OT_KAPPA, k0, err);
        if (st == MPCC_OK)
            st = ot_cot_sender_new_with_base(ch, sid, p->delta, k0, &p->snd[k], err);
    }
    if (st == MPCC_OK)
        st = net_flush(ch, err);
    OPENSSL_cleanse(k0, sizeof k0);
    OPENSSL_cleanse(k1, sizeof k1);
    OPENSSL_cleanse(dbits, sizeof dbits);
    return st;
}

enum mpcc_status bmr_party_init(struct bmr_party *p, const struct bmr_config *cfg,
                                struct net_channel *const *chans, struct mpcc_error *err)
{
    memset(p, 0, sizeof *p);
    p->cfg = cfg;
    p->chans = chans;
    p->n = cfg->n_parties;
    p->me = cfg->me;
    enum mpcc_status st = crypto_check_cpu(err);
    if (st == MPCC_OK)
        st = bmr_walk_init(&p->walk, cfg->circ, err);
    p->n_slots = p->walk.n_slots;
    if (st == MPCC_OK)
        st = prg_init_random(&p->prg, err);
    if (st != MPCC_OK)
        return st;
    uint32_t n = p->n;
    size_t w = p->win = (size_t)bmr_window_size(cfg->circ, cfg->n_parties);
    p->n_and = circ_count_op(cfg->circ, CIRC_AND);
    p->snd = calloc(n, sizeof *p->snd);
    p->rcv = calloc(n, sizeof *p->rcv);
    p->lam = bmr_alloc(p->n_slots, 1);
    p->key = bmr_alloc(p->n_slots, sizeof(block));
    p->dsh = bmr_alloc(p->n_slots * n, sizeof(block));
    p->la = bmr_alloc(w, 1), p->lb = bmr_alloc(w, 1);
    p->lc = bmr_alloc(w, 1), p->mu = bmr_alloc(w, 1);
    p->ka = bmr_alloc(w, sizeof(block)), p->kb = bmr_alloc(w, sizeof(block));
    p->kc = bmr_alloc(w, sizeof(block));
    p->da = bmr_alloc(w * n, sizeof(block)), p->db = bmr_alloc(w * n, sizeof(block));
    p->dc = bmr_alloc(w * n, sizeof(block)), p->dm = bmr_alloc(w * n, sizeof(block));
    p->lc_next = bmr_alloc(w, 1), p->kc_next = bmr_alloc(w, sizeof(block));
    p->dc_next = bmr_alloc(w * n, sizeof(block));
    p->peer = calloc(n, sizeof *p->peer);
    p->choice = bmr_alloc(w / 8 + 1, 1);
    p->tables = bmr_alloc(w * 4 * n, sizeof(block));
    p->hx = bmr_alloc((size_t)BMR_HASH_GATES * n * 8, sizeof(block));
    p->htw = bmr_alloc((size_t)BMR_HASH_GATES * n * 4, sizeof(uint64_t));
    for (uint32_t k = 0; p->peer != NULL && k < n; k++) {
        struct bmr_peer *pe = &p->peer[k];
        if (k == cfg->me)
            continue;
        pe->q = bmr_alloc(w, sizeof(block)), pe->t = bmr_alloc(w, sizeof(block));
        pe->t2 = bmr_alloc(w, sizeof(block));
        pe->qdc = bmr_alloc(w, sizeof(block)), pe->qdc_next = bmr_alloc(w, sizeof(block));
        pe->h = bmr_alloc(2 * w, sizeof(block));
        pe->tw = bmr_alloc(w, sizeof(uint64_t)), pe->tw2 = bmr_alloc(w, sizeof(uint64_t));
        pe->bits = bmr_alloc(w / 4 + 2, 1), pe->choice = bmr_alloc(w / 4 + 2, 1);
        pe->share = bmr_alloc(w, 1);
        if (pe->q == NULL || pe->t == NULL || pe->t2 == NULL ||
            pe->qdc == NULL || pe->qdc_next == NULL || pe->h == NULL || pe->tw == NULL ||
            pe->tw2 == NULL ||
            pe->bits == NULL || pe->choice == NULL ||
            pe->share == NULL)
            return mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party garbling: out of memory");
    }
    if (p->snd == NULL || p->rcv == NULL || p->lam == NULL || p->key == NULL ||
        p->dsh == NULL || p->la == NULL || p->lb == NULL || p->lc == NULL || p->mu == NULL ||
        p->ka == NULL || p->kb == NULL || p->kc == NULL || p->da == NULL || p->db == NULL ||
        p->dc == NULL || p->dm == NULL || p->peer == NULL || p->choice == NULL ||
        p->lc_next == NULL || p->kc_next == NULL || p->dc_next == NULL ||
        p->tables == NULL || p->hx == NULL || p->htw == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party garbling: out of memory for %llu "
                              "wire slots of %u parties",
                              (unsigned long long)p->n_slots, n);
    /* Delta; the evaluator's has lsb 1 and its zero keys lsb 0, so the lsb
     * of the key it holds is the wire's masked value. */
    block r;
    prg_blocks(&p->prg, &r, 1);
    p->delta = cfg->me == cfg->evaluator ? blk_or(r, blk_from_u64(0, 1)) : r;
    OPENSSL_cleanse(&r, sizeof r);
    block salt;
    st = crypto_bind_salt(blk_zero(), cfg->session, "bmr garbling", &salt, err);
    if (st != MPCC_OK)
        return st;
    crypto_hash_init(&p->hash, salt);
    return bmr_each_peer(p, setup_ots, NULL, err);
}

void bmr_party_free(struct bmr_party *p)
{
    size_t w = p->win, n = p->n;
    for (uint32_t k = 0; k < n; k++) {
        if (p->snd)
            ot_cot_sender_free(p->snd[k]);
        if (p->rcv)
            ot_cot_receiver_free(p->rcv[k]);
    }
    free(p->snd);
    free(p->rcv);
    bmr_wipe_free(p->lam, p->n_slots);
    bmr_wipe_free(p->key, p->n_slots * sizeof(block));
    bmr_wipe_free(p->dsh, p->n_slots * n * sizeof(block));
    bmr_wipe_free(p->la, w), bmr_wipe_free(p->lb, w);
    bmr_wipe_free(p->lc, w), bmr_wipe_free(p->mu, w);
    bmr_wipe_free(p->ka, w * sizeof(block)), bmr_wipe_free(p->kb, w * sizeof(block));
    bmr_wipe_free(p->kc, w * sizeof(block));
    bmr_wipe_free(p->da, w * n * sizeof(block)), bmr_wipe_free(p->db, w * n * sizeof(block));
    bmr_wipe_free(p->dc, w * n * sizeof(block)), bmr_wipe_free(p->dm, w * n * sizeof(block));
    bmr_wipe_free(p->lc_next, w), bmr_wipe_free(p->kc_next, w * sizeof(block));
    bmr_wipe_free(p->dc_next, w * n * sizeof(block));
    for (uint32_t k = 0; p->peer != NULL && k < n; k++) {
        struct bmr_peer *pe = &p->peer[k];
        bmr_wipe_free(pe->q, w * sizeof(block)), bmr_wipe_free(pe->t, w * sizeof(block));
        bmr_wipe_free(pe->t2, w * sizeof(block));
        bmr_wipe_free(pe->qdc, w * sizeof(block));
        bmr_wipe_free(pe->qdc_next, w * sizeof(block));
        bmr_wipe_free(pe->h, 2 * w * sizeof(block));
        free(pe->tw), free(pe->tw2);
        bmr_wipe_free(pe->bits, w / 4 + 2), bmr_wipe_free(pe->choice, w / 4 + 2);
        bmr_wipe_free(pe->share, w);
    }
    free(p->peer);
    bmr_wipe_free(p->choice, w / 8 + 1);
    bmr_wipe_free(p->tables, w * 4 * n * sizeof(block));
    bmr_wipe_free(p->hx, (size_t)BMR_HASH_GATES * n * 8 * sizeof(block));
    free(p->htw);
    prg_clear(&p->prg);
    bmr_walk_free(&p->walk);
    OPENSSL_cleanse(&p->delta, sizeof p->delta);
    memset(p, 0, sizeof *p);
}

/* A fresh zero key (the evaluator's with lsb 0). */
static block fresh_key(struct bmr_party *p)
{
    block k;
    prg_blocks(&p->prg, &k, 1);
    if (p->me == p->cfg->evaluator)
        k = blk_and(k, blk_from_u64(~0ull, ~1ull));
    return k;
}

/* Fresh output masks and zero keys for n AND gates. */
static void draw_outputs(struct bmr_party *p, size_t n, uint8_t *lc, block *kc)
{
    for (size_t g = 0; g < n; g++) {
        uint8_t r;
        prg_bytes(&p->prg, &r, 1);
        lc[g] = r & 1u;
        kc[g] = fresh_key(p);
    }
}

struct inputs_job {
    size_t n_mine;          /* our input bits, their masks x */
    const uint8_t *x;
    block *d;               /* [i * N + j] our bits' Delta_j shares */
    const size_t *send_n;   /* input bits of each peer */
    block **d_peer;         /* our share of Delta_us * each peer's bits */
    size_t n_first;         /* the first window's output-mask OTs (choices in p->choice) */
};

/* With peer k: the OTs of the input masks, in pieces of one window (our
 * bits as receiver, the peer's as sender: both sides cut the same way),
 * then the first window's output-mask OTs. */
static enum mpcc_status inputs_peer(struct bmr_party *p, uint32_t k, void *ctx,
                                    struct mpcc_error *err)
{
    struct inputs_job *j = ctx;
    struct bmr_peer *pe = &p->peer[k];
    uint32_t N = p->n;
    size_t w = p->win, nr = j->n_mine, ns = j->send_n[k], off_r = 0, off_s = 0;
    enum mpcc_status st = MPCC_OK;
    while (st == MPCC_OK && (off_r < nr || off_s < ns)) {
        size_t cr = nr - off_r < w ? nr - off_r : w, cs = ns - off_s < w ? ns - off_s : w;
        net_pack_bits(j->x + off_r, cr, pe->choice);
        st = bmr_edge_cot(p, k, cs, pe->q, cr, pe->choice, pe->t, err);
        for (size_t i = 0; st == MPCC_OK && i < cr; i++)
            j->d[(off_r + i) * N + k] = pe->t[i];
        for (size_t i = 0; st == MPCC_OK && i < cs; i++)
            j->d_peer[k][off_s + i] = pe->q[i];
        off_r += cr, off_s += cs;
    }
    if (st == MPCC_OK && j->n_first > 0)
        st = bmr_edge_cot(p, k, j->n_first, pe->qdc_next, j->n_first, p->choice, pe->t2, err);
    for (size_t g = 0; st == MPCC_OK && g < j->n_first; g++)
        p->dc_next[g * N + k] = pe->t2[g];
    return st;
}

/* Shares of Delta_j * x for a run of n bits x (ours: one byte each), the
 * other parties' shares of x being 0 (send_n[k]: how many such bits peer k
 * has, for which we are the OT sender). Writes d[i * N + j] for our bits,
 * and for peer k's bits only our own column (d_peer[i]). With every peer at
 * once, and with them the first window's output-mask OTs. */
static enum mpcc_status own_bits_shares(struct bmr_party *p, size_t n_mine, const uint8_t *x,
                                        block *d, const size_t *send_n, block **d_peer,
                                        struct mpcc_error *err)
{
    uint32_t N = p->n;
    for (size_t i = 0; i < n_mine; i++) {
        memset(&d[i * N], 0, N * sizeof(block));
        d[i * N + p->me] = blk_and(blk_mask_from_bit(x[i]), p->delta);
    }
    size_t n_first = p->n_and < p->win ? (size_t)p->n_and : p->win;
    draw_outputs(p, n_first, p->lc_next, p->kc_next);
    net_pack_bits(p->lc_next, n_first, p->choice);
    struct inputs_job j = {n_mine, x, d, send_n, d_peer, n_first};
    enum mpcc_status st = bmr_each_peer(p, inputs_peer, &j, err);
    for (size_t g = 0; st == MPCC_OK && g < n_first; g++) {
        block acc = blk_and(blk_mask_from_bit(p->lc_next[g]), p->delta);
        for (uint32_t k = 0; k < N; k++)
            if (k != p->me)
                acc = blk_xor(acc, p->peer[k].qdc_next[g]);
        p->dc_next[g * N + p->me] = acc;
    }
    p->next_ready = st == MPCC_OK && n_first > 0;
    return st;
}

enum mpcc_status bmr_garble_inputs(struct bmr_party *p, const uint8_t *input_bits,
                                   uint8_t *masked, struct mpcc_error *err)
{
    const struct circuit *c = p->cfg->circ;
    uint32_t N = p->n;
    uint64_t nib = c->n_input_bits;
    /* Per input bit: its owner; our bits' masks; how many bits each peer owns. */
    uint32_t *owner = malloc((nib ? nib : 1) * sizeof *owner);
    uint8_t *mine_lam = malloc(nib ? nib : 1);
    block *dmine = bmr_alloc(nib * N, sizeof(block));
    size_t *count = calloc(N, sizeof *count);
    block **dpeer = calloc(N, sizeof *dpeer);
    enum mpcc_status st = MPCC_OK;
    if (owner == NULL || mine_lam == NULL || dmine == NULL || count == NULL || dpeer == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party garbling: out of memory for inputs");
        goto out;
    }
    uint64_t w = 0;
    for (uint32_t v = 0; v < c->n_inputs; v++)
        for (uint32_t b = 0; b < c->input_widths[v]; b++, w++) {
            owner[w] = p->cfg->input_owner[v];
            count[owner[w]]++;
        }
    for (uint32_t k = 0; k < N; k++)
        if (k != p->me && (dpeer[k] = bmr_alloc(count[k], sizeof(block))) == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party garbling: out of memory");
            goto out;
        }
    /* Our masks: random for our bits (we alone know them), 0 for others'. */
    size_t n_mine = 0;
    for (w = 0; w < nib; w++) {
        p->key[w] = fresh_key(p);
        uint8_t r;
        prg_bytes(&p->prg, &r, 1);
        p->lam[w] = owner[w] == p->me ? (r & 1u) : 0;
        if (owner[w] == p->me) {
            mine_lam[n_mine++] = p->lam[w];
            masked[w] = (uint8_t)((input_bits[w] ^ p->lam[w]) & 1u);
        }
    }
    st = own_bits_shares(p, n_mine, mine_lam, dmine, count, dpeer, err);
    if (st != MPCC_OK)
        goto out;
    size_t *next = calloc(N, sizeof *next);
    if (next == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party garbling: out of memory");
        goto out;
    }
    size_t im = 0;
    for (w = 0; w < nib; w++) {
        block *d = &p->dsh[w * N];
        if (owner[w] == p->me) {
            memcpy(d, &dmine[im * N], N * sizeof(block));
            im++;
        } else {
            memset(d, 0, N * sizeof(block));
            d[p->me] = dpeer[owner[w]][next[owner[w]]++];
        }
    }
    free(next);
out:
    free(owner);
    bmr_wipe_free(mine_lam, nib ? nib : 1);
    bmr_wipe_free(dmine, (nib ? nib : 1) * N * sizeof(block));
    for (uint32_t k = 0; dpeer != NULL && k < N; k++)
        bmr_wipe_free(dpeer[k], (count[k] ? count[k] : 1) * sizeof(block));
    free(dpeer);
    free(count);
    return st;
}

struct window_job {
    size_t n;
    block *d;          /* delta products: [g * N + j] */
    const uint8_t *a, *b; /* cross products: the two bit vectors */
    size_t n_next;     /* with the products: the next window's Delta_j * lc */
    block *d_next;     /* (choice bits in p->choice) */
};

/* One peer's part of delta_products: OT both ways; the receiver's outputs
 * go straight to the peer's column, the sender's stay in its scratch. */
static enum mpcc_status delta_peer(struct bmr_party *p, uint32_t k, void *ctx,
                                   struct mpcc_error *err)
{
    struct window_job *j = ctx;
    struct bmr_peer *pe = &p->peer[k];
    enum mpcc_status st = bmr_edge_cot(p, k, j->n, pe->q, j->n, p->choice, pe->t, err);
    for (size_t g = 0; st == MPCC_OK && g < j->n; g++)
        j->d[g * p->n + k] = pe->t[g];
    return st;
}

/* Shares of Delta_j * x[g] for the window's n bits x (each party holds a
 * share of x): ours from the OTs in both directions with every peer. */
static enum mpcc_status delta_products(struct bmr_party *p, size_t n, const uint8_t *x,
                                       block *d, struct mpcc_error *err)
{
    uint32_t N = p->n;
    net_pack_bits(x, n, p->choice);
    struct window_job j = {.n = n, .d = d};
    enum mpcc_status st = n > 0 ? bmr_each_peer(p, delta_peer, &j, err) : MPCC_OK;
    for (size_t g = 0; st == MPCC_OK && g < n; g++) {
        block acc = blk_and(blk_mask_from_bit(x[g]), p->delta);
        for (uint32_t k = 0; k < N; k++)
            if (k != p->me)
                acc = blk_xor(acc, p->peer[k].q[g]);
        d[g * N + p->me] = acc;
    }
    return st;
}

static enum mpcc_status products_peer(struct bmr_party *p, uint32_t k, void *ctx,
                                      struct mpcc_error *err)
{
    struct window_job *j = ctx;
    struct bmr_peer *pe = &p->peer[k];
    enum mpcc_status st = bmr_edge_products(p, k, j->n, j->a, j->b, err);
    if (st == MPCC_OK && j->n_next > 0)
        st = bmr_edge_cot(p, k, j->n_next, pe->qdc_next, j->n_next, p->choice, pe->t2, err);
    for (size_t g = 0; st == MPCC_OK && g < j->n_next; g++)
        j->d_next[g * p->n + k] = pe->t2[g];
    return st;
}


static inline uint64_t tweak(uint64_t gate, uint32_t n, uint32_t j, unsigned bit, unsigned side)
{
    return (((gate * n + j) * 2 + bit) * 2) + side;
}

/* Our share of the 4 rows of the tables of window gates g0 .. g0+m-1. Row
 * (alpha, beta) for party j:
 *   H(k_{a,alpha}, (G,j,beta,0)) ^ H(k_{b,beta}, (G,j,alpha,1))
 *   ^ [j = me] k_{c,0} ^ share of Delta_j * ((la^alpha)(lb^beta) ^ lc),
 * the last expanded as dm ^ dc ^ alpha db ^ beta da ^ [j = me] alpha beta Delta. */
static void table_shares(struct bmr_party *p, size_t g0, size_t m)
{
    uint32_t N = p->n, me = p->me;
    block *x = p->hx;
    uint64_t *tw = p->htw;
    for (size_t g = 0; g < m; g++) {
        uint64_t G = p->and_index + g0 + g;
        block ka = p->ka[g0 + g], kb = p->kb[g0 + g];
        for (uint32_t j = 0; j < N; j++) {
            block *xx = &x[(g * N + j) * 8];
            uint64_t *tt = &tw[(g * N + j) * 4];
            for (unsigned bit = 0; bit < 2; bit++) {
                xx[2 * bit] = ka, xx[2 * bit + 1] = blk_xor(ka, p->delta);
                tt[bit] = tweak(G, N, j, bit, 0);
                xx[4 + 2 * bit] = kb, xx[4 + 2 * bit + 1] = blk_xor(kb, p->delta);
                tt[2 + bit] = tweak(G, N, j, bit, 1);
            }
        }
    }
    crypto_hash_pairs_tw(&p->hash, tw, x, 4 * (size_t)N * m);
    for (size_t g = 0; g < m; g++) {
        size_t gi = g0 + g;
        for (uint32_t j = 0; j < N; j++) {
            const block *xx = &x[(g * N + j) * 8];
            block base = blk_xor(p->dm[gi * N + j], p->dc[gi * N + j]);
            if (j == me)
                base = blk_xor(base, p->kc[gi]);
            for (unsigned alpha = 0; alpha < 2; alpha++)
                for (unsigned beta = 0; beta < 2; beta++) {
                    /* xx[2*beta + alpha]: H(k_{a,alpha}) under beta's tweak;
                     * xx[4 + 2*alpha + beta]: H(k_{b,beta}) under alpha's. */
                    block r = blk_xor(xx[2 * beta + alpha], xx[4 + 2 * alpha + beta]);
                    r = blk_xor(r, base);
                    if (alpha)
                        r = blk_xor(r, p->db[gi * N + j]);
                    if (beta)
                        r = blk_xor(r, p->da[gi * N + j]);
                    if (alpha && beta && j == me)
                        r = blk_xor(r, p->delta);
                    p->tables[gi * 4 * N + (2 * alpha + beta) * N + j] = r;
                }
        }
    }
}

enum mpcc_status bmr_garble_window(struct bmr_party *p, uint64_t n_win, uint64_t n_after,
                                   struct mpcc_error *err)
{
    uint32_t N = p->n, me = p->me;
    /* The window's output masks and keys, and Delta_j * lambda_c shares:
     * made with the input OTs (first window) or during the previous one. */
    enum mpcc_status st = MPCC_OK;
    if (!p->next_ready && n_win > 0)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "N-party garbling: window of %llu AND "
                              "gates without its output masks", (unsigned long long)n_win);
    if (p->next_ready) {
        uint8_t *l = p->lc;
        block *k = p->kc, *d = p->dc;
        p->lc = p->lc_next, p->kc = p->kc_next, p->dc = p->dc_next;
        p->lc_next = l, p->kc_next = k, p->dc_next = d;
        for (uint32_t j = 0; j < N; j++)
            if (j != me) {
                block *t = p->peer[j].qdc;
                p->peer[j].qdc = p->peer[j].qdc_next;
                p->peer[j].qdc_next = t;
            }
        p->next_ready = 0;
    }
    /* The walk: everything up to (not including) the AND after the window. */
    size_t g = 0;
    struct bmr_step step;
    int more;
    while ((more = bmr_walk_next(&p->walk, &step, err)) == 1) {
        uint64_t a = step.a, b = step.b, o = step.o;
        if (step.op == CIRC_AND) {
            if (g == n_win) {
                bmr_walk_unget(&p->walk, &step);
                break;
            }
            p->la[g] = p->lam[a], p->lb[g] = p->lam[b];
            p->ka[g] = p->key[a], p->kb[g] = p->key[b];
            bmr_copy_blocks(&p->da[g * N], &p->dsh[(uint64_t)a * N], N);
            bmr_copy_blocks(&p->db[g * N], &p->dsh[(uint64_t)b * N], N);
            p->lam[o] = p->lc[g];
            p->key[o] = p->kc[g];
            bmr_copy_blocks(&p->dsh[(uint64_t)o * N], &p->dc[g * N], N);
            g++;
        } else if (step.op == CIRC_XOR) {
            p->lam[o] = p->lam[a] ^ p->lam[b];
            p->key[o] = blk_xor(p->key[a], p->key[b]);
            for (uint32_t j = 0; j < N; j++)
                p->dsh[(uint64_t)o * N + j] =
                    blk_xor(p->dsh[(uint64_t)a * N + j], p->dsh[(uint64_t)b * N + j]);
        } else if (step.op == BMR_COPY) {
            p->lam[o] = p->lam[a];
            p->key[o] = p->key[a];
            bmr_copy_blocks(&p->dsh[o * N], &p->dsh[a * N], N);
        } else if (step.op == CIRC_INV) {
            /* lambda_o = lambda_a ^ 1 (party 0 flips its share), so the
             * masked value and the keys stay; each party j adds its Delta_j
             * to its own share of Delta_j * lambda. */
            p->lam[o] = p->lam[a] ^ (me == 0);
            p->key[o] = p->key[a];
            bmr_copy_blocks(&p->dsh[o * N], &p->dsh[a * N], N);
            p->dsh[o * N + me] = blk_xor(p->dsh[o * N + me], p->delta);
        }
    }
    if (more < 0)
        return err ? err->code : MPCC_ERR_INVALID;
    if (g != n_win)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "N-party garbling: window of %llu AND gates "
                              "found %zu", (unsigned long long)n_win, g);
    /* Shares of lambda_a * lambda_b: our own product plus the cross terms;
     * with them, the next window's Delta_j * lambda_c. */
    for (g = 0; g < n_win; g++)
        p->mu[g] = p->la[g] & p->lb[g];
    draw_outputs(p, n_after, p->lc_next, p->kc_next);
    net_pack_bits(p->lc_next, n_after, p->choice);
    struct window_job pj = {.n = n_win, .a = p->la, .b = p->lb, .n_next = n_after,
                            .d_next = p->dc_next};
    if (n_win > 0 || n_after > 0)
        st = bmr_each_peer(p, products_peer, &pj, err);
    for (g = 0; st == MPCC_OK && g < n_win; g++)
        for (uint32_t k = 0; k < N; k++)
            if (k != me)
                p->mu[g] ^= p->peer[k].share[g];
    for (g = 0; st == MPCC_OK && g < n_after; g++) {
        block acc = blk_and(blk_mask_from_bit(p->lc_next[g]), p->delta);
        for (uint32_t k = 0; k < N; k++)
            if (k != me)
                acc = blk_xor(acc, p->peer[k].qdc_next[g]);
        p->dc_next[g * N + me] = acc;
    }
    p->next_ready = st == MPCC_OK && n_after > 0;
    if (st == MPCC_OK)
        st = delta_products(p, n_win, p->mu, p->dm, err);
    if (st != MPCC_OK)
        return st;
    for (size_t g0 = 0; g0 < n_win; g0 += BMR_HASH_GATES)
        table_shares(p, g0, n_win - g0 < BMR_HASH_GATES ? n_win - g0 : BMR_HASH_GATES);
    p->and_index += n_win;
    return MPCC_OK;
}
