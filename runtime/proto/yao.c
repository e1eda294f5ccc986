/* yao.c - the two-party protocol (semi-honest Yao): after the handshake the
 * garbler sends the hash salt (both sides key the hash with it bound to the
 * session id) and its own input labels, the evaluator gets
 * the labels of its inputs through correlated OT (the OT correlation is the
 * garbler's free-XOR Delta; the evaluator's first base-OT message rides with
 * its hello), the garbler names the garbling scheme both derived from the
 * hellos, tables stream from
 * gc_garble straight into the channel while the evaluator consumes them, and
 * each output is decoded only by its recipients. Neither side ever holds the
 * whole table stream. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "circuits/circuit.h"
#include "runtime/crypto/aes.h"
#include "runtime/crypto/prg.h"
#include "runtime/crypto/session_bind.h"
#include "runtime/gc/gc.h"
#include "runtime/ot/ot.h"
#include "runtime/proto/proto.h"

/* Labels move in chunks of this many wires (bounded memory for any input size). */
#define LABEL_CHUNK 8192u

/* The tables go over the channel; the AND gates they stand for are counted
 * wherever the channel reports progress. */
struct table_pipe {
    struct net_channel *ch;
    size_t bytes_per_and;
};

static enum mpcc_status table_sink(void *ctx, const void *tables, size_t len,
                                   struct mpcc_error *err)
{
    struct table_pipe *tp = ctx;
    enum mpcc_status st = net_send(tp->ch, tables, len, err);
    mpcc_progress_ands(net_progress(tp->ch), len / tp->bytes_per_and);
    return st;
}

static enum mpcc_status table_source(void *ctx, void *buf, size_t len, struct mpcc_error *err)
{
    struct table_pipe *tp = ctx;
    enum mpcc_status st = net_recv(tp->ch, buf, len, "garbled tables", err);
    mpcc_progress_ands(net_progress(tp->ch), len / tp->bytes_per_and);
    return st;
}

static enum gc_scheme gc_scheme_of(enum mpcc_garbling g)
{
    return g == MPCC_GARBLING_THREEHALVES ? GC_THREE_HALVES : GC_HALF_GATES;
}

/* Calls fn(ctx, wire, index) for each input bit owned by `evaluator_side`
 * (1: the evaluator's inputs, 0: the garbler's), in circuit order, in chunks:
 * fills wires[] with up to LABEL_CHUNK wire numbers starting after *pos. */
struct input_walk {
    const struct mpcc_2pc *run;
    unsigned want_mine; /* owned by this party (1) or by the peer (0) */
    uint32_t value;     /* current input value */
    uint32_t bit;       /* next bit within it */
    uint64_t offset;    /* wire of bit 0 of the current value */
};

static size_t next_input_chunk(struct input_walk *w, uint32_t *wires, size_t cap)
{
    const struct circuit *c = w->run->circ;
    size_t n = 0;
    while (n < cap && w->value < c->n_inputs) {
        unsigned mine = w->run->my_inputs[w->value] ? 1 : 0;
        uint32_t width = c->input_widths[w->value];
        if (mine != w->want_mine || w->bit == width) {
            w->offset += width;
            w->value++;
            w->bit = 0;
            continue;
        }
        wires[n++] = (uint32_t)(w->offset + w->bit++);
    }
    return n;
}

static uint64_t count_input_bits(const struct mpcc_2pc *run, unsigned mine)
{
    uint64_t n = 0;
    for (uint32_t k = 0; k < run->circ->n_inputs; k++)
        if ((run->my_inputs[k] ? 1u : 0u) == mine)
            n += run->circ->input_widths[k];
    return n;
}

/* Output bits (positions in output_wires) that the party with role bit
 * `who` (1 garbler, 2 evaluator) receives, as a 0/1 mask per output bit. */
static uint64_t select_outputs(const struct mpcc_2pc *run, unsigned who, uint8_t *mask)
{
    const struct circuit *c = run->circ;
    uint64_t n = 0, pos = 0;
    for (uint32_t k = 0; k < c->n_outputs; k++)
        for (uint32_t i = 0; i < c->output_widths[k]; i++, pos++) {
            mask[pos] = (run->recipients[k] & who) ? 1 : 0;
            n += mask[pos];
        }
    return n;
}

