/* lower_stmt.c - lowering of statements: declarations, assignments (with
 * public or secret indices), if/else (a public condition picks a branch; a
 * secret one runs both and muxes every variable either branch assigned),
 * unrolled for loops, and inlined function calls with returns under secret
 * conditions (a per-call "returned" wire guards later assignments).
 * Expressions are in lower_expr.c; items and the interface in lower.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/gadgets.h"
#include "lower.h"
#include "parser.h"

/* ---- variables, logging, guarded stores ---- */

static struct lv_var **ls_scope(struct lower *lw)
{
    return lw->frame ? &lw->frame->locals : &lw->globals;
}

static int *ls_depth(struct lower *lw)
{
    return lw->frame ? &lw->frame->block_depth : &lw->block_depth;
}

/* Writes w into var, first saving the old value in the current secret
 * branch's log if var lives outside that branch. */
static void ls_write(struct lower *lw, struct lv_var *v, const bld_wire *w)
{
    size_t bytes = v->t->bits * sizeof *w;
    if (lw->log != NULL && v->level < lw->level) {
        struct lv_log *lg = lw->log;
        size_t i;
        for (i = 0; i < lg->n; i++)
            if (lg->e[i].v == v)
                break;
        if (i == lg->n) {
            if (lg->n == lg->cap) {
                size_t cap = lg->cap ? lg->cap * 2 : 8;
                struct lv_log_entry *e = realloc(lg->e, cap * sizeof *e);
                if (e == NULL) {
                    lw_nomem(lw);
                    return;
                }
                lg->e = e;
                lg->cap = cap;
            }
            bld_wire *old = malloc(bytes ? bytes : 1);
            if (old == NULL) {
                lw_nomem(lw);
                return;
            }
            memcpy(old, v->w, bytes);
            lg->e[lg->n].v = v;
            lg->e[lg->n].old = old;
            lg->n++;
        }
    }
    memmove(v->w, w, bytes);
}

void ls_assign(struct lower *lw, struct lv_var *v, const bld_wire *w)
{
    bld_wire guard = lw->frame ? lw->frame->returned->w[0] : BLD_FALSE;
    if (guard == BLD_FALSE || v == lw->frame->returned) {
        ls_write(lw, v, w);
        return;
    }
    /* Some paths of this call have returned: they keep the old value. */
    struct ast_mark m = ast_arena_mark(&lw->scratch);
    bld_wire *g = lw_wires(lw, v->t->bits);
    if (g != NULL) {
        bld_mux_word(lw->b, (uint32_t)v->t->bits, guard, v->w, w, g);
        ls_write(lw, v, g);
    }
    ast_arena_release(&lw->scratch, m);
}

static void ls_log_clear(struct lv_log *lg)
{
    for (size_t i = 0; i < lg->n; i++)
        free(lg->e[i].old);
    free(lg->e);
    lg->e = NULL;
    lg->n = lg->cap = 0;
}

static void ls_pop_scope(struct lower *lw, struct lv_var *saved)
{
    struct lv_var **scope = ls_scope(lw);
    while (*scope != saved) {
        struct lv_var *v = *scope;
        *scope = v->next;
        lw_var_free(v);
    }
}

/* Runs one statement in a scope of its own (branch and loop bodies). */
static int ls_scoped(struct lower *lw, struct ast_stmt *s)
{
    struct lv_var *saved = *ls_scope(lw);
    (*ls_depth(lw))++;
    int ok = ls_stmt(lw, s);
    (*ls_depth(lw))--;
    ls_pop_scope(lw, saved);
    return ok;
}

static int ls_returned(const struct lower *lw)
{
    return lw->frame != NULL && lw->frame->returned->w[0] == BLD_TRUE;
}

/* ---- if ---- */

