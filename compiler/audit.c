/* audit.c - `mpcc audit`: what each output of a compiled program discloses,
 * for whoever must sign the program off before parties run it. For each
 * output: its recipients, its type, the AND gates of its cone and the
 * inputs it depends on (party and name, down to array elements, struct
 * fields and bits where the dependency is that precise), read from the
 * circuit's wire dependencies (circuits/deps.h). Warnings name outputs that
 * copy inputs outright, outputs that a party receives about one other
 * party's data alone, and inputs no output uses. No printing here: the
 * report is returned as text or JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "circuits/deps.h"

#define AU_MAX_PATHS 24 /* paths listed per input before "... and N more" */

struct au_list {
    char **v;
    size_t n, cap;
    int failed;
};

static void au_add(struct au_list *l, char *s)
{
    if (s == NULL) {
        l->failed = 1;
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            free(s);
            l->failed = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
}

static void au_list_clear(struct au_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static char *au_cat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (s != NULL) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb + 1);
    }
    return s;
}

/* " (bits 0..7, 9)": the set bits of a partly used scalar. */
static char *au_bit_ranges(const uint8_t *bits, uint32_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL)
        return NULL;
    fputs(" (bit", m);
    int first = 1, many = 0;
    for (uint32_t i = 0; i < n; i++)
        many += bits[i] != 0;
    fputs(many > 1 ? "s " : " ", m);
    for (uint32_t i = 0; i < n;) {
        if (!bits[i]) {
            i++;
            continue;
        }
        uint32_t j = i;
        while (j + 1 < n && bits[j + 1])
            j++;
        fprintf(m, first ? "%u" : ", %u", i);
        if (j > i)
            fprintf(m, "..%u", j);
        first = 0;
        i = j + 1;
    }
    fputc(')', m);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int au_lists_equal(const struct au_list *a, const struct au_list *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return 0;
    return 1;
}

/* The parts of a value of type t (named prefix) whose bits are set: the
 * whole value, fields, element ranges with the same parts, bit ranges. */
static void au_paths(struct au_list *out, const char *prefix, const struct iface_type *t, const uint8_t *bits)
{
    uint64_t set = 0;
    for (uint64_t i = 0; i < t->bits; i++)
        set += bits[i] != 0;
    if (set == 0)
        return;
    if (set == t->bits) {
        au_add(out, strdup(prefix));
        return;
    }
    switch (t->kind) {
    case IFACE_BOOL:
    case IFACE_UINT:
    case IFACE_INT:
    case IFACE_FIXED: {
        char *r = au_bit_ranges(bits, (uint32_t)t->bits);
        au_add(out, r ? au_cat(prefix, r) : NULL);
        free(r);
        return;
    }
    case IFACE_STRUCT: {
        uint64_t off = 0;
        for (uint32_t i = 0; i < t->n_fields; i++) {
            char *p = malloc(strlen(prefix) + strlen(t->field_names[i]) + 2);
            if (p == NULL) {
                out->failed = 1;
                return;
            }
            sprintf(p, "%s.%s", prefix, t->field_names[i]);
            au_paths(out, p, t->field_types[i], bits + off);
            free(p);
            off += t->field_types[i]->bits;
        }
        return;
    }
    case IFACE_ARRAY: {
        uint64_t eb = t->elem->bits;
        for (uint32_t i = 0; i < t->length;) {
            struct au_list rel = { 0 };
            au_paths(&rel, "", t->elem, bits + i * eb);
            uint32_t j = i;
            while (j + 1 < t->length && rel.n > 0) {
                struct au_list next = { 0 };
                au_paths(&next, "", t->elem, bits + (uint64_t)(j + 1) * eb);
                int same = au_lists_equal(&rel, &next);
                au_list_clear(&next);
                if (!same)
                    break;
                j++;
            }
            for (size_t k = 0; k < rel.n; k++) {
                char idx[64];
                if (j > i)
                    snprintf(idx, sizeof idx, "[%u..%u]", i, j);
                else
                    snprintf(idx, sizeof idx, "[%u]", i);
                char *p = malloc(strlen(prefix) + strlen(idx) + strlen(rel.v[k]) + 1);
                if (p != NULL)
                    sprintf(p, "%s%s%s", prefix, idx, rel.v[k]);
                au_add(out, p);
            }
            out->failed |= rel.failed;
            au_list_clear(&rel);
            i = j + 1;
        }
        return;
    }
    }
}

static void au_json_str(FILE *m, const char *s)
{
    fputc('"', m);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(m, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(m, "\\u%04x", (unsigned char)*s);
        else
            fputc(*s, m);
    }
    fputc('"', m);
}

