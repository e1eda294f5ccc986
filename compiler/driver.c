/* driver.c - the command layer for .mpc programs (driver.h): argument
 * parsing, printing diagnostics with carets, writing the compiled program,
 * plaintext runs and statistics. The compiling itself is compile.c; the
 * `mpcc` main() dispatches here. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "circuits/eval.h"
#include "circuits/stats.h"
#include "common/status_line.h"
#include "compiler.h"
#include "audit.h"
#include "driver.h"

enum { DRV_EXIT_OK = 0, DRV_EXIT_FAIL = 1, DRV_EXIT_USAGE = 2 };

#define DRV_MAX_ARGS 256

struct drv_args {
    const char *prog;
    const char *out;
    const char *include_dirs[DRV_MAX_ARGS];
    size_t n_include;
    const char *inputs[DRV_MAX_ARGS];
    size_t n_inputs;
    const char *input_files[DRV_MAX_ARGS];
    size_t n_input_files;
    int profile;
    int json;
    int text;
    int bristol; /* compile: flat Bristol Fashion, no interface */
    enum mpcc_subcircuits subcircuits;
    enum status_mode progress; /* --progress / --quiet */
};

static int drv_usage(const char *cmd, const char *msg)
{
    fprintf(stderr, "mpcc: %s: %s (try 'mpcc help %s')\n", cmd, msg, cmd);
    return DRV_EXIT_USAGE;
}

const char *mpcc_stdlib_dir(void)
{
    const char *dir = getenv("MPCC_STDLIB");
    /* The installed stdlib, else the source tree's (running from a build). */
#ifdef MPCC_STDLIB_DIR
    if (dir == NULL && access(MPCC_STDLIB_DIR, R_OK) == 0)
        dir = MPCC_STDLIB_DIR;
#endif
#ifdef MPCC_STDLIB_SOURCE_DIR
    if (dir == NULL)
        dir = MPCC_STDLIB_SOURCE_DIR;
#endif
    return dir;
}

/* Long-only options of drv_parse (values above any character). */
enum {
    DRV_OPT_INPUT = 256, DRV_OPT_INPUTS, DRV_OPT_PROFILE, DRV_OPT_JSON, DRV_OPT_SUBCIRCUITS,
    DRV_OPT_TEXT, DRV_OPT_BRISTOL, DRV_OPT_PROGRESS, DRV_OPT_QUIET
};

static const struct option drv_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"include", required_argument, NULL, 'I'},
    {"input", required_argument, NULL, DRV_OPT_INPUT},
    {"inputs", required_argument, NULL, DRV_OPT_INPUTS},
    {"input-file", required_argument, NULL, DRV_OPT_INPUTS}, /* mpcrun's spelling */
    {"profile", no_argument, NULL, DRV_OPT_PROFILE},
    {"json", no_argument, NULL, DRV_OPT_JSON},
    {"subcircuits", required_argument, NULL, DRV_OPT_SUBCIRCUITS},
    {"text", no_argument, NULL, DRV_OPT_TEXT},
    {"bristol", no_argument, NULL, DRV_OPT_BRISTOL},
    {"progress", no_argument, NULL, DRV_OPT_PROGRESS},
    {"quiet", no_argument, NULL, DRV_OPT_QUIET},
    {NULL, 0, NULL, 0},
};

/* Which command takes which option: o output, t text, i inputs, p profile,
 * j json; -I, --subcircuits, --progress and --quiet go with every command
 * that compiles. */
static int drv_option_allowed(int opt, const char *allowed)
{
    switch (opt) {
    case 'o': return strchr(allowed, 'o') != NULL;
    case DRV_OPT_TEXT:
    case DRV_OPT_BRISTOL: return strchr(allowed, 'o') != NULL;
    case DRV_OPT_INPUT:
    case DRV_OPT_INPUTS: return strchr(allowed, 'i') != NULL;
    case DRV_OPT_PROFILE: return strchr(allowed, 'p') != NULL;
    case DRV_OPT_JSON: return strchr(allowed, 'i') != NULL || strchr(allowed, 'j') != NULL;
    default: return 1;
    }
}

