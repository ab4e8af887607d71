/**
 * The Llama decoder as an ONNX graph, matching scripts/diffcoder/model.py: RMSNorm, rotate-half RoPE
 * computed from position_ids, grouped-query attention with an additive mask and a KV cache, SwiGLU,
 * untied or tied output layer, no logit shift. Inputs and outputs are exactly the package contract
 * (src/engine/package/manifest.ts), plus the optional `logits_keep` input.
 */
import type { Architecture } from '../../engine/package/manifest';
import { EMBED, FINAL_NORM, layerTensorNames, LM_HEAD } from '../checkpoint/checkpoint';
import { Graph } from '../onnx/graph';
import { attr, DataType, MS_DOMAIN } from '../onnx/proto';
import type { WeightStore } from '../onnx/weight-store';
import { emitEmbedding, emitLinear, emitVector, type EmitContext, type Int4Settings, type SlabHook, type WeightFormat, type WeightJob } from './weights';

/** Graph choices measured against each other (src/convert/bench); defaults are the measured best. */
export interface GraphVariant {
  /** One q|k|v projection instead of three (one activation quantization for int8). */
  fuseQkv: boolean;
  /** One gate|up projection instead of two. */
  fuseGateUp: boolean;
  /**
   * 'onnx': MatMul/Softmax with query heads grouped per KV head (K/V broadcast, not copied);
   * 'onnx-expand': the same with K/V expanded to every head; 'mha': com.microsoft.MultiHeadAttention (K/V expanded).
   */
  attention: 'onnx' | 'onnx-expand' | 'mha';
  /** 'onnx': Pow/ReduceMean/Sqrt/Div (onnxruntime fuses it); 'contrib': SimplifiedLayerNormalization + SkipSimplifiedLayerNormalization. */
  norm: 'onnx' | 'contrib';
  /** 'onnx': Split/Concat/Mul/Add; 'contrib': com.microsoft.RotaryEmbedding fed this pass's cos/sin rows. */
  rope: 'onnx' | 'contrib';
  /** Add the optional `logits_keep` input (compute logits only for the last N positions). */
  logitsKeep: boolean;
  /**
   * int8 projections: 'dynamic': com.microsoft.DynamicQuantizeMatMul, one activation scale per pass (every
   * row's result depends on the others; packages converted before this choice existed are 'dynamic');
   * 'nbits': com.microsoft.MatMulNBits with 8-bit weight blocks and activations quantized row by row, so a
   * row's result is the same in any pass, closer to float, with kernels on CUDA and WebGPU too, but slower
   * on a CPU (src/convert/README.md has the measurements).
   */
  int8: 'nbits' | 'dynamic';
}

export const DEFAULT_VARIANT: GraphVariant = {
  fuseQkv: true,
  fuseGateUp: true,
  attention: 'onnx',
  norm: 'onnx',
  rope: 'onnx',
  logitsKeep: true,
  int8: 'dynamic',
};

export interface LlamaGraphOptions {
  /** Format of the projection matrices. */
  weights: WeightFormat;
  /** Format of the token embedding table. */
  embeddings: WeightFormat;
  /** Format of the output layer. */
  head: WeightFormat;
  int4: Int4Settings;
  variant: GraphVariant;
  slabBytes: number;
  onSlab?: SlabHook;
}

export const INPUT_IDS = 'input_ids';
export const POSITION_IDS = 'position_ids';
export const ATTENTION_MASK = 'attention_mask';
export const LOGITS = 'logits';
export const LOGITS_KEEP = 'logits_keep';
export const pastKey = (i: number) => `past_key_values.${i}.key`;
export const pastValue = (i: number) => `past_key_values.${i}.value`;
export const presentKey = (i: number) => `present.${i}.key`;
export const presentValue = (i: number) => `present.${i}.value`;

/** RoPE inverse frequencies as torch computes them in float32 (model.py rope_cos_sin). */
export function ropeInvFreq(headDim: number, theta: number): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(headDim / 2);
  for (let i = 0; i < headDim / 2; i++) out[i] = f(1 / f(Math.pow(f(theta), f((2 * i) / headDim))));
  return out;
}

