/* bmr_edge.c - the pairwise exchanges of N-party garbling: correlated OT
 * both ways, shares of cross products of mask bits from the output-mask
 * OTs, plain swaps of frames, and running the exchanges with every peer at
 * once. The lower-numbered party of a pair goes first. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "runtime/bmr/bmr_internal.h"
#include "runtime/net/net.h"
#include "runtime/proto/proto.h"

enum mpcc_status bmr_edge_cot(struct bmr_party *p, uint32_t k, size_t n_send, block *q,
                              size_t n_recv, const uint8_t *choice, block *t,
                              struct mpcc_error *err)
{
    enum mpcc_status st = MPCC_OK;
    for (int step = 0; step < 2 && st == MPCC_OK; step++) {
        int sending = (p->me < k) == (step == 0);
        if (sending && n_send > 0)
            st = ot_send_correlated(p->snd[k], n_send, q, err);
        else if (!sending && n_recv > 0)
            st = ot_recv_correlated(p->rcv[k], choice, n_recv, t, err);
        if (st == MPCC_OK)
            st = net_flush(p->chans[k], err);
    }
    return st;
}

/* The tweak of the random OT made of gate G's output-mask OT between
 * receiver i and sender k: its own space (top bit set), apart from the
 * garbling tweaks. */
static inline uint64_t product_tweak(uint64_t gate, uint32_t n, uint32_t i, uint32_t k)
{
    return (UINT64_C(1) << 63) | ((gate * n + i) * n + k);
}

/* Cross products from the window's output-mask OTs (Beaver's
 * derandomisation). For gate g, the correlated OT with peer k as sender
 * chose with our mask bit r = lc[g] and left q (peer) and t = q ^ r Delta_k
 * (us); hashed, it is a random OT: m0 = H(q), m1 = H(q ^ Delta_k), we know
 * m_r = H(t). As receiver (x = a[g]) we send e = x ^ r and keep
 * lsb(m_r) ^ x & d; as sender (y = b[g], messages from our own OT with the
 * peer as receiver) we send d = lsb(m0) ^ lsb(m1) ^ y and keep lsb(m_e).
 * The two shares xor to x * y. Both bits travel in one frame each way;
 * selection by masks, never by branches. */
enum mpcc_status bmr_edge_products(struct bmr_party *p, uint32_t k, size_t n,
                                   const uint8_t *a, const uint8_t *b, struct mpcc_error *err)
{
    struct bmr_peer *pe = &p->peer[k];
    uint8_t *share = pe->share;
    memset(share, 0, n);
    if (n == 0)
        return MPCC_OK;
    uint32_t N = p->n, me = p->me;
    size_t packed = (n + 7) / 8;
    /* Hashes: ours as receiver (t, under the tweak of (us, k)) into pe->t,
     * as sender the pair (q, q ^ Delta) under the tweak of (k, us) into
     * pe->h. */
    for (size_t g = 0; g < n; g++) {
        uint64_t G = p->and_index + g;
        pe->t[g] = p->dc[g * N + k];
        pe->tw[g] = product_tweak(G, N, me, k);
        pe->h[2 * g] = pe->qdc[g];
        pe->h[2 * g + 1] = blk_xor(pe->qdc[g], p->delta);
        pe->tw2[g] = product_tweak(G, N, k, me);
    }
    crypto_hash_singles_tw(&p->hash, pe->tw, pe->t, n);
    crypto_hash_pairs_tw(&p->hash, pe->tw2, pe->h, n);
    /* Our frame: e bits (as receiver), then d bits (as sender). */
    memset(pe->bits, 0, 2 * packed);
    for (size_t g = 0; g < n; g++) {
        unsigned e = (a[g] ^ p->lc[g]) & 1u;
        unsigned d = ((unsigned)blk_lsb(pe->h[2 * g]) ^ (unsigned)blk_lsb(pe->h[2 * g + 1]) ^ b[g]) & 1u;
        pe->bits[g / 8] |= (uint8_t)(e << (g % 8));
        pe->bits[packed + g / 8] |= (uint8_t)(d << (g % 8));
    }
    enum mpcc_status st = bmr_edge_swap(p, k, BMR_FRAME_PRODUCT, pe->bits, 2 * packed,
                                        pe->choice, 2 * packed, "product bits", err);
    if (st != MPCC_OK)
        return st;
    for (size_t g = 0; g < n; g++) {
        unsigned e_peer = (pe->choice[g / 8] >> (g % 8)) & 1u;            /* its e: we send */
        unsigned d_peer = (pe->choice[packed + g / 8] >> (g % 8)) & 1u;   /* its d: we receive */
        unsigned m0 = (unsigned)blk_lsb(pe->h[2 * g]), m1 = (unsigned)blk_lsb(pe->h[2 * g + 1]);
        unsigned mine_as_sender = m0 ^ (e_peer & (m0 ^ m1));
        unsigned mine_as_receiver = (unsigned)blk_lsb(pe->t[g]) ^ (a[g] & d_peer);
        share[g] = (uint8_t)((mine_as_sender ^ mine_as_receiver) & 1u);
    }
    return MPCC_OK;
}

enum mpcc_status bmr_edge_swap(struct bmr_party *p, uint32_t k, uint32_t type,
                               const void *out, size_t out_len, void *in, size_t in_len,
                               const char *what, struct mpcc_error *err)
{
    struct net_channel *ch = p->chans[k];
    enum mpcc_status st = MPCC_OK;
    for (int step = 0; step < 2 && st == MPCC_OK; step++) {
        int sending = (p->me < k) == (step == 0);
        if (sending && out_len > 0) {
            st = net_send_frame(ch, type, out, out_len, err);
            if (st == MPCC_OK)
                st = net_flush(ch, err);
        } else if (!sending && in_len > 0) {
            st = proto_mp_recv(ch, type, in, in_len, what, err);
        }
    }
    return st;
}

struct peer_job {
    struct bmr_party *p;
    uint32_t k;
    bmr_peer_fn fn;
    void *ctx;
};

static void *peer_main(void *arg)
{
    struct peer_job *j = arg;
    struct bmr_peer *pe = &j->p->peer[j->k];
    pe->st = j->fn(j->p, j->k, j->ctx, &pe->err);
    return NULL;
}

enum mpcc_status bmr_each_peer(struct bmr_party *p, bmr_peer_fn fn, void *ctx,
                               struct mpcc_error *err)
{
    struct peer_job jobs[BMR_MAX_PARTIES];
    pthread_t th[BMR_MAX_PARTIES];
    uint8_t started[BMR_MAX_PARTIES] = {0};
    uint32_t last = p->me == p->n - 1 ? p->n - 2 : p->n - 1; /* ours to run here */
    for (uint32_t k = 0; k < p->n; k++) {
        if (k == p->me)
            continue;
        jobs[k] = (struct peer_job){p, k, fn, ctx};
        p->peer[k].st = MPCC_OK;
        if (k != last && pthread_create(&th[k], NULL, peer_main, &jobs[k]) == 0)
            started[k] = 1;
        else if (k != last)
            peer_main(&jobs[k]); /* no thread: run it here, in turn */
    }
    peer_main(&jobs[last]);
    for (uint32_t k = 0; k < p->n; k++)
        if (started[k])
            pthread_join(th[k], NULL);
    for (uint32_t k = 0; k < p->n; k++)
        if (k != p->me && p->peer[k].st != MPCC_OK) {
            if (err != NULL)
                *err = p->peer[k].err;
            return p->peer[k].st;
        }
    return MPCC_OK;
}
