"""Cursor positions inside a line, biased to where people stop typing and wait for a completion."""
import re

# After an opener or operator, after a keyword and its space, and inside identifiers.
_AFTER = re.compile(r'[(\[{=:,.]\s?|\b(?:return|await|yield|if|elif|while|for|in|not|and|or|let|const|var|new|case|func|fn|def|class|import|from|echo) ')
_WORD = re.compile(r'[A-Za-z_][A-Za-z0-9_]{2,}')


def typing_spots(line):
    """Offsets in `line` (no newline) where a cursor plausibly sits, with weights. Never at column 0 of
    text (that is the line-start case, chosen separately) and never at the end of the line."""
    spots = {}
    indent = len(line) - len(line.lstrip(' \t'))
    end = len(line.rstrip())
    if indent < end:
        spots[indent] = 3.0  # line start, after the indentation the editor put there
    for m in _AFTER.finditer(line, indent):
        if m.end() < end:
            spots[m.end()] = spots.get(m.end(), 0) + 3.0
    for m in _WORD.finditer(line, indent):
        # inside an identifier: the user typed a few characters of it
        for k in range(1, min(len(m.group()), 6)):
            if m.start() + k < end:
                spots[m.start() + k] = spots.get(m.start() + k, 0) + 0.6
    for i in range(indent, end):
        spots.setdefault(i, 0.1)  # anywhere else, rarely
    return spots


def pick_spot(rng, line):
    spots = typing_spots(line)
    if not spots:
        return None
    keys = sorted(spots)
    return rng.choices(keys, weights=[spots[k] for k in keys])[0]
