// The whole chain on cases users complain about (reference/editor-anchors.md), end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterContextAt, postProcess } from '../../src/completion/filters';

const cases: { name: string; doc: string; completion: string; multiline: boolean; expect: string | null; replaceRight?: number }[] = [
  { name: 'auto-closed paren not doubled', doc: 'print(█)', completion: '"hello world")', multiline: false, expect: '"hello world")', replaceRight: 1 },
  { name: 'repeat of the next line dropped', doc: 'for x in xs:\n    █\n    print(x)\n', completion: 'print(x)', multiline: true, expect: null },
  { name: 'python body stops at the block end', doc: 'def add(a, b):\n    █\n\ndef sub(a, b):\n    return a - b\n', completion: 'return a + b\n\ndef mul(a, b):\n    return a * b', multiline: true, expect: 'return a + b' },
  { name: 'single-line mid-line', doc: 'const total = █;', completion: 'price * qty;\nconsole.log(total);', multiline: false, expect: 'price * qty' },
  { name: 'whitespace only', doc: 'x = 1\n█', completion: '\n\n', multiline: true, expect: null },
];

for (const c of cases) {
  test(`chain: ${c.name}`, () => {
    const offset = c.doc.indexOf('█');
    const text = c.doc.slice(0, offset) + c.doc.slice(offset + 1);
    const r = postProcess(c.completion, filterContextAt(text, offset, { multiline: c.multiline }));
    assert.equal(r.candidate?.text ?? null, c.expect, `dropped by ${r.droppedBy}`);
    if (c.expect !== null) assert.equal(r.candidate!.replaceRight, c.replaceRight ?? 0);
  });
}

test('filterContextAt at the very start of a document that opens with an empty line', () => {
  const ctx = filterContextAt('\nx = 1\n', 0, { multiline: true });
  assert.equal(ctx.linePrefix, '');
  assert.equal(ctx.lineSuffix, '');
  assert.deepEqual(ctx.linesAbove, []);
  assert.deepEqual(ctx.linesBelow, ['x = 1', '']);
});
