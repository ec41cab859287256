import math
import unittest


def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def primes(n):
    sieve = [True] * (n + 1)
    out = []
    for i in range(2, n + 1):
        if sieve[i]:
            out.append(i)
            for j in range(i * i, n + 1, i):
                sieve[j] = False
    return out


class TestGcd(unittest.TestCase):
    def test_coprime(self):
        self.assertEqual(gcd(17, 5), 1)

    def test_common(self):
        self.assertEqual(gcd(84, 36), 12)

    def test_zero(self):
        self.assertEqual(gcd(9, 0), 9)

    def test_matches_math(self):
        for a in range(1, 30, 7):
            for b in range(1, 30, 5):
                with self.subTest(a=a, b=b):
                    self.assertEqual(gcd(a, b), math.gcd(a, b))


class TestPrimes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.small = primes(100)

    def test_count(self):
        self.assertEqual(len(self.small), 25)

    def test_first(self):
        self.assertEqual(self.small[:5], [2, 3, 5, 7, 11])

    def test_last(self):
        self.assertEqual(self.small[-1], 97)

    def test_all_odd_but_two(self):
        self.assertTrue(all(p % 2 for p in self.small[1:]))

    def test_in(self):
        self.assertIn(53, self.small)

    def test_not_in(self):
        self.assertNotIn(91, self.small)

    @unittest.skip('slow on purpose')
    def test_big(self):
        self.assertEqual(len(primes(10 ** 6)), 78498)


class TestFloats(unittest.TestCase):
    def test_almost(self):
        self.assertAlmostEqual(0.1 + 0.2, 0.3)

    def test_greater(self):
        self.assertGreater(math.pi, 3.14)

    def test_raises(self):
        with self.assertRaises(ZeroDivisionError):
            1 / 0

    def test_raises_regex(self):
        self.assertRaisesRegex(ValueError, 'math domain', math.sqrt, -1)

    @unittest.expectedFailure
    def test_exact(self):
        self.assertEqual(0.1 + 0.2, 0.3)
