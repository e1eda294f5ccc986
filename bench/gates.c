/* gates.c - the compiler benchmark: AND counts of the built-in operations at
 * 8/16/32/64 bits against the Bristol Fashion reference circuits, and the
 * builder's speed and memory on a ~10-million-gate construction.
 * Prints machine-readable lines; does not garble or evaluate anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "circuits/builder.h"
#include "circuits/circuit.h"
#include "circuits/gadgets.h"

enum op { OP_ADD, OP_SUB, OP_NEG, OP_LT, OP_EQ, OP_MUX, OP_MUL, OP_MULFULL, OP_UDIV, OP_SDIV, OP_SHL, N_OPS };

static const struct {
    const char *name;
    long bristol64; /* AND gates of the Bristol Fashion circuit at 64 bits, -1 if none */
} ops[N_OPS] = {
    { "add", 63 },        /* adder64 */
    { "sub", 63 },        /* sub64 */
    { "neg", 62 },        /* neg64 */
    { "lt", -1 },
    { "eq", 63 },         /* zero_equal (x == 0, same AND count as x == y) */
    { "mux", -1 },
    { "mul", 4033 },      /* mult64 */
    { "mul_full", 8128 }, /* mult2_64 */
    { "udiv", 4285 },     /* udivide64 */
    { "sdiv", 4664 },     /* divide64 */
    { "shl-secret", -1 },
};

/* CPU time of this process: the machine may be shared, wall time is noisy. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* AND gates of op at width n after bld_finish; -1 on failure. */
static long count_ands(enum op op, uint32_t n)
{
    struct mpcc_error err = { 0 };
    struct bld *b = bld_new(&err);
    bld_wire x[64], y[64], out[128];
    long r = -1;
    if (b == NULL)
        return -1;
    bld_input(b, n, x);
    bld_input(b, n, y);
    uint32_t w = n;
    switch (op) {
    case OP_ADD: bld_add(b, n, x, y, out); break;
    case OP_SUB: bld_sub(b, n, x, y, out); break;
    case OP_NEG: bld_neg(b, n, x, out); break;
    case OP_LT: out[0] = bld_lt_u(b, n, x, y); w = 1; break;
    case OP_EQ: out[0] = bld_eq(b, n, x, y); w = 1; break;
    case OP_MUX: bld_mux_word(b, n, x[0], x, y, out); break;
    case OP_MUL: bld_mul(b, n, x, y, out); break;
    case OP_MULFULL: bld_mul_full(b, n, x, y, out); w = 2 * n; break;
    case OP_UDIV: bld_udivmod(b, n, x, y, out, NULL); break;
    case OP_SDIV: bld_sdivmod(b, n, x, y, out, NULL); break;
    case OP_SHL: bld_shl(b, n, x, n, y, out); break;
    default: break;
    }
    bld_output(b, w, out);
    struct circuit *c = bld_finish(b, &err);
    if (c != NULL)
        r = (long)circ_count_op(c, CIRC_AND);
    circ_free(c);
    bld_free(b);
    return r;
}

/* Chained 64-bit multiplications (acc = acc * x_i + y) until ~target gates. */
static int build_big(uint64_t target, double *t_build, double *t_finish, uint64_t *n_nodes,
                     uint64_t *n_gates, uint32_t *n_wires)
{
    struct mpcc_error err = { 0 };
    struct bld *b = bld_new(&err);
    bld_wire x[64], y[64], acc[64], t[64];
    if (b == NULL)
        return -1;
    double t0 = now_s();
    bld_input(b, 64, x);
    bld_input(b, 64, y);
    memcpy(acc, x, sizeof acc);
    while (bld_node_count(b) < target && !bld_failed(b)) {
        bld_mul(b, 64, acc, y, t);
        bld_add(b, 64, t, x, acc);
        bld_wire s = acc[0];
        memcpy(t, y, sizeof t);
        bld_mux_word(b, 64, s, x, t, y); /* vary the second operand too */
    }
    bld_output(b, 64, acc);
    double t1 = now_s();
    struct circuit *c = bld_finish(b, &err);
    double t2 = now_s();
    if (c == NULL) {
        fprintf(stderr, "bench_gates: %s\n", err.msg);
        bld_free(b);
        return -1;
    }
    *t_build = t1 - t0;
    *t_finish = t2 - t1;
    *n_nodes = bld_node_count(b);
    *n_gates = c->n_gates;
    *n_wires = c->n_wires;
    circ_free(c);
    bld_free(b);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    if (reps < 1 || reps > 15)
        reps = 3;
    static const uint32_t widths[] = { 8, 16, 32, 64 };
    printf("# op width ands bristol_ref (Bristol Fashion AND count at 64 bits, - if none)\n");
    for (int op = 0; op < N_OPS; op++)
        for (int k = 0; k < 4; k++) {
            long a = count_ands((enum op)op, widths[k]);
            if (widths[k] == 64 && ops[op].bristol64 >= 0)
                printf("%s %u %ld %ld\n", ops[op].name, widths[k], a, ops[op].bristol64);
            else
                printf("%s %u %ld -\n", ops[op].name, widths[k], a);
        }

    long rss0 = peak_rss_kib();
    double rate[15], tb = 0, tf = 0;
    uint64_t nodes = 0, gates = 0;
    uint32_t wires = 0;
    for (int r = 0; r < reps; r++) {
        if (build_big(10000000, &tb, &tf, &nodes, &gates, &wires) != 0)
            return 1;
        rate[r] = (double)gates / (tb + tf);
    }
    qsort(rate, (size_t)reps, sizeof rate[0], cmp_double);
    long rss1 = peak_rss_kib();
    printf("# builder on chained 64-bit mul/add/mux: %llu nodes, %llu gates, %d repetitions\n",
           (unsigned long long)nodes, (unsigned long long)gates, reps);
    printf("builder_gates_per_s %.0f gates/s (CPU time, build + finish)\n", rate[reps / 2]);
    printf("builder_build_time %.3f s (CPU)\n", tb);
    printf("builder_finish_time %.3f s (CPU)\n", tf);
    printf("builder_peak_rss %.1f MiB\n", (double)rss1 / 1024.0);
    printf("builder_bytes_per_node %.1f bytes\n", (double)(rss1 - rss0) * 1024.0 / (double)nodes);
    printf("builder_peak_live_wires %u wires\n", wires);
    return 0;
}
