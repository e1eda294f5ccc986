/* circuit_digest.c - SHA-256 of a circuit's canonical in-memory form (value
 * widths, output wires, then every gate as four little-endian 32-bit words),
 * which the two parties of a raw Bristol run compare in the handshake. */
#include <openssl/evp.h>
#include <stdint.h>

#include "circuits/circuit.h"
#include "mpcc/mpcc.h"

static void put_u32s(uint8_t *out, const uint32_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 4; b++)
            out[4 * i + (size_t)b] = (uint8_t)(v[i] >> (8 * b));
}

enum mpcc_status mpcc_circuit_digest(const struct circuit *c, uint8_t out[32],
                                     struct mpcc_error *err)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    enum mpcc_status st = MPCC_OK;
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        st = mpcc_error_set(err, MPCC_ERR_CRYPTO, "cannot start SHA-256");
        goto out;
    }
    uint8_t buf[4096];
    uint32_t head[4] = {c->n_inputs, c->n_outputs, (uint32_t)c->n_gates,
                        (uint32_t)(c->n_gates >> 32)};
    put_u32s(buf, head, 4);
    int ok = EVP_DigestUpdate(md, buf, 16);
    for (uint32_t k = 0; ok && k < c->n_inputs; k++) {
        put_u32s(buf, &c->input_widths[k], 1);
        ok = EVP_DigestUpdate(md, buf, 4);
    }
    for (uint32_t k = 0; ok && k < c->n_outputs; k++) {
        put_u32s(buf, &c->output_widths[k], 1);
        ok = EVP_DigestUpdate(md, buf, 4);
    }
    for (uint64_t i = 0; ok && i < c->n_output_bits; i += 1024) {
        size_t n = c->n_output_bits - i < 1024 ? (size_t)(c->n_output_bits - i) : 1024;
        put_u32s(buf, c->output_wires + i, n);
        ok = EVP_DigestUpdate(md, buf, 4 * n);
    }
    for (uint64_t i = 0; ok && i < c->n_gates; i += 256) {
        size_t n = c->n_gates - i < 256 ? (size_t)(c->n_gates - i) : 256;
        put_u32s(buf, (const uint32_t *)(c->gates + i), 4 * n);
        ok = EVP_DigestUpdate(md, buf, 16 * n);
    }
    if (!ok || EVP_DigestFinal_ex(md, out, NULL) != 1)
        st = mpcc_error_set(err, MPCC_ERR_CRYPTO, "SHA-256 of the circuit failed");
out:
    EVP_MD_CTX_free(md);
    return st;
}
