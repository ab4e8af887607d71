/**
 * The open proposals (one per document), their CodeLens (Accept/Reject per hunk, Accept All/Reject All)
 * and the context key `diffcoder.diffVisible` that binds Ctrl+Enter / Escape while one is shown.
 */
import * as vscode from 'vscode';
import { DIFF_CONTEXT_KEY, DiffSession, PROPOSAL_READY_KEY, PROPOSAL_SCHEME, ProposalDocuments } from './diffSession';
import { editSettings, type DiffStyle } from './config';
import { log } from './log';

export class DiffSessions implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly sessions = new Map<string, DiffSession>();
  private readonly proposals = new ProposalDocuments();
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private toldSideBySide = false;

  constructor() {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this.proposals),
      vscode.languages.registerCodeLensProvider({ pattern: '**' }, this),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      vscode.commands.registerCommand('diffcoder.acceptHunk', (uri?: string | vscode.Uri, i?: number) => this.find(uri)?.acceptHunk(i ?? 0)),
      vscode.commands.registerCommand('diffcoder.rejectHunk', (uri?: string | vscode.Uri, i?: number) => this.find(uri)?.rejectHunk(i ?? 0)),
      vscode.commands.registerCommand('diffcoder.acceptAll', (uri?: string | vscode.Uri) => this.find(uri)?.acceptAll()),
      vscode.commands.registerCommand('diffcoder.rejectAll', (uri?: string | vscode.Uri) => this.find(uri)?.rejectAll()),
    );
  }

  /** Starts a proposal for lines [startLine, endLine] of `document`, replacing any earlier one there. */
  async start(document: vscode.TextDocument, startLine: number, endLine: number, title: string): Promise<DiffSession> {
    const existing = this.sessions.get(document.uri.toString());
    if (existing && !existing.isEnded) await existing.cancel();
    const session = DiffSession.start(document, startLine, endLine, this.styleFor(document), title, this.proposals);
    const key = document.uri.toString();
    this.sessions.set(key, session);
    session.onChange(() => {
      this.lensEmitter.fire();
      this.updateContext();
    });
    session.onEnd(() => {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
      if (session.style === 'side-by-side') void this.closeDiffTabs(session);
      this.lensEmitter.fire();
      this.updateContext();
    });
    session.onMovedSideBySide(() => {
      void vscode.window.setStatusBarMessage('DiffCoder: proposal moved side by side, because files.autoSave is afterDelay', 8000);
      void this.openSideBySide(session);
    });
    this.updateContext();
    this.lensEmitter.fire();
    if (session.style === 'side-by-side') {
      this.proposals.set(session.proposalUri, document.getText());
      await this.openSideBySide(session);
    }
    return session;
  }

  private async openSideBySide(session: DiffSession): Promise<void> {
    await vscode.commands.executeCommand('vscode.diff', session.document.uri, session.proposalUri, `${session.title} (DiffCoder proposal)`, {
      preview: true,
      preserveFocus: true,
    } satisfies vscode.TextDocumentShowOptions);
    log().info(`side-by-side proposal opened: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)).join(' | ')}`);
  }

  /**
   * The configured style, except that an inline proposal in a file saved automatically after a delay
   * opens side by side. An inline proposal is text in the document: a save takes it out and puts it back
   * (DiffSession), and putting it back makes the document dirty, so auto save after a delay would write
   * the file once per delay for as long as the proposal is shown (measured in code-server at the default
   * 1000 ms: 9 writes in 10 s, each the user's own text). Side by side, the document is not touched until Accept.
   */
  private styleFor(document: vscode.TextDocument): DiffStyle {
    const style = editSettings().diffStyle;
    if (style !== 'inline' || vscode.workspace.getConfiguration('files', document.uri).get<string>('autoSave') !== 'afterDelay') return style;
    log().info('files.autoSave is afterDelay: the proposal opens side by side (inside the file it would be saved again after every delay)');
    if (!this.toldSideBySide) {
      this.toldSideBySide = true;
      void vscode.window.setStatusBarMessage('DiffCoder: proposal side by side, because files.autoSave is afterDelay', 8000);
    }
    return 'side-by-side';
  }

  /**
   * The session for a document uri, or for the active editor. Commands get the uri as a string from
   * CodeLens and as a Uri from editor title buttons.
   */
  find(uri?: string | vscode.Uri): DiffSession | undefined {
    const key = (uri instanceof vscode.Uri ? uri.toString() : typeof uri === 'string' ? uri : undefined) ?? vscode.window.activeTextEditor?.document.uri.toString();
    if (!key) return undefined;
    const direct = this.sessions.get(key);
    if (direct) return direct;
    // From the proposal side of a diff editor.
    for (const s of this.sessions.values()) if (s.proposalUri.toString() === key) return s;
    return undefined;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    // The document itself, or the proposal side of a side-by-side diff.
    const s = this.find(document.uri.toString());
    if (!s || s.isEnded) return [];
    const uri = s.document.uri.toString();
    const top = new vscode.Range(s.regionStart, 0, s.regionStart, 0);
    if (s.isStreaming) {
      return [
        new vscode.CodeLens(top, { title: '$(sync~spin) DiffCoder is writing…', command: '' }),
        new vscode.CodeLens(top, { title: 'Cancel (Esc)', command: 'diffcoder.rejectAll', arguments: [uri] }),
      ];
    }
    const mac = process.platform === 'darwin';
    const lenses = [
      new vscode.CodeLens(top, { title: `$(check) Accept All (${mac ? '⌘' : 'Ctrl+'}Enter)`, command: 'diffcoder.acceptAll', arguments: [uri] }),
      new vscode.CodeLens(top, { title: '$(close) Reject All (Esc)', command: 'diffcoder.rejectAll', arguments: [uri] }),
    ];
    if (document.uri.scheme === PROPOSAL_SCHEME) return lenses;
    for (const h of s.hunkLines()) {
      const r = new vscode.Range(h.line, 0, h.line, 0);
      lenses.push(
        new vscode.CodeLens(r, { title: 'Accept', command: 'diffcoder.acceptHunk', arguments: [uri, h.hunk] }),
        new vscode.CodeLens(r, { title: 'Reject', command: 'diffcoder.rejectHunk', arguments: [uri, h.hunk] }),
      );
    }
    return lenses;
  }

  /** Closes the diff editor of a finished side-by-side proposal. */
  private async closeDiffTabs(session: DiffSession): Promise<void> {
    const proposal = session.proposalUri.toString();
    const isProposal = (t: vscode.Tab) => {
      const input = t.input as { modified?: vscode.Uri } | undefined;
      return !!input?.modified && input.modified.toString() === proposal;
    };
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(isProposal);
    try {
      if (tabs.length) await vscode.window.tabGroups.close(tabs);
    } catch (e) {
      log().warn(`could not close the proposal's diff editor: ${e instanceof Error ? e.message : e}`);
    }
    log().debug(`closed ${tabs.length} proposal tab(s)`);
    await vscode.window.showTextDocument(session.document, { preview: false });
  }

  private updateContext(): void {
    const s = this.find();
    void vscode.commands.executeCommand('setContext', DIFF_CONTEXT_KEY, !!s && !s.isEnded);
    void vscode.commands.executeCommand('setContext', PROPOSAL_READY_KEY, !!s && !s.isEnded && !s.isStreaming);
  }

  dispose(): void {
    for (const s of this.sessions.values()) void s.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
