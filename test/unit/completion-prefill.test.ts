// Where the cursor comes to rest, the completion core prefills the prompt a suggestion there would start
// with (src/completion/completer.ts prefill); the worker side is test/unit/sampler.test.ts prefillPrompt.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Completer } from '../../src/completion/completer';
import { FakeEngine } from './completion-fakeEngine';

const settings = (extra = {}) => () => ({ multiline: 'auto' as const, prefixTokens: 200, suffixTokens: 50, maxNewTokens: 32, otherFilesTokens: 100, debounceMinMs: 0, debounceMaxMs: 0, prefillOnCursorRest: true, ...extra });
const counter = () => ({ count: (t: string) => t.length });
const doc = 'def area(r):\n    return 3.14 * r * r\n\n\ndef perimeter(r):\n    \n\nprint(area(2))\n';
const input = (offset: number) => ({ text: doc, offset, indentUnit: '    ', tabSize: 4, path: 'shapes.py', languageId: 'python' });
const cursor = doc.indexOf('    \n\nprint') + 4;

test('prefill sends the prompt the completion at that place sends, other files included', async () => {
  const engine = new FakeEngine(() => 'return 2 * 3.14 * r', 1, 1);
  const logs: string[] = [];
  const c = new Completer(engine, counter, settings(), { log: (m) => logs.push(m) });
  c.otherFiles.remember('circle.py', 'def circle_area(r):\n    return 3.14 * r * r\n', 'python');
  await c.prefill(input(cursor));
  await c.provide(input(cursor));
  assert.equal(engine.prefills.length, 1);
  const [p] = engine.prefills;
  const [asked] = engine.calls;
  assert.equal(p.prefix, asked.prefix);
  assert.equal(p.suffix, asked.suffix);
  assert.equal(p.maxTokens, asked.maxTokens, 'the same budget: a long prompt is clipped the same way');
  assert.match(p.prefix, /circle_area/, 'the other file\'s window is part of it');
  assert.match(logs.find((l) => l.startsWith('prefill'))!, /^prefill p\d+: prompt 10 tok \(0 reused, 8 prefilled\), 1 ms$/);
});

test('no prefill inside a word, while a request runs, or with the setting off', async () => {
  const engine = new FakeEngine(() => 'x', 3, 10);
  const c = new Completer(engine, counter, settings());
  await c.prefill(input(doc.indexOf('area') + 2));
  assert.equal(engine.prefills.length, 0, 'inside a word the editor asks nothing, so nothing is prepared');
  const running = c.provide(input(cursor));
  await new Promise((r) => setTimeout(r, 5));
  await c.prefill(input(cursor));
  assert.equal(engine.prefills.length, 0, 'a request in flight has the worker');
  await running;
  const off = new FakeEngine(() => 'x', 1, 1);
  await new Completer(off, counter, settings({ prefillOnCursorRest: false })).prefill(input(cursor));
  assert.equal(off.prefills.length, 0);
});
