/**
 * What the worker's requests do with a loaded model: build the prompt (src/engine/prompts.ts), fit it
 * into the context, run the sampler, turn tokens into the answer's text.
 */
import type { CancellationToken } from 'vscode-jsonrpc';
import { clipToWindows, fitFimPrompt, promptRoom } from './clipContext';
import type { LoadedModel } from './loadedModel';
import type { DecodingDefaults } from './package/manifest';
import { afterRemoved, healPrefix, type HealedPrefix } from './prefixHealing';
import { editPrompt } from './prompts';
import type { CompleteParams, DecodingOptions, EditParams, FillParams, FillResult, GenerateResult, PrefillParams, PrefillResult, StopReason } from './protocol';
import { endAtLineBreak } from './repetition';
import { badRequest } from './requestError';
import { generate, prefillPrompt, type DecodeOptions } from './sampler';

export interface TaskHooks {
  token?: CancellationToken;
  /** The answer so far, after each committed block. */
  onBlock?: (text: string, tokens: number) => void;
}

export async function complete(lm: LoadedModel, params: CompleteParams, hooks: TaskHooks = {}): Promise<GenerateResult> {
  const floor = lineFloor(lm, params.minLineConfidence);
  // Completions show only their confident leading lines, so decoding stops where the first unsure one starts.
  return infill(lm, params, { floor, report: 'confidentLines' }, hooks);
}

/**
 * The prompt of a completion with these params into the KV cache, nothing decoded (protocol.ts
 * PrefillParams): the editor sends it when the cursor comes to rest somewhere new.
 */
export async function prefill(lm: LoadedModel, params: PrefillParams, hooks: TaskHooks = {}): Promise<PrefillResult> {
  checkString(params.prefix, 'prefix');
  checkString(params.suffix, 'suffix');
  const t0 = performance.now();
  const opt = decodeOptions(lm, 'infill', params.maxTokens);
  const prefix = healed(lm, params.prefix)?.prefix ?? params.prefix; // the prompt the completion here will send
  const { ids } = fitFimPrompt(lm.tokenizer, lm.manifest, prefix, params.suffix, promptRoom(lm.manifest, opt.maxNewTokens));
  const stopped = () => hooks.token?.isCancellationRequested === true;
  const r = await prefillPrompt(lm.model, ids, lm.manifest.blockSize, lm.promptCache, stopped);
  return { promptTokens: ids.length, ...r, ms: Math.round((performance.now() - t0) * 10) / 10, cancelled: stopped() };
}

/** Fill-in-the-middle at one spot: a completion, or one hole of a fill. */
async function infill(lm: LoadedModel, params: CompleteParams, lines: LineReport, hooks: TaskHooks): Promise<GenerateResult> {
  checkString(params.prefix, 'prefix');
  checkString(params.suffix, 'suffix');
  const opt = decodeOptions(lm, 'infill', params.maxTokens, params.decoding);
  if (hooks.token?.isCancellationRequested) return cancelled(lm);
  const heal = healed(lm, params.prefix, params.decoding);
  const prefix = heal?.prefix ?? params.prefix;
  const { ids } = fitFimPrompt(lm.tokenizer, lm.manifest, prefix, params.suffix, promptRoom(lm.manifest, opt.maxNewTokens));
  // Single-line: the sampler stops at a token holding a line break; the text ends before the break.
  const stop = params.singleLine ? lm.tokenizer.newlineTokenIds() : undefined;
  const undecodable = dropUndecodable(params.prefix, params.suffix);
  const text = (tokens: number[]) => {
    const s = afterRemoved(undecodable(lm.tokenizer.decode(tokens)), heal);
    return params.singleLine ? s.split(/\r?\n/, 1)[0] : s;
  };
  const stopBelow = lines.report === 'confidentLines' ? lines.floor : 0;
  return run(lm, ids, { ...opt, stopBelow, firstTokens: heal?.firstTokens }, stop, text, hooks, lines);
}

/** The prefix healed (./prefixHealing.ts) unless the request or the package turns healing off. */
function healed(lm: LoadedModel, prefix: string, d: DecodingOptions = {}): HealedPrefix | null {
  const on = d.healPrefix ?? lm.manifest.decoding.healPrefix ?? true;
  if (typeof on !== 'boolean') throw badRequest(`decoding.healPrefix must be true or false (is ${JSON.stringify(on)})`);
  return on ? healPrefix(lm.tokenizer, prefix) : null;
}

