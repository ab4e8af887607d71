/** Builds dist/worker.js and dist/cli.js once per test process (the tests run the real bundles). */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { REPO } from './tinyModel';

let built = false;
export function builtWorker(): string {
  if (!built) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', 'worker', 'cli'], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
    built = true;
  }
  return path.join(REPO, 'dist', 'worker.js');
}
