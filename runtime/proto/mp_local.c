/* mp_local.c - every party of a multi-party run in one process: one thread
 * per party, an in-memory channel for each pair that talks, then the same
 * handshake and protocol as over the network (mpcrun --local, tests). It
 * prints nothing; the caller reports each party's outputs. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/program.h"
#include "runtime/proto/proto.h"

struct local_party {
    struct mpcc_mp_session s;
    struct net_channel **chans; /* n_parties, owned by this thread once started */
    const struct values_set *inputs;
    struct mpcc_mp_local_result *res;
};

static void *local_main(void *arg)
{
    struct local_party *lp = arg;
    const struct mpcc_mp_session *s = &lp->s;
    uint32_t n = s->prog->iface->n_parties;
    enum mpcc_status st = MPCC_OK;
    for (uint32_t p = 0; st == MPCC_OK && p < n; p++)
        if (lp->chans[p] != NULL)
            st = mpcc_mp_hello(s, lp->chans[p], p, &lp->res->err);
    if (st != MPCC_OK)
        mpcc_mp_abort(s, lp->chans, lp->res->err.msg);
    else
        st = mpcc_mp_run_program(s, lp->chans, lp->inputs, &lp->res->outputs, &lp->res->stats,
                                 &lp->res->err);
    for (uint32_t p = 0; p < n; p++) {
        if (st == MPCC_OK)
            net_close(lp->chans[p]);
        else
            net_free(lp->chans[p]); /* wakes the others at once */
        lp->chans[p] = NULL;
    }
    lp->res->st = st;
    return NULL;
}

enum mpcc_status mpcc_mp_run_local(const struct mpcc_program *prog, uint32_t garbler,
                                   uint32_t evaluator, enum mpcc_mp_protocol protocol,
                                   enum mpcc_garbling garbling,
                                   const struct values_set *inputs, int timeout_ms,
                                   struct mpcc_progress *progress,
                                   struct mpcc_mp_local_result *res, struct mpcc_error *err)
{
    const struct iface *f = prog->iface;
    uint32_t n = f->n_parties;
    struct local_party *lp = calloc(n, sizeof *lp);
    struct net_channel **all = calloc((size_t)n * n, sizeof *all);
    pthread_t *th = calloc(n, sizeof *th);
    enum mpcc_status st = MPCC_OK;
    uint32_t started = 0;
    for (uint32_t p = 0; p < n; p++)
        memset(&res[p], 0, sizeof res[p]);
    if (lp == NULL || all == NULL || th == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory for %u parties", n);
        goto out;
    }
    for (uint32_t p = 0; p < n; p++) {
        st = mpcc_mp_session_init(&lp[p].s, prog, p, garbler, evaluator, err);
        if (st != MPCC_OK)
            goto out;
        lp[p].s.protocol = protocol;
        lp[p].s.garbling = garbling;
        lp[p].chans = all + (size_t)p * n;
        lp[p].inputs = inputs;
        lp[p].res = &res[p];
    }
    for (uint32_t a = 0; a < n; a++)
        for (uint32_t b = a + 1; b < n; b++)
            if (mpcc_mp_linked(&lp[0].s, a, b)) {
                st = net_mem_pair(f->parties[a], f->parties[b], timeout_ms,
                                  &lp[a].chans[b], &lp[b].chans[a], err);
                if (st != MPCC_OK)
                    goto out;
            }
    for (uint32_t q = 0; progress != NULL && q < n; q++)
        if (lp[0].chans[q] != NULL)
            net_set_progress(lp[0].chans[q], progress);
    for (; started < n; started++)
        if (pthread_create(&th[started], NULL, local_main, &lp[started]) != 0) {
            st = mpcc_error_set(err, MPCC_ERR_NOMEM, "cannot start a thread for party %s",
                                f->parties[started]);
            break;
        }
    /* Parties without a thread: drop their channels so the others stop. */
    for (uint32_t p = started; p < n; p++)
        for (uint32_t q = 0; q < n; q++) {
            net_free(lp[p].chans[q]);
            lp[p].chans[q] = NULL;
        }
    for (uint32_t p = 0; p < started; p++)
        pthread_join(th[p], NULL);
    for (uint32_t p = 0; st == MPCC_OK && p < n; p++)
        if (res[p].st != MPCC_OK)
            st = mpcc_error_set(err, res[p].st, "party %s: %s", f->parties[p], res[p].err.msg);
out:
    if (all != NULL && started == 0)
        for (size_t i = 0; i < (size_t)n * n; i++)
            net_free(all[i]);
    free(all);
    free(lp);
    free(th);
    return st;
}
