"""Instruction wording: several templates per transformation (terse, plain, detailed), and a varied
surface (lowercase, no final period), so the model follows what is asked rather than a fixed phrase."""

LANG_NAMES = {
    'python': 'Python', 'typescript': 'TypeScript', 'javascript': 'JavaScript', 'go': 'Go', 'rust': 'Rust',
    'java': 'Java', 'c': 'C', 'cpp': 'C++', 'shell': 'shell',
}


def phrase(rng, templates, **values):
    """Pick a template, fill it, and vary its surface. Templates use str.format fields; a template whose
    fields are not all given is skipped (e.g. ones naming a function when there is none)."""
    usable = []
    for t in templates:
        try:
            usable.append(t.format(**values))
        except (KeyError, IndexError, ValueError):
            continue
    if not usable:
        raise ValueError('no template fits %r' % (values,))
    text = rng.choice(usable)
    r = rng.random()
    if r < 0.15:
        text = text[0].lower() + text[1:]
    elif r < 0.22:
        # all lowercase, but names inside backticks keep their case
        parts = text.split('`')
        text = '`'.join(p if i % 2 else p.lower() for i, p in enumerate(parts))
    if text.endswith('.') and rng.random() < 0.35:
        text = text[:-1]
    return text


def code(s):
    """Inline code the way people write it in a request."""
    return '`%s`' % s


def lit(s):
    """code(s) for %-formatting INTO a template (its braces escaped for the later str.format)."""
    return code(s).replace('{', '{{').replace('}', '}}')


def subject(rng, name, kind='function'):
    """'`foo`' / 'the `foo` function' / 'this function' (None when there is no name)."""
    if not name:
        return 'this code' if kind != 'function' else 'this function'
    r = rng.random()
    if r < 0.45:
        return code(name)
    if r < 0.8:
        return 'the %s %s' % (code(name), kind)
    return 'this %s' % kind
