/* mp_connect.c - the roster (every party's address and certificate) and the
 * set-up of a multi-party run's channels. Yao: the garbler and the evaluator
 * listen and identify each arriving party by name (then certificate and
 * handshake), everybody else connects. BMR: every pair is linked; each
 * party connects to the parties declared before it and accepts the ones
 * declared after it. It moves no protocol data. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "circuits/program.h"
#include "runtime/net/net_identity.h"
#include "runtime/net/net_tls.h"
#include "runtime/proto/proto.h"

#define ROSTER_LINE_MAX 4096
#define WHO_TIMEOUT_MS 5000 /* an accepted connection must name itself this fast */

struct mpcc_roster *mpcc_roster_new(struct mpcc_error *err)
{
    struct mpcc_roster *r = calloc(1, sizeof *r);
    if (r == NULL)
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for the roster");
    return r;
}

void mpcc_roster_free(struct mpcc_roster *r)
{
    if (r == NULL)
        return;
    for (uint32_t i = 0; i < r->n; i++) {
        free(r->e[i].name);
        free(r->e[i].addr);
        free(r->e[i].cert);
    }
    free(r->e);
    free(r);
}

const struct mpcc_roster_entry *mpcc_roster_find(const struct mpcc_roster *r, const char *name)
{
    for (uint32_t i = 0; r != NULL && i < r->n; i++)
        if (strcmp(r->e[i].name, name) == 0)
            return &r->e[i];
    return NULL;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

enum mpcc_status mpcc_roster_add(struct mpcc_roster *r, const char *name, const char *addr,
                                 const char *cert, struct mpcc_error *err)
{
    if (name[0] == '\0' || strlen(name) > PROTO_NAME_MAX)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "party names must have 1 to %d characters",
                              PROTO_NAME_MAX);
    if (strchr(addr, ':') == NULL)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "address '%s' of party '%s' is not HOST:PORT", addr, name);
    if (mpcc_roster_find(r, name) != NULL)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "party '%s' is listed twice", name);
    if (r->n >= 4096)
        return mpcc_error_set(err, MPCC_ERR_LIMIT, "too many parties in the roster");
    struct mpcc_roster_entry *e = realloc(r->e, (r->n + 1) * sizeof *e);
    if (e == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for the roster");
    r->e = e;
    struct mpcc_roster_entry *n = &e[r->n];
    memset(n, 0, sizeof *n);
    if (cert != NULL && strncasecmp(cert, "sha256:", 7) == 0) { /* a key fingerprint, not a file */
        if (!net_fingerprint_parse(cert, n->fingerprint))
            return mpcc_error_set(err, MPCC_ERR_INVALID, "party '%s': '%s' is not SHA256: and 64 hex digits", name,
                                  cert);
        n->has_fingerprint = 1;
        cert = NULL;
    }
    n->name = dup_str(name);
    n->addr = dup_str(addr);
    n->cert = cert ? dup_str(cert) : NULL;
    if (n->name == NULL || n->addr == NULL || (cert && n->cert == NULL)) {
        free(n->name);
        free(n->addr);
        free(n->cert);
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for the roster");
    }
    r->n++;
    return MPCC_OK;
}

enum mpcc_status mpcc_roster_read_file(struct mpcc_roster *r, const char *path,
                                       struct mpcc_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return mpcc_error_set(err, MPCC_ERR_IO, "cannot open roster '%s': %s", path,
                              strerror(errno));
    char line[ROSTER_LINE_MAX];
    enum mpcc_status st = MPCC_OK;
    for (unsigned no = 1; st == MPCC_OK && fgets(line, sizeof line, f) != NULL; no++) {
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "%s:%u: line too long", path, no);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *save = NULL, *tok[4];
        int n = 0;
        for (char *t = strtok_r(line, " \t\r\n", &save); t != NULL;
             t = strtok_r(NULL, " \t\r\n", &save))
            if (n < 4)
                tok[n++] = t;
            else
                n = 5;
        if (n == 0)
            continue;
        if (n < 2 || n > 3) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID,
                                "%s:%u: expected 'NAME HOST:PORT [CERT.pem | SHA256:FINGERPRINT]'", path, no);
            break;
        }
        st = mpcc_roster_add(r, tok[0], tok[1], n == 3 ? tok[2] : NULL, err);
        if (st != MPCC_OK)
            mpcc_error_prefix(err, "%s:%u", path, no);
    }
    if (st == MPCC_OK && ferror(f))
        st = mpcc_error_set(err, MPCC_ERR_IO, "error reading roster '%s'", path);
    fclose(f);
    return st;
}

