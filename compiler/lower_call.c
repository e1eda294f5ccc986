/* lower_call.c - function calls: arity and argument types checked in the
 * caller's scope, recursion detected on the chain of inlined calls (the
 * cycle is named), and the body inlined in a frame of its own with a return
 * value and a "returned" wire. Statement lowering is in lower_stmt.c. */
#include <stdio.h>
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
    return ls_inline(lw, fn, call->loc, args, out);
}

int ls_inline(struct lower *lw, const struct lv_fn *fn, struct ast_loc call_loc,
              const struct lv_value *args, struct lv_value *out)
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
    lw->frame = &fr;
    lw->call_depth++;
    int ok = 1;
    i = 0;
    for (p = it->fields; ok && p != NULL; p = p->next, i++)
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
