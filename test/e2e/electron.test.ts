/**
 * The desktop VS Code (Electron) e2e suite through @vscode/test-cli. It needs to download VS Code; where
 * that is impossible (no route to the update service, as on the project's machines) it says so and
 * skips. The code-server suite (vscode.test.ts) covers the same scenarios and always runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, chooseModel, log } from './harness';

test('desktop VS Code (@vscode/test-electron) runs the e2e scenarios', { timeout: 20 * 60_000 }, async (t) => {
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  try {
    const exe = await downloadAndUnzipVSCode({ version: process.env.DIFFCODER_VSCODE_VERSION ?? 'stable', timeout: 30_000 });
    log(`VS Code at ${exe}`);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    log(`SKIP desktop VS Code suite: VS Code cannot be downloaded here (${why}); the code-server suite covers these scenarios`);
    t.skip(`VS Code cannot be downloaded here: ${why}`);
    return;
  }
  const model = await chooseModel();
  log(`model: ${model.note}`);
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'extension', 'worker'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(build.status, 0, 'build');
  const esbuild = await import('esbuild');
  const files = fs.readdirSync(path.join(ROOT, 'test', 'e2e-electron')).filter((f) => f.endsWith('.test.ts'));
  await esbuild.build({
    entryPoints: files.map((f) => path.join(ROOT, 'test', 'e2e-electron', f)),
    outdir: path.join(ROOT, 'out', 'e2e-electron'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning',
  });
  const workspace = path.join(ROOT, 'build', 'e2e-electron', 'workspace');
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.mkdirSync(workspace, { recursive: true });
  const cli = path.join(ROOT, 'node_modules', '@vscode', 'test-cli', 'out', 'bin.mjs');
  const headless = !process.env.DISPLAY && process.platform === 'linux' && spawnSync('which', ['xvfb-run']).status === 0;
  const cmd = headless ? 'xvfb-run' : process.execPath;
  const args = headless ? ['-a', process.execPath, cli] : [cli];
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, DIFFCODER_MODEL_DIR: model.modelPath, DIFFCODER_E2E_WORKSPACE: workspace },
  });
  assert.equal(r.status, 0, 'vscode-test passed');
});