static int drv_add_arg(const char *cmd, const char **list, size_t *n, const char *val,
                       const char *what)
{
    if (*n == DRV_MAX_ARGS) {
        char msg[64];
        snprintf(msg, sizeof msg, "too many %s options", what);
        return drv_usage(cmd, msg);
    }
    list[(*n)++] = val;
    return -1;
}

/* Parses the options the commands share (GNU style: `--opt value` and
 * `--opt=value`, options and the file in any order, `--` ends options);
 * allowed says which apply. Returns -1 to go on, else an exit status. */
static int drv_parse(int argc, char **argv, const char *allowed, struct drv_args *a)
{
    memset(a, 0, sizeof *a);
    opterr = 0;
    optind = 0; /* glibc: restart scanning (commands may run more than once per process) */
    for (;;) {
        int longi = -1;
        int opt = getopt_long(argc, argv, ":o:I:", drv_options, &longi);
        if (opt == -1)
            break;
        char msg[160];
        const char *arg_text = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
        if (opt == '?') {
            const char *eq = strchr(arg_text, '=');
            if (optopt >= 256 && strncmp(arg_text, "--", 2) == 0 && eq != NULL)
                snprintf(msg, sizeof msg, "option '%.*s' takes no value", (int)(eq - arg_text > 60 ? 60 : eq - arg_text),
                         arg_text);
            else if (optopt != 0 && optopt < 256)
                snprintf(msg, sizeof msg, "unknown option '-%c'", optopt);
            else
                snprintf(msg, sizeof msg, "unknown option '%.60s'", arg_text);
            return drv_usage(argv[0], msg);
        }
        if (opt == ':') {
            if (optopt == 'o' || optopt == DRV_OPT_INPUTS)
                snprintf(msg, sizeof msg, "%.60s needs a file name", arg_text);
            else if (optopt == 'I')
                snprintf(msg, sizeof msg, "%.60s needs a folder", arg_text);
            else if (optopt == DRV_OPT_INPUT)
                snprintf(msg, sizeof msg, "%.60s needs [PARTY:]NAME=VALUE", arg_text);
            else
                snprintf(msg, sizeof msg, "%.60s needs a value", arg_text);
            return drv_usage(argv[0], msg);
        }
        if (!drv_option_allowed(opt, allowed)) {
            if (longi >= 0)
                snprintf(msg, sizeof msg, "option '--%s' does not apply here",
                         drv_options[longi].name);
            else
                snprintf(msg, sizeof msg, "option '-%c' does not apply here", opt);
            return drv_usage(argv[0], msg);
        }
        int rc = -1;
        switch (opt) {
        case 'o': a->out = optarg; break;
        case 'I':
            rc = drv_add_arg(argv[0], a->include_dirs, &a->n_include, optarg, "-I");
            break;
        case DRV_OPT_INPUT:
            rc = drv_add_arg(argv[0], a->inputs, &a->n_inputs, optarg, "--input");
            break;
        case DRV_OPT_INPUTS:
            rc = drv_add_arg(argv[0], a->input_files, &a->n_input_files, optarg, "--inputs");
            break;
        case DRV_OPT_PROFILE: a->profile = 1; break;
        case DRV_OPT_JSON: a->json = 1; break;
        case DRV_OPT_TEXT: a->text = 1; break;
        case DRV_OPT_BRISTOL: a->bristol = 1; break;
        case DRV_OPT_PROGRESS: a->progress = STATUS_FORCED; break;
        case DRV_OPT_QUIET: a->progress = STATUS_QUIET; break;
        case DRV_OPT_SUBCIRCUITS:
            if (strcmp(optarg, "auto") == 0)
                a->subcircuits = MPCC_SUBS_AUTO;
            else if (strcmp(optarg, "always") == 0)
                a->subcircuits = MPCC_SUBS_ALWAYS;
            else if (strcmp(optarg, "never") == 0)
                a->subcircuits = MPCC_SUBS_NEVER;
            else {
                snprintf(msg, sizeof msg,
                         "--subcircuits takes auto, always or never, not '%.40s'", optarg);
                rc = drv_usage(argv[0], msg);
            }
            break;
        default: break;
        }
        if (rc >= 0)
            return rc;
    }
    for (int i = optind; i < argc; i++) {
        if (a->prog != NULL)
            return drv_usage(argv[0], "expected one program file");
        a->prog = argv[i];
    }
    if (a->prog == NULL)
        return drv_usage(argv[0], "expected a program file");
    return -1;
}

