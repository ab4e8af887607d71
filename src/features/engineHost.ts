/**
 * Owns the extension's view of the engine: which model package to load, loading it with a progress
 * notification, reloading when the settings change, reporting worker restarts, and the tokenizer the
 * completion core counts tokens with. No modal popups: failures go to the status bar and the log,
 * with one non-modal notification offering the log.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Engine } from '../client/types';
import type { ModelInfo } from '../engine/protocol';
import { CodeTokenizer } from '../engine/tokenizer';
import { approximateCounter, LineTokenCounter, type TokenCounter } from '../completion/context';
import { engineSettings } from './config';
import { errorMessage, log } from './log';
import type { StatusBar } from './statusBar';

export const BUNDLED_MODEL = 'diffcoder-small';

export class EngineHost implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private loading: Promise<ModelInfo | undefined> | undefined;
  private loadedKey = '';
  private tokenCounter: TokenCounter = approximateCounter;
  private lastRestartNotice = 0;
  private failedKey = '';

  constructor(
    readonly engine: Engine,
    private readonly extensionPath: string,
    private readonly status: StatusBar,
  ) {
    this.disposables.push(
      engine.onLog((e) => log()[e.level === 'warn' ? 'warn' : e.level](`[worker] ${e.message}`)),
      engine.onStateChange((state, detail) => {
        log().debug(`engine state: ${state}${detail ? ' (' + detail + ')' : ''}`);
        if (state === 'error') this.status.setState('error', detail ?? 'engine error');
        else if (state === 'starting' || state === 'loading') this.status.setState('loading');
        else if (state === 'ready' && engine.model) {
          // Also after a restart, when the client has reloaded the model by itself.
          this.status.setModel(engine.model);
          if (['loading', 'starting', 'error'].includes(this.status.current)) this.status.setState('ready');
        }
      }),
      engine.onRestart((reason) => {
        log().warn(`worker restarted: ${reason}`);
        // Reloading happens in the client; tell the user once in a while, never modally.
        if (Date.now() - this.lastRestartNotice > 60_000) {
          this.lastRestartNotice = Date.now();
          void vscode.window.showWarningMessage(`DiffCoder's model worker stopped (${reason}) and was restarted.`, 'Show Log').then((a) => {
            if (a) log().show(true);
          });
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('diffcoder.modelPath') || e.affectsConfiguration('diffcoder.engine')) {
          this.failedKey = '';
          void this.load();
        }
      }),
    );
  }

  /** The model package folder: the user's diffcoder.modelPath, DIFFCODER_MODEL_DIR, or the bundled one. */
  modelDir(): string {
    const configured = engineSettings().modelPath || process.env.DIFFCODER_MODEL_DIR || '';
    if (configured) return path.resolve(configured.replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~'));
    return path.join(this.extensionPath, 'media', 'models', BUNDLED_MODEL);
  }

  counter(): TokenCounter {
    return this.tokenCounter;
  }

  /** Loads (or reloads) the configured model; resolves to undefined when that failed. */
  load(): Promise<ModelInfo | undefined> {
    const settings = engineSettings();
    const modelDir = this.modelDir();
    const key = JSON.stringify([modelDir, settings.providers, settings.threads]);
    if (this.loading && key === this.loadedKey) return this.loading;
    // A package that failed to load is not retried on every keystroke; a settings change retries it.
    if (key === this.failedKey) return Promise.resolve(undefined);
    this.loadedKey = key;
    this.loading = this.doLoad(modelDir, settings.providers, settings.threads);
    return this.loading;
  }

  /** The loaded model, loading it first if needed. */
  async whenReady(): Promise<ModelInfo | undefined> {
    if (this.engine.model && this.engine.state !== 'error' && this.loading) return (await this.loading) ?? this.engine.model;
    return this.load();
  }

  private async doLoad(modelDir: string, providers: string[], threads: number): Promise<ModelInfo | undefined> {
    this.status.setState('loading');
    this.loadTokenizer(modelDir);
    const t0 = Date.now();
    log().info(`loading model package ${modelDir} (providers ${providers.join(', ')}, threads ${threads || 'default'})`);
    try {
      const info = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'DiffCoder: loading the model', cancellable: false },
        async (progress) => {
          const sub = this.engine.onProgress((p) => {
            if (p.task === 'load') progress.report({ message: p.message });
          });
          try {
            return await this.engine.load({ modelDir, providers, threads });
          } finally {
            sub.dispose();
          }
        },
      );
      log().info(
        `model ${info.name} ${info.version} ready on ${info.device} in ${Date.now() - t0} ms (session ${info.loadMs} ms)` +
          (info.fallback.length ? `; fell back: ${info.fallback.join('; ')}` : ''),
      );
      for (const n of info.notes ?? []) log().warn(n);
      this.status.setModel(info);
      this.status.setState('ready');
      return info;
    } catch (e) {
      const msg = errorMessage(e);
      log().error(`model load failed: ${msg}`);
      this.status.setState('error', msg);
      this.loading = undefined;
      this.failedKey = this.loadedKey;
      void vscode.window.showErrorMessage(`DiffCoder could not load its model: ${msg}`, 'Show Log').then((a) => {
        if (a) log().show(true);
      });
      return undefined;
    }
  }

  private loadTokenizer(modelDir: string): void {
    const file = path.join(modelDir, 'tokenizer.json');
    try {
      const t0 = Date.now();
      const tok = CodeTokenizer.fromFile(file);
      this.tokenCounter = new LineTokenCounter({ count: (t) => tok.encode(t).length });
      log().info(`tokenizer loaded for prompt budgets in ${Date.now() - t0} ms`);
    } catch (e) {
      this.tokenCounter = approximateCounter;
      log().warn(`no tokenizer at ${file} (${errorMessage(e)}); prompt budgets use an estimate`);
    }
  }

  modelExists(): boolean {
    return fs.existsSync(path.join(this.modelDir(), 'diffcoder.json'));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
