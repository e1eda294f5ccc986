/* sema.h - internal contract of the semantic pass: the walk over the syntax
 * tree, after parsing and before lowering, that resolves every name, gives
 * every expression its static type and checks every function (called or
 * not, imported or not; generic ones on their own as far as their
 * parameters allow and fully per instance), both branches of every `if` and
 * `?:`. It annotates the tree (the "sema:" fields of ast.h) and reports
 * every type error; it emits no gates. What is public (free) is not decided
 * here: lowering finds that out as it folds constants.
 * Shared by sema.c (items, scopes, functions), sema_expr.c, sema_stmt.c,
 * sema_value.c. Not a public API: see compiler.h. */
#ifndef MPCC_SEMA_H
#define MPCC_SEMA_H

#include <stdint.h>

#include "ast.h"
#include "consteval.h"
#include "diag.h"
#include "types.h"

#define SEMA_MAX_LOOP_ITERS ((int64_t)1 << 20) /* iterations of one for loop */
#define SEMA_MAX_CALL_DEPTH 64
#define SEMA_MAX_NESTING 400 /* nested expressions / statements */

/* Loads the module an import names; returns its parsed items, or NULL when
 * the file was loaded before or an error was reported. */
typedef struct ast_item *(*sema_loader)(void *ctx, const struct ast_item *imp);

/* Runs the pass over a parsed main file. Returns 1 if the program is
 * well-typed (no diagnostics added), 0 otherwise; *oom is set on allocation
 * failure. */
int sema_program(struct ast_arena *arena, struct ty_ctx *tc, struct mpcc_diags *diags,
                 const char *main_file, struct ast_item *items, sema_loader load, void *load_ctx,
                 int *oom);

/* ---- below: shared by the sema*.c files only ---- */

/* What the pass knows of a value: nothing (a variable, an input, a call, a
 * loop variable: lowering may still find it public), its exact value
 * (literals, constants, generic sizes: bools 0/1, typed values in range),
 * or that it is a generic parameter not bound yet (a generic function
 * checked on its own). */
enum sv_state { SV_NONE, SV_KNOWN, SV_SYMBOLIC };
struct sv {
    enum sv_state state;
    struct ce_int c;
    /* SV_NONE because exact arithmetic failed: SV_ERR_DIV (division by
     * zero) or SV_ERR_RANGE (overflow) at err_loc. Reported only where the
     * value must be known (types, const items); elsewhere lowering reports
     * it if that code runs at all. */
    int err;
    struct ast_loc err_loc;
    /* A decimal constant (type TY_DECIMAL): its literal's text and sign,
     * for range checks where it gets a fixed-point type; NULL otherwise. */
    const char *dec;
    int dec_neg;
};
enum { SV_ERR_DIV = 1, SV_ERR_RANGE = 2 };

enum sm_sym_kind { SM_VAR, SM_CONST, SM_LOOP, SM_INPUT, SM_TYPE, SM_GENERIC };

/* A name in scope. */
struct sm_sym {
    const char *name;
    enum sm_sym_kind kind;
    const struct mpcc_type *t; /* SM_TYPE: the bound type */
    struct sv v;               /* SM_CONST, SM_GENERIC */
    const struct ast_expr *lit; /* SM_CONST: an untyped constant array's literal (each use
                                   is replaced by a copy of it), else NULL */
    int depth;                 /* block depth (0: top level of its function or of the program) */
    struct ast_loc loc;
    struct sm_sym *next;
};

enum { SM_UNCHECKED, SM_CHECKING, SM_CHECKED };

struct sm_inst {
    struct ast_fn_inst fi;
    int state;
    struct sm_inst *next;
};

struct sm_fn {
    struct ast_item *item;
    int state;              /* the body (non-generic) or the generic template */
    struct ast_fn_inst own; /* non-generic: the function as calls see it */
    struct sm_inst *insts;  /* generic: its instances */
    struct sm_fn *next;
};

/* A function body being checked. */
struct sm_frame {
    struct sm_fn *fn;
    struct ast_fn_inst *fi;         /* the function (instance) checked, NULL on its own */
    int is_template;                /* a generic function on its own: unbound parameters */
    const struct mpcc_type *ret_t;  /* TY_VOID when it returns nothing */
    struct sm_sym *locals;
    int depth;
    int has_return;                 /* a `return expr;` was seen */
    int loops;                      /* for loops around the statement being checked */
    struct ast_loc call_loc;
    struct sm_frame *parent;
};

struct sm_party {
    const char *name;
    struct sm_party *next;
};

struct sm_struct {
    const char *name;
    const struct mpcc_type *t;
    struct sm_struct *next;
};

struct sm_name {
    const char *name;
    struct sm_name *next;
};

struct sema {
    struct ast_arena *arena;
    struct ty_ctx *tc;
    struct mpcc_diags *diags;
    const char *main_file;
    sema_loader load;
    void *load_ctx;
    int oom;
    int stop;  /* a limit was hit: stop quietly after the error */
    int nest;  /* current expression + statement nesting */
    int call_depth;

