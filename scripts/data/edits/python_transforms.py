"""Python transformations, located with `ast` and applied as text edits so every untouched line stays
byte-identical. Each takes (rng, pf: PyFile, fn, parent) and returns a Change or None.

Reverse-trick families (the corpus code is the target): add_docstring, add_comments, add_type_hints,
fix_bug, rename (generic names). Forward families: rename (abbreviations, PEP 8 case), wrap_try,
guard_clause, extract_constant, add_logging, invert_if, loop_to_comprehension, comprehension_to_loop,
quotes, indentation. File-level (sort_imports, remove_unused_import) take (rng, pf).
"""
import ast
import builtins
import copy
import keyword
import re
import tokenize

from .change import Change, edited_line
from .phrasing import code, lit, phrase, subject
from .pysource import body_after_docstring, docstring_node

_PRAGMA = re.compile(r'#\s*(type:|noqa|pragma|pylint|fmt:|isort|mypy|!)|^#!|coding[:=]')
_BUILTINS = set(dir(builtins)) | set(keyword.kwlist) | {'self', 'cls'}
ABBREVIATIONS = {
    'idx': 'index', 'cnt': 'count', 'msg': 'message', 'buf': 'buffer', 'val': 'value', 'tmp': 'temp',
    'res': 'result', 'ret': 'result', 'arr': 'array', 'lst': 'items', 'cb': 'callback', 'ctx': 'context',
    'cfg': 'config', 'conf': 'config', 'req': 'request', 'resp': 'response', 'err': 'error', 'num': 'number',
    'src': 'source', 'dst': 'destination', 'pos': 'position', 'obj': 'instance', 'fn': 'func',
    'fname': 'filename', 'dirname': 'directory', 'prev': 'previous', 'cur': 'current', 'curr': 'current',
    'n': 'count', 's': 'text', 'k': 'key', 'v': 'value', 'd': 'mapping', 'l': 'items', 'i': 'index',
    'e': 'exc', 'ch': 'char', 'c': 'char', 'p': 'path', 'f': 'fp', 'x': 'item', 'args_': 'arguments',
    'sz': 'size', 'len_': 'length', 'ln': 'line', 'lno': 'lineno', 'kw': 'kwargs_', 'opts': 'options',
    'params': 'parameters', 'attr': 'attribute', 'attrs': 'attributes', 'elem': 'element', 'st': 'state',
}
GENERIC_NAMES = ['tmp', 'x', 'val', 'data2', 'v', 'res', 'a', 'obj', 'thing', 'foo', 'var1', 'temp', 'z', 'q']


def _parses(text):
    try:
        ast.parse(text)
        return True
    except (SyntaxError, ValueError):
        return False


def _region(pf, fn):
    return pf.first_line(fn), fn.end_lineno


def _is_whole_lines(pf, node):
    before = pf.lines[node.lineno - 1][:pf.offset(node.lineno, node.col_offset) - pf.line_start[node.lineno - 1]]
    after = pf.lines[node.end_lineno - 1][pf.offset(node.end_lineno, node.end_col_offset) - pf.line_start[node.end_lineno - 1]:]
    return not before.strip() and (not after.strip() or after.strip().startswith('#'))


def _delete_lines(pf, first, last):
    return (pf.line_start[first - 1], pf.line_start[last], '')


def _fn_kind(fn, parent):
    return 'method' if isinstance(parent, ast.ClassDef) else 'function'


def _same_ast(expected_tree):
    dump = ast.dump(expected_tree)
    return lambda new_text: ast.dump(ast.parse(new_text)) == dump


# --- reverse trick: the corpus code is the target ---------------------------------------------------

def add_docstring(rng, pf, fn, parent):
    doc = docstring_node(fn)
    if doc is None or len(fn.body) < 2 or doc.lineno == fn.lineno or not _is_whole_lines(pf, doc):
        return None
    last = doc.end_lineno
    if last < len(pf.lines) and not pf.lines[last].strip() and last + 1 < fn.end_lineno:
        last += 1  # the blank line after the docstring goes with it
    kind = 'class' if isinstance(fn, ast.ClassDef) else _fn_kind(fn, parent)
    subj = subject(rng, fn.name, kind)
    instr = phrase(rng, [
        'Add a docstring to {subj}.', 'Document {subj}.', 'Write a docstring for {subj}.',
        'Add a docstring explaining what {subj} does.', 'docstring', 'Add a docstring.',
        'Please document this {kind} with a docstring that describes its behaviour.',
    ], subj=subj, kind=kind)
    return Change('add_docstring', [_delete_lines(pf, doc.lineno, last)], *_region(pf, fn), instr, reverse=True)


def add_comments(rng, pf, fn, parent):
    first, last = _region(pf, fn)
    edits, n = [], 0
    for t in pf.tokens():
        if t.type != tokenize.COMMENT or not (first < t.start[0] <= last) or _PRAGMA.search(t.string):
            continue
        line = pf.lines[t.start[0] - 1]
        ls = pf.line_start[t.start[0] - 1]
        if not line[:t.start[1]].strip():
            edits.append((ls, ls + len(line), ''))  # a comment line
        else:
            code_end = len(line[:t.start[1]].rstrip())
            edits.append((ls + code_end, ls + t.end[1], ''))  # a trailing comment
        n += 1
    if n < 2:
        return None
    subj = subject(rng, fn.name, _fn_kind(fn, parent))
    instr = phrase(rng, [
        'Add comments to {subj}.', 'Add comments explaining the logic of {subj}.', 'Comment this code.',
        'add inline comments', 'Explain the non-obvious steps of {subj} with comments.',
        'Add helpful comments to {subj} so a reader can follow what each part does.',
    ], subj=subj)
    return Change('add_comments', edits, first, last, instr, reverse=True)


