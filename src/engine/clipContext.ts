/**
 * Fitting a prompt into the model's context. The model runs positions [0, maxPositions); an answer of
 * maxTokens may overrun to the end of its last block, so the prompt gets
 *     maxPositions - maxTokens - blockSize
 * positions. A fill-in-the-middle prompt that is too long keeps the text nearest the cursor: the end of
 * the prefix and the start of the suffix, cut at line boundaries. The suffix keeps at least a quarter of
 * the room when it needs it; the prefix gets the rest.
 */
import type { Manifest } from './package/manifest';
import { fimPrompt } from './prompts';
import type { CodeTokenizer } from './tokenizer';

export function promptRoom(m: Manifest, maxTokens: number): number {
  return m.architecture.maxPositions - maxTokens - m.blockSize;
}

export interface FimFit {
  ids: number[];
  /** Characters dropped from the start of the prefix and the end of the suffix. */
  clippedPrefix: number;
  clippedSuffix: number;
}

export function fitFimPrompt(tok: CodeTokenizer, m: Manifest, prefix: string, suffix: string, room: number): FimFit {
  let ids = fimPrompt(tok, m, prefix, suffix);
  if (ids.length <= room) return { ids, clippedPrefix: 0, clippedSuffix: 0 };
  const pre = tok.encode(prefix);
  const suf = tok.encode(suffix);
  const specials = ids.length - pre.length - suf.length;
  let avail = room - specials;
  if (avail <= 0) throw new Error(`no room left for the prompt in the model's ${m.architecture.maxPositions} positions`);
  // A few rounds: re-encoding clipped text can take a token more than the estimate.
  for (let round = 0; round < 8; round++) {
    const sufKeep = Math.min(suf.length, Math.max(Math.floor(avail / 4), avail - pre.length));
    const preKeep = Math.max(0, avail - sufKeep);
    const p = preKeep >= pre.length ? prefix : keepEnd(tok, pre, preKeep);
    const s = sufKeep >= suf.length ? suffix : keepStart(tok, suf, sufKeep);
    ids = fimPrompt(tok, m, p, s);
    if (ids.length <= room) return { ids, clippedPrefix: prefix.length - p.length, clippedSuffix: suffix.length - s.length };
    avail -= ids.length - room;
  }
  throw new Error('could not fit the prompt into the model context');
}

/**
 * The text nearest the cursor within token budgets (the editor's completion windows, src/completion/
 * context.ts, for requests that send their text whole: hole fills): the suffix's first suffixTokens up to
 * a line break, the prefix's last prefixTokens from a line start, the suffix's unused budget going to
 * the prefix. A model trained on short windows answers noise from a whole file's context (README).
 */
export function clipToWindows(tok: CodeTokenizer, prefix: string, suffix: string, budget: { prefixTokens: number; suffixTokens: number }): { prefix: string; suffix: string } {
  const suf = tok.encode(suffix);
  const keptSuffix = suf.length <= budget.suffixTokens ? suffix : keepStart(tok, suf, budget.suffixTokens);
  const prefixBudget = budget.prefixTokens + Math.max(0, budget.suffixTokens - suf.length);
  const pre = tok.encode(prefix);
  return { prefix: pre.length <= prefixBudget ? prefix : keepEnd(tok, pre, prefixBudget), suffix: keptSuffix };
}

/** Text of the last n tokens, from the first line start inside them. */
function keepEnd(tok: CodeTokenizer, ids: number[], n: number): string {
  if (n <= 0) return '';
  const text = tok.decode(ids.slice(ids.length - n)).replace(/^\uFFFD+/, '');
  const nl = text.indexOf('\n');
  return nl >= 0 && nl < text.length - 1 ? text.slice(nl + 1) : text;
}

/** Text of the first n tokens, up to the last line break inside them. */
function keepStart(tok: CodeTokenizer, ids: number[], n: number): string {
  if (n <= 0) return '';
  const text = tok.decode(ids.slice(0, n)).replace(/\uFFFD+$/, '');
  const nl = text.lastIndexOf('\n');
  return nl > 0 ? text.slice(0, nl + 1) : text;
}
