/* garble.c - benchmark of the garbling engine, single-threaded, in memory:
 * the fixed-key AES ceiling of runtime/crypto, the MITCCRH kernels, and
 * garbling / evaluation rates (AND gates per second) through gc.h's API on
 * the AES-128 Bristol circuit (repeated) and on a synthetic circuit of 10
 * million AND gates. Prints `name value unit` lines, medians of repetitions.
 * Not a correctness test (tests/test_gc.c is), though it checks AES's output. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "circuits/bristol.h"
#include "circuits/circuit.h"
#include "circuits/compact.h"
#include "runtime/crypto/aes.h"
#include "runtime/crypto/hash.h"
#include "runtime/crypto/prg.h"
#include "runtime/gc/gc.h"

#define REPS 5

/* CPU time of this thread: the machine is shared, and single-core throughput
 * is what is measured; wall-clock figures would count other processes' time. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void die(const char *what, const struct mpcc_error *err)
{
    fprintf(stderr, "bench_garble: %s: %s\n", what, err->msg);
    exit(1);
}

/* Keeps results observable so the compiler cannot drop the work. */
static block sink_fold(block acc, const block *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        acc = blk_xor(acc, b[i]);
    return acc;
}

static double bench_aes(void (*enc)(const struct aes_key *, block *, size_t), block *acc)
{
    enum { N = 1024 };
    block buf[N];
    struct aes_key k;
    aes_expand_key(&k, blk_from_u64(1, 2));
    for (size_t i = 0; i < N; i++)
        buf[i] = blk_from_u64(i, i);
    double r[REPS];
    for (int rep = 0; rep < REPS; rep++) {
        const int iters = 20000;
        double t0 = now_s();
        for (int it = 0; it < iters; it++)
            enc(&k, buf, N);
        r[rep] = (double)N * iters / (now_s() - t0);
    }
    *acc = sink_fold(*acc, buf, N);
    return median(r, REPS);
}

static double bench_hash(int pairs, int vaes, block *acc)
{
    enum { N = 1024 };
    block buf[N];
    struct crypto_hash h;
    if (vaes)
        crypto_hash_init(&h, blk_from_u64(3, 4));
    else
        crypto_hash_init_aesni(&h, blk_from_u64(3, 4));
    for (size_t i = 0; i < N; i++)
        buf[i] = blk_from_u64(i, 7 * i);
    double r[REPS];
    uint64_t tw = 0;
    for (int rep = 0; rep < REPS; rep++) {
        const int iters = 5000;
        double t0 = now_s();
        for (int it = 0; it < iters; it++) {
            if (pairs)
                crypto_hash_pairs(&h, tw, buf, N / 2);
            else
                crypto_hash_singles(&h, tw, buf, N);
            tw += N;
        }
        r[rep] = (double)N * iters / (now_s() - t0);
    }
    *acc = sink_fold(*acc, buf, N);
    return median(r, REPS);
}

struct run_rates {
    double garble, eval; /* AND gates per second */
};

/* Garbles and evaluates c `times` times in one session, in gate ranges of
 * `range` gates through a reused table buffer; times garbling and evaluation
 * separately. Returns the evaluator's colour bits of the last run in colour. */
