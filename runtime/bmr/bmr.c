/* bmr.c - the N-party garbling protocol from start to outputs: OT set-up
 * with every peer, the input wires (each owner publishes its masked bits,
 * every party hands the evaluator its key for them), the AND gates window
 * by window (pairwise OT rounds, table shares streamed to the evaluator,
 * which evaluates the window), then the outputs: after every link's
 * transcript check, each recipient gets every party's mask share of its
 * output bits and the evaluator's masked values, and nobody else does. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "circuits/circuit.h"
#include "runtime/bmr/bmr_internal.h"
#include "runtime/net/net.h"
#include "runtime/proto/proto.h"

static enum mpcc_status check_config(const struct bmr_config *cfg,
                                     struct net_channel *const *chans, struct mpcc_error *err)
{
    if (cfg->n_parties < 2 || cfg->n_parties > BMR_MAX_PARTIES || cfg->me >= cfg->n_parties ||
        cfg->evaluator >= cfg->n_parties)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "N-party garbling: %u parties (2 to %u), party %u, evaluator %u",
                              cfg->n_parties, BMR_MAX_PARTIES, cfg->me, cfg->evaluator);
    for (uint32_t v = 0; v < cfg->circ->n_inputs; v++)
        if (cfg->input_owner[v] >= cfg->n_parties)
            return mpcc_error_set(err, MPCC_ERR_INVALID, "input value %u has no valid owner",
                                  v + 1);
    for (uint32_t k = 0; k < cfg->n_parties; k++)
        if (k != cfg->me && chans[k] == NULL)
            return mpcc_error_set(err, MPCC_ERR_INVALID, "no channel to party %u", k);
    return MPCC_OK;
}

/* Masked input bits: each owner sends its own to every peer (all peers at
 * once); afterwards masked[] holds every input bit's masked value. */
struct masked_job {
    uint8_t *masked;
    const uint8_t *out; /* ours, packed */
    size_t out_len;
};

