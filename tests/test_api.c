/* test_api.c - the flat API of libmpcc.so (include/mpcc/api.h), linked
 * against the shared library itself: compile, interface JSON, plaintext
 * evaluation, every error path with its message, save/load, and a run of
 * two parties in two threads over loopback (TLS). The sanitizer build checks
 * it for leaks, which the Python tests (leak checks off) cannot. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpcc/api.h"
#include "test_support.h"

static const char prog_src[] =
    "party alice, bob;\n"
    "struct P { int8 x; bool f; }\n"
    "input alice uint16 a;\n"
    "input bob uint16 b;\n"
    "input bob P p[2];\n"
    "output all sum = a + b;\n"
    "output bob q = P { x: p[0].x - p[1].x, f: p[1].f };\n";

static mpcc_api_program *compile_ok(void)
{
    char err[512] = "";
    mpcc_api_program *p = mpcc_api_compile("t.mpc", prog_src, strlen(prog_src), NULL, 0, err,
                                           sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    return p;
}

START_TEST(compile_interface_and_eval)
{
    mpcc_api_program *p = compile_ok();
    char err[512] = "";
    char *f = mpcc_api_interface(p, err, sizeof err);
    ck_assert_msg(f != NULL, "%s", err);
    ck_assert_ptr_nonnull(strstr(f, "{\"parties\": [\"alice\", \"bob\"], \"inputs\": [{\"name\": "
                                    "\"a\", \"party\": \"alice\", \"type\": {\"spelling\": "
                                    "\"uint16\", \"kind\": \"uint\", \"width\": 16}}"));
    ck_assert_ptr_nonnull(strstr(f, "{\"name\": \"p\", \"party\": \"bob\", \"type\": "
                                    "{\"spelling\": \"P[2]\", \"kind\": \"array\", \"length\": 2, "
                                    "\"element\": {\"spelling\": \"P\", \"kind\": \"struct\", "
                                    "\"name\": \"P\", \"fields\": [{\"name\": \"x\", \"type\": "
                                    "{\"spelling\": \"int8\", \"kind\": \"int\", \"width\": 8}}"));
    ck_assert_ptr_nonnull(strstr(f, "{\"name\": \"q\", \"to\": [\"bob\"]"));
    mpcc_api_free(f);
    const char *in[] = {"alice:a=65535", "bob:b=2", "bob:p=[{x: -100, f: false}, {x: 100, f: true}]"};
    char *out = mpcc_api_eval(p, in, 3, err, sizeof err);
    ck_assert_msg(out != NULL, "%s", err);
    ck_assert_str_eq(out, "{\"alice\": {\"sum\": 1}, \"bob\": {\"sum\": 1, \"q\": {\"x\": 56, "
                          "\"f\": true}}}");
    mpcc_api_free(out);
    mpcc_api_program_free(p);
}
END_TEST

START_TEST(errors_carry_the_message)
{
    char err[512] = "";
    const char *bad = "party a, b;\ninput a uint8 x;\noutput all y = x +;\n";
    ck_assert_ptr_null(mpcc_api_compile("bad.mpc", bad, strlen(bad), NULL, 0, err, sizeof err));
    ck_assert_msg(strncmp(err, "bad.mpc:3:", 10) == 0, "%s", err);
    ck_assert_ptr_null(mpcc_api_compile_file("/nonexistent/x.mpc", NULL, 0, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "x.mpc"));
    ck_assert_ptr_null(mpcc_api_load("/nonexistent/x.circ", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "x.circ"));
    ck_assert_ptr_null(mpcc_api_compile(NULL, NULL, 0, NULL, 0, NULL, 0)); /* no buffer: fine */

    mpcc_api_program *p = compile_ok();
    const char *in[] = {"alice:a=70000", "bob:b=2"};
    ck_assert_ptr_null(mpcc_api_eval(p, in, 2, err, sizeof err));
    ck_assert_msg(strstr(err, "input 'a'") && strstr(err, "does not fit in uint16"), "%s", err);
    in[0] = "alice:a=1";
    ck_assert_ptr_null(mpcc_api_eval(p, in, 2, err, sizeof err));
    ck_assert_str_eq(err, "missing input 'p' (party bob)");
    /* a short buffer gets a truncated, terminated message */
    char tiny[8];
    ck_assert_ptr_null(mpcc_api_eval(p, in, 2, tiny, sizeof tiny));
    ck_assert_str_eq(tiny, "missing");
    ck_assert_int_ne(mpcc_api_save(p, "/nonexistent/dir/x.circ", 0, err, sizeof err), 0);
    struct mpcc_api_session s = {.party = "carol"};
    ck_assert_ptr_null(mpcc_api_run(p, &s, NULL, 0, err, sizeof err));
    ck_assert_str_eq(err, "party carol: this program has no party 'carol'");
    const char *names[] = {"alice", "bob"}, *addrs[] = {"127.0.0.1:1", "nowhere"};
    const char *mine[] = {"a=1"};
    s = (struct mpcc_api_session){.party = "alice", .roster_names = names,
                                  .roster_addrs = addrs, .n_roster = 2};
    ck_assert_ptr_null(mpcc_api_run(p, &s, mine, 1, err, sizeof err));
    ck_assert_msg(strstr(err, "'nowhere'") && strstr(err, "not HOST:PORT"), "%s", err);
    mpcc_api_program_free(p);
}
END_TEST

