/* bmr_edge.c - the pairwise exchanges of N-party garbling: correlated OT
 * both ways, shares of cross products of mask bits by random OT, and plain
 * swaps of frames. The lower-numbered party of a pair goes first. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "runtime/bmr/bmr_internal.h"
#include "runtime/net/net.h"
#include "runtime/proto/proto.h"

void bmr_pack(const uint8_t *bytes, size_t n, uint8_t *packed)
{
    memset(packed, 0, (n + 7) / 8);
    for (size_t i = 0; i < n; i++)
        packed[i / 8] |= (uint8_t)((bytes[i] & 1u) << (i % 8));
}

void bmr_unpack(const uint8_t *packed, size_t n, uint8_t *bytes)
{
    for (size_t i = 0; i < n; i++)
        bytes[i] = (packed[i / 8] >> (i % 8)) & 1u;
}

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

/* Cross products by random OT. As sender (message y = our b[j]): we get m0,
 * m1 and keep lsb(m0); we send d = lsb(m0) ^ lsb(m1) ^ y. As receiver
 * (choice x = our a[j]): we get m_x and add lsb(m_x) ^ x & d, so that the
 * two shares xor to x * y. Selection by masks, never by branches. */
enum mpcc_status bmr_edge_products(struct bmr_party *p, uint32_t k, size_t n,
                                   const uint8_t *a, const uint8_t *b, struct mpcc_error *err)
{
    struct bmr_peer *pe = &p->peer[k];
    uint8_t *share = pe->share;
    memset(share, 0, n);
    if (n == 0)
        return MPCC_OK;
    struct net_channel *ch = p->chans[k];
    enum mpcc_status st = MPCC_OK;
    size_t packed_len = (n + 7) / 8;
    for (int step = 0; step < 2 && st == MPCC_OK; step++) {
        int sending = (p->me < k) == (step == 0);
        if (sending) {
            st = ot_send_random(p->snd[k], n, pe->q, pe->t, err);
            if (st != MPCC_OK)
                break;
            memset(pe->bits, 0, packed_len);
            for (size_t j = 0; j < n; j++) {
                unsigned m0 = (unsigned)blk_lsb(pe->q[j]), m1 = (unsigned)blk_lsb(pe->t[j]);
                share[j] ^= (uint8_t)m0;
                pe->bits[j / 8] |= (uint8_t)(((m0 ^ m1 ^ b[j]) & 1u) << (j % 8));
            }
            st = net_send_frame(ch, BMR_FRAME_PRODUCT, pe->bits, packed_len, err);
        } else {
            bmr_pack(a, n, pe->choice);
            st = ot_recv_random(p->rcv[k], pe->choice, n, pe->t, err);
            if (st == MPCC_OK)
                st = proto_mp_recv(ch, net_peer(ch), BMR_FRAME_PRODUCT, pe->bits, packed_len,
                                   "product corrections", err);
            for (size_t j = 0; st == MPCC_OK && j < n; j++) {
                unsigned d = (pe->bits[j / 8] >> (j % 8)) & 1u;
                share[j] ^= (uint8_t)(((unsigned)blk_lsb(pe->t[j]) ^ (a[j] & d)) & 1u);
            }
        }
        if (st == MPCC_OK)
            st = net_flush(ch, err);
    }
    return st;
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
            st = proto_mp_recv(ch, net_peer(ch), type, in, in_len, what, err);
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
