// The loop cut (src/engine/repetition.ts) on golden cases shared with the Python reference sampler
// (scripts/tests/test_sampler_repetition.py reads the same file), and the sampler stopping on a loop.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { endAtLineBreak, loopCut } from '../../src/engine/repetition';
import { generate, type SpecialIds } from '../../src/engine/sampler';
import { FakeModel, oneHot } from './samplerFakeModel';

const cases: { name: string; tokens: number[]; keep: number }[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'repetition-cases.json'), 'utf8'),
);

for (const c of cases) test(`loopCut: ${c.name}`, () => assert.equal(loopCut(c.tokens), c.keep));

test('the sampler stops a looping answer after the first copy, and says why', async () => {
  const V = 32;
  const special: SpecialIds = { mask: 3, eos: 1, suppress: [0, 2] };
  // After the prompt (4 tokens) the model says 20, then "21 22 23" forever, confidently.
  const model = new FakeModel(V, (_v, pos) => oneHot(V, pos === 4 ? 20 : 21 + ((pos - 5) % 3), 20));
  const blocks: number[][] = [];
  const r = await generate(model, [11, 12, 13, 14], {
    blockSize: 4, maxNewTokens: 200, mode: 'threshold', threshold: 0.9, stepsPerBlock: 4, promptLookup: true, temperature: 0, seed: 0,
  }, special, { onBlock: (t) => blocks.push(t) });
  assert.equal(r.stoppedBy, 'repetition');
  assert.deepEqual(r.tokens, [20, 21, 22, 23]);
  assert.deepEqual(blocks.at(-1), r.tokens, 'the last streamed block is the cut answer');
  assert.ok(r.forwardPasses < 20, `stopped early (${r.forwardPasses} passes for a 200-token budget)`);
});

test('a looping answer that spans lines ends at its last whole line', () => {
  assert.equal(endAtLineBreak(' * @name x\n * @param {number}'), ' * @name x\n');
  assert.equal(endAtLineBreak('of the mean of the'), 'of the mean of the', 'one line stays as it is');
});