static int drv_is_source(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".mpc") == 0;
}

/* A compile's status line on stderr: phase, AND gates built, rate, time. */
struct drv_progress {
    struct mpcc_compile_progress pg;
    atomic_uint_least64_t circuit_and; /* the compiled circuit's AND gates, calls expanded */
    atomic_int failed;                 /* the compile failed: the last line says so */
    struct status_line line;
    const char *who;
};

static void drv_progress_format(void *ctx, char *line, size_t n, int last)
{
    struct drv_progress *pr = ctx;
    int phase = atomic_load_explicit(&pr->pg.phase, memory_order_relaxed);
    uint64_t built = atomic_load_explicit(&pr->pg.and_built, memory_order_relaxed);
    double t = status_now() - pr->line.t0;
    char ands[32], rate[40] = "";
    status_human(ands, sizeof ands, (double)built, "");
    if (phase == MPCC_COMPILE_LOWER && !last && t > 0.05) { /* the rate while gates are built */
        char r[32];
        status_human(r, sizeof r, (double)built / t, " AND/s");
        snprintf(rate, sizeof rate, " (%s)", r);
    }
    uint64_t total = atomic_load_explicit(&pr->circuit_and, memory_order_relaxed);
    if (last && atomic_load_explicit(&pr->failed, memory_order_relaxed)) {
        snprintf(line, n, "mpcc: %s: failed (%s), %.1f s", pr->who, mpcc_compile_phase_name(phase),
                 t);
        return;
    }
    if (last && total > 0) { /* subcircuit bodies are built once, called many times */
        char tot[32];
        status_human(tot, sizeof tot, (double)total, "");
        snprintf(line, n, "mpcc: %s: done, %s AND gates (%s built), %.1f s", pr->who, tot, ands,
                 t);
        return;
    }
    snprintf(line, n, "mpcc: %s: %s, %s AND gates built%s, %.1f s", pr->who,
             mpcc_compile_phase_name(last ? MPCC_COMPILE_DONE : phase), ands, rate, t);
}

static void drv_progress_start(struct drv_progress *pr, const struct drv_args *a)
{
    memset(pr, 0, sizeof *pr);
    const char *slash = strrchr(a->prog, '/');
    pr->who = slash ? slash + 1 : a->prog;
    status_line_start(&pr->line, a->progress, drv_progress_format, pr);
}

/* Compiles a.prog (printing diagnostics) or reads a compiled program. A
 * compile shows its status line (a->progress) until it fails, or until
 * drv_progress_stop(pr) when the caller passes pr (to show its writing
 * phase too); pr->line.running tells whether it still runs. */
static struct mpcc_program *drv_load(const char *cmd, const struct drv_args *a,
                                     struct mpcc_profile *profile, struct mpcc_source_locs *locs,
                                     struct drv_progress *pr)
{
    struct mpcc_error err = { 0 };
    struct mpcc_program *p = NULL;
    if (!drv_is_source(a->prog)) {
        p = prog_read_file(a->prog, &err);
        if (p == NULL)
            fprintf(stderr, "mpcc: %s: %s\n", cmd, err.msg);
        return p;
    }
    struct drv_progress own;
    if (pr == NULL)
        pr = &own;
    drv_progress_start(pr, a);
    struct compile_options o = { 0 };
    o.progress = &pr->pg;
    o.include_dirs = a->include_dirs;
    o.n_include_dirs = a->n_include;
    o.subcircuits = a->subcircuits;
    o.stdlib_dir = mpcc_stdlib_dir();
    o.diags = mpcc_diags_new();
    o.profile = profile;
    o.locs = locs;
    if (o.diags == NULL) {
        fprintf(stderr, "mpcc: %s: out of memory\n", cmd);
        return NULL;
    }
    enum mpcc_status st = mpcc_compile_file(a->prog, &o, &p, &err);
    if (st == MPCC_OK)
        atomic_store_explicit(&pr->circuit_and, circ_count_op(p->circ, CIRC_AND),
                              memory_order_relaxed);
    else
        atomic_store_explicit(&pr->failed, 1, memory_order_relaxed);
    if (st != MPCC_OK || pr == &own)
        status_line_stop(&pr->line); /* before any diagnostic */
    if (st != MPCC_OK) {
        char *text = o.diags->n > 0 ? mpcc_diags_render(o.diags) : NULL;
        if (text != NULL) {
            fputs(text, stderr);
            size_t n = diag_count(o.diags);
            fprintf(stderr, "%zu error%s\n", n, n == 1 ? "" : "s");
        } else {
            fprintf(stderr, "mpcc: %s: %s\n", cmd, err.msg);
        }
        free(text);
        p = NULL;
    }
    mpcc_diags_free(o.diags);
    return p;
}

