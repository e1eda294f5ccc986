/* lower_stmt.c - lowering of statements: declarations, assignments (with
 * public or secret indices), if/else (a public condition picks a branch; a
 * secret one runs both and muxes every variable either branch assigned),
 * unrolled for loops, and returns, breaks and continues under secret
 * conditions (a per-call "returned" wire and per-loop "broken" and
 * "continued" wires guard later assignments). The semantic pass has checked
 * names and types. Calls are in lower_call.c, expressions in
 * lower_expr.c, items and the interface in lower.c. */
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

/* Saves v's value in the current secret branch's log (once per branch)
 * if v lives outside that branch. */
static void ls_log(struct lower *lw, struct lv_var *v)
{
    size_t bytes = v->t->bits * sizeof(bld_wire);
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
}

/* Writes w into var, first saving the old value in the current secret
 * branch's log if var lives outside that branch. */
void ls_write(struct lower *lw, struct lv_var *v, const bld_wire *w)
{
    ls_log(lw, v);
    memmove(v->w, w, v->t->bits * sizeof *w);
}

/* Writes n wires at bit offset off of var (logged like ls_write): an
 * element or field, without copying the rest of the variable. */
static void ls_write_part(struct lower *lw, struct lv_var *v, uint64_t off, const bld_wire *w, uint64_t n)
{
    ls_log(lw, v);
    memmove(v->w + off, w, n * sizeof *w);
}

static struct lv_loop **ls_loops(struct lower *lw)
{
    return lw->frame ? &lw->frame->loops : &lw->loops;
}

/* The paths on which statements no longer run: this call has returned, or
 * a loop around the statement (in this call) was left by `break` or its
 * iteration ended by `continue`. BLD_FALSE when there are none. */
static bld_wire ls_guard(struct lower *lw)
{
    bld_wire g = lw->frame ? lw->frame->returned->w[0] : BLD_FALSE;
    for (const struct lv_loop *l = *ls_loops(lw); l != NULL; l = l->outer) {
        g = bld_or(lw->b, g, l->broken->w[0]);
        if (l->continued != NULL)
            g = bld_or(lw->b, g, l->continued->w[0]);
    }
    return g;
}

/* True when no statement runs any more on any path (the guard is
 * certainly true), so the rest of a block is skipped. */
static int ls_stopped(struct lower *lw)
{
    if (lw->frame != NULL && lw->frame->returned->w[0] == BLD_TRUE)
        return 1;
    for (const struct lv_loop *l = *ls_loops(lw); l != NULL; l = l->outer)
        if (l->broken->w[0] == BLD_TRUE || (l->continued != NULL && l->continued->w[0] == BLD_TRUE))
            return 1;
    return 0;
}

/* Sets a flag (returned, broken, continued) on the paths still running:
 * flag |= !guard. */
static void ls_raise(struct lower *lw, struct lv_var *flag)
{
    bld_wire t = bld_or(lw->b, flag->w[0], bld_not(lw->b, ls_guard(lw)));
    ls_write(lw, flag, &t);
}

void ls_assign(struct lower *lw, struct lv_var *v, const bld_wire *w)
{
    bld_wire guard = ls_guard(lw);
    if (guard == BLD_FALSE) {
        ls_write(lw, v, w);
        return;
    }
    /* Some paths no longer run (returned, broken, continued): they keep
     * the old value. */
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
    /* The loop's flags live in a scope around it; `continued` is declared
     * afresh for each iteration. */
    const struct mpcc_type *bt = lw_scalar(lw, TY_BOOL, 1);
    const bld_wire no = BLD_FALSE;
    struct lv_var *outer_saved = *ls_scope(lw);
    (*ls_depth(lw))++;
    struct lv_loop loop = { lw_declare(lw, "$broken", s->loc, bt, &no), NULL, *ls_loops(lw) };
    int ok = loop.broken != NULL;
    if (ok)
        *ls_loops(lw) = &loop;
    for (int64_t i = 0; ok && i < cnt && !ls_stopped(lw); i++) {
        struct lv_var *saved = *ls_scope(lw);
        (*ls_depth(lw))++;
        loop.continued = lw_declare(lw, "$continued", s->loc, bt, &no);
        struct lv_var *v = loop.continued == NULL ? NULL
                         : lw_declare(lw, s->name, s->loc, lw_scalar(lw, TY_UNTYPED, 0), NULL);
        ok = v != NULL;
        if (ok) {
            v->kind = LV_LOOP;
            v->readonly = 1;
            ce_from_i64(&v->c, a + i);
            ok = ls_stmt(lw, s->body);
        }
        (*ls_depth(lw))--;
        ls_pop_scope(lw, saved); /* (frees `continued`) */
        loop.continued = NULL;
    }
    if (*ls_loops(lw) == &loop)
        *ls_loops(lw) = loop.outer;
    (*ls_depth(lw))--;
    ls_pop_scope(lw, outer_saved);
    return ok;
}

