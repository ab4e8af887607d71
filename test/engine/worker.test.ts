// The worker process through EngineClient: requests, streaming, KV reuse, cancellation, errors that leave
// it alive, and a crash it recovers from. Real worker bundle, real onnxruntime, tiny real model.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { EngineClient, EngineStoppedError } from '../../src/client/engineClient';
import type { EngineState } from '../../src/client/types';
import { ErrorCodes, type BlockNotificationParams } from '../../src/engine/protocol';
import { builtWorker } from './builtWorker';
import { copyPackage, editManifest, tinyModel } from './tinyModel';

let pkg: string;
let engine: EngineClient;
before(async () => {
  pkg = (await tinyModel()).dir;
  engine = new EngineClient({ workerPath: builtWorker(), restartDelayMs: 50 });
});
after(() => engine.dispose());

const code = 'def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    ';
const rejectsWith = (p: Promise<unknown>, c: number, re?: RegExp) =>
  assert.rejects(p, (e: ResponseError<unknown>) => e instanceof ResponseError && e.code === c && (!re || re.test(e.message)));

test('requests before a model is loaded answer NoModel', async () => {
  await rejectsWith(engine.complete({ prefix: 'a', suffix: '', maxTokens: 4 }), ErrorCodes.NoModel, /no model is loaded/);
});

test('a bad package is a BadPackage error with the problems; the worker stays up', async () => {
  const bad = copyPackage(pkg, 'worker-bad');
  editManifest(bad, (m) => (m.blockSize = 0));
  const pid = engine.pid;
  await assert.rejects(engine.load({ modelDir: bad }), (e: ResponseError<{ problems: { where: string }[] }>) => {
    return e.code === ErrorCodes.BadPackage && e.data!.problems[0].where === 'blockSize';
  });
  assert.equal(engine.state, 'error');
  assert.equal(engine.pid, pid);
  const info = await engine.load({ modelDir: pkg, threads: 1 });
  assert.equal(info.device, 'cpu');
  assert.equal(engine.state, 'ready');
  assert.equal((await engine.stats()).model?.name, info.name);
});

test('execution providers that cannot load fall back to cpu, and say why', async () => {
  const info = await engine.load({ modelDir: pkg, providers: ['cuda', 'webgpu', 'cpu'], threads: 1 });
  assert.equal(info.device, 'cpu');
  assert.equal(info.fallback.length, 2);
  assert.match(info.fallback[0], /^cuda: /);
  assert.match(info.fallback[1], /^webgpu: /);
});

test('complete, fill and edit answer through the worker', async () => {
  const c = await engine.complete({ prefix: code, suffix: '\n\nprint(mul(2, 3))\n', maxTokens: 12 });
  assert.equal(c.tokens, 12);
  assert.equal(c.stoppedBy, 'budget');
  assert.equal(c.device, 'cpu');
  assert.ok(c.text.length > 0 && c.promptTokens > 10);

  const text = 'a = 1\n<FILL>\nb = 2\nc = /*FILL*/\n';
  const f = await engine.fill({ text, holes: [{ offset: 6, length: 6 }, { offset: 23, length: 8 }], maxTokens: 6 });
  assert.equal(f.fills.length, 2);
  assert.equal(f.text, `a = 1\n${f.fills[0].text}\nb = 2\nc = ${f.fills[1].text}\n`);

  const blocks: BlockNotificationParams[] = [];
  const e = await engine.edit({ instruction: 'rename a to x', code: 'def f(a):\n    return a\n', maxTokens: 10 }, undefined, (b) => blocks.push(b));
  assert.equal(e.tokens, 10);
  // blocks are aligned to absolute positions: the first one also holds the prompt's tail
  const counts = blocks.map((b) => b.tokens);
  assert.equal(counts.at(-1), 10);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i] > counts[i - 1] && counts[i] - counts[i - 1] <= 4);
  for (const b of blocks) assert.ok(e.text.startsWith(b.text));
  assert.equal(blocks.at(-1)!.text, e.text);
});

test('single-line completions end before the first line break', async () => {
  const r = await engine.complete({ prefix: code, suffix: '\n', maxTokens: 48, singleLine: true });
  assert.ok(!r.text.includes('\n'));
});

