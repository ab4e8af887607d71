/**
 * How each weight matrix becomes graph nodes plus the bytes behind them. Each emit* function adds the
 * nodes, lays out the weight's regions in the WeightStore, and queues a job that later streams the
 * source tensor(s) through in row slabs, so the converter's memory stays at a slab, not a model.
 *
 * HF stores projections as [out, in]; ONNX MatMul-style ops want [in, out] (fp32, fp16, 'dynamic' int8),
 * which the jobs write column-slab by column-slab. MatMulNBits keeps [out, ...] rows, so int4 and int8
 * stream straight.
 */
import type { Checkpoint } from '../checkpoint/checkpoint';
import { Graph } from '../onnx/graph';
import { attr, bytesOf, DataType, MS_DOMAIN } from '../onnx/proto';
import type { Region, WeightStore } from '../onnx/weight-store';
import { INT8_BLOCK, int8Blocks, quantizeBlocksInt8, quantizeRowsInt8 } from '../quantize/int8';
import { int4Blocks, quantizeRowsInt4 } from '../quantize/int4';
import { toHalf } from '../quantize/fp16';

export type WeightFormat = 'fp32' | 'fp16' | 'int8' | 'int4';

export interface Int4Settings {
  blockSize: number;
  /** MatMulNBits accuracy_level: 0 = compute in float, 4 = quantize activations to int8 blocks (faster on CPU). */
  accuracyLevel: number;
  /** Zero point fixed at 8 (no zero_points tensor) instead of one per block. */
  symmetric?: boolean;
}

export interface WeightJob {
  label: string;
  /** Checkpoint tensors it reads (progress is counted in their bytes). */
  sources: string[];
  run(ck: Checkpoint, store: WeightStore): Promise<void>;
}

/** Called after every slab read (progress, cancellation, letting the event loop run). */
export type SlabHook = (sourceBytes: number) => Promise<void>;

export interface EmitContext {
  g: Graph;
  store: WeightStore;
  jobs: WeightJob[];
  int4: Int4Settings;
  /** How int8 projections run (GraphVariant.int8). */
  int8: 'nbits' | 'dynamic';
  /** Upper bound on one float32 slab read from the checkpoint. */
  slabBytes: number;
  onSlab?: SlabHook;
}

type SlabFnWithSource = (w: Float32Array, row0: number, rows: number, source: number) => void;

/** Reads rows of each source (viewed as [rows, K]) in slabs of at most ctx.slabBytes of float32. */
async function forEachSlab(ctx: EmitContext, ck: Checkpoint, sources: string[], fn: (w: Float32Array, row0: number, rows: number, source: number) => void): Promise<void> {
  for (let s = 0; s < sources.length; s++) {
    const { file, info } = ck.tensor(sources[s]);
    const rows = info.shape[0];
    const K = info.shape.slice(1).reduce((a, b) => a * b, 1);
    const per = Math.max(1, Math.floor(ctx.slabBytes / (K * 4)));
    let buf: Float32Array | undefined;
    for (let r0 = 0; r0 < rows; r0 += per) {
      const n = Math.min(per, rows - r0);
      buf = file.readRows(info, r0, n, buf);
      fn(buf.subarray(0, n * K), r0, n, s);
      await ctx.onSlab?.((info.bytes * n) / rows);
    }
  }
}

type Elements = Float32Array | Uint16Array | Int8Array;

/**
 * Writes a [rows, K] slab as columns [col0, col0+rows) of a region laid out [K, N]: one transpose in
 * memory, then one positional write per k (or one write when the slab is the whole matrix).
 */
function writeTransposed(store: WeightStore, r: Region, N: number, col0: number, slab: Elements, rows: number, K: number): void {
  const t = new (slab.constructor as new (n: number) => Elements)(rows * K);
  for (let row = 0; row < rows; row++) {
    const s = row * K;
    for (let k = 0; k < K; k++) t[k * rows + row] = slab[s + k];
  }
  if (rows === N) {
    store.write(r, 0, bytesOf(t));
    return;
  }
  const bytes = t.BYTES_PER_ELEMENT;
  for (let k = 0; k < K; k++) store.write(r, (k * N + col0) * bytes, bytesOf(t.subarray(k * rows, (k + 1) * rows)));
}

/**
 * y = x @ concat(sources)^T, where each source is an HF [n_i, K] matrix; the outputs of a fused
 * projection (q|k|v, gate|up) come out side by side along the last axis.
 */
