/**
 * The block-diffusion sampler. Same algorithm as scripts/diffcoder/sampler.py (the reference), token for
 * token on the same weights (test/engine/parity.test.ts); change both together.
 *
 *   prefill the prompt's complete blocks (blocks are aligned to absolute positions, so the first
 *   generated block may hold the prompt's tail), fused with the first block's first denoising pass
 *   (unless the model's rows depend on their pass: BlockModel.passScaledRows);
 *   for each block: run it against the KV cache WITHOUT appending, commit the most confident masked
 *   positions (fixed: a precomputed count per step; threshold: the top-1 plus every masked position
 *   whose confidence >= threshold, plus, with prompt lookup, the positions whose choice continues a
 *   stretch of the prompt, ./promptLookup.ts; and with a chosen EOS, the masked positions after it as
 *   EOS and the run of EOS choices just before it, withEosRun), repeat until no mask is left;
 *   then append the finished block to the cache, fused with the next block's first denoising pass.
 *
 * Added here, outside the reference: each committed token's probability (DecodeResult.confidences; the
 * choices are the reference's) and a stop after a block holding one below a floor (stopBelow), KV reuse
 * across requests (PromptCache), a prefill in chunks of whole blocks (the model's prefillChunk, the last
 * chunk carrying the first block; counted as one forward pass, as the reference counts its prefill),
 * cancellation between forward passes (and prefill chunks), a callback per committed block, a guard
 * against running past maxPositions, and drafts (DecodeOptions.draftStates): a pass also runs,
 * side by side, the states the block would reach next if the logits stayed as they were; each step
 * still decides from the logits of its own state, so the answer is the reference's, in fewer passes.
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
  /**
   * Several sequences in one pass (verifying drafts): `ids` is split into runs of these lengths, each at
   * positions start, start+1, ...; a row sees the past and, block-causally, only its own run. The first
   * run is the one `keep` extends the cache with. Absent: one run.
   */
  runs?: number[];
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
  /**
   * A row's K/V and logits depend on the other rows of its pass (int8 weights that quantize activations
   * with one scale per pass). The prefill then runs apart from the first block's pass: carried by a
   * prompt's pass, that block would get coarser activations (on the bundled model, 3-6 % fewer tokens per
   * pass). Absent: rows are independent, and the prefill carries the block.
   */
  readonly passScaledRows?: boolean;
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
   * Self-verified drafts, greedy decoding only (temperature 0): each pass also runs up to this many of
   * the states the block would go through next if the logits stayed as they were, side by side in one
   * call (ForwardRequest.runs). Where decoding then reaches a drafted state, the logits run for it are
   * those a pass of its own would give, so that pass is saved; the answer is the one decoding gives
   * without drafts. Absent or 0: none.
   */
  draftStates?: number;
  /**
   * Stop once a finished block holds a generated token committed with a lower probability than this
   * (absent or 0: never). Completions show nothing from such a token's line on (GenerateResult
   * confidentLines), so the blocks after it would be decoded for nothing.
   */
  stopBelow?: number;
  /**
   * The ids the first generated token may be, absent: any. A healed prompt (./prefixHealing.ts)
   * ends before the word the user is typing, and the answer must start by spelling it out again.
   */
  firstTokens?: readonly number[];
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
  /** The passes that decided answer positions: forwardPasses but a prefill run apart from the first block. */
  decodingPasses: number;
  stoppedBy: StopReason;
  promptTokens: number;
  reusedTokens: number;
}

/** What `decide` needs besides a block's state and logits: the decoding rule of one block. */
interface StepRule {
  V: number;
  suppressed: Uint8Array;
  /** The block position of the answer's first token, when it is in this block and constrained, and what it may not be. */
  first: { i: number; suppressed: Uint8Array } | null;
  temperature: number;
  rng: Prng | null;
  threshold: number;
  eos: number;
  /** Fixed mode: positions to commit at each step of this block (transferSchedule); null: threshold mode. */
  schedule: number[] | null;
  /** Threshold mode with prompt lookup: the prompt, and the tokens just before this block. */
  lookup: { prompt: readonly number[]; before: number[] } | null;
}

