/* test_support.h - small helpers shared by the Check test programs: where the
 * shared reference circuits are, reading files, running a command. */
#ifndef MPCC_TEST_SUPPORT_H
#define MPCC_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/compiler.h" /* enum mpcc_subcircuits */

/* The ../shared folder if it holds circuits/vectors.txt, else NULL (after
 * printing, once, a line saying which tests are skipped and why). */
const char *ts_shared_dir(void);

/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL if unreadable. */
char *ts_read_file(const char *path, size_t *len_out);

/* Writes text to a fresh temporary file; returns its malloc'd path (caller unlinks, frees). */
char *ts_write_temp(const char *text, size_t len);

/* Runs `sh -c cmd`, capturing stdout and stderr into malloc'd strings (either
 * pointer may be NULL to discard). Returns the exit status, or -1 if the
 * command could not be run or was killed by a signal. */
int ts_run(const char *cmd, char **out, char **err);

/* Runs every test of a suite with one test case, `name`, holding the
 * tests[] (n of them) under a timeout of `timeout` seconds; returns the
 * process exit status (0 when all passed). */
typedef struct TTest TTest;
int ts_run_tests(const char *name, const TTest *const *tests, size_t n, double timeout);

/* Runs circuit c with n parties of N-party garbling (runtime/bmr), each in
 * a thread over in-memory channels: input value v owned by party v % n,
 * output value v to the parties in the mask recipients[v], party `ev`
 * evaluating, inputs in_bits (one byte per input bit). `cut` (a party, or
 * -1): that party's channels are closed before the others start. Returns
 * how many of the other parties failed (each must have a message); every
 * party that succeeded must hold exactly the plaintext outputs addressed
 * to it (checked with Check assertions). */
struct circuit;
unsigned ts_bmr_run(const struct circuit *c, uint32_t n, uint32_t ev, const uint64_t *recipients,
                    const uint8_t *in_bits, int cut);

struct mpcc_program;
struct mpcc_profile;
/* Compiles .mpc source (as "test.mpc", the source tree's stdlib/ for
 * imports; prof may be NULL) or fails the running Check test, printing the
 * diagnostics. */
struct mpcc_program *ts_compile(const char *src, struct mpcc_profile *prof);
/* The same with a choice of when statements become subcircuits. */
struct mpcc_program *ts_compile_mode(const char *src, struct mpcc_profile *prof, enum mpcc_subcircuits mode);

#endif
