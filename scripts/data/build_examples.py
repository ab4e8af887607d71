"""Text examples from the corpus (run by build.ts before tokenization; usable alone):

  SFT, from the train split:      OUT/sft/fim.jsonl   {id, lang, kind, prefix, suffix, middle}
                                  OUT/sft/edit.jsonl  {id, lang, family, instruction, code, new_code}
  evaluation candidates, from the held-out split only (tokenize.ts applies the token limits and keeps
  the first N of each; candidates are interleaved over languages so any prefix is spread evenly):
                                  EVAL/candidates/{infill-single,infill-multi,edit,infill-empty}.jsonl

Every document gets its own random stream seeded by (seed, split, document id), so the output does not
depend on worker count or order.

    cd scripts && python3 -m data.build_examples --corpus ../build/corpus --out ../build/data --eval-out ../build/eval
"""
import argparse
import hashlib
import json
import multiprocessing
import os
import random
import sys
import time
from collections import Counter, defaultdict

from .edits.examples import edit_examples
from .fim.examples import fim_examples

EVAL_SINGLE_KINDS = {'rest_of_line': 0.6, 'span_in_line': 0.4}
EVAL_MULTI_KINDS = {'multi_line': 0.5, 'block': 0.5}
# Cursors where the file is complete as it is: the right answer is nothing (what 'empty' SFT rows teach).
EVAL_EMPTY_KINDS = {'empty': 1.0}


def doc_rng(seed, split, doc_id):
    h = hashlib.sha256(f'{seed}:{split}:{doc_id}'.encode()).digest()
    return random.Random(int.from_bytes(h[:8], 'little'))


def read_jsonl(path):
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


_ARGS = {}


def _train_doc(doc):
    seed, fim_cap, edit_cap = _ARGS['seed'], _ARGS['fim_cap'], _ARGS['edit_cap']
    rng = doc_rng(seed, 'train', doc['id'])
    fims = fim_examples(rng, doc, cap=fim_cap)
    edits = edit_examples(rng, doc, cap=edit_cap)
    return doc['id'], doc['lang'], fims, edits


def _eval_doc(doc):
    rng = doc_rng(_ARGS['seed'], 'eval', doc['id'])
    single = fim_examples(rng, doc, cap=4, kinds=EVAL_SINGLE_KINDS, full_window=True)
    multi = fim_examples(rng, doc, cap=4, kinds=EVAL_MULTI_KINDS, full_window=True)
    edits = edit_examples(rng, doc, cap=4)
    # Drawn last, so adding this set left the tasks above as they were.
    empty = fim_examples(rng, doc, cap=2, kinds=EVAL_EMPTY_KINDS, full_window=True)
    return doc['id'], doc['lang'], single, multi, edits, empty


def _pool(workers):
    if workers <= 1:
        return None
    return multiprocessing.get_context('fork').Pool(workers)


def _map(pool, fn, items):
    if pool is None:
        return map(fn, items)
    return pool.imap(fn, items, chunksize=8)


def build_sft(corpus, out, workers):
    os.makedirs(os.path.join(out, 'sft'), exist_ok=True)
    counts = Counter()
    pool = _pool(workers)
    with open(os.path.join(out, 'sft', 'fim.jsonl'), 'w', encoding='utf-8') as ff, \
            open(os.path.join(out, 'sft', 'edit.jsonl'), 'w', encoding='utf-8') as fe:
        for doc_id, lang, fims, edits in _map(pool, _train_doc, read_jsonl(os.path.join(corpus, 'train.jsonl'))):
            for k, e in enumerate(fims):
                ff.write(json.dumps({'id': f'{doc_id}#fim{k}', 'lang': lang, **e}, ensure_ascii=False) + '\n')
                counts['fim', e['kind']] += 1
            for k, e in enumerate(edits):
                rec = {'id': f'{doc_id}#edit{k}', 'lang': lang, 'family': e['family'], 'instruction': e['instruction'],
                       'code': e['code'], 'new_code': e['new_code']}
                fe.write(json.dumps(rec, ensure_ascii=False) + '\n')
                counts['edit', e['family']] += 1
    if pool:
        pool.close()
    return counts


