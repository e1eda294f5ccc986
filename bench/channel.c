/* bench/channel.c - channel throughput between two processes over loopback:
 * plain TCP and TLS 1.3 with mutual authentication (certificates made with
 * the openssl command in a temporary folder). Prints `name value unit`
 * lines, medians of the repetitions. Usage: bench_channel [reps] [MiB]. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/net/net.h"
#include "runtime/net/net_tls.h"

#define CHUNK (1u << 20)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int fail(const char *who, const struct mpcc_error *err)
{
    fprintf(stderr, "bench_channel (%s): %s\n", who, err->msg);
    return 1;
}

static int make_channel(int is_server, struct net_listener *l, const char *hp, int tls,
                        const char *dir, struct net_channel **ch, struct mpcc_error *err)
{
    enum mpcc_status st = is_server ? net_tcp_accept(l, "client", 30000, ch, err)
                                    : net_tcp_connect(hp, "server", 30000, ch, err);
    if (st != MPCC_OK || !tls)
        return st != MPCC_OK;
    char cert[256], key[256], ca[256];
    snprintf(cert, sizeof cert, "%s/%s.pem", dir, is_server ? "s" : "c");
    snprintf(key, sizeof key, "%s/%s.key", dir, is_server ? "s" : "c");
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    struct net_tls_config cfg = {.cert_file = cert, .key_file = key, .ca_file = ca};
    struct net_channel *tcp = *ch;
    *ch = NULL;
    return net_tls_wrap(tcp, &cfg, is_server, ch, err) != MPCC_OK;
}

/* Client sends total bytes per repetition; server acknowledges each. */
static int run(int is_server, struct net_listener *l, const char *hp, const char *dir, int reps,
               uint64_t total)
{
    struct mpcc_error err = {0};
    uint8_t *buf = calloc(1, CHUNK), ack = 1;
    double rate[2][16];
    if (buf == NULL)
        return 1;
    for (int tls = 0; tls < 2; tls++) {
        if (tls && dir == NULL)
            break;
        struct net_channel *ch = NULL;
        if (make_channel(is_server, l, hp, tls, dir, &ch, &err)) {
            free(buf);
            return fail(is_server ? "server" : "client", &err);
        }
        for (int r = 0; r < reps; r++) {
            double t0 = now_s();
            enum mpcc_status st = MPCC_OK;
            for (uint64_t done = 0; done < total && st == MPCC_OK; done += CHUNK)
                st = is_server ? net_recv(ch, buf, CHUNK, "benchmark data", &err)
                               : net_send(ch, buf, CHUNK, &err);
            if (st == MPCC_OK)
                st = is_server ? net_send(ch, &ack, 1, &err)
                               : net_recv(ch, &ack, 1, "acknowledgement", &err);
            if (st == MPCC_OK && is_server)
                st = net_flush(ch, &err);
            if (st != MPCC_OK) {
                net_free(ch);
                free(buf);
                return fail(is_server ? "server" : "client", &err);
            }
            rate[tls][r] = (double)total / (now_s() - t0) / 1e9;
        }
        net_close(ch);
        if (!is_server) {
            qsort(rate[tls], (size_t)reps, sizeof(double), cmp_double);
            printf("%s_channel_throughput %.2f GB/s\n", tls ? "tls" : "tcp", rate[tls][reps / 2]);
            fflush(stdout);
        }
    }
    if (!is_server)
        printf("ref_iperf3_loopback 2.3 GB/s\n");
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    long mib = argc > 2 ? atol(argv[2]) : 1024;
    if (reps < 1 || reps > 15 || mib < 1) {
        fprintf(stderr, "usage: bench_channel [reps 1..15] [MiB per repetition]\n");
        return 2;
    }
    char dir[] = "/tmp/mpcc_bench_tls_XXXXXX", cmd[1024];
    int have_dir = mkdtemp(dir) != NULL;
    if (have_dir) {
        snprintf(cmd, sizeof cmd,
                 "(cd '%s' && ec='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes' && "
                 "openssl req -x509 $ec -keyout ca.key -out ca.pem -days 1 -subj /CN=ca && "
                 "for p in s c; do openssl req $ec -keyout $p.key -out $p.csr -subj /CN=$p && "
                 "openssl x509 -req -in $p.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                 "-out $p.pem -days 1 || exit 1; done) >/dev/null 2>&1",
                 dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_channel: no TLS certificates (openssl failed); TCP only\n");
    }
    struct mpcc_error err = {0};
    struct net_listener *l = NULL;
    if (net_tcp_listen("127.0.0.1:0", &l, &err) != MPCC_OK)
        return fail("listen", &err);
    char hp[64];
    snprintf(hp, sizeof hp, "127.0.0.1:%u", net_listener_port(l));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        net_listener_free(l);
        _exit(run(0, NULL, hp, have_dir ? dir : NULL, reps, (uint64_t)mib << 20));
    }
    int rc = run(1, l, hp, have_dir ? dir : NULL, reps, (uint64_t)mib << 20);
    net_listener_free(l);
    int status = 0;
    if (rc != 0)
        kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    if (have_dir) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_channel: could not remove %s\n", dir);
    }
    return rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}
