/* compile.c - the compiler's entry points (compiler.h): reading source files,
 * resolving imports against the importing file's folder, -I folders and the
 * stdlib, running parse, the semantic pass and lowering, and packaging the
 * circuit with its typed interface and per-line AND profile. No printing
 * (driver.c prints). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "circuits/iface.h"
#include "compiler.h"
#include "lower.h"
#include "parse.h"
#include "sema.h"

#define CM_MAX_SOURCE_BYTES ((size_t)64 << 20)

void mpcc_profile_clear(struct mpcc_profile *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->lines[i].function);
        free(p->lines[i].file);
    }
    free(p->lines);
    p->lines = NULL;
    p->n = 0;
}

void mpcc_source_locs_clear(struct mpcc_source_locs *l)
{
    if (l == NULL)
        return;
    for (uint32_t i = 0; i < l->n_inputs; i++)
        free(l->inputs[i].file);
    for (uint32_t i = 0; i < l->n_outputs; i++)
        free(l->outputs[i].file);
    free(l->inputs);
    free(l->outputs);
    memset(l, 0, sizeof *l);
}

static int cm_loc(struct mpcc_src_loc *d, struct ast_loc s)
{
    d->file = strdup(s.file ? s.file : "");
    d->line = s.line;
    d->col = s.col;
    return d->file != NULL;
}

static enum mpcc_status cm_locs(const struct lower *lw, struct mpcc_source_locs *l, struct mpcc_error *err)
{
    mpcc_source_locs_clear(l);
    l->inputs = calloc(lw->n_inputs ? lw->n_inputs : 1, sizeof *l->inputs);
    l->outputs = calloc(lw->n_outputs ? lw->n_outputs : 1, sizeof *l->outputs);
    int ok = l->inputs != NULL && l->outputs != NULL;
    for (uint32_t i = 0; ok && i < lw->n_inputs; i++, l->n_inputs++)
        ok = cm_loc(&l->inputs[i], lw->inputs[i].loc);
    for (uint32_t i = 0; ok && i < lw->n_outputs; i++, l->n_outputs++)
        ok = cm_loc(&l->outputs[i], lw->outputs[i].loc);
    if (!ok) {
        mpcc_source_locs_clear(l);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
    }
    return MPCC_OK;
}

/* Reads a file into the arena (NUL-terminated). */
static char *cm_read(struct ast_arena *a, const char *path, size_t *len, int *too_big)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    *too_big = 0;
    if (f == NULL)
        return NULL;
    size_t cap = 0, n = 0;
    char *tmp = NULL;
    for (;;) {
        if (n == cap) {
            if (cap >= CM_MAX_SOURCE_BYTES) {
                *too_big = 1;
                goto out;
            }
            cap = cap ? cap * 2 : 4096;
            char *t = realloc(tmp, cap);
            if (t == NULL)
                goto out;
            tmp = t;
        }
        size_t r = fread(tmp + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f))
        goto out;
    buf = ast_strndup(a, tmp ? tmp : "", n);
    *len = n;
out:
    free(tmp);
    fclose(f);
    return buf;
}

/* Parses text under the given name; returns the items, *ok = 0 on errors. */
static struct ast_item *cm_parse(struct lower *lw, const char *name, const char *text, size_t len,
                                 int *ok)
{
    struct mpcc_parse ps = { 0 };
    ps.arena = lw->arena;
    ps.diags = lw->diags;
    ps.file = ast_strndup(lw->arena, name, strlen(name));
    *ok = 0;
    if (ps.file == NULL) {
        lw_nomem(lw);
        return NULL;
    }
    diag_add_source(lw->diags, ps.file, text, len);
    int errors = mpcc_parse_text(&ps, text, len);
    if (lw->arena->failed) {
        lw_nomem(lw);
        return NULL;
    }
    *ok = errors == 0;
    return ps.items;
}

