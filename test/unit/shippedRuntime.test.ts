// A packaged extension's onnxruntime-node (native/node_modules beside dist/) is what both of its kinds of
// child process load: the worker (EngineClient) and CLI tasks (runCliTask), through one function
// (src/client/shippedRuntime.ts). Checked with a stand-in extension folder whose "onnxruntime-node" says
// where it was loaded from.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCliTask } from '../../src/client/cliTask';
import { EngineClient } from '../../src/client/engineClient';
import { withShippedRuntime } from '../../src/client/shippedRuntime';

const REPO = path.resolve(__dirname, '..', '..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'diffcoder-shipped-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** An extension folder: dist/ with the given scripts, and native/node_modules/onnxruntime-node when `ships`. */
function extension(name: string, ships: boolean, scripts: Record<string, string> = {}): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  for (const [file, text] of Object.entries(scripts)) fs.writeFileSync(path.join(dir, 'dist', file), text);
  if (ships) {
    const ort = path.join(dir, 'native', 'node_modules', 'onnxruntime-node');
    fs.mkdirSync(ort, { recursive: true });
    fs.writeFileSync(path.join(ort, 'index.js'), 'exports.loadedFrom = __dirname;\n');
  }
  return dir;
}

test('NODE_PATH is led by native/node_modules only where the extension ships it, once, keeping the rest', () => {
  const shipped = path.join(extension('shipped', true), 'native', 'node_modules');
  const worker = path.join(root, 'shipped', 'dist', 'worker.js');
  assert.equal(withShippedRuntime(worker, {}).NODE_PATH, shipped);
  const other = path.join(root, 'elsewhere');
  const env = withShippedRuntime(worker, { NODE_PATH: other, KEEP: '1' });
  assert.deepEqual(env, { NODE_PATH: [shipped, other].join(path.delimiter), KEEP: '1' });
  assert.deepEqual(withShippedRuntime(worker, env), env, 'not added twice');
  const source = { NODE_PATH: other };
  assert.equal(withShippedRuntime(path.join(extension('checkout', false), 'dist', 'worker.js'), source), source, 'a source checkout is left alone');
});

test('a CLI task loads the shipped onnxruntime-node', async () => {
  const dir = extension('cli', true, {
    'cli.js': "console.log(JSON.stringify({ event: 'done', loadedFrom: require('onnxruntime-node').loadedFrom }));\n",
  });
  const done = await runCliTask({ cliPath: path.join(dir, 'dist', 'cli.js'), args: [] });
  assert.equal(done.loadedFrom, path.join(dir, 'native', 'node_modules', 'onnxruntime-node'));
});

test('the worker loads the shipped onnxruntime-node', async () => {
  // A stand-in worker answering diffcoder/stats with where its onnxruntime-node came from; it finds
  // vscode-jsonrpc through the NODE_PATH it inherits (kept behind the shipped folder).
  const dir = extension('worker', true, {
    'worker.js': [
      "const rpc = require('vscode-jsonrpc/node');",
      'const c = rpc.createMessageConnection(new rpc.IPCMessageReader(process), new rpc.IPCMessageWriter(process));',
      "c.onRequest('diffcoder/stats', () => ({ rssBytes: 0, heapUsedBytes: 0, requests: 0, loadedFrom: require('onnxruntime-node').loadedFrom }));",
      'c.listen();',
    ].join('\n'),
  });
  const saved = process.env.NODE_PATH;
  process.env.NODE_PATH = path.join(REPO, 'node_modules');
  const engine = new EngineClient({ workerPath: path.join(dir, 'dist', 'worker.js'), maxRestartsPerMinute: 0 });
  try {
    const stats = (await engine.stats()) as unknown as { loadedFrom: string };
    assert.equal(stats.loadedFrom, path.join(dir, 'native', 'node_modules', 'onnxruntime-node'));
  } finally {
    await engine.dispose();
    if (saved === undefined) delete process.env.NODE_PATH;
    else process.env.NODE_PATH = saved;
  }
});
