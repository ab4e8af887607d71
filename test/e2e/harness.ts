/**
 * Drives a real VS Code (code-server, installed by scripts/e2e/setup.sh) in headless Chromium with
 * playwright-core, with DiffCoder installed from the packaged VSIX. See shared reference
 * e2e-in-real-vscode.md for the facts this relies on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS = path.join(ROOT, 'test-results', 'e2e');
const BUNDLED = path.join(ROOT, 'media', 'models', 'diffcoder-small');

export function log(msg: string): void {
  process.stdout.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Installs (or finds) code-server, Node 24 and Chromium; returns the launcher. */
export function ensureCodeServer(): string {
  const out = run('bash', [path.join(ROOT, 'scripts', 'e2e', 'setup.sh')]);
  const cache = out.trim().split('\n').pop()!;
  return path.join(cache, 'code-server');
}

/** The model the run uses: the bundled one, or the tiny random fixture while the real one is missing. */
export async function chooseModel(): Promise<{ modelPath: string; real: boolean; note: string }> {
  const forced = process.env.DIFFCODER_E2E_MODEL;
  if (forced) return { modelPath: path.resolve(forced), real: false, note: `model package from DIFFCODER_E2E_MODEL: ${forced}` };
  if (fs.existsSync(path.join(BUNDLED, 'model.onnx')) && fs.existsSync(path.join(BUNDLED, 'diffcoder.json'))) {
    return { modelPath: '', real: true, note: `real bundled model (${BUNDLED})` };
  }
  const fixture = path.join(ROOT, 'test', 'fixtures', 'ensureTinyPackage.ts');
  if (!fs.existsSync(fixture)) throw new Error(`no model: ${BUNDLED}/model.onnx is missing and there is no ${fixture} to build the tiny package`);
  const mod = (await import(fixture)) as Record<string, unknown>;
  const fn = (mod.ensureTinyPackage ?? mod.default) as (() => Promise<string> | string) | undefined;
  if (typeof fn !== 'function') throw new Error(`${fixture} exports no ensureTinyPackage()`);
  const r = (await fn()) as unknown;
  const dir = typeof r === 'string' ? r : (r as { dir?: string; modelDir?: string }).dir ?? (r as { modelDir?: string }).modelDir;
  if (!dir) throw new Error('ensureTinyPackage() returned no folder');
  return {
    modelPath: dir,
    real: false,
    note: `FALLBACK: media/models/diffcoder-small/model.onnx does not exist yet, so this run uses the tiny RANDOM fixture package at ${dir} (its suggestions are noise; the test checks the plumbing)`,
  };
}

/** Packs the VSIX the way users get it (platform-specific, only this platform's runtime). */
export function buildVsix(): string {
  const out = path.join(ROOT, 'build', 'e2e', 'diffcoder.vsix');
  run(process.execPath, [path.join(ROOT, 'scripts', 'package-vsix.mjs'), '--allow-missing-model', '--out', out]);
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Vscode {
  page: Page;
  browser: Browser;
  server: ChildProcess;
  port: number;
  workspace: string;
  userDataDir: string;
  serverLog: string;
  stop(): Promise<void>;
}

export const USER_SETTINGS = {
  'files.hotExit': 'off',
  'chat.disableAIFeatures': true,
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.wordBasedSuggestions': 'off',
  'editor.suggestOnTriggerCharacters': false,
  'editor.inlineSuggest.enabled': true,
  'editor.codeLens': true,
  'editor.minimap.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'files.autoSave': 'off',
  'window.commandCenter': false,
  'diffcoder.engine.threads': 2,
};

export async function launch(opts: { codeServer: string; vsix: string; workspaceFiles: Record<string, string>; settings: Record<string, unknown> }): Promise<Vscode> {
  const base = path.join(ROOT, 'build', 'e2e', 'run');
  fs.rmSync(base, { recursive: true, force: true });
  const workspace = path.join(base, 'workspace');
  const userDataDir = path.join(base, 'user-data');
  const extensionsDir = path.join(base, 'extensions');
  for (const d of [workspace, path.join(userDataDir, 'User'), extensionsDir, RESULTS]) fs.mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(opts.workspaceFiles)) fs.writeFileSync(path.join(workspace, name), text);
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...opts.settings }, null, 2));
  // code-server's extension host is a remote one: machine-scoped settings (diffcoder.modelPath) come from here.
  fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(opts.settings, null, 2));

  const t0 = Date.now();
  run(opts.codeServer, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', opts.vsix, '--force']);
  log(`installed the VSIX in ${Date.now() - t0} ms`);

  const port = await freePort();
  const serverLog = path.join(base, 'code-server.log');
  const logFd = fs.openSync(serverLog, 'w');
  const server = spawn(
    opts.codeServer,
    ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, workspace],
    { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, DIFFCODER_MODEL_DIR: '' } },
  );
  const stopServer = () => {
    try {
      process.kill(-server.pid!, 'SIGKILL'); // the whole group: plain SIGTERM leaves file watchers behind
    } catch {
      /* already gone */
    }
  };
  try {
    await waitFor(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      } catch {
        return false;
      }
    }, 60_000, 'code-server /healthz');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    log(`workbench ready ${Date.now() - t0} ms after install`);
    return {
      page,
      browser,
      server,
      port,
      workspace,
      userDataDir,
      serverLog,
      stop: async () => {
        await browser.close().catch(() => undefined);
        stopServer();
      },
    };
  } catch (e) {
    stopServer();
    throw e;
  }
}

export async function waitFor<T>(f: () => Promise<T | undefined | false> | T | undefined | false, ms: number, what: string, everyMs = 250): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file });
  log(`screenshot ${path.relative(ROOT, file)}`);
  return file;
}

/** DiffCoder's status bar item text, or undefined while it is not there. */
export async function statusText(page: Page): Promise<string | undefined> {
  const items = await page.locator('.statusbar-item').allInnerTexts();
  return items.find((t) => t.includes('DiffCoder'))?.trim();
}

/** Opens a workspace file through Quick Open and waits for its editor. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15_000 });
  await page.keyboard.type(name, { delay: 20 });
  await page.waitForTimeout(600);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab.active[aria-label*="${name}"], .tab.active[title*="${name}"]`, { timeout: 20_000 }).catch(() => undefined);
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.waitForTimeout(300);
}

/** Runs a command through the command palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15_000 });
  await page.keyboard.type(title, { delay: 15 });
  // Enter runs the focused row: wait until the palette has filtered down to this command (under load the
  // recently used commands can still be on top after a fixed wait).
  await page
    .locator('.quick-input-list .monaco-list-row.focused', { hasText: title.split(': ').pop()! })
    .first()
    .waitFor({ timeout: 10_000 })
    .catch(() => log(`runCommand: "${title}" is not the focused row after 10 s; pressing Enter anyway`));
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
}

/** The text of the inline suggestion shown, if any. */
export async function ghostText(page: Page): Promise<string | undefined> {
  const parts = await page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text').allTextContents();
  const t = parts.join('\n');
  return t.trim().length ? t : undefined;
}

/** DiffCoder's log file in the user-data folder (the LogOutputChannel writes there). */
export function findExtensionLog(userDataDir: string): string | undefined {
  const stack = [path.join(userDataDir, 'logs')];
  const found: string[] = [];
  while (stack.length) {
    const d = stack.pop()!;
    if (!fs.existsSync(d)) continue;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (/DiffCoder\.log$/i.test(e.name)) found.push(p);
    }
  }
  return found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}