/* Sends bits[i] for each i with mask[i] set, packed, as one frame. */
static enum mpcc_status send_masked_bits(struct net_channel *ch, uint32_t type, const uint8_t *bits,
                                         const uint8_t *mask, uint64_t n_total, uint64_t n_sel,
                                         struct mpcc_error *err)
{
    uint8_t *sel = malloc(n_sel ? n_sel : 1), *packed = malloc(n_sel / 8 + 1);
    enum mpcc_status st = MPCC_OK;
    if (sel == NULL || packed == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for output bits");
        goto out;
    }
    uint64_t j = 0;
    for (uint64_t i = 0; i < n_total; i++)
        if (mask[i])
            sel[j++] = bits[i];
    net_pack_bits(sel, n_sel, packed);
    st = net_send_frame(ch, type, packed, (n_sel + 7) / 8, err);
    if (st == MPCC_OK)
        st = net_flush(ch, err);
out:
    free(sel);
    free(packed);
    return st;
}

/* Receives a frame of packed bits for the masked positions into bits[]. */
static enum mpcc_status recv_masked_bits(struct net_channel *ch, uint32_t type, const char *what,
                                         uint8_t *bits, const uint8_t *mask, uint64_t n_total,
                                         uint64_t n_sel, struct mpcc_error *err)
{
    size_t want = (size_t)((n_sel + 7) / 8), got = 0;
    uint8_t *packed = malloc(want ? want : 1);
    if (packed == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for output bits");
    enum mpcc_status st = net_recv_frame(ch, type, packed, want, &got, what, err);
    if (st == MPCC_OK && got != want)
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s sent %zu bytes of %s, expected %zu",
                            net_peer(ch), got, what, want);
    if (st == MPCC_OK) {
        uint64_t j = 0;
        for (uint64_t i = 0; i < n_total; i++)
            if (mask[i]) {
                bits[i] = (packed[j / 8] >> (j % 8)) & 1;
                j++;
            }
    }
    free(packed);
    return st;
}

static void fill_got(const struct mpcc_2pc *run, unsigned who, uint8_t *got)
{
    for (uint32_t k = 0; k < run->circ->n_outputs; k++)
        got[k] = (run->recipients[k] & who) ? 1 : 0;
}

/* out[i] = mine[i] xor theirs[i] where mask[i] is set: our outputs. */
static void combine_shares(const uint8_t *mine, const uint8_t *theirs, const uint8_t *mask,
                           uint64_t n, uint8_t *out)
{
    for (uint64_t i = 0; i < n; i++)
        if (mask[i])
            out[i] = (mine[i] ^ theirs[i]) & 1;
}

/* The output exchange, in one flight each way. `mine` holds this side's
 * share of every output bit (the garbler's decoding bits or the evaluator's
 * colour bits); each of our outputs is mine xor the peer's share. me: 1
 * garbler, 2 evaluator.
 *   garbler:   check A, decoding bits of the evaluator's outputs, check B
 *              (all right behind the tables), then reads the evaluator's
 *              check C, colour bits of its own outputs, check D;
 *   evaluator: reads check A (everything so far, both directions, as the
 *              garbler saw it), the decoding bits and check B, and only
 *              then uses any of it; then sends check C, the colour bits,
 *              check D.
 * Each check is one-way (net_transcript_expect): the reader has sent
 * nothing since the value it reads was taken. So the evaluator learns its
 * outputs one leg after the tables instead of three, and no output share
 * is used before a check of every byte up to it: the evaluator's colour
 * bits leave only after checks A and B passed; the garbler's decoding bits
 * leave before it has seen the evaluator's check, but are worthless to
 * anyone but the evaluator, which checks first. */