static int ls_if_secret(struct lower *lw, bld_wire c, struct ast_stmt *s)
{
    struct lv_log *outer = lw->log;
    struct lv_log tlog = { 0 }, elog = { 0 };
    bld_wire **then_vals = NULL;
    int ok = 1;

    bld_wire outer_path = lw->path;
    lw->level++;
    lw->log = &tlog;
    lw->path = bld_and(lw->b, outer_path, c);
    ok = ls_scoped(lw, s->then_s);
    /* Keep what the then-branch computed and restore the state before it. */
    if (tlog.n > 0) {
        then_vals = calloc(tlog.n, sizeof *then_vals);
        if (then_vals == NULL) {
            lw_nomem(lw);
            ok = 0;
        }
    }
    for (size_t i = 0; ok && i < tlog.n; i++) {
        struct lv_var *v = tlog.e[i].v;
        size_t bytes = v->t->bits * sizeof(bld_wire);
        then_vals[i] = malloc(bytes ? bytes : 1);
        if (then_vals[i] == NULL) {
            lw_nomem(lw);
            ok = 0;
            break;
        }
        memcpy(then_vals[i], v->w, bytes);
        memcpy(v->w, tlog.e[i].old, bytes);
    }
    if (ok && s->else_s != NULL) {
        lw->log = &elog;
        lw->path = bld_and(lw->b, outer_path, bld_not(lw->b, c));
        ok = ls_scoped(lw, s->else_s);
    }
    lw->log = outer;
    lw->path = outer_path;
    lw->level--;

    /* Merge: every variable either branch assigned becomes c ? then : else. */
    for (size_t i = 0; ok && i < tlog.n; i++) {
        struct lv_var *v = tlog.e[i].v;
        struct ast_mark m = ast_arena_mark(&lw->scratch);
        bld_wire *w = lw_wires(lw, v->t->bits);
        if (w == NULL) {
            ok = 0;
            break;
        }
        /* v->w holds the else value: restore the value from before the if so
         * that the enclosing branch's log records that one. */
        memcpy(w, v->w, v->t->bits * sizeof *w);
        memcpy(v->w, tlog.e[i].old, v->t->bits * sizeof *w);
        bld_mux_word(lw->b, (uint32_t)v->t->bits, c, then_vals[i], w, w);
        ls_write(lw, v, w);
        ast_arena_release(&lw->scratch, m);
    }
    for (size_t i = 0; ok && i < elog.n; i++) {
        struct lv_var *v = elog.e[i].v;
        size_t j;
        for (j = 0; j < tlog.n; j++)
            if (tlog.e[j].v == v)
                break;
        if (j < tlog.n)
            continue;
        struct ast_mark m = ast_arena_mark(&lw->scratch);
        bld_wire *w = lw_wires(lw, v->t->bits);
        if (w == NULL) {
            ok = 0;
            break;
        }
        memcpy(w, v->w, v->t->bits * sizeof *w);
        memcpy(v->w, elog.e[i].old, v->t->bits * sizeof *w);
        bld_mux_word(lw->b, (uint32_t)v->t->bits, c, elog.e[i].old, w, w);
        ls_write(lw, v, w);
        ast_arena_release(&lw->scratch, m);
    }
    if (then_vals != NULL)
        for (size_t i = 0; i < tlog.n; i++)
            free(then_vals[i]);
    free(then_vals);
    ls_log_clear(&tlog);
    ls_log_clear(&elog);
    return ok && !lw->oom && !lw->stop;
}

static int ls_if(struct lower *lw, struct ast_stmt *s)
{
    bld_wire c;
    if (!lx_cond(lw, s->cond, &c))
        return !lw->oom && !lw->stop;
    if (c == BLD_TRUE)
        return ls_scoped(lw, s->then_s);
    if (c == BLD_FALSE)
        return s->else_s == NULL || ls_scoped(lw, s->else_s);
    return ls_if_secret(lw, c, s);
}

/* ---- for ---- */

