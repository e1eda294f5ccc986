/* lower.c - the top of lowering: scopes and variables, and the program's
 * items in order (parties, constants, inputs, top-level statements,
 * outputs, imported modules), recording the typed interface. Names and
 * types were checked by the semantic pass (sema.c). Expressions and
 * statements are in lower_expr.c / lower_stmt.c; files in compile.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

void lw_nomem(struct lower *lw)
{
    lw->oom = 1;
}

bld_wire *lw_wires(struct lower *lw, uint64_t n)
{
    bld_wire *w = ast_alloc(&lw->scratch, (size_t)(n ? n : 1) * sizeof *w);
    if (w == NULL)
        lw_nomem(lw);
    return w;
}

const struct mpcc_type *lw_scalar(struct lower *lw, enum ty_kind k, uint32_t width)
{
    const struct mpcc_type *t = ty_get(lw->tc, k, width);
    if (t == NULL)
        lw_nomem(lw);
    return t;
}

struct lv_var *lw_lookup(struct lower *lw, const char *name)
{
    if (lw->frame != NULL)
        for (struct lv_var *v = lw->frame->locals; v != NULL; v = v->next)
            if (strcmp(v->name, name) == 0)
                return v;
    for (struct lv_var *v = lw->globals; v != NULL; v = v->next) {
        /* Inside a function only the program's top-level names are visible. */
        if (lw->frame != NULL && v->block_depth > 0)
            continue;
        if (strcmp(v->name, name) == 0)
            return v;
    }
    return NULL;
}

struct lv_var *lw_declare(struct lower *lw, const char *name, struct ast_loc loc,
                          const struct mpcc_type *t, const bld_wire *w)
{
    if (t == NULL) {
        lw_nomem(lw);
        return NULL;
    }
    struct lv_var *v = calloc(1, sizeof *v);
    if (v == NULL) {
        lw_nomem(lw);
        return NULL;
    }
    if (t->kind != TY_UNTYPED && t->kind != TY_VOID) {
        v->w = calloc(t->bits ? t->bits : 1, sizeof *v->w);
        if (v->w == NULL) {
            free(v);
            lw_nomem(lw);
            return NULL;
        }
        if (w != NULL)
            memcpy(v->w, w, t->bits * sizeof *w);
    }
    v->name = name;
    v->t = t;
    v->loc = loc;
    v->level = lw->level;
    struct lv_var **scope;
    if (lw->frame != NULL) {
        scope = &lw->frame->locals;
        v->block_depth = lw->frame->block_depth;
    } else {
        scope = &lw->globals;
        v->block_depth = lw->block_depth;
    }
    v->next = *scope;
    *scope = v;
    return v;
}

void lw_var_free(struct lv_var *v)
{
    if (v == NULL)
        return;
    free(v->w);
    free(v);
}

void lw_set_tag(struct lower *lw, struct ast_stmt *s)
{
    if (s->tag == 0) {
        const char *fn = lw->frame ? lw->frame->fn->item->name : "";
        uint32_t k;
        for (k = 0; k < lw->n_tags; k++)
            if (lw->tags[k].line == s->loc.line && lw->tags[k].fn == fn && lw->tags[k].file == s->loc.file)
                break;
        if (k == lw->n_tags) {
            if (lw->n_tags == lw->cap_tags) {
                uint32_t cap = lw->cap_tags ? lw->cap_tags * 2 : 64;
                struct lv_tag *t = realloc(lw->tags, cap * sizeof *t);
                if (t == NULL) {
                    lw_nomem(lw);
                    return;
                }
                lw->tags = t;
                lw->cap_tags = cap;
            }
            lw->tags[k].fn = fn;
            lw->tags[k].file = s->loc.file;
            lw->tags[k].line = s->loc.line;
            lw->n_tags++;
        }
        s->tag = k + 1;
    }
    lw->cur_tag = s->tag;
    bld_set_tag(lw->b, s->tag);
}

/* ---- items ---- */

static int64_t lw_party(struct lower *lw, const char *name)
{
    for (uint32_t i = 0; i < lw->n_parties; i++)
        if (strcmp(lw->parties[i].name, name) == 0)
            return i;
    return -1;
}

static void lw_item_party(struct lower *lw, const struct ast_item *it)
{
    for (const struct ast_name *n = it->names; n != NULL; n = n->next) {
        struct lv_party *p = realloc(lw->parties, (lw->n_parties + 1) * sizeof *p);
        if (p == NULL) {
            lw_nomem(lw);
            return;
        }
        lw->parties = p;
        p[lw->n_parties].name = n->name;
        p[lw->n_parties].loc = n->loc;
        lw->n_parties++;
    }
}

/* The value must be a compile-time constant: whether it is, only the
 * builder's constant folding tells. */
