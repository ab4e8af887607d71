/**
 * Code actions: "Edit with DiffCoder…" on a selection, "Fix with DiffCoder" on a diagnostic (its
 * message is the instruction, its lines the region), "Fill hole" on a hole marker.
 */
import * as vscode from 'vscode';
import { findHoles } from '../completion/holes';
import type { EditArgs } from './editCommand';

export class CodeActionsFeature implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.languages.registerCodeActionsProvider({ pattern: '**' }, this, {
      providedCodeActionKinds: CodeActionsFeature.kinds,
    });
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const uri = document.uri.toString();
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.severity > vscode.DiagnosticSeverity.Warning) continue;
      const message = d.message.split('\n')[0];
      const a = new vscode.CodeAction(`Fix with DiffCoder: ${message.length > 60 ? message.slice(0, 57) + '…' : message}`, vscode.CodeActionKind.QuickFix);
      a.diagnostics = [d];
      const args: EditArgs = { uri, startLine: d.range.start.line, endLine: d.range.end.line, instruction: `Fix this error: ${message}` };
      a.command = { title: a.title, command: 'diffcoder.fixDiagnostic', arguments: [args] };
      actions.push(a);
    }
    const holes = findHoles(document.getText()).filter((h) => h.line >= range.start.line && h.line <= range.end.line);
    if (holes.length) {
      const a = new vscode.CodeAction('Fill hole with DiffCoder', vscode.CodeActionKind.QuickFix);
      a.command = { title: a.title, command: 'diffcoder.fillHole', arguments: [uri, holes[0].line] };
      a.isPreferred = true;
      actions.push(a);
      const all = new vscode.CodeAction('Fill all holes in this file with DiffCoder', vscode.CodeActionKind.QuickFix);
      all.command = { title: all.title, command: 'diffcoder.fillHoles', arguments: [uri] };
      actions.push(all);
    }
    if (!range.isEmpty) {
      const a = new vscode.CodeAction('Edit with DiffCoder…', vscode.CodeActionKind.RefactorRewrite);
      const endLine = range.end.line > range.start.line && range.end.character === 0 ? range.end.line - 1 : range.end.line;
      a.command = { title: a.title, command: 'diffcoder.editSelection', arguments: [{ uri, startLine: range.start.line, endLine } satisfies EditArgs] };
      actions.push(a);
    }
    return actions;
  }

  dispose(): void {
    this.registration.dispose();
  }
}
