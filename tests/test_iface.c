/* test_iface.c - the typed interface (circuits/iface.h) and the .circ file
 * (circuits/program.h): types, tables, round trips, digests, the strict
 * reader's error messages and the atomic writer. */
#include <check.h>
#include <openssl/evp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "circuits/eval.h"
#include "circuits/iface.h"
#include "circuits/circ_bin.h"
#include "circuits/program.h"

static struct iface_type *patient_type(void)
{
    char **names = malloc(2 * sizeof *names);
    struct iface_type **types = malloc(2 * sizeof *types);
    ck_assert_ptr_nonnull(names);
    ck_assert_ptr_nonnull(types);
    names[0] = strdup("age");
    names[1] = strdup("diabetic");
    types[0] = iface_type_int(false, 8);
    types[1] = iface_type_bool();
    struct iface_type *t = iface_type_struct(strdup("Patient"), 2, names, types);
    ck_assert_ptr_nonnull(t);
    return t;
}

static char *type_string(const struct iface_type *t)
{
    static char buf[256]; /* test-only scratch */
    iface_type_to_string(t, buf, sizeof buf);
    return buf;
}

START_TEST(iface_types_spell_and_count_bits)
{
    struct iface_type *t = iface_type_int(false, 8);
    ck_assert_str_eq(type_string(t), "uint8");
    iface_type_free(t);
    t = iface_type_array(iface_type_array(iface_type_int(true, 32), 3), 2);
    ck_assert_str_eq(type_string(t), "int32[2][3]");
    ck_assert_uint_eq(t->bits, 192);
    ck_assert_uint_eq(t->length, 2);
    ck_assert_uint_eq(t->elem->length, 3);
    iface_type_free(t);
    t = iface_type_array(patient_type(), 4);
    ck_assert_str_eq(type_string(t), "Patient[4]");
    ck_assert_uint_eq(t->bits, 36);
    struct iface_type *c = iface_type_clone(t);
    ck_assert(iface_type_equal(t, c));
    ck_assert_uint_eq(iface_type_depth(c), 2);
    iface_type_free(c);
    c = iface_type_array(patient_type(), 5);
    ck_assert(!iface_type_equal(t, c));
    iface_type_free(c);
    iface_type_free(t);
    t = iface_type_bool();
    ck_assert_str_eq(type_string(t), "bool");
    char small[4];
    ck_assert_uint_eq(iface_type_to_string(t, small, sizeof small), 4);
    ck_assert_str_eq(small, "boo");
    iface_type_free(t);
}
END_TEST

START_TEST(iface_type_constructors_refuse_bad_sizes)
{
    ck_assert_ptr_null(iface_type_int(false, 0));
    ck_assert_ptr_null(iface_type_int(true, 65536));
    ck_assert_ptr_null(iface_type_array(iface_type_bool(), 0));
    ck_assert_ptr_null(iface_type_array(iface_type_int(false, 65535), 65535));
    struct iface_type *t = iface_type_int(false, 65535);
    ck_assert_ptr_nonnull(t);
    iface_type_free(t);
    char **names = malloc(2 * sizeof *names);
    struct iface_type **types = malloc(2 * sizeof *types);
    names[0] = strdup("x");
    names[1] = strdup("x");
    types[0] = iface_type_bool();
    types[1] = iface_type_bool();
    ck_assert_ptr_null(iface_type_struct(strdup("S"), 2, names, types)); /* duplicate field */
}
END_TEST

