/* fuzz_bristol.c - libFuzzer harness for the Bristol Fashion reader: any
 * bytes either fail cleanly or give a valid circuit that survives a round
 * trip through the writer. It does not fuzz the writer with arbitrary IR. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/bristol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_read_bristol_mem((const char *)data, size, "fuzz", &err);
    if (c == NULL) {
        if (err.code == MPCC_OK || err.msg[0] == '\0')
            abort(); /* a failure must say why */
        return 0;
    }
    if (circ_validate(c, &err) != MPCC_OK)
        abort();
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL)
        abort();
    if (circ_write_bristol(c, f, &err) != MPCC_OK || fclose(f) != 0)
        abort();
    struct circuit *back = circ_read_bristol_mem(text, len, "written", &err);
    if (back == NULL || back->n_input_bits != c->n_input_bits ||
        back->n_output_bits != c->n_output_bits || back->n_gates < c->n_gates)
        abort();
    /* writing what was read back reproduces the same text */
    char *text2 = NULL;
    size_t len2 = 0;
    f = open_memstream(&text2, &len2);
    if (f == NULL || circ_write_bristol(back, f, &err) != MPCC_OK || fclose(f) != 0)
        abort();
    if (len2 != len || memcmp(text, text2, len) != 0)
        abort();
    free(text2);
    circ_free(back);
    free(text);
    circ_free(c);
    return 0;
}
