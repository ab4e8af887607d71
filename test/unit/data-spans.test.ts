import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../scripts/data/lib/prng';
import { chunkAtLines, isSafeCut, randomFimSplit } from '../../scripts/data/lib/spans';

test('chunks cut after line breaks and cover the text', () => {
  const text = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(i % 17)}`).join('\n') + '\n';
  const parts = chunkAtLines(text, 300);
  assert.equal(parts.join(''), text);
  for (const p of parts.slice(0, -1)) {
    assert.ok(p.endsWith('\n'));
    assert.ok(p.length <= 300);
  }
  const long = 'a'.repeat(1000);
  assert.equal(chunkAtLines(long, 300).join(''), long);
});

test('FIM splits never cut a character apart', () => {
  const text = 'x = "caf\u00e9 \u{1F468}\u200d\u{1F469} e\u0301"\r\ny = 2\r\n'.repeat(5);
  const rng = new Prng(3);
  for (let i = 0; i < 500; i++) {
    const { prefix, middle, suffix } = randomFimSplit(rng, text);
    assert.equal(prefix + middle + suffix, text);
    assert.ok(isSafeCut(text, prefix.length) && isSafeCut(text, prefix.length + middle.length));
    assert.ok(!/[\ud800-\udbff]$/.test(prefix) && !/^[\udc00-\udfff]/.test(middle + suffix));
  }
  assert.equal(isSafeCut('a\r\nb', 2), false);
  assert.equal(isSafeCut('e\u0301', 1), false);
});

test('the PRNG is deterministic per seed', () => {
  const a = new Prng('s:1');
  const b = new Prng('s:1');
  const c = new Prng('s:2');
  const xs = Array.from({ length: 5 }, () => a.u32());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.u32()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.u32()));
  const r = new Prng(9);
  for (let i = 0; i < 1000; i++) {
    const v = r.int(1, 4);
    assert.ok(v >= 1 && v <= 4 && Number.isInteger(v));
  }
});
