/* builder.c - the hash-consed AND/XOR graph behind builder.h and its
 * conversion to a struct circuit (dead-gate elimination, INV materialisation,
 * slot renumbering with reuse). Word-level gadgets live in gadgets_*.c.
 * Nodes are stored in creation order, which is a topological order. */
#include "circuits/builder.h"

#include <stdlib.h>
#include <string.h>

enum bld_op { BLD_OP_CONST = 0, BLD_OP_INPUT = 1, BLD_OP_AND = 2, BLD_OP_XOR = 3 };

/* A call's result bits are nodes (a, a) with a = BLD_CALLRES | call index:
 * like inputs they are not hashed and never operands' look-ahead matches
 * (inputs are (UINT32_MAX, UINT32_MAX); node ids stay below 2^30). */
#define BLD_CALLRES 0x80000000u

/* A node in 8 bytes, the op encoded in the operand order (operands always
 * differ): AND stores (x, y) with x < y, XOR stores (y, x); an input stores
 * (UINT32_MAX, UINT32_MAX) and the constant (0, 0). One cache line per probe. */
struct bld_node {
    uint32_t a, b;
};

static enum bld_op node_op(struct bld_node n)
{
    if (n.a < n.b)
        return BLD_OP_AND;
    if (n.a > n.b)
        return BLD_OP_XOR;
    return n.a == 0 ? BLD_OP_CONST : BLD_OP_INPUT;
}

static uint32_t node_lo(struct bld_node n)
{
    return n.a < n.b ? n.a : n.b;
}

static uint32_t node_hi(struct bld_node n)
{
    return n.a < n.b ? n.b : n.a;
}

#define BLD_TAG_BITS 0xC0000000u
#define BLD_DENSE_TAGS ((uint32_t)1 << 20)

struct bld_tag_run {
    uint32_t first_node; /* nodes from here on (until the next run) carry tag */
    uint32_t tag;
};

struct bld {
    /* Node i (XOR operands are never complemented). */
    uint32_t n_nodes, cap_nodes;
    struct bld_node *nodes;

    /* Open addressing on the node record; a slot holds a node id (below
     * 2^30) with two hash bits on top (BLD_TAG_BITS), 0 = empty. */
    uint32_t *table;
    uint32_t table_mask; /* capacity - 1 (power of two) */

    uint32_t n_inputs, cap_inputs; /* input values */
    uint32_t *input_widths;
    uint32_t n_input_bits;
    uint32_t *input_nodes; /* node id of input bit k */
    uint32_t cap_input_nodes;

    uint32_t n_outputs, cap_outputs;
    uint32_t *output_widths;
    uint64_t n_output_bits, cap_output_bits;
    bld_wire *output_wires;

    struct bld_tag_run *tags;
    uint32_t n_tags, cap_tags;
    /* After bld_finish: live ANDs per run, and per tag value when the tags
     * are small enough for a dense array (below BLD_DENSE_TAGS). */
    uint64_t *run_counts;
    uint64_t *tag_counts;
    uint32_t n_tag_counts;

    /* Calls: their records, argument wires, and a table for reusing
     * identical calls (call index + 1, 0 = empty). */
    struct bld_callrec {
        uint32_t callee, n_args, n_res, first_res; /* result k is node first_res + k */
        uint64_t args;                             /* offset in call_args */
    } *calls;
    uint32_t n_calls, cap_calls;
    bld_wire *call_args;
    uint64_t n_call_args, cap_call_args;
    uint32_t *call_table;
    uint32_t call_table_mask;
    struct circ_lib *lib;

    uint64_t n_and;
    atomic_uint_least64_t *progress; /* or NULL (bld_set_progress) */
    uint64_t and_reported;           /* n_and already added there */
    uint64_t peak_live;
    int failed;
    struct mpcc_error first_err;
};

/* AND nodes reach the progress counter in steps of this many (a power of 2). */
#define BLD_PROGRESS_STEP 4096u

/* Adds the AND nodes not yet reported to the progress counter. */
static void bld_report(struct bld *b)
{
    if (b->progress != NULL && b->n_and > b->and_reported)
        atomic_fetch_add_explicit(b->progress, b->n_and - b->and_reported, memory_order_relaxed);
    b->and_reported = b->n_and;
}

void bld_set_progress(struct bld *b, atomic_uint_least64_t *counter)
{
    bld_report(b);
    b->progress = counter;
}

