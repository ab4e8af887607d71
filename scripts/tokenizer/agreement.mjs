// The engine tokenizes with @huggingface/tokenizers (pure JS); training data is tokenized with the Rust
// `tokenizers` binding (fast). Both must give the same ids and decode back to the exact text.
import { createRequire } from 'node:module';
import { Tokenizer as JsTokenizer } from '@huggingface/tokenizers';

const require = createRequire(import.meta.url);
const rust = require('tokenizers');

export function loadBoth(tokenizerJson) {
  const text = typeof tokenizerJson === 'string' ? tokenizerJson : JSON.stringify(tokenizerJson);
  return { rust: rust.Tokenizer.fromString(text), js: new JsTokenizer(JSON.parse(text), {}) };
}

/** Hard cases every tokenizer must round-trip (the corpus samples come on top). */
export const HARD_CASES = [
  'def f(x):\n\tif x:\r\n\t\treturn "ok"\r\n',
  '\uFEFFimport os\n',
  'a\u0000b\u0000\n',
  '// 中文注释：函数返回值\nconst s = "日本語テキスト";\n',
  'const family = "👨‍👩‍👧‍👦"; // ZWJ\n',
  'e\u0301 n\u0303 a\u0308\u0323\n',
  'x'.repeat(5000) + '\n',
  '    \n\n\n        \t \n',
  '<|fim_prefix|>def a():<|fim_suffix|>\n<|fim_middle|>',
  '0123456789 3.14159e-10 0xDEADBEEF\n',
  '\r\n\r\n\u2028\u00a0\u3000 end',
];

/**
 * Compares both libraries on `texts`; returns {checked, idMismatches, roundTripFailures, examples}.
 * Ids are compared without special-token insertion; decoding keeps special tokens.
 */
export async function checkAgreement(tok, texts) {
  const res = { checked: 0, idMismatches: 0, roundTripFailures: 0, examples: [] };
  for (let i = 0; i < texts.length; i += 64) {
    const batch = texts.slice(i, i + 64);
    const encs = await tok.rust.encodeBatch(batch, { addSpecialTokens: false });
    for (let j = 0; j < batch.length; j++) {
      const text = batch[j];
      const rustIds = encs[j].getIds();
      const jsIds = text.length ? tok.js.encode(text, { add_special_tokens: false }).ids : [];
      res.checked++;
      const same = rustIds.length === jsIds.length && rustIds.every((v, k) => v === jsIds[k]);
      if (!same) {
        res.idMismatches++;
        if (res.examples.length < 5) res.examples.push({ kind: 'ids', text: text.slice(0, 200) });
      }
      const back = jsIds.length
        ? tok.js.decode(jsIds, { skip_special_tokens: false, clean_up_tokenization_spaces: false })
        : '';
      if (back !== text) {
        res.roundTripFailures++;
        if (res.examples.length < 5) res.examples.push({ kind: 'roundtrip', text: text.slice(0, 200) });
      }
    }
  }
  return res;
}