/* "file:line:col" of input or output k (or "input k" without locations). */
static void au_loc_str(char *buf, size_t n, const struct mpcc_source_locs *locs, int is_output, uint32_t k)
{
    const struct mpcc_src_loc *l = NULL;
    if (locs != NULL && is_output && k < locs->n_outputs)
        l = &locs->outputs[k];
    else if (locs != NULL && !is_output && k < locs->n_inputs)
        l = &locs->inputs[k];
    if (l != NULL)
        snprintf(buf, n, "%s:%d:%d", l->file, l->line, l->col);
    else
        snprintf(buf, n, "%s %u", is_output ? "output" : "input", k);
}

static void au_loc(FILE *m, const struct mpcc_source_locs *locs, int is_output, uint32_t k)
{
    char buf[4200];
    au_loc_str(buf, sizeof buf, locs, is_output, k);
    fputs(buf, m);
}

static void au_json_loc(FILE *m, const struct mpcc_source_locs *locs, int is_output, uint32_t k)
{
    char buf[4200];
    au_loc_str(buf, sizeof buf, locs, is_output, k);
    au_json_str(m, buf);
}

struct au_warning {
    int is_output;
    uint32_t k;
    const char *kind;
    char *msg;
};

struct au {
    const struct mpcc_program *p;
    const struct mpcc_source_locs *locs;
    struct au_warning *w;
    size_t n_w;
    int failed;
};

static void au_warn(struct au *a, int is_output, uint32_t k, const char *kind, char *msg)
{
    struct au_warning *w = realloc(a->w, (a->n_w + 1) * sizeof *w);
    if (w == NULL || msg == NULL) {
        if (w != NULL)
            a->w = w;
        free(msg);
        a->failed = 1;
        return;
    }
    a->w = w;
    w[a->n_w].is_output = is_output;
    w[a->n_w].k = k;
    w[a->n_w].kind = kind;
    w[a->n_w].msg = msg;
    a->n_w++;
}

/* The paths of input value i that the bits (of the whole input vector) name. */
static void au_input_paths(const struct au *a, uint32_t i, const uint8_t *all_bits, struct au_list *out)
{
    const struct circuit *c = a->p->circ;
    au_paths(out, a->p->iface->inputs[i].name, a->p->iface->inputs[i].type, all_bits + circ_input_offset(c, i));
}

/* Writes "party: path, path; party: path" for the bits set. */
static void au_write_deps(struct au *a, FILE *m, const uint8_t *bits, int json)
{
    const struct iface *f = a->p->iface;
    int first_party = 1;
    if (json)
        fputc('[', m);
    for (uint32_t q = 0; q < f->n_parties; q++) {
        struct au_list paths = { 0 };
        for (uint32_t i = 0; i < f->n_inputs; i++)
            if (f->inputs[i].owner == q)
                au_input_paths(a, i, bits, &paths);
        a->failed |= paths.failed;
        if (paths.n == 0) {
            au_list_clear(&paths);
            continue;
        }
        if (json) {
            fprintf(m, "%s{\"party\": ", first_party ? "" : ", ");
            au_json_str(m, f->parties[q]);
            fputs(", \"inputs\": [", m);
            for (size_t k = 0; k < paths.n; k++) {
                fputs(k ? ", " : "", m);
                au_json_str(m, paths.v[k]);
            }
            fputs("]}", m);
        } else {
            fprintf(m, "%s%s: ", first_party ? "" : "; ", f->parties[q]);
            for (size_t k = 0; k < paths.n && k < AU_MAX_PATHS; k++)
                fprintf(m, "%s%s", k ? ", " : "", paths.v[k]);
            if (paths.n > AU_MAX_PATHS)
                fprintf(m, ", ... and %zu more", paths.n - AU_MAX_PATHS);
        }
        first_party = 0;
        au_list_clear(&paths);
    }
    if (json)
        fputc(']', m);
    else if (first_party)
        fputs("no input (a constant)", m);
}

static char *au_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *au_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Recipients of output k other than party q, as "a, b". */
static char *au_others(const struct iface *f, uint32_t k, int64_t q)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL)
        return NULL;
    int first = 1;
    for (uint32_t r = 0; r < f->outputs[k].n_recipients; r++) {
        uint32_t p = f->outputs[k].recipients[r];
        if ((int64_t)p == q)
            continue;
        fprintf(m, "%s%s", first ? "" : ", ", f->parties[p]);
        first = 0;
    }
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    if (first) {
        free(buf);
        return strdup("");
    }
    return buf;
}

/* "path, path, ... and N more" for the bits set. */
static char *au_path_list(const struct au *a, const uint8_t *bits, int *failed)
{
    const struct iface *f = a->p->iface;
    struct au_list paths = { 0 };
    for (uint32_t i = 0; i < f->n_inputs; i++)
        au_input_paths(a, i, bits, &paths);
    char *list = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&list, &len);
    if (m != NULL) {
        for (size_t i = 0; i < paths.n && i < AU_MAX_PATHS; i++)
            fprintf(m, "%s%s", i ? ", " : "", paths.v[i]);
        if (paths.n > AU_MAX_PATHS)
            fprintf(m, ", ... and %zu more", paths.n - AU_MAX_PATHS);
        if (fclose(m) != 0) {
            free(list);
            list = NULL;
        }
    }
    *failed |= list == NULL || paths.failed;
    au_list_clear(&paths);
    return list;
}

