/**
 * A deterministic stand-in for the ONNX model, for sampler tests that must control exactly what the model
 * predicts (a real tiny model cannot be told "be confident here"). Its "KV cache" is the token list itself,
 * so a forward pass can only see what a real block-causal model would see, and a wrong cache shows up
 * as different output.
 */
import * as assert from 'node:assert/strict';
import type { BlockModel, ForwardRequest, ForwardResult, KvCache, SpecialIds } from '../../src/engine/sampler';

/** The fake vocabulary the sampler tests share: 32 ids, EOS 1, the mask 3, a line break 10. */
export const V = 32;
export const EOS = 1;
export const MASK = 3;
export const NEWLINE = 10;
/** EOS may be emitted; 0, 2, 4, 5 and 6 stand for the other special tokens. */
export const special: SpecialIds = { mask: MASK, eos: EOS, suppress: [0, 2, 4, 5, 6] };

export class FakeCache implements KvCache {
  constructor(readonly tokens: number[]) {}
  get length() {
    return this.tokens.length;
  }
  truncate(n: number): KvCache {
    assert.ok(n <= this.tokens.length);
    return new FakeCache(this.tokens.slice(0, n));
  }
}

/** What one row's logits may depend on: the tokens it can see (masks included) and its position. */
export type RowFn = (visible: number[], pos: number) => ArrayLike<number>;

export interface Call {
  ids: number[];
  start: number;
  pastLength: number;
  logitsFrom: number;
  keep: number;
  runs?: number[];
}

export class FakeModel implements BlockModel {
  calls: Call[] = [];
  /** Called before each pass returns (e.g. to cancel a token mid-request). */
  onForward?: (call: Call) => void;

  constructor(readonly vocabSize: number, private readonly row: RowFn) {}

  async forward(req: ForwardRequest): Promise<ForwardResult> {
    const past = req.past ? (req.past as FakeCache).tokens : [];
    assert.equal(past.length, req.start, 'the cache must hold exactly the positions before start');
    const B = req.blockSize;
    const runs = req.runs ?? [req.ids.length];
    assert.equal(runs.reduce((a, n) => a + n, 0), req.ids.length, 'runs must cover ids');
    // Each run is a sequence of its own after the past (ForwardRequest.runs).
    const sequences: number[][] = [];
    let from = 0;
    for (const n of runs) {
      sequences.push(past.concat(req.ids.slice(from, from + n)));
      from += n;
    }
    const all = sequences[0];
    const rows = req.ids.length - req.logitsFrom;
    const logits = new Float32Array(rows * this.vocabSize);
    for (let r = 0; r < rows; r++) {
      let row = req.logitsFrom + r;
      let run = 0;
      while (row >= runs[run]) row -= runs[run++];
      const pos = req.start + row;
      const visible = sequences[run].filter((_, k) => Math.floor(k / B) <= Math.floor(pos / B));
      logits.set(Array.from(this.row(visible, pos)), r * this.vocabSize);
    }
    const call = { ids: [...req.ids], start: req.start, pastLength: past.length, logitsFrom: req.logitsFrom, keep: req.keep, ...(req.runs ? { runs: [...req.runs] } : {}) };
    this.calls.push(call);
    this.onForward?.(call);
    return { logits, cache: req.keep > 0 ? new FakeCache(all.slice(0, req.start + req.keep)) : null };
  }
}

/** A row that predicts `token` with logit `margin` over every other id (confidence e^m / (e^m + V-1)). */
export function oneHot(V: number, token: number, margin: number): Float32Array {
  const r = new Float32Array(V);
  r[token] = margin;
  return r;
}

/**
 * A context-dependent fake "language model": each row's logits hash everything it can see (masks left
 * out) and its position, so any token or cache mix-up changes the answer.
 */
export function hashingModel(V: number, mask: number, marginScale = 1): FakeModel {
  return new FakeModel(V, (visible, pos) => {
    let h = pos * 2654435761;
    for (const t of visible) if (t !== mask) h = Math.imul(h ^ t, 16777619) >>> 0;
    const r = new Float32Array(V);
    for (let v = 0; v < V; v++) r[v] = (((h >>> (v % 24)) ^ (v * 97)) % 13) * 0.3 * marginScale;
    return r;
  });
}
