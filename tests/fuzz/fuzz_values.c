/* fuzz_values.c - libFuzzer harness for the input-value parser and the input
 * file reader (circuits/values.h), fed as `--input` text or an input file
 * would be: any bytes fail cleanly, and whatever parses prints back to text
 * that parses to the same bits. It does not fuzz the interface itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/iface.h"
#include "circuits/values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dup_str(const char *s)
{
    char *d = strdup(s);
    if (d == NULL)
        abort();
    return d;
}

/* party p1, p2; struct P { uint8 age; bool flag; }; inputs of several shapes. */
static struct iface *make_iface(void)
{
    struct mpcc_error err = {0};
    struct iface *f = iface_new(&err);
    if (f == NULL || iface_add_party(f, "p1", &err) || iface_add_party(f, "p2", &err))
        abort();
    char **names = malloc(2 * sizeof *names);
    struct iface_type **types = malloc(2 * sizeof *types);
    if (names == NULL || types == NULL)
        abort();
    names[0] = dup_str("age");
    names[1] = dup_str("flag");
    types[0] = iface_type_int(false, 8);
    types[1] = iface_type_bool();
    struct iface_type *p = iface_type_struct(dup_str("P"), 2, names, types);
    if (iface_add_input(f, "a", 0, iface_type_array(p, 3), &err) ||
        iface_add_input(f, "x", 0, iface_type_int(true, 16), &err) ||
        iface_add_input(f, "big", 1, iface_type_int(false, 200), &err) ||
        iface_add_input(f, "m", 1, iface_type_array(iface_type_array(iface_type_int(true, 7), 2), 2),
                        &err) ||
        iface_add_input(f, "q", 1, iface_type_fixed(32), &err) ||
        iface_add_input(f, "w", 0, iface_type_array(iface_type_fixed(64), 2), &err))
        abort();
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mpcc_error err = {0};
    struct iface *f = make_iface();
    const struct iface_type *t = f->inputs[size ? data[0] % f->n_inputs : 0].type;

    /* 1. One value of one type; a parsed value must survive a round trip. */
    char *text = malloc(size + 1);
    uint8_t *bits = calloc(t->bits, 1), *again = calloc(t->bits, 1);
    if (text == NULL || bits == NULL || again == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    if (values_parse_n(t, (const char *)data, size, bits, &err) == MPCC_OK) {
        char *shown = values_to_string(t, bits, false, &err);
        if (shown == NULL || values_parse(t, shown, again, &err) != MPCC_OK ||
            memcmp(bits, again, t->bits) != 0)
            abort();
        free(shown);
    } else if (err.msg[0] == '\0') {
        abort(); /* a failure must say why */
    }

    /* 2. The same bytes as an input file, then as one --input argument. */
    struct values_set *s = values_set_new(f, VALUES_ANY_PARTY, &err);
    if (s == NULL)
        abort();
    (void)values_set_read_mem(s, (const char *)data, size, "fuzz", &err);
    (void)values_set_check_complete(s, &err);
    values_set_free(s);
    s = values_set_new(f, 0, &err);
    if (s == NULL)
        abort();
    (void)values_set_assign(s, text, &err);
    values_set_free(s);

    free(text);
    free(bits);
    free(again);
    iface_free(f);
    return 0;
}
