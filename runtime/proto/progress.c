/* progress.c - the updates of struct mpcc_progress (include/mpcc/progress.h). */
#include "mpcc/progress.h"

#include <stddef.h>

void mpcc_progress_init(struct mpcc_progress *p)
{
    atomic_init(&p->phase, MPCC_PHASE_CONNECT);
    atomic_init(&p->and_done, 0);
    atomic_init(&p->bytes_sent, 0);
    atomic_init(&p->bytes_recv, 0);
}

void mpcc_progress_phase(struct mpcc_progress *p, enum mpcc_phase phase)
{
    if (p != NULL)
        atomic_store_explicit(&p->phase, (int)phase, memory_order_relaxed);
}

void mpcc_progress_ands(struct mpcc_progress *p, uint64_t n)
{
    if (p != NULL)
        atomic_fetch_add_explicit(&p->and_done, n, memory_order_relaxed);
}

const char *mpcc_phase_name(int phase)
{
    static const char *const names[] = {"connecting", "handshake", "base OT", "inputs",
                                        "garbling", "output", "done"};
    return phase >= 0 && phase <= MPCC_PHASE_DONE ? names[phase] : "?";
}