/* ---- assignment ---- */

struct ls_target {
    uint64_t off;
    bld_wire en;
};

/* One-hot decoder: out[k] = (bits[0..m-1] == k) for k < n (n <= 2^m), with
 * about n ANDs plus the decoders of the two halves of the bits. */
static int ls_decode(struct lower *lw, const bld_wire *bits, uint32_t m, uint64_t n, bld_wire *out)
{
    if (m == 0) {
        out[0] = BLD_TRUE;
        return 1;
    }
    if (m == 1) {
        out[0] = bld_not(lw->b, bits[0]);
        if (n > 1)
            out[1] = bits[0];
        return 1;
    }
    uint32_t lo = m / 2, hi = m - lo;
    uint64_t nlo = (lo >= 40 || n < ((uint64_t)1 << lo)) ? n : (uint64_t)1 << lo;
    uint64_t nhi = lo >= 40 ? 1 : (n + ((uint64_t)1 << lo) - 1) >> lo;
    bld_wire *lo_out = lw_wires(lw, nlo), *hi_out = lw_wires(lw, nhi);
    if (lo_out == NULL || hi_out == NULL || !ls_decode(lw, bits, lo, nlo, lo_out)
        || !ls_decode(lw, bits + lo, hi, nhi, hi_out))
        return 0;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t kl = lo >= 40 ? k : k & (((uint64_t)1 << lo) - 1);
        uint64_t kh = lo >= 40 ? 0 : k >> lo;
        out[k] = bld_and(lw->b, lo_out[kl], hi_out[kh]);
    }
    return 1;
}

/* Finds where an lvalue lives: its variable, its type and the bit offsets it
 * may occupy (several, each with an enable wire, under secret indices). The
 * semantic pass checked that it is assignable. */
