/** A small tokenizer.json in the bundled model's layout (specials 0..9, the 256 byte symbols, a few merges). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const SPECIALS = ['<|bos|>', '<|eos|>', '<|pad|>', '<|mask|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>',
  '<|edit_instruction|>', '<|edit_code|>', '<|edit_result|>'];

function byteChars(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n++); }
  const table: string[] = new Array(256);
  bs.forEach((b, i) => (table[b] = String.fromCodePoint(cs[i])));
  return table;
}

export function fixtureTokenizerFile(): string {
  const vocab: Record<string, number> = {};
  SPECIALS.forEach((t, i) => (vocab[t] = i));
  for (const ch of byteChars()) vocab[ch] = Object.keys(vocab).length;
  const merges = [['d', 'e'], ['de', 'f'], ['Ġ', 'x'], ['Ċ', 'Ġ'], ['r', 'e'], ['re', 't']];
  for (const [a, b] of merges) vocab[a + b] = Object.keys(vocab).length;
  const json = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-tok-'));
  const file = path.join(dir, 'tokenizer.json');
  fs.writeFileSync(file, JSON.stringify(json));
  return file;
}
