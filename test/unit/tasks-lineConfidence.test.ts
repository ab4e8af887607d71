// How sure the model was of each line of a completion (src/engine/tasks.ts lineConfidence, confidentLines):
// the worker's complete on the real tokenizer and package manifest, with a scripted model in place of the
// ONNX one (a real model cannot be told how sure to be; test/unit/samplerFakeModel.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { LoadedModel } from '../../src/engine/loadedModel';
import { editPrompt, fimPrompt } from '../../src/engine/prompts';
import { PromptCache } from '../../src/engine/sampler';
import * as tasks from '../../src/engine/tasks';
import { CodeTokenizer } from '../../src/engine/tokenizer';
import { FakeModel } from './samplerFakeModel';

const PKG = path.resolve(__dirname, '..', '..', 'media', 'models', 'diffcoder-small');
const tokenizer = CodeTokenizer.fromFile(path.join(PKG, 'tokenizer.json'));
const shipped = JSON.parse(fs.readFileSync(path.join(PKG, 'diffcoder.json'), 'utf8'));
const EOS = shipped.specialTokens.eos;
const PREFIX = 'def f(xs):\n    ';

type EditInput = { instruction: string; code: string; stripFences?: boolean };

/**
 * A loaded model that answers `lines` joined by line breaks, each token of line k with logit logits[k]
 * over a vocabulary of zeros (50: sure; log(V / 9): about 0.1), then EOS.
 */
function scripted(lines: string[], logits: number[], floor?: number, edit?: EditInput): LoadedModel {
  const answer: number[] = [];
  const sureness: number[] = [];
  lines.forEach((l, k) => {
    const ids = tokenizer.encode(k < lines.length - 1 ? l + '\n' : l);
    answer.push(...ids);
    sureness.push(...ids.map(() => logits[k]));
  });
  return scriptedTokens(answer, sureness, floor, edit);
}

/** The same, token by token: answer[i] with logit sureness[i], then EOS. */
function scriptedTokens(answer: number[], sureness: number[], floor?: number, edit?: EditInput): LoadedModel {
  const P = edit ? editPrompt(tokenizer, shipped, edit).length : fimPrompt(tokenizer, shipped, PREFIX, '').length;
  const model = new FakeModel(tokenizer.vocabSize, (_visible, pos) => {
    const row = new Float32Array(tokenizer.vocabSize);
    const i = pos - P;
    if (i < answer.length) row[answer[i]] = sureness[i];
    else row[EOS] = 50;
    return row;
  });
  const special = { mask: shipped.specialTokens.mask, eos: EOS, suppress: new Set<number>(tokenizer.specialIds) };
  special.suppress.delete(EOS);
  const manifest = {
    ...shipped,
    decoding: { ...shipped.decoding, minLineConfidence: floor },
    prompts: { ...shipped.prompts, edit: { ...shipped.prompts.edit, stripFences: edit?.stripFences } },
  };
  return { manifest, tokenizer, model, special, promptCache: new PromptCache(), info: { device: 'cpu', maxPositions: shipped.architecture.maxPositions } } as unknown as LoadedModel;
}

const GUESS = Math.log(tokenizer.vocabSize / 9);
const ONE_PER_PASS = { mode: 'fixed' as const, stepsPerBlock: 4 };

test('each line gets the lowest probability of its tokens', async () => {
  const lm = scripted(['total = 0', 'for x in xs:', '    total += x'], [50, GUESS, 50], 0.5);
  const r = await tasks.complete(lm, { prefix: PREFIX, suffix: '', maxTokens: 64, decoding: ONE_PER_PASS });
  assert.equal(r.text, 'total = 0\nfor x in xs:\n    total += x');
  const [a, b, c] = r.lineConfidence!;
  assert.ok(a > 0.99, JSON.stringify(r.lineConfidence));
  assert.ok(b > 0.05 && b < 0.15, `the guessed line: ${b}`);
  assert.equal(c, b, 'the third line starts with the guessed line\'s break');
  assert.equal(r.confidentLines, 3, 'no floor asked for');
});

test('the line break belongs to the line it ends too: an unsure break makes that line unsure', async () => {
  // 'x = 1\n' with every token sure but the last, the line break
  const ids = tokenizer.encode('x = 1\n');
  assert.ok(tokenizer.decode([ids.at(-1)!]).includes('\n'));
  const lm = scriptedTokens(ids, ids.map((_, i) => (i === ids.length - 1 ? GUESS : 50)));
  const r = await tasks.complete(lm, { prefix: PREFIX, suffix: '', maxTokens: 64, decoding: ONE_PER_PASS, minLineConfidence: 0.5 });
  assert.equal(r.text, 'x = 1\n');
  assert.equal(r.lineConfidence!.length, 2);
  assert.ok(r.lineConfidence!.every((c) => c < 0.15), JSON.stringify(r.lineConfidence));
  assert.equal(r.confidentLines, 0);
});

