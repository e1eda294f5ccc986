/* test_support.c - helpers shared by the Check test programs (see test_support.h). */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "compiler/compiler.h"

const char *ts_shared_dir(void)
{
    static int warned; /* test-only: one message per test process */
    const char *dir = getenv("MPCC_SHARED_DIR");
#ifdef MPCC_SHARED_DIR
    if (dir == NULL || dir[0] == '\0')
        dir = MPCC_SHARED_DIR;
#endif
    if (dir != NULL) {
        char path[4096];
        snprintf(path, sizeof path, "%s/circuits/vectors.txt", dir);
        if (access(path, R_OK) == 0)
            return dir;
    }
    if (!warned) {
        warned = 1;
        fprintf(stderr, "SKIP: ../shared/circuits not found (set MPCC_SHARED_DIR); "
                        "tests on the reference circuits are skipped\n");
    }
    return NULL;
}

char *ts_read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    while (buf != NULL) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap)
            break;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (nb == NULL) {
            free(buf);
            buf = NULL;
        }
        buf = nb;
    }
    fclose(f);
    if (buf == NULL)
        return NULL;
    buf[len] = '\0';
    if (len_out != NULL)
        *len_out = len;
    return buf;
}

char *ts_write_temp(const char *text, size_t len)
{
    char tmpl[] = "/tmp/mpcc-test-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return NULL;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n <= 0) {
            close(fd);
            unlink(tmpl);
            return NULL;
        }
        done += (size_t)n;
    }
    close(fd);
    return strdup(tmpl);
}

static char *slurp_fd_file(FILE *f)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    rewind(f);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len <= 1) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
    }
    buf[len] = '\0';
    return buf;
}

int ts_run(const char *cmd, char **out, char **err)
{
    FILE *fo = tmpfile(), *fe = tmpfile();
    if (fo == NULL || fe == NULL) {
        if (fo) fclose(fo);
        if (fe) fclose(fe);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fclose(fo);
        fclose(fe);
        return -1;
    }
    if (pid == 0) {
        dup2(fileno(fo), 1);
        dup2(fileno(fe), 2);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    if (out != NULL)
        *out = slurp_fd_file(fo);
    if (err != NULL)
        *err = slurp_fd_file(fe);
    fclose(fo);
    fclose(fe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct mpcc_program *ts_compile(const char *src, struct mpcc_profile *prof)
{
    return ts_compile_mode(src, prof, MPCC_SUBS_AUTO);
}

struct mpcc_program *ts_compile_mode(const char *src, struct mpcc_profile *prof, enum mpcc_subcircuits mode)
{
    struct mpcc_program *p = NULL;
    struct mpcc_error err = {0};
    struct compile_options o = {0};
    o.diags = mpcc_diags_new();
    o.profile = prof;
    o.subcircuits = mode;
    o.stdlib_dir = MPCC_SOURCE_DIR "/stdlib";
    ck_assert_ptr_nonnull(o.diags);
    if (mpcc_compile_source("test.mpc", src, strlen(src), &o, &p, &err) != MPCC_OK) {
        char *t = mpcc_diags_render(o.diags);
        fprintf(stderr, "%s\n%s", err.msg, t ? t : "");
        free(t);
        mpcc_diags_free(o.diags);
        ck_abort_msg("compilation failed: %s", err.msg);
    }
    mpcc_diags_free(o.diags);
    return p;
}

int ts_run_tests(const char *name, const TTest *const *tests, size_t n, double timeout)
{
    Suite *s = suite_create(name);
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, timeout);
    for (size_t i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
