"""Read and write the safetensors format (8-byte little-endian header length, JSON header, raw data).

Debian has no python3-safetensors; the format is small enough to handle here.
"""
from __future__ import annotations

import json
import os
import struct

import numpy as np
import torch

_TO_NAME = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int8: "I8",
            torch.uint8: "U8", torch.int32: "I32", torch.int64: "I64"}
_FROM_NAME = {v: k for k, v in _TO_NAME.items()}
# bf16 has no numpy type: move its bits as int16.
_NP_VIEW = {"BF16": np.int16, "F32": np.float32, "F16": np.float16, "I8": np.int8, "U8": np.uint8,
            "I32": np.int32, "I64": np.int64}


def save(tensors: dict[str, torch.Tensor], path: str, metadata: dict[str, str] | None = None) -> None:
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": _TO_NAME[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # align the data section
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for raw in chunks:
            f.write(raw)


def load(path: str) -> dict[str, torch.Tensor]:
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            start, end = info["data_offsets"]
            f.seek(base + start)
            arr = np.frombuffer(f.read(end - start), dtype=_NP_VIEW[info["dtype"]]).reshape(info["shape"])
            t = torch.from_numpy(arr.copy())
            out[name] = t.view(torch.bfloat16) if info["dtype"] == "BF16" else t
        return out


def save_sharded(tensors: dict[str, torch.Tensor], folder: str, max_bytes: int) -> list[str]:
    """Hugging Face sharded layout: model-0000i-of-0000n.safetensors + model.safetensors.index.json."""
    shards, cur, size = [], {}, 0
    for name in sorted(tensors):
        n = tensors[name].numel() * tensors[name].element_size()
        if cur and size + n > max_bytes:
            shards.append(cur)
            cur, size = {}, 0
        cur[name] = tensors[name]
        size += n
    shards.append(cur)
    files, weight_map = [], {}
    for i, shard in enumerate(shards):
        fname = f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"
        save(shard, os.path.join(folder, fname))
        files.append(fname)
        weight_map.update({k: fname for k in shard})
    total = sum(t.numel() * t.element_size() for t in tensors.values())
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    return files


def load_folder(folder: str) -> dict[str, torch.Tensor]:
    """All tensors of a checkpoint folder, single-file or sharded."""
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return load(single)
    with open(os.path.join(folder, "model.safetensors.index.json")) as f:
        files = sorted(set(json.load(f)["weight_map"].values()))
    out = {}
    for fname in files:
        out.update(load(os.path.join(folder, fname)))
    return out
