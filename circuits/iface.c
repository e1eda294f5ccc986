/* iface.c - typed interface of a compiled program: type constructors,
 * spelling, equality, the party/input/output tables, and the check that an
 * interface matches a circuit's value widths. No file formats, no values. */
#include "circuits/iface.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- types ---- */

static struct iface_type *type_alloc(enum iface_kind kind)
{
    struct iface_type *t = calloc(1, sizeof *t);
    if (t)
        t->kind = kind;
    return t;
}

struct iface_type *iface_type_bool(void)
{
    struct iface_type *t = type_alloc(IFACE_BOOL);
    if (t) {
        t->width = 1;
        t->bits = 1;
    }
    return t;
}

struct iface_type *iface_type_int(bool is_signed, uint32_t width)
{
    if (width == 0 || width > IFACE_MAX_INT_WIDTH)
        return NULL;
    struct iface_type *t = type_alloc(is_signed ? IFACE_INT : IFACE_UINT);
    if (t) {
        t->width = width;
        t->bits = width;
    }
    return t;
}

bool iface_fixed_width_ok(uint32_t width)
{
    return width >= IFACE_FIXED_MIN_WIDTH && width <= IFACE_FIXED_MAX_WIDTH && width % 2 == 0;
}

struct iface_type *iface_type_fixed(uint32_t width)
{
    if (!iface_fixed_width_ok(width))
        return NULL;
    struct iface_type *t = type_alloc(IFACE_FIXED);
    if (t) {
        t->width = width;
        t->bits = width;
    }
    return t;
}

uint32_t iface_type_depth(const struct iface_type *t)
{
    uint32_t d = 0;
    if (t->kind == IFACE_ARRAY) {
        d = 1 + iface_type_depth(t->elem);
    } else if (t->kind == IFACE_STRUCT) {
        for (uint32_t i = 0; i < t->n_fields; i++) {
            uint32_t fd = 1 + iface_type_depth(t->field_types[i]);
            if (fd > d)
                d = fd;
        }
    }
    return d;
}

struct iface_type *iface_type_array(struct iface_type *elem, uint32_t length)
{
    if (!elem)
        return NULL;
    if (length == 0 || elem->bits * (uint64_t)length > IFACE_MAX_TYPE_BITS ||
        iface_type_depth(elem) + 1 > IFACE_MAX_DEPTH) {
        iface_type_free(elem);
        return NULL;
    }
    struct iface_type *t = type_alloc(IFACE_ARRAY);
    if (!t) {
        iface_type_free(elem);
        return NULL;
    }
    t->length = length;
    t->elem = elem;
    t->bits = elem->bits * (uint64_t)length;
    return t;
}

static void free_fields(uint32_t n, char **names, struct iface_type **types)
{
    for (uint32_t i = 0; i < n; i++) {
        if (names)
            free(names[i]);
        if (types)
            iface_type_free(types[i]);
    }
    free(names);
    free(types);
}

struct iface_type *iface_type_struct(char *name, uint32_t n, char **names,
                                     struct iface_type **types)
{
    struct iface_type *t = NULL;
    uint64_t bits = 0;
    bool ok = name && names && types && n > 0 && n <= IFACE_MAX_FIELDS && iface_name_valid(name);
    for (uint32_t i = 0; ok && i < n; i++) {
        if (!names[i] || !types[i] || !iface_name_valid(names[i]) ||
            iface_type_depth(types[i]) + 1 > IFACE_MAX_DEPTH) {
            ok = false;
            break;
        }
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                ok = false;
        bits += types[i]->bits;
        if (bits > IFACE_MAX_TYPE_BITS)
            ok = false;
    }
    if (ok)
        t = type_alloc(IFACE_STRUCT);
    if (!t) {
        free(name);
        free_fields(n, names, types);
        return NULL;
    }
    t->name = name;
    t->n_fields = n;
    t->field_names = names;
    t->field_types = types;
    t->bits = bits;
    return t;
}

void iface_type_free(struct iface_type *t)
{
    if (!t)
        return;
    iface_type_free(t->elem);
    free(t->name);
    free_fields(t->n_fields, t->field_names, t->field_types);
    free(t);
}

