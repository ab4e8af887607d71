// Bytes that are no character never reach the user: the worker's tasks on the real tokenizer and package
// manifest, with a scripted model in place of the ONNX one (a real model cannot be told to emit half a
// character; test/unit/samplerFakeModel.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { LoadedModel } from '../../src/engine/loadedModel';
import { fimPrompt } from '../../src/engine/prompts';
import { PromptCache } from '../../src/engine/sampler';
import * as tasks from '../../src/engine/tasks';
import { CodeTokenizer } from '../../src/engine/tokenizer';
import { FakeModel } from './samplerFakeModel';

const PKG = path.resolve(__dirname, '..', '..', 'media', 'models', 'diffcoder-small');
const tokenizer = CodeTokenizer.fromFile(path.join(PKG, 'tokenizer.json'));
const manifest = JSON.parse(fs.readFileSync(path.join(PKG, 'diffcoder.json'), 'utf8'));
const EOS = manifest.specialTokens.eos;
const HALF_E_ACUTE = tokenizer.idOf('Ã')!; // the byte 0xC3 alone: the first half of 'é' (0xC3 0xA9)

/** A loaded model whose network answers `answer` token by token after a prompt of `promptLength`, then EOS. */
function scripted(answer: number[], promptLength: number): LoadedModel {
  const model = new FakeModel(tokenizer.vocabSize, (_visible, pos) => {
    const row = new Float32Array(tokenizer.vocabSize);
    row[answer[pos - promptLength] ?? EOS] = 50;
    return row;
  });
  const special = { mask: manifest.specialTokens.mask, eos: EOS, suppress: new Set<number>(tokenizer.specialIds) };
  special.suppress.delete(EOS);
  return { manifest, tokenizer, model, special, promptCache: new PromptCache(), info: { device: 'cpu', maxPositions: manifest.architecture.maxPositions } } as unknown as LoadedModel;
}

test('half a character in the answer is dropped, the rest kept', async () => {
  assert.equal(tokenizer.decode([HALF_E_ACUTE]), '\uFFFD');
  const answer = [...tokenizer.encode('name = "Jos'), HALF_E_ACUTE, ...tokenizer.encode('"')];
  const prefix = 'a = 1\nb = 2\nc = 3\n';
  const lm = scripted(answer, fimPrompt(tokenizer, manifest, prefix, '').length);
  const r = await tasks.complete(lm, { prefix, suffix: '', maxTokens: 16, decoding: { mode: 'fixed', stepsPerBlock: 4 } });
  assert.ok(!r.text.includes('\uFFFD'), JSON.stringify(r.text));
  assert.match(r.text, /^name = "Jos"/);
});

test('dropUndecodable keeps U+FFFD when the user\'s own text has it', () => {
  assert.equal(tasks.dropUndecodable('x = 1', '')('a\uFFFDb\uFFFD'), 'ab');
  assert.equal(tasks.dropUndecodable('s = "\uFFFD"', '')('a\uFFFDb'), 'a\uFFFDb');
  assert.equal(tasks.dropUndecodable('', 'fix the \uFFFD')('\uFFFD'), '\uFFFD');
});
