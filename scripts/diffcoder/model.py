"""A small Llama-style decoder, written to read top to bottom.

Same parameter names and maths as Hugging Face's LlamaForCausalLM (RMSNorm, rotary embeddings in the
rotate-half layout, SwiGLU MLP, grouped-query attention), so one ONNX graph builder (src/convert/)
serves both this model and the published Stable-DiffCoder checkpoints.

Differences from a plain causal LM, because this is a block-diffusion model:
- attention takes an explicit additive mask [B,1,T,P+T] (block-causal at inference, the
  noisy/clean layout in training) and explicit position ids;
- there is no logit shift inside the model: position i's logits are returned for position i;
  the training loss decides what each position predicts.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

# torch >= 2.0 has fused attention; Debian's 1.13 does not.
_SDPA = getattr(F, "scaled_dot_product_attention", None)

# Large finite negative for additive masks: -inf makes NaN rows in half precision.
MASK_NEG = -1e9


@dataclass
class Config:
    vocab_size: int = 16384
    hidden_size: int = 384
    num_hidden_layers: int = 8
    num_attention_heads: int = 6
    num_key_value_heads: int = 2
    intermediate_size: int = 1024
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5
    max_position_embeddings: int = 4096
    tie_word_embeddings: bool = False

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def to_hf(self, **extra) -> dict:
        """config.json in the Hugging Face Llama layout (what the converter reads)."""
        d = asdict(self)
        d.update(architectures=["LlamaForCausalLM"], model_type="llama", head_dim=self.head_dim,
                 hidden_act="silu", torch_dtype="float32")
        d.update(extra)
        return d

    @classmethod
    def from_hf(cls, d: dict) -> "Config":
        names = cls.__dataclass_fields__.keys()
        return cls(**{k: d[k] for k in names if k in d})

    @classmethod
    def load(cls, path: str) -> "Config":
        with open(path) as f:
            return cls.from_hf(json.load(f))


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


def rope_cos_sin(position_ids, head_dim: int, theta: float):
    """cos/sin [B,T,head_dim] for the rotate-half layout."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32, device=position_ids.device) / head_dim))
    freqs = position_ids.float()[..., None] * inv_freq  # [B,T,hd/2]
    emb = torch.cat([freqs, freqs], dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def apply_rope(x, cos, sin):
    # x [B,H,T,hd]; cos/sin [B,T,hd]
    return x * cos[:, None] + rotate_half(x) * sin[:, None]


class Attention(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        hd = c.head_dim
        self.q_proj = nn.Linear(c.hidden_size, c.num_attention_heads * hd, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * hd, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * hd, bias=False)
        self.o_proj = nn.Linear(c.num_attention_heads * hd, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, attn_bias, past=None):
        B, T, _ = x.shape
        c, hd = self.c, self.c.head_dim
        q = self.q_proj(x).view(B, T, c.num_attention_heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(B, T, c.num_key_value_heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(B, T, c.num_key_value_heads, hd).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        if past is not None:
            k = torch.cat([past[0].to(k.dtype), k], dim=2)
            v = torch.cat([past[1].to(v.dtype), v], dim=2)
        present = (k, v)
        # GQA: share each K/V head across a group of query heads (expand+reshape exports cleanly).
        rep = c.num_attention_heads // c.num_key_value_heads
        S = k.shape[2]
        k = k[:, :, None].expand(B, c.num_key_value_heads, rep, S, hd).reshape(B, -1, S, hd)
        v = v[:, :, None].expand(B, c.num_key_value_heads, rep, S, hd).reshape(B, -1, S, hd)
        if _SDPA is not None:
            # Fused attention where this torch has it (training on GPU); same maths as below.
            y = _SDPA(q, k, v, attn_mask=attn_bias.to(q.dtype))
        else:
            att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(hd))
            att = (att.float() + attn_bias).softmax(-1).to(v.dtype)
            y = att @ v
        y = y.transpose(1, 2).reshape(B, T, -1)
        return self.o_proj(y), present


class MLP(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = MLP(c)

    def forward(self, x, cos, sin, attn_bias, past=None):
        h, present = self.self_attn(self.input_layernorm(x), cos, sin, attn_bias, past)
        x = x + h
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, present


class Backbone(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)


class LlamaForDiffusion(nn.Module):
    """forward(input_ids [B,T], position_ids [B,T], attn_bias [B,1,T,P+T], past) -> (logits, present)."""

    def __init__(self, c: Config):
        super().__init__()
        self.config = c
        self.model = Backbone(c)
        self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        if c.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight
        self.apply(self._init)
        # Scaled init of residual projections (GPT-2) keeps early training stable.
        for name, p in self.named_parameters():
            if name.endswith("o_proj.weight") or name.endswith("down_proj.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * c.num_hidden_layers))

    @staticmethod
    def _init(m):
        # std 0.02 everywhere, embeddings included: N(0,1) embeddings make CPU backward crawl
        # through denormals.
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, input_ids, position_ids, attn_bias, past=None, hidden_only=False):
        c = self.config
        x = self.model.embed_tokens(input_ids)
        cos, sin = rope_cos_sin(position_ids, c.head_dim, c.rope_theta)
        cos, sin = cos.to(x.dtype), sin.to(x.dtype)
        presents = []
        for i, layer in enumerate(self.model.layers):
            x, present = layer(x, cos, sin, attn_bias, None if past is None else past[i])
            presents.append(present)
        x = self.model.norm(x)
        if hidden_only:
            return x, presents
        return self.lm_head(x), presents

    def num_params(self, non_embedding: bool = True) -> int:
        n = sum(p.numel() for p in self.parameters())
        if non_embedding:
            n -= self.model.embed_tokens.weight.numel()
            if not self.config.tie_word_embeddings:
                n -= self.lm_head.weight.numel()
        return n
