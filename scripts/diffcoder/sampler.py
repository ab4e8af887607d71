"""Reference block-diffusion sampler, following the published Stable-DiffCoder `generate_block`.

The TypeScript engine (src/engine/sampler.ts) implements the same algorithm and must produce the same
tokens on the same weights (test/engine/parity.test.ts); change both together.

Per request:
  prefill the prompt's complete blocks (blocks are aligned to absolute positions, so the first
  generated block may hold the prompt's tail), in one call with the first block's first denoising pass;
  for each block: run it against the KV cache WITHOUT appending, commit the most confident masked
  positions (fixed schedule: a precomputed count per step; threshold: the top-1 plus every masked
  position whose confidence >= threshold, plus, with prompt lookup, the positions whose choice continues
  a stretch of the prompt: see lookup_draft; and with a chosen EOS, the masked positions after it as EOS
  and the run of EOS choices just before it: see with_eos_run), repeat until no mask is left;
  then append the finished block to the cache. That commit pass is fused with the next block's first
  denoising pass: one call over [finished block ; next masked block], block-causal, keeping only the
  finished block's K/V.
Stops: EOS in generated text (cut there), a stop token (single-line mode: a token holding a newline;
kept), a loop (the tail one period repeated verbatim; cut to one copy, see loop_cut), or the token
budget. A block stops early once everything before a committed stop is committed, since later
positions cannot change the answer.
Never emits the mask token or any other special token but EOS.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .masks import block_causal


@dataclass
class DecodeOptions:
    block_size: int = 4
    max_new_tokens: int = 64
    mode: str = "threshold"  # "threshold" | "fixed"
    threshold: float = 0.9
    steps_per_block: int = 4  # fixed mode: forward passes per block (block_size => one token per pass)
    prompt_lookup: bool = True  # threshold mode: commit what continues a stretch of the prompt
    temperature: float = 0.0
    seed: int = 0


@dataclass
class DecodeResult:
    tokens: list[int]
    forward_passes: int
    stopped_by: str  # "eos" | "stop" | "repetition" | "budget"


# The loop rule of src/engine/repetition.ts (the reasons are there); golden cases in
# test/fixtures/repetition-cases.json, tested on both sides.
LOOP_MIN_COVER, LOOP_MIN_REPEATS, LOOP_MAX_PERIOD = 48, 3, 128


def loop_cut(tokens: list[int]) -> int:
    """How many of `tokens` to keep when their tail loops (the shortest period wins), or -1."""
    n = len(tokens)
    for p in range(1, min(LOOP_MAX_PERIOD, n // LOOP_MIN_REPEATS) + 1):
        r = 0  # trailing tokens equal to the token one period earlier
        while r < n - p and tokens[n - 1 - r] == tokens[n - 1 - r - p]:
            r += 1
        if r + p >= max(LOOP_MIN_COVER, LOOP_MIN_REPEATS * p):
            return n - r
    return -1


# Prompt lookup, the rule of src/engine/promptLookup.ts (the reasons are there); golden cases in
# test/fixtures/prompt-lookup-cases.json, tested on both sides.
LOOKUP_MIN_MATCH, LOOKUP_MAX_MATCH = 3, 32


def lookup_draft(prompt: list[int], context: list[int], want: int) -> list[int]:
    """The `want` tokens that follow the longest match (the latest of equal ones) of the end of `context`
    inside `prompt`, or [] when no match of LOOKUP_MIN_MATCH tokens ends before the prompt does."""
    n = len(context)
    best_len, best_end = 0, -1
    for end in range(LOOKUP_MIN_MATCH, len(prompt)):
        k = 0
        while k < LOOKUP_MAX_MATCH and k < end and k < n and prompt[end - 1 - k] == context[n - 1 - k]:
            k += 1
        if k >= LOOKUP_MIN_MATCH and k >= best_len:
            best_len, best_end = k, end
    return [] if best_end < 0 else prompt[best_end:best_end + want]


def draft_agreement(block: list[int], first: int, draft: list[int], choice: dict[int, int]) -> list[int]:
    """Block positions from `first` on whose choice (masked) or token (committed) follows the draft, up to
    the first that does not."""
    out = []
    for i in range(first, min(len(block), first + len(draft))):
        want = draft[i - first]
        if i not in choice:
            if block[i] != want:
                break
        elif choice[i] == want:
            out.append(i)
        else:
            break
    return out


def with_eos_run(masked: list[int], x0, chosen: set[int], eos: int) -> list[int]:
    """Threshold mode: a chosen EOS ends the answer, one decision with the masked positions around it:
    those after it become EOS (x0 is set), and the run of EOS choices just before it joins (the reasons:
    withEosRun in src/engine/sampler.ts)."""
    eos_at = [i for i in chosen if int(x0[i]) == eos]
    if not eos_at:
        return sorted(chosen)
    j = min(eos_at)
    out = set(chosen)
    for i in masked:
        if i > j:
            x0[i] = eos
            out.add(i)
    i = j - 1
    while i in masked and int(x0[i]) == eos and i not in out:
        out.add(i)
        i -= 1
    return sorted(out)


def transfer_schedule(masked: int, steps: int) -> list[int]:
    """How many positions to commit at each step: spread evenly, remainder first (as LLaDA)."""
    steps = max(1, min(steps, masked))
    base, rem = divmod(masked, steps)
    return [base + (1 if i < rem else 0) for i in range(steps)]


class ReferenceSampler:
    def __init__(self, model, *, mask_id: int, eos_id: int, suppress_ids: list[int], stop_ids: set[int] | None = None,
                 device="cpu"):
        self.model = model
        self.mask_id = mask_id
        self.eos_id = eos_id
        self.suppress = torch.tensor(sorted(set(suppress_ids) | {mask_id}), dtype=torch.long)
        self.stop_ids = stop_ids or set()
        self.device = device

    @torch.no_grad()
    def _forward(self, ids: list[int], start: int, past, block_size: int):
        T = len(ids)
        P = 0 if past is None else past[0][0].shape[2]
        assert P == start, "the cache must hold exactly the positions before `start`"
        q_pos = torch.arange(start, start + T)
        k_pos = torch.arange(0, start + T)
        bias = block_causal(q_pos, k_pos, block_size).to(self.device)
        x = torch.tensor([ids], dtype=torch.long, device=self.device)
        pos = q_pos[None].to(self.device)
        logits, present = self.model(x, pos, bias, past)
        return logits[0].float().cpu(), present

    def _pick(self, logits: torch.Tensor, gen: torch.Generator | None, temperature: float):
        logits = logits.clone()
        logits[:, self.suppress] = float("-inf")
        probs = logits.softmax(-1)
        if temperature > 0:
            u = torch.rand(logits.shape, generator=gen).clamp_(1e-20, 1.0)
            x0 = (logits / temperature - torch.log(-torch.log(u))).argmax(-1)
        else:
            x0 = logits.argmax(-1)
        conf = probs.gather(-1, x0[:, None])[:, 0]
        return x0, conf

    def generate(self, prompt: list[int], opt: DecodeOptions) -> DecodeResult:
        B = opt.block_size
        gen = torch.Generator().manual_seed(opt.seed) if opt.temperature > 0 else None
        P = len(prompt)
        start = (P // B) * B
        passes = 0
        past = None
        x = list(prompt)
        pending_logits = None  # logits of the current block from the fused prefill or commit pass
        if start > 0:
            # The prefill carries the first block's first denoising pass, as each commit pass carries the
            # next block's: block-causal attention gives its rows the logits a pass of their own would.
            first = x[start:] + [self.mask_id] * (start + B - len(x))
            logits, present = self._forward(prompt[:start] + first, 0, None, B)
            past = [(k[:, :, :start], v[:, :, :start]) for k, v in present]
            pending_logits = logits[start:]
            passes += 1
        while True:
            block = x[start:] + [self.mask_id] * (start + B - len(x))
            masked = [i for i in range(B) if start + i >= len(x)]
            schedule = transfer_schedule(len(masked), opt.steps_per_block) if opt.mode == "fixed" else None
            step = 0
            stop_at = None  # index in block of a committed stop/EOS with everything before it committed
            while masked:
                if pending_logits is not None:
                    logits, pending_logits = pending_logits, None
                else:
                    logits, _ = self._forward(block, start, past, B)
                    passes += 1
                x0, conf = self._pick(logits, gen, opt.temperature)
                m = torch.tensor(masked)
                c = conf[m]
                if opt.mode == "fixed":
                    k = schedule[step]
                    chosen = m[c.topk(k).indices].tolist()
                else:
                    best = int(m[c.argmax()])
                    chosen = set([best] + m[c >= opt.threshold].tolist())
                    if opt.prompt_lookup:
                        first = masked[0]
                        context = x[max(0, start - LOOKUP_MAX_MATCH):start] + block[:first]
                        draft = lookup_draft(prompt, context, B - first)
                        chosen |= set(draft_agreement(block, first, draft, {i: int(x0[i]) for i in masked}))
                    chosen = with_eos_run(masked, x0, chosen, self.eos_id)
                for i in chosen:
                    block[i] = int(x0[i])
                masked = [i for i in masked if i not in chosen]
                step += 1
                stop_at = self._stop_index(block, masked, start, P)
                if stop_at is not None:
                    break
            if stop_at is not None:
                i, why = stop_at
                kept = block[: i + (0 if why == "eos" else 1)]
                x = x[:start] + kept
                return self._finish(x, P, opt, passes, why)
            x = x[:start] + block
            keep = loop_cut(x[P:])
            if keep >= 0:
                return self._finish(x[: P + keep], P, opt, passes, "repetition")
            if len(x) - P >= opt.max_new_tokens:
                return self._finish(x, P, opt, passes, "budget")
            # Commit this block and take the next block's first denoising pass in the same call.
            nxt = [self.mask_id] * B
            logits, present = self._forward(block + nxt, start, past, B)
            passes += 1
            past = [(k[:, :, : start + B], v[:, :, : start + B]) for k, v in present]
            pending_logits = logits[B:]
            start += B

    def _stop_index(self, block, masked, start, P):
        """First generated EOS/stop token in the block, if every position before it is committed."""
        first_masked = min(masked) if masked else len(block)
        for i in range(max(0, P - start), first_masked):
            if block[i] == self.eos_id:
                return i, "eos"
            if block[i] in self.stop_ids:
                return i, "stop"
        return None

    @staticmethod
    def _finish(x, P, opt, passes, why):
        out = x[P:]
        if len(out) > opt.max_new_tokens:
            out, why = out[: opt.max_new_tokens], "budget"
        return DecodeResult(tokens=out, forward_passes=passes, stopped_by=why)
