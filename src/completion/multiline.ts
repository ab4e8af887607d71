/**
 * Single-line or multi-line? Multi-line only where a block of code can start: the rest of the line is
 * empty, or the cursor sits right after a block opener with only auto-closed characters after it
 * (`def f():|`, `{|}`). Mid-line the model finishes the line and stops at its break.
 */
import { opensBlock } from './text';

export type MultilineMode = 'auto' | 'always' | 'never';

export function isMultiline(mode: MultilineMode, linePrefix: string, lineSuffix: string): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  if (lineSuffix.trim() === '') return true;
  // Only closers (and separators) right of the cursor, and the cursor is after `{`, `[` or `:`.
  // `(` is left out on purpose: `print(|)` wants the arguments, not a block.
  return /^[\s)\]}"'`;,]*$/.test(lineSuffix) && opensBlock(linePrefix) && !/\(\s*$/.test(linePrefix);
}
