/**
 * The model manager: switch between installed packages without restarting (the settings change, the
 * EngineHost reloads the worker's model, the status bar follows), use a package folder from disk
 * (checked by the package loader in a child process first), convert a checkpoint (in a child process,
 * with a cancellable progress notification), and download a published package, only when the user
 * asks and only after they allowed downloads (src/models/download.ts: resumable, sha256-checked,
 * installed whole or not at all). Which model does completions and which does edits: src/models/roles.ts.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { CliTaskCancelled, runCliTask } from '../client/cliTask';
import { installName, manifestUrlFor, PUBLISHED_MODELS } from '../models/catalog';
import { download } from '../models/download';
import { DownloadError } from '../models/downloadError';
import { describeFolder, folderKind } from '../models/folderKind';
import { checkUrl } from '../models/http';
import { listInstalled, readInstalled, type InstalledModel } from '../models/installed';
import { SECTION, modelSettings } from './config';
import type { EngineHost } from './engineHost';
import { errorMessage, log } from './log';

const FOLDERS_KEY = 'diffcoder.modelFolders';
type Use = 'both' | 'infill' | 'edit';

const gib = (b: number) => (b < 2 ** 30 ? `${Math.max(1, Math.round(b / 2 ** 20))} MiB` : `${(b / 2 ** 30).toFixed(1)} GiB`);

export class ModelManager implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: EngineHost,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand('diffcoder.switchModel', () => this.switchModel()),
      vscode.commands.registerCommand('diffcoder.addModelFolder', () => this.addFolder()),
      vscode.commands.registerCommand('diffcoder.convertCheckpoint', (src?: vscode.Uri | string) => this.convert(typeof src === 'string' ? src : src?.fsPath)),
      vscode.commands.registerCommand('diffcoder.downloadModel', () => this.download()),
    );
  }

  /** Where downloaded and converted packages go. */
  installRoot(): string {
    return path.join(this.context.globalStorageUri.fsPath, 'models');
  }

  private cliPath(): string {
    return path.join(this.context.extensionPath, 'dist', 'cli.js');
  }

  private installed(): InstalledModel[] {
    const plan = this.host.plan();
    const folders = this.context.globalState.get<string[]>(FOLDERS_KEY, []);
    return listInstalled({ bundled: this.host.bundledModelDir(), installRoot: this.installRoot(), folders: [...folders, plan.infill, plan.edit] });
  }

  // ---- switch ------------------------------------------------------------------------------------

  async switchModel(): Promise<void> {
    const plan = this.host.plan();
    type Item = vscode.QuickPickItem & { model?: InstalledModel; run?: () => Promise<void> };
    const uses = (m: InstalledModel) => {
      const u = [m.dir === plan.infill ? 'completions' : '', m.dir === plan.edit ? 'edits' : ''].filter(Boolean);
      return u.length ? ` — in use for ${u.join(' and ')}` : '';
    };
    const items: Item[] = this.installed().map((m) => ({
      label: `${m.dir === plan.infill || m.dir === plan.edit ? '$(check)' : '$(blank)'} ${m.name}`,
      description: `${m.version} · ${m.weights} · ${m.layers} layers · ${gib(m.bytes)} · ${m.chat ? 'instruct' : 'base'}${uses(m)}`,
      detail: `${m.source === 'bundled' ? 'bundled' : m.source === 'installed' ? 'installed' : 'folder'}: ${m.dir}`,
      model: m,
    }));
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(folder-opened) Use a model folder…', run: () => this.addFolder() },
      { label: '$(file-binary) Convert a checkpoint…', run: () => this.convert() },
      { label: '$(cloud-download) Download a model…', run: () => this.download() },
    );
    const picked = await vscode.window.showQuickPick(items, { title: 'DiffCoder: Switch Model', placeHolder: 'The model for completions and edits (Base models fill in code, Instruct models follow instructions)', matchOnDescription: true, matchOnDetail: true });
    if (!picked) return;
    if (picked.run) return picked.run();
    if (picked.model) await this.use(picked.model);
  }

  /** Asks what the model should do (suggesting Base for completions, Instruct for edits) and applies it. */
  private async use(m: InstalledModel, preferred?: Use): Promise<void> {
    const plan = this.host.plan();
    const name = (dir: string) => readInstalled(dir, 'folder')?.name ?? path.basename(dir);
    const infillIsChat = readInstalled(plan.infill, 'folder')?.chat;
    const suggested: Use = preferred ?? (m.chat && infillIsChat === false && m.dir !== plan.infill ? 'edit' : !m.chat && plan.split ? 'infill' : 'both');
    const options: (vscode.QuickPickItem & { use: Use })[] = [
      { use: 'both', label: '$(layers) Everything', description: 'completions, hole filling and edits' },
      { use: 'infill', label: '$(symbol-snippet) Completions and hole filling', description: `edits keep ${name(plan.edit)}${m.chat ? ' (this is an instruct model: a Base model fills in code better)' : ''}` },
      { use: 'edit', label: '$(edit) Edits only', description: `completions keep ${name(plan.infill)}${m.chat ? '' : ' (this is a base model: an Instruct model follows instructions better)'}` },
    ];
    options.sort((a, b) => (a.use === suggested ? -1 : b.use === suggested ? 1 : 0));
    const pick = await vscode.window.showQuickPick(options, { title: `Use ${m.name} for…` });
    if (!pick) return;
    await this.apply(m, pick.use);
  }

  private async apply(m: InstalledModel, use: Use): Promise<void> {
    const c = vscode.workspace.getConfiguration(SECTION);
    const plan = this.host.plan();
    const bundled = path.resolve(this.host.bundledModelDir());
    const asSetting = (dir: string) => (path.resolve(dir) === bundled ? '' : dir);
    const G = vscode.ConfigurationTarget.Global;
    if (use === 'both') {
      await c.update('editModelPath', '', G);
      await c.update('modelPath', asSetting(m.dir), G);
    } else if (use === 'infill') {
      // edits keep the model they had, even when that was "the same as completions"
      await c.update('editModelPath', plan.edit === m.dir ? '' : plan.edit, G);
      await c.update('modelPath', asSetting(m.dir), G);
    } else {
      await c.update('editModelPath', m.dir === plan.infill ? '' : m.dir, G);
    }
    log().info(`model switched: ${m.name} (${m.dir}) for ${use === 'both' ? 'completions and edits' : use === 'infill' ? 'completions and hole filling' : 'edits'}`);
  }

  // ---- a folder from disk ------------------------------------------------------------------------

  async addFolder(): Promise<void> {
    const uris = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use This Model', title: 'A DiffCoder model package folder (diffcoder.json, model.onnx, tokenizer.json)' });
    const dir = uris?.[0]?.fsPath;
    if (!dir) return;
    const kind = folderKind(dir);
    if (kind === 'checkpoint') {
      const a = await vscode.window.showInformationMessage(`${path.basename(dir)} is a Hugging Face checkpoint. Convert it to a model package?`, 'Convert…');
      if (a) await this.convert(dir);
      return;
    }
    if (kind !== 'package') {
      void vscode.window.showErrorMessage(`DiffCoder: ${describeFolder(dir)}.`);
      return;
    }
    const m = await this.check(dir);
    if (!m) return;
    const folders = this.context.globalState.get<string[]>(FOLDERS_KEY, []);
    if (!folders.includes(m.dir)) await this.context.globalState.update(FOLDERS_KEY, [...folders, m.dir]);
    await this.use(m);
  }

  /** The package loader's checks (every file's size and sha256, manifest, tokenizer) in a child process. */
  private async check(dir: string): Promise<InstalledModel | undefined> {
    const size = readInstalled(dir, 'folder')?.bytes ?? 0;
    try {
      const r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `DiffCoder: checking ${path.basename(dir)} (${gib(size)})`, cancellable: true },
        (_p, token) => runCliTask({ cliPath: this.cliPath(), args: ['check', dir], signal: abortOn(token) }),
      );
      if (r.ok !== true) {
        log().error(`not a usable model package: ${String(r.message)}`);
        void vscode.window.showErrorMessage(`DiffCoder cannot use ${dir}: ${firstLines(String(r.message))}`, 'Show Log').then((a) => a && log().show(true));
        return undefined;
      }
      return readInstalled(dir, 'folder');
    } catch (e) {
      if (!(e instanceof CliTaskCancelled)) void vscode.window.showErrorMessage(`DiffCoder could not check ${dir}: ${errorMessage(e)}`);
      return undefined;
    }
  }

  // ---- convert -----------------------------------------------------------------------------------

  async convert(srcArg?: string): Promise<void> {
    let src = srcArg;
    if (!src) {
      const uris = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Convert This Checkpoint', title: 'A Hugging Face Llama checkpoint folder (config.json, *.safetensors, tokenizer.json)' });
      src = uris?.[0]?.fsPath;
    }
    if (!src) return;
    if (folderKind(src) !== 'checkpoint') {
      void vscode.window.showErrorMessage(`DiffCoder: ${describeFolder(src)}.`);
      return;
    }
    const formats = [
      { label: 'int4', description: 'smallest; CPU and GPU (8B: about 5.3 GiB)', args: ['--weights', 'int4'], tag: 'int4' },
      { label: 'int4 for GPUs', description: 'the output layer int4 too, so every matrix runs on the GPU (8B: about 5.1 GiB)', args: ['--weights', 'int4', '--head', 'int4'], tag: 'int4-gpu' },
      { label: 'int8', description: 'fastest on a CPU (8B: about 7.7 GiB)', args: ['--weights', 'int8'], tag: 'int8' },
      { label: 'fp16', description: 'no quantization (8B: about 15 GiB)', args: ['--weights', 'fp16'], tag: 'fp16' },
    ];
    const fmt = await vscode.window.showQuickPick(formats, { title: `Convert ${path.basename(src)}: weight format` });
    if (!fmt) return;
    const defaultOut = path.join(this.installRoot(), `${path.basename(src)}-${fmt.tag}`);
    const where = await vscode.window.showQuickPick(
      [
        { label: "$(archive) DiffCoder's models folder", description: defaultOut, out: defaultOut },
        { label: '$(folder) Choose a folder…', out: '' },
      ],
      { title: 'Where to write the model package' },
    );
    if (!where) return;
    let out = where.out;
    if (!out) {
      const uris = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Write the Package Here', title: 'Parent folder for the package' });
      if (!uris?.[0]) return;
      out = path.join(uris[0].fsPath, path.basename(defaultOut));
    }
    const t0 = Date.now();
    log().info(`converting ${src} -> ${out} (${fmt.args.join(' ')})`);
    try {
      const done = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `DiffCoder: converting ${path.basename(src)} (${fmt.label})`, cancellable: true },
        (progress, token) => {
          let shown = 0;
          return runCliTask({
            cliPath: this.cliPath(),
            args: ['convert', src!, out, ...fmt.args],
            signal: abortOn(token),
            onEvent: (e) => {
              if (e.event !== 'progress') return;
              const f = Math.round((e.fraction ?? shown / 100) * 100);
              progress.report({ increment: Math.max(0, f - shown), message: e.message });
              shown = Math.max(shown, f);
            },
          });
        },
      );
      const secs = Math.round((Date.now() - t0) / 1000);
      log().info(`converted ${src} -> ${out} in ${secs} s (${gib(Number(done.bytes ?? 0))})`);
      const m = readInstalled(out, 'installed');
      if (!m) return;
      const a = await vscode.window.showInformationMessage(`Converted ${m.name} (${m.weights}, ${gib(m.bytes)}) in ${secs} s. Use it now?`, 'Use It…', 'Not Now');
      if (a === 'Use It…') await this.use(m);
    } catch (e) {
      if (e instanceof CliTaskCancelled) {
        log().info(`conversion of ${src} cancelled`);
        void vscode.window.setStatusBarMessage('DiffCoder: conversion cancelled', 4000);
        return;
      }
      log().error(`conversion of ${src} failed: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(`DiffCoder could not convert ${path.basename(src)}: ${firstLines(errorMessage(e))}`, 'Show Log').then((x) => x && log().show(true));
    }
  }

  // ---- download ----------------------------------------------------------------------------------

  async download(): Promise<void> {
    const c = vscode.workspace.getConfiguration(SECTION);
    if (!modelSettings().allowDownloads) {
      const a = await vscode.window.showWarningMessage(
        'DiffCoder works offline: downloads are off (diffcoder.allowDownloads). Allow them?',
        { modal: true, detail: 'DiffCoder then downloads only what you pick, only from the address you give, checks every file against its sha256, and sends nothing else anywhere. Downloads never start by themselves.' },
        'Allow Downloads',
      );
      if (a !== 'Allow Downloads') return;
      await c.update('allowDownloads', true, vscode.ConfigurationTarget.Global);
    }
    type Item = vscode.QuickPickItem & { id?: string };
    const items: Item[] = [
      ...PUBLISHED_MODELS.map((m) => ({ label: m.title, description: `${m.id} · about ${m.approxGiB} GiB`, detail: m.bestFor === 'infill' ? 'Best for completions and hole filling' : 'Best for edits with an instruction', id: m.id })),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(link) Enter a manifest URL…', detail: "A package folder's diffcoder.json (or a JSON file listing files with their sizes and sha256)" },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'DiffCoder: Download a Model' });
    if (!picked) return;
    let what = picked.id;
    let baseUrl = modelSettings().baseUrl;
    const validUrl = (v: string) => {
      try {
        checkUrl(v.trim());
        return undefined;
      } catch (e) {
        return errorMessage(e);
      }
    };
    if (!what) {
      what = (await vscode.window.showInputBox({ title: 'Manifest URL', prompt: 'https://…/diffcoder.json', ignoreFocusOut: true, validateInput: validUrl }))?.trim();
      if (!what) return;
    } else if (!baseUrl) {
      baseUrl = (await vscode.window.showInputBox({ title: `Where is ${what} published?`, prompt: `The base URL (https) that serves ${what}/diffcoder.json; saved as diffcoder.models.baseUrl`, ignoreFocusOut: true, validateInput: validUrl }))?.trim() ?? '';
      if (!baseUrl) return;
      await c.update('models.baseUrl', baseUrl, vscode.ConfigurationTarget.Global);
    }
    let manifestUrl: string;
    try {
      manifestUrl = manifestUrlFor(what, baseUrl);
    } catch (e) {
      void vscode.window.showErrorMessage(`DiffCoder: ${errorMessage(e)}`);
      return;
    }
    const dest = path.join(this.installRoot(), installName(what));
    log().info(`download of ${manifestUrl} into ${dest} (asked for by the user)`);
    try {
      const r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `DiffCoder: downloading ${installName(what)}`, cancellable: true },
        (progress, token) => {
          let shown = 0;
          const t0 = Date.now();
          return download({
            manifestUrl,
            dest,
            signal: abortOn(token),
            onLog: (l) => log().info(`download: ${l}`),
            onProgress: (p) => {
              if (p.phase !== 'downloading' || !p.totalBytes) return progress.report({ message: p.phase === 'manifest' ? 'reading the manifest' : 'installing' });
              const f = Math.round((100 * p.doneBytes) / p.totalBytes);
              const rate = p.doneBytes / Math.max(1, (Date.now() - t0) / 1000);
              progress.report({ increment: Math.max(0, f - shown), message: `${gib(p.doneBytes)} of ${gib(p.totalBytes)} (${(rate / 2 ** 20).toFixed(1)} MiB/s)` });
              shown = Math.max(shown, f);
            },
          });
        },
      );
      log().info(`downloaded ${r.dest}: ${r.files} files, ${gib(r.totalBytes)} (${gib(r.fetchedBytes)} fetched now, ${gib(r.reusedBytes)} kept from an earlier attempt)`);
      if (folderKind(dest) === 'checkpoint') {
        const a = await vscode.window.showInformationMessage(`Downloaded a checkpoint into ${dest}. Convert it to a model package?`, 'Convert…');
        if (a) await this.convert(dest);
        return;
      }
      const m = readInstalled(dest, 'installed');
      if (m) await this.use(m, PUBLISHED_MODELS.find((x) => x.id === what)?.bestFor === 'edit' && this.host.plan().infill !== m.dir ? 'edit' : undefined);
    } catch (e) {
      if (e instanceof DownloadError && e.kind === 'cancelled') {
        log().info('download cancelled; the files fetched so far are kept, and the next download of the same model resumes');
        void vscode.window.setStatusBarMessage('DiffCoder: download paused; Download a Model again resumes it', 6000);
        return;
      }
      log().error(`download failed: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(`DiffCoder: download failed: ${errorMessage(e)}`, 'Show Log').then((x) => x && log().show(true));
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** An AbortSignal that follows a VS Code cancellation token. */
function abortOn(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

function firstLines(s: string, n = 4): string {
  const lines = s.split('\n');
  return lines.slice(0, n).join(' ') + (lines.length > n ? ' …' : '');
}
