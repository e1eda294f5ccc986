/* greet.c - the first bytes of a two-party connection: each side sends a
 * short fixed greeting and checks the peer's, so that a listener can tell a
 * stranger (a port scanner, an HTTP client, a confused program) from an
 * mpcc peer before the session starts, drop it and keep waiting. A
 * connector need not wait for the listener's greeting before its hello: it
 * sends its greeting, and the handshake checks the listener's before
 * reading its hello (struct mpcc_2pc's greeting_due). */
#include "mpcc/mpcc.h"

#include <stdio.h>
#include <string.h>

#include "runtime/net/net.h"

#define GREET_FRAME 0x59410000u
static const char greeting[16] = "mpcc-2pc hello\n";

enum mpcc_status mpcc_2pc_greet_send(struct net_channel *ch, struct mpcc_error *err)
{
    return net_send_frame(ch, GREET_FRAME, greeting, sizeof greeting, err);
}

enum mpcc_status mpcc_2pc_greet_recv(struct net_channel *ch, struct mpcc_error *err)
{
    char theirs[sizeof greeting];
    size_t n = 0;
    enum mpcc_status st = net_recv_frame(ch, GREET_FRAME, theirs, sizeof theirs, &n, "greeting", err);
    if (st == MPCC_ERR_CLOSED && strcmp(net_kind(ch), "tcp") == 0) {
        char msg[MPCC_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err != NULL ? err->msg : "");
        mpcc_error_set(err, st, "%.400s (does the peer also run with --insecure-plaintext? links "
                       "are TLS by default)", msg);
    }
    if (st == MPCC_OK && (n != sizeof greeting || memcmp(theirs, greeting, n) != 0))
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s is not an mpcc two-party peer (wrong "
                            "greeting)", net_peer(ch));
    return st;
}

enum mpcc_status mpcc_2pc_greet(struct net_channel *ch, struct mpcc_error *err)
{
    enum mpcc_status st = mpcc_2pc_greet_send(ch, err);
    if (st == MPCC_OK)
        st = net_flush(ch, err);
    return st == MPCC_OK ? mpcc_2pc_greet_recv(ch, err) : st;
}
