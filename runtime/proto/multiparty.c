/* multiparty.c - runs a program with more than two parties: two of them
 * garble and evaluate (yao.c), every other party XOR-shares its inputs
 * between them and receives its outputs as decoding bits (from the garbler)
 * and colour bits (from the evaluator). Channels come ready from
 * mp_connect.c or from the caller (mpcrun --local); no sockets here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "circuits/program.h"
#include "circuits/split.h"
#include "circuits/values.h"
#include "runtime/crypto/prg.h"
#include "runtime/proto/proto.h"

#define MPHELLO_MAGIC "mpcc-mpc"

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const char *pname(const struct mpcc_mp_session *s, uint32_t p)
{
    return s->prog->iface->parties[p];
}

enum mpcc_status mpcc_mp_pick_computing(const struct mpcc_program *prog, const char *garbler,
                                        const char *evaluator, uint32_t *g, uint32_t *e,
                                        struct mpcc_error *err)
{
    const char *names[2] = {garbler, evaluator};
    uint32_t idx[2] = {0, 1};
    for (int i = 0; i < 2; i++)
        if (names[i] != NULL) {
            int64_t k = iface_party_index(prog->iface, names[i]);
            if (k < 0)
                return mpcc_error_set(err, MPCC_ERR_INVALID,
                                      "%s party '%s' is not a party of this program",
                                      i ? "evaluator" : "garbler", names[i]);
            idx[i] = (uint32_t)k;
        }
    if (names[0] != NULL && names[1] == NULL)
        idx[1] = idx[0] == 0 ? 1 : 0;
    if (names[1] != NULL && names[0] == NULL)
        idx[0] = idx[1] == 0 ? 1 : 0;
    if (idx[0] == idx[1])
        return mpcc_error_set(err, MPCC_ERR_INVALID, "party '%s' cannot both garble and evaluate",
                              prog->iface->parties[idx[0]]);
    *g = idx[0];
    *e = idx[1];
    return MPCC_OK;
}

enum mpcc_status mpcc_mp_session_init(struct mpcc_mp_session *s, const struct mpcc_program *prog,
                                      uint32_t me, uint32_t garbler, uint32_t evaluator,
                                      struct mpcc_error *err)
{
    uint32_t n = prog->iface->n_parties;
    memset(s, 0, sizeof *s);
    if (me >= n || garbler >= n || evaluator >= n)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "party index out of range (%u parties)", n);
    if (garbler == evaluator)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "party '%s' cannot both garble and evaluate: name two different "
                              "parties",
                              prog->iface->parties[garbler]);
    for (uint32_t p = 0; p < n; p++)
        if (strlen(prog->iface->parties[p]) > PROTO_NAME_MAX)
            return mpcc_error_set(err, MPCC_ERR_INVALID, "party names must have 1 to %d characters",
                                  PROTO_NAME_MAX);
    s->prog = prog;
    s->me = me;
    s->garbler = garbler;
    s->evaluator = evaluator;
    return prog_digest(prog, s->digest, err);
}

bool mpcc_mp_linked(const struct mpcc_mp_session *s, uint32_t a, uint32_t b)
{
    if (a == b)
        return false;
    if (s->protocol == MPCC_MP_BMR)
        return true;
    return a == s->garbler || a == s->evaluator || b == s->garbler || b == s->evaluator;
}

/* ---- frames ---- */

enum mpcc_status proto_mp_recv(struct net_channel *ch, uint32_t type, uint8_t *buf,
                               size_t want, const char *what, struct mpcc_error *err)
{
    const char *peer = net_peer(ch);
    uint8_t hdr[8];
    enum mpcc_status st = net_recv(ch, hdr, sizeof hdr, what, err);
    if (st != MPCC_OK)
        return st;
    uint32_t t = get_u32(hdr), len = get_u32(hdr + 4);
    if (t == PROTO_FRAME_ABORT) {
        char msg[PROTO_ABORT_MAX + 1];
        if (len > PROTO_ABORT_MAX)
            return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                                  "%s stopped the run (with an oversized reason)", peer);
        st = net_recv(ch, msg, len, "reason for stopping", err);
        if (st != MPCC_OK)
            return st;
        msg[len] = '\0';
        for (uint32_t i = 0; i < len; i++)
            if (msg[i] < 32 || msg[i] > 126)
                msg[i] = '?';
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s stopped the run: %s", peer,
                              msg);
    }
    if (t != type)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "%s sent a message of type 0x%08x where %s (0x%08x) was "
                              "expected",
                              peer, t, what, type);
    if (len != want)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "%s sent %u bytes of %s, expected %zu", peer, len, what,
                              want);
    return want ? net_recv(ch, buf, want, what, err) : MPCC_OK;
}

