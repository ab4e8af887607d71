/**
 * Prefix healing (token healing). A cursor at the end of a word being typed cuts the text inside a token:
 * `    ret|` ends on the token ` ret`, where running text holds ` return`, so the model sees a token sequence
 * it rarely saw in training and often answers nothing. The prompt therefore ends before the word, and the
 * answer's first token must start with the word's text: the model chooses among ` ret`, ` return`,
 * ` retry`, ... as in running text, and the text shown is what follows the cursor.
 */
import type { CodeTokenizer } from './tokenizer';

export interface HealedPrefix {
  /** The prefix without the word being typed. */
  prefix: string;
  /** That word (with the space before it where tokens carry one): the answer starts with it, and it is removed from the answer's text. */
  removed: string;
  /** Ids whose text starts with `removed`: the answer's first token is one of them. */
  firstTokens: number[];
}

/** The healed prefix, or null where the prefix does not end in a word being typed. */
export function healPrefix(tok: CodeTokenizer, prefix: string): HealedPrefix | null {
  // Only a word being typed: healing after punctuation or spaces too (measured, README) suggested code at
  // more of the places where nothing belongs, for a point of exact match.
  const word = / ?\w+$/.exec(prefix.slice(prefix.lastIndexOf('\n') + 1))?.[0];
  if (!word) return null;
  // The longest end of the word that a token starts with: `foo.ba` may end on the tokens `b` `a`, and
  // `ba` is what `back` and `bar` start with.
  for (let at = 0; at < word.length; at++) {
    const removed = word.slice(at);
    const firstTokens = tok.idsStartingWith(removed);
    if (firstTokens.length) return { prefix: prefix.slice(0, prefix.length - removed.length), removed, firstTokens };
  }
  return null;
}

/** The answer's text after the healed-off text (an answer cut before its first token: as it is). */
export function afterRemoved(text: string, healed: HealedPrefix | null): string {
  return healed && text.startsWith(healed.removed) ? text.slice(healed.removed.length) : text;
}
