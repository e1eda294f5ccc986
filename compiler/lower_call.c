/* lower_call.c - function calls: the function (or generic instance) the
 * semantic pass resolved is inlined in a frame of its own, with its
 * arguments converted to the parameter types, its generic parameters bound
 * to their values, a return value and a "returned" wire. (Statements
 * around calls may become subcircuits: lower_sub.c.) Statement lowering is
 * in lower_stmt.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static void ls_free_vars(struct lv_var *v)
{
    while (v != NULL) {
        struct lv_var *n = v->next;
        lw_var_free(v);
        v = n;
    }
}

/* The variable that binds a generic parameter in the function's frame. */
static struct lv_var *ls_bind(struct lower *lw, const char *name, struct ast_loc loc, int64_t value,
                              struct lv_var *next)
{
    struct lv_var *v = calloc(1, sizeof *v);
    if (v == NULL) {
        lw_nomem(lw);
        return NULL;
    }
    v->name = name;
    v->loc = loc;
    v->readonly = 1;
    v->kind = LV_CONST;
    v->t = lx_t_untyped(lw);
    ce_from_i64(&v->c, value);
    v->next = next;
    if (v->t == NULL) {
        free(v);
        return NULL;
    }
    return v;
}

int ls_call(struct lower *lw, const struct ast_expr *call, struct lv_value *out)
{
    const struct ast_fn_inst *fn = call->callee;
    if (fn == NULL) {
        diag_error(lw->diags, call->loc, "internal error: this call was not type-checked");
        return 0;
    }
    for (const struct lv_frame *f = lw->frame; f != NULL; f = f->parent) {
        if (f->fn->item->name == fn->item->name) { /* the type checker reports recursion first */
            diag_error(lw->diags, call->loc, "recursive call of '%s'", fn->item->name);
            return 0;
        }
    }
    if (lw->call_depth >= LOWER_MAX_CALL_DEPTH) {
        diag_error(lw->diags, call->loc, "calls nested too deeply (limit %d)", LOWER_MAX_CALL_DEPTH);
        return 0;
    }
    const struct ast_item *it = fn->item;
    uint32_t n_args = 0, i;
    for (const struct ast_expr *a = call->args; a != NULL; a = a->next)
        n_args++;
    struct lv_value *args = ast_alloc(&lw->scratch, (n_args ? n_args : 1) * sizeof *args);
    int64_t *consts = ast_alloc(&lw->scratch, (n_args ? n_args : 1) * sizeof *consts);
    if (args == NULL || consts == NULL) {
        lw_nomem(lw);
        return 0;
    }
    /* Arguments are lowered in the caller's scope; a `const K` argument must
     * be public here. */
    char what[96];
    const struct ast_field *p = it->fields;
    i = 0;
    for (const struct ast_expr *a = call->args; a != NULL; a = a->next, p = p->next, i++) {
        if (p->tref != NULL) {
            snprintf(what, sizeof what, "argument %u of '%s'", i + 1, it->name);
            if (!lx_expr_to(lw, a, p->type, &args[i], what))
                return 0;
            continue;
        }
        struct ce_int c;
        snprintf(what, sizeof what, "argument %u of '%s' (const %s)", i + 1, it->name, p->name);
        if (!lx_const_int(lw, a, &c, what))
            return 0;
        if (!ce_to_i64(&c, &consts[i]) || consts[i] < 0 || consts[i] > ((int64_t)1 << 30)) {
            diag_error(lw->diags, a->loc, "%s must be between 0 and 2^30", what);
            return 0;
        }
        for (uint32_t k = 0; k < fn->n_binds; k++) {
            const struct ast_binding *b = &fn->binds[k];
            if (b->kind == AB_INT && strcmp(b->name, p->name) == 0 && b->value != consts[i]) {
                diag_error(lw->diags, a->loc, "the arguments of '%s' disagree on %s (%lld and %lld)", it->name,
                           p->name, (long long)b->value, (long long)consts[i]);
                return 0;
            }
        }
    }
    /* Sizes, widths and constants of a generic instance (types need no
     * variable: the tree carries them). */
    struct lv_var *binds = NULL;
    for (uint32_t k = 0; k < fn->n_binds; k++) {
        const struct ast_binding *b = &fn->binds[k];
        int64_t value = b->value;
        if (b->kind == AB_TYPE)
            continue;
        if (b->kind == AB_ARG) {
            i = 0;
            for (p = it->fields; p != NULL && !(p->tref == NULL && strcmp(p->name, b->name) == 0); p = p->next)
                i++;
            value = consts[i];
        }
        struct lv_var *v = ls_bind(lw, b->name, it->loc, value, binds);
        if (v == NULL) {
            ls_free_vars(binds);
            return 0;
        }
        binds = v;
    }
    return ls_inline(lw, fn, call->loc, args, binds, out);
}

int ls_inline(struct lower *lw, const struct ast_fn_inst *fn, struct ast_loc call_loc,
              const struct lv_value *args, struct lv_var *binds, struct lv_value *out)
{
    const struct ast_item *it = fn->item;
    const struct ast_field *p;
    uint32_t i;
    size_t errors_before = diag_count(lw->diags);
    uint32_t caller_tag = lw->cur_tag;

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
        fr.ret_t = fn->ret_type;
        ok = fr.returned != NULL;
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
