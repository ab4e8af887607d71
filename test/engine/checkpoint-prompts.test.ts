/**
 * Prompt formats taken from a Stable-DiffCoder-style checkpoint's own files (tokenizer_config.json's chat
 * template, Seed-Coder's special tokens), through the converter and the engine: the edit prompt is what
 * Hugging Face's renderer (Python jinja2 with transformers' settings) makes of the same template, the
 * infilling prompt is suffix-prefix-middle with the checkpoint's tokens, and mask/EOS are the checkpoint's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHAT_USER_MESSAGE, RESPONSE_PREFIX } from '../../src/convert/package/prompts';
import { LoadedModel } from '../../src/engine/loadedModel';
import type { Manifest } from '../../src/engine/package/manifest';
import { editPrompt, fimPrompt } from '../../src/engine/prompts';
import * as tasks from '../../src/engine/tasks';
import { pythonEnv, REPO, stableDiffCoderModel, type TinyModel } from './tinyModel';

const PYTHON = '/usr/bin/python3';
const hasJinja2 = spawnSync(PYTHON, ['-c', 'import jinja2'], { stdio: 'ignore' }).status === 0;

/** transformers' apply_chat_template: ImmutableSandboxedEnvironment(trim_blocks, lstrip_blocks) + raise_exception. */
const HF_RENDER = `
import json, sys
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.exceptions import TemplateError
req = json.load(sys.stdin)
def raise_exception(message):
    raise TemplateError(message)
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
env.globals["raise_exception"] = raise_exception
user = env.from_string(req["user_template"]).render(**req["vars"])
out = env.from_string(req["chat_template"]).render(messages=[{"role": "user", "content": user}], add_generation_prompt=True, **req["vars"])
sys.stdout.write(json.dumps(out))
`;

let sdc: TinyModel;
let lm: LoadedModel;
let tokCfg: Record<string, any>;
let m: Manifest;

before(async () => {
  sdc = await stableDiffCoderModel('fp32');
  lm = await LoadedModel.load({ modelDir: sdc.dir, threads: 1 });
  m = lm.manifest;
  tokCfg = JSON.parse(fs.readFileSync(path.join(sdc.checkpoint, 'tokenizer_config.json'), 'utf8'));
});
after(() => lm?.dispose());