static enum mpcc_status send_frame(struct net_channel *ch, uint32_t type, const void *p,
                                   size_t len, struct mpcc_error *err)
{
    enum mpcc_status st = net_send_frame(ch, type, p, len, err);
    return st == MPCC_OK ? net_flush(ch, err) : st;
}

void mpcc_mp_abort(const struct mpcc_mp_session *s, struct net_channel *const *chans,
                   const char *msg)
{
    size_t len = strlen(msg);
    if (len > PROTO_ABORT_MAX)
        len = PROTO_ABORT_MAX;
    for (uint32_t p = 0; p < s->prog->iface->n_parties; p++)
        if (chans[p] != NULL) {
            struct mpcc_error ignored = {0};
            net_set_timeout(chans[p], 1000); /* best effort: do not hang on a dead peer */
            send_frame(chans[p], PROTO_FRAME_ABORT, msg, len, &ignored);
        }
}

/* ---- the run-configuration handshake ---- */

static uint8_t *put_name(uint8_t *p, const char *name)
{
    size_t n = strlen(name);
    *p++ = (uint8_t)n;
    memcpy(p, name, n);
    return p + n;
}

static const uint8_t *get_name(const uint8_t **p, const uint8_t *end, uint8_t *len)
{
    if (*p >= end)
        return NULL;
    *len = **p;
    if ((size_t)(end - *p - 1) < *len)
        return NULL;
    const uint8_t *at = *p + 1;
    *p += 1 + *len;
    return at;
}

static bool name_is(const uint8_t *n, uint8_t len, const char *want)
{
    return strlen(want) == len && memcmp(n, want, len) == 0;
}

enum mpcc_status mpcc_mp_hello(const struct mpcc_mp_session *s, struct net_channel *ch,
                               uint32_t peer, struct mpcc_error *err)
{
    uint8_t buf[8 + 4 + 32 + 4 * (1 + PROTO_NAME_MAX) + 1];
    uint8_t *p = buf;
    memcpy(p, MPHELLO_MAGIC, 8), p += 8;
    put_u32(p, MPCC_PROTOCOL_VERSION), p += 4;
    memcpy(p, s->digest, 32), p += 32;
    p = put_name(p, pname(s, s->me));
    p = put_name(p, pname(s, peer));
    p = put_name(p, pname(s, s->garbler));
    p = put_name(p, pname(s, s->evaluator));
    *p++ = (uint8_t)s->protocol;
    enum mpcc_status st = send_frame(ch, PROTO_FRAME_MPHELLO, buf, (size_t)(p - buf), err);
    if (st != MPCC_OK)
        return st;
    uint8_t in[sizeof buf];
    size_t len = 0;
    st = net_recv_frame(ch, PROTO_FRAME_MPHELLO, in, sizeof in, &len, "handshake", err);
    if (st != MPCC_OK)
        return st;
    const char *who = pname(s, peer);
    const uint8_t *q = in + 44, *end = in + len;
    if (len < 44 || memcmp(in, MPHELLO_MAGIC, 8) != 0)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "party '%s' is not running a multi-party mpcc session "
                              "(bad handshake)",
                              who);
    if (get_u32(in + 8) != MPCC_PROTOCOL_VERSION)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "protocol version mismatch: we speak %u, party '%s' speaks %u",
                              MPCC_PROTOCOL_VERSION, who, get_u32(in + 8));
    if (memcmp(in + 12, s->digest, 32) != 0)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "circuit mismatch: party '%s' runs a different compiled program "
                              "(every party must run the same .circ)",
                              who);
    uint8_t ln[4];
    const uint8_t *nm[4];
    for (int i = 0; i < 4; i++)
        if ((nm[i] = get_name(&q, end, &ln[i])) == NULL)
            return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "party '%s' sent a truncated handshake",
                                  who);
    if (end - q != 1)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "party '%s' sent a malformed handshake", who);
    if (*q != (uint8_t)s->protocol)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "run configuration mismatch: we run protocol %s, party '%s' runs "
                              "%s (give every party the same --protocol)",
                              s->protocol == MPCC_MP_BMR ? "bmr" : "yao", who,
                              *q == MPCC_MP_BMR ? "bmr" : *q == MPCC_MP_YAO ? "yao" : "unknown");
    if (!name_is(nm[2], ln[2], pname(s, s->garbler)) ||
        !name_is(nm[3], ln[3], pname(s, s->evaluator)))
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "run configuration mismatch: we have garbler '%s' and evaluator "
                              "'%s', party '%s' has garbler '%.*s' and evaluator '%.*s'",
                              pname(s, s->garbler), pname(s, s->evaluator), who, (int)ln[2],
                              (const char *)nm[2], (int)ln[3], (const char *)nm[3]);
    if (!name_is(nm[0], ln[0], who))
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "we expect party '%s', but the peer says it is '%.*s'", who,
                              (int)ln[0], (const char *)nm[0]);
    if (!name_is(nm[1], ln[1], pname(s, s->me)))
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "party '%s' expects party '%.*s', but we are party '%s'", who,
                              (int)ln[1], (const char *)nm[1], pname(s, s->me));
    return MPCC_OK;
}

