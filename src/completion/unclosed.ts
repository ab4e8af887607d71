/**
 * What a text opens and never closes: a triple-quoted string or block comment left open turns everything
 * after it into that string or comment, and a bracket left open leaves the code after it out of shape. A
 * small model often starts a docstring or a block and stops (its budget, a loop, an unsure line, an early
 * EOS) before closing it; the filters and proposals that must not leave one open ask here.
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

const CLOSER: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/**
 * The brackets of `text` outside strings and comments: the closers with no opener in `text` (they close
 * what was opened before it) and the openers it leaves open, by index.
 */
function brackets(text: string): { stray: number[]; open: number[] } {
  const stray: number[] = [];
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const skip = skipQuotedOrComment(text, i);
    if (skip > i) {
      i = skip - 1;
      continue;
    }
    const c = text[i];
    if (c in CLOSER) open.push(i);
    else if (c === ')' || c === ']' || c === '}') {
      if (open.length > 0 && CLOSER[text[open[open.length - 1]]] === c) open.pop();
      else if (open.length === 0) stray.push(i);
    }
  }
  return { stray, open };
}

/** Index in `text` of the first bracket it opens and leaves open, or -1. */
export function unclosedBracketAt(text: string): number {
  return brackets(text).open[0] ?? -1;
}

/**
 * What `text` leaves open or closes of what came before it: docstrings and block comments left open,
 * closers with no opener, openers left open. Two texts of one shape fit into the same surroundings.
 */
export function shapeOf(text: string): string {
  const b = brackets(text);
  const chars = (at: number[]) => at.map((i) => text[i]).join('');
  return `${leftOpen(text).map((o) => o.delimiters.open).join(' ')}|${chars(b.stray)}|${chars(b.open)}`;
}

/** Where the string or comment starting at `i` ends (one past it; the text's end if never), or `i` if none starts there. */
function skipQuotedOrComment(text: string, i: number): number {
  const endOf = (close: string, from: number) => {
    const at = text.indexOf(close, from);
    return at < 0 ? text.length : at + close.length;
  };
  for (const d of PAIRS) if (text.startsWith(d.open, i)) return endOf(d.close, i + d.open.length);
  // A line comment; `#` only before a space (Python, shell), not JS's private names or Rust's attributes.
  if (text.startsWith('//', i) || (text[i] === '#' && /[ \t\n]/.test(text[i + 1] ?? '\n'))) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  }
  const q = text[i];
  if (q !== '"' && q !== "'" && q !== '`') return i;
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === q) return j + 1;
    else if (text[j] === '\n' && q !== '`') return j; // an unterminated one-line string (or an apostrophe in prose)
  }
  return text.length;
}