struct iface_type *iface_type_clone(const struct iface_type *t)
{
    if (!t)
        return NULL;
    switch (t->kind) {
    case IFACE_BOOL:
        return iface_type_bool();
    case IFACE_UINT:
    case IFACE_INT:
        return iface_type_int(t->kind == IFACE_INT, t->width);
    case IFACE_FIXED:
        return iface_type_fixed(t->width);
    case IFACE_ARRAY: {
        struct iface_type *e = iface_type_clone(t->elem);
        return e ? iface_type_array(e, t->length) : NULL;
    }
    case IFACE_STRUCT: {
        char *name = strdup(t->name);
        char **names = calloc(t->n_fields, sizeof *names);
        struct iface_type **types = calloc(t->n_fields, sizeof *types);
        bool ok = name && names && types;
        for (uint32_t i = 0; ok && i < t->n_fields; i++) {
            names[i] = strdup(t->field_names[i]);
            types[i] = iface_type_clone(t->field_types[i]);
            ok = names[i] && types[i];
        }
        if (!ok) {
            free(name);
            free_fields(t->n_fields, names, types);
            return NULL;
        }
        return iface_type_struct(name, t->n_fields, names, types);
    }
    }
    return NULL;
}

bool iface_type_equal(const struct iface_type *a, const struct iface_type *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind || a->bits != b->bits)
        return false;
    switch (a->kind) {
    case IFACE_BOOL:
        return true;
    case IFACE_UINT:
    case IFACE_INT:
    case IFACE_FIXED:
        return a->width == b->width;
    case IFACE_ARRAY:
        return a->length == b->length && iface_type_equal(a->elem, b->elem);
    case IFACE_STRUCT:
        if (strcmp(a->name, b->name) != 0 || a->n_fields != b->n_fields)
            return false;
        for (uint32_t i = 0; i < a->n_fields; i++)
            if (strcmp(a->field_names[i], b->field_names[i]) != 0 ||
                !iface_type_equal(a->field_types[i], b->field_types[i]))
                return false;
        return true;
    }
    return false;
}

/* Appends `pre` alone (post == NULL) or `pre v post` like snprintf at *pos,
 * counting what would have been written. */
static void str_append(char *buf, size_t len, size_t *pos, const char *pre, unsigned long v,
                       const char *post)
{
    size_t room = *pos < len ? len - *pos : 0;
    int n = post ? snprintf(room ? buf + *pos : NULL, room, "%s%lu%s", pre, v, post)
                 : snprintf(room ? buf + *pos : NULL, room, "%s", pre);
    if (n > 0)
        *pos += (size_t)n;
}

size_t iface_type_to_string(const struct iface_type *t, char *buf, size_t len)
{
    size_t pos = 0;
    const struct iface_type *base = t;
    if (len)
        buf[0] = '\0';
    while (base->kind == IFACE_ARRAY)
        base = base->elem;
    switch (base->kind) {
    case IFACE_BOOL:
        str_append(buf, len, &pos, "bool", 0, NULL);
        break;
    case IFACE_UINT:
        str_append(buf, len, &pos, "uint", base->width, "");
        break;
    case IFACE_INT:
        str_append(buf, len, &pos, "int", base->width, "");
        break;
    case IFACE_FIXED:
        str_append(buf, len, &pos, "fixed", base->width, "");
        break;
    case IFACE_STRUCT:
        str_append(buf, len, &pos, base->name, 0, NULL);
        break;
    case IFACE_ARRAY:
        break;
    }
    /* outermost dimension first: int32[2][3] is 2 arrays of 3 */
    for (const struct iface_type *a = t; a->kind == IFACE_ARRAY; a = a->elem)
        str_append(buf, len, &pos, "[", a->length, "]");
    return pos;
}

bool iface_name_valid(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n > IFACE_MAX_NAME)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!alpha && !(digit && i > 0))
            return false;
    }
    return true;
}

/* ---- interface ---- */

struct iface *iface_new(struct mpcc_error *err)
{
    struct iface *f = calloc(1, sizeof *f);
    if (!f)
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory allocating an interface");
    return f;
}

void iface_free(struct iface *f)
{
    if (!f)
        return;
    for (uint32_t i = 0; i < f->n_parties; i++)
        free(f->parties[i]);
    free(f->parties);
    for (uint32_t i = 0; i < f->n_inputs; i++) {
        free(f->inputs[i].name);
        iface_type_free(f->inputs[i].type);
    }
    free(f->inputs);
    for (uint32_t i = 0; i < f->n_outputs; i++) {
        free(f->outputs[i].name);
        iface_type_free(f->outputs[i].type);
        free(f->outputs[i].recipients);
    }
    free(f->outputs);
    free(f);
}

