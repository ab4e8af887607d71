/**
 * In single-line mode keep only the rest of the current line. A completion that starts with a line
 * break (the model wants to go on below) is cut to nothing, i.e. dropped later.
 */
import type { Filter } from './types';

export const singleLine: Filter = (c, ctx) => {
  if (ctx.multiline) return c;
  const nl = c.text.indexOf('\n');
  return nl < 0 ? c : { ...c, text: c.text.slice(0, nl) };
};
