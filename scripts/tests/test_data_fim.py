"""FIM span selection: kinds, cut safety, editor-shaped windows."""
import random
import unittest

from data.fim.cursor import typing_spots
from data.fim.examples import fim_examples
from data.fim.middles import KINDS, block_bodies, pick_middle
from data.fim.windows import cut_window
from data.text_units import is_safe_cut, line_spans

PY = '''import os


def load(path, mode="r"):
    """Read a file."""
    with open(path, mode) as f:
        data = f.read()
    if not data:
        return None
    return data.strip()


class Box:
    def __init__(self, items):
        self.items = list(items)

    def total(self):
        return sum(i.weight for i in self.items)
'''
TRICKY = 'x = "caf\u00e9"  # e\u0301t\u00e9 \U0001F468\u200d\U0001F469 ok\r\ny = 1\r\nz = [1, 2, 3]\r\n'


class FimSpanTest(unittest.TestCase):
    def picks(self, text, kind, n=200):
        rng = random.Random(7)
        spans = line_spans(text)
        return [p for p in (pick_middle(rng, text, kind, spans) for _ in range(n)) if p]

    def test_single_line_kinds_stay_in_one_line(self):
        for kind in ('rest_of_line', 'span_in_line'):
            got = self.picks(PY, kind)
            self.assertTrue(got, kind)
            for s, e in got:
                mid = PY[s:e]
                self.assertTrue(mid.strip(), kind)
                self.assertNotIn('\n', mid, kind)

    def test_rest_of_line_ends_at_line_end(self):
        for s, e in self.picks(PY, 'rest_of_line'):
            self.assertEqual(PY[e:].split('\n', 1)[0].strip(), '')

    def test_span_in_line_leaves_text_after_it_on_the_line(self):
        for s, e in self.picks(PY, 'span_in_line'):
            self.assertTrue(PY[e:].split('\n', 1)[0].strip())

    def test_multi_line_is_whole_lines(self):
        for s, e in self.picks(PY, 'multi_line'):
            mid = PY[s:e]
            self.assertGreaterEqual(mid.rstrip('\n').count('\n'), 1)
            self.assertTrue(s == 0 or PY[s - 1] == '\n' or not PY[PY.rfind('\n', 0, s) + 1:s].strip())

    def test_block_is_a_body_after_an_opener(self):
        bodies = block_bodies(PY, line_spans(PY))
        self.assertTrue(bodies)
        for s, e in self.picks(PY, 'block'):
            header = PY[:s].rstrip().split('\n')[-1]
            self.assertTrue(header.rstrip().endswith(':'), header)

    def test_empty_middle_is_empty(self):
        got = self.picks(PY, 'empty')
        self.assertTrue(got)
        self.assertTrue(all(s == e for s, e in got))

    def test_cuts_never_split_chars(self):
        for kind in KINDS:
            for s, e in self.picks(TRICKY, kind, 100):
                self.assertTrue(is_safe_cut(TRICKY, s) and is_safe_cut(TRICKY, e), (kind, s, e))

    def test_unsafe_cuts_detected(self):
        self.assertFalse(is_safe_cut('a\r\nb', 2))
        self.assertFalse(is_safe_cut('e\u0301', 1))
        self.assertFalse(is_safe_cut('\U0001F468\u200d\U0001F469', 2))
        self.assertTrue(is_safe_cut('ab', 1))

    def test_cursor_spots_prefer_typing_positions(self):
        line = '    result = compute(value, other)'
        spots = typing_spots(line)
        self.assertGreater(spots[line.index('(') + 1], spots.get(line.index('v') + 3, 0))
        self.assertIn(4, spots)  # after indentation
        self.assertNotIn(len(line), spots)

    def test_window_is_editor_shaped(self):
        rng = random.Random(1)
        text = ''.join('line %d = %d\n' % (i, i) for i in range(400))
        start = text.index('line 200')
        prefix, suffix = cut_window(rng, text, start, start + 4, full=True)
        self.assertLessEqual(len(prefix), 2000)
        self.assertLessEqual(len(suffix), 800)
        self.assertEqual(text[start - len(prefix) - 1], '\n')  # the prefix starts at a line start
        self.assertEqual(text[start + 4 + len(suffix)], '\n')  # the suffix stops before a line break

    def test_examples_reassemble_the_file(self):
        rng = random.Random(3)
        for ex in fim_examples(rng, {'text': PY * 3}, cap=6):
            joined = ex['prefix'] + ex['middle'] + ex['suffix']
            self.assertIn(joined, PY * 3)


if __name__ == '__main__':
    unittest.main()
