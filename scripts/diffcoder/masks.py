"""Additive attention masks (0 = visible, MASK_NEG = hidden) for block diffusion."""
from __future__ import annotations

import functools

import torch

from .model import MASK_NEG


def block_causal(q_pos: torch.Tensor, k_pos: torch.Tensor, block_size: int) -> torch.Tensor:
    """[1,1,Tq,Tk]: a query sees every key in its own block or an earlier one (absolute positions)."""
    visible = (k_pos[None, :] // block_size) <= (q_pos[:, None] // block_size)
    return torch.where(visible, 0.0, MASK_NEG)[None, None].float()


@functools.lru_cache(maxsize=8)
def causal(T: int, device=None) -> torch.Tensor:
    """[1,1,T,T] lower-triangular mask for the autoregressive stage."""
    visible = torch.ones(T, T, dtype=torch.bool, device=device).tril()
    return torch.where(visible, 0.0, MASK_NEG)[None, None].float()


@functools.lru_cache(maxsize=8)
def noisy_clean(L: int, block_size: int, device=None) -> torch.Tensor:
    """[1,1,2L,2L] mask for training on [noisy copy ; clean copy] of one sequence in one pass.

    A noisy token sees its own noisy block (bidirectionally) and the clean copies of earlier blocks,
    which is exactly what a block sees at inference: finished blocks in the KV cache, itself masked.
    A clean token sees clean tokens block-causally, as the cache was built. Every block is thus a
    denoising example in one forward pass.
    """
    blk = torch.arange(L, device=device) // block_size
    same = blk[:, None] == blk[None, :]
    earlier = blk[None, :] < blk[:, None]
    upto = blk[None, :] <= blk[:, None]
    top = torch.cat([same, earlier], dim=1)  # noisy queries: [noisy keys | clean keys]
    bottom = torch.cat([torch.zeros(L, L, dtype=torch.bool, device=device), upto], dim=1)
    visible = torch.cat([top, bottom], dim=0)
    return torch.where(visible, 0.0, MASK_NEG)[None, None].float()
