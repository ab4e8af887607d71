/**
 * A fill is a finished proposal, not ghost text the user keeps typing after: one that opens a
 * triple-quoted string or a block comment and never closes it turns the rest of the file into that string
 * or comment. The fill is cut before the line that opens it (a hole is for code: a fill that is only the
 * start of a docstring fills nothing). Not in the completion chain (./index.ts): a suggestion while typing
 * may open a docstring the user goes on to write. Used by ../holeFills.ts after the chain.
 */
import { leftOpen } from '../openComment';
import type { Filter } from './types';

export const dropUnclosedComment: Filter = (c, ctx) => {
  const before = [...ctx.linesAbove, ctx.linePrefix].join('\n');
  const openBefore = new Set(leftOpen(before).map((o) => o.delimiters.open)); // the hole is inside one already: the fill may close it
  let cut = c.text.length;
  for (const { at, delimiters } of leftOpen(c.text)) {
    if (!openBefore.has(delimiters.open)) cut = Math.min(cut, c.text.lastIndexOf('\n', at) + 1);
  }
  if (cut === c.text.length) return c;
  const text = c.text.slice(0, cut).replace(/\s+$/, '');
  return text.trim() ? { ...c, text } : undefined;
};
