/**
 * Post-processing filters: each takes the model's completion and the text around the cursor and
 * returns a corrected completion, or undefined to drop it. One filter per file, each with golden cases
 * in test/unit/filters-<name>.test.ts.
 */
export interface FilterContext {
  /** Text of the cursor line before / after the cursor. */
  linePrefix: string;
  lineSuffix: string;
  /** Lines above the cursor line (nearest last) and below it (nearest first); a few dozen suffice. */
  linesAbove: string[];
  linesBelow: string[];
  multiline: boolean;
  /** One level of indentation in this document: '\t' or N spaces. */
  indentUnit: string;
  tabSize: number;
}

export interface Candidate {
  /** Text to insert at the cursor. */
  text: string;
  /** How many characters right of the cursor the insertion replaces (auto-closed brackets/quotes). */
  replaceRight: number;
}

export type Filter = (c: Candidate, ctx: FilterContext) => Candidate | undefined;

/** Builds a FilterContext from a document's text and the cursor offset. */
export function filterContextAt(
  text: string,
  offset: number,
  opts: { multiline: boolean; indentUnit?: string; tabSize?: number; lines?: number },
): FilterContext {
  const lineStart = offset > 0 ? text.lastIndexOf('\n', offset - 1) + 1 : 0; // lastIndexOf(x, -1) still looks at index 0
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const n = opts.lines ?? 50;
  const above = lineStart > 0 ? text.slice(0, lineStart - 1).split('\n').slice(-n) : [];
  const below = lineEnd < text.length ? text.slice(lineEnd + 1).split('\n').slice(0, n) : [];
  return {
    linePrefix: text.slice(lineStart, offset),
    lineSuffix: text.slice(offset, lineEnd),
    linesAbove: above,
    linesBelow: below,
    multiline: opts.multiline,
    indentUnit: opts.indentUnit ?? '    ',
    tabSize: opts.tabSize ?? 4,
  };
}
