"""Character-boundary rules shared by every transformation that cuts text.

Python strings are code points, so a slice never splits a UTF-8 sequence; what can still go wrong is
splitting "\r\n" or separating a combining mark / zero-width joiner / variation selector from its base.
"""
import unicodedata

_JOINERS = {'\u200d', '\u200c'}


def _attaches_left(ch):
    """A char that belongs to the char before it (so a cut must not fall just before it)."""
    if ch in _JOINERS or '\ufe00' <= ch <= '\ufe0f' or '\U000e0100' <= ch <= '\U000e01ef':
        return True
    if '\U0001f3fb' <= ch <= '\U0001f3ff':  # skin-tone modifiers
        return True
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch) in ('Mn', 'Me')


def is_safe_cut(text, i):
    if i <= 0 or i >= len(text):
        return True
    if text[i - 1] == '\r' and text[i] == '\n':
        return False
    if text[i - 1] in _JOINERS:
        return False
    return not _attaches_left(text[i])


def safe_cut(text, i, direction=-1):
    """Nearest safe cut at or next to i, moving left (direction -1) or right (+1)."""
    i = max(0, min(len(text), i))
    while not is_safe_cut(text, i):
        i += direction
    return i


def line_spans(text):
    """[(start, end_without_newline, end_with_newline)] for each line."""
    spans = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find('\n', pos)
        if nl < 0:
            spans.append((pos, n, n))
            break
        end = nl - 1 if nl > pos and text[nl - 1] == '\r' else nl
        spans.append((pos, end, nl + 1))
        pos = nl + 1
    return spans


def indent_of(line):
    return len(line) - len(line.lstrip(' \t'))
