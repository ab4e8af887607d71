// Prefix healing (src/engine/prefixHealing.ts) with the bundled tokenizer: which text is taken off the
// prompt, which first tokens the answer may start with, and where nothing is healed.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { afterRemoved, healPrefix } from '../../src/engine/prefixHealing';
import { CodeTokenizer } from '../../src/engine/tokenizer';

const tok = CodeTokenizer.fromFile(path.join(__dirname, '..', '..', 'media', 'models', 'diffcoder-small', 'tokenizer.json'));
const texts = (ids: number[]) => ids.map((id) => tok.decode([id]));

test('the word being typed comes off the prompt with its space, and the answer must start with it', () => {
  const h = healPrefix(tok, 'def f(x):\n    ret')!;
  assert.equal(h.removed, ' ret');
  assert.equal(h.prefix, 'def f(x):\n   ');
  const allowed = texts(h.firstTokens);
  assert.ok(allowed.includes(' return') && allowed.includes(' ret'), allowed.join('|'));
  assert.ok(allowed.every((t) => t.startsWith(' ret')));
  // Exactly the vocabulary's tokens that start with it.
  const all = tok.tokenTexts().filter((t, id) => t.startsWith(' ret') && !tok.specialIds.has(id));
  assert.equal(allowed.length, all.length);
});

test('a word that ends on tokens no token continues is healed from its longest end one does', () => {
  // `foo.ba` ends on `b` `a` with this tokenizer; `ba` is what `back` and `bar` start with.
  const h = healPrefix(tok, 'x = foo.ba')!;
  assert.equal(h.removed, 'ba');
  assert.ok(texts(h.firstTokens).includes('bar'));
  const snake = healPrefix(tok, 'x = my_var_na')!;
  assert.ok(snake.removed.endsWith('na') && ' my_var_na'.endsWith(snake.removed), snake.removed);
  assert.ok(texts(snake.firstTokens).every((t) => t.startsWith(snake.removed)));
  assert.equal(snake.prefix + snake.removed, 'x = my_var_na');
});

test('nothing is healed after punctuation, a space, a line break or at the start of the file', () => {
  for (const prefix of ['foo(', 'x = ', 'x\n', '', 'if a:\n    ', 'é', '名前']) assert.equal(healPrefix(tok, prefix), null, JSON.stringify(prefix));
});

test('the answer shown is what follows the removed text', () => {
  const h = healPrefix(tok, '    ret')!;
  assert.equal(afterRemoved(' return x', h), 'urn x');
  assert.equal(afterRemoved('', h), '', 'an answer cut before its first token');
  assert.equal(afterRemoved(' return x', null), ' return x');
});
