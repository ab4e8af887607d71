/** `diffcoder complete | fill | edit | eval` (convert, download and check: ./models.ts). */
import * as fs from 'fs';
import { FILL_MAX_TOKENS, fillRequest, placeFills } from '../completion/holeFills';
import { guessIndentUnit } from '../completion/indentUnit';
import { findHoles } from '../completion/holes';
import { editByRuns, editRuns, editWindow, namedIn, type EditRun } from '../completion/editRuns';
import { finishedState } from '../completion/hunks';
import { DEFAULT_COMPLETER_SETTINGS, promptTokensFor } from '../completion/completer';
import type { MultilineMode } from '../completion/multiline';
import type { GenerateResult } from '../engine/protocol';
import { OtherFiles } from '../completion/otherFiles';
import { EditorCompletions, tokenCounterFor } from './editorCompletions';
import { withEngine } from './engine';
import { decoding, languageOf, loadParams, maxTokens, minLineConfidence, otherFilesTokens, parse, readDocument, readSource, UsageError } from './options';

type Out = (s: string) => void;
const stdout: Out = (s) => process.stdout.write(s);

/** The --json fields of one answer. */
function summary(r: GenerateResult) {
  const lines = r.lineConfidence ? { lineConfidence: r.lineConfidence, confidentLines: r.confidentLines, unsureLines: r.unsureLines } : {};
  return { text: r.text, tokens: r.tokens, forwardPasses: r.forwardPasses, decodingPasses: r.decodingPasses, ms: r.ms, device: r.device, stoppedBy: r.stoppedBy, promptTokens: r.promptTokens, reusedTokens: r.reusedTokens, ...lines };
}

/** 1-based LINE:COL -> character offset; COL may be one past the end of the line. */
export function offsetAt(text: string, at: string): number {
  const m = /^(\d+):(\d+)$/.exec(at);
  if (!m) throw new UsageError(`--at must be LINE:COL, 1-based (e.g. --at 12:5), got ${JSON.stringify(at)}`);
  const line = Number(m[1]);
  const col = Number(m[2]);
  const lines = text.split('\n');
  if (line < 1 || line > lines.length) throw new UsageError(`--at ${at}: line ${line} is outside the file (it has ${lines.length} lines)`);
  const len = lines[line - 1].replace(/\r$/, '').length;
  if (col < 1 || col > len + 1) throw new UsageError(`--at ${at}: column ${col} is outside line ${line} (it has ${len} characters; columns 1..${len + 1})`);
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
  offset += col - 1;
  // Columns count UTF-16 units, as VS Code's do; a cursor never sits between the two halves of an emoji.
  if (/[\uD800-\uDBFF]/.test(text[offset - 1] ?? '') && /[\uDC00-\uDFFF]/.test(text[offset] ?? '')) {
    throw new UsageError(`--at ${at}: column ${col} is inside a character that takes two columns (an emoji, say): use ${col - 1} or ${col + 1}`);
  }
  return offset;
}

/** --multiline, as the editor's diffcoder.completion.multiline setting. */
function multilineMode(v: Record<string, unknown>): MultilineMode {
  const m = v.multiline ?? 'auto';
  if (m !== 'auto' && m !== 'always' && m !== 'never') throw new UsageError(`--multiline must be auto, always or never (got ${JSON.stringify(m)})`);
  return m;
}

/**
 * Prints what the editor would show at the cursor, through the editor's completion core
 * (./editorCompletions.ts): nothing inside a word, one line mid-line, the post-processing filters.
 * --raw prints the model's answer as it came.
 */
