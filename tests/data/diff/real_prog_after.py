import math

def parse(n):
    return [str(i) for i in range(n)]

def crunch(items):
    total = 0.0
    for s in items:
        total += math.sqrt(int(s))
        for _ in range(3):
            total += math.sin(total)
    return total

def render(items):
    out = []
    for s in items:
        out.append(s.upper())
    return "".join(out)

def main():
    for _ in range(20):
        items = parse(20000)
        crunch(items)
        render(items)

main()
