/* sema_expr.c - static types of expressions: names, literals, operators,
 * ?:, casts, indexing, fields, array and struct literals, and implicit
 * conversions, with the C-like rules of docs/language.md. Each expression
 * gets its type from its operands' types alone, never from values the
 * circuit builder may later fold. Calls are typed in sema.c, statements in
 * sema_stmt.c. Types containing unbound parts (a generic function checked
 * on its own, or after an error) are accepted silently. */
#include <stdio.h>
#include <string.h>

#include "circuits/fixed.h"
#include "parser.h"
#include "sema.h"

const char *sm_op_name(int op)
{
    switch (op) {
    case SHL: return "<<";
    case SHR: return ">>";
    case LE: return "<=";
    case GE: return ">=";
    case EQ: return "==";
    case NE: return "!=";
    case ANDAND: return "&&";
    case OROR: return "||";
    case '+': return "+";
    case '-': return "-";
    case '*': return "*";
    case '/': return "/";
    case '%': return "%";
    case '&': return "&";
    case '|': return "|";
    case '^': return "^";
    case '<': return "<";
    case '>': return ">";
    case '~': return "~";
    case '!': return "!";
    case '?': return "?";
    default: return "?";
    }
}

static int is_cmp(int op)
{
    return op == '<' || op == '>' || op == LE || op == GE || op == EQ || op == NE;
}

static const struct mpcc_type *sm_builtin(struct sema *s, struct ast_expr *e, struct sv *v);
static int sm_index_literal(struct sema *s, struct ast_expr *e, const struct mpcc_type **leaf_t);

static void tname(const struct mpcc_type *t, char *buf, size_t n)
{
    ty_name(t, buf, n);
}

/* Integer (or an integer of unbound width). */
static int is_int(const struct mpcc_type *t)
{
    return t->kind == TY_UINT || t->kind == TY_INT;
}

static int is_scalar(const struct mpcc_type *t)
{
    return t->kind == TY_BOOL || is_int(t) || t->kind == TY_FIXED;
}

static int is_unknown(const struct mpcc_type *t)
{
    return t->kind == TY_UNKNOWN;
}

/* Equal types, treating unbound widths, lengths and types as wildcards. */
static int sm_same(const struct mpcc_type *x, const struct mpcc_type *y)
{
    if (x == y || is_unknown(x) || is_unknown(y))
        return 1;
    if (x->kind != y->kind)
        return 0;
    switch (x->kind) {
    case TY_UINT:
    case TY_INT:
    case TY_FIXED:
        return x->width == 0 || y->width == 0 || x->width == y->width;
    case TY_ARRAY:
        return (x->len == 0 || y->len == 0 || x->len == y->len) && sm_same(x->elem, y->elem);
    case TY_STRUCT:
        return 0;
    default:
        return 1;
    }
}

/* Implicit conversion allowed (lossless widening; wildcards accepted). */
static int sm_widens(const struct mpcc_type *from, const struct mpcc_type *to)
{
    if (sm_same(from, to))
        return 1;
    if (!is_int(from) || !is_int(to))
        return 0;
    if (from->width == 0 || to->width == 0)
        return from->kind == to->kind || (from->kind == TY_UINT && to->kind == TY_INT);
    return ty_widens(from, to);
}

static const struct mpcc_type *sm_set(struct ast_expr *e, const struct mpcc_type *t)
{
    e->type = t;
    return t;
}

static const struct mpcc_type *sm_poison(struct sema *s, struct ast_expr *e, struct sv *v)
{
    sv_set_none(v);
    return sm_set(e, sm_t(s, TY_UNKNOWN, 0));
}

/* An untyped ?: whose condition is not known takes the type its context
 * gives it (lowering then converts each branch). */
static int sm_push_type(struct sema *s, struct ast_expr *e, const struct mpcc_type *t, const char *what)
{
    e->type = t;
    int ok = 1;
    struct ast_expr *br[2] = { e->b, e->c };
    for (int i = 0; i < 2; i++) {
        struct sv bv;
        sv_set_none(&bv);
        if (br[i]->type->kind == TY_DECIMAL) { /* its text, when it is a literal */
            const struct ast_expr *d = br[i];
            int neg = 0;
            for (; d->kind == AE_UNARY && d->op == '-'; d = d->a)
                neg = !neg;
            if (d->kind == AE_DEC) {
                bv.dec = d->text;
                bv.dec_neg = neg;
            }
            ok &= sm_convert(s, br[i], &bv, t, what);
            continue;
        }
        if (br[i]->type->kind != TY_UNTYPED)
            continue;
        if (br[i]->kind == AE_INT) {
            struct ce_int c;
            int bad;
            if (ce_parse(&c, br[i]->text, &bad))
                sv_set_int(&bv, &c);
        }
        ok &= sm_convert(s, br[i], &bv, t, what);
    }
    return ok;
}

int sm_convert(struct sema *s, struct ast_expr *e, const struct sv *v, const struct mpcc_type *t,
               const char *what)
{
    return sm_convert_at(s, e, e->loc, v, t, what);
}

int sm_convert_at(struct sema *s, struct ast_expr *e, struct ast_loc loc, const struct sv *v,
                  const struct mpcc_type *t, const char *what)
{
    char a[64], b[64];
    const struct mpcc_type *from = e->type;
    if (from->kind == TY_VOID) {
        diag_error(s->diags, loc, "%s: the function returns no value", what);
        return 0;
    }
    if (is_unknown(from) || is_unknown(t))
        return 1;
    if (from->kind == TY_DECIMAL) {
        tname(t, a, sizeof a);
        if (t->kind != TY_FIXED) {
            diag_error(s->diags, loc, "%s: a decimal constant needs a fixed-point type (such as "
                       "fixed32), not %s", what, a);
            return 0;
        }
        int64_t fx;
        size_t used;
        if (v->dec == NULL && e->kind == AE_COND) /* a secret ?: of constants: each branch */
            return sm_push_type(s, e, t, what);
        if (v->dec != NULL && t->width != 0 &&
            fixed_parse_signed(v->dec, strlen(v->dec), v->dec_neg, t->width, &fx, &used) < 0) {
            char lo[FIXED_TEXT_MAX], hi[FIXED_TEXT_MAX];
            fixed_range(t->width, lo, hi);
            diag_error(s->diags, loc, "%s: constant %s%s does not fit in %s (%s..%s)", what,
                       v->dec_neg ? "-" : "", v->dec, a, lo, hi);
            return 0;
        }
        return 1;
    }
    if (from->kind == TY_UNTYPED && t->kind == TY_FIXED) {
        /* n as a fixed-point value: n * 2^F must fit, i.e. n in W/2 signed bits. */
        if (v->state == SV_KNOWN && t->width != 0 && !ce_fits(&v->c, t->width / 2, 1)) {
            char num[200], lo[FIXED_TEXT_MAX], hi[FIXED_TEXT_MAX];
            ce_to_string(&v->c, num, sizeof num);
            tname(t, a, sizeof a);
            fixed_range(t->width, lo, hi);
            diag_error(s->diags, loc, "%s: constant %s does not fit in %s (%s..%s)", what, num, a, lo, hi);
            return 0;
        }
        if (v->state != SV_KNOWN && e->kind == AE_COND)
            return sm_push_type(s, e, t, what);
        return 1;
    }
    if (from->kind == TY_UNTYPED) {
        if (!is_int(t)) {
            tname(t, a, sizeof a);
            diag_error(s->diags, loc, "%s: cannot use an integer constant as %s", what, a);
            return 0;
        }
        if (v->state == SV_KNOWN && t->width != 0 && !ce_fits(&v->c, t->width, t->kind == TY_INT)) {
            char num[200];
            ce_to_string(&v->c, num, sizeof num);
            tname(t, a, sizeof a);
            diag_error(s->diags, loc, "%s: constant %s does not fit in %s", what, num, a);
            return 0;
        }
        if (v->state != SV_KNOWN && e->kind == AE_COND)
            return sm_push_type(s, e, t, what);
        return 1;
    }
    if (sm_widens(from, t))
        return 1;
    tname(from, a, sizeof a);
    tname(t, b, sizeof b);
    if ((is_int(from) || from->kind == TY_FIXED) && (is_int(t) || t->kind == TY_FIXED))
        diag_error(s->diags, loc, "%s: cannot convert %s to %s implicitly (use a cast: %s(x))", what, a, b, b);
    else
        diag_error(s->diags, loc, "%s: expected %s, found %s", what, b, a);
    return 0;
}

