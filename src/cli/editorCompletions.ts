/**
 * The editor's completion core (src/completion/completer.ts) driven from the command line, so that
 * `diffcoder complete` prints and `diffcoder eval --as-editor` scores what the editor would show: no
 * request inside a word, single or multi-line decided by the line, prompt windows counted with the
 * package's tokenizer, the post-processing filters. Settings are the extension's defaults; there is
 * no typing to wait for, so no debounce.
 */
import * as path from 'path';
import type { CancellationToken } from 'vscode-jsonrpc';
import type { Engine } from '../client/types';
import { Completer, DEFAULT_COMPLETER_SETTINGS, type CompleterSettings, type CompletionOutput } from '../completion/completer';
import { approximateCounter, LineTokenCounter, type TokenCounter } from '../completion/context';
import { guessIndentUnit } from '../completion/indentUnit';
import { CodeTokenizer } from '../engine/tokenizer';
import type { GenerateResult } from '../engine/protocol';

export interface OtherFile {
  path: string;
  text: string;
  /** Absent: the file's own. */
  languageId?: string;
}

export interface EditorAnswer {
  /** What the editor shows; undefined: nothing. */
  shown?: CompletionOutput;
  /** The model's answer, when the model was asked. */
  result?: GenerateResult;
  /** The filter that dropped the model's answer. */
  droppedBy?: string;
  /** The cursor is inside a word, where the editor does not ask. */
  insideWord?: boolean;
}

/** The package's tokenizer as the editor counts prompt tokens with it (an estimate without one). */
export function tokenCounterFor(modelDir: string): TokenCounter {
  try {
    const tok = CodeTokenizer.fromFile(path.join(modelDir, 'tokenizer.json'));
    return new LineTokenCounter({ count: (t) => tok.encode(t).length });
  } catch {
    return approximateCounter; // as the extension does without a tokenizer
  }
}

export class EditorCompletions {
  private readonly completer: Completer;
  private last: { result?: GenerateResult; droppedBy?: string } = {};

  constructor(engine: Pick<Engine, 'complete'>, modelDir: string, settings: Partial<CompleterSettings> = {}) {
    const counter = tokenCounterFor(modelDir);
    const s: CompleterSettings = { ...DEFAULT_COMPLETER_SETTINGS, ...settings, debounceMinMs: 0, debounceMaxMs: 0 };
    this.completer = new Completer(engine, () => counter, () => s, {
      result: (r) => (this.last.result = r),
      dropped: (filter) => (this.last.droppedBy = filter),
    });
  }

  /**
   * The suggestion at `offset` in `text` (a document of its own: nothing cached from an earlier one), with
   * `others` as the files the user worked in lately (most recent first), as the editor keeps them.
   */
  async at(text: string, offset: number, token?: CancellationToken, file: { path?: string; languageId?: string; others?: readonly OtherFile[] } = {}): Promise<EditorAnswer> {
    const input = { text, offset, ...guessIndentUnit(text), path: file.path, languageId: file.languageId };
    if (!this.completer.cursor(input)) return { insideWord: true };
    this.completer.cache.clear();
    this.completer.otherFiles.clear();
    for (const o of [...(file.others ?? [])].reverse()) this.completer.otherFiles.remember(o.path, o.text, o.languageId ?? file.languageId ?? '');
    this.last = {};
    const shown = await this.completer.provide(input, token);
    return { shown, ...this.last };
  }
}
