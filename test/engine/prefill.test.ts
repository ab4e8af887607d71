// Chunked prefill on a real ONNX model (src/engine/sampler.ts prefill over OnnxBlockModel): each chunk of
// whole blocks runs against the cache of the chunks before it, and on fp32 weights the cache, the logits
// after it and the decoded tokens are bit for bit those of one pass.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type * as ort from 'onnxruntime-node';
import { LoadedModel } from '../../src/engine/loadedModel';
import { fimPrompt } from '../../src/engine/prompts';
import { generate, prefill, prefillPrompt, PromptCache, type BlockModel, type ForwardRequest } from '../../src/engine/sampler';
import { OnnxBlockModel, PREFILL_CHUNK, type OrtKvCache } from '../../src/engine/session/onnxBlockModel';
import { decodeOptions } from '../../src/engine/tasks';
import { REPO, tinyModel } from './tinyModel';

let lm: LoadedModel;
let prompt: number[];
const withChunk = (chunk: number) => new OnnxBlockModel((lm.model as OnnxBlockModel).session, lm.manifest.architecture, chunk);

before(async () => {
  lm = await LoadedModel.load({ modelDir: (await tinyModel()).dir, threads: 2 });
  const text = fs.readFileSync(path.join(REPO, 'src/engine/sampler.ts'), 'utf8');
  prompt = fimPrompt(lm.tokenizer, lm.manifest, text.slice(0, 2500), text.slice(2500, 2700));
});
after(() => lm.dispose());

const bytes = (t: ort.Tensor) => Buffer.from((t.data as Float32Array).buffer, (t.data as Float32Array).byteOffset, (t.data as Float32Array).byteLength);

test('the loaded model prefills in chunks', () => {
  assert.equal((lm.model as OnnxBlockModel).prefillChunk, PREFILL_CHUNK);
  assert.ok(prompt.length > 2 * PREFILL_CHUNK + 8, `a prompt of several chunks (${prompt.length} tokens)`);
});

test('fp32: a chunked prefill gives the same K/V and logits as one pass, bit for bit', async () => {
  const B = lm.manifest.blockSize;
  const start = Math.floor(prompt.length / B) * B;
  const block = prompt.slice(start).concat(Array(B).fill(lm.manifest.specialTokens.mask)).slice(0, B);
  const run = async (model: OnnxBlockModel) => {
    const cache = (await prefill(model, prompt, 0, start, null, B)) as OrtKvCache;
    const { logits } = await model.forward({ ids: block, start, past: cache, blockSize: B, logitsFrom: 0, keep: 0 });
    return { cache, logits };
  };
  const one = await run(withChunk(0));
  assert.equal(one.cache.length, start);
  for (const chunk of [PREFILL_CHUNK, 100, 8]) {
    const got = await run(withChunk(chunk));
    assert.equal(got.cache.length, start);
    got.cache.keys.forEach((k, i) => {
      assert.ok(bytes(k).equals(bytes(one.cache.keys[i])), `chunk ${chunk}: keys of layer ${i}`);
      assert.ok(bytes(got.cache.values[i]).equals(bytes(one.cache.values[i])), `chunk ${chunk}: values of layer ${i}`);
    });
    assert.deepEqual(got.logits, one.logits, `chunk ${chunk}: the first block's logits`);
  }
  // The block carried by the prefill's pass (what generate does): the logits of a pass of its own.
  const fused = await withChunk(0).forward({ ids: prompt.slice(0, start).concat(block), start: 0, past: null, blockSize: B, logitsFrom: start, keep: start });
  assert.equal(fused.cache!.length, start);
  let worst = 0;
  fused.logits.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - one.logits[i]))));
  assert.ok(worst < 1e-4, `carried block's logits differ by ${worst}`);
});

test('fp32: chunked and one-pass prefill decode the same tokens, cold and with KV reuse', async () => {
  const opt = decodeOptions(lm, 'infill', 24, { mode: 'threshold', threshold: 0.02 });
  const ask = (model: BlockModel, p: number[], cache?: PromptCache) => generate(model, p, opt, lm.special, { cache });
  const one = withChunk(0);
  const edited = prompt.slice();
  edited[300] = edited[301]; // a change past the first chunk: reuse ends at its block
  for (const p of [prompt, edited, prompt.slice(0, 37)]) {
    const want = await ask(one, p);
    const calls: ForwardRequest[] = [];
    const chunkedModel = withChunk(64);
    const recording: BlockModel = { vocabSize: chunkedModel.vocabSize, prefillChunk: 64, forward: (r) => (calls.push(r), chunkedModel.forward(r)) };
    const got = await ask(recording, p);
    assert.deepEqual(got.tokens, want.tokens);
    assert.equal(got.forwardPasses, want.forwardPasses);
    const prefills = calls.filter((c) => c.start < Math.floor(p.length / 4) * 4);
    assert.equal(prefills.length, Math.ceil(Math.floor(p.length / 4) * 4 / 64));
    // The prefill carries the first block's first pass: a prompt already cached takes as many passes.
    const cache = new PromptCache();
    await prefillPrompt(one, p, 4, cache);
    const warm = await ask(one, p, cache);
    assert.equal(warm.reusedTokens, Math.floor(p.length / 4) * 4);
    assert.deepEqual(warm.tokens, want.tokens);
    assert.equal(warm.forwardPasses, want.forwardPasses);
  }
  // KV reuse over a chunked prefill: only from the first differing block, in chunks, same tokens as cold
  const cache = new PromptCache();
  const chunkedModel = withChunk(64);
  await ask(chunkedModel, prompt, cache);
  const calls: ForwardRequest[] = [];
  const recording: BlockModel = { vocabSize: chunkedModel.vocabSize, prefillChunk: 64, forward: (r) => (calls.push(r), chunkedModel.forward(r)) };
  const warm = await ask(recording, edited, cache);
  assert.equal(warm.reusedTokens, 300);
  assert.equal(calls[0].start, 300);
  assert.ok(calls.every((c) => c.ids.length <= 64 + 4), 'chunks of 64, the last carrying the first block');
  assert.deepEqual(warm.tokens, (await ask(one, edited)).tokens);
});
