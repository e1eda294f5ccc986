/* eavesdrop.c - the passive eavesdropper of the secure-by-default test: given
 * a compiled two-party program (the first party garbles, the evaluator has
 * no inputs) and a recording of everything the garbler sent on the wire, it
 * does what the evaluator does with the same bytes (the hash salt from the
 * set-up frame, the garbler's input labels, the garbled tables, then the
 * decoding bits) using the project's own evaluator, and prints the outputs
 * meant for the evaluator alone as "NAME = VALUE" lines:
 *   eavesdrop PROG.circ RECORDING
 * Exit status 0 when it decoded them, 1 when it could not (no set-up frame
 * in the recording: the link was encrypted), 2 on bad usage or input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/compact.h"
#include "circuits/program.h"
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
    if (argc != 3) {
        fprintf(stderr, "usage: eavesdrop PROG.circ RECORDING\n");
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
    t.p = rec;
    int rc = 2;
    struct gc_evaluator *e = NULL;
    struct gc_prog *plan = NULL;
    uint8_t *colour = NULL, *packed = NULL;
    if (rec == NULL) {
        fprintf(stderr, "eavesdrop: cannot read %s\n", argv[2]);
        goto out;
    }
    for (uint32_t k = 0; k < f->n_inputs; k++)
        if (f->inputs[k].owner != 0) {
            fprintf(stderr, "eavesdrop: the evaluator has inputs (it needs OT labels)\n");
            goto out;
        }
    if (!find_setup(&t)) {
        printf("nothing to decode: no set-up frame in %zu recorded bytes\n", t.n);
        rc = 1;
        goto out;
    }
    uint8_t salt[16], count[8];
    block label;
    enum mpcc_status st = tape_read(&t, salt, 16, &err);
    if (st == MPCC_OK)
        st = tape_read(&t, count, 8, &err);
    if (st == MPCC_OK && (e = gc_evaluator_new(c->n_wires, blk_load(salt), &err)) == NULL)
        st = err.code;
    for (uint64_t w = 0; st == MPCC_OK && w < c->n_input_bits; w++) {
        st = tape_read(&t, &label, sizeof label, &err);
        if (st == MPCC_OK)
            st = gc_evaluator_set_label(e, (uint32_t)w, label, &err);
    }
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
    prog_free(p);
    return rc;
}
