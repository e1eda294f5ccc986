/* hexval.h - hexadecimal unsigned values <-> bit vectors (bit i = value bit i,
 * least significant first, one 0/1 byte per bit), the raw value format of
 * `mpcc eval`, vectors.txt and raw Bristol runs. No signed or typed values
 * here (those belong to a program's interface). */
#ifndef MPCC_HEXVAL_H
#define MPCC_HEXVAL_H

#include <stdint.h>

#include "mpcc/error.h"

/* Parses text (hex digits in either case, an optional 0x/0X prefix) into
 * bits[0 .. width-1]. Leading zeros are ignored; a value that needs more than
 * width bits is refused ("0x1ff does not fit in 8 bits"), as are an empty
 * string ("empty value, expected hexadecimal digits") and any non-hex
 * character ("'xyz' is not hexadecimal"). Callers add context with
 * mpcc_error_prefix (e.g. "value 2"). bits is untouched on failure. */
enum mpcc_status circ_hex_parse(const char *text, uint8_t *bits, uint64_t width,
                                struct mpcc_error *err);

/* Number of hex digits that format a width-bit value: ceil(width / 4). */
uint64_t circ_hex_digits(uint64_t width);

/* Writes bits[0 .. width-1] as circ_hex_digits(width) lowercase digits,
 * zero-padded, most significant first, then a NUL; out must hold
 * circ_hex_digits(width) + 1 bytes. Non-zero bytes count as 1. */
void circ_hex_format(const uint8_t *bits, uint64_t width, char *out);

/* As circ_hex_format, into a malloc'd string (caller frees). NULL on failure. */
char *circ_hex_format_new(const uint8_t *bits, uint64_t width, struct mpcc_error *err);

#endif