/* The warnings about output k, from its dependencies d: an output made of
 * input bits as they are (and constants) that reaches parties other than
 * their owner; a function of one party's inputs alone, received by others. */
static void au_output_warnings(struct au *a, uint32_t k, const struct circ_deps *d)
{
    const struct iface *f = a->p->iface;
    const struct circuit *c = a->p->circ;
    uint64_t nb = c->n_input_bits;
    uint8_t *mine = calloc(nb ? nb : 1, 1);
    if (mine == NULL) {
        a->failed = 1;
        return;
    }
    int64_t owner = -1; /* the one party whose inputs it depends on, -2: several */
    int all_copied = 1;
    for (uint32_t q = 0; q < f->n_parties; q++) {
        int copied = 0, depends = 0;
        memset(mine, 0, nb);
        for (uint32_t i = 0; i < f->n_inputs; i++) {
            if (f->inputs[i].owner != q)
                continue;
            uint64_t off = circ_input_offset(c, i);
            for (uint64_t b = off; b < off + c->input_widths[i]; b++) {
                mine[b] = d->copied[b];
                copied |= d->copied[b];
                depends |= d->input_bit[b];
                all_copied &= !d->input_bit[b] || d->copied[b];
            }
        }
        if (depends)
            owner = owner == -1 ? (int64_t)q : -2;
        if (!copied || d->computed)
            continue; /* only an output made of input bits and constants */
        char *others = au_others(f, k, q);
        char *list = others && others[0] ? au_path_list(a, mine, &a->failed) : NULL;
        if (list != NULL)
            au_warn(a, 1, k, "discloses_input",
                    au_fmt("output '%s' holds %s's input bits as they are (%s): it reveals them to %s",
                           f->outputs[k].name, f->parties[q], list, others));
        a->failed |= others == NULL;
        free(list);
        free(others);
    }
    free(mine);
    if (owner < 0 || (all_copied && !d->computed))
        return; /* a constant, several parties' data, or only copies (warned above) */
    char *others = au_others(f, k, owner);
    char *list = others && others[0] ? au_path_list(a, d->input_bit, &a->failed) : NULL;
    if (list != NULL)
        au_warn(a, 1, k, "one_party",
                au_fmt("output '%s' depends on %s's inputs alone (%s): it reveals a function of them to %s",
                       f->outputs[k].name, f->parties[owner], list, others));
    a->failed |= others == NULL;
    free(list);
    free(others);
}