export function emitLinear(ctx: EmitContext, x: string, name: string, sources: string[], K: number, Ns: number[], format: WeightFormat, output?: string): string {
  const { g, store, jobs } = ctx;
  const N = Ns.reduce((a, b) => a + b, 0);
  const colStarts = Ns.map((_, i) => Ns.slice(0, i).reduce((a, b) => a + b, 0));
  const label = `${name} [${K}x${N}] ${format}`;
  const job = (fn: (st: WeightStore) => SlabFnWithSource): void => {
    jobs.push({ label, sources, run: (ck, st) => forEachSlab(ctx, ck, sources, fn(st)) });
  };
  switch (format) {
    case 'fp32': {
      const W = store.allocate(g.reserve(`${name}.weight`), DataType.FLOAT, [K, N]);
      job((st) => (w, r0, rows, i) => writeTransposed(st, W, N, colStarts[i] + r0, w, rows, K));
      return g.op1('MatMul', [x, W.name], { name, output });
    }
    case 'fp16': {
      const W = store.allocate(g.reserve(`${name}.weight_fp16`), DataType.FLOAT16, [K, N]);
      job((st) => (w, r0, rows, i) => writeTransposed(st, W, N, colStarts[i] + r0, toHalf(w), rows, K));
      // onnxruntime folds this Cast into a float32 initializer when the session loads.
      const w32 = g.op1('Cast', [W.name], { name: `${name}.weight`, attrs: { to: attr.int(DataType.FLOAT) } });
      return g.op1('MatMul', [x, w32], { name, output });
    }
    case 'int8': {
      if (ctx.int8 === 'nbits') {
        const nb = int8Blocks(K);
        const B = store.allocate(g.reserve(`${name}.weight_q8`), DataType.UINT8, [N, nb, INT8_BLOCK]);
        const S = store.allocate(g.reserve(`${name}.weight_scales`), DataType.FLOAT, [N, nb]);
        job((st) => (w, r0, rows, i) => {
          const q = quantizeBlocksInt8(w, rows, K);
          const row = colStarts[i] + r0;
          st.write(B, row * nb * INT8_BLOCK, q.q);
          st.write(S, row * nb * 4, bytesOf(q.scales));
        });
        // No zero_points: 8-bit MatMulNBits then takes 128, the symmetric code's zero.
        return g.op1('MatMulNBits', [x, B.name, S.name], {
          name,
          output,
          domain: MS_DOMAIN,
          attrs: { K: attr.int(K), N: attr.int(N), bits: attr.int(8), block_size: attr.int(INT8_BLOCK), accuracy_level: attr.int(4) },
        });
      }
      const B = store.allocate(g.reserve(`${name}.weight_int8`), DataType.INT8, [K, N]);
      const S = store.allocate(g.reserve(`${name}.weight_scale`), DataType.FLOAT, [N]);
      job((st) => (w, r0, rows, i) => {
        const q = quantizeRowsInt8(w, rows, K);
        writeTransposed(st, B, N, colStarts[i] + r0, q.q, rows, K);
        st.write(S, (colStarts[i] + r0) * 4, bytesOf(q.scales));
      });
      return g.op1('DynamicQuantizeMatMul', [x, B.name, S.name], { name, output, domain: MS_DOMAIN });
    }
    case 'int4': {
      const bs = ctx.int4.blockSize;
      const nb = int4Blocks(K, bs);
      const zpb = Math.ceil(nb / 2);
      const B = store.allocate(g.reserve(`${name}.weight_q4`), DataType.UINT8, [N, nb, bs / 2]);
      const S = store.allocate(g.reserve(`${name}.weight_scales`), DataType.FLOAT, [N, nb]);
      const sym = !!ctx.int4.symmetric;
      const Z = sym ? undefined : store.allocate(g.reserve(`${name}.weight_zero_points`), DataType.UINT8, [N, zpb]);
      job((st) => (w, r0, rows, i) => {
        const q = quantizeRowsInt4(w, rows, K, bs, sym);
        const row = colStarts[i] + r0;
        st.write(B, row * nb * (bs / 2), q.packed);
        st.write(S, row * nb * 4, bytesOf(q.scales));
        if (Z) st.write(Z, row * zpb, q.zeroPoints);
      });
      return g.op1('MatMulNBits', [x, B.name, S.name, ...(Z ? [Z.name] : [])], {
        name,
        output,
        domain: MS_DOMAIN,
        attrs: { K: attr.int(K), N: attr.int(N), bits: attr.int(4), block_size: attr.int(bs), accuracy_level: attr.int(ctx.int4.accuracyLevel) },
      });
    }
  }
}

