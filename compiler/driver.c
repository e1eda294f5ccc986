/* driver.c - the command layer for .mpc programs (driver.h): argument
 * parsing, printing diagnostics with carets, writing the compiled program,
 * plaintext runs and statistics. The compiling itself is compile.c; the
 * `mpcc` main() dispatches here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "circuits/eval.h"
#include "circuits/stats.h"
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
};

static int drv_usage(const char *cmd, const char *msg)
{
    fprintf(stderr, "mpcc: %s: %s (try 'mpcc help %s')\n", cmd, msg, cmd);
    return DRV_EXIT_USAGE;
}

/* Parses the options the three commands share; allowed says which. */
static int drv_parse(int argc, char **argv, const char *allowed, struct drv_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(s, "-o") == 0 && strchr(allowed, 'o')) {
            if (val == NULL)
                return drv_usage(argv[0], "-o needs a file name");
            a->out = val;
            i++;
        } else if (strcmp(s, "-I") == 0 || strncmp(s, "-I", 2) == 0) {
            const char *d = s[2] ? s + 2 : val;
            if (d == NULL)
                return drv_usage(argv[0], "-I needs a folder");
            if (a->n_include == DRV_MAX_ARGS)
                return drv_usage(argv[0], "too many -I options");
            a->include_dirs[a->n_include++] = d;
            if (!s[2])
                i++;
        } else if (strcmp(s, "--input") == 0 && strchr(allowed, 'i')) {
            if (val == NULL)
                return drv_usage(argv[0], "--input needs [PARTY:]NAME=VALUE");
            if (a->n_inputs == DRV_MAX_ARGS)
                return drv_usage(argv[0], "too many --input options");
            a->inputs[a->n_inputs++] = val;
            i++;
        } else if (strcmp(s, "--inputs") == 0 && strchr(allowed, 'i')) {
            if (val == NULL)
                return drv_usage(argv[0], "--inputs needs a file name");
            if (a->n_input_files == DRV_MAX_ARGS)
                return drv_usage(argv[0], "too many --inputs options");
            a->input_files[a->n_input_files++] = val;
            i++;
        } else if (strcmp(s, "--profile") == 0 && strchr(allowed, 'p')) {
            a->profile = 1;
        } else if (strcmp(s, "--json") == 0 && (strchr(allowed, 'i') || strchr(allowed, 'j'))) {
            a->json = 1;
        } else if (s[0] == '-' && s[1] != '\0') {
            char msg[128];
            snprintf(msg, sizeof msg, "unknown option '%.60s'", s);
            return drv_usage(argv[0], msg);
        } else if (a->prog == NULL) {
            a->prog = s;
        } else {
            return drv_usage(argv[0], "expected one program file");
        }
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

/* Compiles a.prog (printing diagnostics) or reads a compiled program. */
static struct mpcc_program *drv_load(const char *cmd, const struct drv_args *a,
                                     struct mpcc_profile *profile, struct mpcc_source_locs *locs)
{
    struct mpcc_error err = { 0 };
    struct mpcc_program *p = NULL;
    if (!drv_is_source(a->prog)) {
        p = prog_read_file(a->prog, &err);
        if (p == NULL)
            fprintf(stderr, "mpcc: %s: %s\n", cmd, err.msg);
        return p;
    }
    struct compile_options o = { 0 };
    o.include_dirs = a->include_dirs;
    o.n_include_dirs = a->n_include;
    o.stdlib_dir = getenv("MPCC_STDLIB");
    /* The installed stdlib, else the source tree's (running from a build). */
#ifdef MPCC_STDLIB_DIR
    if (o.stdlib_dir == NULL && access(MPCC_STDLIB_DIR, R_OK) == 0)
        o.stdlib_dir = MPCC_STDLIB_DIR;
#endif
#ifdef MPCC_STDLIB_SOURCE_DIR
    if (o.stdlib_dir == NULL)
        o.stdlib_dir = MPCC_STDLIB_SOURCE_DIR;
#endif
    o.diags = mpcc_diags_new();
    o.profile = profile;
    o.locs = locs;
    if (o.diags == NULL) {
        fprintf(stderr, "mpcc: %s: out of memory\n", cmd);
        return NULL;
    }
    if (mpcc_compile_file(a->prog, &o, &p, &err) != MPCC_OK) {
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
    if (a.out == NULL)
        return drv_usage(argv[0], "expected -o OUTPUT");
    struct mpcc_program *p = drv_load(argv[0], &a, NULL, NULL);
    if (p == NULL)
        return DRV_EXIT_FAIL;
    struct mpcc_error err = { 0 };
    rc = DRV_EXIT_OK;
    if (prog_write_file(p, a.out, &err) != MPCC_OK) {
        fprintf(stderr, "mpcc: %s: %s\n", argv[0], err.msg);
        rc = DRV_EXIT_FAIL;
    }
    prog_free(p);
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
    struct mpcc_program *p = drv_load(argv[0], &a, NULL, NULL);
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

int mpcc_cmd_stats(int argc, char **argv)
{
    struct drv_args a;
    int rc = drv_parse(argc, argv, "p", &a);
    if (rc >= 0)
        return rc;
    struct mpcc_profile prof = { 0 };
    struct mpcc_program *p = drv_load(argv[0], &a, &prof, NULL);
    if (p == NULL)
        return DRV_EXIT_FAIL;
    struct mpcc_error err = { 0 };
    struct circ_stats st;
    rc = DRV_EXIT_FAIL;
    if (circ_stats_compute(p->circ, &st, &err) != MPCC_OK) {
        fprintf(stderr, "mpcc: %s: %s\n", argv[0], err.msg);
        goto out;
    }
    printf("gates %llu\nand %llu\nxor %llu\ninv %llu\nwires %u\ninput_bits %llu\noutput_bits %llu\n"
           "and_depth %llu\ndepth %llu\npeak_live_wires %llu\n",
           (unsigned long long)st.n_gates, (unsigned long long)st.n_and,
           (unsigned long long)st.n_xor, (unsigned long long)st.n_inv, st.n_wires,
           (unsigned long long)st.n_input_bits, (unsigned long long)st.n_output_bits,
           (unsigned long long)st.and_depth, (unsigned long long)st.depth,
           (unsigned long long)st.peak_live_wires);
    if (a.profile) {
        if (!drv_is_source(a.prog)) {
            fprintf(stderr, "mpcc: %s: --profile needs a .mpc source\n", argv[0]);
            goto out;
        }
        printf("\nAND gates by source line:\n");
        for (size_t i = 0; i < prof.n; i++)
            if (prof.lines[i].n_and > 0)
                printf("  %s:%d %s%s%12llu\n", prof.lines[i].file, prof.lines[i].line,
                       prof.lines[i].function[0] ? "in " : "", prof.lines[i].function,
                       (unsigned long long)prof.lines[i].n_and);
        printf("\nAND gates by function:\n");
        for (size_t i = 0; i < prof.n; i++) {
            size_t j;
            for (j = 0; j < i; j++)
                if (strcmp(prof.lines[j].function, prof.lines[i].function) == 0)
                    break;
            if (j < i)
                continue;
            uint64_t sum = 0;
            for (j = i; j < prof.n; j++)
                if (strcmp(prof.lines[j].function, prof.lines[i].function) == 0)
                    sum += prof.lines[j].n_and;
            printf("  %-24s %12llu\n", prof.lines[i].function[0] ? prof.lines[i].function : "(top level)",
                   (unsigned long long)sum);
        }
    }
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
    struct mpcc_program *p = drv_load(argv[0], &a, NULL, &locs);
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
