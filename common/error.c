/* error.c - filling and decorating struct mpcc_error (see include/mpcc/error.h). */
#include "mpcc/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum mpcc_status mpcc_error_set(struct mpcc_error *err, enum mpcc_status code,
                                const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void mpcc_error_prefix(struct mpcc_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    char prefix[MPCC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    /* Build "prefix: msg" by hand so truncation is explicit, not a warning. */
    char joined[MPCC_ERROR_MSG_MAX];
    size_t cap = sizeof joined - 1, len = 0;
    for (const char *parts[3] = {prefix, ": ", err->msg}, **p = parts; p < parts + 3; p++)
        for (const char *s = *p; *s != '\0' && len < cap; s++)
            joined[len++] = *s;
    joined[len] = '\0';
    memcpy(err->msg, joined, len + 1);
}

void mpcc_error_clear(struct mpcc_error *err)
{
    if (err == NULL)
        return;
    err->code = MPCC_OK;
    err->msg[0] = '\0';
}

const char *mpcc_status_name(enum mpcc_status code)
{
    switch (code) {
    case MPCC_OK: return "ok";
    case MPCC_ERR_NOMEM: return "out of memory";
    case MPCC_ERR_IO: return "input/output error";
    case MPCC_ERR_PARSE: return "parse error";
    case MPCC_ERR_INVALID: return "invalid request";
    case MPCC_ERR_LIMIT: return "limit exceeded";
    case MPCC_ERR_CPU: return "unsupported CPU";
    case MPCC_ERR_CRYPTO: return "cryptographic failure";
    case MPCC_ERR_PROTOCOL: return "protocol error";
    case MPCC_ERR_TIMEOUT: return "timeout";
    case MPCC_ERR_CLOSED: return "connection closed";
    }
    return "unknown error";
}
