/**
 * Docstrings and block comments left open: text that opens a triple-quoted string or a block comment and
 * never closes it turns everything after it into that string or comment. A small model often starts a
 * docstring and stops (its budget, a loop, an unsure line) before closing it; the filters and proposals
 * that must not leave one open ask here.
 */

export interface Delimiters {
  open: string;
  close: string;
}

const PAIRS: readonly Delimiters[] = [
  { open: '"""', close: '"""' },
  { open: "'''", close: "'''" },
  { open: '/*', close: '*/' },
];

/** Index in `text` of an opener of `d` left open at its end, or -1. */
function unclosedAt(text: string, d: Delimiters): number {
  let at = -1; // the opener still open
  for (let i = 0; i < text.length; ) {
    if (at < 0 && text.startsWith(d.open, i)) {
      at = i;
      i += d.open.length;
    } else if (at >= 0 && text.startsWith(d.close, i)) {
      at = -1;
      i += d.close.length;
    } else i++;
  }
  return at;
}

/** Each kind of docstring or block comment that `text` leaves open, with where its opener is. */
export function leftOpen(text: string): { at: number; delimiters: Delimiters }[] {
  return PAIRS.map((d) => ({ at: unclosedAt(text, d), delimiters: d })).filter((o) => o.at >= 0);
}
