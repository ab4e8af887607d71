"""Train DiffCoder's bundled model with the Stable-DiffCoder recipe, on CPU or CUDA, resumable.

Stages (each continues from the previous stage's weights with --init):
  ar         autoregressive pretraining (next-token loss, causal mask): compresses knowledge cheaply.
  diffusion  block-diffusion continual pretraining, block size 4, no logit shift:
             - corruption warmup: the mask-rate cap u_max rises linearly from --u-init to 1 over
               --warmup-steps, and the ELBO weight w(t)=1/u is dropped (w=1) while it rises;
             - block-wise clipped schedule: each block gets u_blk = clip(t, 1/B, 1), and a block with no
               masked token gets one at random, so every block carries signal.
  sft        the same diffusion objective on packed SFT samples (FIM and instruction edits, each followed
             by 1-4 EOS); only answer tokens are masked and scored.
             --certainty adds certainty forcing (dParallel): the entropy of right predictions at masked
             positions, so threshold decoding commits more of a block per pass.
  ar-sft     the AR baseline's SFT (next-token loss on answer tokens), for the AR-vs-diffusion comparison.

Diffusion training runs each sequence as [noisy copy ; clean copy] in one pass (masks.noisy_clean):
every block is denoised against clean earlier blocks exactly as at inference, so one forward pass
trains all L/B blocks instead of one.

Data (scripts/data/): uint16 token streams; sft.loss.u8 marks answer tokens. A run folder holds
ckpt.pt (weights, optimizer, step, RNG, elapsed time) written every --ckpt-minutes and at the end, and
log.jsonl. --resume continues a run exactly where it stopped (another session, another machine).
`--export DIR` writes a Hugging Face style checkpoint folder for the converter (src/convert/).

  python3 scripts/train.py --stage ar --data build/data --run runs/ar --minutes 30
  python3 scripts/train.py --stage diffusion --init runs/ar --data build/data --run runs/cpt --minutes 30
  python3 scripts/train.py --stage sft --init runs/cpt --data build/data --run runs/sft --minutes 10 --export build/ckpt
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # two busy-waiting threads collapse on a shared CPU

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diffcoder import safetensors_io  # noqa: E402
from diffcoder.masks import causal, noisy_clean  # noqa: E402
from diffcoder.model import Config, LlamaForDiffusion  # noqa: E402

STAGES = ("ar", "diffusion", "sft", "ar-sft")
PRESETS = {
    # hidden, layers, heads, kv heads, mlp. "small" is the shipped model: trainable on a 2-core CPU in
    # hours and fast there at inference; "medium" is for GPU sessions (int8 package ~26 MB). README.
    "small": dict(hidden_size=256, num_hidden_layers=8, num_attention_heads=4, num_key_value_heads=2, intermediate_size=768),
    "medium": dict(hidden_size=384, num_hidden_layers=8, num_attention_heads=6, num_key_value_heads=2, intermediate_size=1024),
    "tiny": dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, intermediate_size=128),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--stage", choices=STAGES, required=True)
    p.add_argument("--data", required=True, help="folder with pretrain.u16, val.u16, sft.u16, sft.loss.u8, meta.json")
    p.add_argument("--run", required=True, help="run folder (checkpoints, log)")
    p.add_argument("--init", help="run folder or exported checkpoint whose weights start this stage")
    p.add_argument("--resume", action="store_true", help="continue the run in --run from its ckpt.pt")
    p.add_argument("--preset", choices=PRESETS, default="small")
    p.add_argument("--vocab-size", type=int, default=16384)
    p.add_argument("--seq-len", type=int, default=1024)
    p.add_argument("--batch", type=int, default=8, help="sequences per micro-batch")
    p.add_argument("--accum", type=int, default=1, help="micro-batches per optimizer step")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--min-lr-frac", type=float, default=0.1)
    p.add_argument("--lr-warmup", type=int, default=200, help="optimizer steps of linear LR warmup")
    p.add_argument("--decay-frac", type=float, default=0.2, help="last share of the budget with LR decaying (WSD)")
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--max-steps", type=int, default=10**9)
    p.add_argument("--minutes", type=float, default=float("inf"), help="time budget of this stage (resume-aware)")
    p.add_argument("--block-size", type=int, default=4)
    p.add_argument("--warmup-steps", type=int, default=1000, help="diffusion: steps of corruption warmup")
    p.add_argument("--u-init", type=float, default=1e-3, help="diffusion: initial mask-rate cap")
    p.add_argument("--certainty", type=float, default=0.0,
                   help="sft: weight of certainty forcing (entropy of right predictions at masked positions)")
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--ckpt-minutes", type=float, default=5.0)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--compile", action="store_true", help="torch.compile the model (CUDA, torch >= 2)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--export", help="write a converter-ready checkpoint folder here at the end")
    p.add_argument("--export-dtype", choices=["fp32", "bf16"], default="fp32")
    p.add_argument("--shard-mb", type=float, default=0, help="split exported weights into files of at most this size")
    p.add_argument("--tokenizer", default="media/models/diffcoder-small/tokenizer.json")
    return p.parse_args(argv)


# ----------------------------------------------------------------------------- data

class TokenStream:
    """Random windows from a uint16 token file (and its loss mask, for SFT).

    With `row`, windows start at multiples of it: SFT rows are packed so that every sample starts on a
    block boundary and none straddles a row (scripts/data/README.md), and a window must keep that.
    """

    def __init__(self, path: str, loss_path: str | None = None, row: int = 0):
        self.ids = np.memmap(path, dtype=np.uint16, mode="r")
        self.loss = np.memmap(loss_path, dtype=np.uint8, mode="r") if loss_path else None
        self.row = row
        if self.loss is not None and len(self.loss) != len(self.ids):
            raise ValueError(f"{loss_path} has {len(self.loss)} entries for {len(self.ids)} tokens")

    def __len__(self):
        return len(self.ids)

    def batch(self, gen: np.random.Generator, batch: int, length: int):
        if len(self.ids) <= length:
            raise ValueError(f"stream of {len(self.ids)} tokens is shorter than a window of {length}")
        if self.row:
            if length > self.row:
                raise ValueError(f"a window of {length} tokens is longer than the stream's rows of {self.row}")
            starts = gen.integers(0, len(self.ids) // self.row, size=batch) * self.row
        else:
            starts = gen.integers(0, len(self.ids) - length, size=batch)
        ids = np.stack([self.ids[s:s + length] for s in starts]).astype(np.int64)
        loss = None if self.loss is None else np.stack([self.loss[s:s + length] for s in starts]).astype(bool)
        return torch.from_numpy(ids), (None if loss is None else torch.from_numpy(loss))


# ----------------------------------------------------------------------------- objectives

def ar_loss(model, ids, answer=None):
    """Next-token cross-entropy (logit shift in the loss; the model itself has none)."""
    B, L = ids.shape
    pos = torch.arange(L, device=ids.device)[None].expand(B, L)
    hidden, _ = model(ids, pos, causal(L, ids.device), hidden_only=True)
    target = ids[:, 1:]
    keep = torch.ones_like(target, dtype=torch.bool) if answer is None else answer[:, 1:]
    h = hidden[:, :-1][keep]
    logits = model.lm_head(h).float()
    return F.cross_entropy(logits, target[keep]), int(keep.sum())


def corrupt(ids, maskable, mask_id: int, block: int, u_max: float, gen: torch.Generator):
    """Block-wise clipped masking. Returns (noisy ids, masked positions, per-token mask rate)."""
    B, L = ids.shape
    nb = L // block
    t = torch.rand(B, nb, generator=gen) * u_max  # t ~ U(0, u_max) per block
    u = t.clamp(min=1.0 / block, max=1.0)  # u_blk = clip(t, 1/B, 1)
    u_tok = u.repeat_interleave(block, dim=1)
    masked = (torch.rand(B, L, generator=gen) < u_tok) & maskable
    # A block with maskable tokens but none masked gets one, chosen uniformly among its maskable ones.
    mb = masked.view(B, nb, block)
    ab = maskable.view(B, nb, block)
    empty = (mb.sum(-1) == 0) & (ab.sum(-1) > 0)
    if empty.any():
        scores = torch.rand(B, nb, block, generator=gen) * ab  # only maskable positions can win
        pick = F.one_hot(scores.argmax(-1), block).bool() & empty[..., None]
        mb |= pick
    masked = mb.view(B, L)
    noisy = torch.where(masked, torch.full_like(ids, mask_id), ids)
    return noisy, masked, u_tok


def diffusion_loss(model, ids, mask_id, block, u_max, weighted, gen, answer=None, certainty=0.0):
    """Masked-token cross-entropy over [noisy blocks ; clean sequence] in one pass, no logit shift.

    Pretraining copies every block; SFT only the blocks that hold answer tokens (masks.noisy_clean).
    `certainty` > 0 adds certainty forcing (dParallel): the entropy of the predictions at masked positions
    whose most likely token is already the right one, times `certainty`. Threshold decoding commits a
    token once its probability passes the threshold, so a model sure of what it gets right commits more
    of a block per pass; predictions that are wrong are left to the cross-entropy alone.
    """
    B, L = ids.shape
    dev = ids.device
    maskable = torch.ones_like(ids, dtype=torch.bool) if answer is None else answer
    noisy, masked, u_tok = corrupt(ids.cpu(), maskable.cpu(), mask_id, block, u_max, gen)
    noisy, masked, u_tok = noisy.to(dev), masked.to(dev), u_tok.to(dev)
    # Which blocks get a noisy copy: those with maskable tokens, in order, padded to the row with most.
    has = maskable.view(B, L // block, block).any(-1)
    K = max(1, int(has.sum(-1).max()))
    sel = torch.sort((~has).int(), dim=1, stable=True).indices[:, :K]  # selected blocks first, in order
    valid = torch.gather(has, 1, sel).repeat_interleave(block, dim=1)
    at = (sel[..., None] * block + torch.arange(block, device=dev)).view(B, K * block)  # their positions
    x = torch.cat([torch.gather(noisy, 1, at), ids], dim=1)
    pos = torch.cat([at, torch.arange(L, device=dev).expand(B, L)], dim=1)
    hidden, _ = model(x, pos, noisy_clean(sel, L, block), hidden_only=True)
    scored = torch.gather(masked, 1, at) & valid  # a padding copy (a row with fewer blocks) scores nothing
    h = hidden[:, : K * block][scored]  # only masked positions go through the head: most of the saving
    logits = model.lm_head(h).float()
    target = torch.gather(ids, 1, at)[scored]
    ce = F.cross_entropy(logits, target, reduction="none")
    w = (1.0 / torch.gather(u_tok, 1, at)[scored]) if weighted else torch.ones_like(ce)
    denom = maskable.sum().clamp(min=1)
    loss = (w * ce).sum() / denom
    if certainty > 0:
        logp = logits.log_softmax(-1)
        entropy = -(logp.exp() * logp).sum(-1)
        right = (logits.argmax(-1) == target).float()
        loss = loss + certainty * (entropy * right).sum() / denom
    return loss, int(scored.sum())


# ----------------------------------------------------------------------------- checkpoints

def save_ckpt(path, model, opt, state):
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state}, tmp)
    os.replace(tmp, path)  # never leave a half-written checkpoint


def load_weights(model, src: str):
    """Weights from a run folder (ckpt.pt) or an exported checkpoint (model.safetensors)."""
    if os.path.exists(os.path.join(src, "ckpt.pt")):
        sd = torch.load(os.path.join(src, "ckpt.pt"), map_location="cpu")["model"]
    else:
        sd = {k: v.float() for k, v in safetensors_io.load_folder(src).items()}
    if "lm_head.weight" not in sd and model.config.tie_word_embeddings:
        sd["lm_head.weight"] = sd["model.embed_tokens.weight"]
    model.load_state_dict(sd)


def provenance_chain(init: str | None) -> list:
    """Summaries of the stages that produced --init's weights (a run folder or an exported checkpoint)."""
    if not init:
        return []
    for name in ("provenance.json", "diffcoder.json"):
        p = os.path.join(init, name)
        if os.path.exists(p):
            with open(p) as f:
                d = json.load(f)
            return list((d.get("provenance") or d).get("stages", []))
    return []