static void sm_array_lit(struct sema *s, struct ast_expr *e, const struct mpcc_type *t, const char *what)
{
    char a[64];
    e->type = t;
    if (is_unknown(t)) {
        for (struct ast_expr *x = e->args; x != NULL; x = x->next)
            sm_expr_to(s, x, t, what);
        return;
    }
    if (t->kind != TY_ARRAY) {
        tname(t, a, sizeof a);
        diag_error(s->diags, e->loc, "%s: an array literal cannot be a %s", what, a);
        e->type = sm_t(s, TY_UNKNOWN, 0);
        return;
    }
    uint32_t n = 0;
    for (const struct ast_expr *x = e->args; x != NULL; x = x->next)
        n++;
    if (t->len != 0 && n != t->len) {
        tname(t, a, sizeof a);
        diag_error(s->diags, e->loc, "%s: array literal has %u elements but %s has %u", what, n, a, t->len);
    }
    for (struct ast_expr *x = e->args; x != NULL; x = x->next)
        sm_expr_to(s, x, t->elem, what);
}

/* Fields of a struct literal: each named once, all present. */
static void sm_struct_lit(struct sema *s, struct ast_expr *e, const struct mpcc_type *t, const char *what)
{
    char a[64];
    e->type = t;
    if (is_unknown(t)) {
        for (struct ast_expr *x = e->args; x != NULL; x = x->next)
            sm_expr_to(s, x->a, t, what);
        return;
    }
    if (t->kind != TY_STRUCT) {
        tname(t, a, sizeof a);
        diag_error(s->diags, e->loc, "%s: a struct literal cannot be a %s", what, a);
        e->type = sm_t(s, TY_UNKNOWN, 0);
        return;
    }
    for (struct ast_expr *x = e->args; x != NULL; x = x->next) {
        uint32_t i;
        for (i = 0; i < t->n_fields; i++)
            if (strcmp(t->fields[i].name, x->name) == 0)
                break;
        for (const struct ast_expr *y = e->args; y != x; y = y->next)
            if (strcmp(y->name, x->name) == 0) {
                diag_error(s->diags, x->loc, "field '%s' is given twice", x->name);
                break;
            }
        if (i == t->n_fields) {
            diag_error(s->diags, x->loc, "struct %s has no field '%s'", t->name, x->name);
            struct sv v;
            (void)sm_expr(s, x->a, &v);
            continue;
        }
        x->type = t->fields[i].type;
        char fwhat[128];
        snprintf(fwhat, sizeof fwhat, "field '%s'", x->name);
        sm_expr_to(s, x->a, t->fields[i].type, fwhat);
    }
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const struct ast_expr *x = e->args;
        while (x != NULL && strcmp(x->name, t->fields[i].name) != 0)
            x = x->next;
        if (x == NULL)
            diag_error(s->diags, e->loc, "%s: the struct literal has no value for field '%s' of %s", what,
                       t->fields[i].name, t->name);
    }
}

int sm_expand_const_array(struct sema *s, struct ast_expr *e)
{
    if (e->kind != AE_NAME)
        return 0;
    const struct sm_sym *sym = sm_lookup(s, e->name);
    if (sym == NULL || sym->kind != SM_CONST || sym->lit == NULL)
        return 0;
    struct ast_expr *copy = ast_clone_expr(s->arena, sym->lit);
    if (copy == NULL) {
        sm_nomem(s);
        return 0;
    }
    struct ast_expr *next = e->next;
    struct ast_loc loc = e->loc;
    *e = *copy;
    e->next = next;
    e->loc = loc;
    return 1;
}

/* The error for a row of an untyped constant array, picked by a loop
 * variable (sm_index_literal's 3), that is used whole, not indexed further. */
static void sm_error_loop_row(struct sema *s, struct ast_loc loc)
{
    diag_error(s->diags, loc, "a row of a constant array without a type, picked by a loop "
               "variable, can only be indexed further; give the array a type to use its rows "
               "('const uint32 NAME[N][M] = [...];')");
}

/* True if e is x[i]..[j] on a constant array or literal (nothing evaluated). */
static int is_literal_index(struct sema *s, const struct ast_expr *e)
{
    if (e->kind != AE_INDEX)
        return 0;
    while (e->kind == AE_INDEX)
        e = e->a;
    if (e->kind == AE_ARRAY)
        return 1;
    const struct sm_sym *sym = e->kind == AE_NAME ? sm_lookup(s, e->name) : NULL;
    return sym != NULL && sym->kind == SM_CONST && sym->lit != NULL;
}

void sm_expr_to(struct sema *s, struct ast_expr *e, const struct mpcc_type *t, const char *what)
{
    (void)sm_expand_const_array(s, e);
    if (is_literal_index(s, e)) { /* a row picked by constant indices is a literal too */
        const struct mpcc_type *leaf_t = NULL;
        int r = sm_index_literal(s, e, &leaf_t);
        if (r < 0) {
            e->type = sm_t(s, TY_UNKNOWN, 0);
            return;
        }
        if (r == 3) {
            sm_error_loop_row(s, e->loc);
            e->type = sm_t(s, TY_UNKNOWN, 0);
            return;
        }
    }
    if (e->kind == AE_ARRAY) {
        sm_array_lit(s, e, t, what);
        return;
    }
    if (e->kind == AE_STRUCT && e->tref == NULL) {
        sm_struct_lit(s, e, t, what);
        return;
    }
    struct sv v;
    (void)sm_expr(s, e, &v);
    (void)sm_convert(s, e, &v, t, what);
}

int sm_const_int(struct sema *s, struct ast_expr *e, struct ce_int *out, const char *what)
{
    struct sv v;
    const struct mpcc_type *t = sm_expr(s, e, &v);
    if (is_unknown(t))
        return v.state == SV_SYMBOLIC ? 0 : -1;
    if (!is_int(t) && t->kind != TY_UNTYPED) {
        diag_error(s->diags, e->loc, "%s must be an integer", what);
        return -1;
    }
    if (v.state == SV_SYMBOLIC)
        return 0;
    if (v.state != SV_KNOWN) {
        diag_error(s->diags, e->loc, "%s must be a compile-time constant", what);
        return -1;
    }
    *out = v.c;
    return 1;
}