static void lw_item_const(struct lower *lw, const struct ast_item *it)
{
    struct lv_value v;
    struct ce_int c;
    if (it->tref == NULL && it->value->kind == AE_ARRAY)
        return; /* an untyped constant array: the semantic pass put its literal at every use */
    if (it->tref != NULL) { /* typed: built as that type, every bit constant */
        if (!lx_expr_to_top(lw, it->value, it->type, &v, "constant"))
            return;
        for (uint64_t i = 0; i < it->type->bits; i++)
            if (!bld_is_const(v.w[i])) {
                diag_error(lw->diags, it->value->loc,
                           "the value of constant '%s' must be known at compile time", it->name);
                return;
            }
        struct lv_var *var = lw_declare(lw, it->name, it->name_loc, it->type, v.w);
        if (var != NULL) {
            (void)lx_value_const(&v, &var->c);
            var->readonly = 1;
            var->kind = LV_CONST;
        }
        return;
    }
    if (!lx_expr(lw, it->value, &v))
        return;
    if (v.t->kind == TY_DECIMAL) { /* typed where it is used */
        struct lv_var *var = lw_declare(lw, it->name, it->name_loc, v.t, NULL);
        if (var != NULL) {
            var->dec = v.dec;
            var->dec_neg = v.dec_neg;
            var->readonly = 1;
            var->kind = LV_CONST;
        }
        return;
    }
    if (v.t->kind == TY_UNTYPED || lx_value_const(&v, &c)) {
        struct lv_var *var = lw_declare(lw, it->name, it->name_loc, v.t, v.w);
        if (var != NULL) {
            var->c = v.c;
            var->readonly = 1;
            var->kind = LV_CONST;
        }
        return;
    }
    diag_error(lw->diags, it->value->loc, "the value of constant '%s' must be known at compile time",
               it->name);
}

static void lw_item_input(struct lower *lw, const struct ast_item *it)
{
    const struct mpcc_type *t = it->type;
    if (lw->n_inputs == lw->cap_inputs) {
        uint32_t cap = lw->cap_inputs ? lw->cap_inputs * 2 : 8;
        struct lv_input *in = realloc(lw->inputs, cap * sizeof *in);
        if (in == NULL) {
            lw_nomem(lw);
            return;
        }
        lw->inputs = in;
        lw->cap_inputs = cap;
    }
    struct lv_var *v = lw_declare(lw, it->name, it->name_loc, t, NULL);
    if (v == NULL)
        return;
    v->readonly = 1;
    v->kind = LV_INPUT;
    bld_input(lw->b, (uint32_t)t->bits, v->w);
    lw->inputs[lw->n_inputs].name = it->name;
    lw->inputs[lw->n_inputs].loc = it->name_loc;
    lw->inputs[lw->n_inputs].t = t;
    lw->inputs[lw->n_inputs].owner = (uint32_t)lw_party(lw, it->owner->name);
    lw->n_inputs++;
}

static void lw_item_output(struct lower *lw, struct ast_item *it)
{
    uint32_t *rcp = NULL, n = 0;
    for (const struct ast_name *p = it->names; p != NULL; p = p->next)
        n++;
    if (it->names == NULL)
        n = lw->n_parties;
    rcp = malloc((n ? n : 1) * sizeof *rcp);
    if (rcp == NULL) {
        lw_nomem(lw);
        return;
    }
    if (it->names == NULL) {
        for (uint32_t k = 0; k < n; k++)
            rcp[k] = k;
    } else {
        n = 0;
        for (const struct ast_name *p = it->names; p != NULL; p = p->next)
            rcp[n++] = (uint32_t)lw_party(lw, p->name);
    }
    /* The output's gates (output NAME = expr;) count for its own line in
     * a profile, not for the statement before it. */
    struct ast_stmt at;
    memset(&at, 0, sizeof at);
    at.loc = it->loc;
    lw_set_tag(lw, &at);
    struct lv_value v;
    if (!lx_expr_top(lw, it->value, &v) || lw->n_outputs == UINT32_MAX) {
        free(rcp);
        return;
    }
    if (lw->n_outputs == lw->cap_outputs) {
        uint32_t cap = lw->cap_outputs ? lw->cap_outputs * 2 : 8;
        struct lv_output *o = realloc(lw->outputs, cap * sizeof *o);
        if (o == NULL) {
            free(rcp);
            lw_nomem(lw);
            return;
        }
        lw->outputs = o;
        lw->cap_outputs = cap;
    }
    bld_output(lw->b, (uint32_t)v.t->bits, v.w);
    lw->outputs[lw->n_outputs].name = it->name;
    lw->outputs[lw->n_outputs].loc = it->loc;
    lw->outputs[lw->n_outputs].t = v.t;
    lw->outputs[lw->n_outputs].recipients = rcp;
    lw->outputs[lw->n_outputs].n_recipients = n;
    lw->n_outputs++;
}

void lw_items(struct lower *lw, struct ast_item *items)
{
    for (struct ast_item *it = items; it != NULL && !lw->oom && !lw->stop; it = it->next) {
        struct ast_mark m = ast_arena_mark(&lw->scratch);
        switch (it->kind) {
        case AI_PARTY:
            lw_item_party(lw, it);
            break;
        case AI_CONST:
            lw_item_const(lw, it);
            break;
        case AI_INPUT:
            lw_item_input(lw, it);
            break;
        case AI_STRUCT: /* types come from the semantic pass */
        case AI_FN:     /* inlined where called */
            break;
        case AI_STMT:
            (void)ls_stmt(lw, it->body);
            break;
        case AI_OUTPUT:
            lw_item_output(lw, it);
            break;
        case AI_IMPORT:
            lw_items(lw, it->module_items);
            break;
        }
        ast_arena_release(&lw->scratch, m);
    }
}

void lw_clear(struct lower *lw)
{
    while (lw->globals != NULL) {
        struct lv_var *v = lw->globals;
        lw->globals = v->next;
        lw_var_free(v);
    }
    for (uint32_t i = 0; i < lw->n_outputs; i++)
        free(lw->outputs[i].recipients);
    free(lw->outputs);
    free(lw->inputs);
    free(lw->parties);
    free(lw->tags);
    lsub_clear(lw);
    ast_arena_clear(&lw->scratch);
}
