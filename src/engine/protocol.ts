/**
 * JSON-RPC protocol between the extension / CLI (src/client/) and the worker process (src/engine/worker.ts),
 * carried by vscode-jsonrpc over the child process's IPC channel. Types only: imported by both sides.
 * Cancellation uses vscode-jsonrpc's own $/cancelRequest (pass a CancellationToken to sendRequest);
 * the worker checks it between forward passes.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';

export type DecodeMode = 'threshold' | 'fixed';

/** Per-request decoding overrides; unset fields come from the package's diffcoder.json. */
export interface DecodingOptions {
  mode?: DecodeMode;
  threshold?: number;
  stepsPerBlock?: number;
  /** Threshold mode: commit what continues a stretch of the prompt (src/engine/promptLookup.ts). */
  promptLookup?: boolean;
  /** Drafted states verified per pass, greedy decoding only (src/engine/sampler.ts DecodeOptions.draftStates); 0: none. */
  draftStates?: number;
  /** Completions and fills: end the prompt before the word's last token and have the answer spell it out (src/engine/prefixHealing.ts). */
  healPrefix?: boolean;
  temperature?: number;
  seed?: number;
}

export interface LoadParams {
  /** Model package folder. */
  modelDir: string;
  /**
   * Execution providers in order of preference, e.g. ['cuda','webgpu','cpu']; 'auto' = this platform's
   * order (src/engine/session/createSession.ts platformProviders); absent = cpu. cpu is always the last resort.
   */
  providers?: string[];
  /** Intra-op threads (0 = onnxruntime's default). */
  threads?: number;
}

export interface ModelInfo {
  name: string;
  version: string;
  modelDir: string;
  /** The execution provider the session runs on. */
  device: string;
  /** Why a preferred provider was not used (empty when the first choice worked). */
  fallback: string[];
  /** What the weight formats mean on this provider, e.g. int8 ops that run on the CPU under a GPU provider. */
  notes?: string[];
  blockSize: number;
  maxPositions: number;
  /** The longest sequence the model was trained on (the package's architecture.trainedPositions, else maxPositions). */
  trainedPositions: number;
  vocabSize: number;
  weights: string;
  loadMs: number;
}

export interface CompleteParams {
  requestId?: string;
  prefix: string;
  suffix: string;
  /** Token budget for the answer. */
  maxTokens: number;
  /** Stop at the first generated line break. */
  singleLine?: boolean;
  /**
   * For suggestions that will show only their confident lines: the floor in [0, 1] for the result's
   * confidentLines, or 'package' for the package's decoding.minLineConfidence. Decoding also stops after
   * the block where the first line below it starts (stoppedBy 'unsure'), as nothing from there on would
   * be shown. Absent: 0, the whole answer.
   */
  minLineConfidence?: number | 'package';
  decoding?: DecodingOptions;
  /** Stream each committed block as a BlockNotification. */
  stream?: boolean;
}

/**
 * diffcoder/prefill: the prompt a completion with these params would start with goes into the worker's KV
 * cache, without decoding, so a completion there (or one whose prefix extends it: the user's first
 * keystroke) prefills only what differs. Any later request supersedes it; it returns what it got done.
 */
export interface PrefillParams {
  requestId?: string;
  prefix: string;
  suffix: string;
  /** The completion's token budget: it decides how much of a long prompt is kept, as for the completion. */
  maxTokens: number;
}

export interface PrefillResult {
  promptTokens: number;
  /** Prompt tokens already in the cache, and those this request put there. */
  reusedTokens: number;
  prefilledTokens: number;
  ms: number;
  /** Superseded or cancelled before all of the prompt was in the cache. */
  cancelled: boolean;
}

export interface Hole {
  /** Character offset of the hole marker in `text`, and its length (the marker is replaced). */
  offset: number;
  length: number;
  /** The fill ends at a line break (a marker inside a line of code). */
  singleLine?: boolean;
  /**
   * Code from other files the user worked in, put before the hole's prompt (the editor's context from
   * other files, src/completion/otherFiles.ts); with window budgets it takes its tokens from prefixTokens.
   */
  context?: string;
}

export interface FillParams {
  requestId?: string;
  text: string;
  holes: Hole[];
  maxTokens: number;
  /**
   * Token budgets of each hole's prompt: the text nearest the hole, in whole lines, as a completion's
   * windows (the editor sends its completion settings). Absent: as much as the model's context holds.
   */
  prefixTokens?: number;
  suffixTokens?: number;
  decoding?: DecodingOptions;
  /**
   * As for edits: the lines below this floor in [0, 1] ('package': the package's decoding.minLineConfidence)
   * are listed in each fill's unsureLines; nothing is cut. Absent: none.
   */
  minLineConfidence?: number | 'package';
}

