import sys

from . import report

SPECS = [('circle', (1.5,)), ('rect', (2, 3)), ('polygon', (0, 0, 4, 0, 2, 3)),
         ('circle', (0.5,)), ('rect', (1, 1)), ('polygon', (0, 0, 1, 0, 1, 1, 0, 1))]


def main(argv):
    precision = int(argv[0]) if argv else 3
    for scale in (1, 2, 3):
        print(report.summary(SPECS * 3, scale=scale, precision=precision))


if __name__ == '__main__':
    main(sys.argv[1:])
