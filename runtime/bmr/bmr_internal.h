/* bmr_internal.h - what the files of the N-party garbling share: one
 * party's run state, the pairwise exchanges (bmr_edge.c), the garbling walk
 * that produces this party's table shares (bmr_garble.c) and the
 * evaluator's walk (bmr_eval.c). Not for other modules. */
#ifndef MPCC_BMR_INTERNAL_H
#define MPCC_BMR_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "circuits/circuit.h"
#include "runtime/bmr/bmr.h"
#include "runtime/crypto/block.h"
#include "runtime/crypto/hash.h"
#include "runtime/crypto/prg.h"
#include "runtime/ot/ot.h"

/* AND gates per window: the unit of the pairwise OT rounds and of the
 * table stream (memory per party is O(window * N), the evaluator's
 * O(window * N^2), not O(circuit)). A circuit of fewer than 4 BMR_WINDOW
 * AND gates uses a quarter of them (at least BMR_WINDOW_MIN, which also
 * cuts the input wires' OTs into pieces), so that even a small circuit is
 * evaluated one window behind its garbling rather than after it; and many
 * parties a smaller window, so that the
 * evaluator's buffers (2 x window x 4 N^2 blocks) stay near
 * BMR_WINDOW_BLOCKS; bmr_window_size says which, the same on every party. */
#define BMR_WINDOW 32768u
#define BMR_WINDOW_MIN 1024u
#define BMR_WINDOW_BLOCKS (1u << 22) /* 64 MiB of table shares at the evaluator */
uint64_t bmr_window_size(const struct circuit *c, uint32_t n_parties);

/* Frame types ("BM" + number). */
#define BMR_FRAME_MASKED 0x424d0001u /* input owner -> every party: masked input bits */
#define BMR_FRAME_OUT 0x424d0003u    /* every party -> output recipient: its mask shares
                                      * (the evaluator adds the masked output bits) */
#define BMR_FRAME_PRODUCT 0x424d0004u /* every pair, both ways: the e and d bits of products */
/* (The keys of the input wires go to the evaluator as a raw stream: 16
 * bytes per input bit, in wire order.) */

/* ---- bmr_walk.c: the gates in order, calls expanded on the fly. Each
 * frame's wires live at slots base .. base + n_wires - 1; a call's frame
 * follows its caller's. A step is a gate (enum circ_op) or a copy. */
#define BMR_COPY 16u
struct bmr_step {
    uint32_t op;     /* CIRC_XOR, CIRC_AND, CIRC_INV or BMR_COPY (o = a) */
    uint64_t a, b, o;
};
struct bmr_walk_frame {
    const struct circuit *c;
    uint64_t gate;       /* next gate of c */
    uint64_t base;       /* slot of c's wire 0 */
    uint32_t rep;        /* repetition of the call at `gate` */
    uint32_t phase;      /* 0 at a gate, 1 copying arguments, 2 copying results */
    uint64_t i;          /* next argument or result */
    int wires_ready;     /* the call's wires for `rep` are in the frame's buffer */
};
struct bmr_walk {
    struct bmr_walk_frame stack[CIRC_MAX_CALL_DEPTH + 1];
    int depth;
    uint64_t n_slots;    /* slots the deepest chain of frames needs */
    uint32_t *wires;     /* per depth: one call's argument and result wires */
    uint64_t max_call;
    struct bmr_step peek;
    int have_peek;
};
enum mpcc_status bmr_walk_init(struct bmr_walk *w, const struct circuit *top,
                               struct mpcc_error *err);
void bmr_walk_free(struct bmr_walk *w);
/* 1: *s is the next step; 0: the walk is over; -1: a malformed call (err). */
int bmr_walk_next(struct bmr_walk *w, struct bmr_step *s, struct mpcc_error *err);
/* Puts s back: the next bmr_walk_next returns it again. */
void bmr_walk_unget(struct bmr_walk *w, const struct bmr_step *s);

