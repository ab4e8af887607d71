"""The reference sampler's loop cut on the golden cases the TypeScript engine is tested against
(test/fixtures/repetition-cases.json; test/unit/sampler-repetition.test.ts)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from diffcoder.sampler import loop_cut  # noqa: E402

CASES = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "repetition-cases.json")


class LoopCutTest(unittest.TestCase):
    def test_golden_cases_shared_with_the_engine(self):
        cases = json.load(open(CASES))
        self.assertGreater(len(cases), 5)
        for c in cases:
            with self.subTest(c["name"]):
                self.assertEqual(loop_cut(c["tokens"]), c["keep"])

if __name__ == "__main__":
    unittest.main()
