/* lower_expr.c - type checking and lowering of expressions: untyped constants
 * are computed exactly (consteval.c), typed values become words of builder
 * wires and go through the gadgets (which fold constant wires, so a typed
 * expression on constants costs no gates). Statements are in lower_stmt.c. */
#include <stdio.h>
#include <string.h>

#include "circuits/gadgets.h"
#include "lower.h"
#include "parser.h"

static const char *op_name(int op)
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
    default: return "?";
    }
}

static int is_cmp(int op)
{
    return op == '<' || op == '>' || op == LE || op == GE || op == EQ || op == NE;
}

static const struct mpcc_type *t_untyped(struct lower *lw)
{
    const struct mpcc_type *t = ty_scalar(lw->arena, TY_UNTYPED, 0);
    if (t == NULL)
        lw_nomem(lw);
    return t;
}

static const struct mpcc_type *t_bool(struct lower *lw)
{
    const struct mpcc_type *t = ty_scalar(lw->arena, TY_BOOL, 1);
    if (t == NULL)
        lw_nomem(lw);
    return t;
}

static int set_untyped(struct lower *lw, struct lv_value *out, const struct ce_int *c)
{
    out->t = t_untyped(lw);
    out->w = NULL;
    out->c = *c;
    return out->t != NULL;
}

static int set_bool(struct lower *lw, struct lv_value *out, bld_wire w)
{
    out->t = t_bool(lw);
    out->w = lw_wires(lw, 1);
    if (out->t == NULL || out->w == NULL)
        return 0;
    out->w[0] = w;
    return 1;
}

static void tname(const struct mpcc_type *t, char *buf, size_t n)
{
    ty_name(t, buf, n);
}

int lx_value_const(const struct lv_value *v, struct ce_int *c)
{
    if (v->t->kind == TY_UNTYPED) {
        *c = v->c;
        return 1;
    }
    if (!ty_is_scalar(v->t))
        return 0;
    uint8_t bits[MPCC_MAX_INT_WIDTH];
    for (uint32_t i = 0; i < v->t->width; i++) {
        if (!bld_is_const(v->w[i]))
            return 0;
        bits[i] = v->w[i] == BLD_TRUE;
    }
    ce_from_bits(c, bits, v->t->width, v->t->kind == TY_INT);
    return 1;
}

/* Typed word of type t holding c modulo 2^width. */
static int from_const(struct lower *lw, const struct mpcc_type *t, const struct ce_int *c,
                      struct lv_value *out)
{
    out->t = t;
    out->w = lw_wires(lw, t->width);
    if (out->w == NULL)
        return 0;
    for (uint32_t i = 0; i < t->width; i++)
        out->w[i] = ce_bit(c, i) ? BLD_TRUE : BLD_FALSE;
    return 1;
}

/* Integer or bool v resized to integer type t (zero/sign extension by v's type). */
static int resize(struct lower *lw, const struct lv_value *v, const struct mpcc_type *t,
                  struct lv_value *out)
{
    bld_wire *w = lw_wires(lw, t->width);
    if (w == NULL)
        return 0;
    uint32_t n = v->t->width;
    bld_wire fill = (v->t->kind == TY_INT) ? v->w[n - 1] : BLD_FALSE;
    for (uint32_t i = 0; i < t->width; i++)
        w[i] = i < n ? v->w[i] : fill;
    out->t = t;
    out->w = w;
    return 1;
}

int lx_convert(struct lower *lw, struct ast_loc loc, const struct lv_value *v,
               const struct mpcc_type *t, struct lv_value *out, const char *what)
{
    char a[64], b[64];
    if (v->t->kind == TY_VOID) {
        diag_error(lw->diags, loc, "%s: the function returns no value", what);
        return 0;
    }
    if (v->t->kind == TY_UNTYPED) {
        if (!ty_is_int(t)) {
            tname(t, a, sizeof a);
            diag_error(lw->diags, loc, "%s: cannot use an integer constant as %s", what, a);
            return 0;
        }
        if (!ce_fits(&v->c, t->width, t->kind == TY_INT)) {
            char num[128];
            ce_to_string(&v->c, num, sizeof num);
            tname(t, a, sizeof a);
            diag_error(lw->diags, loc, "%s: constant %s does not fit in %s", what, num, a);
            return 0;
        }
        return from_const(lw, t, &v->c, out);
    }
    if (ty_equal(v->t, t)) {
        *out = *v;
        return 1;
    }
    if (ty_widens(v->t, t))
        return resize(lw, v, t, out);
    tname(v->t, a, sizeof a);
    tname(t, b, sizeof b);
    if (ty_is_int(v->t) && ty_is_int(t))
        diag_error(lw->diags, loc, "%s: cannot convert %s to %s implicitly (use a cast: %s(x))",
                   what, a, b, b);
    else
        diag_error(lw->diags, loc, "%s: expected %s, found %s", what, b, a);
    return 0;
}