int mpcc_cmd_compile(int argc, char **argv)
{
    struct drv_args a;
    int rc = drv_parse(argc, argv, "o", &a);
    if (rc >= 0)
        return rc;
    if (a.text && a.bristol)
        return drv_usage(argv[0], "choose one of --text and --bristol");
    /* Without -o: PROG.mpc -> PROG.circ (PROG.txt with --bristol), beside it. */
    char *derived = NULL;
    if (a.out == NULL) {
        const char *ext = a.bristol ? ".txt" : ".circ";
        size_t len = strlen(a.prog);
        if (len > 4 && strcmp(a.prog + len - 4, ".mpc") == 0)
            len -= 4;
        if ((derived = malloc(len + strlen(ext) + 1)) == NULL) {
            fprintf(stderr, "mpcc: %s: out of memory\n", argv[0]);
            return DRV_EXIT_FAIL;
        }
        memcpy(derived, a.prog, len);
        strcpy(derived + len, ext);
        a.out = derived;
    }
    struct drv_progress pr;
    memset(&pr, 0, sizeof pr);
    struct mpcc_program *p = drv_load(argv[0], &a, NULL, NULL, &pr);
    if (p == NULL) {
        free(derived);
        return DRV_EXIT_FAIL;
    }
    struct mpcc_error err = { 0 };
    rc = DRV_EXIT_OK;
    atomic_store_explicit(&pr.pg.phase, MPCC_COMPILE_WRITE, memory_order_relaxed);
    enum mpcc_status wst = prog_write_file_as(
        p, a.out, a.bristol ? PROG_FORM_BRISTOL : a.text ? PROG_FORM_TEXT : PROG_FORM_BINARY, &err);
    if (wst != MPCC_OK)
        atomic_store_explicit(&pr.failed, 1, memory_order_relaxed);
    status_line_stop(&pr.line);
    if (wst != MPCC_OK) {
        fprintf(stderr, "mpcc: %s: %s\n", argv[0], err.msg);
        rc = DRV_EXIT_FAIL;
    }
    prog_free(p);
    free(derived);
    return rc;
}

enum mpcc_status mpcc_eval_plain(const struct mpcc_program *p, const struct values_set *in,
                                 uint8_t ***out, struct mpcc_error *err)
{
    const struct circuit *c = p->circ;
    enum mpcc_status st = MPCC_ERR_NOMEM;
    uint8_t *ib = calloc(c->n_input_bits ? c->n_input_bits : 1, 1);
    uint8_t *ob = calloc(c->n_output_bits ? c->n_output_bits : 1, 1);
    uint8_t **res = calloc(c->n_outputs + 1, sizeof *res);
    *out = NULL;
    if (ib == NULL || ob == NULL || res == NULL) {
        mpcc_error_set(err, st, "out of memory");
        goto fail;
    }
    for (uint32_t k = 0; k < c->n_inputs; k++) {
        if (in->bits[k] == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "missing input '%s'", p->iface->inputs[k].name);
            goto fail;
        }
        memcpy(ib + circ_input_offset(c, k), in->bits[k], c->input_widths[k]);
    }
    if ((st = circ_eval_bits(c, ib, ob, err)) != MPCC_OK)
        goto fail;
    for (uint32_t k = 0; k < c->n_outputs; k++) {
        res[k] = malloc(c->output_widths[k] ? c->output_widths[k] : 1);
        if (res[k] == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
            goto fail;
        }
        memcpy(res[k], ob + circ_output_offset(c, k), c->output_widths[k]);
    }
    free(ib);
    free(ob);
    *out = res;
    return MPCC_OK;
