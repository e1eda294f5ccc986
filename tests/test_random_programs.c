/* test_random_programs.c - random well-typed .mpc programs compiled and
 * evaluated, compared with an independent reference evaluator of the
 * language's rules (docs/language.md) in C arithmetic on 128-bit words.
 * The programs mix widths 1..128, signed and unsigned, implicit widening,
 * untyped constants, casts, shifts by constant and secret amounts, ?:,
 * comparisons, public constant conditions and secret if/else, loops
 * left by break or continue under secret or public conditions, so that
 * constant folding meets every typing rule. Every program must compile and
 * agree on every input, compiled inline and with every repeated statement
 * a subcircuit (the loops exercise calls and replays; that form is also
 * written and read back in binary). MPCC_RANDOM_PROGRAMS sets how many (default 2000),
 * MPCC_RANDOM_SEED the first seed; a failure prints the seed and program. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/program.h"
#include "circuits/values.h"
#include "compiler.h"
#include "driver.h"
#include "test_support.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

/* ---- deterministic generator ---- */

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned rint_below(struct rng *r, unsigned n)
{
    return (unsigned)(rnd(r) % n);
}

/* ---- types and values ---- */

enum { RT_BOOL, RT_UINT, RT_INT };
struct rty {
    int kind;
    unsigned w; /* bool: 1 */
};

static u128 mask_of(unsigned w)
{
    return w >= 128 ? ~(u128)0 : (((u128)1 << w) - 1);
}

static s128 sext(u128 v, unsigned w)
{
    if (w < 128 && ((v >> (w - 1)) & 1))
        v |= ~mask_of(w);
    return (s128)v;
}

/* v (bits of type from) as a value of type to: extension by from's
 * signedness, truncation, bool(x) = x != 0. */
static u128 convert(u128 v, struct rty from, struct rty to)
{
    if (to.kind == RT_BOOL)
        return v != 0;
    u128 x = from.kind == RT_INT ? (u128)sext(v, from.w) : v;
    return x & mask_of(to.w);
}

static const unsigned widths[] = { 1, 2, 7, 8, 13, 16, 31, 32, 33, 63, 64, 65, 100, 127, 128 };

static struct rty rand_int_type(struct rng *r)
{
    struct rty t;
    t.kind = rint_below(r, 2) ? RT_INT : RT_UINT;
    t.w = widths[rint_below(r, sizeof widths / sizeof widths[0])];
    return t;
}

/* Implicit conversion (lossless widening) from u to t. */
static int widens(struct rty u, struct rty t)
{
    if (u.kind == RT_BOOL || t.kind == RT_BOOL)
        return u.kind == t.kind;
    if (u.kind == t.kind)
        return t.w >= u.w;
    return u.kind == RT_UINT && t.kind == RT_INT && t.w > u.w;
}

/* ---- expression trees ---- */

enum {
    N_INPUT, N_VAR, N_LIT, N_CAST, N_BIN, N_UN, N_SHIFT, N_CMP, N_LOGIC, N_NOT, N_COND, N_BOOL, N_KCMP
};

struct node {
    int kind;
    struct rty t;  /* static type (N_LIT: the type the constant converts to) */
    int op;        /* operator character; comparisons: '<' 'l' (<=) '>' 'g' (>=) 'e' (==) 'n' (!=) */
    u128 lit;      /* N_LIT, N_BOOL, N_KCMP: the value modulo 2^128 */
    int neg;       /* N_LIT: the value is negative */
    int idx;       /* N_INPUT / N_VAR */
    struct node *a, *b, *c;
};

#define MAX_NODES 4096

struct prog {
    struct rng r;
    struct node nodes[MAX_NODES];
    int n_nodes;
    struct rty in_t[4];
    int n_in;
    struct rty var_t[4];
    int n_var;
    long k_const; /* const K = k_const; */
    int n_div;    /* divisions so far (each is a large circuit at 128 bits) */
};

