/**
 * Checks model.onnx's inputs and outputs (names, element types, shapes, as the InferenceSession reports
 * them) against the contract in manifest.ts and the manifest's architecture numbers.
 */
import type { Architecture } from './manifest';
import type { Problems } from './problems';

/** What onnxruntime reports per input/output (InferenceSession.inputMetadata). */
export interface ValueInfo {
  name: string;
  isTensor: boolean;
  type?: string;
  /** Numbers are fixed sizes, strings symbolic ones; [] when the model does not say. */
  shape?: readonly (number | string)[];
}

/** One expected value: its element type and shape (numbers must match; null: any size). */
interface Want {
  type: string;
  shape: (number | null)[];
  /** An input the engine feeds when the graph has it and the graph may lack. */
  optional?: boolean;
}

export function expectedInputs(a: Architecture): Map<string, Want> {
  const m = new Map<string, Want>([
    ['input_ids', { type: 'int64', shape: [1, null] }],
    ['position_ids', { type: 'int64', shape: [1, null] }],
    ['attention_mask', { type: 'float32', shape: [1, 1, null, null] }],
    // The converter's optional input: logits for the last N positions only (0 = all). onnxruntime lists
    // it only when it has no default.
    ['logits_keep', { type: 'int64', shape: [1], optional: true }],
  ]);
  for (let i = 0; i < a.numLayers; i++) {
    for (const kv of ['key', 'value']) m.set(`past_key_values.${i}.${kv}`, { type: 'float32', shape: [1, a.numKvHeads, null, a.headDim] });
  }
  return m;
}

export function expectedOutputs(a: Architecture): Map<string, Want> {
  const m = new Map<string, Want>([['logits', { type: 'float32', shape: [1, null, a.vocabSize] }]]);
  for (let i = 0; i < a.numLayers; i++) {
    for (const kv of ['key', 'value']) m.set(`present.${i}.${kv}`, { type: 'float32', shape: [1, a.numKvHeads, null, a.headDim] });
  }
  return m;
}

const fmt = (s: readonly (number | string | null)[]) => `[${s.map((d) => (d === null ? '?' : d)).join(',')}]`;

function compare(kind: 'graph-inputs' | 'graph-outputs', actual: readonly ValueInfo[], want: Map<string, Want>, p: Problems): void {
  const side = kind === 'graph-inputs' ? 'input' : 'output';
  const have = new Map(actual.map((v) => [v.name, v]));
  const missing = [...want.keys()].filter((n) => !have.has(n) && !want.get(n)!.optional);
  if (missing.length) {
    const list = missing.length > 6 ? `${missing.slice(0, 6).join(', ')} and ${missing.length - 6} more` : missing.join(', ');
    p.add(kind, 'model.onnx', `has no ${side} ${list} (it has: ${actual.map((v) => v.name).join(', ')})`);
  }
  if (kind === 'graph-inputs') {
    // An input the engine does not know would have to be fed: the graph cannot run.
    const extra = actual.filter((v) => !want.has(v.name)).map((v) => v.name);
    if (extra.length) p.add(kind, 'model.onnx', `has inputs the engine does not feed: ${extra.join(', ')}`);
  }
  for (const [name, w] of want) {
    const v = have.get(name);
    if (!v) continue;
    if (!v.isTensor || v.type !== w.type) {
      p.add(kind, `model.onnx ${side} ${name}`, `must be a ${w.type} tensor (is ${v.isTensor ? v.type : 'not a tensor'})`);
      continue;
    }
    const shape = v.shape ?? [];
    if (shape.length === 0) continue; // the graph does not say
    const ok = shape.length === w.shape.length && w.shape.every((d, i) => d === null || typeof shape[i] !== 'number' || shape[i] === d);
    if (!ok) p.add(kind, `model.onnx ${side} ${name}`, `has shape ${fmt(shape)}, the architecture needs ${fmt(w.shape)}`);
  }
}

export function validateGraph(inputs: readonly ValueInfo[], outputs: readonly ValueInfo[], a: Architecture, p: Problems): void {
  compare('graph-inputs', inputs, expectedInputs(a), p);
  compare('graph-outputs', outputs, expectedOutputs(a), p);
}
