"""One transformation's result, and how it becomes an example: the edited file is checked, and the
snippet (the lines it touched, as the user would select them) is cut from the original and the edited
text. `reverse` marks the reverse trick: the edited text is the degraded INPUT and the real corpus code
is the TARGET."""
from dataclasses import dataclass, field
from typing import Callable, Optional

from .lexer import apply_replacements

MAX_SNIPPET_LINES = 48
MAX_SNIPPET_CHARS = 1700


@dataclass
class Change:
    family: str
    edits: list                     # [(start, end, new_text)] character offsets in the whole text
    first_line: int                 # region of the ORIGINAL text, 1-based inclusive
    last_line: int
    instruction: str
    reverse: bool = False
    check: Optional[Callable[[str], bool]] = None   # extra check of the whole edited text
    detail: dict = field(default_factory=dict)


def realize(text, change, parses=None):
    """(code, new_code) for a change on `text`, or None when the edit is empty, does not parse (parses:
    text -> bool), fails its own check, or touches lines outside its region."""
    try:
        new_text = apply_replacements(text, change.edits)
    except ValueError:
        return None
    if new_text == text:
        return None
    if parses is not None and not parses(new_text):
        return None
    if change.check is not None and not change.check(new_text):
        return None
    old_lines = text.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    a, b = change.first_line, change.last_line
    delta = len(new_lines) - len(old_lines)
    if new_text.endswith('\n') != text.endswith('\n'):
        return None
    if old_lines[:a - 1] != new_lines[:a - 1] or old_lines[b:] != new_lines[b + delta:]:
        return None  # an edit leaked outside the region
    before = ''.join(old_lines[a - 1:b])
    after = ''.join(new_lines[a - 1:b + delta])
    if before == after or not before.strip() or not after.strip():
        return None
    for s in (before, after):
        if s.count('\n') > MAX_SNIPPET_LINES or len(s) > MAX_SNIPPET_CHARS:
            return None
    return (after, before) if change.reverse else (before, after)


def edited_line(text, start, end, new, max_len=70):
    """The stripped line containing text[start:end] once it is replaced by `new` (None when long):
    a bug is described as it reads in the degraded input, not as the corpus had it."""
    ls = text.rfind('\n', 0, start) + 1
    le = text.find('\n', end)
    le = len(text) if le < 0 else le
    line = (text[ls:start] + new + text[end:le]).strip()
    return line if line and '\n' not in line and len(line) <= max_len else None
