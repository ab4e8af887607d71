/**
 * The inline-completion pipeline, editor-agnostic (the VS Code adapter is src/features/inlineCompletion.ts):
 *   cache (exact or typed-ahead) -> adaptive debounce -> prompt windows by token budget ->
 *   single/multi-line decision -> newest-only scheduler -> engine -> post-processing filters -> cache.
 * After a suggestion is accepted, what follows it is prefetched into the cache; where the cursor comes to
 * rest, the prompt is prefilled into the worker's KV cache. Asked explicitly (the
 * editor's cycling through suggestions), it adds sampled alternatives to the greedy suggestion.
 */
import type { CancellationToken } from 'vscode-jsonrpc';
import type { Engine } from '../client/types';
import type { DecodingOptions, GenerateResult } from '../engine/protocol';
import { CompletionCache } from './cache';
import { confidentText } from './confidentLines';
import { buildWindows, type TokenCounter } from './context';
import { AdaptiveDebounce } from './debounce';
import { filterContextAt, postProcess } from './filters';
import { isMultiline, type MultilineMode } from './multiline';
import { LatestOnlyScheduler } from './scheduler';
import { cacheKey } from './cache';
import { OtherFiles, otherFilesBudget, otherFilesContext } from './otherFiles';

export interface CompleterSettings {
  multiline: MultilineMode;
  prefixTokens: number;
  suffixTokens: number;
  maxNewTokens: number;
  decoding?: DecodingOptions;
  /** Lines below this confidence are not shown (./confidentLines.ts); absent: the model package's floor. */
  minLineConfidence?: number;
  /** Most prompt tokens for windows of other files (./otherFiles.ts), taken from prefixTokens; 0: none. */
  otherFilesTokens: number;
  debounceMinMs: number;
  debounceMaxMs: number;
  /** Prefill the prompt where the cursor comes to rest (prefill below). */
  prefillOnCursorRest: boolean;
  /**
   * Most prompt tokens the model takes with its answer in its trained window (promptTokensFor); the
   * windows shrink to fit, both sides alike. Absent: prefixTokens + suffixTokens.
   */
  maxPromptTokens?: number;
}

/**
 * The prompt tokens a completion may take so that it and its answer stay within the window the model was
 * trained on (ModelInfo.trainedPositions): on held-out completions in long files the bundled model's edit
 * similarity is 0.245 with 768 + 256 tokens around the cursor and 0.367 with 672 + 256 (README).
 */
export function promptTokensFor(model: { trainedPositions: number; blockSize: number }, maxNewTokens: number): number {
  const FIM_TOKENS = 4; // bos and the three FIM markers
  return Math.max(64, model.trainedPositions - maxNewTokens - model.blockSize - FIM_TOKENS);
}

/** The prefix and suffix windows' token budgets, shrunk alike to fit maxPromptTokens. */
export function windowBudget(s: Pick<CompleterSettings, 'prefixTokens' | 'suffixTokens' | 'maxPromptTokens'>): { prefixTokens: number; suffixTokens: number } {
  const fit = Math.min(1, (s.maxPromptTokens ?? Infinity) / (s.prefixTokens + s.suffixTokens));
  return { prefixTokens: Math.floor(s.prefixTokens * fit), suffixTokens: Math.floor(s.suffixTokens * fit) };
}

/** The settings' defaults: package.json's contributes.configuration repeats them (a unit test keeps them equal). */
export const DEFAULT_COMPLETER_SETTINGS: Readonly<CompleterSettings> = {
  multiline: 'auto',
  prefixTokens: 768,
  suffixTokens: 256,
  maxNewTokens: 96,
  otherFilesTokens: 256,
  debounceMinMs: 60,
  debounceMaxMs: 600,
  prefillOnCursorRest: true,
};

/** What the editor hands the core: the document's text (with '\n' line breaks) and the cursor. */
export interface CompletionInput {
  text: string;
  offset: number;
  indentUnit: string;
  tabSize: number;
  /** The document's path (workspace-relative) and language: other files of its language join the prompt, named in its comments. */
  path?: string;
  languageId?: string;
}