void sm_cond(struct sema *s, struct ast_expr *e, struct sv *v)
{
    const struct mpcc_type *t = sm_expr(s, e, v);
    if (t->kind == TY_BOOL || is_unknown(t))
        return;
    char a[64];
    tname(t, a, sizeof a);
    if (is_int(t) || t->kind == TY_UNTYPED)
        diag_error(s->diags, e->loc, "condition must be bool, found %s (compare with 0: x != 0)", a);
    else
        diag_error(s->diags, e->loc, "condition must be bool, found %s", a);
    sv_set_none(v);
}

/* ---- names, casts, indexing, fields ---- */

static const struct mpcc_type *sm_name(struct sema *s, struct ast_expr *e, struct sv *v)
{
    struct sm_sym *sym = sm_lookup(s, e->name);
    sv_set_none(v);
    if (sym == NULL) {
        if (sm_find_fn(s, e->name) != NULL)
            diag_error(s->diags, e->loc, "'%s' is a function; call it as %s(...)", e->name, e->name);
        else
            diag_error(s->diags, e->loc, "unknown name '%s'", e->name);
        return sm_poison(s, e, v);
    }
    if (sym->kind == SM_TYPE) {
        diag_error(s->diags, e->loc, "'%s' is a type parameter, not a value", e->name);
        return sm_poison(s, e, v);
    }
    if (sym->kind == SM_CONST && sym->lit != NULL) {
        diag_error(s->diags, e->loc, "constant array '%s' has no type of its own: use it where an array "
                   "type is known (to initialise or assign an array, as an argument), index it with a "
                   "constant, or give it a type ('const uint32 %s[N] = [...];')", e->name, e->name);
        return sm_poison(s, e, v);
    }
    if (sym->kind == SM_CONST || sym->kind == SM_GENERIC)
        *v = sym->v;
    if ((sym->kind == SM_VAR || sym->kind == SM_INPUT) && s->frame != NULL && s->frame->fi != NULL) {
        const struct sm_sym *l = s->frame->locals;
        while (l != NULL && l != sym)
            l = l->next;
        if (l == NULL) /* a top-level variable or input: the function depends on more than its arguments */
            s->frame->fi->impure = 1;
    }
    return sm_set(e, sym->t);
}

static const struct mpcc_type *sm_cast(struct sema *s, struct ast_expr *e, struct sv *v)
{
    const struct mpcc_type *t = sm_resolve_type(s, e->tref, NULL);
    struct sv x;
    const struct mpcc_type *xt = sm_expr(s, e->a, &x);
    char a[64], b[64];
    sv_set_none(v);
    if (t == NULL)
        return sm_poison(s, e, v);
    sm_set(e, t);
    if (is_unknown(xt))
        return t;
    if ((xt->kind != TY_UNTYPED && xt->kind != TY_DECIMAL && !is_scalar(xt)) ||
        ((t->kind == TY_FIXED || xt->kind == TY_FIXED || xt->kind == TY_DECIMAL) &&
         (t->kind == TY_BOOL || xt->kind == TY_BOOL))) {
        tname(xt, a, sizeof a);
        tname(t, b, sizeof b);
        diag_error(s->diags, e->loc, "cannot cast %s to %s", a, b);
        return t;
    }
    if (xt->kind == TY_DECIMAL || t->kind == TY_FIXED || xt->kind == TY_FIXED) {
        /* Fixed-point casts are computed where they run (lowering). Only a
         * decimal constant is checked here: it must fit the fixed type, and
         * any other target is refused. An integer constant is not: it
         * wraps, as in every cast (fixed8(100) is 4.0). */
        if (xt->kind == TY_DECIMAL)
            (void)sm_convert_at(s, e->a, e->loc, &x, t, "cast");
        if (xt->kind == TY_DECIMAL && t->kind != TY_FIXED)
            return sm_poison(s, e, v);
        return t;
    }
    if (x.state == SV_KNOWN && t->width != 0) {
        struct ce_int r;
        if (sv_cast(xt, &x.c, t, &r))
            sv_set_int(v, &r);
    } else if (x.state == SV_SYMBOLIC) {
        v->state = SV_SYMBOLIC;
    }
    return t;
}

/* The depth of a literal's rows, counted along its first elements: 0 for a
 * scalar, 1 for [1, 2], 2 for [[1, 2], [3, 4]]. Used on the literals of
 * untyped constant arrays and on literals written out in place, all
 * rectangular (sm_lit_rectangular: where a constant array is declared, and
 * where a written-out literal is indexed). */
static int lit_depth(const struct ast_expr *x)
{
    int d = 0;
    for (; x != NULL && x->kind == AE_ARRAY; x = x->args)
        d++;
    return d;
}

/* Types every element of a literal, through its rows. */
static void sm_check_leaves(struct sema *s, struct ast_expr *lit)
{
    for (struct ast_expr *x = lit->args; x != NULL; x = x->next) {
        struct sv xv;
        if (x->kind == AE_ARRAY)
            sm_check_leaves(s, x);
        else
            (void)sm_expr(s, x, &xv);
    }
}

/* The one type of a literal's elements (through its rows): an untyped
 * constant when all are, else the one typed scalar type they share (untyped
 * integers among them take it); NULL when they differ. */
static const struct mpcc_type *lit_leaf_type(struct sema *s, const struct ast_expr *lit)
{
    const struct mpcc_type *t = NULL;
    int untyped = 0;
    for (const struct ast_expr *x = lit->args; x != NULL; x = x->next) {
        const struct mpcc_type *xt = x->kind == AE_ARRAY ? lit_leaf_type(s, x) : x->type;
        if (xt == NULL)
            return NULL;
        if (xt->kind == TY_UNTYPED) {
            untyped = 1;
            continue;
        }
        if (t != NULL && !ty_equal(t, xt))
            return NULL;
        t = xt;
    }
    if (t == NULL)
        return sm_t(s, TY_UNTYPED, 0);
    return untyped && !is_int(t) ? NULL : t;
}

/* How messages name the literal of sm_index_literal: "constant array
 * 'NAME'" (written to buf, of n bytes), or "an array literal" when name is
 * NULL. */
#define LIT_PHRASE_MAX 512 /* diag_error's buffer: the phrase is never cut where the message is not */
static const char *lit_phrase(const char *name, char *buf, size_t n)
{
    if (name == NULL)
        return "an array literal";
    snprintf(buf, n, "constant array '%s'", name);
    return buf;
}

/* A path of indices into a literal, as messages print it: "1" for an
 * element of the literal itself, "[0][1]" deeper. Appending past the end
 * of the buffer cuts the path, never the message. */
#define LIT_PATH_MAX 128
struct lit_path {
    char buf[LIT_PATH_MAX];
    size_t len;
    int depth;
};