static enum mpcc_status exchange_output_shares(const struct mpcc_2pc *run,
                                               struct net_channel *ch, unsigned me,
                                               const uint8_t *mine, uint8_t *output_bits,
                                               uint8_t *got, struct mpcc_error *err)
{
    uint64_t nob = run->circ->n_output_bits;
    uint8_t *mask = malloc(nob ? nob : 1), *theirs = malloc(nob ? nob : 1), value[32];
    enum mpcc_status st = MPCC_OK;
    if (mask == NULL || theirs == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
        goto out;
    }
    uint64_t to_e = select_outputs(run, 2, mask);
    if (me == 1) {
        st = net_transcript_send(ch, value, err); /* A */
        if (st == MPCC_OK && to_e > 0)
            st = send_masked_bits(ch, PROTO_FRAME_DECODE, mine, mask, nob, to_e, err);
        if (st == MPCC_OK)
            st = net_transcript_send(ch, value, err); /* B */
        if (st == MPCC_OK)
            st = net_transcript_expect(ch, "after the garbled tables", err); /* C */
        uint64_t to_g = select_outputs(run, 1, mask);
        if (st == MPCC_OK && to_g > 0)
            st = recv_masked_bits(ch, PROTO_FRAME_COLOUR, "output colour bits", theirs, mask, nob,
                                  to_g, err);
        if (st == MPCC_OK)
            st = net_transcript_expect(ch, "after the output shares", err); /* D */
        if (st == MPCC_OK)
            combine_shares(mine, theirs, mask, nob, output_bits);
    } else {
        st = net_transcript_expect(ch, "after the garbled tables", err); /* A */
        if (st == MPCC_OK && to_e > 0)
            st = recv_masked_bits(ch, PROTO_FRAME_DECODE, "output decoding bits", theirs, mask,
                                  nob, to_e, err);
        if (st == MPCC_OK)
            st = net_transcript_expect(ch, "after the output shares", err); /* B */
        if (st == MPCC_OK)
            combine_shares(mine, theirs, mask, nob, output_bits);
        if (st == MPCC_OK)
            st = net_transcript_send(ch, value, err); /* C */
        uint64_t to_g = select_outputs(run, 1, mask);
        if (st == MPCC_OK && to_g > 0)
            st = send_masked_bits(ch, PROTO_FRAME_COLOUR, mine, mask, nob, to_g, err);
        if (st == MPCC_OK)
            st = net_transcript_send(ch, value, err); /* D */
    }
    if (st == MPCC_OK)
        fill_got(run, me, got);
out:
    free(mask);
    free(theirs);
    return st;
}

/* Fills the per-phase times of one side's run. */
static void record_times(struct mpcc_stats *stats, uint64_t n_ot, double t0, double t2,
                         double t3)
{
    if (stats == NULL)
        return;
    stats->n_ot = n_ot;
    stats->t_inputs = t2 - t0 - stats->t_base_ot;
    stats->t_garble = t3 - t2;
    stats->t_output = proto_now() - t3;
}