def export(model, cfg: Config, out: str, tokenizer: str, provenance: dict, dtype: str = "fp32", shard_mb: float = 0):
    """A checkpoint folder in the Hugging Face Llama layout plus our partial manifest.

    bf16 and shards make it small enough to copy off a GPU machine; the converter reads either.
    """
    os.makedirs(out, exist_ok=True)
    torch_dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[dtype]
    tensors = {k: v.detach().to(torch_dtype).cpu() for k, v in model.state_dict().items()}
    if cfg.tie_word_embeddings:
        tensors.pop("lm_head.weight", None)
    if shard_mb:
        safetensors_io.save_sharded(tensors, out, int(shard_mb * 2**20))
    else:
        safetensors_io.save(tensors, os.path.join(out, "model.safetensors"))
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg.to_hf(bos_token_id=0, eos_token_id=1, torch_dtype={"fp32": "float32", "bf16": "bfloat16"}[dtype]), f, indent=2)
    shutil.copy(tokenizer, os.path.join(out, "tokenizer.json"))
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "diffcoder", "package-defaults.json")) as f:
        partial = json.load(f)
    old = os.path.join(out, "diffcoder.json")
    if os.path.exists(old):  # keep evaluation numbers written by earlier runs into this folder
        with open(old) as f:
            partial["evaluation"] = json.load(f).get("evaluation", {})
    partial["provenance"] = provenance
    with open(os.path.join(out, "diffcoder.json"), "w") as f:
        json.dump(partial, f, indent=2)


