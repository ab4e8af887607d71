/**
 * Indentation: the editor already indented the cursor line, so a completion that starts with more
 * indentation than the code above allows loses the excess on its first line, and
 * indentation is rewritten in the document's style (tabs or spaces). Keeps Tab from fighting the
 * editor's own indentation and stops suggestions that land one level too deep.
 */
import type { Filter } from './types';
import { indentOf, indentWidth, isBlank, opensBlock } from '../text';

function restyle(indent: string, unit: string, tabSize: number): string {
  const width = indentWidth(indent, tabSize);
  if (unit === '\t') return '\t'.repeat(Math.floor(width / tabSize)) + ' '.repeat(width % tabSize);
  return ' '.repeat(width);
}

export const fixIndentation: Filter = (c, ctx) => {
  let lines = c.text.split('\n');
  const atIndent = ctx.linePrefix.trim() === '';

  if (atIndent) {
    // The deepest indentation that makes sense here: one level deeper than the line above if that
    // line opens a block, else the same as the line above.
    const above = [...ctx.linesAbove].reverse().find((l) => !isBlank(l));
    if (above !== undefined) {
      const aboveWidth = indentWidth(indentOf(above), ctx.tabSize);
      const unitWidth = indentWidth(ctx.indentUnit, ctx.tabSize);
      const allowed = aboveWidth + (opensBlock(above) ? unitWidth : 0);
      const have = indentWidth(ctx.linePrefix, ctx.tabSize);
      const lead = indentOf(lines[0]);
      const total = have + indentWidth(lead, ctx.tabSize);
      const excess = Math.min(indentWidth(lead, ctx.tabSize), total - allowed);
      if (excess > 0 && lines[0].trim() !== '') {
        // Only the first line: later lines carry absolute indentation that the model chose itself.
        lines[0] = ' '.repeat(indentWidth(lead, ctx.tabSize) - excess) + lines[0].slice(lead.length);
      }
    }
  }

  // Lines after the first start at column 0 of the document: put them in the document's style.
  lines = lines.map((l, i) => {
    if (i === 0 && !atIndent) return l;
    const ind = indentOf(l);
    if (ind === '') return l;
    return restyle(ind, ctx.indentUnit, ctx.tabSize) + l.slice(ind.length);
  });
  return { ...c, text: lines.join('\n') };
};
