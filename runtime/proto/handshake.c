/* handshake.c - the first exchange of a two-party run: protocol version,
 * circuit digest, names and roles, input ownership and output recipients,
 * garbling scheme, each side's fresh nonce. Everything is checked before any
 * secret is used. Both sides then derive the session id (SHA-256 over the
 * digest, both names in role order, both nonces, both garbling choices and,
 * over TLS, the TLS session's exporter). */
#include "runtime/proto/proto.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "circuits/circuit.h"
#include "runtime/net/net_tls.h"

#define HELLO_MAGIC "mpcc-2pc"

double proto_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const char *role_name(unsigned role)
{
    return role == MPCC_GARBLER ? "garbler" : role == MPCC_EVALUATOR ? "evaluator" : "unknown";
}

static void hex8(const uint8_t *d, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[16] = '\0';
}

/* The round trip of a hello: net_rtt_hint in microseconds, NO_RTT when
 * none was measured. */
#define NO_RTT 0xffffffffu

static uint32_t rtt_field(const struct net_channel *ch)
{
    double r = net_rtt_hint(ch);
    if (r < 0)
        return NO_RTT;
    return r * 1e6 >= (double)(NO_RTT - 1) ? NO_RTT - 1 : (uint32_t)(r * 1e6);
}

/* Layout: magic(8) version(4) digest(32) nonce(32) role(1) name_len(1) name
 * peer_len(1) peer n_inputs(4) n_outputs(4) my_inputs[n_inputs]
 * recipients[n_outputs] garbling(1) rtt_us(4). */
static uint8_t *encode_hello(const struct mpcc_2pc *run, const uint8_t nonce[32], uint32_t rtt_us,
                             size_t *len, struct mpcc_error *err)
{
    const struct circuit *c = run->circ;
    size_t nl = strlen(run->my_name), pl = strlen(run->peer_name);
    size_t total = 8 + 4 + 32 + 32 + 1 + 1 + nl + 1 + pl + 4 + 4 + c->n_inputs + c->n_outputs + 1 + 4;
    uint8_t *buf = malloc(total);
    if (buf == NULL) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory building the handshake");
        return NULL;
    }
    uint8_t *p = buf;
    memcpy(p, HELLO_MAGIC, 8), p += 8;
    put_u32(p, MPCC_PROTOCOL_VERSION), p += 4;
    memcpy(p, run->digest, 32), p += 32;
    memcpy(p, nonce, 32), p += 32;
    *p++ = (uint8_t)run->role;
    *p++ = (uint8_t)nl;
    memcpy(p, run->my_name, nl), p += nl;
    *p++ = (uint8_t)pl;
    memcpy(p, run->peer_name, pl), p += pl;
    put_u32(p, c->n_inputs), p += 4;
    put_u32(p, c->n_outputs), p += 4;
    for (uint32_t k = 0; k < c->n_inputs; k++)
        *p++ = run->my_inputs[k] ? 1 : 0;
    for (uint32_t k = 0; k < c->n_outputs; k++)
        *p++ = run->recipients[k] & 3;
    *p++ = (uint8_t)run->garbling;
    put_u32(p, rtt_us), p += 4;
    *len = total;
    return buf;
}

/* A bounds-checked reader over the peer's hello. Once a take fails every
 * later one fails too, so a later non-NULL field implies all earlier ones
 * (found by fuzz_peer_garbler: a short digest followed by one-byte fields). */
struct reader {
    const uint8_t *p, *end;
    int failed;
};

static const uint8_t *take(struct reader *r, size_t n)
{
    if (r->failed || (size_t)(r->end - r->p) < n) {
        r->failed = 1;
        return NULL;
    }
    const uint8_t *at = r->p;
    r->p += n;
    return at;
}