# ----------------------------------------------------------------------------- training loop

def lr_at(a, step: int, progress: float) -> float:
    """Warmup, then constant, then linear decay over the last decay-frac of the budget (WSD).

    `progress` is the larger of step/max-steps and elapsed/minutes, so a time-budgeted run still
    finishes its decay whatever the hardware's throughput.
    """
    if step < a.lr_warmup:
        return a.lr * (step + 1) / a.lr_warmup
    start = 1.0 - a.decay_frac
    if progress <= start:
        return a.lr
    frac = min(1.0, (progress - start) / a.decay_frac)
    return a.lr * (1.0 - frac * (1.0 - a.min_lr_frac))


@torch.no_grad()
def val_loss(model, a, stream, mask_id, gen_np, ctx, batches=4):
    model.eval()
    total = 0.0
    g = torch.Generator().manual_seed(0)
    for _ in range(batches):
        ids, _ = stream.batch(gen_np, a.batch, a.seq_len + (1 if a.stage.startswith("ar") else 0))
        ids = ids.to(a.device)
        with ctx():
            if a.stage.startswith("ar"):
                loss, _ = ar_loss(model, ids)
            else:  # fixed mid-level corruption, unweighted: comparable across steps
                loss, _ = diffusion_loss(model, ids, mask_id, a.block_size, 1.0, False, g)
        total += float(loss)
    model.train()
    return total / batches


