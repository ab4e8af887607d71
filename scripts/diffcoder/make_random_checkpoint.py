"""Write a random Llama checkpoint folder laid out exactly like the published Stable-DiffCoder-8B ones.

Tensors (HF Llama names, [out, in] projections, untied head unless --tie):
  model.embed_tokens.weight, model.layers.N.self_attn.{q,k,v,o}_proj.weight,
  model.layers.N.mlp.{gate,up,down}_proj.weight, model.layers.N.{input,post_attention}_layernorm.weight,
  model.norm.weight, lm_head.weight
plus config.json, tokenizer.json (+ tokenizer_config.json), and for --flavor diffcoder a diffcoder.json
partial manifest (package-defaults.json plus provenance), i.e. what our own training writes.

Tensors are generated and written one at a time (a header first, then each tensor), so a checkpoint of
several GB needs memory for one tensor only. Each tensor's values depend only on (seed, name), so
sharding or dtype changes do not change the model.

--spiky: embeddings and head with a large std and projections scaled 1/sqrt(fan_in), so logits are
spread out (no near-ties in greedy decoding) and depend on the context (attention and KV bugs show).

Examples:
  python3 -m scripts.diffcoder.make_random_checkpoint --out build/ck/tiny --hidden 64 --layers 2 --heads 4 --kv-heads 2 --intermediate 128 --spiky
  python3 -m scripts.diffcoder.make_random_checkpoint --out build/ck/sdc-big --preset stable-diffcoder-8b --layers 2 --dtype bf16 --shards 3 --flavor stable-diffcoder
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REAL_TOKENIZER = os.path.join(REPO, "media", "models", "diffcoder-small", "tokenizer.json")
PACKAGE_DEFAULTS = os.path.join(HERE, "package-defaults.json")

PRESETS = {
    # Stable-DiffCoder-8B (Base/Instruct) config.json numbers.
    "stable-diffcoder-8b": dict(hidden=4096, layers=32, heads=32, kv_heads=8, intermediate=14336, vocab=155136,
                                rope_theta=500000.0, rms_eps=1e-6, max_positions=8192),
}

# Seed-Coder's special tokens (tokenizer_config.json of the 8B checkpoints); FIM ids here are arbitrary.
SDC_SPECIALS = ["<[begin▁of▁sentence]>", "<[PAD▁TOKEN]>", "<[end▁of▁sentence]>", "<[SEP▁TOKEN]>", "<[UNK▁TOKEN]>",
                "<[MASK_TOKEN]>", "<[fim-suffix]>", "<[fim-prefix]>", "<[fim-middle]>"]
# A stand-in chat template in the Seed-Coder-Instruct style, written like real Hugging Face templates
# (the real one comes with the real checkpoint): an optional system turn (a default one otherwise),
# bos_token/eos_token around each turn, a raise_exception for roles out of order, a trimmed content, and
# the assistant header when add_generation_prompt is set. Rendered it reads
#   <bos>system\n{system}\n\n<eos><bos>user\n{content}<eos><bos>assistant\n
SDC_CHAT_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' -%}\n"
    "    {%- set system_message = messages[0]['content'] -%}\n"
    "    {%- set loop_messages = messages[1:] -%}\n"
    "{%- else -%}\n"
    "    {%- set system_message = 'You are a programming assistant. Answer questions about code.' -%}\n"
    "    {%- set loop_messages = messages -%}\n"
    "{%- endif -%}\n"
    "{{ bos_token + 'system\\n' + system_message + '\\n\\n' + eos_token }}\n"
    "{%- for message in loop_messages -%}\n"
    "    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}\n"
    "        {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}\n"
    "    {%- endif -%}\n"
    "    {{ bos_token + message['role'] + '\\n' + message['content'] | trim + eos_token }}\n"
    "{%- endfor -%}\n"
    "{%- if add_generation_prompt -%}\n"
    "    {{ bos_token + 'assistant\\n' }}\n"
    "{%- endif -%}\n"
)

_DTYPES = {"f32": (torch.float32, "F32"), "bf16": (torch.bfloat16, "BF16"), "f16": (torch.float16, "F16")}


def tensor_shapes(c: dict) -> list[tuple[str, list[int]]]:
    H, hd = c["hidden_size"], c["head_dim"]
    nq, nkv, inter = c["num_attention_heads"] * hd, c["num_key_value_heads"] * hd, c["intermediate_size"]
    out = [("model.embed_tokens.weight", [c["vocab_size"], H])]
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}"
        out += [(f"{p}.input_layernorm.weight", [H]),
                (f"{p}.self_attn.q_proj.weight", [nq, H]), (f"{p}.self_attn.k_proj.weight", [nkv, H]),
                (f"{p}.self_attn.v_proj.weight", [nkv, H]), (f"{p}.self_attn.o_proj.weight", [H, nq]),
                (f"{p}.post_attention_layernorm.weight", [H]),
                (f"{p}.mlp.gate_proj.weight", [inter, H]), (f"{p}.mlp.up_proj.weight", [inter, H]),
                (f"{p}.mlp.down_proj.weight", [H, inter])]
    out.append(("model.norm.weight", [H]))
    if not c["tie_word_embeddings"]:
        out.append(("lm_head.weight", [c["vocab_size"], H]))
    return out


def make_tensor(name: str, shape: list[int], c: dict, seed: int, spiky: bool) -> torch.Tensor:
    g = torch.Generator().manual_seed((seed * 1_000_003 + int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)) % (2**63))
    if name.endswith("layernorm.weight") or name == "model.norm.weight":
        if spiky:
            return 1.0 + 0.2 * torch.randn(shape, generator=g)
        return torch.ones(shape)
    if spiky:
        if name == "model.embed_tokens.weight":
            std = 1.0
        elif name == "lm_head.weight":
            std = 2.0 / math.sqrt(shape[1])  # logits std ~2 over unit-RMS hidden states
        else:
            std = 1.0 / math.sqrt(shape[1])
    else:
        # model.py's init: std 0.02, residual projections scaled down.
        std = 0.02
        if name.endswith("o_proj.weight") or name.endswith("down_proj.weight"):
            std = 0.02 / math.sqrt(2 * c["num_hidden_layers"])
    return torch.randn(shape, generator=g) * std


def write_checkpoint_weights(out: str, c: dict, dtype: str, shards: int, seed: int, spiky: bool) -> None:
    tdtype, tname = _DTYPES[dtype]
    elem = torch.tensor([], dtype=tdtype).element_size()
    shapes = tensor_shapes(c)
    sizes = [math.prod(s) * elem for _, s in shapes]
    # Split into contiguous shards of roughly equal bytes (HF-style names).
    shards = max(1, min(shards, len(shapes)))
    target = sum(sizes) / shards
    groups, cur, acc = [], [], 0
    for item, sz in zip(shapes, sizes):
        if cur and acc + sz > target * (len(groups) + 1) and len(groups) < shards - 1:
            groups.append(cur)
            cur = []
        cur.append(item)
        acc += sz
    groups.append(cur)
    weight_map = {}
    for gi, group in enumerate(groups):
        fname = "model.safetensors" if len(groups) == 1 else f"model-{gi + 1:05d}-of-{len(groups):05d}.safetensors"
        header, off = {}, 0
        for name, shape in group:
            n = math.prod(shape) * elem
            header[name] = {"dtype": tname, "shape": shape, "data_offsets": [off, off + n]}
            off += n
            weight_map[name] = fname
        header["__metadata__"] = {"format": "pt"}
        h = json.dumps(header, separators=(",", ":")).encode()
        h += b" " * (-len(h) % 8)
        with open(os.path.join(out, fname), "wb") as f:
            f.write(struct.pack("<Q", len(h)))
            f.write(h)
            for name, shape in group:
                t = make_tensor(name, shape, c, seed, spiky).to(tdtype).contiguous()
                raw = t.view(torch.int16) if tdtype == torch.bfloat16 else t
                f.write(raw.numpy().tobytes())
                del t, raw
    if len(groups) > 1:
        total = sum(sizes)
        with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte -> printable character map used by byte-level BPE."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(ch) for b, ch in zip(bs, cs)}


def throwaway_tokenizer(specials: list[str], vocab_size: int) -> dict:
    """A byte-level tokenizer.json (no merges) with `specials` at ids 0.., padded to vocab_size.

    Only for tests until the real tokenizer exists: it encodes any text, one token per byte.
    """
    vocab = {}
    for s in specials:
        vocab[s] = len(vocab)
    for ch in bytes_to_unicode().values():
        vocab[ch] = len(vocab)
    if vocab_size < len(vocab):
        raise SystemExit(f"vocab {vocab_size} is smaller than {len(vocab)} (specials + 256 bytes)")
    while len(vocab) < vocab_size:
        vocab[f"<|unused_{len(vocab)}|>"] = len(vocab)
    bl = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, s in enumerate(specials)],
        "normalizer": None, "pre_tokenizer": bl, "post_processor": None, "decoder": bl,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": []},
    }


def diffcoder_tokenizer(vocab: int | None) -> tuple[dict | str, int]:
    """(tokenizer.json content or path to copy, its vocab size) for our model."""
    if os.path.exists(REAL_TOKENIZER):
        with open(REAL_TOKENIZER) as f:
            tok = json.load(f)
        size = max([*tok["model"]["vocab"].values(), *[t["id"] for t in tok.get("added_tokens", [])]]) + 1
        return REAL_TOKENIZER, size
    with open(PACKAGE_DEFAULTS) as f:
        specials = list(json.load(f)["specialTokens"].values())
    size = vocab or 16384
    return throwaway_tokenizer(specials, size), size


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--preset", choices=sorted(PRESETS))
    ap.add_argument("--flavor", choices=["diffcoder", "stable-diffcoder"], default="diffcoder",
                    help="diffcoder: our tokenizer + diffcoder.json partial; stable-diffcoder: Seed-Coder special tokens, chat template, no partial")
    ap.add_argument("--hidden", type=int)
    ap.add_argument("--layers", type=int)
    ap.add_argument("--heads", type=int)
    ap.add_argument("--kv-heads", type=int)
    ap.add_argument("--head-dim", type=int)
    ap.add_argument("--intermediate", type=int)
    ap.add_argument("--vocab", type=int, help="default: the tokenizer's size (diffcoder) or 512 (stable-diffcoder)")
    ap.add_argument("--rope-theta", type=float)
    ap.add_argument("--rms-eps", type=float)
    ap.add_argument("--max-positions", type=int)
    ap.add_argument("--tie", action="store_true", help="tie the output layer to the embeddings (no lm_head.weight)")
    ap.add_argument("--dtype", choices=sorted(_DTYPES), default="f32")
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--spiky", action="store_true")
    a = ap.parse_args(argv)

    p = dict(hidden=384, layers=8, heads=6, kv_heads=2, intermediate=1024, vocab=None, rope_theta=10000.0,
             rms_eps=1e-5, max_positions=4096)
    if a.preset:
        p.update(PRESETS[a.preset])
    for k in ["hidden", "layers", "heads", "kv_heads", "intermediate", "vocab", "rope_theta", "rms_eps", "max_positions"]:
        if getattr(a, k) is not None:
            p[k] = getattr(a, k)

    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        if f.endswith(".safetensors") or f.endswith(".json"):
            os.remove(os.path.join(a.out, f))

    if a.flavor == "diffcoder":
        tok, size = diffcoder_tokenizer(p["vocab"])
        vocab = p["vocab"] or size
    else:
        vocab = p["vocab"] or 512
        tok, size = throwaway_tokenizer(SDC_SPECIALS, vocab), vocab
    if size > vocab:
        raise SystemExit(f"tokenizer has {size} ids but --vocab is {vocab}")

    c = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
        "vocab_size": vocab, "hidden_size": p["hidden"], "num_hidden_layers": p["layers"],
        "num_attention_heads": p["heads"], "num_key_value_heads": p["kv_heads"],
        "head_dim": a.head_dim or p["hidden"] // p["heads"], "intermediate_size": p["intermediate"],
        "rope_theta": p["rope_theta"], "rms_norm_eps": p["rms_eps"], "max_position_embeddings": p["max_positions"],
        "tie_word_embeddings": bool(a.tie), "attention_bias": False, "mlp_bias": False, "rope_scaling": None,
        "torch_dtype": {"f32": "float32", "bf16": "bfloat16", "f16": "float16"}[a.dtype],
    }
    if a.flavor == "stable-diffcoder":
        c.update(bos_token_id=0, eos_token_id=2, pad_token_id=1)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(c, f, indent=2)

    write_checkpoint_weights(a.out, c, a.dtype, a.shards, a.seed, a.spiky)

    tok_path = os.path.join(a.out, "tokenizer.json")
    if isinstance(tok, str):
        shutil.copyfile(tok, tok_path)
    else:
        with open(tok_path, "w") as f:
            json.dump(tok, f, ensure_ascii=False)

    if a.flavor == "stable-diffcoder":
        cfg = {"bos_token": SDC_SPECIALS[0], "eos_token": SDC_SPECIALS[2], "pad_token": SDC_SPECIALS[1],
               "sep_token": SDC_SPECIALS[3], "add_bos_token": True, "chat_template": SDC_CHAT_TEMPLATE,
               "added_tokens_decoder": {str(i): {"content": s, "special": True} for i, s in enumerate(SDC_SPECIALS)}}
        with open(os.path.join(a.out, "tokenizer_config.json"), "w") as f:
            json.dump(cfg, f, indent=2, ensure_ascii=False)
    else:
        with open(PACKAGE_DEFAULTS) as f:
            partial = json.load(f)
        partial["provenance"] = {"kind": "random weights (make_random_checkpoint.py)", "seed": a.seed, "spiky": a.spiky,
                                 "tokenizer": "media/models/diffcoder-small" if isinstance(tok, str) else "throwaway byte-level"}
        with open(os.path.join(a.out, "diffcoder.json"), "w") as f:
            json.dump(partial, f, indent=2)
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
