/**
 * A deterministic stand-in for the ONNX model, for sampler tests that must control exactly what the model
 * predicts (a real tiny model cannot be told "be confident here"). Its "KV cache" is the token list itself,
 * so a forward pass can only see what a real block-causal model would see, and a wrong cache shows up
 * as different output.
 */
import * as assert from 'node:assert/strict';
import type { BlockModel, ForwardRequest, ForwardResult, KvCache } from '../../src/engine/sampler';

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
}

export class FakeModel implements BlockModel {
  calls: Call[] = [];
  /** Called before each pass returns (e.g. to cancel a token mid-request). */
  onForward?: (call: Call) => void;

  constructor(readonly vocabSize: number, private readonly row: RowFn) {}

  async forward(req: ForwardRequest): Promise<ForwardResult> {
    const past = req.past ? (req.past as FakeCache).tokens : [];
    assert.equal(past.length, req.start, 'the cache must hold exactly the positions before start');
    const all = past.concat(req.ids);
    const B = req.blockSize;
    const rows = req.ids.length - req.logitsFrom;
    const logits = new Float32Array(rows * this.vocabSize);
    for (let r = 0; r < rows; r++) {
      const pos = req.start + req.logitsFrom + r;
      const visible = all.filter((_, k) => Math.floor(k / B) <= Math.floor(pos / B));
      logits.set(Array.from(this.row(visible, pos)), r * this.vocabSize);
    }
    const call = { ids: [...req.ids], start: req.start, pastLength: past.length, logitsFrom: req.logitsFrom, keep: req.keep };
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