export interface CompletionOutput {
  /** Insert at the cursor, replacing `replaceRight` characters right of it. */
  text: string;
  replaceRight: number;
  source: 'model' | 'cache' | 'prefetch' | 'sample';
  multiline: boolean;
}

export interface CompleterEvents {
  log?(message: string): void;
  /** A model request finished (not from cache). */
  result?(r: GenerateResult): void;
  /** A post-processing filter dropped the model's answer ('unsure': its first line was below the floor). */
  dropped?(filter: string): void;
  /** The number of requests in the worker changed (0 or 1). */
  inFlight?(n: number): void;
}

/** Waits `ms`, or less if the token is cancelled; true when it was not cancelled. */
function sleep(ms: number, token?: CancellationToken): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!token?.isCancellationRequested);
  return new Promise((resolve) => {
    const sub = token?.onCancellationRequested(() => {
      clearTimeout(timer);
      sub?.dispose();
      resolve(false);
    });
    const timer = setTimeout(() => {
      sub?.dispose();
      resolve(!token?.isCancellationRequested);
    }, ms);
  });
}

let nextId = 1;

/** Sampling temperature for alternative suggestions: varied, still mostly what the model believes. */
export const ALTERNATIVE_TEMPERATURE = 0.7;

export class Completer {
  readonly cache = new CompletionCache(256);
  readonly scheduler = new LatestOnlyScheduler<GenerateResult>();
  readonly debounce: AdaptiveDebounce;
  /** The files the editor says the user worked in lately: context for every request. */
  readonly otherFiles = new OtherFiles();

  constructor(
    private readonly engine: Pick<Engine, 'complete'> & Partial<Pick<Engine, 'prefill'>>,
    private readonly counter: () => TokenCounter,
    private readonly settings: () => CompleterSettings,
    private readonly events: CompleterEvents = {},
    now: () => number = Date.now,
  ) {
    this.debounce = new AdaptiveDebounce(() => {
      const s = this.settings();
      return { minMs: s.debounceMinMs, maxMs: s.debounceMaxMs };
    }, now);
    this.scheduler.onInFlightChange = (n) => this.events.inFlight?.(n);
  }

  /** A completion at the cursor, or undefined (nothing useful, superseded or cancelled). */
  async provide(input: CompletionInput, token?: CancellationToken): Promise<CompletionOutput | undefined> {
    const at = this.cursor(input);
    if (!at) return undefined;
    const { prefix, suffix, multiline } = at;

    const hit = this.cache.get(prefix, suffix);
    if (hit) {
      const out = this.finish(hit.text, input, multiline, 'cache');
      if (out) {
        this.events.log?.(`complete: served from cache (typed ahead ${hit.typedAhead} chars)`);
        return out;
      }
    }

    const delay = this.debounce.next();
    if (!(await sleep(delay, token))) return undefined;
    const raw = await this.request(input, multiline, token, 'complete');
    if (raw === undefined) return undefined;
    return this.finish(raw, input, multiline, 'model');
  }

  /**
   * Up to `count` different suggestions for the editor to cycle through: the greedy one first (as
   * provide gives it), then answers sampled at ALTERNATIVE_TEMPERATURE with seeds 1, 2, ..., each through
   * the same filters; a text already offered counts once. Samples often repeat on a confident model, so a
   * few more are tried than asked. Sampled answers never enter the cache, which holds greedy ones.
   */
  async alternatives(input: CompletionInput, count: number, token?: CancellationToken): Promise<CompletionOutput[]> {
    const at = this.cursor(input);
    if (!at) return [];
    const out: CompletionOutput[] = [];
    const first = await this.provide(input, token);
    if (first) out.push(first);
    for (let seed = 1; out.length < count && seed <= count + 1 && !token?.isCancellationRequested; seed++) {
      const raw = await this.request(input, at.multiline, token, 'alternative', seed);
      const alt = raw === undefined ? undefined : this.finish(raw, input, at.multiline, 'sample');
      if (alt && !out.some((o) => o.text === alt.text)) out.push(alt);
    }
    return out;
  }

