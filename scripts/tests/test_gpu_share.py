"""scripts/gpu/take_share.py: the share a GPU session carries is spread over the whole stream and keeps
SFT rows whole, with their loss mask aligned."""
import json
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "gpu"))
import take_share  # noqa: E402


class TakeShareTest(unittest.TestCase):
    def test_chunks_are_spread_over_the_stream(self):
        chunks = take_share.spread_chunks(1000, 300, chunk=100)
        self.assertEqual(chunks, [(0, 100), (333, 433), (666, 766)])
        self.assertEqual(take_share.spread_chunks(1000, 5000, chunk=100), [(0, 1000)], "asking for more keeps all")
        self.assertEqual(take_share.spread_chunks(1000, 300, chunk=100, phase=0.5), [(116, 216), (449, 549), (782, 882)])

    def test_rows_are_spread_and_unique(self):
        self.assertEqual(list(take_share.spread_rows(10, 3)), [0, 3, 6])
        self.assertEqual(list(take_share.spread_rows(3, 10)), [0, 1, 2])
        self.assertEqual(list(take_share.spread_rows(10, 3, phase=0.5)), [1, 5, 8], "another phase, other rows")

    def test_share_keeps_rows_whole_and_the_loss_mask_aligned(self):
        d, out = tempfile.mkdtemp(), tempfile.mkdtemp()
        row = 8
        np.arange(4096, dtype=np.uint16).tofile(os.path.join(d, "pretrain.u16"))
        sft = np.arange(40 * row, dtype=np.uint16)
        sft.tofile(os.path.join(d, "sft.u16"))
        (sft % 3 == 0).astype(np.uint8).tofile(os.path.join(d, "sft.loss.u8"))
        np.zeros(16, dtype=np.uint16).tofile(os.path.join(d, "val.u16"))
        with open(os.path.join(d, "meta.json"), "w") as f:
            json.dump({"options": {"rowTokens": row}}, f)
        take_share.main([d, out, "--sft-mb", str(10 * row * 2 / 1e6)])
        got = np.fromfile(os.path.join(out, "sft.u16"), dtype=np.uint16).reshape(-1, row)
        loss = np.fromfile(os.path.join(out, "sft.loss.u8"), dtype=np.uint8).reshape(-1, row)
        self.assertEqual(len(got), 10)
        self.assertTrue((got[:, 0] % row == 0).all(), "every kept row starts on a row boundary")
        self.assertTrue((np.diff(got, axis=1) == 1).all(), "rows are whole")
        self.assertTrue((loss == (got % 3 == 0)).all(), "the loss mask stays with its tokens")
        self.assertEqual(got[-1, 0], 36 * row, "the share reaches the end of the stream")
        self.assertEqual(os.path.getsize(os.path.join(out, "pretrain.u16")), 4096 * 2, "no --pretrain-mb keeps all")
        meta = json.load(open(os.path.join(out, "meta.json")))
        self.assertEqual(meta["share"], {"pretrainTokens": 4096, "pretrainOf": 4096, "sftRows": 10, "sftRowsOf": 40, "phase": 0.0})


if __name__ == "__main__":
    unittest.main()
