/* lower.c - the top of lowering: scopes and variables, type resolution, and
 * the program's items in order (parties, constants, structs, functions,
 * inputs, top-level statements, outputs), recording the typed interface.
 * Expressions and statements are in lower_expr.c / lower_stmt.c; files and
 * imports in compile.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/iface.h"
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
    const struct mpcc_type **slot;
    switch (k) {
    case TY_UINT:
        slot = width <= MPCC_MAX_INT_WIDTH ? &lw->t_uint[width] : NULL;
        break;
    case TY_INT:
        slot = width <= MPCC_MAX_INT_WIDTH ? &lw->t_int[width] : NULL;
        break;
    case TY_BOOL:
        slot = &lw->t_bool;
        break;
    case TY_UNTYPED:
        slot = &lw->t_untyped;
        break;
    default:
        slot = &lw->t_void;
        break;
    }
    if (slot != NULL && *slot != NULL)
        return *slot;
    const struct mpcc_type *t = ty_scalar(lw->arena, k, width);
    if (t == NULL)
        lw_nomem(lw);
    else if (slot != NULL)
        *slot = t;
    return t;
}

struct lv_var *lw_lookup(struct lower *lw, const char *name)
{
    for (struct lv_var *v = lw->generic_env; v != NULL; v = v->next)
        if (strcmp(v->name, name) == 0)
            return v;
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

const struct lv_fn *lw_find_fn(struct lower *lw, const char *name)
{
    for (const struct lv_fn *f = lw->fns; f != NULL; f = f->next)
        if (strcmp(f->item->name, name) == 0)
            return f;
    return NULL;
}

static const struct lv_struct *lw_find_struct(struct lower *lw, const char *name)
{
    for (const struct lv_struct *s = lw->structs; s != NULL; s = s->next)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

const struct mpcc_type *lw_resolve_type(struct lower *lw, const struct ast_tref *tr,
                                        const struct ast_expr *dims)
{
    const struct mpcc_type *t = NULL;
    switch (tr->kind) {
    case ATR_BOOL:
        t = lw_scalar(lw, TY_BOOL, 1);
        break;
    case ATR_UINT:
    case ATR_INT: {
        uint32_t width = tr->width;
        if (tr->width_expr != NULL) {
            struct ce_int c;
            int64_t v;
            if (!lx_const_int(lw, tr->width_expr, &c, "integer width"))
                return NULL;
            if (!ce_to_i64(&c, &v) || v < 1 || v > MPCC_MAX_INT_WIDTH) {
                char num[200];
                ce_to_string(&c, num, sizeof num);
                diag_error(lw->diags, tr->width_expr->loc, "integer width %s is out of range (1 to %d)", num,
                           MPCC_MAX_INT_WIDTH);
                return NULL;
            }
            width = (uint32_t)v;
        }
        t = lw_scalar(lw, tr->kind == ATR_UINT ? TY_UINT : TY_INT, width);
        break;
    }
    case ATR_VOID:
        t = lw_scalar(lw, TY_VOID, 0);
        break;
    case ATR_NAMED: {
        const struct lv_var *tp = lw_lookup(lw, tr->name);
        if (tp != NULL && tp->kind == LV_TYPE) {
            t = tp->t;
            break;
        }
        const struct lv_struct *s = lw_find_struct(lw, tr->name);
        if (s == NULL) {
            diag_error(lw->diags, tr->loc, "unknown type '%s'", tr->name);
            return NULL;
        }
        t = s->t;
        break;
    }
    }
    if (t == NULL) {
        lw_nomem(lw);
        return NULL;
    }
    /* int32 m[2][3] is an array of 2 arrays of 3: build from the last size. */
    uint32_t sizes[32];
    struct ast_loc locs[32];
    int n = 0;
    for (const struct ast_expr *d = dims; d != NULL; d = d->next) {
        struct ce_int c;
        int64_t v;
        if (n == 32) {
            diag_error(lw->diags, d->loc, "too many array dimensions (limit 32)");
            return NULL;
        }
        if (!lx_const_int(lw, d, &c, "array size"))
            return NULL;
        if (!ce_to_i64(&c, &v) || v < 1 || v > (int64_t)TY_MAX_BITS) {
            char num[200];
            ce_to_string(&c, num, sizeof num);
            diag_error(lw->diags, d->loc, "array size %s is out of range (1 to %llu)", num,
                       (unsigned long long)TY_MAX_BITS);
            return NULL;
        }
        locs[n] = d->loc;
        sizes[n++] = (uint32_t)v;
    }
    for (int i = n - 1; i >= 0; i--) {
        const struct mpcc_type *a = ty_array(lw->arena, t, sizes[i]);
        if (a == NULL) {
            if (lw->arena->failed) {
                lw_nomem(lw);
            } else {
                diag_error(lw->diags, locs[i], "array too large (a value may have at most %llu bits)",
                           (unsigned long long)TY_MAX_BITS);
            }
            return NULL;
        }
        t = a;
    }
    return t;
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

