import { fixIndentation } from '../../src/completion/filters/fixIndentation';
import { runGolden } from './filters-golden';

runGolden('fixIndentation', fixIndentation, [
  {
    name: 'editor already indented: extra indentation on the first line removed',
    doc: 'def f(x):\n    █',
    completion: '    return x',
    expect: 'return x',
  },
  {
    name: 'one level deeper after a block opener is fine',
    doc: 'def f(x):\n█',
    completion: '    return x',
    expect: '    return x',
  },
  {
    name: 'tabs in the document: lines below restyled to tabs',
    doc: 'if (a) {\n\t█',
    completion: 'x();\n    y();',
    indentUnit: '\t',
    expect: 'x();\n\ty();',
  },
  {
    name: 'spaces in the document: tab indentation from the model restyled',
    doc: 'def f():\n    █',
    completion: 'a = 1\n\tb = 2',
    expect: 'a = 1\n    b = 2',
  },
  {
    name: 'mid-line completions are left alone',
    doc: 'x = █',
    completion: '  1',
    multiline: false,
    expect: '  1',
  },
]);
