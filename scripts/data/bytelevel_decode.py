"""Decode byte-level BPE ids to text in Python, from tokenizer.json alone (the trainer has no tokenizer
library): id -> token string -> bytes through GPT-2's byte<->unicode table -> UTF-8 with replacement.
Special tokens (added_tokens) decode to their own text, as the engine's decoder does.

    python3 scripts/data/bytelevel_decode.py media/models/diffcoder-small/tokenizer.json 349 294 729
"""
import json
import sys


def unicode_to_byte():
    """Inverse of GPT-2's bytes_to_unicode: printable stand-in char -> byte value."""
    bs = list(range(0x21, 0x7f)) + list(range(0xa1, 0xad)) + list(range(0xae, 0x100))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


class ByteLevelDecoder:
    def __init__(self, tokenizer_json):
        if isinstance(tokenizer_json, str):
            with open(tokenizer_json, encoding='utf-8') as f:
                tokenizer_json = json.load(f)
        vocab = tokenizer_json['model']['vocab']
        self.id_to_token = {i: t for t, i in vocab.items()}
        self.special = {t['id']: t['content'] for t in tokenizer_json.get('added_tokens', [])}
        for i, t in self.special.items():
            self.id_to_token[i] = t
        self.byte_of = unicode_to_byte()

    def token_bytes(self, i):
        if i in self.special:
            return self.special[i].encode('utf-8')
        tok = self.id_to_token.get(i)
        if tok is None:
            raise KeyError('id %d is not in the vocabulary' % i)
        return bytes(self.byte_of[ch] for ch in tok)

    def decode(self, ids, skip_special=False):
        out = bytearray()
        for i in ids:
            if skip_special and i in self.special:
                continue
            out += self.token_bytes(int(i))
        return out.decode('utf-8', errors='replace')


if __name__ == '__main__':
    dec = ByteLevelDecoder(sys.argv[1])
    sys.stdout.write(dec.decode([int(x) for x in sys.argv[2:]]))