static size_t lit_path_push(struct lit_path *p, uint32_t i)
{
    size_t saved = p->len;
    int n = snprintf(p->buf + p->len, sizeof p->buf - p->len, "[%u]", i);
    p->len = n < 0 || (size_t)n >= sizeof p->buf - p->len ? sizeof p->buf - 1 : p->len + (size_t)n;
    p->depth++;
    return saved;
}

static void lit_path_pop(struct lit_path *p, size_t saved)
{
    p->len = saved;
    p->buf[saved] = '\0';
    p->depth--;
}

static const char *lit_path_str(const struct lit_path *p, char *buf, size_t n)
{
    if (p->depth != 1)
        return p->buf;
    snprintf(buf, n, "%.*s", (int)(p->len - 2), p->buf + 1); /* "[1]" -> "1" */
    return buf;
}

/* Checks that x (at path px) has the shape of m (at path pm): both numbers,
 * or rows of one length whose elements pair up the same way. Reports the
 * first difference, at x. */
static int lit_same_shape(struct sema *s, const char *lit, const struct ast_expr *x, struct lit_path *px,
                          const struct ast_expr *m, struct lit_path *pm)
{
    char a[LIT_PATH_MAX], b[LIT_PATH_MAX];
    if ((x->kind == AE_ARRAY) != (m->kind == AE_ARRAY)) {
        diag_error(s->diags, x->loc, "%s is not rectangular: element %s is %s where element %s is %s", lit,
                   lit_path_str(px, a, sizeof a), x->kind == AE_ARRAY ? "a row" : "a number",
                   lit_path_str(pm, b, sizeof b), m->kind == AE_ARRAY ? "a row" : "a number");
        return 0;
    }
    if (x->kind != AE_ARRAY)
        return 1;
    uint32_t n = 0, n0 = 0;
    for (const struct ast_expr *y = x->args; y != NULL; y = y->next)
        n++;
    for (const struct ast_expr *y = m->args; y != NULL; y = y->next)
        n0++;
    if (n != n0) {
        diag_error(s->diags, x->loc, "%s is not rectangular: row %s has %u elements where row %s has %u",
                   lit, lit_path_str(px, a, sizeof a), n, lit_path_str(pm, b, sizeof b), n0);
        return 0;
    }
    uint32_t i = 0;
    for (const struct ast_expr *y = x->args, *z = m->args; y != NULL; y = y->next, z = z->next, i++) {
        size_t sx = lit_path_push(px, i), sm = lit_path_push(pm, i);
        int ok = lit_same_shape(s, lit, y, px, z, pm);
        lit_path_pop(px, sx);
        lit_path_pop(pm, sm);
        if (!ok)
            return 0;
    }
    return 1;
}

/* Checks that the row lit (at path p) is rectangular: its element 0 is,
 * and every other element has its shape. */
static int lit_rows_ok(struct sema *s, const char *phrase, const struct ast_expr *lit, struct lit_path *p)
{
    const struct ast_expr *m = lit->args;
    if (m == NULL)
        return 1;
    struct lit_path pm = *p;
    (void)lit_path_push(&pm, 0);
    if (m->kind == AE_ARRAY && !lit_rows_ok(s, phrase, m, &pm))
        return 0;
    uint32_t i = 1;
    for (const struct ast_expr *x = m->next; x != NULL; x = x->next, i++) {
        size_t sx = lit_path_push(p, i);
        int ok = lit_same_shape(s, phrase, x, p, m, &pm);
        lit_path_pop(p, sx);
        if (!ok)
            return 0;
    }
    return 1;
}

int sm_lit_rectangular(struct sema *s, const struct ast_expr *lit, const char *name)
{
    char buf[LIT_PHRASE_MAX];
    struct lit_path p = {{0}, 0, 0};
    return lit->kind != AE_ARRAY || lit_rows_ok(s, lit_phrase(name, buf, sizeof buf), lit, &p);
}

/* e[k] on an array literal (an untyped constant array's, or one written
 * out). With k known now, e becomes that element: 1. With k a public value
 * known only once loops are unrolled (a loop variable), e stays an index
 * into the literal for lowering to resolve: 2 when that gives a scalar, 3
 * when a row (which must be indexed further); for both, *leaf_t gets the
 * one type of the literal's elements (lit_leaf_type: untyped constants, or
 * the typed scalar type they share), the type of the scalar picked in the
 * end. 0 when e->a is no literal; -1 after an error. A row left for
 * lowering to pick and indexed further is marked with the unknown type. */
static int sm_index_literal(struct sema *s, struct ast_expr *e, const struct mpcc_type **leaf_t)
{
    const char *name = e->a->kind == AE_NAME ? e->a->name : NULL;
    int depth; /* of e->a's rows, when e->a stays an unresolved index */
    if (e->a->kind == AE_ARRAY) {
        /* Written out here: its rows are checked here, as a constant
         * array's are where it is declared (a ragged one would pick rows
         * lowering cannot build). */
        if (!sm_lit_rectangular(s, e->a, NULL))
            return -1;
        depth = -1;
    } else if (sm_expand_const_array(s, e->a)) {
        depth = -1;
    } else if (e->a->kind == AE_INDEX) {
        const struct ast_expr *root = e->a;
        while (root->kind == AE_INDEX)
            root = root->a;
        name = root->kind == AE_NAME ? root->name : name;
        int r = sm_index_literal(s, e->a, leaf_t); /* a row of a nested constant array */
        if (r == 2) {
            diag_error(s->diags, e->loc, "this element of the constant array is a number, not a row");
            return -1;
        }
        if (r <= 0)
            return r;
        if (r == 1) {
            depth = -1; /* e->a became the row itself */
        } else {
            e->a->type = sm_t(s, TY_UNKNOWN, 0);
            const struct ast_expr *row = e->a;
            int levels = 0;
            while (row->kind == AE_INDEX)
                row = row->a, levels++;
            depth = lit_depth(row) - levels;
        }
    } else {
        return 0;
    }
    if (depth < 0 && e->a->kind != AE_ARRAY)
        return 0;
    struct sv iv;
    int64_t k = -1, n = 0;
    const struct mpcc_type *it = sm_expr(s, e->b, &iv);
    if (is_unknown(it) || iv.state == SV_SYMBOLIC) /* (a generic function on its own: its
                                                       instances are checked with values) */
        return -1;
    if (!is_int(it) && it->kind != TY_UNTYPED) {
        char a[64];
        tname(it, a, sizeof a);
        diag_error(s->diags, e->b->loc, "array index must be an integer, found %s", a);
        return -1;
    }
    if (iv.state != SV_KNOWN && it->kind != TY_UNTYPED) {
        char lit[LIT_PHRASE_MAX];
        diag_error(s->diags, e->b->loc, "%s has no type of its own, so its indices must be public "
                   "(constants or loop variables); give it a type to index it with a secret "
                   "('const uint32 %s[N] = [...];')", lit_phrase(name, lit, sizeof lit),
                   name ? name : "E");
        return -1;
    }
    if (depth >= 0 || iv.state != SV_KNOWN) {
        /* A public index known only when the loop is unrolled, or a row
         * that is: lowering picks the element. The elements are checked
         * here once. */
        if (depth < 0) {
            sm_check_leaves(s, e->a);
            depth = lit_depth(e->a);
            *leaf_t = lit_leaf_type(s, e->a);
            if (*leaf_t == NULL) {
                char lit[LIT_PHRASE_MAX];
                diag_error(s->diags, e->loc, "the elements of %s have different types, so a loop "
                           "variable cannot pick one; give the array a type ('const uint8 %s[N] = "
                           "[...];')", lit_phrase(name, lit, sizeof lit), name ? name : "E");
                return -1;
            }
        }
        return depth > 1 ? 3 : 2;
    }
    struct ce_int c = iv.c;
    if (!ce_to_i64(&c, &k))
        k = -1;
    struct ast_expr *x = e->a->args;
    for (; x != NULL && n < k; x = x->next)
        n++;
    if (k < 0 || x == NULL) {
        char num[200], lit[LIT_PHRASE_MAX];
        ce_to_string(&c, num, sizeof num);
        for (n = 0, x = e->a->args; x != NULL; x = x->next)
            n++;
        diag_error(s->diags, e->b->loc, "index %s is out of range for %s (%lld elements)", num,
                   lit_phrase(name, lit, sizeof lit), (long long)n);
        return -1;
    }
    struct ast_expr *next = e->next;
    struct ast_loc loc = e->loc;
    *e = *x;
    e->next = next;
    e->loc = loc;
    return 1;
}

