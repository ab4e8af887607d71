// Builds a platform-specific VSIX that holds only what runs:
//   dist/{extension,worker,cli}.js, the bundled model package, media/icon.png, README/LICENSE, and
//   native/node_modules = onnxruntime-node with ONLY the target's binaries (staged by native/stage.mjs).
//
//   npm run package                          host target (linux-x64 here), out: build/diffcoder-<target>-<version>.vsix
//   npm run package -- --target win32-x64    another target (linux-x64, linux-arm64, win32-x64, win32-arm64, darwin-arm64)
//   options: --out FILE, --model DIR (package folder to bundle), --allow-missing-model, --no-build
//
// Fails loudly when the target's native binding is missing, when the model package is incomplete, or
// when the VSIX exceeds the size limit.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostTarget, stageNative } from '../native/stage.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_BYTES = 60 * 1024 * 1024;
const MODEL = 'diffcoder-small';

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name) => process.argv.includes(name);
function fail(message) {
  console.error(`package: ERROR: ${message}`);
  process.exit(1);
}

const target = arg('--target') ?? hostTarget();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(arg('--out') ?? join(root, 'build', `${pkg.name}-${target}-${pkg.version}.vsix`));
const modelDir = resolve(arg('--model') ?? join(root, 'media', 'models', MODEL));

// 1. Bundles.
if (!flag('--no-build')) {
  const entries = [['extension', 'src/extension.ts'], ['worker', 'src/engine/worker.ts'], ['cli', 'src/cli.ts']]
    .filter(([, f]) => existsSync(join(root, f)))
    .map(([n]) => n);
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...entries], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('build failed');
}
for (const f of ['dist/extension.js', 'dist/worker.js']) if (!existsSync(join(root, f))) fail(`${f} is missing`);

// 2. Native runtime for the target.
let staged;
try {
  staged = stageNative(target);
} catch (e) {
  fail(e.message);
}
if (target === hostTarget()) {
  // Load the staged binding the way the installed extension will (NODE_PATH), in a clean process.
  const probe = spawnSync(process.execPath, ['-e', "const o=require('onnxruntime-node');if(!o.InferenceSession)throw new Error('no InferenceSession');console.log('onnxruntime-node '+require('onnxruntime-node/package.json').version)"], {
    cwd: '/',
    env: { ...process.env, NODE_PATH: staged.dir },
    encoding: 'utf8',
  });
  if (probe.status !== 0) fail(`the staged native binding does not load for ${target}:\n${probe.stderr}`);
  console.log(`package: native binding loads (${probe.stdout.trim()}, ${relative(root, staged.binding)})`);
}

// 3. The model package.
const modelFiles = existsSync(modelDir) ? readdirSync(modelDir) : [];
const complete = ['model.onnx', 'tokenizer.json', 'diffcoder.json'].every((f) => modelFiles.includes(f));
if (!complete) {
  const msg = `model package ${modelDir} is incomplete (has: ${modelFiles.join(', ') || 'nothing'}; needs model.onnx, tokenizer.json, diffcoder.json)`;
  if (!flag('--allow-missing-model')) fail(msg + '. Pass --allow-missing-model to build a VSIX without a bundled model (it then needs diffcoder.modelPath).');
  console.warn(`package: WARNING: ${msg}; the VSIX will have no bundled model`);
}

// 4. Stage the extension folder.
const stage = join(root, 'build', 'vsix', target);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const manifest = { ...pkg };
delete manifest.devDependencies;
delete manifest.bin; // the CLI runs from the npm package, not from the extension
manifest.dependencies = {}; // bundled by esbuild, or shipped in native/
manifest.scripts = {};
manifest.icon = 'media/icon.png';
manifest.repository ??= { type: 'git', url: 'https://example.invalid/diffcoder.git' };
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
mkdirSync(join(stage, 'dist'));
for (const f of readdirSync(join(root, 'dist'))) if (f.endsWith('.js')) cpSync(join(root, 'dist', f), join(stage, 'dist', f));
mkdirSync(join(stage, 'media'));
cpSync(join(root, 'media', 'icon.png'), join(stage, 'media', 'icon.png'));
if (complete) {
  const dest = join(stage, 'media', 'models', MODEL);
  mkdirSync(dest, { recursive: true });
  for (const f of modelFiles) {
    if (f.startsWith('.') || statSync(join(modelDir, f)).isDirectory()) continue;
    cpSync(join(modelDir, f), join(dest, f), { dereference: true });
  }
}
cpSync(staged.dir, join(stage, 'native', 'node_modules'), { recursive: true });
// The user guide is the VSIX's README; the repository's README is for developers (and its relative links
// to sources would not resolve on a Marketplace page: vsce refuses them).
const guide = join(root, 'src', 'features', 'README.md');
if (existsSync(guide)) cpSync(guide, join(stage, 'README.md'));
for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md']) if (!existsSync(join(stage, f)) && existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
if (!existsSync(join(stage, 'README.md'))) writeFileSync(join(stage, 'README.md'), `# ${pkg.displayName}\n\n${pkg.description}\n`);
if (!existsSync(join(stage, 'LICENSE'))) writeFileSync(join(stage, 'LICENSE'), 'MIT License\n\nCopyright (c) DiffCoder authors\n');
// The staging folder holds only what ships; the repository's .vscodeignore is for packing the repo itself.
writeFileSync(join(stage, '.vscodeignore'), '**/*.map\n');

// 5. Pack.
const { createVSIX } = await import('@vscode/vsce');
mkdirSync(dirname(out), { recursive: true });
await createVSIX({ cwd: stage, packagePath: out, target, dependencies: false, allowMissingRepository: true, skipLicense: true });
const size = statSync(out).size;
console.log(`package: ${relative(root, out)} ${(size / 1048576).toFixed(1)} MB (${target}${complete ? '' : ', no bundled model'})`);
if (size > MAX_BYTES) fail(`the VSIX is ${(size / 1048576).toFixed(1)} MB, over the ${MAX_BYTES / 1048576} MB limit`);
