/**
 * What a hole fill puts into the file: each of the worker's fills (FillResult.fills, one per hole) goes
 * through the same post-processing filters as a completion at the marker (./filters/), so a fill stops
 * at the end of its block, does not repeat the code after it, and leaves no trailing blank lines; and,
 * being a finished proposal, it may not leave a docstring, block comment or bracket open (dropUnclosed). A
 * hole the model had nothing for keeps its marker, so the user's request is not silently erased.
 *
 * The worker fills holes left to right, each in the context of the raw fills before it; the filters
 * only shorten or re-indent a fill, so that context differs from the final text only in what was cut.
 */
import type { FillParams, GenerateResult } from '../engine/protocol';
import { promptTokensFor, windowBudget, type CompleterSettings } from './completer';
import type { TokenCounter } from './context';
import type { HoleMarker } from './holes';
import { otherFilesBudget, otherFilesContext, type OtherFiles, type Snippet } from './otherFiles';
import { filterContextAt, postProcess } from './filters';
import { dropUnclosed } from './filters/dropUnclosed';

/** A fill's answer budget (the editor's and the CLI's): a function body, not a whole file. */
export const FILL_MAX_TOKENS = 256;

/**
 * The fill request's holes and windows, each hole's prompt what a completion at its marker would have: the
 * completion windows, fitted to the model's trained window with the fill's answer, and the code most like
 * it in the files worked in lately. Also the snippets used, for the log.
 */
export function fillRequest(
  text: string,
  holes: readonly HoleMarker[],
  doc: { path?: string; languageId?: string },
  files: OtherFiles,
  settings: Pick<CompleterSettings, 'prefixTokens' | 'suffixTokens' | 'otherFilesTokens'>,
  model: { trainedPositions: number; blockSize: number },
  maxTokens: number,
  counter: TokenCounter,
): Pick<FillParams, 'holes' | 'prefixTokens' | 'suffixTokens' | 'maxTokens'> & { snippets: Snippet[] } {
  const windows = windowBudget({ ...settings, maxPromptTokens: promptTokensFor(model, maxTokens) });
  const contexts = holes.map((h) => otherFilesContext(files, { prefix: text.slice(0, h.offset), ...doc }, otherFilesBudget({ ...settings, ...windows }), counter));
  return {
    holes: holes.map((h, i) => ({ offset: h.offset, length: h.length, singleLine: !h.wholeLine, context: contexts[i].text })),
    ...windows,
    maxTokens,
    snippets: contexts.flatMap((c) => c.snippets),
  };
}

export interface PlacedFills {
  /** The text with every fill placed; unfilled holes keep their marker. */
  text: string;
  /** Lines of `text` (0-based) holding filled code the model was unsure of -> the lowest probability of a token on them. */
  unsure: Map<number, number>;
  /** Indexes (into the holes given) of the holes left as they were, with the filter that dropped each fill or 'empty'. */
  unfilled: { hole: number; why: string }[];
}

/**
 * `holes` and `fills` in the same order (the order the holes were sent in); `text` is the text the holes'
 * offsets refer to.
 */
export function placeFills(
  text: string,
  holes: readonly HoleMarker[],
  fills: readonly Pick<GenerateResult, 'text' | 'lineConfidence' | 'unsureLines'>[],
  layout: { indentUnit?: string; tabSize?: number } = {},
): PlacedFills {
  const order = holes.map((h, i) => ({ h, i })).sort((a, b) => a.h.offset - b.h.offset);
  const unsure = new Map<number, number>();
  const unfilled: PlacedFills['unfilled'] = [];
  let out = '';
  let from = 0; // next character of `text` to copy
  for (const { h, i } of order) {
    out += text.slice(from, h.offset);
    from = h.offset + h.length;
    const rest = text.slice(from);
    const ctx = filterContextAt(out + rest, out.length, { multiline: h.wholeLine, ...layout });
    const raw = fills[i]?.text ?? '';
    const chain = postProcess(raw, ctx);
    const candidate = chain.candidate && dropUnclosed(chain.candidate, ctx);
    if (!candidate || !candidate.text.trim()) {
      out += text.slice(h.offset, from);
      unfilled.push({ hole: i, why: chain.droppedBy ?? (chain.candidate ? 'dropUnclosed' : 'empty') });
      continue;
    }
    const firstLine = out.split('\n').length - 1;
    for (const [line, conf] of unsureLinesOf(candidate.text, raw, fills[i])) unsure.set(firstLine + line, conf);
    out += candidate.text;
    from += Math.min(candidate.replaceRight, rest.length);
  }
  return { text: out + text.slice(from), unsure, unfilled };
}

/**
 * The fill's unsure lines, as lines of its post-processed text: each kept line is matched, in order, to
 * the raw line it came from (the filters cut lines and change indentation and trailing space, never the
 * order).
 */
function unsureLinesOf(shown: string, raw: string, fill: Pick<GenerateResult, 'lineConfidence' | 'unsureLines'> | undefined): [number, number][] {
  const marked = new Set(fill?.unsureLines ?? []);
  if (!marked.size) return [];
  const rawLines = raw.split('\n').map((l) => l.trim());
  const out: [number, number][] = [];
  let r = 0;
  shown.split('\n').forEach((line, j) => {
    const at = rawLines.indexOf(line.trim(), r);
    if (at < 0) return;
    r = at + 1;
    if (marked.has(at)) out.push([j, fill!.lineConfidence?.[at] ?? 0]);
  });
  return out;
}
