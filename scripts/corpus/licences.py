"""Which files we may train on: package licences (Debian copyright files, npm package.json) and licence
notices in file headers.

Policy: keep MIT, BSD-*, Apache-2.0, ISC, PSF/Python-2.0, Zlib, Unlicense, 0BSD, CC0, BSL-1.0 (and their
plain variants: Expat, X11, MIT-0, Go's BSD licence, curl's MIT-style licence, public domain, Apache-2.0
WITH LLVM-exception); drop GPL/LGPL/AGPL/MPL/EPL and anything unknown. "A or B" is kept when one side is
kept; "A and B" only when both are.

A file's own header wins over its package: a GPL notice drops a file of an MIT package, and a file that
states a permissive licence (and mentions no copyleft one) is kept even in a GPL package (this is how
the Apache-licensed XML code inside the JDK's GPL+Classpath src.zip gets in).
"""
import os
import re

# Canonical name for each accepted licence spelling (lower-case keys, spaces/underscores -> '-').
_PERMISSIVE = {
    'mit': 'MIT', 'expat': 'MIT', 'x11': 'MIT', 'mit-0': 'MIT-0', 'mit/x11': 'MIT', 'mit-like': 'MIT',
    'curl': 'curl', 'apache-2.0': 'Apache-2.0', 'apache-2': 'Apache-2.0', 'apache2': 'Apache-2.0',
    'apache-2.0+': 'Apache-2.0', 'apache': 'Apache-2.0', 'apache-license-2.0': 'Apache-2.0',
    'apache-2.0-with-llvm-exception': 'Apache-2.0 WITH LLVM-exception',
    'isc': 'ISC', 'psf': 'PSF-2.0', 'psf-2': 'PSF-2.0', 'psf-2.0': 'PSF-2.0', 'python': 'Python-2.0',
    'python-2.0': 'Python-2.0', 'psfl': 'PSF-2.0', 'zlib': 'Zlib', 'zlib/libpng': 'Zlib',
    'unlicense': 'Unlicense', 'the-unlicense': 'Unlicense', '0bsd': '0BSD', 'cc0': 'CC0-1.0',
    'cc0-1.0': 'CC0-1.0', 'bsl-1.0': 'BSL-1.0', 'bsl-1': 'BSL-1.0', 'bsl': 'BSL-1.0', 'boost': 'BSL-1.0',
    'boost-1.0': 'BSL-1.0',
    'go': 'BSD-3-Clause', 'public-domain': 'public-domain', 'publicdomain': 'public-domain',
}
_BSD = re.compile(r'^bsd(-[1234]-clause)?(-(clear|new|modified|lbnl|attribution|patent|views|original|uc))?$')


def canonical(name):
    """Canonical name of one permissive licence, or None if it is not on the keep list."""
    key = re.sub(r'[\s_]+', '-', name.strip().strip('()').lower())
    key = key.replace('-licence', '').replace('-license', '')
    key = key.split('~')[0]  # Debian's local variants: 'BSD-3-Clause~Google'
    if key in _PERMISSIVE:
        return _PERMISSIVE[key]
    if key.startswith('apache') and 'llvm' in key:
        return 'Apache-2.0 WITH LLVM-exception'
    if re.fullmatch(r'bsd-[1234]', key):
        return key.upper() + '-Clause'
    if key.startswith('bsd'):
        key = key.replace('bsd-clause', 'bsd').replace('clause-bsd', 'bsd')
        if _BSD.match(key) or key in ('bsd', 'bsd-like', 'bsd-style', 'bsd-new', 'bsd-simplified'):
            return key.upper().replace('CLAUSE', 'Clause') if '-clause' in key else 'BSD'
    if re.fullmatch(r'3-clause-bsd|2-clause-bsd|new-bsd|simplified-bsd|modified-bsd', key):
        return 'BSD'
    return None


_SEPARATORS = {
    'or': re.compile(r'\s+or\s+|\s*\|\s*', re.I),
    'and': re.compile(r'\s+and\s+|\s*,\s*', re.I),
}


