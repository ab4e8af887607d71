/**
 * Completion cache (LRU). Keys are the text around the cursor. A lookup also walks back over what the
 * user typed since a cached completion was made: if the typed characters are the start of that
 * completion, the rest is served without asking the model ("typed-ahead"). Prefetched completions (what
 * follows an accepted suggestion) are stored here too.
 */
const PREFIX_KEY_CHARS = 3000;
const SUFFIX_KEY_CHARS = 600;
/** How many typed characters a lookup walks back over. */
const MAX_TYPED_AHEAD = 80;

export function cacheKey(prefix: string, suffix: string): string {
  return prefix.slice(-PREFIX_KEY_CHARS) + '\u0000' + suffix.slice(0, SUFFIX_KEY_CHARS);
}

export interface CacheHit {
  /** The completion still to insert at the cursor. */
  text: string;
  /** How many characters the user typed since the cached completion (0 for an exact hit). */
  typedAhead: number;
}

export class CompletionCache {
  private readonly entries = new Map<string, string>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 256) {}

  get size(): number {
    return this.entries.size;
  }

  set(prefix: string, suffix: string, completion: string): void {
    const key = cacheKey(prefix, suffix);
    this.entries.delete(key);
    this.entries.set(key, completion);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(prefix: string, suffix: string): CacheHit | undefined {
    const limit = Math.min(MAX_TYPED_AHEAD, prefix.length);
    for (let k = 0; k <= limit; k++) {
      const key = cacheKey(prefix.slice(0, prefix.length - k), suffix);
      const completion = this.entries.get(key);
      if (completion === undefined) continue;
      const typed = prefix.slice(prefix.length - k);
      if (completion.startsWith(typed) && completion.length > k) {
        this.entries.delete(key);
        this.entries.set(key, completion); // refresh LRU position
        this.hits++;
        return { text: completion.slice(k), typedAhead: k };
      }
    }
    this.misses++;
    return undefined;
  }

  clear(): void {
    this.entries.clear();
  }
}
