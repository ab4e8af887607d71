// Prompt lookup (src/engine/promptLookup.ts): golden cases shared with the Python reference sampler
// (scripts/tests/test_sampler_prompt_lookup.py reads the same file), and what it changes in the sampler.
// The parity of the whole rule with the reference on real weights is test/engine/parity.test.ts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { draftAgreement, lookupDraft } from '../../src/engine/promptLookup';
import { generate, type DecodeOptions, type SpecialIds } from '../../src/engine/sampler';
import { FakeModel, oneHot } from './samplerFakeModel';

const cases: {
  lookupDraft: { why: string; prompt: number[]; context: number[]; want: number; draft: number[] }[];
  draftAgreement: { why: string; block: number[]; first: number; draft: number[]; choice: [number, number][]; commit: number[] }[];
} = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'prompt-lookup-cases.json'), 'utf8'));

for (const c of cases.lookupDraft) test(`lookupDraft: ${c.why}`, () => assert.deepEqual(lookupDraft(c.prompt, c.context, c.want), c.draft));
for (const c of cases.draftAgreement) {
  test(`draftAgreement: ${c.why}`, () => assert.deepEqual(draftAgreement(c.block, c.first, c.draft, new Map(c.choice)), c.commit));
}

const V = 32;
const EOS = 1;
const special: SpecialIds = { mask: 3, eos: EOS, suppress: [0, 2] };
const opts = (o: Partial<DecodeOptions>): DecodeOptions => ({
  blockSize: 4, maxNewTokens: 16, mode: 'threshold', threshold: 0.9, stepsPerBlock: 4, promptLookup: true, temperature: 0, seed: 0, ...o,
});
// "20 21 22" appears twice; the first time "23 24 25 26" follows, and the model says the same after the second.
const prompt = [11, 20, 21, 22, 23, 24, 25, 26, 12, 20, 21, 22];
/** Answers `answer` by position after the prompt, unsure everywhere: confidence e^2 / (e^2 + 31) = 0.19. */
const unsure = (answer: number[]) => new FakeModel(V, (_v, pos) => oneHot(V, answer[pos - prompt.length] ?? 11, 2));

test('a run the model agrees with the prompt on is committed in one pass, however unsure; the tokens are the same', async () => {
  const on = await generate(unsure([23, 24, 25, 26, EOS]), prompt, opts({}), special);
  const off = await generate(unsure([23, 24, 25, 26, EOS]), prompt, opts({ promptLookup: false }), special);
  assert.deepEqual(on.tokens, [23, 24, 25, 26]);
  assert.deepEqual(off.tokens, on.tokens);
  // the prefill carrying the pass that commits the whole first block, the fused commit pass that finds EOS
  assert.equal(on.forwardPasses, 2);
  assert.equal(off.forwardPasses, 5, 'without lookup an unsure model commits one token per pass');
  assert.deepEqual(on.confidences, off.confidences, 'each token\'s probability when committed');
});

test('a looked-up token reports the model\'s probability for it, even when a surer one beat it in its pass', async () => {
  // 23 is sure (logit 10); 24 25 26 unsure (0.21), committed in the same pass by lookup
  const answer = [23, 24, 25, 26, EOS];
  const model = new FakeModel(V, (_v, pos) => oneHot(V, answer[pos - prompt.length] ?? 11, pos === prompt.length ? 10 : 2));
  const r = await generate(model, prompt, opts({}), special);
  assert.deepEqual(r.tokens, [23, 24, 25, 26]);
  assert.equal(r.forwardPasses, 2, 'one pass for the block');
  assert.ok(r.confidences[0] > 0.99, JSON.stringify(r.confidences));
  assert.ok(r.confidences.slice(1).every((c) => c > 0.15 && c < 0.25), JSON.stringify(r.confidences));
});

test('the run stops where the model disagrees with the prompt; the rest is left to the threshold', async () => {
  const r = await generate(unsure([23, 24, 9, 26, EOS]), prompt, opts({}), special);
  assert.deepEqual(r.tokens, [23, 24, 9, 26]);
  // the first pass commits 23 24 (the draft) and nothing past the disagreement; then one per pass
  assert.equal(r.forwardPasses, 3 + 1);
});

test('fixed mode (one token per pass, the baseline) ignores prompt lookup', async () => {
  const r = await generate(unsure([23, 24, 25, 26, EOS]), prompt, opts({ mode: 'fixed', stepsPerBlock: 4 }), special);
  const off = await generate(unsure([23, 24, 25, 26, EOS]), prompt, opts({ mode: 'fixed', stepsPerBlock: 4, promptLookup: false }), special);
  assert.deepEqual(r, off);
});
