/* sema_stmt.c - statements in the semantic pass: declarations (with their
 * resolved types), assignments and their targets, both branches of every
 * `if`, loop bodies (checked once, the loop variable an untyped constant),
 * returns, blocks and call statements. Expressions are in sema_expr.c. */
#include <stdio.h>
#include <string.h>

#include "sema.h"

static void sm_scoped(struct sema *s, struct ast_stmt *st)
{
    struct sm_sym *saved = *sm_scope(s);
    (*sm_depth(s))++;
    sm_stmt(s, st);
    (*sm_depth(s))--;
    sm_pop_scope(s, saved);
}

static void sm_decl(struct sema *s, struct ast_stmt *st)
{
    const struct mpcc_type *t = sm_resolve_type(s, st->tref, st->dims);
    if (t == NULL)
        t = sm_t(s, TY_UNKNOWN, 0); /* declared anyway: no follow-up errors */
    st->type = t;
    int depth = *sm_depth(s);
    for (struct sm_sym *p = *sm_scope(s); p != NULL && p->depth == depth; p = p->next) {
        if (strcmp(p->name, st->name) == 0) {
            diag_error(s->diags, st->loc, "'%s' is already declared in this scope (line %d)", st->name,
                       p->loc.line);
            return;
        }
    }
    if (st->init != NULL)
        sm_expr_to(s, st->init, t, "initialisation");
    (void)sm_declare(s, st->name, st->loc, SM_VAR, t);
}

/* The type of an assignment target; NULL after an error. */
static const struct mpcc_type *sm_target(struct sema *s, struct ast_expr *e)
{
    char a[64];
    switch (e->kind) {
    case AE_NAME: {
        struct sm_sym *v = sm_lookup(s, e->name);
        if (v == NULL) {
            diag_error(s->diags, e->loc, "unknown name '%s'", e->name);
            return NULL;
        }
        if (v->kind != SM_VAR) {
            static const char *const what[] = { "variable", "constant", "loop variable", "input",
                                                "type parameter", "constant" };
            diag_error(s->diags, e->loc, "cannot assign to %s '%s'", what[v->kind], e->name);
            return NULL;
        }
        if (s->frame != NULL) {
            struct sm_sym *p;
            for (p = s->frame->locals; p != NULL && p != v; p = p->next)
                ;
            if (p == NULL) {
                diag_error(s->diags, e->loc,
                           "function '%s' cannot assign to the global variable '%s' (functions only change their own variables; return a value instead)",
                           s->frame->fn->item->name, e->name);
                return NULL;
            }
        }
        e->type = v->t;
        return v->t;
    }
    case AE_FIELD: {
        const struct mpcc_type *t = sm_target(s, e->a);
        if (t == NULL || t->kind == TY_UNKNOWN)
            return t;
        if (t->kind != TY_STRUCT) {
            ty_name(t, a, sizeof a);
            diag_error(s->diags, e->loc, "'.%s': %s is not a struct", e->name, a);
            return NULL;
        }
        for (uint32_t i = 0; i < t->n_fields; i++)
            if (strcmp(t->fields[i].name, e->name) == 0)
                return e->type = t->fields[i].type;
        diag_error(s->diags, e->loc, "struct %s has no field '%s'", t->name, e->name);
        return NULL;
    }
    case AE_INDEX: {
        const struct mpcc_type *t = sm_target(s, e->a);
        struct sv iv;
        const struct mpcc_type *it = sm_expr(s, e->b, &iv);
        if (it->kind != TY_UINT && it->kind != TY_INT && it->kind != TY_UNTYPED && it->kind != TY_UNKNOWN) {
            ty_name(it, a, sizeof a);
            diag_error(s->diags, e->b->loc, "array index must be an integer, found %s", a);
            return NULL;
        }
        if (t == NULL || t->kind == TY_UNKNOWN)
            return t;
        if (t->kind != TY_ARRAY) {
            ty_name(t, a, sizeof a);
            diag_error(s->diags, e->loc, "cannot index a value of type %s", a);
            return NULL;
        }
        return e->type = t->elem;
    }
    default:
        diag_error(s->diags, e->loc, "the left side of an assignment must be a variable, an array element or a field");
        return NULL;
    }
}

