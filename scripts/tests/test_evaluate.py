"""Held-out evaluation and the model card, on a tiny random model (what they compute, not how well)."""
import json
import os
import sys
import tempfile
import unittest

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import evaluate  # noqa: E402
import model_card  # noqa: E402
import train  # noqa: E402
from diffcoder.model import Config, LlamaForDiffusion  # noqa: E402

TOKENIZER = os.path.join(os.path.dirname(__file__), "..", "..", "media", "models", "diffcoder-small", "tokenizer.json")


class EvaluateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        torch.manual_seed(0)
        model = LlamaForDiffusion(Config(vocab_size=16384, **train.PRESETS["tiny"]))
        cls.ckpt = os.path.join(cls.tmp, "ckpt")
        train.export(model, model.config, cls.ckpt, TOKENIZER, {"stages": []})
        cls.tasks = os.path.join(cls.tmp, "infill-single.ids.jsonl")
        with open(cls.tasks, "w") as f:
            for i in range(3):
                f.write(json.dumps({"task_id": f"t{i}", "lang": "python", "prompt": [0, 5, 300 + i, 301, 4, 302, 303, 6],
                                    "target": [400 + i, 401]}) + "\n")

    def run_eval(self, *extra):
        out = os.path.join(self.tmp, "out.jsonl")
        res = evaluate.main(["--ckpt", self.ckpt, "--tasks", self.tasks, "--tokenizer", TOKENIZER, "--device", "cpu",
                             "--max-new", "8", "--out", out, *extra])
        return res, [json.loads(x) for x in open(out)]

    def test_each_decoding_reports_exact_match_and_tokens_per_pass(self):
        for extra in (["--decode", "threshold"], ["--decode", "fixed"], ["--mode", "ar"]):
            res, lines = self.run_eval(*extra)
            r = res[0]
            self.assertEqual(r["n"], 3)
            self.assertTrue(0 <= r["exact_match"] <= 100)
            self.assertEqual(set(r["by_lang"]), {"python"})
            self.assertEqual(lines[-1]["exact_match"], r["exact_match"], "the summary line is appended to --out")
        self.assertEqual(self.run_eval("--decode", "fixed")[0][0]["tokens_per_forward"] <= 1.0, True,
                         "one token per pass at most in the fixed schedule with steps = block size")

    def test_a_time_budget_stops_a_set_and_reports_the_tasks_done(self):
        res, _ = self.run_eval("--decode", "fixed", "--seconds", "0")
        self.assertEqual((res[0]["n"], res[0]["exact_match"]), (0, 0.0))

    def test_normalize_ignores_trailing_whitespace_only(self):
        self.assertEqual(evaluate.normalize("a  \nb\t\n\n"), "a\nb")
        self.assertNotEqual(evaluate.normalize(" a"), evaluate.normalize("a"))