static enum mpcc_status run_garbler(const struct mpcc_2pc *run, struct net_channel *ch,
                                    const uint8_t *session, enum mpcc_garbling agreed,
                                    const uint8_t *input_bits, uint8_t *output_bits,
                                    uint8_t *got, struct mpcc_stats *stats,
                                    const struct proto_2pc_extra *extra,
                                    const struct gc_prog *plan, struct mpcc_error *err)
{
    const struct circuit *c = run->circ;
    struct prg prg;
    struct gc_garbler *g = NULL;
    struct ot_cot_sender *cot = NULL;
    uint32_t *wires = NULL;
    block *labels = NULL;
    uint8_t *d = NULL;
    enum mpcc_status st = prg_init_random(&prg, err);
    if (st != MPCC_OK)
        return st;
    /* Delta (lsb 1, point-and-permute) and the salt we send; the hash is
     * keyed with the salt bound to this session, as the evaluator keys it. */
    block r[2], bound;
    prg_blocks(&prg, r, 2);
    r[0] = blk_or(r[0], blk_from_u64(0, 1));
    st = crypto_bind_salt(r[1], session, "garbling", &bound, err);
    if (st == MPCC_OK)
        g = gc_garbler_new_with(c->n_wires, r[0], bound, err);
    OPENSSL_cleanse(&r[0], sizeof r[0]);
    wires = malloc(LABEL_CHUNK * sizeof *wires);
    labels = malloc(LABEL_CHUNK * sizeof *labels);
    if (g == NULL || wires == NULL || labels == NULL) {
        st = g == NULL && err ? err->code : mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }

    double t0 = proto_now();
    uint8_t setup[16 + 8];
    blk_store(setup, r[1]);
    uint64_t n_and = circ_count_op(c, CIRC_AND);
    for (int i = 0; i < 8; i++) /* little-endian on the wire */
        setup[16 + i] = (uint8_t)(n_and >> (8 * i));
    st = net_send_frame(ch, PROTO_FRAME_SETUP, setup, sizeof setup, err);
    if (st != MPCC_OK)
        goto out;

    /* Our own inputs: random zero-labels, then the label of each actual bit. */
    st = gc_garbler_random_labels(g, &prg, 0, (uint32_t)c->n_input_bits, err);
    struct input_walk mine = {run, 1, 0, 0, 0};
    size_t n;
    while (st == MPCC_OK && (n = next_input_chunk(&mine, wires, LABEL_CHUNK)) > 0) {
        for (size_t i = 0; i < n; i++)
            labels[i] = gc_garbler_label(g, wires[i], input_bits[wires[i]]);
        st = net_send(ch, labels, n * sizeof *labels, err);
    }
    if (st == MPCC_OK)
        st = net_flush(ch, err);
    if (st != MPCC_OK)
        goto out;

    /* The evaluator's inputs: correlated OT gives their zero-labels. */
    uint64_t n_ot = count_input_bits(run, 0);
    double t1 = proto_now();
    if (n_ot > 0) {
        mpcc_progress_phase(net_progress(ch), MPCC_PHASE_BASE_OT);
        st = ot_cot_sender_new(ch, session, gc_garbler_delta(g), &cot, err);
        if (st != MPCC_OK)
            goto out;
        mpcc_progress_phase(net_progress(ch), MPCC_PHASE_INPUTS);
        if (stats)
            stats->t_base_ot = proto_now() - t1;
        struct input_walk theirs = {run, 0, 0, 0, 0};
        while ((n = next_input_chunk(&theirs, wires, LABEL_CHUNK)) > 0) {
            st = ot_send_correlated(cot, n, labels, err);
            for (size_t i = 0; st == MPCC_OK && i < n; i++)
                st = gc_garbler_set_label(g, wires[i], labels[i], err);
            if (st != MPCC_OK)
                goto out;
        }
    }
    double t2 = proto_now();

    /* The scheme, then the tables. */
    uint8_t scheme = (uint8_t)agreed;
    struct table_pipe tp = {ch, gc_scheme_table_bytes(gc_scheme_of(agreed))};
    st = net_send_frame(ch, PROTO_FRAME_SCHEME, &scheme, 1, err);
    if (st == MPCC_OK)
        st = gc_garbler_set_scheme(g, gc_scheme_of(agreed), &prg, err);
    if (st != MPCC_OK)
        goto out;
    if (stats) {
        stats->garbling = agreed;
        stats->table_bytes = gc_prog_n_and(plan) * tp.bytes_per_and;
    }
    mpcc_progress_phase(net_progress(ch), MPCC_PHASE_GARBLE);
    st = gc_garble_prog(g, plan, table_sink, &tp, err);
    if (st == MPCC_OK)
        st = net_flush(ch, err);
    if (st != MPCC_OK)
        goto out;
    double t3 = proto_now();
    mpcc_progress_phase(net_progress(ch), MPCC_PHASE_OUTPUT);

    /* Outputs: decoding bits to the evaluator for its outputs; the
     * evaluator's colour bits back for ours. */
    uint64_t nob = c->n_output_bits;
    d = malloc(nob ? nob : 1);
    if (d == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
        goto out;
    }
    st = gc_garbler_decode_bits(g, c, d, err);
    if (st == MPCC_OK && extra != NULL && extra->decode_bits != NULL)
        memcpy(extra->decode_bits, d, nob);
    if (st == MPCC_OK)
        st = exchange_output_shares(run, ch, 1, d, output_bits, got, err);
    if (st == MPCC_OK)
        record_times(stats, n_ot, t0, t2, t3);
out:
    ot_cot_sender_free(cot);
    gc_garbler_free(g);
    prg_clear(&prg);
    if (labels)
        OPENSSL_cleanse(labels, LABEL_CHUNK * sizeof *labels);
    free(labels);
    free(wires);
    free(d);
    return st;
}

