/**
 * Tells the completion core which files the user worked in lately (src/completion/otherFiles.ts): the
 * documents visible at start, each one shown, and each one left or saved, with its text at that moment.
 * Nothing is read from disk and nothing leaves the editor.
 */
import * as vscode from 'vscode';
import type { OtherFiles } from '../completion/otherFiles';
import { PROPOSAL_SCHEME } from './diffSession';

/** How a document is named in the prompt (and matched to the document being completed). */
export function promptPathOf(document: vscode.TextDocument): string {
  return vscode.workspace.asRelativePath(document.uri, false);
}

export function watchOtherFiles(files: OtherFiles): vscode.Disposable {
  const keep = (d: vscode.TextDocument | undefined) => {
    if (!d || !(d.uri.scheme === 'file' || d.uri.scheme === 'untitled' || d.uri.scheme === 'vscode-remote')) return;
    files.remember(promptPathOf(d), d.getText().replace(/\r\n/g, '\n'), d.languageId);
  };
  let active = vscode.window.activeTextEditor?.document;
  for (const e of vscode.window.visibleTextEditors) keep(e.document);
  keep(active);
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e?.document.uri.scheme === PROPOSAL_SCHEME) return;
      keep(active); // as the user left it
      active = e?.document;
      keep(active);
    }),
    vscode.workspace.onDidSaveTextDocument(keep),
  );
}
