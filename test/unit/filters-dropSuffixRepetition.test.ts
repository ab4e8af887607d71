import { dropSuffixRepetition } from '../../src/completion/filters/dropSuffixRepetition';
import { runGolden } from './filters-golden';

runGolden('dropSuffixRepetition', dropSuffixRepetition, [
  {
    name: 'repeats the next line: dropped',
    doc: 'def f(a, b):\n    █\n    return a + b\n',
    completion: 'return a + b',
    expect: null,
  },
  {
    name: 'new line then the next lines again: cut before the repetition',
    doc: 'def f(a, b):\n    █\n    return a + b\n',
    completion: 'c = a * b\n    return a + b',
    expect: 'c = a * b',
    chain: 'c = a * b',
  },
  {
    name: 'repeats the rest of the line: that tail is cut',
    doc: 'total = █ + tax\n',
    completion: 'price * qty + tax',
    multiline: false,
    expect: 'price * qty',
  },
  {
    name: 'a lone closer matching the next line is not a repetition by itself',
    doc: 'if (a) {\n    █\n}\nfoo();\n',
    completion: 'run();\n}',
    expect: 'run();\n}',
  },
  {
    name: 'a closer followed by the same lines as below is one',
    doc: 'if (a) {\n    █\n}\nfoo();\n',
    completion: 'run();\n}\nfoo();',
    expect: 'run();',
  },
  {
    name: 'completion is the start of what follows: dropped',
    doc: 'x = █foo(1)\n',
    completion: 'foo(',
    multiline: false,
    expect: null,
  },
  {
    name: 'unrelated text is kept',
    doc: 'const a = █;\nconst b = 2;\n',
    completion: '1',
    multiline: false,
    expect: '1',
  },
]);