void bld_note_error(struct bld *b, enum mpcc_status code, const char *what)
{
    if (b->failed)
        return;
    b->failed = 1;
    mpcc_error_set(&b->first_err, code, "builder: %s", what);
}

static int bld_grow(void **p, uint64_t *cap, uint64_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    uint64_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    if (nc > SIZE_MAX / elem)
        return 0;
    void *q = realloc(*p, (size_t)(nc * elem));
    if (q == NULL)
        return 0;
    *p = q;
    *cap = nc;
    return 1;
}

/* bld_grow for uint32_t capacities. */
static int bld_grow32(void **p, uint32_t *cap, uint64_t need, size_t elem)
{
    uint64_t c64 = *cap;
    if (need > UINT32_MAX)
        return 0;
    int ok = bld_grow(p, &c64, need, elem);
    if (ok)
        *cap = c64 > UINT32_MAX ? UINT32_MAX : (uint32_t)c64;
    return ok;
}

struct bld *bld_new(struct mpcc_error *err)
{
    struct bld *b = calloc(1, sizeof *b);
    if (b == NULL)
        goto fail;
    b->cap_nodes = 1024;
    b->nodes = malloc(b->cap_nodes * sizeof *b->nodes);
    b->table = calloc(2048, sizeof *b->table);
    b->tags = malloc(sizeof *b->tags);
    if (!b->nodes || !b->table || !b->tags)
        goto fail;
    b->table_mask = 2047;
    b->cap_tags = 1;
    b->n_tags = 1;
    b->tags[0].first_node = 0;
    b->tags[0].tag = 0;
    b->nodes[0].a = b->nodes[0].b = 0;
    b->n_nodes = 1;
    return b;
fail:
    bld_free(b);
    mpcc_error_set(err, MPCC_ERR_NOMEM, "builder: out of memory creating a builder");
    return NULL;
}

void bld_free(struct bld *b)
{
    if (b == NULL)
        return;
    bld_report(b);
    free(b->nodes);
    free(b->table);
    free(b->input_widths);
    free(b->input_nodes);
    free(b->output_widths);
    free(b->output_wires);
    free(b->tags);
    free(b->tag_counts);
    free(b->run_counts);
    free(b->calls);
    free(b->call_args);
    free(b->call_table);
    free(b);
}

int bld_failed(const struct bld *b)
{
    return b->failed;
}

int bld_is_const(bld_wire w)
{
    return w == BLD_FALSE || w == BLD_TRUE;
}

uint64_t bld_and_count(const struct bld *b)
{
    return b->n_and;
}

uint64_t bld_node_count(const struct bld *b)
{
    return b->n_nodes;
}

uint64_t bld_peak_live(const struct bld *b)
{
    return b->peak_live;
}

