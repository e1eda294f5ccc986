/* lower_call.c - function calls: arity and argument types checked in the
 * caller's scope, recursion detected on the chain of inlined calls (the
 * cycle is named), and the body inlined in a frame of its own with a return
 * value and a "returned" wire. Statement lowering is in lower_stmt.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static void ls_cycle(struct lower *lw, const struct lv_fn *fn, char *buf, size_t len)
{
    /* Frames from the outermost call of fn inwards, then fn again. */
    const struct lv_frame *chain[LOWER_MAX_CALL_DEPTH + 1];
    int n = 0;
    for (const struct lv_frame *f = lw->frame; f != NULL && n <= LOWER_MAX_CALL_DEPTH; f = f->parent) {
        chain[n++] = f;
        if (f->fn == fn)
            break;
    }
    size_t o = 0;
    buf[0] = '\0';
    for (int i = n - 1; i >= 0 && o < len; i--) {
        int k = snprintf(buf + o, len - o, "%s -> ", chain[i]->fn->item->name);
        if (k < 0)
            break;
        o += (size_t)k;
    }
    if (o < len)
        snprintf(buf + o, len - o, "%s", fn->item->name);
}

/* ---- generic functions: fn f<N, W, T>(uint<W> a[N], T b) ----
 * A generic parameter is bound by the arguments: a bare name as an array size
 * takes the argument's length, as the width of uint<W> / int<W> the widest
 * argument width of that signedness, as a type name the argument's type (minus
 * the parameter's array sizes). Untyped constants bind nothing. */

static const struct ast_name *gen_find(const struct ast_item *it, const struct ast_expr *e)
{
    if (e == NULL || e->kind != AE_NAME)
        return NULL;
    for (const struct ast_name *g = it->generics; g != NULL; g = g->next)
        if (strcmp(g->name, e->name) == 0)
            return g;
    return NULL;
}

static const struct ast_name *gen_find_type(const struct ast_item *it, const struct ast_tref *tr)
{
    if (tr->kind != ATR_NAMED)
        return NULL;
    for (const struct ast_name *g = it->generics; g != NULL; g = g->next)
        if (strcmp(g->name, tr->name) == 0)
            return g;
    return NULL;
}

static uint32_t gen_index(const struct ast_item *it, const struct ast_name *g)
{
    uint32_t k = 0;
    for (const struct ast_name *x = it->generics; x != g; x = x->next)
        k++;
    return k;
}

enum { GB_NONE, GB_SIZE, GB_WIDTH, GB_TYPE };
struct gen_binding {
    int how;  /* GB_*: what bound it */
    int64_t n; /* size or width */
    const struct mpcc_type *t;
};

void ls_check_generics(struct lower *lw, const struct ast_item *it)
{
    for (const struct ast_field *p = it->fields; p != NULL; p = p->next) {
        if (p->tref != NULL)
            continue;
        const struct ast_name *g = it->generics;
        while (g != NULL && strcmp(g->name, p->name) != 0)
            g = g->next;
        if (g == NULL)
            diag_error(lw->diags, p->loc,
                       "parameter 'const %s' of '%s' must name one of its generic parameters "
                       "(fn %s<%s, ...>(..., const %s))",
                       p->name, it->name, it->name, p->name, p->name);
    }
    for (const struct ast_name *g = it->generics; g != NULL; g = g->next) {
        for (const struct ast_name *h = it->generics; h != g; h = h->next)
            if (strcmp(h->name, g->name) == 0)
                diag_error(lw->diags, g->loc, "generic parameter '%s' of '%s' is declared twice", g->name,
                           it->name);
        int used = 0;
        for (const struct ast_field *p = it->fields; p != NULL && !used; p = p->next) {
            if (p->tref == NULL) { /* const K */
                used = strcmp(p->name, g->name) == 0;
                continue;
            }
            used = gen_find_type(it, p->tref) == g || gen_find(it, p->tref->width_expr) == g;
            for (const struct ast_expr *d = p->dims; d != NULL && !used; d = d->next)
                used = gen_find(it, d) == g;
        }
        if (!used)
            diag_error(lw->diags, g->loc,
                       "generic parameter '%s' of '%s' cannot be inferred: use it alone as an array size "
                       "(a[%s]), a width (uint<%s>) or a type (%s x) of a parameter",
                       g->name, it->name, g->name, g->name, g->name);
    }
}