export interface EmbeddingTable {
  /** float32 [1,T,H] hidden states for the ids. */
  output: string;
  /** The float32 (or fp16) [V,H] table, when the head may share it (tied fp32/fp16). */
  sharedTable?: string;
}

/** Token embedding lookup from an HF [V, H] table. */
export function emitEmbedding(ctx: EmitContext, ids: string, source: string, V: number, H: number, format: WeightFormat): EmbeddingTable {
  const { g, store, jobs } = ctx;
  const name = 'embed_tokens';
  const label = `${name} [${V}x${H}] ${format}`;
  const job = (fn: (st: WeightStore) => SlabFnWithSource): void => {
    jobs.push({ label, sources: [source], run: (ck, st) => forEachSlab(ctx, ck, [source], fn(st)) });
  };
  switch (format) {
    case 'fp32': {
      const T = store.allocate(g.reserve(`${name}.weight`), DataType.FLOAT, [V, H]);
      job((st) => (w, r0) => st.write(T, r0 * H * 4, bytesOf(w)));
      return { output: g.op1('Gather', [T.name, ids], { name, attrs: { axis: attr.int(0) } }), sharedTable: T.name };
    }
    case 'fp16': {
      const T = store.allocate(g.reserve(`${name}.weight_fp16`), DataType.FLOAT16, [V, H]);
      job((st) => (w, r0) => st.write(T, r0 * H * 2, bytesOf(toHalf(w))));
      const rows = g.op1('Gather', [T.name, ids], { name, attrs: { axis: attr.int(0) } });
      return { output: g.op1('Cast', [rows], { name, attrs: { to: attr.int(DataType.FLOAT) } }), sharedTable: T.name };
    }
    case 'int8': {
      const T = store.allocate(g.reserve(`${name}.weight_int8`), DataType.INT8, [V, H]);
      const S = store.allocate(g.reserve(`${name}.weight_scale`), DataType.FLOAT, [V]);
      job((st) => (w, r0, rows) => {
        const q = quantizeRowsInt8(w, rows, H);
        st.write(T, r0 * H, bytesOf(q.q));
        st.write(S, r0 * 4, bytesOf(q.scales));
      });
      const q = g.op1('Gather', [T.name, ids], { name, attrs: { axis: attr.int(0) } });
      const s = g.op1('Gather', [S.name, ids], { name: `${name}.scale`, attrs: { axis: attr.int(0) } });
      const qf = g.op1('Cast', [q], { name, attrs: { to: attr.int(DataType.FLOAT) } });
      const s3 = g.op1('Unsqueeze', [s, g.int64s([-1])], { name: `${name}.scale` });
      return { output: g.op1('Mul', [qf, s3], { name }) };
    }
    case 'int4': {
      const bs = ctx.int4.blockSize;
      const nb = int4Blocks(H, bs);
      const zpb = Math.ceil(nb / 2);
      const T = store.allocate(g.reserve(`${name}.weight_q4`), DataType.UINT8, [V, nb * (bs / 2)]);
      const S = store.allocate(g.reserve(`${name}.weight_scales`), DataType.FLOAT, [V, nb]);
      const sym = !!ctx.int4.symmetric;
      const Z = sym ? undefined : store.allocate(g.reserve(`${name}.weight_zero_points`), DataType.UINT8, [V, zpb]);
      job((st) => (w, r0, rows) => {
        const q = quantizeRowsInt4(w, rows, H, bs, sym);
        st.write(T, r0 * nb * (bs / 2), q.packed);
        st.write(S, r0 * nb * 4, bytesOf(q.scales));
        if (Z) st.write(Z, r0 * zpb, q.zeroPoints);
      });
      return {
        output: g.op1('GatherBlockQuantized', [T.name, ids, S.name, ...(Z ? [Z.name] : [])], {
          name,
          domain: MS_DOMAIN,
          attrs: { gather_axis: attr.int(0), quantize_axis: attr.int(1), block_size: attr.int(bs), bits: attr.int(4) },
        }),
      };
    }
  }
}

/** A float32 vector (norm weights) copied as is. */
export function emitVector(ctx: EmitContext, name: string, source: string, n: number): string {
  const R = ctx.store.allocate(ctx.g.reserve(name), DataType.FLOAT, [n]);
  ctx.jobs.push({ label: name, sources: [source], run: (ck, st) => forEachSlab(ctx, ck, [source], (w) => st.write(R, 0, bytesOf(w))) });
  return R.name;
}
