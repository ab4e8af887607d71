/**
 * Hunks of a proposed rewrite, for the inline diff: which original lines go, which new lines come.
 * Computed with the `diff` library over lines. While the answer is still streaming, or when it was cut
 * before the model ended it, the original lines after the last matched line are "not reached" rather
 * than removed (partial mode).
 */
import { diffArrays } from 'diff';
import type { StopReason } from '../engine/protocol';
import { leftOpen, shapeOf } from './unclosed';

export interface Hunk {
  /** Index of the first original line this hunk replaces (or before which it inserts). */
  origStart: number;
  /** Index in the proposed lines of the first added line (where the hunk's new lines start). */
  newStart: number;
  removed: string[];
  added: string[];
}

export type HunkState = 'pending' | 'accepted' | 'rejected';

export function splitLinesOf(text: string): string[] {
  return text.length === 0 ? [] : text.replace(/\r\n?/g, '\n').split('\n');
}

/**
 * How far an answer got: still streaming; complete (the model ended it); or cut before the model ended
 * it (the token budget, the context, a loop), so the original lines it never reached are no part of it.
 */
export type AnswerState = 'streaming' | 'complete' | 'cut';

/** A finished answer's state: cut when the token budget, the context or a loop ended it, not the model. */
export function finishedState(why: StopReason): Exclude<AnswerState, 'streaming'> {
  return why === 'budget' || why === 'context' || why === 'repetition' ? 'cut' : 'complete';
}

/** The proposed lines of an answer, and whether its hunks are partial (its unreached tail kept). */
export function proposalOf(text: string, original: readonly string[], state: AnswerState): { lines: string[]; partial: boolean } {
  let lines = splitLinesOf(text);
  if (state !== 'complete') {
    // The last line may still grow, or was cut in the middle: it is no proposal yet. Nor are the lines
    // before it without a word character (blank, a lone brace): the diff would match them to a later
    // such line of the original and show every line between as removed, lines the answer never reached.
    lines = withoutWeakEnd(lines.slice(0, -1));
    if (state === 'cut') lines = keepingShape(lines, original);
    return { lines, partial: true };
  }
  // A trailing line break of the answer is no blank line to add (unless the original ends with one).
  while (lines.length > 0 && lines[lines.length - 1] === '' && original[original.length - 1] !== '') lines = lines.slice(0, -1);
  return { lines, partial: false };
}

/** The original lines as the answer's proposal, taken whole, leaves them (a cut answer keeps the lines it never reached). */
export function takenWhole(text: string, original: readonly string[], state: Exclude<AnswerState, 'streaming'>): string[] {
  const p = proposalOf(text, original, state);
  return applyHunks([...original], computeHunks([...original], p.lines, { partial: p.partial }), () => true);
}

/**
 * A cut answer's lines such that, taken, they leave the selection in the shape it had (./unclosed.ts):
 * nothing left open that the original closed, nothing closed that it left open. The model stopped where
 * it stopped: a docstring or block comment it was writing gets its closing line there, indented as the
 * opener's line (under JSDoc stars); taken open, it would turn the rest of the file into a string or
 * comment. Otherwise (a block it opened, `try {` with its body unwritten) the proposal ends before the
 * lines that changed the shape.
 */
function keepingShape(lines: string[], original: readonly string[]): string[] {
  const want = shapeOf(original.join('\n'));
  const fits = (ls: string[]) => shapeOf(applyHunks([...original], computeHunks([...original], ls, { partial: true }), () => true).join('\n')) === want;
  if (fits(lines)) return lines;
  const closed = withClosingLine(lines);
  if (closed && fits(closed)) return closed;
  let held = lines;
  while (held.length > 0 && !fits(held)) held = withoutWeakEnd(held.slice(0, -1));
  return held;
}

/** `lines` and a line closing the docstring or block comment they leave open, if they leave one open. */
function withClosingLine(lines: string[]): string[] | undefined {
  const open = leftOpen(lines.join('\n'));
  if (open.length !== 1) return undefined;
  const { at, delimiters } = open[0];
  const openerLine = lines.join('\n').slice(0, at).split('\n').length - 1;
  const indent = /^\s*/.exec(lines[openerLine])![0];
  // A block comment whose lines start with ' *' (JSDoc, Javadoc) closes with ' */' under them.
  const starred = delimiters.open === '/*' && lines.slice(openerLine + 1).some((l) => l.startsWith(indent + ' *'));
  return [...lines, indent + (starred ? ' ' : '') + delimiters.close];
}

/** Lines without their trailing lines that have no word character (blank, a lone brace). */
function withoutWeakEnd(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && !/\w/.test(lines[end - 1])) end--;
  return lines.slice(0, end);
}