class _StripAnnotations(ast.NodeTransformer):
    def __init__(self, target):
        self.target = target

    def visit_FunctionDef(self, node):
        if node is self.target:
            for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs + [node.args.vararg, node.args.kwarg]:
                if a is not None:
                    a.annotation = None
            node.returns = None
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef


def add_type_hints(rng, pf, fn, parent):
    args = fn.args
    all_args = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
    annotated = [a for a in all_args if a.annotation is not None]
    if not annotated and fn.returns is None:
        return None
    if any(a.lineno != a.end_lineno for a in annotated):
        return None
    defaults = {}
    pos = args.posonlyargs + args.args
    for a, d in zip(pos[len(pos) - len(args.defaults):], args.defaults):
        defaults[id(a)] = d
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        if d is not None:
            defaults[id(a)] = d
    edits = []
    for a in annotated:
        name_end = pf.offset(a.lineno, a.col_offset) + len(a.arg)
        d = defaults.get(id(a))
        if d is not None:
            edits.append((name_end, pf.start(d), '='))
        else:
            edits.append((name_end, pf.end(a), ''))
    if fn.returns is not None:
        r_start = pf.start(fn.returns)
        arrow = pf.text.rfind('->', 0, r_start)
        cut = arrow
        while cut > 0 and pf.text[cut - 1] in ' \t':
            cut -= 1
        if arrow < 0 or pf.text[cut - 1] != ')':
            return None
        edits.append((cut, pf.end(fn.returns), ''))
    def check(new_text):
        tree = copy.deepcopy(pf.tree)
        target = [n for n in ast.walk(tree) if isinstance(n, type(fn)) and n.lineno == fn.lineno and n.name == fn.name][0]
        _StripAnnotations(target).visit(tree)
        return _same_ast(tree)(new_text)
    subj = subject(rng, fn.name, _fn_kind(fn, parent))
    instr = phrase(rng, [
        'Add type hints to {subj}.', 'Add type annotations to the parameters and return value of {subj}.',
        'add type hints', 'Annotate {subj} with types.', 'Type-annotate this function.',
        'Add Python type hints to the signature of {subj}.',
    ], subj=subj)
    return Change('add_type_hints', edits, *_region(pf, fn), instr, reverse=True, check=check)


_FLIP_BOUND = {ast.Lt: '<=', ast.LtE: '<', ast.Gt: '>=', ast.GtE: '>'}
_OP_TEXT = {ast.Lt: '<', ast.LtE: '<=', ast.Gt: '>', ast.GtE: '>=', ast.Eq: '==', ast.NotEq: '!=',
            ast.Add: '+', ast.Sub: '-', ast.Mult: '*', ast.Div: '/', ast.FloorDiv: '//', ast.Mod: '%'}
_WRONG_OP = {ast.Add: '-', ast.Sub: '+', ast.Eq: '!=', ast.NotEq: '==', ast.Mult: '+'}


def _op_span(pf, left, right, op_text):
    """Character span of the operator between two operand nodes."""
    a, b = pf.end(left), pf.start(right)
    gap = pf.text[a:b]
    i = gap.find(op_text)
    # the operator must be alone in the gap (no parentheses or a longer operator around it)
    if i < 0 or gap.strip() != op_text:
        return None
    return a + i, a + i + len(op_text)


def _line_of(pf, node):
    s = pf.lines[node.lineno - 1].strip()
    return s if len(s) <= 70 else None


def fix_bug(rng, pf, fn, parent):
    cands = []
    local_names = sorted(_local_names(fn)[0])  # locals and parameters, not modules or globals
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'range' \
                and len(node.args) in (1, 2) and node.lineno == node.end_lineno:
            stop = node.args[-1]
            cands.append(('range_stop', node, stop))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and node.lineno == node.end_lineno:
            op = type(node.ops[0])
            if op in _FLIP_BOUND:
                cands.append(('boundary', node, op))
                cands.append(('swap_compare', node, op))
            if op in _WRONG_OP:
                cands.append(('wrong_op', node, op))
        elif isinstance(node, ast.BinOp) and node.lineno == node.end_lineno:
            op = type(node.op)
            if op in (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod):
                cands.append(('swap_operands', node, op))
            if op in _WRONG_OP and not isinstance(node.left, ast.Constant):
                cands.append(('wrong_op', node, op))
        elif isinstance(node, ast.BoolOp) and len(node.values) == 2 and node.lineno == node.end_lineno:
            cands.append(('bool_op', node, type(node.op)))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in local_names and len(local_names) >= 2:
            cands.append(('wrong_var', node, None))
    last = fn.body[-1]
    if isinstance(last, ast.Return) and last.value is not None and last.lineno == last.end_lineno \
            and not (isinstance(last.value, ast.Constant) and last.value.value is None):
        cands.append(('missing_return', last, None))
    rng.shuffle(cands)
    subj = subject(rng, fn.name, _fn_kind(fn, parent))
    for kind, node, op in cands[:6]:
        made = _bug(rng, pf, kind, node, op, local_names)
        if made is None:
            continue
        edit, detail = made
        line = edited_line(pf.text, *edit)
        where = ' in %s' % code(line) if line else ''
        vague = ['Fix the bug in {subj}.', 'There is a bug in {subj}; fix it.', 'fix the bug', 'Something is wrong with {subj}. Fix it.']
        instr = phrase(rng, detail if rng.random() < 0.8 else vague, subj=subj, where=where)
        return Change('fix_bug', [edit], *_region(pf, fn), instr, reverse=True, detail={'bug': kind})
    return None