def _split_top(expr, kind):
    """Split `expr` on 'or' (or '|') / 'and' (or ',') outside parentheses."""
    parts, depth, start, i = [], 0, 0, 0
    sep = _SEPARATORS[kind]
    while i < len(expr):
        c = expr[i]
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        elif depth == 0:
            m = sep.match(expr, i)
            if m and m.end() > i:
                parts.append(expr[start:i])
                start = i = m.end()
                continue
        i += 1
    parts.append(expr[start:])
    return [p.strip() for p in parts if p.strip()]


def evaluate(expr):
    """Licence expression -> (kept, canonical text). Handles SPDX and Debian spellings ('or', 'and',
    '|', ',', 'WITH')."""
    if not expr or not expr.strip():
        return False, 'unknown'
    expr = expr.strip()
    while expr.startswith('(') and expr.endswith(')') and _balanced(expr[1:-1]):
        expr = expr[1:-1].strip()
    if canonical(expr):
        return True, canonical(expr)
    alts = _split_top(expr, 'or')
    if len(alts) > 1:
        results = [evaluate(a) for a in alts]
        kept = [r for r in results if r[0]]
        return (True, kept[0][1]) if kept else (False, ' OR '.join(r[1] for r in results))
    alls = _split_top(expr, 'and')
    if len(alls) > 1:
        results = [evaluate(a) for a in alls]
        ok = all(r[0] for r in results)
        return ok, ' AND '.join(r[1] for r in results)
    m = re.match(r'^(.*?)\s+with\s+(.*)$', expr, re.I)
    if m:
        base, exc = m.group(1), m.group(2)
        if canonical(base) == 'Apache-2.0' and 'llvm' in exc.lower():
            return True, 'Apache-2.0 WITH LLVM-exception'
        return (canonical(base) is not None), f'{base} WITH {exc}'
    c = canonical(expr)
    return (True, c) if c else (False, expr)


def _balanced(s):
    depth = 0
    for c in s:
        depth += c == '('
        depth -= c == ')'
        if depth < 0:
            return False
    return depth == 0


def npm_licence(package_json):
    """The licence expression of an npm package.json (the `license` string, or the old `licenses`
    list, which means any of them)."""
    lic = package_json.get('license')
    if isinstance(lic, dict):
        lic = lic.get('type')
    if isinstance(lic, str) and lic.strip():
        return lic.strip()
    lics = package_json.get('licenses')
    if isinstance(lics, list):
        names = [x.get('type') if isinstance(x, dict) else x for x in lics]
        names = [n for n in names if isinstance(n, str)]
        if names:
            return ' OR '.join(names)
    return 'unknown'


# Licence texts (first phrase found wins) for copyright files that are not machine-readable.
_TEXT_CLUES = [
    (re.compile(r'GNU (Affero|AFFERO)'), 'AGPL'),
    (re.compile(r'GNU (Lesser|LESSER|Library|LIBRARY) (General|GENERAL)'), 'LGPL'),
    (re.compile(r'GNU (General|GENERAL) (Public|PUBLIC)'), 'GPL'),
    (re.compile(r'Mozilla Public License'), 'MPL'),
    (re.compile(r'Eclipse Public License'), 'EPL'),
    (re.compile(r'PYTHON SOFTWARE FOUNDATION LICENSE|Python Software Foundation License'), 'PSF-2.0'),
    (re.compile(r'Apache License,? Version 2\.0|Licensed under the Apache License'), 'Apache-2.0'),
    (re.compile(r'Boost Software License'), 'BSL-1.0'),
    (re.compile(r'Permission is hereby granted, free of charge'), 'MIT'),
    (re.compile(r'Redistribution and use in source and binary forms'), 'BSD'),
    (re.compile(r'Permission to use, copy, modify, and(/or)? distribute this software for any'), 'ISC'),
]


def licence_from_text(text):
    """Licence named by the earliest recognised licence text in `text`, or 'unknown'."""
    best = None
    for pat, name in _TEXT_CLUES:
        m = pat.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else 'unknown'


