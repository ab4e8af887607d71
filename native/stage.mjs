// Stages the onnxruntime-node runtime for ONE target platform into native/<target>/node_modules:
// the JS of onnxruntime-node and onnxruntime-common, and only that platform's native binaries.
// The VSIX ships it as native/node_modules; the extension points the worker's NODE_PATH there.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** VS Code targets we can build, and what onnxruntime-node must ship for each. */
export const TARGETS = {
  'linux-x64': { dir: 'linux/x64', libs: ['onnxruntime_binding.node', 'libonnxruntime.so.1'] },
  'linux-arm64': { dir: 'linux/arm64', libs: ['onnxruntime_binding.node', 'libonnxruntime.so.1'] },
  'win32-x64': { dir: 'win32/x64', libs: ['onnxruntime_binding.node', 'onnxruntime.dll', 'DirectML.dll'] },
  'win32-arm64': { dir: 'win32/arm64', libs: ['onnxruntime_binding.node', 'onnxruntime.dll', 'DirectML.dll'] },
  'darwin-arm64': { dir: 'darwin/arm64', libs: ['onnxruntime_binding.node', 'libonnxruntime.1.dylib'] },
};

export function hostTarget() {
  return `${process.platform}-${process.arch}`;
}

function copyJs(from, to) {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (statSync(src).isDirectory()) copyJs(src, join(to, name));
    else if (name.endsWith('.js') || name === 'package.json') {
      mkdirSync(to, { recursive: true });
      cpSync(src, join(to, name));
    }
  }
}

/** Stages the runtime for `target`; throws with a clear message when a binary is missing. */
export function stageNative(target) {
  const spec = TARGETS[target];
  if (!spec) {
    throw new Error(`no onnxruntime-node binaries for target '${target}' (supported: ${Object.keys(TARGETS).join(', ')})`);
  }
  const ortSrc = join(root, 'node_modules', 'onnxruntime-node');
  const commonSrc = join(root, 'node_modules', 'onnxruntime-common');
  if (!existsSync(ortSrc) || !existsSync(commonSrc)) throw new Error('node_modules/onnxruntime-node is missing: run npm ci first');
  const binSrc = join(ortSrc, 'bin', 'napi-v6', spec.dir);
  const missing = spec.libs.filter((l) => !existsSync(join(binSrc, l)));
  if (missing.length) {
    throw new Error(`onnxruntime-node has no ${missing.join(', ')} for ${target} (looked in ${binSrc})`);
  }
  const out = join(root, 'native', target, 'node_modules');
  rmSync(join(root, 'native', target), { recursive: true, force: true });
  const ortOut = join(out, 'onnxruntime-node');
  cpSync(join(ortSrc, 'package.json'), join(mkdirp(ortOut), 'package.json'));
  copyJs(join(ortSrc, 'dist'), join(ortOut, 'dist'));
  const binOut = mkdirp(join(ortOut, 'bin', 'napi-v6', spec.dir));
  for (const f of readdirSync(binSrc)) cpSync(join(binSrc, f), join(binOut, f), { dereference: true });
  const commonOut = join(out, 'onnxruntime-common');
  cpSync(join(commonSrc, 'package.json'), join(mkdirp(commonOut), 'package.json'));
  copyJs(join(commonSrc, 'dist', 'cjs'), join(commonOut, 'dist', 'cjs'));
  // The binding must be where onnxruntime-node's dist/binding.js requires it.
  const binding = join(ortOut, 'bin', 'napi-v6', spec.dir, 'onnxruntime_binding.node');
  if (!existsSync(binding)) throw new Error(`staging failed: ${binding} is missing`);
  return { dir: out, binding };
}

function mkdirp(d) {
  mkdirSync(d, { recursive: true });
  return d;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = process.argv[2] ?? hostTarget();
  const r = stageNative(target);
  console.log(`staged onnxruntime-node for ${target} in ${r.dir}`);
}
