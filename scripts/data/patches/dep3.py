"""DEP-3 patch files: the description header and the unified diff, and one edit example per hunk
(code = context + removed lines, new code = context + added lines, instruction = the description)."""
import re

LANG_BY_EXT = {
    '.py': 'python', '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.ts': 'typescript',
    '.go': 'go', '.rs': 'rust', '.java': 'java', '.c': 'c', '.h': 'c', '.cc': 'cpp', '.cpp': 'cpp', '.cxx': 'cpp',
    '.hpp': 'cpp', '.hh': 'cpp', '.hxx': 'cpp', '.sh': 'shell', '.bash': 'shell',
}
MAX_HUNK_LINES = 60
MAX_HUNK_CHARS = 3000
_HUNK = re.compile(r'^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@')


def _header_fields(header_lines):
    """Description/Subject: first line, and the long description (continuation lines)."""
    short, long_lines, cur = None, [], None
    for line in header_lines:
        m = re.match(r'^(Description|Subject):\s*(.*)$', line, re.I)
        if m and short is None:
            short, cur = m.group(2).strip(), 'desc'
            continue
        if cur == 'desc' and line[:1] in (' ', '\t'):
            t = line.strip()
            long_lines.append('' if t == '.' else t)
            continue
        cur = None
    if short is not None:
        short = re.sub(r'^\[PATCH[^\]]*\]\s*', '', short).strip()
    return short, '\n'.join(long_lines).strip()


def parse_patch(text):
    """{'description', 'long_description', 'files': [{'path', 'hunks': [[lines]]}]}."""
    lines = text.splitlines(keepends=True)
    i, header = 0, []
    while i < len(lines) and not lines[i].startswith('--- ') and not lines[i].startswith('diff --git') \
            and not lines[i].startswith('Index: '):
        header.append(lines[i].rstrip('\n'))
        i += 1
    short, long_desc = _header_fields(header)
    files, cur = [], None
    while i < len(lines):
        line = lines[i]
        if line.startswith('+++ '):
            path = line[4:].split('\t')[0].strip()
            path = re.sub(r'^[ab]/', '', path)
            cur = {'path': path, 'hunks': []}
            files.append(cur)
        elif _HUNK.match(line) and cur is not None:
            cur['hunks'].append([])
        elif cur is not None and cur['hunks'] and line[:1] in (' ', '-', '+', '\\') and not line.startswith('--- '):
            if not line.startswith('\\'):
                cur['hunks'][-1].append(line)
        elif cur is not None and cur['hunks'] and line in ('\n', '\r\n'):
            cur['hunks'][-1].append(' ' + line)  # an empty context line whose space was stripped
        i += 1
    return {'description': short, 'long_description': long_desc, 'files': files}


def _instruction(patch):
    d = patch['description']
    long_desc = patch['long_description']
    first = long_desc.split('\n\n')[0].replace('\n', ' ') if long_desc else ''
    if first and first[0].islower() and not d.endswith(('.', ':', ')')):
        d, first = d + ' ' + first, ''  # a summary wrapped onto the next line
    if first and len(first) < 400 and len(d) < 60:
        return d.rstrip('.') + '. ' + first
    return d


def hunks_to_examples(patch):
    d = patch['description']
    if not d or len(d) < 8:
        return []
    out = []
    for f in patch['files']:
        ext = '.' + f['path'].rsplit('.', 1)[-1] if '.' in f['path'].rsplit('/', 1)[-1] else ''
        lang = LANG_BY_EXT.get(ext.lower())
        if lang is None:
            continue
        for hunk in f['hunks']:
            if not any(l[0] in '+-' for l in hunk) or len(hunk) > MAX_HUNK_LINES:
                continue
            code = ''.join(l[1:] for l in hunk if l[0] in ' -')
            new = ''.join(l[1:] for l in hunk if l[0] in ' +')
            if code == new or len(code) + len(new) > MAX_HUNK_CHARS or not new.strip():
                continue
            out.append({'lang': lang, 'path': f['path'], 'instruction': _instruction(patch), 'code': code, 'new_code': new})
    return out
