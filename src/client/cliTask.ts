/**
 * Runs a `diffcoder` command (dist/cli.js convert | check | download ... --json) in a child process and
 * follows its JSON lines: the editor converts multi-gigabyte checkpoints this way, off the extension
 * host's thread and out of the worker that serves completions. Cancelling sends SIGTERM, which the
 * command turns into a clean stop (a conversion removes its temp folder); a command that does not stop
 * within `killAfterMs` is killed.
 */
import { fork } from 'child_process';
import * as readline from 'readline';
import { withShippedRuntime } from './shippedRuntime';

export interface CliEvent {
  event: 'progress' | 'log' | 'done';
  fraction?: number;
  message?: string;
  [key: string]: unknown;
}

export interface CliTaskOptions {
  /** dist/cli.js */
  cliPath: string;
  args: string[];
  onEvent?: (e: CliEvent) => void;
  signal?: AbortSignal;
  killAfterMs?: number;
}

export class CliTaskCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CliTaskCancelled';
  }
}

/** Resolves with the command's `done` event; rejects with its error message, or CliTaskCancelled. */
export function runCliTask(o: CliTaskOptions): Promise<CliEvent> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new CliTaskCancelled());
    const child = fork(o.cliPath, [...o.args, '--json'], {
      execArgv: [],
      env: withShippedRuntime(o.cliPath, { ...process.env, ELECTRON_RUN_AS_NODE: '1' }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let done: CliEvent | undefined;
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      let e: CliEvent;
      try {
        e = JSON.parse(line);
      } catch {
        return; // not an event (a stray print): ignored
      }
      if (e.event === 'done') done = e;
      else o.onEvent?.(e);
    });
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-8000)));
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs ?? 10_000);
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => reject(e));
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted) return reject(new CliTaskCancelled());
      if (code === 0 && done) return resolve(done);
      // the command's own message ("diffcoder: ..." and the lines after it), else stderr's last line
      const at = stderr.lastIndexOf('diffcoder: ');
      const why = at >= 0 ? stderr.slice(at + 'diffcoder: '.length).trim() : stderr.trim().split('\n').pop();
      reject(new Error(why || `diffcoder ${o.args[0]} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`));
    });
  });
}