/* ---- shares ---- */

enum mpcc_status proto_mp_make_shares(const uint8_t *bits, size_t n, uint8_t *share_a,
                                      uint8_t *share_b, struct mpcc_error *err)
{
    struct prg prg;
    enum mpcc_status st = prg_init_random(&prg, err);
    if (st != MPCC_OK)
        return st;
    size_t nb = (n + 7) / 8;
    net_pack_bits(bits, n, share_b);
    prg_bytes(&prg, share_a, nb);
    if (n % 8)
        share_a[nb - 1] &= (uint8_t)((1u << (n % 8)) - 1);
    for (size_t i = 0; i < nb; i++)
        share_b[i] ^= share_a[i];
    prg_clear(&prg);
    return MPCC_OK;
}

/* Bits of party p's inputs (iface order), and of its outputs. */
static uint64_t input_bits_of(const struct mpcc_mp_session *s, uint32_t p)
{
    const struct iface *f = s->prog->iface;
    uint64_t n = 0;
    for (uint32_t k = 0; k < f->n_inputs; k++)
        if (f->inputs[k].owner == p)
            n += s->prog->circ->input_widths[k];
    return n;
}

static uint64_t output_bits_of(const struct mpcc_mp_session *s, uint32_t p)
{
    const struct iface *f = s->prog->iface;
    uint64_t n = 0;
    for (uint32_t k = 0; k < f->n_outputs; k++)
        if (iface_output_has_recipient(&f->outputs[k], p))
            n += s->prog->circ->output_widths[k];
    return n;
}

static uint8_t **alloc_outputs(const struct iface *f, struct mpcc_error *err)
{
    uint8_t **o = calloc(f->n_outputs ? f->n_outputs : 1, sizeof *o);
    if (o == NULL)
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
    return o;
}

enum mpcc_status proto_mp_confirm(struct net_channel *ch, const char *when,
                                  struct mpcc_error *err)
{
    uint8_t mine[32], theirs[32];
    enum mpcc_status st = net_transcript_send(ch, mine, err);
    if (st == MPCC_OK)
        st = proto_mp_recv(ch, NET_FRAME_TRANSCRIPT, theirs, sizeof theirs,
                           "transcript check", err);
    return st == MPCC_OK ? net_transcript_compare(ch, mine, theirs, when, err) : st;
}

