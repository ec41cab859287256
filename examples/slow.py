"""A deliberately slow program: the seed workload for profviz.

It has three bottlenecks, each a classic:
  1. trig_loop      - a pure-Python loop over math.sin / math.cos / math.sqrt;
  2. build_report   - a report built with `report += ...` in a loop (under a
                      profiler CPython's in-place concat shortcut is lost, so
                      this is quadratic: keep n small);
  3. count_events   - millions of calls to a function that does nothing.
Profile it and open the result:
    python3 -m cProfile -o examples/slow.prof examples/slow.py
    profviz examples/slow.prof
"""
import math


def trig_loop(n):
    total = 0.0
    for i in range(n):
        x = i * 0.001
        total += math.sin(x) * math.cos(x) + math.sqrt(x)
    return total


def format_line(i):
    return "line %d: value=%.3f\n" % (i, i * 0.5)


def build_report(n):
    report = ""
    for i in range(n):
        report += format_line(i)
    return report


def noop(event):
    pass


def count_events(n):
    for i in range(n):
        noop(i)
    return n


def main():
    trig = trig_loop(600_000)
    report = build_report(8_000)
    events = count_events(2_000_000)
    print("trig=%.2f report=%d bytes events=%d" % (trig, len(report), events))


if __name__ == "__main__":
    main()