/* Scratch for the exchanges with one peer (one window), so that the
 * exchanges with different peers run in parallel threads. */
struct bmr_peer {
    block *q, *t;          /* OT outputs as sender and as receiver */
    block *t2;             /* receiver outputs of the next window's output-mask OT */
    block *qdc, *qdc_next; /* our sender outputs of this (next) window's
                            * output-mask OT with this peer */
    block *h;              /* hash scratch: 2 blocks per gate */
    uint64_t *tw, *tw2;    /* tweaks */
    uint8_t *choice, *bits; /* packed bits received and sent */
    uint8_t *share;        /* this peer's part of our product shares */
    enum mpcc_status st;
    struct mpcc_error err;
};

/* The garbling state of one party, per storage slot s:
 *   lam[s]          its share of the slot's mask bit lambda
 *   key[s]          its zero key k_{s,0} (k_{s,1} = k_{s,0} xor Delta)
 *   dsh[s * n + j]  its share of Delta_j * lambda (XOR over all parties).
 * And per pending AND gate of the current window: what its table needs. */
struct bmr_party {
    const struct bmr_config *cfg;
    struct net_channel *const *chans;
    uint32_t n, me;
    block delta;
    struct prg prg;
    struct crypto_hash hash;
    struct ot_cot_sender **snd;   /* [n]: our Delta to peer p (NULL for us) */
    struct ot_cot_receiver **rcv; /* [n]: peer p's Delta to us */
    struct bmr_walk walk;
    size_t win;         /* AND gates per window (bmr_window_size) */
    uint64_t n_and;     /* in the whole circuit */
    uint64_t n_slots;
    uint8_t *lam;
    block *key, *dsh;
    uint64_t and_index; /* AND gates garbled so far (the hash tweaks) */
    /* window buffers (win gates) */
    uint8_t *la, *lb, *lc, *mu;    /* mask shares of the inputs, output, product */
    block *ka, *kb, *kc;           /* zero keys of the inputs and output */
    block *da, *db, *dc, *dm;      /* [g * n + j] Delta_j shares of la, lb, lc, mu */
    uint8_t *lc_next;              /* the next window's lc, kc, dc, made during this one */
    block *kc_next, *dc_next;
    int next_ready;
    struct bmr_peer *peer;         /* [n]: scratch per peer (unused for us) */
    uint8_t *choice;               /* packed choice bits shared by all peers' exchanges */
    block *tables;                 /* [g * 4n + row * n + j] this party's table shares */
    block *hx;                     /* hash scratch for BMR_HASH_GATES gates' table shares */
    uint64_t *htw;
};

/* ---- bmr_garble.c */

/* Draws Delta, allocates the slot state and window buffers and sets up the
 * OT sessions with every peer. bmr_party_free (wipes, frees) is safe after
 * a failure too. */
enum mpcc_status bmr_party_init(struct bmr_party *p, const struct bmr_config *cfg,
                                struct net_channel *const *chans, struct mpcc_error *err);
void bmr_party_free(struct bmr_party *p);
/* The input wires: keys and masks (ours random for our bits, 0 for the
 * others'), the Delta shares of the masks by OT with every peer, and for
 * each of our bits its masked value input ^ lambda into masked[] (one byte
 * per circuit input bit; the others' positions are left alone). The first
 * window's output-mask OTs run with them. */
enum mpcc_status bmr_garble_inputs(struct bmr_party *p, const uint8_t *input_bits,
                                   uint8_t *masked, struct mpcc_error *err);
/* The next window of n_win AND gates (and the free gates before the AND
 * after it): the OT rounds with every peer, then our table shares into
 * p->tables, 4 * N blocks per gate. n_after is the size of the window after
 * it (0 if none): its output masks' Delta shares ride along with this
 * window's products, so a window costs two rounds of exchanges, not three. */
enum mpcc_status bmr_garble_window(struct bmr_party *p, uint64_t n_win, uint64_t n_after,
                                   struct mpcc_error *err);

