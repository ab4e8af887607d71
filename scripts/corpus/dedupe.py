"""Exact and near-duplicate removal.

Exact: SHA-1 of the text with line endings unified, trailing spaces removed and surrounding blank lines
stripped. Near: MinHash over word 5-gram shingles (128 hash functions), LSH with 16 bands of 8 rows
(pairs above Jaccard ~0.7 become candidates), then a candidate pair counts as duplicate when its
estimated Jaccard similarity is at least 0.85; each cluster keeps its first file (sources are read in a
fixed order, so the choice is the same on every run).
"""
import hashlib
import re

import numpy as np

NUM_PERM = 128
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
THRESHOLD = 0.85
MAX_TOKENS = 20_000  # long files: the first 20k words decide (enough to tell copies apart)

_TOKEN = re.compile(r'\w+')
_rng = np.random.RandomState(20240611)
# Multiply-shift hashing: h_i(x) = (a_i * x + b_i) mod 2^64, top 32 bits; a_i odd.
_A = (_rng.randint(1, 2**62, size=NUM_PERM, dtype=np.int64).astype(np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.randint(0, 2**62, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_POW = np.array([0x100000001B3 ** i % 2**64 for i in range(SHINGLE)], dtype=np.uint64)


def normalized_hash(text):
    lines = [line.rstrip() for line in text.replace('\r\n', '\n').replace('\r', '\n').split('\n')]
    return hashlib.sha1('\n'.join(lines).strip('\n').encode('utf-8')).hexdigest()


def minhash(text):
    """uint32[NUM_PERM] signature of the text's word 5-grams."""
    toks = _TOKEN.findall(text)[:MAX_TOKENS]
    if not toks:
        toks = ['']
    # str hash: fast, and fixed across processes and runs when PYTHONHASHSEED is set (build_corpus.py
    # sets it); without it only one process's signatures are comparable, which is all the tests need.
    th = np.fromiter(map(hash, toks), dtype=np.int64, count=len(toks)).view(np.uint64) >> np.uint64(32)
    if len(th) >= SHINGLE:
        n = len(th) - SHINGLE + 1
        sh = np.zeros(n, dtype=np.uint64)
        for i in range(SHINGLE):
            sh = sh + th[i:i + n] * _POW[i]
    else:
        sh = np.array([int((th * _POW[:len(th)]).sum())], dtype=np.uint64)
    sh = np.unique(sh)
    with np.errstate(over='ignore'):
        vals = (sh[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return vals.min(axis=0).astype(np.uint32)


class _UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller index (the file read first) stays the representative.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def near_duplicates(signatures, threshold=THRESHOLD):
    """Indices to drop from a list of signatures: every member of a near-duplicate cluster but the first."""
    n = len(signatures)
    if n == 0:
        return set()
    sig = np.stack(signatures)
    uf = _UnionFind(n)
    for band in range(BANDS):
        cols = sig[:, band * ROWS:(band + 1) * ROWS]
        keys = np.ascontiguousarray(cols).view(np.dtype((np.void, cols.dtype.itemsize * ROWS))).ravel()
        order = np.argsort(keys, kind='stable')
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], n]
        for s, e in zip(starts, ends):
            if e - s < 2:
                continue
            members = order[s:e]
            first = members.min()
            for m in members:
                if m != first and uf.find(m) != uf.find(first):
                    if np.mean(sig[m] == sig[first]) >= threshold:
                        uf.union(first, m)
    return {i for i in range(n) if uf.find(i) != i}
