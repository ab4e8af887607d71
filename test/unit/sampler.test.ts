// Sampler behaviour on a deterministic fake model (src/engine/sampler.ts). The real-model parity with
// the Python reference is test/engine/parity.test.ts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { generate, prefillPrompt, PromptCache, transferSchedule, type DecodeOptions } from '../../src/engine/sampler';
import { EOS, FakeModel, hashingModel, MASK, NEWLINE, oneHot, special, V } from './samplerFakeModel';

const opts = (o: Partial<DecodeOptions> = {}): DecodeOptions => ({
  blockSize: 4, maxNewTokens: 16, mode: 'threshold', threshold: 0.9, stepsPerBlock: 4, promptLookup: false, temperature: 0, seed: 0, ...o,
});

/** The model answers `answer` (by position after the prompt), confidently. */
function scripted(P: number, answer: number[], margin = 20) {
  return new FakeModel(V, (_visible, pos) => oneHot(V, answer[pos - P] ?? 11, margin));
}

const hashing = (marginScale = 1) => hashingModel(V, MASK, marginScale);

const prompt = (n: number) => Array.from({ length: n }, (_, i) => 11 + ((i * 7) % 21));

test('transfer schedule spreads commits evenly, remainder first', () => {
  assert.deepEqual(transferSchedule(4, 4), [1, 1, 1, 1]);
  assert.deepEqual(transferSchedule(4, 2), [2, 2]);
  assert.deepEqual(transferSchedule(3, 2), [2, 1]);
  assert.deepEqual(transferSchedule(2, 4), [1, 1]);
  assert.deepEqual(transferSchedule(5, 1), [5]);
});

test('blocks are aligned to absolute positions: prefill whole blocks, the tail joins the first block', async () => {
  const m = scripted(6, [20, 21, 22, 23, 24, 25, EOS]);
  const r = await generate(m, prompt(6), opts(), special);
  assert.deepEqual(r.tokens, [20, 21, 22, 23, 24, 25]);
  assert.equal(r.stoppedBy, 'eos');
  // One pass: the prefill of positions 0..3 (kept, no logits) carrying the block 4..7 that holds the prompt
  // tail (logits, not kept); then fused commit passes.
  assert.deepEqual(m.calls[0], { ids: [...prompt(6), MASK, MASK], start: 0, pastLength: 0, logitsFrom: 4, keep: 4 });
  assert.deepEqual(m.calls[1], { ids: [...prompt(6).slice(4), 20, 21, MASK, MASK, MASK, MASK], start: 4, pastLength: 4, logitsFrom: 4, keep: 4 });
  assert.equal(r.forwardPasses, 3, 'one pass per block: 4..7, 8..11, 12..15 (EOS)');
  for (const c of m.calls) assert.equal(c.start % 4, 0);
});

test('a model whose rows depend on their pass prefills apart; the same tokens, and the prefill is no decoding pass', async () => {
  const answer = [20, 21, 22, 23, 24, 25, EOS];
  const fused = await generate(scripted(6, answer), prompt(6), opts(), special);
  assert.equal(fused.decodingPasses, fused.forwardPasses, 'every pass decides');
  const m = Object.assign(scripted(6, answer), { passScaledRows: true });
  const apart = await generate(m, prompt(6), opts(), special);
  assert.deepEqual(apart.tokens, fused.tokens);
  assert.deepEqual(m.calls[0], { ids: prompt(6).slice(0, 4), start: 0, pastLength: 0, logitsFrom: 4, keep: 4 });
  assert.deepEqual(m.calls[1].ids, [...prompt(6).slice(4), MASK, MASK]);
  assert.equal(apart.forwardPasses, fused.forwardPasses + 1);
  assert.equal(apart.decodingPasses, fused.decodingPasses);
  // A prompt shorter than a block has no prefill either way.
  const short = await generate(Object.assign(scripted(3, answer), { passScaledRows: true }), prompt(3), opts(), special);
  assert.equal(short.decodingPasses, short.forwardPasses);
});

test('EOS ends the answer and is cut', async () => {
  const r = await generate(scripted(4, [12, 13, EOS, 14, 15]), prompt(4), opts(), special);
  assert.deepEqual(r.tokens, [12, 13]);
  assert.equal(r.stoppedBy, 'eos');
});

test('EOS in the prompt tail does not stop generation', async () => {
  const p = [...prompt(5), EOS];
  const r = await generate(scripted(6, [12, 13, 14, EOS]), p, opts(), special);
  assert.deepEqual(r.tokens, [12, 13, 14]);
});

test('the token budget cuts the answer', async () => {
  const r = await generate(scripted(4, []), prompt(4), opts({ maxNewTokens: 6 }), special);
  assert.equal(r.tokens.length, 6);
  assert.equal(r.stoppedBy, 'budget');
});