export interface EditParams {
  requestId?: string;
  instruction: string;
  code: string;
  language?: string;
  maxTokens: number;
  decoding?: DecodingOptions;
  stream?: boolean;
  /**
   * Lines of the answer whose least sure token is below this floor in [0, 1] ('package': the package's
   * decoding.minLineConfidence) are listed in the result's unsureLines; the answer is whole. Absent: none.
   */
  minLineConfidence?: number | 'package';
}

/**
 * Why the answer ended. 'cancelled': the request was cancelled or superseded by a newer completion; it
 * resolves (it does not reject) with what was committed so far. 'context': the model's maxPositions.
 * 'repetition': the answer's tail repeated itself verbatim and was cut to one copy (engine/repetition.ts).
 * 'unsure': a completion reached a token below its minLineConfidence; the lines from there on are not
 * among its confidentLines.
 */
export type StopReason = 'eos' | 'stop' | 'budget' | 'cancelled' | 'context' | 'repetition' | 'unsure';

export interface GenerateResult {
  text: string;
  /**
   * Completions, edits and fills. Per line of `text`: the lowest probability the model gave any token on that
   * line when it committed it (./tasks.ts lineConfidence).
   */
  lineConfidence?: number[];
  /** Edits and fills: the lines of `text` (0-based) holding code below the request's minLineConfidence. */
  unsureLines?: number[];
  /**
   * Completions only: how many leading lines of `text` have a lineConfidence at or above the request's
   * minLineConfidence (absent: all of them). The editor shows only these.
   */
  confidentLines?: number;
  tokens: number;
  forwardPasses: number;
  /** The passes that decided answer positions: forwardPasses but a prefill that ran apart from them. */
  decodingPasses: number;
  ms: number;
  device: string;
  stoppedBy: StopReason;
  promptTokens: number;
  /** Prompt tokens whose KV cache was reused from the previous request. */
  reusedTokens: number;
}

export interface FillResult {
  /** One result per hole, in the order given. */
  fills: GenerateResult[];
  /** `text` with every hole replaced by its fill as the model wrote it. */
  text: string;
}

export interface StatsResult {
  rssBytes: number;
  heapUsedBytes: number;
  model?: ModelInfo;
  /** Requests of every kind received since the worker started. */
  requests: number;
  /**
   * Generation requests (complete, fill, edit) received and not yet answered, running or queued behind
   * the one that runs, and the most at once since the worker started. A client that waits for each
   * request to settle before it sends the next (the editor's completions) keeps the most at 1.
   */
  inFlight: number;
  maxInFlight: number;
  /** Of those, the ones whose sampler is running now, and the most at once (the queue runs one at a time). */
  running: number;
  maxRunning: number;
}

export interface BlockNotificationParams {
  requestId: string;
  /** Text of the answer committed so far (decoded from all committed tokens). */
  text: string;
  tokens: number;
}

export interface LogNotificationParams {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface ProgressNotificationParams {
  /** What is in progress, e.g. 'load' or 'convert'. */
  task: string;
  message: string;
  /** 0..1 when known. */
  fraction?: number;
}

export const LoadRequest = new RequestType<LoadParams, ModelInfo, void>('diffcoder/load');
export const CompleteRequest = new RequestType<CompleteParams, GenerateResult, void>('diffcoder/complete');
export const PrefillRequest = new RequestType<PrefillParams, PrefillResult, void>('diffcoder/prefill');
export const FillRequest = new RequestType<FillParams, FillResult, void>('diffcoder/fill');
export const EditRequest = new RequestType<EditParams, GenerateResult, void>('diffcoder/edit');
export const StatsRequest = new RequestType<void, StatsResult, void>('diffcoder/stats');
/** Cancel a request by its requestId (the CLI's Ctrl+C; the editor mostly uses CancellationTokens). */
export const CancelNotification = new NotificationType<{ requestId: string }>('diffcoder/cancel');
export const BlockNotification = new NotificationType<BlockNotificationParams>('diffcoder/block');
export const LogNotification = new NotificationType<LogNotificationParams>('diffcoder/log');
export const ProgressNotification = new NotificationType<ProgressNotificationParams>('diffcoder/progress');

/** Error codes the worker returns (JSON-RPC ResponseError.code). */
export const ErrorCodes = {
  NoModel: -32001,
  BadPackage: -32002,
  BadRequest: -32003,
  Cancelled: -32800,
  Internal: -32603,
} as const;
