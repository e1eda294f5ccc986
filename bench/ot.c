/* bench/ot.c - OT speed between two processes over loopback TCP: 128 base OTs,
 * correlated OT for n = 10^3, 10^6, 10^7, random and chosen-message OT for
 * 10^7 (Mops/s, CPU ns per OT per side, bytes per OT), as `name value unit`
 * medians beside EMP-toolkit's figures. Usage: bench_ot [reps] (default 5). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/net/net.h"
#include "runtime/ot/ot.h"

/* The OT session id (any fixed one serves a benchmark; mpcrun uses the
 * handshake's). */
static const uint8_t bench_session[CRYPTO_SESSION_BYTES] = {0x62, 0x65, 0x6e, 0x63, 0x68};

#define BENCH_BATCH (1u << 20) /* OTs per call: output memory stays 16 MiB */
#define BENCH_MAX_REPS 15

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU seconds (user + system) this process has used. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* What each measurement runs: 0 correlated, 1 random, 2 chosen-message OT. */
static const struct bench_case {
    int mode;
    size_t n;
    const char *name;
} bench_cases[] = {{0, 1000, "cot"},   {0, 1000000, "cot"},       {0, 10000000, "cot"},
                   {1, 10000000, "rot"}, {2, 10000000, "chosen_ot"}};
#define BENCH_N_CASES (sizeof bench_cases / sizeof bench_cases[0])

static int fail(const char *who, const struct mpcc_error *err)
{
    fprintf(stderr, "bench_ot (%s): %s\n", who, err->msg);
    return 1;
}

/* The OT receiver (evaluator) and channel sink: the child process. */
static int run_receiver(const char *hp, int reps)
{
    struct mpcc_error err = {0};
    struct net_channel *ch = NULL;
    block *out = malloc(BENCH_BATCH * sizeof(block));
    uint8_t *choice = malloc(BENCH_BATCH / 8);
    int rc = 1;
    if (out == NULL || choice == NULL)
        goto out;
    for (size_t i = 0; i < BENCH_BATCH / 8; i++)
        choice[i] = (uint8_t)(i * 37 + 11);
    if (net_tcp_connect(hp, "sender", 30000, &ch, &err) != MPCC_OK) {
        fail("receiver", &err);
        goto out;
    }
    for (size_t k = 0; k < BENCH_N_CASES; k++)
        for (int r = 0; r < reps; r++) {
            const struct bench_case *bc = &bench_cases[k];
            struct ot_cot_receiver *rcv = NULL;
            double s0 = cpu_s();
            if (ot_cot_receiver_new(ch, bench_session, &rcv, &err) != MPCC_OK) {
                fail("receiver", &err);
                goto out;
            }
            double setup_cpu = cpu_s() - s0;
            if (net_send(ch, &setup_cpu, sizeof setup_cpu, &err) != MPCC_OK ||
                net_flush(ch, &err) != MPCC_OK) {
                ot_cot_receiver_free(rcv);
                fail("receiver", &err);
                goto out;
            }
            double c0 = cpu_s();
            uint64_t sent0 = net_bytes_sent(ch), recv0 = net_bytes_recv(ch);
            for (size_t done = 0; done < bc->n;) {
                size_t n = bc->n - done < BENCH_BATCH ? bc->n - done : BENCH_BATCH;
                enum mpcc_status st =
                    bc->mode == 0   ? ot_recv_correlated(rcv, choice, n, out, &err)
                    : bc->mode == 1 ? ot_recv_random(rcv, choice, n, out, &err)
                                    : ot_recv_chosen(rcv, choice, n, out, &err);
                if (st != MPCC_OK) {
                    ot_cot_receiver_free(rcv);
                    fail("receiver", &err);
                    goto out;
                }
                done += n;
            }
            /* CPU seconds and bytes on the wire (both ways; counted here,
             * where nothing of the next step can have been read ahead). */
            double used[2] = {cpu_s() - c0, (double)(net_bytes_sent(ch) - sent0 +
                                                     net_bytes_recv(ch) - recv0)};
            ot_cot_receiver_free(rcv);
            if (net_send(ch, used, sizeof used, &err) != MPCC_OK ||
                net_flush(ch, &err) != MPCC_OK) {
                fail("receiver", &err);
                goto out;
            }
        }
    rc = 0;
out:
    net_close(ch);
    free(out);
    free(choice);
    return rc;
}