describe('edits: the checkpoint chat template', () => {
  const input = { instruction: 'Rename x to count.', code: 'def f(x):\n    return x + 1\n', language: 'python' };

  it('the package carries tokenizer_config.json chat_template verbatim, with our user message and fence prefix', () => {
    assert.equal(m.prompts.edit.chatTemplate, tokCfg.chat_template);
    assert.match(tokCfg.chat_template, /raise_exception/);
    assert.match(tokCfg.chat_template, /bos_token/);
    assert.equal(m.prompts.edit.userMessage, CHAT_USER_MESSAGE);
    assert.equal(m.prompts.edit.responsePrefix, RESPONSE_PREFIX);
  });

  it('renders exactly what Hugging Face renders (jinja2, trim_blocks, lstrip_blocks, raise_exception)', { skip: !hasJinja2 && 'needs python3-jinja2' }, () => {
    const vars = { ...input, bos_token: tokCfg.bos_token, eos_token: tokCfg.eos_token, pad_token: tokCfg.pad_token };
    const r = spawnSync(PYTHON, ['-c', HF_RENDER], { input: JSON.stringify({ chat_template: tokCfg.chat_template, user_template: CHAT_USER_MESSAGE, vars }), encoding: 'utf8', env: pythonEnv });
    assert.equal(r.status, 0, r.stderr);
    const hf = JSON.parse(r.stdout) + RESPONSE_PREFIX;
    const ids = editPrompt(lm.tokenizer, m, input);
    assert.equal(lm.tokenizer.decode(ids), hf);
    // the Seed layout, turn by turn, with the turn markers as single special-token ids
    const bos = m.specialTokens.bos;
    const eos = m.specialTokens.eos;
    assert.equal(ids[0], bos);
    assert.deepEqual(ids.map((t, i) => [t, i]).filter(([t]) => t === bos || t === eos).map(([t]) => t), [bos, eos, bos, eos, bos]);
    assert.match(hf, /^<\[begin▁of▁sentence\]>system\n[^]*\n\n<\[end▁of▁sentence\]><\[begin▁of▁sentence\]>user\nEdit the following python code as instructed\.[^]*```python\ndef f\(x\):\n {4}return x \+ 1\n\n```<\[end▁of▁sentence\]><\[begin▁of▁sentence\]>assistant\n```\n$/);
  });

  it("a template's raise_exception becomes an error that names the chat template and its message", () => {
    const raising = { ...m, prompts: { ...m.prompts, edit: { ...m.prompts.edit, chatTemplate: "{% if messages[0]['role'] != 'system' %}{{ raise_exception('a system message is required') }}{% endif %}" } } };
    assert.throws(() => editPrompt(lm.tokenizer, raising, input), /chat template \(tokenizer_config\.json chat_template\) did not render an edit prompt: a system message is required/);
  });

  it('an edit runs end to end through the engine, and the answer never holds the mask or a turn marker', async () => {
    const r = await tasks.edit(lm, { ...input, maxTokens: 24, decoding: { mode: 'fixed', stepsPerBlock: 4 } });
    assert.ok(r.tokens > 0 && r.forwardPasses >= r.tokens / 4, JSON.stringify(r));
    assert.ok(r.promptTokens > 100, `prompt ${r.promptTokens} tokens`);
    assert.doesNotMatch(r.text, /<\[MASK_TOKEN\]>|<\[begin▁of▁sentence\]>|<\[fim-/);
  });
});

describe('infilling and special tokens from the checkpoint', () => {
  it('suffix-prefix-middle with the bos first, in Seed-Coder tokens', () => {
    const enc = (s: string) => lm.tokenizer.encode(s);
    const id = (s: string) => lm.tokenizer.idOf(s)!;
    const ids = fimPrompt(lm.tokenizer, m, 'def add(a, b):\n    ', '\n\nprint(add(1, 2))\n');
    assert.deepEqual(ids, [id('<[begin▁of▁sentence]>'), id('<[fim-suffix]>'), ...enc('\n\nprint(add(1, 2))\n'), id('<[fim-prefix]>'), ...enc('def add(a, b):\n    '), id('<[fim-middle]>')]);
    assert.deepEqual(m.prompts.fim, { order: 'spm', bos: true });
  });

  it('mask and EOS are the checkpoint tokens (ids 5 and 2 as in the 8B); the mask and other specials are never emitted', () => {
    const cfg = JSON.parse(fs.readFileSync(path.join(sdc.checkpoint, 'config.json'), 'utf8'));
    assert.equal(m.specialTokens.eos, cfg.eos_token_id);
    assert.equal(m.specialTokens.eos, lm.tokenizer.idOf(tokCfg.eos_token));
    assert.equal(m.specialTokens.mask, lm.tokenizer.idOf('<[MASK_TOKEN]>'));
    assert.deepEqual([m.specialTokens.bos, m.specialTokens.eos, m.specialTokens.mask], [0, 2, 5]);
    assert.equal(lm.special.mask, 5);
    assert.equal(lm.special.eos, 2);
    assert.deepEqual([...lm.special.suppress].sort((a, b) => a - b), [0, 1, 3, 4, 5, 6, 7, 8]);
  });

  it('a completion through the engine stays out of the special tokens', async () => {
    const r = await tasks.complete(lm, { prefix: fs.readFileSync(path.join(REPO, 'scripts/diffcoder/sampler.py'), 'utf8').slice(0, 600), suffix: '\n', maxTokens: 16, decoding: { mode: 'fixed', stepsPerBlock: 4 } });
    assert.ok(r.tokens > 0 && r.tokens <= 16);
    assert.doesNotMatch(r.text, /<\[[A-Za-z▁_-]+\]>/);
  });
});
