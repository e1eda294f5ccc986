/* api.h - libmpcc.so's flat interface for other languages (python/mpcc
 * calls it through ctypes): one opaque handle for a compiled program, plain
 * C strings in and out, no structs but the session settings below.
 *
 * Values go in as `--input` assignments, "NAME=VALUE" or "PARTY:NAME=VALUE"
 * in the syntax of docs/values.md (42, -7, true, [1, 2], {age: 70, ok:
 * false}), and come out as one line of JSON (integers wider than 53 bits as
 * strings of their decimal value, as `mpcrun --json` prints them).
 *
 * Every call that can fail returns NULL (or non-zero) and writes the
 * library's message, NUL-terminated, into err (err_len bytes; err may be
 * NULL). Returned strings are malloc'd: free them with mpcc_api_free. A
 * handle may be used by several threads at once; every call but
 * mpcc_api_program_free only reads it. */
#ifndef MPCC_API_H
#define MPCC_API_H

#include <stddef.h>
#include <stdint.h>

typedef struct mpcc_api_program mpcc_api_program;

/* "0.1.0": the library's version. */
const char *mpcc_api_version(void);

/* Compiles .mpc source text (len bytes; name is used in diagnostics,
 * "name:line:col: message", and its folder for imports). include_dirs
 * (n_include entries) are searched for imports before the standard library
 * (the installed one, $MPCC_STDLIB, or the source tree's). */
mpcc_api_program *mpcc_api_compile(const char *name, const char *source, size_t len,
                                   const char *const *include_dirs, size_t n_include,
                                   char *err, size_t err_len);
/* Compiles the .mpc file at path. */
mpcc_api_program *mpcc_api_compile_file(const char *path, const char *const *include_dirs,
                                        size_t n_include, char *err, size_t err_len);
/* Loads a compiled program (.circ, binary or text form). */
mpcc_api_program *mpcc_api_load(const char *path, char *err, size_t err_len);
/* Writes the program as a .circ file (binary form; text form when text is
 * non-zero), atomically: nothing is left at path on failure. 0 on success. */
int mpcc_api_save(const mpcc_api_program *p, const char *path, int text, char *err,
                  size_t err_len);
void mpcc_api_program_free(mpcc_api_program *p);

/* The program's interface as JSON:
 * {"parties": ["a", "b"],
 *  "inputs": [{"name": "x", "party": "a", "type": TYPE}, ...],
 *  "outputs": [{"name": "y", "to": ["a", "b"], "type": TYPE}, ...],
 *  "and_gates": N, "gates": M, "digest": "HEX (SHA-256 of the .circ)"}
 * where TYPE is {"spelling": "uint8[4]", "kind": "array", "length": 4,
 * "element": TYPE}, {"spelling": "int32", "kind": "int", "width": 32}
 * ("uint" likewise), {"spelling": "bool", "kind": "bool"} or
 * {"spelling": "Patient", "kind": "struct", "name": "Patient",
 *  "fields": [{"name": "age", "type": TYPE}, ...]}. */
char *mpcc_api_interface(const mpcc_api_program *p, char *err, size_t err_len);

/* Evaluates in plaintext (no protocol, no network) on every party's inputs,
 * given as n "PARTY:NAME=VALUE" assignments (all inputs required). Returns
 * {"PARTY": {"OUTPUT": VALUE, ...}, ...}: each party with the outputs it
 * receives. */
char *mpcc_api_eval(const mpcc_api_program *p, const char *const *assignments, size_t n,
                    char *err, size_t err_len);

/* One party's settings for a run with the other parties, each in its own
 * process or host (what mpcrun's roster options say). Zero means default. */
struct mpcc_api_session {
    const char *party;                /* which party of the program we are */
    /* The roster: n_roster parties, each with its HOST:PORT and optionally
     * its certificate (PEM file) or "SHA256:HEX" key fingerprint. */
    const char *const *roster_names;
    const char *const *roster_addrs;
    const char *const *roster_certs;  /* NULL, or n_roster entries (each may be NULL) */
    size_t n_roster;
    const char *listen;               /* listen here instead of our roster address */
    int timeout_ms;                   /* set-up and every wait after (0: 30 000) */
    int protocol;                     /* 0: default (BMR for 3 or more parties, else
                                         Yao), 1: Yao, 2: BMR */
    const char *garbler_party, *evaluator_party; /* or NULL: the first two */
    /* TLS 1.3 on every link (always, unless insecure_plaintext): */
    const char *tls_cert, *tls_key, *tls_ca;   /* certificates, or NULL: a fresh key */
    const char *identity_file;        /* our persistent key (mpcrun keygen), or NULL */
    const uint8_t *session_secret;    /* shared by every party, or NULL */
    size_t session_secret_len;        /* 16 .. 4096 */
    int insecure_plaintext;           /* 1: plain TCP, loopback peers only; 2: anywhere */
    /* Called once we listen (with the port, useful with port 0), or NULL. */
    void (*on_listen)(void *ctx, uint16_t port);
    void *ctx;
};

/* Runs the program as party s->party with its own inputs (n "NAME=VALUE"
 * assignments), connecting to and accepting the others as the roster says.
 * Returns the outputs this party receives, {"OUTPUT": VALUE, ...}. Every
 * failure (bad input before any traffic, a peer that never comes, a peer
 * that stops, a failed transcript check) is an error naming the party. */
char *mpcc_api_run(const mpcc_api_program *p, const struct mpcc_api_session *s,
                   const char *const *assignments, size_t n, char *err, size_t err_len);

void mpcc_api_free(void *s);

#endif
