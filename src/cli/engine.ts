/** The CLI's engine: the same worker the editor uses, started for one command, with Ctrl+C cancelling. */
import { CancellationTokenSource, type CancellationToken } from 'vscode-jsonrpc';
import { EngineClient } from '../client/engineClient';
import type { LoadParams, ModelInfo } from '../engine/protocol';
import { workerPath } from './options';
import * as fs from 'fs';

export interface CliEngine {
  engine: EngineClient;
  model: ModelInfo;
  /** Cancelled by the first Ctrl+C (the second one exits at once). */
  token: CancellationToken;
}

export async function withEngine<T>(load: LoadParams, verbose: boolean, run: (e: CliEngine) => Promise<T>): Promise<T> {
  const worker = workerPath();
  if (!fs.existsSync(worker)) throw new Error(`the engine worker ${worker} is missing: run \`npm run build\` first`);
  const engine = new EngineClient({ workerPath: worker, maxRestartsPerMinute: 0 });
  if (verbose) engine.onLog((l) => process.stderr.write(`[${l.level}] ${l.message}\n`));
  const source = new CancellationTokenSource();
  const onSigint = () => {
    if (source.token.isCancellationRequested) process.exit(130);
    process.stderr.write('\ncancelling (Ctrl+C again to quit now)\n');
    source.cancel();
  };
  process.on('SIGINT', onSigint);
  try {
    const model = await engine.load(load);
    if (verbose) process.stderr.write(`model ${model.name} ${model.version} (${model.weights}) on ${model.device}, loaded in ${model.loadMs} ms\n`);
    // A GPU provider missing on a CPU-only machine is the normal case under `auto`: said only when asked.
    const explicit = !(load.providers ?? []).every((p) => p === 'auto');
    if (verbose || explicit) for (const f of model.fallback) process.stderr.write(`note: execution provider not used: ${f}\n`);
    for (const n of model.notes ?? []) process.stderr.write(`note: ${n}\n`);
    return await run({ engine, model, token: source.token });
  } finally {
    process.off('SIGINT', onSigint);
    await engine.dispose();
  }
}
