/* lower_expr.c - lowering of expressions to builder wires: names,
 * literals, implicit conversions, casts, indexing (public: rewiring;
 * secret: a mux tree), fields, array and struct literals. Each expression
 * comes out with the static type the semantic pass gave it. Untyped
 * constants are computed exactly (consteval.c); typed values are words of
 * builder wires. Operators are in lower_ops.c, statements in lower_stmt.c. */
#include <stdio.h>
#include <string.h>

#include "circuits/fixed.h"
#include "circuits/gadgets.h"
#include "lower.h"
#include "parser.h"

const struct mpcc_type *lx_t_untyped(struct lower *lw)
{
    const struct mpcc_type *t = lw_scalar(lw, TY_UNTYPED, 0);
    if (t == NULL)
        lw_nomem(lw);
    return t;
}

const struct mpcc_type *lx_t_bool(struct lower *lw)
{
    const struct mpcc_type *t = lw_scalar(lw, TY_BOOL, 1);
    if (t == NULL)
        lw_nomem(lw);
    return t;
}

int lx_set_untyped(struct lower *lw, struct lv_value *out, const struct ce_int *c)
{
    out->t = lx_t_untyped(lw);
    out->w = NULL;
    out->c = *c;
    return out->t != NULL;
}

int lx_set_bool(struct lower *lw, struct lv_value *out, bld_wire w)
{
    out->t = lx_t_bool(lw);
    out->w = lw_wires(lw, 1);
    if (out->t == NULL || out->w == NULL)
        return 0;
    out->w[0] = w;
    return 1;
}

static void tname(const struct mpcc_type *t, char *buf, size_t n)
{
    ty_name(t, buf, n);
}

int lx_value_const(const struct lv_value *v, struct ce_int *c)
{
    if (v->t->kind == TY_UNTYPED) {
        *c = v->c;
        return 1;
    }
    if (!ty_is_scalar(v->t))
        return 0;
    uint8_t bits[MPCC_MAX_INT_WIDTH];
    for (uint32_t i = 0; i < v->t->width; i++) {
        if (!bld_is_const(v->w[i]))
            return 0;
        bits[i] = v->w[i] == BLD_TRUE;
    }
    ce_from_bits(c, bits, v->t->width, v->t->kind == TY_INT);
    return 1;
}

/* Typed word of type t holding c modulo 2^width. */
static int from_const(struct lower *lw, const struct mpcc_type *t, const struct ce_int *c,
                      struct lv_value *out)
{
    out->t = t;
    out->w = lw_wires(lw, t->width);
    if (out->w == NULL)
        return 0;
    for (uint32_t i = 0; i < t->width; i++)
        out->w[i] = ce_bit(c, i) ? BLD_TRUE : BLD_FALSE;
    return 1;
}

/* Integer or bool v resized to integer type t (zero/sign extension by v's type). */
int lx_resize(struct lower *lw, const struct lv_value *v, const struct mpcc_type *t,
                  struct lv_value *out)
{
    bld_wire *w = lw_wires(lw, t->width);
    if (w == NULL)
        return 0;
    uint32_t n = v->t->width;
    bld_wire fill = (v->t->kind == TY_INT) ? v->w[n - 1] : BLD_FALSE;
    for (uint32_t i = 0; i < t->width; i++)
        w[i] = i < n ? v->w[i] : fill;
    out->t = t;
    out->w = w;
    return 1;
}

/* The constant fixed-point value whose scaled integer is v. */
static int fixed_const(struct lower *lw, const struct mpcc_type *t, int64_t v, struct lv_value *out)
{
    out->t = t;
    out->w = lw_wires(lw, t->width);
    if (out->w == NULL)
        return 0;
    for (uint32_t i = 0; i < t->width; i++)
        out->w[i] = ((uint64_t)v >> i) & 1 ? BLD_TRUE : BLD_FALSE;
    return 1;
}

/* An untyped or decimal constant as a value of fixed-point type t. */
static int fixed_from_constant(struct lower *lw, struct ast_loc loc, const struct lv_value *v,
                               const struct mpcc_type *t, struct lv_value *out, const char *what)
{
    char a[64], lo[FIXED_TEXT_MAX], hi[FIXED_TEXT_MAX];
    int64_t x = 0;
    size_t used;
    int ok;
    if (v->t->kind == TY_DECIMAL) {
        ok = v->dec != NULL &&
             fixed_parse_signed(v->dec, strlen(v->dec), v->dec_neg, t->width, &x, &used) > 0;
    } else {
        int64_t n;
        ok = ce_fits(&v->c, t->width / 2, 1) && ce_to_i64(&v->c, &n);
        if (ok)
            x = (int64_t)((uint64_t)n << (t->width / 2));
    }
    if (!ok) {
        tname(t, a, sizeof a);
        fixed_range(t->width, lo, hi);
        diag_error(lw->diags, loc, "%s: the constant does not fit in %s (%s..%s)", what, a, lo, hi);
        return 0;
    }
    return fixed_const(lw, t, x, out);
}