static uint32_t bld_hash(uint32_t a, uint32_t b)
{
    uint64_t h = (uint64_t)a << 32 | b; /* the 64-bit finaliser of MurmurHash3 */
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* Grows node arrays (and the table at > 50% load). 0 on failure (recorded). */
static int bld_reserve_node(struct bld *b)
{
    if (b->n_nodes >= BLD_MAX_NODES) {
        bld_note_error(b, MPCC_ERR_LIMIT, "more than 2^30 nodes");
        return 0;
    }
    if (b->n_nodes == b->cap_nodes) {
        uint32_t nc = b->cap_nodes * 2;
        struct bld_node *nn = realloc(b->nodes, (size_t)nc * sizeof *nn);
        if (nn == NULL) {
            bld_note_error(b, MPCC_ERR_NOMEM, "out of memory growing the node array");
            return 0;
        }
        b->nodes = nn;
        b->cap_nodes = nc;
    }
    if ((uint64_t)b->n_nodes * 2 >= (uint64_t)b->table_mask + 1) {
        uint32_t ncap = (b->table_mask + 1) * 2;
        uint32_t *t = calloc(ncap, sizeof *t);
        if (t == NULL) {
            bld_note_error(b, MPCC_ERR_NOMEM, "out of memory growing the hash table");
            return 0;
        }
        uint32_t mask = ncap - 1;
        /* Re-insert in node order: sequential reads of the node array. */
        for (uint32_t id = 1; id < b->n_nodes; id++) {
            if (b->nodes[id].a == b->nodes[id].b)
                continue; /* inputs are not hashed */
            uint32_t hv = bld_hash(b->nodes[id].a, b->nodes[id].b), h = hv & mask;
            while (t[h] != 0)
                h = (h + 1) & mask;
            t[h] = id | (hv & BLD_TAG_BITS);
        }
        free(b->table);
        b->table = t;
        b->table_mask = mask;
    }
    return 1;
}

/* The node (op, x, y) with x < y, found or created; returns its id, 0 on failure. */
static uint32_t bld_node(struct bld *b, uint32_t op, uint32_t x, uint32_t y)
{
    if (!bld_reserve_node(b))
        return 0;
    struct bld_node key;
    key.a = op == BLD_OP_AND ? x : y;
    key.b = op == BLD_OP_AND ? y : x;
    uint32_t hv = bld_hash(key.a, key.b), h = hv & b->table_mask;
    for (;;) {
        uint32_t e = b->table[h];
        if (e == 0)
            break;
        /* The entry's top bits are hash bits: most mismatches skip the node read. */
        uint32_t id = e & ~BLD_TAG_BITS;
        if ((e & BLD_TAG_BITS) == (hv & BLD_TAG_BITS) && b->nodes[id].a == key.a &&
            b->nodes[id].b == key.b)
            return id;
        h = (h + 1) & b->table_mask;
    }
    uint32_t id = b->n_nodes++;
    b->nodes[id] = key;
    b->table[h] = id | (hv & BLD_TAG_BITS);
    if (op == BLD_OP_AND && (++b->n_and & (BLD_PROGRESS_STEP - 1)) == 0 && b->progress)
        bld_report(b);
    return id;
}

bld_wire bld_not(struct bld *b, bld_wire x)
{
    (void)b;
    return x ^ 1u;
}

/* A wire this builder never made (an uninitialised variable in the caller). */
static int bld_bad_wires(struct bld *b, bld_wire x, bld_wire y)
{
    if ((x >> 1) < b->n_nodes && (y >> 1) < b->n_nodes)
        return 0;
    bld_note_error(b, MPCC_ERR_INVALID, "a wire that this builder did not create was used");
    return 1;
}

bld_wire bld_and(struct bld *b, bld_wire x, bld_wire y)
{
    if (b->failed || bld_bad_wires(b, x, y))
        return BLD_FALSE;
    if (x > y) {
        bld_wire t = x;
        x = y;
        y = t;
    }
    if (x == BLD_FALSE)
        return BLD_FALSE;
    if (x == BLD_TRUE || x == y)
        return y;
    if ((x ^ 1u) == y)
        return BLD_FALSE;
    /* One level of look-ahead: x & (x & z) = x & z, x & (~x & z) = 0. */
    for (int k = 0; k < 2; k++) {
        bld_wire p = k ? x : y, q = k ? y : x;
        struct bld_node nd = b->nodes[p >> 1];
        if ((p & 1u) == 0 && nd.a < nd.b) {
            if (nd.a == q || nd.b == q)
                return p;
            if (nd.a == (q ^ 1u) || nd.b == (q ^ 1u))
                return BLD_FALSE;
        }
    }
    uint32_t id = bld_node(b, BLD_OP_AND, x, y);
    return id ? (bld_wire)id << 1 : BLD_FALSE;
}

bld_wire bld_xor(struct bld *b, bld_wire x, bld_wire y)
{
    if (b->failed || bld_bad_wires(b, x, y))
        return BLD_FALSE;
    uint32_t c = (x ^ y) & 1u;
    x &= ~1u;
    y &= ~1u;
    if (x > y) {
        bld_wire t = x;
        x = y;
        y = t;
    }
    if (x == y)
        return c;
    if (x == BLD_FALSE)
        return y ^ c;
    /* One level of look-ahead: x ^ (x ^ z) = z. */
    struct bld_node ny = b->nodes[y >> 1], nx = b->nodes[x >> 1];
    if (ny.a > ny.b) {
        if (ny.a == x)
            return ny.b ^ c;
        if (ny.b == x)
            return ny.a ^ c;
    }
    if (nx.a > nx.b) {
        if (nx.a == y)
            return nx.b ^ c;
        if (nx.b == y)
            return nx.a ^ c;
    }
    uint32_t id = bld_node(b, BLD_OP_XOR, x, y);
    return id ? ((bld_wire)id << 1) ^ c : BLD_FALSE;
}

bld_wire bld_or(struct bld *b, bld_wire x, bld_wire y)
{
    return bld_and(b, x ^ 1u, y ^ 1u) ^ 1u;
}

bld_wire bld_mux(struct bld *b, bld_wire sel, bld_wire if1, bld_wire if0)
{
    if (sel == BLD_TRUE)
        return if1;
    if (sel == BLD_FALSE || if1 == if0)
        return if0;
    return bld_xor(b, if0, bld_and(b, sel, bld_xor(b, if1, if0)));
}

void bld_input(struct bld *b, uint32_t width, bld_wire *out)
{
    if (!b->failed && (uint64_t)b->n_input_bits + width > CIRC_MAX_WIRES / 2)
        bld_note_error(b, MPCC_ERR_LIMIT, "too many input bits");
    if (!b->failed && (!bld_grow32((void **)&b->input_widths, &b->cap_inputs,
                                   (uint64_t)b->n_inputs + 1, sizeof *b->input_widths) ||
                       !bld_grow32((void **)&b->input_nodes, &b->cap_input_nodes,
                                   (uint64_t)b->n_input_bits + width, sizeof *b->input_nodes)))
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory adding an input");
    if (b->failed) {
        for (uint32_t i = 0; i < width; i++)
            out[i] = BLD_FALSE;
        return;
    }
    b->input_widths[b->n_inputs++] = width;
    for (uint32_t i = 0; i < width; i++) {
        out[i] = BLD_FALSE;
        if (!bld_reserve_node(b))
            continue;
        uint32_t id = b->n_nodes++;
        b->nodes[id].a = b->nodes[id].b = UINT32_MAX; /* not hashed */
        b->input_nodes[b->n_input_bits++] = id;
        out[i] = (bld_wire)id << 1;
    }
}

void bld_output(struct bld *b, uint32_t width, const bld_wire *w)
{
    if (b->failed)
        return;
    if (width == 0 || b->n_output_bits + width > CIRC_MAX_WIRES) {
        bld_note_error(b, MPCC_ERR_LIMIT, "output width out of range");
        return;
    }
    if (!bld_grow32((void **)&b->output_widths, &b->cap_outputs, (uint64_t)b->n_outputs + 1,
                    sizeof *b->output_widths) ||
        !bld_grow((void **)&b->output_wires, &b->cap_output_bits, b->n_output_bits + width,
                  sizeof *b->output_wires)) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory adding an output");
        return;
    }
    for (uint32_t i = 0; i < width; i++)
        if (bld_bad_wires(b, w[i], BLD_FALSE))
            return;
    b->output_widths[b->n_outputs++] = width;
    memcpy(b->output_wires + b->n_output_bits, w, width * sizeof *w);
    b->n_output_bits += width;
}