/* Binds what parameter p's type says about the argument's type t. */
static int gen_infer(struct lower *lw, const struct ast_item *it, const struct ast_field *p,
                     const struct mpcc_type *t, struct gen_binding *b, struct ast_loc loc)
{
    if (p->tref == NULL || t->kind == TY_UNTYPED)
        return 1;
    for (const struct ast_expr *d = p->dims; d != NULL; d = d->next) {
        if (t->kind != TY_ARRAY)
            return 1; /* the conversion reports the mismatch */
        const struct ast_name *g = gen_find(it, d);
        if (g != NULL) {
            struct gen_binding *x = &b[gen_index(it, g)];
            if (x->how == GB_SIZE && x->n != (int64_t)t->len) {
                diag_error(lw->diags, loc, "the arguments of '%s' disagree on its array size %s (%lld and %u)",
                           it->name, g->name, (long long)x->n, t->len);
                return 0;
            }
            x->how = GB_SIZE;
            x->n = t->len;
        }
        t = t->elem;
    }
    const struct ast_name *g = gen_find(it, p->tref->width_expr);
    if (g != NULL) {
        struct gen_binding *x = &b[gen_index(it, g)];
        int want = p->tref->kind == ATR_UINT ? TY_UINT : TY_INT;
        if ((int)t->kind == want && x->how != GB_SIZE && (x->how == GB_NONE || x->n < (int64_t)t->width)) {
            x->how = GB_WIDTH;
            x->n = t->width;
        }
    }
    g = gen_find_type(it, p->tref);
    if (g != NULL) {
        struct gen_binding *x = &b[gen_index(it, g)];
        if (x->how == GB_TYPE && !ty_equal(x->t, t)) {
            char a[64], c[64];
            ty_name(x->t, a, sizeof a);
            ty_name(t, c, sizeof c);
            diag_error(lw->diags, loc, "the arguments of '%s' disagree on its type %s (%s and %s)", it->name,
                       g->name, a, c);
            return 0;
        }
        x->how = GB_TYPE;
        x->t = t;
    }
    return 1;
}

static void gen_free(struct lv_var *v)
{
    while (v != NULL) {
        struct lv_var *n = v->next;
        lw_var_free(v);
        v = n;
    }
}

