/* test_bristol.c - the Bristol Fashion reader and writer: reference circuits
 * and their test vectors, round trips through the writer, EQ/EQW/MAND
 * lowering, and one test per class of malformed input with its exact message.
 * A tiny bit-sliced evaluator below is cross-checked against circuits/eval.h. */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "circuits/bristol.h"
#include "circuits/eval.h"
#include "test_support.h"

/* ---- helpers ---- */

static struct circuit *read_text(const char *text, struct mpcc_error *err)
{
    return circ_read_bristol_mem(text, strlen(text), "t.txt", err);
}

static void expect_error(const char *text, size_t len, const char *msg)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_read_bristol_mem(text, len, "t.txt", &err);
    ck_assert_ptr_null(c);
    ck_assert_int_eq(err.code, MPCC_ERR_PARSE);
    ck_assert_str_eq(err.msg, msg);
}
#define EXPECT_ERROR(text, msg) expect_error(text, sizeof(text) - 1, msg)

/* Runs c on 64 instances at once: in[k] holds input bit k of every lane. */
static void eval64(const struct circuit *c, const uint64_t *in, uint64_t *out)
{
    uint64_t *w = calloc(c->n_wires ? c->n_wires : 1, sizeof *w);
    ck_assert_ptr_nonnull(w);
    memcpy(w, in, (size_t)c->n_input_bits * sizeof *w);
    for (uint64_t i = 0; i < c->n_gates; i++) {
        const struct circ_gate *g = &c->gates[i];
        w[g->out] = g->op == CIRC_XOR ? w[g->in0] ^ w[g->in1]
                  : g->op == CIRC_AND ? w[g->in0] & w[g->in1]
                                      : ~w[g->in0];
    }
    for (uint64_t j = 0; j < c->n_output_bits; j++)
        out[j] = w[c->output_wires[j]];
    free(w);
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Asserts a and b compute the same function on 128 random instances. */
static void assert_same_function(const struct circuit *a, const struct circuit *b)
{
    ck_assert_uint_eq(a->n_input_bits, b->n_input_bits);
    ck_assert_uint_eq(a->n_output_bits, b->n_output_bits);
    ck_assert_uint_eq(a->n_outputs, b->n_outputs);
    for (uint32_t k = 0; k < a->n_outputs; k++)
        ck_assert_uint_eq(a->output_widths[k], b->output_widths[k]);
    size_t ni = a->n_input_bits ? a->n_input_bits : 1, no = a->n_output_bits ? a->n_output_bits : 1;
    uint64_t *in = malloc(ni * 8), *oa = malloc(no * 8), *ob = malloc(no * 8), seed = 0x9e3779b97f4a7c15u;
    ck_assert(in && oa && ob);
    for (int round = 0; round < 2; round++) {
        for (uint64_t k = 0; k < a->n_input_bits; k++)
            in[k] = rng_next(&seed);
        eval64(a, in, oa);
        eval64(b, in, ob);
        ck_assert_mem_eq(oa, ob, (size_t)a->n_output_bits * 8);
    }
    free(in);
    free(oa);
    free(ob);
}

/* Writes c to memory; returns the malloc'd text. */
static char *write_mem(const struct circuit *c, size_t *len)
{
    struct mpcc_error err = {0};
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(circ_write_bristol(c, f, &err) == MPCC_OK, "%s", err.msg);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

/* Writes c and reads it back; the text must be a fixpoint of write(read()). */
static struct circuit *round_trip(const struct circuit *c)
{
    struct mpcc_error err = {0};
    size_t len, len2;
    char *text = write_mem(c, &len);
    struct circuit *back = circ_read_bristol_mem(text, len, "written", &err);
    ck_assert_msg(back != NULL, "%s", err.msg);
    ck_assert_int_eq(circ_validate(back, &err), MPCC_OK);
    char *text2 = write_mem(back, &len2);
    ck_assert_uint_eq(len, len2);
    ck_assert_mem_eq(text, text2, len);
    free(text);
    free(text2);
    return back;
}

static void assert_counts(const struct circuit *c, uint64_t n_xor, uint64_t n_and, uint64_t n_inv)
{
    ck_assert_uint_eq(circ_count_op(c, CIRC_XOR), n_xor);
    ck_assert_uint_eq(circ_count_op(c, CIRC_AND), n_and);
    ck_assert_uint_eq(circ_count_op(c, CIRC_INV), n_inv);
}

/* Sets input bits of lane `lane` from a hex value (bit i = digit from the right). */
static void set_hex(uint64_t *bits, uint32_t width, const char *hex, size_t len, int lane)
{
    for (uint32_t i = 0; i < width; i++) {
        size_t d = i / 4;
        int v = 0;
        if (d < len) {
            char ch = hex[len - 1 - d];
            v = ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
        }
        if ((v >> (i % 4)) & 1)
            bits[i] |= (uint64_t)1 << lane;
    }
}

/* ---- reference circuits ---- */

struct ref_circuit {
    const char *name;
    uint64_t n_xor, n_and, n_inv, copies; /* copies: outputs the writer must copy */
};
static const struct ref_circuit refs[] = {
    {"adder64", 313, 63, 0, 0},        {"sub64", 313, 63, 63, 0},
    {"neg64", 63, 62, 64, 1},          {"zero_equal", 0, 63, 64, 0},
    {"mult64", 9642, 4033, 0, 0},      {"mult2_64", 19904, 8128, 0, 0},
    {"udivide64", 12603, 4285, 64, 0}, {"aes_128", 28176, 6400, 2087, 0},
    {"aes_256", 39008, 8832, 2826, 0}, {"sha256", 110644, 22573, 1856, 0},
};

static struct circuit *read_ref(const char *shared, const char *name)
{
    char path[4096];
    struct mpcc_error err = {0};
    snprintf(path, sizeof path, "%s/circuits/bristol/%s.txt", shared, name);
    struct circuit *c = circ_read_bristol_file(path, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    return c;
}

START_TEST(bristol_reads_reference_circuits_with_published_counts)
{
    const char *shared = ts_shared_dir();
    if (shared == NULL)
        return;
    const struct ref_circuit *r = &refs[_i];
    struct circuit *c = read_ref(shared, r->name);
    struct mpcc_error err = {0};
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    assert_counts(c, r->n_xor, r->n_and, r->n_inv);
    circ_free(c);
}
END_TEST

START_TEST(bristol_round_trips_reference_circuits)
{
    const char *shared = ts_shared_dir();
    if (shared == NULL)
        return;
    const struct ref_circuit *r = &refs[_i];
    struct circuit *c = read_ref(shared, r->name);
    struct circuit *back = round_trip(c);
    assert_counts(back, r->n_xor, r->n_and, r->n_inv + 2 * r->copies);
    assert_same_function(c, back);
    circ_free(back);
    circ_free(c);
}
END_TEST

/* Every line of vectors.txt, each circuit evaluated on up to 64 lines at once. */
START_TEST(bristol_circuits_reproduce_vectors)
{
    const char *shared = ts_shared_dir();
    if (shared == NULL)
        return;
    const struct ref_circuit *r = &refs[_i];
    char path[4096];
    snprintf(path, sizeof path, "%s/circuits/vectors.txt", shared);
    char *text = ts_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    struct circuit *c = read_ref(shared, r->name);
    uint64_t *in = calloc(c->n_input_bits, 8), *want = calloc(c->n_output_bits, 8);
    uint64_t *got = calloc(c->n_output_bits, 8);
    ck_assert(in && want && got);
    int lanes = 0;
    size_t nlen = strlen(r->name);
    for (char *line = text; *line != '\0' && lanes < 64;) {
        char *eol = strchr(line, '\n');
        char *next = eol ? eol + 1 : line + strlen(line);
        if (strncmp(line, r->name, nlen) == 0 && line[nlen] == ' ') {
            char *p = line + nlen;
            uint32_t k = 0, o = 0;
            int after_arrow = 0;
            while (p < next) {
                while (*p == ' ')
                    p++;
                size_t tl = strcspn(p, " \n");
                if (tl == 0)
                    break;
                if (tl == 2 && strncmp(p, "->", 2) == 0) {
                    after_arrow = 1;
                } else if (!after_arrow) {
                    ck_assert_uint_lt(k, c->n_inputs);
                    set_hex(in + circ_input_offset(c, k), c->input_widths[k], p, tl, lanes);
                    k++;
                } else {
                    ck_assert_uint_lt(o, c->n_outputs);
                    set_hex(want + circ_output_offset(c, o), c->output_widths[o], p, tl, lanes);
                    o++;
                }
                p += tl;
            }
            ck_assert_uint_eq(k, c->n_inputs);
            ck_assert_uint_eq(o, c->n_outputs);
            lanes++;
        }
        line = next;
    }
    ck_assert_int_ge(lanes, 8);
    /* the library evaluator (circuits/eval.h) must agree with the one here */
    struct mpcc_error err = {0};
    ck_assert_int_eq(circ_eval64(c, in, got, &err), MPCC_OK);
    uint64_t *mine = calloc(c->n_output_bits, 8);
    ck_assert_ptr_nonnull(mine);
    eval64(c, in, mine);
    ck_assert_mem_eq(mine, got, (size_t)c->n_output_bits * 8);
    free(mine);
    uint64_t mask = lanes == 64 ? UINT64_MAX : (((uint64_t)1 << lanes) - 1);
    for (uint64_t j = 0; j < c->n_output_bits; j++)
        ck_assert_msg((got[j] & mask) == want[j], "%s: output bit %llu differs", r->name,
                      (unsigned long long)j);
    free(in);
    free(want);
    free(got);
    free(text);
    circ_free(c);
}
END_TEST

START_TEST(bristol_aes_128_gives_fips197_answer)
{
    const char *shared = ts_shared_dir();
    if (shared == NULL)
        return;
    struct circuit *c = read_ref(shared, "aes_128");
    uint64_t in[256] = {0}, out[128], want[128] = {0};
    set_hex(in, 128, "000102030405060708090a0b0c0d0e0f", 32, 0);
    set_hex(in + 128, 128, "00112233445566778899aabbccddeeff", 32, 0);
    set_hex(want, 128, "69c4e0d86a7b0430d8cdb78070b4c55a", 32, 0);
    eval64(c, in, out);
    for (int j = 0; j < 128; j++)
        ck_assert_uint_eq(out[j] & 1, want[j]);
    circ_free(c);
}
END_TEST

/* ---- hand-made IR through the writer ---- */

START_TEST(bristol_writer_renumbers_reused_slots_and_odd_outputs)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 3, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    /* slot 5 is written three times, slot 6 twice, slot 0 (an input) is overwritten */
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 0, 3, 5, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 5, 1, 6, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_INV, 6, 6, 5, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_AND, 5, 4, 6, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 6, 2, 5, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 0, 6, 7, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_INV, 7, 7, 0, &err), MPCC_OK);
    /* outputs: a final slot, an untouched input, the same wire twice, an overwritten input */
    uint32_t o1[3] = {5, 4, 7}, o2[3] = {7, 0, 1};
    ck_assert_int_eq(circ_add_output(c, 3, o1, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_output(c, 3, o2, &err), MPCC_OK);
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    struct circuit *back = round_trip(c);
    /* copies for output bits 1 (input 4), 3 (second use of 7) and 5 (input 1) */
    assert_counts(back, 3, 2, 2 + 6);
    ck_assert_uint_eq(back->n_wires, 5 + 7 + 6);
    assert_same_function(c, back);
    circ_free(back);
    circ_free(c);
}
END_TEST

/* Random circuits over few slots (so slots are rewritten often, inputs too),
 * with random output lists (repeats, inputs): write, read, same function. */
static void random_round_trip(int iteration)
{
    uint64_t seed = 0x1234567u + (uint64_t)iteration * 7919u;
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_ptr_nonnull(c);
    uint32_t n_in = 1 + (uint32_t)(rng_next(&seed) % 3), n_bits = 0;
    for (uint32_t k = 0; k < n_in; k++) {
        uint32_t w = 1 + (uint32_t)(rng_next(&seed) % 4);
        ck_assert_int_eq(circ_add_input(c, w, &err), MPCC_OK);
        n_bits += w;
    }
    uint32_t n_slots = n_bits + 1 + (uint32_t)(rng_next(&seed) % 6), n_written = n_bits;
    unsigned n_gates = (unsigned)(rng_next(&seed) % 60);
    for (unsigned i = 0; i < n_gates; i++) {
        /* read only slots already written: slots below n_written are */
        uint32_t a = (uint32_t)(rng_next(&seed) % n_written);
        uint32_t b = (uint32_t)(rng_next(&seed) % n_written);
        uint32_t out = (uint32_t)(rng_next(&seed) % (n_written < n_slots ? n_written + 1 : n_slots));
        enum circ_op op = (enum circ_op)(rng_next(&seed) % 3);
        ck_assert_int_eq(circ_add_gate(c, op, a, b, out, &err), MPCC_OK);
        if (out == n_written)
            n_written++;
    }
    uint32_t n_out = 1 + (uint32_t)(rng_next(&seed) % 3);
    for (uint32_t k = 0; k < n_out; k++) {
        uint32_t w = 1 + (uint32_t)(rng_next(&seed) % 5), wires[5];
        for (uint32_t j = 0; j < w; j++)
            wires[j] = (uint32_t)(rng_next(&seed) % n_written);
        ck_assert_int_eq(circ_add_output(c, w, wires, &err), MPCC_OK);
    }
    ck_assert_msg(circ_validate(c, &err) == MPCC_OK, "%s", err.msg);
    struct circuit *back = round_trip(c);
    ck_assert_uint_eq(circ_count_op(back, CIRC_AND), circ_count_op(c, CIRC_AND));
    ck_assert_uint_eq(circ_count_op(back, CIRC_XOR), circ_count_op(c, CIRC_XOR));
    assert_same_function(c, back);
    circ_free(back);
    circ_free(c);
}

START_TEST(bristol_writer_round_trips_random_slot_reusing_circuits)
{
    for (int i = 0; i < 200; i++)
        random_round_trip(i);
}
END_TEST

START_TEST(bristol_writer_refuses_invalid_circuit)
{
    struct mpcc_error err = {0};
    struct circuit *c = circ_new(&err);
    ck_assert_int_eq(circ_add_input(c, 2, &err), MPCC_OK);
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 0, 3, 4, &err), MPCC_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(circ_write_bristol(c, f, &err), MPCC_ERR_INVALID);
    ck_assert_str_eq(err.msg, "cannot write Bristol Fashion: gate 0 reads wire 3 before it is written");
    fclose(f);
    free(buf);
    circ_free(c);
}
END_TEST

