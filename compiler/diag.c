/* diag.c - collecting and rendering compiler diagnostics (see diag.h).
 * Does not decide what is an error: the parser and lowering do. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mpcc_diags *mpcc_diags_new(void)
{
    return calloc(1, sizeof(struct mpcc_diags));
}

void mpcc_diags_free(struct mpcc_diags *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
        free(d->v[i].src_line);
    }
    free(d->v);
    free(d->src);
    free(d);
}

void diag_add_source(struct mpcc_diags *d, const char *file, const char *text, size_t len)
{
    if (d->n_src == d->cap_src) {
        size_t cap = d->cap_src ? d->cap_src * 2 : 8;
        struct diag_source *s = realloc(d->src, cap * sizeof *s);
        if (s == NULL) {
            d->nomem = 1;
            return;
        }
        d->src = s;
        d->cap_src = cap;
    }
    d->src[d->n_src].file = file;
    d->src[d->n_src].text = text;
    d->src[d->n_src].len = len;
    d->n_src++;
}

static char *diag_source_line(const struct mpcc_diags *d, const char *file, int line)
{
    for (size_t i = 0; i < d->n_src; i++) {
        if (d->src[i].file != file && (file == NULL || strcmp(d->src[i].file, file) != 0))
            continue;
        const char *t = d->src[i].text, *end = t + d->src[i].len;
        for (int l = 1; l < line && t < end; t++)
            if (*t == '\n')
                l++;
        const char *e = t;
        while (e < end && *e != '\n' && *e != '\r')
            e++;
        if (t >= end && line > 1)
            return NULL;
        char *s = malloc((size_t)(e - t) + 1);
        if (s == NULL)
            return NULL;
        memcpy(s, t, (size_t)(e - t));
        s[e - t] = '\0';
        return s;
    }
    return NULL;
}

void diag_error(struct mpcc_diags *d, struct ast_loc loc, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    const char *file = loc.file ? loc.file : "<input>";
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].line == loc.line && d->v[i].col == loc.col && strcmp(d->v[i].msg, buf) == 0
            && strcmp(d->v[i].file, file) == 0)
            return;
    if (d->n >= MPCC_DIAG_MAX) {
        d->n_dropped++;
        return;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        struct mpcc_diag *v = realloc(d->v, cap * sizeof *v);
        if (v == NULL) {
            d->nomem = 1;
            d->n_dropped++;
            return;
        }
        d->v = v;
        d->cap = cap;
    }
    struct mpcc_diag *g = &d->v[d->n];
    g->file = strdup(file);
    g->msg = strdup(buf);
    g->line = loc.line;
    g->col = loc.col;
    g->src_line = diag_source_line(d, loc.file, loc.line);
    if (g->file == NULL || g->msg == NULL) {
        free(g->file);
        free(g->msg);
        free(g->src_line);
        d->nomem = 1;
        d->n_dropped++;
        return;
    }
    d->n++;
}

size_t diag_count(const struct mpcc_diags *d)
{
    return d->n + d->n_dropped;
}

/* Appends printf output to a growing buffer; returns 0 on failure. */
static int diag_append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int diag_append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return 0;
    if (*len + (size_t)n + 1 > *cap) {
        size_t c = (*cap + (size_t)n + 1) * 2;
        char *b = realloc(*buf, c);
        if (b == NULL)
            return 0;
        *buf = b;
        *cap = c;
    }
    va_start(ap, fmt);
    vsnprintf(*buf + *len, *cap - *len, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
    return 1;
}

char *mpcc_diags_render(const struct mpcc_diags *d)
{
    size_t len = 0, cap = 256;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    buf[0] = '\0';
    for (size_t i = 0; i < d->n; i++) {
        const struct mpcc_diag *g = &d->v[i];
        if (!diag_append(&buf, &len, &cap, "%s:%d:%d: error: %s\n", g->file, g->line, g->col,
                         g->msg))
            goto fail;
        if (g->src_line == NULL)
            continue;
        if (!diag_append(&buf, &len, &cap, "    %s\n    ", g->src_line))
            goto fail;
        /* Keep tabs so the caret lines up under the same column. */
        for (int c = 1; c < g->col && g->src_line[c - 1] != '\0'; c++)
            if (!diag_append(&buf, &len, &cap, "%c", g->src_line[c - 1] == '\t' ? '\t' : ' '))
                goto fail;
        if (!diag_append(&buf, &len, &cap, "^\n"))
            goto fail;
    }
    if (d->n_dropped > 0
        && !diag_append(&buf, &len, &cap, "(%zu more errors not shown)\n", d->n_dropped))
        goto fail;
    return buf;
fail:
    free(buf);
    return NULL;
}
