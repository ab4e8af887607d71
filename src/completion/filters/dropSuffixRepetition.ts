/**
 * Drops text that repeats what already follows the cursor: the most common complaint about code
 * completion. Three cases:
 *  - the completion is what the rest of the document starts with (nothing new) -> drop it;
 *  - the completion ends by re-typing the rest of the line -> cut that tail (for closers only,
 *    balanceAutoClosed widens the range instead);
 *  - a completion line repeats the next non-blank lines below the cursor -> cut from that line on.
 */
import type { Filter } from './types';
import { isBlank, leadingClosers } from '../text';

/** Lines too generic to count as a repetition on their own. */
function isTrivial(line: string): boolean {
  return line.trim().length <= 2 || /^[\s)\]}{;,]*$/.test(line);
}

export const dropSuffixRepetition: Filter = (c, ctx) => {
  const text = c.text;
  if (text.trim() === '') return c;
  const restOfLine = ctx.lineSuffix;
  const rest = [restOfLine, ...ctx.linesBelow].join('\n');

  // 1. Nothing new: the completion is the start of what follows.
  const restTrimmed = rest.replace(/^\s+/, '');
  if (restTrimmed.length > 0 && restTrimmed.startsWith(text.trim())) return undefined;

  let out = text;
  // 2. The completion's first line ends by re-typing the rest of the line: keep what comes before it.
  const restCore = restOfLine.trim();
  const firstLine = out.split('\n')[0].trimEnd();
  if (restCore.length > 0 && restCore !== leadingClosers(restCore) && firstLine.endsWith(restCore)) {
    out = firstLine.slice(0, firstLine.length - restCore.length);
    if (/^\s/.test(restOfLine)) out = out.trimEnd(); // the rest of the line brings its own space
  }

  // 3. A line of the completion repeats the next non-blank lines below the cursor.
  const below = ctx.linesBelow.filter((l) => !isBlank(l)).map((l) => l.trim());
  if (below.length > 0) {
    const lines = out.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i].trim();
      if (t === '' || t !== below[0]) continue;
      // A trivial line (`}`) only counts when the following lines match too.
      if (isTrivial(t)) {
        const next = lines.slice(i + 1).map((l) => l.trim()).filter((l) => l !== '');
        if (next.length === 0 || below.length < 2 || next[0] !== below[1]) continue;
      }
      if (i === 0 && ctx.linePrefix.trim() !== '') continue; // the first line continues the cursor line
      out = lines.slice(0, i).join('\n');
      break;
    }
  }
  if (out.trim() === '') return undefined;
  return { ...c, text: out };
};
