/* fuzz_circ.c - libFuzzer harness for the .circ program reader, text
 * (interface header + Bristol Fashion body) and binary (header + circuit
 * with subcircuits): any bytes either fail with a message or give a program
 * that validates, writes, reads back to the same digest and writes the same
 * bytes again. A binary input gets a correct checksum before it is read, so
 * mutations reach the body's decoder instead of stopping at the checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "circuits/circuit.h"
#include "circuits/program.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The program as .circ text (malloc'd), or abort. */
static char *write_text(const struct mpcc_program *p, size_t *len)
{
    struct mpcc_error err = {0};
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (f == NULL || prog_write(p, f, &err) != MPCC_OK || fclose(f) != 0)
        abort();
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mpcc_error err = {0};
    uint8_t *copy = malloc(size + 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    if (size >= 40 && copy[0] == 0x7f) {
        unsigned int dl = 0;
        if (!EVP_Digest(copy, size - 32, copy + size - 32, &dl, EVP_sha256(), NULL))
            abort();
    }
    struct mpcc_program *p = prog_read_mem((const char *)copy, size, "fuzz", &err);
    free(copy);
    if (p == NULL) {
        if (err.code == MPCC_OK || err.msg[0] == '\0')
            abort(); /* a failure must say why */
        return 0;
    }
    if (circ_validate(p->circ, &err) != MPCC_OK)
        abort();
    size_t len = 0, len2 = 0;
    char *text = write_text(p, &len);
    struct mpcc_program *back = prog_read_mem(text, len, "written", &err);
    if (back == NULL)
        abort();
    uint8_t d1[32], d2[32];
    if (prog_digest(p, d1, &err) != MPCC_OK || prog_digest(back, d2, &err) != MPCC_OK ||
        memcmp(d1, d2, 32) != 0)
        abort();
    char *text2 = write_text(back, &len2);
    if (len2 != len || memcmp(text, text2, len) != 0)
        abort();
    free(text);
    free(text2);
    prog_free(back);
    prog_free(p);
    return 0;
}
