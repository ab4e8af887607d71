// Alternatives for the editor's cycling (Completer.alternatives): the greedy suggestion first, then
// sampled ones, each filtered, each text once; samples never enter the cache.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { ALTERNATIVE_TEMPERATURE, Completer } from '../../src/completion/completer';
import { FakeEngine } from './completion-fakeEngine';

const settings = () => ({ multiline: 'auto' as const, prefixTokens: 200, suffixTokens: 50, maxNewTokens: 32, otherFilesTokens: 0, debounceMinMs: 1, debounceMaxMs: 20, prefillOnCursorRest: false });
const counter = () => ({ count: (t: string) => t.length });
const input = (text: string) => ({ text, offset: text.length, indentUnit: '    ', tabSize: 4 });

/** Greedy: "compute(a, b)"; sampled answers by seed. */
const answers = (bySeed: Record<number, string>, passMs = 1) =>
  new FakeEngine((p) => (p.decoding?.temperature ? (bySeed[p.decoding.seed!] ?? '') : 'compute(a, b)'), 5, passMs);

test('alternatives: the greedy suggestion first, then samples with seeds 1, 2 at the alternative temperature', async () => {
  const engine = answers({ 1: 'compute(b, a)', 2: 'add(a, b)' });
  const out = await new Completer(engine, counter, settings).alternatives(input('result = '), 3);
  assert.deepEqual(out.map((o) => [o.text, o.source]), [['compute(a, b)', 'model'], ['compute(b, a)', 'sample'], ['add(a, b)', 'sample']]);
  assert.deepEqual(engine.calls.map((c) => c.decoding), [undefined, { temperature: ALTERNATIVE_TEMPERATURE, seed: 1 }, { temperature: ALTERNATIVE_TEMPERATURE, seed: 2 }]);
});

test('alternatives: a text already offered counts once; a few more samples are tried, not endlessly', async () => {
  const engine = answers({ 1: 'compute(a, b)', 2: 'compute(a, b)', 3: 'mul(a, b)', 4: 'compute(a, b)' });
  const out = await new Completer(engine, counter, settings).alternatives(input('result = '), 3);
  assert.deepEqual(out.map((o) => o.text), ['compute(a, b)', 'mul(a, b)']);
  assert.equal(engine.calls.length, 1 + 4, 'the greedy request and count + 1 samples');
});

test('alternatives: samples go through the filters (one that repeats the next line is dropped)', async () => {
  const engine = answers({ 1: 'total = 0', 2: 'return total' });
  const text = 'def f(xs):\n    ';
  const out = await new Completer(engine, counter, settings).alternatives({ text: text + '\n    total = 0\n', offset: text.length, indentUnit: '    ', tabSize: 4 }, 3);
  assert.ok(!out.some((o) => o.text === 'total = 0'), JSON.stringify(out));
  assert.ok(out.some((o) => o.text === 'return total'), JSON.stringify(out));
});

test('alternatives: sampled answers never enter the cache; the greedy one does', async () => {
  const engine = answers({ 1: 'compute(b, a)', 2: 'add(a, b)' });
  const completer = new Completer(engine, counter, settings);
  await completer.alternatives(input('result = '), 3);
  const again = await completer.provide(input('result = '));
  assert.deepEqual([again?.text, again?.source], ['compute(a, b)', 'cache']);
  const typedAhead = await completer.provide(input('result = a'));
  assert.notEqual(typedAhead?.source, 'cache', 'typing the start of a sample is not served from the cache');
});

test('alternatives: none inside a word, and no request', async () => {
  const engine = answers({});
  const out = await new Completer(engine, counter, settings).alternatives({ text: 'resu', offset: 2, indentUnit: '    ', tabSize: 4 }, 3);
  assert.deepEqual(out, []);
  assert.equal(engine.calls.length, 0);
});

test('alternatives: cancelling stops before the next sample', async () => {
  const engine = answers({ 1: 'compute(b, a)', 2: 'add(a, b)' }, 10); // 50 ms a request
  const cts = new CancellationTokenSource();
  const completer = new Completer(engine, counter, settings);
  const pending = completer.alternatives(input('result = '), 3, cts.token);
  while (engine.calls.length < 2) await new Promise((r) => setTimeout(r, 2)); // the first sample is running
  cts.cancel();
  assert.deepEqual((await pending).map((o) => o.text), ['compute(a, b)']);
  assert.equal(engine.calls.length, 2, 'the greedy request and the cancelled sample; no further one');
  assert.equal(engine.cancelled, 1);
});
