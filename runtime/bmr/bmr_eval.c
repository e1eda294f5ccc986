/* bmr_eval.c - the evaluating party's walk of N-party garbling: one key per
 * party per wire, free XOR and NOT, and for each AND gate the row picked by
 * the two masked input values (the lsb of its own keys), whose N keys are
 * the sum of every party's row share and of 2 N^2 hashes of the input
 * keys. The masked values it learns are one-time padded by masks no
 * coalition short of all parties knows. The walk runs in its own thread,
 * one window behind the protocol thread, which meanwhile runs the next
 * window's OT rounds: the two buffers of table shares alternate. */
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

/* Evaluates one window from buffer `slot`. */
static enum mpcc_status eval_window(struct bmr_eval *e, int slot, uint64_t n_win,
                                    struct mpcc_error *err)
{
    uint32_t N = e->n, me = e->me;
    size_t per_gate = 4 * (size_t)N; /* blocks of one party's share of one table */
    const block *own = e->own[slot], *peers = e->peers[slot];
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
            /* 2N tweaks (j, side), each hashing every party's key i:
             * h[i * 2N + 2j + side], one key schedule per tweak. */
            size_t T = 2 * (size_t)N;
            for (uint32_t j = 0; j < N; j++) {
                e->tw[2 * j] = tweak(G, N, j, lb, 0);
                e->tw[2 * j + 1] = tweak(G, N, j, la, 1);
            }
            for (uint32_t i = 0; i < N; i++)
                for (uint32_t j = 0; j < N; j++) {
                    e->h[i * T + 2 * j] = e->ekey[a * N + i];
                    e->h[i * T + 2 * j + 1] = e->ekey[b * N + i];
                }
            crypto_hash_groups_tw(e->hash, e->tw, e->h, T, N);
            size_t row = (2 * la + lb) * N;
            for (uint32_t j = 0; j < N; j++) {
                block r = own[g * per_gate + row + j];
                for (uint32_t k = 0; k < N; k++)
                    if (k != me)
                        r = blk_xor(r, peers[((size_t)k * e->win + g) * per_gate + row + j]);
                for (uint32_t i = 0; i < N; i++)
                    r = blk_xor(r, blk_xor(e->h[i * T + 2 * j], e->h[i * T + 2 * j + 1]));
                ko[j] = r;
            }
            g++;
        } else if (step.op == CIRC_XOR) {
            for (uint32_t i = 0; i < N; i++)
                ko[i] = blk_xor(e->ekey[a * N + i], e->ekey[b * N + i]);
        } else if (o != a) { /* NOT and copies keep the keys */
            bmr_copy_blocks(ko, &e->ekey[a * N], N);
        }
    }
    if (more < 0)
        return err ? err->code : MPCC_ERR_INVALID;
    if (g != n_win)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "N-party evaluation: window of %llu AND "
                              "gates found %zu", (unsigned long long)n_win, g);
    e->and_index += n_win;
    return MPCC_OK;
}

/* The evaluation thread: windows in order, as they are posted. */
static void *eval_main(void *arg)
{
    struct bmr_eval *e = arg;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (!e->quit && e->done == e->posted)
            pthread_cond_wait(&e->cv, &e->mu);
        if (e->done == e->posted)
            break;
        uint64_t w = e->done, n_win = e->n_win[w % 2];
        enum mpcc_status before = e->st;
        pthread_mutex_unlock(&e->mu);
        struct mpcc_error err = {0};
        enum mpcc_status st = before == MPCC_OK ? eval_window(e, (int)(w % 2), n_win, &err)
                                                : before;
        pthread_mutex_lock(&e->mu);
        if (st != MPCC_OK && e->st == MPCC_OK) {
            e->st = st;
            e->err = err;
        }
        e->done++;
        pthread_cond_broadcast(&e->cv);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
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
    e->win = p->win;
    e->ekey = calloc(e->n_slots ? e->n_slots * n : 1, sizeof(block));
    for (int s = 0; s < 2; s++) {
        e->own[s] = calloc(e->win * 4 * n, sizeof(block));
        e->peers[s] = calloc(e->win * 4 * n * n, sizeof(block));
    }
    e->h = calloc(2 * n * n, sizeof(block));
    e->tw = calloc(2 * n * n, sizeof(uint64_t));
    if (e->ekey == NULL || e->own[0] == NULL || e->own[1] == NULL || e->peers[0] == NULL ||
        e->peers[1] == NULL || e->h == NULL || e->tw == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party evaluation: out of memory");
    if (pthread_mutex_init(&e->mu, NULL) != 0)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party evaluation: no mutex");
    e->have_mu = 1;
    if (pthread_cond_init(&e->cv, NULL) != 0)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party evaluation: no condition variable");
    e->have_cv = 1;
    if (pthread_create(&e->th, NULL, eval_main, e) != 0)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "N-party evaluation: cannot start a thread");
    e->have_th = 1;
    return MPCC_OK;
}

