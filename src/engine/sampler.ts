/**
 * The block-diffusion sampler. Same algorithm as scripts/diffcoder/sampler.py (the reference), token for
 * token on the same weights (test/engine/parity.test.ts); change both together.
 *
 *   prefill the prompt's complete blocks (blocks are aligned to absolute positions, so the first
 *   generated block may hold the prompt's tail);
 *   for each block: run it against the KV cache WITHOUT appending, commit the most confident masked
 *   positions (fixed: a precomputed count per step; threshold: the top-1 plus every masked position
 *   whose confidence >= threshold, plus, with prompt lookup, the positions whose choice continues a
 *   stretch of the prompt, ./promptLookup.ts; and with a chosen EOS, the masked positions after it as
 *   EOS and the run of EOS choices just before it, withEosRun), repeat until no mask is left;
 *   then append the finished block to the cache, fused with the next block's first denoising pass.
 *
 * Added here, outside the reference: each committed token's probability (DecodeResult.confidences; the
 * choices are the reference's) and a stop after a block holding one below a floor (stopBelow), KV reuse
 * across requests (PromptCache), a prefill in chunks of
 * whole blocks (the model's prefillChunk; counted as one forward pass, as the reference counts its
 * prefill), cancellation between forward passes (and prefill chunks), a callback per committed block,
 * and a guard against running past maxPositions.
 */
import type { CancellationToken } from 'vscode-jsonrpc';
import type { DecodeMode, StopReason } from './protocol';
import { draftAgreement, lookupDraft, MAX_MATCH } from './promptLookup';
import { loopCut } from './repetition';

/** The model's K/V for positions [0, length). Opaque to the sampler. */
export interface KvCache {
  readonly length: number;
  /** The cache of the first n positions (n <= length). */
  truncate(n: number): KvCache;
}

export interface ForwardRequest {
  /** Tokens at absolute positions start .. start+ids.length-1. */
  ids: number[];
  start: number;
  /** Holds exactly the positions before `start` (null when start is 0). */
  past: KvCache | null;
  /** Attention is block-causal over absolute positions with this block size. */
  blockSize: number;
  /** Logits are wanted for rows logitsFrom .. ids.length-1 (ids.length: none). */
  logitsFrom: number;
  /** Return the cache extended by the first `keep` of these positions (0: no cache wanted). */
  keep: number;
}

export interface ForwardResult {
  /** Row-major [ids.length - logitsFrom, vocabSize]. */
  logits: Float32Array;
  cache: KvCache | null;
}

/** One block-causal forward pass; implemented by the ONNX session (src/engine/session/) and by test fakes. */
export interface BlockModel {
  readonly vocabSize: number;
  /**
   * Positions per prefill pass (rounded down to whole blocks); absent or 0: the whole prompt in one pass.
   * Each chunk attends to the cache of the chunks before it, which gives the same K/V as one pass
   * while skipping the hidden upper triangle of a [T, P+T] mask.
   */
  readonly prefillChunk?: number;
  forward(req: ForwardRequest): Promise<ForwardResult>;
}

export interface DecodeOptions {
  blockSize: number;
  maxNewTokens: number;
  mode: DecodeMode;
  threshold: number;
  /** Fixed mode: forward passes per block (blockSize => one token per pass). */
  stepsPerBlock: number;
  /** Threshold mode: also commit what continues a stretch of the prompt (./promptLookup.ts). */
  promptLookup: boolean;
  temperature: number;
  seed: number;
  /** Never run a position at or past this (the model's maxPositions). */
  maxPositions?: number;
  /**
   * Stop once a finished block holds a generated token committed with a lower probability than this
   * (absent or 0: never). Completions show nothing from such a token's line on (GenerateResult
   * confidentLines), so the blocks after it would be decoded for nothing.
   */
  stopBelow?: number;
}

export interface SpecialIds {
  mask: number;
  eos: number;
  /** Never emitted: every special token but EOS (the mask token is always added). */
  suppress: Iterable<number>;
  /** A committed stop token ends the answer and is kept (single-line mode: tokens holding a line break). */
  stop?: ReadonlySet<number>;
}

export interface DecodeHooks {
  /** KV of the previous request; read for reuse and updated to this request's committed blocks. */
  cache?: PromptCache;
  token?: CancellationToken;
  /** Called with the answer's tokens after each committed block. */
  onBlock?: (tokens: number[]) => void;
}

export interface DecodeResult {
  tokens: number[];
  /** Per token: the model's probability for it when it was committed (how sure the model was). */
  confidences: number[];
  forwardPasses: number;
  stoppedBy: StopReason;
  promptTokens: number;
  reusedTokens: number;
}

