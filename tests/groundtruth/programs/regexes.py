"""Compiles a few dozen regular expressions (re's parser and compiler are
recursive Python) and uses them."""
import re

PATTERNS = [
    r'\d+', r'[A-Za-z_][A-Za-z0-9_]*', r'(?P<key>\w+)=(?P<value>[^;]*);?',
    r'^\s*#.*$', r'(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})',
    r'(?i)hello\s+(world|there)', r'(a|b|c|d|e)+?x', r'(?:ab)*c{2,5}d?',
    r'[^\W\d_]+', r'(?<=@)\w+', r'\b(\w+)\s+\1\b', r'(?=.*\d)(?=.*[a-z]).{6,}',
    r'"(?:[^"\\]|\\.)*"', r'\((?:[^()]|\([^()]*\))*\)', r'(?x) \d+ (?: \. \d+ )? e? [+-]?',
    r'[\u00c0-\u017f]+', r'(?m)^(\w+):\s*(.*)$', r'(?s)<!--.*?-->', r'(\w)(\w)?(?(2)\2|x)',
    r'x*y+z?', r'(?:(?:a|b)(?:c|d)){2,}', r'[aeiou]{2}', r'\$\{(\w+)(?::-(.*?))?\}',
    r'(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)', r'\s+', r'[.,;:!?]', r'(?<!\\)%\(\w+\)s',
    r'(https?|ftp)://[^\s/$.?#].[^\s]*', r'(?a)\w+@\w+\.\w{2,}', r'^(?:[01]?\d|2[0-3]):[0-5]\d$',
    r'(?:foo|bar|baz|qux|quux)+', r'[\[\]{}()<>]', r'\\[ntr\\]', r'(a(b(c(d(e)?)?)?)?)',
    r'(?i:caf\u00e9)|tea', r'\A\w+\Z',
]

TEXT = ('key=value; name=x; hello World 192.168.0.1 "a \\"quoted\\" string" (a (nested) one) '
        'caf\u00e9 2024-03-01 12:30 http://example.org/x?y=1 user@example.com '
        '${HOME} ${USER:-root} %(name)s the the word\n# comment\nSubject: hi\n<!-- c -->')


def main():
    compiled = [re.compile(p) for p in PATTERNS]
    hits = 0
    for rx in compiled:
        hits += len(rx.findall(TEXT))
        m = rx.search(TEXT)
        if m:
            hits += len(m.groups())
    words = re.split(r'[\s;]+', TEXT)
    swapped = re.sub(r'(\w+)=(\w+)', lambda m: m.group(2) + '=' + m.group(1), TEXT)
    dates = [m.groupdict() for m in re.finditer(PATTERNS[23], TEXT)]
    print(hits, len(words), len(swapped), dates, re.escape('a.b*c'))


main()