/* An input/output party: share, then wait for the two halves of each output. */
static enum mpcc_status run_io_party(const struct mpcc_mp_session *s,
                                     struct net_channel *const *chans,
                                     const struct values_set *inputs, uint8_t **outs,
                                     struct mpcc_error *err)
{
    const struct iface *f = s->prog->iface;
    const struct circuit *c = s->prog->circ;
    uint64_t n = input_bits_of(s, s->me), m = output_bits_of(s, s->me);
    size_t nb = (size_t)((n + 7) / 8), mb = (size_t)((m + 7) / 8);
    uint8_t *bits = malloc(n ? n : 1), *a = malloc(nb + 1), *b = malloc(nb + 1);
    uint8_t *d = malloc(mb + 1), *col = malloc(mb + 1);
    enum mpcc_status st = MPCC_OK;
    if (!bits || !a || !b || !d || !col) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for input shares");
        goto out;
    }
    uint64_t pos = 0;
    for (uint32_t k = 0; k < f->n_inputs; k++)
        if (f->inputs[k].owner == s->me) {
            if (inputs->bits[k] == NULL) {
                st = mpcc_error_set(err, MPCC_ERR_INVALID, "missing input '%s'",
                                    f->inputs[k].name);
                goto out;
            }
            memcpy(bits + pos, inputs->bits[k], c->input_widths[k]);
            pos += c->input_widths[k];
        }
    st = proto_mp_make_shares(bits, (size_t)n, a, b, err);
    if (st == MPCC_OK)
        st = send_frame(chans[s->garbler], PROTO_FRAME_SHARE, a, nb, err);
    if (st == MPCC_OK)
        st = send_frame(chans[s->evaluator], PROTO_FRAME_SHARE, b, nb, err);
    /* The shares must arrive intact: a corrupted one would silently change
     * our input. */
    if (st == MPCC_OK)
        st = proto_mp_confirm(chans[s->garbler], "after the input shares", err);
    if (st == MPCC_OK)
        st = proto_mp_confirm(chans[s->evaluator], "after the input shares", err);
    if (st == MPCC_OK)
        st = proto_mp_recv(chans[s->garbler], PROTO_FRAME_OUTD, d, mb,
                           "output decoding bits", err);
    if (st == MPCC_OK)
        st = proto_mp_recv(chans[s->evaluator], PROTO_FRAME_OUTC, col,
                           mb, "output colour bits", err);
    if (st == MPCC_OK)
        st = proto_mp_confirm(chans[s->garbler], "after the output shares", err);
    if (st == MPCC_OK)
        st = proto_mp_confirm(chans[s->evaluator], "after the output shares", err);
    if (st != MPCC_OK)
        goto out;
    pos = 0;
    for (uint32_t k = 0; k < f->n_outputs; k++) {
        if (!iface_output_has_recipient(&f->outputs[k], s->me))
            continue;
        uint32_t w = c->output_widths[k];
        outs[k] = malloc(w ? w : 1);
        if (outs[k] == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
            goto out;
        }
        for (uint32_t i = 0; i < w; i++, pos++)
            outs[k][i] = (uint8_t)(((d[pos / 8] ^ col[pos / 8]) >> (pos % 8)) & 1);
    }
out:
    if (bits)
        OPENSSL_cleanse(bits, n ? n : 1);
    free(bits);
    if (a && b) { /* together, the two shares are the party's inputs */
        OPENSSL_cleanse(a, nb + 1);
        OPENSSL_cleanse(b, nb + 1);
    }
    free(a);
    free(b);
    free(d);
    free(col);
    return st;
}

/* Garbler or evaluator: collect shares, run Yao on the extended circuit,
 * forward each input/output party its half of its outputs. */
