// The bundled model's tokenizer layout: byte-level BPE, 16384 ids in all, the 10 special tokens at ids
// 0..9, the 256 byte symbols at 10..265 (byte b is id 10 + b), then merges. The model's embedding size and the special ids in
// diffcoder.json depend on this, so every tokenizer we train keeps it.

export const VOCAB_SIZE = 16384;

// Order = id. Same names as scripts/diffcoder/package-defaults.json.
export const SPECIAL_TOKENS = [
  '<|bos|>',
  '<|eos|>',
  '<|pad|>',
  '<|mask|>',
  '<|fim_prefix|>',
  '<|fim_suffix|>',
  '<|fim_middle|>',
  '<|edit_instruction|>',
  '<|edit_code|>',
  '<|edit_result|>',
];

// Pre-tokenizer split for code (GPT-4 style, changed for code):
//  - a word with one optional leading non-letter (" foo", ".bar", "_baz"); combining marks stay with
//    their letters;
//  - digits in groups of at most 3, the first with an optional leading space (" = 0" is common);
//  - punctuation runs with an optional leading space, never swallowing a line break;
//  - a line break (or a run of blank lines) TOGETHER with the next line's indentation, so "\n    " and
//    "\n\t\t" become single tokens;
//  - other whitespace runs (the last space joins the following word).
// Both the Rust library (Oniguruma) and @huggingface/tokenizers (JS RegExp with the u flag) run it.
export const SPLIT_REGEX =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+| ?\\p{N}{1,3}| ?[^\\s\\p{L}\\p{M}\\p{N}]+|\\s*[\\r\\n][ \\t]*|\\s+(?!\\S)|\\s+";

export const PRE_TOKENIZER = {
  type: 'Sequence',
  pretokenizers: [
    { type: 'Split', pattern: { Regex: SPLIT_REGEX }, behavior: 'Isolated', invert: false },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
  ],
};

// The Rust trainer feeds its input files line by line, which would never show it a line break followed
// by indentation. The training text therefore stores each document on one line with "\n" replaced by
// this private-use character, and a training-only normalizer puts the "\n" back before pre-tokenization.
export const NEWLINE_STAND_IN = '\uE000';

/** GPT-2's byte -> printable unicode char table used by the ByteLevel pre-tokenizer/decoder. */
export function byteToUnicode() {
  const bs = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const table = new Array(256);
  bs.forEach((b, i) => (table[b] = String.fromCodePoint(cs[i])));
  return table;
}

function emptyBpe() {
  return {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
    vocab: {},
    merges: [],
  };
}

/** What the Rust trainer starts from: empty BPE, our split, the newline stand-in normalizer. */
export function trainingSkeleton() {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: { type: 'Replace', pattern: { String: NEWLINE_STAND_IN }, content: '\n' },
    pre_tokenizer: PRE_TOKENIZER,
    post_processor: null,
    decoder: null,
    model: emptyBpe(),
  };
}

/**
 * The shipped tokenizer.json from the trainer's merge list (in learned order): specials, all 256 bytes,
 * then the first merges until VOCAB_SIZE ids are used. A merge whose product is already a token adds
 * no id (the trainer can reach one string by two different merges).
 */
export function assembleTokenizer(trainedMerges) {
  // A Map, not an object: tokens such as "constructor" must not meet Object.prototype.
  const vocab = new Map();
  SPECIAL_TOKENS.forEach((t, i) => vocab.set(t, i));
  let next = SPECIAL_TOKENS.length;
  for (const ch of byteToUnicode()) vocab.set(ch, next++);
  const merges = [];
  for (const m of trainedMerges) {
    const [a, b] = Array.isArray(m) ? m : m.split(' ');
    if (!vocab.has(a) || !vocab.has(b)) throw new Error(`merge ${a} ${b} uses an unknown token`);
    const product = a + b;
    if (!vocab.has(product)) {
      if (next >= VOCAB_SIZE) break;
      vocab.set(product, next++);
    }
    merges.push([a, b]);
  }
  if (next !== VOCAB_SIZE) throw new Error(`only ${next} tokens from ${trainedMerges.length} merges; need ${VOCAB_SIZE}`);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: PRE_TOKENIZER,
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    model: { ...emptyBpe(), vocab: Object.fromEntries(vocab), merges },
  };
}