char *mpcc_audit(const struct mpcc_program *p, const struct mpcc_source_locs *locs, const char *title, bool json,
                 size_t *n_warnings, struct mpcc_error *err)
{
    const struct iface *f = p->iface;
    const struct circuit *c = p->circ;
    struct au a = { p, locs, NULL, 0, 0 };
    struct circ_deps *deps = calloc(f->n_outputs ? f->n_outputs : 1, sizeof *deps);
    uint8_t *used = calloc(c->n_input_bits ? c->n_input_bits : 1, 1);
    struct circ_deps_ctx *x = circ_deps_new(c, err);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = NULL;
    if (deps == NULL || used == NULL || x == NULL) {
        if (x != NULL)
            mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < f->n_outputs; k++) {
        if (circ_deps_output(x, k, &deps[k], err) != MPCC_OK)
            goto out;
        for (uint64_t b = 0; b < c->n_input_bits; b++)
            used[b] |= deps[k].input_bit[b];
        au_output_warnings(&a, k, &deps[k]);
    }
    for (uint32_t i = 0; i < f->n_inputs; i++) {
        uint64_t off = circ_input_offset(c, i), b;
        for (b = 0; b < c->input_widths[i] && !used[off + b]; b++)
            ;
        if (b == c->input_widths[i])
            au_warn(&a, 0, i, "unused_input",
                    au_fmt("input '%s' of %s is used by no output (is it a mistake?)", f->inputs[i].name,
                           f->parties[f->inputs[i].owner]));
    }
    if (a.failed) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    m = open_memstream(&buf, &len);
    if (m == NULL) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    uint64_t n_and = circ_count_op(c, CIRC_AND);
    char tn[256];
    if (json) {
        fputs("{\"program\": ", m);
        au_json_str(m, title);
        fprintf(m, ", \"and_gates\": %llu, \"parties\": [", (unsigned long long)n_and);
        for (uint32_t q = 0; q < f->n_parties; q++) {
            fputs(q ? ", " : "", m);
            au_json_str(m, f->parties[q]);
        }
        fputs("],\n \"inputs\": [", m);
        for (uint32_t i = 0; i < f->n_inputs; i++) {
            iface_type_to_string(f->inputs[i].type, tn, sizeof tn);
            fputs(i ? ",\n   {\"name\": " : "\n   {\"name\": ", m);
            au_json_str(m, f->inputs[i].name);
            fputs(", \"party\": ", m);
            au_json_str(m, f->parties[f->inputs[i].owner]);
            fputs(", \"type\": ", m);
            au_json_str(m, tn);
            fputs(", \"at\": ", m);
            au_json_loc(m, locs, 0, i);
            fputs("}", m);
        }
        fputs("],\n \"outputs\": [", m);
        for (uint32_t k = 0; k < f->n_outputs; k++) {
            iface_type_to_string(f->outputs[k].type, tn, sizeof tn);
            fputs(k ? ",\n   {\"name\": " : "\n   {\"name\": ", m);
            au_json_str(m, f->outputs[k].name);
            fputs(", \"type\": ", m);
            au_json_str(m, tn);
            fputs(", \"to\": [", m);
            for (uint32_t r = 0; r < f->outputs[k].n_recipients; r++) {
                fputs(r ? ", " : "", m);
                au_json_str(m, f->parties[f->outputs[k].recipients[r]]);
            }
            fprintf(m, "], \"and_gates\": %llu, \"depends_on\": ", (unsigned long long)deps[k].n_and);
            au_write_deps(&a, m, deps[k].input_bit, 1);
            fputs(", \"at\": ", m);
            au_json_loc(m, locs, 1, k);
            fputs("}", m);
        }
        fputs("],\n \"warnings\": [", m);
        for (size_t w = 0; w < a.n_w; w++) {
            fputs(w ? ",\n   {\"kind\": " : "\n   {\"kind\": ", m);
            au_json_str(m, a.w[w].kind);
            fputs(", \"at\": ", m);
            au_json_loc(m, locs, a.w[w].is_output, a.w[w].k);
            fputs(", \"message\": ", m);
            au_json_str(m, a.w[w].msg);
            fputc('}', m);
        }
        fputs("]}\n", m);
    } else {
        fprintf(m, "audit of %s: %u parties, %u input%s, %u output%s, %llu AND gates\n", title, f->n_parties,
                f->n_inputs, f->n_inputs == 1 ? "" : "s", f->n_outputs, f->n_outputs == 1 ? "" : "s",
                (unsigned long long)n_and);
        fputs("\ninputs\n", m);
        for (uint32_t i = 0; i < f->n_inputs; i++) {
            iface_type_to_string(f->inputs[i].type, tn, sizeof tn);
            fprintf(m, "  %s: %s, from %s (", f->inputs[i].name, tn, f->parties[f->inputs[i].owner]);
            au_loc(m, locs, 0, i);
            fputs(")\n", m);
        }
        fputs("\noutputs\n", m);
        for (uint32_t k = 0; k < f->n_outputs; k++) {
            iface_type_to_string(f->outputs[k].type, tn, sizeof tn);
            fprintf(m, "  %s: %s, to ", f->outputs[k].name, tn);
            for (uint32_t r = 0; r < f->outputs[k].n_recipients; r++)
                fprintf(m, "%s%s", r ? ", " : "", f->parties[f->outputs[k].recipients[r]]);
            fputs(" (", m);
            au_loc(m, locs, 1, k);
            fprintf(m, ")\n    AND gates: %llu\n    depends on: ", (unsigned long long)deps[k].n_and);
            au_write_deps(&a, m, deps[k].input_bit, 0);
            fputc('\n', m);
        }
        if (a.n_w == 0) {
            fputs("\nno warnings\n", m);
        } else {
            fprintf(m, "\n%zu warning%s\n", a.n_w, a.n_w == 1 ? "" : "s");
            for (size_t w = 0; w < a.n_w; w++) {
                fputs("  ", m);
                au_loc(m, locs, a.w[w].is_output, a.w[w].k);
                fprintf(m, ": warning: %s\n", a.w[w].msg);
            }
        }
    }
    if (fclose(m) != 0 || a.failed) {
        m = NULL;
        free(buf);
        buf = NULL;
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    m = NULL;
    if (n_warnings != NULL)
        *n_warnings = a.n_w;
out:
    if (m != NULL) {
        fclose(m);
        free(buf);
        buf = NULL;
    }
    for (uint32_t k = 0; deps != NULL && k < f->n_outputs; k++)
        circ_deps_clear(&deps[k]);
    free(deps);
    free(used);
    circ_deps_free(x);
    for (size_t w = 0; w < a.n_w; w++)
        free(a.w[w].msg);
    free(a.w);
    return buf;
}
