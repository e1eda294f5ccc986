/* twopc.c - the two-party benchmark: a garbler and an evaluator in two
 * processes over loopback TCP, in TLS 1.3 as mpcrun by default or plain,
 * measuring set-up (base OT + first OT batch),
 * the latency of one AES-128 block after set-up (OT for the evaluator's 128
 * input bits, the garbler's labels, tables, output decoding), and streaming
 * throughput of AES-128, SHA-256 and a synthetic circuit of >= 100 million
 * AND gates, with bytes per AND and each process's peak RSS. Each circuit is
 * scheduled once (gc_plan_new, input-independent) before it is timed; its
 * instances stream through one session, so memory stays flat however many
 * gates pass.
 *
 *   bench_twopc [REPS] [SYNTH_MILLION_ANDS] [tls|plain]   (defaults 5, 100, tls)
 *
 * Each process prints `name value unit` lines (medians of REPS). Reference
 * figures from ../shared/REFERENCES.md, EMP-toolkit sh2pc 0.3.0 here: 12.6-13.3
 * M AND/s end to end, 0.96 ms single AES block, 19 ms set-up. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "circuits/bristol.h"
#include "circuits/compact.h"
#include "mpcc/mpcc.h"
#include "runtime/crypto/prg.h"
#include "runtime/gc/gc.h"
#include "runtime/net/net.h"
#include "runtime/net/net_tls.h"

#include <openssl/ssl.h>
#include "runtime/ot/ot.h"

/* The OT session id (any fixed one serves a benchmark; mpcrun uses the
 * handshake's). */
static const uint8_t bench_session[CRYPTO_SESSION_BYTES] = {0x62, 0x65, 0x6e, 0x63, 0x68};

#define MAX_REPS 31

struct party {
    int garbler;
    struct net_channel *ch;
    struct prg prg;
    struct gc_garbler *g;
    struct gc_evaluator *e;
    struct ot_cot_sender *ots;
    struct ot_cot_receiver *otr;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, const struct mpcc_error *err)
{
    fprintf(stderr, "bench_twopc: %s: %s\n", what, err->msg);
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static enum mpcc_status sink(void *ctx, const void *t, size_t len, struct mpcc_error *err)
{
    return net_send(ctx, t, len, err);
}

static enum mpcc_status source(void *ctx, void *buf, size_t len, struct mpcc_error *err)
{
    return net_recv(ctx, buf, len, "tables", err);
}

/* Both sides wait for each other so timings start together. */
static void sync_parties(struct party *p)
{
    struct mpcc_error err = {0};
    uint8_t b = 1;
    if (net_send(p->ch, &b, 1, &err) || net_flush(p->ch, &err) ||
        net_recv(p->ch, &b, 1, "sync", &err))
        die("sync", &err);
}

/* One full evaluation of c as a protocol instance inside the open session:
 * the evaluator's inputs (the second input value) through correlated OT, the
 * garbler's input labels, streamed tables, decoding bits to the evaluator. */
static void one_instance(struct party *p, const struct circuit *c, const struct gc_plan *plan,
                         int reps_of_gates)
{
    struct mpcc_error err = {0};
    uint32_t w0 = c->input_widths[0];
    uint32_t w1 = c->n_inputs > 1 ? (uint32_t)(c->n_input_bits - w0) : 0;
    uint32_t wmax = w0 > w1 ? w0 : w1;
    block *labels = malloc((wmax + 1) * sizeof *labels);
    uint8_t *bits = calloc(wmax / 8 + 1, 1);
    if (labels == NULL || bits == NULL) {
        fprintf(stderr, "bench_twopc: out of memory\n");
        exit(1);
    }
    enum mpcc_status st = MPCC_OK;
    if (p->garbler) {
        st = gc_garbler_random_labels(p->g, &p->prg, 0, w0, &err);
        for (uint32_t i = 0; st == MPCC_OK && i < w0; i++)
            labels[i] = gc_garbler_label(p->g, i, i & 1);
        if (st == MPCC_OK)
            st = net_send(p->ch, labels, w0 * sizeof(block), &err);
        if (st == MPCC_OK && w1)
            st = ot_send_correlated(p->ots, w1, labels, &err);
        for (uint32_t i = 0; st == MPCC_OK && i < w1; i++)
            st = gc_garbler_set_label(p->g, w0 + i, labels[i], &err);
        for (int r = 0; st == MPCC_OK && r < reps_of_gates; r++)
            st = gc_garble_plan(p->g, plan, sink, p->ch, &err);
        uint8_t d[1024];
        if (st == MPCC_OK && c->n_output_bits <= sizeof d)
            st = gc_garbler_decode_bits(p->g, c, d, &err);
        if (st == MPCC_OK)
            st = net_send(p->ch, d, c->n_output_bits <= sizeof d ? c->n_output_bits : 0, &err);
        if (st == MPCC_OK)
            st = net_flush(p->ch, &err);
        uint8_t ack;
        if (st == MPCC_OK)
            st = net_recv(p->ch, &ack, 1, "ack", &err);
    } else {
        st = net_recv(p->ch, labels, w0 * sizeof(block), "labels", &err);
        for (uint32_t i = 0; st == MPCC_OK && i < w0; i++)
            st = gc_evaluator_set_label(p->e, i, labels[i], &err);
        if (st == MPCC_OK && w1)
            st = ot_recv_correlated(p->otr, bits, w1, labels, &err);
        for (uint32_t i = 0; st == MPCC_OK && i < w1; i++)
            st = gc_evaluator_set_label(p->e, w0 + i, labels[i], &err);
        for (int r = 0; st == MPCC_OK && r < reps_of_gates; r++)
            st = gc_evaluate_plan(p->e, plan, source, p->ch, &err);
        uint8_t d[1024];
        if (st == MPCC_OK)
            st = net_recv(p->ch, d, c->n_output_bits <= sizeof d ? c->n_output_bits : 0,
                          "decoding bits", &err);
        uint8_t ack = 1;
        if (st == MPCC_OK)
            st = net_send(p->ch, &ack, 1, &err);
        if (st == MPCC_OK)
            st = net_flush(p->ch, &err);
    }
    free(labels);
    free(bits);
    if (st != MPCC_OK)
        die("instance", &err);
}

/* A synthetic circuit of layers of independent ANDs mixed with XORs over a
 * window of `width` live wires: n_and AND gates, as many XOR gates. */
static struct circuit *synthetic(uint64_t n_and, uint32_t width)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    if (c == NULL || circ_add_input(c, width / 2, &err) || circ_add_input(c, width / 2, &err) ||
        circ_reserve_gates(c, 2 * n_and, &err))
        die("synthetic circuit", &err);
    uint64_t x = 88172645463325252ull;
    for (uint64_t i = 0; i < n_and; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint32_t a = (uint32_t)(x % width), b = (uint32_t)((x >> 32) % width);
        uint32_t out = (uint32_t)(i % width);
        if (circ_add_gate(c, CIRC_AND, a, b, width + out % 64, &err) ||
            circ_add_gate(c, CIRC_XOR, width + out % 64, a == out ? b : out, out, &err))
            die("synthetic circuit", &err);
    }
    uint32_t outs[64];
    for (uint32_t i = 0; i < 64; i++)
        outs[i] = i;
    if (circ_add_output(c, 64, outs, &err))
        die("synthetic circuit", &err);
    return c;
}

