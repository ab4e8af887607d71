"""The middle of a fill-in-the-middle example: the (start, end) character span an editor asks to fill.

Kinds (what an editor asks for):
  rest_of_line  cursor inside a line, middle = the rest of that line
  span_in_line  a span inside one line; the line goes on after it (e.g. before auto-closed brackets)
  whole_line    one line: after its indentation up to the line end, or column 0 through its newline
  multi_line    2..8 whole lines
  block         the body of a block (after `:` / `{` / `then` / `do`), cursor where the editor put it
  empty         a cursor where nothing should be inserted (the file is complete as it is)
Each picker returns (start, end) or None when the file has no such place; cuts are always safe
(text_units.is_safe_cut).
"""
from ..text_units import line_spans, indent_of, safe_cut
from .cursor import pick_spot

KINDS = ('rest_of_line', 'span_in_line', 'whole_line', 'multi_line', 'block', 'empty')
MAX_MIDDLE_CHARS = {'rest_of_line': 200, 'span_in_line': 160, 'whole_line': 240, 'multi_line': 520, 'block': 520, 'empty': 0}
_CLOSERS = set(')]};,"\'`>')
_BLOCK_OPENERS = (':', '{', ' then', ' do', '(', '[', '=>')


def _content_lines(text, spans, min_len=3):
    return [i for i, (s, e, _) in enumerate(spans) if len(text[s:e].strip()) >= min_len]


def _pick_line(rng, text, spans, min_len=3):
    cands = _content_lines(text, spans, min_len)
    if not cands:
        return None
    # sometimes near the file's start or end, where editors have little context on one side
    r = rng.random()
    if r < 0.05:
        cands = cands[:5]
    elif r < 0.10:
        cands = cands[-5:]
    return rng.choice(cands)


def rest_of_line(rng, text, spans):
    li = _pick_line(rng, text, spans)
    if li is None:
        return None
    s, e, _ = spans[li]
    line = text[s:e]
    spot = pick_spot(rng, line)
    if spot is None:
        return None
    start = safe_cut(text, s + spot, -1)
    end = s + len(line.rstrip())
    if end <= start or end - start > MAX_MIDDLE_CHARS['rest_of_line']:
        return None
    return start, end


def span_in_line(rng, text, spans):
    li = _pick_line(rng, text, spans, min_len=8)
    if li is None:
        return None
    s, e, _ = spans[li]
    line = text[s:e]
    spot = pick_spot(rng, line)
    if spot is None:
        return None
    stripped_end = len(line.rstrip())
    # ends: before a closer, or at a word boundary, strictly inside the line
    ends = [j for j in range(spot + 1, stripped_end) if line[j] in _CLOSERS or (line[j] == ' ' and line[j - 1] != ' ')]
    if not ends:
        return None
    # prefer ends before the trailing run of closers (the auto-closed brackets case)
    tail = stripped_end
    while tail > spot + 1 and line[tail - 1] in _CLOSERS:
        tail -= 1
    if tail in ends and rng.random() < 0.5:
        j = tail
    else:
        j = rng.choice(ends)
    start, end = safe_cut(text, s + spot, -1), safe_cut(text, s + j, -1)
    if end <= start or end - start > MAX_MIDDLE_CHARS['span_in_line']:
        return None
    return start, end


def whole_line(rng, text, spans):
    li = _pick_line(rng, text, spans)
    if li is None:
        return None
    s, e, full = spans[li]
    line = text[s:e]
    if rng.random() < 0.6:
        start, end = s + indent_of(line), s + len(line.rstrip())
    else:
        start, end = s, full
    if end <= start or end - start > MAX_MIDDLE_CHARS['whole_line']:
        return None
    return start, end


def multi_line(rng, text, spans):
    n = rng.randint(2, 8)
    if len(spans) < n:
        return None
    first = rng.randrange(0, len(spans) - n + 1)
    block = spans[first:first + n]
    if not text[block[0][0]:block[0][1]].strip() or not text[block[-1][0]:block[-1][1]].strip():
        return None
    if rng.random() < 0.6:
        start = block[0][0] + indent_of(text[block[0][0]:block[0][1]])
        end = block[-1][0] + len(text[block[-1][0]:block[-1][1]].rstrip())
    else:
        start, end = block[0][0], block[-1][2]
    if end - start > MAX_MIDDLE_CHARS['multi_line']:
        return None
    return start, end


def block_bodies(text, spans):
    """(first_body_line, last_body_line) for each block whose header line ends with an opener."""
    out = []
    for i, (s, e, _) in enumerate(spans):
        header = text[s:e].rstrip()
        if not header.strip() or not header.endswith(_BLOCK_OPENERS):
            continue
        base = indent_of(header)
        last = None
        j = i + 1
        while j < len(spans):
            line = text[spans[j][0]:spans[j][1]]
            if line.strip():
                if indent_of(line) <= base:
                    break
                last = j
            j += 1
        if last is not None:
            out.append((i + 1, last))
    return out


def block(rng, text, spans):
    bodies = [b for b in block_bodies(text, spans)
              if spans[b[1]][1] - spans[b[0]][0] <= MAX_MIDDLE_CHARS['block']]
    if not bodies:
        return None
    first, last = rng.choice(bodies)
    fs, fe, _ = spans[first]
    start = fs + indent_of(text[fs:fe])
    end = spans[last][0] + len(text[spans[last][0]:spans[last][1]].rstrip())
    if not text[fs:fe].strip():
        start = fs
    return (start, end) if end > start else None


def empty(rng, text, spans):
    li = _pick_line(rng, text, spans)
    if li is None:
        return None
    s, e, _ = spans[li]
    line = text[s:e]
    r = rng.random()
    if r < 0.5:
        pos = s + len(line.rstrip())  # end of a finished line
    elif r < 0.7:
        pos = s + indent_of(line)  # start of an existing line
    else:
        spot = pick_spot(rng, line)
        if spot is None:
            return None
        pos = s + spot
    pos = safe_cut(text, pos, -1)
    return pos, pos


PICKERS = {
    'rest_of_line': rest_of_line,
    'span_in_line': span_in_line,
    'whole_line': whole_line,
    'multi_line': multi_line,
    'block': block,
    'empty': empty,
}


def pick_middle(rng, text, kind, spans=None, tries=8):
    spans = spans if spans is not None else line_spans(text)
    for _ in range(tries):
        got = PICKERS[kind](rng, text, spans)
        if got is None:
            continue
        start, end = got
        if kind != 'empty' and not text[start:end].strip():
            continue
        return got
    return None