/* Makes room for element n of an array that holds n elements: capacities
 * are powers of two, so appending n elements costs O(n) copying. */
static enum mpcc_status grow(void **arr, uint32_t n, size_t sz, struct mpcc_error *err)
{
    if (n & (n - 1)) /* not a power of two (nor zero): room is left */
        return MPCC_OK;
    void *p = realloc(*arr, (n ? 2 * (size_t)n : 1) * sz);
    if (!p)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory growing an interface");
    *arr = p;
    return MPCC_OK;
}

int64_t iface_party_index(const struct iface *f, const char *name)
{
    for (uint32_t i = 0; i < f->n_parties; i++)
        if (strcmp(f->parties[i], name) == 0)
            return i;
    return -1;
}

int64_t iface_input_index(const struct iface *f, const char *name)
{
    for (uint32_t i = 0; i < f->n_inputs; i++)
        if (strcmp(f->inputs[i].name, name) == 0)
            return i;
    return -1;
}

int64_t iface_output_index(const struct iface *f, const char *name)
{
    for (uint32_t i = 0; i < f->n_outputs; i++)
        if (strcmp(f->outputs[i].name, name) == 0)
            return i;
    return -1;
}

bool iface_output_has_recipient(const struct iface_output *o, uint32_t p)
{
    for (uint32_t i = 0; i < o->n_recipients; i++)
        if (o->recipients[i] == p)
            return true;
    return false;
}

static enum mpcc_status check_name(const char *what, const char *name, struct mpcc_error *err)
{
    if (!name)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "%s without a name", what);
    if (!iface_name_valid(name))
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "invalid %s name '%.80s' (expected an identifier of 1..%u "
                              "characters: letters, digits, '_', not starting with a digit)",
                              what, name, IFACE_MAX_NAME);
    return MPCC_OK;
}

enum mpcc_status iface_add_party(struct iface *f, const char *name, struct mpcc_error *err)
{
    enum mpcc_status st = check_name("party", name, err);
    if (st != MPCC_OK)
        return st;
    if (iface_party_index(f, name) >= 0)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "duplicate party '%s'", name);
    if (f->n_parties >= IFACE_MAX_PARTIES)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %u parties", IFACE_MAX_PARTIES);
    char *copy = strdup(name);
    if (!copy)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding a party");
    st = grow((void **)&f->parties, f->n_parties, sizeof *f->parties, err);
    if (st != MPCC_OK) {
        free(copy);
        return st;
    }
    f->parties[f->n_parties++] = copy;
    return MPCC_OK;
}

enum mpcc_status iface_add_input(struct iface *f, const char *name, uint32_t owner,
                                 struct iface_type *type, struct mpcc_error *err)
{
    char *copy = NULL;
    enum mpcc_status st = check_name("input", name, err);
    if (st != MPCC_OK)
        goto out;
    if (!type) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "input '%s' has no type", name);
        goto out;
    }
    if (iface_input_index(f, name) >= 0) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "duplicate input '%s'", name);
        goto out;
    }
    if (owner >= f->n_parties) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "input '%s' is owned by party %u, but there are %u parties",
                            name, owner, f->n_parties);
        goto out;
    }
    if (f->n_inputs >= IFACE_MAX_VALUES) {
        st = mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %u inputs", IFACE_MAX_VALUES);
        goto out;
    }
    copy = strdup(name);
    if (!copy) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding an input");
        goto out;
    }
    st = grow((void **)&f->inputs, f->n_inputs, sizeof *f->inputs, err);
    if (st != MPCC_OK)
        goto out;
    f->inputs[f->n_inputs].name = copy;
    f->inputs[f->n_inputs].owner = owner;
    f->inputs[f->n_inputs].type = type;
    f->n_inputs++;
    return MPCC_OK;
out:
    free(copy);
    iface_type_free(type);
    return st;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