static int ls_for(struct lower *lw, struct ast_stmt *s)
{
    struct ce_int from, to, n;
    int64_t a, cnt;
    if (!lx_const_int(lw, s->from, &from, "loop bound") || !lx_const_int(lw, s->to, &to, "loop bound"))
        return !lw->oom && !lw->stop;
    if (!ce_sub(&n, &to, &from) || !ce_to_i64(&n, &cnt) || !ce_to_i64(&from, &a)
        || cnt > LOWER_MAX_LOOP_ITERS) {
        diag_error(lw->diags, s->loc, "loop has too many iterations (the limit is %lld)",
                   (long long)LOWER_MAX_LOOP_ITERS);
        return !lw->oom;
    }
    for (int64_t i = 0; i < cnt && !ls_returned(lw); i++) {
        struct lv_var *saved = *ls_scope(lw);
        (*ls_depth(lw))++;
        struct lv_var *v = lw_declare(lw, s->name, s->loc, ty_scalar(lw->arena, TY_UNTYPED, 0), NULL);
        int ok = v != NULL;
        if (ok) {
            v->kind = LV_LOOP;
            v->readonly = 1;
            ce_from_i64(&v->c, a + i);
            ok = ls_stmt(lw, s->body);
        }
        (*ls_depth(lw))--;
        ls_pop_scope(lw, saved);
        if (!ok)
            return 0;
    }
    return 1;
}

/* ---- assignment ---- */

struct ls_target {
    uint64_t off;
    bld_wire en;
};

/* Finds where an lvalue lives: its variable, its type and the bit offsets it
 * may occupy (several, each with an enable wire, under secret indices). */
