/* mp_bmr.c - a run with more than two parties under N-party garbling
 * (runtime/bmr): every party sends every other a fresh nonce, all derive
 * the session id from the program digest, all names and all nonces, then
 * run bmr_run on the program's circuit with every pair of parties linked. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "circuits/program.h"
#include "circuits/values.h"
#include "runtime/bmr/bmr.h"
#include "runtime/proto/proto.h"

/* Nonces both ways on every link (all sent before any is awaited: 32-byte
 * frames never fill a buffer), then SHA-256 over a label, the digest and
 * each party's name (length-prefixed) and nonce, in party order. */
static enum mpcc_status session_id(const struct mpcc_mp_session *s,
                                   struct net_channel *const *chans, uint8_t out[32],
                                   struct mpcc_error *err)
{
    const struct iface *f = s->prog->iface;
    uint32_t n = f->n_parties;
    uint8_t (*nonce)[32] = calloc(n, sizeof *nonce);
    if (nonce == NULL)
        return mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory");
    enum mpcc_status st = MPCC_OK;
    if (RAND_bytes(nonce[s->me], 32) != 1)
        st = mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot draw the session nonce (RAND_bytes failed)");
    for (uint32_t p = 0; p < n && st == MPCC_OK; p++)
        if (p != s->me) {
            st = net_send_frame(chans[p], PROTO_FRAME_NONCE, nonce[s->me], 32, err);
            if (st == MPCC_OK)
                st = net_flush(chans[p], err);
        }
    for (uint32_t p = 0; p < n && st == MPCC_OK; p++)
        if (p != s->me)
            st = proto_mp_recv(chans[p], PROTO_FRAME_NONCE, nonce[p], 32,
                               "session nonce", err);
    static const char label[] = "mpcc bmr session id v1";
    EVP_MD_CTX *md = st == MPCC_OK ? EVP_MD_CTX_new() : NULL;
    unsigned int len = 0;
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1
             && EVP_DigestUpdate(md, label, sizeof label) == 1
             && EVP_DigestUpdate(md, s->digest, 32) == 1;
    for (uint32_t p = 0; ok && p < n; p++) {
        uint8_t nl = (uint8_t)strlen(f->parties[p]);
        ok = EVP_DigestUpdate(md, &nl, 1) == 1 && EVP_DigestUpdate(md, f->parties[p], nl) == 1
             && EVP_DigestUpdate(md, nonce[p], 32) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(md, out, &len) == 1 && len == 32;
    EVP_MD_CTX_free(md);
    free(nonce);
    if (st == MPCC_OK && !ok)
        st = mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot compute the session id (SHA-256 failed)");
    return st;
}

enum mpcc_status proto_mp_run_bmr(const struct mpcc_mp_session *s,
                                  struct net_channel *const *chans,
                                  const struct values_set *inputs, uint8_t **outs,
                                  struct mpcc_stats *stats, struct mpcc_error *err)
{
    const struct iface *f = s->prog->iface;
    const struct circuit *c = s->prog->circ;
    uint32_t *owner = calloc(c->n_inputs + 1, sizeof *owner);
    uint64_t *recipients = calloc(c->n_outputs + 1, sizeof *recipients);
    uint8_t *in_bits = calloc(c->n_input_bits + 1, 1), *out_bits = NULL;
    enum mpcc_status st = MPCC_OK;
    if (owner == NULL || recipients == NULL || in_bits == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory preparing the run");
        goto out;
    }
    if (f->n_parties > BMR_MAX_PARTIES) {
        st = mpcc_error_set(err, MPCC_ERR_LIMIT, "N-party garbling takes at most %u parties",
                            BMR_MAX_PARTIES);
        goto out;
    }
    uint64_t off = 0;
    for (uint32_t k = 0; k < c->n_inputs; k++) {
        owner[k] = f->inputs[k].owner;
        if (owner[k] == s->me) {
            if (inputs->bits[k] == NULL) {
                st = mpcc_error_set(err, MPCC_ERR_INVALID, "missing input '%s'",
                                    f->inputs[k].name);
                goto out;
            }
            memcpy(in_bits + off, inputs->bits[k], c->input_widths[k]);
        }
        off += c->input_widths[k];
    }
    for (uint32_t k = 0; k < c->n_outputs; k++)
        for (uint32_t p = 0; p < f->n_parties; p++)
            if (iface_output_has_recipient(&f->outputs[k], p))
                recipients[k] |= (uint64_t)1 << p;
    struct bmr_config cfg = {.circ = c, .n_parties = f->n_parties, .me = s->me,
                             .evaluator = s->evaluator, .input_owner = owner,
                             .recipients = recipients};
    double t0 = proto_now();
    if ((st = session_id(s, chans, cfg.session, err)) != MPCC_OK)
        goto out;
    double t_hs = proto_now() - t0;
    out_bits = calloc(c->n_output_bits + 1, 1);
    if (out_bits == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
        goto out;
    }
    st = bmr_run(&cfg, chans, in_bits, out_bits, stats, err);
    if (stats != NULL)
        stats->t_handshake = t_hs;
    off = 0;
    for (uint32_t k = 0; st == MPCC_OK && k < c->n_outputs; k++) {
        uint32_t w = c->output_widths[k];
        if ((recipients[k] >> s->me) & 1) {
            if ((outs[k] = malloc(w ? w : 1)) == NULL) {
                st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
                break;
            }
            memcpy(outs[k], out_bits + off, w);
        }
        off += w;
    }
out:
    if (in_bits != NULL)
        OPENSSL_cleanse(in_bits, c->n_input_bits + 1);
    free(in_bits);
    free(out_bits);
    free(owner);
    free(recipients);
    return st;
}
