/* sha256.h — SHA-256 (FIPS 180-4), for the store's content addresses.
 *
 * A profile is stored once per distinct file: its identity is the SHA-256
 * of its bytes.  Small and dependency-free on purpose (no OpenSSL); not
 * meant for secrets (no constant-time or wiping guarantees).
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_SHA256_H
#define PV_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct pv_sha256 {
    uint32_t h[8];             /* chaining state */
    uint64_t len;              /* bytes hashed so far */
    unsigned char block[64];   /* pending input, not yet compressed */
    size_t n_block;            /* bytes pending in block */
} pv_sha256;

/* Incremental use: init, update any number of times, final once. */
void pv_sha256_init(pv_sha256 *c);
void pv_sha256_update(pv_sha256 *c, const void *data, size_t len);
void pv_sha256_final(pv_sha256 *c, unsigned char digest[32]);

/* Writes the lowercase hex SHA-256 of data[0..len) and a NUL into out. */
void pv_sha256_hex(const void *data, size_t len, char out[65]);

#endif
