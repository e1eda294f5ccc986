/* peer_party.h - what the protocol harnesses (fuzz_peer_*.c) and the seed
 * recorder (tests/tools/record_peer.c) share: one small fixed two-party run
 * (8-bit inputs a and b; outputs a + b and a < b to both parties) and a
 * function running one side of it, greeting included, over a channel. */
#ifndef MPCC_FUZZ_PEER_PARTY_H
#define MPCC_FUZZ_PEER_PARTY_H

#include <stdlib.h>
#include <string.h>

#include "circuits/builder.h"
#include "circuits/circuit.h"
#include "circuits/gadgets.h"
#include "mpcc/mpcc.h"
#include "runtime/net/net.h"

static struct circuit *peer_circuit(void)
{
    struct mpcc_error err = {0};
    struct bld *b = bld_new(&err);
    if (b == NULL)
        return NULL;
    bld_wire x[8], y[8], s[8], lt;
    bld_input(b, 8, x);
    bld_input(b, 8, y);
    bld_add(b, 8, x, y, s);
    lt = bld_lt_u(b, 8, x, y);
    bld_output(b, 8, s);
    bld_output(b, 1, &lt);
    struct circuit *c = bld_finish(b, &err);
    bld_free(b);
    return c;
}

/* Runs side `role` (garbler: input 0 = 200; evaluator: input 1 = 100) of the
 * fixed circuit over ch, greeting first. Returns the status; err says why. */
static enum mpcc_status peer_run_side(const struct circuit *c, enum mpcc_role role,
                                      struct net_channel *ch, struct mpcc_error *err)
{
    static const uint8_t mine_g[2] = {1, 0}, mine_e[2] = {0, 1}, recipients[2] = {3, 3};
    struct mpcc_2pc run = {.circ = c,
                           .my_name = role == MPCC_GARBLER ? "g" : "e",
                           .peer_name = role == MPCC_GARBLER ? "e" : "g",
                           .role = role,
                           .my_inputs = role == MPCC_GARBLER ? mine_g : mine_e,
                           .recipients = recipients};
    enum mpcc_status st = mpcc_circuit_digest(c, run.digest, err);
    uint8_t in[16] = {0}, out[9], got[2];
    for (int i = 0; i < 8; i++) {
        in[i] = (uint8_t)((200 >> i) & 1);
        in[8 + i] = (uint8_t)((100 >> i) & 1);
    }
    if (st == MPCC_OK)
        st = mpcc_2pc_greet(ch, err);
    if (st == MPCC_OK)
        st = mpcc_2pc_run(&run, ch, in, out, got, NULL, err);
    return st;
}

#endif