static struct node *nn(struct prog *p, int kind, struct rty t)
{
    ck_assert_int_lt(p->n_nodes, MAX_NODES);
    struct node *n = &p->nodes[p->n_nodes++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->t = t;
    return n;
}

static struct node *gen_int(struct prog *p, struct rty t, int depth);
static struct node *gen_bool(struct prog *p, int depth);

/* An untyped constant that fits t (a random, edge or small value). */
static struct node *gen_lit(struct prog *p, struct rty t)
{
    struct node *n = nn(p, N_LIT, t);
    u128 m = mask_of(t.w);
    u128 v;
    switch (rint_below(&p->r, 5)) {
    case 0: v = 0; break;
    case 1: v = 1; break;
    case 2: v = m; break;
    case 3: v = rint_below(&p->r, 10) & m; break;
    default: v = (((u128)rnd(&p->r) << 64) | rnd(&p->r)) & m; break;
    }
    n->neg = t.kind == RT_INT && sext(v, t.w) < 0;
    n->lit = n->neg ? (u128)sext(v, t.w) : v;
    return n;
}

/* A leaf of type t: an input or variable (cast when its type differs). */
static struct node *gen_leaf(struct prog *p, struct rty t)
{
    int use_var = p->n_var > 0 && rint_below(&p->r, 3) == 0;
    int k = use_var ? (int)rint_below(&p->r, (unsigned)p->n_var) : (int)rint_below(&p->r, (unsigned)p->n_in);
    struct rty lt = use_var ? p->var_t[k] : p->in_t[k];
    struct node *leaf = nn(p, use_var ? N_VAR : N_INPUT, lt);
    leaf->idx = k;
    if (lt.kind == t.kind && lt.w == t.w)
        return leaf;
    struct node *c = nn(p, N_CAST, t);
    c->a = leaf;
    return c;
}

/* An operand for an operator of type t: type t, a narrower type that
 * widens to t, or an untyped constant. */
static struct node *gen_operand(struct prog *p, struct rty t, int depth, int allow_lit)
{
    unsigned k = rint_below(&p->r, 8);
    if (allow_lit && k == 0)
        return gen_lit(p, t);
    if (k == 1 && t.kind != RT_BOOL) {
        struct rty u = rand_int_type(&p->r);
        if (widens(u, t) && u.w < t.w)
            return gen_int(p, u, depth);
    }
    return t.kind == RT_BOOL ? gen_bool(p, depth) : gen_int(p, t, depth);
}

static struct node *gen_int(struct prog *p, struct rty t, int depth)
{
    if (depth <= 0 || rint_below(&p->r, 6) == 0) {
        if (rint_below(&p->r, 5) != 0)
            return gen_leaf(p, t);
        struct node *c = nn(p, N_CAST, t); /* a cast of an untyped constant wraps */
        c->a = gen_lit(p, rand_int_type(&p->r));
        return c;
    }
    static const char ops[] = "+-*/%&|^";
    switch (rint_below(&p->r, 9)) {
    case 0:
    case 1:
    case 2: {
        int op = ops[rint_below(&p->r, 8)];
        if ((op == '/' || op == '%') && (t.w > 64 && p->n_div >= 1))
            op = '+';
        if (op == '/' || op == '%')
            p->n_div++;
        struct node *n = nn(p, N_BIN, t);
        n->op = op;
        int lit_side = rint_below(&p->r, 3); /* 0: none, 1: left, 2: right */
        n->a = lit_side == 1 ? gen_lit(p, t) : gen_operand(p, t, depth - 1, 0);
        n->b = lit_side == 2 ? gen_lit(p, t) : gen_operand(p, t, depth - 1, 0);
        /* One side must carry the type t itself (a narrower one widens). */
        if (n->a->kind != N_LIT && n->b->kind != N_LIT && !(n->a->t.kind == t.kind && n->a->t.w == t.w)
            && !(n->b->t.kind == t.kind && n->b->t.w == t.w))
            n->a = gen_int(p, t, depth - 1);
        if (n->a->kind == N_LIT && n->b->kind != N_LIT && !(n->b->t.kind == t.kind && n->b->t.w == t.w))
            n->b = gen_int(p, t, depth - 1);
        if (n->b->kind == N_LIT && n->a->kind != N_LIT && !(n->a->t.kind == t.kind && n->a->t.w == t.w))
            n->a = gen_int(p, t, depth - 1);
        return n;
    }
    case 3: {
        struct node *n = nn(p, N_UN, t);
        n->op = rint_below(&p->r, 2) ? '-' : '~';
        n->a = gen_int(p, t, depth - 1);
        return n;
    }
    case 4: {
        struct node *n = nn(p, N_SHIFT, t);
        n->op = rint_below(&p->r, 2) ? '<' : '>';
        n->a = gen_int(p, t, depth - 1);
        if (rint_below(&p->r, 2)) {
            n->b = nn(p, N_LIT, t);
            n->b->lit = rint_below(&p->r, t.w + 3);
            n->b->t.kind = RT_UINT; /* printed as a plain number */
        } else {
            struct rty u = rand_int_type(&p->r);
            if (u.w > 16)
                u.w = 8;
            n->b = gen_int(p, u, depth - 1);
        }
        return n;
    }
    case 5: {
        struct node *n = nn(p, N_COND, t);
        n->a = gen_bool(p, depth - 1);
        int lit_side = rint_below(&p->r, 3);
        n->b = lit_side == 1 ? gen_lit(p, t) : gen_int(p, t, depth - 1);
        n->c = lit_side == 2 ? gen_lit(p, t) : lit_side == 1 ? gen_int(p, t, depth - 1) : gen_operand(p, t, depth - 1, 0);
        return n;
    }
    case 6: {
        struct node *n = nn(p, N_CAST, t);
        n->a = rint_below(&p->r, 4) == 0 ? gen_bool(p, depth - 1) : gen_int(p, rand_int_type(&p->r), depth - 1);
        return n;
    }
    case 7: { /* a mask: a value the builder can often prove constant */
        struct node *n = nn(p, N_BIN, t);
        n->op = rint_below(&p->r, 2) ? '&' : '|';
        n->a = gen_int(p, t, depth - 1);
        n->b = gen_lit(p, t);
        return n;
    }
    default:
        return gen_leaf(p, t);
    }
}

static struct node *gen_bool(struct prog *p, int depth)
{
    struct rty tb = { RT_BOOL, 1 };
    if (depth <= 0 || rint_below(&p->r, 7) == 0) {
        if (rint_below(&p->r, 6) == 0) {
            struct node *n = nn(p, N_BOOL, tb);
            n->lit = rint_below(&p->r, 2);
            return n;
        }
        return gen_leaf(p, tb);
    }
    static const char cmps[] = "<l>gen";
    switch (rint_below(&p->r, 6)) {
    case 0:
    case 1: {
        struct node *n = nn(p, N_CMP, tb);
        n->op = cmps[rint_below(&p->r, 6)];
        struct rty u = rand_int_type(&p->r);
        int lit_side = rint_below(&p->r, 3);
        n->a = lit_side == 1 ? gen_lit(p, u) : gen_int(p, u, depth - 1);
        n->b = lit_side == 2 ? gen_lit(p, u) : lit_side == 1 ? gen_int(p, u, depth - 1) : gen_operand(p, u, depth - 1, 0);
        return n;
    }
    case 2: {
        struct node *n = nn(p, N_LOGIC, tb);
        n->op = "&|^AOe"[rint_below(&p->r, 6)]; /* A: &&, O: ||, e: == */
        n->a = gen_bool(p, depth - 1);
        n->b = gen_bool(p, depth - 1);
        return n;
    }
    case 3: {
        struct node *n = nn(p, N_NOT, tb);
        n->a = gen_bool(p, depth - 1);
        return n;
    }
    case 4: { /* a public condition: K compared with a constant */
        struct node *n = nn(p, N_KCMP, tb);
        n->op = cmps[rint_below(&p->r, 6)];
        n->lit = rint_below(&p->r, 8);
        return n;
    }
    default: {
        struct node *n = nn(p, N_CAST, tb);
        n->a = gen_int(p, rand_int_type(&p->r), depth - 1);
        return n;
    }
    }
}

/* ---- printing ---- */

struct buf {
    char *s;
    size_t n, cap;
};

static void bput(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bput(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        ck_assert_int_ge(k, 0);
        if ((size_t)k < b->cap - b->n) {
            b->n += (size_t)k;
            return;
        }
        b->cap = b->cap * 2 + (size_t)k + 64;
        b->s = realloc(b->s, b->cap);
        ck_assert_ptr_nonnull(b->s);
    }
}

static void put_u128(struct buf *b, u128 v)
{
    char tmp[50];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0);
    while (n > 0)
        bput(b, "%c", tmp[--n]);
}

