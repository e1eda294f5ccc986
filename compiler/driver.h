/* driver.h - the command layer of the compiler for the `mpcc` tool:
 * `mpcc compile`, `mpcc run`, `mpcc stats` and `mpcc audit` on .mpc sources, plus the
 * plaintext evaluation of a compiled program that `run` and tests share.
 * The cmd_ functions parse arguments and print (diagnostics to stderr);
 * argv[0] is the command's name. They return the process exit status. */
#ifndef MPCC_DRIVER_H
#define MPCC_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "circuits/program.h"
#include "circuits/values.h"
#include "mpcc/error.h"

/* mpcc compile PROG.mpc -o OUT.circ [-I DIR]... : writes the program
 * (atomically; nothing is written when compilation fails). */
int mpcc_cmd_compile(int argc, char **argv);
/* mpcc run PROG.mpc|PROG.circ [--input [PARTY:]NAME=VALUE]... [--inputs FILE]... [-I DIR]...
 * : evaluates in plaintext and prints each party's outputs. */
int mpcc_cmd_run(int argc, char **argv);
/* mpcc stats PROG.mpc|PROG.circ [--profile] [-I DIR]... : gate counts and depth;
 * --profile lists AND gates per source line and per function. */
int mpcc_cmd_stats(int argc, char **argv);
/* mpcc audit PROG.mpc|PROG.circ [--json] [-I DIR]... : what each output
 * discloses (recipients, type, AND gates, the inputs it depends on), with
 * warnings; see audit.h. */
int mpcc_cmd_audit(int argc, char **argv);

/* The standard library's folder: $MPCC_STDLIB, else the installed one,
 * else the source tree's (running from a build); NULL if none. */
const char *mpcc_stdlib_dir(void);

/* Evaluates p in plaintext on the complete input set in (see values.h);
 * *out receives p->circ->n_outputs malloc'd bit arrays (one 0/1 byte per bit,
 * output k has its type's bits); free with mpcc_free_outputs. */
enum mpcc_status mpcc_eval_plain(const struct mpcc_program *p, const struct values_set *in,
                                 uint8_t ***out, struct mpcc_error *err);
void mpcc_free_outputs(const struct mpcc_program *p, uint8_t **out);

/* The outputs as `mpcc run` prints them: for each party in order, one
 * "party: name = value" line per output it receives. malloc'd text, or NULL
 * with err set. */
char *mpcc_format_outputs(const struct mpcc_program *p, uint8_t *const *outs, bool json,
                          struct mpcc_error *err);

#endif
