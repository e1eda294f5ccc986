/* fuzz_peer_evaluator.c - the evaluator's side of a two-party run fed an
 * arbitrary garbler: greeting, handshake, set-up, garbler labels, base OT and
 * OT extension messages, garbled tables, transcript checks and decoding
 * bits all come from the fuzz input (peer_harness.h). */
#include "peer_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return peer_fuzz_one(MPCC_EVALUATOR, data, size);
}