static void put_type(struct buf *b, struct rty t)
{
    if (t.kind == RT_BOOL)
        bput(b, "bool");
    else
        bput(b, "%s%u", t.kind == RT_INT ? "int" : "uint", t.w);
}

static void put_lit(struct buf *b, u128 v, int neg)
{
    if (neg) {
        bput(b, "(-");
        put_u128(b, (u128)0 - v);
        bput(b, ")");
    } else {
        put_u128(b, v);
    }
}

static const char *cmp_text(int op)
{
    switch (op) {
    case '<': return "<";
    case 'l': return "<=";
    case '>': return ">";
    case 'g': return ">=";
    case 'e': return "==";
    default: return "!=";
    }
}

static void put_expr(struct buf *b, const struct node *n)
{
    switch (n->kind) {
    case N_INPUT: bput(b, "x%d", n->idx); break;
    case N_VAR: bput(b, "v%d", n->idx); break;
    case N_LIT: put_lit(b, n->lit, n->neg); break;
    case N_BOOL: bput(b, n->lit ? "true" : "false"); break;
    case N_KCMP: bput(b, "(K %s ", cmp_text(n->op)); put_lit(b, n->lit, 0); bput(b, ")"); break;
    case N_CAST: put_type(b, n->t); bput(b, "("); put_expr(b, n->a); bput(b, ")"); break;
    case N_BIN: bput(b, "("); put_expr(b, n->a); bput(b, " %c ", n->op); put_expr(b, n->b); bput(b, ")"); break;
    case N_UN: bput(b, "(%c", n->op); put_expr(b, n->a); bput(b, ")"); break;
    case N_NOT: bput(b, "(!"); put_expr(b, n->a); bput(b, ")"); break;
    case N_SHIFT:
        bput(b, "(");
        put_expr(b, n->a);
        bput(b, n->op == '<' ? " << " : " >> ");
        put_expr(b, n->b);
        bput(b, ")");
        break;
    case N_CMP: bput(b, "("); put_expr(b, n->a); bput(b, " %s ", cmp_text(n->op)); put_expr(b, n->b); bput(b, ")"); break;
    case N_LOGIC: {
        const char *o = n->op == 'A' ? "&&" : n->op == 'O' ? "||" : n->op == 'e' ? "==" : n->op == '&' ? "&" : n->op == '|' ? "|" : "^";
        bput(b, "(");
        put_expr(b, n->a);
        bput(b, " %s ", o);
        put_expr(b, n->b);
        bput(b, ")");
        break;
    }
    case N_COND:
        bput(b, "(");
        put_expr(b, n->a);
        bput(b, " ? ");
        put_expr(b, n->b);
        bput(b, " : ");
        put_expr(b, n->c);
        bput(b, ")");
        break;
    }
}

