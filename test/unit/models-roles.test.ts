// Which installed model does what: Base for completions and hole filling, Instruct for edits when both
// are set; one model for everything otherwise, with a log line that says so; the installed-model list.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listInstalled } from '../../src/models/installed';
import { planRoles } from '../../src/models/roles';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-roles-'));
function pkg(dir: string, name: string, chat: boolean) {
  fs.mkdirSync(dir, { recursive: true });
  const edit = chat ? { chatTemplate: '{{ messages }}', userMessage: '{{ code }}' } : { template: '{{ code }}' };
  fs.writeFileSync(path.join(dir, 'diffcoder.json'), JSON.stringify({ name, version: '1.0.0', weights: { dtype: 'int4' }, architecture: { numLayers: 32 }, prompts: { edit }, files: { 'model.onnx': { bytes: 10, sha256: 'x' }, 'model.onnx.data': { bytes: 5 * 2 ** 30, sha256: 'y' } } }));
  return dir;
}
const root = path.join(tmp, 'models');
const base = pkg(path.join(root, 'sdc-base'), 'Stable-DiffCoder-8B-Base', false);
const instruct = pkg(path.join(root, 'sdc-instruct'), 'Stable-DiffCoder-8B-Instruct', true);
const bundled = pkg(path.join(tmp, 'ext', 'media', 'models', 'diffcoder-small'), 'diffcoder-small', false);
const chat = (d: string) => JSON.parse(fs.readFileSync(path.join(d, 'diffcoder.json'), 'utf8')).prompts.edit.chatTemplate !== undefined;

test('Base and Instruct both set: infilling goes to Base, edits to Instruct', () => {
  const p = planRoles(base, instruct, chat);
  assert.deepEqual({ infill: p.infill, edit: p.edit, split: p.split }, { infill: base, edit: instruct, split: true });
  assert.equal(p.summary, `two models: completions and hole filling use ${base}; edits use ${instruct}`);
});

test('one model does both, and the log line says so (with what would suit better)', () => {
  const b = planRoles(base, '', chat);
  assert.deepEqual({ infill: b.infill, edit: b.edit, split: b.split }, { infill: base, edit: base, split: false });
  assert.match(b.summary, /^one model for completions, hole filling and edits: .*sdc-base \(set diffcoder\.editModelPath to an Instruct package to use it for edits\)$/);
  const i = planRoles(instruct, instruct, chat);
  assert.equal(i.split, false, 'the same folder twice is one model');
  assert.match(i.summary, /an instruction-tuned model: a Base model in diffcoder\.modelPath with this one in diffcoder\.editModelPath would suit completions better/);
  assert.match(planRoles(bundled, ' ').summary, /^one model for completions, hole filling and edits: \S+diffcoder-small$/);
});

test('installed models: bundled first, then the install folder (no staging or temp folders), then picked folders, each once', () => {
  fs.mkdirSync(path.join(root, '.sdc-base.converting-123'), { recursive: true });
  fs.mkdirSync(path.join(root, 'half.download'), { recursive: true });
  fs.mkdirSync(path.join(root, 'not-a-package'), { recursive: true });
  const elsewhere = pkg(path.join(tmp, 'elsewhere', 'mine'), 'mine', true);
  const list = listInstalled({ bundled, installRoot: root, folders: [elsewhere, base, path.join(tmp, 'gone')] });
  assert.deepEqual(list.map((m) => [m.name, m.source]), [
    ['diffcoder-small', 'bundled'],
    ['Stable-DiffCoder-8B-Base', 'installed'],
    ['Stable-DiffCoder-8B-Instruct', 'installed'],
    ['mine', 'folder'],
  ]);
  const i = list[2];
  assert.deepEqual({ chat: i.chat, weights: i.weights, layers: i.layers, bytes: i.bytes }, { chat: true, weights: 'int4', layers: 32, bytes: 10 + 5 * 2 ** 30 });
});
