/**
 * A suggestion that says the same lines over again right after saying them is a model in a loop: the
 * first copy is kept, the rest of the suggestion dropped. How many copies make a loop depends on how much
 * the lines say:
 * - a group of up to 8 lines with at least 12 word characters: twice. Held-out source files (build/corpus)
 *   do that 0.2 times per 1000 lines; the bundled model's multi-line suggestions 18 times per 1000 lines
 *   (its development tasks, as the editor shows them), and cutting there kept every right line.
 * - shorter lines (`x += 1`, `Account,`), in groups of up to 3: three times, since real code repeats them.
 * Blank lines and bracket-only lines never count. The worker's own loop rule (src/engine/repetition.ts)
 * waits for 48 tokens of loop, and a completion that stops at its first unsure line (confidentLines) is
 * often shorter than that.
 */
import type { Filter } from './types';

const LONGEST_GROUP = 8;
const SUBSTANTIAL = 12; // word characters in a group that make two copies a loop
const SHORT_GROUP = 3; // longest group of short lines looked for
const SHORT_COPIES = 3;

const wordChars = (lines: string[]) => lines.reduce((n, l) => n + (l.match(/\w/g)?.length ?? 0), 0);

export const dropRepeatedLines: Filter = (c, ctx) => {
  // Lines as the document will hold them: the first one continues the cursor line.
  const lines = c.text.split('\n');
  lines[0] = ctx.linePrefix + lines[0];
  const repeated = (i: number, k: number, copies: number) => {
    for (let n = 1; n < copies; n++) if (!lines.slice(i + n * k, i + (n + 1) * k).every((l, j) => l === lines[i + j])) return false;
    return true;
  };
  for (let i = 0; i < lines.length; i++) {
    for (let k = 1; k <= LONGEST_GROUP && i + 2 * k <= lines.length; k++) {
      const words = wordChars(lines.slice(i, i + k));
      if (words === 0) continue; // blank lines and closing brackets repeat in real code
      const copies = words >= SUBSTANTIAL ? 2 : k <= SHORT_GROUP ? SHORT_COPIES : 0;
      if (copies && i + copies * k <= lines.length && repeated(i, k, copies)) {
        return { ...c, text: c.text.split('\n').slice(0, i + k).join('\n') };
      }
    }
  }
  return c;
};
