"""score.py: normalisation, exact match, edit similarity, grouping, missing completions."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from data.score import edit_similarity, normalize, score, summarize

TASKS = [
    {'task_id': 'a', 'lang': 'python', 'kind': 'rest_of_line', 'prefix': 'x = ', 'suffix': '\n', 'middle': 'foo(1)'},
    {'task_id': 'b', 'lang': 'go', 'kind': 'block', 'prefix': '', 'suffix': '', 'middle': 'a := 1\nb := 2\n'},
    {'task_id': 'c', 'lang': 'go', 'family': 'rename', 'code': 'x', 'instruction': 'i', 'new_code': 'y\n'},
]


class ScoreTest(unittest.TestCase):
    def test_normalize(self):
        self.assertEqual(normalize('a  \r\nb\t\n\n\n'), 'a\nb')
        self.assertEqual(normalize(''), '')

    def test_levenshtein(self):
        from data.score import levenshtein
        self.assertEqual(levenshtein('kitten', 'sitting'), 3)
        self.assertEqual(levenshtein('abcXdef', 'abcdef'), 1)  # common prefix and suffix trimmed
        self.assertEqual(levenshtein('aaa', 'aa'), 1)
        self.assertEqual(levenshtein('', 'abc'), 3)

    def test_similarity(self):
        self.assertEqual(edit_similarity('abc', 'abc'), 1.0)
        self.assertAlmostEqual(edit_similarity('abcd', 'abed'), 0.75)
        self.assertEqual(edit_similarity('', ''), 1.0)
        self.assertEqual(edit_similarity('', 'ab'), 0.0)

    def test_score_and_groups(self):
        rows = score(TASKS, [{'task_id': 'a', 'completion': 'foo(1)  \n'}, {'task_id': 'b', 'completion': 'a := 1\nb := 3'}])
        by = {r['task_id']: r for r in rows}
        self.assertTrue(by['a']['exact'])
        self.assertFalse(by['b']['exact'])
        self.assertGreater(by['b']['similarity'], 0.9)
        self.assertTrue(by['c']['missing'])
        s = summarize(rows)
        self.assertEqual(s['all']['all']['n'], 3)
        self.assertAlmostEqual(s['all']['all']['exact_match'], 1 / 3, places=3)
        self.assertEqual(s['lang']['go']['n'], 2)
        self.assertEqual(s['kind']['rename']['missing'], 1)

    def test_cli(self):
        with tempfile.TemporaryDirectory() as d:
            t, c = os.path.join(d, 't.jsonl'), os.path.join(d, 'c.jsonl')
            open(t, 'w').write(''.join(json.dumps(x) + '\n' for x in TASKS))
            open(c, 'w').write(json.dumps({'task_id': 'c', 'completion': 'y'}) + '\n')
            out = subprocess.run([sys.executable, '-m', 'data.score', t, c, '--json'], capture_output=True, text=True,
                                 cwd=os.path.join(os.path.dirname(__file__), '..'), check=True).stdout
            self.assertEqual(json.loads(out)['kind']['rename']['exact_match'], 1.0)


if __name__ == '__main__':
    unittest.main()
