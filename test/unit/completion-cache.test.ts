import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionCache } from '../../src/completion/cache';
import { Completer } from '../../src/completion/completer';
import { FakeEngine } from './completion-fakeEngine';

test('cache: exact hit', () => {
  const c = new CompletionCache();
  c.set('x = ', '\n', 'foo(1)');
  assert.deepEqual(c.get('x = ', '\n'), { text: 'foo(1)', typedAhead: 0 });
  assert.equal(c.get('y = ', '\n'), undefined);
});

test('cache: typed-ahead characters serve the rest', () => {
  const c = new CompletionCache();
  c.set('x = ', '\n', 'foo(1)');
  assert.deepEqual(c.get('x = fo', '\n'), { text: 'o(1)', typedAhead: 2 });
  assert.equal(c.get('x = fa', '\n'), undefined, 'typed something else');
  assert.equal(c.get('x = foo(1)', '\n'), undefined, 'typed all of it: nothing left');
  assert.equal(c.get('x = fo', ')\n'), undefined, 'different suffix');
});

test('cache: LRU evicts the oldest', () => {
  const c = new CompletionCache(2);
  c.set('a', '', '1');
  c.set('b', '', '2');
  c.get('a', '');
  c.set('c', '', '3');
  assert.ok(c.get('a', ''));
  assert.equal(c.get('b', ''), undefined);
});

const settings = () => ({ multiline: 'auto' as const, prefixTokens: 200, suffixTokens: 50, maxNewTokens: 32, otherFilesTokens: 0, debounceMinMs: 1, debounceMaxMs: 20, prefillOnCursorRest: false });
const counter = () => ({ count: (t: string) => t.length });
const input = (text: string) => ({ text, offset: text.length, indentUnit: '    ', tabSize: 4 });

test('completer: typing what the suggestion started with is served without a request', async () => {
  const engine = new FakeEngine(() => 'compute(a, b)', 1, 1);
  const completer = new Completer(engine, counter, settings);
  const first = await completer.provide(input('result = '));
  assert.equal(first?.text, 'compute(a, b)');
  assert.equal(engine.calls.length, 1);
  const second = await completer.provide(input('result = comp'));
  assert.equal(second?.text, 'ute(a, b)');
  assert.equal(second?.source, 'cache');
  assert.equal(engine.calls.length, 1, 'no new request');
});

test('completer: after an accept, what follows is prefetched and served from the cache', async () => {
  const engine = new FakeEngine((p) => (p.prefix.endsWith('total = 0') ? '\n    for x in xs:' : 'total = 0'), 1, 1);
  const completer = new Completer(engine, counter, settings);
  const at = input('def s(xs):\n    ');
  const out = await completer.provide(at);
  assert.equal(out?.text, 'total = 0');
  completer.accepted(at, out!);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(engine.calls.length, 2, 'the prefetch ran');
  const next = await completer.provide(input('def s(xs):\n    total = 0'));
  assert.equal(next?.source, 'cache');
  assert.equal(next?.text, '\n    for x in xs:');
  assert.equal(engine.calls.length, 2);
});

test('completer: the editor asking while the prefetch runs joins it', async () => {
  const engine = new FakeEngine((p) => (p.prefix.endsWith('= 0') ? ' # zero' : 'x = 0'), 5, 10);
  const completer = new Completer(engine, counter, settings);
  const at = input('');
  const out = await completer.provide(at);
  completer.accepted(at, out!);
  const next = await completer.provide(input('x = 0'));
  assert.equal(next?.text, ' # zero');
  assert.equal(engine.calls.length, 2);
  assert.equal(engine.cancelled, 0);
});
