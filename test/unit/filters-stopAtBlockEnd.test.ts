import { stopAtBlockEnd } from '../../src/completion/filters/stopAtBlockEnd';
import { runGolden } from './filters-golden';

runGolden('stopAtBlockEnd', stopAtBlockEnd, [
  {
    name: 'python: stops before the next function',
    doc: 'def f(x):\n    █',
    completion: 'y = x + 1\n    return y\n\ndef g():\n    pass',
    expect: 'y = x + 1\n    return y',
  },
  {
    name: 'brace block: stops before the line that leaves the block',
    doc: 'function f() {\n  if (a) {\n    █\n  }\n}',
    completion: 'run();\n  }\n  more();',
    expect: 'run();',
  },
  {
    name: 'cursor line opens a block: the closing brace is kept, the code after it is not',
    doc: 'function f() {█}',
    completion: '\n  return 1;\n}\n\nfunction g() {}',
    expect: '\n  return 1;\n}',
  },
  {
    name: 'python: after `def f():` the body only',
    doc: 'def f():█',
    completion: '\n    return 1\ndef g():\n    return 2',
    expect: '\n    return 1',
  },
  {
    name: 'closing a bracket opened before the cursor ends the completion',
    doc: 'items = [\n    █',
    completion: '1,\n    2,\n]\nprint(items)',
    expect: '1,\n    2,\n]',
  },
  {
    name: 'trailing blank lines go',
    doc: 'def f():\n    █',
    completion: 'return 1\n\n',
    expect: 'return 1',
  },
  {
    name: 'single-line mode is left alone',
    doc: 'x = █',
    completion: '1\ny = 2',
    multiline: false,
    expect: '1\ny = 2',
  },
]);