static const struct mpcc_type *sm_index(struct sema *s, struct ast_expr *e, struct sv *v)
{
    const struct mpcc_type *leaf_t = NULL;
    int lit = sm_index_literal(s, e, &leaf_t);
    if (lit == 2) { /* (lowering picks the element and gives it this type) */
        sv_set_none(v);
        return sm_set(e, leaf_t);
    }
    if (lit == 3) {
        sm_error_loop_row(s, e->loc);
        return sm_poison(s, e, v);
    }
    if (lit > 0)
        return sm_expr(s, e, v);
    if (lit < 0)
        return sm_poison(s, e, v);
    struct sv av, iv;
    const struct mpcc_type *at = sm_expr(s, e->a, &av);
    const struct mpcc_type *it = sm_expr(s, e->b, &iv);
    char a[64];
    sv_set_none(v);
    if (!is_unknown(it) && !is_int(it) && it->kind != TY_UNTYPED) {
        tname(it, a, sizeof a);
        diag_error(s->diags, e->b->loc, "array index must be an integer, found %s", a);
    }
    if (is_unknown(at))
        return sm_poison(s, e, v);
    if (at->kind != TY_ARRAY) {
        tname(at, a, sizeof a);
        diag_error(s->diags, e->loc, "cannot index a value of type %s", a);
        return sm_poison(s, e, v);
    }
    /* A constant index out of range is an error only where lowering reaches
     * it: generic code guards such indices with conditions on its sizes. */
    return sm_set(e, at->elem);
}

static const struct mpcc_type *sm_field(struct sema *s, struct ast_expr *e, struct sv *v)
{
    struct sv sv;
    const struct mpcc_type *st = sm_expr(s, e->a, &sv);
    char a[64];
    sv_set_none(v);
    if (is_unknown(st))
        return sm_poison(s, e, v);
    if (st->kind != TY_STRUCT) {
        tname(st, a, sizeof a);
        diag_error(s->diags, e->loc, "'.%s': %s is not a struct", e->name, a);
        return sm_poison(s, e, v);
    }
    for (uint32_t i = 0; i < st->n_fields; i++)
        if (strcmp(st->fields[i].name, e->name) == 0)
            return sm_set(e, st->fields[i].type);
    diag_error(s->diags, e->loc, "struct %s has no field '%s'", st->name, e->name);
    return sm_poison(s, e, v);
}

/* ---- operators ---- */

/* Failed exact arithmetic: recorded in v, reported where the value is needed. */
static void const_error(struct sv *v, struct ast_loc loc, int op)
{
    sv_set_error(v, op == '/' || op == '%' ? SV_ERR_DIV : SV_ERR_RANGE, loc);
}

int sv_report(struct sema *s, const struct sv *v)
{
    if (v->state != SV_NONE || !v->err)
        return 0;
    if (v->err == SV_ERR_DIV)
        diag_error(s->diags, v->err_loc, "division by zero in a constant expression");
    else
        diag_error(s->diags, v->err_loc, "constant expression overflows (constants are limited to 2^%d)",
                   CE_MAX_BITS);
    return 1;
}

static enum sv_state sv_join(const struct sv *x, const struct sv *y)
{
    if (x->state == SV_KNOWN && y->state == SV_KNOWN)
        return SV_KNOWN;
    if ((x->state == SV_SYMBOLIC || x->state == SV_KNOWN) && (y->state == SV_SYMBOLIC || y->state == SV_KNOWN))
        return SV_SYMBOLIC;
    return SV_NONE;
}

/* Both operands untyped: exact arithmetic. */
static const struct mpcc_type *sm_binary_const(struct sema *s, struct ast_expr *e, const struct sv *x,
                                              const struct sv *y, struct sv *v)
{
    enum sv_state st = sv_join(x, y);
    sv_set_none(v);
    if (is_cmp(e->op)) {
        if (st == SV_KNOWN)
            sv_set_bool(v, sv_compare(e->op, &x->c, &y->c));
        else
            v->state = st;
        return sm_set(e, sm_t(s, TY_BOOL, 1));
    }
    sm_set(e, sm_t(s, TY_UNTYPED, 0));
    if (st != SV_KNOWN) {
        sv_set_none_from(v, x, y);
        if (st == SV_SYMBOLIC)
            v->state = st;
        return e->type;
    }
    struct ce_int r;
    int ok = 1;
    switch (e->op) {
    case '+': ok = ce_add(&r, &x->c, &y->c); break;
    case '-': ok = ce_sub(&r, &x->c, &y->c); break;
    case '*': ok = ce_mul(&r, &x->c, &y->c); break;
    case '/': ok = ce_div(&r, &x->c, &y->c); break;
    case '%': ok = ce_mod(&r, &x->c, &y->c); break;
    case '&': ce_and(&r, &x->c, &y->c); break;
    case '|': ce_or(&r, &x->c, &y->c); break;
    default: ce_xor(&r, &x->c, &y->c); break;
    }
    if (!ok)
        const_error(v, e->loc, e->op);
    else
        sv_set_int(v, &r);
    return e->type;
}

/* The common type of two scalar operands (untyped constants take the other
 * side's type); NULL after an error. x, y: the operand expressions. */
