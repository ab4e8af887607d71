import { singleLine } from '../../src/completion/filters/singleLine';
import { runGolden } from './filters-golden';

runGolden('singleLine', singleLine, [
  { name: 'keeps the rest of the line', doc: 'x = █', completion: 'foo(1)\ny = 2', multiline: false, expect: 'foo(1)' },
  { name: 'a leading line break leaves nothing', doc: 'x = 1█', completion: '\ny = 2', multiline: false, expect: '' },
  { name: 'multi-line mode is left alone', doc: 'def f():\n    █', completion: 'a = 1\n    b = 2', multiline: true, expect: 'a = 1\n    b = 2' },
]);
