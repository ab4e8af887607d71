/**
 * Owns the extension's view of the engine: which model package does what (src/models/roles.ts), loading
 * it with a progress notification, reloading when the settings change (switching models needs no
 * restart), reporting worker restarts, and the tokenizer the completion core counts tokens with.
 * Completions and hole filling use `engine`; edits use a second worker only when the settings name a
 * different model for them (started at the first edit). No modal popups: failures go to the status
 * bar and the log, with one non-modal notification offering the log.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Engine } from '../client/types';
import type { ModelInfo } from '../engine/protocol';
import { CodeTokenizer } from '../engine/tokenizer';
import { approximateCounter, LineTokenCounter, type TokenCounter } from '../completion/context';
import { readInstalled } from '../models/installed';
import { planRoles, type Role, type RolePlan } from '../models/roles';
import { engineSettings } from './config';
import { errorMessage, log } from './log';
import type { StatusBar } from './statusBar';

export const BUNDLED_MODEL = 'diffcoder-small';

/** One engine and the model it should hold. */
class Slot {
  loading: Promise<ModelInfo | undefined> | undefined;
  loadedKey = '';
  failedKey = '';
  constructor(
    readonly role: Role,
    readonly engine: Engine,
  ) {}
}

export class EngineHost implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly infill: Slot;
  private editSlot: Slot | undefined;
  private tokenCounter: TokenCounter = approximateCounter;
  private lastRestartNotice = 0;
  private lastPlan = '';

  /** `makeEngine` starts another worker (for a separate edit model). */
  constructor(
    readonly engine: Engine,
    private readonly extensionPath: string,
    private readonly status: StatusBar,
    private readonly makeEngine?: () => Engine,
  ) {
    this.infill = new Slot('infill', engine);
    this.watch(this.infill);
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['diffcoder.modelPath', 'diffcoder.editModelPath', 'diffcoder.engine'].some((k) => e.affectsConfiguration(k))) {
          this.infill.failedKey = '';
          if (this.editSlot) this.editSlot.failedKey = '';
          void this.load();
          // A separate edit model already running follows the change now; otherwise at the next edit.
          if (this.editSlot?.engine.model) void this.load('edit');
        }
      }),
    );
  }

  private watch(slot: Slot): void {
    const name = slot.role === 'edit' ? "DiffCoder's edit model worker" : "DiffCoder's model worker";
    this.disposables.push(
      slot.engine.onLog((e) => log()[e.level === 'warn' ? 'warn' : e.level](`[${slot.role === 'edit' ? 'edit worker' : 'worker'}] ${e.message}`)),
      slot.engine.onRestart((reason) => {
        log().warn(`${slot.role} worker restarted: ${reason}`);
        // Reloading happens in the client; tell the user once in a while, never modally.
        if (Date.now() - this.lastRestartNotice > 60_000) {
          this.lastRestartNotice = Date.now();
          void vscode.window.showWarningMessage(`${name} stopped (${reason}) and was restarted.`, 'Show Log').then((a) => {
            if (a) log().show(true);
          });
        }
      }),
    );
    if (slot.role !== 'infill') return;
    this.disposables.push(
      slot.engine.onStateChange((state, detail) => {
        log().debug(`engine state: ${state}${detail ? ' (' + detail + ')' : ''}`);
        if (state === 'error') this.status.setState('error', detail ?? 'engine error');
        else if (state === 'starting' || state === 'loading') this.status.setState('loading');
        else if (state === 'ready' && slot.engine.model) {
          // Also after a restart, when the client has reloaded the model by itself.
          this.status.setModel(slot.engine.model);
          if (['loading', 'starting', 'error'].includes(this.status.current)) this.status.setState('ready');
        }
      }),
    );
  }

  /** The bundled package folder. */
  bundledModelDir(): string {
    return path.join(this.extensionPath, 'media', 'models', BUNDLED_MODEL);
  }

  /** Which package does what: diffcoder.modelPath (or DIFFCODER_MODEL_DIR, or the bundled one), diffcoder.editModelPath. */
  plan(): RolePlan {
    const s = engineSettings();
    const infill = expand(s.modelPath || process.env.DIFFCODER_MODEL_DIR || '') || this.bundledModelDir();
    return planRoles(infill, expand(s.editModelPath), (dir) => readInstalled(dir, 'folder')?.chat);
  }

  /** The model package folder for a role. */
  modelDir(role: Role = 'infill'): string {
    return this.plan()[role];
  }

  /** The engine that serves a role (the main one unless edits have their own model). */
  engineFor(role: Role): Engine {
    if (role === 'edit' && this.plan().split) return this.edits().engine;
    return this.engine;
  }

  counter(): TokenCounter {
    return this.tokenCounter;
  }

  /** Loads (or reloads) the model for a role; resolves to undefined when that failed. */
  load(role: Role = 'infill'): Promise<ModelInfo | undefined> {
    const plan = this.plan();
    if (plan.summary !== this.lastPlan) {
      this.lastPlan = plan.summary;
      log().info(plan.summary);
    }
    if (role === 'edit' && !plan.split) role = 'infill';
    // One model does everything again: the edit worker and its memory go.
    if (!plan.split && this.editSlot) void this.releaseEdits();
    const slot = role === 'edit' ? this.edits() : this.infill;
    const settings = engineSettings();
    const modelDir = plan[role];
    const key = JSON.stringify([modelDir, settings.providers, settings.threads]);
    if (slot.loading && key === slot.loadedKey) return slot.loading;
    // A package that failed to load is not retried on every keystroke; a settings change retries it.
    if (key === slot.failedKey) return Promise.resolve(undefined);
    slot.loadedKey = key;
    slot.loading = this.doLoad(slot, modelDir, settings.providers, settings.threads);
    return slot.loading;
  }

  /** The role's model, loading it first if needed. */
  async whenReady(role: Role = 'infill'): Promise<ModelInfo | undefined> {
    const r = role === 'edit' && this.plan().split ? 'edit' : 'infill';
    const slot = r === 'edit' ? this.edits() : this.infill;
    if (slot.engine.model && slot.engine.state !== 'error' && slot.loading) return (await slot.loading) ?? slot.engine.model;
    return this.load(r);
  }

  /**
   * Writes each running worker's own counters to the log (Show Log does this, so a shared log has them;
   * the e2e suite reads the line to check that typing never had two inferences in flight).
   */
  async logWorkerStats(): Promise<void> {
    for (const slot of [this.infill, this.editSlot]) {
      if (!slot || slot.engine.state === 'stopped') continue; // asking would start a worker
      const name = slot.role === 'edit' ? 'edit worker' : 'worker';
      try {
        const s = await slot.engine.stats();
        log().info(
          `${name} stats: ${Math.round(s.rssBytes / 2 ** 20)} MiB resident, ${s.requests} requests; generation requests ` +
            `in flight ${s.inFlight} (at most ${s.maxInFlight} at once), running ${s.running} (at most ${s.maxRunning} at once)`,
        );
      } catch (e) {
        log().warn(`${name} stats: ${errorMessage(e)}`);
      }
    }
  }

  private edits(): Slot {
    if (!this.editSlot) {
      if (!this.makeEngine) throw new Error('no second engine for a separate edit model');
      this.editSlot = new Slot('edit', this.makeEngine());
      this.watch(this.editSlot);
    }
    return this.editSlot;
  }

  private async releaseEdits(): Promise<void> {
    const s = this.editSlot;
    this.editSlot = undefined;
    if (s) {
      log().info('edits use the completion model again: stopping the edit worker');
      this.status.setEditModel(undefined);
      await s.engine.dispose();
    }
  }

  private async doLoad(slot: Slot, modelDir: string, providers: string[], threads: number): Promise<ModelInfo | undefined> {
    const main = slot.role === 'infill';
    if (main) {
      this.status.setState('loading');
      this.loadTokenizer(modelDir);
    }
    const t0 = Date.now();
    const what = main ? 'model' : 'edit model';
    log().info(`loading ${what} package ${modelDir} (providers ${providers.join(', ')}, threads ${threads || 'default'})`);
    try {
      const info = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `DiffCoder: loading the ${what}`, cancellable: false },
        async (progress) => {
          const sub = slot.engine.onProgress((p) => {
            if (p.task === 'load') progress.report({ message: p.message });
          });
          try {
            return await slot.engine.load({ modelDir, providers, threads });
          } finally {
            sub.dispose();
          }
        },
      );
      log().info(
        `${what} ${info.name} ${info.version} ready on ${info.device} in ${Date.now() - t0} ms (session ${info.loadMs} ms)` +
          (info.fallback.length ? `; fell back: ${info.fallback.join('; ')}` : ''),
      );
      for (const n of info.notes ?? []) log().warn(n);
      if (main) {
        this.status.setModel(info);
        this.status.setState('ready');
      } else {
        this.status.setEditModel(info);
      }
      return info;
    } catch (e) {
      const msg = errorMessage(e);
      log().error(`${what} load failed: ${msg}`);
      if (main) this.status.setState('error', msg);
      slot.loading = undefined;
      slot.failedKey = slot.loadedKey;
      void vscode.window.showErrorMessage(`DiffCoder could not load its ${what}: ${msg}`, 'Show Log', 'Switch Model…').then((a) => {
        if (a === 'Show Log') log().show(true);
        if (a === 'Switch Model…') void vscode.commands.executeCommand('diffcoder.switchModel');
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

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.editSlot?.engine.dispose();
  }
}

function expand(p: string): string {
  const s = p.trim();
  return s ? path.resolve(s.replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~')) : '';
}
