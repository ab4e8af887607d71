/**
 * A minimal ONNX graph builder: nodes with generated unique names, small constant initializers
 * (deduplicated), graph inputs/outputs. Large weights are registered by the WeightStore instead.
 */
import { attributeProto, attr, bytesOf, DataType, inlineTensor, MS_DOMAIN, onnx, valueInfo, type AttrValue, type DataTypeId, type Dim } from './proto';

export interface OpOptions {
  attrs?: Record<string, AttrValue>;
  domain?: string;
  /** Output names, or a count of generated names (default 1). */
  outputs?: string[] | number;
  /** A readable stem for generated names, e.g. "layers.3.attn.q". */
  name?: string;
}

export class Graph {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  readonly inputs: onnx.IValueInfoProto[] = [];
  readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly constCache = new Map<string, string>();
  private readonly domains = new Set<string>();

  /** Adds a node; returns its output names ('' keeps an optional input empty). */
  op(opType: string, inputs: string[], o: OpOptions = {}): string[] {
    const stem = o.name ?? opType;
    const outNames =
      typeof o.outputs === 'object' ? o.outputs : Array.from({ length: o.outputs ?? 1 }, (_, i) => this.fresh(`${stem}/${opType}_out${i}`));
    for (const n of outNames) if (n) this.used.add(n);
    const node: onnx.INodeProto = {
      name: this.fresh(`${stem}/${opType}`),
      opType,
      input: inputs,
      output: outNames,
      attribute: Object.entries(o.attrs ?? {}).map(([k, v]) => attributeProto(k, v)),
    };
    if (o.domain) {
      node.domain = o.domain;
      this.domains.add(o.domain);
    }
    this.nodes.push(node);
    return outNames;
  }

  /** Single-output op. */
  op1(opType: string, inputs: string[], o: Omit<OpOptions, 'outputs'> & { output?: string } = {}): string {
    return this.op(opType, inputs, { ...o, outputs: o.output ? [o.output] : 1 })[0];
  }

  fresh(stem: string): string {
    let name = stem;
    for (let i = 1; this.used.has(name); i++) name = `${stem}_${i}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`graph name ${name} used twice`);
    this.used.add(name);
    return name;
  }

  addInitializer(t: onnx.ITensorProto): string {
    this.reserve(t.name!);
    this.initializers.push(t);
    return t.name!;
  }

  input(name: string, elemType: DataTypeId, dims: Dim[]): string {
    this.reserve(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: DataTypeId, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** int64 constant initializer (shape [] for a scalar when `scalar`). */
  int64s(values: number[], scalar = false): string {
    const key = `i64:${scalar ? 's' : ''}${values.join(',')}`;
    return this.cached(key, () => inlineTensor(this.fresh(`const_i64_${values.join('_').replace(/-/g, 'm')}`), DataType.INT64, scalar ? [] : [values.length], bytesOf(BigInt64Array.from(values.map(BigInt)))));
  }

  /** float32 constant; a scalar unless dims is given. */
  floats(values: ArrayLike<number>, dims: number[] = [], stem = 'const_f32'): string {
    const arr = Float32Array.from(values as ArrayLike<number>);
    const key = `f32:${dims.join('x')}:${Buffer.from(arr.buffer).toString('base64')}`;
    return this.cached(key, () => inlineTensor(this.fresh(stem), DataType.FLOAT, dims, bytesOf(arr)));
  }

  private cached(key: string, make: () => onnx.ITensorProto): string {
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const t = make();
    this.initializers.push(t);
    this.constCache.set(key, t.name!);
    return t.name!;
  }

  opsetImports(): onnx.IOperatorSetIdProto[] {
    const out: onnx.IOperatorSetIdProto[] = [{ domain: '', version: 17 }];
    if (this.domains.has(MS_DOMAIN)) out.push({ domain: MS_DOMAIN, version: 1 });
    return out;
  }
}

export { attr };
