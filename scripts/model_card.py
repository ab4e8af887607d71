"""Evaluates a model package through the product and records the numbers where users find them.

For each held-out set (single-line infill, multi-line infill, instruction edits) and each decoding mode
(one token per forward pass, threshold decoding at each of --thresholds with prompt lookup, and the chosen
threshold without prompt lookup, to show what lookup adds), runs `diffcoder eval` on the
package (the worker, the int8 ONNX graph, the TypeScript sampler: exactly what the editor runs) and scores
it with scripts/data/score.py. The package's default threshold becomes the most parallel one (most tokens
per pass) that loses less than --max-loss exact-match points against one token per pass on every set; if
none does, the most careful one. Then writes `evaluation` and `provenance` into the package's diffcoder.json
(diffcoder.json is not among its own checksummed files) and renders MODEL_CARD.md beside it, with the
PyTorch evaluations of every training stage from RUNS/eval.jsonl (scripts/evaluate.py).

    python3 scripts/model_card.py --package build/packages/diffcoder-small --runs runs --eval build/eval
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from data.score import normalize, read_jsonl, score, summarize  # noqa: E402

SETS = [("infill-single", "infill", True), ("infill-multi", "infill", False), ("edit", "edit", False)]
KIND_OF = {name: kind for name, kind, _ in SETS}  # each task kind gets its own default threshold
# Cursors where the file is complete as it is: nothing to decode, so not a speed set; what counts is how often
# the model answers nothing (multi-line mode, as the editor asks at the end of a line; whitespace counts as nothing).
EMPTY_SET = "infill-empty"


def run_eval(package: str, tasks: str, kind: str, single: bool, mode: str, block: int,
             extra: list) -> tuple[list, dict]:
    args = ["node", os.path.join(ROOT, "dist", "cli.js"), "eval", tasks, "--task", kind, "--model", package,
            "--mode", mode, "--providers", "cpu", *extra]
    if mode == "fixed":
        args += ["--steps", str(block)]  # one token per forward pass
    if single:
        args += ["--single-line"]
    t0 = time.time()
    p = subprocess.run(args, capture_output=True, text=True, check=True)
    done = re.search(r"done: (\d+) tasks, (\d+) tokens, (\d+) forward passes, (\d+) decoding passes", p.stderr)
    if not done:
        raise SystemExit(f"diffcoder eval printed no summary:\n{p.stderr[-2000:]}")
    tokens, passes = int(done.group(2)), int(done.group(4))
    completions = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    return completions, {"tokens": tokens, "passes": passes, "seconds": round(time.time() - t0, 1)}


def eval_result(tasks: list, completions: list, stats: dict) -> tuple[dict, dict]:
    """One `diffcoder eval` run scored: the numbers the card keeps, and the whole summary."""
    s = summarize(score(tasks, completions))
    overall = s["all"]["all"]
    return {
        "n": len(tasks),
        "exact_match": round(100 * overall["exact_match"], 2),
        "edit_similarity": overall["edit_similarity"],
        "tokens_per_pass": round(stats["tokens"] / max(1, stats["passes"]), 3),
        "tokens": stats["tokens"],
        "passes": stats["passes"],
        "seconds": stats["seconds"],
    }, s


def tokens_per_pass_ceiling(ids_path: str, block: int, limit: int) -> float | None:
    """The most tokens per decoding pass any model could reach on these tasks: one pass per block that the
    answer and its EOS touch (blocks are aligned to absolute positions, so the first may hold the prompt's
    tail). None without the pre-tokenized tasks (build/eval/<set>.ids.jsonl)."""
    if not os.path.exists(ids_path):
        return None
    tasks = read_jsonl(ids_path)[:limit]
    tokens = sum(len(t["target"]) for t in tasks)
    blocks = sum(-(-(len(t["prompt"]) % block + len(t["target"]) + 1) // block) for t in tasks)
    return round(tokens / max(1, blocks), 2)


def first_tasks(eval_dir: str, name: str, limit: int, tmp: str) -> tuple[list, str]:
    """The first `limit` tasks of a held-out set, and a copy of them in tmp for `diffcoder eval`."""
    tasks = read_jsonl(os.path.join(eval_dir, f"{name}.jsonl"))[:limit]
    path = os.path.join(tmp, f"{name}.jsonl")
    with open(path, "w") as f:
        f.writelines(json.dumps(t) + "\n" for t in tasks)
    return tasks, path


def answers_nothing(package: str, eval_dir: str, limit: int, block: int, threshold: float, tmp: str) -> dict | None:
    """How often the model suggests nothing where nothing belongs (EMPTY_SET); None without that set."""
    if not os.path.exists(os.path.join(eval_dir, f"{EMPTY_SET}.jsonl")):
        return None
    tasks, path = first_tasks(eval_dir, EMPTY_SET, limit, tmp)
    completions, _ = run_eval(package, path, "infill", False, "threshold", block,
                              ["--threshold", str(threshold), "--prompt-lookup", "on"])
    overall = summarize(score(tasks, completions))["all"]["all"]
    result = {"n": len(tasks), "answered_nothing": round(100 * overall["exact_match"], 1), "threshold": threshold}
    print(EMPTY_SET, json.dumps(result), flush=True)
    return result


EDITOR_SETS = ["infill-single", "infill-multi", EMPTY_SET]


def editor_lines(completion: str, reference: str) -> tuple[int, int]:
    """(lines shown, leading lines that are right) for one suggestion: right lines match the reference's lines
    in order after normalising trailing whitespace; everything after the first wrong line counts as wrong."""
    if not completion:
        return 0, 0
    shown, want = normalize(completion).split("\n"), normalize(reference).split("\n")
    right = 0
    while right < min(len(shown), len(want)) and shown[right] == want[right]:
        right += 1
    return len(shown), right


def as_the_editor_shows(package: str, eval_dir: str, limit: int, block: int, threshold: float, tmp: str,
                        floor: float | None = None, sets: list = EDITOR_SETS, extra: list = ()) -> dict:
    """The infill sets through the editor's completion core (`diffcoder eval --as-editor`): no request inside a
    word, one line or several decided by the line, prompt windows, the post-processing filters, and lines below
    `floor` not shown (None: the package's floor). Per set: exact match of what is shown, how often anything is
    shown (on EMPTY_SET, every suggestion is a needless one), lines shown and how many of them are right."""
    out = {}
    for name in sets:
        if not os.path.exists(os.path.join(eval_dir, f"{name}.jsonl")):
            continue
        tasks, path = first_tasks(eval_dir, name, limit, tmp)
        at_floor = [] if floor is None else ["--min-line-confidence", str(floor)]
        completions, _ = run_eval(package, path, "infill", False, "threshold", block,
                                  ["--threshold", str(threshold), "--prompt-lookup", "on", "--as-editor", *at_floor, *extra])
        overall = summarize(score(tasks, completions))["all"]["all"]
        shown = sum(1 for c in completions if c["completion"])
        by_id = {t["task_id"]: t for t in tasks}
        lines = [editor_lines(c["completion"], by_id[c["task_id"]].get("middle", "")) for c in completions]
        out[name] = {"n": len(tasks), "exact_match": round(100 * overall["exact_match"], 1),
                     "shown": round(100 * shown / max(1, len(tasks)), 1),
                     "lines_shown": sum(n for n, _ in lines), "right_lines": sum(r for _, r in lines)}
        print("as the editor shows it:", name, f"floor {floor}", *extra, json.dumps(out[name]), flush=True)
    return out


HEALING_SETS = ["infill-single", EMPTY_SET]  # the sets with cursors at the end of a word being typed


def healing_effect(package: str, eval_dir: str, limit: int, block: int, threshold: float, tmp: str, floor: float,
                   shown: dict) -> dict:
    """Prefix healing (src/engine/prefixHealing.ts) on and off: the editor's view of HEALING_SETS at the line floor
    (`shown`: already measured with it on), and the raw single-line answers (`diffcoder eval --single-line`): exact
    match, edit similarity, empty answers, tokens per pass; and how many single-line cursors end a word."""
    off = as_the_editor_shows(package, eval_dir, limit, block, threshold, tmp, floor, HEALING_SETS, ["--heal-prefix", "off"])
    out = {"editor": {name: {"on": shown[name], "off": off[name]} for name in off if name in shown}, "single_line": {}}
    tasks, path = first_tasks(eval_dir, "infill-single", limit, tmp)
    out["word_end"] = sum(1 for t in tasks if re.search(r"\w\Z", t["prefix"]))
    for setting in ("on", "off"):
        completions, stats = run_eval(package, path, "infill", True, "threshold", block,
                                      ["--threshold", str(threshold), "--prompt-lookup", "on", "--heal-prefix", setting])
        result, _ = eval_result(tasks, completions, stats)
        out["single_line"][setting] = {**result, "empty": sum(1 for c in completions if not c["completion"])}
    print("prefix healing:", json.dumps(out), flush=True)
    return out


def unsure_edit_lines(package: str, eval_dir: str, limit: int, block: int, threshold: float, floor: float, tmp: str) -> dict:
    """What the edit proposal's unsure marks (lines below the floor) say on the reported edits: of the answers' new
    lines (code lines not in the original), how many are marked, and how often marked and unmarked ones are right
    (lines of the reference, in order: difflib's matching blocks)."""
    tasks, path = first_tasks(eval_dir, "edit", limit, tmp)
    completions, _ = run_eval(package, path, "edit", False, "threshold", block, ["--threshold", str(threshold), "--prompt-lookup", "on"])
    by_id = {t["task_id"]: t for t in tasks}
    marked, unmarked = [], []
    for c in completions:
        t = by_id[c["task_id"]]
        ans, ref, orig = c["completion"].split("\n"), t["new_code"].split("\n"), set(t["code"].split("\n"))
        right = [False] * len(ans)
        for a, _, n in difflib.SequenceMatcher(a=ans, b=ref, autojunk=False).get_matching_blocks():
            for k in range(n):
                right[a + k] = True
        for i, (line, conf) in enumerate(zip(ans, c.get("line_confidence") or [])):
            if line.strip() and line not in orig:
                (marked if conf < floor else unmarked).append(right[i])
    out = {"n": len(tasks), "floor": floor, "new_lines": len(marked) + len(unmarked), "marked": len(marked),
           "right_marked": round(100 * sum(marked) / max(1, len(marked)), 1),
           "right_unmarked": round(100 * sum(unmarked) / max(1, len(unmarked)), 1)}
    print("edit lines marked unsure:", json.dumps(out), flush=True)
    return out


CROSSFILE_SET = "crossfile"  # scripts/data/crossfile_tasks.py: completions at a name, with the files worked in lately


def other_files_effect(package: str, eval_dir: str, block: int, threshold: float) -> dict | None:
    """What the files worked in lately add to a completion (the editor's context from other files,
    src/completion/otherFiles.ts), on EVAL/crossfile.jsonl: one line from the cursor at a name, as the editor
    shows it, with the tasks' neighbouring files and with --other-files-tokens 0. Per kind: exact match, edit
    similarity and how often the suggestion starts with the name. None without the tasks."""
    path = os.path.join(eval_dir, f"{CROSSFILE_SET}.jsonl")
    if not os.path.exists(path):
        return None
    tasks = read_jsonl(path)
    by_id = {t["task_id"]: t for t in tasks}
    out = {}
    for label, extra in (("with", []), ("without", ["--other-files-tokens", "0"])):
        completions, _ = run_eval(package, path, "infill", False, "threshold", block,
                                  ["--threshold", str(threshold), "--prompt-lookup", "on", "--as-editor", "--multiline", "never", *extra])
        kinds = summarize(score(tasks, completions))["kind"]
        for kind, r in kinds.items():
            names = sum(1 for c in completions if by_id[c["task_id"]]["kind"] == kind and c["completion"].startswith(by_id[c["task_id"]]["name"]))
            out.setdefault(kind, {"n": r["n"]})[label] = {"exact_match": round(100 * r["exact_match"], 1),
                                                         "edit_similarity": r["edit_similarity"], "names": names}
    print("other files:", json.dumps(out), flush=True)
    return out


MIN_RIGHT_LINES_KEPT = 0.9  # share of the right lines (infilling sets together) a line floor must keep


def choose_line_floor(package: str, dev_dir: str, limit: int, block: int, threshold: float, floors: list, tmp: str) -> dict:
    """The package's decoding.minLineConfidence, chosen on the development tasks (EVAL/dev, scripts/data/tokenize.ts),
    not on the reported ones: the highest floor whose suggestions keep at least MIN_RIGHT_LINES_KEPT of the right
    lines that showing every line gives, on the infilling sets together."""
    sweep = {f: as_the_editor_shows(package, dev_dir, limit, block, threshold, tmp, f) for f in sorted({0.0, *floors})}

    def right(f):
        return sum(r["right_lines"] for n, r in sweep[f].items() if n != EMPTY_SET)
    ok = [f for f in sweep if right(f) >= MIN_RIGHT_LINES_KEPT * right(0.0)]
    return {"value": max(ok), "sweep": {str(f): v for f, v in sweep.items()},
            "rule": f"the highest floor that keeps at least {100 * MIN_RIGHT_LINES_KEPT:g} % of the right lines shown "
                    "without a floor (infill-single and infill-multi together), on development tasks disjoint from "
                    "the reported ones"}


MAX_SIM_LOSS = 1.0  # edit-similarity points a threshold may lose (guards sets where exact match is ~0)


def within_rule(sets: dict, max_loss: float) -> bool:
    """{set: {"loss"[, "sim_loss"]}} at one threshold: EM loss under max_loss and edit-similarity loss under
    MAX_SIM_LOSS on every set, against one token per pass."""
    return all(r["loss"] < max_loss and r.get("sim_loss", 0) < MAX_SIM_LOSS for r in sets.values())


def choose_threshold(sweep: dict, max_loss: float) -> tuple[float, bool]:
    """sweep: {threshold: {set: {"exact_match", "tokens_per_pass", "loss"[, "sim_loss"]}}} -> (threshold, meets).

    The most tokens per pass (mean over sets) among thresholds within_rule; otherwise the threshold with the
    smallest worst-set EM loss."""
    def mean_tpp(t):
        return sum(r["tokens_per_pass"] for r in sweep[t].values()) / len(sweep[t])

    def worst(t):
        return max(r["loss"] for r in sweep[t].values())
    good = [t for t in sweep if within_rule(sweep[t], max_loss)]
    if good:
        return max(good, key=mean_tpp), True
    return min(sweep, key=lambda t: (worst(t), -t)), False


def of_kind(sweep: dict, kind: str) -> dict:
    """The sweep restricted to the sets of one task kind (infilling or edits)."""
    return {t: {n: r for n, r in v.items() if KIND_OF[n] == kind} for t, v in sweep.items()}


def sweep_of(runs: dict, thresholds: list) -> dict:
    """{set: {"fixed" | threshold: result}} -> {threshold: {set: result with its losses against "fixed"}}."""
    return {t: {name: {**r[t], "loss": round(r["fixed"]["exact_match"] - r[t]["exact_match"], 2),
                       "sim_loss": round(100 * (r["fixed"]["edit_similarity"] - r[t]["edit_similarity"]), 2)}
                for name, r in runs.items()} for t in thresholds}


def choose_thresholds(reported: dict, dev: dict | None, max_loss: float) -> tuple[dict, bool]:
    """One threshold per task kind, chosen on the development sweep (the reported one when there is none), and
    whether the reported tasks hold the rule at the chosen thresholds too."""
    basis = dev or reported
    chosen = {kind: choose_threshold(of_kind(basis, kind), max_loss)[0] for kind in ("infill", "edit")}
    return chosen, all(within_rule(of_kind(reported, kind)[chosen[kind]], max_loss) for kind in chosen)


def editor_view(package: str, eval_dir: str, limit: int, block: int, threshold: float, floors: list, tmp: str,
                edit_threshold: float) -> dict:
    """The editor's view of the reported tasks at the line floor chosen on the development tasks (and without a
    floor, to show what it hides); without development tasks or floors to try, every line is shown."""
    view = {}
    floor = 0.0
    if floors and os.path.exists(os.path.join(eval_dir, "dev", "infill-single.jsonl")):
        view["line_floor"] = choose_line_floor(package, os.path.join(eval_dir, "dev"), limit, block, threshold, floors, tmp)
        floor = view["line_floor"]["value"]
        view["as_the_editor_shows_every_line"] = as_the_editor_shows(package, eval_dir, limit, block, threshold, tmp, 0.0)
    view["as_the_editor_shows"] = as_the_editor_shows(package, eval_dir, limit, block, threshold, tmp, floor)
    view["prefix_healing"] = healing_effect(package, eval_dir, limit, block, threshold, tmp, floor, view["as_the_editor_shows"])
    if floor > 0 and os.path.exists(os.path.join(eval_dir, "edit.jsonl")):
        view["edit_line_marks"] = unsure_edit_lines(package, eval_dir, limit, block, edit_threshold, floor, tmp)
    other = other_files_effect(package, eval_dir, block, threshold)
    if other:
        view["other_files"] = other
    return view


DRAFT_SETTINGS = [0, 1, 2, 3]  # drafted states per pass compared (0: none, the baseline)
MIN_DRAFT_GAIN = 0.05  # a drafts setting is the default only when it saves this share of the time


def measure_drafts(package: str, eval_dir: str, limit: int, block: int, thresholds: dict, tmp: str) -> dict:
    """Each drafts setting at the chosen thresholds, one after another per set (so the seconds compare):
    exact match, tokens per pass, seconds of `diffcoder eval` on this CPU, answers the same as without drafts."""
    out = {}
    for name, kind, single in SETS:
        tasks, path = first_tasks(eval_dir, name, limit, tmp)
        base = None
        for n in DRAFT_SETTINGS:
            completions, stats = run_eval(package, path, kind, single, "threshold", block,
                                          ["--threshold", str(thresholds[kind]), "--prompt-lookup", "on", "--drafts", str(n)])
            base = base or completions
            out.setdefault(name, {})[str(n)] = {
                **eval_result(tasks, completions, stats)[0],
                "same_answers": sum(a["completion"] == b["completion"] for a, b in zip(completions, base)),
            }
            print("drafts", eval_dir, name, n, json.dumps(out[name][str(n)]), flush=True)
    return out


def choose_drafts(dev: dict) -> int:
    """The drafts setting that decodes the development tasks fastest (all sets together), if it saves
    MIN_DRAFT_GAIN of the time without drafts; else 0."""
    seconds = {n: sum(sets[str(n)]["seconds"] for sets in dev.values()) for n in DRAFT_SETTINGS}
    best = min(seconds, key=seconds.get)
    return best if seconds[best] < (1 - MIN_DRAFT_GAIN) * seconds[0] else 0


def drafts_view(package: str, eval_dir: str, limit: int, block: int, thresholds: dict, tmp: str) -> dict:
    """decoding.draftStates chosen on the development tasks, and what each setting does on the reported ones."""
    dev_dir = os.path.join(eval_dir, "dev")
    has_dev = all(os.path.exists(os.path.join(dev_dir, f"{name}.jsonl")) for name, _, _ in SETS)
    os.makedirs(os.path.join(tmp, "drafts-dev"), exist_ok=True)
    os.makedirs(os.path.join(tmp, "drafts"), exist_ok=True)
    dev = measure_drafts(package, dev_dir, limit, block, thresholds, os.path.join(tmp, "drafts-dev")) if has_dev else None
    reported = measure_drafts(package, eval_dir, limit, block, thresholds, os.path.join(tmp, "drafts"))
    chosen = choose_drafts(dev or reported)
    return {"drafts": {"value": chosen, "reported": reported, **({"dev": dev} if dev else {}),
                       "rule": f"the setting of {', '.join(map(str, DRAFT_SETTINGS))} that decodes the "
                               + ("development" if dev else "reported") + " tasks (all sets) fastest on this CPU, "
                               f"if it saves at least {100 * MIN_DRAFT_GAIN:g} % of the time without drafts; else 0"}}


def set_drafts(manifest: dict, view: dict) -> None:
    manifest["decoding"].pop("draftStates", None)
    n = (view.get("drafts") or {}).get("value", 0)
    if n > 0:
        manifest["decoding"]["draftStates"] = n


def set_line_floor(manifest: dict, view: dict) -> None:
    floor = (view.get("line_floor") or {}).get("value", 0)
    manifest["decoding"].pop("minLineConfidence", None)
    if floor > 0:
        manifest["decoding"]["minLineConfidence"] = floor


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", required=True)
    ap.add_argument("--runs", help="training run folders (summary.json, provenance.json, eval.jsonl); without it the "
                                   "training provenance and stage table already in diffcoder.json are kept (the same "
                                   "weights re-measured, e.g. after a decoder change)")
    ap.add_argument("--eval", required=True, help="held-out task folder (scripts/data/build.ts --eval-out)")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--thresholds", default="0.9,0.7,0.5", help="threshold values to sweep (comma-separated)")
    ap.add_argument("--max-loss", type=float, default=2.0, help="exact-match points a threshold may lose")
    ap.add_argument("--line-floors", default="0.05,0.1,0.15,0.2,0.3",
                    help="line-confidence floors to try on EVAL/dev for decoding.minLineConfidence (comma-separated; "
                         "empty: every line is shown)")
    ap.add_argument("--editor-only", action="store_true",
                    help="re-measure only the editor's view (and choose the line floor) on the same weights")
    ap.add_argument("--drafts-only", action="store_true",
                    help="re-measure only the drafts per pass (and choose decoding.draftStates) on the same weights")
    ap.add_argument("--card-only", action="store_true", help="re-render MODEL_CARD.md from diffcoder.json")
    ap.add_argument("--previous", help="the diffcoder.json of the model this one replaces: its numbers are kept "
                                       "under history, so the card says what the new training changed")
    ap.add_argument("--how", help="one paragraph for the card: how this copy was trained (commands, sessions)")
    a = ap.parse_args(argv)
    manifest_path = os.path.join(a.package, "diffcoder.json")
    manifest = json.load(open(manifest_path))
    if a.how:
        manifest.setdefault("provenance", {})["how"] = a.how
    floors = [float(x) for x in a.line_floors.split(",") if x.strip()]
    if a.drafts_only and not a.card_only:
        ev = manifest["evaluation"]
        with tempfile.TemporaryDirectory() as tmp:
            view = drafts_view(a.package, a.eval, a.limit, manifest["blockSize"],
                               {"infill": threshold_of(ev, "infill-single"), "edit": ev["threshold"]}, tmp)
        ev.update(view)
        set_drafts(manifest, view)
    elif a.editor_only and not a.card_only:
        ev = manifest["evaluation"]
        with tempfile.TemporaryDirectory() as tmp:
            view = editor_view(a.package, a.eval, a.limit, manifest["blockSize"], threshold_of(ev, EMPTY_SET), floors, tmp,
                               ev["threshold"])
        for k in ("line_floor", "as_the_editor_shows_every_line", "edit_line_marks", "other_files", "prefix_healing"):
            ev.pop(k, None)
        ev.update(view)
        set_line_floor(manifest, view)
    elif not a.card_only:
        block = manifest["blockSize"]
        thresholds = [float(x) for x in a.thresholds.split(",") if x.strip()]
        runs, dev_runs = {}, {}  # set -> {"fixed" | threshold | "no-lookup": result}
        dev_dir = os.path.join(a.eval, "dev")
        has_dev = all(os.path.exists(os.path.join(dev_dir, f"{name}.jsonl")) for name, _, _ in SETS)
        with tempfile.TemporaryDirectory() as tmp:
            def tasks_of(eval_dir, where):
                os.makedirs(os.path.join(tmp, where))
                return [(name, kind, single, *first_tasks(eval_dir, name, a.limit, os.path.join(tmp, where)))
                        for name, kind, single in SETS]
            reported = tasks_of(a.eval, "reported")
            dev = tasks_of(dev_dir, "dev") if has_dev else []

            def measure(sets, into, setting, mode, extra):  # extra: arguments, or a function of the task kind giving them
                for name, kind, single, tasks, path in sets:
                    args = extra(kind) if callable(extra) else extra
                    completions, stats = run_eval(a.package, path, kind, single, mode, block, args)
                    result, s = eval_result(tasks, completions, stats)
                    into.setdefault(name, {})[setting] = {
                        **result,
                        "by_lang": {k: round(100 * v["exact_match"], 1) for k, v in s.get("lang", {}).items()},
                    }
                    print("dev" if into is dev_runs else "reported", name, setting,
                          json.dumps(into[name][setting])[:300], flush=True)
            for sets, into in ((dev, dev_runs), (reported, runs)):
                if sets:
                    measure(sets, into, "fixed", "fixed", [])
                    for t in thresholds:
                        measure(sets, into, t, "threshold", ["--threshold", str(t), "--prompt-lookup", "on"])
            sweep = sweep_of(runs, thresholds)
            dev_sweep = sweep_of(dev_runs, thresholds) if dev else None
            # One threshold per task kind: infilling (completions, fills) and edits decode differently.
            chosen, meets = choose_thresholds(sweep, dev_sweep, a.max_loss)
            measure(reported, runs, "no-lookup", "threshold",
                    lambda kind: ["--threshold", str(chosen[kind]), "--prompt-lookup", "off"])
            silence = answers_nothing(a.package, a.eval, a.limit, block, chosen["infill"], tmp)
            view = editor_view(a.package, a.eval, a.limit, block, chosen["infill"], floors, tmp, chosen["edit"])
            view.update(drafts_view(a.package, a.eval, a.limit, block, chosen, tmp))
        manifest["decoding"]["threshold"] = chosen["edit"]
        manifest["decoding"].pop("infillThreshold", None)
        if chosen["infill"] != chosen["edit"]:
            manifest["decoding"]["infillThreshold"] = chosen["infill"]
        manifest["decoding"]["promptLookup"] = True
        set_line_floor(manifest, view)
        set_drafts(manifest, view)
        results = {name: {"threshold": r[chosen[KIND_OF[name]]], "fixed": r["fixed"], "no_lookup": r["no-lookup"]}
                   for name, r in runs.items()}
        if a.runs:
            stage_evals = os.path.join(a.runs, "eval.jsonl")
            pytorch = [json.loads(x) for x in open(stage_evals)] if os.path.exists(stage_evals) else []
        else:  # the same weights re-measured: their stage table stands
            pytorch = (manifest.get("evaluation") or {}).get("stages_pytorch", [])
        manifest["evaluation"] = {
            "heldout": results,
            "threshold": chosen["edit"],
            "infill_threshold": chosen["infill"],
            "threshold_sweep": {str(t): v for t, v in sweep.items()},
            **({"threshold_sweep_dev": {str(t): v for t, v in dev_sweep.items()}} if dev_sweep else {}),
            "threshold_rule": f"per task (the infilling sets together, edits): most tokens/pass with EM loss < {a.max_loss:g} "
                              f"points and edit-similarity loss < {MAX_SIM_LOSS:g} point on each of its sets vs one token per "
                              "pass (threshold decoding with prompt lookup), "
                              + ("on development tasks disjoint from the reported ones" if dev_sweep else "on the reported tasks"),
            "max_loss": a.max_loss,
            "meets_rule": meets,
            "stages_pytorch": pytorch,
            "tokens_per_pass_ceiling": {name: tokens_per_pass_ceiling(os.path.join(a.eval, f"{name}.ids.jsonl"), block, a.limit)
                                        for name, _, _ in SETS},
            "measured_with": "scripts/model_card.py (diffcoder eval on this package, CPU)",
            **({"where_nothing_belongs": silence} if silence else {}),
            **view,
        }
        if a.runs:
            record_training(manifest, a.runs)
        if a.previous:
            manifest["history"] = previous_versions(json.load(open(a.previous)))
    if not a.card_only or a.how:
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=2)
    with open(os.path.join(a.package, "MODEL_CARD.md"), "w") as f:
        f.write(render_card(manifest))


def record_training(manifest: dict, runs: str) -> None:
    """The training stages, hardware and data of the run folder into the manifest's provenance."""
    stages = json.load(open(os.path.join(runs, "sft", "provenance.json")))
    prov = manifest.get("provenance") or {}
    prov.update(stages)
    devices = sorted({str(s.get("device", "?")) for s in stages.get("stages", [])})
    prov["hardware"] = (f"trained on {', '.join(devices)}; evaluated on {platform.machine()} CPU, "
                        f"{os.cpu_count()} cores")
    prov["data"] = "build/corpus from Debian/npm sources (scripts/corpus), build/data (scripts/data)"
    share_path = os.path.join(runs, "data-meta.json")  # written by scripts/gpu/train-on-gpu.sh
    share = json.load(open(share_path)).get("share") if os.path.exists(share_path) else None
    if share:
        prov["data"] += (f"; the GPU session carried an evenly spread share (scripts/gpu/take_share.py): "
                         f"{share['pretrainTokens'] / 1e6:.1f}M of {share['pretrainOf'] / 1e6:.1f}M pretraining "
                         f"tokens, {share['sftRows']} of {share['sftRowsOf']} SFT rows")
    manifest["provenance"] = prov


def previous_versions(old: dict) -> list:
    """The replaced model's summary (and its own history): how it was trained and what it scored."""
    ev = old.get("evaluation") or {}
    prov = old.get("provenance") or {}
    entry = {
        "tokens": sum(s.get("tokens", 0) for s in prov.get("stages", [])),
        "hardware": prov.get("hardware"),
        "stages": [f"{s['stage']} {s['tokens'] / 1e6:.1f}M tokens, {minutes(s['seconds'])} min, {s.get('device')}"
                   for s in prov.get("stages", [])],
        "threshold": ev.get("threshold"),
        **({"infill_threshold": ev["infill_threshold"]} if "infill_threshold" in ev else {}),
        "heldout": {name: {"exact_match": r.get("threshold", {}).get("exact_match"),
                           "exact_match_one_per_pass": r.get("fixed", {}).get("exact_match"),
                           "tokens_per_pass": r.get("threshold", {}).get("tokens_per_pass"),
                           "n": r.get("threshold", {}).get("n")}
                    for name, r in (ev.get("heldout") or {}).items()},
    }
    if ev.get("where_nothing_belongs"):
        entry["answered_nothing"] = ev["where_nothing_belongs"]["answered_nothing"]
    if (ev.get("as_the_editor_shows") or {}).get(EMPTY_SET):
        entry["editor_shows_where_nothing_belongs"] = ev["as_the_editor_shows"][EMPTY_SET]["shown"]
    return [entry] + list(old.get("history") or [])


def threshold_of(ev: dict, name: str):
    """The threshold a held-out set was decoded with: infilling sets may have their own."""
    infill = KIND_OF.get(name) == "infill" or name == EMPTY_SET
    return ev.get("infill_threshold", ev.get("threshold")) if infill else ev.get("threshold")


def thresholds_text(ev: dict) -> str:
    t, infill = ev.get("threshold"), ev.get("infill_threshold", ev.get("threshold"))
    return f"{infill:g} for infilling and {t:g} for edits" if infill != t else f"{t}"


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f}" if seconds < 600 else f"{seconds / 60:.0f}"