def main(argv=None):
    a = parse_args(argv)
    torch.manual_seed(a.seed)
    if a.device == "cpu":
        torch.set_num_threads(a.threads)
        torch.set_flush_denormal(True)
    else:
        torch.backends.cuda.matmul.allow_tf32 = True
    os.makedirs(a.run, exist_ok=True)
    meta_path = os.path.join(a.data, "meta.json")
    meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
    mask_id = int(meta.get("specialTokens", {}).get("mask", 3))

    cfg = Config(vocab_size=a.vocab_size, max_position_embeddings=max(4096, a.seq_len), **PRESETS[a.preset])
    model = LlamaForDiffusion(cfg)
    ckpt_path = os.path.join(a.run, "ckpt.pt")
    state = {"stage": a.stage, "step": 0, "elapsed": 0.0, "tokens": 0, "args": vars(a)}
    if a.resume:
        ck = torch.load(ckpt_path, map_location="cpu")
        model.load_state_dict(ck["model"])
        state = ck["state"]
        if state["stage"] != a.stage:
            raise SystemExit(f"{ckpt_path} is a {state['stage']} run, not {a.stage}")
    elif a.init:
        load_weights(model, a.init)
    if not a.resume:
        state["earlier_stages"] = provenance_chain(a.init)
    with open(os.path.join(a.run, "config.json"), "w") as f:  # lets evaluate.py rebuild the model
        json.dump(cfg.to_hf(), f, indent=2)
    model.to(a.device)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95), eps=1e-8, **({"fused": True} if a.device.startswith("cuda") else {}))
    if a.resume:
        opt.load_state_dict(ck["opt"])
    fwd = torch.compile(model) if a.compile else model

    sft = a.stage in ("sft", "ar-sft")
    row = int(meta.get("options", {}).get("rowTokens", 1024))
    train = TokenStream(os.path.join(a.data, "sft.u16"), os.path.join(a.data, "sft.loss.u8"), row) if sft \
        else TokenStream(os.path.join(a.data, "pretrain.u16"))
    val_path = os.path.join(a.data, "val.u16")
    val = TokenStream(val_path) if os.path.exists(val_path) else None
    gen_np = np.random.default_rng(a.seed + state["step"])  # resumed runs draw fresh windows
    gen_t = torch.Generator().manual_seed(a.seed + state["step"])
    dev_type = "cuda" if a.device.startswith("cuda") else "cpu"
    ctx = lambda: torch.autocast(dev_type, dtype=torch.bfloat16)  # noqa: E731
    log = open(os.path.join(a.run, "log.jsonl"), "a")
    print(f"[{a.stage}] {model.num_params() / 1e6:.1f}M non-embedding / {model.num_params(False) / 1e6:.1f}M params, "
          f"{len(train) / 1e6:.1f}M train tokens, device {a.device}, step {state['step']}", flush=True)

    budget = a.minutes * 60
    t0 = time.time() - state["elapsed"]
    last_ckpt = time.time()
    model.train()
    while True:
        elapsed = time.time() - t0
        step = state["step"]
        progress = max(step / a.max_steps, elapsed / budget if budget < float("inf") else 0.0)
        if step >= a.max_steps or elapsed >= budget:
            break
        lr = lr_at(a, step, progress)
        for g in opt.param_groups:
            g["lr"] = lr
        # Corruption warmup belongs to the AR -> diffusion switch; SFT starts at full corruption.
        in_warmup = a.stage == "diffusion" and step < a.warmup_steps
        u_max = a.u_init + (1 - a.u_init) * min(1.0, step / max(1, a.warmup_steps)) if in_warmup else 1.0
        total, scored = 0.0, 0
        for _ in range(a.accum):
            length = a.seq_len + (1 if a.stage == "ar" else 0)  # SFT rows are whole windows already
            ids, answer = train.batch(gen_np, a.batch, length)
            ids = ids.to(a.device, non_blocking=True)
            answer = None if answer is None else answer.to(a.device)
            with ctx():
                if a.stage.startswith("ar"):
                    loss, n = ar_loss(fwd, ids, answer)
                else:
                    loss, n = diffusion_loss(fwd, ids, mask_id, a.block_size, u_max, not in_warmup, gen_t, answer,
                                             a.certainty if a.stage == "sft" else 0.0)
            (loss / a.accum).backward()
            total += float(loss) / a.accum
            scored += n
        gnorm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), a.grad_clip))
        opt.step()
        opt.zero_grad(set_to_none=True)
        state["step"] += 1
        state["tokens"] += a.batch * a.accum * a.seq_len
        state["elapsed"] = time.time() - t0
        if state["step"] % 20 == 0 or state["step"] == 1:
            rec = {"step": state["step"], "loss": round(total, 4), "lr": lr, "gnorm": round(gnorm, 3),
                   "u_max": round(u_max, 4), "scored": scored, "tokens": state["tokens"],
                   "elapsed": round(state["elapsed"], 1),
                   "tok_per_s": round(state["tokens"] / max(1e-9, state["elapsed"]))}
            if val is not None and state["step"] % a.eval_every == 0:
                rec["val_loss"] = round(val_loss(model, a, val, mask_id, np.random.default_rng(0), ctx), 4)
            log.write(json.dumps(rec) + "\n")
            log.flush()
            print(json.dumps(rec), flush=True)
        if time.time() - last_ckpt > a.ckpt_minutes * 60:
            save_ckpt(ckpt_path, model, opt, state)
            last_ckpt = time.time()
    if val is not None:
        state["final_val_loss"] = round(val_loss(model, a, val, mask_id, np.random.default_rng(0), ctx, batches=8), 4)
    save_ckpt(ckpt_path, model, opt, state)
    summary = {"stage": a.stage, "steps": state["step"], "tokens": state["tokens"], "seconds": round(state["elapsed"], 1),
               "final_val_loss": state.get("final_val_loss"), "device": torch.cuda.get_device_name() if dev_type == "cuda" else "cpu"}
    if a.stage == "sft" and a.certainty:
        summary["certainty"] = a.certainty
    with open(os.path.join(a.run, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    prov = {"stages": state.get("earlier_stages", []) + [summary], "seq_len": a.seq_len, "block_size": a.block_size, "preset": a.preset}
    with open(os.path.join(a.run, "provenance.json"), "w") as f:
        json.dump(prov, f, indent=2)
    print(json.dumps(summary), flush=True)
    if a.export:
        export(model, cfg, a.export, a.tokenizer, prov, a.export_dtype, a.shard_mb)
    return summary


if __name__ == "__main__":
    main()
