/* hexval.c - parsing and formatting of hexadecimal unsigned values as bit
 * vectors (see hexval.h). Pure string work: no circuits, no I/O. */
#include "circuits/hexval.h"

#include <stdlib.h>
#include <string.h>

/* Longest piece of user text quoted in an error message. */
#define HEX_QUOTE_MAX 64

static int hex_digit_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static unsigned hex_bit_length(int v)
{
    unsigned n = 0;
    for (; v != 0; v >>= 1)
        n++;
    return n;
}

enum mpcc_status circ_hex_parse(const char *text, uint8_t *bits, uint64_t width,
                                struct mpcc_error *err)
{
    const size_t text_len = strlen(text);
    const char *ell = text_len > HEX_QUOTE_MAX ? "..." : "";
    if (text_len == 0)
        return mpcc_error_set(err, MPCC_ERR_PARSE, "empty value, expected hexadecimal digits");
    const char *digits = text;
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        digits += 2;
    if (*digits == '\0')
        return mpcc_error_set(err, MPCC_ERR_PARSE, "'%s' is not hexadecimal", text);
    for (const char *p = digits; *p != '\0'; p++)
        if (hex_digit_value(*p) < 0)
            return mpcc_error_set(err, MPCC_ERR_PARSE, "'%.*s%s' is not hexadecimal",
                                  HEX_QUOTE_MAX, text, ell);

    while (digits[0] == '0' && digits[1] != '\0')
        digits++;
    const size_t n_digits = strlen(digits);
    const uint64_t needed = 4 * (uint64_t)(n_digits - 1) + hex_bit_length(hex_digit_value(digits[0]));
    if (needed > width) {
        if (n_digits > HEX_QUOTE_MAX)
            return mpcc_error_set(err, MPCC_ERR_PARSE,
                                  "0x%.16s... (a %llu-bit value) does not fit in %llu bits",
                                  digits, (unsigned long long)needed, (unsigned long long)width);
        return mpcc_error_set(err, MPCC_ERR_PARSE, "0x%s does not fit in %llu bits", digits,
                              (unsigned long long)width);
    }

    memset(bits, 0, (size_t)width);
    for (size_t j = 0; j < n_digits; j++) {
        const int v = hex_digit_value(digits[n_digits - 1 - j]);
        for (unsigned b = 0; b < 4; b++) {
            const uint64_t i = 4 * (uint64_t)j + b;
            if (i < width)
                bits[i] = (uint8_t)((v >> b) & 1);
        }
    }
    return MPCC_OK;
}

uint64_t circ_hex_digits(uint64_t width)
{
    return width / 4 + (width % 4 != 0);
}

void circ_hex_format(const uint8_t *bits, uint64_t width, char *out)
{
    static const char digit_chars[] = "0123456789abcdef";
    const uint64_t n_digits = circ_hex_digits(width);
    for (uint64_t j = 0; j < n_digits; j++) {
        unsigned v = 0;
        for (unsigned b = 0; b < 4; b++) {
            const uint64_t i = 4 * j + b;
            if (i < width && bits[i] != 0)
                v |= 1u << b;
        }
        out[n_digits - 1 - j] = digit_chars[v];
    }
    out[n_digits] = '\0';
}

char *circ_hex_format_new(const uint8_t *bits, uint64_t width, struct mpcc_error *err)
{
    const uint64_t n_digits = circ_hex_digits(width);
    if (n_digits >= SIZE_MAX) {
        mpcc_error_set(err, MPCC_ERR_LIMIT, "a %llu-bit value is too wide to format",
                       (unsigned long long)width);
        return NULL;
    }
    char *s = malloc((size_t)n_digits + 1);
    if (s == NULL) {
        mpcc_error_set(err, MPCC_ERR_NOMEM, "out of memory formatting a %llu-bit value",
                       (unsigned long long)width);
        return NULL;
    }
    circ_hex_format(bits, width, s);
    return s;
}
