/* ast_clone.c - deep copies of syntax trees, so that the semantic pass can
 * give each instance of a generic function a tree of its own to annotate
 * with that instance's types. Copies the syntax only (no sema fields);
 * strings and locations are shared with the original. */
#include <string.h>

#include "ast.h"

struct cl {
    struct ast_arena *a;
    int failed;
};

static struct ast_expr *cl_expr(struct cl *c, const struct ast_expr *e);

static struct ast_tref *cl_tref(struct cl *c, const struct ast_tref *t)
{
    if (t == NULL || c->failed)
        return NULL;
    struct ast_tref *r = ast_alloc(c->a, sizeof *r);
    if (r == NULL) {
        c->failed = 1;
        return NULL;
    }
    *r = *t;
    r->width_expr = cl_expr(c, t->width_expr);
    return r;
}

/* Copies a list of expressions (through `next`). */
static struct ast_expr *cl_exprs(struct cl *c, const struct ast_expr *e)
{
    struct ast_expr *head = NULL, **tail = &head;
    for (; e != NULL && !c->failed; e = e->next) {
        *tail = cl_expr(c, e);
        if (*tail != NULL)
            tail = &(*tail)->next;
    }
    return head;
}

static struct ast_expr *cl_expr(struct cl *c, const struct ast_expr *e)
{
    if (e == NULL || c->failed)
        return NULL;
    struct ast_expr *r = ast_alloc(c->a, sizeof *r);
    if (r == NULL) {
        c->failed = 1;
        return NULL;
    }
    *r = *e;
    r->next = NULL;
    r->type = NULL;
    r->callee = NULL;
    r->a = cl_expr(c, e->a);
    r->b = cl_expr(c, e->b);
    r->c = cl_expr(c, e->c);
    r->args = cl_exprs(c, e->args);
    r->tref = cl_tref(c, e->tref);
    return r;
}

static struct ast_stmt *cl_stmts(struct cl *c, const struct ast_stmt *s);

static struct ast_stmt *cl_stmt(struct cl *c, const struct ast_stmt *s)
{
    if (s == NULL || c->failed)
        return NULL;
    struct ast_stmt *r = ast_alloc(c->a, sizeof *r);
    if (r == NULL) {
        c->failed = 1;
        return NULL;
    }
    *r = *s;
    r->next = NULL;
    r->tag = 0;
    r->type = NULL;
    r->compound = NULL;
    r->tref = cl_tref(c, s->tref);
    r->dims = cl_exprs(c, s->dims);
    r->init = cl_expr(c, s->init);
    r->lhs = cl_expr(c, s->lhs);
    r->rhs = cl_expr(c, s->rhs);
    r->cond = cl_expr(c, s->cond);
    r->then_s = cl_stmt(c, s->then_s);
    r->else_s = cl_stmt(c, s->else_s);
    r->from = cl_expr(c, s->from);
    r->to = cl_expr(c, s->to);
    r->body = cl_stmts(c, s->body);
    return r;
}

static struct ast_stmt *cl_stmts(struct cl *c, const struct ast_stmt *s)
{
    struct ast_stmt *head = NULL, **tail = &head;
    for (; s != NULL && !c->failed; s = s->next) {
        *tail = cl_stmt(c, s);
        if (*tail != NULL)
            tail = &(*tail)->next;
    }
    return head;
}

struct ast_item *ast_clone_fn(struct ast_arena *a, const struct ast_item *fn)
{
    struct cl c = { a, 0 };
    struct ast_item *r = ast_alloc(a, sizeof *r);
    if (r == NULL)
        return NULL;
    *r = *fn;
    r->next = NULL;
    r->type = NULL;
    r->module_items = NULL;
    r->inst = NULL;
    struct ast_field *head = NULL, **tail = &head;
    for (const struct ast_field *f = fn->fields; f != NULL && !c.failed; f = f->next) {
        struct ast_field *g = ast_alloc(a, sizeof *g);
        if (g == NULL) {
            c.failed = 1;
            break;
        }
        *g = *f;
        g->next = NULL;
        g->type = NULL;
        g->tref = cl_tref(&c, f->tref);
        g->dims = cl_exprs(&c, f->dims);
        *tail = g;
        tail = &g->next;
    }
    r->fields = head;
    r->tref = cl_tref(&c, fn->tref);
    r->dims = cl_exprs(&c, fn->dims);
    r->body = cl_stmt(&c, fn->body);
    return c.failed ? NULL : r;
}

struct ast_expr *ast_clone_expr(struct ast_arena *a, const struct ast_expr *e)
{
    struct cl c = { a, 0 };
    struct ast_expr *r = cl_expr(&c, e);
    return c.failed ? NULL : r;
}
