/**
 * Last: no trailing whitespace or trailing blank lines (Tab would insert them), and nothing at all
 * when only whitespace is left.
 */
import type { Filter } from './types';

export const trimEmpty: Filter = (c) => {
  const text = c.text.replace(/[ \t]+$/gm, '').replace(/\n+$/, '');
  if (text.trim() === '' && c.replaceRight === 0) return undefined;
  return { ...c, text };
};
