/**
 * The model's tokenizer: a Hugging Face tokenizer.json run by @huggingface/tokenizers (pure JS, so the
 * worker needs no second native runtime). Text is encoded without adding special tokens; prompts add
 * them by id (src/engine/prompts.ts).
 */
import * as fs from 'fs';
import { Tokenizer } from '@huggingface/tokenizers';

export class CodeTokenizer {
  private readonly tok: Tokenizer;
  readonly vocabSize: number;
  /** Ids of special/added tokens (never produced by encoding ordinary code). */
  readonly specialIds: Set<number>;
  private newlineIds?: Set<number>;
  private texts?: string[];
  private sorted?: { text: string; id: number }[];

  constructor(json: Record<string, unknown>) {
    this.tok = new Tokenizer(json, {});
    const added = (json.added_tokens as { id: number; special?: boolean }[] | undefined) ?? [];
    this.specialIds = new Set(added.filter((t) => t.special).map((t) => t.id));
    const vocab = ((json.model as { vocab?: Record<string, number> }) ?? {}).vocab ?? {};
    let max = -1;
    for (const id of Object.values(vocab)) if (id > max) max = id;
    for (const t of added) if (t.id > max) max = t.id;
    this.vocabSize = max + 1;
  }

  static fromFile(file: string): CodeTokenizer {
    return new CodeTokenizer(JSON.parse(fs.readFileSync(file, 'utf8')));
  }

  encode(text: string): number[] {
    if (text.length === 0) return [];
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    // decode([]) throws in @huggingface/tokenizers 0.2.0.
    if (ids.length === 0) return '';
    return this.tok.decode(ids as number[], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  idOf(token: string): number | undefined {
    return this.tok.token_to_id(token);
  }

  tokenOf(id: number): string | undefined {
    return this.tok.id_to_token(id);
  }

  /** Each id's text on its own ('' for special tokens and ids not in the vocabulary); computed once. */
  tokenTexts(): readonly string[] {
    if (!this.texts) {
      this.texts = Array.from({ length: this.vocabSize }, (_, id) =>
        this.specialIds.has(id) || this.tokenOf(id) === undefined ? '' : this.decode([id]),
      );
    }
    return this.texts;
  }

  /** Ids whose text starts with `text` (none for ''). */
  idsStartingWith(text: string): number[] {
    if (!text) return [];
    const s = this.sortedTexts();
    // Texts that start with `text` sort together, from the first one not below it.
    let lo = 0;
    for (let hi = s.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (s[mid].text < text) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < s.length && s[i].text.startsWith(text); i++) out.push(s[i].id);
    return out;
  }

  private sortedTexts(): { text: string; id: number }[] {
    if (!this.sorted) {
      this.sorted = this.tokenTexts().flatMap((t, id) => (t ? [{ text: t, id }] : []));
      this.sorted.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : a.id - b.id));
    }
    return this.sorted;
  }

  /** Ids whose text contains a line break (single-line completions stop on them). */
  newlineTokenIds(): Set<number> {
    if (!this.newlineIds) {
      const s = new Set<number>();
      for (const [id, text] of this.tokenTexts().entries()) if (text.includes('\n')) s.add(id);
      this.newlineIds = s;
    }
    return this.newlineIds;
  }

  /** The vocabulary's tables (line breaks, sorted texts) made now: each reads the whole vocabulary, better at load than on a keystroke. */
  prepare(): void {
    this.newlineTokenIds();
    this.sortedTexts();
  }
}
