/* compiler.h - the public API of the .mpc compiler: source text in, a
 * struct mpcc_program (typed interface + circuit) out, with every problem as
 * a diagnostic naming file:line:column. The library never prints; the
 * command layer (driver.c) does. */
#ifndef MPCC_COMPILER_H
#define MPCC_COMPILER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "circuits/program.h"
#include "diag.h"
#include "mpcc/error.h"

/* AND gates attributed to one source line (for --profile). */
struct mpcc_profile_line {
    char *function; /* "" for top-level code */
    char *file;
    int line;
    uint64_t n_and;
};

struct mpcc_profile {
    struct mpcc_profile_line *lines; /* in order of first execution */
    size_t n;
};
void mpcc_profile_clear(struct mpcc_profile *p);

/* Where each input and output of the interface is declared. */
struct mpcc_src_loc {
    char *file;
    int line, col;
};
struct mpcc_source_locs {
    struct mpcc_src_loc *inputs;  /* n_inputs: input k of the interface */
    struct mpcc_src_loc *outputs; /* n_outputs: output k */
    uint32_t n_inputs, n_outputs;
};
void mpcc_source_locs_clear(struct mpcc_source_locs *l);

/* A compile's progress, for a display in another thread (mpcc's status
 * line): the compiler updates it, relaxed; a reader polls it. */
enum mpcc_compile_phase {
    MPCC_COMPILE_READ,   /* reading and parsing */
    MPCC_COMPILE_CHECK,  /* types and imports (sema) */
    MPCC_COMPILE_LOWER,  /* building gates */
    MPCC_COMPILE_FINISH, /* dead gates out, slots renumbered */
    MPCC_COMPILE_WRITE,  /* (set by the caller) writing the file */
    MPCC_COMPILE_DONE
};
struct mpcc_compile_progress {
    atomic_int phase;                /* enum mpcc_compile_phase */
    atomic_uint_least64_t and_built; /* AND gates built so far (subcircuit bodies once,
                                        before dead-gate elimination) */
};
/* "parsing", "checking", "lowering", "finishing", "writing", "done". */
const char *mpcc_compile_phase_name(int phase);

/* When repeated statements become subcircuits (lower_sub.c): AUTO once the
 * program has grown past about 65 536 gates (smaller programs are inlined
 * whole, so no sharing between statements is lost), ALWAYS from a shape's
 * second use, NEVER. */
enum mpcc_subcircuits { MPCC_SUBS_AUTO = 0, MPCC_SUBS_ALWAYS, MPCC_SUBS_NEVER };

struct compile_options {
    const char *const *include_dirs; /* searched for `import "name";` after the importing file's folder */
    size_t n_include_dirs;
    const char *stdlib_dir;          /* searched last; NULL: none */
    struct mpcc_diags *diags;        /* if non-NULL, receives every diagnostic */
    struct mpcc_profile *profile;    /* if non-NULL, receives AND counts per line */
    struct mpcc_source_locs *locs;   /* if non-NULL, receives the interface's source locations */
    enum mpcc_subcircuits subcircuits;
    struct mpcc_compile_progress *progress; /* if non-NULL, kept up to date */
};

/* Compiles the file at path. On success *out is a new program (free with
 * prog_free). On failure *out is NULL, err holds the first diagnostic as
 * "file:line:col: message" (MPCC_ERR_PARSE for errors in the program,
 * MPCC_ERR_IO if the file cannot be read, MPCC_ERR_NOMEM) and opts->diags,
 * when given, holds all of them. opts may be NULL. */
enum mpcc_status mpcc_compile_file(const char *path, const struct compile_options *opts,
                                   struct mpcc_program **out, struct mpcc_error *err);

/* As mpcc_compile_file for source text in memory; name is used in
 * diagnostics and as the folder base for imports. text need not be
 * NUL-terminated and may contain any bytes. */
enum mpcc_status mpcc_compile_source(const char *name, const char *text, size_t len,
                                     const struct compile_options *opts,
                                     struct mpcc_program **out, struct mpcc_error *err);

#endif
