/* types.h - the types of the .mpc language (bool, uintN, intN, arrays,
 * structs, untyped constants) with their bit sizes, spelling and the rules
 * for implicit conversion. Types live in the compilation's arena.
 * Nothing here emits gates. */
#ifndef MPCC_TYPES_H
#define MPCC_TYPES_H

#include <stdint.h>

#include "ast.h"

#define TY_MAX_BITS ((uint64_t)1 << 24) /* bits in one value */

/* TY_UNKNOWN appears only while the semantic pass checks a generic function
 * on its own (a type parameter not yet bound) or after an error; so do
 * integer types of width 0 (a width not yet bound) and arrays of length 0.
 * Lowering never sees them. */
enum ty_kind { TY_BOOL, TY_UINT, TY_INT, TY_ARRAY, TY_STRUCT, TY_UNTYPED, TY_VOID, TY_UNKNOWN,
               TY_FIXED, TY_DECIMAL };
/* TY_FIXED: fixedW, W even 8..64 (0 while a generic width is unbound): a
 * signed value with W / 2 fraction bits (circuits/fixed.h). TY_DECIMAL: a
 * decimal constant (1.5) not yet given a fixed-point type; it converts to
 * fixed types only. */

struct ty_field {
    const char *name;
    const struct mpcc_type *type;
    uint64_t offset; /* bit offset inside the struct */
};

struct mpcc_type {
    enum ty_kind kind;
    uint32_t width;                /* UINT/INT/FIXED; BOOL: 1 */
    uint32_t len;                  /* ARRAY */
    const struct mpcc_type *elem;  /* ARRAY */
    const char *name;              /* STRUCT */
    uint32_t n_fields;             /* STRUCT */
    struct ty_field *fields;       /* STRUCT */
    uint64_t bits;                 /* size of a value in bits */
    struct mpcc_type *arrays;      /* array types of this element type made so far */
    struct mpcc_type *array_next;  /* next in the element type's list */
};

/* Constructors (arena-allocated; NULL on allocation failure). */
const struct mpcc_type *ty_scalar(struct ast_arena *a, enum ty_kind k, uint32_t width);

/* The one type of each scalar kind and width of a compilation (made on
 * first use), shared by the semantic pass and lowering. */
struct ty_ctx {
    struct ast_arena *arena;
    int failed; /* an allocation failed */
    const struct mpcc_type *t_uint[513];
    const struct mpcc_type *t_int[513];
    const struct mpcc_type *t_fixed[65];
    const struct mpcc_type *t_decimal;
    const struct mpcc_type *t_bool, *t_untyped, *t_void, *t_unknown;
};
/* BOOL, UINT, INT (width 0..512), UNTYPED, VOID, UNKNOWN; NULL (ctx->failed
 * set) on allocation failure. */
const struct mpcc_type *ty_get(struct ty_ctx *c, enum ty_kind k, uint32_t width);
/* One type per (elem, len): made once, then found again. NULL also when the
 * array would exceed TY_MAX_BITS. */
const struct mpcc_type *ty_array(struct ast_arena *a, const struct mpcc_type *elem, uint32_t len);

int ty_is_int(const struct mpcc_type *t);    /* UINT or INT */
int ty_is_scalar(const struct mpcc_type *t); /* BOOL, UINT, INT or FIXED */
int ty_equal(const struct mpcc_type *x, const struct mpcc_type *y);
/* True if every value of `from` is a value of `to` (integer widening). */
int ty_widens(const struct mpcc_type *from, const struct mpcc_type *to);
/* True if t is or contains TY_UNKNOWN, an unbound width or array length. */
int ty_partial(const struct mpcc_type *t);

/* The spelling of a type ("uint8", "Patient[4]", "int32[2][3]") into buf. */
void ty_name(const struct mpcc_type *t, char *buf, size_t len);

#endif
