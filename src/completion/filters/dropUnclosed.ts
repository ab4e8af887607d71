/**
 * A fill is a finished proposal, not ghost text the user keeps typing after: one that opens a
 * triple-quoted string or a block comment and never closes it turns the rest of the file into that string
 * or comment, and one that opens a bracket and never closes it (`if (x) {` and an early EOS) leaves the
 * code after the hole out of shape. The fill is cut before the line that opens it (a hole is for code: a
 * fill that is only the start of a docstring or a block fills nothing). Not in the completion chain
 * (./index.ts): a suggestion while typing may open what the user goes on to write. Used by
 * ../holeFills.ts after the chain.
 */
import { leftOpen, unclosedBracketAt } from '../unclosed';
import type { Filter } from './types';

export const dropUnclosed: Filter = (c, ctx) => {
  const before = [...ctx.linesAbove, ctx.linePrefix].join('\n');
  const openBefore = new Set(leftOpen(before).map((o) => o.delimiters.open)); // the hole is inside one already: the fill may close it
  const opened = leftOpen(c.text).filter((o) => !openBefore.has(o.delimiters.open)).map((o) => o.at);
  const bracket = unclosedBracketAt(c.text);
  if (bracket >= 0) opened.push(bracket);
  if (opened.length === 0) return c;
  const text = c.text.slice(0, c.text.lastIndexOf('\n', Math.min(...opened)) + 1).replace(/\s+$/, '');
  return text.trim() ? { ...c, text } : undefined;
};
