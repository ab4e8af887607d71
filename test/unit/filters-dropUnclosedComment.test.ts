import { dropUnclosedComment } from '../../src/completion/filters/dropUnclosedComment';
import { runGolden } from './filters-golden';

runGolden('dropUnclosedComment', dropUnclosedComment, [
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
]);