export async function complete(argv: string[], out: Out = stdout): Promise<void> {
  const { values: v, positionals } = parse(argv, {
    at: { type: 'string' },
    multiline: { type: 'string' },
    raw: { type: 'boolean' },
    'min-line-confidence': { type: 'string' },
    other: { type: 'string', multiple: true },
    'other-files-tokens': { type: 'string' },
  });
  const { text } = readDocument(positionals[0], 'FILE: diffcoder complete FILE --at LINE:COL');
  // As files the user worked in lately, the first given the most recent.
  const others = ((v.other as string[] | undefined) ?? []).map((f) => ({ path: f, text: readDocument(f, '--other FILE').text }));
  if (typeof v.at !== 'string') throw new UsageError('missing --at LINE:COL (the cursor position, 1-based)');
  const offset = offsetAt(text, v.at);
  const multiline = multilineMode(v);
  const load = loadParams(v);
  await withEngine(load, v.verbose === true, async ({ engine, model, token }) => {
    const maxNewTokens = maxTokens(v, DEFAULT_COMPLETER_SETTINGS.maxNewTokens);
    const editor = new EditorCompletions(engine, load.modelDir, {
      multiline,
      maxNewTokens,
      maxPromptTokens: promptTokensFor(model, maxNewTokens),
      decoding: decoding(v),
      minLineConfidence: minLineConfidence(v),
      otherFilesTokens: otherFilesTokens(v) ?? DEFAULT_COMPLETER_SETTINGS.otherFilesTokens,
    });
    const a = await editor.at(text, offset, token, { path: positionals[0], languageId: languageOf(positionals[0]!), others });
    const shownText = a.shown?.text ?? '';
    if (v.json) {
      const model = a.result ? { ...summary(a.result), raw: a.result.text } : {};
      out(JSON.stringify({ ...model, text: shownText, ...(a.droppedBy ? { droppedBy: a.droppedBy } : {}), ...(a.insideWord ? { insideWord: true } : {}) }) + '\n');
      return;
    }
    if (a.insideWord) process.stderr.write('note: no suggestion: the cursor is inside a word, where the editor does not ask the model\n');
    else if (!v.raw && a.droppedBy === 'unsure') process.stderr.write(`note: no suggestion: the model is unsure of its answer's first line (confidence ${a.result?.lineConfidence?.[0]}); --min-line-confidence 0 shows it, --raw prints the whole answer\n`);
    else if (!v.raw && a.droppedBy) process.stderr.write(`note: no suggestion: the editor's ${a.droppedBy} filter drops the model's answer (--raw prints it)\n`);
    else if (!v.raw && a.result && a.result.confidentLines! < a.result.text.split('\n').length) {
      process.stderr.write(`note: the model's answer ends with ${a.result.text.split('\n').length - a.result.confidentLines!} line(s) it is unsure of, left out (--raw prints the whole answer)\n`);
    }
    const shown = v.raw ? a.result?.text ?? '' : shownText;
    out(shown + (shown.endsWith('\n') ? '' : '\n'));
  });
}

/**
 * Fills the file's holes as the editor's Fill All Holes does: each fill post-processed as a completion at
 * its marker (src/completion/holeFills.ts), markers kept where the model had nothing. --raw: the fills as
 * the model wrote them.
 */
export async function fill(argv: string[], out: Out = stdout): Promise<void> {
  const { values: v, positionals } = parse(argv, { write: { type: 'boolean' }, raw: { type: 'boolean' }, other: { type: 'string', multiple: true }, 'other-files-tokens': { type: 'string' } });
  const file = positionals[0];
  const { text, crlf } = readDocument(file, 'FILE: diffcoder fill FILE');
  const holes = findHoles(text);
  if (!holes.length) {
    throw new UsageError(`${file} has no hole to fill: mark one with a line holding only <FILL>, # FILL or // FILL, or with /*FILL*/ or <FILL> inside a line`);
  }
  const load = loadParams(v);
  // As the editor: the files worked in lately (the first given the most recent) give each hole context.
  const others = new OtherFiles();
  for (const f of [...((v.other as string[] | undefined) ?? [])].reverse()) others.remember(f, readDocument(f, '--other FILE').text, languageOf(f));
  const counter = tokenCounterFor(load.modelDir);
  await withEngine(load, v.verbose === true, async ({ engine, model, token }) => {
    // As the editor: each hole sees what a completion at its marker would see, fitted to the model's trained window.
    const s = { ...DEFAULT_COMPLETER_SETTINGS, otherFilesTokens: otherFilesTokens(v) ?? DEFAULT_COMPLETER_SETTINGS.otherFilesTokens };
    const request = fillRequest(text, holes, { path: file, languageId: languageOf(file!) }, others, s, model, maxTokens(v, FILL_MAX_TOKENS), counter);
    const r = await engine.fill(
      {
        text,
        holes: request.holes,
        maxTokens: request.maxTokens,
        prefixTokens: request.prefixTokens,
        suffixTokens: request.suffixTokens,
        decoding: decoding(v),
        minLineConfidence: 'package',
      },
      token,
    );
    const placed = placeFills(text, holes, r.fills, guessIndentUnit(text));
    const filled = v.raw ? r.text : placed.text;
    const unsure = v.raw ? [] : [...placed.unsure.keys()];
    if (v.write) fs.writeFileSync(file!, crlf ? filled.replace(/\r?\n/g, '\r\n') : filled);
    if (v.json) {
      const total = (k: 'tokens' | 'forwardPasses' | 'decodingPasses' | 'ms') => r.fills.reduce((s, f) => s + f[k], 0);
      out(
        JSON.stringify({
          text: filled,
          raw: r.text,
          tokens: total('tokens'),
          forwardPasses: total('forwardPasses'),
          decodingPasses: total('decodingPasses'),
          ms: Math.round(total('ms') * 10) / 10,
          device: r.fills[0]?.device,
          unsureLines: unsure,
          unfilled: placed.unfilled,
          fills: r.fills.map(summary),
        }) + '\n',
      );
      return;
    }
    if (!v.write) out(filled);
    if (!v.raw && placed.unfilled.length) {
      process.stderr.write(`note: the model had no fill for hole(s) ${placed.unfilled.map((u) => `${u.hole + 1} (${u.why})`).join(', ')}: their markers stay (--raw prints what it wrote)\n`);
    }
    if (unsure.length) {
      process.stderr.write(`note: the model is unsure of line(s) ${unsure.map((i) => i + 1).join(', ')} of the filled file (the editor marks them): check them\n`);
    }
  });
}

