"""bytelevel_decode.py decodes ids exactly as the engine's JS tokenizer does (checked by running it)."""
import json
import os
import random
import subprocess
import tempfile
import unittest

from data.bytelevel_decode import ByteLevelDecoder, unicode_to_byte

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SPECIALS = ['<|bos|>', '<|eos|>', '<|pad|>', '<|mask|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>',
            '<|edit_instruction|>', '<|edit_code|>', '<|edit_result|>']


def fixture_tokenizer():
    """A small tokenizer.json in the project's layout: specials, the 256 byte symbols, a few merges."""
    byte_chars = sorted(unicode_to_byte(), key=lambda c: unicode_to_byte()[c])
    vocab = {t: i for i, t in enumerate(SPECIALS)}
    for ch in byte_chars:
        vocab[ch] = len(vocab)
    merges = [('d', 'e'), ('de', 'f'), ('Ġ', 'x'), ('Ċ', 'Ġ'), ('Ã', '©')]
    for a, b in merges:
        vocab[a + b] = len(vocab)
    added = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False,
              'special': True} for i, t in enumerate(SPECIALS)]
    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added, 'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': None,
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': False},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None,
                  'end_of_word_suffix': None, 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': vocab, 'merges': [list(m) for m in merges]},
    }


JS = '''
const fs = require('fs');
const { CodeTokenizer } = require(process.argv[1] + '/src/engine/tokenizer.ts');
const tok = CodeTokenizer.fromFile(process.argv[2]);
const cases = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
process.stdout.write(JSON.stringify(cases.map((ids) => tok.decode(ids))));
'''


def js_decode(tokenizer_file, cases):
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
        json.dump(cases, f)
    try:
        out = subprocess.run(['node', '--import', 'tsx', '-e', JS, ROOT, tokenizer_file, f.name], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout)
    finally:
        os.unlink(f.name)


def sample_cases(vocab_size, seed=5):
    rng = random.Random(seed)
    cases = [[], [0, 4, 5, 6], [10 + 0x41, 10 + 0x0a], [10 + 0xc3, 10 + 0xa9],  # "é" from two byte tokens
             [10 + 0xc3], [10 + 0xe2, 10 + 0x82], [10 + 0xf0, 10 + 0x9f, 10 + 0x98, 10 + 0x80]]
    cases += [[rng.randrange(10, vocab_size) for _ in range(rng.randint(1, 40))] for _ in range(40)]
    cases += [[rng.randrange(0, vocab_size) for _ in range(rng.randint(1, 40))] for _ in range(20)]
    return cases


class DecodeTest(unittest.TestCase):
    def check_file(self, path):
        dec = ByteLevelDecoder(path)
        n = max(dec.id_to_token) + 1
        cases = sample_cases(n)
        want = js_decode(path, cases)
        for ids, js in zip(cases, want):
            self.assertEqual(dec.decode(ids), js, ids)

    def test_matches_js_on_fixture(self):
        with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
            json.dump(fixture_tokenizer(), f)
        try:
            self.check_file(f.name)
            dec = ByteLevelDecoder(f.name)
            self.assertEqual(dec.decode([10 + 0x61, 10 + 0xc3, 10 + 0xa9]), 'a\u00e9')
            self.assertEqual(dec.decode([1, 10 + 0x61], skip_special=True), 'a')
        finally:
            os.unlink(f.name)

    def test_matches_js_on_bundled_tokenizer(self):
        path = os.path.join(ROOT, 'media', 'models', 'diffcoder-small', 'tokenizer.json')
        if not os.path.exists(path):
            self.skipTest('no bundled tokenizer yet')
        self.check_file(path)


if __name__ == '__main__':
    unittest.main()
