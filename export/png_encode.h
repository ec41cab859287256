/* png_encode.h — an RGB image as a PNG file (8-bit truecolour, no
 * interlace): the signature, IHDR, the rows deflated with zlib into
 * IDAT, IEND, each chunk with its CRC-32 (zlib's crc32, PNG's own CRC).
 * No library beyond zlib, which profviz already links.
 * Ownership: the pixels stay the caller's.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_PNG_ENCODE_H
#define PV_PNG_ENCODE_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

/* Writes w x h pixels (3 bytes each, rows top to bottom) to out.  PV_OK,
 * or PV_E_IO when writing failed. */
int pv_png_write(FILE *out, const uint8_t *rgb, uint32_t w, uint32_t h, pv_err *err);

#endif