static enum mpcc_status run_evaluator(const struct mpcc_2pc *run, struct net_channel *ch,
                                      const uint8_t *session, enum mpcc_garbling agreed,
                                      struct ot_base_sender *early,
                                      const uint8_t *input_bits, uint8_t *output_bits,
                                      uint8_t *got, struct mpcc_stats *stats,
                                      const struct proto_2pc_extra *extra,
                                      const struct gc_prog *plan, struct mpcc_error *err)
{
    const struct circuit *c = run->circ;
    struct gc_evaluator *e = NULL;
    struct ot_cot_receiver *cot = NULL;
    uint32_t *wires = NULL;
    block *labels = NULL;
    uint8_t *choice = NULL, *colour = NULL;
    enum mpcc_status st = MPCC_OK;
    wires = malloc(LABEL_CHUNK * sizeof *wires);
    labels = malloc(LABEL_CHUNK * sizeof *labels);
    choice = malloc(LABEL_CHUNK / 8);
    if (wires == NULL || labels == NULL || choice == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    double t0 = proto_now();
    uint8_t setup[24];
    size_t len = 0;
    st = net_recv_frame(ch, PROTO_FRAME_SETUP, setup, sizeof setup, &len, "garbling set-up", err);
    if (st == MPCC_OK && len != sizeof setup)
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s sent a malformed set-up message",
                            net_peer(ch));
    uint64_t n_and = 0;
    for (int i = 0; st == MPCC_OK && i < 8; i++)
        n_and |= (uint64_t)setup[16 + i] << (8 * i);
    if (st == MPCC_OK && n_and != circ_count_op(c, CIRC_AND))
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s garbles %llu AND gates, we expect %llu",
                            net_peer(ch), (unsigned long long)n_and,
                            (unsigned long long)circ_count_op(c, CIRC_AND));
    if (st != MPCC_OK)
        goto out;
    block bound;
    st = crypto_bind_salt(blk_load(setup), session, "garbling", &bound, err);
    if (st != MPCC_OK)
        goto out;
    e = gc_evaluator_new(c->n_wires, bound, err);
    if (e == NULL) {
        st = err ? err->code : MPCC_ERR_NOMEM;
        goto out;
    }

    /* The garbler's input labels. */
    struct input_walk theirs = {run, 0, 0, 0, 0};
    size_t n;
    while ((n = next_input_chunk(&theirs, wires, LABEL_CHUNK)) > 0) {
        st = net_recv(ch, labels, n * sizeof *labels, "garbler's input labels", err);
        for (size_t i = 0; st == MPCC_OK && i < n; i++)
            st = gc_evaluator_set_label(e, wires[i], labels[i], err);
        if (st != MPCC_OK)
            goto out;
    }

    /* Our inputs through correlated OT. */
    uint64_t n_ot = count_input_bits(run, 1);
    double t1 = proto_now();
    if (n_ot > 0) {
        mpcc_progress_phase(net_progress(ch), MPCC_PHASE_BASE_OT);
        /* Our base-OT point A went out with our hello (proto_2pc_run). */
        block k0[OT_KAPPA], k1[OT_KAPPA];
        st = ot_base_send_finish(early, session, k0, k1, err);
        early = NULL;
        if (st != MPCC_OK)
            mpcc_error_prefix(err, "OT extension set-up");
        if (st == MPCC_OK)
            st = ot_cot_receiver_new_with_base(ch, session, k0, k1, &cot, err);
        OPENSSL_cleanse(k0, sizeof k0);
        OPENSSL_cleanse(k1, sizeof k1);
        if (st != MPCC_OK)
            goto out;
        mpcc_progress_phase(net_progress(ch), MPCC_PHASE_INPUTS);
        if (stats)
            stats->t_base_ot = proto_now() - t1;
        struct input_walk mine = {run, 1, 0, 0, 0};
        while ((n = next_input_chunk(&mine, wires, LABEL_CHUNK)) > 0) {
            memset(choice, 0, LABEL_CHUNK / 8);
            for (size_t i = 0; i < n; i++)
                choice[i / 8] |= (uint8_t)((input_bits[wires[i]] & 1) << (i % 8));
            st = ot_recv_correlated(cot, choice, n, labels, err);
            for (size_t i = 0; st == MPCC_OK && i < n; i++)
                st = gc_evaluator_set_label(e, wires[i], labels[i], err);
            if (st != MPCC_OK)
                goto out;
        }
    }
    double t2 = proto_now();

    /* The garbler repeats the scheme both derived from the hellos. */
    uint8_t scheme = 0;
    st = net_recv_frame(ch, PROTO_FRAME_SCHEME, &scheme, 1, &len, "garbling scheme", err);
    if (st == MPCC_OK && (len != 1 || scheme != agreed))
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                            "%s announced garbling scheme %u, not the one agreed (%s)",
                            net_peer(ch), scheme, mpcc_garbling_name(agreed));
    if (st == MPCC_OK)
        st = gc_evaluator_set_scheme(e, gc_scheme_of(agreed), err);
    if (st != MPCC_OK)
        goto out;
    struct table_pipe tp = {ch, gc_scheme_table_bytes(gc_scheme_of(agreed))};
    if (stats) {
        stats->garbling = agreed;
        stats->table_bytes = gc_prog_n_and(plan) * tp.bytes_per_and;
    }
    mpcc_progress_phase(net_progress(ch), MPCC_PHASE_GARBLE);
    st = gc_evaluate_prog(e, plan, table_source, &tp, err);
    if (st != MPCC_OK)
        goto out;
    double t3 = proto_now();
    mpcc_progress_phase(net_progress(ch), MPCC_PHASE_OUTPUT);

    uint64_t nob = c->n_output_bits;
    colour = malloc(nob ? nob : 1);
    if (colour == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
        goto out;
    }
    st = gc_evaluator_colour_bits(e, c, colour, err);
    if (st == MPCC_OK && extra != NULL && extra->colour_bits != NULL)
        memcpy(extra->colour_bits, colour, nob);
    if (st == MPCC_OK)
        st = exchange_output_shares(run, ch, 2, colour, output_bits, got, err);
    if (st == MPCC_OK)
        record_times(stats, n_ot, t0, t2, t3);