int lx_convert(struct lower *lw, struct ast_loc loc, const struct lv_value *v,
               const struct mpcc_type *t, struct lv_value *out, const char *what)
{
    if ((v->t->kind == TY_UNTYPED || v->t->kind == TY_DECIMAL) && t->kind == TY_FIXED)
        return fixed_from_constant(lw, loc, v, t, out, what);
    /* The semantic pass allowed the conversion; what can still fail is an
     * untyped constant it did not know (a loop variable's multiple, say)
     * that does not fit. */
    if (v->t->kind == TY_UNTYPED) {
        if (!ce_fits(&v->c, t->width, t->kind == TY_INT)) {
            char num[200], a[64];
            ce_to_string(&v->c, num, sizeof num);
            tname(t, a, sizeof a);
            diag_error(lw->diags, loc, "%s: constant %s does not fit in %s", what, num, a);
            return 0;
        }
        return from_const(lw, t, &v->c, out);
    }
    if (ty_equal(v->t, t)) {
        *out = *v;
        return 1;
    }
    return lx_resize(lw, v, t, out);
}

/* An array or struct literal as a value of type t. */
static int lx_literal(struct lower *lw, const struct ast_expr *e, const struct mpcc_type *t,
                      struct lv_value *out, const char *what)
{
    bld_wire *w = lw_wires(lw, t->bits);
    if (w == NULL)
        return 0;
    if (e->kind == AE_ARRAY) {
        uint64_t off = 0;
        for (const struct ast_expr *x = e->args; x != NULL; x = x->next) {
            struct lv_value ev;
            if (!lx_expr_to(lw, x, t->elem, &ev, what))
                return 0;
            memcpy(w + off, ev.w, t->elem->bits * sizeof *w);
            off += t->elem->bits;
        }
    } else {
        for (uint32_t i = 0; i < t->n_fields; i++) {
            const struct ast_expr *x = e->args;
            while (strcmp(x->name, t->fields[i].name) != 0)
                x = x->next;
            struct lv_value ev;
            if (!lx_expr_to(lw, x->a, t->fields[i].type, &ev, what))
                return 0;
            memcpy(w + t->fields[i].offset, ev.w, t->fields[i].type->bits * sizeof *w);
        }
    }
    out->t = t;
    out->w = w;
    return 1;
}

int lx_expr_to(struct lower *lw, const struct ast_expr *e, const struct mpcc_type *t,
               struct lv_value *out, const char *what)
{
    if (e->kind == AE_ARRAY || e->kind == AE_STRUCT)
        return lx_literal(lw, e, t, out, what);
    struct lv_value v;
    if (!lx_expr(lw, e, &v))
        return 0;
    return lx_convert(lw, e->loc, &v, t, out, what);
}

int lx_const_int(struct lower *lw, const struct ast_expr *e, struct ce_int *out, const char *what)
{
    struct lv_value v;
    if (!lx_expr(lw, e, &v))
        return 0;
    if (!lx_value_const(&v, out)) {
        diag_error(lw->diags, e->loc, "%s must be a compile-time constant", what);
        return 0;
    }
    return 1;
}

int lx_cond(struct lower *lw, const struct ast_expr *e, bld_wire *w)
{
    struct lv_value v;
    if (!lx_expr(lw, e, &v))
        return 0;
    *w = v.w[0]; /* a bool: the semantic pass checked it */
    return 1;
}

static int lx_name(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_var *v = lw_lookup(lw, e->name);
    if (v == NULL) { /* only a name declared after the call that reads it */
        diag_error(lw->diags, e->loc, "unknown name '%s'", e->name);
        return 0;
    }
    if (v->t->kind == TY_UNTYPED)
        return lx_set_untyped(lw, out, &v->c);
    if (v->t->kind == TY_DECIMAL) {
        *out = (struct lv_value){.t = v->t, .dec = v->dec, .dec_neg = v->dec_neg};
        return 1;
    }
    /* A view of the variable, not a copy: values are never written in
     * place, and no variable changes while an expression is lowered
     * (calls change only their own copies), so reading a[i] of a large
     * array costs nothing. */
    out->t = v->t;
    out->w = v->w;
    return 1;
}

