/**
 * The sampler's BlockModel over an onnxruntime session of a model package's model.onnx.
 *
 * One forward = one session.run over consecutive positions with a block-causal additive mask against
 * the past K/V. Only the outputs a pass needs are fetched (an unfetched output is not copied out: a
 * 512-token prefill's logits are 32 MB at a 16k vocabulary). onnxruntime still computes the output
 * layer for every position, so when the graph takes the converter's `logits_keep` input, a pass asks for
 * the rows it needs, and a prefill for one row (measured on a tiny model, 512 tokens: 122 ms fetching
 * all logits, 40 ms fetching only presents, 17 ms with logits_keep=1). A long prompt is prefilled in
 * chunks of PREFILL_CHUNK positions by the sampler (src/engine/sampler.ts prefill): each pass attends to
 * the cache so far instead of computing the hidden upper triangle of a [T, P+T] mask.
 */
import * as ort from 'onnxruntime-node';
import type { Architecture } from '../package/manifest';
import type { BlockModel, ForwardRequest, ForwardResult, KvCache } from '../sampler';

/** Large finite negative for hidden positions (never -inf: NaN rows in half precision). */
export const MASK_NEG = -1e9;

/** Positions per prefill pass (see BlockModel.prefillChunk); measured in src/convert/bench/prefill-chunks.ts. */
export const PREFILL_CHUNK = 256;

/** K/V of positions [0, length) as onnxruntime tensors [1, kvHeads, length, headDim], per layer. */
export class OrtKvCache implements KvCache {
  constructor(
    readonly length: number,
    readonly keys: ort.Tensor[],
    readonly values: ort.Tensor[],
  ) {}

  truncate(n: number): OrtKvCache {
    if (n === this.length) return this;
    if (n > this.length) throw new Error(`cannot grow a KV cache by truncating (${this.length} -> ${n})`);
    return new OrtKvCache(n, this.keys.map((t) => slicePositions(t, n)), this.values.map((t) => slicePositions(t, n)));
  }
}

/** The first n positions of a [1, H, S, D] tensor (a copy: each head's rows are contiguous). */
export function slicePositions(t: ort.Tensor, n: number): ort.Tensor {
  const [, H, S, D] = t.dims;
  if (n === S) return t;
  const src = t.data as Float32Array;
  const out = new Float32Array(H * n * D);
  for (let h = 0; h < H; h++) out.set(src.subarray(h * S * D, h * S * D + n * D), h * n * D);
  return new ort.Tensor('float32', out, [1, H, n, D]);
}

/**
 * [1,1,T,P+T] additive mask: a query sees every key in its own block or an earlier one. With `runs`
 * (ForwardRequest.runs) the T rows are several sequences from `start` on; each sees the past and its own run only.
 */
export function blockCausalMask(start: number, T: number, blockSize: number, runs: readonly number[] = [T]): ort.Tensor {
  const K = start + T;
  const data = new Float32Array(T * K);
  if (runs.length === 1) {
    for (let q = 0; q < T; q++) {
      const lastVisible = (Math.floor((start + q) / blockSize) + 1) * blockSize; // exclusive
      if (lastVisible < K) data.fill(MASK_NEG, q * K + lastVisible, (q + 1) * K);
    }
    return new ort.Tensor('float32', data, [1, 1, T, K]);
  }
  data.fill(MASK_NEG);
  let from = 0; // the run's first row
  for (const n of runs) {
    for (let o = 0; o < n; o++) {
      const row = (from + o) * K;
      data.fill(0, row, row + start); // the past: every position before start is in the row's block or an earlier one
      const visible = Math.min(n, (Math.floor((start + o) / blockSize) + 1) * blockSize - start);
      data.fill(0, row + start + from, row + start + from + visible);
    }
    from += n;
  }
  return new ort.Tensor('float32', data, [1, 1, T, K]);
}

/** Absolute positions of the rows: consecutive from `start`, again from `start` for each run. */
export function rowPositions(start: number, T: number, runs: readonly number[] = [T]): number[] {
  return runs.flatMap((n) => Array.from({ length: n }, (_, i) => start + i));
}

