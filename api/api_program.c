/* api_program.c - the flat API's program calls (api.h): compile, load,
 * save, describe the interface as JSON, evaluate in plaintext. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "circuits/values.h"
#include "compiler/compiler.h"
#include "compiler/driver.h"

void api_report(const struct mpcc_error *err, char *buf, size_t len)
{
    if (buf != NULL && len > 0)
        snprintf(buf, len, "%s", err->msg[0] ? err->msg : "unknown error");
}

FILE *api_memstream(char **buf, size_t *len, struct mpcc_error *err)
{
    *buf = NULL;
    *len = 0;
    FILE *m = open_memstream(buf, len);
    if (m == NULL)
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
    return m;
}

char *api_memstream_finish(FILE *m, char **buf, struct mpcc_error *err)
{
    int bad = ferror(m);
    if (fclose(m) != 0 || bad) { /* (fclose sets *buf) */
        free(*buf);
        *buf = NULL;
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        return NULL;
    }
    return *buf;
}

const char *mpcc_api_version(void) { return "0.1.0"; }

static mpcc_api_program *wrap(struct mpcc_program *prog, struct mpcc_error *err, char *buf,
                              size_t len)
{
    mpcc_api_program *h = prog ? malloc(sizeof *h) : NULL;
    if (h == NULL) {
        if (prog != NULL)
            mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        prog_free(prog);
        api_report(err, buf, len);
        return NULL;
    }
    h->prog = prog;
    return h;
}

static mpcc_api_program *compile(const char *path, const char *name, const char *source,
                                 size_t n, const char *const *include_dirs, size_t n_include,
                                 char *buf, size_t len)
{
    struct mpcc_error err = {0};
    struct compile_options o = {.include_dirs = include_dirs,
                                .n_include_dirs = include_dirs ? n_include : 0,
                                .stdlib_dir = mpcc_stdlib_dir()};
    struct mpcc_program *prog = NULL;
    if (path != NULL)
        mpcc_compile_file(path, &o, &prog, &err);
    else if (name == NULL || source == NULL)
        mpcc_error_set(&err, MPCC_ERR_INVALID, "no source text given");
    else
        mpcc_compile_source(name, source, n, &o, &prog, &err);
    return wrap(prog, &err, buf, len);
}

mpcc_api_program *mpcc_api_compile(const char *name, const char *source, size_t len,
                                   const char *const *include_dirs, size_t n_include, char *err,
                                   size_t err_len)
{
    return compile(NULL, name, source, len, include_dirs, n_include, err, err_len);
}

mpcc_api_program *mpcc_api_compile_file(const char *path, const char *const *include_dirs,
                                        size_t n_include, char *err, size_t err_len)
{
    if (path == NULL) {
        struct mpcc_error e = {0};
        mpcc_error_set(&e, MPCC_ERR_INVALID, "no file given");
        api_report(&e, err, err_len);
        return NULL;
    }
    return compile(path, NULL, NULL, 0, include_dirs, n_include, err, err_len);
}

mpcc_api_program *mpcc_api_load(const char *path, char *err, size_t err_len)
{
    struct mpcc_error e = {0};
    struct mpcc_program *prog = path ? prog_read_file(path, &e) : NULL;
    if (path == NULL)
        mpcc_error_set(&e, MPCC_ERR_INVALID, "no file given");
    return wrap(prog, &e, err, err_len);
}

int mpcc_api_save(const mpcc_api_program *p, const char *path, int text, char *err,
                  size_t err_len)
{
    struct mpcc_error e = {0};
    if (p == NULL || path == NULL)
        mpcc_error_set(&e, MPCC_ERR_INVALID, "no program or no file given");
    else if (prog_write_file_as(p->prog, path, text ? PROG_FORM_TEXT : PROG_FORM_BINARY, &e) ==
             MPCC_OK)
        return 0;
    api_report(&e, err, err_len);
    return 1;
}

void mpcc_api_program_free(mpcc_api_program *p)
{
    if (p == NULL)
        return;
    prog_free(p->prog);
    free(p);
}

void mpcc_api_free(void *s) { free(s); }

/* ---- the interface as JSON (names are identifiers: no escaping needed) ---- */