static int ls_locate(struct lower *lw, const struct ast_expr *e, struct lv_var **var,
                     const struct mpcc_type **t, struct ls_target **tg, uint64_t *n)
{
    char a[64];
    switch (e->kind) {
    case AE_NAME: {
        struct lv_var *v = lw_lookup(lw, e->name);
        if (v == NULL) {
            diag_error(lw->diags, e->loc, "unknown name '%s'", e->name);
            return 0;
        }
        if (v->readonly) {
            static const char *const what[] = { "variable", "constant", "loop variable", "input" };
            diag_error(lw->diags, e->loc, "cannot assign to %s '%s'", what[v->kind], e->name);
            return 0;
        }
        if (lw->frame != NULL) {
            struct lv_var *p;
            for (p = lw->frame->locals; p != NULL && p != v; p = p->next)
                ;
            if (p == NULL) {
                diag_error(lw->diags, e->loc,
                           "function '%s' cannot assign to the global variable '%s' (functions only change their own variables; return a value instead)",
                           lw->frame->fn->item->name, e->name);
                return 0;
            }
        }
        *var = v;
        *t = v->t;
        *tg = ast_alloc(&lw->scratch, sizeof **tg);
        if (*tg == NULL) {
            lw_nomem(lw);
            return 0;
        }
        (*tg)[0].off = 0;
        (*tg)[0].en = BLD_TRUE;
        *n = 1;
        return 1;
    }
    case AE_FIELD: {
        if (!ls_locate(lw, e->a, var, t, tg, n))
            return 0;
        if ((*t)->kind != TY_STRUCT) {
            ty_name(*t, a, sizeof a);
            diag_error(lw->diags, e->loc, "'.%s': %s is not a struct", e->name, a);
            return 0;
        }
        for (uint32_t i = 0; i < (*t)->n_fields; i++) {
            if (strcmp((*t)->fields[i].name, e->name) == 0) {
                for (uint64_t k = 0; k < *n; k++)
                    (*tg)[k].off += (*t)->fields[i].offset;
                *t = (*t)->fields[i].type;
                return 1;
            }
        }
        diag_error(lw->diags, e->loc, "struct %s has no field '%s'", (*t)->name, e->name);
        return 0;
    }
    case AE_INDEX: {
        if (!ls_locate(lw, e->a, var, t, tg, n))
            return 0;
        const struct mpcc_type *at = *t;
        if (at->kind != TY_ARRAY) {
            ty_name(at, a, sizeof a);
            diag_error(lw->diags, e->loc, "cannot index a value of type %s", a);
            return 0;
        }
        struct lv_value idx;
        struct ce_int c;
        if (!lx_expr(lw, e->b, &idx))
            return 0;
        if (!ty_is_int(idx.t) && idx.t->kind != TY_UNTYPED) {
            ty_name(idx.t, a, sizeof a);
            diag_error(lw->diags, e->b->loc, "array index must be an integer, found %s", a);
            return 0;
        }
        uint64_t eb = at->elem->bits;
        *t = at->elem;
        if (lx_value_const(&idx, &c)) {
            int64_t k;
            if (!ce_to_i64(&c, &k) || k < 0 || k >= at->len) {
                char num[128];
                ce_to_string(&c, num, sizeof num);
                ty_name(at, a, sizeof a);
                diag_error(lw->diags, e->b->loc, "index %s is out of range for %s", num, a);
                return 0;
            }
            for (uint64_t i = 0; i < *n; i++)
                (*tg)[i].off += (uint64_t)k * eb;
            return 1;
        }
        /* Secret index: every element is a possible target. */
        uint32_t m = idx.t->width;
        if (*n * at->len > ((uint64_t)1 << 20)) {
            diag_error(lw->diags, e->loc, "too many possible targets for a secret-index assignment");
            return 0;
        }
        struct ls_target *nt = ast_alloc(&lw->scratch, *n * at->len * sizeof *nt);
        bld_wire *kw = lw_wires(lw, m);
        if (nt == NULL || kw == NULL) {
            lw_nomem(lw);
            return 0;
        }
        uint64_t nn = 0;
        for (uint32_t k = 0; k < at->len; k++) {
            /* k must be representable in the index type to ever match. */
            if (idx.t->kind == TY_INT ? (m <= 32 && k >= ((uint64_t)1 << (m - 1)))
                                      : (m < 32 && k >= ((uint64_t)1 << m)))
                break;
            for (uint32_t j = 0; j < m; j++)
                kw[j] = (j < 32 && ((k >> j) & 1)) ? BLD_TRUE : BLD_FALSE;
            bld_wire eq = bld_eq(lw->b, m, idx.w, kw);
            for (uint64_t i = 0; i < *n; i++) {
                nt[nn].off = (*tg)[i].off + (uint64_t)k * eb;
                nt[nn].en = bld_and(lw->b, (*tg)[i].en, eq);
                nn++;
            }
        }
        *tg = nt;
        *n = nn;
        return 1;
    }
    default:
        diag_error(lw->diags, e->loc, "the left side of an assignment must be a variable, an array element or a field");
        return 0;
    }
}

/* x += e (also -=, ^=, |=) in a secret branch, as x = x + (path ? e : 0)
 * written without logging: when the branch's path condition is false this
 * leaves x unchanged, so the merge needs no mux for it. For a counter
 * `if (c) { n += 1; }` this saves the n-bit mux. */
static int ls_assign_on_path(struct lower *lw, struct ast_stmt *s, struct lv_var *v,
                             const struct mpcc_type *t, uint64_t off)
{
    struct lv_value e;
    if (!lx_expr_to(lw, s->rhs, t, &e, "compound assignment"))
        return 1;
    uint32_t n = t->width;
    bld_wire *m = lw_wires(lw, n), *r = lw_wires(lw, n);
    if (m == NULL || r == NULL)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        m[i] = bld_and(lw->b, lw->path, e.w[i]);
    bld_wire *cur = v->w + off;
    switch (s->op) {
    case '+':
        bld_add(lw->b, n, cur, m, r);
        break;
    case '-':
        bld_sub(lw->b, n, cur, m, r);
        break;
    case '^':
        for (uint32_t i = 0; i < n; i++)
            r[i] = bld_xor(lw->b, cur[i], m[i]);
        break;
    default:
        for (uint32_t i = 0; i < n; i++)
            r[i] = bld_or(lw->b, cur[i], m[i]);
        break;
    }
    memcpy(cur, r, n * sizeof *r);
    return 1;
}

