/* error.h - the error record every mpcc library function fills on failure.
 * Library code never prints or exits: it returns a status and describes the
 * problem here, so the command-line tools decide how to report it. */
#ifndef MPCC_ERROR_H
#define MPCC_ERROR_H

#include <stddef.h>

enum mpcc_status {
    MPCC_OK = 0,
    MPCC_ERR_NOMEM,    /* an allocation failed */
    MPCC_ERR_IO,       /* a file or socket operation failed */
    MPCC_ERR_PARSE,    /* malformed text: circuit file, source, input value */
    MPCC_ERR_INVALID,  /* a well-formed request that cannot be honoured */
    MPCC_ERR_LIMIT,    /* a declared resource limit would be exceeded */
    MPCC_ERR_CPU,      /* the CPU lacks a required feature (AES-NI) */
    MPCC_ERR_CRYPTO,   /* OpenSSL or a cryptographic check failed */
    MPCC_ERR_PROTOCOL, /* a peer sent something unexpected */
    MPCC_ERR_TIMEOUT,  /* a peer did not answer in time */
    MPCC_ERR_CLOSED    /* a peer closed the connection */
};

#define MPCC_ERROR_MSG_MAX 512

struct mpcc_error {
    enum mpcc_status code;
    char msg[MPCC_ERROR_MSG_MAX];
};

/* Records code and a printf-style message in err (which may be NULL) and
 * returns code, so callers can write `return mpcc_error_set(err, ...)`. */
enum mpcc_status mpcc_error_set(struct mpcc_error *err, enum mpcc_status code,
                                const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to an error already recorded (adds context on the way up). */
void mpcc_error_prefix(struct mpcc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Resets err to MPCC_OK with an empty message. */
void mpcc_error_clear(struct mpcc_error *err);

/* A short English name of a status code ("out of memory", ...). */
const char *mpcc_status_name(enum mpcc_status code);

#endif