static const char *pname(const struct mpcc_mp_session *s, uint32_t p)
{
    return s->prog->iface->parties[p];
}

static enum mpcc_status wrap_tls(const struct mpcc_mp_session *s, const struct mpcc_mp_net *cfg,
                                 uint32_t peer, bool server, struct net_channel **ch,
                                 struct mpcc_error *err)
{
    if (cfg->tls == NULL)
        return MPCC_OK;
    const struct mpcc_roster_entry *e = mpcc_roster_find(cfg->roster, pname(s, peer));
    struct net_tls_config t = *cfg->tls;
    if (t.cert_file == NULL) { /* keys: the peer's pinned by the roster's fingerprint, if any */
        if (e != NULL && e->has_fingerprint)
            t.peer_fingerprint = e->fingerprint;
        struct net_channel *tcp = *ch;
        *ch = NULL;
        return net_tls_wrap(tcp, &t, server, ch, err);
    }
    t.peer_cert_file = e && e->cert ? e->cert : NULL;
    /* Without a pinned certificate, the CA-signed certificate must name the party. */
    if (t.peer_cert_file == NULL && t.peer_cert_name == NULL)
        t.peer_cert_name = pname(s, peer);
    if (t.ca_file == NULL && t.peer_cert_file == NULL)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "TLS: no way to check party '%s': give --tls-ca or its "
                              "certificate in the roster",
                              pname(s, peer));
    struct net_channel *tcp = *ch;
    *ch = NULL;
    return net_tls_wrap(tcp, &t, server, ch, err);
}

static enum mpcc_status connect_to(const struct mpcc_mp_session *s,
                                   const struct mpcc_mp_net *cfg, uint32_t peer,
                                   int64_t deadline_ms, struct net_channel **out,
                                   struct mpcc_error *err)
{
    const char *name = pname(s, peer);
    const struct mpcc_roster_entry *e = mpcc_roster_find(cfg->roster, name);
    if (e == NULL)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "the roster has no address for party '%s'",
                              name);
    int64_t left = deadline_ms - net_now_ms();
    if (left < 1)
        left = 1;
    struct net_channel *ch = NULL;
    enum mpcc_status st = net_tcp_connect(e->addr, name, (int)left, &ch, err);
    const char *me = pname(s, s->me);
    uint8_t ack = 0;
    if (st == MPCC_OK)
        st = net_send_frame(ch, PROTO_FRAME_WHO, me, strlen(me), err);
    if (st == MPCC_OK)
        st = net_recv(ch, &ack, 1, "acceptance", err);
    if (st == MPCC_OK && ack != 1)
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "party '%s' refused us", name);
    if (st == MPCC_OK)
        st = wrap_tls(s, cfg, peer, false, &ch, err);
    if (st == MPCC_OK) {
        net_set_timeout(ch, cfg->timeout_ms);
        st = mpcc_mp_hello(s, ch, peer, err);
    }
    if (st != MPCC_OK) {
        net_free(ch);
        return st;
    }
    *out = ch;
    return MPCC_OK;
}

/* A listener waiting for parties checks the parties already connected for
 * an abort this often. */
#define ACCEPT_SLICE_MS 200

