/**
 * convertCheckpoint: a Hugging Face Llama checkpoint folder -> a DiffCoder model package
 * (model.onnx [+ model.onnx.data], tokenizer.json, diffcoder.json).
 *
 * Weights stream tensor by tensor, slab by slab, from the safetensors files into model.onnx.data, so
 * memory stays near one slab (plus the graph) whatever the checkpoint size. Everything is written into
 * a temp folder beside outDir, verified, then renamed into place.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Manifest } from '../engine/package/manifest';
import { Checkpoint } from './checkpoint/checkpoint';
import { ConvertError } from './errors';
import { buildLlamaGraph, DEFAULT_VARIANT, type GraphVariant } from './llama/graph';
import type { Int4Settings, SlabHook, WeightFormat } from './llama/weights';
import { IR_VERSION, onnx } from './onnx/proto';
import { WeightStore } from './onnx/weight-store';
import { commitDir, hashFile, makeTempDir } from './package/files';
import { buildManifest, type PartialManifest } from './package/manifest-builder';
import { readTokenizerFiles } from './package/tokenizer-files';
import { verifyPackage } from './verify';

export type { WeightFormat };

export interface ConvertOptions {
  weights: WeightFormat;
  /** int4 quantization block (MatMulNBits block_size); default 32. */
  int4BlockSize?: number;
  /** Token embedding format; 'auto' (default): see tableFormats(). */
  embeddings?: WeightFormat | 'auto';
  /** Output layer format; 'auto' (default): see tableFormats(). */
  head?: WeightFormat | 'auto';
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
  /** Package name/version (default: the partial manifest's, else the source folder's name / 1.0.0). */
  name?: string;
  version?: string;
  /** Load the result in onnxruntime and run one token (default: when the weights are under 2 GiB). */
  verifySession?: boolean;
  /** Weights above this many bytes go to model.onnx.data (default 256 MiB); below, one model.onnx. */
  externalDataThreshold?: number;
  /** Graph choices (benchmarks); defaults are the measured best. */
  graph?: Partial<GraphVariant>;
  /** MatMulNBits accuracy_level for int4 (default 4: int8 activations). */
  int4AccuracyLevel?: number;
  /** int4 with a fixed zero point (no zero_points tensors); default false (a zero point per block). */
  int4Symmetric?: boolean;
}

export const MODEL_FILE = 'model.onnx';
export const DATA_FILE = 'model.onnx.data';
export const TOKENIZER_FILE = 'tokenizer.json';
export const MANIFEST_FILE = 'diffcoder.json';
const SLAB_BYTES = 64 << 20;

/**
 * Formats of the two vocabulary-sized tables. Quantized packages store the embedding table as int8 rows
 * (a third of a small model's bytes; measured: no accuracy change against float). int4 packages keep
 * both tables at int8: on the test models that cuts the int4 logit error by a third (RMS error 0.19 ->
 * 0.12 of the logits' RMS), for about 0.5 GB more on the 8B (llama.cpp's Q4_K_M makes the same choice).
 */
export function tableFormats(weights: WeightFormat): { embeddings: WeightFormat; head: WeightFormat } {
  const t = weights === 'int4' ? 'int8' : weights;
  return { embeddings: t, head: t };
}

