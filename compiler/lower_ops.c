/* lower_ops.c - the operators of the language: arithmetic, bitwise, shifts,
 * comparisons, logic and ?: (types as the semantic pass decided them:
 * untyped constants exact, lossless widening), lowered through the gadgets,
 * which fold constant wires so constant operands cost no gates. Names,
 * conversions and indexing are in lower_expr.c. */
#include <stdio.h>
#include <string.h>

#include "circuits/gadgets.h"
#include "lower.h"
#include "parser.h"
#include "sema.h"

static int is_cmp(int op)
{
    return op == '<' || op == '>' || op == LE || op == GE || op == EQ || op == NE;
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

/* Both operands untyped: exact arithmetic (a failure is about values:
 * division by zero or overflow of a constant this code reached). */
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
        case '<': return lx_set_bool(lw, out, c < 0 ? BLD_TRUE : BLD_FALSE);
        case '>': return lx_set_bool(lw, out, c > 0 ? BLD_TRUE : BLD_FALSE);
        case LE: return lx_set_bool(lw, out, c <= 0 ? BLD_TRUE : BLD_FALSE);
        case GE: return lx_set_bool(lw, out, c >= 0 ? BLD_TRUE : BLD_FALSE);
        case EQ: return lx_set_bool(lw, out, c == 0 ? BLD_TRUE : BLD_FALSE);
        default: return lx_set_bool(lw, out, c != 0 ? BLD_TRUE : BLD_FALSE);
        }
    }
    if (!ok)
        return const_error(lw, e->loc, e->op);
    return lx_set_untyped(lw, out, &r);
}

/* Brings both operands to the operator's operand type, the common type the
 * semantic pass gave them (an untyped side takes the other's type, a
 * narrower integer widens). Fails only on an untyped constant that does
 * not fit, whose value the semantic pass did not know. */
static int unify(struct lower *lw, const struct ast_expr *e, struct lv_value *x, struct lv_value *y)
{
    const struct mpcc_type *t = x->t;
    if (t->kind == TY_UNTYPED || t->kind == TY_DECIMAL ||
        (y->t->kind != TY_UNTYPED && y->t->kind != TY_DECIMAL && ty_widens(x->t, y->t)))
        t = y->t;
    char what[64];
    snprintf(what, sizeof what, "operator '%s'", sm_op_name(e->op));
    return lx_convert(lw, e->loc, x, t, x, what) && lx_convert(lw, e->loc, y, t, y, what);
}

static int lx_shift(struct lower *lw, const struct ast_expr *e, struct lv_value *x,
                    struct lv_value *y, struct lv_value *out)
{
    struct ce_int amount;
    int amount_const = 0;
    if (lx_value_const(y, &amount)) {
        amount_const = 1;
        /* A typed amount's bits are read as unsigned, as a secret one is. */
        if (y->t->kind == TY_INT) {
            uint8_t bits[MPCC_MAX_INT_WIDTH];
            for (uint32_t i = 0; i < y->t->width; i++)
                bits[i] = (uint8_t)ce_bit(&amount, i);
            ce_from_bits(&amount, bits, y->t->width, 0);
        }
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
                return lx_set_untyped(lw, out, &r);
            }
            return const_error(lw, e->loc, SHL);
        }
        if (e->op == SHL) {
            if (!ce_shl(&r, &x->c, (uint32_t)n))
                return const_error(lw, e->loc, SHL);
        } else {
            ce_shr(&r, &x->c, (uint32_t)n);
        }
        return lx_set_untyped(lw, out, &r);
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

/* The low n bits of x * y. When both operands' upper bits are constant 0
 * (zero-extended narrower values, e.g. uint128(a) * uint128(b) of uint64s)
 * and the product fits in n bits, the full product of the narrow values is
 * computed instead (Karatsuba: 5233 ANDs at 64 bits against 6888 for the
 * 128-bit low product). */