def _bug(rng, pf, kind, node, op, local_names):
    """(edit, detailed instruction templates) that introduce the bug, or None."""
    if kind == 'range_stop':
        stop_src = pf.src(node.args[-1])
        new = stop_src + ' - 1' if not isinstance(node.args[-1], ast.BinOp) else '(%s) - 1' % stop_src
        return (pf.start(node.args[-1]), pf.end(node.args[-1]), new), [
            'Fix the off-by-one error{where}: the loop stops one item early.',
            'Fix the bug: the range in {subj} should end at %s, not %s.' % (lit(stop_src), lit(new)),
            '{subj} skips the last element. Fix the off-by-one error.',
        ]
    if kind == 'boundary':
        right = node.comparators[0]
        span = _op_span(pf, node.left, right, _OP_TEXT[op])
        if span is None:
            return None
        good = _OP_TEXT[op]
        return (span[0], span[1], _FLIP_BOUND[op]), [
            'Fix the boundary condition{where}: it should use %s, not %s.' % (lit(good), lit(_FLIP_BOUND[op])),
            'Fix the off-by-one comparison in {subj}.',
            'The comparison %s is wrong: use %s.' % (lit(_FLIP_BOUND[op]), lit(good)),
        ]
    if kind == 'swap_compare':
        right = node.comparators[0]
        a, b = pf.src(node.left), pf.src(right)
        if a == b or not a or not b:
            return None
        span_l, span_r = (pf.start(node.left), pf.end(node.left)), (pf.start(right), pf.end(right))
        text = pf.text[span_l[0]:span_r[1]]
        new = b + text[len(a):len(text) - len(b)] + a
        return (span_l[0], span_r[1], new), [
            'Fix the bug: the operands of the comparison{where} are swapped.',
            'Fix the reversed comparison in {subj}: it should be %s.' % lit(text),
        ]
    if kind == 'swap_operands':
        a, b = pf.src(node.left), pf.src(node.right)
        if a == b or isinstance(node.left, ast.BinOp) or isinstance(node.right, ast.BinOp):
            return None
        s, e = pf.start(node.left), pf.end(node.right)
        text = pf.text[s:e]
        if not text.startswith(a) or not text.endswith(b):
            return None
        new = b + text[len(a):len(text) - len(b)] + a
        name = {ast.Sub: 'subtraction', ast.Div: 'division', ast.FloorDiv: 'division', ast.Mod: 'modulo'}[op]
        return (s, e, new), [
            'Fix the bug: the operands of the %s{where} are in the wrong order.' % name,
            'The %s in {subj} is backwards; it should be %s.' % (name, lit(text)),
        ]
    if kind == 'wrong_op':
        right = node.comparators[0] if isinstance(node, ast.Compare) else node.right
        span = _op_span(pf, node.left, right, _OP_TEXT[op])
        if span is None:
            return None
        return (span[0], span[1], _WRONG_OP[op]), [
            'Fix the bug{where}: it uses %s where it should use %s.' % (lit(_WRONG_OP[op]), lit(_OP_TEXT[op])),
            'Fix the wrong operator in {subj}.',
            'The %s operator{where} should be %s.' % (lit(_WRONG_OP[op]), lit(_OP_TEXT[op])),
        ]
    if kind == 'bool_op':
        good, bad = ('and', 'or') if op is ast.And else ('or', 'and')
        span = _op_span(pf, node.values[0], node.values[1], good)
        if span is None:
            return None
        return (span[0], span[1], bad), [
            'Fix the condition{where}: it should use %s instead of %s.' % (lit(good), lit(bad)),
            'Fix the logic error in the condition in {subj}.',
        ]
    if kind == 'wrong_var':
        others = [n for n in local_names if n != node.id and n not in pf.lines[node.lineno - 1]]
        if not others:
            return None
        wrong = rng.choice(others)
        return (pf.start(node), pf.end(node), wrong), [
            'Fix the bug{where}: it uses %s where it should use %s.' % (lit(wrong), lit(node.id)),
            'Fix the bug in {subj}: %s is used by mistake instead of %s.' % (lit(wrong), lit(node.id)),
            'Wrong variable{where}: should be %s.' % lit(node.id),
        ]
    if kind == 'missing_return':
        s = pf.start(node)
        if not pf.text.startswith('return ', s):
            return None
        return (s, s + len('return '), ''), [
            'Fix the bug: {subj} computes its result but never returns it.',
            '{subj} always returns None. Fix it so it returns the computed value.',
            'add the missing return statement',
        ]
    return None


def _local_names(fn):
    declared_global = {n for s in ast.walk(fn) if isinstance(s, (ast.Global, ast.Nonlocal)) for n in s.names}
    stores = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    params = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs} - {'self', 'cls'}
    return (stores | params) - declared_global, params


