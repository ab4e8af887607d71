/**
 * Context from other files: the code the user has open or was just in often defines the names the
 * cursor needs (a helper in the next file, a type in the one before). The editor tells this core which
 * files it used recently (remember); at each request the windows of those files (in the same language)
 * most like the code above the cursor (Jaccard similarity of their identifiers, as the
 * neighbouring-snippet prompts of Copilot and Continue rank them) go into the prompt before the file's
 * own prefix, each under a comment naming its file. They take their tokens from the prefix budget, so
 * the prompt is no longer than without them (the bundled model was trained on 1024-token windows).
 *
 * The snippets are code as it stands, not commented out: on held-out tasks whose answer needs a name
 * from a neighbouring file (scripts/data/crossfile_tasks.py), the bundled model wrote the name 34 times of
 * 296 with plain snippets, 17 with commented-out ones and 19 with none (README).
 *
 * The choice depends only on whole lines above the cursor line, so while the user types on one line
 * the prompt keeps the same start and the worker reuses its KV cache.
 */
import type { TokenCounter } from './context';

/** Recently used files kept (most recent first); an older one is forgotten. */
const MAX_FILES = 8;
/** A file longer than this is not kept (a generated or data file, not code to imitate). */
const MAX_FILE_CHARS = 500_000;
/** Lines per window of another file, and the step between windows (they overlap by half). */
const WINDOW_LINES = 20;
const WINDOW_STEP = 10;
/** Whole lines above the cursor line that the windows are compared with. */
const QUERY_LINES = 20;
/** Ranked windows tried for the budget at each request. */
const MAX_CANDIDATES = 8;
/** A window sharing less than this share of names with the query is left out (0.05 and 0.2 did about as well: README). */
export const MIN_SIMILARITY = 0.1;

export interface Snippet {
  path: string;
  /** 0-based line of the window's first line in its file. */
  line: number;
  text: string;
  similarity: number;
}

interface Window {
  line: number;
  text: string;
  ids: Set<string>;
}

interface RememberedFile {
  path: string;
  text: string;
  family: string;
  windows: Window[];
}

/** The names in a text: words of 3+ characters that start with a letter, `_` or `$` (keywords too). */
export function identifiers(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_$][\w$]{2,}/g) ?? []);
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

function windowsOf(text: string): Window[] {
  const lines = text.split('\n');
  const out: Window[] = [];
  for (let line = 0; line < lines.length; line += WINDOW_STEP) {
    const body = lines.slice(line, line + WINDOW_LINES).join('\n');
    if (body.trim()) out.push({ line, text: body, ids: identifiers(body) });
    if (line + WINDOW_LINES >= lines.length) break;
  }
  return out;
}

/** The files the user worked in lately, split into windows once per version. */
export class OtherFiles {
  private files: RememberedFile[] = [];

  /** The file was opened, shown, saved or edited: keep (or refresh) it as the most recent. */
  remember(path: string, text: string, languageId: string): void {
    const known = this.files.find((f) => f.path === path);
    this.files = this.files.filter((f) => f.path !== path);
    if (text.length > MAX_FILE_CHARS || !text.trim()) return;
    const family = familyOf(languageId);
    const file = known && known.text === text && known.family === family ? known : { path, text, family, windows: windowsOf(text) };
    this.files.unshift(file);
    this.files.length = Math.min(this.files.length, MAX_FILES);
  }

  clear(): void {
    this.files = [];
  }

  get paths(): string[] {
    return this.files.map((f) => f.path);
  }

  /**
   * The windows of the other files in the language's family most like the code above the cursor, best
   * first, at most one per file region (overlapping windows of a file are never both taken), each at
   * least MIN_SIMILARITY.
   */
  rank(prefix: string, exclude: string | undefined, languageId: string | undefined): Snippet[] {
    const query = identifiers(queryOf(prefix));
    if (query.size === 0) return [];
    const family = familyOf(languageId);
    const all: Snippet[] = [];
    for (const f of this.files) {
      if (f.path === exclude || f.family !== family) continue;
      for (const w of f.windows) {
        const similarity = jaccard(query, w.ids);
        if (similarity >= MIN_SIMILARITY) all.push({ path: f.path, line: w.line, text: w.text, similarity });
      }
    }
    const recency = new Map(this.files.map((f, k) => [f.path, k]));
    all.sort((a, b) => b.similarity - a.similarity || recency.get(a.path)! - recency.get(b.path)! || a.line - b.line);
    const out: Snippet[] = [];
    for (const s of all) {
      if (out.some((o) => o.path === s.path && Math.abs(o.line - s.line) < WINDOW_LINES)) continue;
      out.push(s);
    }
    return out;
  }
}

