/**
 * A multi-line completion stops at the end of the block the cursor is in: at the first line indented
 * less than the cursor's line (the code after the block, which the model invents), or - when the
 * cursor line opens a block - at the line that closes it (kept if it is only a closer, like `}`).
 * A dedented closer of a bracket opened before the cursor is kept unless the next line already has it.
 * A line that closes a bracket opened before the cursor also ends the completion, after that line.
 */
import type { Filter } from './types';
import { CLOSER_OF, OPENERS, indentOf, indentWidth, isBlank, isCloserLine, opensBlock } from '../text';

function bracketDelta(line: string): number {
  let d = 0;
  for (const ch of line) {
    if (OPENERS[ch]) d++;
    else if (CLOSER_OF[ch]) d--;
  }
  return d;
}

export const stopAtBlockEnd: Filter = (c, ctx) => {
  if (!ctx.multiline || !c.text.includes('\n')) return c;
  const lines = c.text.split('\n');
  const atIndent = ctx.linePrefix.trim() === '';
  const baseIndent = atIndent ? ctx.linePrefix + indentOf(lines[0]) : indentOf(ctx.linePrefix);
  const base = indentWidth(baseIndent, ctx.tabSize);
  const blockStart = !atIndent && opensBlock(ctx.linePrefix + lines[0]);

  const nextBelow = ctx.linesBelow.find((l) => !isBlank(l))?.trim();
  let depth = 0;
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (i > 0 && !isBlank(line)) {
      const w = indentWidth(indentOf(line), ctx.tabSize);
      if (w < base) {
        // A closer for a bracket opened before the cursor is kept, unless the document already has it.
        const closesOuter = isCloserLine(line) && depth + bracketDelta(line) < 0;
        end = closesOuter && nextBelow !== line.trim() ? i + 1 : i;
        break;
      }
      if (blockStart && w === base && i > 1) {
        end = isCloserLine(line) ? i + 1 : i;
        break;
      }
    }
    depth += bracketDelta(line);
    if (i > 0 && depth < 0) {
      end = i + 1;
      break;
    }
  }
  let kept = lines.slice(0, end);
  while (kept.length > 1 && isBlank(kept[kept.length - 1])) kept = kept.slice(0, -1);
  return { ...c, text: kept.join('\n') };
};