class _Rename(ast.NodeTransformer):
    def __init__(self, target, old, new, rename_def=False):
        self.target, self.old, self.new, self.rename_def, self.inside = target, old, new, rename_def, False

    def visit_FunctionDef(self, node):
        if node is self.target:
            self.inside = True
            if self.rename_def:
                node.name = self.new
            self.generic_visit(node)
            self.inside = False
            return node
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Name(self, node):
        if self.inside and node.id == self.old:
            node.id = self.new
        return node

    def visit_arg(self, node):
        if self.inside and node.arg == self.old:
            node.arg = self.new
        self.generic_visit(node)
        return node


def _camel_to_snake(name):
    return re.sub(r'(?<=[a-z0-9])([A-Z])', r'_\1', name).lower()


def rename(rng, pf, fn, parent):
    names, params = _local_names(fn)
    used = pf.names_used() | _BUILTINS
    options = []
    for old in sorted(names):
        if old in ABBREVIATIONS and ABBREVIATIONS[old] not in used:
            options.append(('forward', old, ABBREVIATIONS[old]))
        elif len(old) >= 5 and old not in params:
            options.append(('reverse', old, None))
    rename_def = False
    if re.fullmatch(r'[a-z]+(?:[A-Z][a-z0-9]+)+', fn.name) and _camel_to_snake(fn.name) not in used:
        options.append(('forward-def', fn.name, _camel_to_snake(fn.name)))
    if not options:
        return None
    direction, old, new = rng.choice(options)
    if direction == 'reverse':
        free = [g for g in GENERIC_NAMES if g not in used]
        if not free:
            return None
        new = rng.choice(free)
    rename_def = direction == 'forward-def'
    edits = []
    for n in ast.walk(fn):
        if isinstance(n, ast.Name) and n.id == old:
            edits.append((pf.start(n), pf.end(n), new))
        elif isinstance(n, ast.arg) and n.arg == old:
            s = pf.offset(n.lineno, n.col_offset)
            edits.append((s, s + len(old), new))
    if rename_def:
        line = pf.lines[fn.lineno - 1]
        m = re.search(r'\bdef\s+(%s)\b' % re.escape(old), line)
        if not m:
            return None
        s = pf.line_start[fn.lineno - 1] + m.start(1)
        edits.append((s, s + len(old), new))
    def check(new_text, old=old, new=new):
        tree = copy.deepcopy(pf.tree)
        target = [n for n in ast.walk(tree) if isinstance(n, type(fn)) and n.lineno == fn.lineno and n.name == fn.name][0]
        _Rename(target, old, new, rename_def).visit(tree)
        return _same_ast(tree)(new_text)
    if direction == 'reverse':
        # the input has the generic name; the instruction asks for the corpus's name
        old, new = new, old
    what = 'function' if rename_def else ('parameter' if old in params else 'variable')
    instr = phrase(rng, [
        'Rename {old} to {new}.', 'rename {old} -> {new}', 'Rename the {what} {old} to {new}.',
        'Rename {old} to {new} everywhere in {subj}.', 'Use the name {new} instead of {old}.',
    ], old=code(old), new=code(new), what=what, subj=subject(rng, fn.name if not rename_def else None, _fn_kind(fn, parent)))
    return Change('rename', edits, *_region(pf, fn), instr, reverse=direction == 'reverse', check=check)


# --- forward transformations --------------------------------------------------------------------

def _body_block(pf, fn):
    """(first_line, last_line, body_indent, unit) of the statements after the docstring, when they are
    whole lines that can be re-indented safely."""
    body = body_after_docstring(fn)
    if not body or body[0].lineno == fn.lineno:
        return None
    first, last = body[0].lineno, fn.end_lineno
    if any(l in pf.multiline_string_lines() for l in range(first, last + 1)):
        return None
    ind = pf.indent(first)
    outer = pf.indent(fn.lineno)
    if not ind.startswith(outer) or len(ind) <= len(outer):
        return None
    unit = ind[len(outer):]
    for l in range(first, last + 1):
        line = pf.lines[l - 1]
        if line.strip() and not line.startswith(ind):
            return None
    return first, last, ind, unit


def _newline(pf):
    return '\r\n' if pf.text.count('\r\n') > pf.text.count('\n') // 2 else '\n'


def _exception_for(src):
    if re.search(r'\bopen\(|\bos\.|shutil\.|Path\(', src):
        return 'OSError'
    if re.search(r'\bint\(|\bfloat\(|json\.loads?\(', src):
        return 'ValueError'
    return 'Exception'


def _logger_name(pf):
    m = re.search(r'^(\w+)\s*=\s*logging\.getLogger\(', pf.text, re.M)
    return m.group(1) if m else None


