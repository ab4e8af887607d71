/**
 * The e2e scenarios inside desktop VS Code (run by @vscode/test-cli, see .vscode-test.mjs), through
 * VS Code's API: inline suggestion triggered and committed, an edit accepted and rejected, a code
 * action on a diagnostic, the device known, and continuous typing with at most one inference running.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DiffCoderApi } from '../../src/extension';

declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => Promise<void>) => void;
declare const before: (body: () => Promise<void>) => void;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(f: () => T | undefined | false | Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function workspaceFile(name: string, text: string): vscode.Uri {
  const dir = vscode.workspace.workspaceFolders![0].uri.fsPath;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

describe('DiffCoder in desktop VS Code', () => {
  let api: DiffCoderApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<DiffCoderApi>('diffcoder.diffcoder');
    assert.ok(ext, 'extension installed');
    api = await ext.activate();
    await waitFor(() => api.engine.model, 180_000, 'the model to load');
  });

  it('knows the device', async () => {
    assert.match(api.engine.model!.device, /cpu|cuda|dml|webgpu|coreml/i);
  });

  it('inline suggestion: triggered, committed, saved', async () => {
    const uri = workspaceFile('ghost.py', 'def area(r):\n    return 3.14 * r * r\n\n\ndef circumference(r):\n');
    const editor = await vscode.window.showTextDocument(uri);
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(end, end);
    const before = editor.document.getText();
    for (let i = 0; i < 5 && editor.document.getText() === before; i++) {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await sleep(4000);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      if (editor.document.getText() === before) await vscode.commands.executeCommand('type', { text: 'r' });
    }
    await editor.document.save();
    assert.notEqual(fs.readFileSync(uri.fsPath, 'utf8'), before);
  });

  it('edit: accept changes the file, reject leaves it byte-identical', async () => {
    const text = 'def total(items):\n    t = 0\n    for i in items:\n        t = t + i\n    return t\n';
    for (const decision of ['accept', 'reject'] as const) {
      const uri = workspaceFile(`edit_${decision}.py`, text);
      const editor = await vscode.window.showTextDocument(uri);
      const bytes = fs.readFileSync(uri.fsPath);
      await vscode.commands.executeCommand('diffcoder.editSelection', { uri: uri.toString(), startLine: 0, endLine: 4, instruction: 'Add type annotations' });
      const session = await waitFor(() => {
        const s = api.sessions.find(uri.toString());
        return s && !s.isStreaming ? s : undefined;
      }, 120_000, 'the proposal');
      await vscode.commands.executeCommand(decision === 'accept' ? 'diffcoder.acceptAll' : 'diffcoder.rejectAll', uri.toString());
      await waitFor(() => session.isEnded, 10_000, 'the decision');
      await editor.document.save();
      const after = fs.readFileSync(uri.fsPath);
      if (decision === 'accept') assert.ok(!after.equals(bytes), 'changed');
      else assert.ok(after.equals(bytes), 'byte-identical');
    }
  });

  it('code action on a diagnostic', async () => {
    const uri = workspaceFile('broken.ts', 'const count: number = "three";\n');
    await vscode.window.showTextDocument(uri);
    const diagnostics = vscode.languages.createDiagnosticCollection('e2e');
    const range = new vscode.Range(0, 6, 0, 11);
    diagnostics.set(uri, [new vscode.Diagnostic(range, "Type 'string' is not assignable to type 'number'.")]);
    await sleep(500);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range);
    diagnostics.dispose();
    assert.ok(actions.some((a) => a.title.startsWith('Fix with DiffCoder')), actions.map((a) => a.title).join(', '));
  });

  it('20 s of typing never runs more than one inference', async () => {
    const uri = workspaceFile('typing.py', '');
    await vscode.window.showTextDocument(uri);
    const text = 'def running_total(values):\n    total = 0\n    for v in values:\n        total += v\n    return total\n';
    const until = Date.now() + 20_000;
    for (let i = 0; Date.now() < until; i++) {
      await vscode.commands.executeCommand('type', { text: text[i % text.length] });
      await sleep(40 + ((i * 37) % 120));
    }
    await sleep(2000);
    const s = api.inline.completer.scheduler;
    assert.ok(s.started > 0, 'requests were made');
    assert.equal(s.maxInFlight, 1);
  });
});
