"""py_prog.py — the small Python program behind the yappi fixture: plain
recursion (fib), mutual recursion (ping/pong), a callee reached from two
callers (mix) and builtins.
SPDX-License-Identifier: MIT
"""


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def ping(n):
    return 0 if n == 0 else pong(n - 1)


def pong(n):
    return 1 if n == 0 else ping(n - 1)


def mix(s, k):
    h = k
    for ch in s:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return h


def work(rounds):
    h = 0
    for r in range(rounds):
        h ^= mix("callgrind fixture", r)
    return h


def main():
    f = fib(18)
    p = ping(301)
    h = work(300) ^ mix("main", 18)
    return f, p, h


if __name__ == "__main__":
    main()