/* ---- bmr_eval.c: the evaluator's walk, in a thread of its own one window
 * behind the protocol. Per slot s, ekey[s * N + i] is the key of party i it
 * holds; the lsb of its own key is the masked value. */
struct bmr_eval {
    uint32_t n, me;
    const struct circuit *circ;
    const struct crypto_hash *hash;
    struct bmr_walk walk;
    size_t win;
    uint64_t n_slots;
    block *ekey;
    uint64_t and_index;
    block *own[2];      /* our table shares of a window, [g * 4N + row * N + j] */
    block *peers[2];    /* every peer's, [peer][g * 4N + ...] */
    uint64_t n_win[2];
    block *h;           /* hash scratch, 2 N^2 blocks */
    uint64_t *tw;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int have_th, have_mu, have_cv;
    uint64_t posted, done; /* windows handed to the thread, and evaluated */
    int quit;
    enum mpcc_status st;   /* the thread's first failure */
    struct mpcc_error err;
};
/* Allocates and starts the evaluation thread. */
enum mpcc_status bmr_eval_init(struct bmr_eval *e, const struct bmr_party *p,
                               struct mpcc_error *err);
/* Hands over the window p just garbled: reads every peer's table shares
 * for it from its channel (waiting, if need be, until the window two
 * before is evaluated) and swaps p->tables with a free buffer. */
enum mpcc_status bmr_eval_feed(struct bmr_eval *e, struct bmr_party *p, uint64_t n_win,
                               struct mpcc_error *err);
/* Waits until every window handed over is evaluated; stops the thread. */
enum mpcc_status bmr_eval_finish(struct bmr_eval *e, struct mpcc_error *err);
/* Stops the thread if it still runs, wipes, frees. */
void bmr_eval_free(struct bmr_eval *e);

/* ---- bmr_edge.c: exchanges with one peer. The lower-numbered party of a
 * pair always goes first, and every party visits its peers in increasing
 * order, so the pairwise exchanges never wait on each other in a cycle. */

/* Correlated OT both ways with peer k: as sender n_send OTs (our Delta), the
 * zero labels into q; as receiver n_recv OTs choosing `choice` (packed),
 * into t. Either count may be 0. Flushes the channel. */
enum mpcc_status bmr_edge_cot(struct bmr_party *p, uint32_t k, size_t n_send, block *q,
                              size_t n_recv, const uint8_t *choice, block *t,
                              struct mpcc_error *err);

/* Shares of the cross products with peer k, n of them: for each j, our
 * a[j] times the peer's b[j] and the peer's a[j] times our b[j], into
 * p->peer[k].share[j] (a, b, share: one byte per bit), from the window's
 * output-mask OTs used as random OTs: two bits per gate each way, no OT. */
enum mpcc_status bmr_edge_products(struct bmr_party *p, uint32_t k, size_t n,
                                   const uint8_t *a, const uint8_t *b, struct mpcc_error *err);

/* Runs fn(p, k, ctx, err) for every peer k at once, one thread per peer
 * (each channel is used by its thread alone); returns the first failure. */
typedef enum mpcc_status (*bmr_peer_fn)(struct bmr_party *p, uint32_t k, void *ctx,
                                        struct mpcc_error *err);
enum mpcc_status bmr_each_peer(struct bmr_party *p, bmr_peer_fn fn, void *ctx,
                               struct mpcc_error *err);

/* Sends `out` (out_len bytes) to peer k and receives in_len bytes into `in`,
 * as frames of `type`; lower-numbered party first. Either may be empty. */
enum mpcc_status bmr_edge_swap(struct bmr_party *p, uint32_t k, uint32_t type,
                               const void *out, size_t out_len, void *in, size_t in_len,
                               const char *what, struct mpcc_error *err);

/* dst[i] = src[i] for i < n: a few blocks, inline (a libc call per gate
 * costs more than the copy). */
static inline void bmr_copy_blocks(block *dst, const block *src, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        dst[i] = src[i];
}


#endif
