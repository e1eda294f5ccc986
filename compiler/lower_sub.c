/* lower_sub.c - subcircuits: the heavy expression of a statement (one with
 * a multiplication, division or call) is built once per *shape* of its
 * leaves (the variables, elements and fields it reads) into a circuit of its
 * own and then called by reference, so a loop of 25 000 multiply-adds holds
 * one multiplier. The shape of a list of input wires records which bits are
 * constant (and their values) and which are the same wire or its
 * complement, so the subcircuit folds exactly what inlined code would.
 * Results that come out constant or as an input go to the caller directly.
 * Any boundary can hide sharing between a subcircuit and other code, so
 * by default (MPCC_SUBS_AUTO) a program is inlined whole until it passes
 * about 65 536 gates. A shape's first use is inlined (no sharing or
 * dead-gate elimination is lost for code that runs once); from the second,
 * the subcircuit is called,
 * or replayed gate by gate into the caller when it is small. Nothing nests
 * inside a subcircuit: its calls are inlined into it, so dead outputs and
 * shared values inside it are still found. Expressions with && || ?:
 * (whose operands may not be evaluated) or calls of functions that read
 * top-level variables are always inlined. */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "lower.h"
#include "parser.h"

/* A subcircuit is called when it has at least this many AND gates or gates;
 * below, it is replayed into the caller. */
#define LSUB_MIN_AND 32
#define LSUB_MIN_GATES 256
/* In MPCC_SUBS_AUTO, subcircuits start once the program has this many
 * builder nodes. */
#define LSUB_AUTO_NODES ((uint64_t)1 << 16)
/* The profile tag of replayed gates, counted through the entry instead. */
#define LSUB_TAG_REPLAYED 0xFFFFFFF0u

enum { LSUB_SEEN, LSUB_CALL, LSUB_INLINE, LSUB_TRIVIAL, LSUB_FAILED };

/* Where a result bit comes from: a constant, an input class (with
 * polarity) or a real output of the subcircuit (its polarity inside). */
struct lsub_bit {
    uint8_t kind; /* 0: constant, 1: class, 2: output */
    uint8_t pol;  /* constant value, or class polarity; 0 for an output */
    uint32_t idx;
};

struct lsub_entry {
    uint8_t *key;
    size_t key_len;
    uint64_t hash;
    int kind;
    uint32_t sub;             /* LSUB_CALL: index in the library */
    struct circuit *replay;   /* LSUB_INLINE */
    const struct mpcc_type *type;
    uint32_t n_bits, n_out;
    struct lsub_bit *bits;
    uint64_t *tag_ands;       /* AND gates per profile tag of one use */
    uint32_t n_tag_ands;
    struct lsub_entry *next;
};

struct lsub_table {
    struct lsub_entry **b;
    uint32_t mask;
    uint32_t n;
};

/* ---- keys: the shape of input wires ---- */

struct lsub_key {
    uint8_t *p;
    size_t n, cap;
    int failed;
    /* classes: node -> class, by open addressing */
    uint32_t *node, *cls;
    uint32_t mask, n_cls;
    bld_wire *cls_wire; /* the caller's (positive) wire of each class */
};

static void key_byte(struct lsub_key *k, uint8_t v)
{
    if (k->failed)
        return;
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 256;
        uint8_t *p = realloc(k->p, cap);
        if (p == NULL) {
            k->failed = 1;
            return;
        }
        k->p = p;
        k->cap = cap;
    }
    k->p[k->n++] = v;
}

