"""What a user selects before asking for an edit, in languages other than Python (Python uses ast):
functions (with the doc comment above them) and balanced 5..40-line regions, found with the lexer.

A Snippet is a run of whole lines of the file; transformations work on its text alone.
"""
import re
from dataclasses import dataclass
from typing import Optional

from .lexer import lex

MIN_LINES, MAX_LINES = 4, 40
_NOT_FUNCS = {'if', 'for', 'while', 'switch', 'catch', 'else', 'do', 'try', 'return', 'sizeof', 'match', 'loop',
              'foreach', 'synchronized', 'with', 'using', 'elif', 'until', 'select', 'case', 'new', 'typeof'}
_NOT_HEADER_START = {'throw', 'return', 'new', 'else', 'case', 'catch', 'try', 'do', 'if', 'for', 'while', 'switch',
                     'await', 'yield', 'delete', 'typeof', 'goto', 'defer', 'go'}
_HEADERS = {
    'go': [re.compile(r'^\s*func\s+(?:\([^)]*\)\s*)?(\w+)\s*[\[(]')],
    'rust': [re.compile(r'^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+(\w+)')],
    'javascript': [re.compile(r'^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*\('),
                   re.compile(r'^\s*(?:export\s+)?(?:const|let|var)\s+(\w+)\s*=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|\w+\s*=>)'),
                   re.compile(r'^\s*(?:static\s+|async\s+|get\s+|set\s+)*(\w+)\s*\([^;]*\)\s*\{\s*$')],
    'java': [re.compile(r'^\s*(?:@\w+\s+)*(?:(?:public|private|protected|static|final|abstract|synchronized|native|default)\s+)*'
                        r'(?:<[^>]+>\s+)?[\w.<>\[\]?, ]+\s+(\w+)\s*\([^;]*$')],
    'c': [re.compile(r'^(?:static\s+|inline\s+|extern\s+|const\s+|unsigned\s+|signed\s+|struct\s+)*[A-Za-z_][\w]*[\s*]+\**(\w+)\s*\([^;]*$')],
    'shell': [re.compile(r'^\s*(?:function\s+)?([\w.:-]+)\s*\(\)\s*\{?\s*$'), re.compile(r'^\s*function\s+([\w.:-]+)\s*\{?\s*$')],
}
_HEADERS['typescript'] = [re.compile(r'^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*[<(]'),
                          re.compile(r'^\s*(?:export\s+)?(?:const|let)\s+(\w+)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|\w+\s*=>)'),
                          re.compile(r'^\s*(?:(?:public|private|protected|static|async|readonly|override|get|set)\s+)*(\w+)\s*(?:<[^>]*>)?\s*\(.*$')]
_HEADERS['cpp'] = [re.compile(r'^\s*(?:template\s*<[^>]*>\s*)?(?:(?:static|inline|virtual|explicit|constexpr|const|unsigned|signed|struct)\s+)*'
                              r'[A-Za-z_][\w:<>,]*[\s*&]+\**&?((?:\w+::)*~?\w+)\s*\([^;]*$'),
                   re.compile(r'^\s*((?:\w+::)+~?\w+)\s*\([^;]*$')]


@dataclass
class Snippet:
    lang: str
    text: str
    name: Optional[str]
    kind: str            # function | region
    doc_lines: int       # lines of doc comment at the top (function snippets)
    start_line: int      # 0-based line index in the file
    file_text: str


def _line_of_offsets(text):
    starts = [0]
    for i, ch in enumerate(text):
        if ch == '\n':
            starts.append(i + 1)
    return starts


def _line_index(starts, off):
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= off:
            lo = mid
        else:
            hi = mid - 1
    return lo


