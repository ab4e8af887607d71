// Self-verified drafts (DecodeOptions.draftStates, src/engine/sampler.ts): a pass also runs the states
// the block would reach if the logits stayed as they were; where decoding reaches one, its pass is saved.
// The answers must be exactly those without drafts: the fake model's logits depend only on what a row
// can see, so any mix-up of runs, rows or cache shows up as a different answer. On real weights (fp32
// ONNX) the same holds in test/engine/parity.test.ts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { generate, PromptCache, type DecodeOptions } from '../../src/engine/sampler';
import { FakeModel, hashingModel, MASK, NEWLINE, oneHot, special, V } from './samplerFakeModel';

const opts = (o: Partial<DecodeOptions> = {}): DecodeOptions => ({
  blockSize: 4, maxNewTokens: 24, mode: 'threshold', threshold: 0.5, stepsPerBlock: 4, promptLookup: true, temperature: 0, seed: 0, ...o,
});
const prompt = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => 11 + ((i * 7 + salt) % 21));

test('drafts change no token, confidence or stop reason, and never add a pass', async () => {
  for (const mode of ['threshold', 'fixed'] as const) {
    for (const scale of [0.5, 1, 2, 4]) {
      for (let P = 3; P < 12; P++) {
        for (const stop of [undefined, new Set([NEWLINE, 17])]) {
          const o = opts({ mode, maxNewTokens: 13 + P, promptLookup: P % 2 === 0 });
          const sp = { ...special, stop };
          const ref = await generate(hashingModel(V, MASK, scale), prompt(P, scale), o, sp);
          for (const draftStates of [1, 2, 3, 5]) {
            const r = await generate(hashingModel(V, MASK, scale), prompt(P, scale), { ...o, draftStates }, sp);
            const what = `${mode} scale ${scale} P ${P} drafts ${draftStates}`;
            assert.deepEqual(r.tokens, ref.tokens, what);
            assert.deepEqual(r.confidences, ref.confidences, what);
            assert.equal(r.stoppedBy, ref.stoppedBy, what);
            assert.ok(r.forwardPasses <= ref.forwardPasses, what);
          }
        }
      }
    }
  }
});

test('a pass runs the drafted states side by side, the drafted finished block with the next block first', async () => {
  // Unsure everywhere (one token per pass) and the same answer whatever is visible: every draft is right.
  const answer = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];
  const m = () => new FakeModel(V, (_v, pos) => oneHot(V, answer[pos - 4] ?? 11, 2 + (pos % 4) * 0.1));
  const ref = await generate(m(), prompt(4), opts({ maxNewTokens: 12, promptLookup: false }), special);
  assert.equal(ref.forwardPasses, 12, 'one token per pass without drafts');
  const model = m();
  const r = await generate(model, prompt(4), opts({ maxNewTokens: 12, promptLookup: false, draftStates: 3 }), special);
  assert.deepEqual(r.tokens, ref.tokens);
  // the prefill carrying block 1's first state; then one pass per block: its states from the second on,
  // and the finished block's commit pass run first (the last block has no next one to commit for)
  assert.equal(r.forwardPasses, 1 + 1 + 1 + 1);
  const c = model.calls[1];
  assert.deepEqual(c.runs, [8, 4, 4, 4]);
  assert.deepEqual(c.ids.slice(0, 8), [20, 21, 22, 23, MASK, MASK, MASK, MASK]);
  assert.equal(c.keep, 4);
  assert.equal(c.logitsFrom, 4);
  assert.deepEqual(model.calls[2].start, 8, 'block 2 starts from the cache the drafted commit made');
  assert.deepEqual(model.calls.at(-1)!.runs, [4, 4, 4], 'no commit run past the budget');
});

test('after drafts the prompt cache holds what it holds without them', async () => {
  const p = prompt(10);
  // hashing: drafts mostly missed; unsure but context-free: every drafted commit pass is taken
  const models = [() => hashingModel(V, MASK), () => new FakeModel(V, (_v, pos) => oneHot(V, 12 + (pos % 15), 2))];
  for (const model of models) {
    const a = new PromptCache();
    const b = new PromptCache();
    const ref = await generate(model(), p, opts(), special, { cache: a });
    const r = await generate(model(), p, opts({ draftStates: 3 }), special, { cache: b });
    assert.deepEqual(r.tokens, ref.tokens);
    assert.deepEqual(b.tokens, a.tokens);
    assert.deepEqual((b.kv as unknown as { tokens: number[] }).tokens, (a.kv as unknown as { tokens: number[] }).tokens);
  }
});

test('sampling at a temperature runs no drafts', async () => {
  const model = hashingModel(V, MASK, 0.3);
  const o = opts({ temperature: 1, seed: 4 });
  const ref = await generate(hashingModel(V, MASK, 0.3), prompt(9), o, special);
  const r = await generate(model, prompt(9), { ...o, draftStates: 3 }, special);
  assert.deepEqual(r.tokens, ref.tokens);
  assert.equal(r.forwardPasses, ref.forwardPasses);
  assert.ok(model.calls.every((c) => !c.runs));
});

test('no drafted commit runs past maxPositions', async () => {
  const answer = Array.from({ length: 40 }, (_, i) => 12 + (i % 15));
  const model = new FakeModel(V, (_v, pos) => oneHot(V, answer[pos - 4], 2));
  const r = await generate(model, prompt(4), opts({ maxNewTokens: 64, maxPositions: 16, draftStates: 3, promptLookup: false }), special);
  assert.equal(r.stoppedBy, 'context');
  assert.equal(r.tokens.length, 12);
  for (const c of model.calls) assert.ok(c.start + Math.max(...(c.runs ?? [c.ids.length])) <= 16, JSON.stringify(c));
});
