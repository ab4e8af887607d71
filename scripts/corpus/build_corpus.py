#!/usr/bin/env python3
"""Builds the training corpus from source files reachable on this machine (see README.md).

    sudo sh scripts/corpus/install-debian-packages.sh
    sh scripts/corpus/install-npm-packages.sh
    python3 scripts/corpus/build_corpus.py --out build/corpus

Writes OUT/train.jsonl and OUT/heldout.jsonl (one JSON object per file:
{"id","lang","path","source","license","text"}) and OUT/report.json (sizes per language and split, and
what every filter dropped).
"""
import argparse
import collections
import hashlib
import json
import multiprocessing
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

from corpus import decontamination, dedupe, filters, languages, licences, sources  # noqa: E402

# Default byte caps per language, chosen so that Python and TS/JS are the largest shares while every
# language keeps a real amount (files beyond a cap are dropped in a fixed hash order).
DEFAULT_LANG_CAPS_MB = {
    'python': 70, 'typescript': 40, 'javascript': 45, 'go': 25, 'rust': 25, 'java': 20, 'c': 15,
    'cpp': 25, 'shell': 10,
}
DEFAULT_PACKAGE_CAP_MB = 8
# Languages with essentially one permissive source get that source up to the language cap: Java here is
# the JDK's Apache-licensed code plus a little Android code from npm.
PACKAGE_CAP_EXEMPT_LANGS = {'java'}
# TypeScript declaration files (.d.ts) are plentiful in npm packages; without a cap they would be ~40 %
# of the TypeScript, crowding out implementation code.
DECLARATIONS_CAP_MB = 10
HELDOUT_RATE = 0.02
HELDOUT_MIN_PER_LANG = 40


def unit_hash(s):
    return int.from_bytes(hashlib.sha1(s.encode('utf-8')).digest()[:8], 'big') / 2**64


def file_id(source, path):
    return hashlib.sha1(f'{source}\0{path}'.encode('utf-8')).hexdigest()[:16]


def process(item):
    """All per-file work (runs in worker processes): filters, licence, decontamination, hashes."""
    idx, (source, path, package_licence, location, from_npm) = item
    lang = sources._code_language(path.split('!/')[-1])
    reason = filters.path_reason(path, from_npm)
    if reason:
        return ('drop', idx, reason, sources.size_of(location) or 0, lang)
    size = sources.size_of(location)
    if size is not None and filters.size_reason(size):
        return ('drop', idx, filters.size_reason(size), size, lang)
    try:
        data = sources.read_bytes(location)
    except OSError:
        return ('drop', idx, 'unreadable', 0, lang)
    if lang == 'maybe-shell':
        if not languages.is_shell_script(data[:64]):
            return ('skip', idx)
        lang = 'shell'
    reason = filters.size_reason(len(data))
    if reason:
        return ('drop', idx, reason, len(data), lang)
    text, reason = filters.decode(data)
    if reason:
        return ('drop', idx, reason, len(data), lang)
    if lang == 'header':
        lang = languages.header_language(text)
    kept, licence, reason = licences.file_verdict(package_licence, text)
    if not kept:
        return ('drop', idx, reason, len(data), lang)
    reason = filters.text_reason(text) or decontamination.check(text)
    if reason:
        return ('drop', idx, reason, len(data), lang)
    return ('keep', idx, lang, licence, text, dedupe.normalized_hash(text), dedupe.minhash(text))


class Drops:
    """Files and bytes each filter dropped, per language, with example paths to audit the filter by."""
    EXAMPLES = 8
    EXAMPLES_DECONTAM = 200  # few, and worth checking one by one

    # Listed even when nothing was dropped, so the report shows the rule ran.
    ALWAYS = ('decontam_humaneval_name', 'decontam_humaneval_phrase', 'decontam_humaneval_harness',
              'decontam_mbpp', 'decontam_contest_statement', 'decontam_leetcode', 'decontam_benchmark_data',
              'exact_duplicate', 'near_duplicate')

    def __init__(self):
        self.by_reason = collections.defaultdict(
            lambda: {'files': 0, 'bytes': 0, 'by_lang': collections.Counter(), 'examples': []})
        for reason in self.ALWAYS:
            self.by_reason[reason]

    def add(self, reason, nbytes, lang, path=None):
        r = self.by_reason[reason]
        r['files'] += 1
        r['bytes'] += nbytes
        r['by_lang'][lang or '?'] += 1
        limit = self.EXAMPLES_DECONTAM if reason.startswith('decontam') else self.EXAMPLES
        if path and len(r['examples']) < limit:
            r['examples'].append(path)

    def as_dict(self):
        return {k: {'files': v['files'], 'bytes': v['bytes'], 'by_lang': dict(sorted(v['by_lang'].items())),
                    'examples': v['examples']}
                for k, v in sorted(self.by_reason.items())}


