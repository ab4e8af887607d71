/**
 * Command-line options shared by every `diffcoder` command, parsed with node's util.parseArgs, and the
 * install layout (where the worker and the bundled model are).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import type { DecodingOptions, LoadParams } from '../engine/protocol';

/** A mistake in how the command was called: printed with a hint, exit code 2. */
export class UsageError extends Error {}

/** dist/cli.js and src/cli/*.ts (under tsx) both sit one or two levels below the package root. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export const workerPath = () => path.join(packageRoot(), 'dist', 'worker.js');
export const bundledModel = () => path.join(packageRoot(), 'media', 'models', 'diffcoder-small');

export const COMMON_OPTIONS = {
  model: { type: 'string' },
  threshold: { type: 'string' },
  mode: { type: 'string' },
  steps: { type: 'string' },
  'prompt-lookup': { type: 'string' },
  'heal-prefix': { type: 'string' },
  drafts: { type: 'string' },
  temperature: { type: 'string' },
  seed: { type: 'string' },
  'max-tokens': { type: 'string' },
  providers: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export type Values = Record<string, string | boolean | string[] | undefined>;

export function parse(argv: string[], extra: OptionSpec = {}): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[\w+\]: /, ''));
  }
}

export function number(v: Values, name: string, check: (n: number) => boolean, want: string): number | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${want} (got ${JSON.stringify(raw)})`);
  return n;
}

export function loadParams(v: Values): LoadParams {
  const modelDir = path.resolve(typeof v.model === 'string' ? v.model : process.env.DIFFCODER_MODEL ?? bundledModel());
  if (!fs.existsSync(path.join(modelDir, 'diffcoder.json'))) {
    const what = fs.existsSync(modelDir) ? `${modelDir} is not a DiffCoder model package (no diffcoder.json)` : `no model package at ${modelDir}`;
    const hint = v.model === undefined ? 'The bundled model is missing from this install: pass --model DIR' : 'Pass --model DIR';
    throw new UsageError(`${what}.\n${hint} with a package folder, or make one from a checkpoint with \`diffcoder convert CHECKPOINT_DIR OUT_DIR\`.`);
  }
  // The platform's GPU providers first (src/engine/session/createSession.ts), the CPU last.
  const providers = typeof v.providers === 'string' ? v.providers.split(',').map((s) => s.trim()).filter(Boolean) : ['auto'];
  const threads = number(v, 'threads', (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0 (0: onnxruntime decides)');
  return { modelDir, providers, threads };
}

export function decoding(v: Values): DecodingOptions {
  const d: DecodingOptions = {};
  if (v.mode !== undefined) {
    if (v.mode !== 'threshold' && v.mode !== 'fixed') throw new UsageError(`--mode must be threshold or fixed (got ${JSON.stringify(v.mode)})`);
    d.mode = v.mode;
  }
  d.threshold = number(v, 'threshold', (n) => n > 0 && n <= 1, 'a number in (0, 1]');
  d.stepsPerBlock = number(v, 'steps', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1 (forward passes per block in fixed mode)');
  d.promptLookup = onOff(v, 'prompt-lookup');
  d.healPrefix = onOff(v, 'heal-prefix');
  d.draftStates = number(v, 'drafts', (n) => Number.isInteger(n) && n >= 0 && n <= 16, 'an integer in [0, 16] (drafted states per pass; 0: none)');
  d.temperature = number(v, 'temperature', (n) => n >= 0, 'a number >= 0');
  d.seed = number(v, 'seed', Number.isInteger, 'an integer');
  for (const k of Object.keys(d) as (keyof DecodingOptions)[]) if (d[k] === undefined) delete d[k];
  return d;
}

function onOff(v: Values, name: string): boolean | undefined {
  const s = v[name];
  if (s === undefined) return undefined;
  if (s !== 'on' && s !== 'off') throw new UsageError(`--${name} must be on or off (got ${JSON.stringify(s)})`);
  return s === 'on';
}

/** --min-line-confidence: the floor below which the editor does not show a completion's lines. */
export function minLineConfidence(v: Values): number | undefined {
  return number(v, 'min-line-confidence', (n) => n >= 0 && n <= 1, 'a number in [0, 1] (0: show every line)');
}

/** --other-files-tokens: the editor's diffcoder.completion.otherFilesTokens (0: only the file itself). */
export function otherFilesTokens(v: Values): number | undefined {
  return number(v, 'other-files-tokens', (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0 (0: no other files)');
}

export function maxTokens(v: Values, fallback: number): number {
  return number(v, 'max-tokens', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1') ?? fallback;
}

export function readSource(file: string | undefined, what: string): string {
  if (!file) throw new UsageError(`missing ${what}`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : code === 'EISDIR' ? `${file} is a folder, not a file` : `${file}: ${(e as Error).message}`);
  }
}

/**
 * A source file as the editor hands documents to the engine: '\n' line breaks (the model was trained on
 * them). `crlf`: every line break was '\r\n', so what is written back gets them again. A file that mixes
 * both is left as it is, so writing it back changes no line break the user did not ask to change.
 */
export function readDocument(file: string | undefined, what: string): { text: string; crlf: boolean } {
  const raw = readSource(file, what);
  const crlf = raw.includes('\r\n') && !/(^|[^\r])\n/.test(raw);
  return { text: crlf ? raw.replace(/\r\n/g, '\n') : raw, crlf };
}

/** The language name edit prompts get, from the file extension. */
export function languageOf(file: string): string {
  const ext = path.extname(file).toLowerCase().slice(1);
  const names: Record<string, string> = {
    py: 'python', js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript', ts: 'typescript', tsx: 'typescript',
    go: 'go', rs: 'rust', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', java: 'java', cs: 'csharp', rb: 'ruby',
    php: 'php', sh: 'shell', kt: 'kotlin', swift: 'swift', lua: 'lua', sql: 'sql',
  };
  return names[ext] ?? ext;
}
