/* main.c of mpcc - the command-line driver: argument parsing, printing and
 * exit codes only (0 success, 1 failure, 2 usage error); all work is done by
 * the libraries. Each subcommand is one static cmd_NAME(argc, argv) function
 * plus one row of mpcc_commands[] (see "Adding a command" below). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/bristol.h"
#include "circuits/circuit.h"
#include "circuits/eval.h"
#include "circuits/hexval.h"
#include "circuits/stats.h"
#include "driver.h"
#include "mpcc/error.h"

#define MPCC_VERSION_STRING "0.1.0"

enum { MPCC_EXIT_OK = 0, MPCC_EXIT_FAIL = 1, MPCC_EXIT_USAGE = 2 };

/* A subcommand: run(argc, argv) gets argv[0] = the command's name and its own
 * arguments after it, and returns the exit status. */
struct mpcc_command {
    const char *name;
    const char *args;    /* argument synopsis for usage lines */
    const char *summary; /* one line for `mpcc --help` */
    int (*run)(int argc, char **argv);
};

static const struct mpcc_command *mpcc_find_command(const char *name);

/* ---- helpers shared by the commands ---- */

/* Prints "mpcc: [CMD: ]message" on stderr and returns MPCC_EXIT_FAIL. */
static int mpcc_fail(const char *cmd, const struct mpcc_error *err)
{
    if (cmd != NULL)
        fprintf(stderr, "mpcc: %s: %s\n", cmd, err->msg);
    else
        fprintf(stderr, "mpcc: %s\n", err->msg);
    return MPCC_EXIT_FAIL;
}

/* Prints a usage error for one command and returns MPCC_EXIT_USAGE. */
static int mpcc_usage_error(const char *cmd, const char *problem)
{
    const struct mpcc_command *c = mpcc_find_command(cmd);
    fprintf(stderr, "mpcc: %s: %s\nusage: mpcc %s %s\n", cmd, problem, cmd, c ? c->args : "");
    return MPCC_EXIT_USAGE;
}

/* Flushes stdout; a failed write (full disk, closed pipe) is a failure. */
static int mpcc_finish_stdout(const char *cmd)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mpcc: %s: cannot write to standard output\n", cmd);
        return MPCC_EXIT_FAIL;
    }
    return MPCC_EXIT_OK;
}

static const char *mpcc_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* ---- mpcc stats FILE ---- */

/* 1 when path names a program (.mpc source or .circ compiled program)
 * rather than a raw Bristol Fashion circuit. */
static int is_program_path(const char *path)
{
    size_t n = strlen(path);
    return (n > 4 && strcmp(path + n - 4, ".mpc") == 0) ||
           (n > 5 && strcmp(path + n - 5, ".circ") == 0);
}

static int cmd_stats(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-' && is_program_path(argv[i]))
            return mpcc_cmd_stats(argc, argv);
    /* A Bristol Fashion file: FILE and --json, in any order. */
    const char *file = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return mpcc_usage_error(argv[0], "the only option for a Bristol Fashion file is --json");
        else if (file == NULL)
            file = argv[i];
        else
            return mpcc_usage_error(argv[0], "expected one FILE argument");
    }
    if (file == NULL)
        return mpcc_usage_error(argv[0], "expected one FILE argument");
    struct mpcc_error err = {0};
    struct circuit *c = circ_read_bristol_file(file, &err);
    if (c == NULL)
        return mpcc_fail(NULL, &err);
    struct circ_stats st;
    if (circ_stats_compute(c, &st, &err) != MPCC_OK) {
        circ_free(c);
        return mpcc_fail(argv[0], &err);
    }
    circ_stats_print(&st, c, json, 0, stdout);
    circ_free(c);
    return mpcc_finish_stdout(argv[0]);
}

/* ---- mpcc eval FILE HEX... ---- */

/* Parses one hex value per input, evaluates, and formats one hex string per
 * output into outs[] (nothing is printed here, so a failure prints nothing). */
static enum mpcc_status eval_run(const struct circuit *c, const char *file, int n_values,
                                 char **values, char **outs, struct mpcc_error *err)
{
    if ((uint64_t)n_values != c->n_inputs)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "%s takes %u input value%s, %d given",
                              mpcc_basename(file), c->n_inputs, c->n_inputs == 1 ? "" : "s",
                              n_values);
    enum mpcc_status st = MPCC_ERR_NOMEM;
    uint8_t *in = malloc(c->n_input_bits + 1);
    uint8_t *out = malloc(c->n_output_bits + 1);
    if (in == NULL || out == NULL) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for input and output bits");
        goto done;
    }
    uint64_t off = 0; /* running offsets: circ_*_offset are linear in k */
    for (uint32_t k = 0; k < c->n_inputs; off += c->input_widths[k++]) {
        st = circ_hex_parse(values[k], in + off, c->input_widths[k], err);
        if (st != MPCC_OK) {
            mpcc_error_prefix(err, "value %u", k + 1);
            goto done;
        }
    }
    st = circ_eval_bits(c, in, out, err);
    off = 0;
    for (uint32_t k = 0; st == MPCC_OK && k < c->n_outputs; off += c->output_widths[k++]) {
        outs[k] = circ_hex_format_new(out + off, c->output_widths[k], err);
        if (outs[k] == NULL)
            st = err->code;
    }
done:
    free(in);
    free(out);
    return st;
}