static int cm_note_module(struct lower *lw, const char *path)
{
    char *real = realpath(path, NULL);
    if (real == NULL)
        real = strdup(path);
    if (real == NULL) {
        lw_nomem(lw);
        return 0;
    }
    for (size_t i = 0; i < lw->n_modules; i++) {
        if (strcmp(lw->modules[i], real) == 0) {
            free(real);
            return 0; /* already loaded (or being loaded: an import cycle) */
        }
    }
    char **m = realloc(lw->modules, (lw->n_modules + 1) * sizeof *m);
    if (m == NULL) {
        free(real);
        lw_nomem(lw);
        return 0;
    }
    lw->modules = m;
    m[lw->n_modules++] = real;
    return 1;
}

/* The semantic pass's module loader: finds, reads and parses the module an
 * import names; NULL if it was loaded before or after an error. */
static struct ast_item *cm_load_module(void *ctx, const struct ast_item *imp)
{
    struct lower *lw = ctx;
    const char *name = imp->name;
    size_t nl = strlen(name);
    if (nl == 0 || nl > 1000) {
        diag_error(lw->diags, imp->name_loc, "invalid module name");
        return NULL;
    }
    const char *ext = (nl > 4 && strcmp(name + nl - 4, ".mpc") == 0) ? "" : ".mpc";
    const char *dirs[66];
    size_t nd = 0;
    char here[PATH_MAX];
    const char *slash = imp->loc.file ? strrchr(imp->loc.file, '/') : NULL;
    if (slash != NULL && (size_t)(slash - imp->loc.file) < sizeof here) {
        memcpy(here, imp->loc.file, (size_t)(slash - imp->loc.file));
        here[slash - imp->loc.file] = '\0';
        dirs[nd++] = here[0] ? here : "/";
    } else {
        dirs[nd++] = ".";
    }
    const struct compile_options *o = lw->opts;
    for (size_t i = 0; o != NULL && i < o->n_include_dirs && nd < 65; i++)
        dirs[nd++] = o->include_dirs[i];
    if (o != NULL && o->stdlib_dir != NULL)
        dirs[nd++] = o->stdlib_dir;

    char path[PATH_MAX + 1100];
    int found = 0;
    for (size_t i = 0; i < nd && !found; i++) {
        if (name[0] == '/')
            snprintf(path, sizeof path, "%s%s", name, ext);
        else
            snprintf(path, sizeof path, "%s/%s%s", dirs[i], name, ext);
        found = access(path, R_OK) == 0;
    }
    if (!found) {
        char searched[512] = "";
        size_t o2 = 0;
        for (size_t i = 0; i < nd && o2 < sizeof searched; i++) {
            int k = snprintf(searched + o2, sizeof searched - o2, "%s%s", i ? ", " : "", dirs[i]);
            if (k < 0)
                break;
            o2 += (size_t)k;
        }
        diag_error(lw->diags, imp->name_loc, "cannot find module '%s' (searched: %s)", name, searched);
        return NULL;
    }
    if (!cm_note_module(lw, path))
        return NULL;
    size_t len;
    int too_big;
    char *text = cm_read(lw->arena, path, &len, &too_big);
    if (text == NULL) {
        diag_error(lw->diags, imp->name_loc, "cannot read module '%s' (%s)", path,
                   too_big ? "file too large" : "read error");
        return NULL;
    }
    int ok;
    struct ast_item *items = cm_parse(lw, path, text, len, &ok);
    return ok ? items : NULL;
}

/* ---- interface ---- */

static struct iface_type *cm_iface_type(const struct mpcc_type *t)
{
    switch (t->kind) {
    case TY_BOOL:
        return iface_type_bool();
    case TY_UINT:
        return iface_type_int(false, t->width);
    case TY_INT:
        return iface_type_int(true, t->width);
    case TY_FIXED:
        return iface_type_fixed(t->width);
    case TY_ARRAY: {
        struct iface_type *e = cm_iface_type(t->elem);
        return e ? iface_type_array(e, t->len) : NULL;
    }
    case TY_STRUCT: {
        char *name = strdup(t->name);
        char **names = calloc(t->n_fields, sizeof *names);
        struct iface_type **types = calloc(t->n_fields, sizeof *types);
        int ok = name && names && types;
        for (uint32_t i = 0; ok && i < t->n_fields; i++) {
            names[i] = strdup(t->fields[i].name);
            types[i] = cm_iface_type(t->fields[i].type);
            ok = names[i] && types[i];
        }
        if (!ok) {
            for (uint32_t i = 0; names && types && i < t->n_fields; i++) {
                free(names[i]);
                iface_type_free(types[i]);
            }
            free(name);
            free(names);
            free(types);
            return NULL;
        }
        return iface_type_struct(name, t->n_fields, names, types);
    }
    default:
        return NULL;
    }
}

