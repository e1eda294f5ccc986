/* api_internal.h - what the files of the flat API (include/mpcc/api.h)
 * share: the program handle and the error hand-over. */
#ifndef MPCC_API_INTERNAL_H
#define MPCC_API_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "circuits/program.h"
#include "mpcc/api.h"
#include "mpcc/error.h"

struct mpcc_api_program {
    struct mpcc_program *prog; /* owned */
};

/* Copies err's message into the caller's buffer (when there is one). */
void api_report(const struct mpcc_error *err, char *buf, size_t len);

/* A memory stream writing into *buf (open_memstream), or NULL (err set). */
FILE *api_memstream(char **buf, size_t *len, struct mpcc_error *err);

/* Closes a memory stream (open_memstream(buf, ...)): the text written, or
 * NULL (err set, *buf freed) when writing failed. */
char *api_memstream_finish(FILE *m, char **buf, struct mpcc_error *err);

#endif