void bld_set_lib(struct bld *b, struct circ_lib *lib)
{
    b->lib = lib;
}

uint32_t bld_call_count(const struct bld *b)
{
    return b->n_calls;
}

static uint32_t bld_call_hash(uint32_t callee, const bld_wire *args, uint32_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ callee;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ args[i]) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* The earlier identical call, or UINT32_MAX; *slot receives the table slot. */
static uint32_t bld_call_find(struct bld *b, uint32_t callee, const bld_wire *args, uint32_t n, uint32_t *slot)
{
    uint32_t h = bld_call_hash(callee, args, n) & b->call_table_mask;
    for (;; h = (h + 1) & b->call_table_mask) {
        uint32_t e = b->call_table[h];
        if (e == 0) {
            *slot = h;
            return UINT32_MAX;
        }
        const struct bld_callrec *r = &b->calls[e - 1];
        if (r->callee == callee && r->n_args == n &&
            memcmp(b->call_args + r->args, args, (size_t)n * sizeof *args) == 0)
            return e - 1;
    }
}

static int bld_call_table_grow(struct bld *b)
{
    if (b->call_table != NULL && (uint64_t)(b->n_calls + 1) * 2 <= (uint64_t)b->call_table_mask + 1)
        return 1;
    uint32_t cap = b->call_table ? (b->call_table_mask + 1) * 2 : 256;
    uint32_t *t = calloc(cap, sizeof *t);
    if (t == NULL)
        return 0;
    free(b->call_table);
    b->call_table = t;
    b->call_table_mask = cap - 1;
    for (uint32_t i = 0; i < b->n_calls; i++) {
        const struct bld_callrec *r = &b->calls[i];
        uint32_t slot;
        (void)bld_call_find(b, r->callee, b->call_args + r->args, r->n_args, &slot);
        b->call_table[slot] = i + 1;
    }
    return 1;
}