test('KV reuse: typing reuses the shared blocks and gives the same tokens as a cold run', async () => {
  const suffix = '\n\nprint(mul(2, 3))\n';
  await engine.complete({ prefix: code, suffix, maxTokens: 16 });
  const warm = await engine.complete({ prefix: code + 'ret', suffix, maxTokens: 16 });
  assert.ok(warm.reusedTokens >= warm.promptTokens - 8, `reused ${warm.reusedTokens} of ${warm.promptTokens}`);
  assert.equal(warm.reusedTokens % 4, 0);
  await engine.complete({ prefix: 'something else entirely', suffix: '', maxTokens: 4 });
  const cold = await engine.complete({ prefix: code + 'ret', suffix, maxTokens: 16 });
  assert.equal(cold.reusedTokens, 0);
  assert.equal(warm.text, cold.text);
  assert.equal(warm.tokens, cold.tokens);
});

test('prefill: the prompt of a place goes into the cache; the first keystroke there reuses it and answers as cold', async () => {
  const suffix = '\n\nprint(mul(2, 3))\n';
  await engine.complete({ prefix: 'something else entirely', suffix: '', maxTokens: 4 });
  const p = await engine.prefill({ prefix: code, suffix, maxTokens: 16 });
  assert.equal(p.cancelled, false);
  assert.equal(p.reusedTokens, 0);
  assert.equal(p.prefilledTokens, Math.floor(p.promptTokens / 4) * 4);
  assert.equal(engine.state, 'ready', 'a prefill is no generation: the engine never looked busy');
  const again = await engine.prefill({ prefix: code, suffix, maxTokens: 16 });
  assert.deepEqual([again.reusedTokens, again.prefilledTokens], [p.prefilledTokens, 0], 'the same place twice: nothing to do');
  const typed = await engine.complete({ prefix: code + 'r', suffix, maxTokens: 16 });
  assert.ok(typed.reusedTokens >= typed.promptTokens - 8, `reused ${typed.reusedTokens} of ${typed.promptTokens}`);
  await engine.complete({ prefix: 'something else entirely', suffix: '', maxTokens: 4 });
  const cold = await engine.complete({ prefix: code + 'r', suffix, maxTokens: 16 });
  assert.equal(cold.reusedTokens, 0);
  assert.equal(typed.text, cold.text);
  await rejectsWith(engine.prefill({ prefix: 1 as unknown as string, suffix: '', maxTokens: 4 }), ErrorCodes.BadRequest, /prefix must be a string/);
});

test('fill with window budgets: each hole\'s prompt is the text nearest it, as a completion\'s', async () => {
  const body = Array.from({ length: 200 }, (_, i) => `v${i} = f(${i})\n`).join('');
  const text = body + '# FILL\n' + body;
  const hole = { offset: body.length, length: '# FILL'.length };
  const whole = await engine.fill({ text, holes: [hole], maxTokens: 4 });
  const windowed = await engine.fill({ text, holes: [hole], maxTokens: 4, prefixTokens: 100, suffixTokens: 50 });
  assert.ok(whole.fills[0].promptTokens > 1000, `${whole.fills[0].promptTokens}`);
  assert.ok(windowed.fills[0].promptTokens <= 155, `${windowed.fills[0].promptTokens}`);
  assert.ok(windowed.text.startsWith(body), 'the text outside the holes is all there');
  await rejectsWith(engine.fill({ text, holes: [hole], maxTokens: 4, prefixTokens: 100 }), ErrorCodes.BadRequest, /suffixTokens must be an integer >= 0/);
  // Context from other files goes before the hole's prompt and takes its tokens from the prefix's budget.
  const context = '# helpers.py\ndef scale(values, k):\n    return [v * k for v in values]\n\n';
  const withContext = await engine.fill({ text, holes: [{ ...hole, context }], maxTokens: 4, prefixTokens: 100, suffixTokens: 50 });
  assert.ok(Math.abs(withContext.fills[0].promptTokens - windowed.fills[0].promptTokens) <= 8, `${withContext.fills[0].promptTokens} vs ${windowed.fills[0].promptTokens}: the same budget`);
  const short = 'x = 1\n# FILL\n';
  const [plain, helped] = await Promise.all([
    engine.fill({ text: short, holes: [{ offset: 6, length: 6 }], maxTokens: 4 }),
    engine.fill({ text: short, holes: [{ offset: 6, length: 6, context }], maxTokens: 4 }),
  ]);
  assert.ok(helped.fills[0].promptTokens >= plain.fills[0].promptTokens + 15, 'the context is in the prompt');
  assert.equal(helped.text.startsWith('x = 1\n'), true, 'and not in the filled text');
  await rejectsWith(engine.fill({ text: short, holes: [{ offset: 6, length: 6, context: 3 as unknown as string }], maxTokens: 4 }), ErrorCodes.BadRequest, /holes\[0\]\.context must be a string/);
});

