"""The training recipe's pieces on a tiny model: masking rules, masks, and a resumable run of each stage."""
import json
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import train  # noqa: E402
from diffcoder.masks import noisy_clean  # noqa: E402
from diffcoder.model import MASK_NEG  # noqa: E402


class CorruptionTest(unittest.TestCase):
    def test_every_block_with_maskable_tokens_gets_a_mask(self):
        g = torch.Generator().manual_seed(0)
        ids = torch.randint(10, 100, (64, 32))
        maskable = torch.rand(64, 32, generator=g) < 0.5
        for u_max in (1e-3, 0.3, 1.0):
            noisy, masked, u = train.corrupt(ids, maskable, 3, 4, u_max, g)
            self.assertFalse((masked & ~maskable).any(), "only maskable positions are masked")
            blocks_m = masked.view(64, 8, 4).sum(-1)
            blocks_a = maskable.view(64, 8, 4).sum(-1)
            self.assertTrue(((blocks_m >= 1) | (blocks_a == 0)).all())
            self.assertTrue((noisy[masked] == 3).all() and (noisy[~masked] == ids[~masked]).all())
            self.assertGreaterEqual(float(u.min()), 0.25, "mask rate clipped to >= 1/B")

    def test_tiny_cap_still_masks_about_one_per_block(self):
        g = torch.Generator().manual_seed(1)
        ids = torch.randint(10, 100, (256, 64))
        _, masked, _ = train.corrupt(ids, torch.ones_like(ids, dtype=torch.bool), 3, 4, 1e-3, g)
        per_block = masked.view(256, 16, 4).sum(-1).float().mean()
        self.assertTrue(1.0 <= per_block < 1.6, per_block)


class MaskLayoutTest(unittest.TestCase):
    def test_noisy_block_sees_itself_and_clean_earlier_blocks_only(self):
        L, B = 8, 4
        m = noisy_clean(torch.tensor([[0, 1]]), L, B)[0, 0] == 0
        # noisy token 5 (block 1): noisy 4..7 and clean 0..3
        self.assertEqual(m[5].nonzero().flatten().tolist(), [4, 5, 6, 7, 8, 9, 10, 11])
        # clean token 9 (position 1, block 0): clean block 0 only
        self.assertEqual(m[9].nonzero().flatten().tolist(), [8, 9, 10, 11])
        self.assertEqual(float(noisy_clean(torch.tensor([[0, 1]]), L, B).min()), MASK_NEG)

    def test_only_selected_blocks_get_noisy_copies(self):
        # 3 blocks of 2; row 0 copies block 2 only, row 1 blocks 0 and 2 (row 0 is padded with block 0)
        m = noisy_clean(torch.tensor([[2, 0], [0, 2]]), 6, 2) == 0
        self.assertEqual(m.shape, (2, 1, 10, 10))
        # row 0, noisy token 0 = position 4 (block 2): its own copy (0,1) and clean blocks 0,1 (keys 4..7)
        self.assertEqual(m[0, 0, 0].nonzero().flatten().tolist(), [0, 1, 4, 5, 6, 7])
        # row 1, noisy token 0 = position 0 (block 0): its own copy only
        self.assertEqual(m[1, 0, 0].nonzero().flatten().tolist(), [0, 1])
        # clean position 3 (block 1) sees clean blocks 0..1, never a noisy copy
        self.assertEqual(m[1, 0, 7].nonzero().flatten().tolist(), [4, 5, 6, 7])

    def test_diffusion_loss_scores_only_masked_answer_tokens(self):
        from diffcoder.model import Config, LlamaForDiffusion
        torch.manual_seed(0)
        model = LlamaForDiffusion(Config(vocab_size=64, **train.PRESETS["tiny"]))
        ids = torch.randint(10, 64, (3, 16))
        g = torch.Generator().manual_seed(0)
        full, n_full = train.diffusion_loss(model, ids, 3, 4, 1.0, False, g)
        self.assertGreaterEqual(n_full, 3 * 4, "every block of every row scores at least one token")
        answer = torch.zeros(3, 16, dtype=torch.bool)
        answer[0, 13:] = True  # one block
        answer[1, 2:9] = True  # three blocks
        loss, n = train.diffusion_loss(model, ids, 3, 4, 1.0, False, torch.Generator().manual_seed(0), answer)
        self.assertTrue(1 + 3 <= n <= 7 + 3, n)
        self.assertTrue(torch.isfinite(loss) and loss > 0)
        # Same weights, a prompt-only row: the loss is the mean over rows with answers, not diluted by it.
        none = torch.zeros(3, 16, dtype=torch.bool)
        none[0, 13:] = True
        l1, n1 = train.diffusion_loss(model, ids, 3, 4, 1.0, False, torch.Generator().manual_seed(0), none)
        self.assertTrue(1 <= n1 <= 3)

    def test_certainty_forcing_sharpens_right_predictions(self):
        from diffcoder.model import Config, LlamaForDiffusion
        torch.manual_seed(0)
        ids = torch.randint(10, 64, (1, 16)).repeat(8, 1)  # one row, learnt in a few steps

        def right_entropy(m):
            with torch.no_grad():
                g = torch.Generator().manual_seed(1)
                base, _ = train.diffusion_loss(m, ids, 3, 4, 1.0, False, g)
                g = torch.Generator().manual_seed(1)
                forced, _ = train.diffusion_loss(m, ids, 3, 4, 1.0, False, g, certainty=1.0)
            return float(forced - base)  # the certainty term alone: entropy of right predictions

        def steps(m, n, certainty):
            opt = torch.optim.AdamW(m.parameters(), lr=3e-3)
            g = torch.Generator().manual_seed(0)
            for _ in range(n):
                loss, _ = train.diffusion_loss(m, ids, 3, 4, 1.0, False, g, certainty=certainty)
                loss.backward()
                opt.step()
                opt.zero_grad()

        model = LlamaForDiffusion(Config(vocab_size=64, **train.PRESETS["tiny"]))
        self.assertAlmostEqual(right_entropy(model), 0.0, places=3, msg="an untrained model gets nothing right")
        steps(model, 40, 0.0)
        self.assertGreater(right_entropy(model), 0.0, "some right predictions, not yet sure")
        plain, forced = LlamaForDiffusion(model.config), LlamaForDiffusion(model.config)
        plain.load_state_dict(model.state_dict())
        forced.load_state_dict(model.state_dict())
        steps(plain, 10, 0.0)
        steps(forced, 10, 2.0)
        self.assertLess(right_entropy(forced), right_entropy(plain))


class StagesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        d = self.data = os.path.join(self.tmp, "data")
        os.makedirs(d)
        rng = np.random.default_rng(0)
        pattern = rng.integers(10, 16384, size=40)
        stream = np.concatenate([np.concatenate([[0], pattern, [1]]) for _ in range(300)]).astype(np.uint16)
        stream.tofile(os.path.join(d, "pretrain.u16"))
        stream[:5000].tofile(os.path.join(d, "val.u16"))
        stream.tofile(os.path.join(d, "sft.u16"))
        (np.arange(len(stream)) % 42 > 30).astype(np.uint8).tofile(os.path.join(d, "sft.loss.u8"))
        json.dump({"specialTokens": {"mask": 3}, "options": {"rowTokens": 84}}, open(os.path.join(d, "meta.json"), "w"))
        self.tok = os.path.join(self.tmp, "tokenizer.json")
        json.dump({"model": {"vocab": {}}}, open(self.tok, "w"))

    def run_stage(self, stage, run, *extra):
        args = ["--stage", stage, "--data", self.data, "--run", os.path.join(self.tmp, run), "--preset", "tiny",
                "--seq-len", "64", "--batch", "4", "--lr", "3e-3", "--lr-warmup", "2", "--eval-every", "10",
                "--warmup-steps", "5", "--device", "cpu", *extra]
        return train.main(args)

    def test_ar_diffusion_sft_chain_learns_and_exports(self):
        ar = self.run_stage("ar", "ar", "--max-steps", "30")
        self.assertLess(ar["final_val_loss"], 6.0, "AR learns the repeated pattern (ln 16384 = 9.7)")
        cpt = self.run_stage("diffusion", "cpt", "--init", os.path.join(self.tmp, "ar"), "--max-steps", "10")
        out = os.path.join(self.tmp, "ckpt")
        self.run_stage("sft", "sft", "--init", os.path.join(self.tmp, "cpt"), "--max-steps", "5", "--seq-len", "84",
                       "--export", out, "--tokenizer", self.tok)
        self.assertEqual(cpt["steps"], 10)
        for f in ("config.json", "model.safetensors", "tokenizer.json", "diffcoder.json"):
            self.assertTrue(os.path.exists(os.path.join(out, f)), f)
        prov = json.load(open(os.path.join(out, "diffcoder.json")))["provenance"]
        self.assertEqual([s["stage"] for s in prov["stages"]], ["ar", "diffusion", "sft"])
        cfg = json.load(open(os.path.join(out, "config.json")))
        self.assertEqual(cfg["model_type"], "llama")

    def test_sharded_bf16_export_loads_back(self):
        from diffcoder.model import Config, LlamaForDiffusion
        model = LlamaForDiffusion(Config(vocab_size=512, **train.PRESETS["tiny"]))
        out = os.path.join(self.tmp, "bf16")
        train.export(model, model.config, out, self.tok, {"stages": []}, dtype="bf16", shard_mb=0.05)
        shards = [f for f in os.listdir(out) if f.startswith("model-")]
        self.assertGreater(len(shards), 1)
        back = LlamaForDiffusion(Config(vocab_size=512, **train.PRESETS["tiny"]))
        train.load_weights(back, out)
        for (n, a), (_, b) in zip(model.state_dict().items(), back.state_dict().items()):
            self.assertTrue(torch.allclose(a, b, rtol=1e-2, atol=1e-3), n)  # bf16 keeps ~3 digits

    def test_sft_windows_are_whole_rows(self):
        stream = train.TokenStream(os.path.join(self.data, "sft.u16"), os.path.join(self.data, "sft.loss.u8"), row=84)
        ids, loss = stream.batch(np.random.default_rng(0), 16, 84)
        self.assertTrue((ids[:, 0] == 0).all(), "every window starts at a row start (a sample's bos here)")
        self.assertEqual(loss.shape, (16, 84))
        with self.assertRaises(ValueError):
            stream.batch(np.random.default_rng(0), 1, 85)

    def test_resume_continues_the_step_count(self):
        self.run_stage("ar", "r", "--max-steps", "6")
        s = self.run_stage("ar", "r", "--max-steps", "10", "--resume")
        self.assertEqual(s["steps"], 10)
        log = [json.loads(x) for x in open(os.path.join(self.tmp, "r", "log.jsonl"))]
        self.assertEqual(log[0]["step"], 1)


if __name__ == "__main__":
    unittest.main()
