// Bundles the three entry points: the extension host (vscode external), the worker that owns the
// model, and the CLI. onnxruntime-node stays external: it loads a native binding at run time.
import * as esbuild from 'esbuild';

// `node scripts/build.mjs worker cli` builds only those entries (tests need no extension host bundle).
const watch = process.argv.includes('--watch');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode', 'onnxruntime-node'],
  logLevel: 'warning',
};
const entries = [
  { name: 'extension', entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { name: 'worker', entryPoints: ['src/engine/worker.ts'], outfile: 'dist/worker.js' },
  { name: 'cli', entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' },
]
  .filter((e) => !only.length || only.includes(e.name))
  .map(({ name, ...e }) => e);
if (watch) {
  for (const e of entries) await (await esbuild.context({ ...common, ...e })).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
}