/* ---- reference evaluation ---- */

struct env {
    const u128 *in;
    u128 var[4];
    long k;
};

static u128 ev(const struct prog *p, const struct env *e, const struct node *n);

/* The value of an operand as a value of type t (untyped constants convert). */
static u128 ev_as(const struct prog *p, const struct env *e, const struct node *n, struct rty t)
{
    if (n->kind == N_LIT)
        return (u128)n->lit & mask_of(t.w);
    return convert(ev(p, e, n), n->t, t);
}

static int cmp_holds(int op, int c)
{
    switch (op) {
    case '<': return c < 0;
    case 'l': return c <= 0;
    case '>': return c > 0;
    case 'g': return c >= 0;
    case 'e': return c == 0;
    default: return c != 0;
    }
}

/* The common type of a binary operator's operands. */
static struct rty unify(const struct node *a, const struct node *b)
{
    if (a->kind == N_LIT)
        return b->t;
    if (b->kind == N_LIT)
        return a->t;
    return widens(a->t, b->t) ? b->t : a->t;
}

static u128 ev(const struct prog *p, const struct env *e, const struct node *n)
{
    struct rty t = n->t;
    u128 m = mask_of(t.w);
    switch (n->kind) {
    case N_INPUT: return e->in[n->idx];
    case N_VAR: return e->var[n->idx];
    case N_LIT: return (u128)n->lit & m;
    case N_BOOL: return (u128)n->lit;
    case N_KCMP: {
        s128 k = e->k, l = (s128)n->lit;
        return cmp_holds(n->op, k < l ? -1 : k > l ? 1 : 0);
    }
    case N_CAST:
        if (n->a->kind == N_LIT) /* a cast of an untyped constant wraps */
            return t.kind == RT_BOOL ? n->a->lit != 0 : (n->a->lit & m);
        return convert(ev(p, e, n->a), n->a->t, t);
    case N_UN: {
        u128 x = ev(p, e, n->a);
        return (n->op == '-' ? (u128)0 - x : ~x) & m;
    }
    case N_NOT: return !ev(p, e, n->a);
    case N_LOGIC: {
        u128 x = ev(p, e, n->a), y = ev(p, e, n->b);
        switch (n->op) {
        case 'A':
        case '&': return x & y;
        case 'O':
        case '|': return x | y;
        case '^': return x ^ y;
        default: return x == y;
        }
    }
    case N_CMP: {
        struct rty u = unify(n->a, n->b);
        u128 x = ev_as(p, e, n->a, u), y = ev_as(p, e, n->b, u);
        int c;
        if (u.kind == RT_INT) {
            s128 sx = sext(x, u.w), sy = sext(y, u.w);
            c = sx < sy ? -1 : sx > sy;
        } else {
            c = x < y ? -1 : x > y;
        }
        return cmp_holds(n->op, c);
    }
    case N_SHIFT: {
        u128 x = ev(p, e, n->a);
        u128 k = n->b->kind == N_LIT ? (u128)n->b->lit : ev(p, e, n->b); /* a typed amount's bits, unsigned */
        if (n->op == '<')
            return k >= t.w ? 0 : (x << k) & m;
        if (t.kind == RT_INT) {
            s128 sx = sext(x, t.w);
            return (k >= t.w ? (sx < 0 ? ~(u128)0 : 0) : (u128)(sx >> k)) & m;
        }
        return k >= t.w ? 0 : x >> k;
    }
    case N_COND: {
        u128 c = ev(p, e, n->a);
        return c ? ev_as(p, e, n->b, t) : ev_as(p, e, n->c, t);
    }
    case N_BIN: {
        u128 x = ev_as(p, e, n->a, t), y = ev_as(p, e, n->b, t), r;
        s128 sx = sext(x, t.w), sy = sext(y, t.w);
        switch (n->op) {
        case '+': r = x + y; break;
        case '-': r = x - y; break;
        case '*': r = x * y; break;
        case '&': r = x & y; break;
        case '|': r = x | y; break;
        case '^': r = x ^ y; break;
        default: /* / and %: truncating; x / 0 all ones, x % 0 = x; INT_MIN / -1 = INT_MIN */
            if (y == 0)
                r = n->op == '/' ? m : x;
            else if (t.kind == RT_UINT)
                r = n->op == '/' ? x / y : x % y;
            else if (sy == -1)
                r = n->op == '/' ? (u128)0 - x : 0;
            else
                r = (u128)(n->op == '/' ? sx / sy : sx % sy);
            break;
        }
        return r & m;
    }
    }
    return 0;
}

