"""A Python file with its ast and the offsets needed to edit text at ast positions (ast columns are
UTF-8 byte offsets; edits are made on characters so untouched lines stay byte-identical)."""
import ast
import io
import tokenize


class PyFile:
    def __init__(self, text):
        self.text = text
        self.tree = ast.parse(text)
        self.lines = text.splitlines(keepends=True)
        self.line_start = [0]
        for line in self.lines:
            self.line_start.append(self.line_start[-1] + len(line))

    def offset(self, lineno, col_byte):
        line = self.lines[lineno - 1]
        return self.line_start[lineno - 1] + len(line.encode('utf-8')[:col_byte].decode('utf-8', 'replace'))

    def start(self, node):
        return self.offset(node.lineno, node.col_offset)

    def end(self, node):
        return self.offset(node.end_lineno, node.end_col_offset)

    def src(self, node):
        return self.text[self.start(node):self.end(node)]

    def line_text(self, lineno):
        return self.lines[lineno - 1]

    def first_line(self, node):
        """First line of a definition, decorators included."""
        decos = getattr(node, 'decorator_list', None) or []
        return min([node.lineno] + [d.lineno for d in decos])

    def indent(self, lineno):
        line = self.lines[lineno - 1]
        return line[:len(line) - len(line.lstrip(' \t'))]

    def tokens(self):
        if not hasattr(self, '_tokens'):
            self._tokens = list(tokenize.generate_tokens(io.StringIO(self.text).readline))
        return self._tokens

    def multiline_string_lines(self):
        """Line numbers that lie inside a string spanning several lines (re-indenting them would change
        the string)."""
        if not hasattr(self, '_mls'):
            s = set()
            for t in self.tokens():
                if t.type == tokenize.STRING and t.start[0] != t.end[0]:
                    s.update(range(t.start[0] + 1, t.end[0] + 1))
            self._mls = s
        return self._mls

    def names_used(self):
        if not hasattr(self, '_names'):
            names = set()
            for n in ast.walk(self.tree):
                if isinstance(n, ast.Name):
                    names.add(n.id)
                elif isinstance(n, ast.arg):
                    names.add(n.arg)
                elif isinstance(n, ast.Attribute):
                    names.add(n.attr)
                elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names.add(n.name)
                elif isinstance(n, ast.alias):
                    names.add((n.asname or n.name).split('.')[0])
            self._names = names
        return self._names


def functions(tree):
    """Every def (top level, methods, nested) with its parent."""
    out = []
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.append((child, parent))
    return out


def docstring_node(fn):
    if fn.body and isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant) \
            and isinstance(fn.body[0].value.value, str):
        return fn.body[0]
    return None


def body_after_docstring(fn):
    return fn.body[1:] if docstring_node(fn) else fn.body