static struct iface *cm_iface(const struct lower *lw, struct mpcc_error *err)
{
    struct iface *f = iface_new(err);
    if (f == NULL)
        return NULL;
    for (uint32_t i = 0; i < lw->n_parties; i++)
        if (iface_add_party(f, lw->parties[i].name, err) != MPCC_OK)
            goto fail;
    for (uint32_t i = 0; i < lw->n_inputs; i++) {
        struct iface_type *t = cm_iface_type(lw->inputs[i].t);
        if (t == NULL) {
            mpcc_error_set(err, MPCC_ERR_LIMIT, "input '%s': type not representable", lw->inputs[i].name);
            goto fail;
        }
        if (iface_add_input(f, lw->inputs[i].name, lw->inputs[i].owner, t, err) != MPCC_OK)
            goto fail;
    }
    for (uint32_t i = 0; i < lw->n_outputs; i++) {
        struct iface_type *t = cm_iface_type(lw->outputs[i].t);
        if (t == NULL) {
            mpcc_error_set(err, MPCC_ERR_LIMIT, "output '%s': type not representable", lw->outputs[i].name);
            goto fail;
        }
        if (iface_add_output(f, lw->outputs[i].name, t, lw->outputs[i].recipients,
                             lw->outputs[i].n_recipients, err) != MPCC_OK)
            goto fail;
    }
    return f;
fail:
    iface_free(f);
    return NULL;
}

static enum mpcc_status cm_profile(const struct lower *lw, struct mpcc_profile *p,
                                   struct mpcc_error *err)
{
    mpcc_profile_clear(p);
    if (lw->n_tags == 0)
        return MPCC_OK;
    p->lines = calloc(lw->n_tags, sizeof *p->lines);
    if (p->lines == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < lw->n_tags; i++) {
        struct mpcc_profile_line *l = &p->lines[p->n];
        l->function = strdup(lw->tags[i].fn);
        l->file = strdup(lw->tags[i].file ? lw->tags[i].file : "");
        l->line = lw->tags[i].line;
        l->n_and = bld_tag_and_count(lw->b, i + 1) + (i + 1 < lw->n_tag_extra ? lw->tag_extra[i + 1] : 0);
        p->n++;
        if (l->function == NULL || l->file == NULL) {
            mpcc_profile_clear(p);
            return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        }
    }
    return MPCC_OK;
}

const char *mpcc_compile_phase_name(int phase)
{
    static const char *const names[] = {"parsing", "checking", "lowering", "finishing",
                                        "writing", "done"};
    return phase >= 0 && phase <= MPCC_COMPILE_DONE ? names[phase] : "?";
}

static void cm_phase(const struct compile_options *opts, enum mpcc_compile_phase phase)
{
    if (opts != NULL && opts->progress != NULL)
        atomic_store_explicit(&opts->progress->phase, (int)phase, memory_order_relaxed);
}