/* Accepts until every party in `want` (flags per party) has a channel. */
static enum mpcc_status accept_all(const struct mpcc_mp_session *s, const struct mpcc_mp_net *cfg,
                                   struct net_listener *l, uint8_t *want, int64_t deadline_ms,
                                   struct net_channel **chans, struct mpcc_error *err)
{
    const struct iface *f = s->prog->iface;
    unsigned refused = 0;
    char why[256] = "";
    for (;;) {
        uint32_t missing = 0;
        for (uint32_t p = 0; p < f->n_parties; p++)
            missing += want[p];
        if (missing == 0)
            return MPCC_OK;
        int64_t left = deadline_ms - net_now_ms();
        int slice = left < ACCEPT_SLICE_MS ? (int)left : ACCEPT_SLICE_MS;
        struct net_channel *ch = NULL;
        enum mpcc_status st = left > 0 ? net_tcp_accept(l, "?", slice, &ch, err) : MPCC_ERR_TIMEOUT;
        if (st == MPCC_ERR_TIMEOUT && left > slice) {
            /* While we wait, a party already here may have stopped the run
             * (it found a conflict, or another party failed it): say so now,
             * not when the wait times out. */
            for (uint32_t p = 0; p < f->n_parties; p++)
                if (chans[p] != NULL &&
                    (st = net_check_abort(chans[p], "the other parties to connect", err)) != MPCC_OK)
                    return st;
            continue;
        }
        if (st != MPCC_OK) {
            if (st != MPCC_ERR_TIMEOUT)
                return st;
            char names[512] = "";
            size_t used = 0;
            uint32_t n_missing = 0;
            for (uint32_t p = 0; p < f->n_parties && used < sizeof names - 80; p++)
                if (want[p]) {
                    n_missing++;
                    used += (size_t)snprintf(names + used, sizeof names - used, "%s'%s'",
                                             used ? ", " : "", pname(s, p));
                }
            if (refused)
                return mpcc_error_set(err, MPCC_ERR_TIMEOUT,
                                      "%s %s never connected (waited %d s; refused %u other "
                                      "connection%s, the last: %s)",
                                      n_missing > 1 ? "parties" : "party", names,
                                      cfg->timeout_ms / 1000, refused, refused > 1 ? "s" : "",
                                      why);
            return mpcc_error_set(err, MPCC_ERR_TIMEOUT, "%s %s never connected (waited %d s)",
                                  n_missing > 1 ? "parties" : "party", names,
                                  cfg->timeout_ms / 1000);
        }
        /* Who is it? A stranger or a duplicate is dropped, the wait goes on. */
        struct mpcc_error e2 = {0};
        char name[PROTO_NAME_MAX + 1];
        size_t len = 0;
        net_set_timeout(ch, WHO_TIMEOUT_MS);
        st = net_recv_frame(ch, PROTO_FRAME_WHO, name, PROTO_NAME_MAX, &len, "party name", &e2);
        int64_t p = -1;
        if (st == MPCC_OK) {
            name[len] = '\0';
            p = iface_party_index(f, name);
            if (p < 0 || !want[p]) {
                snprintf(why, sizeof why, "a connection calling itself '%s'", name);
                st = MPCC_ERR_PROTOCOL;
            }
        } else {
            snprintf(why, sizeof why, "%.200s", e2.msg);
        }
        uint8_t ack = 1;
        if (st == MPCC_OK) {
            net_set_peer_name(ch, name);
            st = net_send(ch, &ack, 1, &e2);
            if (st == MPCC_OK)
                st = net_flush(ch, &e2);
            if (st == MPCC_OK) {
                net_set_timeout(ch, cfg->timeout_ms);
                st = wrap_tls(s, cfg, (uint32_t)p, true, &ch, &e2);
                if (st == MPCC_ERR_INVALID) {
                    net_free(ch);
                    return mpcc_error_set(err, st, "%s", e2.msg);
                }
            }
            if (st != MPCC_OK)
                snprintf(why, sizeof why, "%.200s", e2.msg);
        }
        if (st != MPCC_OK) {
            refused++;
            net_free(ch);
            continue;
        }
        /* It is who it says: from here a mismatch ends the session. */
        st = mpcc_mp_hello(s, ch, (uint32_t)p, err);
        if (st != MPCC_OK) {
            net_free(ch);
            return st;
        }
        chans[p] = ch;
        want[p] = 0;
    }
}

static enum mpcc_status check_readable(const char *path, const char *what,
                                       struct mpcc_error *err)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (path != NULL && f == NULL)
        return mpcc_error_set(err, MPCC_ERR_IO, "cannot read %s '%s': %s", what, path,
                              strerror(errno));
    if (f != NULL)
        fclose(f);
    return MPCC_OK;
}

/* TLS files are checked up front: a missing file is our problem, not a
 * stranger's, and must not be mistaken for a refused connection later. */
