/* png_encode.c — RGB pixels as a PNG file (png_encode.h).
 * SPDX-License-Identifier: MIT
 */
#include "png_encode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "xalloc.h"

/* IDAT chunks of this size at most: the image is deflated as it is
 * written, never held compressed whole. */
#define CHUNK (64 * 1024)

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One chunk: length, type, data, CRC of type and data. */
static int chunk(FILE *out, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t head[8], tail[4];
    be32(head, len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0, head + 4, 4);
    if (len)
        crc = crc32(crc, data, len);
    be32(tail, (uint32_t)crc);
    return fwrite(head, 1, 8, out) == 8 && (len == 0 || fwrite(data, 1, len, out) == len) &&
           fwrite(tail, 1, 4, out) == 4;
}

int pv_png_write(FILE *out, const uint8_t *rgb, uint32_t w, uint32_t h, pv_err *err)
{
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t ihdr[13];
    be32(ihdr, w);
    be32(ihdr + 4, h);
    ihdr[8] = 8;   /* bits per channel */
    ihdr[9] = 2;   /* truecolour */
    ihdr[10] = 0;  /* deflate */
    ihdr[11] = 0;  /* adaptive filtering, each row's filter byte */
    ihdr[12] = 0;  /* no interlace */
    int ok = fwrite(signature, 1, 8, out) == 8 && chunk(out, "IHDR", ihdr, sizeof ihdr);

    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit(&z, Z_DEFAULT_COMPRESSION) != Z_OK)
        return pv_err_set(err, PV_E_IO, "zlib: cannot start compressing the image");
    size_t row_len = (size_t)w * 3 + 1;
    uint8_t *row = pv_xmalloc(row_len), *buf = pv_xmalloc(CHUNK);
    z.next_out = buf;
    z.avail_out = CHUNK;
    /* Filter "Sub" (1): each byte less the same channel of the pixel to its
     * left.  The chart is runs of one colour, which Sub turns into runs of
     * zeros: a few times smaller than unfiltered rows. */
    for (uint32_t y = 0; y <= h && ok; y++) {
        int flush = y == h ? Z_FINISH : Z_NO_FLUSH;
        if (y < h) {
            const uint8_t *src = rgb + (size_t)y * w * 3;
            row[0] = 1;
            for (size_t i = 0; i < (size_t)w * 3; i++)
                row[1 + i] = (uint8_t)(src[i] - (i >= 3 ? src[i - 3] : 0));
            z.next_in = row;
            z.avail_in = (uInt)row_len;
        }
        int zr;
        do {
            zr = deflate(&z, flush);
            if (z.avail_out == 0 || (flush == Z_FINISH && zr == Z_STREAM_END)) {
                ok = ok && chunk(out, "IDAT", buf, CHUNK - z.avail_out);
                z.next_out = buf;
                z.avail_out = CHUNK;
            }
        } while (ok && (z.avail_in > 0 || (flush == Z_FINISH && zr != Z_STREAM_END)));
    }
    deflateEnd(&z);
    free(row);
    free(buf);
    ok = ok && chunk(out, "IEND", NULL, 0);
    if (!ok)
        return pv_err_set(err, PV_E_IO, "writing the image: %s", strerror(errno));
    return PV_OK;
}