static void lx_mul(struct bld *b, uint32_t n, const bld_wire *x, const bld_wire *y, bld_wire *w)
{
    uint32_t kx = n, ky = n;
    while (kx > 0 && x[kx - 1] == BLD_FALSE)
        kx--;
    while (ky > 0 && y[ky - 1] == BLD_FALSE)
        ky--;
    uint32_t k = kx > ky ? kx : ky;
    if (k >= 2 && 2 * k <= n) {
        bld_mul_full(b, k, x, y, w);
        for (uint32_t i = 2 * k; i < n; i++)
            w[i] = BLD_FALSE;
        return;
    }
    bld_mul(b, n, x, y, w);
}

/* Fixed-point a * b and a / b at W bits, F = W / 2 (circuits/fixed.h has
 * the same rules in C): the exact signed product (the unsigned W x W
 * product, minus 2^W (a < 0 ? b : 0) and 2^W (b < 0 ? a : 0)), plus
 * 2^(F-1), shifted right by F (rounded to nearest, halves up); the quotient
 * (a * 2^F) / b of signed 2W-bit division (truncated toward zero; b = 0
 * gives all ones). Both keep the low W bits. */
static int lx_fixed_muldiv(struct lower *lw, int op, const struct mpcc_type *t, const bld_wire *a,
                           const bld_wire *b, struct lv_value *out)
{
    uint32_t w = t->width, f = w / 2, n2 = 2 * w;
    bld_wire *r = lw_wires(lw, n2), *res = lw_wires(lw, w);
    if (r == NULL || res == NULL)
        return 0;
    if (op == '*') {
        bld_wire *ma = lw_wires(lw, w), *mb = lw_wires(lw, w), *c = lw_wires(lw, w);
        bld_wire *half = lw_wires(lw, n2);
        if (ma == NULL || mb == NULL || c == NULL || half == NULL)
            return 0;
        bld_mul_full(lw->b, w, a, b, r);
        for (uint32_t i = 0; i < w; i++) {
            ma[i] = bld_and(lw->b, a[w - 1], b[i]);
            mb[i] = bld_and(lw->b, b[w - 1], a[i]);
        }
        bld_add(lw->b, w, ma, mb, c);
        bld_sub(lw->b, w, r + w, c, r + w);
        for (uint32_t i = 0; i < n2; i++)
            half[i] = i == f - 1 ? BLD_TRUE : BLD_FALSE;
        bld_add(lw->b, n2, r, half, r);
        for (uint32_t i = 0; i < w; i++)
            res[i] = r[i + f];
    } else {
        bld_wire *xa = lw_wires(lw, n2), *xb = lw_wires(lw, n2);
        if (xa == NULL || xb == NULL)
            return 0;
        for (uint32_t i = 0; i < n2; i++) { /* a * 2^F and b, sign-extended to 2W bits */
            xa[i] = i < f ? BLD_FALSE : a[i - f < w ? i - f : w - 1];
            xb[i] = b[i < w ? i : w - 1];
        }
        bld_sdivmod(lw->b, n2, xa, xb, r, NULL);
        memcpy(res, r, w * sizeof *res);
    }
    out->t = t;
    out->w = res;
    return 1;
}

