"""Instruction-edit examples from one corpus document: pick snippets (functions, regions, import
blocks), try transformation families in a weighted random order, keep the ones that apply cleanly."""
import ast

from . import clike_transforms as clike
from . import python_transforms as py
from .change import realize
from .lexer import lex
from .pysource import PyFile, functions as py_functions
from .snippets import analyse, functions as clike_functions, regions

# Relative weights, set from measured counts on a sample corpus: families that apply almost everywhere
# (bugs, renames, indentation, logging) are weighted down so that rarer ones get their turn.
FAMILY_WEIGHTS = {
    'add_docstring': 3.0, 'add_docs': 1.0, 'add_comments': 0.5, 'add_type_hints': 3.0, 'fix_bug': 0.5,
    'rename': 0.6, 'wrap_try': 0.5, 'guard_clause': 0.6, 'extract_constant': 4.0, 'add_logging': 0.3,
    'invert_if': 4.0, 'loop_to_comprehension': 6.0, 'comprehension_to_loop': 5.0, 'quotes': 1.0,
    'indentation': 0.15, 'var_to_let_const': 4.0,
}
FILE_FAMILY_PROB = 0.35   # chance per file to also try an import transformation
PY_MIN_LINES, PY_MAX_LINES = 4, 40


def _weighted_order(rng, names):
    """Names in a random order where heavier ones tend to come first (Efraimidis-Spirakis)."""
    return sorted(names, key=lambda n: rng.random() ** (1.0 / FAMILY_WEIGHTS.get(n, 1.0)), reverse=True)


def _example(doc, change, pair):
    code, new_code = pair
    return {'lang': doc['lang'], 'family': change.family, 'instruction': change.instruction,
            'code': code, 'new_code': new_code, 'source_id': doc.get('id'), 'path': doc.get('path')}


def _lexes(lang):
    return lambda text: lex(text, lang).ok


def _try_families(rng, families, table, args, text, parses):
    for fam in _weighted_order(rng, families):
        try:
            change = table[fam](rng, *args)
        except (ValueError, IndexError, KeyError, AttributeError, TypeError, RecursionError):
            change = None
        if change is None:
            continue
        pair = realize(text, change, parses)
        if pair is not None:
            return change, pair
    return None


def python_examples(rng, doc, cap):
    try:
        pf = PyFile(doc['text'])
    except (SyntaxError, ValueError, RecursionError):
        return []
    out = []
    units = [(fn, parent) for fn, parent in py_functions(pf.tree)
             if PY_MIN_LINES <= fn.end_lineno - pf.first_line(fn) + 1 <= PY_MAX_LINES]
    classes = [(c, None) for c in ast.walk(pf.tree) if isinstance(c, ast.ClassDef)
               and PY_MIN_LINES <= c.end_lineno - pf.first_line(c) + 1 <= PY_MAX_LINES]
    rng.shuffle(units)
    for fn, parent in units:
        if len(out) >= cap:
            break
        got = _try_families(rng, list(py.FUNCTION_TRANSFORMS), py.FUNCTION_TRANSFORMS, (pf, fn, parent), pf.text, py.PARSES)
        if got:
            out.append(_example(doc, *got))
    if classes and len(out) < cap and rng.random() < 0.3:
        c, _ = rng.choice(classes)
        got = _try_families(rng, ['add_docstring'], py.FUNCTION_TRANSFORMS, (pf, c, pf.tree), pf.text, py.PARSES)
        if got:
            out.append(_example(doc, *got))
    if rng.random() < FILE_FAMILY_PROB:
        got = _try_families(rng, list(py.FILE_TRANSFORMS), py.FILE_TRANSFORMS, (pf,), pf.text, py.PARSES)
        if got:
            out.append(_example(doc, *got))
    return out


_REGION_FAMILIES = ['add_comments', 'fix_bug', 'rename', 'indentation', 'quotes', 'var_to_let_const', 'invert_if']


def clike_examples(rng, doc, cap):
    text, lang = doc['text'], doc['lang']
    info = analyse(text, lang)
    if info is None:
        return []
    parses = _lexes(lang)
    snippets = clike_functions(text, lang, info)
    rng.shuffle(snippets)
    snippets = snippets[:cap * 2] + regions(rng, text, lang, max(1, cap // 3), info)
    out = []
    for snip in snippets:
        if len(out) >= cap:
            break
        fams = list(clike.SNIPPET_TRANSFORMS) if snip.kind == 'function' else _REGION_FAMILIES
        got = _try_families(rng, fams, clike.SNIPPET_TRANSFORMS, (snip,), snip.text, parses)
        if got:
            out.append(_example(doc, *got))
    if rng.random() < FILE_FAMILY_PROB:
        got = _try_families(rng, list(clike.FILE_TRANSFORMS), clike.FILE_TRANSFORMS, (text, lang), text, parses)
        if got:
            out.append(_example(doc, *got))
    return out


def edit_examples(rng, doc, cap=4):
    if doc['lang'] == 'python':
        return python_examples(rng, doc, cap)
    return clike_examples(rng, doc, cap)