class ModelCardTest(unittest.TestCase):
    def test_card_carries_the_numbers(self):
        m = {"name": "diffcoder-small", "version": "0.1.0", "description": "d", "blockSize": 4,
             "architecture": {"hiddenSize": 256, "numLayers": 8, "numHeads": 4, "numKvHeads": 2, "headDim": 64,
                              "intermediateSize": 768, "ropeTheta": 10000, "vocabSize": 16384},
             "weights": {"dtype": "int8"}, "files": {"model.onnx": {"bytes": 15 << 20, "sha256": "x"}},
             "provenance": {"stages": [{"stage": "ar", "steps": 10, "tokens": 2e6, "seconds": 600, "final_val_loss": 4.2, "device": "cpu"}]},
             "evaluation": {"threshold": 0.9, "heldout": {"infill-single": {
                 "threshold": {"n": 300, "exact_match": 20.0, "tokens_per_pass": 2.5, "edit_similarity": 0.5},
                 "fixed": {"n": 300, "exact_match": 21.0}}}}}
        card = model_card.render_card(m)
        self.assertIn("| ar | 10 | 2.0M | 10 min | 4.2 | cpu |", card)
        self.assertIn("| infill-single | 300 | 20.0 | 21.0 | -1.0 | 2.5 | 0.5 |", card)
        self.assertIn("package 15.0 MB", card)
        self.assertNotIn("windows", card)
        m["architecture"].update(maxPositions=4096, trainedPositions=1024)
        self.assertIn("untied head; trained on 1024-token windows (architecture.trainedPositions; the graph runs 4096 positions)",
                      model_card.render_card(m))

    def test_card_shows_what_prompt_lookup_adds_and_which_sets_meet_the_parallel_target(self):
        def run(em, tokens, passes):
            return {"n": 10, "exact_match": em, "tokens_per_pass": round(tokens / passes, 3), "tokens": tokens,
                    "passes": passes, "edit_similarity": 0.5}
        held = {"infill-single": {"threshold": run(6.0, 30, 40), "fixed": run(6.0, 30, 45), "no_lookup": run(6.0, 30, 42)},
                "edit": {"threshold": run(12.0, 300, 120), "fixed": run(13.0, 300, 330), "no_lookup": run(12.0, 300, 150)}}
        sweep = {"0.9": {n: {**r["threshold"], "loss": r["fixed"]["exact_match"] - r["threshold"]["exact_match"]}
                         for n, r in held.items()}}
        m = {"name": "m", "version": "1", "blockSize": 4, "weights": {"dtype": "int8"}, "files": {},
             "architecture": {"hiddenSize": 256, "numLayers": 8, "numHeads": 4, "numKvHeads": 2, "headDim": 64,
                              "intermediateSize": 768, "ropeTheta": 10000, "vocabSize": 16384},
             "evaluation": {"threshold": 0.9, "heldout": held, "threshold_sweep": sweep, "meets_rule": True, "max_loss": 2.0,
                            "tokens_per_pass_ceiling": {"infill-single": 2.38, "edit": 3.87}}}
        card = model_card.render_card(m)
        self.assertIn("| edit | 10 | 12.0 | 13.0 | -1.0 | 2.5 | 0.5 | 12.0 / 2.0 |", card)
        self.assertIn("on every set): not met; at the chosen thresholds the sets decode 0.75, 2.5 tokens per pass "
                      "(infill-single / edit); met by edit. Pooled over the split (tokens / decoding passes of all 20 "
                      "tasks): 2.06. The most any model could decode on these tasks (one pass per block the answer and "
                      "its EOS touch): 2.38 / 3.87.", card)

    def test_drafts_default_is_the_fastest_setting_only_when_it_saves_enough_time(self):
        def sets(seconds):
            return {"infill-single": {str(n): {"seconds": s / 2} for n, s in zip(model_card.DRAFT_SETTINGS, seconds)},
                    "edit": {str(n): {"seconds": s / 2} for n, s in zip(model_card.DRAFT_SETTINGS, seconds)}}
        self.assertEqual(model_card.choose_drafts(sets([100, 80, 85, 90])), 1)
        self.assertEqual(model_card.choose_drafts(sets([100, 99, 97, 120])), 0, "3 % faster is not enough")
        self.assertEqual(model_card.choose_drafts(sets([100, 110, 120, 130])), 0)
        rep = {"edit": {str(n): {"n": 10, "exact_match": 12.0, "edit_similarity": 0.5, "tokens_per_pass": tpp,
                                 "tokens": 260, "passes": round(260 / tpp), "seconds": 9.0, "same_answers": same}
                        for n, tpp, same in ((0, 2.0, 10), (1, 2.6, 9))}}
        lines = model_card.drafts_section({"drafts": {"value": 1, "reported": rep, "rule": "fastest"}}, {"edit": {}})
        self.assertIn("| edit | 1 | 12.0 | 0.5000 | 2.6 | 9.0 | 9 of 10 |", lines)
        self.assertIn("Default: 1 (fastest). With it the sets decode 2.6 tokens per pass (edit).", lines)
        self.assertIn("Pooled over the split (tokens / decoding passes of every set): 2.00 with 0, 2.60 with 1.", lines)
        self.assertEqual(model_card.drafts_section({}, {"edit": {}}), [])

    def test_editor_lines_counts_the_leading_right_lines_of_a_suggestion(self):
        self.assertEqual(model_card.editor_lines("", "x = 1"), (0, 0))
        self.assertEqual(model_card.editor_lines("x = 1  \n", "x = 1"), (1, 1))
        self.assertEqual(model_card.editor_lines("a\nb\nc", "a\nB\nc"), (3, 1), "after the first wrong line nothing counts")
        self.assertEqual(model_card.editor_lines("foo(", "foo(a)"), (1, 0))

    def test_the_line_floor_is_the_highest_that_keeps_most_right_lines_on_the_dev_tasks(self):
        seen = []

        def fake(package, eval_dir, limit, block, threshold, tmp, floor=None):
            seen.append((eval_dir, floor))
            right = {0.0: 100, 0.1: 99, 0.2: 91, 0.3: 85}[floor]
            return {"infill-single": {"lines_shown": 300, "right_lines": right // 2},
                    "infill-multi": {"lines_shown": 500, "right_lines": right - right // 2},
                    model_card.EMPTY_SET: {"lines_shown": 40, "right_lines": 0, "shown": 10.0}}
        real = model_card.as_the_editor_shows
        model_card.as_the_editor_shows = fake
        try:
            got = model_card.choose_line_floor("pkg", "EVAL/dev", 300, 4, 0.7, [0.1, 0.2, 0.3], "tmp")
        finally:
            model_card.as_the_editor_shows = real
        self.assertEqual(got["value"], 0.2, "0.2 keeps 91 % of the right lines, 0.3 only 85 %")
        self.assertEqual({d for d, _ in seen}, {"EVAL/dev"}, "chosen on the development tasks only")
        self.assertEqual(sorted(f for _, f in seen), [0.0, 0.1, 0.2, 0.3])

    def test_unsure_edit_lines_counts_new_lines_marked_and_how_often_they_are_right(self):
        tmp = tempfile.mkdtemp()
        with open(os.path.join(tmp, "edit.jsonl"), "w") as f:
            f.write(json.dumps({"task_id": "e1", "code": "def f(x):\n    return x\n", "instruction": "double it",
                                "new_code": "def f(x):\n    y = 2 * x\n    return y\n"}) + "\n")
        answer = {"task_id": "e1", "completion": "def f(x):\n    y = 2 * x\n    z = 3\n    return y\n",
                  "line_confidence": [0.9, 0.05, 0.04, 0.8, 1.0]}
        real = model_card.run_eval
        model_card.run_eval = lambda *a, **k: ([answer], {"tokens": 1, "passes": 1, "seconds": 0})
        try:
            got = model_card.unsure_edit_lines("pkg", tmp, 10, 4, 0.9, 0.1, tmp)
        finally:
            model_card.run_eval = real
        # new lines: "    y = 2 * x" (right, marked), "    z = 3" (wrong, marked), "    return y" (right, not marked)
        self.assertEqual((got["new_lines"], got["marked"], got["right_marked"], got["right_unmarked"]), (3, 2, 50.0, 100.0))

    def test_other_files_effect_compares_with_and_without_the_recent_files_and_goes_on_the_card(self):
        tmp = tempfile.mkdtemp()
        tasks = [{"task_id": "a", "kind": "name_from_other_file", "name": "parcel_weight", "prefix": "w = ", "suffix": "\n",
                  "middle": "parcel_weight(items)", "others": []},
                 {"task_id": "b", "kind": "any_name", "name": "total", "prefix": "x = ", "suffix": "\n", "middle": "total + 1",
                  "others": []}]
        with open(os.path.join(tmp, "crossfile.jsonl"), "w") as f:
            f.writelines(json.dumps(t) + "\n" for t in tasks)
        calls = []

        def fake(package, path, kind, single, mode, block, extra):
            calls.append(extra)
            without = "--other-files-tokens" in extra
            answers = {"a": "parcel(" if without else "parcel_weight(items)", "b": "total + 1"}
            return [{"task_id": k, "completion": v} for k, v in answers.items()], {"tokens": 1, "passes": 1, "seconds": 0}
        real = model_card.run_eval
        model_card.run_eval = fake
        try:
            got = model_card.other_files_effect("pkg", tmp, 4, 0.7)
        finally:
            model_card.run_eval = real
        self.assertTrue(all("--as-editor" in e and "never" in e for e in calls))
        self.assertEqual(got["name_from_other_file"]["with"], {"exact_match": 100.0, "edit_similarity": 1.0, "names": 1})
        self.assertEqual(got["name_from_other_file"]["without"]["names"], 0)
        self.assertEqual(got["any_name"]["without"]["exact_match"], 100.0)
        self.assertIsNone(model_card.other_files_effect("pkg", tempfile.mkdtemp(), 4, 0.7), "no tasks: no section")
        m = {"name": "m", "version": "1", "blockSize": 4, "weights": {"dtype": "int8"}, "files": {},
             "architecture": {"hiddenSize": 256, "numLayers": 8, "numHeads": 4, "numKvHeads": 2, "headDim": 64,
                              "intermediateSize": 768, "ropeTheta": 10000, "vocabSize": 16384},
             "evaluation": {"threshold": 0.9, "other_files": got}}
        card = model_card.render_card(m)
        self.assertIn("| at a name found only in a neighbouring file | 1 | 100.0 / 0.0 |", card)

    def test_card_shows_what_the_line_floor_hides(self):
        def view(shown, lines, right, em):
            return {"n": 300, "shown": shown, "lines_shown": lines, "right_lines": right, "exact_match": em}
        m = {"name": "m", "version": "1", "blockSize": 4, "weights": {"dtype": "int8"}, "files": {},
             "architecture": {"hiddenSize": 256, "numLayers": 8, "numHeads": 4, "numKvHeads": 2, "headDim": 64,
                              "intermediateSize": 768, "ropeTheta": 10000, "vocabSize": 16384},
             "evaluation": {"threshold": 0.9,
                            "as_the_editor_shows": {"infill-single": view(44.0, 166, 23, 6.0), "infill-empty": view(12.3, 50, 0, 0.0)},
                            "as_the_editor_shows_every_line": {"infill-single": view(72.7, 324, 23, 6.0), "infill-empty": view(21.3, 90, 0, 0.0)},
                            "line_floor": {"value": 0.15, "rule": "R", "sweep": {"0.0": {"infill-single": view(70.0, 300, 20, 5.0)}}}}}
        card = model_card.render_card(m)
        self.assertIn("under 0.15 (diffcoder.json decoding.minLineConfidence, chosen by rule: R)", card)
        self.assertIn("| infill-single | 72.7 % / 44.0 % | 324 / 166 | 23 / 23 | 6.0 / 6.0 |", card)
        self.assertIn("| infill-empty | 21.3 % / 12.3 % | 90 / 50 | 0 / 0 | – |", card)
        self.assertIn("floor 0: 20 of 300.", card)

    def test_the_parallel_ceiling_counts_the_blocks_an_answer_and_its_eos_touch(self):
        path = os.path.join(tempfile.mkdtemp(), "t.ids.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"prompt": [0] * 8, "target": [1, 2, 3]}) + "\n")  # 3 + EOS in one block
            f.write(json.dumps({"prompt": [0] * 7, "target": [1, 2, 3]}) + "\n")  # the prompt's tail: 2 blocks
        self.assertEqual(model_card.tokens_per_pass_ceiling(path, 4, 10), 2.0)
        self.assertEqual(model_card.tokens_per_pass_ceiling(path, 4, 1), 3.0)
        self.assertIsNone(model_card.tokens_per_pass_ceiling(path + ".absent", 4, 10))

    def test_a_replaced_model_is_summarised_under_history_and_on_the_card(self):
        old = {"provenance": {"hardware": "x86_64 CPU, 2 cores", "stages": [
                   {"stage": "ar", "steps": 10, "tokens": 8e6, "seconds": 600, "device": "cpu"}]},
               "evaluation": {"threshold": 0.5, "heldout": {"edit": {
                   "threshold": {"n": 40, "exact_match": 0.0, "tokens_per_pass": 1.3}, "fixed": {"exact_match": 0.0}}}},
               "history": [{"tokens": 1e6, "stages": [], "heldout": {}}]}
        h = model_card.previous_versions(old)
        self.assertEqual(len(h), 2, "the replaced model's own history is kept behind it")
        self.assertEqual(h[0]["heldout"]["edit"], {"exact_match": 0.0, "exact_match_one_per_pass": 0.0,
                                                   "tokens_per_pass": 1.3, "n": 40})
        m = {"name": "m", "version": "1", "blockSize": 4, "weights": {"dtype": "int8"}, "files": {},
             "architecture": {"hiddenSize": 256, "numLayers": 8, "numHeads": 4, "numKvHeads": 2, "headDim": 64,
                              "intermediateSize": 768, "ropeTheta": 10000, "vocabSize": 16384}, "history": h}
        card = model_card.render_card(m)
        self.assertIn("## Earlier versions", card)
        self.assertIn("8M training tokens (ar 8.0M tokens, 10 min, cpu); x86_64 CPU, 2 cores; threshold 0.5: "
                      "edit 0.0 % EM (1.3 tokens/pass, n=40).", card)

    def test_how_often_the_model_stays_silent_where_nothing_belongs_is_on_the_card_and_in_history(self):
        m = {"name": "m", "version": "1", "blockSize": 4, "weights": {"dtype": "int8"}, "files": {},
             "architecture": {"hiddenSize": 256, "numLayers": 8, "numHeads": 4, "numKvHeads": 2, "headDim": 64,
                              "intermediateSize": 768, "ropeTheta": 10000, "vocabSize": 16384},
             "evaluation": {"threshold": 0.9, "heldout": {"edit": {"threshold": {"n": 4, "exact_match": 25.0}}},
                            "where_nothing_belongs": {"n": 300, "answered_nothing": 61.3, "threshold": 0.9}}}
        card = model_card.render_card(m)
        self.assertIn("Where nothing belongs (infill-empty, n=300: ", card)
        self.assertIn("the model answers nothing 61.3 % of the time (threshold 0.9, multi-line)", card)
        h = model_card.previous_versions({**m, "provenance": {"stages": []}})
        self.assertEqual(h[0]["answered_nothing"], 61.3)
        self.assertIn("answered nothing where nothing belongs 61.3 %", model_card.render_card({**m, "history": h}))
        self.assertIsNone(model_card.answers_nothing("pkg", tempfile.mkdtemp(), 10, 4, 0.9, tempfile.mkdtemp()),
                          "older task folders have no infill-empty set")

    def test_what_the_editor_shows_is_on_the_card_and_in_history(self):
        m = {"name": "m", "version": "1", "blockSize": 4, "weights": {"dtype": "int8"}, "files": {},
             "architecture": {"hiddenSize": 256, "numLayers": 8, "numHeads": 4, "numKvHeads": 2, "headDim": 64,
                              "intermediateSize": 768, "ropeTheta": 10000, "vocabSize": 16384},
             "evaluation": {"threshold": 0.9, "heldout": {"edit": {"threshold": {"n": 4, "exact_match": 25.0}}},
                            "as_the_editor_shows": {"infill-single": {"n": 300, "exact_match": 6.0, "shown": 72.7},
                                                    "infill-empty": {"n": 300, "exact_match": 0.0, "shown": 21.0}}}}
        card = model_card.render_card(m)
        self.assertIn("As the editor shows it (`diffcoder eval --as-editor`", card)
        self.assertIn("infill-single EM 6.0 % (a suggestion at 72.7 % of cursors); where nothing belongs a suggestion "
                      "at 21.0 % of cursors.", card)
        h = model_card.previous_versions({**m, "provenance": {"stages": []}})
        self.assertEqual(h[0]["editor_shows_where_nothing_belongs"], 21.0)
        self.assertIn("the editor showed a suggestion where nothing belongs at 21.0 % of cursors",
                      model_card.render_card({**m, "history": h}))
        self.assertEqual(model_card.as_the_editor_shows("pkg", tempfile.mkdtemp(), 10, 4, 0.9, tempfile.mkdtemp()), {},
                         "no infill sets, nothing measured")

    def test_threshold_choice_is_the_most_parallel_within_the_loss_bar(self):
        def r(em_loss, tpp):
            return {"exact_match": 20 - em_loss, "tokens_per_pass": tpp, "loss": em_loss}
        sweep = {0.9: {"a": r(0.0, 1.5), "b": r(0.5, 1.4)},
                 0.7: {"a": r(1.0, 2.4), "b": r(1.9, 2.2)},
                 0.5: {"a": r(0.5, 3.1), "b": r(2.0, 2.9)}}  # 2.0 points on b is not under 2
        self.assertEqual(model_card.choose_threshold(sweep, 2.0), (0.7, True))
        self.assertEqual(model_card.choose_threshold(sweep, 2.5), (0.5, True))
        self.assertEqual(model_card.choose_threshold(sweep, 0.4), (0.9, False), "none passes: the smallest worst loss")
        sweep[0.5]["b"]["loss"] = 1.0
        sweep[0.5]["a"]["sim_loss"] = 1.2  # exact match holds, but the answers drift: edit similarity guards it
        self.assertEqual(model_card.choose_threshold(sweep, 2.5), (0.7, True))

    def test_thresholds_are_chosen_on_the_dev_tasks_and_the_reported_ones_only_judged(self):
        def r(loss, tpp):
            return {"exact_match": 10 - loss, "tokens_per_pass": tpp, "loss": loss}
        reported = {0.9: {"infill-single": r(0.0, 0.8), "edit": r(0.0, 2.3)},
                    0.5: {"infill-single": r(0.3, 0.9), "edit": r(2.5, 2.6)}}
        dev = {0.9: {"infill-single": r(0.0, 0.8), "edit": r(0.0, 2.2)},
               0.5: {"infill-single": r(1.0, 0.9), "edit": r(1.0, 2.7)}}
        self.assertEqual(model_card.choose_thresholds(reported, None, 2.0), ({"infill": 0.5, "edit": 0.9}, True),
                         "without dev tasks the reported ones choose")
        self.assertEqual(model_card.choose_thresholds(reported, dev, 2.0), ({"infill": 0.5, "edit": 0.5}, False),
                         "the dev tasks choose 0.5 for edits; on the reported ones it loses 2.5 points")
        runs = {"edit": {"fixed": {"exact_match": 10.0, "edit_similarity": 0.8},
                         0.9: {"exact_match": 9.0, "edit_similarity": 0.79, "tokens_per_pass": 2.0}}}
        self.assertEqual(model_card.sweep_of(runs, [0.9])[0.9]["edit"]["loss"], 1.0)
        self.assertEqual(model_card.sweep_of(runs, [0.9])[0.9]["edit"]["sim_loss"], 1.0)

    def test_card_shows_the_dev_sweep_the_thresholds_were_chosen_on(self):
        def r(em, tpp):
            return {"n": 10, "exact_match": em, "tokens_per_pass": tpp, "loss": 0.0, "tokens": 10, "passes": 5}
        held = {"edit": {"threshold": r(12.0, 2.4), "fixed": r(12.0, 0.9)}}
        m = {"name": "m", "version": "1", "blockSize": 4, "weights": {"dtype": "int8"}, "files": {},
             "architecture": {"hiddenSize": 256, "numLayers": 8, "numHeads": 4, "numKvHeads": 2, "headDim": 64,
                              "intermediateSize": 768, "ropeTheta": 10000, "vocabSize": 16384},
             "evaluation": {"threshold": 0.9, "heldout": held, "threshold_sweep": {"0.9": {"edit": r(12.0, 2.4)}},
                            "threshold_sweep_dev": {"0.9": {"edit": {**r(7.7, 2.1), "loss": 2.4}}}, "threshold_rule": "R",
                            "meets_rule": False, "max_loss": 2.0}}
        card = model_card.render_card(m)
        self.assertIn("chosen by rule: R; the reported tasks do not hold it at every chosen threshold; on the development "
                      "tasks no threshold kept edits within it, so edits decode at the one that lost least, 0.9):", card)
        self.assertIn("The same sweep on the development tasks, where the thresholds were chosen:\n\n"
                      "| threshold | edit EM (Δ) / tokens per pass |\n|---|---|\n| 0.9 | 7.7 (-2.4) / 2.1 |", card)

    def test_infilling_and_edits_may_decode_at_different_thresholds(self):
        def r(em, tpp):
            return {"n": 10, "exact_match": em, "tokens_per_pass": tpp, "loss": 0.0, "tokens": 10, "passes": 5}
        sweep = {"0.9": {"infill-multi": r(0.0, 0.95), "edit": r(12.3, 2.38)},
                 "0.7": {"infill-multi": r(0.0, 1.13), "edit": r(10.7, 2.53)}}
        held = {"infill-multi": {"threshold": r(0.0, 1.13), "fixed": r(0.0, 0.64)},
                "edit": {"threshold": r(12.3, 2.38), "fixed": r(13.7, 0.92)}}
        m = {"name": "m", "version": "1", "blockSize": 4, "weights": {"dtype": "int8"}, "files": {},
             "architecture": {"hiddenSize": 256, "numLayers": 8, "numHeads": 4, "numKvHeads": 2, "headDim": 64,
                              "intermediateSize": 768, "ropeTheta": 10000, "vocabSize": 16384},
             "evaluation": {"threshold": 0.9, "infill_threshold": 0.7, "heldout": held, "threshold_sweep": sweep,
                            "meets_rule": True, "max_loss": 2.0}}
        card = model_card.render_card(m)
        self.assertIn("Threshold decoding at 0.7 for infilling and 0.9 for edits with prompt lookup", card)
        self.assertIn("at the chosen thresholds the sets decode 1.13, 2.38 tokens per pass (infill-multi / edit)", card)
        self.assertEqual(model_card.threshold_of(m["evaluation"], "infill-empty"), 0.7)
        h = model_card.previous_versions({**m, "provenance": {"stages": []}})
        self.assertEqual((h[0]["threshold"], h[0]["infill_threshold"]), (0.9, 0.7))
        self.assertIn("threshold 0.7 for infilling and 0.9 for edits:", model_card.render_card({**m, "history": h}))


if __name__ == "__main__":
    unittest.main()
