/* test_scale.c - programs at scale (issue 14): a compiled loop of K 64-bit
 * multiply-adds (`s = s * x[i % 16] + y[i % 16]`, about 3 568 AND gates an
 * iteration) keeps the size of its file and each party's memory flat in K.
 * Each size is compiled here, written, and run garbled by `mpcrun --local`
 * (both parties, one fresh process), checked against the same loop in C;
 * the process's peak RSS comes from wait4. At 10^6 and
 * 10^8 AND gates (10^5 and 10^7 under AddressSanitizer, whose quarantine
 * keeps freed memory resident, so only the answers are checked there). */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "circuits/circuit.h"
#include "circuits/program.h"
#include "compiler.h"

#if defined(__SANITIZE_ADDRESS__)
#define SCALE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCALE_SANITIZED 1
#endif
#endif
#ifndef SCALE_SANITIZED
#define SCALE_SANITIZED 0
#endif

static uint64_t scale_x(int i) { return 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1) | 1; }
static uint64_t scale_y(int i) { return 0xc2b2ae3d27d4eb4full ^ (uint64_t)i << 17; }

/* Compiles the loop of k iterations; *bytes gets its binary file size. */
static struct mpcc_program *scale_compile(long k, size_t *bytes)
{
    char src[512];
    snprintf(src, sizeof src,
             "party a, b;\ninput a uint64 x[16];\ninput b uint64 y[16];\nuint64 s = 1;\n"
             "for i in 0..%ld { s = s * x[i %% 16] + y[i %% 16]; }\noutput all s;\n", k);
    struct mpcc_error err = {0};
    struct mpcc_program *p = NULL;
    if (mpcc_compile_source("scale.mpc", src, strlen(src), NULL, &p, &err) != MPCC_OK) {
        fprintf(stderr, "compile: %s\n", err.msg);
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL || prog_write(p, m, &err) != MPCC_OK) {
        if (m != NULL)
            fclose(m);
        free(buf);
        prog_free(p);
        return NULL;
    }
    fclose(m);
    free(buf);
    *bytes = len;
    return p;
}

/* Writes the program for k to dir/scale_K.circ; its path into path. */
static void scale_write(long k, const char *dir, char *path, size_t n, size_t *bytes)
{
    struct mpcc_program *p = scale_compile(k, bytes);
    ck_assert_ptr_nonnull(p);
    snprintf(path, n, "%s/scale_%ld.circ", dir, k);
    struct mpcc_error err = {0};
    ck_assert_msg(prog_write_file(p, path, &err) == MPCC_OK, "%s", err.msg);
    prog_free(p);
}

/* Runs `mpcrun FILE --local` with the inputs in a fresh process (exec, so
 * nothing of this one counts), checks both parties print the C result, and
 * returns that process's peak RSS in KiB (wait4). */
static long scale_run(long k, const char *path)
{
    char xs[1024], ys[1024];
    int nx = snprintf(xs, sizeof xs, "a:x=["), ny = snprintf(ys, sizeof ys, "b:y=[");
    for (int i = 0; i < 16; i++) {
        nx += snprintf(xs + nx, sizeof xs - (size_t)nx, "%s%" PRIu64, i ? "," : "", scale_x(i));
        ny += snprintf(ys + ny, sizeof ys - (size_t)ny, "%s%" PRIu64, i ? "," : "", scale_y(i));
    }
    snprintf(xs + nx, sizeof xs - (size_t)nx, "]");
    snprintf(ys + ny, sizeof ys - (size_t)ny, "]");
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    fflush(stdout);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(MPCC_BINARY_DIR "/mpcrun", "mpcrun", path, "--local", "--input", xs, "--input", ys, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char out[256] = {0};
    size_t got = 0;
    ssize_t r;
    while (got < sizeof out - 1 && (r = read(fds[0], out + got, sizeof out - 1 - got)) > 0)
        got += (size_t)r;
    close(fds[0]);
    int status = 0;
    struct rusage ru;
    ck_assert_int_eq(wait4(pid, &status, 0, &ru), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "K = %ld: mpcrun --local failed (status %d)", k,
                  status);
    uint64_t want = 1;
    for (long i = 0; i < k; i++)
        want = want * scale_x((int)(i % 16)) + scale_y((int)(i % 16));
    char expect[128];
    snprintf(expect, sizeof expect, "[a]\ns = %" PRIu64 "\n[b]\ns = %" PRIu64 "\n", want, want);
    ck_assert_msg(strcmp(out, expect) == 0, "K = %ld: mpcrun printed [%s], C says [%s]", k, out, expect);
    return ru.ru_maxrss;
}

START_TEST(memory_and_file_flat_in_the_gate_count)
{
    const long small = SCALE_SANITIZED ? 28 : 280, big = small * 100;
    char dir[] = "/tmp/mpcc-scale-XXXXXX", small_path[256], big_path[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    size_t small_bytes = 0, big_bytes = 0;
    scale_write(small, dir, small_path, sizeof small_path, &small_bytes);
    scale_write(big, dir, big_path, sizeof big_path, &big_bytes);
    /* Past the inlined start (about 65 536 gates), iterations are one
     * repeated call per 16 (the x[i % 16] ranges wrap). */
    ck_assert_msg(big_bytes < 2 * small_bytes + 65536, "the file grows with K: %zu bytes at K = %ld, %zu at %ld",
                  small_bytes, small, big_bytes, big);
    long rss_small = scale_run(small, small_path);
    long rss_big = scale_run(big, big_path);
    unlink(small_path);
    unlink(big_path);
    rmdir(dir);
    printf("scale: K = %ld: %zu-byte file, peak RSS %ld KiB; K = %ld: %zu-byte file, peak RSS %ld KiB%s\n", small,
           small_bytes, rss_small, big, big_bytes, rss_big, SCALE_SANITIZED ? " (ASan: RSS not compared)" : "");
    if (!SCALE_SANITIZED)
        ck_assert_msg(rss_big <= 2 * rss_small, "peak RSS %ld KiB at K = %ld, %ld KiB at %ld", rss_small, small,
                      rss_big, big);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scale");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 500);
    tcase_add_test(tc, memory_and_file_flat_in_the_gate_count);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