export function buildLlamaGraph(a: Architecture, store: WeightStore, o: LlamaGraphOptions): { graph: Graph; jobs: WeightJob[] } {
  const g = new Graph();
  const jobs: WeightJob[] = [];
  const ctx: EmitContext = { g, store, jobs, int4: o.int4, int8: o.variant.int8, slabBytes: o.slabBytes, onSlab: o.onSlab };
  const v = o.variant;
  const H = a.hiddenSize;
  const hd = a.headDim;
  const nH = a.numHeads;
  const nKv = a.numKvHeads;
  const rep = nH / nKv;
  const I = a.intermediateSize;

  const ids = g.input(INPUT_IDS, DataType.INT64, [1, 'sequence']);
  const pos = g.input(POSITION_IDS, DataType.INT64, [1, 'sequence']);
  const mask = g.input(ATTENTION_MASK, DataType.FLOAT, [1, 1, 'sequence', 'total_sequence']);
  for (let i = 0; i < a.numLayers; i++) {
    g.input(pastKey(i), DataType.FLOAT, [1, nKv, 'past_sequence', hd]);
    g.input(pastValue(i), DataType.FLOAT, [1, nKv, 'past_sequence', hd]);
  }

  const embed = emitEmbedding(ctx, ids, EMBED, a.vocabSize, H, o.embeddings);
  let x = embed.output;

  // cos/sin [1,T,1,hd] shared by every layer; the sign of rotate-half is folded into sin.
  const posF = g.op1('Cast', [pos], { name: 'rope', attrs: { to: attr.int(DataType.FLOAT) } });
  const pos3 = g.op1('Unsqueeze', [posF, g.int64s([2])], { name: 'rope' });
  const freqs = g.op1('Mul', [pos3, g.floats(ropeInvFreq(hd, a.ropeTheta), [hd / 2], 'rope.inv_freq')], { name: 'rope.freqs' });
  const cosH = g.op1('Cos', [freqs], { name: 'rope' });
  const sinH = g.op1('Sin', [freqs], { name: 'rope' });
  const cos = g.op1('Unsqueeze', [g.op1('Concat', [cosH, cosH], { name: 'rope.cos', attrs: { axis: attr.int(-1) } }), g.int64s([2])], { name: 'rope.cos' });
  const sinSigned = g.op1(
    'Unsqueeze',
    [g.op1('Concat', [g.op1('Neg', [sinH], { name: 'rope.sin' }), sinH], { name: 'rope.sin', attrs: { axis: attr.int(-1) } }), g.int64s([2])],
    { name: 'rope.sin' },
  );
  const half = hd / 2;
  // contrib RotaryEmbedding: its cos/sin "cache" holds just this pass's rows, indexed 0..T-1.
  let ropeTables: { cos: string; sin: string; index: string } | undefined;
  if (v.rope === 'contrib') {
    const T = g.op1('Slice', [g.op1('Shape', [ids], { name: 'rope' }), g.int64s([1]), g.int64s([2])], { name: 'rope.T' });
    const index = g.op1('Unsqueeze', [g.op1('Range', [g.int64s([0], true), g.op1('Squeeze', [T, g.int64s([0])], { name: 'rope.T' }), g.int64s([1], true)], { name: 'rope.index' }), g.int64s([0])], { name: 'rope.index' });
    const flat = (t: string) => g.op1('Reshape', [t, g.int64s([-1, half])], { name: 'rope.table' });
    ropeTables = { cos: flat(cosH), sin: flat(sinH), index };
  }
  const ropeContrib = (t3: string, heads: number, name: string): string =>
    g.op1('RotaryEmbedding', [t3, ropeTables!.index, ropeTables!.cos, ropeTables!.sin], { name, domain: MS_DOMAIN, attrs: { num_heads: attr.int(heads), interleaved: attr.int(0) } });
  const rope = (t: string, name: string): string => {
    // t [1,T,heads,hd] -> t*cos + concat(t2, t1)*sinSigned
    const [t1, t2] = g.op('Split', [t, g.int64s([half, half])], { name, outputs: 2, attrs: { axis: attr.int(3) } });
    const swapped = g.op1('Concat', [t2, t1], { name, attrs: { axis: attr.int(3) } });
    return g.op1('Add', [g.op1('Mul', [t, cos], { name }), g.op1('Mul', [swapped, sinSigned], { name })], { name });
  };

  const epsName = g.floats([a.rmsNormEps], [], 'rms_norm_eps');
  const two = g.floats([2], [], 'const_two');
  const rmsNorm = (xin: string, weight: string, name: string): string => {
    if (v.norm === 'contrib') {
      return g.op1('SimplifiedLayerNormalization', [xin, weight], { name, attrs: { axis: attr.int(-1), epsilon: attr.float(a.rmsNormEps) } });
    }
    // The exact pattern onnxruntime's SimplifiedLayerNormFusion recognises.
    const p = g.op1('Pow', [xin, two], { name });
    const m = g.op1('ReduceMean', [p], { name, attrs: { axes: attr.ints([-1]), keepdims: attr.int(1) } });
    const s = g.op1('Sqrt', [g.op1('Add', [m, epsName], { name })], { name });
    return g.op1('Mul', [weight, g.op1('Div', [xin, s], { name })], { name });
  };
  /** residual + delta, then RMSNorm of the sum; returns [normed, sum]. */
  const addNorm = (residual: string, delta: string, weight: string, name: string): [string, string] => {
    if (v.norm === 'contrib') {
      const [normed, , , sum] = g.op('SkipSimplifiedLayerNormalization', [residual, delta, weight], {
        name,
        domain: MS_DOMAIN,
        outputs: [g.fresh(`${name}/out`), '', '', g.fresh(`${name}/sum`)],
        attrs: { epsilon: attr.float(a.rmsNormEps) },
      });
      return [normed, sum];
    }
    const sum = g.op1('Add', [residual, delta], { name: `${name}.residual` });
    return [rmsNorm(sum, weight, name), sum];
  };

  const scale = g.floats([1 / Math.sqrt(hd)], [], 'attn_scale');
  const headsShape = (n: number) => g.int64s([0, 0, n, hd]);

  let pendingDelta: string | undefined; // the previous sublayer's output, added lazily so it can fuse with the next norm
  for (let i = 0; i < a.numLayers; i++) {
    const n = layerTensorNames(i);
    const L = `layers.${i}`;
    const inW = emitVector(ctx, `${L}.input_layernorm.weight`, n.inputNorm, H);
    let h: string;
    if (pendingDelta) [h, x] = addNorm(x, pendingDelta, inW, `${L}.input_layernorm`);
    else h = rmsNorm(x, inW, `${L}.input_layernorm`);

    let q: string, k: string, vv: string;
    if (v.fuseQkv) {
      const qkv = emitLinear(ctx, h, `${L}.attn.qkv_proj`, [n.q, n.k, n.v], H, [nH * hd, nKv * hd, nKv * hd], o.weights);
      [q, k, vv] = g.op('Split', [qkv, g.int64s([nH * hd, nKv * hd, nKv * hd])], { name: `${L}.attn.qkv`, outputs: 3, attrs: { axis: attr.int(2) } });
    } else {
      q = emitLinear(ctx, h, `${L}.attn.q_proj`, [n.q], H, [nH * hd], o.weights);
      k = emitLinear(ctx, h, `${L}.attn.k_proj`, [n.k], H, [nKv * hd], o.weights);
      vv = emitLinear(ctx, h, `${L}.attn.v_proj`, [n.v], H, [nKv * hd], o.weights);
    }
    const q4 = ropeTables
      ? g.op1('Reshape', [ropeContrib(q, nH, `${L}.attn.q_rope`), headsShape(nH)], { name: `${L}.attn.q` })
      : rope(g.op1('Reshape', [q, headsShape(nH)], { name: `${L}.attn.q` }), `${L}.attn.q_rope`); // [1,T,nH,hd]
    const k4 = ropeTables
      ? g.op1('Reshape', [ropeContrib(k, nKv, `${L}.attn.k_rope`), headsShape(nKv)], { name: `${L}.attn.k` })
      : rope(g.op1('Reshape', [k, headsShape(nKv)], { name: `${L}.attn.k` }), `${L}.attn.k_rope`);
    const v4 = g.op1('Reshape', [vv, headsShape(nKv)], { name: `${L}.attn.v` });
    const perm = { perm: attr.ints([0, 2, 1, 3]) };
    const kT = g.op1('Transpose', [k4], { name: `${L}.attn.k`, attrs: perm }); // [1,nKv,T,hd]
    const vT = g.op1('Transpose', [v4], { name: `${L}.attn.v`, attrs: perm });
    const presentK = g.op1('Concat', [pastKey(i), kT], { name: `${L}.attn.present_k`, output: presentKey(i), attrs: { axis: attr.int(2) } });
    const presentV = g.op1('Concat', [pastValue(i), vT], { name: `${L}.attn.present_v`, output: presentValue(i), attrs: { axis: attr.int(2) } });

    let ctxOut: string; // [1,T,nH*hd]
    // K/V for every query head (BNSH) from the shared KV heads.
    const expand = (t: string, nm: string) =>
      rep === 1
        ? t
        : g.op1(
            'Reshape',
            [g.op1('Expand', [g.op1('Unsqueeze', [t, g.int64s([2])], { name: nm }), g.op1('Concat', [g.int64s([1, nKv, rep]), g.op1('Slice', [g.op1('Shape', [t], { name: nm }), g.int64s([2]), g.int64s([4])], { name: nm })], { name: nm, attrs: { axis: attr.int(0) } })], { name: nm }), g.int64s([1, nH, -1, hd])],
            { name: nm },
          );
    if (v.attention === 'mha') {
      const qFlat = g.op1('Reshape', [q4, g.int64s([0, 0, nH * hd])], { name: `${L}.attn.q` });
      ctxOut = g.op1('MultiHeadAttention', [qFlat, expand(presentK, `${L}.attn.k_all`), expand(presentV, `${L}.attn.v_all`), '', '', mask], {
        name: `${L}.attn.mha`,
        domain: MS_DOMAIN,
        attrs: { num_heads: attr.int(nH) },
      });
    } else {
      const qT = g.op1('Transpose', [g.op1('Mul', [q4, scale], { name: `${L}.attn.q_scale` })], { name: `${L}.attn.q`, attrs: perm }); // [1,nH,T,hd]
      let vAll: string, kAll: string, qG: string;
      if (rep === 1 || v.attention === 'onnx-expand') {
        qG = qT;
        kAll = expand(presentK, `${L}.attn.k_all`);
        vAll = expand(presentV, `${L}.attn.v_all`);
      } else {
        // Group query heads by their KV head: [1,nKv,rep,T,hd] against K/V [1,nKv,1,S,hd] (broadcast, no copies).
        qG = g.op1('Reshape', [qT, g.int64s([1, nKv, rep, -1, hd])], { name: `${L}.attn.q_groups` });
        kAll = g.op1('Unsqueeze', [presentK, g.int64s([2])], { name: `${L}.attn.k_groups` });
        vAll = g.op1('Unsqueeze', [presentV, g.int64s([2])], { name: `${L}.attn.v_groups` });
      }
      const grouped = rep > 1 && v.attention !== 'onnx-expand';
      const kTr = g.op1('Transpose', [kAll], { name: `${L}.attn.kT`, attrs: { perm: attr.ints(grouped ? [0, 1, 2, 4, 3] : [0, 1, 3, 2]) } });
      const scores = g.op1('Add', [g.op1('MatMul', [qG, kTr], { name: `${L}.attn.scores` }), mask], { name: `${L}.attn.masked` });
      const probs = g.op1('Softmax', [scores], { name: `${L}.attn.probs`, attrs: { axis: attr.int(-1) } });
      const o4 = g.op1('MatMul', [probs, vAll], { name: `${L}.attn.context` }); // [1,nKv,rep,T,hd] or [1,nH,T,hd]
      const oHeads = !grouped ? o4 : g.op1('Reshape', [o4, g.int64s([1, nH, -1, hd])], { name: `${L}.attn.context` });
      const oT = g.op1('Transpose', [oHeads], { name: `${L}.attn.context`, attrs: perm }); // [1,T,nH,hd]
      ctxOut = g.op1('Reshape', [oT, g.int64s([0, 0, nH * hd])], { name: `${L}.attn.context` });
    }
    const attnOut = emitLinear(ctx, ctxOut, `${L}.attn.o_proj`, [n.o], nH * hd, [H], o.weights);

    const postW = emitVector(ctx, `${L}.post_attention_layernorm.weight`, n.postNorm, H);
    let h2: string;
    [h2, x] = addNorm(x, attnOut, postW, `${L}.post_attention_layernorm`);
    let gate: string, up: string;
    if (v.fuseGateUp) {
      const gu = emitLinear(ctx, h2, `${L}.mlp.gate_up_proj`, [n.gate, n.up], H, [I, I], o.weights);
      [gate, up] = g.op('Split', [gu, g.int64s([I, I])], { name: `${L}.mlp.gate_up`, outputs: 2, attrs: { axis: attr.int(2) } });
    } else {
      gate = emitLinear(ctx, h2, `${L}.mlp.gate_proj`, [n.gate], H, [I], o.weights);
      up = emitLinear(ctx, h2, `${L}.mlp.up_proj`, [n.up], H, [I], o.weights);
    }
    const act = g.op1('Mul', [g.op1('Mul', [gate, g.op1('Sigmoid', [gate], { name: `${L}.mlp.silu` })], { name: `${L}.mlp.silu` }), up], { name: `${L}.mlp.act` });
    pendingDelta = emitLinear(ctx, act, `${L}.mlp.down_proj`, [n.down], I, [H], o.weights);
  }

  const normW = emitVector(ctx, 'norm.weight', FINAL_NORM, H);
  let hidden = pendingDelta ? addNorm(x, pendingDelta, normW, 'norm')[0] : rmsNorm(x, normW, 'norm');

  let logitsDim: string = 'sequence';
  if (v.logitsKeep) {
    // A plain input, not an initializer with a default: onnxruntime-node only feeds the inputs it lists,
    // and it does not list those. 0 = every position, N = only the last N (the engine feeds it when listed).
    const keep = g.input(LOGITS_KEEP, DataType.INT64, [1]);
    const T = g.op1('Slice', [g.op1('Shape', [hidden], { name: 'logits_keep' }), g.int64s([1]), g.int64s([2])], { name: 'logits_keep.T' });
    // start = keep > 0 ? max(T - keep, 0) : 0
    const any = g.op1('Min', [keep, g.int64s([1])], { name: 'logits_keep.any' });
    const start = g.op1('Mul', [g.op1('Max', [g.op1('Sub', [T, keep], { name: 'logits_keep' }), g.int64s([0])], { name: 'logits_keep' }), any], { name: 'logits_keep.start' });
    hidden = g.op1('Slice', [hidden, start, g.int64s([Number.MAX_SAFE_INTEGER]), g.int64s([1])], { name: 'logits_keep.hidden' });
    logitsDim = 'logits_sequence';
  }

  if (a.tieEmbeddings && embed.sharedTable && o.head === o.embeddings) {
    // Tied float head: Gemm(transB) reads the embedding table in place, so no transposed copy exists.
    const table = o.head === 'fp16' ? g.op1('Cast', [embed.sharedTable], { name: 'lm_head.weight', attrs: { to: attr.int(DataType.FLOAT) } }) : embed.sharedTable;
    const flat = g.op1('Reshape', [hidden, g.int64s([-1, H])], { name: 'lm_head' });
    const y = g.op1('Gemm', [flat, table], { name: 'lm_head', attrs: { transB: attr.int(1) } });
    g.op1('Reshape', [y, g.int64s([1, -1, a.vocabSize])], { name: 'lm_head', output: LOGITS });
  } else {
    const src = a.tieEmbeddings ? EMBED : LM_HEAD;
    emitLinear(ctx, hidden, 'lm_head', [src], H, [a.vocabSize], o.head, LOGITS);
  }

  g.output(LOGITS, DataType.FLOAT, [1, logitsDim, a.vocabSize]);
  for (let i = 0; i < a.numLayers; i++) {
    g.output(presentKey(i), DataType.FLOAT, [1, nKv, 'total_sequence', hd]);
    g.output(presentValue(i), DataType.FLOAT, [1, nKv, 'total_sequence', hd]);
  }
  return { graph: g, jobs };
}
