/* folded_line.c — one line of a folded-stacks file, taken apart (see
 * folded.h for the rules).  The count is found from the end of the line,
 * so a line costs a look at its last characters and one scan for the
 * ';'s; frames may hold anything else, spaces included
 * ("parse (app/parser.py:42)").
 * SPDX-License-Identifier: MIT
 */
#include "folded.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Splits s[0 .. *len) as "REST<blanks>COUNT" with COUNT = \d+(\.\d*)?
 * at the very end and REST not empty: the count in *count, *len cut to
 * REST (which then ends in no blank).  False, with nothing changed, when
 * the text does not end that way. */
static bool split_count(const char *s, size_t *len, pv_folded_count *count)
{
    size_t end = *len, i = end;
    while (i > 0 && is_digit(s[i - 1]))
        i--;
    if (i > 0 && s[i - 1] == '.') {
        size_t dot = i - 1, j = dot;
        while (j > 0 && is_digit(s[j - 1]))
            j--;
        if (j == dot)
            return false;  /* ".5": no digit before the point */
        i = j;
    } else if (i == end) {
        return false;      /* no digits at the end */
    }
    size_t start = i;
    while (i > 0 && is_blank(s[i - 1]))
        i--;
    if (i == start || i == 0)
        return false;      /* no blank before the count, or nothing before the blanks */
    *count = (pv_folded_count){s + start, end - start};
    *len = i;
    return true;
}

void pv_folded_parse_line(const char *line, size_t len, pv_folded_line *out)
{
    memset(out, 0, sizeof *out);
    while (len > 0 && is_blank(line[len - 1]))
        len--;
    while (len > 0 && is_blank(line[0])) {
        line++;
        len--;
    }
    out->text = line;
    out->text_len = len;
    if (len == 0) {
        out->kind = PV_FOLDED_BLANK;
        return;
    }
    if (line[0] == '#') {
        out->kind = PV_FOLDED_COMMENT;
        out->text = line + 1;
        out->text_len = len - 1;
        return;
    }
    size_t stack_len = len;
    if (!split_count(line, &stack_len, &out->count)) {
        out->kind = PV_FOLDED_IGNORED;
        return;
    }
    out->differential = split_count(line, &stack_len, &out->before);
    while (stack_len > 0 && line[stack_len - 1] == ';')
        stack_len--;
    out->kind = stack_len > 0 ? PV_FOLDED_STACK : PV_FOLDED_IGNORED;
    out->stack = line;
    out->stack_len = stack_len;
}

long double pv_folded_count_value(pv_folded_count c, bool *huge)
{
    uint64_t whole = 0;
    size_t i = 0;
    *huge = false;
    for (; i < c.len && is_digit(c.text[i]); i++) {
        unsigned d = (unsigned)(c.text[i] - '0');
        if (whole > (UINT64_MAX - d) / 10)
            *huge = true;
        whole = whole * 10 + d;
    }
    bool fraction = false;
    for (size_t j = i + 1; j < c.len; j++)
        fraction |= c.text[j] != '0';
    if (!*huge && !fraction)
        return (long double)whole;
    /* strtold rounds correctly; a count is short, so a copy on the stack
     * holds it (a longer one keeps its first 63 characters: beyond them
     * no long double changes, unless the integer part is that long, and
     * then only `huge` matters). */
    char buf[64];
    size_t n = c.len < sizeof buf - 1 ? c.len : sizeof buf - 1;
    memcpy(buf, c.text, n);
    buf[n] = '\0';
    long double v = strtold(buf, NULL);
    if (n < c.len && i > n)
        v *= powl(10.0L, (long double)(i - n));
    return v;
}

bool pv_folded_next_frame(const char *stack, size_t len, size_t *at, const char **frame,
                          size_t *frame_len)
{
    if (*at > len)
        return false;
    const char *start = stack + *at;
    const char *semi = memchr(start, ';', len - *at);
    size_t n = semi ? (size_t)(semi - start) : len - *at;
    *frame = start;
    *frame_len = n;
    *at += n + 1;
    return true;
}