  /** Where the cursor is, or undefined inside a word (`fo|o`: a suggestion is almost never wanted there). */
  cursor(input: CompletionInput): { prefix: string; suffix: string; multiline: boolean } | undefined {
    const prefix = input.text.slice(0, input.offset);
    const suffix = input.text.slice(input.offset);
    const linePrefix = prefix.slice(prefix.lastIndexOf('\n') + 1);
    const nl = suffix.indexOf('\n');
    const lineSuffix = nl < 0 ? suffix : suffix.slice(0, nl);
    if (/^\w/.test(lineSuffix) && /\w$/.test(linePrefix)) return undefined;
    return { prefix, suffix, multiline: isMultiline(this.settings().multiline, linePrefix, lineSuffix) };
  }

  /**
   * The cursor came to rest at `input`, somewhere new: the prompt a completion there starts with goes
   * through the model now (diffcoder/prefill), so the request of the first keystroke there prefills only
   * what the keystroke adds (one-line p50 in `diffcoder bench`: first keystroke, prefilled vs cold).
   * Nothing is decoded, shown or cached; skipped while a request runs, and any request supersedes it.
   */
  async prefill(input: CompletionInput): Promise<void> {
    if (!this.settings().prefillOnCursorRest || !this.engine.prefill || this.scheduler.inFlight > 0 || !this.cursor(input)) return;
    const { windows, other } = this.prompt(input);
    const id = `p${nextId++}`;
    try {
      const r = await this.engine.prefill({ requestId: id, prefix: other.text + windows.prefix, suffix: windows.suffix, maxTokens: this.settings().maxNewTokens });
      this.events.log?.(`prefill ${id}: prompt ${r.promptTokens} tok (${r.reusedTokens} reused, ${r.prefilledTokens} prefilled), ${r.ms} ms${r.cancelled ? ', superseded' : ''}`);
    } catch (e) {
      this.events.log?.(`prefill ${id} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * The user accepted `output` at `input`: ask now for what follows it, so the next suggestion is
   * ready when the editor asks (the editor's request joins this one if it comes while it runs).
   */
  accepted(input: CompletionInput, output: CompletionOutput): void {
    const text = input.text.slice(0, input.offset) + output.text + input.text.slice(input.offset + output.replaceRight);
    const next: CompletionInput = { ...input, text, offset: input.offset + output.text.length };
    const prefix = text.slice(0, next.offset);
    const rest = text.slice(next.offset);
    const lineStart = prefix.lastIndexOf('\n') + 1;
    const nl = rest.indexOf('\n');
    const multiline = isMultiline(this.settings().multiline, prefix.slice(lineStart), nl < 0 ? rest : rest.slice(0, nl));
    void this.request(next, multiline, undefined, 'prefetch').catch(() => undefined);
  }

  /**
   * Sends one request through the scheduler; stores the model's raw answer in the cache. With a seed,
   * samples (ALTERNATIVE_TEMPERATURE) instead, and the answer is not cached.
   */
  private async request(
    input: CompletionInput,
    multiline: boolean,
    token: CancellationToken | undefined,
    kind: 'complete' | 'prefetch' | 'alternative',
    seed?: number,
  ): Promise<string | undefined> {
    const s = this.settings();
    const prefix = input.text.slice(0, input.offset);
    const suffix = input.text.slice(input.offset);
    const t0 = Date.now();
    const { windows, other } = this.prompt(input);
    const windowMs = Date.now() - t0;
    const others = other.snippets.length ? ` (other files ${other.tokens} tok: ${other.snippets.map((o) => `${o.path}:${o.line + 1}`).join(', ')})` : '';
    const id = `c${nextId++}`;
    const key = cacheKey(prefix, suffix) + (multiline ? '\u0001m' : '\u0001s') + (seed === undefined ? '' : `\u0001seed${seed}`);
    const decoding = seed === undefined ? s.decoding : { ...s.decoding, temperature: ALTERNATIVE_TEMPERATURE, seed };
    let result: GenerateResult | undefined;
    try {
      result = await this.scheduler.run(
        key,
        (t) => {
          this.events.log?.(`${kind} ${id} start: prefix ${windows.prefixTokens} tok${others}, suffix ${windows.suffixTokens} tok, ${multiline ? 'multi' : 'single'}-line, windows ${windowMs} ms, in flight ${this.scheduler.inFlight}`);
          const sent = Date.now();
          return this.engine
            .complete(
            {
              requestId: id,
              prefix: other.text + windows.prefix,
              suffix: windows.suffix,
              maxTokens: s.maxNewTokens,
              singleLine: !multiline,
              decoding,
              // Samples are shown whole (below); the greedy answer stops at its first unsure line.
              minLineConfidence: seed === undefined ? s.minLineConfidence ?? 'package' : 0,
            },
            t,
          )
            // One line per request leaving the worker: the e2e suite reads these to check that no two overlap.
            .finally(() => this.events.log?.(`${kind} ${id} settled after ${Date.now() - sent} ms, in flight ${this.scheduler.inFlight - 1}`));
        },
        token,
      );
    } catch (e) {
      if (token?.isCancellationRequested) return undefined;
      const msg = e instanceof Error ? e.message : String(e);
      if (/cancel/i.test(msg)) {
        this.events.log?.(`${kind} ${id} cancelled (${Date.now() - t0} ms)`);
        return undefined;
      }
      throw e;
    }
    if (!result) return undefined; // overtaken before it started, or joined and then cancelled
    this.events.log?.(
      `${kind} ${id} done: ${result.tokens} tok in ${result.forwardPasses} forwards, ${result.ms} ms, stopped by ${result.stoppedBy}, ` +
        `prompt ${result.promptTokens} tok (${result.reusedTokens} reused), total ${Date.now() - t0} ms`,
    );
    this.events.result?.(result);
    if (result.stoppedBy === 'cancelled') return undefined;
    // Sampled alternatives are asked for explicitly, and sampling makes every token less sure: shown whole.
    if (seed !== undefined) return result.text;
    const text = confidentText(result, windows.prefix);
    this.cache.set(prefix, suffix, text);
    if (text === '' && result.text.trim() !== '') {
      this.events.log?.(`complete: first line unsure (confidence ${result.lineConfidence?.[0]}): ${JSON.stringify(result.text.slice(0, 80))}`);
      if (kind === 'complete') this.events.dropped?.('unsure');
      return undefined;
    }
    if (text !== result.text) this.events.log?.(`complete: ${result.text.split('\n').length - result.confidentLines!} unsure line(s) not shown`);
    return text;
  }

  /** The prompt's parts at the cursor: windows of the document by token budget, and of the other files before them. */
  private prompt(input: CompletionInput) {
    const s = this.settings();
    const counter = this.counter();
    const prefix = input.text.slice(0, input.offset);
    const budget = windowBudget(s);
    const other = otherFilesContext(this.otherFiles, { prefix, path: input.path, languageId: input.languageId }, otherFilesBudget({ ...s, ...budget }), counter);
    const windows = buildWindows(input.text, input.offset, { prefixTokens: budget.prefixTokens - other.tokens, suffixTokens: budget.suffixTokens }, counter);
    return { windows, other };
  }

  private finish(raw: string, input: CompletionInput, multiline: boolean, source: CompletionOutput['source']): CompletionOutput | undefined {
    const ctx = filterContextAt(input.text, input.offset, { multiline, indentUnit: input.indentUnit, tabSize: input.tabSize });
    const { candidate, droppedBy } = postProcess(raw, ctx);
    if (!candidate) {
      if (source === 'model') {
        this.events.log?.(`complete: dropped by ${droppedBy}: ${JSON.stringify(raw.slice(0, 80))}`);
        this.events.dropped?.(droppedBy!);
      }
      return undefined;
    }
    return { text: candidate.text, replaceRight: candidate.replaceRight, source, multiline };
  }
}
