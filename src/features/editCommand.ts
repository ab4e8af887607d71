/**
 * Edit with an instruction: pick or type an instruction (presets and recent ones), stream the model's
 * rewrite of the selected lines into a diff proposal (DiffSession), accept or reject it there.
 * Also the entry point for "Fix with DiffCoder" (the diagnostic's message is the instruction).
 */
import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import type { EngineHost } from './engineHost';
import type { DiffSessions } from './diffSessions';
import type { DiffSession } from './diffSession';
import { decodingOptions, editSettings } from './config';
import { errorMessage, log } from './log';
import type { StatusBar } from './statusBar';
import { editByRuns, editRuns, editWindow, namedIn } from '../completion/editRuns';
import { finishedState } from '../completion/hunks';
import type { GenerateResult, StopReason } from '../engine/protocol';

const RECENT_KEY = 'diffcoder.recentInstructions';
const MAX_RECENT = 10;

export const PRESETS: { label: string; instruction: string; detail: string }[] = [
  { label: '$(wrench) Fix', instruction: 'Fix the bugs in this code.', detail: 'fix bugs and errors' },
  { label: '$(book) Document', instruction: 'Add documentation comments to this code.', detail: 'add doc comments' },
  { label: '$(symbol-type-parameter) Add types', instruction: 'Add type annotations to this code.', detail: 'add type annotations' },
  { label: '$(sparkle) Simplify', instruction: 'Simplify this code without changing what it does.', detail: 'make it shorter and clearer' },
];

/** Optional arguments of diffcoder.editSelection (code actions pass them). */
export interface EditArgs {
  uri?: string;
  startLine?: number;
  endLine?: number;
  instruction?: string;
}