enum mpcc_status bmr_eval_feed(struct bmr_eval *e, struct bmr_party *p, uint64_t n_win,
                               struct mpcc_error *err)
{
    uint32_t N = e->n;
    size_t per_gate = 4 * (size_t)N;
    /* The buffers of window w were last used by window w - 2. */
    pthread_mutex_lock(&e->mu);
    uint64_t w = e->posted;
    while (e->done + 1 < w)
        pthread_cond_wait(&e->cv, &e->mu);
    enum mpcc_status st = e->st;
    if (st != MPCC_OK && err != NULL)
        *err = e->err;
    pthread_mutex_unlock(&e->mu);
    if (st != MPCC_OK)
        return st;
    int slot = (int)(w % 2);
    for (uint32_t k = 0; k < N && st == MPCC_OK; k++)
        if (k != e->me)
            st = net_recv(p->chans[k], &e->peers[slot][(size_t)k * e->win * per_gate],
                          n_win * per_gate * sizeof(block), "garbled table shares", err);
    if (st != MPCC_OK)
        return st;
    block *t = e->own[slot]; /* our shares: swap buffers with the garbling side */
    e->own[slot] = p->tables;
    p->tables = t;
    pthread_mutex_lock(&e->mu);
    e->n_win[slot] = n_win;
    e->posted = w + 1;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    return MPCC_OK;
}

enum mpcc_status bmr_eval_finish(struct bmr_eval *e, struct mpcc_error *err)
{
    if (!e->have_th)
        return MPCC_OK;
    pthread_mutex_lock(&e->mu);
    while (e->done < e->posted)
        pthread_cond_wait(&e->cv, &e->mu);
    e->quit = 1;
    pthread_cond_broadcast(&e->cv);
    enum mpcc_status st = e->st;
    if (st != MPCC_OK && err != NULL)
        *err = e->err;
    pthread_mutex_unlock(&e->mu);
    pthread_join(e->th, NULL);
    e->have_th = 0;
    return st;
}

void bmr_eval_free(struct bmr_eval *e)
{
    size_t n = e->n;
    if (e->have_th) { /* stop the thread without waiting for posted windows */
        pthread_mutex_lock(&e->mu);
        e->st = e->st == MPCC_OK ? MPCC_ERR_CLOSED : e->st;
        e->quit = 1;
        pthread_cond_broadcast(&e->cv);
        pthread_mutex_unlock(&e->mu);
        pthread_join(e->th, NULL);
    }
    if (e->have_cv)
        pthread_cond_destroy(&e->cv);
    if (e->have_mu)
        pthread_mutex_destroy(&e->mu);
    if (e->ekey != NULL)
        OPENSSL_cleanse(e->ekey, (e->n_slots ? e->n_slots * n : 1) * sizeof(block));
    bmr_walk_free(&e->walk);
    free(e->ekey);
    for (int s = 0; s < 2; s++) {
        if (e->own[s] != NULL)
            OPENSSL_cleanse(e->own[s], e->win * 4 * n * sizeof(block));
        free(e->own[s]);
        free(e->peers[s]);
    }
    free(e->h);
    free(e->tw);
    memset(e, 0, sizeof *e);
}