def pct(x):
    return "–" if x is None else f"{x:.1f}"


def ceiling_note(ev: dict, held: dict) -> str:
    ceiling = ev.get("tokens_per_pass_ceiling") or {}
    if not all(ceiling.get(n) for n in held):
        return ""
    return (" The most any model could decode on these tasks (one pass per block the answer and its EOS touch): "
            + " / ".join(f"{ceiling[n]:g}" for n in held) + ".")


def drafts_section(ev: dict, held: dict) -> list:
    d = ev.get("drafts")
    if not d:
        return []
    rep = d["reported"]
    lines = [f"Drafts (diffcoder.json decoding.draftStates, src/engine/sampler.ts): each pass also runs, side by side, the "
             "states the block would reach next if the model's predictions held, and decoding keeps the logits of those "
             "it reaches, saving their passes. Every step is still decided by the logits of its own state, so on fp32 "
             "weights the answers are the same (test/engine/parity.test.ts); int8 computes one activation scale per "
             "pass, so a longer pass shifts the logits a little and some near-ties go the other way (the last column). "
             f"At the chosen thresholds, on the reported tasks (seconds: `diffcoder eval` on this CPU, each setting "
             f"after the other):", "",
             "| set | drafts | EM | edit sim | tokens/pass | seconds | same answers as without |",
             "|---|---|---|---|---|---|---|"]
    for name in held:
        for n, r in (rep.get(name) or {}).items():
            lines.append(f"| {name} | {n} | {r['exact_match']:.1f} | {r['edit_similarity']:.4f} | {r['tokens_per_pass']} | "
                         f"{r['seconds']} | {r['same_answers']} of {r['n']} |")
    lines.append("")
    settings = sorted({n for sets in rep.values() for n in sets}, key=int)
    if all("passes" in rep[name][n] for name in held if name in rep for n in rep[name]):
        pooled = [sum(rep[name][n]["tokens"] for name in held if name in rep)
                  / max(1, sum(rep[name][n]["passes"] for name in held if name in rep)) for n in settings]
        lines.append("Pooled over the split (tokens / decoding passes of every set): "
                     + ", ".join(f"{p:.2f} with {n}" for n, p in zip(settings, pooled)) + ".")
    lines += [f"Default: {d['value']} ({d['rule']})."]
    if d["value"]:
        at = [rep[n][str(d["value"])]["tokens_per_pass"] for n in held if n in rep]
        lines[-1] += (f" With it the sets decode " + " / ".join(f"{t:g}" for t in at) + " tokens per pass ("
                      + " / ".join(n for n in held if n in rep) + ").")
    return lines + [""]