test('single-line mode stops at a line-break token and keeps it', async () => {
  const r = await generate(scripted(4, [12, 13, 14, 15, 16, NEWLINE, 17]), prompt(4), opts(), { ...special, stop: new Set([NEWLINE]) });
  assert.deepEqual(r.tokens, [12, 13, 14, 15, 16, NEWLINE]);
  assert.equal(r.stoppedBy, 'stop');
});

test('threshold mode commits several tokens per pass when confident, one when not', async () => {
  const confident = scripted(4, [12, 13, 14, 15, 16, 17, 18, 19], 20);
  const a = await generate(confident, prompt(4), opts({ maxNewTokens: 8 }), special);
  // the prefill carrying block 1's pass + the commit pass carrying block 2's
  assert.equal(a.forwardPasses, 2);
  const unsure = scripted(4, [12, 13, 14, 15, 16, 17, 18, 19], 2); // conf = e^2/(e^2+27) ~ 0.2
  const b = await generate(unsure, prompt(4), opts({ maxNewTokens: 8 }), special);
  assert.deepEqual(b.tokens, a.tokens);
  assert.equal(b.forwardPasses, 4 + 4);
});

test('fixed schedule takes stepsPerBlock passes per block', async () => {
  for (const [steps, perBlock] of [[4, 4], [2, 2], [1, 1], [8, 4]]) {
    const m = scripted(4, [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    const r = await generate(m, prompt(4), opts({ mode: 'fixed', stepsPerBlock: steps, maxNewTokens: 12 }), special);
    assert.equal(r.tokens.length, 12);
    assert.equal(r.forwardPasses, 3 * perBlock, `steps ${steps}`);
  }
});

test('fixed schedule commits the most confident positions first', async () => {
  // position 3 of the block is the most confident, then 1, then 0, then 2
  const margins = [6, 8, 4, 10];
  const m = new FakeModel(V, (visible, pos) => oneHot(V, 12 + (pos % 4), margins[pos % 4]));
  await generate(m, prompt(4), opts({ mode: 'fixed', maxNewTokens: 4 }), special);
  const order = m.calls.map((c) => c.ids.slice(-4).map((t) => (t === MASK ? 0 : 1)).join(''));
  assert.deepEqual(order, ['0000', '0001', '0101', '1101']);
});

test('the mask token and other special tokens are never emitted; EOS is', async () => {
  const m = new FakeModel(V, (_v, pos) => {
    const r = oneHot(V, MASK, 50);
    r[0] = 49; // bos
    r[5] = 48; // fim suffix
    r[pos % 2 ? 13 : 12] = 10;
    return r;
  });
  const r = await generate(m, prompt(4), opts({ maxNewTokens: 12 }), special);
  assert.equal(r.tokens.length, 12);
  for (const t of r.tokens) assert.ok(t === 12 || t === 13, `emitted ${t}`);
});

test('a block stops early once everything before a committed EOS is committed', async () => {
  // EOS at block index 1 is sure; index 0 fairly sure; 2 and 3 unsure: two passes, not four
  const m = new FakeModel(V, (_v, pos) => [oneHot(V, 12, 6), oneHot(V, EOS, 20), oneHot(V, 14, 1), oneHot(V, 15, 1)][pos % 4]);
  const r = await generate(m, prompt(4), opts({ threshold: 0.99 }), special);
  assert.deepEqual(r.tokens, [12]);
  assert.equal(r.forwardPasses, 2);
});

test('a chosen EOS ends the answer at once: the EOS choices just before it join it, the masked positions after it become EOS', async () => {
  // The answer is [12]: the model is sure only of the trailing EOS; one by one, each EOS would take a pass.
  const m = new FakeModel(V, (_v, pos) => [oneHot(V, 12, 3), oneHot(V, EOS, 1), oneHot(V, EOS, 2), oneHot(V, EOS, 20)][pos % 4]);
  const r = await generate(m, prompt(4), opts(), special);
  assert.deepEqual(r.tokens, [12]);
  assert.equal(r.forwardPasses, 2, 'EOS at 1, 2 and 3 in the first pass, 12 in the second');
  assert.deepEqual(m.calls[1].ids, [MASK, EOS, EOS, EOS]);
  // Fixed mode is the one-token-per-pass baseline: it keeps its schedule.
  const fixed = await generate(m, prompt(4), opts({ mode: 'fixed' }), special);
  assert.deepEqual(fixed.tokens, [12]);
  assert.equal(fixed.forwardPasses, 4);
  // What follows a chosen EOS is EOS, whatever the model would put there.
  const after = new FakeModel(V, (_v, pos) => [oneHot(V, 12, 1), oneHot(V, EOS, 20), oneHot(V, 14, 2), oneHot(V, 15, 1)][pos % 4]);
  const a = await generate(after, prompt(4), opts(), special);
  assert.deepEqual(a.tokens, [12]);
  assert.deepEqual(after.calls[1].ids, [MASK, EOS, EOS, EOS]);
});

test('cancellation is checked between forward passes', async () => {
  const src = new CancellationTokenSource();
  const m = scripted(4, []);
  m.onForward = () => {
    if (m.calls.length === 3) src.cancel();
  };
  const r = await generate(m, prompt(4), opts({ mode: 'fixed', maxNewTokens: 64 }), special, { token: src.token });
  assert.equal(r.stoppedBy, 'cancelled');
  assert.equal(m.calls.length, 3);
  assert.deepEqual(r.tokens, []); // the first block was not finished
  const pre = new CancellationTokenSource();
  pre.cancel();
  const m2 = scripted(4, []);
  const r2 = await generate(m2, prompt(4), opts(), special, { token: pre.token });
  assert.equal(r2.stoppedBy, 'cancelled');
  assert.equal(m2.calls.length, 0);
});

test('onBlock streams the answer one committed block at a time', async () => {
  const seen: number[][] = [];
  await generate(scripted(4, [12, 13, 14, 15, 16, 17, EOS]), prompt(4), opts(), special, { onBlock: (t) => seen.push(t) });
  assert.deepEqual(seen, [[12, 13, 14, 15], [12, 13, 14, 15, 16, 17]]);
});

test('temperature sampling is reproducible from its seed', async () => {
  const run = (seed: number) => generate(hashing(0.3), prompt(9), opts({ temperature: 1, seed, maxNewTokens: 24 }), special);
  const a = await run(1);
  assert.deepEqual((await run(1)).tokens, a.tokens);
  assert.notDeepEqual((await run(2)).tokens, a.tokens);
  const greedy = await generate(hashing(0.3), prompt(9), opts({ maxNewTokens: 24 }), special);
  assert.notDeepEqual(greedy.tokens, a.tokens);
});

test('KV reuse prefills only from the first block that differs, and changes no token', async () => {
  const cache = new PromptCache();
  const first = [...prompt(21)];
  const m = hashing();
  const r1 = await generate(m, first, opts(), special, { cache });
  assert.equal(r1.reusedTokens, 0);
  assert.equal(cache.kv!.length % 4, 0);
  assert.ok(cache.kv!.length >= 20);

  // same first 14 tokens, then different: blocks 0..2 (12 tokens) are reused
  const second = [...first.slice(0, 14), 30, 29, 28, 27, 26, 25, 24, 23];
  m.calls = [];
  const warm = await generate(m, second, opts(), special, { cache });
  assert.equal(warm.reusedTokens, 12);
  assert.equal(warm.promptTokens, second.length);
  assert.deepEqual(m.calls[0], { ids: [...second.slice(12), MASK, MASK], start: 12, pastLength: 12, logitsFrom: 8, keep: 8 });
  const cold = await generate(hashing(), second, opts(), special);
  assert.deepEqual(warm.tokens, cold.tokens);
  assert.equal(warm.forwardPasses, cold.forwardPasses);

  // the same prompt again: nothing to prefill
  m.calls = [];
  const again = await generate(m, second, opts(), special, { cache });
  assert.equal(again.reusedTokens, 20);
  assert.deepEqual(again.tokens, cold.tokens);
  assert.equal(m.calls[0].start, 20);
  assert.equal(again.forwardPasses, cold.forwardPasses, 'a prefill carries the first pass: a cached prompt saves time, not passes');

  // a prompt that extends the last answer reuses the committed answer blocks too
  const extended = [...second, ...cold.tokens.slice(0, 8), 11];
  const r4 = await generate(m, extended, opts(), special, { cache });
  assert.equal(r4.reusedTokens, 28);
  assert.deepEqual(r4.tokens, (await generate(hashing(), extended, opts(), special)).tokens);
});

test('a guard stops before running past maxPositions', async () => {
  const r = await generate(scripted(4, []), prompt(4), opts({ maxNewTokens: 64, maxPositions: 16 }), special);
  assert.equal(r.stoppedBy, 'context');
  assert.equal(r.tokens.length, 12);
});

/** A fake model that prefills in chunks of `chunk` positions. */
function chunked(model: FakeModel, chunk: number): FakeModel {
  return Object.assign(model, { prefillChunk: chunk });
}

test('a chunked prefill runs whole-block chunks against the growing cache and changes no token', async () => {
  const p = prompt(43); // 40 positions to prefill, the tail joins the first block
  const one = hashing();
  const whole = await generate(one, p, opts(), special);
  assert.deepEqual(one.calls[0], { ids: [...p, MASK], start: 0, pastLength: 0, logitsFrom: 40, keep: 40 });
  for (const [chunk, starts] of [[16, [0, 16, 32]], [18, [0, 16, 32]], [3, Array.from({ length: 10 }, (_, i) => 4 * i)]] as const) {
    const m = chunked(hashing(), chunk);
    const r = await generate(m, p, opts(), special);
    const prefillCalls = m.calls.slice(0, starts.length);
    assert.deepEqual(prefillCalls.map((c) => c.start), starts, `chunk ${chunk}`);
    for (const c of prefillCalls) assert.equal(c.pastLength, c.start, 'each chunk extends the cache of the chunks before it');
    assert.equal(prefillCalls.reduce((n, c) => n + c.keep, 0), 40);
    for (const c of prefillCalls.slice(0, -1)) assert.equal(c.logitsFrom, c.ids.length, 'no logits before the last chunk');
    assert.deepEqual(prefillCalls.at(-1)!.ids.slice(-4), [...p.slice(40), MASK], 'the last chunk carries the first block');
    assert.deepEqual(r.tokens, whole.tokens);
    assert.equal(r.forwardPasses, whole.forwardPasses, 'a prefill counts as one pass however it is chunked');
    assert.deepEqual(m.calls.slice(prefillCalls.length), one.calls.slice(1), 'the same passes after the prefill');
  }
});

test('chunked prefill with KV reuse starts at the first block that differs', async () => {
  const cache = new PromptCache();
  const m = chunked(hashing(), 8);
  const first = prompt(41);
  await generate(m, first, opts(), special, { cache });
  const second = [...first.slice(0, 13), 30, ...first.slice(14)];
  m.calls = [];
  const warm = await generate(m, second, opts(), special, { cache });
  assert.equal(warm.reusedTokens, 12);
  assert.deepEqual(m.calls.slice(0, 4).map((c) => [c.start, c.ids.length]), [[12, 8], [20, 8], [28, 8], [36, 8]]);
  assert.deepEqual(warm.tokens, (await generate(hashing(), second, opts(), special)).tokens);
});

test('a prefill cancelled between chunks keeps the chunks done for the next request', async () => {
  const cache = new PromptCache();
  const src = new CancellationTokenSource();
  const m = chunked(hashing(), 8);
  m.onForward = () => {
    if (m.calls.length === 2) src.cancel();
  };
  const p = prompt(41);
  const r = await generate(m, p, opts(), special, { cache, token: src.token });
  assert.equal(r.stoppedBy, 'cancelled');
  assert.equal(m.calls.length, 2);
  assert.equal(cache.kv!.length, 16);
  m.onForward = undefined;
  m.calls = [];
  const next = await generate(m, p, opts(), special, { cache });
  assert.equal(next.reusedTokens, 16);
  assert.equal(m.calls[0].start, 16);
  assert.deepEqual(next.tokens, (await generate(hashing(), p, opts(), special)).tokens);
});

test('prefillPrompt: the prompt of a place goes into the cache; the first keystroke there prefills only its own block', async () => {
  const cache = new PromptCache();
  const m = chunked(hashing(), 8);
  const p = prompt(42); // 40 positions in whole blocks
  const r = await prefillPrompt(m, p, 4, cache);
  assert.deepEqual(r, { reusedTokens: 0, prefilledTokens: 40 });
  assert.deepEqual(m.calls.map((c) => [c.start, c.ids.length, c.logitsFrom]), [[0, 8, 8], [8, 8, 8], [16, 8, 8], [24, 8, 8], [32, 8, 8]], 'no logits asked');
  // The keystroke: the prompt's tail changes (one more token, and the last one merged with it).
  const typed = [...p.slice(0, 41), 33, 34];
  m.calls = [];
  const warm = await generate(m, typed, opts(), special, { cache });
  assert.equal(warm.reusedTokens, 40);
  assert.equal(m.calls[0].start, 40, 'no prefill pass: the first pass is the first block of the answer');
  assert.deepEqual(warm.tokens, (await generate(hashing(), typed, opts(), special)).tokens, 'the same answer as cold');
});

test('prefillPrompt: a place already in the cache keeps it (and the answer blocks after it); a stopped one changes nothing', async () => {
  const cache = new PromptCache();
  const m = hashing();
  const p = prompt(21);
  await generate(m, p, opts(), special, { cache });
  const held = cache.kv!.length;
  m.calls = [];
  assert.deepEqual(await prefillPrompt(m, p, 4, cache), { reusedTokens: 20, prefilledTokens: 0 });
  assert.equal(m.calls.length, 0);
  assert.equal(cache.kv!.length, held, 'the answer blocks stay for a request that extends the answer');
  const elsewhere = [12, ...prompt(29)];
  assert.deepEqual(await prefillPrompt(m, elsewhere, 4, cache, () => true), { reusedTokens: 0, prefilledTokens: 0 });
  assert.equal(cache.kv!.length, held, 'stopped before its first pass: the cache is as it was');
});
