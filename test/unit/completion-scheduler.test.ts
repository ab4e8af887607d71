import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { LatestOnlyScheduler } from '../../src/completion/scheduler';
import { Completer } from '../../src/completion/completer';
import { FakeEngine } from './completion-fakeEngine';

const settings = () => ({ multiline: 'auto' as const, prefixTokens: 200, suffixTokens: 50, maxNewTokens: 32, otherFilesTokens: 0, debounceMinMs: 5, debounceMaxMs: 40, prefillOnCursorRest: false });
const counter = () => ({ count: (t: string) => t.length });

test('scheduler: a new request cancels the running one and waits for it to settle', async () => {
  const engine = new FakeEngine(() => 'x', 10, 5);
  const s = new LatestOnlyScheduler<unknown>();
  const first = s.run('a', (t) => engine.complete({ prefix: 'a', suffix: '', maxTokens: 1 }, t));
  await new Promise((r) => setTimeout(r, 12));
  const second = s.run('b', (t) => engine.complete({ prefix: 'b', suffix: '', maxTokens: 1 }, t));
  await assert.rejects(first, /cancelled/);
  assert.ok(await second);
  assert.equal(engine.maxInFlight, 1);
  assert.equal(engine.cancelled, 1);
});

test('scheduler: requests overtaken while waiting never start', async () => {
  const engine = new FakeEngine(() => 'x', 4, 5);
  const s = new LatestOnlyScheduler<unknown>();
  const runs = ['a', 'b', 'c', 'd', 'e'].map((k) => s.run(k, (t) => engine.complete({ prefix: k, suffix: '', maxTokens: 1 }, t)).catch(() => 'cancelled'));
  const results = await Promise.all(runs);
  assert.deepEqual(results.slice(0, 4), [undefined, undefined, undefined, undefined]);
  assert.ok(results[4]);
  assert.equal(engine.calls.length, 1, 'only the newest ran');
  assert.equal(engine.maxInFlight, 1);
});

test('scheduler: the same key joins the running request', async () => {
  const engine = new FakeEngine(() => 'x', 4, 5);
  const s = new LatestOnlyScheduler<unknown>();
  const a = s.run('k', (t) => engine.complete({ prefix: 'k', suffix: '', maxTokens: 1 }, t));
  await new Promise((r) => setTimeout(r, 1));
  const b = s.run('k', (t) => engine.complete({ prefix: 'k', suffix: '', maxTokens: 1 }, t));
  assert.equal(await a, await b);
  assert.equal(engine.calls.length, 1);
});

test('scheduler: cancelling the caller cancels the request in the engine', async () => {
  const engine = new FakeEngine(() => 'x', 20, 5);
  const s = new LatestOnlyScheduler<unknown>();
  const outer = new CancellationTokenSource();
  const p = s.run('k', (t) => engine.complete({ prefix: 'k', suffix: '', maxTokens: 1 }, t), outer.token);
  setTimeout(() => outer.cancel(), 12);
  await assert.rejects(p, /cancelled/);
  assert.equal(engine.cancelled, 1);
});

test('completer: simulated typing never has more than one inference in flight', async () => {
  const engine = new FakeEngine((p) => 'value + 1', 6, 8);
  const completer = new Completer(engine, counter, settings);
  let text = 'def f(value):\n    return ';
  const pending: Promise<unknown>[] = [];
  let source: CancellationTokenSource | undefined;
  for (let i = 0; i < 60; i++) {
    // Like VS Code: each keystroke cancels the previous provide call and starts a new one.
    source?.cancel();
    source = new CancellationTokenSource();
    text += 'abcdefghij'[i % 10];
    pending.push(completer.provide({ text, offset: text.length, indentUnit: '    ', tabSize: 4 }, source.token).catch((e) => e));
    await new Promise((r) => setTimeout(r, 3 + (i % 4) * 15)); // uneven typing: 3..48 ms between keys
  }
  await Promise.all(pending);
  assert.equal(engine.maxInFlight, 1);
  assert.equal(completer.scheduler.maxInFlight, 1);
  assert.ok(engine.calls.length > 0 && engine.calls.length < 60, `debounce and cancellation cut requests: ${engine.calls.length}`);
});