static enum mpcc_status cm_compile(const char *name, const char *text, size_t len,
                                   const struct compile_options *opts, int from_file,
                                   struct mpcc_program **out, struct mpcc_error *err)
{
    enum mpcc_status st = MPCC_ERR_PARSE;
    struct ast_arena arena;
    struct ty_ctx tc = { 0 };
    struct lower lw = { 0 };
    struct mpcc_diags *own = NULL;
    struct circuit *circ = NULL;
    struct iface *f = NULL;
    *out = NULL;
    ast_arena_init(&arena);
    ast_arena_init(&lw.scratch);
    lw.arena = &arena;
    tc.arena = &arena;
    lw.tc = &tc;
    lw.opts = opts;
    lw.path = BLD_TRUE;
    lw.diags = opts && opts->diags ? opts->diags : (own = mpcc_diags_new());
    if (lw.diags == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t errors_before = diag_count(lw.diags);
    lw.b = bld_new(err);
    lw.lib = circ_lib_new(err);
    if (lw.b == NULL || lw.lib == NULL) {
        st = MPCC_ERR_NOMEM;
        goto out;
    }
    bld_set_lib(lw.b, lw.lib);
    if (opts != NULL && opts->progress != NULL)
        bld_set_progress(lw.b, &opts->progress->and_built);
    cm_phase(opts, MPCC_COMPILE_READ);
    char *src = NULL;
    if (from_file) {
        int too_big;
        src = cm_read(&arena, name, &len, &too_big);
        if (src == NULL) {
            st = mpcc_error_set(err, too_big ? MPCC_ERR_LIMIT : MPCC_ERR_IO, "%s: %s", name,
                                too_big ? "file too large" : "cannot read the file");
            goto out;
        }
        (void)cm_note_module(&lw, name);
    } else {
        src = ast_strndup(&arena, text, len);
        if (src == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    int ok;
    struct ast_item *items = cm_parse(&lw, name, src, len, &ok);
    if (ok && !lw.oom)
        cm_phase(opts, MPCC_COMPILE_CHECK);
    if (ok && !lw.oom
        && sema_program(&arena, &tc, lw.diags, name, items, cm_load_module, &lw, &lw.oom)) {
        cm_phase(opts, MPCC_COMPILE_LOWER);
        lw_items(&lw, items);
        if (!lw.oom && lw.n_parties < 2 && diag_count(lw.diags) == errors_before) {
            struct ast_loc loc = { name, 1, 1 };
            for (struct ast_item *it = items; it != NULL; it = it->next)
                if (it->kind == AI_PARTY) {
                    loc = it->loc;
                    break;
                }
            loc.file = items ? items->loc.file : loc.file;
            diag_error(lw.diags, loc, "a program needs at least two parties (e.g. party alice, bob;)");
        }
    }
    if (lw.oom || lw.diags->nomem) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory while compiling %s", name);
        goto out;
    }
    if (diag_count(lw.diags) > errors_before) {
        const struct mpcc_diag *g = lw.diags->n > errors_before ? &lw.diags->v[errors_before] : NULL;
        if (g != NULL)
            st = mpcc_error_set(err, MPCC_ERR_PARSE, "%s:%d:%d: %s", g->file, g->line, g->col, g->msg);
        else
            st = mpcc_error_set(err, MPCC_ERR_PARSE, "%s: too many errors", name);
        goto out;
    }
    cm_phase(opts, MPCC_COMPILE_FINISH);
    circ = bld_finish(lw.b, err);
    if (circ == NULL) {
        st = err ? err->code : MPCC_ERR_NOMEM;
        goto out;
    }
    f = cm_iface(&lw, err);
    if (f == NULL) {
        st = err ? err->code : MPCC_ERR_NOMEM;
        goto out;
    }
    if (opts != NULL && opts->profile != NULL && (st = cm_profile(&lw, opts->profile, err)) != MPCC_OK)
        goto out;
    if (opts != NULL && opts->locs != NULL && (st = cm_locs(&lw, opts->locs, err)) != MPCC_OK)
        goto out;
    *out = prog_new(f, circ, err);
    f = NULL;
    circ = NULL;
    st = *out ? MPCC_OK : (err ? err->code : MPCC_ERR_NOMEM);
out:
    iface_free(f);
    circ_free(circ);
    bld_free(lw.b);
    lw_clear(&lw);
    circ_lib_release(lw.lib);
    for (size_t i = 0; i < lw.n_modules; i++)
        free(lw.modules[i]);
    free(lw.modules);
    mpcc_diags_free(own);
    ast_arena_clear(&arena);
    return st;
}

enum mpcc_status mpcc_compile_file(const char *path, const struct compile_options *opts,
                                   struct mpcc_program **out, struct mpcc_error *err)
{
    return cm_compile(path, NULL, 0, opts, 1, out, err);
}

enum mpcc_status mpcc_compile_source(const char *name, const char *text, size_t len,
                                     const struct compile_options *opts,
                                     struct mpcc_program **out, struct mpcc_error *err)
{
    return cm_compile(name, text, len, opts, 0, out, err);
}