/* ---- one program ---- */

/* Statements: v0..v{n-1} declared with values, then a secret if/else that
 * assigns some of them, a compound assignment; outputs of expressions. */
struct stmts {
    struct node *init[4];
    struct node *cond;
    struct node *then_v[4], *else_v[4]; /* NULL: not assigned in that branch */
    int compound_var;                    /* -1: none */
    int compound_op;
    struct node *compound_rhs;
    /* for i in 0..loop_n { [if (loop_cond)] v{loop_var} = loop_rhs; } */
    int loop_var; /* -1: no loop */
    int loop_n;
    struct node *loop_cond; /* NULL: unconditional */
    struct node *loop_rhs;
    /* if (exit_cond[k]) { break; | continue; } before (k = 0) and after
     * (k = 1) the assignment: exit_kind 0 none, 1 break, 2 continue;
     * exit_cond NULL: the public condition i == exit_at. */
    int exit_kind[2];
    struct node *exit_cond[2];
    int exit_at[2];
    struct node *outs[4];
    int n_out;
};

static void gen_program(struct prog *p, struct stmts *st, struct buf *src)
{
    p->n_nodes = 0;
    p->n_div = 0;
    p->n_in = 2 + (int)rint_below(&p->r, 3);
    for (int i = 0; i < p->n_in; i++)
        p->in_t[i] = rint_below(&p->r, 6) == 0 ? (struct rty){ RT_BOOL, 1 } : rand_int_type(&p->r);
    p->k_const = (long)rint_below(&p->r, 8);
    p->n_var = 0;
    bput(src, "party p, q;\nconst K = %ld;\n", p->k_const);
    for (int i = 0; i < p->n_in; i++) {
        bput(src, "input %s ", i % 2 ? "q" : "p");
        put_type(src, p->in_t[i]);
        bput(src, " x%d;\n", i);
    }
    int n_var = (int)rint_below(&p->r, 3);
    for (int i = 0; i < n_var; i++) {
        struct rty t = rand_int_type(&p->r);
        st->init[i] = gen_int(p, t, 3);
        put_type(src, t);
        bput(src, " v%d = ", i);
        put_expr(src, st->init[i]);
        bput(src, ";\n");
        p->var_t[i] = t;
        p->n_var = i + 1;
    }
    st->cond = NULL;
    st->compound_var = -1;
    if (n_var > 0) {
        st->cond = gen_bool(p, 2);
        bput(src, "if (");
        put_expr(src, st->cond);
        bput(src, ") {");
        for (int i = 0; i < n_var; i++) {
            st->then_v[i] = rint_below(&p->r, 2) ? gen_int(p, p->var_t[i], 2) : NULL;
            if (st->then_v[i] != NULL) {
                bput(src, " v%d = ", i);
                put_expr(src, st->then_v[i]);
                bput(src, ";");
            }
        }
        bput(src, " } else {");
        for (int i = 0; i < n_var; i++) {
            st->else_v[i] = rint_below(&p->r, 2) ? gen_int(p, p->var_t[i], 2) : NULL;
            if (st->else_v[i] != NULL) {
                bput(src, " v%d = ", i);
                put_expr(src, st->else_v[i]);
                bput(src, ";");
            }
        }
        bput(src, " }\n");
        if (rint_below(&p->r, 2)) {
            int k = (int)rint_below(&p->r, (unsigned)n_var);
            st->compound_var = k;
            st->compound_op = "+-^|&*"[rint_below(&p->r, 6)];
            st->compound_rhs = gen_operand(p, p->var_t[k], 2, 1);
            bput(src, "v%d %c= ", k, st->compound_op);
            put_expr(src, st->compound_rhs);
            bput(src, ";\n");
        }
    }
    st->loop_var = -1;
    if (n_var > 0 && rint_below(&p->r, 2)) {
        /* The same statement several times: repeated shapes become
         * subcircuits (called when heavy, replayed when small). */
        int k = (int)rint_below(&p->r, (unsigned)n_var);
        struct rty t = p->var_t[k];
        st->loop_var = k;
        st->loop_n = 3 + (int)rint_below(&p->r, 3);
        st->loop_cond = rint_below(&p->r, 3) == 0 ? gen_bool(p, 1) : NULL;
        if (rint_below(&p->r, 2)) {
            struct node *v = nn(p, N_VAR, t), *mul = nn(p, N_BIN, t), *add = nn(p, N_BIN, t);
            v->idx = k;
            mul->op = '*';
            mul->a = v;
            mul->b = gen_operand(p, t, 1, 1);
            add->op = "+^-"[rint_below(&p->r, 3)];
            add->a = mul;
            add->b = gen_operand(p, t, 1, 1);
            st->loop_rhs = add;
        } else {
            st->loop_rhs = gen_int(p, t, 3);
        }
        for (int x = 0; x < 2; x++) {
            st->exit_kind[x] = rint_below(&p->r, 3) == 0 ? 1 + (int)rint_below(&p->r, 2) : 0;
            st->exit_cond[x] = rint_below(&p->r, 3) ? gen_bool(p, 1) : NULL;
            st->exit_at[x] = (int)rint_below(&p->r, (unsigned)st->loop_n);
        }
        bput(src, "for i in 0..%d {", st->loop_n);
        for (int x = 0; x < 2; x++) {
            if (x == 1) {
                if (st->loop_cond != NULL) {
                    bput(src, " if (");
                    put_expr(src, st->loop_cond);
                    bput(src, ") {");
                }
                bput(src, " v%d = ", k);
                put_expr(src, st->loop_rhs);
                bput(src, ";%s", st->loop_cond != NULL ? " }" : "");
            }
            if (st->exit_kind[x] == 0)
                continue;
            bput(src, " if (");
            if (st->exit_cond[x] != NULL)
                put_expr(src, st->exit_cond[x]);
            else
                bput(src, "i == %d", st->exit_at[x]);
            bput(src, ") { %s; }", st->exit_kind[x] == 1 ? "break" : "continue");
        }
        bput(src, " }\n");
    }
    st->n_out = 1 + (int)rint_below(&p->r, 3);
    for (int i = 0; i < st->n_out; i++) {
        st->outs[i] = rint_below(&p->r, 4) == 0 ? gen_bool(p, 4) : gen_int(p, rand_int_type(&p->r), 4);
        bput(src, "output all o%d = ", i);
        put_expr(src, st->outs[i]);
        bput(src, ";\n");
    }
}

