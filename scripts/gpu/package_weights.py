"""Turns a model package's model.onnx back into a trainable checkpoint folder (Hugging Face Llama names),
so that a GPU session continues training the shipped model instead of starting over: the bundled
package is the only copy of its weights that outlives a session (checkpoints stay out of git).

int8 weights come back as q * scale (one scale per output channel, as src/convert/quantize/int8.ts wrote
them): within half a quantisation step of the trained weights, which further training absorbs. fp16 and
fp32 come back exactly; int4 packages are refused (convert from the checkpoint instead). The stage list
of the package's provenance goes into provenance.json, so the next run's provenance continues it.

    python3 scripts/gpu/package_weights.py media/models/diffcoder-small OUT_DIR [--dtype bf16]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from diffcoder import safetensors_io  # noqa: E402
from diffcoder.model import Config  # noqa: E402


def read_initializers(path: str) -> dict[str, np.ndarray]:
    m = onnx.load(path, load_external_data=True)
    return {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}


def matrix(init: dict[str, np.ndarray], name: str) -> np.ndarray:
    """The graph stores x @ W with W [K, N]; returns the HF weight [N, K] in float32."""
    if f"{name}.weight_int8" in init:
        w = init[f"{name}.weight_int8"].astype(np.float32) * init[f"{name}.weight_scale"][None, :]
    elif f"{name}.weight_fp16" in init:
        w = init[f"{name}.weight_fp16"].astype(np.float32)
    elif f"{name}.weight" in init:
        w = init[f"{name}.weight"].astype(np.float32)
    elif f"{name}.weight_q4" in init:
        raise SystemExit(f"{name} is int4: an int4 package cannot give back weights fit to train on; "
                         "convert the checkpoint it came from instead")
    else:
        raise SystemExit(f"model.onnx has no weights for {name}: not a graph written by `diffcoder convert`")
    return np.ascontiguousarray(w.T)


def embedding(init: dict[str, np.ndarray]) -> np.ndarray:
    if "embed_tokens.weight_int8" in init:
        return init["embed_tokens.weight_int8"].astype(np.float32) * init["embed_tokens.weight_scale"][:, None]
    for name in ("embed_tokens.weight_fp16", "embed_tokens.weight"):
        if name in init:
            return init[name].astype(np.float32)
    raise SystemExit("model.onnx has no supported embedding table (int8, fp16 or fp32)")


def package_weights(package: str) -> tuple[dict[str, np.ndarray], Config, dict]:
    manifest = json.load(open(os.path.join(package, "diffcoder.json")))
    a = manifest["architecture"]
    cfg = Config(vocab_size=a["vocabSize"], hidden_size=a["hiddenSize"], num_hidden_layers=a["numLayers"],
                 num_attention_heads=a["numHeads"], num_key_value_heads=a["numKvHeads"],
                 intermediate_size=a["intermediateSize"], rope_theta=a["ropeTheta"], rms_norm_eps=a["rmsNormEps"],
                 max_position_embeddings=a["maxPositions"], tie_word_embeddings=a.get("tieEmbeddings", False))
    if cfg.head_dim != a["headDim"]:
        raise SystemExit(f"head dim {a['headDim']} is not hidden/heads; the training model cannot hold it")
    init = read_initializers(os.path.join(package, "model.onnx"))
    q, kv, inter = cfg.num_attention_heads * cfg.head_dim, cfg.num_key_value_heads * cfg.head_dim, cfg.intermediate_size
    out = {"model.embed_tokens.weight": embedding(init), "model.norm.weight": init["norm.weight"].astype(np.float32)}
    for i in range(cfg.num_hidden_layers):
        L, H = f"layers.{i}", f"model.layers.{i}"
        out[f"{H}.input_layernorm.weight"] = init[f"{L}.input_layernorm.weight"].astype(np.float32)
        out[f"{H}.post_attention_layernorm.weight"] = init[f"{L}.post_attention_layernorm.weight"].astype(np.float32)
        if any(k.startswith(f"{L}.attn.qkv_proj.") for k in init):
            qkv = matrix(init, f"{L}.attn.qkv_proj")
            out[f"{H}.self_attn.q_proj.weight"], out[f"{H}.self_attn.k_proj.weight"], out[f"{H}.self_attn.v_proj.weight"] = \
                qkv[:q], qkv[q:q + kv], qkv[q + kv:]
        else:
            for p in ("q", "k", "v"):
                out[f"{H}.self_attn.{p}_proj.weight"] = matrix(init, f"{L}.attn.{p}_proj")
        out[f"{H}.self_attn.o_proj.weight"] = matrix(init, f"{L}.attn.o_proj")
        if any(k.startswith(f"{L}.mlp.gate_up_proj.") for k in init):
            gu = matrix(init, f"{L}.mlp.gate_up_proj")
            out[f"{H}.mlp.gate_proj.weight"], out[f"{H}.mlp.up_proj.weight"] = gu[:inter], gu[inter:]
        else:
            for p in ("gate", "up"):
                out[f"{H}.mlp.{p}_proj.weight"] = matrix(init, f"{L}.mlp.{p}_proj")
        out[f"{H}.mlp.down_proj.weight"] = matrix(init, f"{L}.mlp.down_proj")
    if not cfg.tie_word_embeddings:
        out["lm_head.weight"] = matrix(init, "lm_head")
    return out, cfg, manifest


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("package")
    p.add_argument("out")
    p.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    a = p.parse_args(argv)
    weights, cfg, manifest = package_weights(a.package)
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[a.dtype]
    os.makedirs(a.out, exist_ok=True)
    safetensors_io.save({k: torch.from_numpy(v).to(dtype) for k, v in weights.items()}, os.path.join(a.out, "model.safetensors"))
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(cfg.to_hf(bos_token_id=0, eos_token_id=1, torch_dtype={"fp32": "float32", "bf16": "bfloat16"}[a.dtype]), f, indent=2)
    shutil.copy(os.path.join(a.package, "tokenizer.json"), os.path.join(a.out, "tokenizer.json"))
    prov = manifest.get("provenance") or {}
    with open(os.path.join(a.out, "provenance.json"), "w") as f:
        json.dump({"stages": prov.get("stages", []), "from_package": f"{manifest['name']} {manifest['version']} "
                   f"({manifest['weights']['dtype']})"}, f, indent=2)
    print(f"{a.out}: {len(weights)} tensors from {a.package} ({manifest['weights']['dtype']}), {a.dtype}")


if __name__ == "__main__":
    main()
