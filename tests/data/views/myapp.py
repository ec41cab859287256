"""A small program of one's own that leans on the standard library: the
profile `python3 -m cProfile -o myapp.prof -m myapp` makes has runpy and
importlib frames above this code, and json, re and collections below it."""

import collections
import json
import re

WORD = re.compile(r"[a-z]+")


def make_records(n):
    return [{"id": i, "text": f"record {i} says hello to record {i * 7 % n}"} for i in range(n)]


def encode(records):
    return json.dumps(records)


def decode(text):
    return json.loads(text)


def count_words(records):
    counts = collections.Counter()
    for r in records:
        counts.update(WORD.findall(r["text"]))
    return counts


def main():
    records = make_records(20000)
    for _ in range(3):
        records = decode(encode(records))
    print(count_words(records).most_common(3))


if __name__ == "__main__":
    main()