static const struct mpcc_type *sm_unify(struct sema *s, struct ast_loc loc, int op, struct ast_expr *x,
                                        struct sv *xv, struct ast_expr *y, struct sv *yv)
{
    char a[64], b[64], what[64];
    const char *on = sm_op_name(op);
    const struct mpcc_type *xt = x->type, *yt = y->type;
    if (xt->kind == TY_VOID || yt->kind == TY_VOID) {
        diag_error(s->diags, loc, "operator '%s': a function call that returns no value has no value", on);
        return NULL;
    }
    if (!is_scalar(xt) && xt->kind != TY_UNTYPED && xt->kind != TY_DECIMAL && !is_unknown(xt)) {
        tname(xt, a, sizeof a);
        diag_error(s->diags, loc, "operator '%s' cannot be applied to %s", on, a);
        return NULL;
    }
    if (!is_scalar(yt) && yt->kind != TY_UNTYPED && yt->kind != TY_DECIMAL && !is_unknown(yt)) {
        tname(yt, a, sizeof a);
        diag_error(s->diags, loc, "operator '%s' cannot be applied to %s", on, a);
        return NULL;
    }
    if (is_unknown(xt) || is_unknown(yt))
        return sm_t(s, TY_UNKNOWN, 0);
    snprintf(what, sizeof what, "operator '%s'", on);
    /* A constant that does not fit is reported at the operator. */
    if (xt->kind == TY_UNTYPED || xt->kind == TY_DECIMAL)
        return sm_convert_at(s, x, loc, xv, yt, what) ? yt : NULL;
    if (yt->kind == TY_UNTYPED || yt->kind == TY_DECIMAL)
        return sm_convert_at(s, y, loc, yv, xt, what) ? xt : NULL;
    if (sm_same(xt, yt))
        return xt->width == 0 ? xt : (yt->width == 0 ? yt : xt);
    if (is_int(xt) && is_int(yt)) {
        if (sm_widens(xt, yt))
            return yt;
        if (sm_widens(yt, xt))
            return xt;
    }
    tname(xt, a, sizeof a);
    tname(yt, b, sizeof b);
    char hint[160] = "";
    if (is_int(xt) && is_int(yt))
        snprintf(hint, sizeof hint, " (add a cast, e.g. int32(x))");
    else if ((xt->kind == TY_FIXED && is_int(yt)) || (yt->kind == TY_FIXED && is_int(xt)))
        snprintf(hint, sizeof hint, " (add a cast, e.g. %s(x))", xt->kind == TY_FIXED ? a : b);
    else if (xt->kind == TY_FIXED && yt->kind == TY_FIXED)
        snprintf(hint, sizeof hint, " (add a cast, e.g. %s(x), to the wider one)",
                 xt->width > yt->width ? a : b);
    diag_error(s->diags, loc, "mismatched types %s and %s for operator '%s'%s", a, b, on, hint);
    return NULL;
}

/* A known operand's value as a value of type t (after unify). */
static int sv_as(const struct sv *v, const struct mpcc_type *from, const struct mpcc_type *t, struct ce_int *out)
{
    if (v->state != SV_KNOWN || t->width == 0)
        return 0;
    if (from->kind == TY_UNTYPED || ty_equal(from, t) || (from->kind == TY_BOOL && t->kind == TY_BOOL)) {
        *out = v->c;
        return 1;
    }
    return sv_cast(from, &v->c, t, out);
}

static const struct mpcc_type *sm_shift(struct sema *s, struct ast_expr *e, struct sv *x, struct sv *y,
                                        struct sv *v)
{
    char a[64];
    const struct mpcc_type *xt = e->a->type, *yt = e->b->type;
    sv_set_none(v);
    if (!is_int(yt) && yt->kind != TY_UNTYPED && !is_unknown(yt)) {
        tname(yt, a, sizeof a);
        diag_error(s->diags, e->loc, "shift amount must be an integer, found %s", a);
        return sm_poison(s, e, v);
    }
    if (!is_int(xt) && xt->kind != TY_UNTYPED && !is_unknown(xt)) {
        tname(xt, a, sizeof a);
        diag_error(s->diags, e->loc, "operator '%s' cannot be applied to %s", sm_op_name(e->op), a);
        return sm_poison(s, e, v);
    }
    if (is_unknown(xt))
        return sm_poison(s, e, v);
    /* A typed amount's bits are read as unsigned, public or secret. A
     * negative untyped amount is an error where lowering reaches it. */
    struct ce_int amount;
    int known = y->state == SV_KNOWN && !is_unknown(yt);
    if (known) {
        amount = y->c;
        if (yt->kind == TY_UNTYPED && ce_is_neg(&amount))
            known = 0;
        else if (yt->kind == TY_INT)
            sv_wrap(&amount, yt->width, 0);
    }
    if (xt->kind == TY_UNTYPED) {
        sm_set(e, xt);
        if (!known || x->state != SV_KNOWN) {
            sv_set_none_from(v, x, y);
            if (sv_join(x, y) == SV_SYMBOLIC)
                v->state = SV_SYMBOLIC;
            return e->type;
        }
        struct ce_int r;
        int64_t n;
        if (!ce_to_i64(&amount, &n) || n > CE_MAX_BITS) {
            if (e->op == SHR || ce_is_zero(&x->c)) {
                ce_shr(&r, &x->c, CE_MAX_BITS + 20);
                sv_set_int(v, &r);
                return e->type;
            }
            const_error(v, e->loc, SHL);
            return e->type;
        }
        if (e->op == SHL) {
            if (!ce_shl(&r, &x->c, (uint32_t)n)) {
                const_error(v, e->loc, SHL);
                return e->type;
            }
        } else {
            ce_shr(&r, &x->c, (uint32_t)n);
        }
        sv_set_int(v, &r);
        return e->type;
    }
    sm_set(e, xt);
    if (known && x->state == SV_KNOWN && xt->width != 0) {
        struct ce_int r;
        if (sv_shift(e->op, xt, &x->c, &amount, &r))
            sv_set_int(v, &r);
    }
    return e->type;
}