fail:
    free(ib);
    free(ob);
    if (res != NULL)
        mpcc_free_outputs(p, res);
    return st;
}

void mpcc_free_outputs(const struct mpcc_program *p, uint8_t **out)
{
    if (out == NULL)
        return;
    for (uint32_t k = 0; k < p->circ->n_outputs; k++)
        free(out[k]);
    free(out);
}

char *mpcc_format_outputs(const struct mpcc_program *p, uint8_t *const *outs, bool json,
                          struct mpcc_error *err)
{
    const struct iface *f = p->iface;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        return NULL;
    }
    /* Each party sees the outputs it receives, parties in declaration order:
     * "party: name = value" lines, or one JSON object of objects by party. */
    if (json)
        fputc('{', m);
    for (uint32_t q = 0; q < f->n_parties; q++) {
        if (json)
            fprintf(m, "%s\"%s\": {", q ? ", " : "", f->parties[q]);
        int first = 1;
        for (uint32_t k = 0; k < f->n_outputs; k++) {
            if (!iface_output_has_recipient(&f->outputs[k], q))
                continue;
            char *v = values_to_string(f->outputs[k].type, outs[k], json, err);
            if (v == NULL) {
                fclose(m);
                free(buf);
                return NULL;
            }
            if (json)
                fprintf(m, "%s\"%s\": %s", first ? "" : ", ", f->outputs[k].name, v);
            else
                fprintf(m, "%s: %s = %s\n", f->parties[q], f->outputs[k].name, v);
            first = 0;
            free(v);
        }
        if (json)
            fputc('}', m);
    }
    if (json)
        fputs("}\n", m);
    if (fclose(m) != 0) {
        free(buf);
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        return NULL;
    }
    return buf;
}

int mpcc_cmd_run(int argc, char **argv)
{
    struct drv_args a;
    int rc = drv_parse(argc, argv, "i", &a);
    if (rc >= 0)
        return rc;
    struct mpcc_program *p = drv_load(argv[0], &a, NULL, NULL, NULL);
    if (p == NULL)
        return DRV_EXIT_FAIL;
    struct mpcc_error err = { 0 };
    struct values_set *set = values_set_new(p->iface, VALUES_ANY_PARTY, &err);
    uint8_t **outs = NULL;
    rc = DRV_EXIT_FAIL;
    if (set == NULL)
        goto fail;
    for (size_t i = 0; i < a.n_input_files; i++)
        if (values_set_read_file(set, a.input_files[i], &err) != MPCC_OK)
            goto fail;
    for (size_t i = 0; i < a.n_inputs; i++)
        if (values_set_assign(set, a.inputs[i], &err) != MPCC_OK)
            goto fail;
    if (values_set_check_complete(set, &err) != MPCC_OK || mpcc_eval_plain(p, set, &outs, &err) != MPCC_OK)
        goto fail;
    char *text = mpcc_format_outputs(p, outs, a.json, &err);
    if (text == NULL)
        goto fail;
    fputs(text, stdout);
    free(text);
    rc = DRV_EXIT_OK;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mpcc: %s: cannot write the output\n", argv[0]);
        rc = DRV_EXIT_FAIL;
    }
    goto out;
fail:
    fprintf(stderr, "mpcc: %s: %s\n", argv[0], err.msg);
out:
    mpcc_free_outputs(p, outs);
    values_set_free(set);
    prog_free(p);
    return rc;
}

/* The AND gates of each function: the profile's lines summed by function,
 * in order of first appearance, as aligned lines or JSON objects. */
static void drv_profile_functions(const struct mpcc_profile *prof, FILE *out, int json)
{
    int first = 1;
    for (size_t i = 0; i < prof->n; i++) {
        size_t j;
        for (j = 0; j < i; j++)
            if (strcmp(prof->lines[j].function, prof->lines[i].function) == 0)
                break;
        if (j < i)
            continue;
        uint64_t sum = 0;
        for (j = i; j < prof->n; j++)
            if (strcmp(prof->lines[j].function, prof->lines[i].function) == 0)
                sum += prof->lines[j].n_and;
        const char *name = prof->lines[i].function[0] ? prof->lines[i].function : "(top level)";
        if (json)
            fprintf(out, "%s{\"function\": \"%s\", \"and\": %llu}", first ? "" : ", ", name,
                    (unsigned long long)sum);
        else
            fprintf(out, "  %-24s %12llu\n", name, (unsigned long long)sum);
        first = 0;
    }
}

