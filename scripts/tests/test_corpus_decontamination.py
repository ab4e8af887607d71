"""Benchmark decontamination rules, and that ordinary code is left alone."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from corpus.decontamination import check  # noqa: E402

HUMANEVAL_0 = '''from typing import List


def has_close_elements(numbers: List[float], threshold: float) -> bool:
    for idx, elem in enumerate(numbers):
        for idx2, elem2 in enumerate(numbers):
            if idx != idx2 and abs(elem - elem2) < threshold:
                return True
    return False
'''

GENERIC_WITH_EXAMPLES = '''def add(x: int, y: int):
    """Add two integers
    >>> add(2, 3)
    5
    """
    return x + y
'''

GENERIC_ORDINARY = '''class Set:
    def add(self, item):
        self.items.append(item)

    def median(self):
        s = sorted(self.items)
        return s[len(s) // 2]
'''


class HumanEvalTest(unittest.TestCase):
    def test_distinctive_entry_point_in_any_language(self):
        self.assertEqual(check(HUMANEVAL_0), 'decontam_humaneval_name')
        js = 'const hasCloseElements = (numbers, threshold) => {\n  return false;\n};\n'
        self.assertEqual(check(js), 'decontam_humaneval_name')
        go = 'package main\n\nfunc HasCloseElements(numbers []float64, threshold float64) bool {\n\treturn false\n}\n'
        self.assertEqual(check(go), 'decontam_humaneval_name')
        java = 'class Solution {\n    public boolean hasCloseElements(List<Double> numbers, double t) {\n' \
               '        return false;\n    }\n}\n'
        self.assertEqual(check(java), 'decontam_humaneval_name')
        rust = 'fn has_close_elements(numbers: Vec<f32>, threshold: f32) -> bool {\n    false\n}\n'
        self.assertEqual(check(rust), 'decontam_humaneval_name')

    def test_one_distinctive_name_in_a_big_file_is_ordinary_code(self):
        body = ''.join(f'def helper_{i}(x):\n    return x + {i}\n\n\n' for i in range(200))
        self.assertIsNone(check(body + 'def generate_integers(a, b):\n    return range(a, b)\n'))
        collection = body + HUMANEVAL_0 + 'def below_zero(ops):\n    return any(o < 0 for o in ops)\n'
        self.assertEqual(check(collection), 'decontam_humaneval_name')

    def test_generic_names_need_humaneval_examples(self):
        self.assertEqual(check(GENERIC_WITH_EXAMPLES), 'decontam_humaneval_name')
        self.assertIsNone(check(GENERIC_ORDINARY))
        self.assertIsNone(check('def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n'))
        # A doctest in a real library file (rsa's is_prime) is not enough when the file is not small.
        rsa_like = 'def is_prime(n):\n    """\n    >>> is_prime(7)\n    True\n    """\n    return n > 1\n\n' + \
            ''.join(f'def util_{i}(x):\n    return x * {i}\n\n' for i in range(10))
        self.assertIsNone(check(rsa_like))

    def test_docstring_phrase_and_harness(self):
        text = 'def f(s):\n    """You are given a rectangular grid of wells. Each row represents a single well"""\n'
        self.assertEqual(check(text), 'decontam_humaneval_phrase')
        self.assertEqual(check('def check(candidate):\n    assert candidate([1, 2]) == 3\n'),
                         'decontam_humaneval_harness')


class OtherBenchmarksTest(unittest.TestCase):
    def test_mbpp_phrasing(self):
        text = '"""\nWrite a function to find the shared elements from the given two lists.\n"""\n' \
               'def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n'
        self.assertEqual(check(text), 'decontam_mbpp')
        self.assertEqual(check('# Write a python function to count set bits\ndef f(n):\n    return 0\n'), 'decontam_mbpp')

    def test_contest_statement(self):
        text = '"""\nYou are given n integers.\n\n-----Input-----\n\nThe first line contains a single integer n ' \
               '(1 \u2264 n \u2264 10^5).\n\n-----Output-----\n\nPrint the answer.\n"""\nn = int(input())\n'
        self.assertEqual(check(text), 'decontam_contest_statement')
        # One marker alone is not enough (an ordinary CLI's help text).
        self.assertIsNone(check('"""Usage. Sample Input files are read from ./in"""\nimport sys\n'))

    def test_leetcode_and_dataset_rows(self):
        text = 'class Solution:\n    """\n    Example 1:\n    Input: nums = [2,7,11,15], target = 9\n    """\n' \
               '    def twoSum(self, nums, target):\n        pass\n'
        self.assertEqual(check(text), 'decontam_leetcode')
        self.assertEqual(check('rows = [{"task_id": "HumanEval/12", "prompt": "..."}]\n'), 'decontam_benchmark_data')

    def test_ordinary_code_is_kept(self):
        code = 'import sys\n\n\ndef main():\n    data = sys.stdin.read().split()\n    print(len(data))\n'
        self.assertIsNone(check(code))
        self.assertIsNone(check('// Write a function to the log when the buffer is full\nfunction flush() {}\n'.replace(
            'Write a function to the log', 'Write the log')))


if __name__ == '__main__':
    unittest.main()