static int ls_call_generic(struct lower *lw, const struct lv_fn *fn, const struct ast_expr *call,
                           uint32_t n_args, struct lv_value *out)
{
    const struct ast_item *it = fn->item;
    uint32_t n_gen = 0, i;
    for (const struct ast_name *g = it->generics; g != NULL; g = g->next)
        n_gen++;
    struct lv_value *vals = ast_alloc(&lw->scratch, (n_args ? n_args : 1) * sizeof *vals);
    struct lv_value *args = ast_alloc(&lw->scratch, (n_args ? n_args : 1) * sizeof *args);
    struct gen_binding *b = ast_alloc(&lw->scratch, n_gen * sizeof *b);
    if (vals == NULL || args == NULL || b == NULL) {
        lw_nomem(lw);
        return 0;
    }
    /* Arguments are evaluated in the caller's scope, without a target type. */
    const struct ast_expr *a;
    const struct ast_field *p;
    /* Array literals have no type of their own: they bind only their length
     * and are lowered once the parameter's type is known. */
    for (a = call->args, p = it->fields, i = 0; a != NULL; a = a->next, p = p->next, i++) {
        if (p->tref == NULL) { /* const K: a compile-time integer */
            struct ce_int c;
            int64_t v;
            char what[96];
            snprintf(what, sizeof what, "argument %u of '%s' (const %s)", i + 1, it->name, p->name);
            if (!lx_const_int(lw, a, &c, what))
                return 0;
            if (!ce_to_i64(&c, &v) || v < 0 || v > ((int64_t)1 << 30)) {
                diag_error(lw->diags, a->loc, "%s must be between 0 and 2^30", what);
                return 0;
            }
            uint32_t k = 0;
            const struct ast_name *g = it->generics;
            while (g != NULL && strcmp(g->name, p->name) != 0)
                g = g->next, k++;
            if (g == NULL)
                return 0; /* reported at the definition */
            if (b[k].how != GB_NONE && b[k].n != v) {
                diag_error(lw->diags, a->loc, "the arguments of '%s' disagree on %s (%lld and %lld)",
                           it->name, p->name, (long long)b[k].n, (long long)v);
                return 0;
            }
            b[k].how = GB_SIZE;
            b[k].n = v;
            vals[i].t = NULL;
            continue;
        }
        if (a->kind != AE_ARRAY && !lx_expr(lw, a, &vals[i]))
            return 0;
    }
    for (a = call->args, p = it->fields, i = 0; a != NULL; a = a->next, p = p->next, i++) {
        if (p->tref != NULL && a->kind != AE_ARRAY && !gen_infer(lw, it, p, vals[i].t, b, a->loc))
            return 0;
        /* An array literal gives its length to a generic outer size. */
        const struct ast_name *g = p->tref != NULL && a->kind == AE_ARRAY ? gen_find(it, p->dims) : NULL;
        if (g != NULL) {
            int64_t len = 0;
            for (const struct ast_expr *x = a->args; x != NULL; x = x->next)
                len++;
            struct gen_binding *x = &b[gen_index(it, g)];
            if (x->how == GB_SIZE && x->n != len) {
                diag_error(lw->diags, a->loc, "the arguments of '%s' disagree on its array size %s (%lld and %lld)",
                           it->name, g->name, (long long)x->n, (long long)len);
                return 0;
            }
            x->how = GB_SIZE;
            x->n = len;
        }
    }
    struct lv_var *binds = NULL;
    const struct ast_name *g;
    for (g = it->generics, i = 0; g != NULL; g = g->next, i++) {
        if (b[i].how == GB_NONE) {
            diag_error(lw->diags, call->loc,
                       "cannot infer '%s' for this call of '%s' from its arguments (constants bind "
                       "nothing: cast a constant, e.g. uint32(5), or pass a declared array)",
                       g->name, it->name);
            gen_free(binds);
            return 0;
        }
        struct lv_var *v = calloc(1, sizeof *v);
        if (v == NULL) {
            gen_free(binds);
            lw_nomem(lw);
            return 0;
        }
        v->name = g->name;
        v->loc = g->loc;
        v->readonly = 1;
        if (b[i].how == GB_TYPE) {
            v->kind = LV_TYPE;
            v->t = b[i].t;
        } else {
            v->kind = LV_CONST;
            v->t = lx_t_untyped(lw);
            ce_from_i64(&v->c, b[i].n);
        }
        v->next = binds;
        binds = v;
        if (v->t == NULL) {
            gen_free(binds);
            return 0;
        }
    }
    /* Parameter types under the bindings; arguments converted to them. */
    char what[96];
    int ok = 1;
    for (p = it->fields, a = call->args, i = 0; ok && p != NULL; p = p->next, a = a->next, i++) {
        if (p->tref == NULL)
            continue; /* const K: bound above, no variable */
        lw->generic_env = binds;
        const struct mpcc_type *t = lw_resolve_type(lw, p->tref, p->dims);
        lw->generic_env = NULL;
        snprintf(what, sizeof what, "argument %u of '%s'", i + 1, it->name);
        if (t == NULL)
            ok = 0;
        else if (a->kind == AE_ARRAY)
            ok = lx_expr_to(lw, a, t, &args[i], what);
        else
            ok = lx_convert(lw, a->loc, &vals[i], t, &args[i], what);
    }
    if (!ok) {
        gen_free(binds);
        return 0;
    }
    return ls_inline(lw, fn, call->loc, args, binds, out);
}

