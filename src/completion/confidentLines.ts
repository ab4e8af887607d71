/**
 * A diffusion model reports how sure it was of every token it committed; the worker sums that up per
 * line (GenerateResult.lineConfidence) and counts the leading lines that reach the package's floor
 * (confidentLines). Automatic suggestions show only those lines: a guess costs the user a read and an
 * Escape, and on held-out tasks the lines cut this way are almost never the right ones (MODEL_CARD.md).
 */
import type { GenerateResult } from '../engine/protocol';

/** The answer's text up to its first unsure line ('' when the first line is unsure). */
export function confidentText(r: Pick<GenerateResult, 'text' | 'confidentLines'>): string {
  if (r.confidentLines === undefined) return r.text;
  const lines = r.text.split('\n');
  return r.confidentLines >= lines.length ? r.text : lines.slice(0, r.confidentLines).join('\n');
}
