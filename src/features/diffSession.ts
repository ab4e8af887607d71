/**
 * A proposed rewrite of some lines of a document, shown as a diff the user accepts or rejects.
 *
 * Inline style (default): the proposal's new lines are inserted under the lines they replace; removed
 * lines get a red background, added lines a green one, and CodeLens offers Accept/Reject per hunk and
 * for all. Only our own green lines are ever inserted or deleted while the proposal is pending, so
 * Reject leaves the text exactly as it was, and nothing the user wrote changes before they accept.
 * All edits of one proposal share one undo step. If the user edits the region meanwhile, the proposal
 * is withdrawn (its green lines removed where untouched) and never applied over their text.
 * A save while the proposal is pending writes only the user's text: the green lines are taken out
 * before the save (onWillSaveTextDocument's waitUntil) and put back right after it (onDidSave), so the
 * file on disk never holds unaccepted text and the proposal stays on screen to accept or reject. (VS Code
 * puts undo stops around a save's edits, so Ctrl+Z after Accept then returns to the text as saved.)
 * (Withdrawing on save instead would cost a Ctrl+S the proposal, and end every preview of a file auto-saved
 * after a delay within the delay.) With
 * files.autoSave = afterDelay the put-back would make the document dirty and be saved again after each
 * delay, so DiffSessions shows those proposals side by side instead; and when auto save after a delay
 * reaches an inline proposal (the setting changed while it was shown), the proposal moves side by side
 * at that save instead of coming back into the document.
 *
 * Side-by-side style: the document is not touched until Accept; a diff editor shows it against a
 * virtual document with the proposal. Accept checks that the region still holds the original text.
 */
import * as vscode from 'vscode';
import { diffArrays } from 'diff';
import { applyHunks, computeHunks, lineOps, mergedView, proposalOf, type AnswerState, type Hunk, type HunkState, type MergedLine } from '../completion/hunks';
import type { DiffStyle } from './config';
import { log } from './log';

export const PROPOSAL_SCHEME = 'diffcoder-proposal';
const CONTEXT_KEY = 'diffcoder.diffVisible';
/** True when the proposal is complete (Accept is possible). */
const READY_KEY = 'diffcoder.proposalReady';

const removedDecoration = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
  overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
  overviewRulerLane: vscode.OverviewRulerLane.Left,
  textDecoration: 'line-through',
  opacity: '0.75',
});
const addedDecoration = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
  overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
  overviewRulerLane: vscode.OverviewRulerLane.Left,
});
/**
 * Longest a save may keep the green lines out: onDidSave ends it, but a save that fails sends nothing.
 * VS Code gives save participants up to files.participants.timeout (60 s by default) before it writes,
 * and it reads the text to write when it starts writing, so the lines never come back before that.
 */
const SAVE_WAIT_MS = 60_000;

const pendingDecoration = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
});
/** A proposed line the model was unsure of (GenerateResult.unsureLines): a note after it, a hover saying why. */
const unsureDecoration = vscode.window.createTextEditorDecorationType({
  after: { contentText: '  ⚠ unsure', color: new vscode.ThemeColor('editorWarning.foreground'), fontStyle: 'italic' },
  overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.warningForeground'),
  overviewRulerLane: vscode.OverviewRulerLane.Right,
});

export type SessionEnd = 'accepted' | 'rejected' | 'conflict' | 'cancelled' | 'empty' | 'failed';

export class DiffSession {
  readonly id = Math.random().toString(36).slice(2, 8);
  private hunks: Hunk[] = [];
  private states: HunkState[] = [];
  private proposed: string[] = [];
  /** Proposed lines the model was unsure of -> the lowest probability of a token on them. */
  private unsure = new Map<number, number>();
  private shown: MergedLine[];
  private streaming = true;
  private applying = 0;
  private ended: SessionEnd | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private firstEdit = true;
  /** A save took the green lines out and they are not back yet (a second save then finds them out). */
  private hiddenForSave = false;
  private readonly eol: string;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly endedEmitter = new vscode.EventEmitter<SessionEnd>();
  readonly onEnd = this.endedEmitter.event;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onChange = this.changeEmitter.event;
  private readonly movedEmitter = new vscode.EventEmitter<void>();
  /** An inline proposal moved side by side (auto save after a delay reached it). */
  readonly onMovedSideBySide = this.movedEmitter.event;
  /** Cancels the generation feeding this session. */
  cancelGeneration: () => void = () => undefined;

