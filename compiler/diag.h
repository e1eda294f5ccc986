/* diag.h - compiler diagnostics: a list of "file:line:col: error: message"
 * records, each with a copy of its source line, collected during one
 * compilation and rendered with a caret by the command layer.
 * Library code only collects; it never prints. */
#ifndef MPCC_DIAG_H
#define MPCC_DIAG_H

#include <stddef.h>

#include "ast.h"

#define MPCC_DIAG_MAX 50 /* further errors are counted, not kept */

struct mpcc_diag {
    char *file;
    int line, col;
    char *msg;
    char *src_line; /* the source line without its newline, or NULL */
};

struct diag_source {
    const char *file; /* not owned */
    const char *text; /* not owned */
    size_t len;
};

struct mpcc_diags {
    struct mpcc_diag *v;
    size_t n, cap;
    size_t n_dropped; /* errors beyond MPCC_DIAG_MAX */
    int nomem;        /* an allocation failed while recording */
    struct diag_source *src;
    size_t n_src, cap_src;
};

struct mpcc_diags *mpcc_diags_new(void);
void mpcc_diags_free(struct mpcc_diags *d);

/* Registers the text of a file so that diagnostics can quote its lines; the
 * text must outlive every later diag_error call (the copies do not need it). */
void diag_add_source(struct mpcc_diags *d, const char *file, const char *text, size_t len);

/* Records an error at loc (duplicates of an identical record are dropped). */
void diag_error(struct mpcc_diags *d, struct ast_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The number of errors recorded (kept and dropped). */
size_t diag_count(const struct mpcc_diags *d);

/* All diagnostics as text: "file:line:col: error: msg\n    line\n    ^\n" per
 * record. Returns a malloc'd string (caller frees) or NULL on failure. */
char *mpcc_diags_render(const struct mpcc_diags *d);

#endif