static enum mpcc_status masked_peer(struct bmr_party *p, uint32_t k, void *ctx,
                                    struct mpcc_error *err)
{
    struct masked_job *j = ctx;
    const struct circuit *c = p->cfg->circ;
    size_t n_in = 0;
    for (uint32_t v = 0; v < c->n_inputs; v++)
        if (p->cfg->input_owner[v] == k)
            n_in += c->input_widths[v];
    uint8_t *in = malloc(n_in / 8 + 1);
    if (in == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for masked inputs");
    enum mpcc_status st = bmr_edge_swap(p, k, BMR_FRAME_MASKED, j->out, j->out_len, in,
                                        (n_in + 7) / 8, "masked input bits", err);
    size_t i = 0;
    uint64_t w = 0;
    for (uint32_t v = 0; st == MPCC_OK && v < c->n_inputs; v++)
        for (uint32_t b = 0; b < c->input_widths[v]; b++, w++)
            if (p->cfg->input_owner[v] == k) {
                j->masked[w] = (in[i / 8] >> (i % 8)) & 1u;
                i++;
            }
    free(in);
    return st;
}

static enum mpcc_status exchange_masked(struct bmr_party *p, uint8_t *masked,
                                        struct mpcc_error *err)
{
    const struct circuit *c = p->cfg->circ;
    uint64_t nib = c->n_input_bits;
    uint8_t *sel = malloc(nib ? nib : 1), *out = malloc(nib / 8 + 1);
    enum mpcc_status st = MPCC_OK;
    if (sel == NULL || out == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for masked inputs");
        goto out;
    }
    size_t n_out = 0;
    uint64_t w = 0;
    for (uint32_t v = 0; v < c->n_inputs; v++)
        for (uint32_t b = 0; b < c->input_widths[v]; b++, w++)
            if (p->cfg->input_owner[v] == p->me)
                sel[n_out++] = masked[w];
    net_pack_bits(sel, n_out, out);
    struct masked_job j = {masked, out, (n_out + 7) / 8};
    st = bmr_each_peer(p, masked_peer, &j, err);
out:
    free(sel);
    free(out);
    return st;
}

/* Every party's key of each input wire's masked value, to the evaluator. */
static enum mpcc_status input_keys(struct bmr_party *p, struct bmr_eval *e,
                                   const uint8_t *masked, struct mpcc_error *err)
{
    uint64_t nib = p->cfg->circ->n_input_bits;
    uint32_t N = p->n;
    enum mpcc_status st = MPCC_OK;
    enum { CHUNK = 4096 };
    block buf[CHUNK];
    if (p->me != p->cfg->evaluator) {
        struct net_channel *ch = p->chans[p->cfg->evaluator];
        for (uint64_t w0 = 0; w0 < nib && st == MPCC_OK; w0 += CHUNK) {
            size_t m = nib - w0 < CHUNK ? (size_t)(nib - w0) : CHUNK;
            for (size_t i = 0; i < m; i++)
                buf[i] = blk_xor(p->key[w0 + i],
                                 blk_and(blk_mask_from_bit(masked[w0 + i]), p->delta));
            st = net_send(ch, buf, m * sizeof(block), err);
        }
        if (st == MPCC_OK)
            st = net_flush(ch, err);
        OPENSSL_cleanse(buf, sizeof buf);
        return st;
    }
    for (uint64_t w = 0; w < nib; w++)
        e->ekey[w * N + p->me] =
            blk_xor(p->key[w], blk_and(blk_mask_from_bit(masked[w]), p->delta));
    for (uint32_t k = 0; k < N && st == MPCC_OK; k++) {
        if (k == p->me)
            continue;
        for (uint64_t w0 = 0; w0 < nib && st == MPCC_OK; w0 += CHUNK) {
            size_t m = nib - w0 < CHUNK ? (size_t)(nib - w0) : CHUNK;
            st = net_recv(p->chans[k], buf, m * sizeof(block), "input wire keys", err);
            for (size_t i = 0; st == MPCC_OK && i < m; i++)
                e->ekey[(w0 + i) * N + k] = buf[i];
        }
    }
    return st;
}

static enum mpcc_status confirm_peer(struct bmr_party *p, uint32_t k, void *ctx,
                                    struct mpcc_error *err)
{
    return proto_mp_confirm(p->chans[k], ctx, err);
}

/* The transcript check on every link (all at once). */
static enum mpcc_status confirm_all(struct bmr_party *p, const char *when,
                                    struct mpcc_error *err)
{
    return bmr_each_peer(p, confirm_peer, (void *)when, err);
}

/* Output bits: to each recipient, every party's mask shares of its bits and
 * (from the evaluator) their masked values, xored. Frame to peer k: those
 * bits of the outputs k receives; from k, those of ours, into got[k]. */
struct outputs_job {
    const struct bmr_eval *e;
    uint8_t **got; /* [k]: packed bits peer k sent */
};

/* Our share of output bit pos: our mask share, as evaluator xor the masked value. */
static uint8_t output_share(const struct bmr_party *p, const struct bmr_eval *e, uint64_t pos)
{
    uint32_t s = p->cfg->circ->output_wires[pos];
    uint8_t bit = p->lam[s];
    if (p->me == p->cfg->evaluator)
        bit ^= (uint8_t)blk_lsb(e->ekey[(uint64_t)s * p->n + p->me]);
    return bit & 1u;
}

static enum mpcc_status outputs_peer(struct bmr_party *p, uint32_t k, void *ctx,
                                     struct mpcc_error *err)
{
    struct outputs_job *j = ctx;
    const struct circuit *c = p->cfg->circ;
    uint64_t nob = c->n_output_bits;
    uint8_t *out = calloc(nob / 8 + 1, 1);
    size_t n_out = 0, n_in = 0;
    uint64_t pos = 0;
    if (out == NULL || (j->got[k] = calloc(nob / 8 + 1, 1)) == NULL) {
        free(out);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
    }
    for (uint32_t v = 0; v < c->n_outputs; v++) {
        int k_gets = (p->cfg->recipients[v] >> k) & 1, we_get = (p->cfg->recipients[v] >> p->me) & 1;
        for (uint32_t b = 0; b < c->output_widths[v]; b++, pos++) {
            if (k_gets) {
                out[n_out / 8] |= (uint8_t)(output_share(p, j->e, pos) << (n_out % 8));
                n_out++;
            }
            n_in += (size_t)we_get;
        }
    }
    enum mpcc_status st = bmr_edge_swap(p, k, BMR_FRAME_OUT, out, (n_out + 7) / 8, j->got[k],
                                        (n_in + 7) / 8, "output mask shares", err);
    free(out);
    return st;
}

static enum mpcc_status deliver_outputs(struct bmr_party *p, const struct bmr_eval *e,
                                        uint8_t *output_bits, struct mpcc_error *err)
{
    const struct circuit *c = p->cfg->circ;
    uint32_t me = p->me;
    uint8_t *got[BMR_MAX_PARTIES] = {NULL};
    struct outputs_job j = {e, got};
    enum mpcc_status st = bmr_each_peer(p, outputs_peer, &j, err);
    if (st == MPCC_OK) {
        uint64_t pos = 0;
        size_t i = 0; /* index among the bits we receive */
        for (uint32_t v = 0; v < c->n_outputs; v++) {
            int we_get = (p->cfg->recipients[v] >> me) & 1;
            for (uint32_t b = 0; b < c->output_widths[v]; b++, pos++) {
                if (!we_get)
                    continue;
                uint8_t bit = output_share(p, e, pos);
                for (uint32_t k = 0; k < p->n; k++)
                    if (k != me)
                        bit ^= (got[k][i / 8] >> (i % 8)) & 1u;
                output_bits[pos] = bit & 1u;
                i++;
            }
        }
    }
    for (uint32_t k = 0; k < p->n; k++)
        free(got[k]);
    return st;
}

enum mpcc_status bmr_run(const struct bmr_config *cfg, struct net_channel *const *chans,
                         const uint8_t *input_bits, uint8_t *output_bits,
                         struct mpcc_stats *stats, struct mpcc_error *err)
{
    const struct circuit *c = cfg->circ;
    struct mpcc_stats local = {0};
    struct mpcc_stats *s = stats ? stats : &local;
    memset(s, 0, sizeof *s);
    memcpy(s->session_id, cfg->session, 32);
    memset(output_bits, 0, c->n_output_bits);
    double t0 = proto_now();
    enum mpcc_status st = check_config(cfg, chans, err);
    if (st != MPCC_OK)
        return st;
    struct bmr_party p;
    struct bmr_eval e;
    memset(&p, 0, sizeof p);
    memset(&e, 0, sizeof e);
    int evaluating = cfg->me == cfg->evaluator;
    /* Progress, where the channels report it (every peer's is the same). */
    struct mpcc_progress *pg = NULL;
    for (uint32_t k = 0; k < cfg->n_parties && pg == NULL; k++)
        if (k != cfg->me && chans[k] != NULL)
            pg = net_progress(chans[k]);
    mpcc_progress_phase(pg, MPCC_PHASE_BASE_OT);
    uint8_t *masked = calloc(c->n_input_bits + 1, 1);
    st = masked == NULL ? mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory")
                        : bmr_party_init(&p, cfg, chans, err);
    double t1 = proto_now();
    mpcc_progress_phase(pg, MPCC_PHASE_INPUTS);
    if (st == MPCC_OK && evaluating)
        st = bmr_eval_init(&e, &p, err);
    if (st == MPCC_OK)
        st = bmr_garble_inputs(&p, input_bits, masked, err);
    if (st == MPCC_OK)
        st = exchange_masked(&p, masked, err);
    if (st == MPCC_OK)
        st = input_keys(&p, &e, masked, err);
    double t2 = proto_now();
    uint64_t n_and = circ_count_op(c, CIRC_AND);
    mpcc_progress_phase(pg, MPCC_PHASE_GARBLE);
    while (st == MPCC_OK) {
        uint64_t left = n_and - p.and_index;
        uint64_t n_win = left < p.win ? left : p.win;
        uint64_t after = left - n_win < p.win ? left - n_win : p.win;
        st = bmr_garble_window(&p, n_win, after, err);
        if (st == MPCC_OK && !evaluating) {
            struct net_channel *ch = chans[cfg->evaluator];
            st = net_send(ch, p.tables, n_win * 4 * p.n * sizeof(block), err);
            if (st == MPCC_OK)
                st = net_flush(ch, err);
        } else if (st == MPCC_OK) {
            st = bmr_eval_feed(&e, &p, n_win, err);
        }
        mpcc_progress_ands(pg, n_win);
        if (p.and_index == n_and)
            break;
    }
    if (st == MPCC_OK && evaluating)
        st = bmr_eval_finish(&e, err);
    double t3 = proto_now();
    mpcc_progress_phase(pg, MPCC_PHASE_OUTPUT);
    /* Everything so far must have arrived intact on every link before any
     * output share leaves, and the shares too before outputs are used. */
    if (st == MPCC_OK)
        st = confirm_all(&p, "after the garbled tables", err);
    if (st == MPCC_OK)
        st = deliver_outputs(&p, &e, output_bits, err);
    if (st == MPCC_OK)
        st = confirm_all(&p, "after the output shares", err);
    if (st != MPCC_OK)
        memset(output_bits, 0, c->n_output_bits);
    for (uint32_t k = 0; k < cfg->n_parties; k++)
        if (k != cfg->me && chans[k] != NULL) {
            s->bytes_sent += net_bytes_sent(chans[k]);
            s->bytes_recv += net_bytes_recv(chans[k]);
        }
    s->n_and = n_and;
    s->n_xor = circ_count_op(c, CIRC_XOR);
    s->n_inv = circ_count_op(c, CIRC_INV);
    s->t_base_ot = t1 - t0;
    s->t_inputs = t2 - t1;
    s->t_garble = t3 - t2;
    s->t_output = proto_now() - t3;
    s->t_total = proto_now() - t0;
    if (evaluating)
        bmr_eval_free(&e);
    bmr_party_free(&p);
    free(masked);
    return st;
}
