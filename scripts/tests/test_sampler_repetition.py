"""The reference sampler's loop cut on the golden cases the TypeScript engine is tested against
(test/fixtures/repetition-cases.json; test/unit/sampler-repetition.test.ts)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from diffcoder.sampler import loop_cut, trim_blocks  # noqa: E402

CASES = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "repetition-cases.json")


class LoopCutTest(unittest.TestCase):
    def test_golden_cases_shared_with_the_engine(self):
        cases = json.load(open(CASES))
        self.assertGreater(len(cases), 5)
        for c in cases:
            with self.subTest(c["name"]):
                self.assertEqual(loop_cut(c["tokens"]), c["keep"])

    def test_streamed_blocks_are_cut_with_the_answer(self):
        self.assertEqual(trim_blocks([[1, 2], [3, 4, 5, 6], [7, 8, 9, 10]], 3), [[1, 2], [3]])
        self.assertEqual(trim_blocks([[1, 2], [3, 4, 5, 6]], 6), [[1, 2], [3, 4, 5, 6]])


if __name__ == "__main__":
    unittest.main()