/** The request's floor for confidentLines: a number, 'package' (the package's, absent there: 0) or absent (0). */
function lineFloor(lm: LoadedModel, requested: unknown): number {
  const floor = requested === 'package' ? lm.manifest.decoding.minLineConfidence ?? 0 : requested ?? 0;
  if (!(typeof floor === 'number' && floor >= 0 && floor <= 1)) throw badRequest(`minLineConfidence must be a number in [0, 1] or "package" (is ${JSON.stringify(floor)})`);
  return floor;
}

/**
 * Per line of the decoded answer (its first `lines` lines): the lowest probability the model gave a token
 * on that line when it committed it. A token holding a line break belongs to both lines it joins.
 */
export function lineConfidence(lm: LoadedModel, tokens: readonly number[], confidences: readonly number[], lines: number): number[] {
  const out = new Array<number>(lines).fill(1);
  let line = 0;
  for (const [i, t] of tokens.entries()) {
    if (line >= lines) break;
    const breaks = lm.tokenizer.decode([t]).split('\n').length - 1;
    for (let k = line; k <= Math.min(line + breaks, lines - 1); k++) out[k] = Math.min(out[k], confidences[i]);
    line += breaks;
  }
  return out.map((c) => Math.round(c * 1e4) / 1e4);
}

/** The lines (0-based) holding code whose least sure token is below the floor (none when the floor is 0). */
export function unsureLines(text: string, lineConfidence: readonly number[], floor: number): number[] {
  const lines = text.split('\n');
  return lineConfidence.flatMap((c, i) => (c < floor && (lines[i] ?? '').trim() ? [i] : []));
}

/** How many leading lines reach the floor. */
export function confidentLines(lineConfidence: readonly number[], floor: number): number {
  const k = lineConfidence.findIndex((c) => c < floor);
  return k < 0 ? lineConfidence.length : k;
}

/**
 * Holes are filled left to right; each fill is context for the next; later markers are left out. With
 * budgets, a hole's prompt is the text nearest it, as a completion's windows. Like an
 * edit, a fill is reviewed before it is accepted: its unsure lines are listed (each fill's unsureLines),
 * never cut. The editor and the CLI post-process each fill as a completion (src/completion/holeFills.ts).
 */
export async function fill(lm: LoadedModel, params: FillParams, hooks: TaskHooks = {}): Promise<FillResult> {
  checkString(params.text, 'text');
  if (!Array.isArray(params.holes)) throw badRequest('holes must be an array of {offset, length}');
  const floor = lineFloor(lm, params.minLineConfidence);
  const order = params.holes.map((h, i) => ({ ...h, i })).sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const h of order) {
    if (!Number.isInteger(h.offset) || !Number.isInteger(h.length) || h.length < 0 || h.offset < end || h.offset + h.length > params.text.length) {
      throw badRequest(`hole ${h.i} {offset: ${h.offset}, length: ${h.length}} is out of range or overlaps another (text has ${params.text.length} characters)`);
    }
    end = h.offset + h.length;
    if (h.context !== undefined) checkString(h.context, `holes[${h.i}].context`);
  }
  const budget = fillWindows(params);
  // The text after each hole up to the next one: a hole's suffix is its own gap and every later one.
  const gaps = order.map((h, k) => params.text.slice(h.offset + h.length, order[k + 1]?.offset ?? params.text.length));
  const fills: GenerateResult[] = new Array(order.length);
  let done = params.text.slice(0, order[0]?.offset ?? params.text.length); // up to the current hole, earlier ones filled
  for (const [k, h] of order.entries()) {
    const around = { prefix: done, suffix: gaps.slice(k).join('') };
    const context = h.context ?? '';
    const own = budget ? { ...budget, prefixTokens: Math.max(0, budget.prefixTokens - lm.tokenizer.encode(context).length) } : undefined;
    const { prefix, suffix } = own ? clipToWindows(lm.tokenizer, around.prefix, around.suffix, own) : around;
    const hole = { prefix: context + prefix, suffix, singleLine: h.singleLine === true, maxTokens: params.maxTokens, decoding: params.decoding };
    const r = await infill(lm, hole, { floor, report: 'unsureLines' }, hooks);
    fills[h.i] = r;
    done += r.text + gaps[k];
  }
  return { fills, text: done };
}