test('the floor is the request\'s, or the package\'s when it says so; absent, every line counts; single-line answers have one line', async () => {
  const lines = ['total = 0', 'for x in xs:'];
  const ask = (lm: LoadedModel, extra = {}) => tasks.complete(lm, { prefix: PREFIX, suffix: '', maxTokens: 64, decoding: ONE_PER_PASS, ...extra });
  assert.equal((await ask(scripted(lines, [50, GUESS], 0.5))).confidentLines, 2, 'absent: no floor, whatever the package says');
  assert.equal((await ask(scripted(lines, [50, GUESS], 0.5), { minLineConfidence: 'package' })).confidentLines, 1);
  assert.equal((await ask(scripted(lines, [50, GUESS]), { minLineConfidence: 'package' })).confidentLines, 2, 'a package without a floor');
  assert.equal((await ask(scripted(lines, [50, GUESS], 0.5), { minLineConfidence: 0.05 })).confidentLines, 2);
  const one = await ask(scripted(lines, [50, GUESS], 0.5), { singleLine: true, minLineConfidence: 'package' });
  assert.equal(one.text, 'total = 0');
  assert.equal(one.lineConfidence!.length, 1);
  assert.equal(one.confidentLines, 1);
});

test('with a floor, decoding stops after the block where the first unsure line starts: nothing after it would be shown', async () => {
  const lines = ['total = 0', 'for x in xs:', '    total += x', 'return total'];
  const ask = (floor: number) =>
    tasks.complete(scripted(lines, [50, GUESS, 50, 50]), { prefix: PREFIX, suffix: '', maxTokens: 64, decoding: ONE_PER_PASS, minLineConfidence: floor });
  const whole = await ask(0);
  const cut = await ask(0.5);
  assert.equal(whole.text, lines.join('\n'));
  assert.equal(whole.stoppedBy, 'eos');
  assert.equal(cut.stoppedBy, 'unsure');
  assert.ok(whole.text.startsWith(cut.text) && cut.text.length < whole.text.length, JSON.stringify(cut.text));
  assert.ok(cut.forwardPasses < whole.forwardPasses, `${cut.forwardPasses} vs ${whole.forwardPasses} passes`);
  assert.equal(cut.confidentLines, 1);
  assert.equal(cut.text.split('\n').slice(0, cut.confidentLines).join('\n'), 'total = 0', 'what the editor shows is the same');
});

test('a floor outside [0, 1] is a clear error', async () => {
  const lm = scripted(['x'], [50]);
  await assert.rejects(tasks.complete(lm, { prefix: PREFIX, suffix: '', maxTokens: 8, minLineConfidence: 2 }), /minLineConfidence must be a number in \[0, 1\] or "package" \(is 2\)/);
  await assert.rejects(tasks.complete(lm, { prefix: PREFIX, suffix: '', maxTokens: 8, minLineConfidence: 'high' as unknown as number }), /minLineConfidence must be a number in \[0, 1\]/);
});

test('edits list their unsure lines and keep every line; a fenced answer\'s lines are counted without the fence', async () => {
  const input = { instruction: 'sum the items', code: 'def f(xs):\n    pass\n' };
  const ask = (lines: string[], logits: number[], extra: object = {}, stripFences = false) =>
    tasks.edit(scripted(lines, logits, 0.5, { ...input, stripFences }), { ...input, maxTokens: 64, decoding: ONE_PER_PASS, ...extra });
  const lines = ['def f(xs):', '    total = sum(xs)', '', '    return total'];
  const r = await ask(lines, [50, GUESS, 50, 50], { minLineConfidence: 'package' });
  assert.equal(r.text, lines.join('\n'), 'nothing cut');
  assert.equal(r.stoppedBy, 'eos');
  assert.deepEqual(r.unsureLines, [1, 2].filter((i) => lines[i].trim()), 'the guessed line; the blank line its break touches is not code');
  assert.equal(r.lineConfidence!.length, 4);
  assert.deepEqual((await ask(lines, [50, GUESS, 50, 50])).unsureLines, [], 'no floor asked for');
  const fenced = await ask(['```python', 'def f(xs):', '    return guess(xs)', '```'], [50, 50, GUESS, 50], { minLineConfidence: 0.5 }, true);
  assert.equal(fenced.text, 'def f(xs):\n    return guess(xs)\n');
  assert.deepEqual(fenced.unsureLines, [1]);
});

test('fills, like edits, list their unsure lines and keep every line; a hole inside a line is filled up to the line break', async () => {
  const lines = ['total = 0', 'for x in xs:', '    total += x'];
  const text = PREFIX + '<FILL>'; // the hole's prompt is the completion's: PREFIX before it, nothing after
  const ask = (extra: object = {}, hole: object = {}) =>
    tasks.fill(scripted(lines, [50, GUESS, 50], 0.5), { text, holes: [{ offset: PREFIX.length, length: 6, ...hole }], maxTokens: 64, decoding: ONE_PER_PASS, ...extra });
  const r = await ask({ minLineConfidence: 'package' });
  assert.equal(r.text, PREFIX + lines.join('\n'), 'nothing cut');
  assert.equal(r.fills[0].stoppedBy, 'eos');
  assert.deepEqual(r.fills[0].unsureLines, [1, 2], 'the guessed line and the line its break starts');
  assert.ok(r.fills[0].lineConfidence!.slice(1).every((c) => c < 0.15));
  assert.deepEqual((await ask()).fills[0].unsureLines, [], 'no floor asked for');
  const inline = await ask({}, { singleLine: true });
  assert.equal(inline.text, PREFIX + 'total = 0');
  assert.equal(inline.fills[0].stoppedBy, 'stop');
});
