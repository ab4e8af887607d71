/**
 * Fast encoding for the data build. The Rust `tokenizers` binding encodes batches on every core; the
 * prompt functions (src/engine/prompts.ts) still do all the assembling, through a CodeTokenizer whose
 * encode() is served from a table the batch encoder filled. So ids come from Rust, structure from the
 * engine's own code, and a sample of texts is re-encoded with the engine's pure-JS tokenizer to prove
 * the two agree.
 */
import * as fs from 'fs';
import { Tokenizer as RustTokenizer } from 'tokenizers';
import { CodeTokenizer } from '../../../src/engine/tokenizer';

export class TableTokenizer extends CodeTokenizer {
  private table = new Map<string, number[]>();
  private recording: Set<string> | null = null;
  /** encode() calls the table could not answer (served by the pure-JS tokenizer). */
  misses = 0;

  /** Run `fn` with encode() recording the texts it is asked for (returning []). */
  record(fn: () => void): Set<string> {
    this.recording = new Set();
    try {
      fn();
      return this.recording;
    } finally {
      this.recording = null;
    }
  }

  fill(texts: string[], ids: number[][]): void {
    texts.forEach((t, i) => this.table.set(t, ids[i]));
  }

  clear(): void {
    this.table.clear();
  }

  encode(text: string): number[] {
    if (this.recording) {
      this.recording.add(text);
      return [];
    }
    if (text.length === 0) return [];
    const hit = this.table.get(text);
    if (hit) return hit;
    this.misses++;
    return super.encode(text);
  }

  /** The engine's own encoder, bypassing the table. */
  encodeJs(text: string): number[] {
    return super.encode(text);
  }
}

export class BatchEncoder {
  private readonly rust: RustTokenizer;
  readonly tok: TableTokenizer;
  checked = 0;
  mismatches: string[] = [];

  constructor(tokenizerFile: string, private readonly checkEvery = 97) {
    this.rust = RustTokenizer.fromFile(tokenizerFile);
    this.tok = new TableTokenizer(JSON.parse(fs.readFileSync(tokenizerFile, 'utf8')));
  }

  /** Ids of each text (no special tokens added). */
  async encode(texts: string[]): Promise<number[][]> {
    const out: number[][] = new Array(texts.length);
    const todo: number[] = [];
    texts.forEach((t, i) => (t.length === 0 ? (out[i] = []) : todo.push(i)));
    const STEP = 1024;
    for (let k = 0; k < todo.length; k += STEP) {
      const part = todo.slice(k, k + STEP);
      const encs = await this.rust.encodeBatch(part.map((i) => texts[i]), { addSpecialTokens: false });
      part.forEach((i, j) => (out[i] = encs[j].getIds()));
    }
    // spot check against the engine's pure-JS tokenizer
    for (let i = 0; i < todo.length; i += this.checkEvery) {
      const t = texts[todo[i]];
      const js = this.tok.encodeJs(t);
      this.checked++;
      if (js.length !== out[todo[i]].length || js.some((v, j) => v !== out[todo[i]][j])) {
        if (this.mismatches.length < 5) this.mismatches.push(t.slice(0, 200));
        else this.mismatches.push('');
      }
    }
    return out;
  }

  /** Encode every text `build` asks for, then call `build` again with the table filled. */
  async withTable<T>(build: () => T): Promise<T> {
    const wanted = [...this.tok.record(() => build())];
    const ids = await this.encode(wanted);
    this.tok.clear();
    this.tok.fill(wanted, ids);
    try {
      return build();
    } finally {
      this.tok.clear();
    }
  }
}
