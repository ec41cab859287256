import textwrap
import unittest


class TestStrings(unittest.TestCase):
    def setUp(self):
        self.words = 'the quick brown fox jumps over the lazy dog'.split()

    def tearDown(self):
        self.words = None

    def test_count(self):
        self.assertEqual(len(self.words), 9)

    def test_upper(self):
        self.assertEqual([w.upper() for w in self.words][1], 'QUICK')

    def test_join(self):
        self.assertEqual('-'.join(self.words[:3]), 'the-quick-brown')

    def test_sorted(self):
        self.assertEqual(sorted(self.words)[0], 'brown')

    def test_multiline_equal(self):
        self.assertMultiLineEqual(textwrap.fill(' '.join(self.words), 20),
                                  'the quick brown fox\njumps over the lazy\ndog')

    def test_startswith(self):
        for w in self.words:
            with self.subTest(word=w):
                self.assertTrue(w[:1].isalpha())

    def test_regex(self):
        self.assertRegex(' '.join(self.words), r'fox \w+ over')

    def test_count_equal(self):
        self.assertCountEqual(self.words[:2], ['quick', 'the'])


class TestWrap(unittest.TestCase):
    def test_dedent(self):
        self.assertEqual(textwrap.dedent('  a\n  b'), 'a\nb')

    def test_indent(self):
        self.assertEqual(textwrap.indent('a\nb', '> '), '> a\n> b')

    def test_shorten(self):
        self.assertEqual(textwrap.shorten('hello big wide world', 12), 'hello [...]')