    struct sm_party *parties; /* in reverse order */
    uint32_t n_parties;
    struct sm_name *outputs;
    struct sm_fn *fns;
    struct sm_struct *structs;
    struct sm_sym *globals;
    int depth;                /* block depth at top level */
    struct sm_frame *frame;   /* function being checked, NULL at top level */
    int loops;                /* for loops around the top-level statement being checked */
};

/* --- sema.c --- */
void sm_nomem(struct sema *s);
const struct mpcc_type *sm_t(struct sema *s, enum ty_kind k, uint32_t width);
struct sm_sym *sm_lookup(struct sema *s, const char *name);
struct sm_fn *sm_find_fn(struct sema *s, const char *name);
/* Declares a name in the current scope (never NULL unless out of memory). */
struct sm_sym *sm_declare(struct sema *s, const char *name, struct ast_loc loc, enum sm_sym_kind kind,
                          const struct mpcc_type *t);
/* The innermost scope's list head and block depth. */
struct sm_sym **sm_scope(struct sema *s);
int *sm_depth(struct sema *s);
void sm_pop_scope(struct sema *s, struct sm_sym *saved);
/* Resolves a type reference plus array dimensions; NULL after an error. */
const struct mpcc_type *sm_resolve_type(struct sema *s, const struct ast_tref *tr, const struct ast_expr *dims);
/* Type-checks a call (expression or statement); returns its result type. */
const struct mpcc_type *sm_call(struct sema *s, struct ast_expr *call);

/* --- sema_expr.c --- */
/* Types e (annotating e->type) and tells what is known of its value. Never
 * NULL: after an error the type is TY_UNKNOWN, which checks accept silently. */
const struct mpcc_type *sm_expr(struct sema *s, struct ast_expr *e, struct sv *v);
/* If e names an untyped constant array (`const E = [1, 2];`), replaces e in
 * place by a copy of its literal and returns 1 (0 otherwise). */
int sm_expand_const_array(struct sema *s, struct ast_expr *e);
/* Checks that an array literal is rectangular: its elements all numbers,
 * or all rows of one length, theirs again alike. Reports the first
 * difference, naming the literal "constant array 'NAME'" or (name NULL)
 * "an array literal", and returns 0; 1 if rectangular. */
int sm_lit_rectangular(struct sema *s, const struct ast_expr *lit, const char *name);
/* Types e as a value of type t (array and struct literals take t). */
void sm_expr_to(struct sema *s, struct ast_expr *e, const struct mpcc_type *t, const char *what);
/* Checks that e (already typed, value v) converts implicitly to t;
 * errors are reported at loc. */
int sm_convert_at(struct sema *s, struct ast_expr *e, struct ast_loc loc, const struct sv *v,
                  const struct mpcc_type *t, const char *what);
int sm_convert(struct sema *s, struct ast_expr *e, const struct sv *v, const struct mpcc_type *t,
               const char *what);
/* Reports the failed constant arithmetic recorded in v (if any); 1 if it did. */
int sv_report(struct sema *s, const struct sv *v);
/* A compile-time integer: 1 with *out set, 0 when symbolic (generic
 * function on its own), -1 after an error. */
int sm_const_int(struct sema *s, struct ast_expr *e, struct ce_int *out, const char *what);
/* A bool condition. */
void sm_cond(struct sema *s, struct ast_expr *e, struct sv *v);
/* The operator's spelling for messages. */
const char *sm_op_name(int op);
/* AB_FN_* of a built-in function's name, 0 if it is none. */
int sm_builtin_id(const char *name);

/* --- sema_stmt.c --- */
void sm_stmt(struct sema *s, struct ast_stmt *st);
void sm_stmts(struct sema *s, struct ast_stmt *st);

/* --- sema_value.c: known values --- */
void sv_set_none(struct sv *v);
/* None, keeping the first failed-arithmetic record of x or y (may be NULL). */
void sv_set_none_from(struct sv *v, const struct sv *x, const struct sv *y);
void sv_set_error(struct sv *v, int err, struct ast_loc loc);
void sv_set_int(struct sv *v, const struct ce_int *c);
void sv_set_bool(struct sv *v, int b);
/* The value of a `width`-bit integer (signed or not) holding c modulo 2^width. */
void sv_wrap(struct ce_int *c, uint32_t width, int is_signed);
/* x op y for known values of integer type t (already in range); 0 if the
 * result is beyond what the pass computes (it is then simply not known). */
int sv_int_binary(int op, const struct mpcc_type *t, const struct ce_int *x, const struct ce_int *y,
                  struct ce_int *r);
/* Comparison of two known values of one integer type: 0 or 1. */
int sv_compare(int op, const struct ce_int *x, const struct ce_int *y);
/* Shift of a known value of integer type t by a known non-negative amount. */
int sv_shift(int op, const struct mpcc_type *t, const struct ce_int *x, const struct ce_int *amount,
             struct ce_int *r);
/* v (of type from) cast to the scalar type to. */
int sv_cast(const struct mpcc_type *from, const struct ce_int *v, const struct mpcc_type *to,
            struct ce_int *r);

#endif