static int run_sender(struct net_listener *l, int reps)
{
    struct mpcc_error err = {0};
    struct net_channel *ch = NULL;
    block *out = malloc(BENCH_BATCH * sizeof(block));
    block *out1 = malloc(BENCH_BATCH * sizeof(block));
    double base_ms[BENCH_N_CASES * BENCH_MAX_REPS], rate[BENCH_MAX_REPS], bpo = 0;
    double cpu_snd[BENCH_MAX_REPS], cpu_rcv[BENCH_MAX_REPS];
    double base_cpu_snd[BENCH_N_CASES * BENCH_MAX_REPS];
    double base_cpu_rcv[BENCH_N_CASES * BENCH_MAX_REPS];
    int rc = 1;
    if (out == NULL || out1 == NULL)
        goto out;
    memset(out, 0x5a, BENCH_BATCH * sizeof(block));
    memset(out1, 0xa5, BENCH_BATCH * sizeof(block));
    if (net_tcp_accept(l, "receiver", 30000, &ch, &err) != MPCC_OK) {
        fail("sender", &err);
        goto out;
    }
    int nb = 0;
    for (size_t k = 0; k < BENCH_N_CASES; k++) {
        const struct bench_case *bc = &bench_cases[k];
        for (int r = 0; r < reps; r++) {
            struct ot_cot_sender *snd = NULL;
            double t0 = now_s(), s0 = cpu_s(), rcv_setup = 0;
            if (ot_cot_sender_new(ch, bench_session, blk_from_u64(0x0123456789abcdefull, 0xfedcba9876543211ull),
                                  &snd, &err) != MPCC_OK) {
                fail("sender", &err);
                goto out;
            }
            base_cpu_snd[nb] = (cpu_s() - s0) * 1e3;
            if (net_recv(ch, &rcv_setup, sizeof rcv_setup, "receiver's set-up mark", &err) !=
                MPCC_OK) {
                ot_cot_sender_free(snd);
                fail("sender", &err);
                goto out;
            }
            double t1 = now_s(); /* both sides have finished the base OTs */
            double c1 = cpu_s(), rcv_used[2] = {0, 0};
            for (size_t done = 0; done < bc->n;) {
                size_t n = bc->n - done < BENCH_BATCH ? bc->n - done : BENCH_BATCH;
                enum mpcc_status st = bc->mode == 0 ? ot_send_correlated(snd, n, out, &err)
                                      : bc->mode == 1 ? ot_send_random(snd, n, out, out1, &err)
                                                      : ot_send_chosen(snd, n, out, out1, &err);
                if (st != MPCC_OK) {
                    ot_cot_sender_free(snd);
                    fail("sender", &err);
                    goto out;
                }
                done += n;
            }
            cpu_snd[r] = (cpu_s() - c1) * 1e9 / (double)bc->n;
            ot_cot_sender_free(snd);
            if (net_recv(ch, rcv_used, sizeof rcv_used, "receiver's done mark", &err) !=
                MPCC_OK) {
                fail("sender", &err);
                goto out;
            }
            double t2 = now_s();
            base_cpu_rcv[nb] = rcv_setup * 1e3;
            base_ms[nb++] = (t1 - t0) * 1e3;
            rate[r] = bc->n / (t2 - t1) / 1e6;
            bpo = rcv_used[1] / (double)bc->n;
            cpu_rcv[r] = rcv_used[0] * 1e9 / (double)bc->n;
        }
        printf("%s_ext_n%zu %.2f Mops/s\n", bc->name, bc->n, median(rate, reps));
        printf("%s_bytes_per_ot_n%zu %.2f bytes\n", bc->name, bc->n, bpo);
        printf("%s_cpu_sender_n%zu %.2f ns/OT\n", bc->name, bc->n, median(cpu_snd, reps));
        printf("%s_cpu_receiver_n%zu %.2f ns/OT\n", bc->name, bc->n, median(cpu_rcv, reps));
        fflush(stdout);
    }
    printf("base_ot_128 %.2f ms\n", median(base_ms, nb));
    printf("base_ot_128_cpu_cot_sender %.2f ms\n", median(base_cpu_snd, nb));
    printf("base_ot_128_cpu_cot_receiver %.2f ms\n", median(base_cpu_rcv, nb));
    printf("ref_emp_cot 33 Mops/s\nref_emp_rot 19 Mops/s\nref_emp_chosen_ot 12 Mops/s\n"
           "ref_emp_base_ot_128 16.5 ms\n");
    rc = 0;
out:
    net_close(ch);
    free(out);
    free(out1);
    return rc;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1 || reps > BENCH_MAX_REPS) {
        fprintf(stderr, "usage: bench_ot [reps 1..%d]\n", BENCH_MAX_REPS);
        return 2;
    }
    struct mpcc_error err = {0};
    struct net_listener *l = NULL;
    if (net_tcp_listen("127.0.0.1:0", &l, &err) != MPCC_OK)
        return fail("listen", &err);
    char hp[64];
    snprintf(hp, sizeof hp, "127.0.0.1:%u", net_listener_port(l));
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        net_listener_free(l);
        _exit(run_receiver(hp, reps));
    }
    int rc = run_sender(l, reps);
    net_listener_free(l);
    int status = 0;
    if (rc != 0)
        kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    return rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}
