/* types.c - construction, comparison and spelling of .mpc types (types.h).
 * Type checking of expressions is in sema_expr.c. */
#include "types.h"

#include <stdio.h>
#include <string.h>

const struct mpcc_type *ty_scalar(struct ast_arena *a, enum ty_kind k, uint32_t width)
{
    struct mpcc_type *t = ast_alloc(a, sizeof *t);
    if (t == NULL)
        return NULL;
    t->kind = k;
    t->width = k == TY_BOOL ? 1 : width;
    t->bits = (k == TY_BOOL || k == TY_UINT || k == TY_INT || k == TY_FIXED) ? t->width : 0;
    return t;
}

const struct mpcc_type *ty_get(struct ty_ctx *c, enum ty_kind k, uint32_t width)
{
    const struct mpcc_type **slot;
    switch (k) {
    case TY_UINT:
        slot = width <= 512 ? &c->t_uint[width] : NULL;
        break;
    case TY_INT:
        slot = width <= 512 ? &c->t_int[width] : NULL;
        break;
    case TY_FIXED:
        slot = width <= 64 ? &c->t_fixed[width] : NULL;
        break;
    case TY_DECIMAL:
        slot = &c->t_decimal;
        break;
    case TY_BOOL:
        slot = &c->t_bool;
        break;
    case TY_UNTYPED:
        slot = &c->t_untyped;
        break;
    case TY_UNKNOWN:
        slot = &c->t_unknown;
        break;
    default:
        slot = &c->t_void;
        break;
    }
    if (slot == NULL)
        return NULL;
    if (*slot == NULL) {
        *slot = ty_scalar(c->arena, k, width);
        if (*slot == NULL)
            c->failed = 1;
    }
    return *slot;
}

const struct mpcc_type *ty_array(struct ast_arena *a, const struct mpcc_type *elem, uint32_t len)
{
    if (elem->bits > TY_MAX_BITS / (len ? len : 1))
        return NULL;
    for (struct mpcc_type *t = elem->arrays; t != NULL; t = t->array_next)
        if (t->len == len)
            return t;
    struct mpcc_type *t = ast_alloc(a, sizeof *t);
    if (t == NULL)
        return NULL;
    t->kind = TY_ARRAY;
    t->elem = elem;
    t->len = len;
    t->bits = elem->bits * len;
    /* Types are shared read-only everywhere else; only this list grows. */
    struct mpcc_type *e = (struct mpcc_type *)elem;
    t->array_next = e->arrays;
    e->arrays = t;
    return t;
}

int ty_is_int(const struct mpcc_type *t)
{
    return t->kind == TY_UINT || t->kind == TY_INT;
}

int ty_is_scalar(const struct mpcc_type *t)
{
    return t->kind == TY_BOOL || ty_is_int(t) || t->kind == TY_FIXED;
}

int ty_equal(const struct mpcc_type *x, const struct mpcc_type *y)
{
    if (x == y)
        return 1;
    if (x->kind != y->kind)
        return 0;
    switch (x->kind) {
    case TY_BOOL:
    case TY_UNTYPED:
    case TY_DECIMAL:
    case TY_VOID:
    case TY_UNKNOWN:
        return 1;
    case TY_UINT:
    case TY_INT:
    case TY_FIXED:
        return x->width == y->width;
    case TY_ARRAY:
        return x->len == y->len && ty_equal(x->elem, y->elem);
    case TY_STRUCT:
        return 0; /* one definition, one pointer */
    }
    return 0;
}

int ty_widens(const struct mpcc_type *from, const struct mpcc_type *to)
{
    if (ty_equal(from, to))
        return 1;
    if (from->kind == TY_UINT && to->kind == TY_UINT)
        return to->width > from->width;
    if (from->kind == TY_INT && to->kind == TY_INT)
        return to->width > from->width;
    if (from->kind == TY_UINT && to->kind == TY_INT)
        return to->width > from->width;
    return 0;
}

int ty_partial(const struct mpcc_type *t)
{
    for (;;) {
        switch (t->kind) {
        case TY_UNKNOWN:
            return 1;
        case TY_UINT:
        case TY_INT:
        case TY_FIXED:
            return t->width == 0;
        case TY_ARRAY:
            if (t->len == 0)
                return 1;
            t = t->elem;
            continue;
        default:
            return 0;
        }
    }
}

void ty_name(const struct mpcc_type *t, char *buf, size_t len)
{
    char dims[128] = "";
    size_t dl = 0;
    while (t->kind == TY_ARRAY) {
        int n = t->len ? snprintf(dims + dl, sizeof dims - dl, "[%u]", t->len)
                       : snprintf(dims + dl, sizeof dims - dl, "[?]");
        if (n > 0 && (size_t)n < sizeof dims - dl)
            dl += (size_t)n;
        t = t->elem;
    }
    switch (t->kind) {
    case TY_BOOL:
        snprintf(buf, len, "bool%s", dims);
        break;
    case TY_UINT:
    case TY_INT:
        if (t->width == 0)
            snprintf(buf, len, "%s<?>%s", t->kind == TY_UINT ? "uint" : "int", dims);
        else
            snprintf(buf, len, "%s%u%s", t->kind == TY_UINT ? "uint" : "int", t->width, dims);
        break;
    case TY_FIXED:
        if (t->width == 0)
            snprintf(buf, len, "fixed<?>%s", dims);
        else
            snprintf(buf, len, "fixed%u%s", t->width, dims);
        break;
    case TY_STRUCT:
        snprintf(buf, len, "%s%s", t->name, dims);
        break;
    case TY_UNTYPED:
        snprintf(buf, len, "integer constant");
        break;
    case TY_DECIMAL:
        snprintf(buf, len, "decimal constant");
        break;
    case TY_VOID:
        snprintf(buf, len, "nothing");
        break;
    case TY_UNKNOWN:
        snprintf(buf, len, "?%s", dims);
        break;
    case TY_ARRAY:
        break;
    }
}