export function computeHunks(original: string[], proposed: string[], opts: { partial?: boolean } = {}): Hunk[] {
  const parts = diffArrays(original, proposed);
  const hunks: Hunk[] = [];
  let orig = 0;
  let prop = 0;
  let open: Hunk | undefined;
  for (const p of parts) {
    if (!p.added && !p.removed) {
      open = undefined;
      orig += p.value.length;
      prop += p.value.length;
      continue;
    }
    if (!open) {
      open = { origStart: orig, newStart: prop, removed: [], added: [] };
      hunks.push(open);
    }
    if (p.removed) {
      open.removed.push(...p.value);
      orig += p.value.length;
    } else {
      open.added.push(...p.value);
      prop += p.value.length;
    }
  }
  if (opts.partial && hunks.length > 0) {
    // A last hunk that runs to the end of the original: the answer has not got that far yet. Only the
    // original lines it has rewritten so far count as removed: the leading ones with a look-alike among
    // its new lines, in order. New lines like none of them (a docstring being written) are insertions, and
    // the lines after them are not reached.
    const last = hunks[hunks.length - 1];
    if (last.origStart + last.removed.length === original.length) {
      last.removed = last.removed.slice(0, rewrittenSoFar(last.removed, last.added));
      if (last.removed.length === 0 && last.added.length === 0) hunks.pop();
    }
  }
  return hunks;
}

/** How many of `removed`, from the first, have a look-alike among `added`, in order. */
function rewrittenSoFar(removed: readonly string[], added: readonly string[]): number {
  let j = 0;
  for (const [k, line] of removed.entries()) {
    while (j < added.length && !lookAlike(line, added[j])) j++;
    if (j === added.length) return k;
    j++;
  }
  return removed.length;
}

/** Two lines alike enough to be one line rewritten: the same after trimming, or sharing half their words. */
function lookAlike(a: string, b: string): boolean {
  if (a.trim() === b.trim()) return true;
  const wa = new Set(a.match(/\w+/g) ?? []);
  const wb = new Set(b.match(/\w+/g) ?? []);
  let both = 0;
  for (const w of wa) if (wb.has(w)) both++;
  return both > 0 && both / (wa.size + wb.size - both) >= 0.5;
}

export type LineKind = 'same' | 'removed' | 'added';

export interface MergedLine {
  text: string;
  kind: LineKind;
  /** The hunk a removed/added line belongs to. */
  hunk?: number;
  /** An added line's index in the proposed lines. */
  proposed?: number;
}

/**
 * What the editor shows while a proposal is pending: the original lines, and after each pending
 * hunk's removed lines (red) its added lines (green). Accepted hunks show only their new lines,
 * rejected ones only their old lines.
 */
export function mergedView(original: string[], hunks: Hunk[], states: HunkState[]): MergedLine[] {
  const out: MergedLine[] = [];
  let orig = 0;
  hunks.forEach((h, i) => {
    while (orig < h.origStart) out.push({ text: original[orig++], kind: 'same' });
    const state = states[i] ?? 'pending';
    for (const line of h.removed) {
      if (state === 'pending') out.push({ text: line, kind: 'removed', hunk: i });
      else if (state === 'rejected') out.push({ text: line, kind: 'same' });
    }
    for (const [k, line] of h.added.entries()) {
      if (state === 'pending') out.push({ text: line, kind: 'added', hunk: i, proposed: h.newStart + k });
      else if (state === 'accepted') out.push({ text: line, kind: 'same' });
    }
    orig += h.removed.length;
  });
  while (orig < original.length) out.push({ text: original[orig++], kind: 'same' });
  return out;
}

/** The final lines with each hunk taken or left as `take` says. */
export function applyHunks(original: string[], hunks: Hunk[], take: (i: number) => boolean): string[] {
  const out: string[] = [];
  let orig = 0;
  hunks.forEach((h, i) => {
    while (orig < h.origStart) out.push(original[orig++]);
    out.push(...(take(i) ? h.added : h.removed));
    orig += h.removed.length;
  });
  while (orig < original.length) out.push(original[orig++]);
  return out;
}

/** One line-range replacement: at `line`, delete `deleteCount` lines and insert `insert`. */
export interface LineOp {
  line: number;
  deleteCount: number;
  insert: string[];
}

/**
 * The smallest line edits that turn `from` into `to` (what the editor shows now into what it should
 * show), positions relative to `from`. Lines both have in common are never touched: the user's own
 * lines stay as they are while green lines come and go.
 */
export function lineOps(from: string[], to: string[]): LineOp[] {
  const ops: LineOp[] = [];
  let i = 0;
  let open: LineOp | undefined;
  for (const p of diffArrays(from, to)) {
    if (!p.added && !p.removed) {
      open = undefined;
      i += p.value.length;
      continue;
    }
    if (!open) {
      open = { line: i, deleteCount: 0, insert: [] };
      ops.push(open);
    }
    if (p.removed) {
      open.deleteCount += p.value.length;
      i += p.value.length;
    } else open.insert.push(...p.value);
  }
  return ops;
}

/** Applies line ops (positions relative to the original) to an array of lines. */
export function applyLineOps(lines: string[], ops: LineOp[]): string[] {
  const out = [...lines];
  for (const op of [...ops].sort((a, b) => b.line - a.line)) out.splice(op.line, op.deleteCount, ...op.insert);
  return out;
}