test('bad params are BadRequest errors; the worker stays up', async () => {
  await rejectsWith(engine.complete({ prefix: 'x', suffix: '', maxTokens: 0 }), ErrorCodes.BadRequest, /maxTokens must be an integer/);
  await rejectsWith(engine.complete({ prefix: 3 as unknown as string, suffix: '', maxTokens: 4 }), ErrorCodes.BadRequest, /prefix must be a string/);
  await rejectsWith(engine.complete(null as never), ErrorCodes.BadRequest, /params must be an object/);
  await rejectsWith(engine.complete({ prefix: 'x', suffix: '', maxTokens: 4, decoding: { mode: 'greedy' as never } }), ErrorCodes.BadRequest, /decoding.mode/);
  await rejectsWith(engine.edit({ instruction: 'x', code: 'y', maxTokens: 4, decoding: { promptLookup: 1 as never } }), ErrorCodes.BadRequest, /decoding.promptLookup must be true or false \(is 1\)/);
  await rejectsWith(engine.complete({ prefix: 'x', suffix: '', maxTokens: 4, decoding: { draftStates: 2.5 } }), ErrorCodes.BadRequest, /decoding.draftStates must be an integer in \[0, 16\] \(is 2.5\)/);
  await rejectsWith(engine.complete({ prefix: 'x', suffix: '', maxTokens: 4, decoding: { healPrefix: 'yes' as never } }), ErrorCodes.BadRequest, /decoding.healPrefix must be true or false \(is "yes"\)/);
  await rejectsWith(engine.fill({ text: 'abc', holes: [{ offset: 2, length: 5 }], maxTokens: 4 }), ErrorCodes.BadRequest, /out of range/);
  await rejectsWith(engine.edit({ instruction: 'x', code: 'word '.repeat(engine.model!.maxPositions), maxTokens: 16 }), ErrorCodes.BadRequest, /select less code/);
  const ok = await engine.complete({ prefix: 'x', suffix: '', maxTokens: 4 });
  assert.equal(ok.tokens, 4);
});

test('a long prompt is clipped to the context, keeping the text nearest the cursor', async () => {
  const n = engine.model!.maxPositions;
  const r = await engine.complete({ prefix: 'x = 1\n'.repeat(n), suffix: 'y = 2\n'.repeat(n), maxTokens: 16 });
  assert.ok(r.promptTokens <= n - 16 - 4 && r.promptTokens > n - 16 - 4 - 16, `prompt ${r.promptTokens}`);
  assert.equal(r.tokens, 16);
});

test('cancellation: a token cancels between passes; a new completion supersedes the running one', async () => {
  const src = new CancellationTokenSource();
  const p = engine.complete({ prefix: code, suffix: '', maxTokens: 512 }, src.token);
  setTimeout(() => src.cancel(), 30);
  const r = await p;
  assert.equal(r.stoppedBy, 'cancelled');
  assert.ok(r.tokens < 512);

  const first = engine.complete({ prefix: code, suffix: '\n', maxTokens: 512 });
  const second = engine.complete({ prefix: code + 'r', suffix: '\n', maxTokens: 8 });
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.stoppedBy, 'cancelled');
  assert.equal(b.stoppedBy, 'budget');
  assert.equal(b.tokens, 8);
  // diffcoder/cancel by requestId (the CLI's Ctrl+C path)
  const byId = engine.complete({ requestId: 'ctrl-c', prefix: code, suffix: '', maxTokens: 512 });
  setTimeout(() => engine.cancel('ctrl-c'), 30);
  assert.equal((await byId).stoppedBy, 'cancelled');
  // an edit is never superseded by a completion
  const edit = engine.edit({ instruction: 'x', code: 'y = 1\n', maxTokens: 24 });
  const comp = engine.complete({ prefix: 'z', suffix: '', maxTokens: 4 });
  assert.equal((await edit).stoppedBy, 'budget');
  assert.equal((await comp).tokens, 4);
});