def sweep_table(sweep: dict, held: dict) -> list:
    lines = ["| threshold | " + " | ".join(f"{n} EM (Δ) / tokens per pass" for n in held) + " |",
             "|---|" + "---|" * len(held)]
    for t, sets in sweep.items():
        cells = [f"{sets[n]['exact_match']:.1f} ({-sets[n]['loss']:+.1f}) / {sets[n]['tokens_per_pass']}"
                 for n in held if n in sets]
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return lines + [""]


def window_note(arch):
    """The trained window where it is shorter than the positions the graph runs (what edits in runs and prompt windows keep to)."""
    t = arch.get("trainedPositions")
    if not t or t >= arch["maxPositions"]:
        return ""
    return f"; trained on {t}-token windows (architecture.trainedPositions; the graph runs {arch['maxPositions']} positions)"


def render_card(m: dict) -> str:
    arch = m["architecture"]
    ev = m.get("evaluation") or {}
    prov = m.get("provenance") or {}
    size_mb = sum(f["bytes"] for f in m["files"].values()) / 2**20
    lines = [
        f"# {m['name']} {m['version']} — model card",
        "",
        m.get("description", ""),
        "",
        "## Architecture",
        f"Llama-style decoder, block diffusion with block size {m['blockSize']}, no logit shift: hidden "
        f"{arch['hiddenSize']}, {arch['numLayers']} layers, {arch['numHeads']} heads ({arch['numKvHeads']} KV heads, "
        f"head dim {arch['headDim']}), SwiGLU {arch['intermediateSize']}, RoPE θ {arch['ropeTheta']:g}, vocabulary "
        f"{arch['vocabSize']} (byte-level BPE), untied head{window_note(arch)}. Weights {m['weights']['dtype']} "
        f"(com.microsoft.DynamicQuantizeMatMul); package {size_mb:.1f} MB.",
        "",
        "## Training",
        "Stable-DiffCoder's recipe at small scale (scripts/train.py; on a CPU scripts/train-bundled-model.sh, "
        "on a GPU machine scripts/gpu/pack.sh then scripts/gpu/train-on-gpu.sh): AR "
        "pretraining, then block-diffusion continual pretraining (block 4, corruption warmup of the mask-rate "
        "cap with the ELBO weight dropped, block-wise clipped noise schedule), then SFT on fill-in-the-middle and "
        "instruction edits with 1–4 trailing EOS.",
        "",
        "| stage | steps | tokens | time | final val loss | device |",
        "|---|---|---|---|---|---|",
    ]
    for s in prov.get("stages", []):
        lines.append(f"| {s['stage']} | {s['steps']} | {s['tokens'] / 1e6:.1f}M | {minutes(s['seconds'])} min | "
                     f"{s.get('final_val_loss')} | {s.get('device')} |")
    lines += ["", f"Hardware: {prov.get('hardware', '?')}. Data: {prov.get('data', '?')}.", ""]
    if prov.get("how"):
        lines += [prov["how"], ""]
    held = ev.get("heldout") or {}
    if held:
        lines += [
            "## Held-out evaluation (through the product: `diffcoder eval` on this package)",
            f"Exact match (%) after normalising trailing whitespace, edit similarity, generated tokens per "
            f"decoding forward pass. Threshold decoding at {thresholds_text(ev)} with prompt lookup (the default: "
            "positions whose choice continues a stretch of the prompt are committed with it, src/engine/promptLookup.ts) "
            "vs one token per pass, and the same threshold without prompt lookup.",
            "",
            "| set | n | EM threshold | EM one-per-pass | Δ EM | tokens/pass threshold | edit sim threshold "
            "| without lookup: EM / tokens/pass |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, r in held.items():
            t, f1, nl = r.get("threshold", {}), r.get("fixed", {}), r.get("no_lookup")
            d = None if t.get("exact_match") is None or f1.get("exact_match") is None else t["exact_match"] - f1["exact_match"]
            without = f"{pct(nl.get('exact_match'))} / {nl.get('tokens_per_pass')}" if nl else "–"
            lines.append(f"| {name} | {t.get('n')} | {pct(t.get('exact_match'))} | {pct(f1.get('exact_match'))} | "
                         f"{pct(d)} | {t.get('tokens_per_pass')} | {t.get('edit_similarity')} | {without} |")
        lines.append("")
    nothing = ev.get("where_nothing_belongs")
    if nothing:
        lines += [f"Where nothing belongs ({EMPTY_SET}, n={nothing['n']}: the end of a finished line, the start of an "
                  f"existing line or a typing spot in a complete file) the model answers nothing "
                  f"{nothing['answered_nothing']:.1f} % of the time (threshold {nothing['threshold']:g}, multi-line); "
                  "each other answer is a suggestion nobody needs.", ""]
    editor = ev.get("as_the_editor_shows") or {}
    if editor:
        parts = [f"{name} EM {r['exact_match']:.1f} % (a suggestion at {r['shown']:.1f} % of cursors)"
                 for name, r in editor.items() if name != EMPTY_SET]
        if EMPTY_SET in editor:
            parts.append(f"where nothing belongs a suggestion at {editor[EMPTY_SET]['shown']:.1f} % of cursors")
        lines += ["As the editor shows it (`diffcoder eval --as-editor`: the extension's completion core with its "
                  "default settings, so no request inside a word, one line or several decided by the line, prompt "
                  "windows, the post-processing filters, lines the model is unsure of left out): " + "; ".join(parts) + ".", ""]
    heal = ev.get("prefix_healing")
    if heal:
        ed, raw = heal["editor"], heal["single_line"]
        parts = [f"{name} EM {r['on']['exact_match']:.1f} / {r['off']['exact_match']:.1f} %, a suggestion at "
                 f"{r['on']['shown']:.1f} / {r['off']['shown']:.1f} % of cursors, right lines {r['on']['right_lines']} / "
                 f"{r['off']['right_lines']}" for name, r in ed.items() if name != EMPTY_SET]
        if EMPTY_SET in ed:
            parts.append(f"where nothing belongs a suggestion at {ed[EMPTY_SET]['on']['shown']:.1f} / "
                         f"{ed[EMPTY_SET]['off']['shown']:.1f} % of cursors")
        on, off = raw["on"], raw["off"]
        lines += [f"Prefix healing (diffcoder.json decoding.healPrefix, absent: on; src/engine/prefixHealing.ts): where "
                  "the cursor ends a word being typed, the prompt ends before the word (its longest end that some token "
                  "starts with) and the answer's first token must start with that text, so the model sees the word's "
                  f"tokens as running text does. On / off, as the editor shows it: " + "; ".join(parts) + ". Raw single-line answers "
                  f"(n={on['n']}, {heal['word_end']} of them at the end of a word): EM {on['exact_match']:.1f} / "
                  f"{off['exact_match']:.1f} %, edit sim {on['edit_similarity']:.4f} / {off['edit_similarity']:.4f}, "
                  f"empty answers {on['empty']} / {off['empty']}, tokens per pass {on['tokens_per_pass']} / "
                  f"{off['tokens_per_pass']}.", ""]
    floor = ev.get("line_floor")
    every = ev.get("as_the_editor_shows_every_line") or {}
    if floor and every:
        lines += [
            f"Lines the model is unsure of are not shown: a suggestion stops before the first line whose least sure "
            f"token the model gave a probability under {floor['value']:g} (diffcoder.json decoding.minLineConfidence, "
            f"chosen by rule: {floor['rule']}), and decoding stops there. What that changes on the reported tasks (right lines: leading lines "
            "of a suggestion equal to the reference's; every line shown where nothing belongs is a needless one):",
            "",
            "| set | suggestions shown: every line / floor | lines shown | right lines | EM |",
            "|---|---|---|---|---|",
        ]
        for name, r in editor.items():
            e = every.get(name)
            if not e or "lines_shown" not in r:
                continue
            em = "–" if name == EMPTY_SET else f"{e['exact_match']:.1f} / {r['exact_match']:.1f}"  # there: nothing shown
            lines.append(f"| {name} | {e['shown']:.1f} % / {r['shown']:.1f} % | {e['lines_shown']} / {r['lines_shown']} | "
                         f"{e['right_lines']} / {r['right_lines']} | {em} |")
        dev = floor.get("sweep") or {}
        lines += ["", "On the development tasks (right lines of lines shown, infilling sets together; suggestions shown "
                  "where nothing belongs): " + "; ".join(
                      f"floor {float(f):g}: {sum(v[n]['right_lines'] for n in v if n != EMPTY_SET)} of "
                      f"{sum(v[n]['lines_shown'] for n in v if n != EMPTY_SET)}"
                      + (f", {v[EMPTY_SET]['shown']:.1f} %" if EMPTY_SET in v else "")
                      for f, v in dev.items()) + ".", ""]
    marks = ev.get("edit_line_marks")
    if marks:
        lines += [f"Edit proposals mark the lines the model is unsure of (the same floor, {marks['floor']:g}): on the reported "
                  f"edits (n={marks['n']}), {marks['marked']} of the answers' {marks['new_lines']} new lines (code lines not in "
                  f"the original) are marked; {marks['right_marked']:.1f} % of the marked ones and {marks['right_unmarked']:.1f} % "
                  "of the others are right (lines of the reference, in order).", ""]
    other = ev.get("other_files")
    if other:
        what = {"name_from_other_file": "at a name found only in a neighbouring file",
                "any_name": "at any name"}
        lines += ["Context from the files worked in lately (the editor's `diffcoder.completion.otherFilesTokens`, 256): "
                  "held-out completions of the rest of a line from a name, with the other held-out files of the same "
                  "folder as the recent files (scripts/data/crossfile_tasks.py), as the editor shows them, with them "
                  "and without:", "",
                  "| cursor | n | EM with / without | edit sim with / without | answers starting with the name |",
                  "|---|---|---|---|---|"]
        for kind, r in sorted(other.items(), key=lambda kv: kv[0] != "name_from_other_file"):
            w, wo = r["with"], r["without"]
            lines.append(f"| {what.get(kind, kind)} | {r['n']} | {w['exact_match']} / {wo['exact_match']} | "
                         f"{w['edit_similarity']:.3f} / {wo['edit_similarity']:.3f} | {w['names']} / {wo['names']} |")
        lines.append("")
    sweep = ev.get("threshold_sweep") or {}
    if sweep:
        dev_sweep = ev.get("threshold_sweep_dev")
        if dev_sweep:
            verdict = ("the reported tasks hold it at the chosen thresholds too" if ev.get("meets_rule")
                       else "the reported tasks do not hold it at every chosen threshold")
            for kind, what in (("infill", "infilling"), ("edit", "edits")):
                t = threshold_of(ev, next(n for n, k in KIND_OF.items() if k == kind))
                dev_at = {n: r for n, r in (dev_sweep.get(str(t)) or {}).items() if KIND_OF.get(n) == kind}
                if dev_at and not within_rule(dev_at, ev.get("max_loss", 2.0)):
                    verdict += (f"; on the development tasks no threshold kept {what} within it, so {what} decode at "
                                f"the one that lost least, {t:g}")
        else:
            verdict = "met" if ev.get("meets_rule") else "not met by every task, where none met it the most careful one is the default"
        lines += [f"Threshold sweep (the defaults are chosen by rule: {ev.get('threshold_rule')}; {verdict}):", ""]
        lines += sweep_table(sweep, held)
        if dev_sweep:
            lines += ["The same sweep on the development tasks, where the thresholds were chosen:", ""]
            lines += sweep_table(dev_sweep, held)
        chosen = {n: sweep[str(threshold_of(ev, n))][n] for n in held if n in sweep.get(str(threshold_of(ev, n)), {})}
        tpp = [chosen[n]["tokens_per_pass"] for n in held if n in chosen]
        if tpp:
            met = ev.get("meets_rule") and min(tpp) > 2
            met_by = [n for n in held if n in chosen and chosen[n]["tokens_per_pass"] > 2 and chosen[n]["loss"] < ev.get("max_loss", 2)]
            pooled = ""
            if all("passes" in chosen[n] for n in chosen):
                pooled = (f" Pooled over the split (tokens / decoding passes of all {sum(chosen[n]['n'] for n in chosen)} "
                          f"tasks): {sum(chosen[n]['tokens'] for n in chosen) / max(1, sum(chosen[n]['passes'] for n in chosen)):.2f}.")
            lines += [f"Parallel-decoding target (more than 2 tokens per pass, under {ev.get('max_loss', 2):g} points of "
                      f"EM lost, on every set): {'met' if met else 'not met'}; at the chosen thresholds the sets decode "
                      + ", ".join(f"{t:g}" for t in tpp) + " tokens per pass (" + " / ".join(n for n in held if n in chosen)
                      + f"); met by {', '.join(met_by) if met_by else 'no set'}." + pooled + ceiling_note(ev, held), ""]
        lines += drafts_section(ev, held)
        if all(r.get("fixed", {}).get("exact_match", 0) < 1 for r in held.values()):
            lines += ["**Exact match is below 1 % on every set, even one token per pass: this model is undertrained "
                      "and the threshold comparison above says nothing yet.** Train further (scripts/gpu/) and re-run "
                      "scripts/model_card.py.", ""]
    stages = ev.get("stages_pytorch") or []
    if stages:
        lines += [
            "## Every stage on the same held-out tasks (PyTorch, scripts/evaluate.py)",
            "AR-only checkpoint decoded autoregressively vs after diffusion CPT and after SFT decoded by blocks.",
            "",
            "ar2, where present, is the AR baseline: the AR checkpoint trained on for as long as diffusion CPT, "
            "on the same data.",
            "",
            "| checkpoint | tasks | n | decoding | EM | tokens/pass |",
            "|---|---|---|---|---|---|",
        ]
        for r in stages:
            dec = r["decode"] + (f" {r['threshold']}" if r.get("threshold") else "") + (" + lookup" if r.get("prompt_lookup") else "")
            lines.append(f"| {os.path.basename(r['ckpt'])} | {r['tasks'].replace('.ids.jsonl', '')} | {r['n']} | {dec} | "
                         f"{r['exact_match']} | {r['tokens_per_forward']} |")
        lines.append("")
    history = m.get("history") or []
    if history:
        lines += ["## Earlier versions (replaced by this one)", ""]
        for h in history:
            em = ", ".join(f"{n} {pct(r.get('exact_match'))} % EM ({r.get('tokens_per_pass')} tokens/pass, n={r.get('n')})"
                           for n, r in h.get("heldout", {}).items())
            lines.append(f"- {h['tokens'] / 1e6:.0f}M training tokens ({'; '.join(h.get('stages', []))}); "
                         f"{h.get('hardware')}; threshold {thresholds_text(h)}: {em}"
                         + (f"; answered nothing where nothing belongs {h['answered_nothing']:.1f} %" if "answered_nothing" in h else "")
                         + (f"; the editor showed a suggestion where nothing belongs at {h['editor_shows_where_nothing_belongs']:.1f} % of cursors"
                            if "editor_shows_where_nothing_belongs" in h else "")
                         + ".")
        lines.append("")
    lines += [
        "## Limits",
        f"A {arch['hiddenSize']}-wide, {arch['numLayers']}-layer model trained on "
        f"{sum(s['tokens'] for s in prov.get('stages', [])) / 1e6:.0f}M tokens in all (the table above): judge it "
        "by the numbers above, and use the 8B checkpoints (`diffcoder convert`) where quality matters. Trained on "
        "code from Debian and npm packages under permissive licences only (scripts/corpus/README.md).",
        "",
        "## Continuing training",
        "`scripts/train.py --init DIR` starts from an exported checkpoint, `--resume` continues a run; "
        "`scripts/gpu/train-on-gpu.sh` is one prepared GPU session, and with `INIT_PACKAGE=media/models/diffcoder-small "
        "AR_MIN=0` it continues this model rather than starting over (its weights read back from this package by "
        "scripts/gpu/package_weights.py; `PHASE=0.5 bash scripts/gpu/pack.sh` carries mostly training rows this run did not "
        "see). Re-run scripts/model_card.py afterwards with `--previous` on this diffcoder.json: the new numbers "
        "replace these, and these move to the history.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
