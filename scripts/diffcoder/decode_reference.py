"""Decode prompts (token ids) with the reference sampler (sampler.py) on a checkpoint's weights.

The TypeScript engine's parity test (test/engine/parity.test.ts) and `diffcoder bench` drive it: one
JSON request per stdin line, one JSON result per stdout line, so one Python start serves many prompts.

  request: {"prompt": [ids], "max_new_tokens": 32, "mode": "threshold"|"fixed", "threshold": 0.9,
            "steps_per_block": 4, "prompt_lookup": true, "temperature": 0, "seed": 0, "stop_ids": [ids]}
            (all but prompt optional; unset decoding fields come from diffcoder.json)
  result:  {"tokens": [ids], "forward_passes": n, "stopped_by": "eos"|"stop"|"repetition"|"budget", "ms": wall ms}

Special tokens come from the model package's diffcoder.json and tokenizer.json, as the engine reads
them: the mask and every special token but EOS are never emitted.

  python3 -m scripts.diffcoder.decode_reference --checkpoint build/ck/tiny --package build/pkg/tiny < req.jsonl

--device cuda --dtype bf16 runs the same sampler on a GPU (the baseline of scripts/bench-gpu.sh); --stats
adds a last line {"stats": {...}} with the device and its peak memory.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import torch

from .reference_outputs import load_checkpoint
from .sampler import DecodeOptions, ReferenceSampler


def special_ids(package: str) -> tuple[dict, list[int]]:
    with open(os.path.join(package, "diffcoder.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(package, "tokenizer.json")) as f:
        tok = json.load(f)
    st = manifest["specialTokens"]
    suppress = {t["id"] for t in tok.get("added_tokens", []) if t.get("special")}
    suppress |= {v for v in st.values() if isinstance(v, int)}
    suppress.discard(st["eos"])
    return manifest, sorted(suppress)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="config.json + *.safetensors")
    ap.add_argument("--package", required=True, help="model package folder (diffcoder.json, tokenizer.json)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu | cuda | auto (cuda when available)")
    ap.add_argument("--dtype", choices=["fp32", "bf16", "fp16"], default="fp32")
    ap.add_argument("--stats", action="store_true", help="print {\"stats\": ...} after the last request")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    device = ("cuda" if torch.cuda.is_available() else "cpu") if a.device == "auto" else a.device
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[a.dtype]
    manifest, suppress = special_ids(a.package)
    st = manifest["specialTokens"]
    t_load = time.perf_counter()
    model = load_checkpoint(a.checkpoint, device=device, dtype=dtype)
    load_s = time.perf_counter() - t_load
    d = manifest["decoding"]
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        opt = DecodeOptions(
            block_size=manifest["blockSize"],
            max_new_tokens=int(req.get("max_new_tokens", 32)),
            mode=req.get("mode", d["mode"]),
            threshold=float(req.get("threshold", d["threshold"])),
            steps_per_block=int(req.get("steps_per_block", d["stepsPerBlock"])),
            prompt_lookup=bool(req.get("prompt_lookup", d.get("promptLookup", True))),
            temperature=float(req.get("temperature", d["temperature"])),
            seed=int(req.get("seed", 0)),
        )
        sampler = ReferenceSampler(model, mask_id=st["mask"], eos_id=st["eos"], suppress_ids=suppress,
                                   stop_ids=set(req.get("stop_ids", [])), device=device)
        t0 = time.perf_counter()
        r = sampler.generate(list(req["prompt"]), opt)
        ms = (time.perf_counter() - t0) * 1000
        print(json.dumps({"tokens": r.tokens, "forward_passes": r.forward_passes, "stopped_by": r.stopped_by,
                          "ms": round(ms, 2)}), flush=True)
    if a.stats:
        stats = {"device": device, "dtype": a.dtype, "load_s": round(load_s, 2), "torch": torch.__version__}
        if device.startswith("cuda"):
            stats["gpu"] = torch.cuda.get_device_name()
            stats["max_memory_allocated_bytes"] = torch.cuda.max_memory_allocated()
        print(json.dumps({"stats": stats}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