static void run_stmts(const struct prog *p, const struct stmts *st, struct env *e)
{
    for (int i = 0; i < p->n_var; i++)
        e->var[i] = ev(p, e, st->init[i]);
    if (st->cond != NULL) {
        int c = ev(p, e, st->cond) != 0;
        for (int i = 0; i < p->n_var; i++) { /* the taken branch, in order */
            const struct node *x = c ? st->then_v[i] : st->else_v[i];
            if (x != NULL)
                e->var[i] = ev(p, e, x);
        }
    }
    if (st->compound_var >= 0) {
        struct node lhs = { .kind = N_VAR, .t = p->var_t[st->compound_var], .idx = st->compound_var };
        struct node bin = { .kind = N_BIN, .t = p->var_t[st->compound_var], .op = st->compound_op,
                            .a = &lhs, .b = st->compound_rhs };
        e->var[st->compound_var] = ev(p, e, &bin);
    }
    for (int i = 0; st->loop_var >= 0 && i < st->loop_n; i++) {
        int stop = 0; /* 1 break, 2 continue */
        for (int x = 0; x < 2 && !stop; x++) {
            if (x == 1 && (st->loop_cond == NULL || ev(p, e, st->loop_cond) != 0))
                e->var[st->loop_var] = ev(p, e, st->loop_rhs);
            if (st->exit_kind[x] != 0 &&
                (st->exit_cond[x] != NULL ? ev(p, e, st->exit_cond[x]) != 0 : i == st->exit_at[x]))
                stop = st->exit_kind[x];
        }
        if (stop == 1)
            break;
    }
}