static void drv_print_profile(const struct mpcc_profile *prof)
{
    printf("\nAND gates by source line:\n");
    for (size_t i = 0; i < prof->n; i++)
        if (prof->lines[i].n_and > 0)
            printf("  %s:%d %s%s%12llu\n", prof->lines[i].file, prof->lines[i].line,
                   prof->lines[i].function[0] ? "in " : "", prof->lines[i].function,
                   (unsigned long long)prof->lines[i].n_and);
    printf("\nAND gates by function:\n");
    drv_profile_functions(prof, stdout, 0);
}

/* Writes s as a JSON string (file names may hold any character). */
static void drv_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* The members "lines" and "functions" closing the stats object. */
static void drv_print_profile_json(const struct mpcc_profile *prof)
{
    printf(", \"lines\": [");
    int first = 1;
    for (size_t i = 0; i < prof->n; i++) {
        if (prof->lines[i].n_and == 0)
            continue;
        printf("%s{\"file\": ", first ? "" : ", ");
        drv_json_string(stdout, prof->lines[i].file);
        printf(", \"line\": %d, \"function\": \"%s\", \"and\": %llu}", prof->lines[i].line,
               prof->lines[i].function, (unsigned long long)prof->lines[i].n_and);
        first = 0;
    }
    printf("], \"functions\": [");
    drv_profile_functions(prof, stdout, 1);
    printf("]}\n");
}

int mpcc_cmd_stats(int argc, char **argv)
{
    struct drv_args a;
    int rc = drv_parse(argc, argv, "pj", &a);
    if (rc >= 0)
        return rc;
    struct mpcc_profile prof = { 0 };
    struct mpcc_program *p = drv_load(argv[0], &a, &prof, NULL, NULL);
    if (p == NULL)
        return DRV_EXIT_FAIL;
    struct mpcc_error err = { 0 };
    struct circ_stats st;
    rc = DRV_EXIT_FAIL;
    if (circ_stats_compute(p->circ, &st, &err) != MPCC_OK) {
        fprintf(stderr, "mpcc: %s: %s\n", argv[0], err.msg);
        goto out;
    }
    if (a.profile && !drv_is_source(a.prog)) {
        fprintf(stderr, "mpcc: %s: --profile needs a .mpc source\n", argv[0]);
        goto out;
    }
    circ_stats_print(&st, p->circ, a.json, a.json && a.profile, stdout);
    if (a.profile && a.json)
        drv_print_profile_json(&prof);
    else if (a.profile)
        drv_print_profile(&prof);
    rc = fflush(stdout) == 0 ? DRV_EXIT_OK : DRV_EXIT_FAIL;
out:
    mpcc_profile_clear(&prof);
    prog_free(p);
    return rc;
}

int mpcc_cmd_audit(int argc, char **argv)
{
    struct drv_args a;
    int rc = drv_parse(argc, argv, "j", &a);
    if (rc >= 0)
        return rc;
    struct mpcc_source_locs locs = { 0 };
    struct mpcc_program *p = drv_load(argv[0], &a, NULL, &locs, NULL);
    if (p == NULL)
        return DRV_EXIT_FAIL;
    struct mpcc_error err = { 0 };
    char *text = mpcc_audit(p, drv_is_source(a.prog) ? &locs : NULL, a.prog, a.json, NULL, &err);
    rc = DRV_EXIT_FAIL;
    if (text == NULL) {
        fprintf(stderr, "mpcc: %s: %s\n", argv[0], err.msg);
    } else {
        fputs(text, stdout);
        rc = fflush(stdout) == 0 ? DRV_EXIT_OK : DRV_EXIT_FAIL;
    }
    free(text);
    mpcc_source_locs_clear(&locs);
    prog_free(p);
    return rc;
}
