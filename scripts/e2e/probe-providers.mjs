// Which onnxruntime execution providers load here, from the runtime a VSIX ships (native/<target>)?
// Run on a machine with a GPU to see what the status bar will say there:
//   NODE_PATH=native/linux-x64/node_modules node scripts/e2e/probe-providers.mjs <model-package-dir>
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const dir = process.argv[2];
const model = join(dir, 'model.onnx');
for (const ep of ['cuda', 'tensorrt', 'webgpu', 'cpu']) {
  const t0 = Date.now();
  try {
    const s = await ort.InferenceSession.create(model, { executionProviders: [ep] });
    console.log(`${ep}: loads (${Date.now() - t0} ms, inputs ${s.inputNames.length})`);
    await s.release?.();
  } catch (e) {
    console.log(`${ep}: does not load: ${String(e.message ?? e).split('\n')[0].slice(0, 240)}`);
  }
}