/** A block between passes: its tokens (the mask where undecided), the positions still masked in order, the steps taken, each committed position's probability. */
interface BlockState {
  block: number[];
  masked: number[];
  step: number;
  conf: number[];
}

interface Commit {
  i: number;
  token: number;
  /** The model's probability for the token when it was committed. */
  conf: number;
}

/** The positions one step commits, from the logits of the state (rows by block position). */
function decide(s: BlockState, logits: Float32Array, r: StepRule): Commit[] {
  // Positions in order, so a later one never wins a tie; each needs only to beat what it must beat.
  const picks: { i: number; token: number; conf: number }[] = [];
  const suppressedAt = (i: number) => (r.first?.i === i ? r.first.suppressed : r.suppressed);
  for (const i of s.masked) {
    const floor = r.schedule ? kthLargest(picks, r.schedule[s.step]) : Math.min(r.threshold, kthLargest(picks, 1));
    picks.push({ i, ...pick(logits, i, r.V, suppressedAt(i), r.temperature, r.rng, floor) });
  }
  let chosen: number[];
  if (r.schedule) {
    // top-k by confidence; equal confidences keep the lower position first
    const byConf = [...picks].sort((p, q) => q.conf - p.conf || p.i - q.i);
    chosen = byConf.slice(0, r.schedule[s.step]).map((p) => p.i);
  } else {
    let best = picks[0];
    for (const p of picks) if (p.conf > best.conf) best = p;
    chosen = picks.filter((p) => p === best || p.conf >= r.threshold).map((p) => p.i);
    if (r.lookup) {
      const first = s.masked[0]; // masked is in position order
      const context = r.lookup.before.concat(s.block.slice(0, first));
      const draft = lookupDraft(r.lookup.prompt, context, s.block.length - first);
      const agree = draftAgreement(s.block, first, draft, new Map(picks.map((p) => [p.i, p.token])));
      chosen.push(...agree.filter((i) => !chosen.includes(i)));
    }
    chosen = withEosRun(picks, chosen, r.eos);
  }
  // A position chosen without beating a floor (prompt lookup, an EOS run) may carry the early-exit 0.
  return picks
    .filter((p) => chosen.includes(p.i))
    .map((p) => ({ i: p.i, token: p.token, conf: p.conf > 0 ? p.conf : probability(logits, p.i, r.V, suppressedAt(p.i), p.token) }));
}

function advance(s: BlockState, commits: Commit[]): BlockState {
  const block = s.block.slice();
  const conf = s.conf.slice();
  for (const c of commits) {
    block[c.i] = c.token;
    conf[c.i] = c.conf;
  }
  return { block, masked: s.masked.filter((i) => !commits.some((c) => c.i === i)), step: s.step + 1, conf };
}

/**
 * Drafts for verification: the states decoding would go through from `s` if the logits stayed `stale`
 * (those of the state before s), one step each, at most `most`, ending at a finished block or a stop.
 */
function draftChain(s: BlockState, stale: Float32Array, rule: StepRule, most: number, stopOf: (s: BlockState) => unknown): BlockState[] {
  const chain: BlockState[] = [];
  for (let d = s; chain.length < most && d.masked.length && !stopOf(d); ) {
    d = advance(d, decide(d, stale, rule));
    chain.push(d);
  }
  return chain;
}