/** How many positions to commit at each step: spread evenly, remainder first (as LLaDA). */
export function transferSchedule(masked: number, steps: number): number[] {
  steps = Math.max(1, Math.min(steps, masked));
  const base = Math.floor(masked / steps);
  const rem = masked % steps;
  return Array.from({ length: steps }, (_, i) => base + (i < rem ? 1 : 0));
}

/**
 * The K/V of the last request's prompt blocks and committed blocks, with their tokens. A new prompt
 * reuses its longest common prefix in whole blocks (with SPM order, consecutive typing requests share the
 * suffix and most of the prefix), and only the rest is prefilled.
 */
export class PromptCache {
  tokens: number[] = [];
  kv: KvCache | null = null;

  /** Positions of `prompt` that can come from the cache: whole blocks, at most `limit`. */
  reusable(prompt: readonly number[], limit: number, blockSize: number): number {
    const n = Math.min(limit, this.tokens.length, prompt.length);
    let same = 0;
    while (same < n && prompt[same] === this.tokens[same]) same++;
    return Math.floor(same / blockSize) * blockSize;
  }

  store(tokens: number[], kv: KvCache | null): void {
    this.tokens = kv ? tokens.slice(0, kv.length) : [];
    this.kv = kv;
  }

  clear(): void {
    this.store([], null);
  }
}

/** Seeded PRNG (sfc32, seeded through splitmix32) for Gumbel noise: same seed, same samples. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uniform();
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }
}

/**
 * Per row: the chosen token (argmax, or Gumbel-max at temperature > 0) and its softmax probability
 * (float32, as the reference computes it), with suppressed ids at -inf. The softmax sum stops early,
 * reporting confidence 0, once it proves the confidence is below `floor` (a position that cannot be
 * chosen this step): most positions are unsure, and their exp() over a whole vocabulary is most of a
 * step's CPU time outside the model.
 */
function pick(logits: Float32Array, row: number, V: number, suppressed: Uint8Array, temperature: number, rng: Prng | null, floor: number) {
  const off = row * V;
  let max = -Infinity;
  let best = -1;
  let bestScore = -Infinity;
  for (let v = 0; v < V; v++) {
    if (suppressed[v]) continue;
    const l = logits[off + v];
    if (l > max) max = l;
    // Gumbel-max: argmax(l/T + g), g = -log(-log(u)); ties keep the first index, as torch's argmax.
    const score = rng ? l / temperature - Math.log(-Math.log(Math.max(rng.uniform(), 1e-20))) : l;
    if (score > bestScore) {
      bestScore = score;
      best = v;
    }
  }
  const top = Math.exp(logits[off + best] - max);
  // conf = top / sum < floor once sum > top / floor; the margin keeps float32 rounding on the safe side
  const limit = floor > 0 ? (top / floor) * (1 + 1e-6) : Infinity;
  let sum = 0;
  for (let v = 0; v < V; v++) {
    if (suppressed[v]) continue;
    sum += Math.exp(logits[off + v] - max);
    if (sum > limit) return { token: best, conf: 0 };
  }
  return { token: best, conf: Math.fround(top / sum) };
}

/** Softmax probability of `token` in a row, suppressed ids left out (as pick computes it). */
function probability(logits: Float32Array, row: number, V: number, suppressed: Uint8Array, token: number): number {
  const off = row * V;
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (!suppressed[v] && logits[off + v] > max) max = logits[off + v];
  let sum = 0;
  for (let v = 0; v < V; v++) if (!suppressed[v]) sum += Math.exp(logits[off + v] - max);
  return Math.fround(Math.exp(logits[off + token] - max) / sum);
}

/** The k-th largest confidence so far (0 with fewer than k): a later position below it cannot be chosen. */
function kthLargest(picks: { conf: number }[], k: number): number {
  if (picks.length < k) return 0;
  return picks.map((p) => p.conf).sort((a, b) => b - a)[k - 1];
}

