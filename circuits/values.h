/* values.h - typed values as people write them (`42`, `-7`, `0xff`,
 * `[1, 2, 3]`, `{age: 70, diabetic: true}`) <-> the bit layout of
 * iface.h (one 0/1 byte per bit), plus `--input` assignments, input files
 * and output printing (syntax in docs/values.md). No protocol, no I/O
 * beyond the files and streams handed in. */
#ifndef MPCC_VALUES_H
#define MPCC_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "circuits/iface.h"
#include "mpcc/error.h"

/* Party argument meaning "any party" (a tool that plays every party). */
#define VALUES_ANY_PARTY (-1)

/* Largest input file values_set_read_file accepts. */
#define VALUES_MAX_FILE_BYTES ((size_t)1 << 30)

/* Parses one value of type t from text (NUL-terminated) into bits[0 ..
 * t->bits-1], one 0/1 byte per bit. Whitespace is allowed anywhere between
 * tokens. Errors (MPCC_ERR_PARSE) read "column C: problem", e.g.
 * "column 1: value 300 does not fit in uint8 (0..255)". bits may be partly
 * written on failure. */
enum mpcc_status values_parse(const struct iface_type *t, const char *text, uint8_t *bits,
                              struct mpcc_error *err);

/* As values_parse for text[0 .. len-1] (need not be NUL-terminated). */
enum mpcc_status values_parse_n(const struct iface_type *t, const char *text, size_t len,
                                uint8_t *bits, struct mpcc_error *err);

/* Writes the value in bits as people read it: decimal integers (signed for
 * intN), true/false, [a, b], {field: v, ...}. */
enum mpcc_status values_format(const struct iface_type *t, const uint8_t *bits, FILE *out,
                               struct mpcc_error *err);

/* The JSON form: integer types of at most 53 bits as JSON numbers, wider
 * ones as JSON strings of their decimal value ("18446744073709551615");
 * booleans true/false; arrays; structs as objects with fields in order. */
enum mpcc_status values_format_json(const struct iface_type *t, const uint8_t *bits, FILE *out,
                                    struct mpcc_error *err);

/* Either form into a malloc'd NUL-terminated string (caller frees). */
char *values_to_string(const struct iface_type *t, const uint8_t *bits, bool json,
                       struct mpcc_error *err);

/* Prints outputs in declared order, skipping k where bits[k] is NULL:
 * "NAME = VALUE" lines, or (json) one object {"NAME": VALUE, ...} and a
 * newline. */
enum mpcc_status values_print_outputs(const struct iface *f, const uint8_t *const *bits,
                                      bool json, FILE *out, struct mpcc_error *err);

/* ---- collecting a party's inputs ---- */

struct values_set {
    const struct iface *iface; /* borrowed; must outlive the set */
    int64_t party;             /* whose inputs, or VALUES_ANY_PARTY */
    uint8_t **bits;            /* per input: type->bits bytes once given, else NULL */
};

/* A set collecting the inputs of `party` (an index into f->parties, or
 * VALUES_ANY_PARTY to accept every party's inputs). NULL on failure. */
struct values_set *values_set_new(const struct iface *f, int64_t party, struct mpcc_error *err);
void values_set_free(struct values_set *s);

/* Applies one `--input` argument: "NAME=VALUE" or "PARTY:NAME=VALUE"
 * (spaces allowed around the name and '='). Errors: unknown party or input,
 * an input of another party ("input 'b' belongs to party h2, not h1"), an
 * input given twice, and any value error, as
 * "input 'x': column C: problem" with C counted in `text`. */
enum mpcc_status values_set_assign(struct values_set *s, const char *text, struct mpcc_error *err);

/* Reads assignments from an input file: one `NAME = VALUE` (or
 * `PARTY:NAME = VALUE`) per line; '#' starts a comment; blank lines are
 * skipped; a value may continue on following lines while a '[' or '{' is
 * open. Errors read "NAME:LINE: problem" or, inside a value,
 * "NAME:LINE:COL: problem". */
enum mpcc_status values_set_read_mem(struct values_set *s, const char *text, size_t len,
                                     const char *name, struct mpcc_error *err);
enum mpcc_status values_set_read_file(struct values_set *s, const char *path,
                                      struct mpcc_error *err);

/* Checks that every input of the set's party (every input, for
 * VALUES_ANY_PARTY) has been given; names the missing ones
 * ("missing input 'a' (party h1)" or "missing inputs 'a', 'b' (party h1)"). */
enum mpcc_status values_set_check_complete(const struct values_set *s, struct mpcc_error *err);

#endif