static int ls_locate(struct lower *lw, const struct ast_expr *e, struct lv_var **var,
                     const struct mpcc_type **t, struct ls_target **tg, uint64_t *n)
{
    char a[64];
    switch (e->kind) {
    case AE_NAME: {
        struct lv_var *v = lw_lookup(lw, e->name);
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
        uint32_t i = 0;
        while (strcmp((*t)->fields[i].name, e->name) != 0)
            i++;
        for (uint64_t k = 0; k < *n; k++)
            (*tg)[k].off += (*t)->fields[i].offset;
        *t = (*t)->fields[i].type;
        return 1;
    }
    case AE_INDEX: {
        if (!ls_locate(lw, e->a, var, t, tg, n))
            return 0;
        const struct mpcc_type *at = *t;
        struct lv_value idx;
        struct ce_int c;
        if (!lx_expr(lw, e->b, &idx))
            return 0;
        uint64_t eb = at->elem->bits;
        *t = at->elem;
        if (lx_value_const(&idx, &c)) {
            int64_t k;
            if (!ce_to_i64(&c, &k) || k < 0 || k >= at->len) {
                char num[200];
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
        bld_wire *kw = lw_wires(lw, at->len);
        if (nt == NULL || kw == NULL) {
            lw_nomem(lw);
            return 0;
        }
        /* Only indices the type can hold (non-negative ones for intN) can match. */
        uint64_t cnt = at->len;
        uint32_t vb = idx.t->kind == TY_INT ? m - 1 : m;
        if (vb < 32 && cnt > ((uint64_t)1 << vb))
            cnt = (uint64_t)1 << vb;
        if (!ls_decode(lw, idx.w, m, cnt, kw))
            return 0;
        uint64_t nn = 0;
        for (uint32_t k = 0; k < cnt; k++) {
            bld_wire eq = kw[k];
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
    default: /* the semantic pass allows only the three above */
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
    bld_wire guard = ls_guard(lw);
    if ((s->op == '+' || s->op == '-' || s->op == '^' || s->op == '|') && ty_is_int(t)
        && lw->level > 0 && v->level < lw->level && n == 1 && tg[0].en == BLD_TRUE
        && guard == BLD_FALSE)
        return ls_assign_on_path(lw, s, v, t, tg[0].off);
    if (s->op == '=') {
        if (!lx_expr_to_top(lw, s->rhs, t, &val, "assignment"))
            return 1;
    } else {
        struct lv_value r; /* x op= e is x = x op e */
        if (!lx_expr_top(lw, s->compound, &r) || !lx_convert(lw, s->loc, &r, t, &val, "compound assignment"))
            return 1;
    }
    /* One public target and no guard: write just that part. */
    if (n == 1 && tg[0].en == BLD_TRUE && guard == BLD_FALSE) {
        ls_write_part(lw, v, tg[0].off, val.w, t->bits);
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
    const struct mpcc_type *t = s->type;
    struct lv_value val;
    int have = s->init != NULL && lx_expr_to_top(lw, s->init, t, &val, "initialisation");
    /* Declared even after an error in the initialiser, to avoid follow-up errors. */
    return lw_declare(lw, s->name, s->loc, t, have ? val.w : NULL) != NULL;
}

static int ls_return(struct lower *lw, struct ast_stmt *s)
{
    struct lv_frame *f = lw->frame;
    if (f->ret != NULL) {
        struct lv_value v;
        if (!lx_expr_to_top(lw, s->rhs, f->ret_t, &v, "return value"))
            return 1;
        ls_assign(lw, f->ret, v.w);
    }
    ls_raise(lw, f->returned);
    return 1;
}

/* static_assert(cond, "message"): cond must be public and true where the
 * statement runs; inside a function the error names the program's call. */
static void ls_assert(struct lower *lw, struct ast_stmt *s)
{
    bld_wire c;
    if (!lx_cond(lw, s->cond, &c))
        return;
    if (c == BLD_TRUE)
        return;
    char where[600] = "";
    const struct lv_frame *f = lw->frame;
    while (f != NULL && f->parent != NULL)
        f = f->parent;
    if (f != NULL)
        snprintf(where, sizeof where, " (in the call of '%s' at %s:%d:%d)", f->fn->item->name,
                 f->call_loc.file ? f->call_loc.file : "<input>", f->call_loc.line, f->call_loc.col);
    if (c == BLD_FALSE)
        diag_error(lw->diags, s->loc, "static assertion failed: %s%s", s->name, where);
    else
        diag_error(lw->diags, s->loc, "static_assert: the condition must be known at compile time%s", where);
}

int ls_stmt(struct lower *lw, struct ast_stmt *s)
{
    if (lw->oom || lw->stop)
        return 0;
    if (s == NULL || ls_stopped(lw))
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
    case AS_BREAK:
        ls_raise(lw, (*ls_loops(lw))->broken);
        break;
    case AS_CONTINUE:
        ls_raise(lw, (*ls_loops(lw))->continued);
        break;
    case AS_BLOCK: {
        struct lv_var *saved = *ls_scope(lw);
        (*ls_depth(lw))++;
        ok = ls_stmts(lw, s->body);
        (*ls_depth(lw))--;
        ls_pop_scope(lw, saved);
        break;
    }
    case AS_ASSERT:
        ls_assert(lw, s);
        break;
    case AS_EXPR: { /* a call */
        struct lv_value v;
        (void)ls_call(lw, s->rhs, &v);
        break;
    }
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
