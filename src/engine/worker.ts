/**
 * The worker process (bundled to dist/worker.js): owns the model so the extension host and the CLI never
 * block on inference. Started by src/client/engineClient.ts with child_process.fork; speaks JSON-RPC
 * (src/engine/protocol.ts) over the process's IPC channel.
 */
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { LogNotification } from './protocol';
import { serveWorker } from './workerServer';

if (!process.send) {
  console.error('dist/worker.js is the DiffCoder engine worker; it is started by the extension or the diffcoder CLI, not run directly.');
  process.exit(2);
}

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
const report = (what: string, e: unknown) => {
  const message = `${what}: ${(e as Error)?.stack ?? String(e)}`;
  connection.sendNotification(LogNotification, { level: 'error', message }).catch(() => console.error(message));
};
// A bug in one request must not take the model down with it.
process.on('uncaughtException', (e) => report('uncaught exception in the worker', e));
process.on('unhandledRejection', (e) => report('unhandled rejection in the worker', e));
// The parent is gone (extension host closed, CLI exited): nothing left to serve.
process.on('disconnect', () => process.exit(0));
connection.onClose(() => process.exit(0));

serveWorker(connection);
connection.listen();