const int64 = (xs: ArrayLike<number>, dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(Array.from(xs, (v) => BigInt(v))), dims);

export class OnnxBlockModel implements BlockModel {
  readonly vocabSize: number;
  private readonly presentNames: string[] = [];
  private readonly emptyPast: ort.Tensor;
  /** The graph lists the converter's `logits_keep` as an input (no default): feed it on every pass. */
  private readonly keepRequired: boolean;

  constructor(
    readonly session: ort.InferenceSession,
    private readonly arch: Architecture,
    /** 0: a prompt in one pass. */
    readonly prefillChunk: number = PREFILL_CHUNK,
    /** BlockModel.passScaledRows (from the package: providerNotes.ts passScaledRows). */
    readonly passScaledRows = false,
  ) {
    this.vocabSize = arch.vocabSize;
    for (let i = 0; i < arch.numLayers; i++) this.presentNames.push(`present.${i}.key`, `present.${i}.value`);
    this.emptyPast = new ort.Tensor('float32', new Float32Array(0), [1, arch.numKvHeads, 0, arch.headDim]);
    this.keepRequired = session.inputNames.includes('logits_keep');
  }

  async forward(req: ForwardRequest): Promise<ForwardResult> {
    const T = req.ids.length;
    const start = req.start;
    const past = req.past as OrtKvCache | null;
    if ((past?.length ?? 0) !== start) throw new Error(`KV cache holds ${past?.length ?? 0} positions, the pass starts at ${start}`);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(req.ids, [1, T]),
      position_ids: int64(rowPositions(start, T, req.runs), [1, T]),
      attention_mask: blockCausalMask(start, T, req.blockSize, req.runs),
    };
    for (let i = 0; i < this.arch.numLayers; i++) {
      feeds[`past_key_values.${i}.key`] = past ? past.keys[i] : this.emptyPast;
      feeds[`past_key_values.${i}.value`] = past ? past.values[i] : this.emptyPast;
    }
    const wantLogits = req.logitsFrom < T;
    // Only the rows the pass needs (0 would mean all; a prefill needs none, 1 is the least it can ask).
    // A logits_keep with a default (an initializer) is not in inputNames and onnxruntime-node ignores
    // such a feed, so the rows are cut below from whatever the graph returns.
    if (this.keepRequired) feeds.logits_keep = int64([wantLogits ? T - req.logitsFrom : 1], [1]);
    const fetches = [...(wantLogits ? ['logits'] : []), ...(req.keep > 0 ? this.presentNames : [])];
    const out = await this.session.run(feeds, fetches);

    let logits: Float32Array = new Float32Array(0);
    if (wantLogits) {
      const all = out.logits.data as Float32Array;
      const skip = out.logits.dims[1] - (T - req.logitsFrom);
      logits = skip === 0 ? all : all.subarray(skip * this.vocabSize);
    }
    let cache: OrtKvCache | null = null;
    if (req.keep > 0) {
      const n = start + req.keep;
      const keys: ort.Tensor[] = [];
      const values: ort.Tensor[] = [];
      for (let i = 0; i < this.arch.numLayers; i++) {
        keys.push(slicePositions(out[`present.${i}.key`], n));
        values.push(slicePositions(out[`present.${i}.value`], n));
      }
      cache = new OrtKvCache(n, keys, values);
    }
    return { logits, cache };
  }

  /**
   * One small pass at load: the first run allocates and is slow (better at load than on the first
   * keystroke), and it proves the graph runs and gives finite logits.
   */
  async warmUp(tokenId: number): Promise<void> {
    const { logits } = await this.forward({ ids: [tokenId, tokenId], start: 0, past: null, blockSize: 1, logitsFrom: 1, keep: 0 });
    if (logits.length !== this.vocabSize) throw new Error(`model.onnx gave ${logits.length} logits for one position, expected ${this.vocabSize}`);
    for (const v of logits) if (!Number.isFinite(v)) throw new Error('model.onnx gives non-finite logits');
  }
}
