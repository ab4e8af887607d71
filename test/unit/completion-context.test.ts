import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWindows, LineTokenCounter, type TokenCounter } from '../../src/completion/context';

// One token per character: budgets are easy to reason about.
const chars: TokenCounter = { count: (t) => t.length };

function doc(s: string): [string, number] {
  const i = s.indexOf('█');
  return [s.slice(0, i) + s.slice(i + 1), i];
}

test('windows: whole document when it fits', () => {
  const [text, off] = doc('a = 1\nb = █2\nc = 3\n');
  const w = buildWindows(text, off, { prefixTokens: 100, suffixTokens: 100 }, chars);
  assert.equal(w.prefix, 'a = 1\nb = ');
  assert.equal(w.suffix, '2\nc = 3\n');
  assert.equal(w.prefixClipped, false);
  assert.equal(w.suffixClipped, false);
});

test('windows: grow by whole lines outward from the cursor and stop at the budget', () => {
  const [text, off] = doc('line1\nline2\nline3\nab█cd\nline5\nline6\nline7');
  // prefix budget 2 + 6 + 6 = "ab" + "line3\n" + "line2\n"; suffix "cd" + "\nline5" = 8
  const w = buildWindows(text, off, { prefixTokens: 14, suffixTokens: 8 }, chars);
  assert.equal(w.prefix, 'line2\nline3\nab');
  assert.equal(w.suffix, 'cd\nline5');
  assert.equal(w.prefixTokens, 14);
  assert.ok(w.prefixClipped && w.suffixClipped);
});

test('windows: an unused suffix budget goes to the prefix', () => {
  const [text, off] = doc('l1\nl2\nl3\nl4\nx█');
  const w = buildWindows(text, off, { prefixTokens: 4, suffixTokens: 6 }, chars);
  assert.equal(w.suffix, '');
  assert.equal(w.prefix, 'l2\nl3\nl4\nx'); // 10 tokens = 4 + 6
});

test('windows: a cursor line longer than the budget keeps its end', () => {
  const [text, off] = doc('0123456789█');
  const w = buildWindows(text, off, { prefixTokens: 4, suffixTokens: 0 }, chars);
  assert.equal(w.prefix, '6789');
  assert.ok(w.prefixClipped);
});

test('windows: never exceed the budget with a real-ish counter', () => {
  const words: TokenCounter = { count: (t) => (t.match(/\w+|[^\w\s]|\s+/g) ?? []).length };
  const lines = Array.from({ length: 300 }, (_, i) => `    value_${i} = compute(${i}, "x") + 1`);
  const text = lines.join('\n');
  const off = text.indexOf('value_150');
  const counter = new LineTokenCounter(words);
  const w = buildWindows(text, off, { prefixTokens: 200, suffixTokens: 60 }, counter);
  assert.ok(w.prefixTokens <= 200 && w.suffixTokens <= 60);
  assert.ok(text.slice(0, off).endsWith(w.prefix));
  assert.ok(text.slice(off).startsWith(w.suffix));
  // The sum of line counts is what the window reports.
  assert.ok(Math.abs(words.count(w.prefix) - w.prefixTokens) <= 12);
});

test('windows: a document that opens with empty lines (the line walk once looped forever there)', () => {
  for (const s of ['\nx = 1\ny█', '\n\n\nx█', '\n█', '\n\nab█\n\n']) {
    const [text, off] = doc(s);
    const w = buildWindows(text, off, { prefixTokens: 100, suffixTokens: 100 }, chars);
    assert.equal(w.prefix, text.slice(0, off), JSON.stringify(s));
    assert.equal(w.suffix, text.slice(off), JSON.stringify(s));
  }
});

test('windows: a megabyte-long minified line is looked at only near the cursor', () => {
  let seen = 0; // characters handed to the tokenizer
  const counting: TokenCounter = { count: (t) => ((seen += t.length), Math.ceil(t.length / 3)) };
  const line = 'var a=' + 'f(1),'.repeat(200_000) + ';';
  for (const [text, off] of [[line, line.length >> 1], ['x = 1\n' + line + '\ny = ', line.length + 11]] as const) {
    seen = 0;
    const w = buildWindows(text, off, { prefixTokens: 768, suffixTokens: 256 }, counting);
    assert.ok(w.prefixTokens <= 768 + 256 && w.suffixTokens <= 256);
    assert.ok(text.slice(0, off).endsWith(w.prefix) && text.slice(off).startsWith(w.suffix));
    assert.ok(seen < 20 * 1024 * 16, `the tokenizer saw ${seen} characters`);
  }
});
