// scripts/gpu/package_weights.py: a package's model.onnx back to trainable weights, for GPU sessions that
// continue the bundled model. On the tiny fixture, converted by the real converter: fp32 comes back
// exactly, int8 within half a quantisation step of each output channel, int4 is refused.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureTinyPackage } from '../fixtures/ensureTinyPackage';
import { float32Of, readSafetensors } from '../fixtures/safetensors-edit';
import { pythonEnv, pythonWithTorch, REPO } from './tinyModel';

const python = pythonWithTorch();
const skip = python ? false : 'needs python3 with torch and onnx (Debian python3-torch, python3-onnx)';

function unpack(pkg: string) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffcoder-package-weights-'));
  const r = spawnSync(python!, [path.join(REPO, 'scripts/gpu/package_weights.py'), pkg, out], { cwd: REPO, encoding: 'utf8', env: pythonEnv });
  return { ...r, out };
}

function compare(checkpointDir: string, out: string): number {
  const file = fs.readdirSync(checkpointDir).find((f) => f.endsWith('.safetensors'))!;
  const want = readSafetensors(path.join(checkpointDir, file));
  const got = readSafetensors(path.join(out, 'model.safetensors'));
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), 'the same tensors, by the Hugging Face names');
  let worst = 0;
  for (const [name, w] of want) {
    const g = got.get(name)!;
    assert.deepEqual(g.shape, w.shape, name);
    const a = float32Of(g);
    const b = float32Of(w);
    const cols = w.shape.length === 2 ? w.shape[1] : w.shape[0];
    for (let r = 0; r < b.length / cols; r++) {
      let max = 0;
      for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(b[r * cols + c]));
      for (let c = 0; c < cols; c++) worst = Math.max(worst, Math.abs(a[r * cols + c] - b[r * cols + c]) / (max || 1));
    }
  }
  return worst;
}

test('fp32 and int8 packages give back the checkpoint they were converted from', { skip }, async () => {
  for (const [weights, bound] of [['fp32', 1e-7], ['int8', 0.5 / 127 + 1e-6]] as const) {
    const pkg = await ensureTinyPackage({ weights });
    const r = unpack(pkg.dir);
    assert.equal(r.status, 0, r.stderr);
    const worst = compare(pkg.checkpointDir, r.out);
    assert.ok(worst <= bound, `${weights}: worst error ${worst} of a row's largest weight (bound ${bound})`);
    if (weights === 'int8') assert.ok(worst > 0, 'int8 is not exact (the test would not notice a wrong scale otherwise)');
    const cfg = JSON.parse(fs.readFileSync(path.join(r.out, 'config.json'), 'utf8'));
    assert.equal(cfg.hidden_size, pkg.manifest.architecture.hiddenSize);
    assert.ok(fs.existsSync(path.join(r.out, 'provenance.json')) && fs.existsSync(path.join(r.out, 'tokenizer.json')));
  }
});

test('an int4 package is refused with the reason', { skip }, async () => {
  const pkg = await ensureTinyPackage({ weights: 'int4' });
  const r = unpack(pkg.dir);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /int4: an int4 package cannot give back weights fit to train on/);
});