static int dir_has_prefix(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int found = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        found |= strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return found;
}

START_TEST(bristol_write_file_is_atomic)
{
    struct mpcc_error err = {0};
    char dir[] = "/tmp/test_bristol.XXXXXX", path[256], bad[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/ok.txt", dir);
    snprintf(bad, sizeof bad, "%s/bad.txt", dir);
    struct circuit *c = read_text("1 3\n1 2\n1 1\n\n2 1 0 1 2 AND\n", &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(circ_write_bristol_file(c, path, &err), MPCC_OK);
    struct circuit *back = circ_read_bristol_file(path, &err);
    ck_assert_msg(back != NULL, "%s", err.msg);
    assert_counts(back, 0, 1, 0);
    circ_free(back);
    /* an invalid circuit: the write fails and leaves neither bad.txt nor a temporary */
    ck_assert_int_eq(circ_add_gate(c, CIRC_XOR, 0, 9, 3, &err), MPCC_OK);
    ck_assert_int_eq(circ_write_bristol_file(c, bad, &err), MPCC_ERR_INVALID);
    ck_assert_int_eq(dir_has_prefix(dir, "bad.txt"), 0);
    snprintf(bad, sizeof bad, "%s/missing/x.txt", dir);
    ck_assert_int_eq(circ_write_bristol_file(c, bad, &err), MPCC_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "No such file or directory"));
    unlink(path);
    ck_assert_int_eq(rmdir(dir), 0); /* fails if anything else is left */
    circ_free(c);
}
END_TEST

START_TEST(bristol_file_errors_name_path_and_cause)
{
    struct mpcc_error err = {0};
    ck_assert_ptr_null(circ_read_bristol_file("/nonexistent/c.txt", &err));
    ck_assert_int_eq(err.code, MPCC_ERR_IO);
    ck_assert_str_eq(err.msg, "cannot open /nonexistent/c.txt: No such file or directory");
    char *p = ts_write_temp("1 3\n1 2\n1 1\n\n2 1 0 1 2 OR\n", 26);
    ck_assert_ptr_null(circ_read_bristol_file(p, &err));
    char want[300];
    snprintf(want, sizeof want, "%s:5: unknown operation 'OR'", p);
    ck_assert_str_eq(err.msg, want);
    unlink(p);
    free(p);
}
END_TEST

/* A pipe cannot be mapped: the reader falls back to fread and grows its buffer. */
START_TEST(bristol_reads_from_a_pipe_and_empty_file)
{
    struct mpcc_error err = {0};
    char dir[] = "/tmp/test_bristol.XXXXXX", path[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    enum { N = 6000 }; /* about 100 KB of text: more than the first 64 KB buffer */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        FILE *f = fopen(path, "w");
        if (f == NULL)
            _exit(1);
        fprintf(f, "%d %d\n1 2\n1 1\n\n2 1 0 1 2 XOR\n", N, N + 2);
        for (int i = 1; i < N; i++)
            fprintf(f, "2 1 %d %d %d %s\n", i + 1, i % 2, i + 2, i % 3 ? "XOR" : "AND");
        _exit(fclose(f) == 0 ? 0 : 1);
    }
    struct circuit *c = circ_read_bristol_file(path, &err);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_uint_eq(c->n_gates, N);
    ck_assert_uint_eq(c->output_wires[0], N + 1);
    circ_free(c);
    unlink(path);
    snprintf(path, sizeof path, "%s/empty", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_ptr_null(circ_read_bristol_file(path, &err));
    char want[400];
    snprintf(want, sizeof want, "%s:1: file is empty (expected a header 'ngates nwires')", path);
    ck_assert_str_eq(err.msg, want);
    unlink(path);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- EQ / EQW / MAND lowering ---- */

START_TEST(bristol_lowers_eq_to_xor_and_inv_constants)
{
    struct mpcc_error err = {0};
    struct circuit *c = read_text("4 5\n1 1\n1 4\n\n1 1 0 1 EQ\n1 1 1 2 EQ\n1 1 0 3 EQ\n"
                                  "1 1 1 4 EQ\n", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    assert_counts(c, 1, 0, 1); /* one zero, one one, the rest aliases */
    uint64_t in = 0x00ff00ff00ff00ffu, out[4];
    eval64(c, &in, out);
    ck_assert_uint_eq(out[0], 0);
    ck_assert_uint_eq(out[1], UINT64_MAX);
    ck_assert_uint_eq(out[2], 0);
    ck_assert_uint_eq(out[3], UINT64_MAX);
    struct circuit *back = round_trip(c);
    assert_same_function(c, back);
    circ_free(back);
    circ_free(c);
    /* a 1 first: the zero it is built from goes on a hidden wire */
    c = read_text("1 2\n1 1\n1 1\n\n1 1 1 1 EQ\n", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    assert_counts(c, 1, 0, 1);
    ck_assert_uint_eq(c->n_wires, 3);
    ck_assert_int_eq(circ_validate(c, &err), MPCC_OK);
    eval64(c, &in, out);
    ck_assert_uint_eq(out[0], UINT64_MAX);
    circ_free(c);
}
END_TEST

START_TEST(bristol_lowers_eqw_by_aliasing)
{
    struct mpcc_error err = {0};
    /* 2 = 0 & 1; 3 copies 2; 4 = ~3; 5 copies input 0 (an output: the writer copies it) */
    struct circuit *c = read_text("4 6\n1 2\n1 2\n\n2 1 0 1 2 AND\n1 1 2 3 EQW\n1 1 3 4 INV\n"
                                  "1 1 0 5 EQW\n", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    assert_counts(c, 0, 1, 1);
    ck_assert_uint_eq(c->gates[1].in0, 2);
    ck_assert_uint_eq(c->output_wires[0], 4);
    ck_assert_uint_eq(c->output_wires[1], 0);
    struct circuit *back = round_trip(c);
    assert_counts(back, 0, 1, 3);
    assert_same_function(c, back);
    circ_free(back);
    circ_free(c);
}
END_TEST

START_TEST(bristol_lowers_mand_pairing_in_i_with_in_k_plus_i)
{
    struct mpcc_error err = {0};
    /* the spec's example: "4 2 0 2 1 3 4 5 MAND" is AND(0,1)->4 and AND(2,3)->5 */
    struct circuit *c = read_text("1 6\n1 4\n1 2\n\n4 2 0 2 1 3 4 5 MAND\n", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    assert_counts(c, 0, 2, 0);
    uint64_t in[4] = {0xaaaa, 0xcccc, 0xf0f0, 0xff00}, out[2];
    eval64(c, in, out);
    ck_assert_uint_eq(out[0], 0xaaaa & 0xcccc);
    ck_assert_uint_eq(out[1], 0xf0f0 & 0xff00);
    circ_free(c);
}
END_TEST

START_TEST(bristol_accepts_liberal_whitespace_and_crlf)
{
    struct mpcc_error err = {0};
    struct circuit *c = read_text("  1\t3\r\n1 2\r\n1   1\r\n2 1 0 1\n 2 AND \t\r\n\r\n\n", &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    assert_counts(c, 0, 1, 0);
    circ_free(c);
    c = read_text("0 2\n1 2\n1 2\n", &err); /* no gates: outputs are the inputs */
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_uint_eq(c->output_wires[1], 1);
    circ_free(c);
}
END_TEST

/* ---- malformed input: one test per class ---- */

START_TEST(bristol_rejects_empty_file)
{
    EXPECT_ERROR("", "t.txt:1: file is empty (expected a header 'ngates nwires')");
    EXPECT_ERROR(" \n\r\n", "t.txt:1: file is empty (expected a header 'ngates nwires')");
}
END_TEST

START_TEST(bristol_rejects_truncated_file)
{
    EXPECT_ERROR("3 6\n1 2\n1 1\n\n2 1 0 1 2 AND\n2 1 0 2 3 XOR\n",
                 "t.txt:6: file ends after 2 of the 3 gates the header declares");
    EXPECT_ERROR("1 3\n1 2\n", "t.txt:2: file ends where the number of output values was expected");
    EXPECT_ERROR("1 3\n2 2", "t.txt:2: file ends where the width of input value 2 was expected");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1", "t.txt:5: file ends in the middle of gate 1");
}
END_TEST

START_TEST(bristol_rejects_wire_out_of_range)
{
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 7 2 AND\n",
                 "t.txt:5: wire 7 is out of range: the header declares 3 wires");
}
END_TEST

START_TEST(bristol_rejects_read_before_write)
{
    EXPECT_ERROR("2 5\n1 2\n1 1\n\n2 1 0 3 2 AND\n2 1 0 2 3 XOR\n",
                 "t.txt:5: gate reads wire 3 before any gate writes it");
}
END_TEST

START_TEST(bristol_rejects_wire_written_twice)
{
    EXPECT_ERROR("2 4\n1 2\n1 1\n\n2 1 0 1 2 AND\n2 1 0 1 2 XOR\n",
                 "t.txt:6: wire 2 is written twice (again by this gate)");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n1 1 0 1 INV\n", "t.txt:5: gate writes wire 1, which is an input wire");
    EXPECT_ERROR("1 6\n1 4\n1 2\n\n4 2 0 2 1 3 5 5 MAND\n",
                 "t.txt:5: wire 5 is written twice (again by this gate)");
}
END_TEST

START_TEST(bristol_rejects_counts_disagreeing_with_header)
{
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1 2 AND\n2 1 0 1 2 XOR\n",
                 "t.txt:6: more gates than the 1 the header declares");
    EXPECT_ERROR("1 5\n1 2\n1 1\n\n2 1 0 1 2 AND\n",
                 "t.txt:5: output wire 4 is never written by any gate");
    EXPECT_ERROR("1 3\n1 2\n1 4\n\n2 1 0 1 2 AND\n",
                 "t.txt:3: output values need more than the 3 wires the header declares");
    EXPECT_ERROR("1 2000000\n1 2\n1 1\n\n2 1 0 1 2 AND\n",
                 "t.txt:3: header declares 2000000 wires but the rest of the file can define "
                 "at most 9 of them beyond the 2 input wires");
}
END_TEST

START_TEST(bristol_rejects_negative_numbers)
{
    EXPECT_ERROR("1 -3\n", "t.txt:1: negative number -3 where the number of wires was expected");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 -1 2 AND\n",
                 "t.txt:5: negative number -1 where a wire index was expected");
}
END_TEST

START_TEST(bristol_rejects_huge_numbers)
{
    EXPECT_ERROR("123456789012345678901234 3\n", "t.txt:1: number 123456789012345678901234 is too "
                 "large (more than 64 bits) for the number of gates");
    EXPECT_ERROR("1099511627776 3\n",
                 "t.txt:1: header declares 1099511627776 gates, above the limit of 68719476736");
    EXPECT_ERROR("1 1099511627776\n1 2\n1 1\n",
                 "t.txt:1: header declares 1099511627776 wires, above the limit of 2147483648");
    EXPECT_ERROR("1 3\n1 268435457\n", "t.txt:2: input value 1 has width 268435457, outside "
                 "1..268435456");
    /* 2^31 input wires cost nothing, but outputs that are input wires would */
    EXPECT_ERROR("0 2147483648\n8 268435456 268435456 268435456 268435456 268435456 268435456 "
                 "268435456 268435456\n1 268435456\n",
                 "t.txt:3: 268435456 output bits are input wires, more than this reader accepts "
                 "for a file of this size");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1 4294967298 AND\n",
                 "t.txt:5: wire 4294967298 is out of range: the header declares 3 wires");
}
END_TEST

START_TEST(bristol_rejects_wrong_arity_for_op)
{
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1 2 INV\n",
                 "t.txt:5: INV gate must have 1 input and 1 output, not 2 and 1");
    EXPECT_ERROR("1 4\n1 2\n1 2\n\n1 2 0 2 3 XOR\n",
                 "t.txt:5: XOR gate must have 2 inputs and 1 output, not 1 and 2");
    EXPECT_ERROR("1 6\n1 3\n1 2\n\n3 2 0 1 2 3 4 MAND\n",
                 "t.txt:5: MAND gate must have 2k inputs and k outputs, not 3 and 2");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 2 XOR\n",
                 "t.txt:5: gate lists 2 wires before 'XOR' but its counts say 2 inputs and 1 outputs");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n1 1 0 1 2 INV\n",
                 "t.txt:5: gate lists more wires than its counts say (1 inputs, 1 outputs)");
}
END_TEST

START_TEST(bristol_rejects_unknown_operation)
{
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1 2 OR\n", "t.txt:5: unknown operation 'OR'");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1 2 xor\n", "t.txt:5: unknown operation 'xor'");
}
END_TEST