/* Casts to, from and between fixed-point types (x is a typed value). */
static int lx_cast_fixed(struct lower *lw, const struct lv_value *x, const struct mpcc_type *t,
                         struct lv_value *out)
{
    bld_wire *w = lw_wires(lw, t->width);
    if (w == NULL)
        return 0;
    out->t = t;
    out->w = w;
    uint32_t n = x->t->width;
    if (t->kind == TY_FIXED && x->t->kind != TY_FIXED) { /* an integer i: i * 2^F, wrapping */
        uint32_t f = t->width / 2;
        bld_wire fill = x->t->kind == TY_INT ? x->w[n - 1] : BLD_FALSE;
        for (uint32_t i = 0; i < t->width; i++)
            w[i] = i < f ? BLD_FALSE : (i - f < n ? x->w[i - f] : fill);
        return 1;
    }
    uint32_t f = n / 2;
    if (t->kind != TY_FIXED) {
        /* toward zero: floor(v / 2^F), plus one when v < 0 has a fraction */
        bld_wire *q = lw_wires(lw, n - f), *one = lw_wires(lw, n - f);
        if (q == NULL || one == NULL)
            return 0;
        bld_wire frac = BLD_FALSE;
        for (uint32_t i = 0; i < f; i++)
            frac = bld_or(lw->b, frac, x->w[i]);
        bld_wire up = bld_and(lw->b, x->w[n - 1], frac);
        for (uint32_t i = 0; i < n - f; i++)
            one[i] = i == 0 ? up : BLD_FALSE;
        bld_add(lw->b, n - f, x->w + f, one, q);
        const struct mpcc_type *qt = ty_get(lw->tc, TY_INT, n - f);
        if (qt == NULL) {
            lw_nomem(lw);
            return 0;
        }
        struct lv_value qv = {.t = qt, .w = q};
        return lx_resize(lw, &qv, t, out);
    }
    uint32_t f2 = t->width / 2;
    if (f2 >= f) { /* more fraction bits: exact (the integer part may wrap) */
        for (uint32_t i = 0; i < t->width; i++)
            w[i] = i < f2 - f ? BLD_FALSE : (i - (f2 - f) < n ? x->w[i - (f2 - f)] : x->w[n - 1]);
        return 1;
    }
    /* fewer: (v + 2^(d-1)) >> d, rounded to nearest, halves up */
    uint32_t d = f - f2;
    bld_wire *half = lw_wires(lw, n), *r = lw_wires(lw, n);
    if (half == NULL || r == NULL)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        half[i] = i == d - 1 ? BLD_TRUE : BLD_FALSE;
    bld_add(lw->b, n, x->w, half, r);
    for (uint32_t i = 0; i < t->width; i++)
        w[i] = i + d < n ? r[i + d] : r[n - 1];
    return 1;
}

static int lx_cast(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    const struct mpcc_type *t = e->type;
    struct lv_value x;
    if (!lx_expr(lw, e->a, &x))
        return 0;
    if (x.t->kind == TY_DECIMAL && t->kind == TY_FIXED)
        return fixed_from_constant(lw, e->loc, &x, t, out, "cast");
    if (x.t->kind == TY_UNTYPED && t->kind == TY_FIXED) { /* i * 2^F, wrapping like C */
        if (!fixed_const(lw, t, 0, out))
            return 0;
        for (uint32_t i = t->width / 2; i < t->width; i++)
            out->w[i] = ce_bit(&x.c, i - t->width / 2) ? BLD_TRUE : BLD_FALSE;
        return 1;
    }
    if (x.t->kind == TY_FIXED || t->kind == TY_FIXED)
        return lx_cast_fixed(lw, &x, t, out);
    if (x.t->kind == TY_UNTYPED) {
        if (t->kind == TY_BOOL)
            return lx_set_bool(lw, out, ce_is_zero(&x.c) ? BLD_FALSE : BLD_TRUE);
        return from_const(lw, t, &x.c, out); /* wraps, like C */
    }
    if (t->kind == TY_BOOL) {
        if (x.t->kind == TY_BOOL)
            return lx_set_bool(lw, out, x.w[0]);
        bld_wire *z = lw_wires(lw, x.t->width);
        if (z == NULL)
            return 0;
        return lx_set_bool(lw, out, bld_not(lw->b, bld_eq(lw->b, x.t->width, x.w, z)));
    }
    return lx_resize(lw, &x, t, out);
}