def _dep5_paragraphs(text):
    paras, cur, key = [], {}, None
    for line in text.splitlines():
        if not line.strip():
            if cur:
                paras.append(cur)
            cur, key = {}, None
            continue
        if line[0] in ' \t' and key:
            cur[key] += '\n' + line.strip()
            continue
        m = re.match(r'^([A-Za-z-]+):\s*(.*)$', line)
        if m:
            key = m.group(1).lower()
            cur[key] = m.group(2).strip()
    if cur:
        paras.append(cur)
    return paras


def debian_copyright_licence(text):
    """Main licence of a Debian package from its copyright file: the `Files: *` paragraph of a
    machine-readable file (else its first Files paragraph), or the first licence text recognised in a
    free-form file."""
    if text.lstrip().startswith('Format:'):
        files = [p for p in _dep5_paragraphs(text) if 'files' in p and 'license' in p]
        for p in files:
            if '*' in p['files'].split():
                return p['license'].split('\n')[0].strip() or licence_from_text(p['license'])
        if files:
            first = files[0]['license']
            return first.split('\n')[0].strip() or licence_from_text(first)
        return 'unknown'
    return licence_from_text(text)


def debian_package_licence(package, doc_root='/usr/share/doc'):
    path = os.path.join(doc_root, package, 'copyright')
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return debian_copyright_licence(f.read())
    except OSError:
        return 'unknown'


# Licence notices in file headers.
_COPYLEFT_NOTICE = re.compile(
    r'GNU (Affero |AFFERO |Lesser |LESSER |Library |LIBRARY )?(General|GENERAL) (Public|PUBLIC)'
    r'|\b(A|L)?GPL(v?[23](\.[01])?\+?|-[23]\.0)\b|Mozilla Public License|Eclipse Public License'
    r'|Common Development and Distribution License|Server Side Public License|Business Source License'
    r'|Creative Commons Attribution-ShareAlike|\bCC[- ]BY-SA\b|Commons Clause'
)
_PERMISSIVE_NOTICES = [
    (re.compile(r'Licensed to the Apache Software Foundation|Licensed under the Apache License'), 'Apache-2.0'),
    (re.compile(r'Permission is hereby granted, free of charge|Licensed under the MIT [Ll]icen[cs]e'), 'MIT'),
    (re.compile(r'Redistribution and use in source and binary forms'), 'BSD'),
    (re.compile(r'Boost Software License'), 'BSL-1.0'),
    (re.compile(r'Permission to use, copy, modify, and(/or)? distribute this software for any'), 'ISC'),
    (re.compile(r'released into the public domain|placed in the public domain'), 'public-domain'),
]
_SPDX = re.compile(r'SPDX-License-Identifier:\s*([^\n*]+?)\s*(\*/|-->|$)', re.M)

HEADER_CHARS = 3000


def header_licence(text):
    """('drop'|'keep'|None, what) from the licence notice in the first HEADER_CHARS characters.
    An SPDX line decides alone; otherwise any copyleft notice means drop, a permissive one keep."""
    head = text[:HEADER_CHARS]
    m = _SPDX.search(head)
    if m:
        ok, name = evaluate(m.group(1))
        return ('keep' if ok else 'drop'), name
    m = _COPYLEFT_NOTICE.search(head)
    if m:
        return 'drop', m.group(0)
    for pat, name in _PERMISSIVE_NOTICES:
        if pat.search(head):
            return 'keep', name
    return None, None


def file_verdict(package_licence, text):
    """(kept, licence label, reason) for one file: the header decides when it names a licence,
    else the package's licence does."""
    verdict, what = header_licence(text)
    pkg_ok, pkg_name = evaluate(package_licence)
    if verdict == 'drop':
        return False, pkg_name, 'licence_file_header'
    if verdict == 'keep' and not pkg_ok:
        return True, f'{what} (file header; package: {pkg_name})', None
    if not pkg_ok:
        return False, pkg_name, 'licence_package'
    return True, pkg_name, None
