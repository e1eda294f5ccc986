/* lower.h - internal contract of the lowering phase: the context that walks
 * the syntax tree the semantic pass has typed (sema.h) and emits gates
 * through the circuit builder (functions inlined, loops unrolled, secret
 * branches muxed). Types come from the tree; what lowering still decides is
 * what is public (constant wires), so the only errors it reports are about
 * values: a bound, size or argument that must be a compile-time constant,
 * an index out of range, a constant that does not fit, limits.
 * Shared by lower.c (items, interface), lower_expr.c, lower_ops.c,
 * lower_stmt.c, lower_call.c. Not a public API: see compiler.h. */
#ifndef MPCC_LOWER_H
#define MPCC_LOWER_H

#include <stdint.h>

#include "ast.h"
#include "circuits/builder.h"
#include "consteval.h"
#include "diag.h"
#include "parse.h"
#include "types.h"

#define LOWER_MAX_LOOP_ITERS ((int64_t)1 << 20)  /* iterations of one for loop */
#define LOWER_MAX_STEPS ((uint64_t)1 << 26)      /* statements executed while unrolling */
#define LOWER_MAX_CALL_DEPTH 64
#define LOWER_MAX_NODES ((uint64_t)1 << 25)     /* builder nodes (about 24 bytes each) */
#define LOWER_MAX_NESTING 400                    /* nested expressions / statements */

/* A value during lowering: a typed word (w: t->bits wires, in the scratch
 * arena) or an untyped constant (t->kind == TY_UNTYPED, c). */
struct lv_value {
    const struct mpcc_type *t;
    bld_wire *w;
    struct ce_int c;
    const char *dec; /* TY_DECIMAL: the literal's text (and dec_neg: negated) */
    int dec_neg;
};

struct lv_var {
    const char *name;
    const struct mpcc_type *t;
    bld_wire *w;       /* malloc'd, t->bits wires (NULL for untyped constants) */
    struct ce_int c;   /* untyped constants */
    const char *dec;   /* decimal constants (TY_DECIMAL), and dec_neg */
    int dec_neg;
    int readonly;      /* const declarations, loop variables, inputs */
    int kind;          /* LV_VAR, LV_CONST, LV_LOOP, LV_INPUT */
    int level;         /* secret-branch nesting level at declaration */
    int block_depth;   /* 0: top level of its function or of the program */
    struct ast_loc loc;
    struct lv_var *next;
};
enum { LV_VAR, LV_CONST, LV_LOOP, LV_INPUT };

struct lv_log_entry {
    struct lv_var *v;
    bld_wire *old; /* malloc'd copy of the value before the branch */
};
struct lv_log {
    struct lv_log_entry *e;
    size_t n, cap;
};

/* One for loop being unrolled: whether a `break` has left it, and whether
 * a `continue` has ended its current iteration, on the current path (bool
 * variables, so that secret branches merge them like any other). */
struct lv_loop {
    struct lv_var *broken;
    struct lv_var *continued; /* of the current iteration */
    struct lv_loop *outer;    /* in the same function (or at top level) */
};

/* One inlined call. */
struct lv_frame {
    const struct ast_fn_inst *fn;
    const struct mpcc_type *ret_t; /* TY_VOID when the function returns nothing */
    struct lv_var *ret;            /* return value (NULL for void) */
    struct lv_var *returned;       /* bool: has this call returned on the current path */
    struct lv_loop *loops;         /* innermost loop of this call being unrolled, or NULL */
    struct lv_var *locals;
    int block_depth;
    struct ast_loc call_loc;
    struct lv_frame *parent;
};

struct lv_party {
    const char *name;
    struct ast_loc loc;
};

struct lv_output {
    const char *name;
    struct ast_loc loc;
    const struct mpcc_type *t;
    uint32_t *recipients;
    uint32_t n_recipients;
};

struct lv_input {
    const char *name;
    struct ast_loc loc;
    const struct mpcc_type *t;
    uint32_t owner;
};

/* Profile tags: one per (function, source line) that emitted gates. */
struct lv_tag {
    const char *fn; /* "" at top level */
    const char *file;
    int line;
};

struct compile_options;

struct lower {
    const struct compile_options *opts;
    char **modules;            /* resolved paths of the files already loaded */
    size_t n_modules;
    struct ast_arena *arena;   /* AST and types: lives for the compilation */
    struct ty_ctx *tc;         /* the compilation's scalar types */
    struct ast_arena scratch;  /* values: released statement by statement */
    struct mpcc_diags *diags;
    struct bld *b;
    int oom;                   /* an allocation failed: stop */
    int stop;                  /* a limit was hit: stop quietly after the error */
    uint64_t steps;
    int depth;                 /* current expression + statement nesting */

    struct lv_party *parties;
    uint32_t n_parties;
    struct lv_var *globals;
    int block_depth;           /* at top level */
    struct lv_frame *frame;    /* innermost inlined call, NULL at top level */
    struct lv_loop *loops;     /* innermost top-level loop being unrolled, or NULL */
    int call_depth;

    int level;                 /* secret-branch nesting */
    bld_wire path;             /* conjunction of the enclosing secret conditions */
    struct lv_log *log;        /* assignments to log in the current secret branch */

    struct lv_input *inputs;
    uint32_t n_inputs, cap_inputs;
    struct lv_output *outputs;
    uint32_t n_outputs, cap_outputs;

    struct lv_tag *tags; /* tag k+1 is tags[k] */
    uint32_t n_tags, cap_tags;
    uint32_t cur_tag;

