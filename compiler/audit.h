/* audit.h - `mpcc audit`: a report of what each output of a compiled
 * program discloses (recipients, type, AND gates, the inputs it depends on)
 * with warnings for outputs that copy an input, outputs a party receives
 * about one other party's data alone, and inputs no output uses. */
#ifndef MPCC_AUDIT_H
#define MPCC_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "circuits/program.h"
#include "compiler.h"
#include "mpcc/error.h"

/* The report on p as text (json false) or one JSON object; title names the
 * program, locs (may be NULL) gives source locations. Returns a malloc'd
 * string and sets *n_warnings (may be NULL); NULL on failure. */
char *mpcc_audit(const struct mpcc_program *p, const struct mpcc_source_locs *locs, const char *title, bool json,
                 size_t *n_warnings, struct mpcc_error *err);

#endif
