import collections
import unittest


class Stack:
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)

    def pop(self):
        if not self.items:
            raise IndexError('pop from empty stack')
        return self.items.pop()


class TestStack(unittest.TestCase):
    def setUp(self):
        self.s = Stack()
        for i in range(5):
            self.s.push(i)

    def test_pop_order(self):
        self.assertEqual([self.s.pop() for _ in range(5)], [4, 3, 2, 1, 0])

    def test_empty(self):
        for _ in range(5):
            self.s.pop()
        self.assertRaises(IndexError, self.s.pop)

    def test_push(self):
        self.s.push('x')
        self.assertEqual(self.s.pop(), 'x')


class TestCollections(unittest.TestCase):
    def test_counter(self):
        c = collections.Counter('abracadabra')
        self.assertEqual(c.most_common(1), [('a', 5)])

    def test_deque(self):
        d = collections.deque(range(5), maxlen=3)
        self.assertEqual(list(d), [2, 3, 4])

    def test_ordered(self):
        o = collections.OrderedDict.fromkeys('cab')
        o.move_to_end('c')
        self.assertEqual(list(o), ['a', 'b', 'c'])

    def test_dict_equal(self):
        self.assertDictEqual({'a': 1, 'b': [1, 2]}, {'b': [1, 2], 'a': 1})

    def test_list_equal(self):
        self.assertListEqual(list(range(3)), [0, 1, 2])

    def test_set_equal(self):
        self.assertSetEqual({1, 2, 3}, set([3, 2, 1]))

    def test_defaultdict(self):
        d = collections.defaultdict(list)
        for k, v in [('a', 1), ('b', 2), ('a', 3)]:
            d[k].append(v)
        self.assertEqual(d['a'], [1, 3])
