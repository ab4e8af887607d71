"""Held-out edits in a long selection, for edits in runs (src/completion/editRuns.ts).

    python3 scripts/data/long_edit_tasks.py --edits build/eval/edit.jsonl --out build/eval/long-edit.jsonl

Each task is a held-out edit (build/eval/edit.jsonl) whose code sits third among five pieces of code of
the same language, the other four the code of other held-out edits, two blank lines apart: the selection
a user makes around the function they want changed. The instruction is the edit's own; the reference keeps
the other pieces as they are. Every other task of the file, up to 120 (a few minutes per run on a CPU).
Run `diffcoder eval build/eval/long-edit.jsonl --task edit --as-editor` on the package as it is (in runs
where a selection passes its architecture.trainedPositions) and on a copy without trainedPositions (one
request for the whole selection), and compare the answers with

    python3 scripts/data/long_edit_tasks.py --score RUNS.jsonl ONE_REQUEST.jsonl

which prints, for each answer file: how often the four other pieces are all left as they were, how often
the edited piece is exactly the reference's, and the edit similarity of the whole answer; over all tasks,
over those the first file edited in runs, and over those of them whose instruction names code.
"""
import argparse
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from data.score import edit_similarity, normalize  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", default="build/eval/edit.jsonl")
    ap.add_argument("--out", default="build/eval/long-edit.jsonl")
    ap.add_argument("--limit", type=int, default=120)
    ap.add_argument("--score", nargs="+", metavar="ANSWERS", help="score `diffcoder eval` outputs on --out's tasks")
    a = ap.parse_args()
    if a.score:
        return score(a.out, a.score)
    tasks = [json.loads(line) for line in open(a.edits)]
    by_lang = defaultdict(list)
    for t in tasks:
        by_lang[t["lang"]].append(t)
    out = []
    for t in tasks:
        same = [x for x in by_lang[t["lang"]] if x["task_id"] != t["task_id"]]
        if len(same) < 4:
            continue
        k = by_lang[t["lang"]].index(t)
        others = [same[(k + j * 7) % len(same)]["code"].rstrip("\n") for j in range(1, 5)]
        code = others[:2] + [t["code"].rstrip("\n")] + others[2:]
        new = others[:2] + [t["new_code"].rstrip("\n")] + others[2:]
        out.append({"task_id": t["task_id"] + "+4", "lang": t["lang"], "family": t["family"], "instruction": t["instruction"],
                    "code": "\n\n\n".join(code) + "\n", "new_code": "\n\n\n".join(new) + "\n",
                    "pieces": {"others": others, "edited": t["new_code"].rstrip("\n")}})
    out = out[::2][: a.limit]
    with open(a.out, "w") as f:
        f.write("".join(json.dumps(o) + "\n" for o in out))
    print(f"{len(out)} tasks -> {a.out}")


def lines(text: str) -> str:
    """Whole lines, trailing whitespace aside, framed by line breaks so that `in` matches whole lines only."""
    return "\n" + "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"


def score(tasks_path: str, answer_paths: list) -> dict:
    """{answer file: {subset: {n, intact, right, similarity}}}, printed as it goes."""
    tasks = [json.loads(line) for line in open(tasks_path)]
    answers = [{r["task_id"]: r for r in map(json.loads, open(p))} for p in answer_paths]
    in_runs = {k for k, r in answers[0].items() if r.get("runs", 1) > 1}
    report = {}
    for path, got in zip(answer_paths, answers):
        rows = []
        for t in tasks:
            answer = lines(got[t["task_id"]]["completion"])
            rows.append({"runs": t["task_id"] in in_runs, "named": "`" in t["instruction"],
                         "intact": all(lines(o) in answer for o in t["pieces"]["others"]),
                         "right": lines(t["pieces"]["edited"]) in answer,
                         "similarity": edit_similarity(normalize(got[t["task_id"]]["completion"]), normalize(t["new_code"]))})
        report[path] = {}
        for name, rs in (("all", rows), ("in runs", [r for r in rows if r["runs"]]),
                         ("in runs, code named", [r for r in rows if r["runs"] and r["named"]])):
            n = max(1, len(rs))
            summary = report[path][name] = {"n": len(rs), "intact": round(100 * sum(r["intact"] for r in rs) / n, 1),
                                           "right": round(100 * sum(r["right"] for r in rs) / n, 1),
                                           "similarity": round(sum(r["similarity"] for r in rs) / n, 3)}
            print(f"{path} {name}: n={summary['n']}, other pieces intact {summary['intact']} %, "
                  f"edited piece right {summary['right']} %, edit similarity {summary['similarity']}")
    return report


if __name__ == "__main__":
    main()
