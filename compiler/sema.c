/* sema.c - the top of the semantic pass: scopes, type resolution, the
 * program's items in order (parties, constants, structs, inputs, functions,
 * statements, outputs, imports), calls, and every function body: each
 * non-generic one once (at its first call, or on its own at the end), each
 * generic one on its own with its parameters unbound and once per instance
 * (a copy of its tree per distinct binding, annotated for lowering).
 * Expressions are in sema_expr.c, statements in sema_stmt.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/iface.h"
#include "parse.h"
#include "sema.h"

void sm_nomem(struct sema *s)
{
    s->oom = 1;
}

const struct mpcc_type *sm_t(struct sema *s, enum ty_kind k, uint32_t width)
{
    const struct mpcc_type *t = ty_get(s->tc, k, width);
    if (t == NULL) {
        sm_nomem(s);
        return s->tc->t_unknown; /* made before the pass starts */
    }
    return t;
}

struct sm_sym *sm_lookup(struct sema *s, const char *name)
{
    if (s->frame != NULL)
        for (struct sm_sym *v = s->frame->locals; v != NULL; v = v->next)
            if (strcmp(v->name, name) == 0)
                return v;
    for (struct sm_sym *v = s->globals; v != NULL; v = v->next) {
        /* Inside a function only the program's top-level names are visible. */
        if (s->frame != NULL && v->depth > 0)
            continue;
        if (strcmp(v->name, name) == 0)
            return v;
    }
    return NULL;
}

struct sm_fn *sm_find_fn(struct sema *s, const char *name)
{
    for (struct sm_fn *f = s->fns; f != NULL; f = f->next)
        if (strcmp(f->item->name, name) == 0)
            return f;
    return NULL;
}