/** A fill's window budgets, both or neither. */
function fillWindows(p: FillParams): { prefixTokens: number; suffixTokens: number } | undefined {
  if (p.prefixTokens === undefined && p.suffixTokens === undefined) return undefined;
  for (const k of ['prefixTokens', 'suffixTokens'] as const) {
    if (!(Number.isInteger(p[k]) && p[k]! >= 0)) throw badRequest(`${k} must be an integer >= 0 when the other budget is given (is ${JSON.stringify(p[k])})`);
  }
  return { prefixTokens: p.prefixTokens!, suffixTokens: p.suffixTokens! };
}

export async function edit(lm: LoadedModel, params: EditParams, hooks: TaskHooks = {}): Promise<GenerateResult> {
  checkString(params.instruction, 'instruction');
  checkString(params.code, 'code');
  const opt = decodeOptions(lm, 'edit', params.maxTokens, params.decoding);
  if (hooks.token?.isCancellationRequested) return cancelled(lm);
  const ids = editPrompt(lm.tokenizer, lm.manifest, { instruction: params.instruction, code: params.code, language: params.language });
  const room = promptRoom(lm.manifest, opt.maxNewTokens);
  if (ids.length > room) {
    throw badRequest(`the edit prompt is ${ids.length} tokens; with maxTokens ${opt.maxNewTokens} the model's context (${lm.info.maxPositions} positions) leaves room for ${room}: select less code`);
  }
  const strip = lm.manifest.prompts.edit.stripFences === true;
  const undecodable = dropUndecodable(params.code, params.instruction);
  const text = (tokens: number[]) => {
    const s = undecodable(lm.tokenizer.decode(tokens));
    return strip ? stripFences(s) : s;
  };
  const floor = lineFloor(lm, params.minLineConfidence);
  // Marked, not cut: the user reviews every line of an edit before accepting it.
  return run(lm, ids, opt, undefined, text, hooks, { floor, report: 'unsureLines', skipLines: strip ? openingFenceLines : undefined });
}

/** How the result reports its lines' confidence: completions count the confident leading lines, edits and fills list the unsure ones. */
interface LineReport {
  floor: number;
  report: 'confidentLines' | 'unsureLines';
  /** Lines of the decoded answer that `text` leaves out at its start (an opening ``` fence). */
  skipLines?: (decoded: string) => number;
}

async function run(
  lm: LoadedModel,
  prompt: number[],
  opt: DecodeOptions,
  stop: ReadonlySet<number> | undefined,
  text: (tokens: number[]) => string,
  hooks: TaskHooks,
  lines?: LineReport,
): Promise<GenerateResult> {
  const t0 = performance.now();
  const r = await generate(lm.model, prompt, opt, { ...lm.special, stop }, {
    cache: lm.promptCache,
    token: hooks.token,
    onBlock: hooks.onBlock && ((tokens) => hooks.onBlock!(text(tokens), tokens.length)),
  });
  const answer = r.stoppedBy === 'repetition' ? endAtLineBreak(text(r.tokens)) : text(r.tokens);
  let report = {};
  if (lines) {
    const skip = lines.skipLines?.(lm.tokenizer.decode(r.tokens)) ?? 0;
    const all = lineConfidence(lm, r.tokens, r.confidences, answer.split('\n').length + skip);
    const conf = all.slice(skip);
    report =
      lines.report === 'confidentLines'
        ? { lineConfidence: conf, confidentLines: confidentLines(conf, lines.floor) }
        : { lineConfidence: conf, unsureLines: unsureLines(answer, conf, lines.floor) };
  }
  return {
    text: answer,
    ...report,
    tokens: r.tokens.length,
    forwardPasses: r.forwardPasses,
    decodingPasses: r.decodingPasses,
    ms: Math.round((performance.now() - t0) * 10) / 10,
    device: lm.info.device,
    stoppedBy: r.stoppedBy,
    promptTokens: r.promptTokens,
    reusedTokens: r.reusedTokens,
  };
}

export function cancelled(lm: LoadedModel | undefined, why: StopReason = 'cancelled'): GenerateResult {
  return { text: '', tokens: 0, forwardPasses: 0, decodingPasses: 0, ms: 0, device: lm?.info.device ?? '', stoppedBy: why, promptTokens: 0, reusedTokens: 0 };
}

