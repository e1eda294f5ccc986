/* fuzz_frontend.c - libFuzzer harness for the .mpc compiler front end: any
 * bytes either fail with at least one diagnostic (and an error message), or
 * compile into a valid circuit whose interface matches it. It does not
 * evaluate the circuits (test_compiler.c checks semantics). */
#include <stdint.h>
#include <stdlib.h>

#include "circuits/circuit.h"
#include "circuits/iface.h"
#include "compiler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mpcc_error err = {0};
    struct compile_options o = {0};
    struct mpcc_program *p = NULL;
    o.diags = mpcc_diags_new();
    if (o.diags == NULL)
        return 0;
    enum mpcc_status st = mpcc_compile_source("fuzz.mpc", (const char *)data, size, &o, &p, &err);
    if (st == MPCC_OK) {
        if (p == NULL || o.diags->n != 0)
            abort();
        if (circ_validate(p->circ, &err) != MPCC_OK || iface_check_against(p->iface, p->circ, &err) != MPCC_OK)
            abort();
        prog_free(p);
    } else {
        if (p != NULL || err.msg[0] == '\0')
            abort(); /* a failure must say why */
        if (st == MPCC_ERR_PARSE && o.diags->n == 0)
            abort(); /* program errors come with a located diagnostic */
        char *text = mpcc_diags_render(o.diags);
        free(text);
    }
    mpcc_diags_free(o.diags);
    return 0;
}
