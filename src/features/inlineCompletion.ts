/**
 * VS Code adapter for the completion core (src/completion/completer.ts): document + position in,
 * InlineCompletionItem out. The item's range starts at the cursor and, when the completion re-types
 * auto-closed characters, covers them, so Tab replaces instead of doubling them. Ranges stay on the
 * cursor line, which keeps VS Code's partial accepts working: editor.action.inlineSuggest.acceptNextWord
 * (Ctrl+Right / Cmd+Right) and editor.action.inlineSuggest.acceptNextLine. Asked by a user gesture
 * (cycling with Alt+] / Alt+[, or Trigger Inline Suggestion), it returns alternatives to cycle through.
 */
import * as vscode from 'vscode';
import { Completer, promptTokensFor, type CompletionInput, type CompletionOutput } from '../completion/completer';
import { completerSettings, isEnabledFor } from './config';
import type { EngineHost } from './engineHost';
import { errorMessage, log } from './log';
import { watchCursorRest } from './cursorRest';
import { PROPOSAL_SCHEME } from './diffSession';
import { promptPathOf, watchOtherFiles } from './otherFiles';
import type { StatusBar } from './statusBar';

export const ACCEPTED_COMMAND = 'diffcoder.completionAccepted';
/** Suggestions offered when the user asks for more than one (as llama.vscode: three). */
const ALTERNATIVES = 3;

/** The document's indentation as its editor has it (the filters re-indent by it). */
export function indentationOf(document: vscode.TextDocument): { indentUnit: string; tabSize: number } {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const tabSize = typeof editor?.options.tabSize === 'number' ? editor.options.tabSize : 4;
  const insertSpaces = editor ? editor.options.insertSpaces !== false : true;
  return { indentUnit: insertSpaces ? ' '.repeat(tabSize) : '\t', tabSize };
}

/** Documents DiffCoder suggests code in: the language is on, and it is code the user writes (no output, commit message or proposal). */
export function offersCompletions(document: vscode.TextDocument): boolean {
  const scheme = document.uri.scheme;
  return isEnabledFor(document.languageId) && scheme !== 'output' && scheme !== 'vscode-scm' && scheme !== PROPOSAL_SCHEME;
}

/** What the completion core gets of a document and a cursor: its text with '\n' line breaks (as the model was trained). */
export function completionInput(document: vscode.TextDocument, position: vscode.Position): CompletionInput {
  const start = new vscode.Position(0, 0);
  const prefix = document.getText(new vscode.Range(start, position)).replace(/\r\n/g, '\n');
  const suffix = document.getText(new vscode.Range(position, document.lineAt(document.lineCount - 1).range.end)).replace(/\r\n/g, '\n');
  return { text: prefix + suffix, offset: prefix.length, ...indentationOf(document), path: promptPathOf(document), languageId: document.languageId };
}

export class InlineCompletionFeature implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  readonly completer: Completer;
  private readonly disposables: vscode.Disposable[] = [];
  private lastError = 0;

  constructor(private readonly host: EngineHost, private readonly status: StatusBar) {
    // The prompt windows fit the loaded model's trained window with the answer.
    const settings = () => {
      const s = completerSettings();
      const model = host.engine.model;
      return model ? { ...s, maxPromptTokens: promptTokensFor(model, s.maxNewTokens) } : s;
    };
    this.completer = new Completer(host.engine, () => host.counter(), settings, {
      log: (m) => log().info(m),
      result: (r) => status.recordResult(r, 'completion'),
      inFlight: (n) => {
        if (status.current === 'ready' || status.current === 'thinking') status.setState(n > 0 ? 'thinking' : 'ready');
      },
    });
    this.disposables.push(
      watchOtherFiles(this.completer.otherFiles),
      watchCursorRest(this.completer, completionInput, offersCompletions, () => this.host.engine.model !== undefined),
      vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, this),
      vscode.commands.registerCommand(ACCEPTED_COMMAND, (input: CompletionInput, output: CompletionOutput) => {
        log().info(`completion accepted (${output.text.length} chars, ${output.source}); prefetching what follows`);
        this.completer.accepted(input, output);
      }),
    );
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    if (!offersCompletions(document)) return undefined;
    // With the suggest widget open, its item wins; don't compete with it.
    if (context.selectedCompletionInfo) return undefined;
    if (!this.host.engine.model) {
      void this.host.whenReady();
      return undefined;
    }
    const input = completionInput(document, position);
    const hitsBefore = this.completer.cache.hits;
    let outputs: CompletionOutput[];
    try {
      if (context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke) {
        outputs = await this.completer.alternatives(input, ALTERNATIVES, token);
        log().info(`alternatives: ${outputs.length} offered`);
      } else {
        const one = await this.completer.provide(input, token);
        outputs = one ? [one] : [];
      }
    } catch (e) {
      // Routine failures stay in the log and the status bar; no popups while typing.
      if (Date.now() - this.lastError > 10_000) log().error(`completion failed: ${errorMessage(e)}`);
      this.lastError = Date.now();
      return undefined;
    }
    if (this.completer.cache.hits > hitsBefore) this.status.cacheHits++;
    if (!outputs.length || token.isCancellationRequested) return undefined;
    const lineEnd = document.lineAt(position.line).range.end.character;
    return outputs.map((output) => {
      const end = position.translate(0, Math.min(output.replaceRight, lineEnd - position.character));
      return new vscode.InlineCompletionItem(output.text, new vscode.Range(position, end), {
        title: 'Accepted',
        command: ACCEPTED_COMMAND,
        arguments: [input, output],
      });
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