int ls_call(struct lower *lw, const struct ast_expr *call, struct lv_value *out)
{
    const struct lv_fn *fn = lw_find_fn(lw, call->name);
    if (fn == NULL) {
        if (lw_lookup(lw, call->name) != NULL)
            diag_error(lw->diags, call->loc, "'%s' is not a function", call->name);
        else
            diag_error(lw->diags, call->loc, "unknown function '%s'", call->name);
        return 0;
    }
    for (const struct lv_frame *f = lw->frame; f != NULL; f = f->parent) {
        if (f->fn == fn) {
            char cyc[256];
            ls_cycle(lw, fn, cyc, sizeof cyc);
            diag_error(lw->diags, call->loc,
                       "recursive call: %s (functions are inlined, so recursion is not supported)", cyc);
            return 0;
        }
    }
    if (lw->call_depth >= LOWER_MAX_CALL_DEPTH) {
        diag_error(lw->diags, call->loc, "calls nested too deeply (limit %d)", LOWER_MAX_CALL_DEPTH);
        return 0;
    }
    const struct ast_item *it = fn->item;
    uint32_t n_params = 0, n_args = 0;
    for (const struct ast_field *p = it->fields; p != NULL; p = p->next)
        n_params++;
    for (const struct ast_expr *a = call->args; a != NULL; a = a->next)
        n_args++;
    if (n_args != n_params) {
        diag_error(lw->diags, call->loc, "function '%s' takes %u argument%s but %u %s given", it->name,
                   n_params, n_params == 1 ? "" : "s", n_args, n_args == 1 ? "was" : "were");
        return 0;
    }
    if (it->generics != NULL)
        return ls_call_generic(lw, fn, call, n_args, out);
    struct lv_value *args = n_args ? ast_alloc(&lw->scratch, n_args * sizeof *args) : NULL;
    if (n_args && args == NULL) {
        lw_nomem(lw);
        return 0;
    }
    /* Parameter types are resolved and arguments converted in the caller's
     * scope (so array literals can be arguments). */
    uint32_t i = 0;
    char what[96];
    const struct ast_field *p = it->fields;
    for (const struct ast_expr *a = call->args; a != NULL; a = a->next, p = p->next, i++) {
        const struct mpcc_type *t = lw_resolve_type(lw, p->tref, p->dims);
        snprintf(what, sizeof what, "argument %u of '%s'", i + 1, it->name);
        if (t == NULL || !lx_expr_to(lw, a, t, &args[i], what))
            return 0;
    }
    return ls_inline(lw, fn, call->loc, args, NULL, out);
}

int ls_inline(struct lower *lw, const struct lv_fn *fn, struct ast_loc call_loc,
              const struct lv_value *args, struct lv_var *binds, struct lv_value *out)
{
    const struct ast_item *it = fn->item;
    const struct ast_field *p;
    uint32_t i;
    size_t errors_before = diag_count(lw->diags);
    uint32_t caller_tag = lw->cur_tag;

    ((struct lv_fn *)fn)->called = 1;
    struct lv_frame fr = { 0 };
    fr.fn = fn;
    fr.call_loc = call_loc;
    fr.parent = lw->frame;
    fr.locals = binds;
    lw->frame = &fr;
    lw->call_depth++;
    int ok = 1;
    i = 0;
    for (p = it->fields; ok && p != NULL; p = p->next, i++)
        if (p->tref != NULL) /* a const parameter is the generic binding itself */
            ok = lw_declare(lw, p->name, p->loc, args[i].t, args[i].w) != NULL;
    bld_wire f = BLD_FALSE;
    const struct mpcc_type *bt = lw_scalar(lw, TY_BOOL, 1);
    if (ok && bt != NULL) {
        fr.returned = lw_declare(lw, "$returned", it->loc, bt, &f);
        fr.ret_t = it->tref ? lw_resolve_type(lw, it->tref, it->dims) : lw_scalar(lw, TY_VOID, 0);
        ok = fr.returned != NULL && fr.ret_t != NULL;
        if (ok && fr.ret_t->kind != TY_VOID) {
            fr.ret = lw_declare(lw, "$return", it->loc, fr.ret_t, NULL);
            ok = fr.ret != NULL;
        }
    } else {
        ok = 0;
    }
    if (ok) {
        fr.returned->readonly = 1;
        if (fr.ret)
            fr.ret->readonly = 1;
        ok = ls_stmt(lw, it->body) || (!lw->oom && !lw->stop);
        ok = ok && !lw->oom && !lw->stop;
    }
    if (ok && fr.ret != NULL && diag_count(lw->diags) == errors_before) {
        bld_wire r = fr.returned->w[0];
        if (r == BLD_FALSE)
            diag_error(lw->diags, it->name_loc, "function '%s' can reach its end without returning a value",
                       it->name);
        else if (r != BLD_TRUE)
            diag_error(lw->diags, it->name_loc, "function '%s' does not return a value on every path",
                       it->name);
    }
    if (ok) {
        out->t = fr.ret_t;
        out->w = NULL;
        if (fr.ret != NULL) {
            out->w = lw_wires(lw, fr.ret_t->bits);
            if (out->w == NULL)
                ok = 0;
            else
                memcpy(out->w, fr.ret->w, fr.ret_t->bits * sizeof *out->w);
        }
    }
    while (fr.locals != NULL) {
        struct lv_var *v = fr.locals;
        fr.locals = v->next;
        lw_var_free(v);
    }
    lw->frame = fr.parent;
    lw->call_depth--;
    lw->cur_tag = caller_tag;
    bld_set_tag(lw->b, caller_tag);
    return ok;
}