def _interleave(by_lang):
    """Round-robin over languages (sorted), so the first N items are spread over languages."""
    out, langs = [], sorted(by_lang)
    i = 0
    while any(by_lang[l] for l in langs):
        l = langs[i % len(langs)]
        if by_lang[l]:
            out.append(by_lang[l].pop(0))
        i += 1
    return out


def build_eval_candidates(corpus, eval_out, workers, docs_per_lang, seed):
    os.makedirs(os.path.join(eval_out, 'candidates'), exist_ok=True)
    by_lang = defaultdict(list)
    for doc in read_jsonl(os.path.join(corpus, 'heldout.jsonl')):
        by_lang[doc['lang']].append(doc)
    chosen = []
    for lang, docs in sorted(by_lang.items()):
        docs.sort(key=lambda d: hashlib.sha256(f"{seed}:{d['id']}".encode()).hexdigest())
        chosen += docs[:docs_per_lang]
    sets = {name: defaultdict(list) for name in ('infill-single', 'infill-multi', 'edit', 'infill-empty')}
    pool = _pool(workers)
    for doc_id, lang, single, multi, edits, empty in _map(pool, _eval_doc, chosen):
        for k, e in enumerate(single):
            sets['infill-single'][lang].append({'task_id': f'single/{doc_id}/{k}', 'lang': lang, 'kind': e['kind'],
                                                'prefix': e['prefix'], 'suffix': e['suffix'], 'middle': e['middle']})
        for k, e in enumerate(multi):
            sets['infill-multi'][lang].append({'task_id': f'multi/{doc_id}/{k}', 'lang': lang, 'kind': e['kind'],
                                               'prefix': e['prefix'], 'suffix': e['suffix'], 'middle': e['middle']})
        for k, e in enumerate(edits):
            sets['edit'][lang].append({'task_id': f'edit/{doc_id}/{k}', 'lang': lang, 'family': e['family'],
                                       'code': e['code'], 'instruction': e['instruction'], 'new_code': e['new_code']})
        for k, e in enumerate(empty):
            sets['infill-empty'][lang].append({'task_id': f'empty/{doc_id}/{k}', 'lang': lang, 'kind': e['kind'],
                                               'prefix': e['prefix'], 'suffix': e['suffix'], 'middle': e['middle']})
    if pool:
        pool.close()
    counts = Counter()
    for name, langs in sets.items():
        # mix kinds/families within a language before interleaving languages
        for lang in langs:
            doc_rng(seed, 'eval-order', f'{name}:{lang}').shuffle(langs[lang])
        items = _interleave(langs)
        with open(os.path.join(eval_out, 'candidates', name + '.jsonl'), 'w', encoding='utf-8') as f:
            for it in items:
                f.write(json.dumps(it, ensure_ascii=False) + '\n')
        counts[name] = len(items)
    return counts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--eval-out', required=True)
    ap.add_argument('--seed', type=int, default=1234)
    ap.add_argument('--workers', type=int, default=max(1, min(2, os.cpu_count() or 1)))
    ap.add_argument('--fim-per-file', type=int, default=6, help='most FIM examples from one file')
    ap.add_argument('--edits-per-file', type=int, default=4, help='most edit examples from one file')
    ap.add_argument('--eval-docs-per-lang', type=int, default=120)
    args = ap.parse_args(argv)
    _ARGS.update(seed=args.seed, fim_cap=args.fim_per_file, edit_cap=args.edits_per_file)
    sys.setrecursionlimit(10000)
    t0 = time.time()
    counts = build_sft(args.corpus, args.out, args.workers)
    t1 = time.time()
    ev = build_eval_candidates(args.corpus, args.eval_out, args.workers, args.eval_docs_per_lang, args.seed)
    t2 = time.time()
    summary = {
        'fim': {k[1]: v for k, v in sorted(counts.items()) if k[0] == 'fim'},
        'edit': {k[1]: v for k, v in sorted(counts.items()) if k[0] == 'edit'},
        'eval_candidates': dict(ev), 'seconds': {'sft': round(t1 - t0, 1), 'eval': round(t2 - t1, 1)},
    }
    with open(os.path.join(args.out, 'sft', 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary))


if __name__ == '__main__':
    main()
