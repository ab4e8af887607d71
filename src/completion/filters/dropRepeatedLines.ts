/**
 * A suggestion that says the same line, or the same two or three lines, three times in a row is a model
 * in a loop: the first copy is kept, the rest of the suggestion dropped. The worker's own loop rule
 * (src/engine/repetition.ts) waits for 48 tokens of loop, and a completion that stops at its first unsure
 * line (confidentLines) is often shorter than that.
 */
import type { Filter } from './types';

const MOST_LINES = 3; // longest repeated group looked for
const COPIES = 3;

export const dropRepeatedLines: Filter = (c, ctx) => {
  // Lines as the document will hold them: the first one continues the cursor line.
  const lines = c.text.split('\n');
  lines[0] = ctx.linePrefix + lines[0];
  for (let i = 0; i < lines.length; i++) {
    for (let k = 1; k <= MOST_LINES && i + COPIES * k <= lines.length; k++) {
      const group = lines.slice(i, i + k);
      if (!group.some((l) => /\w/.test(l))) continue; // blank lines and closing brackets repeat in real code
      let copies = 1;
      while (copies < COPIES && lines.slice(i + copies * k, i + (copies + 1) * k).every((l, j) => l === group[j])) copies++;
      if (copies === COPIES) return { ...c, text: c.text.split('\n').slice(0, i + k).join('\n') };
    }
  }
  return c;
};
