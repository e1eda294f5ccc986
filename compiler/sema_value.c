/* sema_value.c - the values the semantic pass knows exactly: literals,
 * constants and generic sizes, and typed values computed from them (casts,
 * operators with wrap-around), so that array sizes, widths and constant
 * conditions can be decided before lowering. Every typed operation is the
 * exact result reduced to the type's width, which is what the gadgets
 * compute; a result the exact arithmetic cannot hold is simply not known. */
#include <string.h>

#include "parser.h"
#include "sema.h"

void sv_set_none(struct sv *v)
{
    v->state = SV_NONE;
    v->err = 0;
    v->dec = NULL;
    v->dec_neg = 0;
}

void sv_set_none_from(struct sv *v, const struct sv *x, const struct sv *y)
{
    const struct sv *src = x != NULL && x->err ? x : (y != NULL && y->err ? y : NULL);
    struct ast_loc loc = src ? src->err_loc : v->err_loc;
    int err = src ? src->err : 0;
    v->state = SV_NONE;
    v->err = err;
    v->err_loc = loc;
    v->dec = NULL;
    v->dec_neg = 0;
}

void sv_set_error(struct sv *v, int err, struct ast_loc loc)
{
    v->state = SV_NONE;
    v->err = err;
    v->err_loc = loc;
}

void sv_set_int(struct sv *v, const struct ce_int *c)
{
    v->state = SV_KNOWN;
    v->c = *c;
    v->err = 0;
    v->dec = NULL;
}

void sv_set_bool(struct sv *v, int b)
{
    v->state = SV_KNOWN;
    ce_from_i64(&v->c, b ? 1 : 0);
    v->err = 0;
    v->dec = NULL;
}

void sv_wrap(struct ce_int *c, uint32_t width, int is_signed)
{
    uint8_t bits[512];
    if (width == 0 || width > 512)
        return;
    for (uint32_t i = 0; i < width; i++)
        bits[i] = (uint8_t)ce_bit(c, i);
    ce_from_bits(c, bits, width, is_signed);
}

static int sv_div(int op, const struct ce_int *x, const struct ce_int *y, struct ce_int *r)
{
    if (ce_is_zero(y)) {
        /* x / 0 is all ones (-1 when signed), x % 0 is x. */
        if (op == '%')
            *r = *x;
        else
            ce_from_i64(r, -1);
        return 1;
    }
    return op == '/' ? ce_div(r, x, y) : ce_mod(r, x, y);
}

int sv_int_binary(int op, const struct mpcc_type *t, const struct ce_int *x, const struct ce_int *y,
                  struct ce_int *r)
{
    int ok = 1;
    switch (op) {
    case '+': ok = ce_add(r, x, y); break;
    case '-': ok = ce_sub(r, x, y); break;
    case '*': ok = ce_mul(r, x, y); break;
    case '/':
    case '%': ok = sv_div(op, x, y, r); break;
    case '&': ce_and(r, x, y); break;
    case '|': ce_or(r, x, y); break;
    case '^': ce_xor(r, x, y); break;
    default: return 0;
    }
    if (!ok)
        return 0;
    sv_wrap(r, t->width, t->kind == TY_INT);
    return 1;
}

int sv_compare(int op, const struct ce_int *x, const struct ce_int *y)
{
    int c = ce_cmp(x, y);
    switch (op) {
    case '<': return c < 0;
    case '>': return c > 0;
    case LE: return c <= 0;
    case GE: return c >= 0;
    case EQ: return c == 0;
    default: return c != 0;
    }
}

int sv_shift(int op, const struct mpcc_type *t, const struct ce_int *x, const struct ce_int *amount,
             struct ce_int *r)
{
    int64_t k;
    uint32_t n = t->width;
    if (!ce_to_i64(amount, &k) || k > (int64_t)n)
        k = n;
    if (op == SHL) {
        if (k >= (int64_t)n) {
            ce_from_i64(r, 0);
            return 1;
        }
        struct ce_int m = *x;
        sv_wrap(&m, n, 0); /* the bits as an unsigned value, so the shift cannot overflow */
        if (!ce_shl(r, &m, (uint32_t)k))
            return 0;
    } else {
        ce_shr(r, x, (uint32_t)k); /* x is in range: arithmetic for signed, logical for unsigned */
    }
    sv_wrap(r, n, t->kind == TY_INT);
    return 1;
}

int sv_cast(const struct mpcc_type *from, const struct ce_int *v, const struct mpcc_type *to,
            struct ce_int *r)
{
    (void)from;
    if (to->kind == TY_BOOL) {
        ce_from_i64(r, ce_is_zero(v) ? 0 : 1);
        return 1;
    }
    if (to->kind != TY_UINT && to->kind != TY_INT)
        return 0;
    *r = *v;
    sv_wrap(r, to->width, to->kind == TY_INT);
    return 1;
}
