"""Writes an evenly spread share of the training streams, so that what a GPU session carries fits the
device tool's 64 MiB (working tree included).

Pretraining tokens are taken as chunks spaced evenly over the whole stream (the stream is ordered by
source, so a prefix would skew the language mix); SFT rows (and their loss mask) whole, every k-th,
because every SFT sample starts on a row boundary.

    python3 scripts/gpu/take_share.py build/data OUT_DIR --pretrain-mb 116 --sft-mb 40
"""
from __future__ import annotations

import argparse
import json
import os
import shutil

import numpy as np

CHUNK = 1 << 20  # tokens per pretraining chunk: long enough that few documents are cut


def spread_chunks(n: int, want: int, chunk: int = CHUNK, phase: float = 0.0) -> list[tuple[int, int]]:
    """[start, end) ranges of `chunk` tokens, evenly spaced over n, covering about `want` tokens; `phase`
    (0..1) shifts them by that share of the spacing, so another session can take other chunks."""
    if want >= n:
        return [(0, n)]
    count = max(1, want // chunk)
    stride = n // count
    shift = int(phase * max(0, stride - chunk))
    return [(i * stride + shift, min(n, i * stride + shift + chunk)) for i in range(count)]


def spread_rows(rows: int, want: int, phase: float = 0.0) -> np.ndarray:
    """Indices of about `want` rows out of `rows`, evenly spaced, shifted by `phase` of the spacing."""
    if want >= rows:
        return np.arange(rows)
    step = rows / want
    return np.unique(((np.arange(want) + phase) * step).astype(np.int64).clip(0, rows - 1))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data")
    p.add_argument("out")
    p.add_argument("--pretrain-mb", type=float, default=float("inf"), help="pretraining tokens to keep, in MB of uint16")
    p.add_argument("--sft-mb", type=float, default=float("inf"), help="SFT tokens to keep, in MB of uint16")
    p.add_argument("--phase", type=float, default=0.0, help="0..1: which of the evenly spaced shares to take "
                                                           "(another session can take rows and chunks it has not seen)")
    a = p.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    meta = json.load(open(os.path.join(a.data, "meta.json")))

    ids = np.memmap(os.path.join(a.data, "pretrain.u16"), dtype=np.uint16, mode="r")
    want = int(a.pretrain_mb * 1e6 / 2) if a.pretrain_mb != float("inf") else len(ids)
    with open(os.path.join(a.out, "pretrain.u16"), "wb") as f:
        for s, e in spread_chunks(len(ids), want, phase=a.phase):
            f.write(ids[s:e].tobytes())

    row = int(meta["options"]["rowTokens"])
    sft = np.memmap(os.path.join(a.data, "sft.u16"), dtype=np.uint16, mode="r").reshape(-1, row)
    loss = np.memmap(os.path.join(a.data, "sft.loss.u8"), dtype=np.uint8, mode="r").reshape(-1, row)
    want_rows = int(a.sft_mb * 1e6 / 2 / row) if a.sft_mb != float("inf") else len(sft)
    keep = spread_rows(len(sft), want_rows, a.phase)
    sft[keep].tofile(os.path.join(a.out, "sft.u16"))
    loss[keep].tofile(os.path.join(a.out, "sft.loss.u8"))

    shutil.copy(os.path.join(a.data, "val.u16"), a.out)
    meta["share"] = {"pretrainTokens": int(os.path.getsize(os.path.join(a.out, "pretrain.u16")) // 2),
                     "pretrainOf": int(len(ids)), "sftRows": int(len(keep)), "sftRowsOf": int(len(sft)), "phase": a.phase}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta["share"]))


if __name__ == "__main__":
    main()