export async function generate(
  model: BlockModel,
  prompt: readonly number[],
  opt: DecodeOptions,
  special: SpecialIds,
  hooks: DecodeHooks = {},
): Promise<DecodeResult> {
  const B = opt.blockSize;
  const V = model.vocabSize;
  const P = prompt.length;
  const suppressed = new Uint8Array(V);
  for (const id of special.suppress) if (id >= 0 && id < V) suppressed[id] = 1;
  suppressed[special.mask] = 1;
  const stopIds = special.stop ?? new Set<number>();
  const rng = opt.temperature > 0 ? new Prng(opt.seed) : null;
  const threshold = Math.fround(opt.threshold);
  const maxPositions = opt.maxPositions ?? Infinity;

  let start = Math.floor(P / B) * B;
  let passes = 0;
  let x = prompt.slice();
  const conf: number[] = []; // per generated position (x[P + k]), once committed
  let past: KvCache | null = null;
  const cache = hooks.cache;
  const reused = cache?.kv ? cache.reusable(prompt, start, B) : 0;
  if (reused > 0) past = cache!.kv!.truncate(reused);

  const cancelled = () => hooks.token?.isCancellationRequested === true;
  let cut = Infinity; // new tokens kept when the answer loops (./repetition.ts); x itself stays whole for the cache
  const finish = (why: StopReason): DecodeResult => {
    let out = x.slice(P, P + cut);
    if (out.length > opt.maxNewTokens) {
      out = out.slice(0, opt.maxNewTokens);
      why = 'budget';
    }
    return { tokens: out, confidences: conf.slice(0, out.length), forwardPasses: passes, stoppedBy: why, promptTokens: P, reusedTokens: reused };
  };
  const committed = () => hooks.onBlock?.(x.slice(P, P + Math.min(cut, opt.maxNewTokens)));

  try {
    if (start > reused) {
      if (cancelled()) return finish('cancelled');
      past = await prefill(model, prompt, reused, start, past, B, cancelled);
      passes++;
      // Cancelled between chunks: the chunks done stay in the cache (finally below) for the next request.
      if (cancelled()) return finish('cancelled');
    }
    let pending: Float32Array | null = null; // this block's logits from the fused commit pass
    for (;;) {
      if (start + B > maxPositions) return finish('context');
      const block = x.slice(start);
      while (block.length < B) block.push(special.mask);
      let masked: number[] = [];
      for (let i = 0; i < B; i++) if (start + i >= x.length) masked.push(i);
      const schedule = opt.mode === 'fixed' ? transferSchedule(masked.length, opt.stepsPerBlock) : null;
      let step = 0;
      let stopAt: { i: number; why: 'eos' | 'stop' } | null = null;
      while (masked.length) {
        let logits: Float32Array;
        if (pending) {
          logits = pending;
          pending = null;
        } else {
          if (cancelled()) return finish('cancelled');
          logits = (await model.forward({ ids: block, start, past, blockSize: B, logitsFrom: 0, keep: 0 })).logits;
          passes++;
        }
        // Positions in order, so a later one never wins a tie; each needs only to beat what it must beat.
        const picks: { i: number; token: number; conf: number }[] = [];
        for (const i of masked) {
          const floor = schedule ? kthLargest(picks, schedule[step]) : Math.min(threshold, kthLargest(picks, 1));
          picks.push({ i, ...pick(logits, i, V, suppressed, opt.temperature, rng, floor) });
        }
        let chosen: number[];
        if (schedule) {
          // top-k by confidence; equal confidences keep the lower position first
          const byConf = [...picks].sort((p, q) => q.conf - p.conf || p.i - q.i);
          chosen = byConf.slice(0, schedule[step]).map((p) => p.i);
        } else {
          let best = picks[0];
          for (const p of picks) if (p.conf > best.conf) best = p;
          chosen = picks.filter((p) => p === best || p.conf >= threshold).map((p) => p.i);
          if (opt.promptLookup) {
            const first = masked[0]; // masked is in position order
            const context = x.slice(Math.max(0, start - MAX_MATCH), start).concat(block.slice(0, first));
            const draft = lookupDraft(prompt, context, B - first);
            const agree = draftAgreement(block, first, draft, new Map(picks.map((p) => [p.i, p.token])));
            chosen.push(...agree.filter((i) => !chosen.includes(i)));
          }
          chosen = withEosRun(picks, chosen, special.eos);
        }
        for (const p of picks) {
          if (!chosen.includes(p.i)) continue;
          block[p.i] = p.token;
          // A position chosen without beating a floor (prompt lookup) may carry the early-exit 0.
          const sure = p.conf > 0 ? p.conf : probability(logits, p.i, V, suppressed, p.token);
          if (start + p.i >= P) conf[start + p.i - P] = sure;
        }
        masked = masked.filter((i) => !chosen.includes(i));
        step++;
        stopAt = stopIndex(block, masked, Math.max(0, P - start), special.eos, stopIds);
        if (stopAt) break;
      }
      if (stopAt) {
        // EOS is cut; a stop token (a line break) is part of the answer.
        x = x.slice(0, start).concat(block.slice(0, stopAt.i + (stopAt.why === 'eos' ? 0 : 1)));
        committed();
        return finish(stopAt.why);
      }
      x = x.slice(0, start).concat(block);
      const loop = loopCut(x.slice(P));
      if (loop >= 0) {
        cut = loop;
        committed();
        return finish('repetition');
      }
      committed();
      if (opt.stopBelow && conf.slice(Math.max(0, start - P)).some((c) => c < opt.stopBelow!)) return finish('unsure');
      if (x.length - P >= opt.maxNewTokens) return finish('budget');
      if (start + 2 * B > maxPositions) return finish('context');
      if (cancelled()) return finish('cancelled');
      // Commit this block and take the next block's first denoising pass in the same call.
      const next = new Array<number>(B).fill(special.mask);
      const out = await model.forward({ ids: block.concat(next), start, past, blockSize: B, logitsFrom: B, keep: B });
      passes++;
      past = out.cache;
      pending = out.logits;
      start += B;
    }
  } finally {
    // The cache always matches x[0, start): prompt blocks plus committed blocks.
    cache?.store(x, past);
  }
}

