"""Python edit transformations: the result parses, lines outside the edit stay byte-identical, and the
instruction names the change."""
import ast
import difflib
import random
import re
import unittest

from data.edits import python_transforms as py
from data.edits.change import realize
from data.edits.pysource import PyFile, functions

SRC = '''import os
import re
import sys
import logging

logger = logging.getLogger(__name__)


def count_words(path: str, limit: int = 10) -> dict:
    """Count words in a file.

    Returns a dict of word -> count.
    """
    # read everything at once
    with open(path, encoding='utf-8') as f:
        text = f.read()
    counts = {}
    for word in re.findall(r'\\w+', text):  # words only
        counts[word] = counts.get(word, 0) + 1
    if len(counts) > 1000:
        return {}
    else:
        return counts


def evens(values):
    idx = 0
    out = []
    for v in values:
        if v % 2 == 0:
            out.append(v * 2)
    squares = [x * x for x in values if x > 0]
    for i in range(len(values)):
        idx = idx + values[i] - i
    return out, squares, idx


def fetchData(url, timeout=None):
    if url:
        return url.strip()
    else:
        return 'none'
'''


def run(name, seed=0, tries=40):
    """The first realized example of transformation `name` over SRC's functions."""
    pf = PyFile(SRC)
    for k in range(tries):
        rng = random.Random(seed + k)
        if name in py.FILE_TRANSFORMS:
            change = py.FILE_TRANSFORMS[name](rng, pf)
        else:
            change = None
            for fn, parent in functions(pf.tree):
                change = py.FUNCTION_TRANSFORMS[name](rng, pf, fn, parent)
                if change:
                    break
        if change is None:
            continue
        pair = realize(SRC, change, py.PARSES)
        if pair:
            return change, pair
    raise AssertionError('%s never applied' % name)


class PythonTransformsTest(unittest.TestCase):
    def check(self, name, must_mention=()):
        change, (code, new_code) = run(name)
        self.assertNotEqual(code, new_code)
        self.assertIn(code if not change.reverse else new_code, SRC)  # the corpus side is real code
        degraded = code if change.reverse else new_code
        whole = SRC.replace(new_code if change.reverse else code, degraded, 1)
        ast.parse(whole)  # the other side parses in its file
        # lines the edit did not touch are byte-identical: every diff line is a real change
        sm = difflib.SequenceMatcher(a=code.splitlines(True), b=new_code.splitlines(True), autojunk=False)
        same = sum(b.size for b in sm.get_matching_blocks())
        self.assertGreater(same, 0)
        for word in must_mention:
            self.assertIn(word.lower(), change.instruction.lower(), change.instruction)
        return change, code, new_code

    def test_add_docstring_reverse(self):
        change, code, new = self.check('add_docstring')
        self.assertTrue(change.reverse)
        self.assertIn('"""Count words', new)
        self.assertNotIn('"""', code)

    def test_add_comments_reverse(self):
        change, code, new = self.check('add_comments')
        self.assertNotIn('# read everything', code)
        self.assertIn('# read everything', new)
        self.assertIn('comment', change.instruction.lower())

    def test_add_type_hints_reverse(self):
        change, code, new = self.check('add_type_hints')
        self.assertIn('def count_words(path, limit=10):', code)
        self.assertIn('def count_words(path: str, limit: int = 10) -> dict:', new)
        self.assertTrue('type' in change.instruction.lower() or 'annotat' in change.instruction.lower())

    def test_fix_bug_reverse_describes_a_bug(self):
        for seed in range(12):
            change, (code, new) = run('fix_bug', seed=seed * 50)
            self.assertTrue(change.reverse)
            self.assertIn(new, SRC)
            self.assertTrue(any(w in change.instruction.lower() for w in ('bug', 'fix', 'wrong', 'off-by-one', 'return', 'should')))
            ast.parse(SRC.replace(new, code, 1))  # the buggy version still parses
            for quoted in re.findall(r' in `([^`]+)`', change.instruction):
                self.assertIn(quoted, code)  # a quoted line reads as in the buggy input

    def test_rename(self):
        change, code, new = self.check('rename')
        self.assertIn('rename', change.instruction.lower() + ' rename' if 'name' in change.instruction.lower() else '')

    def test_wrap_try(self):
        change, code, new = self.check('wrap_try')
        self.assertIn('try:', new)
        self.assertIn('except', new)
        self.assertTrue('try' in change.instruction.lower() or 'catch' in change.instruction.lower() or 'except' in change.instruction.lower())

    def test_guard_clause(self):
        change, code, new = self.check('guard_clause')
        self.assertRegex(new, r'\n    if (not )?\w+( is None|, \w+\))?:|isinstance')

    def test_extract_constant(self):
        change, code, new = self.check('extract_constant')
        self.assertRegex(new.splitlines()[0], r'^[A-Z_]+ = ')

    def test_add_logging_uses_the_module_logger(self):
        change, code, new = self.check('add_logging')
        self.assertIn('logger.debug(', new)

    def test_invert_if_swaps_branches(self):
        change, code, new = self.check('invert_if')
        self.assertTrue('len(counts) <= 1000' in new or 'not url' in new)

    def test_loop_to_comprehension(self):
        change, code, new = self.check('loop_to_comprehension', must_mention=['comprehension'])
        self.assertIn('out = [v * 2 for v in values if v % 2 == 0]', new)

    def test_comprehension_to_loop(self):
        change, code, new = self.check('comprehension_to_loop', must_mention=['loop'])
        self.assertIn('squares.append(x * x)', new)

    def test_quotes(self):
        src = "def f(a):\n    if a == 'x':\n        return 'yes'\n    return \"no\" + 'maybe'\n"
        pf = PyFile(src)
        fn = pf.tree.body[0]
        change = py.quotes(random.Random(0), pf, fn, pf.tree)
        code, new = realize(src, change, py.PARSES)
        self.assertEqual(new, 'def f(a):\n    if a == "x":\n        return "yes"\n    return "no" + "maybe"\n')
        self.assertIn('double', change.instruction.lower())

    def test_indentation_reverse(self):
        change, code, new = self.check('indentation')
        self.assertIn('\t', code)
        self.assertNotIn('\t', new)

    def test_remove_unused_import_reverse(self):
        change, (code, new) = run('remove_unused_import')
        self.assertEqual(len(code.splitlines()), len(new.splitlines()) + 1)
        added = set(code.splitlines()) - set(new.splitlines())
        self.assertEqual(len(added), 1)
        self.assertIn(added.pop().split()[-1], change.instruction)


class SortImportsTest(unittest.TestCase):
    def test_shuffles_a_sorted_block(self):
        src = 'import json\nimport os\nimport sys\nfrom typing import Any\n\nx = os.sep\n'
        pf = PyFile(src)
        change = py.sort_imports(random.Random(1), pf)
        code, new = realize(src, change, py.PARSES)
        self.assertEqual(new, 'import json\nimport os\nimport sys\nfrom typing import Any\n')
        self.assertNotEqual(code, new)
        self.assertEqual(sorted(code.splitlines()), sorted(new.splitlines()))

    def test_unsorted_block_is_left_alone(self):
        self.assertIsNone(py.sort_imports(random.Random(1), PyFile(SRC)))


if __name__ == '__main__':
    unittest.main()