int lx_expr_to(struct lower *lw, const struct ast_expr *e, const struct mpcc_type *t,
               struct lv_value *out, const char *what)
{
    if (e->kind == AE_ARRAY) {
        char a[64];
        if (t->kind != TY_ARRAY) {
            tname(t, a, sizeof a);
            diag_error(lw->diags, e->loc, "%s: an array literal cannot be a %s", what, a);
            return 0;
        }
        uint32_t n = 0;
        for (const struct ast_expr *x = e->args; x != NULL; x = x->next)
            n++;
        if (n != t->len) {
            tname(t, a, sizeof a);
            diag_error(lw->diags, e->loc, "%s: array literal has %u elements but %s has %u",
                       what, n, a, t->len);
            return 0;
        }
        bld_wire *w = lw_wires(lw, t->bits);
        if (w == NULL)
            return 0;
        uint64_t off = 0;
        for (const struct ast_expr *x = e->args; x != NULL; x = x->next) {
            struct lv_value ev;
            if (!lx_expr_to(lw, x, t->elem, &ev, what))
                return 0;
            memcpy(w + off, ev.w, t->elem->bits * sizeof *w);
            off += t->elem->bits;
        }
        out->t = t;
        out->w = w;
        return 1;
    }
    struct lv_value v;
    if (!lx_expr(lw, e, &v))
        return 0;
    return lx_convert(lw, e->loc, &v, t, out, what);
}

int lx_const_int(struct lower *lw, const struct ast_expr *e, struct ce_int *out, const char *what)
{
    struct lv_value v;
    if (!lx_expr(lw, e, &v))
        return 0;
    if (v.t->kind == TY_BOOL || !lx_value_const(&v, out)) {
        if (v.t->kind == TY_BOOL || (!ty_is_scalar(v.t) && v.t->kind != TY_UNTYPED))
            diag_error(lw->diags, e->loc, "%s must be an integer", what);
        else
            diag_error(lw->diags, e->loc, "%s must be a compile-time constant", what);
        return 0;
    }
    return 1;
}

int lx_cond(struct lower *lw, const struct ast_expr *e, bld_wire *w)
{
    struct lv_value v;
    if (!lx_expr(lw, e, &v))
        return 0;
    if (v.t->kind != TY_BOOL) {
        char a[64];
        tname(v.t, a, sizeof a);
        if (ty_is_int(v.t) || v.t->kind == TY_UNTYPED)
            diag_error(lw->diags, e->loc, "condition must be bool, found %s (compare with 0: x != 0)", a);
        else
            diag_error(lw->diags, e->loc, "condition must be bool, found %s", a);
        return 0;
    }
    *w = v.w[0];
    return 1;
}

static int lx_name(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_var *v = lw_lookup(lw, e->name);
    if (v == NULL) {
        if (lw_find_fn(lw, e->name) != NULL)
            diag_error(lw->diags, e->loc, "'%s' is a function; call it as %s(...)", e->name, e->name);
        else
            diag_error(lw->diags, e->loc, "unknown name '%s'", e->name);
        return 0;
    }
    if (v->t->kind == TY_UNTYPED)
        return set_untyped(lw, out, &v->c);
    out->t = v->t;
    out->w = lw_wires(lw, v->t->bits);
    if (out->w == NULL)
        return 0;
    memcpy(out->w, v->w, v->t->bits * sizeof *out->w);
    return 1;
}

static int const_error(struct lower *lw, struct ast_loc loc, int op)
{
    if (op == '/' || op == '%')
        diag_error(lw->diags, loc, "division by zero in a constant expression");
    else
        diag_error(lw->diags, loc, "constant expression overflows (constants are limited to 2^%d)",
                   CE_MAX_BITS);
    return 0;
}