void bld_call(struct bld *b, uint32_t callee, const bld_wire *args, uint32_t n_args, uint32_t n_res,
              bld_wire *res)
{
    for (uint32_t k = 0; k < n_res; k++)
        res[k] = BLD_FALSE;
    if (b->failed)
        return;
    for (uint32_t k = 0; k < n_args; k++) {
        if (bld_bad_wires(b, args[k], BLD_FALSE))
            return;
        if (bld_is_const(args[k])) {
            bld_note_error(b, MPCC_ERR_INVALID, "a constant argument of a call (constants belong in the subcircuit)");
            return;
        }
    }
    if (b->n_calls >= BLD_CALLRES - 1) {
        bld_note_error(b, MPCC_ERR_LIMIT, "too many calls");
        return;
    }
    if (!bld_call_table_grow(b)) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory recording a call");
        return;
    }
    uint32_t slot, found = bld_call_find(b, callee, args, n_args, &slot);
    if (found != UINT32_MAX) {
        for (uint32_t k = 0; k < n_res; k++)
            res[k] = (bld_wire)(b->calls[found].first_res + k) << 1;
        return;
    }
    if (!bld_grow32((void **)&b->calls, &b->cap_calls, (uint64_t)b->n_calls + 1, sizeof *b->calls) ||
        !bld_grow((void **)&b->call_args, &b->cap_call_args, b->n_call_args + n_args, sizeof *b->call_args)) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory recording a call");
        return;
    }
    struct bld_callrec *r = &b->calls[b->n_calls];
    r->callee = callee;
    r->n_args = n_args;
    r->n_res = n_res;
    r->first_res = b->n_nodes;
    r->args = b->n_call_args;
    for (uint32_t k = 0; k < n_res; k++) {
        if (!bld_reserve_node(b))
            return;
        uint32_t id = b->n_nodes++;
        b->nodes[id].a = b->nodes[id].b = BLD_CALLRES | b->n_calls;
        res[k] = (bld_wire)id << 1;
    }
    memcpy(b->call_args + b->n_call_args, args, (size_t)n_args * sizeof *args);
    b->n_call_args += n_args;
    b->call_table[slot] = ++b->n_calls;
}

void bld_set_tag(struct bld *b, uint32_t tag)
{
    if (b->failed)
        return;
    struct bld_tag_run *last = &b->tags[b->n_tags - 1];
    if (last->tag == tag)
        return;
    if (last->first_node == b->n_nodes) {
        last->tag = tag;
        return;
    }
    if (!bld_grow32((void **)&b->tags, &b->cap_tags, (uint64_t)b->n_tags + 1, sizeof *b->tags)) {
        bld_note_error(b, MPCC_ERR_NOMEM, "out of memory recording a tag");
        return;
    }
    b->tags[b->n_tags].first_node = b->n_nodes;
    b->tags[b->n_tags].tag = tag;
    b->n_tags++;
}

uint64_t bld_tag_and_count(const struct bld *b, uint32_t tag)
{
    if (b->run_counts == NULL)
        return 0;
    if (b->tag_counts != NULL)
        return tag < b->n_tag_counts ? b->tag_counts[tag] : 0;
    uint64_t sum = 0; /* sparse tags: scan the runs */
    for (uint32_t t = 0; t < b->n_tags; t++)
        if (b->tags[t].tag == tag)
            sum += b->run_counts[t];
    return sum;
}

/* Counts live ANDs per tag (flags bit 0 = live). 0 on allocation failure. */
static int bld_count_tags(struct bld *b, const uint8_t *flags)
{
    uint32_t max_tag = 0;
    for (uint32_t t = 0; t < b->n_tags; t++)
        if (b->tags[t].tag > max_tag)
            max_tag = b->tags[t].tag;
    free(b->tag_counts);
    free(b->run_counts);
    b->tag_counts = NULL;
    b->n_tag_counts = 0;
    b->run_counts = calloc(b->n_tags, sizeof *b->run_counts);
    if (b->run_counts == NULL)
        return 0;
    if (max_tag < BLD_DENSE_TAGS) {
        b->tag_counts = calloc((size_t)max_tag + 1, sizeof *b->tag_counts);
        if (b->tag_counts == NULL)
            return 0;
        b->n_tag_counts = max_tag + 1;
    }
    for (uint32_t t = 0; t < b->n_tags; t++) {
        uint32_t end = t + 1 < b->n_tags ? b->tags[t + 1].first_node : b->n_nodes;
        uint64_t cnt = 0;
        for (uint32_t i = b->tags[t].first_node; i < end; i++)
            cnt += (flags[i] & 1u) && b->nodes[i].a < b->nodes[i].b;
        b->run_counts[t] = cnt;
        if (b->tag_counts != NULL)
            b->tag_counts[b->tags[t].tag] += cnt;
    }
    return 1;
}

