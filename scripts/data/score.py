"""Scores a completions file against a task file (infill or edit), per task kind and language.

    python3 scripts/data/score.py build/eval/infill-single.jsonl completions.jsonl [--json]

Tasks: {"task_id","lang",...,"middle"} (infill) or {...,"new_code"} (edit). Completions:
{"task_id","completion"} as written by `diffcoder eval`. Exact match compares after stripping trailing
whitespace on every line and trailing newlines; edit similarity is 1 - Levenshtein / max(len) on the
same normalised text (characters). A task without a completion counts as a miss with similarity 0.
"""
import argparse
import json
import sys
from collections import defaultdict


def normalize(text):
    return '\n'.join(line.rstrip() for line in text.replace('\r\n', '\n').split('\n')).rstrip('\n')


def levenshtein(a, b):
    # common prefix and suffix cost nothing: near-miss completions stay fast on long edits
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    a, b = a[i:], b[i:]
    j = 0
    while j < len(a) and j < len(b) and a[-1 - j] == b[-1 - j]:
        j += 1
    if j:
        a, b = a[:-j], b[:-j]
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def edit_similarity(a, b):
    if not a and not b:
        return 1.0
    return 1.0 - levenshtein(a, b) / max(len(a), len(b))


def reference_of(task):
    if 'middle' in task:
        return task['middle']
    if 'new_code' in task:
        return task['new_code']
    raise ValueError('task %s has neither middle nor new_code' % task.get('task_id'))


def task_kind(task):
    return task.get('kind') or task.get('family') or ('infill' if 'middle' in task else 'edit')


def read_jsonl(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]


def score(tasks, completions):
    got = {c['task_id']: c.get('completion', '') for c in completions}
    rows = []
    for t in tasks:
        ref = normalize(reference_of(t))
        comp = got.get(t['task_id'])
        hyp = normalize(comp) if comp is not None else None
        rows.append({
            'task_id': t['task_id'], 'lang': t.get('lang', '?'), 'kind': task_kind(t),
            'exact': hyp is not None and hyp == ref,
            'similarity': edit_similarity(hyp, ref) if hyp is not None else 0.0,
            'missing': hyp is None,
        })
    return rows


def summarize(rows):
    groups = defaultdict(list)
    for r in rows:
        groups[('all', 'all')].append(r)
        groups[('lang', r['lang'])].append(r)
        groups[('kind', r['kind'])].append(r)
    out = {}
    for (by, key), rs in sorted(groups.items()):
        out.setdefault(by, {})[key] = {
            'n': len(rs),
            'exact_match': round(sum(r['exact'] for r in rs) / len(rs), 4),
            'edit_similarity': round(sum(r['similarity'] for r in rs) / len(rs), 4),
            'missing': sum(r['missing'] for r in rs),
        }
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('tasks')
    ap.add_argument('completions')
    ap.add_argument('--json', action='store_true', help='print the summary as JSON')
    args = ap.parse_args(argv)
    summary = summarize(score(read_jsonl(args.tasks), read_jsonl(args.completions)))
    if args.json:
        print(json.dumps(summary, indent=1))
        return summary
    a = summary['all']['all']
    print('%-28s %5s %8s %8s' % ('group', 'n', 'exact', 'edit-sim'))
    print('%-28s %5d %8.3f %8.3f' % ('all', a['n'], a['exact_match'], a['edit_similarity']))
    for by in ('kind', 'lang'):
        for key, v in summary.get(by, {}).items():
            print('%-28s %5d %8.3f %8.3f' % ('%s=%s' % (by, key), v['n'], v['exact_match'], v['edit_similarity']))
    if a['missing']:
        print('missing completions: %d' % a['missing'], file=sys.stderr)
    return summary


if __name__ == '__main__':
    main()