static int cmd_eval(int argc, char **argv)
{
    if (argc < 2)
        return mpcc_usage_error(argv[0], "expected a FILE and one hexadecimal value per input");
    struct mpcc_error err = {0};
    struct circuit *c = circ_read_bristol_file(argv[1], &err);
    if (c == NULL)
        return mpcc_fail(NULL, &err);
    int rc = MPCC_EXIT_FAIL;
    char **outs = calloc(c->n_outputs + 1, sizeof *outs);
    if (outs == NULL) {
        mpcc_error_set(&err, MPCC_ERR_NOMEM, "out of memory");
        rc = mpcc_fail(argv[0], &err);
    } else if (eval_run(c, argv[1], argc - 2, argv + 2, outs, &err) != MPCC_OK) {
        rc = mpcc_fail(argv[0], &err);
    } else {
        for (uint32_t k = 0; k < c->n_outputs; k++)
            printf("%s\n", outs[k]);
        rc = mpcc_finish_stdout(argv[0]);
    }
    for (uint32_t k = 0; outs != NULL && k < c->n_outputs; k++)
        free(outs[k]);
    free(outs);
    circ_free(c);
    return rc;
}

/* ---- help and dispatch ---- */

static int cmd_help(int argc, char **argv);

/* Adding a command: write `static int cmd_NAME(int argc, char **argv)` above
 * (argument parsing and printing only; the work belongs in a library) and add
 * one row here. Rows print in this order in `mpcc --help`. */
static const struct mpcc_command mpcc_commands[] = {
    {"compile", "PROG.mpc [-o OUT.circ] [--text|--bristol] [-I DIR]... [--subcircuits=auto|always|never]"
                " [--progress|--quiet]",
     "compile a program into a circuit with its interface (without -o: PROG.circ beside it,\n"
     "      PROG.txt with --bristol; also: mpcc PROG.mpc [-o OUT.circ])",
     mpcc_cmd_compile},
    {"run", "PROG.mpc|PROG.circ [--input PARTY:NAME=VALUE]... [--input-file FILE]...",
     "compile and evaluate in plaintext; print each party's outputs", mpcc_cmd_run},
    {"stats", "FILE [--profile] [--json]",
     "gate counts, depths, peak live wires (Bristol, .mpc or .circ; --profile: per line;\n"
     "      --json: one JSON object)",
     cmd_stats},
    {"eval", "FILE HEX...", "evaluate a Bristol circuit in plaintext on hexadecimal inputs",
     cmd_eval},
    {"audit", "PROG.mpc|PROG.circ [--json] [-I DIR]...",
     "what each output discloses: recipients, AND gates, the inputs it depends on; warnings",
     mpcc_cmd_audit},
    {"help", "[COMMAND]", "show this help, or one command's usage", cmd_help},
};
#define MPCC_N_COMMANDS (sizeof mpcc_commands / sizeof mpcc_commands[0])

static const struct mpcc_command *mpcc_find_command(const char *name)
{
    for (size_t i = 0; i < MPCC_N_COMMANDS; i++)
        if (strcmp(mpcc_commands[i].name, name) == 0)
            return &mpcc_commands[i];
    return NULL;
}

static void mpcc_print_usage(FILE *f)
{
    fprintf(f, "usage: mpcc COMMAND [ARGS...]\n"
               "       mpcc --help | --version\n\ncommands:\n");
    for (size_t i = 0; i < MPCC_N_COMMANDS; i++) {
        const struct mpcc_command *c = &mpcc_commands[i];
        fprintf(f, "  %s %s\n      %s\n", c->name, c->args, c->summary);
    }
    fprintf(f, "\noptions: -o/--output FILE, -I/--include DIR, --input, --input-file FILE\n"
               "(also spelt --inputs, as --input-file in mpcrun), --json, --profile, --text,\n"
               "--bristol, --subcircuits, --progress (a progress line on stderr while\n"
               "compiling; shown by itself on a terminal after a second), --quiet;\n"
               "'--opt value' or '--opt=value', before or after the file. 'man mpcc',\n"
               "'man mpc' for the language.\n"
               "\nValues of eval are hexadecimal unsigned integers (optional 0x); bit i of a\n"
               "value is wire offset i of its input. Details: docs/mpcc-cli.md\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 2)
        return mpcc_usage_error(argv[0], "expected at most one COMMAND");
    if (argc == 2) {
        const struct mpcc_command *c = mpcc_find_command(argv[1]);
        if (c == NULL) {
            fprintf(stderr, "mpcc: help: unknown command '%s' (try 'mpcc --help')\n", argv[1]);
            return MPCC_EXIT_USAGE;
        }
        printf("usage: mpcc %s %s\n  %s\n", c->name, c->args, c->summary);
        return mpcc_finish_stdout(argv[0]);
    }
    mpcc_print_usage(stdout);
    return mpcc_finish_stdout(argv[0]);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        mpcc_print_usage(stderr);
        return MPCC_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        char help_name[] = "help";
        char *help_argv[] = {help_name, NULL};
        return cmd_help(1, help_argv);
    }
    if (strcmp(name, "--version") == 0) {
        printf("mpcc " MPCC_VERSION_STRING "\n");
        return mpcc_finish_stdout("--version");
    }
    /* `mpcc prog.mpc -o prog.circ` is short for `mpcc compile prog.mpc -o prog.circ`. */
    if (is_program_path(name)) {
        char compile_name[] = "compile";
        argv[0] = compile_name;
        return mpcc_cmd_compile(argc, argv);
    }
    const struct mpcc_command *c = mpcc_find_command(name);
    if (c == NULL) {
        fprintf(stderr, "mpcc: unknown command '%s' (try 'mpcc --help')\n", name);
        return MPCC_EXIT_USAGE;
    }
    if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
        char help_name[] = "help";
        char *help_argv[] = {help_name, argv[1], NULL};
        return cmd_help(2, help_argv);
    }
    return c->run(argc - 1, argv + 1);
}
