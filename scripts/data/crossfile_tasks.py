"""Held-out completion tasks whose answer needs a name from another file, for the editor's context from
other files (src/completion/otherFiles.ts).

    python3 scripts/data/crossfile_tasks.py --heldout build/corpus/heldout.jsonl --out build/eval/crossfile.jsonl

For each held-out file that has held-out neighbours (files of the same package and folder: the files a
user working on it would have open), the other files go with the task as "others" (in a fixed shuffled
order, most recent first), and the cursor sits at the start of a name on one of its lines:

- kind "name_from_other_file": the name (camelCase or snake_case, 5+ characters) occurs in a neighbour and nowhere in the file within 4000
  characters before the line or 1500 after it, so the file's own prompt window cannot show it;
- kind "any_name": a name anywhere (the same count of tasks), to see that the other files' snippets do no
  harm where they are not needed.

The middle is the rest of the line from the cursor. Score with scripts/data/score.py (per kind) after
`diffcoder eval build/eval/crossfile.jsonl --task infill --as-editor --multiline never` with and without
`--other-files-tokens 0`.
"""
import argparse
import json
import os
import random
import re
from collections import defaultdict

NAME = re.compile(r'[A-Za-z_][A-Za-z0-9_]{3,}')
# A name a file defines rather than a word or a keyword: camelCase or snake_case, 5+ characters.
DEFINED = re.compile(r'^(?=.{5,}$)_*[A-Za-z0-9]+(?:_[A-Za-z0-9]+|[a-z0-9][A-Z][A-Za-z0-9]*)+$')
BEFORE = 4000
AFTER = 1500
MAX_OTHERS = 7  # the editor keeps 8 recent files, one of them the file itself
PER_FILE = 3


def shown_path(path):
    """As the editor names a file in a workspace: its folder and name, not where Debian put it."""
    return '/'.join(path.split('/')[-2:])


def tasks_of(f, others, rng):
    text = f['text']
    found = {'name_from_other_file': [], 'any_name': []}
    other_names = set()
    for o in others:
        other_names.update(NAME.findall(o['text']))
    pos = 0
    for line in text.split('\n'):
        start = pos
        pos += len(line) + 1
        if not line.strip() or len(line) > 200:
            continue
        for m in NAME.finditer(line):
            at = start + m.start()
            if at > 0 and (text[at - 1].isalnum() or text[at - 1] == '_'):
                continue
            name = m.group(0)
            task = (at, start + len(line), name)
            found['any_name'].append(task)
            if DEFINED.match(name) and name in other_names and name not in text[max(0, at - BEFORE):at] and name not in text[at + len(name):at + len(name) + AFTER]:
                found['name_from_other_file'].append(task)
    out = []
    for kind, cands in found.items():
        for at, end, name in rng.sample(cands, min(PER_FILE, len(cands))):
            out.append({'kind': kind, 'at': at, 'end': end, 'name': name})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--heldout', default='build/corpus/heldout.jsonl')
    ap.add_argument('--out', default='build/eval/crossfile.jsonl')
    ap.add_argument('--count', type=int, default=300, help='tasks per kind, at most')
    ap.add_argument('--seed', type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    files = [json.loads(line) for line in open(a.heldout, encoding='utf-8')]
    folders = defaultdict(list)
    for f in files:
        folders[(f['source'], os.path.dirname(f['path']))].append(f)
    rows = {'name_from_other_file': [], 'any_name': []}
    for key in sorted(folders):
        group = folders[key]
        if len(group) < 2:
            continue
        for f in group:
            others = [o for o in group if o is not f]
            rng.shuffle(others)
            others = others[:MAX_OTHERS]
            for t in tasks_of(f, others, rng):
                text = f['text']
                rows[t['kind']].append({
                    'task_id': '%s/%s/%d' % (t['kind'], f['id'], t['at']),
                    'lang': f['lang'],
                    'kind': t['kind'],
                    'name': t['name'],
                    'path': shown_path(f['path']),
                    'prefix': text[:t['at']],
                    'suffix': text[t['end']:],
                    'middle': text[t['at']:t['end']],
                    'others': [{'path': shown_path(o['path']), 'text': o['text'], 'lang': o['lang']} for o in others],
                })
    n = min(a.count, len(rows['name_from_other_file']))
    out = []
    for kind in ('name_from_other_file', 'any_name'):
        rng.shuffle(rows[kind])
        out += rows[kind][:n]
    os.makedirs(os.path.dirname(a.out) or '.', exist_ok=True)
    with open(a.out, 'w', encoding='utf-8') as w:
        for r in out:
            w.write(json.dumps(r) + '\n')
    print('%d tasks per kind -> %s (from %d files with neighbours)' % (n, a.out, sum(len(g) for g in folders.values() if len(g) > 1)))


if __name__ == '__main__':
    main()
