/* bmr_eval.c - the evaluating party's walk of N-party garbling: one key per
 * party per wire, free XOR and NOT, and for each AND gate the row picked by
 * the two masked input values (the lsb of its own keys), whose N keys are
 * the sum of every party's row share and of 2 N^2 hashes of the input
 * keys. The masked values it learns are one-time padded by masks no
 * coalition short of all parties knows. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "circuits/circuit.h"
#include "runtime/bmr/bmr_internal.h"
#include "runtime/net/net.h"

static inline uint64_t tweak(uint64_t gate, uint32_t n, uint32_t j, unsigned bit, unsigned side)
{
    return (((gate * n + j) * 2 + bit) * 2) + side;
}

enum mpcc_status bmr_eval_init(struct bmr_eval *e, const struct bmr_party *p,
                               struct mpcc_error *err)
{
    memset(e, 0, sizeof *e);
    e->n = p->n;
    e->me = p->me;
    e->circ = p->cfg->circ;
    e->hash = &p->hash;
    size_t n = p->n;
    enum mpcc_status st = bmr_walk_init(&e->walk, e->circ, err);
    if (st != MPCC_OK)
        return st;
    e->n_slots = e->walk.n_slots;
    e->ekey = calloc(e->n_slots ? e->n_slots * n : 1, sizeof(block));
    e->peer_tables = calloc((size_t)BMR_WINDOW * 4 * n * n, sizeof(block));
    e->h = calloc(2 * n * n, sizeof(block));
    e->tw = calloc(2 * n * n, sizeof(uint64_t));
    if (e->ekey == NULL || e->peer_tables == NULL || e->h == NULL || e->tw == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party evaluation: out of memory");
    return MPCC_OK;
}

void bmr_eval_free(struct bmr_eval *e)
{
    size_t n = e->n;
    if (e->ekey != NULL)
        OPENSSL_cleanse(e->ekey, (e->n_slots ? e->n_slots * n : 1) * sizeof(block));
    bmr_walk_free(&e->walk);
    free(e->ekey);
    free(e->peer_tables);
    free(e->h);
    free(e->tw);
    memset(e, 0, sizeof *e);
}

enum mpcc_status bmr_eval_window(struct bmr_eval *e, const struct bmr_party *p, uint64_t n_win,
                                 struct mpcc_error *err)
{
    uint32_t N = e->n, me = e->me;
    size_t per_gate = 4 * (size_t)N; /* blocks of one party's share of one table */
    enum mpcc_status st = MPCC_OK;
    /* Every peer's shares of this window, in peer order. */
    for (uint32_t k = 0; k < N && st == MPCC_OK; k++)
        if (k != me)
            st = net_recv(p->chans[k], &e->peer_tables[(size_t)k * BMR_WINDOW * per_gate],
                          n_win * per_gate * sizeof(block), "garbled table shares", err);
    if (st != MPCC_OK)
        return st;
    size_t g = 0;
    struct bmr_step step;
    int more;
    while ((more = bmr_walk_next(&e->walk, &step, err)) == 1) {
        uint64_t a = step.a, b = step.b, o = step.o;
        block *ko = &e->ekey[o * N];
        if (step.op == CIRC_AND) {
            if (g == n_win) {
                bmr_walk_unget(&e->walk, &step);
                break;
            }
            unsigned la = (unsigned)blk_lsb(e->ekey[a * N + me]);
            unsigned lb = (unsigned)blk_lsb(e->ekey[b * N + me]);
            uint64_t G = e->and_index + g;
            size_t m = 0;
            for (uint32_t j = 0; j < N; j++)
                for (uint32_t i = 0; i < N; i++) {
                    e->h[m] = e->ekey[a * N + i];
                    e->tw[m++] = tweak(G, N, j, lb, 0);
                    e->h[m] = e->ekey[b * N + i];
                    e->tw[m++] = tweak(G, N, j, la, 1);
                }
            crypto_hash_singles_tw(e->hash, e->tw, e->h, m);
            size_t row = (2 * la + lb) * N;
            for (uint32_t j = 0; j < N; j++) {
                block r = p->tables[g * per_gate + row + j];
                for (uint32_t k = 0; k < N; k++)
                    if (k != me)
                        r = blk_xor(r, e->peer_tables[((size_t)k * BMR_WINDOW + g) * per_gate +
                                                      row + j]);
                for (uint32_t i = 0; i < 2 * N; i++)
                    r = blk_xor(r, e->h[(size_t)j * 2 * N + i]);
                ko[j] = r;
            }
            g++;
        } else if (step.op == CIRC_XOR) {
            for (uint32_t i = 0; i < N; i++)
                ko[i] = blk_xor(e->ekey[a * N + i], e->ekey[b * N + i]);
        } else if (o != a) { /* NOT and copies keep the keys */
            memcpy(ko, &e->ekey[a * N], N * sizeof(block));
        }
    }
    if (more < 0)
        return err ? err->code : MPCC_ERR_INVALID;
    e->and_index += n_win;
    return MPCC_OK;
}
