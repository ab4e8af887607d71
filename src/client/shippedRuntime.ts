/**
 * How a child process finds the onnxruntime-node a packaged extension ships: scripts/package-vsix.mjs puts
 * the platform's binding in native/node_modules beside dist/, outside node's search path from dist/, so
 * the worker (dist/worker.js) and CLI tasks (dist/cli.js) get that folder first on NODE_PATH. A source
 * checkout has no such folder and finds node_modules as usual.
 */
import * as fs from 'fs';
import * as path from 'path';

/** `env` with NODE_PATH led by native/node_modules of the extension that holds `script` (dist/x.js), when it ships one. */
export function withShippedRuntime(script: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const native = path.join(path.dirname(path.dirname(path.resolve(script))), 'native', 'node_modules');
  const paths = (env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean);
  if (paths.includes(native) || !fs.existsSync(path.join(native, 'onnxruntime-node'))) return env;
  return { ...env, NODE_PATH: [native, ...paths].join(path.delimiter) };
}
