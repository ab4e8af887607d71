"""Held-out evaluation of a training checkpoint in PyTorch (CPU or CUDA).

Reads pre-tokenized tasks (build/eval/<set>.ids.jsonl: {"task_id","lang","prompt":[ids],"target":[ids]})
and decodes each with
  diffusion  the reference block-diffusion sampler (threshold or one-token-per-step fixed schedule);
  ar         greedy next-token decoding (for the AR stage and the AR baseline, which predict i+1 at i).
Scores exact match of the decoded text (trailing whitespace per line ignored) and generated tokens per
forward pass (every model call counts: the prompt's prefill gives AR its first token and carries the
first block's first denoising pass, as in the engine).
The shipped int8 package is evaluated through the product itself instead (`diffcoder eval`, then
scripts/data/score.py); this script exists for checkpoints that never become packages and for
comparing decoding modes and training stages on the same tasks.

  python3 scripts/evaluate.py --ckpt runs/sft --tasks build/eval/infill-single.ids.jsonl --decode threshold
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data.bytelevel_decode import ByteLevelDecoder  # noqa: E402
from diffcoder.masks import causal  # noqa: E402
from diffcoder.model import Config, LlamaForDiffusion  # noqa: E402
from diffcoder.sampler import DecodeOptions, ReferenceSampler  # noqa: E402
from train import PRESETS, load_weights  # noqa: E402

SPECIAL_IDS = range(10)  # ids 0..9 are the bundled tokenizer's special tokens
BOS, EOS, MASK = 0, 1, 3


def normalize(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def load_model(ckpt: str, preset: str, device: str) -> LlamaForDiffusion:
    cfg_path = os.path.join(ckpt, "config.json")
    cfg = Config.load(cfg_path) if os.path.exists(cfg_path) else Config(**PRESETS[preset])
    model = LlamaForDiffusion(cfg)
    load_weights(model, ckpt)
    return model.to(device).eval()


@torch.no_grad()
def ar_generate(model, prompt, max_new, stop_ids, device):
    """Greedy decoding with a KV cache; position i's logits predict token i+1."""
    ids = torch.tensor([prompt], device=device)
    P = len(prompt)
    pos = torch.arange(P, device=device)[None]
    logits, past = model(ids, pos, causal(P, device))
    out, passes = [], 1
    nxt = logits[0, -1]
    for step in range(max_new):
        nxt[list(SPECIAL_IDS)[2:] + [BOS]] = float("-inf")  # never bos/pad/mask/fim markers
        tok = int(nxt.argmax())
        if tok == EOS:
            return out, passes
        out.append(tok)
        if tok in stop_ids:
            return out, passes
        n = P + step
        bias = torch.zeros(1, 1, 1, n + 1, device=device)
        logits, past = model(torch.tensor([[tok]], device=device), torch.tensor([[n]], device=device), bias, past)
        passes += 1
        nxt = logits[0, -1]
    return out, passes


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", required=True, help="run folder (ckpt.pt) or exported checkpoint folder")
    p.add_argument("--tasks", required=True, nargs="+")
    p.add_argument("--tokenizer", default="media/models/diffcoder-small/tokenizer.json")
    p.add_argument("--mode", choices=["diffusion", "ar"], default="diffusion")
    p.add_argument("--decode", choices=["threshold", "fixed"], default="threshold")
    p.add_argument("--threshold", type=float, default=0.9)
    p.add_argument("--prompt-lookup", choices=["on", "off"], default="on",
                   help="threshold mode: commit what continues a stretch of the prompt (as the engine does)")
    p.add_argument("--block-size", type=int, default=4)
    p.add_argument("--max-new", type=int, default=128)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--preset", default="small")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--out", help="append a JSON summary line here")
    p.add_argument("--seconds", type=float, default=float("inf"),
                   help="time budget, shared evenly by the task sets: a set stops early and reports the tasks it did")
    a = p.parse_args(argv)
    if a.device == "cpu":
        torch.set_num_threads(2)
    decoder = ByteLevelDecoder(a.tokenizer)
    newline_ids = {i for i in decoder.id_to_token if i not in SPECIAL_IDS and "\n" in decoder.decode([i])}
    model = load_model(a.ckpt, a.preset, a.device)
    sampler = ReferenceSampler(model, mask_id=MASK, eos_id=EOS, suppress_ids=[i for i in SPECIAL_IDS if i != EOS],
                               device=a.device)
    results = []
    for path in a.tasks:
        tasks = [json.loads(line) for line in open(path)]
        if a.limit:
            tasks = tasks[: a.limit]
        single = "single" in os.path.basename(path)
        stop = newline_ids if single else set()
        sampler.stop_ids = stop
        hits, toks, passes, t0 = 0, 0, 0, time.time()
        by_lang: dict[str, list[int]] = {}
        done = 0
        for t in tasks:
            if time.time() - t0 > a.seconds / len(a.tasks):
                break
            done += 1
            why = None
            if a.mode == "ar":
                out, n = ar_generate(model, t["prompt"], a.max_new, stop, a.device)  # its prefill gives the first token
            else:
                opt = DecodeOptions(block_size=a.block_size, max_new_tokens=a.max_new, mode=a.decode,
                                    threshold=a.threshold, steps_per_block=a.block_size,
                                    prompt_lookup=a.prompt_lookup == "on")
                r = sampler.generate(t["prompt"], opt)
                out, n, why = r.tokens, r.forward_passes, r.stopped_by  # its prefill carries the first block's pass
            got = decoder.decode(out)
            if why == "repetition" and "\n" in got:
                got = got[: got.rindex("\n") + 1]  # as the engine does (src/engine/repetition.ts, endAtLineBreak)
            if single:
                got = got.split("\n")[0]
            ok = normalize(got) == normalize(decoder.decode(t["target"]))
            hits += ok
            toks += len(out)
            passes += n
            by_lang.setdefault(t.get("lang", "?"), []).append(ok)
        res = {"ckpt": a.ckpt, "tasks": os.path.basename(path), "n": done, "mode": a.mode,
               "decode": a.decode if a.mode == "diffusion" else "greedy",
               "threshold": a.threshold if a.mode == "diffusion" and a.decode == "threshold" else None,
               "prompt_lookup": a.mode == "diffusion" and a.decode == "threshold" and a.prompt_lookup == "on",
               "exact_match": round(100 * hits / max(1, done), 2),
               "tokens_per_forward": round(toks / max(1, passes), 3), "seconds": round(time.time() - t0, 1),
               "by_lang": {k: round(100 * sum(v) / len(v), 1) for k, v in sorted(by_lang.items())}}
        print(json.dumps(res), flush=True)
        results.append(res)
        if a.out:
            with open(a.out, "a") as f:
                f.write(json.dumps(res) + "\n")
    return results


if __name__ == "__main__":
    main()