/* Both operands untyped. */
static int lx_binary_const(struct lower *lw, const struct ast_expr *e, const struct ce_int *x,
                           const struct ce_int *y, struct lv_value *out)
{
    struct ce_int r;
    int ok = 1, c;
    switch (e->op) {
    case '+': ok = ce_add(&r, x, y); break;
    case '-': ok = ce_sub(&r, x, y); break;
    case '*': ok = ce_mul(&r, x, y); break;
    case '/': ok = ce_div(&r, x, y); break;
    case '%': ok = ce_mod(&r, x, y); break;
    case '&': ce_and(&r, x, y); break;
    case '|': ce_or(&r, x, y); break;
    case '^': ce_xor(&r, x, y); break;
    default:
        c = ce_cmp(x, y);
        switch (e->op) {
        case '<': return set_bool(lw, out, c < 0 ? BLD_TRUE : BLD_FALSE);
        case '>': return set_bool(lw, out, c > 0 ? BLD_TRUE : BLD_FALSE);
        case LE: return set_bool(lw, out, c <= 0 ? BLD_TRUE : BLD_FALSE);
        case GE: return set_bool(lw, out, c >= 0 ? BLD_TRUE : BLD_FALSE);
        case EQ: return set_bool(lw, out, c == 0 ? BLD_TRUE : BLD_FALSE);
        case NE: return set_bool(lw, out, c != 0 ? BLD_TRUE : BLD_FALSE);
        }
        diag_error(lw->diags, e->loc, "operator '%s' needs bool operands", op_name(e->op));
        return 0;
    }
    if (!ok)
        return const_error(lw, e->loc, e->op);
    return set_untyped(lw, out, &r);
}

/* Brings two operands to one type; 0 after an error. */
static int unify(struct lower *lw, const struct ast_expr *e, struct lv_value *x, struct lv_value *y)
{
    char a[64], b[64];
    const char *op = op_name(e->op);
    if (x->t->kind == TY_VOID || y->t->kind == TY_VOID) {
        diag_error(lw->diags, e->loc, "operator '%s': a function call that returns no value has no value", op);
        return 0;
    }
    if (!ty_is_scalar(x->t) && x->t->kind != TY_UNTYPED) {
        tname(x->t, a, sizeof a);
        diag_error(lw->diags, e->loc, "operator '%s' cannot be applied to %s", op, a);
        return 0;
    }
    if (!ty_is_scalar(y->t) && y->t->kind != TY_UNTYPED) {
        tname(y->t, a, sizeof a);
        diag_error(lw->diags, e->loc, "operator '%s' cannot be applied to %s", op, a);
        return 0;
    }
    if (x->t->kind == TY_UNTYPED) {
        char what[64];
        snprintf(what, sizeof what, "operator '%s'", op);
        return lx_convert(lw, e->loc, x, y->t, x, what);
    }
    if (y->t->kind == TY_UNTYPED) {
        char what[64];
        snprintf(what, sizeof what, "operator '%s'", op);
        return lx_convert(lw, e->loc, y, x->t, y, what);
    }
    if (ty_equal(x->t, y->t))
        return 1;
    if (ty_is_int(x->t) && ty_is_int(y->t)) {
        if (ty_widens(x->t, y->t))
            return resize(lw, x, y->t, x);
        if (ty_widens(y->t, x->t))
            return resize(lw, y, x->t, y);
    }
    tname(x->t, a, sizeof a);
    tname(y->t, b, sizeof b);
    diag_error(lw->diags, e->loc, "mismatched types %s and %s for operator '%s'%s", a, b, op,
               ty_is_int(x->t) && ty_is_int(y->t) ? " (add a cast, e.g. int32(x))" : "");
    return 0;
}

