/**
 * Only the newest request runs. A new request cancels the running one through its CancellationToken
 * (the worker stops between forward passes) and waits until it has settled before it starts, so the
 * worker never holds two inferences and stale requests cannot pile up. Requests that were waiting and
 * got overtaken by a newer one never start. A request for the same key as the running one joins it
 * (a prefetch that the editor asks for again is not restarted).
 */
import { CancellationTokenSource, type CancellationToken } from 'vscode-jsonrpc';

interface Running<T> {
  key: string;
  source: CancellationTokenSource;
  promise: Promise<T | undefined>;
}

export class LatestOnlyScheduler<T> {
  private running: Running<T> | undefined;
  private settled: Promise<unknown> = Promise.resolve();
  private generation = 0;
  /** Tasks started and not yet settled (0 or 1), and the most ever seen: for tests and logs. */
  inFlight = 0;
  maxInFlight = 0;
  started = 0;
  cancelled = 0;
  onInFlightChange?: (inFlight: number) => void;

  /**
   * Runs `task` as the newest request. Resolves to undefined when it was overtaken before it could
   * start, or when `outer` was cancelled. A rejection of `task` is passed on.
   */
  async run(key: string, task: (token: CancellationToken) => Promise<T>, outer?: CancellationToken): Promise<T | undefined> {
    const current = this.running;
    if (current && current.key === key && !current.source.token.isCancellationRequested) return current.promise;
    const generation = ++this.generation;
    if (current) {
      current.source.cancel();
      this.cancelled++;
    }
    await this.settled.catch(() => undefined);
    // While waiting, a newer request may have arrived (it will run instead) or the caller gave up.
    if (generation !== this.generation || outer?.isCancellationRequested) return undefined;

    const source = new CancellationTokenSource();
    const link = outer?.onCancellationRequested(() => source.cancel());
    this.inFlight++;
    this.started++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.onInFlightChange?.(this.inFlight);
    const promise = (async () => {
      try {
        return await task(source.token);
      } finally {
        link?.dispose();
        this.inFlight--;
        this.onInFlightChange?.(this.inFlight);
        if (this.running?.source === source) this.running = undefined;
        source.dispose();
      }
    })();
    this.running = { key, source, promise };
    this.settled = promise;
    return promise;
  }

  /** Cancels the running request, if any. */
  cancel(): void {
    this.generation++;
    this.running?.source.cancel();
  }
}