def wrap_try(rng, pf, fn, parent):
    blk = _body_block(pf, fn)
    if blk is None:
        return None
    first, last, ind, unit = blk
    nl = _newline(pf)
    body_src = ''.join(pf.lines[first - 1:last])
    if not body_src.endswith('\n'):
        return None
    exc = _exception_for(body_src)
    lg = _logger_name(pf)
    styles = ['reraise'] + (['log'] if lg else []) + (['return_none'] if exc != 'Exception' else [])
    style = rng.choice(styles)
    indented = ''.join(unit + l if l.strip() else l for l in pf.lines[first - 1:last])
    subj = subject(rng, fn.name, _fn_kind(fn, parent))
    if style == 'reraise':
        handler = f'{ind}except {exc} as exc:{nl}{ind}{unit}raise RuntimeError(f"{fn.name} failed: {{exc}}") from exc{nl}'
        temps = ['Wrap the body of {subj} in a try/except that re-raises {exc} as a RuntimeError.',
                 'Catch {exc} in {subj} and raise a RuntimeError with the original exception chained.',
                 'wrap in try/except {exc}, re-raise as RuntimeError']
    elif style == 'log':
        handler = f'{ind}except {exc}:{nl}{ind}{unit}{lg}.exception("{fn.name} failed"){nl}{ind}{unit}raise{nl}'
        temps = ['Wrap the body of {subj} in try/except so that {exc} is logged with {lg}.exception and re-raised.',
                 'Log exceptions raised in {subj} (then re-raise them).', 'add try/except {exc} with logging and re-raise']
    else:
        handler = f'{ind}except {exc}:{nl}{ind}{unit}return None{nl}'
        temps = ['Catch {exc} in {subj} and return None instead.', 'Make {subj} return None when a {exc} is raised.',
                 'wrap the body in try/except {exc} and return None on error']
    new = f'{ind}try:{nl}' + indented + handler
    s, e = pf.line_start[first - 1], pf.line_start[last]
    instr = phrase(rng, temps, subj=subj, exc=code(exc), lg=code(lg or 'logger'))
    return Change('wrap_try', [(s, e, new)], *_region(pf, fn), instr, detail={'style': style})


_SIMPLE_TYPES = {'int', 'str', 'float', 'bytes', 'dict', 'list', 'tuple', 'set', 'bool'}


def guard_clause(rng, pf, fn, parent):
    body = body_after_docstring(fn)
    if not body or body[0].lineno == fn.lineno or body[0].lineno in pf.multiline_string_lines():
        return None
    params = [a for a in fn.args.args + fn.args.kwonlyargs if a.arg not in ('self', 'cls')]
    if not params:
        return None
    p = rng.choice(params)
    ind = pf.indent(body[0].lineno)
    unit = ind[len(pf.indent(fn.lineno)):] or '    '
    nl = _newline(pf)
    ann = p.annotation.id if isinstance(p.annotation, ast.Name) else None
    returns_value = any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(fn))
    opts = ['none']
    if ann in _SIMPLE_TYPES:
        opts.append('type')
    if p.arg.endswith('s') or ann in ('list', 'dict', 'str', 'set', 'tuple'):
        opts.append('empty')
    kind = rng.choice(opts)
    name = p.arg
    subj = subject(rng, fn.name, _fn_kind(fn, parent))
    if kind == 'none':
        guard = f'{ind}if {name} is None:{nl}{ind}{unit}raise ValueError("{name} must not be None"){nl}'
        temps = ['Raise a ValueError in {subj} if {p} is None.', 'Add a guard clause: {p} must not be None.',
                 'validate that {p} is not None', 'At the start of {subj}, reject a None {p} with a ValueError.']
    elif kind == 'type':
        guard = (f'{ind}if not isinstance({name}, {ann}):{nl}'
                 f'{ind}{unit}raise TypeError(f"{name} must be {ann}, got {{type({name}).__name__}}"){nl}')
        temps = ['Raise a TypeError in {subj} if {p} is not a {t}.', 'Add a type check for {p} ({t}) at the start of {subj}.',
                 'check isinstance({pn}, {tn}) and raise TypeError otherwise']
    else:
        ret = 'return None' if returns_value else 'return'
        guard = f'{ind}if not {name}:{nl}{ind}{unit}{ret}{nl}'
        temps = ['Return early from {subj} when {p} is empty.', 'Add a guard clause that returns {r} if {p} is empty.',
                 'early return if {pn} is empty']
    s = pf.line_start[body[0].lineno - 1]
    instr = phrase(rng, temps, subj=subj, p=code(name), pn=name, t=code(ann or ''), tn=ann or '',
                   r='None' if returns_value else 'immediately')
    return Change('guard_clause', [(s, s, guard)], *_region(pf, fn), instr, detail={'kind': kind})


def extract_constant(rng, pf, fn, parent):
    if not isinstance(parent, ast.Module):
        return None
    used = pf.names_used()
    cands = []
    for node in ast.walk(fn):
        if isinstance(node, ast.keyword) and node.arg and isinstance(node.value, ast.Constant):
            v = node.value.value
            if isinstance(v, bool) or v is None:
                continue
            if isinstance(v, (int, float)) and v not in (0, 1, -1) or isinstance(v, str) and 3 <= len(v) <= 40 and '\n' not in v:
                cands.append((node.value, 'DEFAULT_' + node.arg.upper(), node.arg))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.comparators[0], ast.Constant):
            v = node.comparators[0].value
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v in (0, 1, -1, 2):
                continue
            left = node.left
            if isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == 'len' and left.args:
                inner = left.args[0]
                base = inner.id if isinstance(inner, ast.Name) else inner.attr if isinstance(inner, ast.Attribute) else None
                base = base and base.upper() + '_LENGTH'
            else:
                base = left.id.upper() if isinstance(left, ast.Name) else left.attr.upper() if isinstance(left, ast.Attribute) else None
            op = type(node.ops[0])
            if base and op in (ast.Gt, ast.GtE, ast.Lt, ast.LtE):
                prefix = 'MAX_' if op in (ast.Gt, ast.GtE) else 'MIN_'
                cands.append((node.comparators[0], prefix + base.lstrip('_'), None))
    cands = [c for c in cands if c[1] not in used and c[1].isidentifier()]
    if not cands:
        return None
    lit, name, kw = rng.choice(cands)
    nl = _newline(pf)
    lit_src = pf.src(lit)
    first = pf.first_line(fn)
    s = pf.line_start[first - 1]
    edits = [(s, s, f'{name} = {lit_src}{nl}{nl}{nl}'), (pf.start(lit), pf.end(lit), name)]
    what = 'magic number' if isinstance(lit.value, (int, float)) else 'string'
    instr = phrase(rng, [
        'Extract the {what} {lit} into a module-level constant named {name}.',
        'Replace the {what} {lit} in {subj} with a constant {name}.', 'extract {lit} to a constant {name}',
        'Move {lit} into a named constant ({name}) defined above {subj}.',
    ], what=what, lit=code(lit_src), name=code(name), subj=subject(rng, fn.name))
    return Change('extract_constant', edits, first, fn.end_lineno, instr)