int lx_binary(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_value x, y;
    if (e->op == ANDAND || e->op == OROR) {
        bld_wire a, b;
        if (!lx_cond(lw, e->a, &a))
            return 0;
        /* A constant left side decides without the right (which may be
         * an out-of-range constant index guarded by the left). */
        if (a == (e->op == ANDAND ? BLD_FALSE : BLD_TRUE))
            return lx_set_bool(lw, out, a);
        if (!lx_cond(lw, e->b, &b))
            return 0;
        return lx_set_bool(lw, out, e->op == ANDAND ? bld_and(lw->b, a, b) : bld_or(lw->b, a, b));
    }
    if (!lx_expr(lw, e->a, &x) || !lx_expr(lw, e->b, &y))
        return 0;
    if (e->op == SHL || e->op == SHR)
        return lx_shift(lw, e, &x, &y, out);
    if (x.t->kind == TY_UNTYPED && y.t->kind == TY_UNTYPED)
        return lx_binary_const(lw, e, &x.c, &y.c, out);
    /* Whole arrays and structs of one type compare bit for bit. */
    if ((e->op == EQ || e->op == NE) && (x.t->kind == TY_ARRAY || x.t->kind == TY_STRUCT)
        && ty_equal(x.t, y.t)) {
        bld_wire r = bld_eq(lw->b, (uint32_t)x.t->bits, x.w, y.w);
        return lx_set_bool(lw, out, e->op == EQ ? r : bld_not(lw->b, r));
    }
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
        case EQ: r = bld_not(b, bld_xor(b, x.w[0], y.w[0])); break;
        default: r = bld_xor(b, x.w[0], y.w[0]); break; /* ^ and != */
        }
        return lx_set_bool(lw, out, r);
    }
    int sign = t->kind == TY_INT || t->kind == TY_FIXED;
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
        return lx_set_bool(lw, out, r);
    }
    bld_wire *w = lw_wires(lw, n);
    if (w == NULL)
        return 0;
    if (t->kind == TY_FIXED && (e->op == '*' || e->op == '/'))
        return lx_fixed_muldiv(lw, e->op, t, x.w, y.w, out);
    switch (e->op) {
    case '+': bld_add(b, n, x.w, y.w, w); break;
    case '-': bld_sub(b, n, x.w, y.w, w); break;
    case '*': lx_mul(b, n, x.w, y.w, w); break;
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
    default: /* ^ */
        for (uint32_t i = 0; i < n; i++)
            w[i] = bld_xor(b, x.w[i], y.w[i]);
        break;
    }
    out->t = t;
    out->w = w;
    return 1;
}

int lx_unary(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    struct lv_value x;
    if (!lx_expr(lw, e->a, &x))
        return 0;
    if (x.t->kind == TY_DECIMAL) { /* - of a decimal constant */
        *out = x;
        out->dec_neg = !x.dec_neg;
        return 1;
    }
    if (x.t->kind == TY_UNTYPED) { /* - or ~ of a constant */
        struct ce_int r;
        if (e->op == '~')
            ce_not(&r, &x.c);
        else if (!ce_neg(&r, &x.c))
            return const_error(lw, e->loc, '-');
        return lx_set_untyped(lw, out, &r);
    }
    if (e->op == '!')
        return lx_set_bool(lw, out, bld_not(lw->b, x.w[0]));
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

int lx_cond_expr(struct lower *lw, const struct ast_expr *e, struct lv_value *out)
{
    bld_wire c;
    if (!lx_cond(lw, e->a, &c))
        return 0;
    /* A public condition picks a side (lx_expr brings it to e->type). */
    if (c == BLD_TRUE)
        return lx_expr(lw, e->b, out);
    if (c == BLD_FALSE)
        return lx_expr(lw, e->c, out);
    const struct mpcc_type *t = e->type;
    if (t->kind == TY_UNTYPED || t->kind == TY_DECIMAL) {
        diag_error(lw->diags, e->loc, t->kind == TY_UNTYPED
                   ? "both branches of a secret '?:' are untyped constants; give one a type, e.g. uint8(1)"
                   : "both branches of a secret '?:' are constants; give one a type, e.g. fixed32(1.5)");
        return 0;
    }
    struct lv_value x, y;
    if (!lx_expr_to(lw, e->b, t, &x, "operator '?'") || !lx_expr_to(lw, e->c, t, &y, "operator '?'"))
        return 0;
    bld_wire *w = lw_wires(lw, t->bits);
    if (w == NULL)
        return 0;
    bld_mux_word(lw->b, (uint32_t)t->bits, c, x.w, y.w, w);
    out->t = t;
    out->w = w;
    return 1;
}
