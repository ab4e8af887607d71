/**
 * Edits of more code than the model was trained on. A model trained on short windows (the bundled one:
 * 1024 tokens, its package's architecture.trainedPositions) answers noise or loops once its prompt and
 * answer pass that (README). So a selection too long for one request is split into runs before its
 * top-level blocks (a line at the selection's least indentation after a blank line: the next function,
 * class or group of statements), packed greedily while a run and its answer fit the window, and each run
 * is edited with the same instruction in turn (only those holding the code it names in backquotes, when it
 * names any: runsNamed). The proposal is the runs' proposals in order, the blank lines between runs as they
 * were. A block too long to fit alone is sent whole.
 */
import type { Engine } from '../client/types';
import type { CancellationToken } from 'vscode-jsonrpc';
import type { EditParams, GenerateResult } from '../engine/protocol';
import type { TokenCounter } from './context';
import { finishedState, proposalOf, takenWhole } from './hunks';

/** Lines [from, to) of the selection; the run's code ends at its last non-blank line, the rest is kept as it is. */
export interface EditRun {
  from: number;
  to: number;
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * The selection's runs: one when it all fits (or cannot be split), else as few as fit. With `named` (the
 * code an instruction names, namedIn), blocks that hold it and blocks that do not never share a run, so
 * the runs the instruction is not about go unsent whole.
 */
export function editRuns(lines: readonly string[], fits: (code: string) => boolean, named?: (code: string) => boolean): EditRun[] {
  const whole = [{ from: 0, to: lines.length }];
  if (fits(lines.join('\n'))) return whole;
  const least = Math.min(...lines.filter((l) => l.trim()).map(indentOf));
  const starts = [0];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() && !lines[i - 1].trim() && indentOf(lines[i]) === least) starts.push(i);
  }
  const runs: (EditRun & { named: boolean })[] = [];
  for (const [k, from] of starts.entries()) {
    const to = starts[k + 1] ?? lines.length;
    const isNamed = named?.(lines.slice(from, to).join('\n')) ?? false;
    const last = runs[runs.length - 1];
    if (last && last.named === isNamed && fits(lines.slice(last.from, to).join('\n'))) last.to = to;
    else runs.push({ from, to, named: isNamed });
  }
  return runs.map(({ from, to }) => ({ from, to }));
}

/**
 * An edit request within `window` positions: whether the code fits with its answer (the prompt holds the
 * code and the instruction, and an answer runs about as long as the code, a little longer where it adds
 * comments), and the answer tokens the window leaves after the prompt.
 */
export function editWindow(window: number, instruction: string, counter: TokenCounter): { fits(code: string): boolean; answerTokens(code: string): number } {
  const fixed = counter.count(instruction) + 32; // the prompt's template and markers, and a block of slack
  return {
    fits: (code) => fixed + 2.2 * counter.count(code) <= window,
    answerTokens: (code) => Math.max(16, window - fixed - counter.count(code)),
  };
}

/**
 * The runs an instruction is about: where it names code in backquotes (`parse`, `if x is None`), the runs
 * that hold any of it; the others are left as they are (asked to "add a docstring to `parse`", a run
 * without parse came back changed more often than not). Every run when it names none, or none holds it.
 */
export function runsNamed(instruction: string, lines: readonly string[], runs: readonly EditRun[]): boolean[] {
  const named = namedIn(instruction);
  const holds = runs.map((r) => named(lines.slice(r.from, r.to).join('\n')));
  return holds.some(Boolean) ? holds : runs.map(() => true);
}

/** Whether code holds any of the code an instruction names in backquotes (a name as a whole word, a fragment as it is). */
export function namedIn(instruction: string): (code: string) => boolean {
  const named = [...instruction.matchAll(/`([^`\n]+)`/g)].map((m) => m[1].trim()).filter(Boolean);
  const tests = named.map((n) => (/^[\w$]+$/.test(n) ? (code: string) => new RegExp(`(^|[^\\w$])${n.replace(/\$/g, '\\$')}($|[^\\w$])`).test(code) : (code: string) => code.includes(n)));
  return (code) => tests.some((t) => t(code));
}

export interface RunsResult {
  /** The selection as the proposal, taken whole, leaves it. */
  text: string;
  /** Lines of `text` the model was unsure of, with the probability of their least sure token. */
  unsure: Map<number, number>;
  /** The answer of each run edited, in order (fewer when cancelled); runs the instruction is not about are not sent. */
  results: GenerateResult[];
  /** The run of each answer in `results` (runs the instruction is not about are not sent: runsNamed). */
  sent: number[];
  runs: readonly EditRun[];
  /** Cancelled before the last run was done: the runs not done are as they were. */
  cancelled: boolean;
}

/**
 * Edits the runs one after another. `onText` gets the selection as it stands while the answers stream:
 * the runs done as their proposals leave them, then the current run's answer so far (the lines after it
 * not reached yet). Each of several runs gets the answer tokens its window leaves, at most params.maxTokens.
 */
export async function editByRuns(
  engine: Pick<Engine, 'edit'>,
  params: Omit<EditParams, 'code' | 'stream'>,
  lines: readonly string[],
  runs: readonly EditRun[],
  window: { answerTokens(code: string): number },
  token?: CancellationToken,
  onText?: (text: string) => void,
): Promise<RunsResult> {
  const done: string[] = [];
  const unsure = new Map<number, number>();
  const results: GenerateResult[] = [];
  const sent: number[] = [];
  const asked = runs.length > 1 ? runsNamed(params.instruction, lines, runs) : [true];
  for (const [k, run] of runs.entries()) {
    if (!asked[k]) {
      done.push(...lines.slice(run.from, run.to)); // not what the instruction is about
      continue;
    }
    let end = run.to;
    // Between runs, blank lines stay as they are; the one run of a short selection is sent as selected.
    if (runs.length > 1) while (end > run.from && !lines[end - 1].trim()) end--;
    const original = lines.slice(run.from, end);
    const code = original.join('\n');
    // Code ends with a line break, as in training: held-out edits sent without it drop from 14.0 to 11.0 %
    // exact match (README). A trailing line break of a complete answer is no line of the proposal (proposalOf).
    const sentCode = code.endsWith('\n') ? code : code + '\n';
    const before = done.length ? done.join('\n') + '\n' : '';
    const r = await engine.edit(
      // One run is the whole selection: its budget is the request's. Runs get what the window leaves them.
      { ...params, code: sentCode, maxTokens: runs.length > 1 ? Math.min(params.maxTokens, window.answerTokens(code)) : params.maxTokens },
      token,
      onText && ((b) => onText(before + b.text)),
    );
    results.push(r);
    sent.push(k);
    if (r.stoppedBy === 'cancelled') {
      done.push(...lines.slice(run.from));
      return { text: done.join('\n'), unsure, results, runs, sent, cancelled: true };
    }
    const state = finishedState(r.stoppedBy);
    const reached = proposalOf(r.text, original, state).lines.length;
    for (const i of r.unsureLines ?? []) if (i < reached) unsure.set(done.length + i, r.lineConfidence?.[i] ?? 0);
    done.push(...takenWhole(r.text, original, state), ...lines.slice(end, run.to));
  }
  return { text: done.join('\n'), unsure, results, runs, sent, cancelled: false };
}
