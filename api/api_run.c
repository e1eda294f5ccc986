/* api_run.c - the flat API's networked run (api.h mpcc_api_run): one party
 * of a session with a roster, as `mpcrun --parties` runs it, its outputs
 * returned as JSON instead of printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "circuits/values.h"
#include "mpcc/mpcc.h"
#include "runtime/net/net.h"
#include "runtime/net/net_tls.h"

#define API_DEFAULT_TIMEOUT_MS 30000

static enum mpcc_status build_roster(const struct mpcc_api_session *s, struct mpcc_roster **out,
                                     struct mpcc_error *err)
{
    struct mpcc_roster *r = mpcc_roster_new(err);
    if (r == NULL)
        return err->code;
    enum mpcc_status st = MPCC_OK;
    for (size_t i = 0; st == MPCC_OK && i < s->n_roster; i++) {
        const char *name = s->roster_names ? s->roster_names[i] : NULL;
        const char *addr = s->roster_addrs ? s->roster_addrs[i] : NULL;
        if (name == NULL || addr == NULL)
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "roster entry %zu has no %s", i + 1,
                                name == NULL ? "name" : "address");
        else
            st = mpcc_roster_add(r, name, addr, s->roster_certs ? s->roster_certs[i] : NULL, err);
    }
    if (st != MPCC_OK) {
        mpcc_error_prefix(err, "roster");
        mpcc_roster_free(r);
        return st;
    }
    *out = r;
    return MPCC_OK;
}

/* This party's outputs as one line of JSON. */
static char *outputs_json(const struct iface *f, uint8_t **outputs, struct mpcc_error *err)
{
    char *buf;
    size_t len;
    FILE *m = api_memstream(&buf, &len, err);
    if (m == NULL)
        return NULL;
    enum mpcc_status st = values_print_outputs(f, (const uint8_t *const *)outputs, true, m, err);
    char *s = api_memstream_finish(m, &buf, err);
    if (s != NULL && st != MPCC_OK) {
        free(s);
        return NULL;
    }
    for (size_t l = s ? strlen(s) : 0; l > 0 && s[l - 1] == '\n';)
        s[--l] = '\0';
    return s;
}

static enum mpcc_status run(const struct mpcc_program *p, const struct mpcc_api_session *a,
                            const char *const *assignments, size_t n_assign, char **json,
                            struct mpcc_error *err)
{
    const struct iface *f = p->iface;
    int64_t me = a->party ? iface_party_index(f, a->party) : -1;
    if (me < 0)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "this program has no party '%s'",
                              a->party ? a->party : "(none given)");
    uint32_t g = 0, e = 1, n = f->n_parties;
    struct values_set *inputs = NULL;
    struct mpcc_roster *roster = NULL;
    struct net_channel **chans = calloc(n, sizeof *chans);
    uint8_t **outputs = NULL;
    struct mpcc_mp_session s;
    enum mpcc_status st = MPCC_OK;
    if (chans == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* Every input and roster problem is reported before any traffic. */
    if ((st = mpcc_mp_pick_computing(p, a->garbler_party, a->evaluator_party, &g, &e,
                                      err)) != MPCC_OK)
        goto out;
    if ((inputs = values_set_new(f, me, err)) == NULL) {
        st = err->code;
        goto out;
    }
    for (size_t i = 0; st == MPCC_OK && i < n_assign; i++)
        st = values_set_assign(inputs, assignments[i], err);
    if (st != MPCC_OK || (st = values_set_check_complete(inputs, err)) != MPCC_OK ||
        (st = build_roster(a, &roster, err)) != MPCC_OK ||
        (st = mpcc_mp_session_init(&s, p, (uint32_t)me, g, e, err)) != MPCC_OK)
        goto out;
    if (a->protocol < 0 || a->protocol > 2) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "protocol %d is neither 1 (yao) nor 2 (bmr)",
                            a->protocol);
        goto out;
    }
    s.protocol = a->protocol == 2 || (a->protocol == 0 && n >= 3) ? MPCC_MP_BMR : MPCC_MP_YAO;
    if (a->session_secret != NULL && (a->session_secret_len < NET_TLS_SECRET_MIN ||
                                      a->session_secret_len > NET_TLS_SECRET_MAX)) {
        st = mpcc_error_set(err, MPCC_ERR_INVALID, "a session secret has %d to %d bytes, not %zu",
                            NET_TLS_SECRET_MIN, NET_TLS_SECRET_MAX, a->session_secret_len);
        goto out;
    }
    struct net_tls_config tls = {.cert_file = a->tls_cert, .key_file = a->tls_key,
                                 .ca_file = a->tls_ca, .identity_file = a->identity_file,
                                 .secret = a->session_secret,
                                 .secret_len = a->session_secret ? a->session_secret_len : 0};
    struct mpcc_mp_net net = {.roster = roster, .listen = a->listen,
                              .tls = a->insecure_plaintext ? NULL : &tls,
                              .timeout_ms = a->timeout_ms > 0 ? a->timeout_ms
                                                              : API_DEFAULT_TIMEOUT_MS,
                              .on_listen = a->on_listen, .ctx = a->ctx};
    if ((st = mpcc_mp_connect(&s, &net, chans, err)) != MPCC_OK)
        goto out;
    for (uint32_t q = 0; a->insecure_plaintext == 1 && q < n; q++)
        if (chans[q] != NULL && !net_peer_is_loopback(chans[q])) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "%s is not on this machine: plain TCP is for "
                                "loopback tests (insecure_plaintext=2 sends in clear anyway)",
                                net_peer(chans[q]));
            mpcc_mp_abort(&s, chans, err->msg);
            goto out;
        }
    if ((st = mpcc_mp_run_program(&s, chans, inputs, &outputs, NULL, err)) != MPCC_OK)
        goto out;
    if ((*json = outputs_json(f, outputs, err)) == NULL)
        st = err->code != MPCC_OK ? err->code : MPCC_ERR_NOMEM;
out:
    for (uint32_t q = 0; chans != NULL && q < n; q++) {
        if (st == MPCC_OK)
            net_close(chans[q]);
        else
            net_free(chans[q]);
    }
    free(chans);
    mpcc_roster_free(roster);
    mpcc_outputs_free(outputs, f->n_outputs);
    values_set_free(inputs);
    return st;
}

char *mpcc_api_run(const mpcc_api_program *p, const struct mpcc_api_session *s,
                   const char *const *assignments, size_t n, char *err, size_t err_len)
{
    struct mpcc_error e = {0};
    char *json = NULL;
    if (p == NULL || s == NULL)
        mpcc_error_set(&e, MPCC_ERR_INVALID, "no program or no session settings given");
    else if (run(p->prog, s, assignments, n, &json, &e) == MPCC_OK)
        return json;
    if (s != NULL && s->party != NULL) {
        char msg[MPCC_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", e.msg);
        mpcc_error_set(&e, e.code, "party %s: %.*s", s->party, (int)(sizeof msg - 80), msg);
    }
    api_report(&e, err, err_len);
    return NULL;
}
