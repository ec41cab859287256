/* figures.c — figures as the page writes them (figures.h).
 * SPDX-License-Identifier: MIT
 */
#include "figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_TIME, KIND_BYTES, KIND_COUNT, KIND_EVENT };

/* units.js's classify: the kind of a unit and, for times, seconds per unit. */
static int classify(const char *unit, double *seconds)
{
    static const struct { const char *name; double s; } times[] = {
        {"seconds", 1}, {"milliseconds", 1e-3}, {"microseconds", 1e-6}, {"nanoseconds", 1e-9}};
    *seconds = 0;
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        if (strcmp(unit, times[i].name) == 0) {
            *seconds = times[i].s;
            return KIND_TIME;
        }
    if (strcmp(unit, "bytes") == 0)
        return KIND_BYTES;
    if (strcmp(unit, "samples") == 0 || strcmp(unit, "none") == 0)
        return KIND_COUNT;
    return KIND_EVENT;
}

/* JavaScript's toPrecision(3) for 1 <= |v| < 1000: trailing zeros kept
 * ("80.0"), no trailing point ("526"). */
static void precision3(double v, char *out, size_t cap)
{
    snprintf(out, cap, "%#.3g", v);
    size_t n = strlen(out);
    if (n > 0 && out[n - 1] == '.')
        out[n - 1] = '\0';
}

/* "1234567" -> "1,234,567" (digits may follow a '-' and precede a '.'). */
static void group(const char *digits, char *out, size_t cap)
{
    const char *p = digits;
    size_t o = 0;
    if (*p == '-' && o + 1 < cap)
        out[o++] = *p++;
    size_t whole = strcspn(p, ".");
    for (size_t i = 0; i < whole && o + 1 < cap; i++) {
        if (i > 0 && (whole - i) % 3 == 0 && o + 2 < cap)
            out[o++] = ',';
        out[o++] = p[i];
    }
    for (const char *q = p + whole; *q && o + 1 < cap; q++)
        out[o++] = *q;
    out[o] = '\0';
}

static int special(double v, char *out, size_t cap)
{
    if (isnan(v))
        snprintf(out, cap, "nan");
    else if (isinf(v))
        snprintf(out, cap, v > 0 ? "inf" : "-inf");
    else
        return 0;
    return 1;
}

static void duration(double t, char *out, size_t cap)
{
    static const struct { double scale; const char *unit; } units[] = {
        {1, "s"}, {1e-3, "ms"}, {1e-6, "\xc2\xb5s"}, {1e-9, "ns"}};
    if (special(t, out, cap))
        return;
    if (t == 0) {
        snprintf(out, cap, "0 s");
        return;
    }
    double size = fabs(t);
    if (size >= 999.5) {
        snprintf(out, cap, "%.0f s", t);
        return;
    }
    int k = -1;
    for (int i = 0; i < 4 && k < 0; i++)
        if (size >= units[i].scale)
            k = i;
    if (k < 0) {
        snprintf(out, cap, "%.2e s", t);
        return;
    }
    char num[32];
    /* 0.9996 ms rounds to 1000 µs: one unit up, as 1.00 ms. */
    precision3(t / units[k].scale, num, sizeof num);
    if (k > 0 && fabs(strtod(num, NULL)) >= 1000)
        k--;
    precision3(t / units[k].scale, num, sizeof num);
    snprintf(out, cap, "%s %s", num, units[k].unit);
}

static void amount(double v, char *out, size_t cap)
{
    char raw[64];
    if (special(v, out, cap))
        return;
    double size = fabs(v);
    if (size == floor(size) && size < 1e21) {
        snprintf(raw, sizeof raw, "%.0f", v);
        group(raw, out, cap);
        return;
    }
    if (size >= 999.5) {
        /* Three significant digits would round the whole part away. */
        snprintf(raw, sizeof raw, "%.1f", v);
        size_t n = strlen(raw);
        if (n >= 2 && strcmp(raw + n - 2, ".0") == 0)
            raw[n - 2] = '\0';
        group(raw, out, cap);
        return;
    }
    snprintf(out, cap, "%.3g", v);
}

static void bytes(double v, char *out, size_t cap)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (!isfinite(v)) {
        amount(v, out, cap);
        return;
    }
    const char *sign = v < 0 ? "-" : "";
    double b = fabs(v);
    if (b < 1024) {
        snprintf(out, cap, "%s%.0f B", sign, round(b));
        return;
    }
    double value = b / 1024;
    int u = 0;
    while (u < 3 && round(value) >= 1024) {
        value /= 1024;
        u++;
    }
    if (value < 9.95)
        snprintf(out, cap, "%s%.1f %s", sign, value, units[u]);
    else
        snprintf(out, cap, "%s%.0f %s", sign, round(value), units[u]);
}

void pv_format_value(double value, const char *unit, char *out, size_t cap)
{
    double seconds;
    switch (classify(unit, &seconds)) {
    case KIND_TIME: duration(value * seconds, out, cap); break;
    case KIND_BYTES: bytes(value, out, cap); break;
    default: amount(value, out, cap); break;
    }
}

/* The word a figure is followed by where it stands alone (units.js's
 * unitWord): "" for times, bytes and unitless weights. */
static const char *unit_word(const char *unit)
{
    double seconds;
    int kind = classify(unit, &seconds);
    return kind == KIND_EVENT ? unit
           : kind == KIND_COUNT && strcmp(unit, "samples") == 0 ? "samples" : "";
}

const char *pv_unit_noun(const char *unit)
{
    double seconds;
    int kind = classify(unit, &seconds);
    if (kind == KIND_TIME)
        return "time";
    if (kind == KIND_BYTES)
        return "bytes";
    return *unit_word(unit) ? unit_word(unit) : "weight";
}

void pv_format_with_unit(double value, const char *unit, char *out, size_t cap)
{
    const char *word = unit_word(unit);
    pv_format_value(value, unit, out, cap);
    size_t n = strlen(out);
    if (*word && n < cap)
        snprintf(out + n, cap - n, " %s", word);
}
