// scripts/bench-gpu.sh --smoke: the GPU benchmark's every step on the CPU (checkpoint, conversion,
// bench-decode per provider, PyTorch reference, the joined report), so the script a GPU session runs
// is known to work up to the GPU itself.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureTinyPackage } from '../fixtures/ensureTinyPackage';
import { builtWorker } from './builtWorker';
import { pythonWithTorch, REPO } from './tinyModel';

test('bench-gpu.sh --smoke: providers side by side with the PyTorch reference, as JSON and a table', { skip: !pythonWithTorch() && 'needs python3 with torch' }, async () => {
  builtWorker();
  const bundled = await ensureTinyPackage({ weights: 'int8' });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'diffcoder-bench-gpu-'));
  const t0 = Date.now();
  const r = spawnSync('bash', ['scripts/bench-gpu.sh', '--smoke'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, WORK_SMOKE: work, OUT: path.join(work, 'out'), BUNDLED: bundled.dir, SMOKE_PROVIDERS: 'cuda,webgpu,cpu', PYTHON_SMOKE: pythonWithTorch() },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr.slice(-3000));
  const all = JSON.parse(fs.readFileSync(path.join(work, 'out', 'bench-gpu.json'), 'utf8'));
  const [small, shaped] = all.reports;
  for (const rep of [small, shaped]) {
    assert.deepEqual(rep.engine.map((e: { provider: string }) => e.provider), ['cuda', 'webgpu', 'cpu']);
    const cpu = rep.engine.find((e: { provider: string }) => e.provider === 'cpu');
    assert.ok(cpu.available && cpu.tokensPerSecond > 0 && cpu.tokensPerForward > 0 && cpu.tokensPerForward <= 1, JSON.stringify(cpu));
    assert.equal(cpu.tokens, 2 * 8, 'every prompt got its 8 tokens');
    for (const e of rep.engine) if (!e.available) assert.match(e.reason, new RegExp(`^${e.provider}: `));
  }
  assert.equal(shaped.model.weights, 'int4');
  const drafts = all.reports[2];
  assert.deepEqual(drafts.engine.map((e: { provider: string }) => e.provider), ['cpu'], 'one provider (on a GPU machine the first)');
  assert.equal(drafts.engine[0].tokens, 2 * 8, JSON.stringify(drafts.engine[0]));
  assert.equal(drafts.workload.decoding.draftStates, 3);
  assert.match(small.reference.skipped, /--no-python/);
  assert.equal(shaped.reference.device, 'cpu');
  assert.ok(shaped.reference.tokensPerSecond > 0 && shaped.reference.forwardPasses > 0, JSON.stringify(shaped.reference));
  const table = fs.readFileSync(path.join(work, 'out', 'bench-gpu.txt'), 'utf8');
  assert.match(table, /engine cpu +\d/);
  assert.match(table, /pytorch cpu fp32 +\d/);
  console.log(`bench-gpu.sh --smoke took ${((Date.now() - t0) / 1000).toFixed(1)} s\n${table}`);
});