static struct run_rates run_circuit(const struct circuit *c, struct gc_plan *const *plans,
                                    int times, uint64_t range, const uint8_t *in_bits,
                                    uint8_t *colour, uint8_t *d, block *acc, enum gc_scheme scheme)
{
    struct mpcc_error err = {0};
    struct prg prg;
    if (prg_init_random(&prg, &err) != MPCC_OK)
        die("prg", &err);
    struct gc_garbler *g = gc_garbler_new(c->n_wires, &prg, &err);
    if (g == NULL)
        die("garbler", &err);
    struct gc_evaluator *e = gc_evaluator_new(c->n_wires, gc_garbler_salt(g), &err);
    if (e == NULL)
        die("evaluator", &err);
    if (gc_garbler_set_scheme(g, scheme, &prg, &err) != MPCC_OK ||
        gc_evaluator_set_scheme(e, scheme, &err) != MPCC_OK)
        die("scheme", &err);
    const size_t bpa = gc_scheme_table_bytes(scheme);
    size_t cap = (size_t)(range < c->n_gates ? range : c->n_gates) * GC_TABLE_BYTES_PER_AND;
    unsigned char *tab = malloc(cap ? cap : 1);
    if (tab == NULL) {
        fprintf(stderr, "bench_garble: out of memory\n");
        exit(1);
    }
    double tg = 0, te = 0;
    uint64_t n_and = 0;
    for (int t = 0; t < times; t++) {
        if (gc_garbler_random_labels(g, &prg, 0, (uint32_t)c->n_input_bits, &err) != MPCC_OK)
            die("labels", &err);
        for (uint32_t k = 0; k < c->n_input_bits; k++)
            gc_evaluator_set_label(e, k, gc_garbler_label(g, k, in_bits ? in_bits[k] : k & 1), &err);
        for (uint64_t b = 0; b < c->n_gates; b += range) {
            uint64_t end = b + range < c->n_gates ? b + range : c->n_gates;
            size_t len = 0, used = 0;
            const struct gc_plan *plan = plans ? plans[b / range] : NULL;
            double t0 = now_s();
            enum mpcc_status st = plan ? gc_garble_plan_to_buffer(g, plan, tab, cap, &len, &err)
                                       : gc_garble_to_buffer(g, c, b, end, tab, cap, &len, &err);
            if (st != MPCC_OK)
                die("garble", &err);
            double t1 = now_s();
            st = plan ? gc_evaluate_plan_from_buffer(e, plan, tab, len, &used, &err)
                      : gc_evaluate_from_buffer(e, c, b, end, tab, len, &used, &err);
            if (st != MPCC_OK)
                die("evaluate", &err);
            double t2 = now_s();
            tg += t1 - t0;
            te += t2 - t1;
            n_and += len / bpa;
        }
    }
    if (gc_garbler_decode_bits(g, c, d, &err) != MPCC_OK ||
        gc_evaluator_colour_bits(e, c, colour, &err) != MPCC_OK)
        die("decode", &err);
    *acc = blk_xor(*acc, gc_evaluator_label(e, c->output_wires[0]));
    free(tab);
    gc_evaluator_free(e);
    gc_garbler_free(g);
    prg_clear(&prg);
    return (struct run_rates){(double)n_and / tg, (double)n_and / te};
}

/* A synthetic circuit: 2^14 input wires reused as slots (256 KiB of labels,
 * like a renumbered circuit with 16 Ki live wires), n_and AND gates
 * and one XOR per 4 ANDs on random slots, outputs the last 128 gates. */
static struct circuit *synthetic(uint64_t n_and)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    const uint32_t W = 1u << 14;
    if (c == NULL || circ_add_input(c, W, &err) != MPCC_OK ||
        circ_reserve_gates(c, n_and + n_and / 4, &err) != MPCC_OK)
        die("synthetic circuit", &err);
    uint64_t s = 88172645463325252ULL;
    uint32_t outs[128];
    for (uint64_t i = 0; i < n_and + n_and / 4; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        uint32_t a = (uint32_t)s % W, b = (uint32_t)(s >> 20) % W, o = (uint32_t)(s >> 40) % W;
        if (circ_add_gate(c, i % 5 == 4 ? CIRC_XOR : CIRC_AND, a, b, o, &err) != MPCC_OK)
            die("synthetic circuit", &err);
        outs[i % 128] = o;
    }
    if (circ_add_output(c, 128, outs, &err) != MPCC_OK)
        die("synthetic circuit", &err);
    return c;
}

static void hex_bits(const char *hex, uint8_t *bits)
{
    /* A 128-bit value as a big-endian integer of its 16 bytes; bit i = wire i. */
    for (int i = 0; i < 128; i++) {
        int nib = 31 - i / 4;
        char ch = hex[nib];
        int v = ch <= '9' ? ch - '0' : ch - 'a' + 10;
        bits[i] = (uint8_t)((v >> (i % 4)) & 1);
    }
}