/** The threshold a task decodes with: the request's, else the package's for infilling (if it has one), else its default. */
export function thresholdFor(defaults: DecodingDefaults, d: DecodingOptions, task: 'infill' | 'edit'): number {
  return d.threshold ?? (task === 'infill' ? defaults.infillThreshold : undefined) ?? defaults.threshold;
}

/** Package defaults overridden by the request; every value checked. */
export function decodeOptions(lm: LoadedModel, task: 'infill' | 'edit', maxTokens: unknown, d: DecodingOptions = {}): DecodeOptions {
  const m = lm.manifest;
  const most = Math.floor(m.architecture.maxPositions / 2);
  if (!Number.isInteger(maxTokens) || (maxTokens as number) < 1 || (maxTokens as number) > most) {
    throw badRequest(`maxTokens must be an integer in [1, ${most}] (is ${JSON.stringify(maxTokens)})`);
  }
  if (typeof d !== 'object' || d === null) throw badRequest('decoding must be an object');
  const o: DecodeOptions = {
    blockSize: m.blockSize,
    maxNewTokens: maxTokens as number,
    mode: d.mode ?? m.decoding.mode,
    threshold: thresholdFor(m.decoding, d, task),
    stepsPerBlock: d.stepsPerBlock ?? m.decoding.stepsPerBlock,
    promptLookup: d.promptLookup ?? m.decoding.promptLookup ?? true,
    draftStates: d.draftStates ?? m.decoding.draftStates ?? 0,
    temperature: d.temperature ?? m.decoding.temperature,
    seed: d.seed ?? 0,
    maxPositions: m.architecture.maxPositions,
  };
  if (o.mode !== 'threshold' && o.mode !== 'fixed') throw badRequest(`decoding.mode must be "threshold" or "fixed" (is ${JSON.stringify(o.mode)})`);
  if (!(typeof o.threshold === 'number' && o.threshold > 0 && o.threshold <= 1)) throw badRequest(`decoding.threshold must be in (0, 1] (is ${JSON.stringify(o.threshold)})`);
  if (!(Number.isInteger(o.stepsPerBlock) && o.stepsPerBlock >= 1)) throw badRequest(`decoding.stepsPerBlock must be an integer >= 1 (is ${JSON.stringify(o.stepsPerBlock)})`);
  if (!(typeof o.temperature === 'number' && o.temperature >= 0 && Number.isFinite(o.temperature))) throw badRequest(`decoding.temperature must be >= 0 (is ${JSON.stringify(o.temperature)})`);
  if (!(Number.isInteger(o.draftStates) && o.draftStates! >= 0 && o.draftStates! <= 16)) throw badRequest(`decoding.draftStates must be an integer in [0, 16] (is ${JSON.stringify(o.draftStates)})`);
  if (typeof o.promptLookup !== 'boolean') throw badRequest(`decoding.promptLookup must be true or false (is ${JSON.stringify(o.promptLookup)})`);
  if (!Number.isInteger(o.seed)) throw badRequest(`decoding.seed must be an integer (is ${JSON.stringify(o.seed)})`);
  return o;
}

/**
 * A byte-level model can emit bytes that are no character (half of an 'é' or an emoji, or a lone
 * continuation byte); they decode to U+FFFD, which Tab would put into the user's file. They are dropped
 * from the answer, unless the user's own text holds U+FFFD (then the model may be copying it).
 */
export function dropUndecodable(...userText: string[]): (answer: string) => string {
  if (userText.some((t) => t.includes('\uFFFD'))) return (answer) => answer;
  return (answer) => answer.replace(/\uFFFD/g, '');
}

function checkString(v: unknown, name: string): void {
  if (typeof v !== 'string') throw badRequest(`${name} must be a string (is ${v === undefined ? 'missing' : typeof v})`);
}

const OPENING_FENCE = /^\s*```[^\n]*\n/;

/** Lines of a decoded edit answer before its code: the opening fence, which stripFences removes. */
function openingFenceLines(decoded: string): number {
  return (OPENING_FENCE.exec(decoded)?.[0].match(/\n/g) ?? []).length;
}

/** The code inside a ``` fence when the answer is fenced (opening line optional: the prompt may hold it). */
export function stripFences(s: string): string {
  let out = s;
  const open = OPENING_FENCE.exec(out);
  if (open) out = out.slice(open[0].length);
  const close = out.search(/(^|\n)```/);
  if (close >= 0) out = out.slice(0, close + (out[close] === '\n' ? 1 : 0));
  return out;
}