    /* Subcircuits (lower_sub.c): the library the circuit calls into, the
     * shapes built so far, the leaves of the expression being built (their
     * values in its builder), and AND gates per tag that calls and replays
     * run (not in the builder's own counts). */
    struct circ_lib *lib;
    struct lsub_table *subs;
    const struct ast_expr **leaves;
    const struct lv_value *leaf_vals;
    uint32_t n_leaves;
    uint64_t *tag_extra;
    uint32_t n_tag_extra;
    int in_sub; /* building a subcircuit: no nested ones */
};

/* --- lower.c --- */
/* Lowers the items of a file in order (an import: its module's items). */
void lw_items(struct lower *lw, struct ast_item *items);
/* Frees variables, tables and scratch (not the builder, arena or diags). */
void lw_clear(struct lower *lw);
void lw_nomem(struct lower *lw);
bld_wire *lw_wires(struct lower *lw, uint64_t n); /* scratch wires (zeroed = BLD_FALSE) */
/* The one type of a scalar kind (BOOL, UINT, INT, UNTYPED, VOID) and width;
 * NULL (and lw->oom) on allocation failure. */
const struct mpcc_type *lw_scalar(struct lower *lw, enum ty_kind k, uint32_t width);
struct lv_var *lw_lookup(struct lower *lw, const char *name);
/* Declares a variable in the current scope, value copied from w (or zero). */
struct lv_var *lw_declare(struct lower *lw, const char *name, struct ast_loc loc,
                          const struct mpcc_type *t, const bld_wire *w);
void lw_var_free(struct lv_var *v);
/* Attributes the gates of statement s to its (function, line) tag. */
void lw_set_tag(struct lower *lw, struct ast_stmt *s);

/* --- lower_expr.c --- */
/* Lowers e to a value of its static type e->type; returns 0 after
 * reporting an error. */
int lx_expr(struct lower *lw, const struct ast_expr *e, struct lv_value *out);
/* Lowers e as a value of type t (implicit conversions, array literals). */
int lx_expr_to(struct lower *lw, const struct ast_expr *e, const struct mpcc_type *t,
               struct lv_value *out, const char *what);
/* Converts v to type t where the language allows it implicitly. */
int lx_convert(struct lower *lw, struct ast_loc loc, const struct lv_value *v,
               const struct mpcc_type *t, struct lv_value *out, const char *what);
/* Evaluates a compile-time integer constant expression. */
int lx_const_int(struct lower *lw, const struct ast_expr *e, struct ce_int *out, const char *what);
/* True if every wire of a typed value is a constant (then *c holds it). */
int lx_value_const(const struct lv_value *v, struct ce_int *c);
/* Lowers a bool condition: *w its wire. */
int lx_cond(struct lower *lw, const struct ast_expr *e, bld_wire *w);

/* Small constructors shared by lower_expr.c and lower_ops.c. */
const struct mpcc_type *lx_t_untyped(struct lower *lw);
const struct mpcc_type *lx_t_bool(struct lower *lw);
int lx_set_untyped(struct lower *lw, struct lv_value *out, const struct ce_int *c);
int lx_set_bool(struct lower *lw, struct lv_value *out, bld_wire w);
/* Integer or bool v resized to integer type t (zero/sign extension by v's type). */
int lx_resize(struct lower *lw, const struct lv_value *v, const struct mpcc_type *t,
              struct lv_value *out);

/* --- lower_ops.c: e is an AE_BINARY / AE_UNARY / AE_COND node --- */
int lx_binary(struct lower *lw, const struct ast_expr *e, struct lv_value *out);
int lx_unary(struct lower *lw, const struct ast_expr *e, struct lv_value *out);
int lx_cond_expr(struct lower *lw, const struct ast_expr *e, struct lv_value *out);

/* --- lower_stmt.c --- */
/* Executes a list of statements; returns 0 if lowering must stop (no memory, limits). */
int ls_stmts(struct lower *lw, struct ast_stmt *s);
int ls_stmt(struct lower *lw, struct ast_stmt *s);
/* Stores v into var with the secret-branch log and the return guard. */
void ls_assign(struct lower *lw, struct lv_var *var, const bld_wire *w);
/* Writes var without the return guard (still logged in a secret branch). */
void ls_write(struct lower *lw, struct lv_var *v, const bld_wire *w);

/* --- lower_call.c --- */
/* Inlines a call; out gets the return value (TY_VOID type when none). */
int ls_call(struct lower *lw, const struct ast_expr *call, struct lv_value *out);
/* Inlines fn with argument values already of the parameter types; binds
 * (the generic parameters' values) become the frame's first locals and are
 * freed with it. */
int ls_inline(struct lower *lw, const struct ast_fn_inst *fn, struct ast_loc call_loc,
              const struct lv_value *args, struct lv_var *binds, struct lv_value *out);

/* --- lower_sub.c: subcircuits built once per shape of their inputs --- */
/* A statement's expression: a heavy one through a subcircuit per shape of
 * its leaves, any other as lx_expr. */
int lx_expr_top(struct lower *lw, const struct ast_expr *e, struct lv_value *out);
int lx_expr_to_top(struct lower *lw, const struct ast_expr *e, const struct mpcc_type *t,
                   struct lv_value *out, const char *what);
/* e's value when e is a leaf of the expression being built, 1; else -1. */
int lx_leaf(struct lower *lw, const struct ast_expr *e, struct lv_value *out);
void lsub_clear(struct lower *lw);

#endif
