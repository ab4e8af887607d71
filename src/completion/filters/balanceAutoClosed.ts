/**
 * Brackets and quotes against auto-close. When the editor auto-closed `(`, `[`, `{` or a quote, the
 * closer sits right of the cursor. If the completion types that closer again, the insertion replaces
 * it (replaceRight) instead of doubling it: `print(|)` + `"hi")` -> replace `)` with `"hi")`.
 * A single-line completion that closes more than was opened above it loses the extra closers.
 */
import type { Filter } from './types';
import { CLOSER_OF, OPENERS, leadingClosers } from '../text';

/** Closers in `text` that have no opener in `before + text`, by index in `text`. */
function unmatchedClosers(before: string, text: string): number[] {
  const stack: string[] = [];
  for (const ch of before) {
    if (OPENERS[ch]) stack.push(ch);
    else if (CLOSER_OF[ch] && stack[stack.length - 1] === CLOSER_OF[ch]) stack.pop();
  }
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (OPENERS[ch]) stack.push(ch);
    else if (CLOSER_OF[ch]) {
      if (stack[stack.length - 1] === CLOSER_OF[ch]) stack.pop();
      else out.push(i);
    }
  }
  return out;
}

export const balanceAutoClosed: Filter = (c, ctx) => {
  const autoClosed = leadingClosers(ctx.lineSuffix.slice(c.replaceRight));
  let text = c.text;
  let replaceRight = c.replaceRight;

  if (autoClosed.length > 0) {
    // The longest start of the auto-closed run that the completion ends with (ignoring trailing blanks
    // and a statement terminator the model may add after it).
    const body = text.replace(/\s+$/, '');
    for (let j = autoClosed.length; j > 0; j--) {
      const run = autoClosed.slice(0, j);
      if (body.endsWith(run)) {
        text = body;
        replaceRight += j;
        break;
      }
      const m = /^(.*?)([;,])$/s.exec(body);
      if (m && m[1].endsWith(run) && ctx.lineSuffix.slice(replaceRight + j).trim() === '') {
        text = body;
        replaceRight += j;
        break;
      }
    }
  }

  if (!text.includes('\n')) {
    // Extra closers at the end of a single-line completion: the line never opened them.
    const restAfter = ctx.lineSuffix.slice(replaceRight);
    const extra = unmatchedClosers([...ctx.linesAbove, ctx.linePrefix].join('\n'), text);
    const trailing = /[)\]}]*$/.exec(text)![0];
    const firstTrailing = text.length - trailing.length;
    const strip = extra.filter((i) => i >= firstTrailing).length;
    if (strip > 0 && restAfter.trim() === '' && extra.every((i) => i >= firstTrailing)) {
      text = text.slice(0, text.length - strip);
    }
  }
  if (text.trim() === '' && replaceRight === 0) return undefined;
  return { text, replaceRight };
};
