/**
 * Loop detection while decoding. A weak model can fall into repeating a phrase ("of the mean of the
 * mean of …") until the token budget: seconds of work on an edit, and garbage for the user to read. The
 * answer stops once its tail is one period (up to `maxPeriod` tokens) repeated verbatim, at least
 * `minRepeats` times and over at least `minCover` tokens; one copy of the period is kept (and an answer
 * that spans lines then ends at its last whole line, endAtLineBreak, applied in ./tasks.ts). Code rarely
 * repeats a stretch that long verbatim; a literal of two dozen equal items is the known case cut short.
 * scripts/diffcoder/sampler.py applies the same rule, and test/fixtures/repetition-cases.json holds the
 * golden cases both implementations are tested against.
 */
export interface RepetitionRule {
  minCover: number;
  minRepeats: number;
  maxPeriod: number;
}

export const REPETITION: RepetitionRule = { minCover: 48, minRepeats: 3, maxPeriod: 128 };

/** How many of `tokens` to keep when their tail loops (the shortest period wins), or -1 when it does not. */
export function loopCut(tokens: readonly number[], rule: RepetitionRule = REPETITION): number {
  const n = tokens.length;
  for (let p = 1; p <= Math.min(rule.maxPeriod, Math.floor(n / rule.minRepeats)); p++) {
    let r = 0; // trailing tokens equal to the token one period earlier
    while (r < n - p && tokens[n - 1 - r] === tokens[n - 1 - r - p]) r++;
    if (r + p >= Math.max(rule.minCover, rule.minRepeats * p)) return n - r;
  }
  return -1;
}

/** A looping answer that spans lines ends at its last whole line: a cut at a token can fall mid-line. */
export function endAtLineBreak(text: string): string {
  const nl = text.lastIndexOf('\n');
  return nl < 0 ? text : text.slice(0, nl + 1);
}
