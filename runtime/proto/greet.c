/* greet.c - the first bytes of a two-party connection: each side sends a
 * short fixed greeting and checks the peer's, so that a listener can tell a
 * stranger (a port scanner, an HTTP client, a confused program) from an
 * mpcc peer before the session starts, drop it and keep waiting. */
#include "mpcc/mpcc.h"

#include <string.h>

#include "runtime/net/net.h"

#define GREET_FRAME 0x59410000u
static const char greeting[16] = "mpcc-2pc hello\n";

enum mpcc_status mpcc_2pc_greet(struct net_channel *ch, struct mpcc_error *err)
{
    enum mpcc_status st = net_send_frame(ch, GREET_FRAME, greeting, sizeof greeting, err);
    if (st == MPCC_OK)
        st = net_flush(ch, err);
    char theirs[sizeof greeting];
    size_t n = 0;
    if (st == MPCC_OK)
        st = net_recv_frame(ch, GREET_FRAME, theirs, sizeof theirs, &n, "greeting", err);
    if (st == MPCC_OK && (n != sizeof greeting || memcmp(theirs, greeting, n) != 0))
        st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s is not an mpcc two-party peer (wrong "
                            "greeting)", net_peer(ch));
    return st;
}
