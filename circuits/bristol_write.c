/* bristol_write.c - the Bristol Fashion writer: renumbers a circuit (whose
 * slots may be rewritten) into single assignment, with outputs on the last
 * wires, and prints XOR/AND/INV gates (calls are expanded first, see
 * flatten.h). An output that no gate can produce in place (an input wire, a
 * repeated wire) is copied with two INV gates.
 * Reading lives in bristol_read.c. */
#include "circuits/bristol.h"
#include "circuits/flatten.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BW_NONE UINT64_MAX
#define BW_NO_OUTPUT UINT32_MAX
#define BW_BUF 65536

struct bw_out {
    FILE *f;
    size_t len;
    int failed;
    char buf[BW_BUF];
};

static void bw_flush(struct bw_out *o)
{
    if (o->len > 0 && !o->failed && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = 1;
    o->len = 0;
}

static void bw_u64(struct bw_out *o, uint64_t v, char after)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    if (o->len + (size_t)n + 1 > BW_BUF)
        bw_flush(o);
    while (n > 0)
        o->buf[o->len++] = tmp[--n];
    o->buf[o->len++] = after;
}

static void bw_str(struct bw_out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->len + n > BW_BUF)
        bw_flush(o);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void bw_gate(struct bw_out *o, enum circ_op op, uint32_t a, uint32_t b, uint32_t out)
{
    if (op == CIRC_INV) {
        bw_str(o, "1 1 ");
        bw_u64(o, a, ' ');
        bw_u64(o, out, ' ');
        bw_str(o, "INV\n");
        return;
    }
    bw_str(o, "2 1 ");
    bw_u64(o, a, ' ');
    bw_u64(o, b, ' ');
    bw_u64(o, out, ' ');
    bw_str(o, op == CIRC_AND ? "AND\n" : "XOR\n");
}

static enum mpcc_status circ_write_flat(const struct circuit *c, FILE *out, struct mpcc_error *err);

enum mpcc_status circ_write_bristol(const struct circuit *c, FILE *out, struct mpcc_error *err)
{
    if (c->n_calls == 0)
        return circ_write_flat(c, out, err);
    /* Bristol Fashion has no calls: write the expansion. */
    struct circuit *flat;
    enum mpcc_status st = circ_flatten(c, &flat, err);
    if (st != MPCC_OK) {
        mpcc_error_prefix(err, "cannot write Bristol Fashion");
        return st;
    }
    st = circ_write_flat(flat, out, err);
    circ_free(flat);
    return st;
}

static enum mpcc_status circ_write_flat(const struct circuit *c, FILE *out, struct mpcc_error *err)
{
    enum mpcc_status st = circ_validate(c, err);
    if (st != MPCC_OK) {
        mpcc_error_prefix(err, "cannot write Bristol Fashion");
        return st;
    }
    uint64_t *last = NULL;  /* slot -> index of the last gate writing it */
    uint32_t *claim = NULL; /* slot -> output bit its last writer produces in place */
    uint32_t *cur = NULL;   /* slot -> Bristol wire holding its current value */
    struct bw_out *o = NULL;
    size_t nw = c->n_wires ? c->n_wires : 1;
    last = malloc(nw * sizeof *last);
    claim = malloc(nw * sizeof *claim);
    cur = malloc(nw * sizeof *cur);
    o = malloc(sizeof *o);
    if (last == NULL || claim == NULL || cur == NULL || o == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory writing Bristol Fashion");
        goto out;
    }
    for (uint32_t s = 0; s < c->n_wires; s++) {
        last[s] = BW_NONE;
        claim[s] = BW_NO_OUTPUT;
        cur[s] = s;
    }
    for (uint64_t i = 0; i < c->n_gates; i++)
        last[c->gates[i].out] = i;

    /* Output bit j goes on wire base+j: made in place by the gate whose value
     * it is, unless that gate already makes an earlier output bit. */
    uint64_t copies = 0;
    for (uint64_t j = 0; j < c->n_output_bits; j++) {
        uint32_t s = c->output_wires[j];
        if (last[s] != BW_NONE && claim[s] == BW_NO_OUTPUT)
            claim[s] = (uint32_t)j;
        else
            copies++;
    }
    uint64_t n_gates = c->n_gates + 2 * copies;
    uint64_t n_wires = c->n_input_bits + n_gates;
    if (n_wires > CIRC_MAX_WIRES) {
        st = mpcc_error_set(err, MPCC_ERR_LIMIT, "cannot write Bristol Fashion: it needs %llu "
                            "wires, above the limit of %u", (unsigned long long)n_wires,
                            CIRC_MAX_WIRES);
        goto out;
    }
    uint32_t base = (uint32_t)(n_wires - c->n_output_bits);
    uint32_t fresh = (uint32_t)c->n_input_bits;

    o->f = out;
    o->len = 0;
    o->failed = 0;
    bw_u64(o, n_gates, ' ');
    bw_u64(o, n_wires, '\n');
    bw_u64(o, c->n_inputs, c->n_inputs ? ' ' : '\n');
    for (uint32_t k = 0; k < c->n_inputs; k++)
        bw_u64(o, c->input_widths[k], k + 1 < c->n_inputs ? ' ' : '\n');
    bw_u64(o, c->n_outputs, c->n_outputs ? ' ' : '\n');
    for (uint32_t k = 0; k < c->n_outputs; k++)
        bw_u64(o, c->output_widths[k], k + 1 < c->n_outputs ? ' ' : '\n');
    bw_str(o, "\n");
    for (uint64_t i = 0; i < c->n_gates; i++) {
        const struct circ_gate *g = &c->gates[i];
        uint32_t a = cur[g->in0], b = cur[g->in1], w;
        if (last[g->out] == i && claim[g->out] != BW_NO_OUTPUT)
            w = base + claim[g->out];
        else
            w = fresh++;
        cur[g->out] = w;
        bw_gate(o, (enum circ_op)g->op, a, b, w);
    }
    for (uint64_t j = 0; j < c->n_output_bits; j++) {
        uint32_t s = c->output_wires[j];
        if (claim[s] == j && last[s] != BW_NONE)
            continue;
        uint32_t t = fresh++;
        bw_gate(o, CIRC_INV, cur[s], cur[s], t);
        bw_gate(o, CIRC_INV, t, t, base + (uint32_t)j);
    }
    bw_flush(o);
    if (o->failed || ferror(out)) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot write Bristol Fashion: %s",
                            strerror(errno ? errno : EIO));
        goto out;
    }
out:
    free(last);
    free(claim);
    free(cur);
    free(o);
    return st;
}

enum mpcc_status circ_write_bristol_file(const struct circuit *c, const char *path,
                                         struct mpcc_error *err)
{
    static const char suffix[] = ".tmp.XXXXXX";
    enum mpcc_status st = MPCC_OK;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof suffix);
    if (tmp == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory writing %s", path);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, suffix, sizeof suffix);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return st;
    }
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot open %s: %s", tmp, strerror(errno));
        close(fd);
        goto fail;
    }
    st = circ_write_bristol(c, f, err);
    if (st == MPCC_OK && (fflush(f) != 0 || fsync(fd) != 0))
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    if (fclose(f) != 0 && st == MPCC_OK)
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    if (st != MPCC_OK) {
        mpcc_error_prefix(err, "%s", path);
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        st = mpcc_error_set(err, MPCC_ERR_IO, "cannot rename %s to %s: %s", tmp, path,
                            strerror(errno));
        goto fail;
    }
    free(tmp);
    return MPCC_OK;
fail:
    unlink(tmp);
    free(tmp);
    return st;
}