static void sm_assign(struct sema *s, struct ast_stmt *st)
{
    const struct mpcc_type *t = sm_target(s, st->lhs);
    if (t == NULL) {
        struct sv v;
        (void)sm_expr(s, st->rhs, &v); /* still checked */
        return;
    }
    if (st->op == '=') {
        sm_expr_to(s, st->rhs, t, "assignment");
        return;
    }
    /* x op= e is x = x op e, checked as that expression. */
    struct ast_expr *bin = ast_alloc(s->arena, sizeof *bin);
    if (bin == NULL) {
        sm_nomem(s);
        return;
    }
    bin->kind = AE_BINARY;
    bin->loc = st->loc;
    bin->op = st->op;
    bin->a = st->lhs;
    bin->b = st->rhs;
    st->compound = bin;
    struct sv v;
    (void)sm_expr(s, bin, &v);
    (void)sm_convert_at(s, bin, st->loc, &v, t, "compound assignment");
}

static void sm_for(struct sema *s, struct ast_stmt *st)
{
    struct sv v;
    struct ast_expr *b[2] = { st->from, st->to };
    for (int i = 0; i < 2; i++) {
        const struct mpcc_type *t = sm_expr(s, b[i], &v);
        if (t->kind != TY_UINT && t->kind != TY_INT && t->kind != TY_UNTYPED && t->kind != TY_UNKNOWN)
            diag_error(s->diags, b[i]->loc, "loop bound must be an integer");
    }
    struct sm_sym *saved = *sm_scope(s);
    (*sm_depth(s))++;
    struct sm_sym *iv = sm_declare(s, st->name, st->loc, SM_LOOP, sm_t(s, TY_UNTYPED, 0));
    int *loops = s->frame ? &s->frame->loops : &s->loops;
    (*loops)++;
    if (iv != NULL)
        sm_stmt(s, st->body);
    (*loops)--;
    (*sm_depth(s))--;
    sm_pop_scope(s, saved);
}

static void sm_return(struct sema *s, struct ast_stmt *st)
{
    struct sm_frame *f = s->frame;
    if (f == NULL) {
        diag_error(s->diags, st->loc, "'return' outside a function");
        return;
    }
    if (f->ret_t->kind == TY_VOID) {
        if (st->rhs != NULL)
            diag_error(s->diags, st->loc, "function '%s' has no return type, so 'return' takes no value",
                       f->fn->item->name);
        return;
    }
    if (st->rhs == NULL) {
        diag_error(s->diags, st->loc, "function '%s' must return a value", f->fn->item->name);
        return;
    }
    f->has_return = 1;
    sm_expr_to(s, st->rhs, f->ret_t, "return value");
}

void sm_stmt(struct sema *s, struct ast_stmt *st)
{
    if (st == NULL || s->oom || s->stop)
        return;
    if (s->nest >= SEMA_MAX_NESTING) {
        diag_error(s->diags, st->loc, "statements nested too deeply (limit %d)", SEMA_MAX_NESTING);
        s->stop = 1;
        return;
    }
    s->nest++;
    struct sv v;
    switch (st->kind) {
    case AS_DECL:
        sm_decl(s, st);
        break;
    case AS_ASSIGN:
        sm_assign(s, st);
        break;
    case AS_IF:
        /* Both branches, whatever the condition. */
        sm_cond(s, st->cond, &v);
        sm_scoped(s, st->then_s);
        if (st->else_s != NULL)
            sm_scoped(s, st->else_s);
        break;
    case AS_FOR:
        sm_for(s, st);
        break;
    case AS_RETURN:
        sm_return(s, st);
        break;
    case AS_BREAK:
    case AS_CONTINUE:
        /* Loops do not reach into the functions called in them. */
        if ((s->frame ? s->frame->loops : s->loops) == 0)
            diag_error(s->diags, st->loc, "'%s' outside a for loop%s",
                       st->kind == AS_BREAK ? "break" : "continue",
                       s->frame ? " of this function" : "");
        break;
    case AS_BLOCK: {
        struct sm_sym *saved = *sm_scope(s);
        (*sm_depth(s))++;
        sm_stmts(s, st->body);
        (*sm_depth(s))--;
        sm_pop_scope(s, saved);
        break;
    }
    case AS_ASSERT:
        /* The condition must be true; lowering checks it where it runs. */
        sm_cond(s, st->cond, &v);
        break;
    case AS_EXPR:
        if (st->rhs->kind != AE_CALL || (sm_find_fn(s, st->rhs->name) == NULL && sm_builtin_id(st->rhs->name)))
            diag_error(s->diags, st->loc, "this expression does nothing (did you mean an assignment?)");
        else
            st->rhs->type = sm_call(s, st->rhs);
        break;
    }
    s->nest--;
}

void sm_stmts(struct sema *s, struct ast_stmt *st)
{
    for (; st != NULL && !s->oom && !s->stop; st = st->next)
        sm_stmt(s, st);
}