static int lx_shift(struct lower *lw, const struct ast_expr *e, struct lv_value *x,
                    struct lv_value *y, struct lv_value *out)
{
    char a[64];
    struct ce_int amount;
    int amount_const = 0;
    if (!ty_is_int(y->t) && y->t->kind != TY_UNTYPED) {
        tname(y->t, a, sizeof a);
        diag_error(lw->diags, e->loc, "shift amount must be an integer, found %s", a);
        return 0;
    }
    if (!ty_is_int(x->t) && x->t->kind != TY_UNTYPED) {
        tname(x->t, a, sizeof a);
        diag_error(lw->diags, e->loc, "operator '%s' cannot be applied to %s", op_name(e->op), a);
        return 0;
    }
    if (lx_value_const(y, &amount)) {
        amount_const = 1;
        if (ce_is_neg(&amount)) {
            diag_error(lw->diags, e->loc, "negative shift amount");
            return 0;
        }
    }
    if (x->t->kind == TY_UNTYPED) {
        if (!amount_const) {
            diag_error(lw->diags, e->loc,
                       "cannot shift an untyped constant by a secret amount (give it a type, e.g. uint32(1))");
            return 0;
        }
        struct ce_int r;
        int64_t n;
        if (!ce_to_i64(&amount, &n) || n > CE_MAX_BITS) {
            if (e->op == SHR || ce_is_zero(&x->c)) {
                ce_shr(&r, &x->c, CE_MAX_BITS + 20);
                return set_untyped(lw, out, &r);
            }
            return const_error(lw, e->loc, SHL);
        }
        if (e->op == SHL) {
            if (!ce_shl(&r, &x->c, (uint32_t)n))
                return const_error(lw, e->loc, SHL);
        } else {
            ce_shr(&r, &x->c, (uint32_t)n);
        }
        return set_untyped(lw, out, &r);
    }
    uint32_t n = x->t->width;
    bld_wire *w = lw_wires(lw, n);
    if (w == NULL)
        return 0;
    int sign = x->t->kind == TY_INT;
    if (amount_const) {
        int64_t k;
        if (!ce_to_i64(&amount, &k) || k > n)
            k = n;
        for (uint32_t i = 0; i < n; i++) {
            if (e->op == SHL)
                w[i] = i >= (uint64_t)k ? x->w[i - k] : BLD_FALSE;
            else
                w[i] = i + (uint64_t)k < n ? x->w[i + k] : sign ? x->w[n - 1] : BLD_FALSE;
        }
    } else if (e->op == SHL) {
        bld_shl(lw->b, n, x->w, y->t->width, y->w, w);
    } else if (sign) {
        bld_shr_s(lw->b, n, x->w, y->t->width, y->w, w);
    } else {
        bld_shr_u(lw->b, n, x->w, y->t->width, y->w, w);
    }
    out->t = x->t;
    out->w = w;
    return 1;
}