export class EditFeature implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: EngineHost,
    private readonly sessions: DiffSessions,
    private readonly status: StatusBar,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand('diffcoder.editSelection', (args?: EditArgs) => this.editSelection(args)),
      vscode.commands.registerCommand('diffcoder.fixDiagnostic', (args: EditArgs) => this.editSelection(args)),
    );
  }

  private async pickInstruction(): Promise<string | undefined> {
    const recent = this.context.globalState.get<string[]>(RECENT_KEY, []);
    type Item = vscode.QuickPickItem & { instruction?: string };
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = 'Edit with DiffCoder';
    qp.placeholder = 'Describe the change, or pick one';
    const base: Item[] = [
      ...PRESETS.map((p) => ({ label: p.label, description: p.detail, instruction: p.instruction })),
      ...(recent.length ? [{ label: 'recent', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
      ...recent.map((r) => ({ label: `$(history) ${r}`, instruction: r })),
    ];
    qp.items = base;
    // Flip between the inline diff and a diff editor right here (the diffcoder.edit.diffStyle setting).
    const styleButton = (): vscode.QuickInputButton => {
      const style = editSettings().diffStyle;
      return style === 'inline'
        ? { iconPath: new vscode.ThemeIcon('split-horizontal'), tooltip: 'Show proposals side by side (now: inline)' }
        : { iconPath: new vscode.ThemeIcon('diff'), tooltip: 'Show proposals inline (now: side by side)' };
    };
    qp.buttons = [styleButton()];
    qp.onDidTriggerButton(async () => {
      const next = editSettings().diffStyle === 'inline' ? 'side-by-side' : 'inline';
      await vscode.workspace.getConfiguration('diffcoder').update('edit.diffStyle', next, vscode.ConfigurationTarget.Global);
      qp.buttons = [styleButton()];
    });
    qp.onDidChangeValue((v) => {
      qp.items = v.trim() ? [{ label: `$(edit) ${v.trim()}`, description: 'your instruction', instruction: v.trim(), alwaysShow: true }, ...base] : base;
    });
    const picked = await new Promise<string | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0];
        resolve(item?.instruction ?? (qp.value.trim() || undefined));
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (picked) {
      const next = [picked, ...recent.filter((r) => r !== picked)].slice(0, MAX_RECENT);
      await this.context.globalState.update(RECENT_KEY, next);
    }
    return picked;
  }

  async editSelection(args?: EditArgs): Promise<void> {
    const editor = args?.uri
      ? vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === args.uri) ?? (await vscode.window.showTextDocument(vscode.Uri.parse(args.uri)))
      : vscode.window.activeTextEditor;
    if (!editor) return;
    const document = editor.document;
    let startLine = args?.startLine;
    let endLine = args?.endLine;
    if (startLine === undefined || endLine === undefined) {
      const sel = editor.selection;
      startLine = sel.start.line;
      // A selection ending at column 0 of a line does not include that line.
      endLine = sel.end.line > sel.start.line && sel.end.character === 0 ? sel.end.line - 1 : sel.end.line;
    }
    const instruction = args?.instruction ?? (await this.pickInstruction());
    if (!instruction) return;
    const code: string[] = [];
    for (let l = startLine; l <= endLine; l++) code.push(document.lineAt(l).text);
    const session = await this.sessions.start(document, startLine, endLine, `Edit “${instruction.slice(0, 40)}”`);
    // Drop the selection so the red/green lines are not hidden under its highlight.
    if (vscode.window.activeTextEditor?.document === document) {
      const at = new vscode.Position(startLine, 0);
      vscode.window.activeTextEditor.selection = new vscode.Selection(at, at);
    }
    await this.run(session, instruction, code.join('\n'), document.languageId);
  }

  private async run(session: DiffSession, instruction: string, code: string, language: string): Promise<void> {
    // Edits go to the edit model when one is set (an Instruct package), else to the one model.
    const model = await this.host.whenReady('edit');
    if (!model) {
      await session.fail('no model loaded');
      return;
    }
    const cts = new CancellationTokenSource();
    session.cancelGeneration = () => cts.cancel();
    // Blocks can arrive faster than the editor renders them: render only the newest.
    let latest: string | undefined;
    let draining: Promise<void> | undefined;
    const drain = async () => {
      while (latest !== undefined) {
        const t = latest;
        latest = undefined;
        await session.update(t, 'streaming');
      }
      draining = undefined;
    };
    const t0 = Date.now();
    this.status.setState('thinking');
    // Longer than the model's trained window with its answer: in runs, one or more top-level blocks each.
    const lines = code.split('\n');
    const window = editWindow(model.trainedPositions, instruction, this.host.counter());
    const runs = editRuns(lines, window.fits, namedIn(instruction));
    const where = (k: number) => (runs.length > 1 ? ` (part ${k + 1} of ${runs.length}, lines ${runs[k].from + 1}-${runs[k].to} of the selection)` : '');
    log().info(`edit start: ${lines.length} lines${runs.length > 1 ? ` in ${runs.length} parts (the model was trained on ${model.trainedPositions} positions)` : ''}, ${JSON.stringify(instruction)}`);
    try {
      const params = { instruction, language, maxTokens: editSettings().maxNewTokens, decoding: decodingOptions(), minLineConfidence: 'package' as const };
      const r = await editByRuns(this.host.engineFor('edit'), params, lines, runs, window, cts.token, (text) => {
        if (session.isEnded) return;
        latest = text;
        draining ??= drain();
      });
      await draining;
      for (const [k, result] of r.results.entries()) {
        log().info(
          `edit done${where(r.sent[k])}: ${result.tokens} tok in ${result.forwardPasses} forwards, ${result.ms} ms (total ${Date.now() - t0} ms), stopped by ${result.stoppedBy}` +
            (result.unsureLines?.length ? `, unsure lines ${result.unsureLines.map((i) => i + 1).join(', ')}` : ''),
        );
        this.status.recordResult(result, 'edit');
      }
      if (r.cancelled || session.isEnded) return;
      const cut = r.results.map((x, k) => ({ why: x.stoppedBy, k: r.sent[k] })).filter((x) => finishedState(x.why) === 'cut');
      for (const c of cut) log().info(`edit cut short${where(c.k)} (${c.why}): the selection's lines after the answer's last whole line are kept as they are`);
      if (runs.length === 1) {
        const [result] = r.results;
        await session.update(result.text, finishedState(result.stoppedBy), unsureOf(result));
      } else await session.update(r.text, 'complete', r.unsure); // each part's proposal, taken whole
      if (session.isEnded) void vscode.window.setStatusBarMessage('DiffCoder: no changes proposed', 4000);
      else if (cut.length) {
        const what = runs.length > 1 ? ` in part ${cut[0].k + 1} of ${runs.length}, so that part's proposal ends there and its lines after it` : ', so the proposal ends there and the lines after it';
        void vscode.window.setStatusBarMessage(`DiffCoder: ${whyCut(cut[0].why)}${what} stay as they are; review it before accepting`, 8000);
      } else if (runs.length > 1) {
        const left = runs.length - r.sent.length;
        const untouched = left ? `; ${left} without the code your instruction names are left as they are` : '';
        void vscode.window.setStatusBarMessage(`DiffCoder: the selection is longer than the model's window, so it was edited in ${runs.length} parts, one or more functions each${untouched}`, 8000);
      }
    } catch (e) {
      await draining;
      if (session.isEnded || cts.token.isCancellationRequested) return;
      const msg = errorMessage(e);
      await session.fail(msg);
      void vscode.window.setStatusBarMessage(`DiffCoder: edit failed (${msg}); see the log`, 6000);
    } finally {
      cts.dispose();
      if (this.status.current === 'thinking') this.status.setState('ready');
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** What ended an answer cut short (finishedState), for the status bar. */
function whyCut(why: StopReason): string {
  if (why === 'repetition') return 'the model started repeating itself';
  if (why === 'budget') return `the answer reached diffcoder.edit.maxNewTokens (${editSettings().maxNewTokens} tokens)`;
  return "the answer reached the end of the model's context (select less code)";
}

/** The answer's unsure lines with their confidence, for the proposal's marks. */
function unsureOf(r: GenerateResult): Map<number, number> {
  return new Map((r.unsureLines ?? []).map((i) => [i, r.lineConfidence?.[i] ?? 0]));
}
