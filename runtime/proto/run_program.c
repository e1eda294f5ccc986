/* run_program.c - runs a compiled program (.circ: interface + circuit) as one
 * of its two parties: maps typed inputs to circuit input bits, ownership and
 * recipients to roles, and circuit output bits back to typed outputs. The
 * cryptographic protocol itself is in yao.c. */
#include <stdlib.h>
#include <string.h>

#include "circuits/program.h"
#include "circuits/values.h"
#include "mpcc/mpcc.h"

void mpcc_outputs_free(uint8_t **outputs, uint32_t n_outputs)
{
    if (outputs == NULL)
        return;
    for (uint32_t k = 0; k < n_outputs; k++)
        free(outputs[k]);
    free(outputs);
}

const char *mpcc_garbling_name(enum mpcc_garbling g)
{
    switch (g) {
    case MPCC_GARBLING_AUTO: return "auto";
    case MPCC_GARBLING_HALFGATES: return "halfgates";
    case MPCC_GARBLING_THREEHALVES: return "threehalves";
    }
    return NULL;
}

enum mpcc_status mpcc_run_program(const struct mpcc_program *prog, uint32_t party,
                                  enum mpcc_role role, struct net_channel *ch,
                                  const struct values_set *inputs, uint8_t ***outputs,
                                  struct mpcc_stats *stats, struct mpcc_error *err)
{
    return mpcc_run_program_opts(prog, party, role, ch, inputs, NULL, outputs, stats, err);
}

enum mpcc_status mpcc_run_program_opts(const struct mpcc_program *prog, uint32_t party,
                                       enum mpcc_role role, struct net_channel *ch,
                                       const struct values_set *inputs,
                                       const struct mpcc_run_options *opts, uint8_t ***outputs,
                                       struct mpcc_stats *stats, struct mpcc_error *err)
{
    const struct iface *f = prog->iface;
    const struct circuit *c = prog->circ;
    *outputs = NULL;
    if (f->n_parties != 2)
        return mpcc_error_set(err, MPCC_ERR_INVALID,
                              "this program has %u parties; mpcc_run_program runs two-party "
                              "programs (more parties: mpcc_mp_run_program)",
                              f->n_parties);
    if (party >= 2)
        return mpcc_error_set(err, MPCC_ERR_INVALID, "party index %u out of range", party);
    uint32_t peer = 1 - party;
    uint32_t garbler = role == MPCC_GARBLER ? party : peer;

    struct mpcc_2pc run = {.circ = c, .my_name = f->parties[party],
                           .peer_name = f->parties[peer], .role = role,
                           .garbling = opts ? opts->garbling : MPCC_GARBLING_AUTO,
                           .greeting_due = opts ? opts->greeting_due : false};
    uint8_t *my_inputs = calloc(c->n_inputs ? c->n_inputs : 1, 1);
    uint8_t *recipients = calloc(c->n_outputs ? c->n_outputs : 1, 1);
    uint8_t *in_bits = calloc(c->n_input_bits ? c->n_input_bits : 1, 1);
    uint8_t *out_bits = calloc(c->n_output_bits ? c->n_output_bits : 1, 1);
    uint8_t *got = calloc(c->n_outputs ? c->n_outputs : 1, 1);
    uint8_t **outs = calloc(f->n_outputs ? f->n_outputs : 1, sizeof *outs);
    enum mpcc_status st = MPCC_OK;
    if (!my_inputs || !recipients || !in_bits || !out_bits || !got || !outs) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory preparing the run");
        goto out;
    }
    st = prog_digest(prog, run.digest, err);
    if (st != MPCC_OK)
        goto out;
    uint64_t off = 0;
    for (uint32_t k = 0; k < f->n_inputs; k++) {
        uint32_t width = c->input_widths[k];
        if (f->inputs[k].owner == party) {
            if (inputs->bits[k] == NULL) {
                st = mpcc_error_set(err, MPCC_ERR_INVALID, "missing input '%s'",
                                    f->inputs[k].name);
                goto out;
            }
            my_inputs[k] = 1;
            memcpy(in_bits + off, inputs->bits[k], width);
        }
        off += width;
    }
    for (uint32_t k = 0; k < f->n_outputs; k++)
        for (uint32_t i = 0; i < f->outputs[k].n_recipients; i++)
            recipients[k] |= f->outputs[k].recipients[i] == garbler ? 1 : 2;
    run.my_inputs = my_inputs;
    run.recipients = recipients;

    st = mpcc_2pc_run(&run, ch, in_bits, out_bits, got, stats, err);
    if (st != MPCC_OK)
        goto out;
    off = 0;
    for (uint32_t k = 0; k < f->n_outputs; k++) {
        uint32_t width = c->output_widths[k];
        if (got[k]) {
            outs[k] = malloc(width);
            if (outs[k] == NULL) {
                st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for outputs");
                goto out;
            }
            memcpy(outs[k], out_bits + off, width);
        }
        off += width;
    }
    *outputs = outs;
    outs = NULL;
out:
    mpcc_outputs_free(outs, f->n_outputs);
    free(my_inputs);
    free(recipients);
    free(in_bits);
    free(out_bits);
    free(got);
    return st;
}