out:
    ot_base_sender_free(early);
    ot_cot_receiver_free(cot);
    gc_evaluator_free(e);
    if (labels)
        OPENSSL_cleanse(labels, LABEL_CHUNK * sizeof *labels);
    free(labels);
    free(wires);
    if (choice)
        OPENSSL_cleanse(choice, LABEL_CHUNK / 8); /* the evaluator's input bits */
    free(choice);
    free(colour);
    return st;
}

enum mpcc_status mpcc_2pc_run(const struct mpcc_2pc *run, struct net_channel *ch,
                              const uint8_t *input_bits, uint8_t *output_bits, uint8_t *got,
                              struct mpcc_stats *stats, struct mpcc_error *err)
{
    return proto_2pc_run(run, ch, input_bits, output_bits, got, stats, NULL, err);
}

enum mpcc_status proto_2pc_run(const struct mpcc_2pc *run, struct net_channel *ch,
                               const uint8_t *input_bits, uint8_t *output_bits, uint8_t *got,
                               struct mpcc_stats *stats, const struct proto_2pc_extra *extra,
                               struct mpcc_error *err)
{
    const struct circuit *c = run->circ;
    struct mpcc_stats local = {0};
    struct mpcc_stats *s = stats ? stats : &local;
    memset(s, 0, sizeof *s);
    memset(got, 0, c->n_outputs);
    enum mpcc_status st = crypto_check_cpu(err);
    if (st != MPCC_OK)
        return st;
    /* Schedule the gates into batches of independent ANDs once, before any
     * traffic: input-independent preparation, as loading the circuit is. */
    double tp = proto_now();
    st = ot_warm_up(err);
    if (st != MPCC_OK)
        return st;
    struct gc_prog *plan = gc_prog_new(c, err);
    if (plan == NULL)
        return err ? err->code : MPCC_ERR_NOMEM;
    s->t_prepare = proto_now() - tp;
    double t0 = proto_now();
    mpcc_progress_phase(net_progress(ch), MPCC_PHASE_HANDSHAKE);
    enum mpcc_garbling agreed = MPCC_GARBLING_HALFGATES;
    uint8_t nonce[32];
    struct ot_base_sender *early = NULL; /* the evaluator's base OT, begun */
    st = proto_hello_send(run, ch, nonce, err);
    if (st == MPCC_OK && run->role == MPCC_EVALUATOR && count_input_bits(run, 1) > 0)
        st = ot_base_send_start(ch, OT_KAPPA, &early, err);
    if (st == MPCC_OK)
        st = proto_hello_recv(run, ch, nonce, s->session_id, &agreed, &s->garbling_rtt, err);
    s->t_handshake = proto_now() - t0;
    if (st == MPCC_OK && run->role == MPCC_GARBLER)
        st = run_garbler(run, ch, s->session_id, agreed, input_bits, output_bits, got, s, extra,
                         plan, err);
    else if (st == MPCC_OK)
        st = run_evaluator(run, ch, s->session_id, agreed, early, input_bits, output_bits, got, s,
                           extra, plan, err);
    else
        ot_base_sender_free(early);
    gc_prog_free(plan);
    s->n_and = circ_count_op(c, CIRC_AND);
    s->n_xor = circ_count_op(c, CIRC_XOR);
    s->n_inv = circ_count_op(c, CIRC_INV);
    s->bytes_sent = net_bytes_sent(ch);
    s->bytes_recv = net_bytes_recv(ch);
    s->t_total = proto_now() - t0;
    return st;
}