static u128 rand_value(struct rng *r, struct rty t)
{
    u128 m = mask_of(t.w);
    switch (rint_below(r, 6)) {
    case 0: return 0;
    case 1: return m;
    case 2: return t.kind == RT_INT ? ((u128)1 << (t.w - 1)) & m : 1;
    case 3: return rint_below(r, 4) & m;
    default: return (((u128)rnd(r) << 64) | rnd(r)) & m;
    }
}

static void value_text(struct buf *b, struct rty t, u128 v)
{
    if (t.kind == RT_BOOL) {
        bput(b, v ? "true" : "false");
        return;
    }
    if (t.kind == RT_INT && sext(v, t.w) < 0) {
        bput(b, "-");
        put_u128(b, (u128)0 - (u128)sext(v, t.w));
    } else {
        put_u128(b, v);
    }
}

/* Compiles src with the given subcircuit mode; with `reread` 1 the program
 * also goes through its binary form (prog_write, prog_read_mem), with 2
 * through its text form (prog_write_text: calls expanded, flat Bristol
 * Fashion). NULL and a message in why when it does not compile. */
static struct mpcc_program *compile_random(const struct buf *src, enum mpcc_subcircuits mode,
                                           int reread, uint64_t seed, struct buf *why)
{
    struct compile_options o = { 0 };
    o.diags = mpcc_diags_new();
    o.subcircuits = mode;
    ck_assert_ptr_nonnull(o.diags);
    struct mpcc_program *prog = NULL;
    struct mpcc_error err = { 0 };
    if (mpcc_compile_source("random.mpc", src->s, src->n, &o, &prog, &err) != MPCC_OK) {
        char *d = mpcc_diags_render(o.diags);
        bput(why, "seed %llu: does not compile (subcircuits mode %d):\n%s\n%s",
             (unsigned long long)seed, (int)mode, src->s, d ? d : err.msg);
        free(d);
        mpcc_diags_free(o.diags);
        return NULL;
    }
    mpcc_diags_free(o.diags);
    if (reread) {
        char *bytes = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&bytes, &len);
        ck_assert_ptr_nonnull(m);
        ck_assert_int_eq(reread == 2 ? prog_write_text(prog, m, &err) : prog_write(prog, m, &err), MPCC_OK);
        ck_assert_int_eq(fclose(m), 0);
        struct mpcc_program *back = prog_read_mem(bytes, len, "random.circ", &err);
        ck_assert_msg(back != NULL, "seed %llu: %s form does not read back: %s", (unsigned long long)seed,
                      reread == 2 ? "text" : "binary", err.msg);
        ck_assert_uint_eq(back->circ->n_calls, reread == 2 ? 0 : prog->circ->n_calls);
        free(bytes);
        prog_free(prog);
        prog = back;
    }
    return prog;
}

/* One program in twenty also runs, in its subcircuit form, under N-party
 * garbling with three parties in threads (input value v from party v % 3,
 * every output to all, the evaluator chosen by the seed) on its first
 * inputs; ts_bmr_run checks every party's outputs against the plaintext. */
#define BMR_EVERY 20

static void check_bmr(const struct mpcc_program *prog, const struct values_set *set,
                      uint64_t seed)
{
    const struct circuit *c = prog->circ;
    uint8_t *bits = calloc(c->n_input_bits + 1, 1);
    uint64_t *rec = calloc(c->n_outputs + 1, sizeof *rec);
    ck_assert_ptr_nonnull(bits);
    ck_assert_ptr_nonnull(rec);
    uint64_t off = 0;
    for (uint32_t k = 0; k < c->n_inputs; k++) {
        ck_assert_ptr_nonnull(set->bits[k]);
        memcpy(bits + off, set->bits[k], c->input_widths[k]);
        off += c->input_widths[k];
    }
    for (uint32_t k = 0; k < c->n_outputs; k++)
        rec[k] = 7;
    ck_assert_uint_eq(ts_bmr_run(c, 3, (uint32_t)(seed % 3), rec, bits, -1), 0);
    free(bits);
    free(rec);
}

/* Compiles and checks one program, inlined (the default for small
 * programs), with every repeated statement a subcircuit (read back from
 * its binary form), and that flattened (read back from its text form);
 * returns 0 and fills why on a mismatch. */
