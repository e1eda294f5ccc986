/* eavesdrop.c - the passive eavesdropper of the secure-by-default test: given
 * a compiled two-party program (the first party garbles, the evaluator has
 * no inputs) and recordings of everything each side sent on the wire, it
 * does what the evaluator does with the same bytes (the session id from
 * both handshakes, the hash salt from the set-up frame bound to it, the
 * garbler's input labels, the garbling scheme, the garbled tables, then the
 * decoding bits) using
 * the project's own evaluator, and prints the outputs meant for the
 * evaluator alone as "NAME = VALUE" lines:
 *   eavesdrop PROG.circ GARBLER_RECORDING EVALUATOR_RECORDING
 * Exit status 0 when it decoded them, 1 when it could not (no handshake or
 * set-up frame in the recordings: the link was encrypted), 2 on bad usage
 * or input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/compact.h"
#include "circuits/program.h"
#include "runtime/crypto/session_bind.h"
#include "runtime/gc/gc.h"
#include "runtime/net/net.h"
#include "runtime/proto/proto.h"

struct tape {
    const uint8_t *p;
    size_t n, pos;
};

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static enum mpcc_status tape_read(void *ctx, void *buf, size_t len, struct mpcc_error *err)
{
    struct tape *t = ctx;
    if (t->n - t->pos < len)
        return mpcc_error_set(err, MPCC_ERR_CLOSED, "the recording ends early");
    memcpy(buf, t->p + t->pos, len);
    t->pos += len;
    return MPCC_OK;
}

/* Finds the set-up frame (type, length 24) in the recording; 1 if found. */
static int find_setup(struct tape *t)
{
    for (size_t i = 0; i + 8 + 24 <= t->n; i++)
        if (le32(t->p + i) == PROTO_FRAME_SETUP && le32(t->p + i + 4) == 24) {
            t->pos = i + 8;
            return 1;
        }
    return 0;
}

/* The handshake frame of a recording: the payload of the first frame of
 * type HELLO that starts with the magic, with at least `need` bytes; NULL
 * when there is none. */
static const uint8_t *find_hello(const uint8_t *rec, size_t n, size_t need)
{
    for (size_t i = 0; i + 8 + need <= n; i++)
        if (le32(rec + i) == PROTO_FRAME_HELLO && le32(rec + i + 4) >= need &&
            le32(rec + i + 4) <= n - i - 8 && memcmp(rec + i + 8, "mpcc-2pc", 8) == 0)
            return rec + i + 8;
    return NULL;
}

/* The garbling scheme the garbler announced (its SCHEME frame), or -1. */
static int find_scheme(const uint8_t *rec, size_t n)
{
    for (size_t i = 0; i + 9 <= n; i++)
        if (le32(rec + i) == PROTO_FRAME_SCHEME && le32(rec + i + 4) == 1)
            return rec[i + 8];
    return -1;
}

/* The session id from the garbler's and the evaluator's handshakes (both in
 * clear on a plain link) and the scheme the garbler announced: digest,
 * names, nonces, garbling choices (the fifth-last byte of each hello, before
 * the round trip) and the agreed scheme (proto_session_id). Hello layout:
 * magic(8) version(4) digest(32) nonce(32) role(1) len name len peer ...
 * garbling(1) rtt(4). */
