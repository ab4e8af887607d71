// A fake Engine for the completion core's tests: each request "runs" for `passMs` per forward pass and
// checks its CancellationToken between passes, like the worker; it counts requests in flight.
import type { CancellationToken } from 'vscode-jsonrpc';
import type { CompleteParams, GenerateResult, PrefillParams, PrefillResult } from '../../src/engine/protocol';

export class FakeEngine {
  inFlight = 0;
  maxInFlight = 0;
  calls: CompleteParams[] = [];
  cancelled = 0;
  completed = 0;
  constructor(
    /** The answer's text, or the text with the fields of the result it sets (confidence, say). */
    private readonly answer: (p: CompleteParams) => string | (Partial<GenerateResult> & { text: string }),
    private readonly passes = 5,
    private readonly passMs = 10,
  ) {}

  prefills: PrefillParams[] = [];

  async prefill(params: PrefillParams): Promise<PrefillResult> {
    this.prefills.push(params);
    return { promptTokens: 10, reusedTokens: 0, prefilledTokens: 8, ms: 1, cancelled: false };
  }

  async complete(params: CompleteParams, token?: CancellationToken): Promise<GenerateResult> {
    this.calls.push(params);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      for (let i = 0; i < this.passes; i++) {
        await new Promise((r) => setTimeout(r, this.passMs));
        if (token?.isCancellationRequested) {
          this.cancelled++;
          throw Object.assign(new Error('Request cancelled'), { code: -32800 });
        }
      }
      this.completed++;
      const a = this.answer(params);
      const r = typeof a === 'string' ? { text: a } : a;
      return { tokens: r.text.length, forwardPasses: this.passes, decodingPasses: this.passes, ms: this.passes * this.passMs, device: 'cpu', stoppedBy: 'eos', promptTokens: 10, reusedTokens: 0, ...r };
    } finally {
      this.inFlight--;
    }
  }
}
