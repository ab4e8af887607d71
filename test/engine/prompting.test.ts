// Prompt fitting and answer text: clipping keeps the text nearest the cursor; fences are stripped.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { clipToWindows, fitFimPrompt, promptRoom } from '../../src/engine/clipContext';
import type { Manifest } from '../../src/engine/package/manifest';
import { fimPrompt } from '../../src/engine/prompts';
import { stripFences } from '../../src/engine/tasks';
import { CodeTokenizer } from '../../src/engine/tokenizer';
import { REPO } from './tinyModel';

const tok = CodeTokenizer.fromFile(path.join(REPO, 'media/models/diffcoder-small/tokenizer.json'));
const manifest = {
  blockSize: 4,
  architecture: { maxPositions: 512 },
  specialTokens: { bos: 0, eos: 1, pad: 2, mask: 3, fimPrefix: 4, fimSuffix: 5, fimMiddle: 6 },
  prompts: { fim: { order: 'spm', bos: true }, edit: { template: '' } },
} as unknown as Manifest;

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `value_${from + i} = compute(${from + i})\n`).join('');

test('the room for a prompt leaves the answer and one block', () => {
  assert.equal(promptRoom(manifest, 64), 512 - 64 - 4);
});

test('a prompt that fits is the plain FIM prompt', () => {
  const fit = fitFimPrompt(tok, manifest, 'a = 1\n', '\nb = 2\n', 400);
  assert.deepEqual(fit.ids, fimPrompt(tok, manifest, 'a = 1\n', '\nb = 2\n'));
  assert.equal(fit.clippedPrefix + fit.clippedSuffix, 0);
});

test('too long: keeps the end of the prefix and the start of the suffix, in whole lines', () => {
  const prefix = lines(0, 300);
  const suffix = lines(300, 600);
  const fit = fitFimPrompt(tok, manifest, prefix, suffix, 400);
  assert.ok(fit.ids.length <= 400 && fit.ids.length > 380, `${fit.ids.length}`);
  const text = tok.decode(fit.ids);
  // nearest the cursor survives, the far ends do not
  assert.ok(text.includes('value_299 = compute(299)\n<|fim_middle|>'));
  assert.ok(text.includes('<|fim_suffix|>value_300 = compute(300)\n'));
  assert.ok(!text.includes('value_0 ') && !text.includes('value_599 '));
  // cut at line boundaries
  assert.match(text, /<\|fim_prefix\|>value_\d+ = compute/);
  assert.match(text, /\)\n<\|fim_prefix\|>/);
  // the suffix keeps about a quarter of the room when it needs it
  const suffixTokens = fit.ids.indexOf(4) - fit.ids.indexOf(5) - 1;
  assert.ok(suffixTokens >= 80 && suffixTokens <= 99, `suffix ${suffixTokens}`); // a quarter, less the cut line
  // a short suffix is kept whole and the prefix gets the rest
  const fit2 = fitFimPrompt(tok, manifest, prefix, 'end\n', 400);
  assert.ok(tok.decode(fit2.ids).includes('<|fim_suffix|>end\n<|fim_prefix|>'));
  assert.ok(fit2.ids.length >= 380, `${fit2.ids.length}`);
});

test('clipToWindows: the text nearest the cursor within the budgets, in whole lines; the suffix\'s spare budget goes to the prefix', () => {
  const prefix = lines(0, 300) + '    ';
  const suffix = lines(300, 600);
  const w = clipToWindows(tok, prefix, suffix, { prefixTokens: 200, suffixTokens: 60 });
  const [p, s] = [tok.encode(w.prefix).length, tok.encode(w.suffix).length];
  assert.ok(p <= 200 && p > 180 && s <= 60 && s > 45, `prefix ${p}, suffix ${s} tokens`);
  assert.ok(w.prefix.endsWith('value_299 = compute(299)\n    ') && /^value_\d+ = compute/.test(w.prefix), JSON.stringify(w.prefix.slice(0, 40)));
  assert.ok(w.suffix.startsWith('value_300 = compute(300)\n') && w.suffix.endsWith(')\n'));
  const short = clipToWindows(tok, prefix, 'end\n', { prefixTokens: 200, suffixTokens: 60 });
  assert.equal(short.suffix, 'end\n');
  assert.ok(tok.encode(short.prefix).length > 230, 'the short suffix leaves its budget to the prefix');
  assert.deepEqual(clipToWindows(tok, 'a = 1\n', '\nb = 2\n', { prefixTokens: 200, suffixTokens: 60 }), { prefix: 'a = 1\n', suffix: '\nb = 2\n' });
});

test('stripFences: the code inside a ``` fence, opening line optional', () => {
  assert.equal(stripFences('```python\nx = 1\n```\nThat renames x.'), 'x = 1\n');
  assert.equal(stripFences('x = 1\ny = 2\n```'), 'x = 1\ny = 2\n');
  assert.equal(stripFences('x = 1\n'), 'x = 1\n');
  assert.equal(stripFences('  ```ts\nconst a = 1;\n```'), 'const a = 1;\n');
});
