/**
 * Status bar: model, device and state (loading, thinking, ready, error, disabled), with the last
 * request's latency and tokens per forward pass in the tooltip. Clicking opens DiffCoder's menu.
 */
import * as vscode from 'vscode';
import type { ModelInfo, GenerateResult } from '../engine/protocol';

export type UiState = 'starting' | 'loading' | 'ready' | 'thinking' | 'error' | 'disabled';

/** How a provider name reads to a person. */
export function deviceLabel(device: string | undefined): string {
  switch ((device ?? '').toLowerCase()) {
    case 'cpu':
      return 'CPU';
    case 'cuda':
    case 'tensorrt':
      return 'GPU (CUDA)';
    case 'dml':
    case 'directml':
      return 'GPU (DirectML)';
    case 'webgpu':
      return 'GPU (WebGPU)';
    case 'coreml':
      return 'GPU (CoreML)';
    case '':
      return '';
    default:
      return device!.toUpperCase();
  }
}

const ICONS: Record<UiState, string> = {
  starting: '$(loading~spin)',
  loading: '$(loading~spin)',
  ready: '$(sparkle)',
  thinking: '$(sync~spin)',
  error: '$(error)',
  disabled: '$(circle-slash)',
};

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('diffcoder.status', vscode.StatusBarAlignment.Right, 100);
  private state: UiState = 'starting';
  private detail = '';
  private model: ModelInfo | undefined;
  private editModel: ModelInfo | undefined;
  private last: { result: GenerateResult; kind: string; at: Date } | undefined;
  private languageDisabled = false;
  private globallyDisabled = false;
  requests = 0;
  cacheHits = 0;

  constructor() {
    this.item.name = 'DiffCoder';
    this.item.command = 'diffcoder.showMenu';
    this.render();
    this.item.show();
  }

  setState(state: UiState, detail = ''): void {
    this.state = state;
    this.detail = detail;
    this.render();
  }

  get current(): UiState {
    return this.state;
  }

  setModel(model: ModelInfo | undefined): void {
    this.model = model;
    this.render();
  }

  /** The separate model edits use, when there is one (shown in the tooltip). */
  setEditModel(model: ModelInfo | undefined): void {
    this.editModel = model;
    this.render();
  }

  /** Whether completions are off, globally or for the active editor's language (shown over the engine's state). */
  setDisabled(globally: boolean, forLanguage: boolean): void {
    this.globallyDisabled = globally;
    this.languageDisabled = forLanguage;
    this.render();
  }

  recordResult(result: GenerateResult, kind: string): void {
    this.requests++;
    this.last = { result, kind, at: new Date() };
    this.render();
  }

  private render(): void {
    const device = deviceLabel(this.model?.device);
    const off = this.globallyDisabled || this.languageDisabled;
    const state: UiState = off && (this.state === 'ready' || this.state === 'thinking') ? 'disabled' : this.state;
    const words: Record<UiState, string> = {
      starting: 'starting',
      loading: 'loading',
      ready: device,
      thinking: device,
      error: 'error',
      disabled: 'off',
    };
    this.item.text = `${ICONS[state]} DiffCoder${words[state] ? ' ' + words[state] : ''}`;
    this.item.backgroundColor = state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.accessibilityInformation = { label: `DiffCoder ${state}${device ? ' on ' + device : ''}` };

    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['diffcoder.showLog', 'diffcoder.toggle', 'diffcoder.toggleLanguage', 'diffcoder.switchModel'] };
    const stateLine: Record<UiState, string> = {
      starting: 'Starting the worker…',
      loading: 'Loading the model…',
      ready: 'Ready',
      thinking: 'Thinking…',
      error: `Error: ${this.detail}`,
      disabled: this.globallyDisabled ? 'Disabled' : 'Disabled for this language',
    };
    md.appendMarkdown(`**DiffCoder** — ${stateLine[state]}\n\n`);
    if (this.model) {
      md.appendMarkdown(`Model: \`${this.model.name}\` ${this.model.version} (${this.model.weights})  \n`);
      md.appendMarkdown(`Device: ${device} (${this.model.device})  \n`);
      for (const f of this.model.fallback) md.appendMarkdown(`Not used: ${f.length > 90 ? f.slice(0, 87) + '…' : f}  \n`);
      for (const n of this.model.notes ?? []) md.appendMarkdown(`$(warning) ${n}  \n`);
    }
    if (this.editModel) {
      const e = this.editModel;
      md.appendMarkdown(`Edits: \`${e.name}\` ${e.version} (${e.weights}) on ${deviceLabel(e.device)}  \n`);
    }
    if (this.last) {
      const r = this.last.result;
      const perForward = r.forwardPasses > 0 ? (r.tokens / r.forwardPasses).toFixed(2) : '–';
      md.appendMarkdown(
        `\nLast ${this.last.kind}: ${r.ms} ms, ${r.tokens} tokens in ${r.forwardPasses} forward passes ` +
          `(${perForward} tokens/forward), prompt ${r.promptTokens} tokens (${r.reusedTokens} reused)  \n`,
      );
    }
    md.appendMarkdown(`Requests: ${this.requests}, served from cache: ${this.cacheHits}\n\n`);
    md.appendMarkdown('[Show log](command:diffcoder.showLog) · [Switch model](command:diffcoder.switchModel) · [Toggle](command:diffcoder.toggle) · [Toggle for this language](command:diffcoder.toggleLanguage)');
    this.item.tooltip = md;
  }

  dispose(): void {
    this.item.dispose();
  }
}