static int lx_binary(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_value x, y;
    if (e->op == ANDAND || e->op == OROR) {
        bld_wire a, b;
        if (!lx_cond(lw, e->a, &a))
            return 0;
        /* A constant left side decides without the right (which may be
         * an out-of-range constant index guarded by the left). */
        if (a == (e->op == ANDAND ? BLD_FALSE : BLD_TRUE))
            return set_bool(lw, out, a);
        if (!lx_cond(lw, e->b, &b))
            return 0;
        return set_bool(lw, out, e->op == ANDAND ? bld_and(lw->b, a, b) : bld_or(lw->b, a, b));
    }
    if (!lx_expr(lw, e->a, &x) || !lx_expr(lw, e->b, &y))
        return 0;
    if (e->op == SHL || e->op == SHR)
        return lx_shift(lw, e, &x, &y, out);
    if (x.t->kind == TY_UNTYPED && y.t->kind == TY_UNTYPED)
        return lx_binary_const(lw, e, &x.c, &y.c, out);
    if (!unify(lw, e, &x, &y))
        return 0;
    const struct mpcc_type *t = x.t;
    uint32_t n = t->width;
    struct bld *b = lw->b;
    if (t->kind == TY_BOOL) {
        bld_wire r;
        switch (e->op) {
        case '&': r = bld_and(b, x.w[0], y.w[0]); break;
        case '|': r = bld_or(b, x.w[0], y.w[0]); break;
        case '^': case NE: r = bld_xor(b, x.w[0], y.w[0]); break;
        case EQ: r = bld_not(b, bld_xor(b, x.w[0], y.w[0])); break;
        default:
            diag_error(lw->diags, e->loc, "operator '%s' cannot be applied to bool", op_name(e->op));
            return 0;
        }
        return set_bool(lw, out, r);
    }
    int sign = t->kind == TY_INT;
    if (is_cmp(e->op)) {
        bld_wire r;
        switch (e->op) {
        case EQ: r = bld_eq(b, n, x.w, y.w); break;
        case NE: r = bld_not(b, bld_eq(b, n, x.w, y.w)); break;
        case '<': r = sign ? bld_lt_s(b, n, x.w, y.w) : bld_lt_u(b, n, x.w, y.w); break;
        case '>': r = sign ? bld_lt_s(b, n, y.w, x.w) : bld_lt_u(b, n, y.w, x.w); break;
        case LE: r = bld_not(b, sign ? bld_lt_s(b, n, y.w, x.w) : bld_lt_u(b, n, y.w, x.w)); break;
        default: r = bld_not(b, sign ? bld_lt_s(b, n, x.w, y.w) : bld_lt_u(b, n, x.w, y.w)); break;
        }
        return set_bool(lw, out, r);
    }
    bld_wire *w = lw_wires(lw, n);
    if (w == NULL)
        return 0;
    switch (e->op) {
    case '+': bld_add(b, n, x.w, y.w, w); break;
    case '-': bld_sub(b, n, x.w, y.w, w); break;
    case '*': bld_mul(b, n, x.w, y.w, w); break;
    case '/':
        if (sign)
            bld_sdivmod(b, n, x.w, y.w, w, NULL);
        else
            bld_udivmod(b, n, x.w, y.w, w, NULL);
        break;
    case '%':
        if (sign)
            bld_sdivmod(b, n, x.w, y.w, NULL, w);
        else
            bld_udivmod(b, n, x.w, y.w, NULL, w);
        break;
    case '&':
        for (uint32_t i = 0; i < n; i++)
            w[i] = bld_and(b, x.w[i], y.w[i]);
        break;
    case '|':
        for (uint32_t i = 0; i < n; i++)
            w[i] = bld_or(b, x.w[i], y.w[i]);
        break;
    case '^':
        for (uint32_t i = 0; i < n; i++)
            w[i] = bld_xor(b, x.w[i], y.w[i]);
        break;
    default:
        diag_error(lw->diags, e->loc, "operator '%s' cannot be applied to integers", op_name(e->op));
        return 0;
    }
    out->t = t;
    out->w = w;
    return 1;
}

static int lx_unary(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_value x;
    char a[64];
    if (!lx_expr(lw, e->a, &x))
        return 0;
    if (x.t->kind == TY_UNTYPED) {
        struct ce_int r;
        if (e->op == '-') {
            if (!ce_neg(&r, &x.c))
                return const_error(lw, e->loc, '-');
        } else if (e->op == '~') {
            ce_not(&r, &x.c);
        } else {
            diag_error(lw->diags, e->loc, "operator '!' needs a bool operand, found an integer constant");
            return 0;
        }
        return set_untyped(lw, out, &r);
    }
    tname(x.t, a, sizeof a);
    if (e->op == '!') {
        if (x.t->kind != TY_BOOL) {
            diag_error(lw->diags, e->loc, "operator '!' needs a bool operand, found %s%s", a,
                       ty_is_int(x.t) ? " (compare with 0: x == 0)" : "");
            return 0;
        }
        return set_bool(lw, out, bld_not(lw->b, x.w[0]));
    }
    if (!ty_is_int(x.t)) {
        diag_error(lw->diags, e->loc, "operator '%s' needs an integer operand, found %s%s",
                   op_name(e->op), a, x.t->kind == TY_BOOL && e->op == '~' ? " (use '!')" : "");
        return 0;
    }
    uint32_t n = x.t->width;
    bld_wire *w = lw_wires(lw, n);
    if (w == NULL)
        return 0;
    if (e->op == '-') {
        bld_neg(lw->b, n, x.w, w);
    } else {
        for (uint32_t i = 0; i < n; i++)
            w[i] = bld_not(lw->b, x.w[i]);
    }
    out->t = x.t;
    out->w = w;
    return 1;
}

