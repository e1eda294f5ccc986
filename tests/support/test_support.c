/* test_support.c - helpers shared by the Check test programs (see test_support.h). */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <pthread.h>

#include "circuits/circuit.h"
#include "circuits/eval.h"
#include "compiler/compiler.h"
#include "runtime/bmr/bmr.h"
#include "runtime/net/net.h"

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

/* ---- N-party garbling in threads (ts_bmr_run) ---- */

struct bmr_job {
    struct bmr_config cfg;
    struct net_channel **chans; /* [n] */
    const uint8_t *inputs;
    uint8_t *outputs;
    struct mpcc_stats stats;
    struct mpcc_error err;
    enum mpcc_status st;
};

static void *bmr_party_main(void *arg)
{
    struct bmr_job *j = arg;
    j->st = bmr_run(&j->cfg, j->chans, j->inputs, j->outputs, &j->stats, &j->err);
    for (uint32_t k = 0; k < j->cfg.n_parties; k++)
        if (j->chans[k] != NULL) {
            if (j->st == MPCC_OK)
                net_close(j->chans[k]);
            else
                net_free(j->chans[k]);
            j->chans[k] = NULL;
        }
    return NULL;
}

unsigned ts_bmr_run(const struct circuit *c, uint32_t n, uint32_t ev,
                            const uint64_t *recipients, const uint8_t *in_bits, int cut)
{
    struct mpcc_error err = {0};
    uint32_t *owner = calloc(c->n_inputs + 1, sizeof *owner);
    struct bmr_job *jobs = calloc(n, sizeof *jobs);
    pthread_t *th = calloc(n, sizeof *th);
    ck_assert_ptr_nonnull(owner);
    ck_assert_ptr_nonnull(jobs);
    ck_assert_ptr_nonnull(th);
    for (uint32_t v = 0; v < c->n_inputs; v++)
        owner[v] = v % n;
    for (uint32_t p = 0; p < n; p++) {
        jobs[p].chans = calloc(n, sizeof *jobs[p].chans);
        jobs[p].outputs = calloc(c->n_output_bits + 1, 1);
        ck_assert_ptr_nonnull(jobs[p].chans);
        jobs[p].cfg = (struct bmr_config){.circ = c, .n_parties = n, .me = p, .evaluator = ev,
                                          .input_owner = owner, .recipients = recipients};
        memset(jobs[p].cfg.session, 0x5a, 32);
        jobs[p].inputs = in_bits;
    }
    for (uint32_t a = 0; a < n; a++)
        for (uint32_t b = a + 1; b < n; b++) {
            char na[16], nb[16];
            snprintf(na, sizeof na, "p%u", a);
            snprintf(nb, sizeof nb, "p%u", b);
            ck_assert_int_eq(net_mem_pair(na, nb, 20000, &jobs[a].chans[b], &jobs[b].chans[a],
                                          &err), MPCC_OK);
        }
    if (cut >= 0)
        for (uint32_t k = 0; k < n; k++)
            if (jobs[cut].chans[k] != NULL) {
                net_free(jobs[cut].chans[k]);
                jobs[cut].chans[k] = NULL;
            }
    for (uint32_t p = 0; p < n; p++)
        if ((int)p != cut)
            ck_assert_int_eq(pthread_create(&th[p], NULL, bmr_party_main, &jobs[p]), 0);
    for (uint32_t p = 0; p < n; p++)
        if ((int)p != cut)
            pthread_join(th[p], NULL);
    unsigned failed = 0;
    uint8_t *want = calloc(c->n_output_bits + 1, 1);
    ck_assert_ptr_nonnull(want);
    ck_assert_int_eq(circ_eval_bits(c, in_bits, want, &err), MPCC_OK);
    for (uint32_t p = 0; p < n; p++) {
        if ((int)p == cut)
            continue;
        if (jobs[p].st != MPCC_OK) {
            failed++;
            ck_assert_msg(jobs[p].err.msg[0] != '\0', "party %u failed without a message", p);
            continue;
        }
        uint64_t pos = 0;
        for (uint32_t v = 0; v < c->n_outputs; v++)
            for (uint32_t b = 0; b < c->output_widths[v]; b++, pos++) {
                uint8_t expect = (recipients[v] >> p) & 1 ? want[pos] : 0;
                ck_assert_msg(jobs[p].outputs[pos] == expect,
                              "n=%u ev=%u party %u output %u bit %u: got %u want %u", n, ev, p,
                              v, b, jobs[p].outputs[pos], expect);
            }
    }
    for (uint32_t p = 0; p < n; p++) {
        free(jobs[p].chans);
        free(jobs[p].outputs);
    }
    free(want);
    free(jobs);
    free(th);
    free(owner);
    return failed;
}

