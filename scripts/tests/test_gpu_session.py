"""scripts/gpu/pack.sh and scripts/gpu/train-on-gpu.sh, run here on the CPU with stages of a few seconds:
the prepared GPU session (continue the bundled model: CPT, SFT with certainty forcing, the evaluations)
ends with the weight shards and results.tar a session brings back. A GPU session has minutes in all, so
a script error must show up here, not there."""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUNDLED = os.path.join(REPO, "media", "models", "diffcoder-small")


def read_json(*path: str):
    with open(os.path.join(*path)) as f:
        return json.load(f)


def tiny_data(root: str) -> tuple[str, str]:
    """Token streams in the layout scripts/data/tokenize.ts writes, and two pre-tokenized tasks per set."""
    data, ev = os.path.join(root, "data"), os.path.join(root, "eval")
    os.makedirs(data)
    os.makedirs(ev)
    rng = np.random.default_rng(0)
    row = 64
    stream = rng.integers(10, 16384, size=row * 200).astype(np.uint16)
    stream.tofile(os.path.join(data, "pretrain.u16"))
    stream[:4096].tofile(os.path.join(data, "val.u16"))
    stream.tofile(os.path.join(data, "sft.u16"))
    (np.arange(len(stream)) % row > 40).astype(np.uint8).tofile(os.path.join(data, "sft.loss.u8"))
    with open(os.path.join(data, "meta.json"), "w") as f:
        json.dump({"specialTokens": {"bos": 0, "eos": 1, "mask": 3}, "options": {"rowTokens": row}}, f)
    for name in ("infill-single", "infill-multi", "edit"):
        with open(os.path.join(ev, f"{name}.ids.jsonl"), "w") as f:
            for k in range(2):
                f.write(json.dumps({"task_id": f"{name}/{k}", "lang": "python",
                                    "prompt": [0, 5, *map(int, stream[k * 30:k * 30 + 21]), 4, 6], "target": [300, 301, 302]}) + "\n")
    return data, ev


class GpuSessionOnCpuTest(unittest.TestCase):
    def test_the_prepared_session_brings_back_shards_and_results(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        data, ev = tiny_data(tmp)
        pack, out, work = (os.path.join(tmp, d) for d in ("pack", "out", "work"))
        env = {**os.environ, "DATA": data, "EVAL": ev, "PACK": pack, "PRETRAIN_MB": "0.02", "SFT_MB": "0.01"}
        r = subprocess.run(["bash", "scripts/gpu/pack.sh"], cwd=REPO, env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(pack, "data.tar.xz")))
        env.update({"OUT": out, "WORK": work, "PY": sys.executable, "INIT_PACKAGE": BUNDLED, "AR_MIN": "0",
                    "CPT_MIN": "0.05", "CPT_WARMUP": "0", "SFT_MIN": "0.05", "CERTAINTY": "1", "TOTAL_S": "150",
                    "EVAL_LIMIT": "2", "SEQ_LEN": "64", "BATCH": "2", "CUDA_VISIBLE_DEVICES": ""})
        r = subprocess.run(["bash", "scripts/gpu/train-on-gpu.sh"], cwd=REPO, env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
        self.assertIn("done", r.stdout)
        shards = [f for f in os.listdir(out) if f.startswith("model-") and f.endswith(".safetensors")]
        self.assertGreater(len(shards), 0, os.listdir(out))
        res = os.path.join(tmp, "res")
        with tarfile.open(os.path.join(out, "results.tar")) as t:
            t.extractall(res)
        summary = read_json(res, "sft", "summary.json")
        self.assertEqual((summary["stage"], summary["certainty"]), ("sft", 1.0))
        prov = read_json(res, "sft", "provenance.json")
        self.assertEqual([s["stage"] for s in prov["stages"]][-2:], ["diffusion", "sft"])
        for f in ("config.json", "model.safetensors.index.json", "tokenizer.json"):
            self.assertTrue(os.path.exists(os.path.join(res, "ckpt", f)), f)
        index = read_json(res, "ckpt", "model.safetensors.index.json")
        self.assertEqual(sorted(set(index["weight_map"].values())), sorted(shards))
        with open(os.path.join(res, "eval.jsonl")) as f:
            evals = [json.loads(line) for line in f]
        runs = {(os.path.basename(e["ckpt"]), e["decode"], e["tasks"]) for e in evals}
        for want in [("start", "threshold", "edit.ids.jsonl"), ("cpt", "threshold", "infill-single.ids.jsonl"),
                     ("sft", "threshold", "edit.ids.jsonl"), ("sft", "fixed", "infill-multi.ids.jsonl"),
                     ("cpt", "fixed", "infill-single.ids.jsonl")]:
            self.assertIn(want, runs)


if __name__ == "__main__":
    unittest.main()