/**
 * Rewrites lines of a file from an instruction and prints them as the editor's proposal, taken whole,
 * would leave them: an answer cut short keeps the selected lines it never reached, and closes a docstring
 * it left open (src/completion/hunks.ts). --raw: the model's answer as it is.
 */
export async function edit(argv: string[], out: Out = stdout): Promise<void> {
  const { values: v, positionals } = parse(argv, { lines: { type: 'string' }, instruction: { type: 'string' }, raw: { type: 'boolean' } });
  const file = positionals[0];
  const { text } = readDocument(file, 'FILE: diffcoder edit FILE --lines A-B --instruction TEXT');
  if (typeof v.instruction !== 'string' || !v.instruction.trim()) throw new UsageError('missing --instruction TEXT (what to change)');
  const lines = text.split('\n');
  let from = 1;
  let to = lines.length;
  if (v.lines !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(String(v.lines));
    if (!m) throw new UsageError(`--lines must be A-B (1-based, inclusive) or A, got ${JSON.stringify(v.lines)}`);
    from = Number(m[1]);
    to = Number(m[2] ?? m[1]);
    if (from < 1 || to < from || to > lines.length) throw new UsageError(`--lines ${v.lines} is outside ${file} (lines 1-${lines.length})`);
  }
  const selected = lines.slice(from - 1, to);
  const instruction = v.instruction as string;
  const load = loadParams(v);
  await withEngine(load, v.verbose === true, async ({ engine, model, token }) => {
    // As the editor: a selection longer than the model's trained window is edited in runs (completion/editRuns.ts).
    const window = editWindow(model.trainedPositions, instruction, tokenCounterFor(load.modelDir));
    const runs = editRuns(selected, window.fits, namedIn(instruction));
    const params = { instruction, language: languageOf(file!), maxTokens: maxTokens(v, 512), decoding: decoding(v), minLineConfidence: 'package' as const };
    const r = await editByRuns(engine, params, selected, runs, window, token);
    const raw = r.results.map((x) => x.text).join('\n');
    const shown = v.raw ? raw : r.text;
    const linesOf = (run: EditRun) => `${from + run.from}-${from + run.to - 1}`;
    if (v.json) {
      const answers = r.results.map((x, k) => ({ lines: linesOf(runs[r.sent[k]]), ...summary(x) }));
      out(JSON.stringify({ ...(answers.length === 1 ? answers[0] : { runs: answers }), text: shown, raw }) + '\n');
      return;
    }
    out(shown + (shown.endsWith('\n') ? '' : '\n'));
    if (runs.length > 1) {
      const skipped = runs.length - r.sent.length;
      process.stderr.write(
        `note: lines ${from}-${to} with their answer are longer than the ${model.trainedPositions} positions the model was trained on: edited in ${runs.length} runs (lines ${runs.map(linesOf).join(', ')})` +
          (skipped ? `; ${skipped} without the code the instruction names are printed as they were` : '') + '\n',
      );
    }
    if (!v.raw && r.unsure.size) {
      process.stderr.write(`note: the model is unsure of line(s) ${[...r.unsure.keys()].map((i) => i + 1).join(', ')} of the new code (the editor marks them): check them\n`);
    }
    for (const [k, x] of r.results.entries()) {
      if (finishedState(x.stoppedBy) !== 'cut') continue;
      const early = x.stoppedBy === 'budget' ? 'the token budget (--max-tokens)' : x.stoppedBy === 'context' ? "the model's context (select fewer lines)" : 'a loop';
      const rest = v.raw ? '--raw prints only what it wrote' : 'the lines it never reached are printed as they were';
      process.stderr.write(`note: the answer stopped at ${early} before the model ended it: it covers only the start of lines ${linesOf(runs[r.sent[k]])} (${rest})\n`);
    }
  });
}