def add_logging(rng, pf, fn, parent):
    body = body_after_docstring(fn)
    if not body or body[0].lineno == fn.lineno or body[0].lineno in pf.multiline_string_lines():
        return None
    ind = pf.indent(body[0].lineno)
    nl = _newline(pf)
    params = [a.arg for a in fn.args.args + fn.args.kwonlyargs if a.arg not in ('self', 'cls')][:4]
    lg = _logger_name(pf)
    subj = subject(rng, fn.name, _fn_kind(fn, parent))
    if lg or re.search(r'^import logging\b', pf.text, re.M):
        who = lg or 'logging'
        fmt = ', '.join(f'{p}=%r' for p in params)
        msg = f'{fn.name}({fmt})' if params else f'{fn.name} called'
        args = ''.join(', ' + p for p in params)
        line = f'{ind}{who}.debug("{msg}"{args}){nl}'
        temps = ['Add a debug log call at the start of {subj} that logs its arguments.',
                 'Log the arguments of {subj} at debug level using {who}.', 'add debug logging on entry']
    else:
        fmt = ', '.join(f'{p}={{{p}!r}}' for p in params)
        line = f'{ind}print(f"{fn.name}({fmt})"){nl}' if params else f'{ind}print("{fn.name} called"){nl}'
        temps = ['Add a print at the start of {subj} showing the arguments it was called with.',
                 'Print the arguments of {subj} when it is called, for debugging.', 'add a debug print on entry']
    s = pf.line_start[body[0].lineno - 1]
    instr = phrase(rng, temps, subj=subj, who=code(lg or 'logging'))
    return Change('add_logging', [(s, s, line)], *_region(pf, fn), instr)


_NEGATE = {ast.Eq: '!=', ast.NotEq: '==', ast.Lt: '>=', ast.LtE: '>', ast.Gt: '<=', ast.GtE: '<',
           ast.Is: 'is not', ast.IsNot: 'is', ast.In: 'not in', ast.NotIn: 'in'}
_OP_SRC = {ast.Eq: '==', ast.NotEq: '!=', ast.Lt: '<', ast.LtE: '<=', ast.Gt: '>', ast.GtE: '>=',
           ast.Is: 'is', ast.IsNot: 'is not', ast.In: 'in', ast.NotIn: 'not in'}


def _negate_src(pf, test):
    src = pf.src(test)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op = type(test.ops[0])
        a, b = pf.end(test.left), pf.start(test.comparators[0])
        gap = pf.text[a:b]
        if ' '.join(gap.split()) == _OP_SRC[op]:
            return pf.text[pf.start(test):a] + ' ' + _NEGATE[op] + ' ' + pf.text[b:pf.end(test)]
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = pf.src(test.operand)
        return inner[1:-1] if inner.startswith('(') and inner.endswith(')') and isinstance(test.operand, (ast.BoolOp, ast.Compare)) else inner
    if isinstance(test, (ast.BoolOp, ast.Compare, ast.IfExp, ast.NamedExpr, ast.Lambda)):
        return f'not ({src})'
    return f'not {src}'


def invert_if(rng, pf, fn, parent):
    ifs = [n for n in ast.walk(fn) if isinstance(n, ast.If) and n.orelse and n.test.lineno == n.test.end_lineno == n.lineno]
    rng.shuffle(ifs)
    for node in ifs[:3]:
        header = pf.lines[node.lineno - 1]
        if not header.lstrip().startswith('if ') or not header.rstrip().endswith(':'):
            continue
        else_line = node.body[-1].end_lineno + 1
        while else_line < node.orelse[0].lineno and not pf.lines[else_line - 1].strip():
            else_line += 1
        if pf.lines[else_line - 1].strip() != 'else:' or pf.indent(else_line) != pf.indent(node.lineno):
            continue
        if node.body[0].lineno == node.lineno or node.orelse[0].lineno == else_line:
            continue
        body = ''.join(pf.lines[node.lineno:else_line - 1])
        orelse = ''.join(pf.lines[else_line:node.end_lineno])
        if not orelse.endswith('\n') or not body.strip():
            continue
        neg = _negate_src(pf, node.test)
        ts, te = pf.start(node.test), pf.end(node.test)
        new = (header[:ts - pf.line_start[node.lineno - 1]] + neg + header[te - pf.line_start[node.lineno - 1]:]
               + orelse + pf.lines[else_line - 1] + body)
        s, e = pf.line_start[node.lineno - 1], pf.line_start[node.end_lineno]
        instr = phrase(rng, [
            'Invert the if condition in {subj} and swap the branches.', 'Invert the `if` on line {c} and swap its branches.',
            'negate the condition and swap the if/else branches', 'Flip the if/else in {subj} so the condition reads {n}.',
        ], subj=subject(rng, fn.name, _fn_kind(fn, parent)), c=code(header.strip()), n=code(neg))

        def check(new_text, node=node):
            t = ast.parse(new_text)
            ifs2 = [n for n in ast.walk(t) if isinstance(n, ast.If) and n.lineno == node.lineno]
            return bool(ifs2) and ast.dump(ast.Module(ifs2[0].body, [])) == ast.dump(ast.Module(node.orelse, [])) \
                and ast.dump(ast.Module(ifs2[0].orelse, [])) == ast.dump(ast.Module(node.body, []))
        first, last = _region(pf, fn)
        return Change('invert_if', [(s, e, new)], first, last, instr, check=check)
    return None


