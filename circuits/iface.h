/* iface.h - the typed interface of a compiled program: its parties, each
 * input's name, owner and type, each output's name, type and recipients.
 * It maps typed values onto the circuit's flat bit vectors; it does not read
 * or write files (program.h) nor parse or print values (values.h).
 *
 * Bit layout of a typed value: integers two's complement, least significant
 * bit first (fixed-point values: their scaled integer); bool one bit; arrays element 0 first; struct fields in
 * declaration order. Multi-dimensional arrays are arrays of arrays
 * (`int32 m[2][3]` is an array of 2 arrays of 3 int32). */
#ifndef MPCC_IFACE_H
#define MPCC_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "circuits/circuit.h"
#include "mpcc/error.h"

/* Declared limits: anything larger is refused. */
#define IFACE_MAX_NAME 64u                   /* characters in a name */
#define IFACE_MAX_INT_WIDTH 65535u           /* bits in one integer type */
#define IFACE_MAX_TYPE_BITS CIRC_MAX_VALUE_WIDTH /* bits in one typed value */
#define IFACE_MAX_FIELDS 4096u               /* fields in one struct */
#define IFACE_MAX_DEPTH 32u                  /* nesting of arrays/structs */
#define IFACE_MAX_PARTIES 1024u
#define IFACE_MAX_VALUES 16384u              /* inputs, and outputs (names are
                                              * checked for duplicates linearly) */

enum iface_kind { IFACE_BOOL, IFACE_UINT, IFACE_INT, IFACE_ARRAY, IFACE_STRUCT, IFACE_FIXED };

/* Fixed-point: fixedW is a signed value in W bits (W even, 8 .. 64) with
 * W / 2 fraction bits: the integer round(r * 2^(W/2)) in two's complement
 * (fixed32 is Q16.16). */
#define IFACE_FIXED_MIN_WIDTH 8u
#define IFACE_FIXED_MAX_WIDTH 64u

struct iface_type {
    enum iface_kind kind;
    uint32_t width;                  /* UINT/INT: 1..65535 bits; BOOL: 1; FIXED: 8..64, even */
    uint32_t length;                 /* ARRAY: number of elements (>= 1) */
    struct iface_type *elem;         /* ARRAY: element type (owned) */
    char *name;                      /* STRUCT: struct name (owned) */
    uint32_t n_fields;               /* STRUCT (>= 1) */
    char **field_names;              /* STRUCT (owned) */
    struct iface_type **field_types; /* STRUCT (owned) */
    uint64_t bits;                   /* total bits: computed by the constructors */
};

struct iface_input {
    char *name;
    uint32_t owner; /* party index */
    struct iface_type *type;
};

struct iface_output {
    char *name;
    struct iface_type *type;
    uint32_t n_recipients;
    uint32_t *recipients; /* party indices, ascending, no duplicates; all
                             parties listed when the program says `all` */
};

struct iface {
    uint32_t n_parties;
    char **parties; /* in declaration order */
    uint32_t n_inputs;
    struct iface_input *inputs; /* input k = circuit input value k (same width) */
    uint32_t n_outputs;
    struct iface_output *outputs; /* output k = circuit output value k */
};

/* ---- types ----
 * Each constructor returns NULL on allocation failure or when a limit above
 * is exceeded (width 0 or > 65535, array length 0, struct without fields,
 * total bits > IFACE_MAX_TYPE_BITS, nesting deeper than IFACE_MAX_DEPTH,
 * duplicate or invalid field names). Constructors take ownership of their
 * pointer arguments and free them on failure too. */
struct iface_type *iface_type_bool(void);
struct iface_type *iface_type_int(bool is_signed, uint32_t width); /* INT or UINT */
struct iface_type *iface_type_fixed(uint32_t width); /* NULL unless the width is allowed */
bool iface_fixed_width_ok(uint32_t width);
struct iface_type *iface_type_array(struct iface_type *elem, uint32_t length);
/* name: struct name; names/types: malloc'ed arrays of n malloc'ed entries. */
struct iface_type *iface_type_struct(char *name, uint32_t n, char **names,
                                     struct iface_type **types);
void iface_type_free(struct iface_type *t);
struct iface_type *iface_type_clone(const struct iface_type *t); /* NULL on failure */
/* Structural equality (struct names and field names included). */
bool iface_type_equal(const struct iface_type *a, const struct iface_type *b);
/* Nesting depth: 0 for scalars, 1 + max(children) otherwise. */
uint32_t iface_type_depth(const struct iface_type *t);

/* Writes the type's spelling ("bool", "uint8", "int32[2][3]", "Patient[4]";
 * a struct is spelled by its name) into buf like snprintf: always
 * NUL-terminated when len > 0, returns the length the full spelling needs. */
size_t iface_type_to_string(const struct iface_type *t, char *buf, size_t len);

/* True if s is an identifier: [A-Za-z_][A-Za-z0-9_]*, 1..IFACE_MAX_NAME chars. */
bool iface_name_valid(const char *s);

/* ---- interface ---- */
struct iface *iface_new(struct mpcc_error *err); /* NULL on failure */
void iface_free(struct iface *f);

/* Appends a party (name copied). Errors: invalid or duplicate name, too many. */
enum mpcc_status iface_add_party(struct iface *f, const char *name, struct mpcc_error *err);

/* Appends an input (name copied; takes ownership of type, freed on failure
 * too). Errors: invalid name, a name another input already has (an input
 * and an output may share a name), owner not a party, type NULL. */
enum mpcc_status iface_add_input(struct iface *f, const char *name, uint32_t owner,
                                 struct iface_type *type, struct mpcc_error *err);

/* Appends an output (name copied; takes ownership of type; recipients
 * copied and sorted). Errors: as for inputs, plus no recipients, a recipient
 * that is not a party, or a recipient listed twice. */
enum mpcc_status iface_add_output(struct iface *f, const char *name, struct iface_type *type,
                                  const uint32_t *recipients, uint32_t n,
                                  struct mpcc_error *err);

/* Index of the party / input / output called name, or -1. */
int64_t iface_party_index(const struct iface *f, const char *name);
int64_t iface_input_index(const struct iface *f, const char *name);
int64_t iface_output_index(const struct iface *f, const char *name);

/* True if party p receives output k. */
bool iface_output_has_recipient(const struct iface_output *o, uint32_t p);

/* Checks that the interface describes the circuit: same number of input and
 * output values, and each value's width equals its type's bits. Names the
 * first mismatch ("input 'a' has type uint8[4] (32 bits) but circuit input 0
 * has 31 bits"). */
enum mpcc_status iface_check_against(const struct iface *f, const struct circuit *c,
                                     struct mpcc_error *err);

/* Structural equality of two interfaces (parties, inputs, outputs). */
bool iface_equal(const struct iface *a, const struct iface *b);

#endif
