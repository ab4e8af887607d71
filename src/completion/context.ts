/**
 * Prompt windows: how much of the text before and after the cursor goes to the model, by token budget.
 *
 * Tokens are counted with the model's own tokenizer (TokenCounter, backed by CodeTokenizer in the
 * extension host), line by line with a memo, so a keystroke re-encodes only the cursor line. Exact
 * counts let the window fill the budget without overflowing the model's positions; an estimate would
 * either waste context or leave the worker to clip blindly (it cannot know which side matters most).
 * Windows grow outward from the cursor in whole lines; the cursor line is always kept.
 */
export interface TokenCounter {
  count(text: string): number;
}

export interface WindowBudget {
  prefixTokens: number;
  suffixTokens: number;
}

export interface PromptWindows {
  prefix: string;
  suffix: string;
  prefixTokens: number;
  suffixTokens: number;
  /** True when the document had more text than fit on that side. */
  prefixClipped: boolean;
  suffixClipped: boolean;
}

/** Counts tokens of whole lines with an LRU memo; lines rarely change between keystrokes. */
export class LineTokenCounter implements TokenCounter {
  private readonly memo = new Map<string, number>();
  constructor(private readonly inner: TokenCounter, private readonly capacity = 20000) {}

  count(text: string): number {
    if (text.length > 2000) return this.inner.count(text);
    const hit = this.memo.get(text);
    if (hit !== undefined) {
      this.memo.delete(text);
      this.memo.set(text, hit);
      return hit;
    }
    const n = this.inner.count(text);
    this.memo.set(text, n);
    if (this.memo.size > this.capacity) this.memo.delete(this.memo.keys().next().value as string);
    return n;
  }
}

/** A cheap stand-in when no tokenizer could be loaded: ~3 characters per token for code. */
export const approximateCounter: TokenCounter = { count: (t) => Math.ceil(t.length / 3) };

/**
 * Most characters a window looks at per token of budget. Code runs 1.5-5 characters per token; a text with
 * more (long runs of spaces) just gets a window a little under its budget. Without the cap a minified line
 * of a megabyte was tokenized whole, several times, on every request: seconds in the extension host.
 */
const MAX_CHARS_PER_TOKEN = 16;

/** Could `text` fit in `tokens` tokens? False is certain only up to MAX_CHARS_PER_TOKEN. */
const mayFit = (text: string, tokens: number) => text.length <= tokens * MAX_CHARS_PER_TOKEN;

/** Cuts `text` to at most `budget` tokens, keeping its end (fromEnd) or its start. */
function clipToBudget(text: string, budget: number, counter: TokenCounter, fromEnd: boolean): string {
  if (!mayFit(text, budget)) {
    const most = budget * MAX_CHARS_PER_TOKEN;
    text = fromEnd ? text.slice(text.length - most) : text.slice(0, most);
  }
  if (counter.count(text) <= budget) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const part = fromEnd ? text.slice(text.length - mid) : text.slice(0, mid);
    if (counter.count(part) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return fromEnd ? text.slice(text.length - lo) : text.slice(0, lo);
}

export function buildWindows(text: string, offset: number, budget: WindowBudget, counter: TokenCounter): PromptWindows {
  const before = text.slice(0, offset);
  const after = text.slice(offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const nl = after.indexOf('\n');
  const lineEnd = nl < 0 ? after.length : nl;

  // Suffix first: it is the smaller budget, and what it leaves unused goes to the prefix.
  const restOfLine = clipToBudget(after.slice(0, lineEnd), budget.suffixTokens, counter, false);
  let suffixTokens = counter.count(restOfLine);
  let suffixEnd = restOfLine.length;
  let suffixClipped = restOfLine.length < lineEnd;
  if (!suffixClipped && nl >= 0) {
    let pos = lineEnd; // at a '\n'
    while (pos < after.length) {
      const next = after.indexOf('\n', pos + 1);
      const end = next < 0 ? after.length : next;
      const line = after.slice(pos, end); // '\n' + line
      const n = mayFit(line, budget.suffixTokens - suffixTokens) ? counter.count(line) : Infinity;
      if (suffixTokens + n > budget.suffixTokens) {
        suffixClipped = true;
        break;
      }
      suffixTokens += n;
      pos = end;
    }
    suffixEnd = pos;
  }
  const prefixBudget = budget.prefixTokens + Math.max(0, budget.suffixTokens - suffixTokens);

  const cursorLine = clipToBudget(before.slice(lineStart), prefixBudget, counter, true);
  let prefixTokens = counter.count(cursorLine);
  let prefixStart = before.length - cursorLine.length;
  let prefixClipped = cursorLine.length < before.length - lineStart;
  if (!prefixClipped) {
    let pos = lineStart; // start of the cursor line; the '\n' before it belongs to the line above
    while (pos > 0) {
      // pos - 2 < 0 would make lastIndexOf search index 0 again: a document opening with an empty line looped here
      const prevStart = pos >= 2 ? before.lastIndexOf('\n', pos - 2) + 1 : 0;
      const line = before.slice(prevStart, pos); // line + '\n'
      const n = mayFit(line, prefixBudget - prefixTokens) ? counter.count(line) : Infinity;
      if (prefixTokens + n > prefixBudget) {
        prefixClipped = true;
        break;
      }
      prefixTokens += n;
      pos = prevStart;
    }
    prefixStart = pos;
  }
  return {
    prefix: before.slice(prefixStart),
    suffix: after.slice(0, suffixEnd),
    prefixTokens,
    suffixTokens,
    prefixClipped,
    suffixClipped,
  };
}