static enum mpcc_status check_hello(const struct mpcc_2pc *run, struct net_channel *ch,
                                    const uint8_t *buf, size_t len, uint8_t their_nonce[32],
                                    uint8_t *their_garbling, uint32_t *their_rtt,
                                    struct mpcc_error *err)
{
    const struct circuit *c = run->circ;
    const char *peer = net_peer(ch);
    struct reader r = {buf, buf + len, 0};
    const uint8_t *magic = take(&r, 8), *ver = take(&r, 4), *digest = take(&r, 32);
    const uint8_t *nonce = take(&r, 32);
    const uint8_t *role = take(&r, 1), *nl = take(&r, 1);
    if (magic == NULL || memcmp(magic, HELLO_MAGIC, 8) != 0)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "%s is not an mpcc two-party peer (bad handshake)", peer);
    /* The version sits right after the magic in every version, so a peer
     * of another version is named as such even if the rest differs. */
    if (ver == NULL)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s sent a truncated handshake", peer);
    uint32_t version = get_u32(ver);
    if (version != MPCC_PROTOCOL_VERSION)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "protocol version mismatch: we speak %u, %s speaks %u",
                              MPCC_PROTOCOL_VERSION, peer, version);
    if (nl == NULL)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s sent a truncated handshake", peer);
    const uint8_t *name = take(&r, *nl), *pl = take(&r, 1);
    const uint8_t *expect = pl ? take(&r, *pl) : NULL;
    const uint8_t *ni = take(&r, 4), *no = take(&r, 4);
    if (name == NULL || expect == NULL || no == NULL)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s sent a truncated handshake", peer);
    if (memcmp(digest, run->digest, 32) != 0) {
        char ours[17], theirs[17];
        hex8(run->digest, ours);
        hex8(digest, theirs);
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "circuit mismatch: our circuit's SHA-256 starts %s, %s's starts %s "
                              "(both parties must run the same compiled program)",
                              ours, peer, theirs);
    }
    size_t my_len = strlen(run->peer_name);
    if (*nl != my_len || memcmp(name, run->peer_name, my_len) != 0)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "%s says it is party '%.*s', but we expect party '%s'", peer,
                              (int)*nl, (const char *)name, run->peer_name);
    size_t me_len = strlen(run->my_name);
    if (*pl != me_len || memcmp(expect, run->my_name, me_len) != 0)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "%s expects party '%.*s', but we are party '%s'", peer, (int)*pl,
                              (const char *)expect, run->my_name);
    if (*role == (uint8_t)run->role || *role > MPCC_EVALUATOR)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                              "role conflict: we are the %s and %s also wants to be the %s",
                              role_name(run->role), peer, role_name(*role));
    if (get_u32(ni) != c->n_inputs || get_u32(no) != c->n_outputs)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s sent a malformed handshake", peer);
    const uint8_t *their_inputs = take(&r, c->n_inputs);
    const uint8_t *their_recipients = take(&r, c->n_outputs);
    const uint8_t *garbling = take(&r, 1), *rtt = take(&r, 4);
    if (rtt == NULL || r.p != r.end || mpcc_garbling_name(*garbling) == NULL)
        return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s sent a malformed handshake", peer);
    for (uint32_t k = 0; k < c->n_inputs; k++) {
        unsigned mine = run->my_inputs[k] ? 1 : 0, theirs = their_inputs[k];
        if (theirs > 1)
            return mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s sent a malformed handshake", peer);
        if (mine && theirs)
            return mpcc_error_set(err, MPCC_ERR_INVALID,
                                  "input value %u is given by both parties (us and %s)", k + 1,
                                  peer);
        if (!mine && !theirs)
            return mpcc_error_set(err, MPCC_ERR_INVALID,
                                  "input value %u is given by neither party (us nor %s)", k + 1,
                                  peer);
    }
    for (uint32_t k = 0; k < c->n_outputs; k++)
        if ((run->recipients[k] & 3) != their_recipients[k])
            return mpcc_error_set(err, MPCC_ERR_PROTOCOL,
                                  "%s disagrees on who receives output value %u", peer, k + 1);
    if (*garbling != MPCC_GARBLING_AUTO && run->garbling != MPCC_GARBLING_AUTO &&
        *garbling != run->garbling)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "garbling scheme mismatch: we garble with %s, %s with %s (give "
                              "both parties the same --garbling, or auto to follow the other)",
                              mpcc_garbling_name(run->garbling), peer,
                              mpcc_garbling_name(*garbling));
    memcpy(their_nonce, nonce, 32);
    *their_garbling = *garbling;
    *their_rtt = get_u32(rtt);
    return MPCC_OK;
}

enum mpcc_status proto_session_id(const uint8_t digest[32], const char *gname,
                                  const char *ename, const uint8_t gnonce[32],
                                  const uint8_t enonce[32], const uint8_t garbling[3],
                                  const uint8_t *tls_exporter, uint8_t out[32],
                                  struct mpcc_error *err)
{
    static const char label[] = "mpcc 2pc session id v4";
    uint8_t gl = (uint8_t)strlen(gname), el = (uint8_t)strlen(ename);
    uint8_t tls_flag = tls_exporter != NULL;
    unsigned int n = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1
             && EVP_DigestUpdate(md, label, sizeof label) == 1
             && EVP_DigestUpdate(md, digest, 32) == 1
             && EVP_DigestUpdate(md, &gl, 1) == 1 && EVP_DigestUpdate(md, gname, gl) == 1
             && EVP_DigestUpdate(md, &el, 1) == 1 && EVP_DigestUpdate(md, ename, el) == 1
             && EVP_DigestUpdate(md, gnonce, 32) == 1 && EVP_DigestUpdate(md, enonce, 32) == 1
             && EVP_DigestUpdate(md, garbling, 3) == 1
             && EVP_DigestUpdate(md, &tls_flag, 1) == 1
             && (!tls_flag || EVP_DigestUpdate(md, tls_exporter, 32) == 1)
             && EVP_DigestFinal_ex(md, out, &n) == 1 && n == 32;
    EVP_MD_CTX_free(md);
    if (!ok)
        return mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot compute the session id (OpenSSL SHA-256 failed)");
    return MPCC_OK;
}

