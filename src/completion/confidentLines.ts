/**
 * A diffusion model reports how sure it was of every token it committed; the worker sums that up per
 * line (GenerateResult.lineConfidence) and counts the leading lines that reach the package's floor
 * (confidentLines). Automatic suggestions show only those lines: a guess costs the user a read and an
 * Escape, and on held-out tasks the lines cut this way are almost never the right ones (MODEL_CARD.md).
 */
import type { GenerateResult } from '../engine/protocol';
import { leftOpen } from './unclosed';

/**
 * The answer's text up to its first unsure line ('' when the first line is unsure), less the lines at
 * the cut that only open what the unsure lines were to fill: a lone `"""`, `/**` or `{` is no suggestion
 * (the e2e suite's first Python ghost was `"""` alone). `before` is the text before the cursor, to tell
 * a docstring's opening quotes from its closing ones.
 */
export function confidentText(r: Pick<GenerateResult, 'text' | 'confidentLines'>, before = ''): string {
  if (r.confidentLines === undefined) return r.text;
  const lines = r.text.split('\n');
  if (r.confidentLines >= lines.length) return r.text;
  const kept = lines.slice(0, r.confidentLines);
  while (kept.length > 0 && opensOnly(kept, before)) kept.pop();
  return kept.join('\n');
}

/** Whether the last of `kept` has no word and is blank, ends with an opening bracket or opens a docstring or comment. */
function opensOnly(kept: string[], before: string): boolean {
  const last = kept[kept.length - 1];
  if (/\w/.test(last)) return false;
  if (!last.trim() || /[{([]\s*$/.test(last)) return true;
  const text = before + kept.join('\n');
  const lineStart = text.length - last.length;
  return leftOpen(text).some((o) => o.at >= lineStart);
}