static void put_type(FILE *m, const struct iface_type *t)
{
    char spelling[256];
    iface_type_to_string(t, spelling, sizeof spelling);
    fprintf(m, "{\"spelling\": \"%s\", ", spelling);
    switch (t->kind) {
    case IFACE_BOOL:
        fputs("\"kind\": \"bool\"}", m);
        return;
    case IFACE_UINT:
    case IFACE_INT:
        fprintf(m, "\"kind\": \"%s\", \"width\": %u}", t->kind == IFACE_INT ? "int" : "uint",
                t->width);
        return;
    case IFACE_FIXED:
        fprintf(m, "\"kind\": \"fixed\", \"width\": %u, \"fraction_bits\": %u}", t->width,
                t->width / 2);
        return;
    case IFACE_ARRAY:
        fprintf(m, "\"kind\": \"array\", \"length\": %u, \"element\": ", t->length);
        put_type(m, t->elem);
        fputc('}', m);
        return;
    case IFACE_STRUCT:
        fprintf(m, "\"kind\": \"struct\", \"name\": \"%s\", \"fields\": [", t->name);
        for (uint32_t i = 0; i < t->n_fields; i++) {
            fprintf(m, "%s{\"name\": \"%s\", \"type\": ", i ? ", " : "", t->field_names[i]);
            put_type(m, t->field_types[i]);
            fputc('}', m);
        }
        fputs("]}", m);
        return;
    }
}

char *mpcc_api_interface(const mpcc_api_program *p, char *err, size_t err_len)
{
    struct mpcc_error e = {0};
    uint8_t digest[32];
    if (p == NULL) {
        mpcc_error_set(&e, MPCC_ERR_INVALID, "no program given");
        api_report(&e, err, err_len);
        return NULL;
    }
    if (prog_digest(p->prog, digest, &e) != MPCC_OK) {
        api_report(&e, err, err_len);
        return NULL;
    }
    const struct iface *f = p->prog->iface;
    char *buf;
    size_t len;
    FILE *m = api_memstream(&buf, &len, &e);
    if (m == NULL) {
        api_report(&e, err, err_len);
        return NULL;
    }
    fputs("{\"parties\": [", m);
    for (uint32_t q = 0; q < f->n_parties; q++)
        fprintf(m, "%s\"%s\"", q ? ", " : "", f->parties[q]);
    fputs("], \"inputs\": [", m);
    for (uint32_t k = 0; k < f->n_inputs; k++) {
        fprintf(m, "%s{\"name\": \"%s\", \"party\": \"%s\", \"type\": ", k ? ", " : "",
                f->inputs[k].name, f->parties[f->inputs[k].owner]);
        put_type(m, f->inputs[k].type);
        fputc('}', m);
    }
    fputs("], \"outputs\": [", m);
    for (uint32_t k = 0; k < f->n_outputs; k++) {
        const struct iface_output *o = &f->outputs[k];
        fprintf(m, "%s{\"name\": \"%s\", \"to\": [", k ? ", " : "", o->name);
        for (uint32_t r = 0; r < o->n_recipients; r++)
            fprintf(m, "%s\"%s\"", r ? ", " : "", f->parties[o->recipients[r]]);
        fputs("], \"type\": ", m);
        put_type(m, o->type);
        fputc('}', m);
    }
    uint64_t ops[4] = {0};
    if (!circ_count_ops(p->prog->circ, ops))
        mpcc_error_set(&e, MPCC_ERR_NOMEM, "out of memory");
    fprintf(m, "], \"and_gates\": %llu, \"gates\": %llu, \"digest\": \"",
            (unsigned long long)ops[CIRC_AND],
            (unsigned long long)(ops[CIRC_XOR] + ops[CIRC_AND] + ops[CIRC_INV]));
    for (int i = 0; i < 32; i++)
        fprintf(m, "%02x", digest[i]);
    fputs("\"}", m);
    char *s = api_memstream_finish(m, &buf, &e);
    if (s != NULL && e.code != MPCC_OK) {
        free(s);
        s = NULL;
    }
    if (s == NULL)
        api_report(&e, err, err_len);
    return s;
}

/* ---- plaintext evaluation ---- */

char *mpcc_api_eval(const mpcc_api_program *p, const char *const *assignments, size_t n,
                    char *err, size_t err_len)
{
    struct mpcc_error e = {0};
    struct values_set *in = NULL;
    uint8_t **outs = NULL;
    char *s = NULL;
    if (p == NULL) {
        mpcc_error_set(&e, MPCC_ERR_INVALID, "no program given");
        goto done;
    }
    if ((in = values_set_new(p->prog->iface, VALUES_ANY_PARTY, &e)) == NULL)
        goto done;
    for (size_t i = 0; i < n; i++)
        if (values_set_assign(in, assignments[i], &e) != MPCC_OK)
            goto done;
    if (values_set_check_complete(in, &e) != MPCC_OK ||
        mpcc_eval_plain(p->prog, in, &outs, &e) != MPCC_OK)
        goto done;
    s = mpcc_format_outputs(p->prog, outs, true, &e);
    if (s != NULL) { /* one line: drop the newline */
        size_t l = strlen(s);
        while (l > 0 && s[l - 1] == '\n')
            s[--l] = '\0';
    }
done:
    if (s == NULL)
        api_report(&e, err, err_len);
    if (outs != NULL)
        mpcc_free_outputs(p->prog, outs);
    values_set_free(in);
    return s;
}
