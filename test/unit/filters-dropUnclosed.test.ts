import { dropUnclosed } from '../../src/completion/filters/dropUnclosed';
import { runGolden } from './filters-golden';

runGolden('dropUnclosed', dropUnclosed, [
  {
    name: 'a docstring opened and never closed: the fill is cut before it (here nothing is left)',
    doc: 'def clamp(x, lo, hi):\n    █',
    completion: '"""\n    Return x clamped.\n\n    Parameters\n    ----------',
    expect: null,
  },
  {
    name: 'code before the open docstring stays',
    doc: 'def f(xs):\n    █',
    completion: 'total = sum(xs)\n    return total\n\n\ndef g():\n    """Return',
    expect: 'total = sum(xs)\n    return total\n\n\ndef g():',
  },
  { name: 'a closed docstring is fine', doc: 'def f():\n    █', completion: '"""Do it."""\n    return 1', expect: '"""Do it."""\n    return 1' },
  { name: 'a block comment left open', doc: 'int f(void) {\n    █', completion: 'return 0;\n}\n\n/* the next', expect: 'return 0;\n}' },
  {
    name: 'inside a docstring already: closing it is the fill\'s job',
    doc: 'def f():\n    """█',
    completion: 'Do it.\n    """\n    return 1',
    expect: 'Do it.\n    """\n    return 1',
  },
  { name: 'a string with one quote is not a docstring', doc: 'x = █', completion: '"a" + \'b\'', expect: '"a" + \'b\'' },
  {
    name: 'a block opened and never closed (an early EOS after the brace): nothing left',
    doc: 'export function distance(a: Point, b: Point): number {\n  █\n}',
    completion: 'if (points.length === 0) {',
    expect: null,
  },
  {
    name: 'the lines before the unclosed bracket stay',
    doc: 'function f(xs) {\n  █\n}',
    completion: 'const n = xs.length;\n  return g(n,\n    xs',
    expect: 'const n = xs.length;',
  },
  { name: 'balanced brackets over several lines', doc: 'def f(xs):\n    █', completion: 'return [\n        x * 2\n        for x in xs\n    ]', expect: 'return [\n        x * 2\n        for x in xs\n    ]' },
  { name: 'a closer for a bracket opened before the hole', doc: 'total = sum(█', completion: 'x for x in xs)', expect: 'x for x in xs)' },
  {
    name: 'brackets in strings and comments do not count',
    doc: 'def f(x):\n    █',
    completion: 'print("(", x)  # the ( is printed\n    s = \'[\' + "{"\n    return s',
    expect: 'print("(", x)  # the ( is printed\n    s = \'[\' + "{"\n    return s',
  },
  { name: "JS private names are no comment", doc: 'class A {\n  █', completion: 'get(k) { return this.#items.get(k); }', expect: 'get(k) { return this.#items.get(k); }' },
]);
