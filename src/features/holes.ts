/**
 * Hole filling: "Fill hole" on one marker (code action) and "Fill all holes" in the file, both in one
 * engine.fill request, each hole's prompt what a completion at its marker would have (its windows, the
 * files worked in lately), each fill post-processed as a completion there (src/completion/holeFills.ts),
 * shown as a diff proposal to accept like an edit.
 */
import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { FILL_MAX_TOKENS, fillRequest, placeFills } from '../completion/holeFills';
import { findHoles, type HoleMarker } from '../completion/holes';
import type { OtherFiles } from '../completion/otherFiles';
import type { DiffSessions } from './diffSessions';
import type { EngineHost } from './engineHost';
import { completerSettings, decodingOptions } from './config';
import { indentationOf } from './inlineCompletion';
import { errorMessage, log } from './log';
import { promptPathOf } from './otherFiles';
import type { StatusBar } from './statusBar';

export class HoleFeature implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly host: EngineHost,
    private readonly sessions: DiffSessions,
    private readonly status: StatusBar,
    /** The files the user worked in lately (the inline completions keep them): context for each hole, as for a completion. */
    private readonly otherFiles: OtherFiles,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand('diffcoder.fillHoles', (uri?: string) => this.fill(uri)),
      vscode.commands.registerCommand('diffcoder.fillHole', (uri: string, line: number) => this.fill(uri, line)),
    );
  }

  /** Fills every hole in the document, or only the one(s) on `line`. */
  async fill(uri?: string, line?: number): Promise<void> {
    const document = uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)) : vscode.window.activeTextEditor?.document;
    if (!document) return;
    const text = document.getText().replace(/\r\n/g, '\n'); // the model was trained on '\n'; the proposal is applied by lines
    let holes: HoleMarker[] = findHoles(text);
    if (line !== undefined) holes = holes.filter((h) => h.line === line);
    if (holes.length === 0) {
      void vscode.window.setStatusBarMessage('DiffCoder: no holes (<FILL>, # FILL, // FILL, /*FILL*/) in this file', 5000);
      return;
    }
    const model = await this.host.whenReady();
    if (!model) return;
    const request = fillRequest(text, holes, { path: promptPathOf(document), languageId: document.languageId }, this.otherFiles, completerSettings(), model, FILL_MAX_TOKENS, this.host.counter());
    const session = await this.sessions.start(document, 0, document.lineCount - 1, `Fill ${holes.length} hole(s)`);
    const cts = new CancellationTokenSource();
    session.cancelGeneration = () => cts.cancel();
    const t0 = Date.now();
    this.status.setState('thinking');
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `DiffCoder: filling ${holes.length} hole(s)` },
        () =>
          this.host.engine.fill(
            {
              text,
              holes: request.holes,
              maxTokens: request.maxTokens,
              prefixTokens: request.prefixTokens,
              suffixTokens: request.suffixTokens,
              decoding: decodingOptions(),
              minLineConfidence: 'package',
            },
            cts.token,
          ),
      );
      const tokens = result.fills.reduce((a, f) => a + f.tokens, 0);
      const placed = placeFills(text, holes, result.fills, indentationOf(document));
      const unsure = [...placed.unsure.keys()];
      const others = [...new Set(request.snippets.map((o) => o.path))];
      log().info(
        `fill done: ${holes.length} hole(s), ${tokens} tok, ${Date.now() - t0} ms` +
          (others.length ? `, other files ${others.join(', ')}` : '') +
          (placed.unfilled.length ? `, left unfilled ${placed.unfilled.map((u) => `${u.hole + 1} (${u.why})`).join(', ')}` : '') +
          (unsure.length ? `, unsure lines ${unsure.map((i) => i + 1).join(', ')}` : ''),
      );
      if (placed.unfilled.length) {
        const n = placed.unfilled.length;
        void vscode.window.setStatusBarMessage(`DiffCoder: the model had no fill for ${n === holes.length ? 'the' : `${n} of the`} hole(s); their markers stay`, 6000);
      }
      if (result.fills[0]) this.status.recordResult(result.fills[result.fills.length - 1], 'fill');
      if (session.isEnded) return;
      // The session's region is the whole document, so a line of the filled text is a line of the proposal.
      await session.update(placed.text, 'complete', placed.unsure);
    } catch (e) {
      if (!session.isEnded) await session.fail(errorMessage(e));
      void vscode.window.setStatusBarMessage(`DiffCoder: fill failed (${errorMessage(e)}); see the log`, 6000);
    } finally {
      cts.dispose();
      if (this.status.current === 'thinking') this.status.setState('ready');
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
