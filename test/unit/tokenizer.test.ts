// The bundled tokenizer (media/models/diffcoder-small/tokenizer.json) through the engine's CodeTokenizer:
// its layout (what the model and diffcoder.json depend on), exact round trips on hard text, and the same
// ids as the Rust `tokenizers` binding that tokenizes the training data.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeTokenizer } from '../../src/engine/tokenizer';

const ROOT = path.join(__dirname, '..', '..');
const FILE = path.join(ROOT, 'media', 'models', 'diffcoder-small', 'tokenizer.json');
const tok = CodeTokenizer.fromFile(FILE);

const SPECIALS = [
  '<|bos|>', '<|eos|>', '<|pad|>', '<|mask|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>',
  '<|edit_instruction|>', '<|edit_code|>', '<|edit_result|>',
];

const PYTHON = `import os\n\n\nclass Cache:\n    """LRU cache."""\n\n    def __init__(self, size: int = 128) -> None:\n        self.size = size\n        self._items: dict[str, bytes] = {}\n\n    def get(self, key):\n        if key in self._items:\n            return self._items[key]\n        return None\n`;
const HARD: Record<string, string> = {
  python: PYTHON,
  tabs: 'func main() {\n\tfor i := 0; i < 10; i++ {\n\t\tfmt.Println(i)\n\t}\n}\n',
  crlf: 'int main(void)\r\n{\r\n    return 0;\r\n}\r\n',
  cjk: '// 计算两个数的和\nconst 名前 = "日本語のテキスト"; // 한국어\n',
  emojiZwj: 'const family = "👨‍👩‍👧‍👦"; const flag = "🏳️‍🌈"; // 👍🏽\n',
  combining: 'name = "e\u0301\u0302 n\u0303 a\u0308\u0323 \u0915\u094d\u0937"\n',
  bom: '\uFEFFusing System;\nnamespace A { }\n',
  nul: 'char s[] = "a\u0000b";\n\u0000\n',
  longLine: 'const x = [' + Array.from({ length: 2000 }, (_, i) => i).join(', ') + '];\n',
  veryLongToken: 'a'.repeat(10000) + '\n' + '='.repeat(3000) + '\n',
  whitespace: '\n\n\n    \t  \n\t\t\t\n        \r\n   \u00a0\u3000\u2028 end',
  controls: '\u0001\u0002\u001b[0m\u007f\u0085\u200b\u200d\ufffd',
  astral: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 \u{10FFFF}',
  specialsInText: '<|fim_prefix|>def a():<|fim_suffix|>\n<|fim_middle|>',
};

function roundTrip(text: string): void {
  const ids = tok.encode(text);
  assert.equal(tok.decode(ids), text, `round trip of ${JSON.stringify(text.slice(0, 60))}`);
}

test('special tokens have ids 0..9 and are special', () => {
  SPECIALS.forEach((t, i) => {
    assert.equal(tok.idOf(t), i, t);
    assert.equal(tok.tokenOf(i), t);
    assert.ok(tok.specialIds.has(i));
  });
  assert.equal(tok.specialIds.size, SPECIALS.length);
});

test('vocabulary has exactly 16384 ids, the 256 bytes right after the specials', () => {
  assert.equal(tok.vocabSize, 16384);
  assert.equal(tok.tokenOf(16383) !== undefined, true);
  assert.equal(tok.tokenOf(16384), undefined);
  // Byte b is id 10 + b.
  for (let b = 0x20; b < 0x7f; b++) assert.equal(tok.decode([10 + b]), String.fromCharCode(b));
  assert.deepEqual(tok.encode('\u0000'), [10]);
});

test('exact round trips on hard text', () => {
  for (const [name, text] of Object.entries(HARD)) {
    assert.doesNotThrow(() => roundTrip(text), name);
  }
  assert.equal(tok.decode([]), '');
  assert.deepEqual(tok.encode(''), []);
});

test('exact round trips on real source files of this repository', () => {
  const files = [
    'src/engine/tokenizer.ts', 'src/engine/prompts.ts', 'scripts/corpus/filters.py', 'scripts/corpus/licences.py',
    'scripts/tokenizer/layout.mjs', 'scripts/corpus/install-debian-packages.sh', 'package.json',
  ];
  for (const f of files) {
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    roundTrip(text);
    roundTrip(text.replace(/\n/g, '\r\n'));
    roundTrip(text.replace(/ {4}/g, '\t'));
  }
});

test('special tokens written in text encode to their ids (prompt templates rely on it)', () => {
  assert.deepEqual(tok.encode('<|edit_instruction|>'), [7]);
  const ids = tok.encode('<|bos|><|edit_instruction|>x<|edit_code|>y<|edit_result|>');
  assert.deepEqual([ids[0], ids[1], ids[3], ids[5]], [0, 7, 8, 9]);
  // Ordinary code never produces a special id.
  for (const text of Object.values(HARD)) {
    if (text.includes('<|')) continue;
    assert.ok(tok.encode(text).every((id) => id >= 10));
  }
});

test('newline tokens exist, including newline + indentation', () => {
  const nl = tok.newlineTokenIds();
  assert.ok(nl.size > 20, `only ${nl.size} newline tokens`);
  const id = tok.idOf('\u010a'); // "\n" in byte-level symbols
  assert.ok(id !== undefined && nl.has(id));
  // "\n" followed by 4 and 8 spaces are single tokens: indentation is cheap.
  assert.equal(tok.encode('\n    ').length, 1);
  assert.equal(tok.encode('\n        ').length, 1);
  assert.equal(tok.encode('\n\t\t').length, 1);
  const ret = tok.encode('x\n    return y');
  assert.ok(ret.some((t) => nl.has(t)));
});

test('ids equal those of the Rust tokenizers binding', async () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const rust = require('tokenizers') as typeof import('tokenizers');
  const r = rust.Tokenizer.fromFile(FILE);
  const snippets = [PYTHON, ...Object.values(HARD), fs.readFileSync(path.join(ROOT, 'src/engine/tokenizer.ts'), 'utf8')];
  for (const s of snippets) {
    const enc = await r.encode(s, null, { addSpecialTokens: false });
    assert.deepEqual(tok.encode(s), enc.getIds(), JSON.stringify(s.slice(0, 60)));
  }
});