interface Task {
  task_id: string;
  prefix?: string;
  suffix?: string;
  code?: string;
  instruction?: string;
  /** With --as-editor: the task's file and language, and files the user worked in lately (most recent first). */
  path?: string;
  lang?: string;
  others?: { path: string; text: string; lang?: string }[];
}

/** Reads and checks every line before any model work, so a bad file fails in milliseconds. */
function readTasks(file: string, kind: 'infill' | 'edit'): Task[] {
  const text = readSource(file, 'TASKS.jsonl');
  const need = kind === 'infill' ? ['prefix', 'suffix'] : ['code', 'instruction'];
  const tasks: Task[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let t: Record<string, unknown>;
    try {
      t = JSON.parse(line);
    } catch (e) {
      throw new UsageError(`${file} line ${i + 1} is not JSON: ${(e as Error).message}`);
    }
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new UsageError(`${file} line ${i + 1} must be a JSON object`);
    if (typeof t.task_id !== 'string' && typeof t.task_id !== 'number') throw new UsageError(`${file} line ${i + 1} has no "task_id"`);
    for (const k of need) {
      if (typeof t[k] !== 'string') throw new UsageError(`${file} line ${i + 1} (task ${t.task_id}) needs a string "${k}" for --task ${kind}`);
    }
    tasks.push({ ...(t as unknown as Task), task_id: String(t.task_id) });
  });
  if (!tasks.length) throw new UsageError(`${file} holds no tasks`);
  return tasks;
}

