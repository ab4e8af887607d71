/** The "DiffCoder" log channel: every request with its timings, the worker's own log, restarts. */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('DiffCoder', { log: true });
  return channel;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