def _comprehension_candidates(body):
    for i in range(len(body) - 1):
        a, f = body[i], body[i + 1]
        if not (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                and isinstance(a.value, ast.List) and not a.value.elts and isinstance(f, ast.For) and not f.orelse
                and len(f.body) == 1):
            continue
        name = a.targets[0].id
        stmt, cond = f.body[0], None
        if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1:
            cond, stmt = stmt.test, stmt.body[0]
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute) \
                and stmt.value.func.attr == 'append' and isinstance(stmt.value.func.value, ast.Name) \
                and stmt.value.func.value.id == name and len(stmt.value.args) == 1 and not stmt.value.keywords:
            yield a, f, name, stmt.value.args[0], cond


def loop_to_comprehension(rng, pf, fn, parent):
    for node in ast.walk(fn):
        for field_ in ('body', 'orelse', 'finalbody'):
            body = getattr(node, field_, None)
            if not isinstance(body, list):
                continue
            for a, f, name, elt, cond in _comprehension_candidates(body):
                if any(name in pf.src(x) for x in (elt, f.iter, f.target) + ((cond,) if cond else ())):
                    continue
                comp = f'{pf.src(elt)} for {pf.src(f.target)} in {pf.src(f.iter)}'
                if cond is not None:
                    comp += f' if {pf.src(cond)}'
                ind = pf.indent(a.lineno)
                line = f'{ind}{name} = [{comp}]'
                if len(line) > 99 or '\n' in line or a.lineno != a.end_lineno:
                    continue
                s, e = pf.line_start[a.lineno - 1], pf.line_start[f.end_lineno]
                instr = phrase(rng, [
                    'Convert the loop that builds {n} into a list comprehension.', 'Use a list comprehension for {n}.',
                    'replace the for loop + append with a list comprehension',
                    'Simplify {subj}: build {n} with a list comprehension instead of a loop.',
                ], n=code(name), subj=subject(rng, fn.name, _fn_kind(fn, parent)))
                return Change('loop_to_comprehension', [(s, e, line + _newline(pf))], *_region(pf, fn), instr)
    return None


def comprehension_to_loop(rng, pf, fn, parent):
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.ListComp) and len(node.value.generators) == 1
                and node.lineno == node.end_lineno and not node.value.generators[0].is_async
                and len(node.value.generators[0].ifs) <= 1):
            continue
        g, name = node.value.generators[0], node.targets[0].id
        ind = pf.indent(node.lineno)
        line = pf.lines[node.lineno - 1]
        if line.strip() != pf.src(node):
            continue
        unit = '\t' if ind.startswith('\t') else '    '
        nl = _newline(pf)
        out = f'{ind}{name} = []{nl}{ind}for {pf.src(g.target)} in {pf.src(g.iter)}:{nl}'
        inner = ind + unit
        if g.ifs:
            out += f'{inner}if {pf.src(g.ifs[0])}:{nl}'
            inner += unit
        out += f'{inner}{name}.append({pf.src(node.value.elt)}){nl}'
        s, e = pf.line_start[node.lineno - 1], pf.line_start[node.lineno]
        instr = phrase(rng, [
            'Rewrite the list comprehension for {n} as an explicit for loop.', 'Expand the comprehension into a loop.',
            'turn the list comprehension into a for loop with append',
        ], n=code(name))
        return Change('comprehension_to_loop', [(s, e, out)], *_region(pf, fn), instr)
    return None


_STR_TOKEN = re.compile(r'^([rRbBuUfF]{0,2})([\'"])(.*)\2$', re.S)


def quotes(rng, pf, fn, parent):
    first, last = _region(pf, fn)
    strs = []
    for t in pf.tokens():
        if t.type == tokenize.STRING and first <= t.start[0] <= last and t.start[0] == t.end[0]:
            m = _STR_TOKEN.match(t.string)
            if m and not t.string[len(m.group(1)):].startswith(("'''", '"""')):
                strs.append((t, m))
    singles = [(t, m) for t, m in strs if m.group(2) == "'"]
    doubles = [(t, m) for t, m in strs if m.group(2) == '"']
    src, dst = ("'", '"') if len(singles) >= len(doubles) else ('"', "'")
    todo = singles if src == "'" else doubles
    if len(todo) < 2 or any(dst in m.group(3) or '\\' in m.group(3) for _, m in todo):
        return None
    edits = []
    for t, m in todo:
        s = pf.line_start[t.start[0] - 1] + t.start[1]
        edits.append((s, s + len(t.string), m.group(1) + dst + m.group(3) + dst))
    style = 'double' if dst == '"' else 'single'
    instr = phrase(rng, [
        'Use {s} quotes for the strings in {subj}.', 'Convert string literals to {s} quotes.', '{s} quotes please',
        'Change the quoting style in {subj} to {s} quotes.',
    ], s=style, subj=subject(rng, fn.name, _fn_kind(fn, parent)))
    return Change('quotes', edits, first, last, instr)


