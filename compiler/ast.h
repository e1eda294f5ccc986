/* ast.h - the syntax tree of a .mpc program, as the parser builds it, and the
 * arena that owns every node and string of one compilation.
 * The parser fills in the syntax; the semantic pass (sema*.c) then fills in
 * the fields marked "sema:" (static types, resolved calls, loaded modules),
 * and lowering (lower*.c) reads them. Lists are singly linked through `next`. */
#ifndef MPCC_AST_H
#define MPCC_AST_H

#include <stddef.h>
#include <stdint.h>

/* ---- arena: bump allocation in chunks, freed all at once ---- */
struct ast_arena_chunk;
struct ast_arena {
    struct ast_arena_chunk *head;
    struct ast_arena_chunk *spare; /* one released standard chunk, kept for reuse */
    int failed;                    /* sticky: an allocation failed */
};
void ast_arena_init(struct ast_arena *a);
void ast_arena_clear(struct ast_arena *a);
/* Zeroed memory aligned for any object; NULL (and a->failed set) on failure. */
void *ast_alloc(struct ast_arena *a, size_t n);
char *ast_strndup(struct ast_arena *a, const char *s, size_t n);
/* A position in the arena; release frees everything allocated after it. */
struct ast_mark {
    struct ast_arena_chunk *chunk;
    size_t used;
};
struct ast_mark ast_arena_mark(const struct ast_arena *a);
void ast_arena_release(struct ast_arena *a, struct ast_mark m);

struct mpcc_type;
struct ast_fn_inst;

struct ast_loc {
    const char *file;
    int line; /* 1-based */
    int col;  /* 1-based */
};

enum ast_tref_kind { ATR_BOOL, ATR_UINT, ATR_INT, ATR_NAMED, ATR_VOID, ATR_FIXED };
struct ast_tref {
    enum ast_tref_kind kind;
    uint32_t width;   /* ATR_UINT / ATR_INT / ATR_FIXED */
    struct ast_expr *width_expr; /* uint<E> / int<E>: the width as an expression (else NULL) */
    const char *name; /* ATR_NAMED: a struct name */
    struct ast_loc loc;
};

enum ast_expr_kind {
    AE_INT,    /* text: the literal as written */
    AE_DEC,    /* text: a decimal literal as written (1.5) */
    AE_BOOL,   /* op: 0 or 1 */
    AE_NAME,   /* name */
    AE_UNARY,  /* op ('-', '~', '!'), a */
    AE_BINARY, /* op (token code), a, b */
    AE_COND,   /* a ? b : c */
    AE_CALL,   /* name(args) */
    AE_CAST,   /* tref(a) */
    AE_INDEX,  /* a[b] */
    AE_FIELD,  /* a.name */
    AE_ARRAY,  /* [args] */
    AE_STRUCT, /* tref{args} or {args} (tref NULL): args are AE_FIELD_INIT */
    AE_FIELD_INIT, /* name: a (inside AE_STRUCT) */
    AE_BUILTIN /* sema: a call (name(args)) of a built-in function, op: which (AB_FN_*) */
};

/* Built-in functions of constant expressions. */
/* bit_width(x): bits of the non-negative integer x (0 for 0); fx_raw(x): the
 * scaled integer of fixed<W> x as int<W>; fx_from_raw(i): int<W> i read as
 * the scaled integer of a fixed<W> (the fixed module builds on these two). */
enum { AB_FN_BIT_WIDTH = 1, AB_FN_FX_RAW, AB_FN_FX_FROM_RAW };

struct ast_expr {
    enum ast_expr_kind kind;
    struct ast_loc loc;
    int op;
    const char *name;
    const char *text;
    struct ast_expr *a, *b, *c;
    struct ast_expr *args;
    struct ast_tref *tref;
    struct ast_expr *next;
    /* sema: the static type (TY_UNTYPED for untyped constants, TY_VOID for a
     * call that returns nothing); for AE_CALL the function (instance) called. */
    const struct mpcc_type *type;
    const struct ast_fn_inst *callee;
};

enum ast_stmt_kind { AS_DECL, AS_ASSIGN, AS_IF, AS_FOR, AS_RETURN, AS_BLOCK, AS_EXPR, AS_ASSERT,
                     AS_BREAK, AS_CONTINUE };

