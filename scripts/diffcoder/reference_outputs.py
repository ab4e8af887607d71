"""PyTorch reference outputs for a checkpoint folder, for the converter's parity tests.

Given a checkpoint (config.json + safetensors, sharded or not) and a JSON request
  {"prefix_ids": [...], "prefix_positions": [...]?, "ids": [...], "positions": [...]?, "block_size": 4,
   "mask": [[...]]?, "prefix_mask": [[...]]?, "past_dir": "..."?}
runs model.py's LlamaForDiffusion in float32:
  1. the prefix alone with a block-causal mask (or "prefix_mask") -> past K/V; or the past tensors of an
     earlier output folder ("past_dir"); or no past;
  2. the query ids against that past with the block-causal mask over (prefix ++ query) positions, or "mask"
     ([T][P+T]: additive values, or 0/1 = hidden/visible when every entry is 0 or 1);
and writes every tensor involved as raw little-endian files plus meta.json:
  {"tensors": {name: {"dtype": "float32"|"int64", "shape": [...], "file": "name.bin"}}}
names: input_ids, position_ids, attention_mask, past_key_values.{i}.key|value, logits, present.{i}.key|value.

  python3 -m scripts.diffcoder.reference_outputs --checkpoint build/ck/tiny --request req.json --out build/ref/tiny
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

from .masks import block_causal
from .model import MASK_NEG, Config, LlamaForDiffusion
from . import safetensors_io


def load_checkpoint(path: str, device: str = "cpu", dtype: torch.dtype = torch.float32) -> LlamaForDiffusion:
    with open(os.path.join(path, "config.json")) as f:
        hf = json.load(f)
    c = Config.from_hf(hf)
    if hf.get("head_dim", c.head_dim) != c.head_dim:
        raise SystemExit("model.py derives head_dim = hidden_size / num_attention_heads; this checkpoint differs")
    if device != "cpu" or dtype != torch.float32:
        return _load_on(path, c, device, dtype)
    model = LlamaForDiffusion(c)
    state = {}
    for f in sorted(os.listdir(path)):
        if f.endswith(".safetensors"):
            state.update(safetensors_io.load(os.path.join(path, f)))
    state = {k: v.float() for k, v in state.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not (c.tie_word_embeddings and m == "lm_head.weight")]
    if missing or unexpected:
        raise SystemExit(f"checkpoint mismatch: missing {missing}, unexpected {unexpected}")
    return model.float().eval()


def _load_on(path: str, c: Config, device: str, dtype: torch.dtype) -> LlamaForDiffusion:
    """An 8B-sized model straight onto a device in bf16/fp16: built without weights (meta device, no
    random init of billions of values), then filled shard by shard (one shard in host memory at a time)."""
    if hasattr(torch.device, "__enter__"):  # torch >= 2.0
        with torch.device("meta"):
            model = LlamaForDiffusion(c)
        model = model.to_empty(device=device).to(dtype)
    else:  # older torch: random init on the CPU first (slow for big models; fine for small ones)
        model = LlamaForDiffusion(c).to(device=device, dtype=dtype)
    params = dict(model.named_parameters())
    seen = set()
    for f in sorted(os.listdir(path)):
        if not f.endswith(".safetensors"):
            continue
        for k, v in safetensors_io.load(os.path.join(path, f)).items():
            if k not in params:
                raise SystemExit(f"checkpoint mismatch: unexpected {k}")
            with torch.no_grad():
                params[k].copy_(v.to(device=device, dtype=dtype))
            seen.add(k)
    if c.tie_word_embeddings:
        model.lm_head.weight = model.model.embed_tokens.weight
        seen.add("lm_head.weight")
    missing = sorted(set(params) - seen)
    if missing:
        raise SystemExit(f"checkpoint mismatch: missing {missing}")
    return model.eval()


def explicit_mask(rows: list) -> torch.Tensor:
    """[T][S] -> [1,1,T,S] additive; a 0/1 matrix means hidden/visible."""
    m = torch.tensor(rows, dtype=torch.float32)
    if bool(((m == 0) | (m == 1)).all()):
        m = torch.where(m == 1, 0.0, MASK_NEG)
    return m[None, None]


def read_past(folder: str, layers: int) -> list:
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)["tensors"]

    def load(name):
        t = meta[name]
        return torch.from_numpy(np.fromfile(os.path.join(folder, t["file"]), dtype="<f4").reshape(t["shape"]))
    return [(load(f"past_key_values.{i}.key"), load(f"past_key_values.{i}.value")) for i in range(layers)]


def run(model: LlamaForDiffusion, req: dict) -> dict[str, torch.Tensor]:
    bs = int(req.get("block_size", 4))
    pre = list(req.get("prefix_ids", []))
    pre_pos = list(req.get("prefix_positions", range(len(pre))))
    c = model.config
    out: dict[str, torch.Tensor] = {}
    with torch.no_grad():
        if req.get("past_dir"):
            past = read_past(req["past_dir"], c.num_hidden_layers)
            pre_pos = list(req.get("prefix_positions", range(past[0][0].shape[2])))
        elif pre:
            pp = torch.tensor(pre_pos)
            pmask = explicit_mask(req["prefix_mask"]) if "prefix_mask" in req else block_causal(pp, pp, bs)
            _, past = model(torch.tensor([pre]), pp[None], pmask)
        else:
            empty = torch.zeros(1, c.num_key_value_heads, 0, c.head_dim)
            past = [(empty, empty) for _ in range(c.num_hidden_layers)]
        ids = list(req["ids"])
        pos = list(req.get("positions", range(len(pre_pos), len(pre_pos) + len(ids))))
        q = torch.tensor(pos)
        if "mask" in req:
            mask = explicit_mask(req["mask"])
        else:
            mask = block_causal(q, torch.cat([torch.tensor(pre_pos, dtype=torch.long), q]), bs)
        logits, presents = model(torch.tensor([ids]), q[None], mask, past)
    out["input_ids"] = torch.tensor([ids])
    out["position_ids"] = q[None]
    out["attention_mask"] = mask
    for i, (k, v) in enumerate(past):
        out[f"past_key_values.{i}.key"], out[f"past_key_values.{i}.value"] = k, v
    out["logits"] = logits
    for i, (k, v) in enumerate(presents):
        out[f"present.{i}.key"], out[f"present.{i}.value"] = k, v
    return out


def write(out_dir: str, tensors: dict[str, torch.Tensor]) -> None:
    os.makedirs(out_dir, exist_ok=True)
    meta = {}
    for name, t in tensors.items():
        arr = t.detach().cpu().numpy()
        arr = arr.astype("<i8") if arr.dtype.kind in "iu" else arr.astype("<f4")
        fname = name + ".bin"
        arr.tofile(os.path.join(out_dir, fname))
        meta[name] = {"dtype": "int64" if arr.dtype.kind == "i" else "float32", "shape": list(arr.shape), "file": fname}
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump({"tensors": meta}, f, indent=1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--request", required=True, help="JSON file (or inline JSON)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)
    req = json.loads(a.request) if a.request.lstrip().startswith("{") else json.load(open(a.request))
    write(a.out, run(load_checkpoint(a.checkpoint), req))
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
