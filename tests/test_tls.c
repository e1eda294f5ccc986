/* test_tls.c - TLS 1.3 with mutual authentication, certificates made at test
 * time by the openssl command: valid peers connect (CA and pinned); a wrong
 * CA, an expired certificate, a wrong name or pin, or a plain-TCP peer is
 * refused with a clear message on the refusing side. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/net/net.h"
#include "runtime/net/net_tls.h"
#include "test_support.h"

static char certdir[64];

/* CA "ca" signs alice, bob and an expired "old"; CA "rogue" signs mallory. */
static const char *make_certs_sh =
    "set -e; cd \"$D\"; "
    "ec='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'; "
    "for ca in ca rogue; do openssl req -x509 $ec -keyout $ca.key -out $ca.pem -days 2 "
    "  -subj /CN=test-$ca 2>/dev/null; done; "
    "leaf() { openssl req $ec -keyout $1.key -out $1.csr -subj /CN=$1 2>/dev/null; "
    "  openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -out $1.pem "
    "  -days $3 2>/dev/null; }; "
    "leaf alice ca 2; leaf bob ca 2; leaf old ca -1; leaf mallory rogue 2";

static int have_certs;

static void setup_certs(void)
{
    snprintf(certdir, sizeof certdir, "/tmp/mpcc_tls_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(certdir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "D='%s'; %s", certdir, make_certs_sh);
    have_certs = ts_run(cmd, NULL, NULL) == 0;
    if (!have_certs)
        fprintf(stderr, "test_tls: the openssl command could not make test certificates; "
                        "TLS tests skipped\n");
}

static void teardown_certs(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", certdir);
    (void)ts_run(cmd, NULL, NULL);
}

static char *path_of(const char *name, char *buf, size_t cap)
{
    if (name == NULL)
        return NULL;
    snprintf(buf, cap, "%s/%s", certdir, name);
    return buf;
}

struct party {
    const char *who, *ca, *pin, *peer_name;
    int is_server, plain;
    struct net_channel *ch;
    struct net_listener *l;
    char addr[64];
    enum mpcc_status st;
    struct mpcc_error err;
};

static void *party_run(void *arg)
{
    struct party *p = arg;
    char c[128], k[128], ca[128], pin[128], n[32];
    struct net_channel *tcp = NULL;
    if (p->is_server)
        p->st = net_tcp_accept(p->l, "client", 5000, &tcp, &p->err);
    else
        p->st = net_tcp_connect(p->addr, "server", 5000, &tcp, &p->err);
    if (p->st != MPCC_OK)
        return NULL;
    net_set_timeout(tcp, 1500);
    if (p->plain) { /* a peer that speaks our frames without TLS */
        p->st = net_send_frame(tcp, 1, "hello", 5, &p->err);
        if (p->st == MPCC_OK)
            p->st = net_flush(tcp, &p->err);
        uint8_t b;
        if (p->st == MPCC_OK)
            (void)net_recv(tcp, &b, 1, "anything", NULL);
        net_free(tcp);
        return NULL;
    }
    snprintf(n, sizeof n, "%s.pem", p->who);
    struct net_tls_config cfg = {.cert_file = path_of(n, c, sizeof c),
                                 .ca_file = path_of(p->ca, ca, sizeof ca),
                                 .peer_cert_file = path_of(p->pin, pin, sizeof pin),
                                 .peer_cert_name = p->peer_name};
    snprintf(n, sizeof n, "%s.key", p->who);
    cfg.key_file = path_of(n, k, sizeof k);
    p->st = net_tls_wrap(tcp, &cfg, p->is_server, &p->ch, &p->err);
    return NULL;
}

/* Runs server s and client c against each other over loopback. */
static void run_pair(struct party *s, struct party *c)
{
    struct mpcc_error err = {0};
    s->is_server = 1;
    ck_assert_int_eq(net_tcp_listen("127.0.0.1:0", &s->l, &err), MPCC_OK);
    snprintf(c->addr, sizeof c->addr, "127.0.0.1:%u", net_listener_port(s->l));
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, party_run, s), 0);
    party_run(c);
    pthread_join(t, NULL);
    net_listener_free(s->l);
}

/* A client whose certificate the server rejected: its handshake may finish
 * (it does not wait for the server's verdict before sending), but its first
 * read fails, saying why. The message, or NULL if it never failed. */
static const char *client_refusal(struct party *c)
{
    if (c->st != MPCC_OK)
        return c->err.msg;
    uint8_t b;
    c->st = net_recv(c->ch, &b, 1, "first data", &c->err);
    net_free(c->ch);
    c->ch = NULL;
    return c->st != MPCC_OK ? c->err.msg : NULL;
}