static int lw_name_taken(struct lower *lw, const char *name, struct ast_loc loc)
{
    for (struct lv_var *v = lw->globals; v != NULL; v = v->next) {
        if (v->block_depth == 0 && strcmp(v->name, name) == 0) {
            diag_error(lw->diags, loc, "'%s' is already declared (line %d)", name, v->loc.line);
            return 1;
        }
    }
    return 0;
}

/* Interface names (parties, inputs, outputs) have a length limit. */
static int lw_iface_name_ok(struct lower *lw, const char *name, struct ast_loc loc)
{
    if (iface_name_valid(name))
        return 1;
    diag_error(lw->diags, loc, "the name '%.40s...' is too long for the program's interface (at most %u characters)",
               name, IFACE_MAX_NAME);
    return 0;
}

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
        if (!lw_iface_name_ok(lw, n->name, n->loc))
            continue;
        if (lw_party(lw, n->name) >= 0) {
            diag_error(lw->diags, n->loc, "party '%s' is declared twice", n->name);
            continue;
        }
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

static void lw_item_const(struct lower *lw, const struct ast_item *it)
{
    struct lv_value v;
    if (lw_name_taken(lw, it->name, it->name_loc) || !lx_expr(lw, it->value, &v))
        return;
    struct ce_int c;
    if (v.t->kind == TY_UNTYPED || (ty_is_scalar(v.t) && lx_value_const(&v, &c))) {
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

static void lw_item_struct(struct lower *lw, const struct ast_item *it)
{
    if (lw_find_struct(lw, it->name) != NULL) {
        diag_error(lw->diags, it->name_loc, "struct '%s' is declared twice", it->name);
        return;
    }
    uint32_t n = 0;
    for (const struct ast_field *f = it->fields; f != NULL; f = f->next)
        n++;
    struct mpcc_type *t = ast_alloc(lw->arena, sizeof *t);
    struct lv_struct *s = ast_alloc(lw->arena, sizeof *s);
    struct ty_field *fields = ast_alloc(lw->arena, n * sizeof *fields);
    if (t == NULL || s == NULL || fields == NULL) {
        lw_nomem(lw);
        return;
    }
    uint64_t off = 0;
    uint32_t i = 0;
    for (const struct ast_field *f = it->fields; f != NULL; f = f->next, i++) {
        for (uint32_t j = 0; j < i; j++) {
            if (strcmp(fields[j].name, f->name) == 0) {
                diag_error(lw->diags, f->loc, "struct %s has two fields called '%s'", it->name, f->name);
                return;
            }
        }
        const struct mpcc_type *ft = lw_resolve_type(lw, f->tref, f->dims);
        if (ft == NULL)
            return;
        if (ft->bits > TY_MAX_BITS - off) {
            diag_error(lw->diags, f->loc, "struct %s is too large", it->name);
            return;
        }
        fields[i].name = f->name;
        fields[i].type = ft;
        fields[i].offset = off;
        off += ft->bits;
    }
    t->kind = TY_STRUCT;
    t->name = it->name;
    t->n_fields = n;
    t->fields = fields;
    t->bits = off;
    s->name = it->name;
    s->t = t;
    s->next = lw->structs;
    lw->structs = s;
}

static void lw_item_input(struct lower *lw, const struct ast_item *it)
{
    int64_t owner = lw_party(lw, it->owner->name);
    if (owner < 0) {
        diag_error(lw->diags, it->owner->loc, "input '%s' is owned by '%s', which is not a declared party",
                   it->name, it->owner->name);
        return;
    }
    const struct mpcc_type *t = lw_resolve_type(lw, it->tref, it->dims);
    if (t == NULL || !lw_iface_name_ok(lw, it->name, it->name_loc) || lw_name_taken(lw, it->name, it->name_loc))
        return;
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
    lw->inputs[lw->n_inputs].t = t;
    lw->inputs[lw->n_inputs].owner = (uint32_t)owner;
    lw->n_inputs++;
}

static void lw_item_output(struct lower *lw, struct ast_item *it)
{
    uint32_t *rcp = NULL, n = 0;
    if (!lw_iface_name_ok(lw, it->name, it->name_loc))
        return;
    for (uint32_t k = 0; k < lw->n_outputs; k++) {
        if (strcmp(lw->outputs[k].name, it->name) == 0) {
            diag_error(lw->diags, it->name_loc, "there is already an output called '%s'", it->name);
            return;
        }
    }
    if (it->names == NULL) {
        rcp = malloc((lw->n_parties ? lw->n_parties : 1) * sizeof *rcp);
        if (rcp == NULL) {
            lw_nomem(lw);
            return;
        }
        for (n = 0; n < lw->n_parties; n++)
            rcp[n] = n;
    } else {
        for (const struct ast_name *p = it->names; p != NULL; p = p->next)
            n++;
        rcp = malloc(n * sizeof *rcp);
        if (rcp == NULL) {
            lw_nomem(lw);
            return;
        }
        n = 0;
        for (const struct ast_name *p = it->names; p != NULL; p = p->next) {
            int64_t k = lw_party(lw, p->name);
            int dup = 0;
            if (k < 0) {
                diag_error(lw->diags, p->loc, "output '%s' goes to '%s', which is not a declared party",
                           it->name, p->name);
                free(rcp);
                return;
            }
            for (uint32_t j = 0; j < n; j++)
                dup |= rcp[j] == (uint32_t)k;
            if (dup) {
                diag_error(lw->diags, p->loc, "party '%s' is listed twice", p->name);
                free(rcp);
                return;
            }
            rcp[n++] = (uint32_t)k;
        }
    }
    struct lv_value v;
    int ok;
    if (it->value != NULL) {
        ok = lx_expr(lw, it->value, &v);
    } else {
        struct ast_expr name = { 0 };
        name.kind = AE_NAME;
        name.loc = it->name_loc;
        name.name = it->name;
        ok = lx_expr(lw, &name, &v);
    }
    if (ok && (v.t->kind == TY_UNTYPED || v.t->kind == TY_VOID)) {
        diag_error(lw->diags, it->value ? it->value->loc : it->name_loc,
                   "output '%s' needs a type: write e.g. uint32(...) around the constant", it->name);
        ok = 0;
    }
    if (!ok || lw->n_outputs == UINT32_MAX) {
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
    lw->outputs[lw->n_outputs].t = v.t;
    lw->outputs[lw->n_outputs].recipients = rcp;
    lw->outputs[lw->n_outputs].n_recipients = n;
    lw->n_outputs++;
}

static void lw_item_fn(struct lower *lw, const struct ast_item *it)
{
    if (lw_find_fn(lw, it->name) != NULL) {
        diag_error(lw->diags, it->name_loc, "function '%s' is declared twice", it->name);
        return;
    }
    if (it->generics == NULL)
        for (const struct ast_field *p = it->fields; p != NULL; p = p->next)
            if (p->tref == NULL) { /* only generics take const parameters */
                ls_check_generics(lw, it);
                return;
            }
    struct lv_fn *f = ast_alloc(lw->arena, sizeof *f);
    if (f == NULL) {
        lw_nomem(lw);
        return;
    }
    f->item = it;
    f->next = lw->fns;
    lw->fns = f;
    if (it->generics != NULL)
        ls_check_generics(lw, it);
}

void lw_items(struct lower *lw, struct ast_item *items, int is_module)
{
    /* Functions may be called before their definition: register them first. */
    for (struct ast_item *it = items; it != NULL; it = it->next)
        if (it->kind == AI_FN)
            lw_item_fn(lw, it);
    for (struct ast_item *it = items; it != NULL && !lw->oom && !lw->stop; it = it->next) {
        struct ast_mark m = ast_arena_mark(&lw->scratch);
        if (is_module && it->kind != AI_CONST && it->kind != AI_STRUCT && it->kind != AI_FN
            && it->kind != AI_IMPORT) {
            diag_error(lw->diags, it->loc,
                       "a module may only contain const, struct, fn and import declarations");
            continue;
        }
        switch (it->kind) {
        case AI_PARTY:
            lw_item_party(lw, it);
            break;
        case AI_CONST:
            lw_item_const(lw, it);
            break;
        case AI_STRUCT:
            lw_item_struct(lw, it);
            break;
        case AI_INPUT:
            lw_item_input(lw, it);
            break;
        case AI_FN:
            break;
        case AI_STMT:
            (void)ls_stmt(lw, it->body);
            break;
        case AI_OUTPUT:
            lw_item_output(lw, it);
            break;
        case AI_IMPORT:
            lw_import(lw, it);
            break;
        }
        ast_arena_release(&lw->scratch, m);
    }
}

/* Functions of the main file that the program never calls are still
 * checked: each is inlined once into a scratch builder with fresh inputs as
 * its arguments. */
void lw_check_uncalled(struct lower *lw)
{
    for (struct lv_fn *f = lw->fns; f != NULL && !lw->oom && !lw->stop; f = f->next) {
        /* A generic function has no types until a call binds them. */
        if (f->called || f->item->generics != NULL || lw->main_file == NULL || f->item->loc.file == NULL
            || strcmp(f->item->loc.file, lw->main_file) != 0)
            continue;
        struct mpcc_error e = { 0 };
        struct bld *tmp = bld_new(&e);
        if (tmp == NULL) {
            lw_nomem(lw);
            return;
        }
        struct bld *saved = lw->b;
        struct ast_mark m = ast_arena_mark(&lw->scratch);
        lw->b = tmp;
        uint32_t n = 0, i = 0;
        for (const struct ast_field *p = f->item->fields; p != NULL; p = p->next)
            n++;
        struct lv_value *args = ast_alloc(&lw->scratch, (n ? n : 1) * sizeof *args);
        int ok = args != NULL;
        for (const struct ast_field *p = f->item->fields; ok && p != NULL; p = p->next, i++) {
            args[i].t = lw_resolve_type(lw, p->tref, p->dims);
            ok = args[i].t != NULL && (args[i].w = lw_wires(lw, args[i].t->bits)) != NULL;
            if (ok)
                bld_input(tmp, (uint32_t)args[i].t->bits, args[i].w);
        }
        struct lv_value out;
        if (ok)
            (void)ls_inline(lw, f, f->item->loc, args, NULL, &out);
        else if (args == NULL)
            lw_nomem(lw);
        f->called = 1;
        ast_arena_release(&lw->scratch, m);
        lw->b = saved;
        bld_set_tag(saved, lw->cur_tag);
        bld_free(tmp);
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
    ast_arena_clear(&lw->scratch);
}