  private constructor(
    readonly document: vscode.TextDocument,
    /** First line of the region in the document (kept up to date when text above it changes). */
    private startLine: number,
    readonly original: string[],
    private currentStyle: DiffStyle,
    readonly title: string,
    private readonly proposals: ProposalDocuments,
  ) {
    this.eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    this.shown = original.map((text) => ({ text, kind: 'same' as const }));
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onDocumentChange(e)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.markProposalDocument()),
      vscode.workspace.onWillSaveTextDocument((e) => {
        if (e.document === this.document && this.style === 'inline' && !this.ended && !this.hiddenForSave) {
          e.waitUntil(this.hideForSave(e.reason === vscode.TextDocumentSaveReason.AfterDelay));
        }
      }),
    );
  }

  static start(document: vscode.TextDocument, startLine: number, endLine: number, style: DiffStyle, title: string, proposals: ProposalDocuments): DiffSession {
    const original: string[] = [];
    for (let l = startLine; l <= endLine; l++) original.push(document.lineAt(l).text);
    return new DiffSession(document, startLine, original, style, title, proposals);
  }

  get style(): DiffStyle {
    return this.currentStyle;
  }
  get isStreaming(): boolean {
    return this.streaming;
  }
  get isEnded(): boolean {
    return this.ended !== undefined;
  }
  get regionStart(): number {
    return this.startLine;
  }
  get pendingHunks(): number {
    return this.states.filter((s) => s === 'pending').length;
  }

  /** Uri of the proposal's virtual document (side-by-side). */
  get proposalUri(): vscode.Uri {
    return vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: this.document.uri.path, query: this.id });
  }

  /** Where each pending hunk starts in the document now, for CodeLens. */
  hunkLines(): { hunk: number; line: number }[] {
    const out: { hunk: number; line: number }[] = [];
    if (this.style === 'inline') {
      this.shown.forEach((l, i) => {
        if (l.hunk !== undefined && !out.some((o) => o.hunk === l.hunk)) out.push({ hunk: l.hunk, line: this.startLine + i });
      });
    }
    return out;
  }

  /**
   * The answer so far (streaming), in full (complete), or in full but cut before the model ended it (its
   * unreached original lines stay as they are); once done, with the lines its model was unsure of.
   */
  update(text: string, state: AnswerState, unsure: ReadonlyMap<number, number> = new Map()): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.unsure = new Map(unsure);
    const { lines, partial } = proposalOf(text, this.original, state);
    this.proposed = lines;
    this.streaming = state === 'streaming';
    this.hunks = computeHunks(this.original, lines, { partial });
    this.states = this.hunks.map(() => 'pending');
    return this.enqueue(async () => {
      if (this.ended) return; // withdrawn while this update waited in the queue
      // Not rendered: the user changed the region meanwhile, and the withdrawal queued next takes our
      // green lines out; ending here first would leave them in the file.
      if ((await this.render()) && !this.streaming && this.hunks.length === 0) await this.end('empty');
    });
  }

  acceptHunk(i: number): Promise<void> {
    return this.decide(i, 'accepted');
  }
  rejectHunk(i: number): Promise<void> {
    return this.decide(i, 'rejected');
  }
  acceptAll(): Promise<void> {
    return this.decideAll('accepted');
  }
  rejectAll(): Promise<void> {
    return this.decideAll('rejected');
  }

  private decide(i: number, state: HunkState): Promise<void> {
    return this.enqueue(async () => {
      if (this.ended || this.streaming || this.states[i] !== 'pending') return;
      this.states[i] = state;
      await this.settle();
    });
  }

  private decideAll(state: HunkState): Promise<void> {
    return this.enqueue(async () => {
      if (this.ended) return;
      if (this.streaming) {
        if (state === 'accepted') {
          void vscode.window.setStatusBarMessage('DiffCoder is still writing; accept when the proposal is complete', 4000);
          return;
        }
        this.cancelGeneration();
        this.streaming = false;
        this.hunks = [];
        this.states = [];
        await this.render(true);
        await this.end('rejected');
        return;
      }
      this.states = this.states.map((s) => (s === 'pending' ? state : s));
      await this.settle();
    });
  }

  /**
   * A save is about to write the document: take the pending green lines out (accepted hunks stay: they
   * are the user's text now) and resolve; put them back once the document is saved. The queue holds
   * streamed updates and decisions until then. If the user changed the region meanwhile, the lines stay
   * out and the change handler's withdrawal follows. An auto save after a delay moves an undecided
   * proposal side by side instead of putting its lines back (each put-back would be saved again).
   */
  private hideForSave(autoSaved: boolean): Promise<void> {
    this.hiddenForSave = true;
    let hidden!: () => void;
    const out = new Promise<void>((resolve) => (hidden = resolve));
    let onSaved: vscode.Disposable | undefined;
    let timer: NodeJS.Timeout | undefined;
    const saved = new Promise<void>((resolve) => {
      onSaved = vscode.workspace.onDidSaveTextDocument((d) => d === this.document && resolve());
      timer = setTimeout(resolve, SAVE_WAIT_MS);
    });
    void this.enqueue(async () => {
      try {
        const full = this.shown;
        const kept = full.filter((l) => l.kind !== 'added');
        if (this.ended || kept.length === full.length || !this.regionMatches(full.map((l) => l.text))) return;
        if (!(await this.replaceRegion(full.map((l) => l.text), kept.map((l) => l.text), false))) return;
        this.shown = kept; // what the document holds while the save runs
        this.decorate();
        if (autoSaved && this.states.every((st) => st === 'pending')) {
          await this.moveSideBySide(); // the region holds the original lines now
          return;
        }
        hidden();
        await saved;
        if (this.ended || !this.regionMatches(kept.map((l) => l.text))) return;
        if (!(await this.replaceRegion(kept.map((l) => l.text), full.map((l) => l.text), false))) return;
        this.shown = full;
        this.decorate();
        log().info(`${this.title}: saved without its ${full.length - kept.length} proposed line(s), shown again`);
      } finally {
        onSaved?.dispose();
        clearTimeout(timer);
        this.hiddenForSave = false;
        hidden();
      }
    });
    return out;
  }

  /** Inline -> side by side, with the green lines already out of the document. */
  private async moveSideBySide(): Promise<void> {
    this.currentStyle = 'side-by-side';
    this.shown = this.original.map((text) => ({ text, kind: 'same' as const }));
    this.decorate();
    log().info(`${this.title}: files.autoSave is afterDelay now, so the proposal moved side by side`);
    await this.render();
    this.movedEmitter.fire();
  }

  /** Renders the decided hunks; ends the session when none is pending. */
  private async settle(): Promise<void> {
    const done = !this.states.includes('pending');
    if (this.style === 'inline') {
      await this.render(done);
    } else if (done) {
      const taken = applyHunks(this.original, this.hunks, (i) => this.states[i] === 'accepted');
      if (this.states.includes('accepted')) {
        // The document was not touched; apply only over the untouched original text.
        if (!this.regionMatches(this.original)) {
          await this.end('conflict');
          return;
        }
        if (!(await this.replaceRegion(this.original, taken, true))) return;
      }
    }
    if (done) await this.end(this.states.includes('accepted') ? 'accepted' : 'rejected');
    else this.changeEmitter.fire();
  }

  cancel(): Promise<void> {
    return this.enqueue(async () => {
      if (this.ended) return;
      this.cancelGeneration();
      this.states = this.states.map(() => 'rejected');
      this.streaming = false;
      if (this.style === 'inline') await this.render(true);
      await this.end('cancelled');
    });
  }

  /** Generation failed: withdraw what was shown. */
  fail(message: string): Promise<void> {
    log().error(`${this.title}: ${message}`);
    return this.cancel().then(() => undefined);
  }

  private enqueue(f: () => Promise<void>): Promise<void> {
    const next = this.queue.then(f, f);
    this.queue = next.catch((e) => log().error(`diff session: ${e instanceof Error ? e.stack : e}`));
    return next;
  }

  /** Shows the proposal as it stands; false when the user's change to the region came first. */
  private async render(final = false): Promise<boolean> {
    if (this.style === 'side-by-side') {
      const full = this.documentLines();
      const lines = [...full.slice(0, this.startLine), ...this.proposed, ...full.slice(this.startLine + this.original.length)];
      this.proposals.set(this.proposalUri, lines.join(this.eol));
      this.markProposalDocument();
      this.changeEmitter.fire();
      return true;
    }
    const next = mergedView(this.original, this.hunks, this.states);
    const from = this.shown.map((l) => l.text);
    if (!this.regionMatches(from)) {
      await this.conflict();
      return false;
    }
    if (!(await this.replaceRegion(from, next.map((l) => l.text), final))) return false;
    this.shown = next;
    this.decorate();
    this.changeEmitter.fire();
    return true;
  }

  /**
   * Edits the region from `from` to `to` touching only the lines that differ. False when the editor
   * refused the edit: the user changed the document meanwhile (the edit carries the version it was made
   * for), so the proposal is withdrawn next.
   */
  private async replaceRegion(from: string[], to: string[], final: boolean): Promise<boolean> {
    const ops = lineOps(from, to);
    if (ops.length === 0 && !final) return true;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    const doc = this.document;
    const apply = (b: { replace(r: vscode.Range, t: string): void }) => {
      for (const op of ops) {
        const first = this.startLine + op.line;
        const endLine = first + op.deleteCount; // exclusive
        const lastDocLine = doc.lineCount - 1;
        const ins = op.insert;
        if (endLine <= lastDocLine) {
          b.replace(new vscode.Range(first, 0, endLine, 0), ins.map((l) => l + this.eol).join(''));
        } else if (first > 0) {
          // Through the end of the document: take the line break before `first` instead of after.
          const start = doc.lineAt(first - 1).range.end;
          b.replace(new vscode.Range(start, doc.lineAt(lastDocLine).range.end), ins.map((l) => this.eol + l).join(''));
        } else {
          b.replace(new vscode.Range(0, 0, lastDocLine, doc.lineAt(lastDocLine).text.length), ins.join(this.eol));
        }
      }
    };
    let ok = false;
    this.applying++;
    try {
      if (editor) {
        ok = await editor.edit(apply, { undoStopBefore: this.firstEdit, undoStopAfter: final });
      } else {
        const we = new vscode.WorkspaceEdit();
        apply({ replace: (r, t) => we.replace(doc.uri, r, t) });
        ok = await vscode.workspace.applyEdit(we);
      }
      if (ok) this.firstEdit = false;
    } finally {
      this.applying--;
    }
    // onDocumentChange ignores every change while our edit is in flight, the user's keystrokes among them:
    // a refused edit, or a region that is not what we wrote, means the user changed it meanwhile, so
    // withdraw (next in the queue, once the caller has recorded what the document shows).
    if (!ok || !this.regionMatches(to)) {
      log().info(`${this.title}: the document changed while DiffCoder was writing it`);
      void this.enqueue(() => this.conflict());
    }
    return ok;
  }

  private documentLines(): string[] {
    const out: string[] = [];
    for (let l = 0; l < this.document.lineCount; l++) out.push(this.document.lineAt(l).text);
    return out;
  }

  private regionMatches(expected: string[]): boolean {
    if (this.startLine + expected.length > this.document.lineCount) return false;
    for (let i = 0; i < expected.length; i++) if (this.document.lineAt(this.startLine + i).text !== expected[i]) return false;
    return true;
  }

  private decorate(): void {
    const removed: vscode.Range[] = [];
    const added: vscode.Range[] = [];
    const unsure: vscode.DecorationOptions[] = [];
    this.shown.forEach((l, i) => {
      const r = new vscode.Range(this.startLine + i, 0, this.startLine + i, 0);
      if (l.kind === 'removed') removed.push(r);
      else if (l.kind === 'added') added.push(r);
      const p = l.kind === 'added' && l.proposed !== undefined ? this.unsure.get(l.proposed) : undefined;
      if (p !== undefined) {
        unsure.push({ range: new vscode.Range(this.startLine + i, 0, this.startLine + i, l.text.length), hoverMessage: unsureHover(p) });
      }
    });
    const pending: vscode.Range[] = [];
    if (this.streaming && this.style === 'inline') {
      const reached = this.reachedOriginalLines();
      let orig = 0;
      this.shown.forEach((l, i) => {
        if (l.kind !== 'added') {
          if (orig >= reached && l.kind === 'same') pending.push(new vscode.Range(this.startLine + i, 0, this.startLine + i, 0));
          orig++;
        }
      });
    }
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== this.document) continue;
      editor.setDecorations(removedDecoration, this.ended ? [] : removed);
      editor.setDecorations(addedDecoration, this.ended ? [] : added);
      editor.setDecorations(pendingDecoration, this.ended ? [] : pending);
      editor.setDecorations(unsureDecoration, this.ended ? [] : unsure);
    }
  }

  /** Side by side: the unsure lines in the diff editor's proposal side (the document's text with the proposal in the region). */
  private markProposalDocument(): void {
    const uri = this.proposalUri.toString();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri) continue;
      const marks = this.ended || this.style !== 'side-by-side' ? [] : [...this.unsure].flatMap(([i, p]) => {
        const line = this.startLine + i;
        if (line >= editor.document.lineCount) return [];
        return [{ range: new vscode.Range(line, 0, line, editor.document.lineAt(line).text.length), hoverMessage: unsureHover(p) }];
      });
      editor.setDecorations(unsureDecoration, marks);
    }
  }

  /** Original lines the streamed answer has got past (the rest is still to come). */
  private reachedOriginalLines(): number {
    const parts = diffArrays(this.original, this.proposed);
    let orig = 0;
    let reached = 0;
    for (const p of parts) {
      if (p.added) continue;
      orig += p.value.length;
      if (!p.removed) reached = orig;
    }
    const last = this.hunks[this.hunks.length - 1];
    return Math.max(reached, last ? last.origStart + last.removed.length : 0);
  }

  /** The user changed the document. Above the region: follow it. Inside: withdraw the proposal. */
  private onDocumentChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.document !== this.document || this.applying > 0 || this.ended || e.contentChanges.length === 0) return;
    const regionEnd = this.startLine + (this.style === 'inline' ? this.shown.length : this.original.length); // exclusive
    let shift = 0;
    let touched = false;
    for (const c of e.contentChanges) {
      const added = c.text.split(/\r\n|\r|\n/).length - 1;
      const removed = c.range.end.line - c.range.start.line;
      if (c.range.end.line < this.startLine) shift += added - removed;
      else if (c.range.start.line >= regionEnd) continue;
      else touched = true;
    }
    if (touched) {
      void this.enqueue(() => this.conflict(e.contentChanges));
      return;
    }
    this.startLine += shift;
  }

  /** The user edited the region while the proposal was shown: withdraw it without touching their text. */
  private async conflict(changes?: readonly vscode.TextDocumentContentChangeEvent[]): Promise<void> {
    if (this.ended) return;
    this.cancelGeneration();
    this.streaming = false;
    let leftLines = 0;
    // Remove our green lines where they are still exactly as we put them. The user may still be typing:
    // a workspace edit made for an older version of the document is refused, so look again and retry;
    // lines still there after the last try are counted as left in place.
    for (let attempt = 0; attempt < 20 && this.style === 'inline' && this.shown.some((l) => l.kind === 'added'); attempt++) {
      leftLines = this.shown.filter((l) => l.kind === 'added').length;
      const deletions: vscode.Range[] = [];
      this.shown.forEach((l, i) => {
        if (l.kind !== 'added') return;
        let line = this.startLine + i;
        for (const c of changes ?? []) {
          if (c.range.end.line < line) line += c.text.split(/\r\n|\r|\n/).length - 1 - (c.range.end.line - c.range.start.line);
          else if (c.range.start.line <= line) line = -1;
        }
        if (line >= 0 && line < this.document.lineCount && this.document.lineAt(line).text === l.text) {
          deletions.push(this.document.lineAt(line).rangeIncludingLineBreak);
        }
      });
      if (deletions.length === 0) break;
      const we = new vscode.WorkspaceEdit();
      for (const r of deletions) we.delete(this.document.uri, r);
      this.applying++;
      try {
        if (await vscode.workspace.applyEdit(we)) {
          leftLines -= deletions.length;
          break;
        }
      } finally {
        this.applying--;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    void vscode.window.showWarningMessage(
      `DiffCoder: the code changed while the proposal was shown, so it was not applied.` +
        (leftLines ? ` ${leftLines} proposed line(s) could not be taken out (you edited them, or the editor kept refusing): they are still in the file.` : ''),
    );
    await this.end('conflict');
  }

  private async end(how: SessionEnd): Promise<void> {
    if (this.ended) return;
    this.ended = how;
    this.decorate();
    this.proposals.delete(this.proposalUri);
    log().info(`${this.title}: ${how}`);
    this.endedEmitter.fire(how);
    this.changeEmitter.fire();
    for (const d of this.disposables) d.dispose();
  }
}

/** Virtual documents with the proposals shown side by side. */
export class ProposalDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
  }
  delete(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }
}

export { CONTEXT_KEY as DIFF_CONTEXT_KEY, READY_KEY as PROPOSAL_READY_KEY };

function unsureHover(p: number): vscode.MarkdownString {
  return new vscode.MarkdownString(
    `DiffCoder's model was unsure of this line: it gave a token on it a probability of ${p.toFixed(2)}. ` +
      'Lines this unsure are seldom right: check it before you accept.',
  );
}