static int ls_assign_stmt(struct lower *lw, struct ast_stmt *s)
{
    struct lv_var *v;
    const struct mpcc_type *t;
    struct ls_target *tg;
    uint64_t n;
    struct lv_value val;
    if (!ls_locate(lw, s->lhs, &v, &t, &tg, &n))
        return 1;
    if ((s->op == '+' || s->op == '-' || s->op == '^' || s->op == '|') && ty_is_int(t)
        && lw->level > 0 && v->level < lw->level && n == 1 && tg[0].en == BLD_TRUE
        && (lw->frame == NULL || lw->frame->returned->w[0] == BLD_FALSE))
        return ls_assign_on_path(lw, s, v, t, tg[0].off);
    if (s->op == '=') {
        if (!lx_expr_to(lw, s->rhs, t, &val, "assignment"))
            return 1;
    } else {
        struct ast_expr bin = { 0 };
        struct lv_value r;
        bin.kind = AE_BINARY;
        bin.loc = s->loc;
        bin.op = s->op;
        bin.a = s->lhs;
        bin.b = s->rhs;
        if (!lx_expr(lw, &bin, &r) || !lx_convert(lw, s->loc, &r, t, &val, "compound assignment"))
            return 1;
    }
    bld_wire *w = lw_wires(lw, v->t->bits);
    if (w == NULL)
        return 0;
    memcpy(w, v->w, v->t->bits * sizeof *w);
    for (uint64_t i = 0; i < n; i++) {
        bld_wire *dst = w + tg[i].off;
        if (tg[i].en == BLD_TRUE)
            memcpy(dst, val.w, t->bits * sizeof *dst);
        else
            bld_mux_word(lw->b, (uint32_t)t->bits, tg[i].en, val.w, dst, dst);
    }
    ls_assign(lw, v, w);
    return 1;
}

/* ---- declarations, returns ---- */

static int ls_decl(struct lower *lw, struct ast_stmt *s)
{
    const struct mpcc_type *t = lw_resolve_type(lw, s->tref, s->dims);
    if (t == NULL)
        return !lw->oom;
    int depth = *ls_depth(lw);
    for (struct lv_var *p = *ls_scope(lw); p != NULL && p->block_depth == depth; p = p->next) {
        if (strcmp(p->name, s->name) == 0) {
            diag_error(lw->diags, s->loc, "'%s' is already declared in this scope (line %d)", s->name,
                       p->loc.line);
            return 1;
        }
    }
    struct lv_value val;
    int have = s->init != NULL && lx_expr_to(lw, s->init, t, &val, "initialisation");
    /* Declared even after an error in the initialiser, to avoid follow-up errors. */
    return lw_declare(lw, s->name, s->loc, t, have ? val.w : NULL) != NULL;
}

static int ls_return(struct lower *lw, struct ast_stmt *s)
{
    struct lv_frame *f = lw->frame;
    if (f == NULL) {
        diag_error(lw->diags, s->loc, "'return' outside a function");
        return 1;
    }
    if (f->ret == NULL) {
        if (s->rhs != NULL)
            diag_error(lw->diags, s->loc, "function '%s' has no return type, so 'return' takes no value",
                       f->fn->item->name);
    } else {
        struct lv_value v;
        if (s->rhs == NULL) {
            diag_error(lw->diags, s->loc, "function '%s' must return a value", f->fn->item->name);
            return 1;
        }
        if (!lx_expr_to(lw, s->rhs, f->ret_t, &v, "return value"))
            return 1;
        ls_assign(lw, f->ret, v.w);
    }
    bld_wire t = BLD_TRUE;
    ls_write(lw, f->returned, &t);
    return 1;
}