static const struct sm_struct *sm_find_struct(struct sema *s, const char *name)
{
    for (const struct sm_struct *t = s->structs; t != NULL; t = t->next)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

struct sm_sym **sm_scope(struct sema *s)
{
    return s->frame ? &s->frame->locals : &s->globals;
}

int *sm_depth(struct sema *s)
{
    return s->frame ? &s->frame->depth : &s->depth;
}

void sm_pop_scope(struct sema *s, struct sm_sym *saved)
{
    *sm_scope(s) = saved; /* symbols live in the arena */
}

struct sm_sym *sm_declare(struct sema *s, const char *name, struct ast_loc loc, enum sm_sym_kind kind,
                          const struct mpcc_type *t)
{
    struct sm_sym *v = ast_alloc(s->arena, sizeof *v);
    if (v == NULL) {
        sm_nomem(s);
        return NULL;
    }
    v->name = name;
    v->kind = kind;
    v->t = t;
    v->loc = loc;
    sv_set_none(&v->v);
    v->depth = *sm_depth(s);
    struct sm_sym **scope = sm_scope(s);
    v->next = *scope;
    *scope = v;
    return v;
}

/* ---- types ---- */

const struct mpcc_type *sm_resolve_type(struct sema *s, const struct ast_tref *tr, const struct ast_expr *dims)
{
    const struct mpcc_type *t = NULL;
    char num[200];
    switch (tr->kind) {
    case ATR_BOOL:
        t = sm_t(s, TY_BOOL, 1);
        break;
    case ATR_UINT:
    case ATR_INT:
    case ATR_FIXED: {
        int fixed = tr->kind == ATR_FIXED;
        uint32_t width = tr->width;
        if (tr->width_expr != NULL) {
            struct ce_int c;
            int64_t v;
            int r = sm_const_int(s, tr->width_expr, &c, fixed ? "fixed-point width" : "integer width");
            if (r < 0)
                return NULL;
            int ok = r == 0 || (ce_to_i64(&c, &v) && (fixed ? v >= 8 && v <= 64 && v % 2 == 0
                                                          : v >= 1 && v <= MPCC_MAX_INT_WIDTH));
            if (!ok) {
                ce_to_string(&c, num, sizeof num);
                if (fixed)
                    diag_error(s->diags, tr->width_expr->loc, "fixed-point width %s is not an even "
                               "width of 8 to 64 bits", num);
                else
                    diag_error(s->diags, tr->width_expr->loc, "integer width %s is out of range (1 to %d)",
                               num, MPCC_MAX_INT_WIDTH);
                return NULL;
            }
            width = r == 0 ? 0 : (uint32_t)v; /* 0: bound per instance */
        }
        t = sm_t(s, fixed ? TY_FIXED : tr->kind == ATR_UINT ? TY_UINT : TY_INT, width);
        break;
    }
    case ATR_VOID:
        t = sm_t(s, TY_VOID, 0);
        break;
    case ATR_NAMED: {
        const struct sm_sym *tp = sm_lookup(s, tr->name);
        if (tp != NULL && tp->kind == SM_TYPE) {
            t = tp->t;
            break;
        }
        const struct sm_struct *st = sm_find_struct(s, tr->name);
        if (st == NULL) {
            diag_error(s->diags, tr->loc, "unknown type '%s'", tr->name);
            return NULL;
        }
        t = st->t;
        break;
    }
    }
    /* int32 m[2][3] is an array of 2 arrays of 3: build from the last size. */
    uint32_t sizes[32];
    struct ast_loc locs[32];
    int n = 0;
    for (const struct ast_expr *d = dims; d != NULL; d = d->next) {
        struct ce_int c;
        int64_t v;
        if (n == 32) {
            diag_error(s->diags, d->loc, "too many array dimensions (limit 32)");
            return NULL;
        }
        int r = sm_const_int(s, (struct ast_expr *)d, &c, "array size");
        if (r < 0)
            return NULL;
        if (r == 0) {
            v = 0;
        } else if (!ce_to_i64(&c, &v) || v < 1 || v > (int64_t)TY_MAX_BITS) {
            ce_to_string(&c, num, sizeof num);
            diag_error(s->diags, d->loc, "array size %s is out of range (1 to %llu)", num,
                       (unsigned long long)TY_MAX_BITS);
            return NULL;
        }
        locs[n] = d->loc;
        sizes[n++] = (uint32_t)v;
    }
    for (int i = n - 1; i >= 0; i--) {
        const struct mpcc_type *a = ty_array(s->arena, t, sizes[i]);
        if (a == NULL) {
            if (s->arena->failed) {
                sm_nomem(s);
            } else {
                diag_error(s->diags, locs[i], "array too large (a value may have at most %llu bits)",
                           (unsigned long long)TY_MAX_BITS);
            }
            return NULL;
        }
        t = a;
    }
    return t;
}

/* ---- functions ---- */

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
    if (tr == NULL || tr->kind != ATR_NAMED)
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

static uint32_t gen_count(const struct ast_item *it)
{
    uint32_t n = 0;
    for (const struct ast_name *g = it->generics; g != NULL; g = g->next)
        n++;
    return n;
}

/* Checks a generic function's parameter list at its definition. */
static void sm_check_generics(struct sema *s, const struct ast_item *it)
{
    for (const struct ast_field *p = it->fields; p != NULL; p = p->next) {
        if (p->tref != NULL)
            continue;
        const struct ast_name *g = it->generics;
        while (g != NULL && strcmp(g->name, p->name) != 0)
            g = g->next;
        if (g == NULL)
            diag_error(s->diags, p->loc,
                       "parameter 'const %s' of '%s' must name one of its generic parameters "
                       "(fn %s<%s, ...>(..., const %s))",
                       p->name, it->name, it->name, p->name, p->name);
    }
    for (const struct ast_name *g = it->generics; g != NULL; g = g->next) {
        for (const struct ast_name *h = it->generics; h != g; h = h->next)
            if (strcmp(h->name, g->name) == 0)
                diag_error(s->diags, g->loc, "generic parameter '%s' of '%s' is declared twice", g->name,
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
            diag_error(s->diags, g->loc,
                       "generic parameter '%s' of '%s' cannot be inferred: use it alone as an array size "
                       "(a[%s]), a width (uint<%s>) or a type (%s x) of a parameter",
                       g->name, it->name, g->name, g->name, g->name);
    }
}

static void sm_register_fn(struct sema *s, struct ast_item *it, struct sm_fn ***tail)
{
    if (sm_find_fn(s, it->name) != NULL) {
        diag_error(s->diags, it->name_loc, "function '%s' is declared twice", it->name);
        return;
    }
    if (it->generics == NULL)
        for (const struct ast_field *p = it->fields; p != NULL; p = p->next)
            if (p->tref == NULL) { /* only generics take const parameters */
                sm_check_generics(s, it);
                return;
            }
    struct sm_fn *f = ast_alloc(s->arena, sizeof *f);
    if (f == NULL) {
        sm_nomem(s);
        return;
    }
    f->item = it;
    **tail = f;
    *tail = &f->next;
    if (it->generics != NULL)
        sm_check_generics(s, it);
}

/* Enters a function's scope: a frame whose first locals are the generic
 * bindings (binds, n of them; NULL for none). */
static void sm_enter(struct sema *s, struct sm_frame *fr, struct sm_fn *fn, const struct ast_item *it,
                     const struct ast_binding *binds, int is_template, struct ast_loc call_loc)
{
    memset(fr, 0, sizeof *fr);
    fr->fn = fn;
    fr->is_template = is_template;
    fr->call_loc = call_loc;
    fr->parent = s->frame;
    s->frame = fr;
    uint32_t k = 0;
    for (const struct ast_name *g = it->generics; g != NULL; g = g->next, k++) {
        int is_type = 0;
        for (const struct ast_field *p = it->fields; p != NULL; p = p->next)
            is_type |= gen_find_type(it, p->tref) == g;
        struct sm_sym *v;
        if (binds != NULL && binds[k].kind == AB_TYPE) {
            v = sm_declare(s, g->name, g->loc, SM_TYPE, binds[k].t);
        } else if (binds == NULL && is_type) {
            v = sm_declare(s, g->name, g->loc, SM_TYPE, sm_t(s, TY_UNKNOWN, 0));
        } else {
            v = sm_declare(s, g->name, g->loc, SM_GENERIC, sm_t(s, TY_UNTYPED, 0));
            if (v != NULL && binds == NULL) {
                v->v.state = SV_SYMBOLIC;
            } else if (v != NULL && binds[k].kind == AB_INT) {
                struct ce_int c;
                ce_from_i64(&c, binds[k].value);
                sv_set_int(&v->v, &c);
            }
        }
        if (v == NULL)
            return;
    }
}

static void sm_leave(struct sema *s, struct sm_frame *fr)
{
    s->frame = fr->parent;
}

/* Resolves the parameter types (into the fields) and the return type of a
 * function in the current frame. Returns 0 after an error. */
static int sm_signature(struct sema *s, struct ast_item *it, const struct mpcc_type **ret)
{
    int ok = 1;
    for (struct ast_field *p = it->fields; p != NULL; p = p->next) {
        if (p->tref == NULL)
            continue;
        p->type = sm_resolve_type(s, p->tref, p->dims);
        if (p->type == NULL) {
            p->type = sm_t(s, TY_UNKNOWN, 0);
            ok = 0;
        }
    }
    *ret = it->tref ? sm_resolve_type(s, it->tref, it->dims) : sm_t(s, TY_VOID, 0);
    if (*ret == NULL) {
        *ret = sm_t(s, TY_UNKNOWN, 0);
        ok = 0;
    }
    return ok;
}

/* Checks the body of a function whose signature is resolved, in the frame
 * entered for it. */
static void sm_body(struct sema *s, struct ast_item *it, const struct mpcc_type *ret)
{
    struct sm_frame *fr = s->frame;
    fr->ret_t = ret;
    for (struct ast_field *p = it->fields; p != NULL; p = p->next)
        if (p->tref != NULL && sm_declare(s, p->name, p->loc, SM_VAR, p->type) == NULL)
            return;
    s->call_depth++;
    sm_stmt(s, it->body);
    s->call_depth--;
    if (ret->kind != TY_VOID && !fr->has_return && !s->oom && !s->stop)
        diag_error(s->diags, it->name_loc, "function '%s' can reach its end without returning a value", it->name);
}

/* A non-generic function's signature, resolved once in the program's
 * top-level scope. */
static void sm_fn_signature(struct sema *s, struct sm_fn *fn)
{
    struct sm_frame fr;
    if (fn->own.item != NULL)
        return;
    sm_enter(s, &fr, fn, fn->item, NULL, 0, fn->item->loc);
    (void)sm_signature(s, fn->item, &fn->own.ret_type);
    sm_leave(s, &fr);
    fn->own.item = fn->item;
    fn->item->inst = &fn->own;
}

/* A non-generic function's body, once. */
static void sm_check_fn(struct sema *s, struct sm_fn *fn, struct ast_loc call_loc)
{
    struct sm_frame fr;
    sm_fn_signature(s, fn);
    fn->state = SM_CHECKING;
    sm_enter(s, &fr, fn, fn->item, NULL, 0, call_loc);
    fr.fi = &fn->own;
    sm_body(s, fn->item, fn->own.ret_type);
    sm_leave(s, &fr);
    fn->state = SM_CHECKED;
}

/* A generic function on its own, parameters unbound. */
static void sm_check_template(struct sema *s, struct sm_fn *fn)
{
    struct sm_frame fr;
    const struct mpcc_type *ret;
    fn->state = SM_CHECKING;
    sm_enter(s, &fr, fn, fn->item, NULL, 1, fn->item->loc);
    (void)sm_signature(s, fn->item, &ret);
    sm_body(s, fn->item, ret);
    sm_leave(s, &fr);
    fn->state = SM_CHECKED;
}

static int sm_recursion(struct sema *s, struct sm_fn *fn, struct ast_loc loc)
{
    const struct sm_frame *f;
    for (f = s->frame; f != NULL && f->fn != fn; f = f->parent)
        ;
    if (f == NULL)
        return 0;
    /* Frames from the outermost one of fn inwards, then fn again. */
    const struct sm_frame *chain[SEMA_MAX_CALL_DEPTH + 2];
    int n = 0;
    for (const struct sm_frame *g = s->frame; g != NULL && n <= SEMA_MAX_CALL_DEPTH; g = g->parent) {
        chain[n++] = g;
        if (g == f)
            break;
    }
    char buf[256];
    size_t o = 0;
    buf[0] = '\0';
    for (int i = n - 1; i >= 0 && o < sizeof buf; i--) {
        int k = snprintf(buf + o, sizeof buf - o, "%s -> ", chain[i]->fn->item->name);
        if (k < 0)
            break;
        o += (size_t)k;
    }
    if (o < sizeof buf)
        snprintf(buf + o, sizeof buf - o, "%s", fn->item->name);
    diag_error(s->diags, loc, "recursive call: %s (functions are inlined, so recursion is not supported)", buf);
    return 1;
}

/* ---- generic calls: fn f<N, W, T>(uint<W> a[N], T b, const K) ----
 * A generic parameter is bound by the arguments: a bare name as an array size
 * takes the argument's length, as the width of uint<W> / int<W> the widest
 * argument width of that signedness, as a type name the argument's type,
 * `const K` the constant's value. Untyped constants bind nothing. */

enum { GB_NONE, GB_SIZE, GB_WIDTH, GB_TYPE, GB_ARG, GB_SYMBOLIC };
struct gen_binding {
    int how;
    int64_t n;
    const struct mpcc_type *t;
    const struct mpcc_type *other_sign; /* a width argument of the other signedness (or, for
                                           fixed<W>, an integer), for the message */
};

/* Binds what parameter p's type says about the argument's type t. */
static int gen_infer(struct sema *s, const struct ast_item *it, const struct ast_field *p,
                     const struct mpcc_type *t, struct gen_binding *b, struct ast_loc loc)
{
    if (p->tref == NULL || t->kind == TY_UNTYPED || t->kind == TY_DECIMAL || t->kind == TY_VOID)
        return 1;
    for (const struct ast_expr *d = p->dims; d != NULL; d = d->next) {
        const struct ast_name *g = gen_find(it, d);
        if (t->kind == TY_UNKNOWN) {
            if (g != NULL && b[gen_index(it, g)].how == GB_NONE)
                b[gen_index(it, g)].how = GB_SYMBOLIC;
            continue;
        }
        if (t->kind != TY_ARRAY)
            return 1; /* the conversion reports the mismatch */
        if (g != NULL) {
            struct gen_binding *x = &b[gen_index(it, g)];
            if (t->len == 0) {
                if (x->how == GB_NONE)
                    x->how = GB_SYMBOLIC;
            } else if (x->how == GB_SIZE && x->n != (int64_t)t->len) {
                diag_error(s->diags, loc, "the arguments of '%s' disagree on its array size %s (%lld and %u)",
                           it->name, g->name, (long long)x->n, t->len);
                return 0;
            } else {
                x->how = GB_SIZE;
                x->n = t->len;
            }
        }
        t = t->elem;
    }
    const struct ast_name *g = gen_find(it, p->tref->width_expr);
    if (g != NULL) {
        struct gen_binding *x = &b[gen_index(it, g)];
        int want = p->tref->kind == ATR_UINT ? TY_UINT : p->tref->kind == ATR_FIXED ? TY_FIXED : TY_INT;
        if (t->kind == TY_UNKNOWN || ((int)t->kind == want && t->width == 0)) {
            if (x->how == GB_NONE)
                x->how = GB_SYMBOLIC;
        } else if ((int)t->kind == want && x->how != GB_SIZE
                   && (x->how == GB_NONE || x->how == GB_SYMBOLIC || x->n < (int64_t)t->width)) {
            x->how = GB_WIDTH;
            x->n = t->width;
        } else if ((t->kind == TY_UINT || t->kind == TY_INT || t->kind == TY_FIXED) &&
                   (int)t->kind != want) {
            x->other_sign = t;
        }
    }
    g = gen_find_type(it, p->tref);
    if (g != NULL) {
        struct gen_binding *x = &b[gen_index(it, g)];
        if (ty_partial(t)) {
            if (x->how == GB_NONE)
                x->how = GB_SYMBOLIC;
        } else if (x->how == GB_TYPE && !ty_equal(x->t, t)) {
            char a[64], c[64];
            ty_name(x->t, a, sizeof a);
            ty_name(t, c, sizeof c);
            diag_error(s->diags, loc, "the arguments of '%s' disagree on its type %s (%s and %s)", it->name,
                       g->name, a, c);
            return 0;
        } else {
            x->how = GB_TYPE;
            x->t = t;
        }
    }
    return 1;
}

/* True if some parameter of it is fixed<g> (g a generic width). */
static int gen_wants_fixed(const struct ast_item *it, const struct ast_name *g)
{
    for (const struct ast_field *p = it->fields; p != NULL; p = p->next)
        if (p->tref != NULL && p->tref->kind == ATR_FIXED && gen_find(it, p->tref->width_expr) == g)
            return 1;
    return 0;
}

static int binds_equal(const struct ast_binding *x, const struct ast_binding *y, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (x[i].kind != y[i].kind)
            return 0;
        if (x[i].kind == AB_INT && x[i].value != y[i].value)
            return 0;
        if (x[i].kind == AB_TYPE && !ty_equal(x[i].t, y[i].t))
            return 0;
    }
    return 1;
}

/* The instance of fn for these bindings, made (its signature resolved) on
 * first use; NULL if out of memory. */
static struct sm_inst *sm_instance(struct sema *s, struct sm_fn *fn, const struct ast_binding *binds,
                                   uint32_t n, struct ast_loc call_loc)
{
    struct sm_inst **tail = &fn->insts;
    for (struct sm_inst *in = fn->insts; in != NULL; in = in->next) {
        if (binds_equal(in->fi.binds, binds, n))
            return in;
        tail = &in->next;
    }
    struct sm_inst *in = ast_alloc(s->arena, sizeof *in);
    struct ast_binding *b = ast_alloc(s->arena, (n ? n : 1) * sizeof *b);
    struct ast_item *copy = ast_clone_fn(s->arena, fn->item);
    if (in == NULL || b == NULL || copy == NULL) {
        sm_nomem(s);
        return NULL;
    }
    memcpy(b, binds, n * sizeof *b);
    in->fi.item = copy;
    in->fi.binds = b;
    in->fi.n_binds = n;
    *tail = in;
    struct sm_frame fr;
    sm_enter(s, &fr, fn, copy, b, 0, call_loc);
    (void)sm_signature(s, copy, &in->fi.ret_type);
    sm_leave(s, &fr);
    return in;
}

static void sm_instance_body(struct sema *s, struct sm_fn *fn, struct sm_inst *in, struct ast_loc call_loc)
{
    struct sm_frame fr;
    in->state = SM_CHECKING;
    sm_enter(s, &fr, fn, in->fi.item, in->fi.binds, 0, call_loc);
    fr.fi = &in->fi;
    sm_body(s, (struct ast_item *)in->fi.item, in->fi.ret_type);
    sm_leave(s, &fr);
    in->state = SM_CHECKED;
}

static const struct mpcc_type *sm_call_generic(struct sema *s, struct sm_fn *fn, struct ast_expr *call,
                                              uint32_t n_args)
{
    struct ast_item *it = fn->item;
    uint32_t n_gen = gen_count(it), i;
    struct sv *vals = ast_alloc(s->arena, (n_args ? n_args : 1) * sizeof *vals);
    struct gen_binding *b = ast_alloc(s->arena, (n_gen ? n_gen : 1) * sizeof *b);
    struct ast_binding *ab = ast_alloc(s->arena, (n_gen ? n_gen : 1) * sizeof *ab);
    const struct mpcc_type *unknown = sm_t(s, TY_UNKNOWN, 0);
    if (vals == NULL || b == NULL || ab == NULL) {
        sm_nomem(s);
        return unknown;
    }
    struct ast_expr *a;
    struct ast_field *p;
    int ok = 1;
    /* Arguments are typed in the caller's scope, without a target type;
     * array and struct literals wait for the parameter's type. */
    for (a = call->args, p = it->fields, i = 0; a != NULL; a = a->next, p = p->next, i++) {
        if (p->tref == NULL) { /* const K: a compile-time integer */
            char what[96];
            snprintf(what, sizeof what, "argument %u of '%s' (const %s)", i + 1, it->name, p->name);
            const struct mpcc_type *t = sm_expr(s, a, &vals[i]);
            uint32_t k = 0;
            const struct ast_name *g = it->generics;
            while (g != NULL && strcmp(g->name, p->name) != 0)
                g = g->next, k++;
            if (g == NULL)
                continue; /* reported at the definition */
            if (t->kind != TY_UINT && t->kind != TY_INT && t->kind != TY_UNTYPED) {
                if (t->kind != TY_UNKNOWN)
                    diag_error(s->diags, a->loc, "%s must be an integer", what);
                ok = 0;
                continue;
            }
            if (vals[i].state == SV_SYMBOLIC) {
                if (b[k].how == GB_NONE)
                    b[k].how = GB_SYMBOLIC;
                continue;
            }
            if (vals[i].state != SV_KNOWN) {
                if (b[k].how == GB_NONE)
                    b[k].how = GB_ARG; /* public where lowering meets it */
                continue;
            }
            int64_t v;
            if (!ce_to_i64(&vals[i].c, &v) || v < 0 || v > ((int64_t)1 << 30)) {
                diag_error(s->diags, a->loc, "%s must be between 0 and 2^30", what);
                ok = 0;
                continue;
            }
            if ((b[k].how == GB_SIZE || b[k].how == GB_WIDTH) && b[k].n != v) {
                diag_error(s->diags, a->loc, "the arguments of '%s' disagree on %s (%lld and %lld)", it->name,
                           p->name, (long long)b[k].n, (long long)v);
                ok = 0;
                continue;
            }
            b[k].how = GB_SIZE;
            b[k].n = v;
            continue;
        }
        if (a->kind == AE_ARRAY || (a->kind == AE_STRUCT && a->tref == NULL))
            continue;
        (void)sm_expr(s, a, &vals[i]);
    }
    for (a = call->args, p = it->fields, i = 0; a != NULL; a = a->next, p = p->next, i++) {
        if (p->tref == NULL || (a->kind == AE_STRUCT && a->tref == NULL))
            continue;
        if (a->kind != AE_ARRAY) {
            ok &= gen_infer(s, it, p, a->type, b, a->loc);
            continue;
        }
        /* An array literal gives its length to a generic outer size. */
        const struct ast_name *g = gen_find(it, p->dims);
        if (g == NULL)
            continue;
        int64_t len = 0;
        for (const struct ast_expr *x = a->args; x != NULL; x = x->next)
            len++;
        struct gen_binding *x = &b[gen_index(it, g)];
        if (x->how == GB_SIZE && x->n != len) {
            diag_error(s->diags, a->loc, "the arguments of '%s' disagree on its array size %s (%lld and %lld)",
                       it->name, g->name, (long long)x->n, (long long)len);
            ok = 0;
        } else if (x->how != GB_SIZE) {
            x->how = GB_SIZE;
            x->n = len;
        }
    }
    int symbolic = 0;
    const struct ast_name *g;
    for (g = it->generics, i = 0; g != NULL; g = g->next, i++) {
        if (b[i].how == GB_NONE) {
            char tn[64];
            if (ok && b[i].other_sign != NULL &&
                (b[i].other_sign->kind == TY_FIXED || gen_wants_fixed(it, g))) {
                ty_name(b[i].other_sign, tn, sizeof tn);
                diag_error(s->diags, call->loc,
                           "'%s' takes %s values, not %s%s", it->name,
                           gen_wants_fixed(it, g) ? "fixed<W>" : "integer", tn,
                           gen_wants_fixed(it, g)
                               ? " (convert it: fixed32(x) for the number x, fx_from_raw(x) for "
                                 "an int<W> holding round(r * 2^(W/2)))"
                               : " (convert it: int32(x), or fx_raw(x) for the scaled integer)");
            } else if (ok && b[i].other_sign != NULL) {
                ty_name(b[i].other_sign, tn, sizeof tn);
                /* The function's own signed variant, when the library has one. */
                char variant[96] = "";
                int to_signed = b[i].other_sign->kind == TY_INT;
                size_t nl = strlen(it->name);
                if (to_signed && nl + 3 < sizeof variant) {
                    snprintf(variant, sizeof variant, "%s_s", it->name);
                    if (sm_find_fn(s, variant) == NULL)
                        variant[0] = '\0';
                } else if (!to_signed && nl > 2 && strcmp(it->name + nl - 2, "_s") == 0 &&
                           nl - 2 < sizeof variant) {
                    snprintf(variant, sizeof variant, "%.*s", (int)(nl - 2), it->name);
                    if (sm_find_fn(s, variant) == NULL)
                        variant[0] = '\0';
                }
                if (variant[0] != '\0')
                    diag_error(s->diags, call->loc,
                               "'%s' takes %s<%s> values, not %s: use %s for %s values",
                               it->name, to_signed ? "uint" : "int", g->name, tn, variant,
                               to_signed ? "signed" : "unsigned");
                else
                    diag_error(s->diags, call->loc,
                               "'%s' takes %s<%s> values, not %s: signed and unsigned widths do not "
                               "bind each other (convert the argument, or use a function for %s "
                               "values%s)",
                               it->name, to_signed ? "uint" : "int", g->name, tn,
                               to_signed ? "signed" : "unsigned",
                               to_signed ? ", e.g. sort_s, median_s" : "");
            } else if (ok) {
                diag_error(s->diags, call->loc,
                           "cannot infer '%s' for this call of '%s' from its arguments (constants bind "
                           "nothing: cast a constant, e.g. %s, or pass a declared array)",
                           g->name, it->name, gen_wants_fixed(it, g) ? "fixed32(1.5)" : "uint32(5)");
            }
            ok = 0;
        }
        symbolic |= b[i].how == GB_SYMBOLIC;
        ab[i].name = g->name;
        ab[i].kind = b[i].how == GB_TYPE ? AB_TYPE : b[i].how == GB_ARG ? AB_ARG : AB_INT;
        ab[i].value = b[i].n;
        ab[i].t = b[i].t;
    }
    if (!ok || symbolic) {
        /* Arguments are still checked where nothing depends on the bindings. */
        for (a = call->args, p = it->fields; a != NULL; a = a->next, p = p->next)
            if (a->kind == AE_ARRAY || a->kind == AE_STRUCT) {
                if (a->type == NULL)
                    sm_expr_to(s, a, unknown, "argument");
            }
        return unknown;
    }
    struct sm_inst *in = sm_instance(s, fn, ab, n_gen, call->loc);
    if (in == NULL)
        return unknown;
    char what[96];
    for (p = in->fi.item->fields, a = call->args, i = 0; p != NULL && a != NULL; p = p->next, a = a->next, i++) {
        if (p->tref == NULL)
            continue; /* const K: bound above, no variable */
        snprintf(what, sizeof what, "argument %u of '%s'", i + 1, it->name);
        if (a->kind == AE_ARRAY || (a->kind == AE_STRUCT && a->tref == NULL))
            sm_expr_to(s, a, p->type, what);
        else
            (void)sm_convert(s, a, &vals[i], p->type, what);
    }
    if (in->state == SM_UNCHECKED) {
        if (s->call_depth >= SEMA_MAX_CALL_DEPTH) {
            diag_error(s->diags, call->loc, "calls nested too deeply (limit %d)", SEMA_MAX_CALL_DEPTH);
            s->stop = 1;
            return unknown;
        }
        sm_instance_body(s, fn, in, call->loc);
    }
    call->callee = &in->fi;
    if (in->fi.impure && s->frame != NULL && s->frame->fi != NULL)
        s->frame->fi->impure = 1;
    return in->fi.ret_type;
}

const struct mpcc_type *sm_call(struct sema *s, struct ast_expr *call)
{
    const struct mpcc_type *unknown = sm_t(s, TY_UNKNOWN, 0);
    struct sm_fn *fn = sm_find_fn(s, call->name);
    struct sv v;
    if (fn == NULL) {
        if (sm_lookup(s, call->name) != NULL)
            diag_error(s->diags, call->loc, "'%s' is not a function", call->name);
        else
            diag_error(s->diags, call->loc, "unknown function '%s'", call->name);
        for (struct ast_expr *a = call->args; a != NULL; a = a->next)
            (void)sm_expr(s, a, &v);
        return unknown;
    }
    if (sm_recursion(s, fn, call->loc))
        return unknown;
    /* An untyped constant array argument is its literal (typed by the parameter). */
    for (struct ast_expr *a = call->args; a != NULL; a = a->next)
        (void)sm_expand_const_array(s, a);
    struct ast_item *it = fn->item;
    uint32_t n_params = 0, n_args = 0;
    for (const struct ast_field *p = it->fields; p != NULL; p = p->next)
        n_params++;
    for (const struct ast_expr *a = call->args; a != NULL; a = a->next)
        n_args++;
    if (n_args != n_params) {
        diag_error(s->diags, call->loc, "function '%s' takes %u argument%s but %u %s given", it->name, n_params,
                   n_params == 1 ? "" : "s", n_args, n_args == 1 ? "was" : "were");
        return unknown;
    }
    if (it->generics != NULL)
        return sm_call_generic(s, fn, call, n_args);
    /* Arguments first (in the caller's scope), then the body once. */
    sm_fn_signature(s, fn);
    uint32_t i = 0;
    char what[96];
    const struct ast_field *p = it->fields;
    for (struct ast_expr *a = call->args; a != NULL; a = a->next, p = p->next, i++) {
        snprintf(what, sizeof what, "argument %u of '%s'", i + 1, it->name);
        sm_expr_to(s, a, p->type ? p->type : unknown, what);
    }
    if (fn->state == SM_UNCHECKED) {
        if (s->call_depth >= SEMA_MAX_CALL_DEPTH) {
            diag_error(s->diags, call->loc, "calls nested too deeply (limit %d)", SEMA_MAX_CALL_DEPTH);
            s->stop = 1;
            return unknown;
        }
        sm_check_fn(s, fn, call->loc);
    }
    call->callee = &fn->own;
    if (fn->own.impure && s->frame != NULL && s->frame->fi != NULL)
        s->frame->fi->impure = 1;
    return fn->own.ret_type ? fn->own.ret_type : unknown;
}

/* ---- items ---- */

static int sm_name_taken(struct sema *s, const char *name, struct ast_loc loc)
{
    for (struct sm_sym *v = s->globals; v != NULL; v = v->next) {
        if (v->depth == 0 && strcmp(v->name, name) == 0) {
            diag_error(s->diags, loc, "'%s' is already declared (line %d)", name, v->loc.line);
            return 1;
        }
    }
    return 0;
}

/* Interface names (parties, inputs, outputs) have a length limit. */
static int sm_iface_name_ok(struct sema *s, const char *name, struct ast_loc loc)
{
    if (iface_name_valid(name))
        return 1;
    diag_error(s->diags, loc, "the name '%.40s...' is too long for the program's interface (at most %u characters)",
               name, IFACE_MAX_NAME);
    return 0;
}

static int sm_party(struct sema *s, const char *name)
{
    for (struct sm_party *p = s->parties; p != NULL; p = p->next)
        if (strcmp(p->name, name) == 0)
            return 1;
    return 0;
}

static void sm_item_party(struct sema *s, const struct ast_item *it)
{
    for (const struct ast_name *n = it->names; n != NULL; n = n->next) {
        if (!sm_iface_name_ok(s, n->name, n->loc))
            continue;
        if (sm_party(s, n->name)) {
            diag_error(s->diags, n->loc, "party '%s' is declared twice", n->name);
            continue;
        }
        struct sm_party *p = ast_alloc(s->arena, sizeof *p);
        if (p == NULL) {
            sm_nomem(s);
            return;
        }
        p->name = n->name;
        p->next = s->parties;
        s->parties = p;
        s->n_parties++;
    }
}

/* Checks that every element of an untyped constant array (rows of nested
 * literals included) is a number or bool known at compile time, and that
 * no row is empty. */
static int sm_const_leaves_ok(struct sema *s, struct ast_expr *e, const char *name)
{
    if (e->kind == AE_ARRAY) {
        int ok = 1;
        if (e->args == NULL) {
            diag_error(s->diags, e->loc, "constant array '%s' has no elements", name);
            return 0;
        }
        for (struct ast_expr *x = e->args; x != NULL; x = x->next)
            ok &= sm_const_leaves_ok(s, x, name);
        return ok;
    }
    struct sv v;
    const struct mpcc_type *t = sm_expr(s, e, &v);
    if (t->kind == TY_UNKNOWN || sv_report(s, &v))
        return 0;
    if (v.state != SV_KNOWN || (t->kind != TY_UNTYPED && t->kind != TY_BOOL && t->kind != TY_UINT
                                && t->kind != TY_INT)) {
        diag_error(s->diags, e->loc, "the elements of constant array '%s' must be numbers or booleans "
                   "known at compile time", name);
        return 0;
    }
    return 1;
}

/* An untyped constant array's literal: rectangular (all rows of one shape,
 * at every depth) and made of constants. */
static int sm_const_lit_ok(struct sema *s, struct ast_expr *e, const char *name)
{
    if (!sm_lit_rectangular(s, e, name))
        return 0;
    return sm_const_leaves_ok(s, e, name);
}

/* const NAME: TYPE DIMS = VALUE; a value of that type known at compile time
 * (for scalars checked here, for arrays and structs where lowering builds
 * it: every bit must come out constant). */
static void sm_item_typed_const(struct sema *s, struct ast_item *it)
{
    const struct mpcc_type *t = sm_resolve_type(s, it->tref, it->dims);
    if (t == NULL)
        t = sm_t(s, TY_UNKNOWN, 0);
    it->type = t;
    char what[96];
    snprintf(what, sizeof what, "constant '%s'", it->name);
    struct sv v;
    sv_set_none(&v);
    if (t->kind == TY_ARRAY || t->kind == TY_STRUCT || t->kind == TY_FIXED) {
        sm_expr_to(s, it->value, t, what); /* (computed, and checked constant, by lowering) */
    } else {
        (void)sm_expr(s, it->value, &v);
        if (sm_convert(s, it->value, &v, t, what) && t->kind != TY_UNKNOWN && v.state != SV_KNOWN)
            diag_error(s->diags, it->value->loc, "the value of constant '%s' must be known at compile time",
                       it->name);
    }
    struct sm_sym *sym = sm_declare(s, it->name, it->name_loc, SM_CONST, t);
    if (sym != NULL)
        sym->v = v;
}

static void sm_item_const(struct sema *s, struct ast_item *it)
{
    struct sv v;
    if (sm_name_taken(s, it->name, it->name_loc))
        return;
    if (it->tref != NULL) {
        sm_item_typed_const(s, it);
        return;
    }
    if (it->value->kind == AE_ARRAY) { /* an untyped constant array: uses become its literal */
        int ok = sm_const_lit_ok(s, it->value, it->name);
        struct sm_sym *sym = sm_declare(s, it->name, it->name_loc, SM_CONST, sm_t(s, TY_UNKNOWN, 0));
        if (sym != NULL)
            sym->lit = ok ? it->value : NULL;
        return;
    }
    const struct mpcc_type *t = sm_expr(s, it->value, &v);
    it->type = t;
    if (sv_report(s, &v))
        t = sm_t(s, TY_UNKNOWN, 0);
    else if (t->kind != TY_UNTYPED && t->kind != TY_BOOL && t->kind != TY_UINT && t->kind != TY_INT
             && t->kind != TY_DECIMAL && t->kind != TY_UNKNOWN) {
        diag_error(s->diags, it->value->loc, "the value of constant '%s' must be known at compile time", it->name);
        t = sm_t(s, TY_UNKNOWN, 0);
    }
    struct sm_sym *sym = sm_declare(s, it->name, it->name_loc, SM_CONST, t);
    if (sym != NULL)
        sym->v = v;
}

static void sm_item_struct(struct sema *s, struct ast_item *it)
{
    if (sm_find_struct(s, it->name) != NULL) {
        diag_error(s->diags, it->name_loc, "struct '%s' is declared twice", it->name);
        return;
    }
    uint32_t n = 0;
    for (const struct ast_field *f = it->fields; f != NULL; f = f->next)
        n++;
    struct mpcc_type *t = ast_alloc(s->arena, sizeof *t);
    struct sm_struct *st = ast_alloc(s->arena, sizeof *st);
    struct ty_field *fields = ast_alloc(s->arena, n * sizeof *fields);
    if (t == NULL || st == NULL || fields == NULL) {
        sm_nomem(s);
        return;
    }
    uint64_t off = 0;
    uint32_t i = 0;
    for (struct ast_field *f = it->fields; f != NULL; f = f->next, i++) {
        for (uint32_t j = 0; j < i; j++) {
            if (strcmp(fields[j].name, f->name) == 0) {
                diag_error(s->diags, f->loc, "struct %s has two fields called '%s'", it->name, f->name);
                return;
            }
        }
        const struct mpcc_type *ft = sm_resolve_type(s, f->tref, f->dims);
        if (ft == NULL)
            return;
        if (ft->bits > TY_MAX_BITS - off) {
            diag_error(s->diags, f->loc, "struct %s is too large", it->name);
            return;
        }
        f->type = ft;
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
    it->type = t;
    st->name = it->name;
    st->t = t;
    st->next = s->structs;
    s->structs = st;
}

static void sm_item_input(struct sema *s, struct ast_item *it)
{
    if (!sm_party(s, it->owner->name)) {
        diag_error(s->diags, it->owner->loc, "input '%s' is owned by '%s', which is not a declared party", it->name,
                   it->owner->name);
        return;
    }
    const struct mpcc_type *t = sm_resolve_type(s, it->tref, it->dims);
    if (t == NULL || !sm_iface_name_ok(s, it->name, it->name_loc) || sm_name_taken(s, it->name, it->name_loc))
        return;
    it->type = t;
    (void)sm_declare(s, it->name, it->name_loc, SM_INPUT, t);
}

static void sm_item_output(struct sema *s, struct ast_item *it)
{
    if (!sm_iface_name_ok(s, it->name, it->name_loc))
        return;
    for (const struct sm_name *o = s->outputs; o != NULL; o = o->next) {
        if (strcmp(o->name, it->name) == 0) {
            diag_error(s->diags, it->name_loc, "there is already an output called '%s'", it->name);
            return;
        }
    }
    for (const struct ast_name *p = it->names; p != NULL; p = p->next) {
        if (!sm_party(s, p->name)) {
            diag_error(s->diags, p->loc, "output '%s' goes to '%s', which is not a declared party", it->name,
                       p->name);
            return;
        }
        for (const struct ast_name *q = it->names; q != p; q = q->next)
            if (strcmp(q->name, p->name) == 0) {
                diag_error(s->diags, p->loc, "party '%s' is listed twice", p->name);
                return;
            }
    }
    if (it->value == NULL) { /* output all name; : the variable's value */
        struct ast_expr *e = ast_alloc(s->arena, sizeof *e);
        if (e == NULL) {
            sm_nomem(s);
            return;
        }
        e->kind = AE_NAME;
        e->loc = it->name_loc;
        e->name = it->name;
        it->value = e;
    }
    struct sv v;
    const struct mpcc_type *t = sm_expr(s, it->value, &v);
    if (t->kind == TY_UNTYPED || t->kind == TY_DECIMAL || t->kind == TY_VOID) {
        diag_error(s->diags, it->value->loc, "output '%s' needs a type: write e.g. %s(...) around the constant",
                   it->name, t->kind == TY_DECIMAL ? "fixed32" : "uint32");
        return;
    }
    struct sm_name *o = ast_alloc(s->arena, sizeof *o);
    if (o == NULL) {
        sm_nomem(s);
        return;
    }
    o->name = it->name;
    o->next = s->outputs;
    s->outputs = o;
}

static void sm_items(struct sema *s, struct ast_item *items, int is_module)
{
    /* Functions may be called before their definition: register them first. */
    struct sm_fn **tail = &s->fns;
    while (*tail != NULL)
        tail = &(*tail)->next;
    for (struct ast_item *it = items; it != NULL; it = it->next)
        if (it->kind == AI_FN)
            sm_register_fn(s, it, &tail);
    for (struct ast_item *it = items; it != NULL && !s->oom && !s->stop; it = it->next) {
        if (is_module && it->kind != AI_CONST && it->kind != AI_STRUCT && it->kind != AI_FN
            && it->kind != AI_IMPORT) {
            diag_error(s->diags, it->loc, "a module may only contain const, struct, fn and import declarations");
            continue;
        }
        switch (it->kind) {
        case AI_PARTY:
            sm_item_party(s, it);
            break;
        case AI_CONST:
            sm_item_const(s, it);
            break;
        case AI_STRUCT:
            sm_item_struct(s, it);
            break;
        case AI_INPUT:
            sm_item_input(s, it);
            break;
        case AI_FN:
            break;
        case AI_STMT:
            sm_stmt(s, it->body);
            break;
        case AI_OUTPUT:
            sm_item_output(s, it);
            break;
        case AI_IMPORT:
            it->module_items = s->load(s->load_ctx, it);
            if (it->module_items != NULL)
                sm_items(s, it->module_items, 1);
            break;
        }
    }
}

int sema_program(struct ast_arena *arena, struct ty_ctx *tc, struct mpcc_diags *diags, const char *main_file,
                 struct ast_item *items, sema_loader load, void *load_ctx, int *oom)
{
    struct sema s;
    memset(&s, 0, sizeof s);
    s.arena = arena;
    s.tc = tc;
    s.diags = diags;
    s.main_file = main_file;
    s.load = load;
    s.load_ctx = load_ctx;
    size_t errors_before = diag_count(diags);
    if (ty_get(tc, TY_UNKNOWN, 0) == NULL || ty_get(tc, TY_BOOL, 1) == NULL || ty_get(tc, TY_UNTYPED, 0) == NULL
        || ty_get(tc, TY_VOID, 0) == NULL) {
        *oom = 1;
        return 0;
    }
    sm_items(&s, items, 0);
    /* Every function is checked: the ones no call reached on their own, each
     * generic one with its parameters unbound. */
    for (struct sm_fn *f = s.fns; f != NULL && !s.oom && !s.stop; f = f->next) {
        if (f->item->generics == NULL && f->state == SM_UNCHECKED)
            sm_check_fn(&s, f, f->item->loc);
    }
    for (struct sm_fn *f = s.fns; f != NULL && !s.oom && !s.stop; f = f->next) {
        if (f->item->generics != NULL && f->state == SM_UNCHECKED)
            sm_check_template(&s, f);
    }
    if (s.oom || tc->failed || arena->failed || diags->nomem) {
        *oom = 1;
        return 0;
    }
    return diag_count(diags) == errors_before;
}
