/* ot_chosen.c - random and chosen-message OT from the correlated OT of iknp.c:
 * m0 = H(q_j, j), m1 = H(q_j xor Delta, j), the receiver's H(t_j, j) is
 * m_{c_j}; chosen messages travel masked by these. Selection by masks only;
 * fixed-size batches keep memory bounded. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/ot/ot_internal.h"

enum mpcc_status ot_send_random(struct ot_cot_sender *s, size_t n, block *m0, block *m1,
                                struct mpcc_error *err)
{
    uint64_t tweak0 = ot_sender_count(s);
    enum mpcc_status st = ot_send_correlated(s, n, m0, err);
    if (st != MPCC_OK)
        return st;
    /* Both messages of OT j share tweak j: hashing them as a pair expands
     * that tweak's key once (crypto_hash_pairs), in batches. */
    enum { BATCH = 1024 };
    block pairs[2 * BATCH];
    block delta = ot_sender_delta(s);
    for (size_t j0 = 0; j0 < n; j0 += BATCH) {
        size_t nb = n - j0 < BATCH ? n - j0 : BATCH;
        for (size_t j = 0; j < nb; j++) {
            pairs[2 * j] = m0[j0 + j];
            pairs[2 * j + 1] = blk_xor(m0[j0 + j], delta);
        }
        crypto_hash_pairs(ot_sender_hash(s), tweak0 + j0, pairs, nb);
        for (size_t j = 0; j < nb; j++) {
            m0[j0 + j] = pairs[2 * j];
            m1[j0 + j] = pairs[2 * j + 1];
        }
    }
    OPENSSL_cleanse(pairs, sizeof pairs);
    return MPCC_OK;
}

enum mpcc_status ot_recv_random(struct ot_cot_receiver *r, const uint8_t *choice_bits,
                                size_t n, block *out, struct mpcc_error *err)
{
    uint64_t tweak0 = ot_receiver_count(r);
    enum mpcc_status st = ot_recv_correlated(r, choice_bits, n, out, err);
    if (st == MPCC_OK)
        crypto_hash_singles(ot_receiver_hash(r), tweak0, out, n);
    return st;
}

enum mpcc_status ot_send_chosen(struct ot_cot_sender *s, size_t n, const block *m0,
                                const block *m1, struct mpcc_error *err)
{
    block *p0 = malloc(OT_CHOSEN_BATCH * sizeof(block));
    block *p1 = malloc(OT_CHOSEN_BATCH * sizeof(block));
    block *y = malloc(2 * OT_CHOSEN_BATCH * sizeof(block));
    enum mpcc_status st = MPCC_OK;
    if (p0 == NULL || p1 == NULL || y == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "chosen-message OT: out of memory");
        goto out;
    }
    for (size_t j0 = 0; j0 < n && st == MPCC_OK; j0 += OT_CHOSEN_BATCH) {
        size_t nb = n - j0 < OT_CHOSEN_BATCH ? n - j0 : OT_CHOSEN_BATCH;
        if ((st = ot_send_random(s, nb, p0, p1, err)) != MPCC_OK)
            break;
        for (size_t j = 0; j < nb; j++) {
            y[2 * j] = blk_xor(m0[j0 + j], p0[j]);
            y[2 * j + 1] = blk_xor(m1[j0 + j], p1[j]);
        }
        st = net_send_frame(ot_sender_channel(s), OT_FRAME_CHOSEN, y, 2 * nb * sizeof(block),
                            err);
    }
    if (st == MPCC_OK)
        st = net_flush(ot_sender_channel(s), err);
out:
    if (p0 != NULL)
        OPENSSL_cleanse(p0, OT_CHOSEN_BATCH * sizeof(block));
    if (p1 != NULL)
        OPENSSL_cleanse(p1, OT_CHOSEN_BATCH * sizeof(block));
    free(p0);
    free(p1);
    free(y);
    return st;
}

enum mpcc_status ot_recv_chosen(struct ot_cot_receiver *r, const uint8_t *choice_bits,
                                size_t n, block *out, struct mpcc_error *err)
{
    block *y = malloc(2 * OT_CHOSEN_BATCH * sizeof(block));
    enum mpcc_status st = MPCC_OK;
    if (y == NULL) {
        st = mpcc_error_set(err, MPCC_ERR_NOMEM, "chosen-message OT: out of memory");
        goto out;
    }
    for (size_t j0 = 0; j0 < n && st == MPCC_OK; j0 += OT_CHOSEN_BATCH) {
        size_t nb = n - j0 < OT_CHOSEN_BATCH ? n - j0 : OT_CHOSEN_BATCH, got = 0;
        /* j0 is a multiple of 8, so this batch's bits start at a byte. */
        const uint8_t *c = choice_bits + j0 / 8;
        if ((st = ot_recv_random(r, c, nb, out + j0, err)) != MPCC_OK)
            break;
        st = net_recv_frame(ot_receiver_channel(r), OT_FRAME_CHOSEN, y,
                            2 * OT_CHOSEN_BATCH * sizeof(block), &got,
                            "chosen-message OT messages", err);
        if (st == MPCC_OK && got != 2 * nb * sizeof(block))
            st = mpcc_error_set(err, MPCC_ERR_PROTOCOL, "%s: chosen-message OT messages: "
                                "expected %zu bytes, got %zu",
                                net_peer(ot_receiver_channel(r)), 2 * nb * sizeof(block), got);
        if (st != MPCC_OK)
            break;
        for (size_t j = 0; j < nb; j++) {
            block mask = blk_mask_from_bit((unsigned)(c[j / 8] >> (j % 8)));
            block yc = blk_xor(y[2 * j], blk_and(mask, blk_xor(y[2 * j], y[2 * j + 1])));
            out[j0 + j] = blk_xor(out[j0 + j], yc);
        }
    }
out:
    free(y);
    return st;
}