static const struct mpcc_type *sm_binary(struct sema *s, struct ast_expr *e, struct sv *v)
{
    struct sv x, y;
    sv_set_none(v);
    if (e->op == ANDAND || e->op == OROR) {
        sm_cond(s, e->a, &x);
        sm_cond(s, e->b, &y);
        int stop_at = e->op == OROR;
        if (x.state == SV_KNOWN && (!ce_is_zero(&x.c)) == stop_at)
            sv_set_bool(v, stop_at);
        else if (x.state == SV_KNOWN && y.state == SV_KNOWN)
            sv_set_bool(v, !ce_is_zero(&y.c));
        else
            v->state = sv_join(&x, &y);
        return sm_set(e, sm_t(s, TY_BOOL, 1));
    }
    const struct mpcc_type *xt = sm_expr(s, e->a, &x);
    const struct mpcc_type *yt = sm_expr(s, e->b, &y);
    if (e->op == SHL || e->op == SHR)
        return sm_shift(s, e, &x, &y, v);
    if (xt->kind == TY_UNTYPED && yt->kind == TY_UNTYPED)
        return sm_binary_const(s, e, &x, &y, v);
    if ((xt->kind == TY_DECIMAL && (yt->kind == TY_UNTYPED || yt->kind == TY_DECIMAL)) ||
        (yt->kind == TY_DECIMAL && xt->kind == TY_UNTYPED)) {
        diag_error(s->diags, e->loc, "operator '%s' on constants alone: give the decimal a "
                   "fixed-point type first, e.g. fixed32(1.5) * 2", sm_op_name(e->op));
        return sm_poison(s, e, v);
    }
    /* Whole arrays and structs of one type compare bit for bit. */
    if ((e->op == EQ || e->op == NE) && (xt->kind == TY_ARRAY || xt->kind == TY_STRUCT) && sm_same(xt, yt))
        return sm_set(e, sm_t(s, TY_BOOL, 1));
    const struct mpcc_type *t = sm_unify(s, e->loc, e->op, e->a, &x, e->b, &y);
    if (t == NULL)
        return sm_poison(s, e, v);
    if (is_unknown(t))
        return sm_set(e, is_cmp(e->op) ? sm_t(s, TY_BOOL, 1) : t);
    if (t->kind == TY_FIXED) {
        /* + - * / and comparisons; computed where they run (lowering),
         * never folded here. */
        if (is_cmp(e->op))
            return sm_set(e, sm_t(s, TY_BOOL, 1));
        if (e->op != '+' && e->op != '-' && e->op != '*' && e->op != '/') {
            char a[64];
            tname(t, a, sizeof a);
            diag_error(s->diags, e->loc, "operator '%s' cannot be applied to %s (fixed-point values "
                       "take + - * / and comparisons)", sm_op_name(e->op), a);
            return sm_poison(s, e, v);
        }
        return sm_set(e, t);
    }
    struct ce_int cx, cy, r;
    int known = sv_as(&x, xt, t, &cx) && sv_as(&y, yt, t, &cy);
    if (t->kind == TY_BOOL) {
        switch (e->op) {
        case '&': if (known) sv_set_bool(v, !ce_is_zero(&cx) && !ce_is_zero(&cy)); break;
        case '|': if (known) sv_set_bool(v, !ce_is_zero(&cx) || !ce_is_zero(&cy)); break;
        case '^':
        case NE: if (known) sv_set_bool(v, ce_cmp(&cx, &cy) != 0); break;
        case EQ: if (known) sv_set_bool(v, ce_cmp(&cx, &cy) == 0); break;
        default:
            diag_error(s->diags, e->loc, "operator '%s' cannot be applied to bool", sm_op_name(e->op));
            return sm_poison(s, e, v);
        }
        return sm_set(e, t);
    }
    if (is_cmp(e->op)) {
        if (known)
            sv_set_bool(v, sv_compare(e->op, &cx, &cy));
        return sm_set(e, sm_t(s, TY_BOOL, 1));
    }
    if (known && sv_int_binary(e->op, t, &cx, &cy, &r))
        sv_set_int(v, &r);
    return sm_set(e, t);
}

static const struct mpcc_type *sm_unary(struct sema *s, struct ast_expr *e, struct sv *v)
{
    struct sv x;
    char a[64];
    const struct mpcc_type *xt = sm_expr(s, e->a, &x);
    sv_set_none(v);
    if (is_unknown(xt))
        return sm_poison(s, e, v);
    if (xt->kind == TY_DECIMAL || xt->kind == TY_FIXED) {
        if (e->op != '-') {
            tname(xt, a, sizeof a);
            diag_error(s->diags, e->loc, "operator '%s' cannot be applied to %s", sm_op_name(e->op), a);
            return sm_poison(s, e, v);
        }
        if (xt->kind == TY_DECIMAL) {
            *v = x;
            v->dec_neg = !x.dec_neg;
        }
        return sm_set(e, xt);
    }
    if (xt->kind == TY_UNTYPED) {
        sm_set(e, xt);
        if (e->op == '!') {
            diag_error(s->diags, e->loc, "operator '!' needs a bool operand, found an integer constant");
            return sm_poison(s, e, v);
        }
        if (x.state != SV_KNOWN) {
            *v = x;
            return xt;
        }
        struct ce_int r;
        if (e->op == '-') {
            if (!ce_neg(&r, &x.c)) {
                const_error(v, e->loc, '-');
                return xt;
            }
        } else {
            ce_not(&r, &x.c);
        }
        sv_set_int(v, &r);
        return xt;
    }
    tname(xt, a, sizeof a);
    if (e->op == '!') {
        if (xt->kind != TY_BOOL) {
            diag_error(s->diags, e->loc, "operator '!' needs a bool operand, found %s%s", a,
                       is_int(xt) ? " (compare with 0: x == 0)" : "");
            return sm_poison(s, e, v);
        }
        if (x.state == SV_KNOWN)
            sv_set_bool(v, ce_is_zero(&x.c));
        return sm_set(e, xt);
    }
    if (!is_int(xt)) {
        diag_error(s->diags, e->loc, "operator '%s' needs an integer operand, found %s%s", sm_op_name(e->op), a,
                   xt->kind == TY_BOOL && e->op == '~' ? " (use '!')" : "");
        return sm_poison(s, e, v);
    }
    if (x.state == SV_KNOWN && xt->width != 0) {
        struct ce_int r;
        if (e->op == '-' ? ce_neg(&r, &x.c) : (ce_not(&r, &x.c), 1)) {
            sv_wrap(&r, xt->width, xt->kind == TY_INT);
            sv_set_int(v, &r);
        }
    }
    return sm_set(e, xt);
}

static const struct mpcc_type *sm_cond_expr(struct sema *s, struct ast_expr *e, struct sv *v)
{
    struct sv c, x, y;
    sm_cond(s, e->a, &c);
    const struct mpcc_type *xt = sm_expr(s, e->b, &x);
    const struct mpcc_type *yt = sm_expr(s, e->c, &y);
    sv_set_none(v);
    int pick = c.state == SV_KNOWN ? !ce_is_zero(&c.c) : -1;
    if ((xt->kind == TY_UNTYPED || xt->kind == TY_DECIMAL) &&
        (yt->kind == TY_UNTYPED || yt->kind == TY_DECIMAL)) {
        /* Untyped (decimal when a branch is) when the condition is known;
         * otherwise it takes the type of its context (see sm_convert), or
         * lowering finds the condition public. */
        if (pick >= 0)
            *v = pick ? x : y;
        else if (c.state == SV_SYMBOLIC)
            v->state = SV_SYMBOLIC;
        if (pick < 0)
            v->dec = NULL; /* (the branches are checked one by one) */
        return sm_set(e, xt->kind == TY_DECIMAL ? xt : yt);
    }
    const struct mpcc_type *t;
    if (is_scalar(xt) || is_scalar(yt)) {
        t = sm_unify(s, e->loc, '?', e->b, &x, e->c, &y);
        if (t == NULL)
            return sm_poison(s, e, v);
    } else if (is_unknown(xt) || is_unknown(yt)) {
        return sm_poison(s, e, v);
    } else if (!sm_same(xt, yt) || xt->kind == TY_VOID) {
        char a[64], b2[64];
        tname(xt, a, sizeof a);
        tname(yt, b2, sizeof b2);
        diag_error(s->diags, e->loc, "the branches of '?:' have different types %s and %s", a, b2);
        return sm_poison(s, e, v);
    } else {
        t = xt;
    }
    if (pick >= 0 && is_scalar(t)) {
        struct ce_int r;
        if (sv_as(pick ? &x : &y, pick ? xt : yt, t, &r))
            sv_set_int(v, &r);
    }
    return sm_set(e, t);
}

/* ---- built-in functions of constant expressions ---- */

int sm_builtin_id(const char *name)
{
    return strcmp(name, "bit_width") == 0     ? AB_FN_BIT_WIDTH
           : strcmp(name, "fx_raw") == 0      ? AB_FN_FX_RAW
           : strcmp(name, "fx_from_raw") == 0 ? AB_FN_FX_FROM_RAW
                                              : 0;
}

