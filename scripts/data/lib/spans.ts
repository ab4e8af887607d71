/** Text cutting for the pretraining stream: chunks at line boundaries and random FIM spans. */
import { Prng } from './prng';

/** A cut at i would split a surrogate pair or "\r\n", or separate a combining mark / ZWJ from its base. */
export function isSafeCut(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return true;
  const a = text.charCodeAt(i - 1);
  const b = text.charCodeAt(i);
  if (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff) return false;
  if (a === 0x0d && b === 0x0a) return false;
  if (a === 0x200d || b === 0x200d) return false;
  const ch = String.fromCodePoint(text.codePointAt(i)!);
  return !/^[\p{M}\u{fe00}-\u{fe0f}\u{1f3fb}-\u{1f3ff}]/u.test(ch);
}

export function safeCut(text: string, i: number, dir: -1 | 1 = -1): number {
  i = Math.max(0, Math.min(text.length, i));
  while (!isSafeCut(text, i)) i += dir;
  return i;
}

/** Pieces of at most ~maxChars, cut after a line break where there is one. */
export function chunkAtLines(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (text.length - pos <= maxChars) {
      out.push(text.slice(pos));
      break;
    }
    let end = text.lastIndexOf('\n', pos + maxChars - 1) + 1;
    if (end <= pos) end = safeCut(text, pos + maxChars); // one very long line
    if (end <= pos) end = pos + maxChars;
    out.push(text.slice(pos, end));
    pos = end;
  }
  return out;
}

/** A random character-level FIM split of `text` into prefix / middle / suffix. */
export function randomFimSplit(rng: Prng, text: string): { prefix: string; middle: string; suffix: string } {
  let a = safeCut(text, rng.int(0, text.length));
  let b = safeCut(text, rng.int(0, text.length));
  if (a > b) [a, b] = [b, a];
  return { prefix: text.slice(0, a), middle: text.slice(a, b), suffix: text.slice(b) };
}
