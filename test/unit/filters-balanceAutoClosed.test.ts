import { balanceAutoClosed } from '../../src/completion/filters/balanceAutoClosed';
import { runGolden } from './filters-golden';

runGolden('balanceAutoClosed', balanceAutoClosed, [
  { name: 'closer re-typed: replace the auto-closed one', doc: 'print(█)', completion: '"hi")', multiline: false, expect: '"hi")', replaceRight: 1 },
  { name: 'quote and paren re-typed', doc: 'print("█")', completion: 'hello")', multiline: false, expect: 'hello")', replaceRight: 2 },
  { name: 'only the quote re-typed', doc: 'print("█")', completion: 'hello"', multiline: false, expect: 'hello"', replaceRight: 1 },
  { name: 'no closer in the completion: insert only', doc: 'print("█")', completion: 'hello', multiline: false, expect: 'hello', replaceRight: 0 },
  { name: 'closer plus statement end', doc: 'foo(█)', completion: 'a, b);', multiline: false, expect: 'a, b);', replaceRight: 1 },
  { name: 'an extra closer is removed', doc: 'foo(█)', completion: 'a))', multiline: false, expect: 'a)', replaceRight: 1 },
  { name: 'a closer for a bracket opened lines above is kept', doc: 'foo(\n    a,\n    █', completion: 'b)', multiline: false, expect: 'b)' },
  { name: 'multi-line block ending with the auto-closed brace', doc: 'function f() {█}', completion: '\n    return 1;\n}', expect: '\n    return 1;\n}', replaceRight: 1 },
  { name: 'nothing right of the cursor: unchanged', doc: 'x = █', completion: 'foo(1)', multiline: false, expect: 'foo(1)' },
  { name: 'text after the closers is not touched', doc: 'x = [█] + y', completion: '1, 2]', multiline: false, expect: '1, 2]', replaceRight: 1 },
]);
