/**
 * Debounce that follows the typist: the wait is a little longer than the user's recent gap between
 * keystrokes, so a request starts when they pause, not between two keys. A fast typist gets a short
 * wait, a slow one a longer one, always within [minMs, maxMs]. After a long pause the first key waits
 * only minMs.
 */
export interface DebounceOptions {
  minMs: number;
  maxMs: number;
}

export class AdaptiveDebounce {
  private last = -Infinity;
  private avgGap: number | undefined;

  constructor(private readonly options: () => DebounceOptions, private readonly now: () => number = Date.now) {}

  /** Records a trigger (a keystroke) and returns how long to wait before requesting. */
  next(): number {
    const { minMs, maxMs } = this.options();
    const t = this.now();
    const gap = t - this.last;
    this.last = t;
    if (gap > 2 * maxMs) {
      this.avgGap = undefined; // a pause: the next burst starts fresh
    } else {
      this.avgGap = this.avgGap === undefined ? gap : 0.7 * this.avgGap + 0.3 * gap;
    }
    if (this.avgGap === undefined) return minMs;
    return Math.round(Math.min(maxMs, Math.max(minMs, this.avgGap * 1.3)));
  }
}