START_TEST(tls_mutual_auth_connects_and_carries_data)
{
    if (!have_certs)
        return;
    struct party s = {.who = "alice", .ca = "ca.pem", .peer_name = "bob"};
    struct party c = {.who = "bob", .ca = "ca.pem", .peer_name = "alice"};
    run_pair(&s, &c);
    ck_assert_msg(s.st == MPCC_OK, "server: %s", s.err.msg);
    ck_assert_msg(c.st == MPCC_OK, "client: %s", c.err.msg);
    ck_assert_str_eq(net_kind(s.ch), "tls");
    ck_assert_ptr_nonnull(strstr(net_peer(s.ch), "peer 'client' (127.0.0.1:"));
    /* Both ends export the same session binding; another session differs. */
    uint8_t xs[32], xc[32], x2[32];
    ck_assert_int_eq(net_tls_exporter(s.ch, xs), 1);
    ck_assert_int_eq(net_tls_exporter(c.ch, xc), 1);
    ck_assert_mem_eq(xs, xc, 32);
    struct party s2 = {.who = "alice", .ca = "ca.pem", .peer_name = "bob"};
    struct party c2 = {.who = "bob", .ca = "ca.pem", .peer_name = "alice"};
    run_pair(&s2, &c2);
    ck_assert_msg(s2.st == MPCC_OK && c2.st == MPCC_OK, "%s / %s", s2.err.msg, c2.err.msg);
    ck_assert_int_eq(net_tls_exporter(c2.ch, x2), 1);
    ck_assert_int_ne(memcmp(xs, x2, 32), 0);
    net_free(s2.ch);
    net_free(c2.ch);
    struct mpcc_error err = {0};
    size_t big = 1u << 20;
    uint8_t *buf = malloc(big), *back = malloc(big);
    ck_assert_ptr_nonnull(buf);
    ck_assert_ptr_nonnull(back);
    for (size_t i = 0; i < big; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    /* 1 MiB fits the socket buffers of loopback in both directions in turn. */
    ck_assert_int_eq(net_send_frame(c.ch, 9, buf, 1000, &err), MPCC_OK);
    ck_assert_int_eq(net_flush(c.ch, &err), MPCC_OK);
    size_t len = 0;
    ck_assert_int_eq(net_recv_frame(s.ch, 9, back, big, &len, "test frame", &err), MPCC_OK);
    ck_assert_uint_eq(len, 1000);
    ck_assert_int_eq(memcmp(buf, back, 1000), 0);
    net_close(s.ch);
    /* The server's close is seen as a closed connection, not a hang. */
    ck_assert_int_eq(net_recv(c.ch, back, 10, "more data", &err), MPCC_ERR_CLOSED);
    ck_assert_ptr_nonnull(strstr(err.msg, "connection closed while waiting for 10 bytes of "
                                 "more data (got 0)"));
    net_free(c.ch);
    free(buf);
    free(back);
}
END_TEST

START_TEST(tls_pinned_certificates_connect_and_mismatch_is_refused)
{
    if (!have_certs)
        return;
    struct party s = {.who = "alice", .pin = "bob.pem"};
    struct party c = {.who = "bob", .pin = "alice.pem"};
    run_pair(&s, &c);
    ck_assert_msg(s.st == MPCC_OK, "server: %s", s.err.msg);
    ck_assert_msg(c.st == MPCC_OK, "client: %s", c.err.msg);
    net_close(s.ch);
    net_close(c.ch);
    /* bob expects alice's certificate, but the server presents bob's own. */
    struct party s2 = {.who = "bob", .ca = "ca.pem"};
    struct party c2 = {.who = "bob", .ca = "ca.pem", .pin = "alice.pem"};
    run_pair(&s2, &c2);
    ck_assert_int_eq(c2.st, MPCC_ERR_CRYPTO);
    char want[256];
    snprintf(want, sizeof want, "its certificate is not the pinned one ('%s/alice.pem')",
             certdir);
    ck_assert_msg(strstr(c2.err.msg, want) != NULL, "%s", c2.err.msg);
    ck_assert_int_ne(s2.st, MPCC_OK);
    net_free(s2.ch);
}
END_TEST

START_TEST(tls_refuses_wrong_ca_expired_and_wrong_name)
{
    if (!have_certs)
        return;
    /* mallory's certificate is from another CA: the server refuses it. */
    struct party s = {.who = "alice", .ca = "ca.pem"};
    struct party c = {.who = "mallory", .ca = "ca.pem"};
    run_pair(&s, &c);
    ck_assert_int_eq(s.st, MPCC_ERR_CRYPTO);
    ck_assert_msg(strstr(s.err.msg, "failed: its certificate was rejected: unable to get local "
                         "issuer certificate") != NULL, "%s", s.err.msg);
    const char *why = client_refusal(&c);
    ck_assert_msg(why != NULL && strstr(why, "peer 'server' (127.0.0.1:") != NULL &&
                  strstr(why, "TLS handshake with it failed: the peer ") != NULL, "%s",
                  why ? why : "(no error)");
    /* An expired client certificate. */
    struct party s2 = {.who = "alice", .ca = "ca.pem"};
    struct party c2 = {.who = "old", .ca = "ca.pem"};
    run_pair(&s2, &c2);
    ck_assert_int_eq(s2.st, MPCC_ERR_CRYPTO);
    ck_assert_msg(strstr(s2.err.msg, "its certificate was rejected: certificate has expired")
                  != NULL, "%s", s2.err.msg);
    ck_assert_ptr_nonnull(client_refusal(&c2));
    /* An expired server certificate, seen by the client. */
    struct party s3 = {.who = "old", .ca = "ca.pem"};
    struct party c3 = {.who = "bob", .ca = "ca.pem"};
    run_pair(&s3, &c3);
    ck_assert_int_eq(c3.st, MPCC_ERR_CRYPTO);
    ck_assert_msg(strstr(c3.err.msg, "peer 'server' (127.0.0.1:") != NULL &&
                  strstr(c3.err.msg, "its certificate was rejected: certificate has expired")
                  != NULL, "%s", c3.err.msg);
    /* A valid certificate with the wrong name. */
    struct party s4 = {.who = "alice", .ca = "ca.pem"};
    struct party c4 = {.who = "bob", .ca = "ca.pem", .peer_name = "carol"};
    run_pair(&s4, &c4);
    ck_assert_int_eq(c4.st, MPCC_ERR_CRYPTO);
    ck_assert_msg(strstr(c4.err.msg, "its certificate was rejected: hostname mismatch") != NULL,
                  "%s", c4.err.msg);
    net_free(s4.ch);
}
END_TEST

START_TEST(tls_refuses_plain_tcp_peer)
{
    if (!have_certs)
        return;
    struct party s = {.who = "alice", .ca = "ca.pem"};
    struct party c = {.plain = 1};
    run_pair(&s, &c);
    ck_assert_int_ne(s.st, MPCC_OK);
    ck_assert_msg(strstr(s.err.msg, "TLS handshake with peer 'client' (127.0.0.1:") != NULL &&
                  strstr(s.err.msg, "(is the peer using TLS?)") != NULL, "%s", s.err.msg);
    /* A TLS client facing a plain server that says nothing: timeout. */
    struct party s2 = {.plain = 1};
    struct party c2 = {.who = "bob", .ca = "ca.pem"};
    run_pair(&s2, &c2);
    ck_assert_int_ne(c2.st, MPCC_OK);
    ck_assert_msg(strstr(c2.err.msg, "TLS handshake with peer 'server' (127.0.0.1:") != NULL,
                  "%s", c2.err.msg);
}
END_TEST

START_TEST(tls_config_errors_are_named)
{
    if (!have_certs)
        return;
    struct net_channel *a, *b, *out = NULL;
    struct mpcc_error err = {0};
    ck_assert_int_eq(net_mem_pair("alice", "bob", 1000, &a, &b, &err), MPCC_OK);
    struct net_tls_config cfg = {.cert_file = "/nonexistent/x.pem", .key_file = "k",
                                 .ca_file = "c"};
    ck_assert_int_eq(net_tls_wrap(a, &cfg, 0, &out, &err), MPCC_ERR_CRYPTO);
    ck_assert_msg(strncmp(err.msg, "cannot load certificate '/nonexistent/x.pem': ", 46) == 0,
                  "%s", err.msg);
    struct net_tls_config none = {.cert_file = "x", .key_file = "y"};
    ck_assert_int_eq(net_tls_wrap(b, &none, 1, &out, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "TLS needs a certificate, its key, and a CA or a pinned peer "
                     "certificate");
    ck_assert_ptr_null(out);
}
END_TEST

static Suite *tls_suite(void)
{
    Suite *s = suite_create("tls");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup_certs, teardown_certs);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, tls_mutual_auth_connects_and_carries_data);
    tcase_add_test(tc, tls_pinned_certificates_connect_and_mismatch_is_refused);
    tcase_add_test(tc, tls_refuses_wrong_ca_expired_and_wrong_name);
    tcase_add_test(tc, tls_refuses_plain_tcp_peer);
    tcase_add_test(tc, tls_config_errors_are_named);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tls_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