/* Reads element(s) of an array by a secret index: a mux tree over the index
 * bits; indices beyond the array read as 0. */
static int lx_index_secret(struct lower *lw, const struct lv_value *arr, const struct lv_value *idx,
                           struct lv_value *out)
{
    const struct mpcc_type *et = arr->t->elem;
    uint64_t eb = et->bits;
    uint32_t len = arr->t->len, m = idx->t->width;
    /* Index bits the tree consumes; a signed index's sign bit never does, so
     * negative indices read 0 like other out-of-range ones. */
    uint32_t used = 0, lim = idx->t->kind == TY_INT ? m - 1 : m;
    while (used < lim && ((uint64_t)1 << used) < len)
        used++;
    uint64_t cnt = len;
    bld_wire *cur = lw_wires(lw, cnt * eb);
    if (cur == NULL)
        return 0;
    memcpy(cur, arr->w, cnt * eb * sizeof *cur);
    for (uint32_t bit = 0; bit < used; bit++) {
        uint64_t next = (cnt + 1) / 2;
        bld_wire *nw = lw_wires(lw, next * eb);
        if (nw == NULL)
            return 0;
        for (uint64_t j = 0; j < next; j++) {
            const bld_wire *lo = cur + 2 * j * eb;
            if (2 * j + 1 < cnt) {
                bld_mux_word(lw->b, (uint32_t)eb, idx->w[bit], cur + (2 * j + 1) * eb, lo, nw + j * eb);
            } else {
                bld_wire nb = bld_not(lw->b, idx->w[bit]);
                for (uint64_t k = 0; k < eb; k++)
                    nw[j * eb + k] = bld_and(lw->b, nb, lo[k]);
            }
        }
        cur = nw;
        cnt = next;
    }
    /* cnt == 1 here unless the index is narrower than the array needs. */
    if (m > used) {
        bld_wire any = BLD_FALSE;
        for (uint32_t bit = used; bit < m; bit++)
            any = bld_or(lw->b, any, idx->w[bit]);
        bld_wire ok = bld_not(lw->b, any);
        for (uint64_t k = 0; k < eb; k++)
            cur[k] = bld_and(lw->b, ok, cur[k]);
    }
    out->t = et;
    out->w = cur;
    return 1;
}

/* An untyped constant array's element (or row, for a further index) by
 * public indices known now: the semantic pass let loop variables through,
 * typing the element untyped and the rows unknown. */
static const struct ast_expr *lx_literal_pick(struct lower *lw, const struct ast_expr *e)
{
    const struct ast_expr *lit = e->a->kind == AE_ARRAY ? e->a : lx_literal_pick(lw, e->a);
    if (lit == NULL)
        return NULL;
    struct ce_int c;
    int64_t k = -1, n = 0;
    if (!lx_const_int(lw, e->b, &c, "index"))
        return NULL;
    const struct ast_expr *x = lit->kind == AE_ARRAY ? lit->args : NULL;
    if (ce_to_i64(&c, &k))
        for (; x != NULL && n < k; x = x->next)
            n++;
    if (lit->kind != AE_ARRAY || k < 0 || x == NULL) {
        char num[200];
        ce_to_string(&c, num, sizeof num);
        for (n = 0, x = lit->kind == AE_ARRAY ? lit->args : NULL; x != NULL; x = x->next)
            n++;
        diag_error(lw->diags, e->b->loc, "index %s is out of range for a constant array %s%lld elements",
                   num, lit->kind == AE_ARRAY ? "of " : "row of ", (long long)n);
        return NULL;
    }
    return x;
}

static int lx_index(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_value arr, idx;
    char a[64];
    /* A constant array's element by a loop variable: the semantic pass left
     * the literal untyped (or marked the row as unknown) and gave the pick
     * the elements' common type. */
    if ((e->a->kind == AE_ARRAY && e->a->type == NULL) ||
        (e->a->kind == AE_INDEX && e->a->type != NULL && e->a->type->kind == TY_UNKNOWN)) {
        const struct ast_expr *x = lx_literal_pick(lw, e);
        if (x == NULL)
            return 0;
        if (e->type->kind == TY_UNTYPED)
            return lx_expr(lw, x, out);
        return lx_expr_to(lw, x, e->type, out, "constant array element");
    }
    if (!lx_expr(lw, e->a, &arr) || !lx_expr(lw, e->b, &idx))
        return 0;
    struct ce_int c;
    if (lx_value_const(&idx, &c)) {
        int64_t k;
        if (!ce_to_i64(&c, &k) || k < 0 || k >= arr.t->len) {
            char num[200];
            ce_to_string(&c, num, sizeof num);
            tname(arr.t, a, sizeof a);
            diag_error(lw->diags, e->b->loc, "index %s is out of range for %s", num, a);
            return 0;
        }
        out->t = arr.t->elem;
        out->w = arr.w + (uint64_t)k * arr.t->elem->bits;
        return 1;
    }
    return lx_index_secret(lw, &arr, &idx, out);
}

