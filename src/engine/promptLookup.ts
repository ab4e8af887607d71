/**
 * Prompt lookup for parallel decoding. Much of an answer is copied from its prompt: an edit rewrites a
 * few lines of code it was given and keeps the rest, an infill often repeats a name or a call from the
 * file around it. Where the text decoded so far ends like a stretch of the prompt, the prompt says what
 * probably comes next (the draft). In threshold mode the sampler then commits the masked positions whose
 * own choice agrees with that draft, contiguously from the block's first masked position, whatever their
 * confidence: each such token is the model's choice anyway, and a run copied from one contiguous place
 * agrees with itself, which is what committing low-confidence positions independently cannot promise.
 * The threshold alone leaves those positions for later passes because a small model spreads its
 * probability over near-equal ways to go on.
 *
 * scripts/diffcoder/sampler.py applies the same rule; test/fixtures/prompt-lookup-cases.json holds the
 * golden cases both implementations are tested against.
 */

/** A draft needs at least this many tokens of context matched; shorter matches are mostly chance. */
export const MIN_MATCH = 3;
/** Context compared per lookup (a longer match than this is no more telling). */
export const MAX_MATCH = 32;

/**
 * The `want` tokens (fewer at the prompt's end) that follow the longest match (MIN_MATCH..MAX_MATCH
 * tokens, the latest of equal ones) of the end of `context` inside `prompt`, or [] when there is none.
 * A match must end before the prompt does (something has to follow it).
 */
export function lookupDraft(prompt: readonly number[], context: readonly number[], want: number): number[] {
  const n = context.length;
  let bestLength = 0;
  let bestEnd = -1;
  for (let end = MIN_MATCH; end < prompt.length; end++) {
    let k = 0; // context[n-1-k] == prompt[end-1-k]
    while (k < MAX_MATCH && k < end && k < n && prompt[end - 1 - k] === context[n - 1 - k]) k++;
    if (k >= MIN_MATCH && k >= bestLength) {
      bestLength = k;
      bestEnd = end;
    }
  }
  return bestEnd < 0 ? [] : prompt.slice(bestEnd, bestEnd + want);
}

/**
 * Block positions (indices into `block`) to commit because the model's choice there continues the draft:
 * from `first` (the first masked position) on, committed positions must already hold the draft's token
 * and masked ones must have chosen it; the run stops at the first that does not.
 */
export function draftAgreement(block: readonly number[], first: number, draft: readonly number[], choice: ReadonlyMap<number, number>): number[] {
  const out: number[] = [];
  for (let i = first; i < block.length && i - first < draft.length; i++) {
    const want = draft[i - first];
    const chosen = choice.get(i);
    if (chosen === undefined) {
      if (block[i] !== want) break; // committed earlier, and not what the draft says
    } else if (chosen === want) {
      out.push(i);
    } else {
      break;
    }
  }
  return out;
}