/* Slot allocation state for bld_finish. */
struct bld_slots {
    uint32_t *free_list;
    uint32_t n_free;
    uint32_t next; /* first never-used slot */
    uint32_t run_budget; /* fresh slots left for result blocks */
};

static uint32_t bld_slot_take(struct bld_slots *s)
{
    return s->n_free ? s->free_list[--s->n_free] : s->next++;
}

/* One read of value w done: frees its slot when nothing reads it any more. */
static void bld_slot_release(struct bld_slots *s, uint32_t *refs, const uint32_t *slot, uint32_t w)
{
    if (refs[w] != UINT32_MAX && --refs[w] == 0)
        s->free_list[s->n_free++] = slot[w];
}

static int bld_is_callres(struct bld_node nd)
{
    return nd.a == nd.b && nd.a >= BLD_CALLRES && nd.a != UINT32_MAX;
}

static uint64_t bld_max_call_wires(const struct bld *b)
{
    uint64_t m = 0;
    for (uint32_t i = 0; i < b->n_calls; i++)
        if ((uint64_t)b->calls[i].n_args + b->calls[i].n_res > m)
            m = (uint64_t)b->calls[i].n_args + b->calls[i].n_res;
    return m;
}

/* n slots for a call's results into out, so that the results of a call
 * that updates a value in place land where that value was and a loop of
 * such calls keeps the same ranges (and merges into one repeated call):
 * the n most recently freed slots (typically the arguments the call just
 * released) as one block when they are consecutive, or in the order they
 * were freed when they form a few runs; when they are scattered (a value
 * made by inline code), a fresh block while the budget for those lasts,
 * after which every later update of that value is in place again. */
#define BLD_RUN_BUDGET ((uint32_t)1 << 16) /* fresh slots for result blocks */
#define BLD_FEW_RUNS 4

static void bld_slot_take_run(struct bld_slots *s, uint32_t n, uint32_t *out)
{
    if (n <= 1) {
        if (n == 1)
            out[0] = bld_slot_take(s);
        return;
    }
    uint32_t runs = UINT32_MAX;
    if (s->n_free >= n) {
        const uint32_t *recent = s->free_list + s->n_free - n;
        uint32_t lo = UINT32_MAX, hi = 0;
        runs = 1;
        for (uint32_t k = 0; k < n; k++) {
            lo = recent[k] < lo ? recent[k] : lo;
            hi = recent[k] > hi ? recent[k] : hi;
            runs += k > 0 && recent[k] != recent[k - 1] + 1;
        }
        if (hi - lo + 1 == n) {
            s->n_free -= n;
            for (uint32_t k = 0; k < n; k++)
                out[k] = lo + k;
            return;
        }
    }
    if (runs > BLD_FEW_RUNS && s->run_budget >= n) {
        s->run_budget -= n;
        for (uint32_t k = 0; k < n; k++)
            out[k] = s->next++;
        return;
    }
    if (runs != UINT32_MAX) {
        s->n_free -= n;
        memcpy(out, s->free_list + s->n_free, (size_t)n * sizeof *out);
        return;
    }
    for (uint32_t k = 0; k < n; k++)
        out[k] = bld_slot_take(s);
}

/* Emits live call ci: its arguments' slots (released before the results
 * take theirs: the callee reads all its arguments first), its results'. */
