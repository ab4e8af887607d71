"""A small stand-in corpus in the real corpus's JSONL format, made from source files this machine has.

Used to develop and test the data pipeline before build/corpus/ exists. One JSON object a line:
{"id","lang","path","source","license","text"}; about 1 in 8 files goes to heldout.jsonl.

    python3 scripts/data/make_sample_corpus.py --out build/sample-corpus [--per-lang 160]
"""
import argparse
import glob
import hashlib
import io
import json
import os
import zipfile

# (lang, source name, license, glob patterns). Java comes from the JDK's src.zip.
SOURCES = [
    ('python', 'cpython-3.11-stdlib', 'PSF-2.0', ['/usr/lib/python3.11/**/*.py']),
    ('typescript', 'node_modules', 'MIT', ['node_modules/**/*.ts']),
    ('javascript', 'node_modules', 'MIT', ['node_modules/**/*.js', 'node_modules/**/*.mjs']),
    ('go', 'go-1.19-src', 'BSD-3-Clause', ['/usr/share/go-1.19/src/**/*.go']),
    ('rust', 'rustc-1.63-src', 'MIT OR Apache-2.0', ['/usr/src/rustc-1.63.0/library/**/*.rs',
                                                     '/usr/src/rustc-1.63.0/compiler/**/*.rs']),
    ('c', 'system-headers', 'various', ['/usr/include/**/*.h', '/usr/share/go-1.19/src/**/*.c']),
    ('cpp', 'torch-sources', 'BSD-3-Clause', ['/usr/lib/python3/dist-packages/torch/include/**/*.h',
                                              '/root/.pyenv/versions/*/lib/**/*.cpp']),
    ('shell', 'system-scripts', 'various', ['/usr/share/go-1.19/src/**/*.bash', '/usr/share/**/*.sh',
                                            '/usr/bin/*.sh', '/usr/lib/git-core/git-sh-*']),
]
JAVA_ZIP = '/usr/lib/jvm/java-17-openjdk-amd64/lib/src.zip'


def stable_hash(s):
    return int(hashlib.sha1(s.encode()).hexdigest()[:12], 16)


def keep_text(text):
    return 200 <= len(text) <= 60000 and '\x00' not in text


def files_for(patterns):
    seen = set()
    for pat in patterns:
        for p in glob.glob(pat, recursive=True):
            if os.path.isfile(p) and p not in seen and not p.endswith('.d.ts'):
                seen.add(p)
    return sorted(seen, key=stable_hash)


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8')
    except (UnicodeDecodeError, OSError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='build/sample-corpus')
    ap.add_argument('--per-lang', type=int, default=160)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    docs = []
    for lang, source, lic, pats in SOURCES:
        n = 0
        for p in files_for(pats):
            text = read(p)
            if text is None or not keep_text(text):
                continue
            docs.append({'lang': lang, 'path': p, 'source': source, 'license': lic, 'text': text})
            n += 1
            if n >= args.per_lang:
                break
    if os.path.exists(JAVA_ZIP):
        with zipfile.ZipFile(JAVA_ZIP) as z:
            names = sorted((n for n in z.namelist() if n.endswith('.java') and n.startswith('java.base/')), key=stable_hash)
            n = 0
            for name in names:
                text = z.read(name).decode('utf-8', 'replace')
                if not keep_text(text):
                    continue
                docs.append({'lang': 'java', 'path': name, 'source': 'openjdk-17', 'license': 'GPL-2.0-with-classpath-exception', 'text': text})
                n += 1
                if n >= args.per_lang:
                    break
    counts = {}
    with open(os.path.join(args.out, 'train.jsonl'), 'w') as tr, open(os.path.join(args.out, 'heldout.jsonl'), 'w') as ho:
        for i, d in enumerate(docs):
            d = {'id': f"sample-{stable_hash(d['path']):012x}", **d}
            split = 'heldout' if stable_hash('split:' + d['path']) % 8 == 0 else 'train'
            (ho if split == 'heldout' else tr).write(json.dumps(d, ensure_ascii=False) + '\n')
            counts[(d['lang'], split)] = counts.get((d['lang'], split), 0) + 1
    for k in sorted(counts):
        print(*k, counts[k])


if __name__ == '__main__':
    main()