test('stats count generation requests in flight and running, and the most at once', async () => {
  const idle = await engine.stats();
  assert.equal(idle.inFlight, 0);
  assert.equal(idle.running, 0);
  assert.ok(idle.maxRunning === 1 && idle.maxInFlight >= 2, 'the tests above overlapped requests; one ran at a time');
  // an edit running and a completion queued behind it (the worker reads its messages in order)
  const edit = engine.edit({ instruction: 'x', code: 'y = 1\n', maxTokens: 256 });
  const comp = engine.complete({ prefix: 'z', suffix: '', maxTokens: 4 });
  const busy = await engine.stats();
  assert.deepEqual([busy.inFlight, busy.running], [2, 1]);
  await Promise.all([edit, comp]);
  const after = await engine.stats();
  assert.deepEqual([after.inFlight, after.running, after.maxRunning], [0, 0, 1]);
  assert.ok(after.requests >= busy.requests + 1);
});

test('a killed worker: requests in flight reject, it restarts, reloads the model, and answers', async () => {
  const states: EngineState[] = [];
  const sub = engine.onStateChange((s) => states.push(s));
  const restarted = new Promise<string>((resolve) => engine.onRestart(resolve));
  const pid = engine.pid!;
  const inFlight = engine.complete({ prefix: code, suffix: '', maxTokens: 500 });
  setTimeout(() => process.kill(pid, 'SIGKILL'), 50);
  await assert.rejects(inFlight, (e: Error) => e instanceof EngineStoppedError && /diffcoder\/complete did not finish: the worker was killed by SIGKILL/.test(e.message));
  assert.match(await restarted, /killed by SIGKILL/);
  assert.notEqual(engine.pid, pid);
  assert.equal(engine.model?.modelDir, pkg);
  const r = await engine.complete({ prefix: code, suffix: '', maxTokens: 4 });
  assert.equal(r.tokens, 4);
  assert.deepEqual(states.filter((s) => s !== 'busy').slice(0, 3), ['starting', 'loading', 'ready']);
  sub.dispose();
});

test('requests made while the worker restarts wait for it', async () => {
  const pid = engine.pid!;
  let sub: { dispose(): void } | undefined;
  const noticed = new Promise<void>((resolve) => (sub = engine.onStateChange((s) => s === 'starting' && resolve())));
  process.kill(pid, 'SIGKILL');
  await noticed; // the client knows it died (a request sent before that would be in flight, and reject)
  sub!.dispose();
  const r = await engine.complete({ prefix: code, suffix: '', maxTokens: 4 });
  assert.equal(r.tokens, 4);
  assert.notEqual(engine.pid, pid);
});

test('restarts are limited per minute; then the state is error', async () => {
  const e2 = new EngineClient({ workerPath: builtWorker(), restartDelayMs: 10, maxRestartsPerMinute: 1 });
  try {
    await e2.load({ modelDir: pkg, threads: 1 });
    const restarted = new Promise((resolve) => e2.onRestart(resolve));
    process.kill(e2.pid!, 'SIGKILL');
    await restarted;
    const gaveUp = new Promise<string | undefined>((resolve) => e2.onStateChange((s, d) => s === 'error' && resolve(d)));
    process.kill(e2.pid!, 'SIGKILL');
    assert.match((await gaveUp)!, /not restarting: it stopped 2 times within a minute/);
  } finally {
    await e2.dispose();
  }
});

test('dispose stops the worker', async () => {
  const e3 = new EngineClient({ workerPath: builtWorker() });
  await e3.stats();
  const pid = e3.pid!;
  await e3.dispose();
  assert.throws(() => process.kill(pid, 0));
  assert.equal(e3.state, 'stopped');
  await assert.rejects(e3.stats(), EngineStoppedError);
});
