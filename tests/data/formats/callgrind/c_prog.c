/* c_prog.c — the small C program behind the valgrind fixtures: plain
 * recursion (fib), mutual recursion (is_even/is_odd), a callee reached
 * from two callers (mix), and libc calls.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static int is_odd(unsigned n);

static int is_even(unsigned n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}

static int is_odd(unsigned n)
{
    return n == 0 ? 0 : is_even(n - 1);
}

static unsigned mix(const char *s, unsigned k)
{
    unsigned h = k;
    for (size_t i = 0; i < strlen(s); i++)
        h = h * 31 + (unsigned char)s[i];
    return h;
}

static unsigned work(unsigned rounds)
{
    unsigned h = 0;
    for (unsigned r = 0; r < rounds; r++)
        h ^= mix("callgrind fixture", r);
    return h;
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 18;
    unsigned f = fib(n);
    int even = is_even(n * 37);
    unsigned h = work(200) ^ mix("main", n);
    printf("fib(%u)=%u even=%d h=%u\n", n, f, even, h);
    return 0;
}
