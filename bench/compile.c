/* compile.c - compiler benchmark: compile time and peak memory of large
 * generated programs (an all-pairs multiply-accumulate of two parties'
 * arrays, about 3,000 gates per product), from source text to a finished
 * circuit. Prints `name value unit` lines, medians of REPS.
 *
 *   bench_compile [REPS] [N]    (defaults 3 and 64: N*N 32-bit products) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "circuits/circuit.h"
#include "compiler.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    int n = argc > 2 ? atoi(argv[2]) : 64;
    if (reps < 1 || reps > 15 || n < 1 || n > 1024) {
        fprintf(stderr, "usage: bench_compile [REPS 1..15] [N 1..1024]\n");
        return 2;
    }
    char src[1024];
    int len = snprintf(src, sizeof src,
                       "party a, b;\n"
                       "const N = %d;\n"
                       "input a uint32 x[N];\n"
                       "input b uint32 y[N];\n"
                       "uint32 acc = 0;\n"
                       "for i in 0..N { for j in 0..N { acc += x[i] * (y[j] ^ uint32(i)); } }\n"
                       "output all acc;\n",
                       n);
    double t[15];
    uint64_t gates = 0, ands = 0;
    for (int r = 0; r < reps; r++) {
        struct mpcc_program *p = NULL;
        struct mpcc_error err = {0};
        double t0 = now();
        if (mpcc_compile_source("bench.mpc", src, (size_t)len, NULL, &p, &err) != MPCC_OK) {
            fprintf(stderr, "bench_compile: %s\n", err.msg);
            return 1;
        }
        t[r] = now() - t0;
        gates = p->circ->n_gates;
        ands = circ_count_op(p->circ, CIRC_AND);
        prog_free(p);
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double med = t[reps / 2];
    printf("compile_program_products %d count\n", n * n);
    printf("compile_gates %llu gates\n", (unsigned long long)gates);
    printf("compile_and_gates %llu gates\n", (unsigned long long)ands);
    printf("compile_time_s %.3f s\n", med);
    printf("compile_gates_per_s %.3g gates/s\n", (double)gates / med);
    printf("compile_peak_rss_kib %ld KiB\n", ru.ru_maxrss);
    return 0;
}