/* fx_raw(fixed<W> x) -> int<W>, fx_from_raw(int<W> i) -> fixed<W>: the same
 * bits, read as the other type (no gate). */
static const struct mpcc_type *sm_builtin_raw(struct sema *s, struct ast_expr *e, struct sv *v)
{
    struct sv x;
    const struct mpcc_type *t = sm_expr(s, e->args, &x);
    char a[64];
    sv_set_none(v);
    if (is_unknown(t))
        return sm_poison(s, e, v);
    int to_raw = e->op == AB_FN_FX_RAW;
    if (to_raw ? t->kind != TY_FIXED : (t->kind != TY_INT || (t->width != 0 && (t->width < 8 || t->width > 64 || t->width % 2)))) {
        tname(t, a, sizeof a);
        diag_error(s->diags, e->args->loc, "the argument of '%s' must be %s, found %s", e->name,
                   to_raw ? "a fixed-point value" : "an int<W> with W even, 8 to 64", a);
        return sm_poison(s, e, v);
    }
    return sm_set(e, sm_t(s, to_raw ? TY_INT : TY_FIXED, t->width));
}

/* bit_width(x): the number of bits of the non-negative integer x (0 for
 * 0): bit_width(255) = 8, bit_width(256) = 9. Untyped. */
static const struct mpcc_type *sm_builtin(struct sema *s, struct ast_expr *e, struct sv *v)
{
    e->kind = AE_BUILTIN;
    e->op = sm_builtin_id(e->name);
    sv_set_none(v);
    uint32_t n = 0;
    for (const struct ast_expr *a = e->args; a != NULL; a = a->next)
        n++;
    if (n != 1) {
        diag_error(s->diags, e->loc, "'%s' takes 1 argument but %u %s given", e->name, n, n == 1 ? "was" : "were");
        return sm_poison(s, e, v);
    }
    if (e->op != AB_FN_BIT_WIDTH)
        return sm_builtin_raw(s, e, v);
    struct sv x;
    const struct mpcc_type *t = sm_expr(s, e->args, &x);
    if (!is_int(t) && t->kind != TY_UNTYPED && !is_unknown(t)) {
        char a[64];
        tname(t, a, sizeof a);
        diag_error(s->diags, e->args->loc, "the argument of '%s' must be an integer, found %s", e->name, a);
        return sm_poison(s, e, v);
    }
    if (x.state == SV_KNOWN) {
        if (ce_is_neg(&x.c)) {
            diag_error(s->diags, e->args->loc, "the argument of '%s' must not be negative", e->name);
            return sm_poison(s, e, v);
        }
        struct ce_int r;
        ce_from_i64(&r, ce_bit_width(&x.c));
        sv_set_int(v, &r);
    } else {
        sv_set_none_from(v, &x, NULL);
        if (x.state == SV_SYMBOLIC)
            v->state = SV_SYMBOLIC;
    }
    return sm_set(e, sm_t(s, TY_UNTYPED, 0));
}

/* ---- dispatch ---- */

static const struct mpcc_type *sm_expr_kind(struct sema *s, struct ast_expr *e, struct sv *v)
{
    sv_set_none(v);
    switch (e->kind) {
    case AE_INT: {
        struct ce_int c;
        int bad;
        if (!ce_parse(&c, e->text, &bad)) {
            if (bad)
                diag_error(s->diags, e->loc, "invalid integer literal '%s'", e->text);
            else
                diag_error(s->diags, e->loc, "integer literal '%s' is too large (constants are limited to 2^%d)",
                           e->text, CE_MAX_BITS);
            return sm_poison(s, e, v);
        }
        sv_set_int(v, &c);
        return sm_set(e, sm_t(s, TY_UNTYPED, 0));
    }
    case AE_BOOL:
        sv_set_bool(v, e->op);
        return sm_set(e, sm_t(s, TY_BOOL, 1));
    case AE_DEC: {
        int64_t fx;
        size_t used = 0, n = strlen(e->text);
        if (fixed_parse(e->text, n, 64, &fx, &used) == 0 || used != n) {
            diag_error(s->diags, e->loc, "invalid decimal literal '%s' (write digits, a point and "
                       "digits: 1.5)", e->text);
            return sm_poison(s, e, v);
        }
        sv_set_none(v);
        v->dec = e->text;
        return sm_set(e, sm_t(s, TY_DECIMAL, 0));
    }
    case AE_NAME:
        return sm_name(s, e, v);
    case AE_UNARY:
        return sm_unary(s, e, v);
    case AE_BINARY:
        return sm_binary(s, e, v);
    case AE_COND:
        return sm_cond_expr(s, e, v);
    case AE_CALL:
        if (sm_find_fn(s, e->name) == NULL && sm_builtin_id(e->name) != 0)
            return sm_builtin(s, e, v);
        return sm_set(e, sm_call(s, e));
    case AE_BUILTIN:
        return sm_builtin(s, e, v);
    case AE_CAST:
        return sm_cast(s, e, v);
    case AE_INDEX:
        return sm_index(s, e, v);
    case AE_FIELD:
        return sm_field(s, e, v);
    case AE_ARRAY:
        diag_error(s->diags, e->loc,
                   "an array literal needs a known type: use it to initialise or assign a declared array");
        for (struct ast_expr *x = e->args; x != NULL; x = x->next)
            (void)sm_expr(s, x, v);
        return sm_poison(s, e, v);
    case AE_STRUCT:
        if (e->tref == NULL) {
            diag_error(s->diags, e->loc,
                       "a struct literal needs a known type: write Name{...}, or use it where a struct is expected");
            for (struct ast_expr *x = e->args; x != NULL; x = x->next)
                (void)sm_expr(s, x->a, v);
            return sm_poison(s, e, v);
        } else {
            const struct mpcc_type *t = sm_resolve_type(s, e->tref, NULL);
            if (t == NULL)
                t = sm_t(s, TY_UNKNOWN, 0);
            else if (t->kind != TY_STRUCT && !is_unknown(t)) {
                char a[64];
                tname(t, a, sizeof a);
                diag_error(s->diags, e->loc, "'%s{...}': %s is not a struct", e->tref->name, a);
                t = sm_t(s, TY_UNKNOWN, 0);
            }
            char what[96];
            snprintf(what, sizeof what, "%s{...}", e->tref->name);
            sm_struct_lit(s, e, t, what);
            sv_set_none(v);
            return e->type;
        }
    case AE_FIELD_INIT:
        break;
    }
    return sm_poison(s, e, v);
}

const struct mpcc_type *sm_expr(struct sema *s, struct ast_expr *e, struct sv *v)
{
    if (s->oom || s->stop)
        return sm_poison(s, e, v);
    if (s->nest >= SEMA_MAX_NESTING) {
        diag_error(s->diags, e->loc, "expression nested too deeply (limit %d)", SEMA_MAX_NESTING);
        s->stop = 1;
        return sm_poison(s, e, v);
    }
    s->nest++;
    const struct mpcc_type *t = sm_expr_kind(s, e, v);
    s->nest--;
    if (t == NULL) { /* out of memory */
        sm_nomem(s);
        e->type = s->tc->t_unknown ? s->tc->t_unknown : e->type;
        sv_set_none(v);
        return e->type ? e->type : t;
    }
    return t;
}