/* Usage: bench_garble [all|aes|synthetic] (default all). */
int main(int argc, char **argv)
{
    struct mpcc_error err = {0};
    const char *what = argc > 1 ? argv[1] : "all";
    int do_aes = strcmp(what, "synthetic") != 0, do_syn = strcmp(what, "aes") != 0;
    if (crypto_check_cpu(&err) != MPCC_OK)
        die("cpu", &err);
    block acc = blk_zero();
    int vaes = crypto_has_vaes();
    printf("cpu_has_vaes %d bool\n", vaes);

    double aes_ni = bench_aes(aes_encrypt_blocks_aesni, &acc);
    printf("aes_fixed_key_aesni_blocks_per_s %.3g blocks/s\n", aes_ni);
    double aes_best = aes_ni;
    if (vaes) {
        double aes_v = bench_aes(aes_encrypt_blocks_vaes, &acc);
        printf("aes_fixed_key_vaes_blocks_per_s %.3g blocks/s\n", aes_v);
        aes_best = aes_v > aes_ni ? aes_v : aes_ni;
    }
    printf("aes_fixed_key_blocks_per_s %.3g blocks/s\n", aes_best);
    printf("mitccrh_pairs_aesni_blocks_per_s %.3g blocks/s\n", bench_hash(1, 0, &acc));
    printf("mitccrh_singles_aesni_blocks_per_s %.3g blocks/s\n", bench_hash(0, 0, &acc));
    if (vaes) {
        printf("mitccrh_pairs_vaes_blocks_per_s %.3g blocks/s\n", bench_hash(1, 1, &acc));
        printf("mitccrh_singles_vaes_blocks_per_s %.3g blocks/s\n", bench_hash(0, 1, &acc));
    }

    /* (a) AES-128 circuit, repeated. */
    char path[4096];
    snprintf(path, sizeof path, "%s/circuits/bristol/aes_128.txt", MPCC_SHARED_DIR);
    struct circuit *aes = do_aes ? circ_read_bristol_file(path, &err) : NULL;
    double garble_aes = 0, eval_aes = 0;
    if (!do_aes) {
    } else if (aes == NULL) {
        printf("# skipping the AES-128 circuit: %s\n", err.msg);
    } else {
        uint8_t in[256], col[128], d[128], ct[128];
        hex_bits("000102030405060708090a0b0c0d0e0f", in);
        hex_bits("00112233445566778899aabbccddeeff", in + 128);
        hex_bits("69c4e0d86a7b0430d8cdb78070b4c55a", ct);
        const int times = 200;
        printf("aes128_circuit_and_gates %llu gates\n",
               (unsigned long long)circ_count_op(aes, CIRC_AND));
        /* The Bristol file as is (every wire its own slot), then compacted
         * (slots reused, as the compiler emits circuits: 1494 slots). */
        for (int compact = 0; compact < 2; compact++) {
            if (compact && circ_compact(aes, &err) != MPCC_OK)
                die("compact", &err);
            printf("aes128%s_wire_slots %u slots\n", compact ? "_compact" : "", aes->n_wires);
            struct gc_plan *plan = gc_plan_new(aes, 0, aes->n_gates, &err);
            if (plan == NULL)
                die("plan", &err);
            for (int planned = 0; planned < 2; planned++) {
                double rg[REPS], re[REPS];
                for (int rep = 0; rep < REPS; rep++) {
                    struct run_rates r = run_circuit(aes, planned ? &plan : NULL, times,
                                                     aes->n_gates, in, col, d, &acc, GC_HALF_GATES);
                    rg[rep] = r.garble;
                    re[rep] = r.eval;
                    for (int i = 0; i < 128; i++)
                        if (((col[i] ^ d[i]) & 1) != ct[i]) {
                            fprintf(stderr, "bench_garble: garbled AES-128 gave a wrong ciphertext\n");
                            return 1;
                        }
                }
                const char *how = planned ? "planned" : "unplanned";
                const char *which = compact ? "aes128_compact" : "aes128";
                double gm = median(rg, REPS), em = median(re, REPS);
                if (planned && !compact) {
                    garble_aes = gm;
                    eval_aes = em;
                }
                printf("garble_%s_%s_and_per_s %.3g AND/s\n", which, how, gm);
                printf("eval_%s_%s_and_per_s %.3g AND/s\n", which, how, em);
                printf("garble_%s_%s_ns_per_and %.2f ns\n", which, how, 1e9 / gm);
                printf("eval_%s_%s_ns_per_and %.2f ns\n", which, how, 1e9 / em);
            }
            gc_plan_free(plan);
        }
        printf("garble_aes128_and_per_s %.3g AND/s\n", garble_aes);
        printf("eval_aes128_and_per_s %.3g AND/s\n", eval_aes);
        circ_free(aes);
    }

    if (!do_syn)
        goto done;
    /* (b) synthetic, 10 M AND gates: on the fly in ranges of 64 Ki gates
     * (the streaming path, scheduling included), then from a plan built once
     * (its cost reported per gate). */
    const uint64_t n_and = 10u * 1000 * 1000;
    struct circuit *syn = synthetic(n_and);
    printf("synthetic_circuit_and_gates %llu gates\n", (unsigned long long)n_and);
    const uint64_t range = 1u << 16, n_ranges = (syn->n_gates + range - 1) / range;
    struct gc_plan **splans = calloc(n_ranges, sizeof *splans);
    if (splans == NULL)
        die("plans", &err);
    double t0 = now_s();
    for (uint64_t k = 0; k < n_ranges; k++) {
        uint64_t end = (k + 1) * range < syn->n_gates ? (k + 1) * range : syn->n_gates;
        if ((splans[k] = gc_plan_new(syn, k * range, end, &err)) == NULL)
            die("plan", &err);
    }
    printf("plan_ns_per_gate %.2f ns\n", 1e9 * (now_s() - t0) / (double)syn->n_gates);
    double gs = 0, gs_planned = 0, es_planned = 0;
    for (int planned = 0; planned < 2; planned++) {
        double rg[REPS], re[REPS];
        uint8_t col[128], d[128];
        for (int rep = 0; rep < REPS; rep++) {
            struct run_rates r = run_circuit(syn, planned ? splans : NULL, 1, range, NULL, col, d,
                                             &acc, GC_HALF_GATES);
            rg[rep] = r.garble;
            re[rep] = r.eval;
        }
        const char *how = planned ? "planned" : "unplanned";
        double gm = median(rg, REPS), em = median(re, REPS);
        if (!planned)
            gs = gm;
        else
            gs_planned = gm, es_planned = em;
        printf("garble_synthetic_%s_and_per_s %.3g AND/s\n", how, gm);
        printf("eval_synthetic_%s_and_per_s %.3g AND/s\n", how, em);
        printf("garble_synthetic_%s_ns_per_and %.2f ns\n", how, 1e9 / gm);
        printf("eval_synthetic_%s_ns_per_and %.2f ns\n", how, 1e9 / em);
    }
    printf("garble_synthetic_unplanned_to_aes_ceiling_ratio %.3f ratio\n", 4.0 * gs / aes_best);
    /* The names, for the planned path (plans built once, beforehand). */
    printf("garble_synthetic_and_per_s %.3g AND/s\n", gs_planned);
    printf("eval_synthetic_and_per_s %.3g AND/s\n", es_planned);
    printf("garble_to_aes_ceiling_ratio %.3f ratio\n", 4.0 * gs_planned / aes_best);
    { /* Three-halves, planned: 6 hashes per AND garbling, 3 evaluating. */
        double rg[REPS], re[REPS];
        uint8_t col[128], d[128];
        for (int rep = 0; rep < REPS; rep++) {
            struct run_rates r = run_circuit(syn, splans, 1, range, NULL, col, d, &acc, GC_THREE_HALVES);
            rg[rep] = r.garble;
            re[rep] = r.eval;
        }
        printf("garble_synthetic_threehalves_and_per_s %.3g AND/s\n", median(rg, REPS));
        printf("eval_synthetic_threehalves_and_per_s %.3g AND/s\n", median(re, REPS));
    }
    for (uint64_t k = 0; k < n_ranges; k++)
        gc_plan_free(splans[k]);
    free(splans);
    circ_free(syn);
done:
    printf("table_bytes_per_and %zu B\n", gc_scheme_table_bytes(GC_HALF_GATES));
    printf("table_bytes_per_and_threehalves %zu B\n", gc_scheme_table_bytes(GC_THREE_HALVES));
    if (garble_aes > 0)
        printf("garble_aes128_planned_to_aes_ceiling_ratio %.3f ratio\n", 4.0 * garble_aes / aes_best);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_rss_kib %ld KiB\n", ru.ru_maxrss);
    printf("ref_emp_garble_and_per_s 2.2e+07 AND/s\n");
    printf("ref_emp_eval_and_per_s 2.4e+07 AND/s\n");
    printf("# checksum %llx\n", (unsigned long long)(blk_lo64(acc) ^ blk_hi64(acc)));
    return 0;
}
