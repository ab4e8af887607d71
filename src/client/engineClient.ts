/**
 * The Engine (src/client/types.ts) over a worker process: forks dist/worker.js, speaks JSON-RPC over its
 * IPC channel, restarts it when it dies and reloads the last model. Used by the extension and the CLI
 * alike, so it never imports vscode; the caller says where the worker script is.
 */
import { fork, type ChildProcess } from 'child_process';
import * as readline from 'readline';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  ResponseError,
  type CancellationToken,
  type MessageConnection,
  type RequestType,
} from 'vscode-jsonrpc/node';
import {
  BlockNotification,
  CancelNotification,
  CompleteRequest,
  EditRequest,
  FillRequest,
  LoadRequest,
  LogNotification,
  PrefillRequest,
  ProgressNotification,
  StatsRequest,
  type BlockNotificationParams,
  type CompleteParams,
  type EditParams,
  type FillParams,
  type FillResult,
  type GenerateResult,
  type LoadParams,
  type LogNotificationParams,
  type ModelInfo,
  type PrefillParams,
  type PrefillResult,
  type ProgressNotificationParams,
  type StatsResult,
} from '../engine/protocol';
import { withShippedRuntime } from './shippedRuntime';
import type { Disposable, Engine, EngineState } from './types';

export interface EngineClientOptions {
  /** Path of dist/worker.js (the extension passes context.extensionPath + '/dist/worker.js'). */
  workerPath: string;
  /** Restarts allowed within any minute before the client gives up (state 'error'). */
  maxRestartsPerMinute?: number;
  /** First restart delay; doubles with each recent restart. */
  restartDelayMs?: number;
}

/** Thrown for requests that were in flight when the worker died, or sent after dispose. */
export class EngineStoppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineStoppedError';
  }
}

class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...a: A) => void>();
  add(l: (...a: A) => void): Disposable {
    this.set.add(l);
    return { dispose: () => this.set.delete(l) };
  }
  fire(...a: A): void {
    for (const l of [...this.set]) {
      try {
        l(...a);
      } catch {
        // a listener's bug is not the engine's
      }
    }
  }
}

interface InFlight {
  method: string;
  reject: (e: Error) => void;
}

export class EngineClient implements Engine {
  private _state: EngineState = 'stopped';
  private _model: ModelInfo | undefined;
  private child: ChildProcess | undefined;
  private connection: MessageConnection | undefined;
  private starting: Promise<MessageConnection> | undefined;
  /** The last load that succeeded: reloaded after a restart. */
  private lastLoad: LoadParams | undefined;
  private readonly inFlight = new Set<InFlight>();
  private readonly restarts: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  /** Resolves when a pending restart has finished (or failed); already resolved when none is pending. */
  private restarted: Promise<void> = Promise.resolve();
  private endRestart: () => void = () => undefined;
  private disposed = false;
  private nextId = 0;
  private readonly blockListeners = new Map<string, (b: BlockNotificationParams) => void>();

  private readonly stateEvents = new Listeners<[EngineState, string | undefined]>();
  private readonly logEvents = new Listeners<[LogNotificationParams]>();
  private readonly progressEvents = new Listeners<[ProgressNotificationParams]>();
  private readonly restartEvents = new Listeners<[string]>();

  constructor(private readonly options: EngineClientOptions) {}

  get state(): EngineState {
    return this._state;
  }
  get model(): ModelInfo | undefined {
    return this._model;
  }
  /** The worker's process id (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  onStateChange(l: (state: EngineState, detail?: string) => void): Disposable {
    return this.stateEvents.add(l);
  }
  onLog(l: (entry: LogNotificationParams) => void): Disposable {
    return this.logEvents.add(l);
  }
  onProgress(l: (p: ProgressNotificationParams) => void): Disposable {
    return this.progressEvents.add(l);
  }
  onRestart(l: (reason: string) => void): Disposable {
    return this.restartEvents.add(l);
  }

  load(params: LoadParams): Promise<ModelInfo> {
    return this.loadModel(params, false);
  }

  private async loadModel(params: LoadParams, restarting: boolean): Promise<ModelInfo> {
    try {
      if (!restarting) await this.restarted;
      await this.start();
      this.setState('loading');
      const info = await this.request(LoadRequest, params, undefined, restarting);
      this._model = info;
      this.lastLoad = params;
      this.setState('ready');
      return info;
    } catch (e) {
      this._model = undefined;
      if (!this.disposed) this.setState('error', (e as Error).message);
      throw e;
    }
  }

  complete(params: CompleteParams, token?: CancellationToken): Promise<GenerateResult> {
    return this.generation(CompleteRequest, params, token);
  }

  /** Not a generation: the engine's state stays 'ready' (the status bar shows no thinking for it). */
  prefill(params: PrefillParams, token?: CancellationToken): Promise<PrefillResult> {
    return this.request(PrefillRequest, params, token);
  }

  fill(params: FillParams, token?: CancellationToken): Promise<FillResult> {
    return this.generation(FillRequest, params, token);
  }

  edit(params: EditParams, token?: CancellationToken, onBlock?: (b: BlockNotificationParams) => void): Promise<GenerateResult> {
    if (!onBlock) return this.generation(EditRequest, params, token);
    const requestId = params.requestId ?? `edit-${process.pid}-${++this.nextId}`;
    this.blockListeners.set(requestId, onBlock);
    return this.generation(EditRequest, { ...params, requestId, stream: true }, token).finally(() => this.blockListeners.delete(requestId));
  }