static void key_u(struct lsub_key *k, uint64_t v)
{
    while (v >= 0x80) {
        key_byte(k, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    key_byte(k, (uint8_t)v);
}

static int key_init(struct lsub_key *k, uint64_t max_bits)
{
    memset(k, 0, sizeof *k);
    uint32_t cap = 16;
    while (cap < 2 * max_bits + 2 && cap < (1u << 30))
        cap *= 2;
    k->node = malloc(cap * sizeof *k->node);
    k->cls = malloc(cap * sizeof *k->cls);
    k->cls_wire = malloc(((size_t)max_bits + 1) * sizeof *k->cls_wire);
    if (k->node == NULL || k->cls == NULL || k->cls_wire == NULL)
        return 0;
    memset(k->node, 0xff, cap * sizeof *k->node);
    k->mask = cap - 1;
    return 1;
}

static void key_clear(struct lsub_key *k)
{
    free(k->p);
    free(k->node);
    free(k->cls);
    free(k->cls_wire);
}

/* The shape of n input bits: 0/1 for constants, 2 + 2 class + polarity. */
static void key_bits(struct lsub_key *k, const bld_wire *w, uint64_t n)
{
    key_u(k, n);
    for (uint64_t i = 0; i < n; i++) {
        if (bld_is_const(w[i])) {
            key_u(k, w[i]);
            continue;
        }
        uint32_t node = w[i] >> 1, h = (node * 2654435761u) & k->mask;
        while (k->node[h] != UINT32_MAX && k->node[h] != node)
            h = (h + 1) & k->mask;
        if (k->node[h] == UINT32_MAX) {
            k->node[h] = node;
            k->cls[h] = k->n_cls;
            k->cls_wire[k->n_cls++] = (bld_wire)node << 1;
        }
        key_u(k, 2 + 2 * (uint64_t)k->cls[h] + (w[i] & 1));
    }
}

static uint64_t key_hash(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* The class and polarity of input bit w (known in k). */
static void key_class(const struct lsub_key *k, bld_wire w, uint32_t *cls, uint32_t *pol)
{
    uint32_t node = w >> 1, h = (node * 2654435761u) & k->mask;
    while (k->node[h] != node)
        h = (h + 1) & k->mask;
    *cls = k->cls[h];
    *pol = w & 1;
}

/* ---- the table of built shapes ---- */

static struct lsub_entry *tab_find(struct lower *lw, const struct lsub_key *k, uint64_t h)
{
    struct lsub_table *t = lw->subs;
    if (t == NULL || t->b == NULL)
        return NULL;
    for (struct lsub_entry *e = t->b[h & t->mask]; e != NULL; e = e->next)
        if (e->hash == h && e->key_len == k->n && memcmp(e->key, k->p, k->n) == 0)
            return e;
    return NULL;
}

static struct lsub_entry *tab_add(struct lower *lw, const struct lsub_key *k, uint64_t h)
{
    struct lsub_table *t = lw->subs;
    if (t == NULL) {
        t = lw->subs = calloc(1, sizeof *t);
        if (t == NULL)
            return NULL;
    }
    if (t->b == NULL || t->n >= t->mask) {
        uint32_t cap = t->b ? (t->mask + 1) * 2 : 256;
        struct lsub_entry **nb = calloc(cap, sizeof *nb);
        if (nb == NULL)
            return NULL;
        for (uint32_t i = 0; t->b != NULL && i <= t->mask; i++)
            for (struct lsub_entry *e = t->b[i], *n; e != NULL; e = n) {
                n = e->next;
                e->next = nb[e->hash & (cap - 1)];
                nb[e->hash & (cap - 1)] = e;
            }
        free(t->b);
        t->b = nb;
        t->mask = cap - 1;
    }
    struct lsub_entry *e = calloc(1, sizeof *e);
    if (e == NULL || (e->key = malloc(k->n ? k->n : 1)) == NULL) {
        free(e);
        return NULL;
    }
    memcpy(e->key, k->p, k->n);
    e->key_len = k->n;
    e->hash = h;
    e->kind = LSUB_SEEN;
    e->next = t->b[h & t->mask];
    t->b[h & t->mask] = e;
    t->n++;
    return e;
}

void lsub_clear(struct lower *lw)
{
    struct lsub_table *t = lw->subs;
    for (uint32_t i = 0; t != NULL && t->b != NULL && i <= t->mask; i++)
        for (struct lsub_entry *e = t->b[i], *n; e != NULL; e = n) {
            n = e->next;
            free(e->key);
            free(e->bits);
            free(e->tag_ands);
            circ_free(e->replay);
            free(e);
        }
    if (t != NULL)
        free(t->b);
    free(t);
    lw->subs = NULL;
    free(lw->tag_extra);
    lw->tag_extra = NULL;
    lw->n_tag_extra = 0;
}

/* ---- profile: AND gates per tag of what calls run ---- */

static int tags_add(uint64_t **dst, uint32_t *n_dst, const uint64_t *src, uint32_t n_src)
{
    if (n_src > *n_dst) {
        uint64_t *t = realloc(*dst, n_src * sizeof *t);
        if (t == NULL)
            return 0;
        memset(t + *n_dst, 0, (n_src - *n_dst) * sizeof *t);
        *dst = t;
        *n_dst = n_src;
    }
    for (uint32_t i = 0; i < n_src; i++)
        (*dst)[i] += src[i];
    return 1;
}

/* ---- replaying a small subcircuit into the caller ---- */

static int lsub_replay(struct bld *b, const struct circuit *c, const bld_wire *in, bld_wire *out)
{
    bld_wire *map = calloc((size_t)c->n_wires + 1, sizeof *map);
    uint32_t *w = malloc((circ_max_call_wires(c) + 1) * sizeof *w);
    bld_wire *a = malloc((circ_max_call_wires(c) + 1) * sizeof *a);
    int ok = map != NULL && w != NULL && a != NULL;
    for (uint64_t i = 0; ok && i < c->n_input_bits; i++)
        map[i] = in[i];
    for (uint64_t i = 0; ok && i < c->n_gates; i++) {
        const struct circ_gate *g = &c->gates[i];
        switch (g->op) {
        case CIRC_XOR: map[g->out] = bld_xor(b, map[g->in0], map[g->in1]); break;
        case CIRC_AND: map[g->out] = bld_and(b, map[g->in0], map[g->in1]); break;
        case CIRC_INV: map[g->out] = bld_not(b, map[g->in0]); break;
        default: {
            const struct circ_call *cl = &c->calls[g->in0];
            const struct circuit *s = circ_callee(c, cl);
            for (uint32_t r = 0; ok && r < cl->repeat; r++) {
                circ_call_wires(c, cl, r, w);
                int any_const = 0;
                for (uint32_t k = 0; k < cl->n_args; k++) {
                    a[k] = map[w[k]];
                    any_const |= bld_is_const(a[k]);
                }
                bld_wire *res = a + cl->n_args;
                if (any_const) /* folded to a constant here: replay the callee too */
                    ok = lsub_replay(b, s, a, res);
                else
                    bld_call(b, cl->callee, a, cl->n_args, cl->n_res, res);
                for (uint32_t k = 0; ok && k < cl->n_res; k++)
                    map[w[cl->n_args + k]] = res[k];
            }
            break;
        }
        }
    }
    for (uint64_t i = 0; ok && i < c->n_output_bits; i++)
        out[i] = map[c->output_wires[i]];
    free(map);
    free(w);
    free(a);
    return ok;
}

/* ---- building a shape ---- */

/* What is being built: an expression and its leaves' values in the caller. */
struct lsub_what {
    const struct ast_expr *e;
    struct ast_loc loc;
    const struct lv_value *vals;
    const struct ast_expr **leaves;
    uint32_t n_vals;
};

/* Builds the shape in a builder of its own; 1 on success, 0 after an error. */
static int lsub_build(struct lower *lw, struct lsub_entry *ent, const struct lsub_what *wh,
                      const struct lsub_key *k)
{
    struct mpcc_error e = {0};
    struct bld *sb = bld_new(&e), *saved_b = lw->b;
    if (sb == NULL) {
        lw_nomem(lw);
        return 0;
    }
    bld_set_lib(sb, lw->lib);
    if (lw->opts != NULL && lw->opts->progress != NULL)
        bld_set_progress(sb, &lw->opts->progress->and_built);
    bld_wire *cin = lw_wires(lw, k->n_cls ? k->n_cls : 1);
    struct lv_value *vals = ast_alloc(&lw->scratch, (wh->n_vals ? wh->n_vals : 1) * sizeof *vals);
    if (cin == NULL || vals == NULL) {
        bld_free(sb);
        lw_nomem(lw);
        return 0;
    }
    if (k->n_cls > 0)
        bld_input(sb, k->n_cls, cin);
    /* The values in the new builder: constants stay, inputs become classes. */
    for (uint32_t i = 0; i < wh->n_vals; i++) {
        vals[i] = wh->vals[i];
        if (vals[i].t == NULL || vals[i].t->kind == TY_UNTYPED)
            continue;
        bld_wire *w = lw_wires(lw, vals[i].t->bits);
        if (w == NULL) {
            bld_free(sb);
            return 0;
        }
        for (uint64_t j = 0; j < vals[i].t->bits; j++) {
            bld_wire x = wh->vals[i].w[j];
            if (bld_is_const(x)) {
                w[j] = x;
            } else {
                uint32_t c, pol;
                key_class(k, x, &c, &pol);
                w[j] = cin[c] ^ pol;
            }
        }
        vals[i].w = w;
    }
    /* Lower it context-free: no enclosing secret branch, no caller wires. */
    int level = lw->level;
    bld_wire path = lw->path;
    struct lv_log *log = lw->log;
    uint32_t tag = lw->cur_tag;
    const struct ast_expr **leaves = lw->leaves;
    const struct lv_value *leaf_vals = lw->leaf_vals;
    uint32_t n_leaves = lw->n_leaves;
    uint64_t *tag_sink = lw->tag_extra;
    uint32_t n_tag_sink = lw->n_tag_extra;
    size_t errors = diag_count(lw->diags);
    lw->b = sb;
    lw->level = 0;
    lw->path = BLD_TRUE;
    lw->log = NULL;
    lw->tag_extra = NULL; /* calls inside count toward this shape */
    lw->n_tag_extra = 0;
    lw->in_sub++;
    bld_set_tag(sb, tag);
    struct lv_value res;
    lw->leaves = wh->leaves;
    lw->leaf_vals = vals;
    lw->n_leaves = wh->n_vals;
    int ok = lx_expr(lw, wh->e, &res);
    lw->in_sub--;
    uint64_t *inner = lw->tag_extra;
    uint32_t n_inner = lw->n_tag_extra;
    lw->b = saved_b;
    lw->level = level;
    lw->path = path;
    lw->log = log;
    lw->leaves = leaves;
    lw->leaf_vals = leaf_vals;
    lw->n_leaves = n_leaves;
    lw->tag_extra = tag_sink;
    lw->n_tag_extra = n_tag_sink;
    bld_set_tag(saved_b, tag);
    lw->cur_tag = tag;
    ok = ok && !lw->oom && diag_count(lw->diags) == errors;
    /* Where each result bit comes from; the real outputs. */
    uint64_t nb = ok ? res.t->bits : 0;
    ent->type = ok ? res.t : NULL;
    ent->n_bits = (uint32_t)nb;
    ent->bits = calloc(nb ? nb : 1, sizeof *ent->bits);
    bld_wire *real = lw_wires(lw, nb ? nb : 1);
    if (ok && (ent->bits == NULL || real == NULL)) {
        lw_nomem(lw);
        ok = 0;
    }
    for (uint64_t j = 0; ok && j < nb; j++) {
        bld_wire x = res.w[j];
        struct lsub_bit *bt = &ent->bits[j];
        if (bld_is_const(x)) {
            bt->kind = 0;
            bt->pol = (uint8_t)x;
        } else if ((x >> 1) >= 1 && (x >> 1) <= k->n_cls) { /* input nodes are 1 .. n_cls */
            bt->kind = 1;
            bt->idx = (x >> 1) - 1;
            bt->pol = (uint8_t)(x & 1);
        } else {
            /* The polarity goes inside (an INV there, free), so a result is
             * a fresh wire in the caller's consecutive result slots: a loop
             * that feeds it to the next call stays one repeated call. */
            bt->kind = 2;
            bt->idx = ent->n_out;
            bt->pol = 0;
            real[ent->n_out++] = x;
        }
    }
    if (!ok) {
        free(inner);
        bld_free(sb);
        ent->kind = LSUB_FAILED;
        return 0;
    }
    if (ent->n_out == 0) {
        free(inner);
        bld_free(sb);
        ent->kind = LSUB_TRIVIAL;
        return 1;
    }
    bld_output(sb, ent->n_out, real);
    struct circuit *c = bld_finish(sb, &e);
    if (c == NULL) {
        free(inner);
        bld_free(sb);
        if (e.code == MPCC_ERR_NOMEM)
            lw_nomem(lw);
        else
            diag_error(lw->diags, wh->loc, "%s", e.msg);
        ent->kind = LSUB_FAILED;
        return 0;
    }
    /* The shape's AND gates per tag: its own, and those of its calls. */
    ent->n_tag_ands = lw->n_tags + 1;
    ent->tag_ands = calloc(ent->n_tag_ands, sizeof *ent->tag_ands);
    if (ent->tag_ands == NULL || !tags_add(&ent->tag_ands, &ent->n_tag_ands, inner, n_inner)) {
        free(inner);
        circ_free(c);
        bld_free(sb);
        lw_nomem(lw);
        return 0;
    }
    free(inner);
    for (uint32_t t = 1; t <= lw->n_tags; t++)
        ent->tag_ands[t] += bld_tag_and_count(sb, t);
    bld_free(sb);
    uint64_t n[4];
    if (!circ_count_ops(c, n)) {
        circ_free(c);
        lw_nomem(lw);
        return 0;
    }
    if (n[CIRC_AND] >= LSUB_MIN_AND || n[CIRC_AND] + n[CIRC_XOR] + n[CIRC_INV] >= LSUB_MIN_GATES) {
        struct mpcc_error le = {0};
        if (circ_lib_add(lw->lib, c, &ent->sub, &le) != MPCC_OK) {
            diag_error(lw->diags, wh->loc, "%s", le.msg);
            ent->kind = LSUB_FAILED;
            return 0;
        }
        ent->kind = LSUB_CALL;
    } else {
        ent->replay = c;
        ent->kind = LSUB_INLINE;
    }
    return 1;
}

/* The value of a built shape in the caller. */
static int lsub_emit(struct lower *lw, const struct lsub_entry *ent, const struct lsub_key *k,
                     struct lv_value *out)
{
    bld_wire *res = lw_wires(lw, ent->n_out ? ent->n_out : 1);
    bld_wire *w = lw_wires(lw, ent->n_bits ? ent->n_bits : 1);
    if (res == NULL || w == NULL)
        return 0;
    if (ent->kind == LSUB_CALL) {
        bld_call(lw->b, ent->sub, k->cls_wire, k->n_cls, ent->n_out, res);
    } else if (ent->kind == LSUB_INLINE) {
        bld_set_tag(lw->b, LSUB_TAG_REPLAYED);
        int ok = lsub_replay(lw->b, ent->replay, k->cls_wire, res);
        bld_set_tag(lw->b, lw->cur_tag);
        if (!ok) {
            lw_nomem(lw);
            return 0;
        }
    }
    for (uint32_t j = 0; j < ent->n_bits; j++) {
        const struct lsub_bit *bt = &ent->bits[j];
        w[j] = bt->kind == 0 ? bt->pol : bt->kind == 1 ? k->cls_wire[bt->idx] ^ bt->pol : res[bt->idx];
    }
    if (ent->tag_ands != NULL && !tags_add(&lw->tag_extra, &lw->n_tag_extra, ent->tag_ands, ent->n_tag_ands)) {
        lw_nomem(lw);
        return 0;
    }
    out->t = ent->type;
    out->w = w;
    return 1;
}

/* The expression with its leaves already lowered (their values bound). */
static int lsub_inline(struct lower *lw, const struct lsub_what *wh, struct lv_value *out)
{
    const struct ast_expr **leaves = lw->leaves;
    const struct lv_value *leaf_vals = lw->leaf_vals;
    uint32_t n_leaves = lw->n_leaves;
    lw->leaves = wh->leaves;
    lw->leaf_vals = wh->vals;
    lw->n_leaves = wh->n_vals;
    int ok = lx_expr(lw, wh->e, out);
    lw->leaves = leaves;
    lw->leaf_vals = leaf_vals;
    lw->n_leaves = n_leaves;
    return ok;
}

/* Looks the shape up: its first use inlined, later ones through the
 * subcircuit (built on the second). 1 done, 0 error. */
static int lsub_use(struct lower *lw, const struct lsub_what *wh, struct lsub_key *k, struct lv_value *out)
{
    if (k->failed) {
        lw_nomem(lw);
        return 0;
    }
    uint64_t h = key_hash(k->p, k->n);
    struct lsub_entry *ent = tab_find(lw, k, h);
    if (ent == NULL) {
        if (tab_add(lw, k, h) == NULL) {
            lw_nomem(lw);
            return 0;
        }
        return lsub_inline(lw, wh, out);
    }
    if (ent->kind == LSUB_SEEN && !lsub_build(lw, ent, wh, k))
        return 0;
    if (ent->kind == LSUB_FAILED)
        return 0;
    return lsub_emit(lw, ent, k, out);
}

/* ---- expressions ---- */

/* Collects e's leaves; 1 if e may be built as a subcircuit (*heavy set when
 * it is worth it). */
static int expr_leaves(const struct ast_expr *e, const struct ast_expr **leaves, uint32_t *n, uint32_t max,
                       int *heavy)
{
    switch (e->kind) {
    case AE_INT:
    case AE_DEC:
    case AE_BOOL:
        return 1;
    case AE_NAME:
    case AE_INDEX:
    case AE_FIELD:
        if (*n == max || (e->type != NULL && e->type->kind == TY_DECIMAL))
            return 0; /* (a decimal constant has no wires to pass) */
        leaves[(*n)++] = e;
        return 1;
    case AE_UNARY:
    case AE_CAST:
    case AE_FIELD_INIT:
        return expr_leaves(e->a, leaves, n, max, heavy);
    case AE_BINARY:
        if (e->op == ANDAND || e->op == OROR)
            return 0;
        if ((e->op == '*' || e->op == '/' || e->op == '%') && e->type->kind != TY_UNTYPED && e->type->width >= 8)
            *heavy = 1;
        return expr_leaves(e->a, leaves, n, max, heavy) && expr_leaves(e->b, leaves, n, max, heavy);
    case AE_CALL:
    case AE_ARRAY:
    case AE_STRUCT:
    case AE_BUILTIN:
        if (e->kind == AE_CALL) {
            if (e->callee == NULL || e->callee->impure)
                return 0;
            *heavy = 1;
        }
        for (const struct ast_expr *a = e->args; a != NULL; a = a->next)
            if (!expr_leaves(a, leaves, n, max, heavy))
                return 0;
        return 1;
    case AE_COND:
        return 0;
    }
    return 0;
}

#define LSUB_MAX_LEAVES 64

int lx_expr_top(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    const struct ast_expr *leaves[LSUB_MAX_LEAVES];
    uint32_t n = 0;
    int heavy = 0;
    enum mpcc_subcircuits mode = lw->opts != NULL ? lw->opts->subcircuits : MPCC_SUBS_AUTO;
    if (mode == MPCC_SUBS_NEVER || (mode == MPCC_SUBS_AUTO && bld_node_count(lw->b) < LSUB_AUTO_NODES) ||
        lw->lib == NULL || lw->in_sub > 0 || e->type->kind == TY_UNTYPED || e->type->kind == TY_VOID ||
        e->kind == AE_NAME || e->kind == AE_INDEX || e->kind == AE_FIELD ||
        !expr_leaves(e, leaves, &n, LSUB_MAX_LEAVES, &heavy) || !heavy)
        return lx_expr(lw, e, out);
    struct lv_value *vals = ast_alloc(&lw->scratch, (n ? n : 1) * sizeof *vals);
    if (vals == NULL) {
        lw_nomem(lw);
        return 0;
    }
    uint64_t bits = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!lx_expr(lw, leaves[i], &vals[i]))
            return 0;
        bits += vals[i].t->kind == TY_UNTYPED ? 0 : vals[i].t->bits;
    }
    struct lsub_key k;
    if (!key_init(&k, bits)) {
        key_clear(&k);
        lw_nomem(lw);
        return 0;
    }
    key_byte(&k, 'E');
    key_u(&k, (uint64_t)(uintptr_t)e);
    for (uint32_t i = 0; i < n; i++) {
        if (vals[i].t->kind == TY_UNTYPED) { /* a constant: its value is part of the shape */
            key_byte(&k, 'u');
            for (int l = 0; l < CE_LIMBS; l++)
                key_u(&k, vals[i].c.l[l]);
        } else {
            key_bits(&k, vals[i].w, vals[i].t->bits);
        }
    }
    struct lsub_what wh = { e, e->loc, vals, leaves, n };
    int ok = lsub_use(lw, &wh, &k, out);
    key_clear(&k);
    return ok;
}

int lx_leaf(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    for (uint32_t i = 0; i < lw->n_leaves; i++) {
        if (lw->leaves[i] == e) {
            *out = lw->leaf_vals[i];
            return 1;
        }
    }
    return -1;
}

int lx_expr_to_top(struct lower *lw, const struct ast_expr *e, const struct mpcc_type *t,
                   struct lv_value *out, const char *what)
{
    if (e->kind == AE_ARRAY || e->kind == AE_STRUCT)
        return lx_expr_to(lw, e, t, out, what);
    struct lv_value v;
    if (!lx_expr_top(lw, e, &v))
        return 0;
    return lx_convert(lw, e->loc, &v, t, out, what);
}
