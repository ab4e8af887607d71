"""The reference sampler's EOS run (with_eos_run), the rule of withEosRun in src/engine/sampler.ts
(test/unit/sampler.test.ts; the two samplers agree token for token: test/engine/parity.test.ts)."""
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from diffcoder.sampler import with_eos_run  # noqa: E402

EOS = 1


class EosRunTest(unittest.TestCase):
    def test_the_eos_choices_just_before_a_chosen_eos_join_it(self):
        x0 = torch.tensor([12, EOS, EOS, EOS])
        self.assertEqual(with_eos_run([0, 1, 2, 3], x0, {3}, EOS), [1, 2, 3])

    def test_what_follows_a_chosen_eos_becomes_eos(self):
        x0 = torch.tensor([12, EOS, 14, 15])
        self.assertEqual(with_eos_run([0, 1, 2, 3], x0, {1}, EOS), [1, 2, 3])
        self.assertEqual(x0.tolist(), [12, EOS, EOS, EOS])

    def test_a_committed_position_or_other_choice_ends_the_run(self):
        x0 = torch.tensor([EOS, 13, EOS, EOS])
        self.assertEqual(with_eos_run([0, 2, 3], x0, {3}, EOS), [2, 3], "position 1 is committed: 0 stays masked")
        self.assertEqual(with_eos_run([0, 1, 2, 3], torch.tensor([EOS, 13, EOS, EOS]), {1, 3}, EOS), [1, 2, 3])

    def test_without_a_chosen_eos_nothing_changes(self):
        x0 = torch.tensor([12, EOS, 14, 15])
        self.assertEqual(with_eos_run([0, 1, 2, 3], x0, {0, 2}, EOS), [0, 2])
        self.assertEqual(x0.tolist(), [12, EOS, 14, 15])


if __name__ == "__main__":
    unittest.main()