static struct circuit *load(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/circuits/bristol/%s.txt", MPCC_SHARED_DIR, name);
    struct mpcc_error err = {0};
    struct circuit *c = circ_read_bristol_file(path, &err);
    if (c == NULL) {
        fprintf(stderr, "bench_twopc: skipping %s: %s\n", name, err.msg);
        return NULL;
    }
    if (circ_compact(c, &err))
        die("compact", &err);
    return c;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void report(struct party *p, const char *name, double value, const char *unit)
{
    printf("%s_%s %.4g %s\n", p->garbler ? "garbler" : "evaluator", name, value, unit);
    fflush(stdout);
}

/* Runs `reps` instances of c, repeating its gates `times` times inside each,
 * and reports the median time of one instance. */
static void measure(struct party *p, const char *name, const struct circuit *c, int reps,
                    int times)
{
    double t[MAX_REPS];
    struct mpcc_error err = {0};
    struct gc_plan *plan = gc_plan_new(c, 0, c->n_gates, &err); /* input-independent, once */
    if (plan == NULL)
        die("plan", &err);
    uint64_t bytes0 = net_bytes_sent(p->ch) + net_bytes_recv(p->ch);
    for (int r = 0; r < reps; r++) {
        sync_parties(p);
        double t0 = now();
        one_instance(p, c, plan, times);
        t[r] = now() - t0;
    }
    gc_plan_free(plan);
    uint64_t bytes = net_bytes_sent(p->ch) + net_bytes_recv(p->ch) - bytes0;
    double med = median(t, reps);
    uint64_t n_and = circ_count_op(c, CIRC_AND) * (uint64_t)times;
    char key[128];
    snprintf(key, sizeof key, "%s_time_ms", name);
    report(p, key, med * 1e3, "ms");
    snprintf(key, sizeof key, "%s_and_per_s", name);
    report(p, key, (double)n_and / med, "AND/s");
    snprintf(key, sizeof key, "%s_bytes_per_and", name);
    report(p, key, (double)bytes / (double)reps / (double)n_and, "B");
}

static void run_party(struct party *p, int reps, uint64_t synth_million)
{
    struct mpcc_error err = {0};
    struct circuit *aes = load("aes_128"), *sha = load("sha256");
    struct circuit *syn = synthetic(1000000, 4096);
    uint32_t n_wires = syn->n_wires;
    if (aes && aes->n_wires > n_wires)
        n_wires = aes->n_wires;
    if (sha && sha->n_wires > n_wires)
        n_wires = sha->n_wires;

    /* Set-up: salt, base OTs, first OT batch (after OpenSSL's lazy start-up,
     * which mpcc_2pc_run also does before connecting). */
    if (ot_warm_up(&err))
        die("warm-up", &err);
    sync_parties(p);
    double t0 = now();
    if (p->garbler) {
        if (prg_init_random(&p->prg, &err) || !(p->g = gc_garbler_new(n_wires, &p->prg, &err)))
            die("garbler", &err);
        block salt = gc_garbler_salt(p->g);
        if (net_send(p->ch, &salt, 16, &err) ||
            ot_cot_sender_new(p->ch, bench_session, gc_garbler_delta(p->g), &p->ots, &err))
            die("set-up", &err);
        report(p, "setup_base_ot_ms", (now() - t0) * 1e3, "ms");
        block first[128];
        if (ot_send_correlated(p->ots, 128, first, &err))
            die("first OT batch", &err);
    } else {
        block salt;
        if (net_recv(p->ch, &salt, 16, "salt", &err) ||
            !(p->e = gc_evaluator_new(n_wires, salt, &err)) ||
            ot_cot_receiver_new(p->ch, bench_session, &p->otr, &err))
            die("set-up", &err);
        report(p, "setup_base_ot_ms", (now() - t0) * 1e3, "ms");
        block first[128];
        uint8_t bits[16] = {0};
        if (ot_recv_correlated(p->otr, bits, 128, first, &err))
            die("first OT batch", &err);
    }
    report(p, "setup_ms", (now() - t0) * 1e3, "ms");

    if (aes) {
        measure(p, "aes128_single", aes, reps, 1);
        measure(p, "aes128_x1000", aes, reps, 1000);
    }
    if (sha) {
        measure(p, "sha256_single", sha, reps, 1);
        measure(p, "sha256_x100", sha, reps, 100);
    }
    measure(p, "synthetic", syn, reps < 3 ? reps : 3, (int)synth_million);
    report(p, "peak_rss_kib", (double)peak_rss_kib(), "KiB");
    circ_free(aes);
    circ_free(sha);
    circ_free(syn);
    gc_garbler_free(p->g);
    gc_evaluator_free(p->e);
    ot_cot_sender_free(p->ots);
    ot_cot_receiver_free(p->otr);
    prg_clear(&p->prg);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    long synth = argc > 2 ? atol(argv[2]) : 100;
    const char *link = argc > 3 ? argv[3] : "tls";
    int tls = strcmp(link, "tls") == 0;
    if (reps < 1 || reps > MAX_REPS || synth < 1 || synth > 100000 || (!tls && strcmp(link, "plain") != 0)) {
        fprintf(stderr, "usage: bench_twopc [REPS 1..%d] [SYNTH_MILLION_ANDS] [tls|plain]\n", MAX_REPS);
        return 2;
    }
    struct mpcc_error err = {0};
    if (crypto_check_cpu(&err))
        die("cpu", &err);
    struct net_listener *l = NULL;
    if (net_tcp_listen("127.0.0.1:0", &l, &err))
        die("listen", &err);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", net_listener_port(l));
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    struct party p = {.garbler = pid != 0};
    if (pid == 0) {
        net_listener_free(l);
        if (net_tcp_connect(addr, "garbler", 60000, &p.ch, &err))
            die("connect", &err);
    } else {
        printf("bench_twopc reps %d (medians), loopback %s, two processes\n", reps,
               tls ? "TLS 1.3 (ephemeral keys, the default of mpcrun)" : "plain TCP");
        if (net_tcp_accept(l, "evaluator", 60000, &p.ch, &err))
            die("accept", &err);
        net_listener_free(l);
    }
    if (tls) { /* what mpcrun does by default: TLS 1.3 on an ephemeral key */
        struct net_tls_config cfg = {0};
        struct net_channel *t = NULL;
        /* OpenSSL's one-time start-up (configuration, providers), paid once
         * per process by whatever uses TLS first: timed apart. */
        double ti = now();
        SSL_CTX_free(SSL_CTX_new(TLS_method()));
        if (p.garbler)
            printf("tls_openssl_init_ms %.2f ms\n", (now() - ti) * 1e3);
        double t0 = now();
        if (net_tls_wrap(p.ch, &cfg, p.garbler, &t, &err))
            die("TLS", &err);
        p.ch = t;
        if (p.garbler)
            printf("tls_handshake_ms %.2f ms\n", (now() - t0) * 1e3);
    }
    run_party(&p, reps, (uint64_t)synth);
    net_close(p.ch);
    if (pid != 0) {
        int status;
        waitpid(pid, &status, 0);
        printf("reference emp_sh2pc_and_per_s 1.3e7 AND/s, emp_aes_single_ms 0.96 ms, "
               "emp_setup_ms 19 ms\n");
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
    }
    return 0;
}
