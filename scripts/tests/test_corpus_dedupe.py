"""Exact and near-duplicate removal, and the held-out split."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from corpus import dedupe  # noqa: E402
from corpus.build_corpus import apply_cap, Drops, file_id, unit_hash  # noqa: E402


def program(seed, n=120):
    rnd = random.Random(seed)
    words = ['alpha', 'beta', 'gamma', 'delta', 'index', 'value', 'count', 'total', 'items', 'result', 'node']
    lines = []
    for i in range(n):
        a, b, c = rnd.choice(words), rnd.choice(words), rnd.choice(words)
        lines.append(f'    {a}_{i} = {b}({c}, {rnd.randint(0, 99)})')
    return 'def f():\n' + '\n'.join(lines) + '\n'


class ExactTest(unittest.TestCase):
    def test_normalisation(self):
        a = 'x = 1   \r\ny = 2\r\n\r\n'
        b = '\nx = 1\ny = 2'
        self.assertEqual(dedupe.normalized_hash(a), dedupe.normalized_hash(b))
        self.assertNotEqual(dedupe.normalized_hash('x = 1\n'), dedupe.normalized_hash('x = 2\n'))
        self.assertNotEqual(dedupe.normalized_hash('  x = 1\n'), dedupe.normalized_hash('x = 1\n'),
                            'indentation is meaningful')


class NearTest(unittest.TestCase):
    def test_small_edit_is_a_near_duplicate_and_different_code_is_not(self):
        base = program(1)
        lines = base.split('\n')
        lines[40] = '    changed = 1'
        edited = '\n'.join(lines)
        other = program(2)
        sigs = [dedupe.minhash(t) for t in (base, other, edited)]
        self.assertGreater((sigs[0] == sigs[2]).mean(), 0.85)
        self.assertLess((sigs[0] == sigs[1]).mean(), 0.3)
        self.assertEqual(dedupe.near_duplicates(sigs), {2}, 'the later copy goes, the first stays')

    def test_clusters_keep_one(self):
        base = program(3)
        copies = [base.replace('def f()', f'def f{i}()') for i in range(5)]
        drop = dedupe.near_duplicates([dedupe.minhash(t) for t in copies + [program(4)]])
        self.assertEqual(drop, {1, 2, 3, 4})

    def test_tiny_inputs(self):
        self.assertEqual(dedupe.minhash('').shape, (dedupe.NUM_PERM,))
        self.assertEqual(dedupe.minhash('a b').shape, (dedupe.NUM_PERM,))
        self.assertEqual(dedupe.near_duplicates([]), set())


class SplitAndCapTest(unittest.TestCase):
    def test_ids_and_hashes_are_stable(self):
        self.assertEqual(file_id('debian:x', '/a.py'), file_id('debian:x', '/a.py'))
        self.assertNotEqual(file_id('debian:x', '/a.py'), file_id('debian:y', '/a.py'))
        u = unit_hash('heldout:abc')
        self.assertTrue(0 <= u < 1)
        self.assertEqual(u, unit_hash('heldout:abc'))

    def test_cap_keeps_group_under_budget(self):
        docs = [{'id': str(i), 'lang': 'go', 'source': 's', 'path': f'/p{i}.go', 'text': 'x' * 100} for i in range(20)]
        drops = Drops()
        kept = apply_cap(docs, lambda d: d['source'], lambda g: 1000, drops, 'package_cap')
        self.assertEqual(len(kept), 10)
        self.assertEqual(drops.as_dict()['package_cap']['files'], 10)


if __name__ == '__main__':
    unittest.main()
