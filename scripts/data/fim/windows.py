"""How much text around the cursor an editor sends: up to ~2000 chars before, ~800 after, varied.

Shaped like src/completion/context.ts buildWindows: the prefix starts at a line start and the suffix
stops just before a line break (it does not include that '\n'), unless the file ends first.
"""
from ..text_units import safe_cut

MAX_PREFIX_CHARS = 2000
MAX_SUFFIX_CHARS = 800


def _budget(rng, cap):
    r = rng.random()
    if r < 0.7:
        return rng.randint(int(cap * 0.75), cap)  # a full window (the usual case)
    if r < 0.9:
        return rng.randint(int(cap * 0.1), int(cap * 0.75))
    return rng.randint(0, int(cap * 0.1))  # very little context


def cut_window(rng, text, start, end, max_prefix=MAX_PREFIX_CHARS, max_suffix=MAX_SUFFIX_CHARS, full=False):
    """(prefix, suffix) around the middle text[start:end]. Windows usually begin at a line start and end
    at a line end; `full` takes the maximum window (evaluation sets)."""
    pb = max_prefix if full else _budget(rng, max_prefix)
    sb = max_suffix if full else _budget(rng, max_suffix)
    p0 = max(0, start - pb)
    if p0 > 0 and (full or rng.random() < 0.9):
        nl = text.find('\n', p0, start)
        if nl >= 0:
            p0 = nl + 1
    s1 = min(len(text), end + sb)
    if s1 < len(text) and (full or rng.random() < 0.9):
        nl = text.rfind('\n', end, s1 + 1)
        if nl >= 0:
            s1 = nl
            if s1 > end and text[s1 - 1] == '\r':
                s1 -= 1
    p0 = safe_cut(text, p0, +1)
    s1 = safe_cut(text, s1, -1)
    return text[p0:start], text[end:s1]
