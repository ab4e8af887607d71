import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMultiline } from '../../src/completion/multiline';

const cases: { linePrefix: string; lineSuffix: string; auto: boolean }[] = [
  { linePrefix: '    ', lineSuffix: '', auto: true },
  { linePrefix: 'def f(x):', lineSuffix: '', auto: true },
  { linePrefix: 'x = foo(', lineSuffix: ')', auto: false }, // arguments, not a block
  { linePrefix: 'function f() {', lineSuffix: '}', auto: true },
  { linePrefix: 'const a = [', lineSuffix: '];', auto: true },
  { linePrefix: 'print("', lineSuffix: '")', auto: false },
  { linePrefix: 'x = ', lineSuffix: ' + 1', auto: false },
  { linePrefix: 'if x:', lineSuffix: '  ', auto: true },
  { linePrefix: 'return a', lineSuffix: ';', auto: false },
];

for (const c of cases) {
  test(`multiline auto: ${JSON.stringify(c.linePrefix + '█' + c.lineSuffix)} -> ${c.auto}`, () => {
    assert.equal(isMultiline('auto', c.linePrefix, c.lineSuffix), c.auto);
    assert.equal(isMultiline('always', c.linePrefix, c.lineSuffix), true);
    assert.equal(isMultiline('never', c.linePrefix, c.lineSuffix), false);
  });
}
