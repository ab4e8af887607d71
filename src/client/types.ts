/**
 * What the extension's features and the CLI see of the engine: one client that owns the worker process.
 * Implemented by EngineClient (src/client/engineClient.ts). Cancellation tokens are vscode-jsonrpc's,
 * which VS Code's CancellationToken satisfies structurally.
 */
import type { CancellationToken } from 'vscode-jsonrpc';
import type {
  BlockNotificationParams,
  CompleteParams,
  EditParams,
  FillParams,
  FillResult,
  GenerateResult,
  LoadParams,
  LogNotificationParams,
  ModelInfo,
  PrefillParams,
  PrefillResult,
  ProgressNotificationParams,
  StatsResult,
} from '../engine/protocol';

export type EngineState = 'stopped' | 'starting' | 'loading' | 'ready' | 'busy' | 'error';

export interface Disposable {
  dispose(): void;
}

export interface Engine {
  readonly state: EngineState;
  /** The loaded model, once `load` has succeeded. */
  readonly model: ModelInfo | undefined;
  /** Starts the worker if needed and loads a package; a later call switches models. */
  load(params: LoadParams): Promise<ModelInfo>;
  complete(params: CompleteParams, token?: CancellationToken): Promise<GenerateResult>;
  /** A completion's prompt into the worker's KV cache, nothing decoded; any later request supersedes it. */
  prefill(params: PrefillParams, token?: CancellationToken): Promise<PrefillResult>;
  fill(params: FillParams, token?: CancellationToken): Promise<FillResult>;
  /** `onBlock` receives the answer as it grows, one committed block at a time. */
  edit(params: EditParams, token?: CancellationToken, onBlock?: (b: BlockNotificationParams) => void): Promise<GenerateResult>;
  stats(): Promise<StatsResult>;
  onStateChange(listener: (state: EngineState, detail?: string) => void): Disposable;
  onLog(listener: (entry: LogNotificationParams) => void): Disposable;
  onProgress(listener: (p: ProgressNotificationParams) => void): Disposable;
  /** Fired after the worker died and was restarted (the model is reloaded automatically). */
  onRestart(listener: (reason: string) => void): Disposable;
  dispose(): Promise<void>;
}