/**
 * Appends prompt positions [from, to) (whole blocks) to `past`, which holds [0, from), without logits:
 * in passes of the model's prefillChunk positions (rounded down to whole blocks, at least one), or in one
 * pass when it has none. Stops between passes once `stop()` is true; returns the cache so far.
 */
export async function prefill(
  model: BlockModel,
  prompt: readonly number[],
  from: number,
  to: number,
  past: KvCache | null,
  blockSize: number,
  stop: () => boolean = () => false,
): Promise<KvCache | null> {
  const chunk = model.prefillChunk ?? 0;
  const step = chunk > 0 ? Math.max(blockSize, Math.floor(chunk / blockSize) * blockSize) : to - from;
  for (let at = from; at < to && !stop(); ) {
    const end = Math.min(to, at + step);
    const n = end - at;
    past = (await model.forward({ ids: prompt.slice(at, end), start: at, past, blockSize, logitsFrom: n, keep: n })).cache;
    at = end;
  }
  return past;
}

/**
 * Puts a prompt's whole blocks into `cache` without decoding (diffcoder/prefill): what it shares with the
 * cached prompt is kept, the rest prefilled. A request for this prompt, or for one that extends it, then
 * prefills only what differs. A prompt already in the cache leaves it as it is (with the answer blocks
 * after it); stopped before its first pass, so does the rest.
 */
export async function prefillPrompt(
  model: BlockModel,
  prompt: readonly number[],
  blockSize: number,
  cache: PromptCache,
  stop: () => boolean = () => false,
): Promise<{ reusedTokens: number; prefilledTokens: number }> {
  const end = Math.floor(prompt.length / blockSize) * blockSize;
  const reused = cache.kv ? cache.reusable(prompt, end, blockSize) : 0;
  if (reused >= end || stop()) return { reusedTokens: reused, prefilledTokens: 0 };
  const past = await prefill(model, prompt, reused, end, reused > 0 ? cache.kv!.truncate(reused) : null, blockSize, stop);
  if ((past?.length ?? 0) > reused) cache.store([...prompt], past);
  return { reusedTokens: reused, prefilledTokens: Math.max(0, (past?.length ?? 0) - reused) };
}

/**
 * Threshold mode: a chosen EOS is where the answer ends, one decision with the masked positions around
 * it. Those after it become EOS (training puts EOS only at an answer's tail, so nothing else can follow
 * one), and the run of masked positions just before it whose choice is EOS too is chosen with it. One by
 * one, each would take a pass of its own: on the bundled model's development tasks single-line infilling
 * went from 0.84 to 0.94 tokens per pass with the same answers but one (README). `picks` are the masked
 * positions in order; a pick after the EOS is set to EOS.
 */
function withEosRun(picks: { i: number; token: number }[], chosen: number[], eos: number): number[] {
  const eosAt = picks.filter((p) => p.token === eos && chosen.includes(p.i)).map((p) => p.i);
  if (!eosAt.length) return chosen;
  const j = Math.min(...eosAt);
  const out = [...chosen];
  for (const p of picks) {
    if (p.i <= j) continue;
    p.token = eos;
    if (!out.includes(p.i)) out.push(p.i);
  }
  for (let i = j - 1; ; i--) {
    const p = picks.find((q) => q.i === i);
    if (!p || p.token !== eos || out.includes(i)) break;
    out.push(i);
  }
  return out;
}

/** First generated EOS/stop token in the block, if every position before it is committed. */
function stopIndex(block: number[], masked: number[], from: number, eos: number, stop: ReadonlySet<number>) {
  const firstMasked = masked.length ? Math.min(...masked) : block.length;
  for (let i = from; i < firstMasked; i++) {
    if (block[i] === eos) return { i, why: 'eos' as const };
    if (stop.has(block[i])) return { i, why: 'stop' as const };
  }
  return null;
}
