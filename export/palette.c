/* palette.c — the page's box colours in C (palette.h says why they are
 * the page's).
 * SPDX-License-Identifier: MIT
 */
#include "palette.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* OKLCH hues of the palette, about 33 degrees apart (palette.js's HUES). */
static const double hues[PV_PALETTE_SIZE] = {25, 60, 95, 125, 150, 185, 215, 250, 280, 310, 345};
/* Per shade: lightness added and chroma scaled (palette.js's SHADES). */
static const double shades[PV_SHADE_COUNT][2] = {
    {0, 1}, {-0.05, 1.2}, {0.035, 0.75}, {-0.025, 0.85}, {0.02, 1.3}};
/* The light theme's tone: pastel fills under dark text. */
#define TONE_L 0.85
#define TONE_C 0.09

static void oklab_to_linear(double L, double a, double b, double rgb[3])
{
    double l = pow(L + 0.3963377774 * a + 0.2158037573 * b, 3);
    double m = pow(L - 0.1055613458 * a - 0.0638541728 * b, 3);
    double s = pow(L - 0.0894841775 * a - 1.291485548 * b, 3);
    rgb[0] = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
    rgb[1] = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
    rgb[2] = -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s;
}

static int in_gamut(const double rgb[3])
{
    for (int i = 0; i < 3; i++)
        if (rgb[i] < -1e-9 || rgb[i] > 1 + 1e-9)
            return 0;
    return 1;
}

static uint8_t to_srgb8(double v)
{
    double x = v < 0 ? 0 : v > 1 ? 1 : v;
    double s = x <= 0.0031308 ? 12.92 * x : 1.055 * pow(x, 1 / 2.4) - 0.055;
    return (uint8_t)lround(255 * s);
}

pv_rgb pv_oklch(double l, double c, double hue_deg)
{
    double h = hue_deg * M_PI / 180, rgb[3];
    oklab_to_linear(l, c * cos(h), c * sin(h), rgb);
    if (!in_gamut(rgb)) {
        /* Bisect the chroma down into sRGB: the hue and lightness stay. */
        double lo = 0, hi = c, t[3];
        for (int k = 0; k < 24; k++) {
            double mid = (lo + hi) / 2;
            oklab_to_linear(l, mid * cos(h), mid * sin(h), t);
            if (in_gamut(t))
                lo = mid;
            else
                hi = mid;
        }
        oklab_to_linear(l, lo * cos(h), lo * sin(h), rgb);
    }
    return (pv_rgb){to_srgb8(rgb[0]), to_srgb8(rgb[1]), to_srgb8(rgb[2])};
}

pv_rgb pv_palette_fill(int hue, unsigned shade)
{
    const double *sh = shades[shade % PV_SHADE_COUNT];
    if (hue < 0 || hue >= PV_PALETTE_SIZE)
        return pv_oklch(TONE_L + sh[0], 0, 0);
    return pv_oklch(TONE_L + sh[0], TONE_C * sh[1], hues[hue]);
}

pv_rgb pv_neutral(void)
{
    return pv_oklch(TONE_L, 0, 0);
}

static uint32_t fnv_unit(uint32_t h, uint32_t unit)
{
    return (h ^ unit) * 0x01000193u;
}

/* Feeds s[0 .. len) to FNV-1a as UTF-16 code units; a byte that is no
 * WTF-8 counts as one unit of its own value. */
static uint32_t fnv_utf16(uint32_t h, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = pv_wtf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            cp = p[i];
            n = 1;
        }
        if (cp >= 0x10000) {
            h = fnv_unit(h, 0xD800u + ((cp - 0x10000) >> 10));
            h = fnv_unit(h, 0xDC00u + ((cp - 0x10000) & 0x3FF));
        } else {
            h = fnv_unit(h, cp);
        }
        i += n;
    }
    return h;
}

static uint32_t finalise(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

uint32_t pv_palette_hash(const char *s, size_t len)
{
    return finalise(fnv_utf16(0x811c9dc5u, s, len));
}

unsigned pv_shade_index(const char *file, int64_t line, const char *name)
{
    /* packages.js hashes `${file}\0${line}\0${name}`. */
    char num[24];
    int n = snprintf(num, sizeof num, "%lld", (long long)line);
    uint32_t h = fnv_utf16(0x811c9dc5u, file, strlen(file));
    h = fnv_unit(h, 0);
    h = fnv_utf16(h, num, (size_t)n);
    h = fnv_unit(h, 0);
    h = fnv_utf16(h, name, strlen(name));
    return finalise(h) % PV_SHADE_COUNT;
}

void pv_assign_hues(const char *const *names, size_t n, int *hue)
{
    uint8_t taken[PV_PALETTE_SIZE] = {0};
#define FREE(k) (!taken[(k)])
#define ALONE(k) (FREE(k) && FREE(((k) + 1) % PV_PALETTE_SIZE) && \
                  FREE(((k) + PV_PALETTE_SIZE - 1) % PV_PALETTE_SIZE))
    for (size_t i = 0; i < n; i++) {
        int want = (int)(pv_palette_hash(names[i], strlen(names[i])) % PV_PALETTE_SIZE);
        /* The wanted hue, then its neighbours outwards, up the palette first. */
        int order[PV_PALETTE_SIZE], m = 0;
        order[m++] = want;
        for (int d = 1; d <= PV_PALETTE_SIZE / 2; d++) {
            order[m++] = (want + d) % PV_PALETTE_SIZE;
            order[m++] = (want - d + PV_PALETTE_SIZE) % PV_PALETTE_SIZE;
        }
        int k = -1;
        for (int j = 0; j < m && k < 0; j++)
            if (ALONE(order[j]))
                k = order[j];
        for (int j = 0; j < m && k < 0; j++)
            if (FREE(order[j]))
                k = order[j];
        if (k >= 0)
            taken[k] = 1;
        hue[i] = k;
    }
#undef FREE
#undef ALONE
}