  stats(): Promise<StatsResult> {
    return this.request(StatsRequest, undefined);
  }

  /** Cancels a request by its requestId (diffcoder/cancel), e.g. on Ctrl+C in the CLI. */
  cancel(requestId: string): void {
    this.connection?.sendNotification(CancelNotification, { requestId }).catch(() => undefined);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.endRestart();
    const child = this.child;
    this.rejectInFlight('the engine was disposed');
    this.connection?.dispose();
    this.connection = undefined;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    this.setState('stopped');
  }

  // ---------------------------------------------------------------------------------------------

  private async generation<P, R>(type: RequestType<P, R, void>, params: P, token?: CancellationToken): Promise<R> {
    if (this._state === 'ready') this.setState('busy');
    try {
      return await this.request(type, params, token);
    } finally {
      if (this._state === 'busy' && this.inFlight.size === 0) this.setState('ready');
    }
  }

  private async request<P, R>(type: RequestType<P, R, void>, params: P, token?: CancellationToken, restarting = false): Promise<R> {
    // Requests made while the worker restarts wait until the model is back.
    if (!restarting) await this.restarted;
    if (this.disposed) throw new EngineStoppedError('the engine was disposed');
    const connection = await this.start();
    return new Promise<R>((resolve, reject) => {
      const entry: InFlight = { method: type.method, reject };
      this.inFlight.add(entry);
      const settle = () => this.inFlight.delete(entry);
      const sent = connection.sendRequest(type, params, token);
      sent.then(
        (r) => {
          settle();
          resolve(r);
        },
        (e) => {
          settle();
          reject(e instanceof ResponseError ? e : new EngineStoppedError(`${type.method} failed: ${(e as Error)?.message ?? e}`));
        },
      );
    });
  }

  /** Starts the worker if it is not running; resolves once its connection listens. */
  private start(): Promise<MessageConnection> {
    if (this.connection) return Promise.resolve(this.connection);
    if (!this.starting) {
      this.starting = this.spawn().finally(() => (this.starting = undefined));
    }
    return this.starting;
  }

  private async spawn(): Promise<MessageConnection> {
    this.setState('starting');
    const child = fork(this.options.workerPath, [], {
      // No inherited --inspect / --import flags; ELECTRON_RUN_AS_NODE makes VS Code's Electron a plain node.
      execArgv: [],
      env: withShippedRuntime(this.options.workerPath, { ...process.env, ELECTRON_RUN_AS_NODE: '1' }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    for (const [stream, level] of [[child.stdout, 'info'], [child.stderr, 'warn']] as const) {
      if (!stream) continue;
      readline.createInterface({ input: stream }).on('line', (line) => {
        // eslint-disable-next-line no-control-regex
        const text = line.replace(/\x1b\[[0-9;]*m/g, '').trim();
        if (text) this.logEvents.fire({ level, message: `[worker] ${text}` });
      });
    }
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.onNotification(LogNotification, (p) => this.logEvents.fire(p));
    connection.onNotification(ProgressNotification, (p) => this.progressEvents.fire(p));
    connection.onNotification(BlockNotification, (p) => this.blockListeners.get(p.requestId)?.(p));
    connection.onError(() => undefined); // the exit handler below is the one place that reacts to a dead worker
    child.on('error', (e) => this.logEvents.fire({ level: 'error', message: `worker process error: ${e.message}` }));
    child.once('exit', (code, signal) => this.onExit(child, connection, code, signal));
    connection.listen();
    this.connection = connection;
    return connection;
  }

  private onExit(child: ChildProcess, connection: MessageConnection, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return; // an old worker, already replaced or disposed
    const reason = signal ? `the worker was killed by ${signal}` : `the worker exited with code ${code}`;
    this.child = undefined;
    this.connection = undefined;
    this._model = undefined;
    connection.dispose();
    this.rejectInFlight(reason);
    if (this.disposed) return;
    this.logEvents.fire({ level: 'error', message: reason });

    const now = Date.now();
    while (this.restarts.length && now - this.restarts[0] > 60_000) this.restarts.shift();
    const max = this.options.maxRestartsPerMinute ?? 3;
    if (this.restarts.length >= max) {
      this.setState('error', `${reason}; not restarting: it stopped ${max + 1} times within a minute`);
      return;
    }
    const delay = Math.min((this.options.restartDelayMs ?? 500) * 2 ** this.restarts.length, 10_000);
    this.restarts.push(now);
    this.setState('starting', `${reason}; restarting in ${delay} ms`);
    this.restarted = new Promise((resolve) => (this.endRestart = resolve));
    this.restartTimer = setTimeout(() => void this.restart(reason).finally(this.endRestart), delay);
  }

  private async restart(reason: string): Promise<void> {
    if (this.disposed) return;
    try {
      await this.start();
      if (this.lastLoad) await this.loadModel(this.lastLoad, true);
      else this.setState('stopped', 'the worker was restarted; no model was loaded');
      this.restartEvents.fire(reason);
    } catch (e) {
      if (!this.disposed) this.setState('error', `restart after "${reason}" failed: ${(e as Error).message}`);
    }
  }

  private rejectInFlight(reason: string): void {
    for (const r of [...this.inFlight]) r.reject(new EngineStoppedError(`${r.method} did not finish: ${reason}`));
    this.inFlight.clear();
  }

  private setState(state: EngineState, detail?: string): void {
    if (state === this._state && detail === undefined) return;
    this._state = state;
    this.stateEvents.fire(state, detail);
  }
}
