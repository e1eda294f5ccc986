/* fuzz_peer_garbler.c - the garbler's side of a two-party run fed an
 * arbitrary evaluator: greeting, handshake, base OT and OT extension
 * messages, transcript checks and colour bits all come from the fuzz input
 * (peer_harness.h). */
#include "peer_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return peer_fuzz_one(MPCC_GARBLER, data, size);
}
