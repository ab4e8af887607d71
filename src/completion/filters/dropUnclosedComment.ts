/**
 * A fill is a finished proposal, not ghost text the user keeps typing after: one that opens a
 * triple-quoted string or a block comment and never closes it turns the rest of the file into that string
 * or comment. The fill is cut before the line that opens it (a small model often starts a docstring and
 * runs out before closing it). Not in the completion chain (./index.ts): a suggestion while typing may
 * open a docstring the user goes on to write. Used by ../holeFills.ts after the chain.
 */
import type { Filter } from './types';

const PAIRS: ReadonlyArray<[open: string, close: string]> = [
  ['"""', '"""'],
  ["'''", "'''"],
  ['/*', '*/'],
];

/** Index in `text` of an opener left open at its end, or -1. */
function unclosedAt(text: string, open: string, close: string): number {
  let at = -1; // the opener still open
  for (let i = 0; i < text.length; ) {
    if (at < 0 && text.startsWith(open, i)) {
      at = i;
      i += open.length;
    } else if (at >= 0 && text.startsWith(close, i)) {
      at = -1;
      i += close.length;
    } else i++;
  }
  return at;
}

export const dropUnclosedComment: Filter = (c, ctx) => {
  const before = [...ctx.linesAbove, ctx.linePrefix].join('\n');
  let cut = c.text.length;
  for (const [open, close] of PAIRS) {
    if (unclosedAt(before, open, close) >= 0) continue; // the hole is inside one already: the fill may close it
    const at = unclosedAt(c.text, open, close);
    if (at >= 0) cut = Math.min(cut, c.text.lastIndexOf('\n', at) + 1);
  }
  if (cut === c.text.length) return c;
  const text = c.text.slice(0, cut).replace(/\s+$/, '');
  return text.trim() ? { ...c, text } : undefined;
};