enum mpcc_status iface_add_output(struct iface *f, const char *name, struct iface_type *type,
                                  const uint32_t *recipients, uint32_t n,
                                  struct mpcc_error *err)
{
    char *copy = NULL;
    uint32_t *rs = NULL;
    enum mpcc_status st = check_name("output", name, err);
    if (st != MPCC_OK)
        goto out;
    if (!type) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "output '%s' has no type", name);
        goto out;
    }
    if (iface_output_index(f, name) >= 0) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "duplicate output '%s'", name);
        goto out;
    }
    if (n == 0 || !recipients) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "output '%s' has no recipients", name);
        goto out;
    }
    if (f->n_outputs >= IFACE_MAX_VALUES) {
        st = mpcc_error_set(err, MPCC_ERR_LIMIT, "more than %u outputs", IFACE_MAX_VALUES);
        goto out;
    }
    if (n > f->n_parties) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "output '%s' lists %u recipients, but there are %u parties",
                            name, n, f->n_parties);
        goto out;
    }
    rs = malloc((size_t)n * sizeof *rs);
    copy = strdup(name);
    if (!rs || !copy) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory adding an output");
        goto out;
    }
    memcpy(rs, recipients, (size_t)n * sizeof *rs);
    qsort(rs, n, sizeof *rs, cmp_u32);
    for (uint32_t i = 0; i < n; i++) {
        if (rs[i] >= f->n_parties) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "output '%s' goes to party %u, but there are %u parties",
                                name, rs[i], f->n_parties);
            goto out;
        }
        if (i > 0 && rs[i] == rs[i - 1]) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "output '%s' lists party '%s' twice", name,
                                f->parties[rs[i]]);
            goto out;
        }
    }
    st = grow((void **)&f->outputs, f->n_outputs, sizeof *f->outputs, err);
    if (st != MPCC_OK)
        goto out;
    f->outputs[f->n_outputs].name = copy;
    f->outputs[f->n_outputs].type = type;
    f->outputs[f->n_outputs].n_recipients = n;
    f->outputs[f->n_outputs].recipients = rs;
    f->n_outputs++;
    return MPCC_OK;
out:
    free(copy);
    free(rs);
    iface_type_free(type);
    return st;
}

enum mpcc_status iface_check_against(const struct iface *f, const struct circuit *c,
                                     struct mpcc_error *err)
{
    char tbuf[128];
    if (f->n_inputs != c->n_inputs)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "the interface declares %u inputs but the circuit has %u input values",
                              f->n_inputs, c->n_inputs);
    if (f->n_outputs != c->n_outputs)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "the interface declares %u outputs but the circuit has %u output values",
                              f->n_outputs, c->n_outputs);
    for (uint32_t i = 0; i < f->n_inputs; i++) {
        const struct iface_input *in = &f->inputs[i];
        if (in->type->bits != c->input_widths[i]) {
            iface_type_to_string(in->type, tbuf, sizeof tbuf);
            return mpcc_error_set(err, MPCC_ERR_INVALID,
                                  "input '%s' has type %s (%llu bits) but circuit input %u has %u bits",
                                  in->name, tbuf, (unsigned long long)in->type->bits, i,
                                  c->input_widths[i]);
        }
    }
    for (uint32_t i = 0; i < f->n_outputs; i++) {
        const struct iface_output *o = &f->outputs[i];
        if (o->type->bits != c->output_widths[i]) {
            iface_type_to_string(o->type, tbuf, sizeof tbuf);
            return mpcc_error_set(err, MPCC_ERR_INVALID,
                                  "output '%s' has type %s (%llu bits) but circuit output %u has %u bits",
                                  o->name, tbuf, (unsigned long long)o->type->bits, i,
                                  c->output_widths[i]);
        }
    }
    return MPCC_OK;
}

bool iface_equal(const struct iface *a, const struct iface *b)
{
    if (a->n_parties != b->n_parties || a->n_inputs != b->n_inputs ||
        a->n_outputs != b->n_outputs)
        return false;
    for (uint32_t i = 0; i < a->n_parties; i++)
        if (strcmp(a->parties[i], b->parties[i]) != 0)
            return false;
    for (uint32_t i = 0; i < a->n_inputs; i++) {
        const struct iface_input *x = &a->inputs[i], *y = &b->inputs[i];
        if (strcmp(x->name, y->name) != 0 || x->owner != y->owner ||
            !iface_type_equal(x->type, y->type))
            return false;
    }
    for (uint32_t i = 0; i < a->n_outputs; i++) {
        const struct iface_output *x = &a->outputs[i], *y = &b->outputs[i];
        if (strcmp(x->name, y->name) != 0 || x->n_recipients != y->n_recipients ||
            !iface_type_equal(x->type, y->type) ||
            memcmp(x->recipients, y->recipients, (size_t)x->n_recipients * sizeof(uint32_t)) != 0)
            return false;
    }
    return true;
}