static enum mpcc_status run_computing(const struct mpcc_mp_session *s,
                                      struct net_channel *const *chans,
                                      const struct values_set *inputs, uint8_t **outs,
                                      struct mpcc_stats *stats, struct mpcc_error *err)
{
    const struct iface *f = s->prog->iface;
    const struct circuit *c = s->prog->circ;
    bool garbling = s->me == s->garbler;
    uint32_t other = garbling ? s->evaluator : s->garbler;
    struct circuit *x = NULL;
    uint8_t *split = calloc(c->n_inputs ? c->n_inputs : 1, 1);
    uint8_t *buf = NULL, *in_bits = NULL, *out_bits = NULL, *got = NULL, *mine = NULL;
    uint8_t *recip = NULL, *halves = NULL;
    enum mpcc_status st = MPCC_OK;
    if (split == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < c->n_inputs; k++)
        split[k] = f->inputs[k].owner != s->garbler && f->inputs[k].owner != s->evaluator;
    if ((st = circ_split_inputs(c, split, &x, err)) != MPCC_OK)
        goto out;
    in_bits = calloc(x->n_input_bits ? x->n_input_bits : 1, 1);
    out_bits = calloc(x->n_output_bits ? x->n_output_bits : 1, 1);
    got = calloc(x->n_outputs ? x->n_outputs : 1, 1);
    mine = calloc(x->n_inputs ? x->n_inputs : 1, 1);
    recip = calloc(x->n_outputs ? x->n_outputs : 1, 1);
    halves = calloc(x->n_output_bits ? x->n_output_bits : 1, 1);
    if (!in_bits || !out_bits || !got || !mine || !recip || !halves) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory preparing the run");
        goto out;
    }
    /* Our own inputs, and which extended values we provide. */
    uint64_t off = 0;
    for (uint32_t k = 0, v = 0; k < c->n_inputs; k++) {
        uint32_t w = c->input_widths[k];
        if (split[k]) {
            mine[v] = garbling;
            mine[v + 1] = !garbling;
            off += 2 * (uint64_t)w;
            v += 2;
            continue;
        }
        if (f->inputs[k].owner == s->me) {
            if (inputs->bits[k] == NULL) {
                st = mpcc_error_set(err, MPCC_ERR_INVALID, "missing input '%s'",
                                    f->inputs[k].name);
                goto out;
            }
            mine[v] = 1;
            memcpy(in_bits + off, inputs->bits[k], w);
        }
        off += w;
        v++;
    }
    /* The other parties' shares, party by party, each one frame of the
     * exact length its inputs need. */
    for (uint32_t p = 0; p < f->n_parties; p++) {
        if (p == s->garbler || p == s->evaluator)
            continue;
        uint64_t n = input_bits_of(s, p);
        size_t nb = (size_t)((n + 7) / 8);
        free(buf);
        buf = malloc(nb + 1);
        if (buf == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for input shares");
            goto out;
        }
        st = proto_mp_recv(chans[p], PROTO_FRAME_SHARE, buf, nb, "input share", err);
        if (st == MPCC_OK)
            st = proto_mp_confirm(chans[p], "after the input shares", err);
        if (st != MPCC_OK)
            goto out;
        uint64_t pos = 0;
        off = 0;
        for (uint32_t k = 0; k < c->n_inputs; k++) {
            uint32_t w = c->input_widths[k];
            if (split[k] && f->inputs[k].owner == p)
                for (uint32_t i = 0; i < w; i++, pos++)
                    in_bits[off + (garbling ? 0 : w) + i] = (buf[pos / 8] >> (pos % 8)) & 1;
            off += split[k] ? 2 * (uint64_t)w : w;
        }
    }
    /* Both computing parties have every share: only then garble. */
    st = send_frame(chans[other], PROTO_FRAME_READY, NULL, 0, err);
    if (st == MPCC_OK)
        st = proto_mp_recv(chans[other], PROTO_FRAME_READY, NULL, 0,
                           "ready message", err);
    if (st != MPCC_OK)
        goto out;
    for (uint32_t k = 0; k < f->n_outputs; k++) {
        if (iface_output_has_recipient(&f->outputs[k], s->garbler))
            recip[k] |= 1;
        if (iface_output_has_recipient(&f->outputs[k], s->evaluator))
            recip[k] |= 2;
    }
    struct mpcc_2pc run = {.circ = x, .my_name = pname(s, s->me), .peer_name = pname(s, other),
                           .role = garbling ? MPCC_GARBLER : MPCC_EVALUATOR,
                           .my_inputs = mine, .recipients = recip, .garbling = s->garbling};
    memcpy(run.digest, s->digest, 32);
    struct proto_2pc_extra extra = {garbling ? halves : NULL, garbling ? NULL : halves};
    st = proto_2pc_run(&run, chans[other], in_bits, out_bits, got, stats, &extra, err);
    if (st != MPCC_OK)
        goto out;
    /* Each input/output party gets our half of exactly its outputs. */
    for (uint32_t p = 0; p < f->n_parties; p++) {
        if (p == s->garbler || p == s->evaluator)
            continue;
        uint64_t m = output_bits_of(s, p), pos = 0;
        free(buf);
        buf = calloc((size_t)((m + 7) / 8) + 1, 1);
        if (buf == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
            goto out;
        }
        off = 0;
        for (uint32_t k = 0; k < f->n_outputs; k++) {
            uint32_t w = c->output_widths[k];
            if (iface_output_has_recipient(&f->outputs[k], p))
                for (uint32_t i = 0; i < w; i++, pos++)
                    buf[pos / 8] |= (uint8_t)((halves[off + i] & 1) << (pos % 8));
            off += w;
        }
        st = send_frame(chans[p], garbling ? PROTO_FRAME_OUTD : PROTO_FRAME_OUTC, buf,
                        (size_t)((m + 7) / 8), err);
        if (st != MPCC_OK) {
            mpcc_error_prefix(err, "delivering outputs to party '%s'", pname(s, p));
            goto out;
        }
    }
    for (uint32_t p = 0; p < f->n_parties; p++)
        if (p != s->garbler && p != s->evaluator
            && (st = proto_mp_confirm(chans[p], "after the output shares", err)) != MPCC_OK)
            goto out;
    off = 0;
    for (uint32_t k = 0; k < c->n_outputs; k++) {
        uint32_t w = c->output_widths[k];
        if (got[k]) {
            outs[k] = malloc(w ? w : 1);
            if (outs[k] == NULL) {
                st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
                goto out;
            }
            memcpy(outs[k], out_bits + off, w);
        }
        off += w;
    }
