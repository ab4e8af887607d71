// DecodeOptions.firstTokens (src/engine/sampler.ts): the answer's first token is chosen among the allowed
// ids only, with its probability renormalised over them; later positions are free. Prefix healing
// (src/engine/prefixHealing.ts) relies on it; on the fake model of the other sampler tests.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { generate, type DecodeOptions } from '../../src/engine/sampler';
import { EOS, FakeModel, hashingModel, MASK, special, V } from './samplerFakeModel';

const opts = (o: Partial<DecodeOptions> = {}): DecodeOptions => ({
  blockSize: 4, maxNewTokens: 16, mode: 'threshold', threshold: 0.9, stepsPerBlock: 4, promptLookup: false, temperature: 0, seed: 0, ...o,
});
const prompt = (n: number) => Array.from({ length: n }, (_, i) => 11 + ((i * 7) % 21));
const allow = (...ids: number[]) => ids;

/**
 * At the answer's first position the model would rather stop (EOS, logit 9) than say 20 (logit 4) or 21
 * (logit 2); afterwards it says 22, then EOS, confidently. Unconstrained it answers nothing.
 */
function wantsToStop(P: number) {
  return new FakeModel(V, (_visible, pos) => {
    const r = new Float32Array(V);
    if (pos === P) Object.assign(r, { [EOS]: 9, 20: 4, 21: 2 });
    else r[pos === P + 1 ? 22 : EOS] = 20;
    return r;
  });
}

for (const P of [6, 8]) {
  test(`the first token is the best allowed one, renormalised over them; later positions are free (prompt of ${P})`, async () => {
    const free = await generate(wantsToStop(P), prompt(P), opts(), special);
    assert.deepEqual(free.tokens, [], 'unconstrained, the model stops at once');
    const r = await generate(wantsToStop(P), prompt(P), opts({ firstTokens: allow(20, 21) }), special);
    assert.deepEqual(r.tokens, [20, 22]);
    assert.equal(r.stoppedBy, 'eos');
    const expected = Math.exp(4) / (Math.exp(4) + Math.exp(2));
    assert.ok(Math.abs(r.confidences[0] - expected) < 1e-6, `confidence ${r.confidences[0]} is 20's share of the allowed ids (${expected})`);
    // Only 21 allowed: it is chosen though the model gives it the least of the three.
    assert.deepEqual((await generate(wantsToStop(P), prompt(P), opts({ firstTokens: allow(21) }), special)).tokens, [21, 22]);
  });
}

test('one token per pass, drafts and sampling keep the first token among the allowed ids', async () => {
  const first = allow(12, 13, 14);
  for (const o of [{ mode: 'fixed' as const }, { draftStates: 2 }, { temperature: 1, seed: 5 }, { promptLookup: true }]) {
    for (const P of [5, 8, 11]) {
      const r = await generate(hashingModel(V, MASK), prompt(P), opts({ ...o, firstTokens: first }), special);
      assert.ok(r.tokens.length > 0 && first.includes(r.tokens[0]), `${JSON.stringify(o)}, prompt ${P}: first token ${r.tokens[0]}`);
    }
  }
});

test('drafts give the same constrained answer as decoding without them', async () => {
  const first = allow(12, 13, 14);
  for (const P of [5, 8, 11]) {
    const plain = await generate(hashingModel(V, MASK, 4), prompt(P), opts({ firstTokens: first }), special);
    const drafted = await generate(hashingModel(V, MASK, 4), prompt(P), opts({ firstTokens: first, draftStates: 3 }), special);
    assert.deepEqual(drafted.tokens, plain.tokens);
  }
});

test('allowing no token the model may emit is an error, not a silent answer', async () => {
  await assert.rejects(generate(wantsToStop(6), prompt(6), opts({ firstTokens: allow(MASK) }), special), /firstTokens allows no token/);
});