struct ast_stmt {
    enum ast_stmt_kind kind;
    struct ast_loc loc;
    /* AS_DECL: tref name dims [= init] */
    struct ast_tref *tref;
    const char *name;
    struct ast_expr *dims;
    struct ast_expr *init;
    /* AS_ASSIGN: lhs op rhs (op '=' or the binary operator of a compound); AS_EXPR: rhs;
     * AS_RETURN: rhs (may be NULL) */
    struct ast_expr *lhs;
    int op;
    struct ast_expr *rhs;
    /* AS_IF; AS_ASSERT: static_assert(cond, "name") */
    struct ast_expr *cond;
    struct ast_stmt *then_s, *else_s;
    /* AS_FOR: for name in from..to body; AS_BLOCK: body; AS_BREAK, AS_CONTINUE:
     * nothing (the innermost loop) */
    struct ast_expr *from, *to;
    struct ast_stmt *body;
    uint32_t tag; /* lowering: profile tag of this statement (0: none yet) */
    struct ast_stmt *next;
    /* sema: AS_DECL the declared type; AS_ASSIGN with a compound operator
     * the typed expression `lhs op rhs`. */
    const struct mpcc_type *type;
    struct ast_expr *compound;
};

struct ast_name {
    const char *name;
    struct ast_loc loc;
    struct ast_name *next;
};

/* A struct field or a function parameter: tref name dims. A parameter
 * `const K` of a generic function has no tref: it binds the generic K to
 * the constant argument's value. */
struct ast_field {
    struct ast_tref *tref;
    const char *name;
    struct ast_expr *dims;
    struct ast_loc loc;
    struct ast_field *next;
    const struct mpcc_type *type; /* sema: the resolved type (NULL for const K) */
};

enum ast_item_kind { AI_PARTY, AI_CONST, AI_STRUCT, AI_INPUT, AI_FN, AI_STMT, AI_OUTPUT, AI_IMPORT };

struct ast_item {
    enum ast_item_kind kind;
    struct ast_loc loc;
    const char *name;        /* CONST, STRUCT, INPUT, FN, OUTPUT, IMPORT (the module) */
    struct ast_name *names;  /* PARTY: the parties; OUTPUT: recipients (NULL = all) */
    struct ast_name *owner;  /* INPUT */
    struct ast_name *generics; /* FN: generic parameters fn f<N, W, T>(...) (NULL: none) */
    struct ast_expr *value;  /* CONST; OUTPUT (NULL: the variable called name) */
    struct ast_field *fields; /* STRUCT fields; FN parameters */
    struct ast_tref *tref;   /* INPUT type; FN return type; CONST its type (NULL: untyped) */
    struct ast_expr *dims;   /* INPUT, CONST */
    struct ast_stmt *body;   /* FN body (a block's list); AI_STMT: the statement */
    struct ast_loc name_loc;
    struct ast_item *next;
    /* sema: INPUT its type, STRUCT the struct type, CONST the value's type;
     * IMPORT the module's items when this import loaded it (else NULL);
     * FN (not generic) the function as calls see it. */
    const struct mpcc_type *type;
    struct ast_item *module_items;
    struct ast_fn_inst *inst;
};

/* sema: a function as lowering inlines it. For a generic function, one per
 * instance (distinct bindings of its generic parameters), with a copy of
 * the function's tree whose nodes carry that instance's types. */
enum ast_binding_kind {
    AB_INT,  /* a size, width or const parameter known at compile time */
    AB_TYPE, /* a type parameter */
    AB_ARG   /* a const parameter whose public value each call passes */
};
struct ast_binding {
    const char *name;
    enum ast_binding_kind kind;
    int64_t value;               /* AB_INT */
    const struct mpcc_type *t;   /* AB_TYPE */
};
struct ast_fn_inst {
    const struct ast_item *item;      /* the tree to inline (fields carry parameter types) */
    const struct mpcc_type *ret_type; /* TY_VOID when it returns nothing */
    struct ast_binding *binds;
    uint32_t n_binds;
    int impure;                       /* reads a top-level variable or input (here or in a callee) */
    struct ast_fn_inst *next;         /* the function's other instances */
};

/* Deep copy of a function item (parameters, return type, body) in the
 * arena, without sema annotations; NULL on allocation failure. */
struct ast_item *ast_clone_fn(struct ast_arena *a, const struct ast_item *fn);
/* A copy of one expression (its `next` not followed); NULL when out of memory. */
struct ast_expr *ast_clone_expr(struct ast_arena *a, const struct ast_expr *e);

/* Reverses a list built by prepending. */
struct ast_expr *ast_expr_reverse(struct ast_expr *l);
struct ast_stmt *ast_stmt_reverse(struct ast_stmt *l);
struct ast_name *ast_name_reverse(struct ast_name *l);
struct ast_field *ast_field_reverse(struct ast_field *l);
struct ast_item *ast_item_reverse(struct ast_item *l);

#endif
