/* parse.h - the state shared by the flex scanner and the bison parser while
 * one source file is parsed: arena, diagnostics, file name, position, result.
 * Parsing only builds the tree; nothing here resolves names or types. */
#ifndef MPCC_PARSE_H
#define MPCC_PARSE_H

#include "ast.h"
#include "diag.h"

struct mpcc_parse {
    struct ast_arena *arena;
    struct mpcc_diags *diags;
    const char *file;       /* owned by the arena */
    int line, col;          /* scanner position (1-based) */
    int n_errors;
    struct ast_item *items; /* the result, in source order */
};

/* Parses text (len bytes, may contain NULs) into ps->items. Returns the
 * number of syntax errors (also recorded in ps->diags); 0 on success. An
 * allocation failure sets ps->arena->failed. */
int mpcc_parse_text(struct mpcc_parse *ps, const char *text, size_t len);

/* Widths of uintN/intN the language accepts. */
#define MPCC_MAX_INT_WIDTH 512
/* The TYPE token's value: 0 bool, +N uintN, -N intN, LEX_FIXED_CODE + N fixedN. */
#define LEX_FIXED_CODE (1 << 20)

#endif