export async function evalTasks(argv: string[], out: Out = stdout): Promise<void> {
  const { values: v, positionals } = parse(argv, {
    task: { type: 'string' },
    language: { type: 'string' },
    'single-line': { type: 'boolean' },
    'as-editor': { type: 'boolean' },
    multiline: { type: 'string' },
    'min-line-confidence': { type: 'string' },
    'other-files-tokens': { type: 'string' },
  });
  if (v.task !== 'infill' && v.task !== 'edit') throw new UsageError(`--task must be infill or edit (got ${v.task === undefined ? 'nothing' : JSON.stringify(v.task)})`);
  const kind = v.task;
  const asEditor = v['as-editor'] === true;
  if (kind === 'edit' && (v.multiline !== undefined || v['min-line-confidence'] !== undefined || v['other-files-tokens'] !== undefined)) {
    throw new UsageError('--multiline, --min-line-confidence and --other-files-tokens are for --task infill (inline completions)');
  }
  if (asEditor && v['single-line']) throw new UsageError('--as-editor decides one line or several as the editor does; --multiline never asks for one line');
  if (!asEditor && v.multiline !== undefined) throw new UsageError('--multiline goes with --as-editor (without it, --single-line)');
  if (!asEditor && v['min-line-confidence'] !== undefined) throw new UsageError('--min-line-confidence goes with --as-editor (without it, every answer is scored whole)');
  if (!asEditor && v['other-files-tokens'] !== undefined) throw new UsageError('--other-files-tokens goes with --as-editor (the editor puts the tasks\' "others" into the prompt)');
  const tasks = readTasks(positionals[0] ?? '', kind);
  // As the editor: its completion budget; otherwise room for a whole held-out middle or edit (the editor's edit budget).
  const budget = maxTokens(v, kind === 'edit' ? 1024 : asEditor ? DEFAULT_COMPLETER_SETTINGS.maxNewTokens : 256);
  const dec = decoding(v);
  const load = loadParams(v);
  await withEngine(load, v.verbose === true, async ({ engine, model, token }) => {
    const t0 = Date.now();
    let tokens = 0;
    let passes = 0;
    let decoding = 0; // passes that decided answer positions (without a prefill run apart)
    let shownCount = 0;
    const singleLine = v['single-line'] === true;
    const counter = tokenCounterFor(load.modelDir);
    const editor = asEditor && kind === 'infill'
      ? new EditorCompletions(engine, load.modelDir, {
          multiline: multilineMode(v),
          maxNewTokens: budget,
          maxPromptTokens: promptTokensFor(model, budget),
          decoding: dec,
          minLineConfidence: minLineConfidence(v),
          otherFilesTokens: otherFilesTokens(v) ?? DEFAULT_COMPLETER_SETTINGS.otherFilesTokens,
        })
      : undefined;
    for (const [i, t] of tasks.entries()) {
      if (token.isCancellationRequested) break;
      let r: GenerateResult | undefined;
      let line: Record<string, unknown>;
      if (editor) {
        const a = await editor.at(t.prefix! + t.suffix!, t.prefix!.length, token, { path: t.path, languageId: t.lang, others: t.others?.map((o) => ({ path: o.path, text: o.text, languageId: o.lang })) });
        r = a.result;
        if (a.shown) shownCount++;
        const why = a.insideWord ? 'inside a word' : a.droppedBy ? `dropped by ${a.droppedBy}` : undefined;
        line = { task_id: t.task_id, completion: a.shown ? insertedMiddle(t.suffix!, a.shown.text, a.shown.replaceRight) : '', ...(why ? { not_shown: why } : {}) };
      } else if (asEditor) {
        // The edit command's proposal, taken whole: in runs where the code and its answer pass the model's trained window.
        const code = t.code!.split('\n');
        const window = editWindow(model.trainedPositions, t.instruction!, counter);
        const runs = editRuns(code, window.fits, namedIn(t.instruction!));
        const language = typeof v.language === 'string' ? v.language : undefined;
        const e = await editByRuns(engine, { instruction: t.instruction!, language, maxTokens: budget, decoding: dec }, code, runs, window, token);
        const sum = (k: 'tokens' | 'forwardPasses' | 'decodingPasses' | 'ms') => e.results.reduce((a, x) => a + x[k], 0);
        r = { ...e.results[e.results.length - 1], tokens: sum('tokens'), forwardPasses: sum('forwardPasses'), decodingPasses: sum('decodingPasses'), ms: sum('ms') };
        line = { task_id: t.task_id, completion: e.text, runs: runs.length };
      } else {
        r =
          kind === 'infill'
            ? await engine.complete({ prefix: t.prefix!, suffix: t.suffix!, maxTokens: budget, singleLine, decoding: dec }, token)
            : await engine.edit({ instruction: t.instruction!, code: t.code!, language: typeof v.language === 'string' ? v.language : undefined, maxTokens: budget, decoding: dec }, token);
        line = { task_id: t.task_id, completion: r.text, ...(r.lineConfidence ? { line_confidence: r.lineConfidence } : {}) };
      }
      if (r) {
        line.stopped_by = r.stoppedBy; // eos, budget, repetition, context...: whether the answer is whole
        tokens += r.tokens;
        passes += r.forwardPasses;
        decoding += r.decodingPasses;
      }
      out(JSON.stringify(line) + '\n');
      const what = r ? `${r.tokens} tokens, ${r.forwardPasses} passes, ${Math.round(r.ms)} ms (${r.stoppedBy})` : 'no request';
      process.stderr.write(`[${i + 1}/${tasks.length}] ${t.task_id}: ${what}${line.not_shown ? `, not shown: ${line.not_shown}` : ''}\n`);
    }
    const s = (Date.now() - t0) / 1000;
    process.stderr.write(
      `done: ${tasks.length} tasks, ${tokens} tokens, ${passes} forward passes, ${decoding} decoding passes ` +
        `(${(tokens / Math.max(1, decoding)).toFixed(2)} tokens per decoding pass) in ${s.toFixed(1)} s` +
        (editor ? `; the editor shows a suggestion for ${shownCount}` : '') + '\n',
    );
  });
}

/**
 * The middle that a shown suggestion puts between prefix and suffix: its text replaces `replaceRight`
 * characters of the suffix (auto-closed brackets it re-types), so the document ends as
 * prefix + text + suffix[replaceRight:]; where that still ends with the whole suffix, the middle is what
 * comes before it.
 */
export function insertedMiddle(suffix: string, text: string, replaceRight: number): string {
  const after = text + suffix.slice(replaceRight);
  return after.endsWith(suffix) ? after.slice(0, after.length - suffix.length) : text;
}