START_TEST(bristol_rejects_garbage_bytes)
{
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0\0 1 2 AND\n", "t.txt:5: unexpected byte 0x00 (not "
                 "Bristol Fashion text) where a wire index was expected");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1 2 X\xc3\x96R\n", "t.txt:5: unexpected byte 0xc3 (not "
                 "Bristol Fashion text) where an operation was expected");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1 2 AND junk\n",
                 "t.txt:5: unexpected text 'junk' after the operation");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1 2 AND 7\n",
                 "t.txt:5: unexpected text '7' after the operation");
    EXPECT_ERROR("1 3\n1 2\n1 1\n\n2 1 0 1 2 AND\n\x01\x02",
                 "t.txt:6: unexpected byte 0x01 (not Bristol Fashion text) where the end of the "
                 "file after the last gate was expected");
    EXPECT_ERROR("1 3x\n", "t.txt:1: expected the number of wires, found '3x'");
}
END_TEST

START_TEST(bristol_rejects_eq_without_inputs_or_with_bad_constant)
{
    EXPECT_ERROR("1 2\n0\n1 1\n\n1 1 0 1 EQ\n", "t.txt:5: EQ gate needs an input wire to build a "
                 "constant from, but the circuit has no inputs");
    EXPECT_ERROR("1 4\n1 1\n1 1\n\n1 1 2 3 EQ\n", "t.txt:5: EQ constant must be 0 or 1, not 2");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bristol");
    TCase *tc = tcase_create("reference");
    int nref = (int)(sizeof refs / sizeof refs[0]);
    tcase_add_loop_test(tc, bristol_reads_reference_circuits_with_published_counts, 0, nref);
    tcase_add_loop_test(tc, bristol_round_trips_reference_circuits, 0, nref);
    tcase_add_loop_test(tc, bristol_circuits_reproduce_vectors, 0, nref);
    tcase_add_test(tc, bristol_aes_128_gives_fips197_answer);
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tcase_add_test(tc, bristol_writer_renumbers_reused_slots_and_odd_outputs);
    tcase_add_test(tc, bristol_writer_round_trips_random_slot_reusing_circuits);
    tcase_add_test(tc, bristol_writer_refuses_invalid_circuit);
    tcase_add_test(tc, bristol_write_file_is_atomic);
    tcase_add_test(tc, bristol_file_errors_name_path_and_cause);
    tcase_add_test(tc, bristol_reads_from_a_pipe_and_empty_file);
    tcase_add_test(tc, bristol_lowers_eq_to_xor_and_inv_constants);
    tcase_add_test(tc, bristol_lowers_eqw_by_aliasing);
    tcase_add_test(tc, bristol_lowers_mand_pairing_in_i_with_in_k_plus_i);
    tcase_add_test(tc, bristol_accepts_liberal_whitespace_and_crlf);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_test(tc, bristol_rejects_empty_file);
    tcase_add_test(tc, bristol_rejects_truncated_file);
    tcase_add_test(tc, bristol_rejects_wire_out_of_range);
    tcase_add_test(tc, bristol_rejects_read_before_write);
    tcase_add_test(tc, bristol_rejects_wire_written_twice);
    tcase_add_test(tc, bristol_rejects_counts_disagreeing_with_header);
    tcase_add_test(tc, bristol_rejects_negative_numbers);
    tcase_add_test(tc, bristol_rejects_huge_numbers);
    tcase_add_test(tc, bristol_rejects_wrong_arity_for_op);
    tcase_add_test(tc, bristol_rejects_unknown_operation);
    tcase_add_test(tc, bristol_rejects_garbage_bytes);
    tcase_add_test(tc, bristol_rejects_eq_without_inputs_or_with_bad_constant);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
