/* ast.c - the arena that owns a compilation's syntax tree and strings, and
 * list helpers for the parser. No semantics here. */
#include "ast.h"

#include <stdlib.h>
#include <string.h>

struct ast_arena_chunk {
    struct ast_arena_chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

#define AST_CHUNK_BYTES ((size_t)64 * 1024)

void ast_arena_init(struct ast_arena *a)
{
    a->head = NULL;
    a->spare = NULL;
    a->failed = 0;
}

void ast_arena_clear(struct ast_arena *a)
{
    struct ast_arena_chunk *c = a->head;
    while (c != NULL) {
        struct ast_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    free(a->spare);
    a->spare = NULL;
}

void *ast_alloc(struct ast_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct ast_arena_chunk *c = a->head;
    if (c == NULL || c->cap - c->used < n) {
        size_t cap = n > AST_CHUNK_BYTES ? n : AST_CHUNK_BYTES;
        if (cap == AST_CHUNK_BYTES && a->spare != NULL) {
            c = a->spare; /* statement-by-statement release makes this common */
            a->spare = NULL;
        } else {
            c = malloc(sizeof *c + cap);
        }
        if (c == NULL) {
            a->failed = 1;
            return NULL;
        }
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

struct ast_mark ast_arena_mark(const struct ast_arena *a)
{
    struct ast_mark m = { a->head, a->head ? a->head->used : 0 };
    return m;
}

void ast_arena_release(struct ast_arena *a, struct ast_mark m)
{
    while (a->head != NULL && a->head != m.chunk) {
        struct ast_arena_chunk *n = a->head->next;
        if (a->spare == NULL && a->head->cap == AST_CHUNK_BYTES)
            a->spare = a->head;
        else
            free(a->head);
        a->head = n;
    }
    if (a->head != NULL)
        a->head->used = m.used;
}

char *ast_strndup(struct ast_arena *a, const char *s, size_t n)
{
    char *p = ast_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

#define AST_REVERSE(fn, type)                                                                      \
    type *fn(type *l)                                                                              \
    {                                                                                              \
        type *r = NULL;                                                                            \
        while (l != NULL) {                                                                        \
            type *n = l->next;                                                                     \
            l->next = r;                                                                           \
            r = l;                                                                                 \
            l = n;                                                                                 \
        }                                                                                          \
        return r;                                                                                  \
    }

AST_REVERSE(ast_expr_reverse, struct ast_expr)
AST_REVERSE(ast_stmt_reverse, struct ast_stmt)
AST_REVERSE(ast_name_reverse, struct ast_name)
AST_REVERSE(ast_field_reverse, struct ast_field)
AST_REVERSE(ast_item_reverse, struct ast_item)
