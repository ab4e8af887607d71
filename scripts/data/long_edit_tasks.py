"""Held-out edits in a long selection, for edits in runs (src/completion/editRuns.ts).

    python3 scripts/data/long_edit_tasks.py --edits build/eval/edit.jsonl --out build/eval/long-edit.jsonl

Each task is a held-out edit (build/eval/edit.jsonl) whose code sits third among five pieces of code of
the same language, the other four the code of other held-out edits, two blank lines apart: the selection
a user makes around the function they want changed. The instruction is the edit's own; the reference keeps
the other pieces as they are. Every other task of the file, up to 120 (a few minutes per run on a CPU).
Score `diffcoder eval build/eval/long-edit.jsonl --task edit --as-editor` with scripts/data/score.py, on
the package as it is (in runs where a selection passes its architecture.trainedPositions) and on a copy
without trainedPositions (one request for the whole selection).
"""
import argparse
import json
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", default="build/eval/edit.jsonl")
    ap.add_argument("--out", default="build/eval/long-edit.jsonl")
    ap.add_argument("--limit", type=int, default=120)
    a = ap.parse_args()
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
                    "code": "\n\n\n".join(code) + "\n", "new_code": "\n\n\n".join(new) + "\n"})
    out = out[::2][: a.limit]
    with open(a.out, "w") as f:
        f.write("".join(json.dumps(o) + "\n" for o in out))
    print(f"{len(out)} tasks -> {a.out}")


if __name__ == "__main__":
    main()