static int lx_cond_expr(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    bld_wire c;
    if (!lx_cond(lw, e->a, &c))
        return 0;
    if (c == BLD_TRUE)
        return lx_expr(lw, e->b, out);
    if (c == BLD_FALSE)
        return lx_expr(lw, e->c, out);
    struct lv_value x, y;
    if (!lx_expr(lw, e->b, &x) || !lx_expr(lw, e->c, &y))
        return 0;
    if (x.t->kind == TY_UNTYPED && y.t->kind == TY_UNTYPED) {
        diag_error(lw->diags, e->loc,
                   "both branches of a secret '?:' are untyped constants; give one a type, e.g. uint8(1)");
        return 0;
    }
    if (ty_is_scalar(x.t) || ty_is_scalar(y.t)) {
        struct ast_expr fake = *e;
        fake.op = '?';
        if (!unify(lw, &fake, &x, &y))
            return 0;
    } else if (!ty_equal(x.t, y.t) || x.t->kind == TY_VOID) {
        char a[64], b2[64];
        tname(x.t, a, sizeof a);
        tname(y.t, b2, sizeof b2);
        diag_error(lw->diags, e->loc, "the branches of '?:' have different types %s and %s", a, b2);
        return 0;
    }
    bld_wire *w = lw_wires(lw, x.t->bits);
    if (w == NULL)
        return 0;
    bld_mux_word(lw->b, (uint32_t)x.t->bits, c, x.w, y.w, w);
    out->t = x.t;
    out->w = w;
    return 1;
}

static int lx_cast(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    const struct mpcc_type *t = lw_resolve_type(lw, e->tref, NULL);
    struct lv_value x;
    char a[64], b[64];
    if (t == NULL || !lx_expr(lw, e->a, &x))
        return 0;
    if (x.t->kind == TY_UNTYPED) {
        if (t->kind == TY_BOOL)
            return set_bool(lw, out, ce_is_zero(&x.c) ? BLD_FALSE : BLD_TRUE);
        return from_const(lw, t, &x.c, out); /* wraps, like C */
    }
    if (!ty_is_scalar(x.t)) {
        tname(x.t, a, sizeof a);
        tname(t, b, sizeof b);
        diag_error(lw->diags, e->loc, "cannot cast %s to %s", a, b);
        return 0;
    }
    if (t->kind == TY_BOOL) {
        if (x.t->kind == TY_BOOL)
            return set_bool(lw, out, x.w[0]);
        bld_wire *z = lw_wires(lw, x.t->width);
        if (z == NULL)
            return 0;
        return set_bool(lw, out, bld_not(lw->b, bld_eq(lw->b, x.t->width, x.w, z)));
    }
    return resize(lw, &x, t, out);
}

/* Reads element(s) of an array by a secret index: a mux tree over the index
 * bits; indices beyond the array read as 0. */
static int lx_index_secret(struct lower *lw, const struct lv_value *arr, const struct lv_value *idx,
                           struct lv_value *out)
{
    const struct mpcc_type *et = arr->t->elem;
    uint64_t eb = et->bits;
    uint32_t len = arr->t->len, m = idx->t->width;
    /* Index bits the tree consumes; a signed index's sign bit never does, so
     * negative indices read 0 like other out-of-range ones. */
    uint32_t used = 0, lim = idx->t->kind == TY_INT ? m - 1 : m;
    while (used < lim && ((uint64_t)1 << used) < len)
        used++;
    uint64_t cnt = len;
    bld_wire *cur = lw_wires(lw, cnt * eb);
    if (cur == NULL)
        return 0;
    memcpy(cur, arr->w, cnt * eb * sizeof *cur);
    for (uint32_t bit = 0; bit < used; bit++) {
        uint64_t next = (cnt + 1) / 2;
        bld_wire *nw = lw_wires(lw, next * eb);
        if (nw == NULL)
            return 0;
        for (uint64_t j = 0; j < next; j++) {
            const bld_wire *lo = cur + 2 * j * eb;
            if (2 * j + 1 < cnt) {
                bld_mux_word(lw->b, (uint32_t)eb, idx->w[bit], cur + (2 * j + 1) * eb, lo, nw + j * eb);
            } else {
                bld_wire nb = bld_not(lw->b, idx->w[bit]);
                for (uint64_t k = 0; k < eb; k++)
                    nw[j * eb + k] = bld_and(lw->b, nb, lo[k]);
            }
        }
        cur = nw;
        cnt = next;
    }
    /* cnt == 1 here unless the index is narrower than the array needs. */
    if (m > used) {
        bld_wire any = BLD_FALSE;
        for (uint32_t bit = used; bit < m; bit++)
            any = bld_or(lw->b, any, idx->w[bit]);
        bld_wire ok = bld_not(lw->b, any);
        for (uint64_t k = 0; k < eb; k++)
            cur[k] = bld_and(lw->b, ok, cur[k]);
    }
    out->t = et;
    out->w = cur;
    return 1;
}