def indentation(rng, pf, fn, parent):
    """Reverse trick: the input is tab-indented, the target is the corpus's space indentation."""
    first, last = _region(pf, fn)
    if any(l in pf.multiline_string_lines() for l in range(first, last + 1)):
        return None
    body = fn.body[0]
    unit = pf.indent(body.lineno)[len(pf.indent(fn.lineno)):]
    if not unit or set(unit) != {' '}:
        return None
    edits = []
    for l in range(first, last + 1):
        line = pf.lines[l - 1]
        ind = pf.indent(l)
        if not line.strip() or '\t' in ind or (l > 1 and pf.lines[l - 2].rstrip().endswith('\\')):
            continue
        k = len(ind) // len(unit)
        edits.append((pf.line_start[l - 1], pf.line_start[l - 1] + k * len(unit), '\t' * k))
    if not edits:
        return None
    instr = phrase(rng, [
        'Indent {subj} with {n} spaces instead of tabs.', 'Convert the tabs to spaces ({n} per level).',
        'use spaces for indentation', 'Replace tab indentation with {n}-space indentation.',
    ], n=len(unit), subj=subject(rng, fn.name, _fn_kind(fn, parent)))
    return Change('indentation', edits, first, last, instr, reverse=True)


FUNCTION_TRANSFORMS = {
    'add_docstring': add_docstring, 'add_comments': add_comments, 'add_type_hints': add_type_hints,
    'fix_bug': fix_bug, 'rename': rename, 'wrap_try': wrap_try, 'guard_clause': guard_clause,
    'extract_constant': extract_constant, 'add_logging': add_logging, 'invert_if': invert_if,
    'loop_to_comprehension': loop_to_comprehension, 'comprehension_to_loop': comprehension_to_loop,
    'quotes': quotes, 'indentation': indentation,
}


# --- file-level: imports ------------------------------------------------------------------------

def _import_block(pf):
    """Longest run of consecutive single-line module-level imports (no blank lines between)."""
    best, run = None, []
    for node in pf.tree.body:
        ok = isinstance(node, (ast.Import, ast.ImportFrom)) and node.lineno == node.end_lineno \
            and pf.lines[node.lineno - 1].strip() == pf.src(node)
        if ok and (not run or node.lineno == run[-1].end_lineno + 1):
            run.append(node)
        else:
            if run and (best is None or len(run) > len(best)):
                best = run
            run = [node] if ok else []
    if run and (best is None or len(run) > len(best)):
        best = run
    return best or []


def _import_key(line):
    s = line.strip()
    return (s.startswith('from '), s.split()[1].lower() if len(s.split()) > 1 else s)


def sort_imports(rng, pf):
    block = _import_block(pf)
    if len(block) < 3:
        return None
    lines = [pf.lines[n.lineno - 1] for n in block]
    if not (lines == sorted(lines, key=_import_key) or lines == sorted(lines)) or len(set(lines)) < len(lines):
        return None
    shuffled = lines[:]
    for _ in range(5):
        rng.shuffle(shuffled)
        if shuffled != lines:
            break
    else:
        return None
    first, last = block[0].lineno, block[-1].lineno
    s, e = pf.line_start[first - 1], pf.line_start[last]
    instr = phrase(rng, ['Sort the imports.', 'Sort these imports alphabetically.', 'sort imports',
                         'Put the import statements in sorted order.'])
    return Change('sort_imports', [(s, e, ''.join(shuffled))], first, last, instr, reverse=True)


_UNUSED_CANDIDATES = ['import os', 'import sys', 'import re', 'import json', 'import time', 'import math',
                      'import itertools', 'import functools', 'import collections', 'from typing import Any',
                      'from typing import Optional', 'import subprocess', 'import shutil']


def remove_unused_import(rng, pf):
    block = _import_block(pf)
    if len(block) < 2:
        return None
    present = {pf.lines[n.lineno - 1].strip() for n in block}
    used = pf.names_used()
    free = [c for c in _UNUSED_CANDIDATES if c not in present and c.split()[-1] not in used
            and not re.search(r'\b%s\b' % re.escape(c.split()[-1]), pf.text)]
    if not free:
        return None
    extra = rng.choice(free)
    nl = _newline(pf)
    lines = [pf.lines[n.lineno - 1] for n in block]
    pos = sum(1 for l in lines if _import_key(l) < _import_key(extra))
    first, last = block[0].lineno, block[-1].lineno
    at = pf.line_start[first - 1 + pos]
    instr = phrase(rng, ['Remove the unused import {imp}.', 'Delete the unused {imp} import.',
                         'remove unused import {imp}', '{imp} is never used; remove it.'], imp=code(extra))
    return Change('remove_unused_import', [(at, at, extra + nl)], first, last, instr, reverse=True)


FILE_TRANSFORMS = {'sort_imports': sort_imports, 'remove_unused_import': remove_unused_import}
PARSES = _parses