/** The QUERY_LINES whole lines above the cursor line (not the cursor line: it changes at every keystroke). */
function queryOf(prefix: string): string {
  const end = prefix.lastIndexOf('\n');
  if (end < 0) return '';
  let start = end;
  for (let n = 0; n < QUERY_LINES && start > 0; n++) start = prefix.lastIndexOf('\n', start - 1);
  return prefix.slice(start + 1, end);
}

/** Languages whose files use each other's names: C and C++ headers, JavaScript and TypeScript. */
function familyOf(languageId: string | undefined): string {
  switch (languageId) {
    case 'c':
    case 'cpp':
    case 'objective-c':
    case 'objective-cpp':
    case 'cuda-cpp':
      return 'c';
    case 'javascript':
    case 'javascriptreact':
    case 'typescript':
    case 'typescriptreact':
      return 'js';
    default:
      return languageId ?? '';
  }
}

/** The line-comment opener of a language (VS Code language ids, and the corpus' names), or undefined. */
export function lineCommentOf(languageId: string | undefined): string | undefined {
  switch (languageId) {
    case 'python':
    case 'shellscript':
    case 'shell':
    case 'ruby':
    case 'perl':
    case 'r':
    case 'yaml':
    case 'toml':
    case 'dockerfile':
    case 'makefile':
    case 'powershell':
    case 'julia':
    case 'elixir':
    case 'coffeescript':
      return '#';
    case 'c':
    case 'cpp':
    case 'csharp':
    case 'java':
    case 'javascript':
    case 'javascriptreact':
    case 'typescript':
    case 'typescriptreact':
    case 'go':
    case 'rust':
    case 'kotlin':
    case 'swift':
    case 'scala':
    case 'dart':
    case 'php':
    case 'objective-c':
    case 'objective-cpp':
    case 'groovy':
    case 'zig':
    case 'proto3':
      return '//';
    case 'sql':
    case 'lua':
    case 'haskell':
      return '--';
    default:
      return undefined;
  }
}

/** A snippet as the prompt shows it: its code under a comment naming its file. */
export function formatSnippet(s: Pick<Snippet, 'path' | 'text'>, comment: string): string {
  return `${comment} ${s.path}\n${s.text}\n`;
}

/** The tokens snippets of other files may take: the setting's, at most half of the prefix's budget. */
export function otherFilesBudget(s: { otherFilesTokens: number; prefixTokens: number }): number {
  return Math.min(s.otherFilesTokens, s.prefixTokens / 2);
}

/**
 * The prompt text that goes before the file's own prefix: the best snippets that fit `budget` tokens
 * together, or '' (no other files of the language, nothing alike, a language without line comments to
 * name a file in, a budget of 0).
 */
export function otherFilesContext(
  files: OtherFiles,
  at: { prefix: string; path?: string; languageId?: string },
  budget: number,
  counter: TokenCounter,
): { text: string; tokens: number; snippets: Snippet[] } {
  const comment = lineCommentOf(at.languageId);
  const none = { text: '', tokens: 0, snippets: [] };
  if (!comment || budget <= 0) return none;
  let tokens = counter.count('\n'); // the blank line between the snippets and the file
  const taken: { s: Snippet; part: string }[] = [];
  // The best few are enough: each one counted costs a tokenizer call on every request.
  for (const s of files.rank(at.prefix, at.path, at.languageId).slice(0, MAX_CANDIDATES)) {
    const part = formatSnippet(s, comment);
    const n = counter.count(part);
    if (tokens + n > budget) continue; // a smaller one further down may still fit
    tokens += n;
    taken.push({ s, part });
  }
  if (!taken.length) return none;
  // The most alike nearest the file's own code.
  taken.reverse();
  return { text: taken.map((t) => t.part).join('') + '\n', tokens, snippets: taken.map((t) => t.s) };
}
