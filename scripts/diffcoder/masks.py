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


def noisy_clean(noisy_blocks: torch.Tensor, L: int, block_size: int) -> torch.Tensor:
    """[R,1,N+L,N+L] mask for training on [noisy copies of some blocks ; the clean sequence] in one pass.

    `noisy_blocks` [R,K] holds, per row, the indices of the blocks that get a noisy copy (N = K*block);
    all blocks in pretraining, only those holding answer tokens in SFT (prompt-only blocks have nothing
    to denoise, so copying them would only cost time). A noisy token sees its own noisy block
    (bidirectionally) and the clean copies of earlier blocks, exactly what a block sees at inference:
    finished blocks in the KV cache, itself masked. A clean token sees clean tokens block-causally, as
    the cache was built. Every noisy block is thus a denoising example in one forward pass.
    """
    R, K = noisy_blocks.shape
    dev = noisy_blocks.device
    nq = noisy_blocks.repeat_interleave(block_size, dim=1)  # [R,N] block of each noisy token
    slot = torch.arange(K, device=dev).repeat_interleave(block_size)  # which noisy copy a token is in
    cb = torch.arange(L, device=dev) // block_size  # block of each clean token
    same = (slot[:, None] == slot[None, :]).expand(R, -1, -1)
    earlier = cb[None, None, :] < nq[:, :, None]
    upto = (cb[None, :] <= cb[:, None]).expand(R, -1, -1)
    top = torch.cat([same, earlier], dim=2)  # noisy queries: [noisy keys | clean keys]
    bottom = torch.cat([torch.zeros(R, L, K * block_size, dtype=torch.bool, device=dev), upto], dim=2)
    visible = torch.cat([top, bottom], dim=1)
    return torch.where(visible, 0.0, MASK_NEG)[:, None].float()
