"""A small lexer for the C family, Go, Rust, JS/TS, Java and shell: enough to tell code from strings
and comments, so token-level transformations never touch text inside a literal or a comment.

Tokens are (kind, text, start) with kind in: ws nl comment string ident number op. Concatenating the
token texts gives the input back. `Lexed.ok` is False when a literal or comment does not end (the
caller then leaves the snippet alone).
"""
import re
from dataclasses import dataclass

C_FAMILY = {'c', 'cpp', 'java', 'javascript', 'typescript', 'go', 'rust'}
_IDENT = re.compile(r'[A-Za-z_$][A-Za-z0-9_$]*') 
_IDENT_NO_DOLLAR = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
_NUMBER = re.compile(r'0[xX][0-9a-fA-F_]+[uUlLnsi0-9]*|0[bB][01_]+[uUlLn]*|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[a-zA-Z0-9]*')
_OPS = ['>>>=', '<<=', '>>=', '===', '!==', '**=', '...', '::', '->', '=>', '==', '!=', '<=', '>=', '&&', '||',
        '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', ':=', '??', '?.']
_RUST_CHAR = re.compile(r"'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'\n])'")
_REGEX_BEFORE = set('(,=:[!&|?{};+-*%<>~^')
_OP_RE = re.compile('|'.join(re.escape(o) for o in _OPS) + '|.', re.S)
_WS_RE = re.compile(r'[ \t\r\f\v]+')


@dataclass
class Tok:
    kind: str
    text: str
    start: int

    @property
    def end(self):
        return self.start + len(self.text)


@dataclass
class Lexed:
    toks: list
    ok: bool


def _scan_quoted(text, i, q, escapes=True, multiline=False):
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if escapes and c == '\\':
            j += 2
            continue
        if c == q:
            return j + 1
        if c == '\n' and not multiline:
            return -1
        j += 1
    return -1


def _scan_regex(text, i):
    j, in_class, n = i + 1, False, len(text)
    while j < n:
        c = text[j]
        if c == '\\':
            j += 2
            continue
        if c == '\n':
            return -1
        if in_class:
            in_class = c != ']'
        elif c == '[':
            in_class = True
        elif c == '/':
            j += 1
            while j < n and text[j].isalpha():
                j += 1
            return j
        j += 1
    return -1


def lex(text, lang):
    toks, i, n, ok = [], 0, len(text), True
    shell = lang == 'shell'
    ident_re = _IDENT if lang in ('javascript', 'typescript') else _IDENT_NO_DOLLAR

    def prev_sig():
        for t in reversed(toks):
            if t.kind not in ('ws', 'nl', 'comment'):
                return t
        return None

    while i < n:
        c = text[i]
        if c == '\n':
            toks.append(Tok('nl', c, i)); i += 1; continue
        if c in ' \t\r\f\v':
            j = _WS_RE.match(text, i).end()
            toks.append(Tok('ws', text[i:j], i)); i = j; continue
        if shell:
            if c == '#' and (i == 0 or text[i - 1] in ' \t\n;'):
                j = text.find('\n', i); j = n if j < 0 else j
                toks.append(Tok('comment', text[i:j], i)); i = j; continue
            if c == "'":
                j = _scan_quoted(text, i, "'", escapes=False, multiline=True)
            elif c == '"':
                j = _scan_quoted(text, i, '"', multiline=True)
            else:
                j = None
            if j is not None:
                if j < 0:
                    ok = False; j = n
                toks.append(Tok('string', text[i:j], i)); i = j; continue
            if c == '\\' and i + 1 < n:
                toks.append(Tok('op', text[i:i + 2], i)); i += 2; continue
        else:
            if text.startswith('//', i):
                j = text.find('\n', i); j = n if j < 0 else j
                toks.append(Tok('comment', text[i:j], i)); i = j; continue
            if text.startswith('/*', i):
                j = text.find('*/', i + 2)
                if j < 0:
                    ok = False; j = n
                else:
                    j += 2
                toks.append(Tok('comment', text[i:j], i)); i = j; continue
            if lang == 'rust' and c == 'r' and re.match(r'r#*"', text[i:]):
                m = re.match(r'r(#*)"', text[i:])
                close = '"' + m.group(1)
                j = text.find(close, i + len(m.group()))
                if j < 0:
                    ok = False; j = n
                else:
                    j += len(close)
                toks.append(Tok('string', text[i:j], i)); i = j; continue
            if c == '"' or (c == '`' and lang in ('javascript', 'typescript', 'go')):
                j = _scan_quoted(text, i, c, escapes=not (c == '`' and lang == 'go'), multiline=c == '`')
                if j < 0:
                    ok = False; j = n
                toks.append(Tok('string', text[i:j], i)); i = j; continue
            if c == "'":
                if lang == 'rust':
                    m = _RUST_CHAR.match(text, i)
                    if m:
                        toks.append(Tok('string', m.group(), i)); i = m.end(); continue
                    toks.append(Tok('op', c, i)); i += 1; continue  # a lifetime
                j = _scan_quoted(text, i, "'")
                if j < 0:
                    ok = False; j = n
                toks.append(Tok('string', text[i:j], i)); i = j; continue
            if c == '/' and lang in ('javascript', 'typescript'):
                p = prev_sig()
                if p is None or (p.kind == 'op' and p.text[-1] in _REGEX_BEFORE) or (p.kind == 'ident' and p.text in ('return', 'typeof', 'case', 'in', 'of', 'yield', 'await')):
                    j = _scan_regex(text, i)
                    if j > 0:
                        toks.append(Tok('string', text[i:j], i)); i = j; continue
        m = ident_re.match(text, i)
        if m:
            toks.append(Tok('ident', m.group(), i)); i = m.end(); continue
        if c.isdigit() or (c == '.' and i + 1 < n and text[i + 1].isdigit()):
            m = _NUMBER.match(text, i)
            toks.append(Tok('number', m.group(), i)); i = m.end(); continue
        op = _OP_RE.match(text, i).group()
        toks.append(Tok('op', op, i)); i += len(op)
    return Lexed(toks, ok)


def significant(toks):
    return [t for t in toks if t.kind not in ('ws', 'nl', 'comment')]


def apply_replacements(text, reps):
    """reps: [(start, end, new_text)], non-overlapping."""
    out, pos = [], 0
    for s, e, new in sorted(reps):
        if s < pos:
            raise ValueError('overlapping replacements')
        out.append(text[pos:s]); out.append(new); pos = e
    out.append(text[pos:])
    return ''.join(out)
