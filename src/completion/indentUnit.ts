/**
 * One level of indentation in a document, guessed from its text, for callers without an editor (the
 * CLI): the editor's own setting is used where there is one (src/features/inlineCompletion.ts).
 */
export function guessIndentUnit(text: string, tabSize = 4): { indentUnit: string; tabSize: number } {
  let tabs = 0;
  const steps = new Map<number, number>(); // increase in leading spaces from one line to the next -> count
  let prev = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (line.startsWith('\t')) {
      tabs++;
      continue;
    }
    const n = line.length - line.trimStart().length;
    if (n > prev) steps.set(n - prev, (steps.get(n - prev) ?? 0) + 1);
    prev = n;
  }
  let best = 0;
  let bestCount = 0;
  for (const [step, count] of steps) if (count > bestCount || (count === bestCount && step < best)) [best, bestCount] = [step, count];
  if (tabs > bestCount) return { indentUnit: '\t', tabSize };
  return { indentUnit: best > 0 && best <= 8 ? ' '.repeat(best) : ' '.repeat(tabSize), tabSize };
}