static int check_one(struct prog *p, uint64_t seed, struct buf *why, long *n_with_calls)
{
    struct stmts st;
    struct buf src = { NULL, 0, 0 };
    memset(&st, 0, sizeof st);
    p->r.s = seed;
    gen_program(p, &st, &src);

    struct mpcc_error err = { 0 };
    struct mpcc_program *progs[3] = { NULL, NULL, NULL };
    static const char *const form[3] = { "", " with subcircuits", " flattened" };
    int ok = 1;
    progs[0] = compile_random(&src, MPCC_SUBS_AUTO, 0, seed, why);
    if (progs[0] != NULL)
        progs[1] = compile_random(&src, MPCC_SUBS_ALWAYS, 1, seed, why);
    if (progs[1] != NULL)
        progs[2] = compile_random(&src, MPCC_SUBS_ALWAYS, 2, seed, why);
    if (progs[2] == NULL) {
        ok = 0;
        goto out;
    }
    *n_with_calls += progs[1]->circ->n_calls > 0;
    for (int trial = 0; trial < 6 && ok; trial++) {
        u128 in[4];
        struct values_set *set = values_set_new(progs[0]->iface, VALUES_ANY_PARTY, &err);
        ck_assert_ptr_nonnull(set);
        for (int i = 0; i < p->n_in; i++) {
            in[i] = rand_value(&p->r, p->in_t[i]);
            struct buf a = { NULL, 0, 0 };
            bput(&a, "x%d=", i);
            value_text(&a, p->in_t[i], in[i]);
            ck_assert_msg(values_set_assign(set, a.s, &err) == MPCC_OK, "%s: %s", a.s, err.msg);
            free(a.s);
        }
        struct env e = { in, { 0 }, p->k_const };
        run_stmts(p, &st, &e);
        if (trial == 0 && seed % BMR_EVERY == 0)
            check_bmr(progs[1], set, seed);
        for (int v = 0; v < 3 && ok; v++) {
            uint8_t **outs = NULL;
            ck_assert_msg(mpcc_eval_plain(progs[v], set, &outs, &err) == MPCC_OK, "%s", err.msg);
            for (int k = 0; k < st.n_out && ok; k++) {
                struct rty t = st.outs[k]->t;
                u128 want = ev(p, &e, st.outs[k]), got = 0;
                ck_assert_uint_eq(progs[v]->circ->output_widths[k], t.w);
                for (unsigned i = 0; i < t.w; i++)
                    got |= (u128)(outs[k][i] & 1) << i;
                if (got != want) {
                    bput(why, "seed %llu: output o%d differs%s (inputs:", (unsigned long long)seed, k, form[v]);
                    for (int i = 0; i < p->n_in; i++) {
                        bput(why, " x%d=", i);
                        value_text(why, p->in_t[i], in[i]);
                    }
                    bput(why, "): got ");
                    value_text(why, t, got);
                    bput(why, ", want ");
                    value_text(why, t, want);
                    bput(why, "\n%s", src.s);
                    ok = 0;
                }
            }
            mpcc_free_outputs(progs[v], outs);
        }
        values_set_free(set);
    }
out:
    for (int v = 0; v < 3; v++)
        prog_free(progs[v]);
    free(src.s);
    return ok;
}

START_TEST(random_programs_compile_and_match_the_reference)
{
    const char *n_env = getenv("MPCC_RANDOM_PROGRAMS");
    const char *seed_env = getenv("MPCC_RANDOM_SEED");
    long n = n_env ? strtol(n_env, NULL, 10) : 2000;
    uint64_t seed0 = seed_env ? strtoull(seed_env, NULL, 10) : 1;
    int failures = 0;
    struct buf why = { NULL, 0, 0 };
    struct prog *p = malloc(sizeof *p); /* large: not on the stack */
    ck_assert_ptr_nonnull(p);
    bput(&why, "%s", "");
    long n_with_calls = 0;
    for (long i = 0; i < n && failures < 5; i++) {
        if (!check_one(p, seed0 + (uint64_t)i, &why, &n_with_calls))
            failures++;
    }
    free(p);
    printf("random programs: %ld run from seed %llu, %d failed, %ld with subcircuit calls\n", n,
           (unsigned long long)seed0, failures, n_with_calls);
    ck_assert_msg(failures == 0, "%s", why.s);
    /* The loops must make calls, or the second form tests nothing new. */
    ck_assert_msg(n < 200 || n_with_calls * 100 >= n, "only %ld of %ld programs have calls", n_with_calls, n);
    free(why.s);
}
END_TEST

static Suite *random_suite(void)
{
    Suite *s = suite_create("random_programs");
    TCase *tc = tcase_create("differential");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, random_programs_compile_and_match_the_reference);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(random_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