const sameBlock = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((t, i) => t === b[i]);

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
  // A constrained first token is chosen among its allowed ids, its probability renormalised over them.
  let firstSuppressed: Uint8Array | null = null;
  if (opt.firstTokens) {
    firstSuppressed = new Uint8Array(V).fill(1);
    for (const id of opt.firstTokens) if (id >= 0 && id < V && !suppressed[id]) firstSuppressed[id] = 0;
    if (firstSuppressed.every((v) => v)) throw new Error('firstTokens allows no token the model may emit');
  }
  const stopIds = special.stop ?? new Set<number>();
  const rng = opt.temperature > 0 ? new Prng(opt.seed) : null;
  const threshold = Math.fround(opt.threshold);
  const maxPositions = opt.maxPositions ?? Infinity;
  // Drafts are verified by replaying the rule; sampling would draw its noise differently, so only greedy.
  const draftStates = rng ? 0 : Math.max(0, opt.draftStates ?? 0);

  let start = Math.floor(P / B) * B;
  let passes = 0;
  let prefillApart = 0; // a prefill pass that decided nothing (BlockModel.passScaledRows)
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
    return { tokens: out, confidences: conf.slice(0, out.length), forwardPasses: passes, decodingPasses: passes - prefillApart, stoppedBy: why, promptTokens: P, reusedTokens: reused };
  };
  const committed = () => hooks.onBlock?.(x.slice(P, P + Math.min(cut, opt.maxNewTokens)));

  try {
    let pending: Float32Array | null = null; // this block's logits, from the fused prefill or commit pass
    const blockAt = (at: number) => x.slice(at, at + B).concat(new Array<number>(Math.max(0, at + B - x.length)).fill(special.mask));
    if (start > reused) {
      if (cancelled()) return finish('cancelled');
      // The first block's first denoising pass rides on the prefill's last pass, as each later block's
      // rides on the commit pass before it: one pass fewer per request, the same logits.
      const first = start + B <= maxPositions && !model.passScaledRows ? blockAt(start) : [];
      ({ past, logits: pending } = await prefillCarrying(model, prompt, { from: reused, to: start, past, blockSize: B, block: first, stop: cancelled }));
      passes++;
      if (!first.length) prefillApart = 1;
      // Cancelled between chunks: the chunks done stay in the cache (finally below) for the next request.
      if (cancelled()) return finish('cancelled');
    }
    for (;;) {
      if (start + B > maxPositions) return finish('context');
      const initial = blockAt(start);
      const masked: number[] = [];
      for (let i = 0; i < B; i++) if (start + i >= x.length) masked.push(i);
      const rule: StepRule = {
        V, suppressed, temperature: opt.temperature, rng, threshold, eos: special.eos,
        first: firstSuppressed && start <= P && P < start + B ? { i: P - start, suppressed: firstSuppressed } : null,
        schedule: opt.mode === 'fixed' ? transferSchedule(masked.length, opt.stepsPerBlock) : null,
        lookup: opt.promptLookup ? { prompt, before: x.slice(Math.max(0, start - MAX_MATCH), start) } : null,
      };
      const stopOf = (s: BlockState) => stopIndex(s.block, s.masked, Math.max(0, P - start), special.eos, stopIds);
      let s: BlockState = { block: initial, masked, step: 0, conf: new Array<number>(B).fill(0) };
      let logits: Float32Array | null = pending; // of s, when known
      pending = null;
      let stale: Float32Array | null = null; // of the state before s: what drafts are made from
      let ahead: { state: BlockState; logits: Float32Array | null }[] = []; // drafted states a pass has run
      let commitAhead: ForwardResult | null = null; // the fused commit pass, run with the last draft
      let stopAt: { i: number; why: 'eos' | 'stop' } | null = null;
      while (s.masked.length) {
        if (!logits) {
          if (cancelled()) return finish('cancelled');
          const chain = stale && draftStates > 0 ? draftChain(s, stale, rule, draftStates, stopOf) : [];
          const last = chain[chain.length - 1];
          // A drafted finished block is run with the next block's masks, as the commit pass would be.
          const commit = !!last && !last.masked.length && !stopOf(last) && start + B - P < opt.maxNewTokens && start + 2 * B <= maxPositions;
          const needLogits = chain.filter((d) => d.masked.length && !stopOf(d));
          const out = await passWithDrafts(model, { start, past, blockSize: B, mask: special.mask }, [s, ...needLogits], commit ? last : null);
          passes++;
          logits = out.logits[0];
          ahead = chain.map((state) => ({ state, logits: needLogits.includes(state) ? out.logits[needLogits.indexOf(state) + 1] : null }));
          commitAhead = out.commit;
        }
        const next = advance(s, decide(s, logits, rule));
        stale = logits;
        s = next;
        // The drafted state the pass ran, when it is the state decoding reached: its logits are the ones a
        // pass of its own would give, so that pass is saved.
        const drafted = ahead.shift();
        if (drafted && sameBlock(drafted.state.block, s.block)) {
          logits = drafted.logits;
        } else {
          logits = null;
          ahead = [];
          commitAhead = null;
        }
        stopAt = stopOf(s);
        if (stopAt) break;
      }
      for (let i = 0; i < B; i++) if (start + i >= P && !s.masked.includes(i)) conf[start + i - P] = s.conf[i];
      const block = s.block;
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
      // Commit this block and take the next block's first denoising pass in the same call (already run
      // when the pass that verified the block's last draft carried it).
      let out = commitAhead;
      if (!out) {
        out = await model.forward({ ids: block.concat(new Array<number>(B).fill(special.mask)), start, past, blockSize: B, logitsFrom: B, keep: B });
        passes++;
      }
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
 * One pass over several states of the block at `at.start`, side by side (ForwardRequest.runs): their
 * logits (rows by block position), and with `finished` (a drafted finished block), the commit pass of
 * that block too (the cache extended by it, the next block's first logits), run first.
 */
async function passWithDrafts(
  model: BlockModel,
  at: { start: number; past: KvCache | null; blockSize: number; mask: number },
  states: BlockState[],
  finished: BlockState | null,
): Promise<{ logits: Float32Array[]; commit: ForwardResult | null }> {
  const B = at.blockSize;
  const V = model.vocabSize;
  const head = finished ? finished.block.concat(new Array<number>(B).fill(at.mask)) : [];
  const runs = (finished ? [2 * B] : []).concat(states.map(() => B));
  const out = await model.forward({
    ids: head.concat(...states.map((r) => r.block)),
    start: at.start,
    past: at.past,
    blockSize: B,
    logitsFrom: finished ? B : 0,
    keep: finished ? B : 0,
    ...(runs.length > 1 ? { runs } : {}),
  });
  const first = finished ? 1 : 0; // logit rows come in blocks of B: the next block's (with `finished`), then each state's
  return {
    logits: states.map((_, k) => out.logits.subarray((k + first) * B * V, (k + first + 1) * B * V)),
    commit: finished ? { logits: out.logits.subarray(0, B * V), cache: out.cache } : null,
  };
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
  return (await prefillCarrying(model, prompt, { from, to, past, blockSize, block: [], stop })).past;
}

/**
 * `prefill`, with `block` (the block at `to`; may be empty) carried by its last pass: block-causal
 * attention lets the block's rows see the prompt's blocks and themselves only, so their logits are those
 * a pass of its own would give. They come back as `logits` (null when stopped before the last pass).
 */
async function prefillCarrying(
  model: BlockModel,
  prompt: readonly number[],
  at: { from: number; to: number; past: KvCache | null; blockSize: number; block: number[]; stop: () => boolean },
): Promise<{ past: KvCache | null; logits: Float32Array | null }> {
  const { from, to, blockSize, block, stop } = at;
  let past = at.past;
  const chunk = model.prefillChunk ?? 0;
  const step = chunk > 0 ? Math.max(blockSize, Math.floor(chunk / blockSize) * blockSize) : to - from;
  let logits: Float32Array | null = null;
  for (let i = from; i < to && !stop(); ) {
    const end = Math.min(to, i + step);
    const n = end - i;
    const carried = end === to ? block : [];
    const out = await model.forward({ ids: prompt.slice(i, end).concat(carried), start: i, past, blockSize, logitsFrom: n, keep: n });
    past = out.cache;
    if (carried.length) logits = out.logits;
    i = end;
  }
  return { past, logits };
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