int ls_stmt(struct lower *lw, struct ast_stmt *s)
{
    if (lw->oom || lw->stop)
        return 0;
    if (s == NULL || ls_returned(lw))
        return 1;
    if (++lw->steps > LOWER_MAX_STEPS || bld_node_count(lw->b) > LOWER_MAX_NODES) {
        diag_error(lw->diags, s->loc, "the program is too large to unroll (limit: %llu statements, %llu gates)",
                   (unsigned long long)LOWER_MAX_STEPS, (unsigned long long)LOWER_MAX_NODES);
        lw->stop = 1;
        return 0;
    }
    if (lw->depth >= LOWER_MAX_NESTING) {
        diag_error(lw->diags, s->loc, "statements nested too deeply (limit %d)", LOWER_MAX_NESTING);
        lw->stop = 1;
        return 0;
    }
    struct ast_mark m = ast_arena_mark(&lw->scratch);
    int ok = 1;
    lw->depth++;
    lw_set_tag(lw, s);
    switch (s->kind) {
    case AS_DECL:
        ok = ls_decl(lw, s);
        break;
    case AS_ASSIGN:
        ok = ls_assign_stmt(lw, s);
        break;
    case AS_IF:
        ok = ls_if(lw, s);
        break;
    case AS_FOR:
        ok = ls_for(lw, s);
        break;
    case AS_RETURN:
        ok = ls_return(lw, s);
        break;
    case AS_BLOCK: {
        struct lv_var *saved = *ls_scope(lw);
        (*ls_depth(lw))++;
        ok = ls_stmts(lw, s->body);
        (*ls_depth(lw))--;
        ls_pop_scope(lw, saved);
        break;
    }
    case AS_EXPR:
        if (s->rhs->kind != AE_CALL) {
            diag_error(lw->diags, s->loc, "this expression does nothing (did you mean an assignment?)");
        } else {
            struct lv_value v;
            (void)ls_call(lw, s->rhs, &v);
        }
        break;
    }
    lw->depth--;
    ast_arena_release(&lw->scratch, m);
    return ok && !lw->oom && !lw->stop;
}

int ls_stmts(struct lower *lw, struct ast_stmt *s)
{
    for (; s != NULL; s = s->next)
        if (!ls_stmt(lw, s))
            return 0;
    return 1;
}

/* ---- calls ---- */

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
    uint32_t i = 0;
    for (const struct ast_expr *a = call->args; a != NULL; a = a->next, i++)
        if (!lx_expr(lw, a, &args[i]))
            return 0;
    size_t errors_before = diag_count(lw->diags);
    uint32_t caller_tag = lw->cur_tag;

    struct lv_frame fr = { 0 };
    fr.fn = fn;
    fr.call_loc = call->loc;
    fr.parent = lw->frame;
    lw->frame = &fr;
    lw->call_depth++;
    int ok = 1;
    char what[96];
    i = 0;
    const struct ast_expr *arg = call->args;
    for (const struct ast_field *p = it->fields; ok && p != NULL; p = p->next, arg = arg->next, i++) {
        const struct mpcc_type *t = lw_resolve_type(lw, p->tref, p->dims);
        struct lv_value v;
        snprintf(what, sizeof what, "argument %u of '%s'", i + 1, it->name);
        ok = t != NULL && lx_convert(lw, arg->loc, &args[i], t, &v, what)
             && lw_declare(lw, p->name, p->loc, t, v.w) != NULL;
    }
    bld_wire f = BLD_FALSE;
    const struct mpcc_type *bt = ty_scalar(lw->arena, TY_BOOL, 1);
    if (ok && bt != NULL) {
        fr.returned = lw_declare(lw, "$returned", it->loc, bt, &f);
        fr.ret_t = it->tref ? lw_resolve_type(lw, it->tref, NULL) : ty_scalar(lw->arena, TY_VOID, 0);
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
