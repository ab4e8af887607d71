/**
 * One model request runs at a time (the session is single-stream and the CPU is the bottleneck).
 * A new completion supersedes every queued or running completion: the editor asked again after a
 * keystroke, so the old answer is stale. Any new request supersedes a prefill (it only prepares the
 * cache for a request that may never come). Fills, edits and loads are waited for, never superseded.
 * Each job gets its own cancellation token, cancelled by the RPC's $/cancelRequest, by
 * diffcoder/cancel with its requestId, or by being superseded.
 */
import { CancellationTokenSource, type CancellationToken } from 'vscode-jsonrpc';

export type JobKind = 'load' | 'complete' | 'fill' | 'edit' | 'prefill';

interface Entry {
  kind: JobKind;
  requestId?: string;
  source: CancellationTokenSource;
}

export class RequestQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly live = new Set<Entry>();

  run<T>(kind: JobKind, requestId: string | undefined, rpcToken: CancellationToken | undefined, job: (token: CancellationToken) => Promise<T>): Promise<T> {
    for (const e of this.live) if (e.kind === 'prefill' || (kind === 'complete' && e.kind === 'complete')) e.source.cancel();
    const entry: Entry = { kind, requestId, source: new CancellationTokenSource() };
    // Made now, not when the job starts: a source whose token was never read cancels once, and a second
    // cancel (a queued job superseded twice) would throw.
    const token = entry.source.token;
    if (rpcToken?.isCancellationRequested) entry.source.cancel();
    const link = rpcToken?.onCancellationRequested(() => entry.source.cancel());
    this.live.add(entry);
    const result = this.tail.then(() => job(token));
    const done = () => {
      this.live.delete(entry);
      link?.dispose();
      entry.source.dispose();
    };
    this.tail = result.then(done, done);
    return result;
  }

  /** diffcoder/cancel: cancels the request with this id, queued or running. */
  cancel(requestId: string): boolean {
    let found = false;
    for (const e of this.live) {
      if (e.requestId === requestId) {
        e.source.cancel();
        found = true;
      }
    }
    return found;
  }

  get size(): number {
    return this.live.size;
  }
}
