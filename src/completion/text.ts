/** Small text helpers shared by the completion core and its filters (no editor types). */

/** Leading whitespace of a line. */
export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** Width of an indentation string, tabs counted as `tabSize` columns. */
export function indentWidth(indent: string, tabSize = 4): number {
  let w = 0;
  for (const ch of indent) w += ch === '\t' ? tabSize - (w % tabSize) : 1;
  return w;
}

export function isBlank(line: string): boolean {
  return line.trim().length === 0;
}

/** Closing brackets and quotes: what an editor auto-closes to the right of the cursor. */
export const CLOSERS = new Set([')', ']', '}', '"', "'", '`']);
export const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
export const CLOSER_OF: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** The run of closing brackets/quotes at the start of `s` (what auto-close put right of the cursor). */
export function leadingClosers(s: string): string {
  let i = 0;
  while (i < s.length && CLOSERS.has(s[i])) i++;
  return s.slice(0, i);
}

/** A line that only closes a block: `}`, `)`, `]);`, `end`, `fi`, `</div>`... */
export function isCloserLine(line: string): boolean {
  const t = line.trim();
  return /^[)\]}]+[;,)]*$/.test(t) || /^(end|fi|done|esac|endif|endfor|endwhile)\b/.test(t) || /^<\/[\w.-]+>$/.test(t);
}

/** A line (before the cursor) that opens a block: ends with `{`, `[`, `(` or a Python-style `:`. */
export function opensBlock(linePrefix: string): boolean {
  return /[{[(:]\s*$/.test(linePrefix) || /\b(then|do|else)\s*$/.test(linePrefix);
}

export function splitLines(text: string): string[] {
  return text.split('\n');
}
