/* svg.c — the icicle chart as an SVG document (icicle_layout.h draws it;
 * this writes it): what web/js/render/svg.js writes for the page's chart,
 * a box a group of its <title> (the hover text of SVG viewers: name,
 * file:line, time), its rectangle, the hatching of an estimate and its
 * label.
 *
 * Every name and file comes from the profiled program, so each is written
 * through xml_text: "</text><script>" is a function name like any other
 * and must arrive as text, and what XML 1.0 cannot hold at all (controls,
 * a lone surrogate, bytes that are no UTF-8) becomes U+FFFD.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "icicle_layout.h"
#include "utf8.h"

/* The hatching tile of an estimate (render/boxes.js's HATCH): one
 * diagonal stripe across a 6 px square and the corner pieces that join
 * it to its neighbours. */
#define HATCH_PATTERN \
    "<pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\">" \
    "<path d=\"M0 6L6 0M-1 1L1 -1M5 7L7 5\" stroke=\"rgba(0, 0, 0, 0.16)\" stroke-width=\"1.5\"/>" \
    "</pattern>"

/* UTF-8 text as XML character data or attribute value. */
static void xml_text(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    while (len > 0) {
        uint32_t cp;
        size_t n = pv_utf8_decode(p, len, &cp);
        if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
            cp == 0xFFFF) {
            /* WTF-8's surrogates are not strict UTF-8: skip the whole
             * sequence as one replacement. */
            size_t w = pv_wtf8_decode(p, len, &cp);
            fputs("\xef\xbf\xbd", out);
            n = w ? w : 1;
        } else if (cp == '&') {
            fputs("&amp;", out);
        } else if (cp == '<') {
            fputs("&lt;", out);
        } else if (cp == '>') {
            fputs("&gt;", out);
        } else if (cp == '"') {
            fputs("&quot;", out);
        } else if (cp == '\'') {
            fputs("&apos;", out);
        } else if (cp == '\n') {
            fputs("&#10;", out);
        } else {
            fwrite(p, 1, n, out);
        }
        p += n;
        len -= n;
    }
}

static void rgb_attr(FILE *out, pv_rgb c)
{
    fprintf(out, "#%02x%02x%02x", c.r, c.g, c.b);
}

static void text_at(FILE *out, double x, double y, const char *s)
{
    fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" dominant-baseline=\"central\">", x, y);
    xml_text(out, s);
    fputs("</text>", out);
}

int pv_export_svg(const pv_export_job *job, FILE *out, pv_err *err)
{
    pv_icicle ic;
    int rc = pv_icicle_layout(job, &ic, err);
    if (rc != PV_OK)
        return rc;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
            "viewBox=\"0 0 %u %u\">\n<title>",
            ic.width, ic.height, ic.width, ic.height);
    xml_text(out, ic.header);
    fputs("</title>\n", out);
    if (ic.any_estimated)
        fputs("<defs>" HATCH_PATTERN "</defs>\n", out);
    fprintf(out, "<rect width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n", ic.width, ic.height);
    /* A monospace font of PV_ICICLE_CHAR_PX per character: the labels
     * were cut to fit it.  Text is centred on the given y, as the page's. */
    fputs("<g font-family=\"'DejaVu Sans Mono', Menlo, Consolas, monospace\" font-size=\"10\" "
          "fill=\"#1b1b1b\">\n", out);
    text_at(out, PV_ICICLE_PAD, PV_ICICLE_PAD + PV_ICICLE_TEXT_PX / 2.0 + 2, ic.header);
    fputc('\n', out);
    for (size_t i = 0; i < ic.n_boxes; i++) {
        const pv_icicle_box *b = &ic.boxes[i];
        fputs("<g><title>", out);
        xml_text(out, b->title);
        fprintf(out, "</title><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"",
                b->x, b->y, b->w, b->h);
        rgb_attr(out, b->fill);
        fputs("\"/>", out);
        if (b->estimated)
            fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                         "fill=\"url(#hatch)\"/>", b->x, b->y, b->w, b->h);
        if (*b->label)
            text_at(out, b->x + PV_ICICLE_LABEL_PAD, b->y + b->h / 2, b->label);
        fputs("</g>\n", out);
    }
    for (size_t k = 0; k < ic.n_keys; k++) {
        const pv_icicle_key *key = &ic.keys[k];
        fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%d\" height=\"%d\" fill=\"", key->x,
                key->y, PV_ICICLE_SWATCH_PX, PV_ICICLE_SWATCH_PX);
        rgb_attr(out, key->fill);
        fputs(key->hatched ? "\" stroke=\"#1b1b1b\" stroke-width=\"0.5\"/>" : "\"/>", out);
        if (key->hatched)
            fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%d\" height=\"%d\" "
                         "fill=\"url(#hatch)\"/>", key->x, key->y, PV_ICICLE_SWATCH_PX,
                    PV_ICICLE_SWATCH_PX);
        text_at(out, key->x + PV_ICICLE_SWATCH_PX + 4, key->y + PV_ICICLE_SWATCH_PX / 2.0,
                key->label);
        fputc('\n', out);
    }
    fputs("</g>\n</svg>\n", out);
    pv_icicle_release(&ic);
    return PV_OK;
}