static enum mpcc_status check_tls_files(const struct mpcc_mp_session *s,
                                        const struct mpcc_mp_net *cfg, struct mpcc_error *err)
{
    if (cfg->tls == NULL || cfg->tls->cert_file == NULL) /* plain, or ephemeral keys: no files */
        return MPCC_OK;
    enum mpcc_status st = check_readable(cfg->tls->cert_file, "certificate", err);
    if (st == MPCC_OK)
        st = check_readable(cfg->tls->key_file, "key", err);
    if (st == MPCC_OK)
        st = check_readable(cfg->tls->ca_file, "CA certificate", err);
    for (uint32_t p = 0; st == MPCC_OK && p < s->prog->iface->n_parties; p++) {
        if (!mpcc_mp_linked(s, s->me, p))
            continue;
        const struct mpcc_roster_entry *e = mpcc_roster_find(cfg->roster, pname(s, p));
        if (e == NULL || e->cert == NULL) {
            if (cfg->tls->ca_file == NULL)
                st = mpcc_error_set(err, MPCC_ERR_INVALID,
                                    "TLS: no way to check party '%s': give --tls-ca or its "
                                    "certificate in the roster",
                                    pname(s, p));
            continue;
        }
        st = check_readable(e->cert, "certificate", err);
        if (st != MPCC_OK)
            mpcc_error_prefix(err, "roster entry of party '%s'", pname(s, p));
    }
    return st;
}

static void notify(const struct mpcc_mp_net *cfg, struct net_listener *l)
{
    if (cfg->on_listen != NULL)
        cfg->on_listen(cfg->ctx, net_listener_port(l));
}

enum mpcc_status mpcc_mp_connect(const struct mpcc_mp_session *s, const struct mpcc_mp_net *cfg,
                                 struct net_channel **chans, struct mpcc_error *err)
{
    const struct iface *f = s->prog->iface;
    uint32_t n = f->n_parties;
    for (uint32_t p = 0; p < n; p++)
        chans[p] = NULL;
    int64_t deadline = net_now_ms() + cfg->timeout_ms;
    struct net_listener *l = NULL;
    uint8_t *want = calloc(n, 1);
    enum mpcc_status st = MPCC_OK;
    if (want == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((st = check_tls_files(s, cfg, err)) != MPCC_OK)
        goto out;
    bool bmr = s->protocol == MPCC_MP_BMR;
    bool computing = s->me == s->garbler || s->me == s->evaluator;
    /* BMR, and any run of two parties: each party is called by those
     * declared after it, whoever computes, so parties that disagree on the
     * roles still meet and the hello names the conflict at once. Yao with
     * more parties: the garbler is called by all, the evaluator by the input
     * parties (input parties need no port). */
    bool by_order = bmr || n == 2;
    uint32_t n_want = 0;
    for (uint32_t p = 0; p < n; p++) {
        if (by_order)
            want[p] = p > s->me;
        else
            want[p] = computing && mpcc_mp_linked(s, s->me, p) &&
                      !(s->me == s->evaluator && p == s->garbler);
        n_want += want[p];
    }
    if (n_want > 0) {
        const struct mpcc_roster_entry *e = mpcc_roster_find(cfg->roster, pname(s, s->me));
        const char *addr = cfg->listen ? cfg->listen : e ? e->addr : NULL;
        if (addr == NULL) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID,
                                "the roster has no address for us (party '%s') to listen at",
                                pname(s, s->me));
            goto out;
        }
        if ((st = net_tcp_listen(addr, &l, err)) != MPCC_OK)
            goto out;
        notify(cfg, l);
    }
    for (uint32_t p = 0; by_order && p < s->me; p++) {
        st = connect_to(s, cfg, p, deadline, &chans[p], err);
        if (st != MPCC_OK)
            goto out;
    }
    if (!by_order && s->me != s->garbler) {
        st = connect_to(s, cfg, s->garbler, deadline, &chans[s->garbler], err);
        if (st != MPCC_OK)
            goto out;
    }
    if (!by_order && !computing) {
        st = connect_to(s, cfg, s->evaluator, deadline, &chans[s->evaluator], err);
        if (st != MPCC_OK)
            goto out;
    }
    if (n_want > 0)
        st = accept_all(s, cfg, l, want, deadline, chans, err);
out:
    net_listener_free(l);
    free(want);
    if (st != MPCC_OK) {
        char msg[PROTO_ABORT_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "error");
        mpcc_mp_abort(s, chans, msg);
        for (uint32_t p = 0; p < n; p++) {
            net_free(chans[p]);
            chans[p] = NULL;
        }
    }
    return st;
}
