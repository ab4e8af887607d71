/**
 * Checks a freshly written package before it is moved into place: the model proto decodes and has the
 * contract's inputs/outputs, every external weight lies inside model.onnx.data, every file's sha256
 * matches diffcoder.json, and (optionally) onnxruntime loads it and one token gives finite logits.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Manifest } from '../engine/package/manifest';
import { ConvertError } from './errors';
import { ATTENTION_MASK, INPUT_IDS, LOGITS, LOGITS_KEEP, pastKey, pastValue, POSITION_IDS, presentKey, presentValue } from './llama/graph';
import { onnx } from './onnx/proto';
import { hashFile } from './package/files';

export async function verifyPackage(dir: string, manifest: Manifest, opts: { session: boolean; signal?: AbortSignal }): Promise<void> {
  for (const [file, want] of Object.entries(manifest.files)) {
    const got = await hashFile(path.join(dir, file), opts.signal);
    if (got.sha256 !== want.sha256 || got.bytes !== want.bytes) throw new ConvertError(`verification: ${file} reads back different from what was written`);
  }
  const modelPath = path.join(dir, 'model.onnx');
  const model = onnx.ModelProto.decode(fs.readFileSync(modelPath));
  const a = manifest.architecture;
  const wantIn = [INPUT_IDS, POSITION_IDS, ATTENTION_MASK];
  const wantOut = [LOGITS];
  for (let i = 0; i < a.numLayers; i++) {
    wantIn.push(pastKey(i), pastValue(i));
    wantOut.push(presentKey(i), presentValue(i));
  }
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const inputs = (model.graph?.input ?? []).map((v) => v.name!).filter((n) => !inits.has(n));
  if (inputs.includes(LOGITS_KEEP)) wantIn.push(LOGITS_KEEP);
  const outputs = (model.graph?.output ?? []).map((v) => v.name!);
  if (inputs.join() !== wantIn.join()) throw new ConvertError(`verification: model inputs are [${inputs}] not [${wantIn}]`);
  if (outputs.join() !== wantOut.join()) throw new ConvertError(`verification: model outputs are [${outputs}] not [${wantOut}]`);
  const dataSizes = new Map<string, number>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const kv = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
    const loc = kv.location!;
    if (!dataSizes.has(loc)) dataSizes.set(loc, fs.statSync(path.join(dir, loc)).size);
    if (Number(kv.offset) + Number(kv.length) > dataSizes.get(loc)!) throw new ConvertError(`verification: ${t.name} lies past the end of ${loc}`);
  }
  if (opts.session) await runOneToken(modelPath, manifest);
}

async function runOneToken(modelPath: string, m: Manifest): Promise<void> {
  // Loaded lazily: converting needs no native runtime unless asked to check the result with it. require,
  // not import(): a packaged extension's onnxruntime-node is found through NODE_PATH, which only require
  // honours (an import() of it from dist/cli.js fails there).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
  try {
    const a = m.architecture;
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      [INPUT_IDS]: new ort.Tensor('int64', BigInt64Array.of(BigInt(m.specialTokens.bos)), [1, 1]),
      [POSITION_IDS]: new ort.Tensor('int64', BigInt64Array.of(0n), [1, 1]),
      [ATTENTION_MASK]: new ort.Tensor('float32', new Float32Array(1), [1, 1, 1, 1]),
    };
    for (let i = 0; i < a.numLayers; i++) {
      feeds[pastKey(i)] = new ort.Tensor('float32', new Float32Array(0), [1, a.numKvHeads, 0, a.headDim]);
      feeds[pastValue(i)] = new ort.Tensor('float32', new Float32Array(0), [1, a.numKvHeads, 0, a.headDim]);
    }
    if (session.inputNames.includes(LOGITS_KEEP)) feeds[LOGITS_KEEP] = new ort.Tensor('int64', BigInt64Array.of(0n), [1]);
    const out = await session.run(feeds);
    const logits = out[LOGITS];
    const dims = logits.dims.join(',');
    if (dims !== `1,1,${a.vocabSize}`) throw new ConvertError(`verification: one token gave logits of shape [${dims}], expected [1,1,${a.vocabSize}]`);
    const data = logits.data as Float32Array;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) throw new ConvertError(`verification: one token gave a non-finite logit at index ${i}`);
    const pk = out[presentKey(0)];
    if (pk.dims.join(',') !== `1,${a.numKvHeads},1,${a.headDim}`) throw new ConvertError(`verification: present.0.key has shape [${pk.dims}]`);
  } finally {
    await session.release();
  }
}