static int lx_index(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_value arr, idx;
    char a[64];
    if (!lx_expr(lw, e->a, &arr) || !lx_expr(lw, e->b, &idx))
        return 0;
    if (arr.t->kind != TY_ARRAY) {
        tname(arr.t, a, sizeof a);
        diag_error(lw->diags, e->loc, "cannot index a value of type %s", a);
        return 0;
    }
    if (!ty_is_int(idx.t) && idx.t->kind != TY_UNTYPED) {
        tname(idx.t, a, sizeof a);
        diag_error(lw->diags, e->b->loc, "array index must be an integer, found %s", a);
        return 0;
    }
    struct ce_int c;
    if (lx_value_const(&idx, &c)) {
        int64_t k;
        if (!ce_to_i64(&c, &k) || k < 0 || k >= arr.t->len) {
            char num[128];
            ce_to_string(&c, num, sizeof num);
            tname(arr.t, a, sizeof a);
            diag_error(lw->diags, e->b->loc, "index %s is out of range for %s", num, a);
            return 0;
        }
        out->t = arr.t->elem;
        out->w = arr.w + (uint64_t)k * arr.t->elem->bits;
        return 1;
    }
    return lx_index_secret(lw, &arr, &idx, out);
}

static int lx_field(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_value s;
    char a[64];
    if (!lx_expr(lw, e->a, &s))
        return 0;
    if (s.t->kind != TY_STRUCT) {
        tname(s.t, a, sizeof a);
        diag_error(lw->diags, e->loc, "'.%s': %s is not a struct", e->name, a);
        return 0;
    }
    for (uint32_t i = 0; i < s.t->n_fields; i++) {
        if (strcmp(s.t->fields[i].name, e->name) == 0) {
            out->t = s.t->fields[i].type;
            out->w = s.w + s.t->fields[i].offset;
            return 1;
        }
    }
    diag_error(lw->diags, e->loc, "struct %s has no field '%s'", s.t->name, e->name);
    return 0;
}

static int lx_expr_kind(struct lower *lw, const struct ast_expr *e, struct lv_value *out);

int lx_expr(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    if (lw->oom || lw->stop)
        return 0;
    if (lw->depth >= LOWER_MAX_NESTING) {
        diag_error(lw->diags, e->loc, "expression nested too deeply (limit %d)", LOWER_MAX_NESTING);
        lw->stop = 1;
        return 0;
    }
    lw->depth++;
    int ok = lx_expr_kind(lw, e, out);
    lw->depth--;
    return ok;
}

static int lx_expr_kind(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    switch (e->kind) {
    case AE_INT: {
        struct ce_int c;
        int bad;
        if (!ce_parse(&c, e->text, &bad)) {
            if (bad)
                diag_error(lw->diags, e->loc, "invalid integer literal '%s'", e->text);
            else
                diag_error(lw->diags, e->loc, "integer literal '%s' is too large (constants are limited to 2^%d)",
                           e->text, CE_MAX_BITS);
            return 0;
        }
        return set_untyped(lw, out, &c);
    }
    case AE_BOOL:
        return set_bool(lw, out, e->op ? BLD_TRUE : BLD_FALSE);
    case AE_NAME:
        return lx_name(lw, e, out);
    case AE_UNARY:
        return lx_unary(lw, e, out);
    case AE_BINARY:
        return lx_binary(lw, e, out);
    case AE_COND:
        return lx_cond_expr(lw, e, out);
    case AE_CALL:
        return ls_call(lw, e, out);
    case AE_CAST:
        return lx_cast(lw, e, out);
    case AE_INDEX:
        return lx_index(lw, e, out);
    case AE_FIELD:
        return lx_field(lw, e, out);
    case AE_ARRAY:
        diag_error(lw->diags, e->loc,
                   "an array literal needs a known type: use it to initialise or assign a declared array");
        return 0;
    }
    return 0;
}
