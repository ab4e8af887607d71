// Execution provider choice: the per-platform `auto` order, and what the engine says when a package's
// weight ops have no kernel on the provider it got (int8 under a GPU provider runs on the CPU).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Manifest } from '../../src/engine/package/manifest';
import { platformProviders, providerOrder } from '../../src/engine/session/createSession';
import { autoSkips, passScaledRows, providerNotes, weightFormats } from '../../src/engine/session/providerNotes';
import { LoadedModel } from '../../src/engine/loadedModel';
import { ensureTinyPackage } from '../fixtures/ensureTinyPackage';

test('auto: CUDA then WebGPU on Linux x64, DirectML on Windows, WebGPU on macOS, the CPU last everywhere', () => {
  assert.deepEqual(platformProviders('linux', 'x64'), ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(platformProviders('linux', 'arm64'), ['cpu']);
  assert.deepEqual(platformProviders('win32', 'x64'), ['dml', 'webgpu', 'cpu']);
  assert.deepEqual(platformProviders('darwin', 'arm64'), ['webgpu', 'cpu']);
  const fb: string[] = [];
  assert.deepEqual(providerOrder(['auto'], fb, 'win32', 'x64'), ['dml', 'webgpu', 'cpu']);
  assert.deepEqual(providerOrder(['coreml', 'AUTO'], fb, 'darwin', 'arm64'), ['coreml', 'webgpu', 'cpu']);
  assert.deepEqual(providerOrder(['auto', 'cuda'], fb, 'linux', 'x64'), ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(providerOrder(undefined, fb), ['cpu']);
  assert.deepEqual(providerOrder(['cpu', 'cuda'], fb), ['cpu'], 'nothing after the CPU');
  assert.deepEqual(fb, []);
  assert.deepEqual(providerOrder(['tpu'], fb), ['cpu']);
  assert.match(fb[0], /^tpu: unknown execution provider \(known: auto, cuda/);
});

const manifest = (dtype: Manifest['weights']['dtype'], conversion?: Record<string, unknown>) =>
  ({ name: 'm', weights: { dtype }, ...(conversion ? { provenance: { conversion } } : {}) }) as unknown as Manifest;

test('int8 weights on a GPU provider: the log says which ops run on the CPU and what to convert instead', () => {
  const [int8] = providerNotes('cuda', manifest('int8', { weights: 'int8', head: 'int8' }));
  assert.match(int8, /DynamicQuantizeMatMul\) have no cuda kernel: every projection and the output layer of m run on the CPU under cuda/);
  assert.match(int8, /--weights int4 --head int4/);
  // int4 keeps the output layer int8 unless told otherwise: that one matrix stays on the CPU
  const [int4] = providerNotes('webgpu', manifest('int4', { weights: 'int4', head: 'int8' }));
  assert.match(int4, /the output layer of m runs on the CPU under webgpu, .*--head int4/);
  assert.deepEqual(providerNotes('cuda', manifest('int4', { weights: 'int4', head: 'int4' })), []);
  assert.deepEqual(providerNotes('cuda', manifest('fp16')), []);
  assert.deepEqual(providerNotes('cpu', manifest('int8')), []);
  assert.deepEqual(providerNotes('dml', manifest('int8')), [], 'DirectML implements DynamicQuantizeMatMul');
  // int8 as MatMulNBits has GPU kernels
  assert.deepEqual(providerNotes('cuda', manifest('int8', { weights: 'int8', head: 'int8', graph: { int8: 'nbits' } })), []);
  // no conversion record: the converter's defaults for the dtype
  assert.deepEqual(weightFormats(manifest('int4')), { projections: 'int4', head: 'int8', int8: 'dynamic' });
});

test("a package's rows depend on their pass only with dynamic int8 projections (the sampler then prefills apart)", () => {
  assert.equal(passScaledRows(manifest('int8')), true, 'a package from before the choice: DynamicQuantizeMatMul');
  assert.equal(passScaledRows(manifest('int8', { weights: 'int8', graph: { int8: 'dynamic' } })), true);
  assert.equal(passScaledRows(manifest('int8', { weights: 'int8', graph: { int8: 'nbits' } })), false);
  assert.equal(passScaledRows(manifest('int4', { weights: 'int4', head: 'int8' })), false, 'the int8 head sees only the rows whose logits are asked');
  assert.equal(passScaledRows(manifest('fp32')), false);
});

test('auto leaves out the GPU providers a DynamicQuantizeMatMul int8 package has no kernels on; a named one is still tried', () => {
  const skips = autoSkips(manifest('int8', { weights: 'int8', head: 'int8' }));
  assert.deepEqual(Object.keys(skips).sort(), ['coreml', 'cuda', 'webgpu'], 'DirectML implements the op');
  assert.match(skips.cuda, /^left out by auto: m's int8 weights \(DynamicQuantizeMatMul\) have no cuda kernel \(name cuda in diffcoder.engine.providers/);
  for (const m of [manifest('int8', { weights: 'int8', graph: { int8: 'nbits' } }), manifest('int4', { weights: 'int4', head: 'int8' }), manifest('fp16')]) assert.deepEqual(autoSkips(m), {});
  const fb: string[] = [];
  assert.deepEqual(providerOrder(['auto'], fb, 'linux', 'x64', skips), ['cpu']);
  assert.deepEqual(fb.map((f) => f.split(':')[0]), ['cuda', 'webgpu']);
  assert.deepEqual(providerOrder(['auto'], [], 'win32', 'x64', skips), ['dml', 'cpu']);
  assert.deepEqual(providerOrder(['cuda', 'auto'], [], 'linux', 'x64', skips), ['cuda', 'cpu'], 'named: tried');
});

test('auto on this machine: a GPU provider, or the CPU with the reason each GPU provider was not used', async () => {
  const { dir } = await ensureTinyPackage({ weights: 'int8' });
  const lm = await LoadedModel.load({ modelDir: dir, providers: ['auto'], threads: 1 });
  try {
    const order = platformProviders();
    if (lm.info.device === 'cpu') {
      assert.deepEqual(lm.info.notes, []);
      assert.deepEqual(lm.info.fallback.map((f) => f.split(':')[0]), order.slice(0, -1));
      // the tiny package is DynamicQuantizeMatMul int8: auto leaves CUDA and WebGPU out rather than trying them
      for (const f of lm.info.fallback.filter((x) => /^(cuda|webgpu):/.test(x))) assert.match(f, /left out by auto/);
    } else {
      assert.equal(lm.info.device, 'dml', 'only DirectML runs this int8 package under auto');
      assert.deepEqual(lm.info.notes, []);
    }
  } finally {
    await lm.dispose();
  }
});