START_TEST(iface_tables_check_names_owners_recipients)
{
    struct mpcc_error err = {0};
    struct iface *f = iface_new(&err);
    ck_assert_int_eq(iface_add_party(f, "h1", &err), MPCC_OK);
    ck_assert_int_eq(iface_add_party(f, "h2", &err), MPCC_OK);
    ck_assert_int_eq(iface_add_party(f, "h1", &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "duplicate party 'h1'");
    ck_assert_int_eq(iface_add_party(f, "2x", &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "invalid party name '2x' (expected an identifier of 1..64 characters: "
                              "letters, digits, '_', not starting with a digit)");
    ck_assert_int_eq(iface_add_input(f, "a", 0, iface_type_int(false, 8), &err), MPCC_OK);
    ck_assert_int_eq(iface_add_input(f, "a", 1, iface_type_bool(), &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "duplicate input 'a'");
    ck_assert_int_eq(iface_add_input(f, "b", 2, iface_type_bool(), &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "input 'b' is owned by party 2, but there are 2 parties");
    uint32_t rs[2] = {1, 0};
    ck_assert_int_eq(iface_add_output(f, "a", iface_type_bool(), rs, 2, &err), MPCC_OK);
    ck_assert_uint_eq(f->outputs[0].recipients[0], 0); /* sorted */
    ck_assert_uint_eq(f->outputs[0].recipients[1], 1);
    ck_assert(iface_output_has_recipient(&f->outputs[0], 1));
    uint32_t dup[2] = {1, 1};
    ck_assert_int_eq(iface_add_output(f, "o", iface_type_bool(), dup, 2, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "output 'o' lists party 'h2' twice");
    ck_assert_int_eq(iface_add_output(f, "o", iface_type_bool(), rs, 0, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "output 'o' has no recipients");
    ck_assert_int_eq(iface_party_index(f, "h2"), 1);
    ck_assert_int_eq(iface_party_index(f, "h3"), -1);
    ck_assert_int_eq(iface_input_index(f, "a"), 0);
    ck_assert_int_eq(iface_output_index(f, "zz"), -1);

    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 7, &err), MPCC_OK);
    ck_assert_int_eq(iface_check_against(f, c, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "the interface declares 1 outputs but the circuit has 0 output values");
    uint32_t w = 0;
    ck_assert_int_eq(circ_add_output(c, 1, &w, &err), MPCC_OK);
    ck_assert_int_eq(iface_check_against(f, c, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "input 'a' has type uint8 (8 bits) but circuit input 0 has 7 bits");
    circ_free(c);
    iface_free(f);
}
END_TEST

/* The example program: Patient[4] from h1, a threshold from h3, a 16-bit
 * total for everyone and a flag for h3. The circuit is already in Bristol
 * canonical form (single assignment, outputs on the last wires). */
static struct mpcc_program *example_program(void)
{
    struct mpcc_error err = {0};
    struct iface *f = iface_new(&err);
    ck_assert_int_eq(iface_add_party(f, "h1", &err), MPCC_OK);
    ck_assert_int_eq(iface_add_party(f, "h2", &err), MPCC_OK);
    ck_assert_int_eq(iface_add_party(f, "h3", &err), MPCC_OK);
    ck_assert_int_eq(iface_add_input(f, "a", 0, iface_type_array(patient_type(), 4), &err), MPCC_OK);
    ck_assert_int_eq(iface_add_input(f, "threshold", 2, iface_type_int(false, 32), &err), MPCC_OK);
    uint32_t all[3] = {2, 0, 1}, h3 = 2;
    ck_assert_int_eq(iface_add_output(f, "total", iface_type_int(false, 16), all, 3, &err), MPCC_OK);
    ck_assert_int_eq(iface_add_output(f, "over", iface_type_bool(), &h3, 1, &err), MPCC_OK);
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 36, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_input(c, 32, &err), MPCC_OK);
    uint32_t wires[16];
    for (uint32_t i = 0; i < 16; i++) {
        ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, i, 36 + i, 68 + i, &err), MPCC_OK);
        wires[i] = 68 + i;
    }
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 0, 36, 84, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_output(c, 16, wires, &err), MPCC_OK);
    uint32_t w84 = 84;
    ck_assert_int_eq(circ_add_output(c, 1, &w84, &err), MPCC_OK);
    struct mpcc_program *p = prog_new(f, c, &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    return p;
}

/* The text form (header + Bristol Fashion), or the canonical binary one. */
static char *write_mem_as(const struct mpcc_program *p, size_t *len, int binary)
{
    struct mpcc_error err = {0};
    char *buf = NULL;
    FILE *mem = open_memstream(&buf, len);
    ck_assert_ptr_nonnull(mem);
    ck_assert_msg((binary ? prog_write(p, mem, &err) : prog_write_text(p, mem, &err)) == MPCC_OK, "%s", err.msg);
    fclose(mem);
    return buf;
}

static char *write_mem(const struct mpcc_program *p, size_t *len)
{
    return write_mem_as(p, len, 0);
}

static const char example_header[] = "mpcc-circuit 1\n"
                                     "party h1\n"
                                     "party h2\n"
                                     "party h3\n"
                                     "struct Patient { uint8 age; bool diabetic; }\n"
                                     "input h1 a Patient[4]\n"
                                     "input h3 threshold uint32\n"
                                     "output total uint16 to h1 h2 h3\n"
                                     "output over bool to h3\n"
                                     "circuit\n";

/* ---- the binary form ---- */

/* A binary .circ from an interface header and a circuit body, with a valid
 * checksum (so the reader's own checks are what the tests see). */
static uint8_t *bin_file(const char *header, const struct circ_bin_buf *body, size_t *len)
{
    static const uint8_t magic[8] = { 0x7f, 'M', 'P', 'C', 'C', '\r', '\n', 0x1a };
    struct circ_bin_buf f = {0};
    for (int i = 0; i < 8; i++)
        circ_bin_encode_byte(&f, magic[i]);
    circ_bin_encode_u(&f, PROG_BINARY_VERSION);
    circ_bin_encode_u(&f, strlen(header));
    for (size_t i = 0; header[i]; i++)
        circ_bin_encode_byte(&f, (uint8_t)header[i]);
    circ_bin_encode_u(&f, body->n);
    for (size_t i = 0; i < body->n; i++)
        circ_bin_encode_byte(&f, body->p[i]);
    uint8_t md[32];
    unsigned int dl = 0;
    ck_assert(EVP_Digest(f.p, f.n, md, &dl, EVP_sha256(), NULL));
    for (int i = 0; i < 32; i++)
        circ_bin_encode_byte(&f, md[i]);
    ck_assert(!f.failed);
    *len = f.n;
    return f.p;
}

static const char bin_header[] = "mpcc-circuit 1\nparty a\nparty b\ninput a x uint2\noutput y bool to a b\ncircuit\n";

/* A body: n_subs, then sub 0 (2 inputs of 1 bit, AND, 1 output) unless
 * n_subs is 0, then main (one 2-bit input, a call of `callee` with 2
 * arguments, or 1 when n_res is 0, or an AND). */
static void bin_body(struct circ_bin_buf *b, uint64_t n_subs, uint64_t sub_calls, uint64_t callee,
                     uint64_t n_res, uint64_t out_wire)
{
    circ_bin_encode_u(b, n_subs);
    if (n_subs > 0) {
        circ_bin_encode_u(b, 2); circ_bin_encode_u(b, 1); circ_bin_encode_u(b, 1); /* inputs */
        circ_bin_encode_u(b, 1); circ_bin_encode_u(b, 1);                          /* outputs */
        circ_bin_encode_u(b, 3);                                                   /* wires */
        circ_bin_encode_u(b, 1);                                                   /* gates */
        if (sub_calls) { /* a call of subcircuit 0 from subcircuit 0 */
            circ_bin_encode_u(b, 0 << 2 | CIRC_CALL);
            circ_bin_encode_u(b, 1); circ_bin_encode_u(b, 1); circ_bin_encode_u(b, 2);
            circ_bin_encode_u(b, 0); circ_bin_encode_u(b, 2); circ_bin_encode_u(b, 0);
            circ_bin_encode_u(b, 4); circ_bin_encode_u(b, 1); circ_bin_encode_u(b, 0);
        } else { /* wire 2 = 0 AND 1 */
            circ_bin_encode_u(b, 4 << 2 | CIRC_AND);
            circ_bin_encode_u(b, 3); /* zz(0 - 2) */
            circ_bin_encode_u(b, 1); /* zz(1 - 2) */
        }
        circ_bin_encode_u(b, 2); /* output wire */
    }
    circ_bin_encode_u(b, 1); circ_bin_encode_u(b, 2); /* main: one 2-bit input */
    circ_bin_encode_u(b, 1); circ_bin_encode_u(b, 1); /* one 1-bit output */
    circ_bin_encode_u(b, 3);                          /* wires */
    circ_bin_encode_u(b, 1);                          /* gates */
    if (n_subs > 0) {
        circ_bin_encode_u(b, callee << 2 | CIRC_CALL);
        circ_bin_encode_u(b, 1);                          /* repeat */
        circ_bin_encode_u(b, 1);                          /* argument ranges */
        circ_bin_encode_u(b, 2);                          /* ranges */
        circ_bin_encode_u(b, 0); circ_bin_encode_u(b, n_res == 0 ? 1 : 2); circ_bin_encode_u(b, 0); /* args */
        circ_bin_encode_u(b, 4); circ_bin_encode_u(b, 1); circ_bin_encode_u(b, 0); /* result: wire 2 */
    } else {
        circ_bin_encode_u(b, 4 << 2 | CIRC_AND);
        circ_bin_encode_u(b, 3);
        circ_bin_encode_u(b, 1);
    }
    circ_bin_encode_u(b, out_wire);
}

START_TEST(program_binary_round_trip_and_digest)
{
    struct mpcc_error err = {0};
    struct mpcc_program *p = example_program();
    size_t len = 0, len2 = 0;
    char *bin = write_mem_as(p, &len, 1);
    ck_assert_uint_ge(len, 40);
    ck_assert_int_eq((unsigned char)bin[0], 0x7f);
    struct mpcc_program *q = prog_read_mem(bin, len, "x.circ", &err);
    ck_assert_msg(q != NULL, "%s", err.msg);
    ck_assert(iface_equal(p->iface, q->iface));
    char *bin2 = write_mem_as(q, &len2, 1);
    ck_assert_uint_eq(len, len2);
    ck_assert_int_eq(memcmp(bin, bin2, len), 0); /* canonical */
    uint8_t d[32];
    ck_assert_int_eq(prog_digest(p, d, &err), MPCC_OK);
    ck_assert_int_eq(memcmp(d, bin + len - 32, 32), 0); /* the digest is the file's checksum */
    /* A valid file with a subcircuit: read, evaluated through the call. */
    struct circ_bin_buf b = {0};
    bin_body(&b, 1, 0, 0, 1, 2);
    size_t flen;
    uint8_t *f = bin_file(bin_header, &b, &flen);
    struct mpcc_program *r = prog_read_mem((const char *)f, flen, "s.circ", &err);
    ck_assert_msg(r != NULL, "%s", err.msg);
    ck_assert_uint_eq(r->circ->n_calls, 1);
    for (int x = 0; x < 4; x++) {
        uint8_t in[2] = { (uint8_t)(x & 1), (uint8_t)(x >> 1) }, out[1];
        ck_assert_int_eq(circ_eval_bits(r->circ, in, out, &err), MPCC_OK);
        ck_assert_uint_eq(out[0], x == 3);
    }
    prog_free(r);
    free(f);
    free(b.p);
    free(bin);
    free(bin2);
    prog_free(p);
    prog_free(q);
}
END_TEST

/* Each malformed binary file gets its own message. */
START_TEST(program_binary_reader_names_each_problem)
{
    struct mpcc_error err = {0};
    struct { uint64_t n_subs, sub_calls, callee, n_res, out_wire; int cut; const char *want; } cases[] = {
        { 1, 0, 0, 1, 2, 1, "truncated: the file ends inside an output wire" },
        { 1, 1, 0, 1, 2, 0, "calls the subcircuit itself (calls may not recurse)" },
        { 1, 0, 5, 1, 2, 0, "calls subcircuit 5; only subcircuits 0..0 may be called here" },
        { 1, 0, 0, 0, 2, 0, "call of subcircuit 0 with 1 arguments and 1 results; it takes 2 and gives 1" },
        { 1, 0, 0, 1, 7, 0, "an output wire 7 is more than the limit of 2" },
        { 2000000, 0, 0, 1, 2, 0, "the number of subcircuits 2000000 is more than the limit" },
        { 0, 0, 0, 1, 9, 0, "an output wire 9 is more than the limit of 2" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct circ_bin_buf b = {0};
        bin_body(&b, cases[k].n_subs, cases[k].sub_calls, cases[k].callee, cases[k].n_res, cases[k].out_wire);
        b.n -= (size_t)cases[k].cut;
        size_t flen;
        uint8_t *f = bin_file(bin_header, &b, &flen);
        struct mpcc_program *r = prog_read_mem((const char *)f, flen, "s.circ", &err);
        ck_assert_msg(r == NULL, "case %zu read", k);
        ck_assert_msg(strstr(err.msg, cases[k].want) != NULL, "case %zu: %s", k, err.msg);
        ck_assert_msg(strncmp(err.msg, "s.circ", 6) == 0, "case %zu: %s", k, err.msg);
        free(f);
        free(b.p);
    }
    /* A wire out of range in a gate; too many gates for the bytes. */
    struct circ_bin_buf b = {0};
    circ_bin_encode_u(&b, 0);
    circ_bin_encode_u(&b, 1); circ_bin_encode_u(&b, 2); circ_bin_encode_u(&b, 1); circ_bin_encode_u(&b, 1);
    circ_bin_encode_u(&b, 3); circ_bin_encode_u(&b, 1);
    circ_bin_encode_u(&b, 4 << 2 | CIRC_AND); circ_bin_encode_u(&b, 40); circ_bin_encode_u(&b, 1);
    circ_bin_encode_u(&b, 2);
    size_t flen;
    uint8_t *f = bin_file(bin_header, &b, &flen);
    ck_assert_ptr_null(prog_read_mem((const char *)f, flen, "s.circ", &err));
    ck_assert_msg(strstr(err.msg, "gate 0 names wire 22, outside its 3 wires") != NULL, "%s", err.msg);
    free(f);
    b.n = 0;
    circ_bin_encode_u(&b, 0);
    circ_bin_encode_u(&b, 1); circ_bin_encode_u(&b, 2); circ_bin_encode_u(&b, 1); circ_bin_encode_u(&b, 1);
    circ_bin_encode_u(&b, 3); circ_bin_encode_u(&b, 1000000);
    f = bin_file(bin_header, &b, &flen);
    ck_assert_ptr_null(prog_read_mem((const char *)f, flen, "s.circ", &err));
    ck_assert_msg(strstr(err.msg, "1000000 gates, more than the file holds") != NULL, "%s", err.msg);
    /* A flipped byte: the checksum catches it. */
    f[20] ^= 1;
    ck_assert_ptr_null(prog_read_mem((const char *)f, flen, "s.circ", &err));
    ck_assert_msg(strstr(err.msg, "checksum") != NULL, "%s", err.msg);
    free(f);
    free(b.p);
}
END_TEST

START_TEST(program_round_trips_through_text)
{
    struct mpcc_error err = {0};
    struct mpcc_program *p = example_program();
    size_t len = 0, len2 = 0;
    char *text = write_mem(p, &len);
    ck_assert_int_eq(strncmp(text, example_header, strlen(example_header)), 0);
    struct mpcc_program *q = prog_read_mem(text, len, "x.circ", &err);
    ck_assert_msg(q != NULL, "%s", err.msg);
    ck_assert(iface_equal(p->iface, q->iface));
    ck_assert_uint_eq(q->circ->n_gates, p->circ->n_gates);
    ck_assert_uint_eq(q->circ->n_input_bits, 68);
    ck_assert_uint_eq(q->circ->n_output_bits, 17);
    ck_assert_uint_eq(circ_count_op(q->circ, CIRC_AND), 1);
    ck_assert_uint_eq(q->circ->n_inputs, 2);
    ck_assert_uint_eq(q->circ->input_widths[0], 36);
    ck_assert_uint_eq(q->circ->output_widths[0], 16);
    ck_assert_uint_eq(q->circ->output_widths[1], 1);
    /* same function: evaluate both on a few input patterns */
    uint8_t in[68], o1[17], o2[17];
    for (int pat = 0; pat < 8; pat++) {
        for (int i = 0; i < 68; i++)
            in[i] = (uint8_t)(((i * 7 + pat * 13) >> (pat % 3)) & 1);
        ck_assert_int_eq(circ_eval_bits(p->circ, in, o1, &err), MPCC_OK);
        ck_assert_int_eq(circ_eval_bits(q->circ, in, o2, &err), MPCC_OK);
        ck_assert_int_eq(memcmp(o1, o2, 17), 0);
        for (int i = 0; i < 16; i++)
            ck_assert_uint_eq(o2[i], in[i] ^ in[36 + i]);
        ck_assert_uint_eq(o2[16], in[0] & in[36]);
    }
    char *text2 = write_mem(q, &len2);
    ck_assert_uint_eq(len, len2);
    ck_assert_int_eq(memcmp(text, text2, len), 0);
    uint8_t d1[32], d2[32];
    ck_assert_int_eq(prog_digest(p, d1, &err), MPCC_OK);
    ck_assert_int_eq(prog_digest(q, d2, &err), MPCC_OK);
    ck_assert_int_eq(memcmp(d1, d2, 32), 0);
    free(text);
    free(text2);
    prog_free(q);
    prog_free(p);
}
END_TEST

START_TEST(program_digest_changes_with_any_part)
{
    struct mpcc_error err = {0};
    uint8_t base[32], d[32];
    struct mpcc_program *p = example_program();
    ck_assert_int_eq(prog_digest(p, base, &err), MPCC_OK);
    for (int change = 0; change < 5; change++) {
        struct mpcc_program *q = example_program();
        switch (change) {
        case 0: q->iface->parties[1][1] = '9'; break;        /* a party's name */
        case 1: q->iface->inputs[1].owner = 1; break;        /* an owner */
        case 2: q->iface->outputs[1].recipients[0] = 1; break; /* a recipient */
        case 3: q->circ->gates[16].op = CIRC_XOR; break;     /* a gate */
        case 4: q->iface->inputs[0].type->elem->field_names[0][0] = 'b'; break; /* a field */
        }
        ck_assert_int_eq(prog_digest(q, d, &err), MPCC_OK);
        ck_assert_msg(memcmp(base, d, 32) != 0, "change %d left the digest unchanged", change);
        prog_free(q);
    }
    ck_assert_int_eq(prog_digest(p, d, &err), MPCC_OK);
    ck_assert_int_eq(memcmp(base, d, 32), 0);
    prog_free(p);
}
END_TEST

static char *make_temp_dir(void)
{
    char *dir = strdup("/tmp/mpcc_iface_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    return dir;
}

static int dir_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

START_TEST(program_file_write_is_atomic)
{
    struct mpcc_error err = {0};
    struct mpcc_program *p = example_program();
    char *dir = make_temp_dir();
    char path[512], bad[600];
    snprintf(path, sizeof path, "%s/p.circ", dir);
    ck_assert_int_eq(prog_write_file(p, path, &err), MPCC_OK);
    ck_assert_int_eq(dir_entries(dir), 1);
    struct mpcc_program *q = prog_read_file(path, &err);
    ck_assert_msg(q != NULL, "%s", err.msg);
    ck_assert(iface_equal(p->iface, q->iface));
    prog_free(q);

    snprintf(bad, sizeof bad, "%s/missing/p.circ", dir);
    ck_assert_int_eq(prog_write_file(p, bad, &err), MPCC_ERR_IO);
    ck_assert_msg(strstr(err.msg, "cannot create") != NULL, "%s", err.msg);
    ck_assert_int_eq(access(bad, F_OK), -1);

    /* a failure while writing leaves neither the file nor a temporary */
    unlink(path);
    p->circ->input_widths[1] = 31; /* interface no longer matches */
    ck_assert_int_eq(prog_write_file(p, path, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "input 'threshold' has type uint32 (32 bits) but circuit input 1 has 31 bits");
    ck_assert_int_eq(dir_entries(dir), 0);
    p->circ->input_widths[1] = 32;

    ck_assert_ptr_null(prog_read_file(bad, &err));
    ck_assert_int_eq(err.code, MPCC_ERR_IO);
    rmdir(dir);
    free(dir);
    prog_free(p);
}
END_TEST

/* One input of 8 bits, one output of 1 bit; file lines start after "circuit". */
static const char small_body[] = "1 9\n1 8\n1 1\n\n2 1 0 1 8 AND\n";

struct bad_case {
    const char *header; /* followed by small_body when it ends in "circuit\n" */
    const char *msg;
};

static const struct bad_case bad_cases[] = {
    {"", "t.circ:1: not an mpcc circuit file (expected 'mpcc-circuit 1' on the first line, or a binary .circ; compile a .mpc program with 'mpcc compile PROG.mpc -o PROG.circ')"},
    {"mpcc-circuit 2\n", "t.circ:1: unsupported format version '2' (this build reads version 1)"},
    {"mpcc-circuit\n", "t.circ:1: missing format version after 'mpcc-circuit'"},
    {"mpcc-circuit 1\nparty a\nfoo x\n",
     "t.circ:3: unknown keyword 'foo' (expected party, struct, input, output or circuit)"},
    {"mpcc-circuit 1\nparty a\n\n# note\nparty a\n", "t.circ:5: duplicate party 'a'"},
    {"mpcc-circuit 1\nparty 9x\n", "t.circ:2: party name '9x' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)"},
    {"mpcc-circuit 1\nparty "
     "a12345678901234567890123456789012345678901234567890123456789012345\n",
     "t.circ:2: party name 'a12345678901234567890123456789012345678901234567890123456789012345' is "
     "not an identifier of 1..64 characters"},
    {"mpcc-circuit 1\nparty a b\n", "t.circ:2: unexpected 'b' after the party name"},
    {"mpcc-circuit 1\nparty a\ninput zz x uint8\n", "t.circ:3: unknown party 'zz'"},
    {"mpcc-circuit 1\nparty a\ninput a x Foo\n", "t.circ:3: unknown type 'Foo'"},
    {"mpcc-circuit 1\nparty a\ninput a x uint0\n",
     "t.circ:3: integer type 'uint0' needs a width of 1..65535 bits"},
    {"mpcc-circuit 1\nparty a\ninput a x int65536\n",
     "t.circ:3: integer type 'int65536' needs a width of 1..65535 bits"},
    {"mpcc-circuit 1\nparty a\ninput a x uint8[0]\n",
     "t.circ:3: array length '0' is not a positive decimal number"},
    {"mpcc-circuit 1\nparty a\ninput a x uint8[4\n",
     "t.circ:3: malformed type 'uint8[4' (expected NAME[N][M]...)"},
    {"mpcc-circuit 1\nparty a\ninput a x uint65535[65535]\n",
     "t.circ:3: type 'uint65535[65535]' has more than 268435456 bits"},
    {"mpcc-circuit 1\nparty a\ninput a x\n", "t.circ:3: expected a type before end of line"},
    {"mpcc-circuit 1\nparty a\ninput a x bool\ninput a x bool\n", "t.circ:4: duplicate input 'x'"},
    {"mpcc-circuit 1\nstruct P { bool b; }\nstruct P { bool c; }\n", "t.circ:3: duplicate struct 'P'"},
    {"mpcc-circuit 1\nstruct uint8 { bool b; }\n", "t.circ:2: struct name 'uint8' is a builtin type name"},
    {"mpcc-circuit 1\nstruct P { uint8 age }\n", "t.circ:2: expected ';' after field age, found '}'"},
    {"mpcc-circuit 1\nstruct P { bool age; uint8 age; }\n", "t.circ:2: duplicate field 'age' in struct P"},
    {"mpcc-circuit 1\nstruct P { }\n", "t.circ:2: struct P has no fields"},
    {"mpcc-circuit 1\nstruct P { bool b;\n", "t.circ:2: expected a field type or '}' before end of line"},
    {"mpcc-circuit 1\nparty a\noutput o bool a\n", "t.circ:3: expected 'to' after the output's type, found 'a'"},
    {"mpcc-circuit 1\nparty a\noutput o bool to\n", "t.circ:3: output 'o' has no recipients after 'to'"},
    {"mpcc-circuit 1\nparty a\noutput o bool to a a\n", "t.circ:3: party 'a' is listed twice"},
    {"mpcc-circuit 1\nparty a\noutput o bool to b\n", "t.circ:3: unknown party 'b'"},
    {"mpcc-circuit 1\nparty a\xff\n", "t.circ:2: control or non-ASCII character in the header"},
    {"mpcc-circuit 1\nparty a\n", "t.circ:2: end of file before the 'circuit' line"},
    {"mpcc-circuit 1\ncircuit\n", "t.circ:2: no parties declared before 'circuit'"},
    {"mpcc-circuit 1\nparty a\ninput a x uint7\noutput o bool to a\ncircuit\n",
     "t.circ:3: input 'x' has type uint7 (7 bits) but circuit input 0 has 8 bits"},
    {"mpcc-circuit 1\nparty a\ninput a x uint8\noutput o uint2 to a\ncircuit\n",
     "t.circ:4: output 'o' has type uint2 (2 bits) but circuit output 0 has 1 bits"},
    {"mpcc-circuit 1\nparty a\ninput a x uint8\ninput a y bool\noutput o bool to a\ncircuit\n",
     "t.circ:6: the header declares 2 inputs but the circuit has 1 input values"},
    {"mpcc-circuit 1\nparty a\ninput a x uint8\ncircuit\n",
     "t.circ:4: the header declares 0 outputs but the circuit has 1 output values"},
};

START_TEST(program_reader_names_file_line_and_problem)
{
    const struct bad_case *bc = &bad_cases[_i];
    struct mpcc_error err = {0};
    char text[1024];
    size_t hl = strlen(bc->header);
    bool with_body = hl >= 8 && strcmp(bc->header + hl - 8, "circuit\n") == 0;
    snprintf(text, sizeof text, "%s%s", bc->header, with_body ? small_body : "");
    struct mpcc_program *p = prog_read_mem(text, strlen(text), "t.circ", &err);
    ck_assert_ptr_null(p);
    ck_assert_int_ne(err.code, MPCC_OK);
    ck_assert_str_eq(err.msg, bc->msg);
}
END_TEST

START_TEST(program_reader_numbers_body_errors_in_file_lines)
{
    static const char text[] = "mpcc-circuit 1\nparty a\ninput a x uint8\noutput o bool to a\n"
                               "circuit\n1 9\n1 8\n1 1\n\n2 1 0 1 8 NAND\n";
    struct mpcc_error err = {0};
    ck_assert_ptr_null(prog_read_mem(text, strlen(text), "t.circ", &err));
    /* the bad gate is on line 10 of the file (line 5 of the body) */
    ck_assert_msg(strncmp(err.msg, "t.circ:10: ", 11) == 0, "%s", err.msg);

    static const char good[] = "mpcc-circuit 1\n# comment\n\nparty a\ninput a x uint8\n"
                               "output o bool to a\ncircuit\n1 9\n1 8\n1 1\n\n2 1 0 1 8 AND\n";
    struct mpcc_program *p = prog_read_mem(good, strlen(good), "t.circ", &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    prog_free(p);
}
END_TEST

START_TEST(program_reader_bounds_nested_struct_growth)
{
    /* each struct holds two of the previous one: the trees double in size */
    char *text = malloc(8192);
    size_t n = (size_t)snprintf(text, 8192, "mpcc-circuit 1\nparty a\nstruct S0 { bool x; bool y; }\n");
    for (int i = 1; i < 31; i++)
        n += (size_t)snprintf(text + n, 8192 - n, "struct S%d { S%d x; S%d y; }\n", i, i - 1, i - 1);
    struct mpcc_error err = {0};
    ck_assert_ptr_null(prog_read_mem(text, n, "t.circ", &err));
    ck_assert_int_eq(err.code, MPCC_ERR_LIMIT);
    ck_assert_msg(strstr(err.msg, ": the header's types have more than 262144 parts in all") != NULL,
                  "%s", err.msg);
    free(text);
}
END_TEST

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

START_TEST(program_reader_survives_mutated_files)
{
    static const char alphabet[] = "0123456789 \n\t[]{};#xaz_-:9\xff\0";
    struct mpcc_program *p = example_program();
    size_t len = 0;
    char *text = write_mem(p, &len);
    char *copy = malloc(len);
    uint64_t seed = 12345;
    int accepted = 0;
    for (int iter = 0; iter < 1500; iter++) {
        memcpy(copy, text, len);
        int edits = 1 + (int)(rng_next(&seed) % 3);
        for (int e = 0; e < edits; e++)
            copy[rng_next(&seed) % len] = alphabet[rng_next(&seed) % (sizeof alphabet - 1)];
        size_t cut = iter % 10 == 0 ? rng_next(&seed) % len : len; /* sometimes truncated */
        struct mpcc_error err = {0};
        struct mpcc_program *q = prog_read_mem(copy, cut, "m.circ", &err);
        if (q) {
            accepted++;
            prog_free(q);
        } else {
            ck_assert_int_ne(err.code, MPCC_OK);
            ck_assert_msg(strncmp(err.msg, "m.circ:", 7) == 0 || strncmp(err.msg, "out of memory", 13) == 0,
                          "%s", err.msg);
        }
    }
    ck_assert_int_gt(accepted, 0); /* some edits (a space for a space) are harmless */
    free(copy);
    free(text);
    prog_free(p);
}
END_TEST

static Suite *iface_suite(void)
{
    Suite *s = suite_create("iface");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, iface_types_spell_and_count_bits);
    tcase_add_test(tc, iface_type_constructors_refuse_bad_sizes);
    tcase_add_test(tc, iface_tables_check_names_owners_recipients);
    tcase_add_test(tc, program_round_trips_through_text);
    tcase_add_test(tc, program_binary_round_trip_and_digest);
    tcase_add_test(tc, program_binary_reader_names_each_problem);
    tcase_add_test(tc, program_digest_changes_with_any_part);
    tcase_add_test(tc, program_file_write_is_atomic);
    tcase_add_loop_test(tc, program_reader_names_file_line_and_problem, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, program_reader_numbers_body_errors_in_file_lines);
    tcase_add_test(tc, program_reader_bounds_nested_struct_growth);
    tcase_add_test(tc, program_reader_survives_mutated_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(iface_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