out:
    if (in_bits)
        OPENSSL_cleanse(in_bits, x && x->n_input_bits ? x->n_input_bits : 1);
    circ_free(x);
    free(split);
    free(buf);
    free(in_bits);
    free(out_bits);
    free(got);
    free(mine);
    free(recip);
    free(halves);
    return st;
}

enum mpcc_status mpcc_mp_run_program(const struct mpcc_mp_session *s,
                                     struct net_channel *const *chans,
                                     const struct values_set *inputs, uint8_t ***outputs,
                                     struct mpcc_stats *stats, struct mpcc_error *err)
{
    const struct iface *f = s->prog->iface;
    struct mpcc_stats local = {0};
    struct mpcc_stats *st_out = stats ? stats : &local;
    memset(st_out, 0, sizeof *st_out);
    *outputs = NULL;
    for (uint32_t p = 0; p < f->n_parties; p++)
        if (mpcc_mp_linked(s, s->me, p) != (chans[p] != NULL))
            return mpcc_error_set(err, MPCC_ERR_INVALID,
                                  "channel to party '%s' %s", pname(s, p),
                                  chans[p] ? "given but not needed" : "missing");
    double t0 = proto_now();
    uint8_t **outs = alloc_outputs(f, err);
    if (outs == NULL)
        return MPCC_ERR_NOMEM;
    enum mpcc_status st;
    if (s->protocol == MPCC_MP_BMR)
        st = proto_mp_run_bmr(s, chans, inputs, outs, st_out, err);
    else if (s->me == s->garbler || s->me == s->evaluator)
        st = run_computing(s, chans, inputs, outs, st_out, err);
    else
        st = run_io_party(s, chans, inputs, outs, err);
    if (st != MPCC_OK) {
        char msg[PROTO_ABORT_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "error");
        mpcc_mp_abort(s, chans, msg);
        mpcc_outputs_free(outs, f->n_outputs);
        return st;
    }
    st_out->bytes_sent = st_out->bytes_recv = 0;
    for (uint32_t p = 0; p < f->n_parties; p++)
        if (chans[p] != NULL) {
            st_out->bytes_sent += net_bytes_sent(chans[p]);
            st_out->bytes_recv += net_bytes_recv(chans[p]);
        }
    st_out->t_total = proto_now() - t0;
    *outputs = outs;
    return MPCC_OK;
}