static enum mpcc_status bld_emit_call(struct bld *b, struct circuit *c, struct bld_slots *s, uint32_t *refs,
                                      uint32_t *slot, const uint8_t *flags, uint32_t ci, uint32_t *cw,
                                      struct mpcc_error *err)
{
    const struct bld_callrec *r = &b->calls[ci];
    const bld_wire *a = b->call_args + r->args;
    for (uint32_t k = 0; k < r->n_args; k++)
        cw[k] = slot[a[k]];
    for (uint32_t k = 0; k < r->n_args; k++)
        bld_slot_release(s, refs, slot, a[k]);
    bld_slot_take_run(s, r->n_res, cw + r->n_args);
    for (uint32_t k = 0; k < r->n_res; k++)
        slot[2 * (r->first_res + k)] = cw[r->n_args + k];
    enum mpcc_status st = circ_add_call(c, r->callee, cw, r->n_args, cw + r->n_args, r->n_res, err);
    if (st != MPCC_OK)
        return st;
    /* A result nothing reads frees its slot at once. */
    for (uint32_t k = 0; k < r->n_res; k++) {
        uint32_t id = r->first_res + k;
        if (!(flags[id] & 1u) || refs[2 * id] == 0)
            s->free_list[s->n_free++] = cw[r->n_args + k];
    }
    return MPCC_OK;
}

struct circuit *bld_finish(struct bld *b, struct mpcc_error *err)
{
    bld_report(b);
    struct circuit *c = NULL;
    uint8_t *flags = NULL;   /* per node: bit 0 live, bit 1 complement needed */
    uint32_t *refs = NULL;   /* per value (wire): reads still to come, UINT32_MAX = output */
    uint32_t *slot = NULL;   /* per value: its slot */
    uint32_t *owires = NULL; /* output slots */
    uint8_t *call_live = NULL;
    uint32_t *cw = NULL;     /* a call's argument and result slots */
    struct bld_slots s = { .run_budget = BLD_RUN_BUDGET };
    enum mpcc_status st = MPCC_OK;
    struct mpcc_error lerr;

