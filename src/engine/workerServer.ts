/**
 * The worker's JSON-RPC server (protocol.ts) over any vscode-jsonrpc connection. worker.ts connects it to
 * the process's IPC channel. Bad packages, bad params and model errors become JSON-RPC errors with
 * protocol.ts's codes; nothing a request does brings the worker down.
 */
import { ResponseError, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc';
import { LoadedModel } from './loadedModel';
import { HashCache } from './package/verifyFiles';
import { PackageError } from './package/problems';
import {
  BlockNotification,
  CancelNotification,
  CompleteRequest,
  EditRequest,
  ErrorCodes,
  FillRequest,
  LoadRequest,
  LogNotification,
  PrefillRequest,
  ProgressNotification,
  StatsRequest,
  type LogNotificationParams,
} from './protocol';
import { RequestError, badRequest } from './requestError';
import { RequestQueue } from './requestQueue';
import * as tasks from './tasks';

export function serveWorker(connection: MessageConnection): void {
  const queue = new RequestQueue();
  const hashes = new HashCache();
  let model: LoadedModel | undefined;
  let requests = 0;
  let nextId = 0;
  const load = { inFlight: 0, maxInFlight: 0, running: 0, maxRunning: 0 };

  const log = (level: LogNotificationParams['level'], message: string) => {
    connection.sendNotification(LogNotification, { level, message }).catch(() => undefined);
  };
  const needModel = () => {
    if (!model) throw new RequestError(ErrorCodes.NoModel, 'no model is loaded: send diffcoder/load first');
    return model;
  };
  const params = <P>(p: P): P => {
    if (typeof p !== 'object' || p === null) throw badRequest('params must be an object');
    return p;
  };

  /** Runs a handler; every failure becomes a ResponseError with a protocol code. */
  const guarded =
    <P, R>(method: string, fn: (p: P, token: CancellationToken) => Promise<R>) =>
    async (p: P, token: CancellationToken): Promise<R> => {
      requests++;
      try {
        return await fn(p, token);
      } catch (e) {
        if (e instanceof RequestError) throw new ResponseError(e.code, e.message, e.data);
        if (e instanceof PackageError) {
          log('error', e.message);
          throw new ResponseError(ErrorCodes.BadPackage, e.message, { problems: e.problems });
        }
        const err = e as Error;
        log('error', `${method} failed: ${err?.stack ?? String(e)}`);
        throw new ResponseError(ErrorCodes.Internal, `${method} failed: ${err?.message ?? String(e)}`);
      }
    };

  connection.onRequest(
    LoadRequest,
    guarded('load', (p, token) =>
      queue.run('load', undefined, token, async () => {
        params(p);
        if (typeof p.modelDir !== 'string' || !p.modelDir) throw badRequest('modelDir must be the path of a model package folder');
        if (p.providers !== undefined && !(Array.isArray(p.providers) && p.providers.every((x) => typeof x === 'string'))) {
          throw badRequest('providers must be an array of provider names');
        }
        if (p.threads !== undefined && !(Number.isInteger(p.threads) && p.threads >= 0)) throw badRequest('threads must be an integer >= 0');
        // One model at a time: a big model twice would not fit in memory.
        await model?.dispose();
        model = undefined;
        const progress = (message: string) => connection.sendNotification(ProgressNotification, { task: 'load', message }).catch(() => undefined);
        model = await LoadedModel.load(p, hashes, progress);
        const i = model.info;
        log('info', `loaded ${i.name} ${i.version} (${i.weights}) on ${i.device} in ${i.loadMs} ms`);
        for (const f of i.fallback) log('warn', `execution provider not used: ${f}`);
        for (const n of i.notes ?? []) log('warn', n);
        return i;
      }),
    ),
  );

  /** Generation requests: queued, cancellable, optionally streaming committed blocks. */
  const generation = <P extends { requestId?: string; stream?: boolean }, R>(
    method: string,
    kind: 'complete' | 'fill' | 'edit',
    run: (lm: LoadedModel, p: P, hooks: tasks.TaskHooks) => Promise<R>,
  ) =>
    guarded<P, R>(method, async (p, token) => {
      params(p);
      const requestId = typeof p.requestId === 'string' ? p.requestId : `${kind}-${++nextId}`;
      load.maxInFlight = Math.max(load.maxInFlight, ++load.inFlight);
      try {
        return await queue.run(kind, requestId, token, async (jobToken) => {
          const lm = needModel();
          const onBlock = p.stream
            ? (text: string, tokens: number) => connection.sendNotification(BlockNotification, { requestId, text, tokens }).catch(() => undefined)
            : undefined;
          load.maxRunning = Math.max(load.maxRunning, ++load.running);
          try {
            return await run(lm, p, { token: jobToken, onBlock });
          } finally {
            load.running--;
          }
        });
      } finally {
        load.inFlight--;
      }
    });

  connection.onRequest(CompleteRequest, generation('complete', 'complete', tasks.complete));
  connection.onRequest(FillRequest, generation('fill', 'fill', tasks.fill));
  connection.onRequest(EditRequest, generation('edit', 'edit', tasks.edit));

  // Not a generation request (nothing decoded, superseded by any request): not in the in-flight counts.
  connection.onRequest(
    PrefillRequest,
    guarded('prefill', (p, token) => {
      params(p);
      const requestId = typeof p.requestId === 'string' ? p.requestId : `prefill-${++nextId}`;
      return queue.run('prefill', requestId, token, (jobToken) => tasks.prefill(needModel(), p, { token: jobToken }));
    }),
  );

  connection.onRequest(
    StatsRequest,
    guarded('stats', async () => {
      const mem = process.memoryUsage();
      return { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, model: model?.info, requests, ...load };
    }),
  );

  connection.onNotification(CancelNotification, (p) => {
    if (p && typeof p.requestId === 'string') queue.cancel(p.requestId);
  });
}