def apply_cap(docs, key, cap_bytes_of, drops, reason):
    """Keeps, per group (key(doc)), documents in hash order until the group's byte cap."""
    used = collections.Counter()
    kept = []
    for d in sorted(docs, key=lambda d: unit_hash('cap:' + d['id'])):
        g = key(d)
        cap = cap_bytes_of(g)
        n = len(d['text'].encode('utf-8'))
        if cap is not None and used[g] + n > cap:
            drops.add(reason, n, d['lang'], d['path'])
            continue
        used[g] += n
        kept.append(d)
    return kept


def parse_caps(spec):
    caps = dict(DEFAULT_LANG_CAPS_MB)
    for part in filter(None, (spec or '').split(',')):
        k, v = part.split('=')
        caps[k.strip()] = float(v)
    return caps


def main():
    if os.environ.get('PYTHONHASHSEED') != '0':
        # MinHash hashes words with str.__hash__: fix its seed so signatures (and so which near-duplicates
        # are dropped) are the same on every run.
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, 'PYTHONHASHSEED': '0'})
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default='build/corpus')
    ap.add_argument('--npm-root', default='build/corpus-sources/npm')
    ap.add_argument('--workers', type=int, default=os.cpu_count())
    ap.add_argument('--package-cap-mb', type=float, default=DEFAULT_PACKAGE_CAP_MB)
    ap.add_argument('--lang-caps-mb', default='', help='e.g. python=80,go=20 (overrides the defaults)')
    ap.add_argument('--sources', default='debian,npm', help='which of debian,npm to read (for a quick try)')
    ap.add_argument('--limit', type=int, default=0, help='only the first N candidates (for a quick try)')
    args = ap.parse_args()
    lang_caps = parse_caps(args.lang_caps_mb)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    timings = {}

    wanted = set(args.sources.split(','))
    candidates = (list(sources.debian_candidates()) if 'debian' in wanted else []) + \
        (list(sources.npm_candidates(args.npm_root)) if 'npm' in wanted else [])
    if args.limit:
        candidates = candidates[:args.limit]
    timings['enumerate_s'] = round(time.time() - t0, 1)
    print(f'{len(candidates)} candidate files ({timings["enumerate_s"]}s)', flush=True)

    drops = Drops()
    kept = []
    t1 = time.time()
    with multiprocessing.Pool(args.workers) as pool:
        for n, r in enumerate(pool.imap(process, enumerate(candidates), chunksize=32)):
            if r[0] == 'drop':
                _, idx, reason, nbytes, lang = r
                drops.add(reason, nbytes, lang, candidates[idx][1])
            elif r[0] == 'keep':
                _, idx, lang, licence, text, h, sig = r
                source, path = candidates[idx][0], candidates[idx][1]
                kept.append({'idx': idx, 'id': file_id(source, path), 'lang': lang, 'path': path,
                             'source': source, 'license': licence, 'text': text, 'hash': h, 'sig': sig})
            if n and n % 20000 == 0:
                print(f'  {n} files read, {len(kept)} kept so far ({time.time() - t1:.0f}s)', flush=True)
    timings['filter_s'] = round(time.time() - t1, 1)
    print(f'{len(kept)} files pass the filters ({timings["filter_s"]}s)', flush=True)

    t2 = time.time()
    seen, unique = set(), []
    for d in kept:  # candidate order: the first copy wins
        if d['hash'] in seen:
            drops.add('exact_duplicate', len(d['text'].encode('utf-8')), d['lang'], d['path'])
        else:
            seen.add(d['hash'])
            unique.append(d)
    near = dedupe.near_duplicates([d['sig'] for d in unique])
    docs = []
    for i, d in enumerate(unique):
        if i in near:
            drops.add('near_duplicate', len(d['text'].encode('utf-8')), d['lang'], d['path'])
        else:
            docs.append(d)
    timings['dedupe_s'] = round(time.time() - t2, 1)
    print(f'{len(docs)} files after dedupe ({timings["dedupe_s"]}s)', flush=True)

    # Per package and language, so a big package's Python does not crowd out its few shell scripts.
    docs = apply_cap(docs, lambda d: (d['source'], d['lang']),
                     lambda g: None if g[1] in PACKAGE_CAP_EXEMPT_LANGS else args.package_cap_mb * 1e6,
                     drops, 'package_cap')
    docs = apply_cap(docs, lambda d: d['path'].endswith(('.d.ts', '.d.mts', '.d.cts')),
                     lambda is_declaration: DECLARATIONS_CAP_MB * 1e6 if is_declaration else None,
                     drops, 'declarations_cap')
    docs = apply_cap(docs, lambda d: d['lang'], lambda g: lang_caps.get(g, 0) * 1e6 if g in lang_caps else None,
                     drops, 'language_cap')

    per_lang = collections.Counter(d['lang'] for d in docs)
    rate = {lang: max(HELDOUT_RATE, min(0.10, HELDOUT_MIN_PER_LANG / n)) for lang, n in per_lang.items()}
    splits = {'train': [], 'heldout': []}
    for d in sorted(docs, key=lambda d: unit_hash('order:' + d['id'])):
        split = 'heldout' if unit_hash('heldout:' + d['id']) < rate[d['lang']] else 'train'
        splits[split].append(d)

    t3 = time.time()
    stats = {}
    for split, items in splits.items():
        s = stats[split] = collections.defaultdict(lambda: {'files': 0, 'bytes': 0})
        with open(os.path.join(args.out, f'{split}.jsonl'), 'w', encoding='utf-8') as f:
            for d in items:
                rec = {k: d[k] for k in ('id', 'lang', 'path', 'source', 'license', 'text')}
                f.write(json.dumps(rec, ensure_ascii=False) + '\n')
                n = len(d['text'].encode('utf-8'))
                for key in (d['lang'], 'all'):
                    s[key]['files'] += 1
                    s[key]['bytes'] += n
    timings['write_s'] = round(time.time() - t3, 1)
    timings['total_s'] = round(time.time() - t0, 1)

    by_source = collections.defaultdict(collections.Counter)
    licence_counts = collections.Counter()
    for d in docs:
        by_source[d['lang']][d['source']] += len(d['text'].encode('utf-8'))
        licence_counts[d['license']] += 1
    report = {
        'command': ' '.join(['python3', 'scripts/corpus/build_corpus.py'] + sys.argv[1:]),
        'candidates': len(candidates),
        'splits': {k: dict(sorted(v.items())) for k, v in stats.items()},
        'heldout_rate_per_lang': {k: round(v, 4) for k, v in sorted(rate.items())},
        'dropped': drops.as_dict(),
        'caps_mb': {'package': args.package_cap_mb, 'package_cap_exempt': sorted(PACKAGE_CAP_EXEMPT_LANGS),
                    'typescript_declarations': DECLARATIONS_CAP_MB, 'language': lang_caps},
        'licences_kept': dict(licence_counts.most_common()),
        'top_sources_bytes': {lang: dict(c.most_common(12)) for lang, c in sorted(by_source.items())},
        'near_dedupe': {'num_perm': dedupe.NUM_PERM, 'bands': dedupe.BANDS, 'shingle_words': dedupe.SHINGLE,
                        'threshold': dedupe.THRESHOLD},
        'seconds': timings,
    }
    with open(os.path.join(args.out, 'report.json'), 'w') as f:
        json.dump(report, f, indent=2)
        f.write('\n')
    for split in ('train', 'heldout'):
        print(split, {k: f"{v['files']} files {v['bytes'] / 1e6:.1f} MB" for k, v in sorted(stats[split].items())})
    print('dropped', {k: v['files'] for k, v in drops.as_dict().items()})
    print(f'done in {timings["total_s"]}s')


if __name__ == '__main__':
    main()