export async function convertCheckpoint(srcDir: string, outDir: string, opts: ConvertOptions): Promise<Manifest> {
  const progress = opts.onProgress ?? (() => {});
  const checkAbort = () => {
    if (opts.signal?.aborted) throw new ConvertError('conversion cancelled');
  };
  if (!['fp32', 'fp16', 'int8', 'int4'].includes(opts.weights)) throw new ConvertError(`unknown weights format ${JSON.stringify(opts.weights)} (fp32 | fp16 | int8 | int4)`);
  const blockSize = opts.int4BlockSize ?? 32;
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) throw new ConvertError(`int4BlockSize must be a power of two >= 16, got ${blockSize}`);

  for (const [key, v] of [['embeddings', opts.embeddings], ['head', opts.head]] as const) {
    if (v !== undefined && !['auto', 'fp32', 'fp16', 'int8', 'int4'].includes(v)) throw new ConvertError(`unknown ${key} format ${JSON.stringify(v)} (auto | fp32 | fp16 | int8 | int4)`);
  }
  const int4: Int4Settings = { blockSize, accuracyLevel: opts.int4AccuracyLevel ?? 4, symmetric: !!opts.int4Symmetric };

  checkReplaceable(outDir);
  progress(0, `reading ${srcDir}`);
  const ck = Checkpoint.open(srcDir);
  let tmp: string | undefined;
  let store: WeightStore | undefined;
  try {
    const tokenizer = readTokenizerFiles(srcDir);
    const partial = readPartial(srcDir);
    const tables = tableFormats(opts.weights);
    const embeddings = opts.embeddings && opts.embeddings !== 'auto' ? opts.embeddings : tables.embeddings;
    const head = opts.head && opts.head !== 'auto' ? opts.head : tables.head;
    const variant: GraphVariant = { ...DEFAULT_VARIANT, ...(opts.graph ?? {}) };
    const weights: Manifest['weights'] = { dtype: opts.weights, ...(opts.weights === 'int4' ? { blockSize } : {}) };
    // Built (and so validated) before any heavy work: a bad tokenizer or partial fails in milliseconds.
    const manifest = buildManifest({
      srcDir,
      architecture: ck.architecture,
      config: ck.config,
      tokenizer,
      partial,
      weights,
      name: opts.name,
      version: opts.version,
      converter: {
        weights: opts.weights,
        embeddings,
        head,
        sourceDtypes: ck.dtypes(),
        graph: variant,
        ...([opts.weights, embeddings, head].includes('int4') ? { int4 } : {}),
      },
    }) as Manifest;

    tmp = makeTempDir(outDir);
    let onSlab: SlabHook = async () => {};
    store = new WeightStore(path.join(tmp, DATA_FILE), DATA_FILE);
    const { graph, jobs } = buildLlamaGraph(ck.architecture, store, {
      weights: opts.weights,
      embeddings,
      head,
      int4,
      variant,
      slabBytes: SLAB_BYTES,
      onSlab: (bytes) => onSlab(bytes),
    });

    // Stream the weights. Progress 0.02..0.9 follows checkpoint bytes read.
    const total = jobs.reduce((s, j) => s + j.sources.reduce((t, n) => t + ck.tensor(n).info.bytes, 0), 0);
    let done = 0;
    let lastYield = Date.now();
    let label = '';
    onSlab = async (bytes: number) => {
      done += bytes;
      checkAbort();
      if (Date.now() - lastYield > 100) {
        progress(0.02 + 0.88 * (done / total), label);
        await new Promise((r) => setImmediate(r)); // let cancellation and progress reach the caller
        lastYield = Date.now();
      }
    };
    store.open();
    for (const job of jobs) {
      label = `converting ${job.label}`;
      await job.run(ck, store);
    }
    store.sync();

    progress(0.9, 'writing model.onnx');
    // Inline weights are read back into memory and encoded once more: keep that bounded.
    const external = store.totalBytes > (opts.externalDataThreshold ?? 256 << 20);
    const weightProtos = external ? store.externalProtos() : store.inlineProtos();
    store.close();
    if (!external) fs.rmSync(path.join(tmp, DATA_FILE));
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: graph.opsetImports(),
      producerName: 'diffcoder-convert',
      producerVersion: '1',
      graph: {
        name: manifest.name,
        node: graph.nodes,
        initializer: [...graph.initializers, ...weightProtos],
        input: graph.inputs,
        output: graph.outputs,
      },
    };
    writeFileSynced(path.join(tmp, MODEL_FILE), onnx.ModelProto.encode(model).finish());
    checkAbort();
    fs.writeFileSync(path.join(tmp, TOKENIZER_FILE), tokenizer.json);

    progress(0.93, 'hashing files');
    for (const f of [MODEL_FILE, ...(external ? [DATA_FILE] : []), TOKENIZER_FILE]) manifest.files[f] = await hashFile(path.join(tmp, f), opts.signal);
    writeFileSynced(path.join(tmp, MANIFEST_FILE), Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));

    const session = opts.verifySession ?? store.totalBytes < 2 * 1024 ** 3;
    progress(0.96, session ? 'verifying (re-reading files, loading the model in onnxruntime)' : 'verifying (re-reading files)');
    await verifyPackage(tmp, manifest, { session, signal: opts.signal });
    checkAbort();
    commitDir(tmp, outDir);
    tmp = undefined;
    progress(1, `wrote ${outDir}`);
    return manifest;
  } finally {
    ck.close();
    store?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** outDir may be new, empty, or an earlier package (replaced whole); never a folder holding anything else. */
function checkReplaceable(outDir: string): void {
  if (!fs.existsSync(outDir)) return;
  if (!fs.statSync(outDir).isDirectory()) throw new ConvertError(`${outDir} exists and is not a folder`);
  const entries = fs.readdirSync(outDir);
  if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
    throw new ConvertError(`${outDir} exists and is not a model package (no ${MANIFEST_FILE}); refusing to replace it`);
  }
}

function readPartial(dir: string): PartialManifest | undefined {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConvertError(`${MANIFEST_FILE} in the checkpoint folder is not valid JSON: ${(e as Error).message}`);
  }
}

function writeFileSynced(file: string, data: Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    let done = 0;
    while (done < data.byteLength) done += fs.writeSync(fd, data, done, data.byteLength - done);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