    if (b->failed) {
        if (err)
            *err = b->first_err;
        return NULL;
    }
    uint32_t n = b->n_nodes;
    call_live = calloc(b->n_calls ? b->n_calls : 1, 1);
    cw = malloc(((size_t)bld_max_call_wires(b) + 1) * sizeof *cw);
    if (call_live == NULL || cw == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "builder: out of memory finishing the circuit");
        goto out;
    }
    flags = calloc(n, 1);
    refs = calloc((size_t)n * 2, sizeof *refs);
    slot = malloc((size_t)n * 2 * sizeof *slot);
    s.free_list = malloc(((size_t)n * 2 + 2) * sizeof *s.free_list);
    owires = malloc((b->n_output_bits ? b->n_output_bits : 1) * sizeof *owires);
    c = circ_new(&lerr);
    if (!flags || !refs || !slot || !s.free_list || !owires || !c) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "builder: out of memory finishing the circuit");
        goto out;
    }

    /* Liveness, backwards from the outputs (operands have smaller ids). A
     * call is live when any of its results is; its arguments are read once
     * each, when the scan reaches its first result node. */
    int need_const = 0;
    for (uint64_t k = 0; k < b->n_output_bits; k++) {
        bld_wire w = b->output_wires[k];
        flags[w >> 1] |= (uint8_t)(1u | ((w & 1u) << 1));
        refs[w] = UINT32_MAX;
        if (bld_is_const(w))
            need_const = 1;
    }
    uint64_t n_live_calls = 0;
    for (uint32_t i = n; i-- > 1;) {
        if (bld_is_callres(b->nodes[i])) {
            uint32_t ci = b->nodes[i].a & ~BLD_CALLRES;
            if (flags[i] & 1u)
                call_live[ci] = 1;
            if (i == b->calls[ci].first_res && call_live[ci]) {
                n_live_calls++;
                const bld_wire *a = b->call_args + b->calls[ci].args;
                for (uint32_t k = 0; k < b->calls[ci].n_args; k++) {
                    flags[a[k] >> 1] |= (uint8_t)(1u | ((a[k] & 1u) << 1));
                    if (refs[a[k]] != UINT32_MAX)
                        refs[a[k]]++;
                }
            }
            continue;
        }
        if (!(flags[i] & 1u) || b->nodes[i].a == b->nodes[i].b)
            continue;
        bld_wire x = b->nodes[i].a, y = b->nodes[i].b;
        flags[x >> 1] |= (uint8_t)(1u | ((x & 1u) << 1));
        flags[y >> 1] |= (uint8_t)(1u | ((y & 1u) << 1));
        if (refs[x] != UINT32_MAX)
            refs[x]++;
        if (refs[y] != UINT32_MAX)
            refs[y]++;
    }
    for (uint32_t i = 1; i < n; i++)
        if ((flags[i] & 2u) && refs[2 * i] != UINT32_MAX)
            refs[2 * i]++; /* the INV gate reads the positive value */
    if (need_const && b->n_input_bits == 0) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID,
                            "builder: a constant output needs at least one input wire");
        goto out;
    }

    for (uint32_t k = 0; k < b->n_inputs; k++)
        if ((st = circ_add_input(c, b->input_widths[k], err)) != MPCC_OK)
            goto out;
    /* Input bit k sits in slot k; unread inputs' slots are free at once. */
    s.next = b->n_input_bits;
    for (uint32_t k = b->n_input_bits; k-- > 0;) {
        uint32_t id = b->input_nodes[k];
        slot[2 * id] = k;
        if (refs[2 * id] == 0)
            s.free_list[s.n_free++] = k;
    }

    uint64_t n_gates = n_live_calls;
    for (uint32_t i = 1; i < n; i++)
        if (flags[i] & 1u)
            n_gates += (b->nodes[i].a != b->nodes[i].b) + ((flags[i] >> 1) & 1u);
    if ((st = circ_reserve_gates(c, n_gates + 2, err)) != MPCC_OK)
        goto out;
    if (b->n_calls > 0)
        circ_set_lib(c, b->lib);

    for (uint32_t i = 1; i < n; i++) {
        if (bld_is_callres(b->nodes[i])) {
            uint32_t ci = b->nodes[i].a & ~BLD_CALLRES;
            if (i == b->calls[ci].first_res && call_live[ci] &&
                (st = bld_emit_call(b, c, &s, refs, slot, flags, ci, cw, err)) != MPCC_OK)
                goto out;
        }
        if (!(flags[i] & 1u))
            continue;
        enum bld_op op = node_op(b->nodes[i]);
        if (op == BLD_OP_AND || op == BLD_OP_XOR) {
            bld_wire x = node_lo(b->nodes[i]), y = node_hi(b->nodes[i]);
            uint32_t o = bld_slot_take(&s);
            slot[2 * i] = o;
            st = circ_add_gate(c, op == BLD_OP_AND ? CIRC_AND : CIRC_XOR, slot[x], slot[y],
                               o, err);
            if (st != MPCC_OK)
                goto out;
            /* Released after the write: a gate never overwrites its own input. */
            bld_slot_release(&s, refs, slot, x);
            bld_slot_release(&s, refs, slot, y);
        }
        if (flags[i] & 2u) {
            uint32_t o = bld_slot_take(&s);
            slot[2 * i + 1] = o;
            if ((st = circ_add_gate(c, CIRC_INV, slot[2 * i], slot[2 * i], o, err)) != MPCC_OK)
                goto out;
            bld_slot_release(&s, refs, slot, 2 * i);
        }
    }
    if (need_const) {
        /* XOR of any written slot with itself is 0, whatever it holds now. */
        uint32_t o = bld_slot_take(&s);
        slot[0] = o;
        if ((st = circ_add_gate(c, CIRC_XOR, 0, 0, o, err)) != MPCC_OK)
            goto out;
        if (flags[0] & 2u) {
            slot[1] = bld_slot_take(&s);
            if ((st = circ_add_gate(c, CIRC_INV, o, o, slot[1], err)) != MPCC_OK)
                goto out;
        }
    }
    for (uint64_t k = 0; k < b->n_output_bits; k++)
        owires[k] = slot[b->output_wires[k]];
    uint64_t off = 0;
    for (uint32_t k = 0; k < b->n_outputs; k++) {
        if ((st = circ_add_output(c, b->output_widths[k], owires + off, err)) != MPCC_OK)
            goto out;
        off += b->output_widths[k];
    }
    if (!bld_count_tags(b, flags)) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "builder: out of memory counting tags");
        goto out;
    }
    if (c->n_calls > 1 && (st = circ_merge_calls(c, err)) != MPCC_OK)
        goto out;
    b->peak_live = c->n_wires;
out:
    free(call_live);
    free(cw);
    free(flags);
    free(refs);
    free(slot);
    free(s.free_list);
    free(owires);
    if (st != MPCC_OK) {
        circ_free(c);
        c = NULL;
    }
    return c;
}
