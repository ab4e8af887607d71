/**
 * Tells the completion core where the cursor comes to rest (Completer.prefill): after the user moves it
 * with the keyboard or the mouse, or switches files, and leaves it for REST_MS, the prompt a suggestion
 * there would start with is prefilled into the worker's KV cache, so the first keystroke's suggestion
 * there comes sooner. Typing moves the cursor too, but its own requests keep the cache warm: a selection
 * change made by an edit (kind undefined), or one soon after a change to the document, is no rest.
 */
import * as vscode from 'vscode';
import type { Completer, CompletionInput } from '../completion/completer';

/** How long the cursor stays before its place counts as a rest: longer than the pauses of arrow-key travel. */
const REST_MS = 300;

export function watchCursorRest(
  completer: Completer,
  inputAt: (document: vscode.TextDocument, position: vscode.Position) => CompletionInput,
  /** Whether suggestions come in this document at all. */
  offers: (document: vscode.TextDocument) => boolean,
  modelReady: () => boolean,
): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let lastEdit = 0;
  let lastRest = ''; // document version and offset of the last prefill: the same place twice is no news
  const rest = (editor: vscode.TextEditor) => {
    timer = undefined;
    if (vscode.window.activeTextEditor !== editor || Date.now() - lastEdit < REST_MS) return;
    const { document, selection } = editor;
    if (!selection.isEmpty || !offers(document) || !modelReady()) return;
    const place = `${document.uri.toString()}@${document.version}:${document.offsetAt(selection.active)}`;
    if (place === lastRest) return;
    lastRest = place;
    void completer.prefill(inputAt(document, selection.active));
  };
  const moved = (editor: vscode.TextEditor) => {
    clearTimeout(timer);
    if (editor.selections.length !== 1 || !offers(editor.document)) return;
    timer = setTimeout(() => rest(editor), REST_MS);
  };
  return vscode.Disposable.from(
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.kind === undefined) clearTimeout(timer); // moved by an edit: typing, whose requests warm the cache
      else moved(e.textEditor);
    }),
    vscode.window.onDidChangeActiveTextEditor((e) => e && moved(e)), // another file: its cursor is where work resumes
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) lastEdit = Date.now();
    }),
    { dispose: () => clearTimeout(timer) },
  );
}