static int session_from_hellos(const uint8_t *g, size_t gn, const uint8_t *e, size_t en,
                               uint8_t session[32])
{
    const uint8_t *hg = find_hello(g, gn, 8 + 4 + 32 + 32 + 2);
    const uint8_t *he = find_hello(e, en, 8 + 4 + 32 + 32);
    if (hg == NULL || he == NULL)
        return 0;
    char gname[256] = "", ename[256] = "";
    size_t len = le32(hg - 4), off = 8 + 4 + 32 + 32 + 1; /* the frame's length */
    if (off + 1 + hg[off] + 1 > len || off + 1 + hg[off] + 1 + hg[off + 1 + hg[off]] > len)
        return 0;
    memcpy(gname, hg + off + 1, hg[off]);
    off += 1 + (size_t)hg[off];
    memcpy(ename, hg + off + 1, hg[off]);
    int scheme = find_scheme(g, gn);
    if (scheme < 0)
        return 0;
    const uint8_t garbling[3] = {hg[len - 5], he[le32(he - 4) - 5], (uint8_t)scheme};
    struct mpcc_error err = {0};
    return proto_session_id(hg + 12, gname, ename, hg + 44, he + 44, garbling, NULL, session,
                            &err) == MPCC_OK;
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap ? cap * 2 : 1 << 16);
            if (nb == NULL)
                break;
            buf = nb;
            cap = cap ? cap * 2 : 1 << 16;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: eavesdrop PROG.circ GARBLER_RECORDING EVALUATOR_RECORDING\n");
        return 2;
    }
    struct mpcc_error err = {0};
    struct mpcc_program *p = prog_read_file(argv[1], &err);
    if (p == NULL || circ_compact(p->circ, &err) != MPCC_OK) {
        fprintf(stderr, "eavesdrop: %s\n", err.msg);
        prog_free(p);
        return 2;
    }
    const struct iface *f = p->iface;
    const struct circuit *c = p->circ;
    struct tape t = {0};
    uint8_t *rec = read_all(argv[2], &t.n);
    size_t up_n = 0;
    uint8_t *up = read_all(argv[3], &up_n), session[32];
    t.p = rec;
    int rc = 2;
    struct gc_evaluator *e = NULL;
    struct gc_prog *plan = NULL;
    uint8_t *colour = NULL, *packed = NULL;
    if (rec == NULL || up == NULL) {
        fprintf(stderr, "eavesdrop: cannot read %s\n", argv[rec == NULL ? 2 : 3]);
        goto out;
    }
    for (uint32_t k = 0; k < f->n_inputs; k++)
        if (f->inputs[k].owner != 0) {
            fprintf(stderr, "eavesdrop: the evaluator has inputs (it needs OT labels)\n");
            goto out;
        }
    if (!session_from_hellos(rec, t.n, up, up_n, session)) {
        printf("nothing to decode: no handshake in %zu + %zu recorded bytes\n", t.n, up_n);
        rc = 1;
        goto out;
    }
    if (!find_setup(&t)) {
        printf("nothing to decode: no set-up frame in %zu recorded bytes\n", t.n);
        rc = 1;
        goto out;
    }
    uint8_t salt[16], count[8];
    block label, bound;
    enum mpcc_status st = tape_read(&t, salt, 16, &err);
    if (st == MPCC_OK)
        st = tape_read(&t, count, 8, &err);
    if (st == MPCC_OK)
        st = crypto_bind_salt(blk_load(salt), session, "garbling", &bound, &err);
    if (st == MPCC_OK && (e = gc_evaluator_new(c->n_wires, bound, &err)) == NULL)
        st = err.code;
    for (uint64_t w = 0; st == MPCC_OK && w < c->n_input_bits; w++) {
        st = tape_read(&t, &label, sizeof label, &err);
        if (st == MPCC_OK)
            st = gc_evaluator_set_label(e, (uint32_t)w, label, &err);
    }
    /* Frames up to the scheme (the reply to set-up travels the other way). */
    uint8_t fh[8], scheme = 0;
    while (st == MPCC_OK && (st = tape_read(&t, fh, 8, &err)) == MPCC_OK &&
           le32(fh) != PROTO_FRAME_SCHEME)
        if (t.n - t.pos < le32(fh + 4))
            st = mpcc_error_set(&err, MPCC_ERR_CLOSED, "the recording ends inside a frame");
        else
            t.pos += le32(fh + 4);
    if (st == MPCC_OK)
        st = tape_read(&t, &scheme, 1, &err);
    if (st == MPCC_OK)
        st = gc_evaluator_set_scheme(e, scheme == MPCC_GARBLING_THREEHALVES ? GC_THREE_HALVES
                                                                            : GC_HALF_GATES, &err);
    if (st == MPCC_OK && (plan = gc_prog_new(c, &err)) == NULL)
        st = err.code;
    if (st == MPCC_OK)
        st = gc_evaluate_prog(e, plan, tape_read, &t, &err);
    colour = malloc(c->n_output_bits + 1);
    if (st == MPCC_OK && colour == NULL)
        st = mpcc_error_set(&err, MPCC_ERR_NOMEM, "out of memory");
    if (st == MPCC_OK)
        st = gc_evaluator_colour_bits(e, c, colour, &err);
    /* Frames up to the decoding bits (the transcript check comes first). */
    uint8_t hdr[8];
    while (st == MPCC_OK && (st = tape_read(&t, hdr, 8, &err)) == MPCC_OK && le32(hdr) != PROTO_FRAME_DECODE)
        if (t.n - t.pos < le32(hdr + 4))
            st = mpcc_error_set(&err, MPCC_ERR_CLOSED, "the recording ends inside a frame");
        else
            t.pos += le32(hdr + 4);
    if (st != MPCC_OK) {
        fprintf(stderr, "eavesdrop: %s\n", err.msg);
        goto out;
    }
    packed = malloc(le32(hdr + 4) + 1);
    if (packed == NULL || tape_read(&t, packed, le32(hdr + 4), &err) != MPCC_OK)
        goto out;
    /* The evaluator's outputs, in order: its colour bits xor the decoding bits. */
    uint64_t off = 0, j = 0;
    for (uint32_t k = 0; k < f->n_outputs; k++) {
        int to_e = 0;
        for (uint32_t r = 0; r < f->outputs[k].n_recipients; r++)
            to_e |= f->outputs[k].recipients[r] == 1;
        uint64_t v = 0;
        for (uint32_t i = 0; i < c->output_widths[k]; i++)
            if (to_e) {
                uint64_t bit = (colour[off + i] ^ (packed[j / 8] >> (j % 8))) & 1;
                if (i < 64)
                    v |= bit << i;
                j++;
            }
        if (to_e)
            printf("%s = %llu\n", f->outputs[k].name, (unsigned long long)v);
        off += c->output_widths[k];
    }
    rc = 0;
out:
    gc_evaluator_free(e);
    gc_prog_free(plan);
    free(colour);
    free(packed);
    free(rec);
    free(up);
    prog_free(p);
    return rc;
}