static int lx_field(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_value s;
    if (!lx_expr(lw, e->a, &s))
        return 0;
    uint32_t i = 0;
    while (strcmp(s.t->fields[i].name, e->name) != 0) /* the semantic pass found it */
        i++;
    out->t = s.t->fields[i].type;
    out->w = s.w + s.t->fields[i].offset;
    return 1;
}

static int lx_expr_kind(struct lower *lw, const struct ast_expr *e, struct lv_value *out);

int lx_expr(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    if (lw->oom || lw->stop)
        return 0;
    if (lw->depth >= LOWER_MAX_NESTING) {
        diag_error(lw->diags, e->loc, "expression nested too deeply (limit %d)", LOWER_MAX_NESTING);
        lw->stop = 1;
        return 0;
    }
    if (lw->n_leaves > 0) { /* a leaf of the expression being built as a subcircuit */
        int r = lx_leaf(lw, e, out);
        if (r >= 0)
            return r;
    }
    lw->depth++;
    int ok = lx_expr_kind(lw, e, out);
    lw->depth--;
    /* A ?: whose condition folded gives its branch's value: bring it to the
     * static type (an untyped branch of a typed ?:, a narrower branch). */
    if (ok && e->type == NULL) {
        diag_error(lw->diags, e->loc, "internal error: this expression was not type-checked");
        ok = 0;
    } else if (ok && !ty_equal(out->t, e->type)) {
        ok = lx_convert(lw, e->loc, out, e->type, out, e->kind == AE_COND ? "operator '?'" : "value");
        if (ok && !ty_equal(out->t, e->type)) {
            diag_error(lw->diags, e->loc, "internal error: lowering disagrees with the type checker here");
            ok = 0;
        }
    }
    return ok;
}

static int lx_expr_kind(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    switch (e->kind) {
    case AE_INT: {
        struct ce_int c;
        int bad;
        if (!ce_parse(&c, e->text, &bad)) /* the semantic pass reported it */
            return 0;
        return lx_set_untyped(lw, out, &c);
    }
    case AE_BOOL:
        return lx_set_bool(lw, out, e->op ? BLD_TRUE : BLD_FALSE);
    case AE_DEC:
        *out = (struct lv_value){.t = ty_get(lw->tc, TY_DECIMAL, 0), .dec = e->text};
        if (out->t == NULL)
            lw_nomem(lw);
        return out->t != NULL;
    case AE_NAME:
        return lx_name(lw, e, out);
    case AE_UNARY:
        return lx_unary(lw, e, out);
    case AE_BINARY:
        return lx_binary(lw, e, out);
    case AE_COND:
        return lx_cond_expr(lw, e, out);
    case AE_CALL:
        return ls_call(lw, e, out);
    case AE_CAST:
        return lx_cast(lw, e, out);
    case AE_INDEX:
        return lx_index(lw, e, out);
    case AE_FIELD:
        return lx_field(lw, e, out);
    case AE_ARRAY:
    case AE_STRUCT:
        return lx_literal(lw, e, e->type, out, "literal");
    case AE_BUILTIN: { /* bit_width(x); fx_raw(x), fx_from_raw(x): the same wires */
        if (e->op != AB_FN_BIT_WIDTH) {
            if (!lx_expr(lw, e->args, out))
                return 0;
            out->t = e->type;
            return 1;
        }
        struct ce_int c;
        char what[96];
        snprintf(what, sizeof what, "the argument of '%s'", e->name);
        if (!lx_const_int(lw, e->args, &c, what))
            return 0;
        if (ce_is_neg(&c)) {
            diag_error(lw->diags, e->args->loc, "the argument of '%s' must not be negative", e->name);
            return 0;
        }
        ce_from_i64(&c, ce_bit_width(&c));
        return lx_set_untyped(lw, out, &c);
    }
    case AE_FIELD_INIT:
        break;
    }
    return 0;
}
