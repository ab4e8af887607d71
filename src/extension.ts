/** Wires DiffCoder's features to one engine client; nothing else lives here. */
import * as path from 'path';
import * as vscode from 'vscode';
import { EngineClient } from './client/engineClient';
import { CodeActionsFeature } from './features/codeActions';
import { DiffSessions } from './features/diffSessions';
import { EditFeature } from './features/editCommand';
import { EngineHost } from './features/engineHost';
import { HoleFeature } from './features/holes';
import { InlineCompletionFeature } from './features/inlineCompletion';
import { log } from './features/log';
import { ModelManager } from './features/models';
import { StatusBar } from './features/statusBar';
import { registerToggles } from './features/toggle';

let engine: EngineClient | undefined;

/** What activate() returns: handles for tests in a real VS Code (test/e2e-electron/). */
export interface DiffCoderApi {
  engine: EngineClient;
  host: EngineHost;
  inline: InlineCompletionFeature;
  sessions: DiffSessions;
}

export function activate(context: vscode.ExtensionContext): DiffCoderApi {
  const t0 = Date.now();
  const workerPath = path.join(context.extensionPath, 'dist', 'worker.js');
  engine = new EngineClient({ workerPath });
  const status = new StatusBar();
  // A second worker only when edits have their own model (an Instruct package beside a Base one).
  const host = new EngineHost(engine, context.extensionPath, status, () => new EngineClient({ workerPath }));
  const sessions = new DiffSessions();
  const inline = new InlineCompletionFeature(host, status);
  context.subscriptions.push(
    log(),
    status,
    host,
    sessions,
    inline,
    new EditFeature(context, host, sessions, status),
    new HoleFeature(host, sessions, status, inline.completer.otherFiles),
    new CodeActionsFeature(),
    registerToggles(status, host),
    new ModelManager(context, host),
  );
  log().info(`DiffCoder ${context.extension.packageJSON.version} activated in ${Date.now() - t0} ms (${process.platform}-${process.arch}, node ${process.version})`);
  void host.load();
  return { engine, host, inline, sessions };
}

export async function deactivate(): Promise<void> {
  await engine?.dispose();
  engine = undefined;
}
