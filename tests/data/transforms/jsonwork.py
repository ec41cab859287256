"""A small program that spends its time in the standard library's json."""
import json


def make_records(n):
    return [{"id": i, "name": "item%d" % i, "tags": ["a", "b", str(i)]} for i in range(n)]


def round_trip(records):
    text = json.dumps(records, indent=1)
    return json.loads(text)


def main():
    records = make_records(2000)
    for _ in range(5):
        round_trip(records)


if __name__ == "__main__":
    main()
