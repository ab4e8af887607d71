"""The reference sampler's prompt lookup on the golden cases the TypeScript engine is tested against
(test/fixtures/prompt-lookup-cases.json; test/unit/sampler-promptLookup.test.ts)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from diffcoder.sampler import draft_agreement, lookup_draft  # noqa: E402

CASES = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "prompt-lookup-cases.json")


class PromptLookupTest(unittest.TestCase):
    def test_golden_cases_shared_with_the_engine(self):
        cases = json.load(open(CASES))
        self.assertGreater(len(cases["lookupDraft"]), 5)
        for c in cases["lookupDraft"]:
            with self.subTest(c["why"]):
                self.assertEqual(lookup_draft(c["prompt"], c["context"], c["want"]), c["draft"])
        for c in cases["draftAgreement"]:
            with self.subTest(c["why"]):
                self.assertEqual(draft_agreement(c["block"], c["first"], c["draft"], dict(map(tuple, c["choice"]))), c["commit"])


if __name__ == "__main__":
    unittest.main()
