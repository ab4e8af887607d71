"""scripts/data/long_edit_tasks.py --score: what counts as the other pieces intact and the edit right."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from data import long_edit_tasks  # noqa: E402


class LongEditScoreTest(unittest.TestCase):
    def test_pieces_are_found_line_for_line_and_runs_come_from_the_first_file(self):
        others = ["def a():\n    return 1", "def b():\n    return 2", "def d():\n    pass", "def e():\n    pass"]
        task = {"task_id": "t", "instruction": "add a docstring to `c`", "code": "", "pieces": {"others": others, "edited": "def c():\n    \"\"\"C.\"\"\"\n    return 3"},
                "new_code": "\n\n\n".join(others[:2] + ["def c():\n    \"\"\"C.\"\"\"\n    return 3"] + others[2:]) + "\n"}
        runs_answer = task["new_code"].replace("return 1", "return 1   ")  # trailing spaces do not count
        one_answer = task["new_code"].replace("return 2", "return 22")   # another piece changed
        with tempfile.TemporaryDirectory() as d:
            paths = [os.path.join(d, n) for n in ("tasks.jsonl", "runs.jsonl", "one.jsonl")]
            open(paths[0], "w").write(json.dumps(task) + "\n")
            open(paths[1], "w").write(json.dumps({"task_id": "t", "completion": runs_answer, "runs": 2}) + "\n")
            open(paths[2], "w").write(json.dumps({"task_id": "t", "completion": one_answer, "runs": 1}) + "\n")
            report = long_edit_tasks.score(paths[0], paths[1:])
        runs, one = report[paths[1]], report[paths[2]]
        self.assertEqual(runs["in runs, code named"], {"n": 1, "intact": 100.0, "right": 100.0, "similarity": 1.0})
        self.assertEqual(one["in runs"]["n"], 1, "the subset is the first file's runs, whatever the second did")
        self.assertEqual((one["in runs"]["intact"], one["in runs"]["right"]), (0.0, 100.0))
        self.assertLess(one["all"]["similarity"], 1.0)


if __name__ == "__main__":
    unittest.main()