START_TEST(save_and_load_round_trip)
{
    mpcc_api_program *p = compile_ok();
    char err[512] = "", path[] = "/tmp/mpcc_test_apiXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(mpcc_api_save(p, path, 0, err, sizeof err), 0);
    mpcc_api_program *q = mpcc_api_load(path, err, sizeof err);
    ck_assert_msg(q != NULL, "%s", err);
    char *a = mpcc_api_interface(p, err, sizeof err), *b = mpcc_api_interface(q, err, sizeof err);
    ck_assert_str_eq(a, b); /* digest included */
    mpcc_api_free(a);
    mpcc_api_free(b);
    mpcc_api_program_free(q);
    mpcc_api_program_free(p);
    unlink(path);
}
END_TEST

/* ---- two parties, two threads ---- */

struct side {
    const mpcc_api_program *p;
    struct mpcc_api_session s;
    const char *in[2];
    size_t n_in;
    char *out;
    char err[512];
};

struct port_box {
    atomic_int port;
};

static void got_port(void *ctx, uint16_t port)
{
    atomic_store(&((struct port_box *)ctx)->port, port);
}

static void *side_main(void *arg)
{
    struct side *d = arg;
    d->out = mpcc_api_run(d->p, &d->s, d->in, d->n_in, d->err, sizeof d->err);
    return NULL;
}

START_TEST(two_parties_in_two_threads)
{
    mpcc_api_program *p = compile_ok();
    struct port_box box = {0};
    const char *names[] = {"alice", "bob"};
    const char *addrs_a[] = {"127.0.0.1:0", "127.0.0.1:0"};
    struct side a = {.p = p, .in = {"a=40000"}, .n_in = 1};
    a.s = (struct mpcc_api_session){.party = "alice", .roster_names = names,
                                    .roster_addrs = addrs_a, .n_roster = 2,
                                    .timeout_ms = 20000, .on_listen = got_port, .ctx = &box};
    pthread_t ta, tb;
    ck_assert_int_eq(pthread_create(&ta, NULL, side_main, &a), 0);
    for (int i = 0; i < 2000 && atomic_load(&box.port) == 0; i++)
        usleep(5000);
    ck_assert_int_ne(atomic_load(&box.port), 0);
    char alice_addr[32];
    snprintf(alice_addr, sizeof alice_addr, "127.0.0.1:%d", atomic_load(&box.port));
    const char *addrs_b[] = {alice_addr, "127.0.0.1:0"};
    struct side b = {.p = p, .in = {"b=30000", "p=[{x: 5, f: true}, {x: -7, f: false}]"},
                     .n_in = 2};
    b.s = (struct mpcc_api_session){.party = "bob", .roster_names = names,
                                    .roster_addrs = addrs_b, .n_roster = 2,
                                    .timeout_ms = 20000};
    ck_assert_int_eq(pthread_create(&tb, NULL, side_main, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    ck_assert_msg(a.out != NULL, "%s", a.err);
    ck_assert_msg(b.out != NULL, "%s", b.err);
    ck_assert_str_eq(a.out, "{\"sum\": 4464}");
    ck_assert_str_eq(b.out, "{\"sum\": 4464, \"q\": {\"x\": 12, \"f\": false}}");
    mpcc_api_free(a.out);
    mpcc_api_free(b.out);
    mpcc_api_program_free(p);
}
END_TEST

int main(void)
{
    const TTest *tests[] = {compile_interface_and_eval, errors_carry_the_message,
                            save_and_load_round_trip, two_parties_in_two_threads};
    return ts_run_tests("api", tests, sizeof tests / sizeof tests[0], 60);
}
