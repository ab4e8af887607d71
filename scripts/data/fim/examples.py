"""Fill-in-the-middle examples from one corpus document."""
from ..text_units import line_spans
from .middles import pick_middle
from .windows import cut_window

# Share of each middle kind in SFT (what editors ask for most: the rest of a line). 'empty' was 16 %:
# the model then answered nothing for 27 % of held-out single-line tasks, all of which expect text.
SFT_KIND_WEIGHTS = {
    'rest_of_line': 0.33,
    'span_in_line': 0.16,
    'whole_line': 0.12,
    'multi_line': 0.17,
    'block': 0.17,
    'empty': 0.05,
}


def examples_per_doc(text, cap):
    """More examples from longer files, at least one."""
    return max(1, min(cap, text.count('\n') // 40 + 1))


def fim_examples(rng, doc, cap=6, kinds=None, full_window=False):
    """[{'kind','prefix','suffix','middle'}] from doc['text'], distinct cursor spans."""
    text = doc['text']
    spans = line_spans(text)
    weights = kinds or SFT_KIND_WEIGHTS
    names = sorted(weights)
    out, seen = [], set()
    for _ in range(examples_per_doc(text, cap)):
        kind = rng.choices(names, weights=[weights[k] for k in names])[0]
        got = pick_middle(rng, text, kind, spans)
        if got is None or got in seen:
            continue
        seen.add(got)
        start, end = got
        prefix, suffix = cut_window(rng, text, start, end, full=full_window)
        out.append({'kind': kind, 'prefix': prefix, 'suffix': suffix, 'middle': text[start:end]})
    return out