/* This side's session id: proto_session_id in role order, with the TLS
 * exporter when the channel has one. garbling: the garbler's and the
 * evaluator's choices and the scheme agreed. */
static enum mpcc_status session_id(const struct mpcc_2pc *run, struct net_channel *ch,
                                   const uint8_t my_nonce[32], const uint8_t their_nonce[32],
                                   const uint8_t garbling[3], uint8_t out[32],
                                   struct mpcc_error *err)
{
    int garbler = run->role == MPCC_GARBLER;
    uint8_t tls[32];
    int have_tls = net_tls_exporter(ch, tls);
    enum mpcc_status st = proto_session_id(
        run->digest, garbler ? run->my_name : run->peer_name,
        garbler ? run->peer_name : run->my_name, garbler ? my_nonce : their_nonce,
        garbler ? their_nonce : my_nonce, garbling, have_tls ? tls : NULL, out, err);
    OPENSSL_cleanse(tls, sizeof tls);
    return st;
}

enum mpcc_status proto_hello_send(const struct mpcc_2pc *run, struct net_channel *ch,
                                  uint8_t nonce[32], struct mpcc_error *err)
{
    if (mpcc_garbling_name(run->garbling) == NULL)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "unknown garbling scheme %d", (int)run->garbling);
    size_t nl = strlen(run->my_name), pl = strlen(run->peer_name);
    if (nl == 0 || nl > PROTO_NAME_MAX || pl == 0 || pl > PROTO_NAME_MAX)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "party names must have 1 to %d characters",
                              PROTO_NAME_MAX);
    if (RAND_bytes(nonce, 32) != 1)
        return mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot draw the handshake nonce (RAND_bytes failed)");
    size_t len = 0;
    uint8_t *hello = encode_hello(run, nonce, rtt_field(ch), &len, err);
    if (hello == NULL)
        return err ? err->code : MPCC_ERR_NOMEM;
    enum mpcc_status st = net_send_frame(ch, PROTO_FRAME_HELLO, hello, len, err);
    free(hello);
    return st;
}

/* The scheme both sides derive from the two hellos: an explicit choice (two
 * that differ were refused), else, both auto, three-halves when the round
 * trip measured is at least MPCC_AUTO_RTT_MS, half-gates otherwise or when
 * neither side measured one. Both sides' kernels sample the same link
 * (net_rtt_hint); the smaller of the two is the one less inflated by a
 * late acknowledgement. */
static enum mpcc_garbling resolve(enum mpcc_garbling mine, enum mpcc_garbling theirs,
                                  uint32_t my_rtt, uint32_t their_rtt, double *rtt_used)
{
    *rtt_used = -1;
    if (mine != MPCC_GARBLING_AUTO)
        return mine;
    if (theirs != MPCC_GARBLING_AUTO)
        return theirs;
    uint32_t rtt = my_rtt < their_rtt ? my_rtt : their_rtt; /* NO_RTT is the largest */
    if (rtt == NO_RTT)
        return MPCC_GARBLING_HALFGATES;
    *rtt_used = rtt * 1e-6;
    return rtt >= (uint32_t)(MPCC_AUTO_RTT_MS * 1000) ? MPCC_GARBLING_THREEHALVES
                                                     : MPCC_GARBLING_HALFGATES;
}

enum mpcc_status proto_hello_recv(const struct mpcc_2pc *run, struct net_channel *ch,
                                  const uint8_t nonce[32], uint8_t session[32],
                                  enum mpcc_garbling *agreed, double *rtt_used,
                                  struct mpcc_error *err)
{
    enum mpcc_status st = net_flush(ch, err);
    if (st == MPCC_OK && run->greeting_due)
        st = mpcc_2pc_greet_recv(ch, err);
    if (st != MPCC_OK)
        return st;
    uint8_t *theirs = NULL, their_nonce[32], their_garbling = 0;
    uint32_t their_rtt = NO_RTT;
    size_t their_len = 0;
    size_t max = 8 + 4 + 32 + 32 + 3 + 2 * PROTO_NAME_MAX + 8 + (size_t)2 * CIRC_MAX_VALUES + 5;
    st = net_recv_frame_alloc(ch, PROTO_FRAME_HELLO, max, (void **)&theirs, &their_len,
                              "handshake", err);
    if (st != MPCC_OK)
        return st;
    st = check_hello(run, ch, theirs, their_len, their_nonce, &their_garbling, &their_rtt, err);
    free(theirs);
    if (st != MPCC_OK)
        return st;
    *agreed = resolve(run->garbling, (enum mpcc_garbling)their_garbling, rtt_field(ch), their_rtt,
                      rtt_used);
    int garbler = run->role == MPCC_GARBLER;
    uint8_t mine = (uint8_t)run->garbling;
    const uint8_t garbling[3] = {garbler ? mine : their_garbling, garbler ? their_garbling : mine,
                                 (uint8_t)*agreed};
    return session_id(run, ch, nonce, their_nonce, garbling, session, err);
}
