/* program.h - the .circ file: a compiled program's typed interface and its
 * circuit (with subcircuits), in binary (what the compiler writes and the
 * digest covers) or as text (interface + Bristol Fashion). The one contract
 * between the compiler and the runtime (format in docs/circuit-format.md).
 * This module reads, writes and hashes that file; it does not parse input
 * values (values.h). */
#ifndef MPCC_PROGRAM_H
#define MPCC_PROGRAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "circuits/circuit.h"
#include "circuits/iface.h"
#include "mpcc/error.h"

#define PROG_FORMAT_VERSION 1 /* the text form's header */
#define PROG_BINARY_VERSION 2 /* the binary form */
#define PROG_MAX_STRUCTS 4096u /* struct definitions in one file */
#define PROG_MAX_TYPE_NODES (1u << 18) /* type parts built while reading a header */

struct mpcc_program {
    struct iface *iface;   /* owned */
    struct circuit *circ;  /* owned */
};

/* Wraps an interface and a circuit (taking ownership of both, freed on
 * failure too) after checking that they match (iface_check_against). */
struct mpcc_program *prog_new(struct iface *iface, struct circuit *circ, struct mpcc_error *err);
void prog_free(struct mpcc_program *p);

/* Parses a .circ, binary or text; `name` (the file name) starts every error
 * message: "NAME:LINE: problem" in a header, "NAME: byte N, ...: problem" in
 * a binary body. Errors in a text body carry line numbers of the whole
 * file. NULL on failure. */
struct mpcc_program *prog_read_mem(const char *text, size_t len, const char *name,
                                   struct mpcc_error *err);
struct mpcc_program *prog_read_file(const char *path, struct mpcc_error *err);

/* Writes the canonical (binary) serialisation of p to an open stream. */
enum mpcc_status prog_write(const struct mpcc_program *p, FILE *out, struct mpcc_error *err);
/* Writes the text form (header + Bristol Fashion, calls expanded): readable
 * and readable by other tools, not canonical. */
enum mpcc_status prog_write_text(const struct mpcc_program *p, FILE *out, struct mpcc_error *err);

/* Writes p to path atomically: a temporary file in the same directory,
 * renamed into place; on failure nothing is left behind. */
enum mpcc_status prog_write_file(const struct mpcc_program *p, const char *path,
                                 struct mpcc_error *err);
/* The forms a program can be written in. */
enum prog_form {
    PROG_FORM_BINARY,  /* canonical, with subcircuits (prog_write) */
    PROG_FORM_TEXT,    /* header + Bristol Fashion (prog_write_text) */
    PROG_FORM_BRISTOL  /* the circuit alone, flat Bristol Fashion, no interface */
};
/* prog_write_file in any form (same atomic write). */
enum mpcc_status prog_write_file_as(const struct mpcc_program *p, const char *path, enum prog_form form,
                                    struct mpcc_error *err);

/* SHA-256 of the bytes prog_write produces before its checksum (what the
 * runtime handshake compares). */
enum mpcc_status prog_digest(const struct mpcc_program *p, uint8_t out[32],
                             struct mpcc_error *err);

#endif
