// Bundles the three entry points: the extension host (vscode external), the worker that owns the
// model, and the CLI. onnxruntime-node stays external: it loads a native binding at run time.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
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
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/engine/worker.ts'], outfile: 'dist/worker.js' },
  { entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' },
];
if (watch) {
  for (const e of entries) await (await esbuild.context({ ...common, ...e })).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
}