def analyse(text, lang):
    """Per-line facts: bracket depth at line start and whether the line start is inside a literal or
    comment; plus matching braces. None when the lexer is unsure of the file."""
    lexed = lex(text, lang)
    if not lexed.ok:
        return None
    starts = _line_of_offsets(text)
    nlines = len(starts)
    depth_at = [0] * (nlines + 1)
    inside = [False] * (nlines + 1)
    depth, stack, match = 0, [], {}
    line = 0
    for t in lexed.toks:
        if t.kind == 'nl':
            line += 1
            depth_at[line] = depth
            continue
        if t.kind in ('string', 'comment') and '\n' in t.text:
            first = _line_index(starts, t.start)
            last = _line_index(starts, t.end - 1) if t.text.endswith('\n') else _line_index(starts, t.end)
            for l in range(first + 1, last + 1):
                inside[l] = t.kind
                depth_at[l] = depth
            line = last
            continue
        if t.kind == 'op':
            if t.text in '([{':
                depth += 1
                stack.append(t)
            elif t.text in ')]}':
                depth -= 1
                if stack:
                    match[id(stack.pop())] = t
    return {'lexed': lexed, 'starts': starts, 'depth': depth_at, 'inside': inside, 'match': match}


def _doc_above(lines, i, lang):
    """Number of doc-comment lines directly above line i."""
    k = i
    if lang == 'shell' or lang == 'python':
        while k > 0 and lines[k - 1].lstrip().startswith('#') and not lines[k - 1].startswith('#!'):
            k -= 1
        return i - k
    if k > 0 and lines[k - 1].strip().endswith('*/'):
        while k > 0 and '/*' not in lines[k - 1]:
            k -= 1
        if k > 0 and lines[k - 1].lstrip().startswith('/*'):
            return i - (k - 1)
        return 0
    while k > 0 and lines[k - 1].lstrip().startswith('//'):
        k -= 1
    return i - k


def functions(text, lang, info=None):
    info = info or analyse(text, lang)
    if info is None:
        return []
    lines = text.split('\n')
    starts, match = info['starts'], info['match']
    out = []
    for t in info['lexed'].toks:
        if t.kind != 'op' or t.text != '{' or id(t) not in match:
            continue
        li = _line_index(starts, t.start)
        if info['inside'][li]:
            continue
        header, hi, name = None, li, None
        for back in range(0, 4):
            if li - back < 0:
                break
            cand = ' '.join(l.strip() for l in lines[li - back:li + 1])
            first_line = lines[li - back]
            for rx in _HEADERS.get(lang, []):
                m = rx.match(first_line if back else cand) or (rx.match(cand) if back else None)
                if m and m.group(1).split('::')[-1] not in _NOT_FUNCS:
                    header, hi, name = cand, li - back, m.group(1)
                    break
            if header:
                break
            if back == 0 and lines[li].strip() != '{' and not lines[li].lstrip().startswith(')'):
                # a one-line header that did not match: look further up only for a wrapped signature
                if ')' not in lines[li]:
                    break
        if header is None or info['inside'][hi]:
            continue
        if header.split()[0] in _NOT_HEADER_START or header.lstrip().startswith('}'):
            continue
        while hi > 0 and lines[hi - 1].lstrip().startswith('@'):
            hi -= 1  # annotations / decorators
        end = _line_index(starts, match[id(t)].start)
        if lines[end].strip() not in ('}', '};', '},', '});', '})'):
            continue
        n = end - hi + 1
        if n < MIN_LINES or n > MAX_LINES:
            continue
        doc = _doc_above(lines, hi, lang)
        first = hi - doc
        body = '\n'.join(lines[first:end + 1]) + ('\n' if end + 1 < len(lines) else '')
        out.append(Snippet(lang, body, name, 'function', doc, first, text))
    return out


def regions(rng, text, lang, count, info=None):
    """Up to `count` balanced regions of 5..40 lines."""
    info = info or analyse(text, lang)
    if info is None:
        return []
    lines = text.split('\n')
    n = len(lines)
    depth, inside = info['depth'], info['inside']
    out = []
    for _ in range(count * 4):
        if len(out) >= count or n < 6:
            break
        size = rng.randint(5, min(MAX_LINES, n - 1))
        a = rng.randrange(0, n - size)
        b = a + size  # exclusive
        if inside[a] or inside[b] or depth[a] != depth[b] or min(depth[a:b + 1]) < depth[a]:
            continue
        if not lines[a].strip() or not lines[b - 1].strip():
            continue
        body = '\n'.join(lines[a:b]) + '\n'
        out.append(Snippet(lang, body, None, 'region', 0, a, text))
    return out
