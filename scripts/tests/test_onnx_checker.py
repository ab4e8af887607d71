"""The converter's output passes onnx.checker, and the random checkpoints and reference outputs it is tested
against are what they claim to be (the published Stable-DiffCoder-8B layout; KV-cache exact references)."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import onnx
import torch

from diffcoder import make_random_checkpoint as mrc
from diffcoder import reference_outputs, safetensors_io

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TINY = ['--hidden', '64', '--layers', '2', '--heads', '4', '--kv-heads', '2', '--intermediate', '96', '--spiky']


def convert(src: str, out: str, **opts) -> dict:
    """Runs src/convert/ (TypeScript, through tsx) and returns the manifest it wrote."""
    code = (f"require('./src/convert').convertCheckpoint({json.dumps(src)}, {json.dumps(out)}, {json.dumps(opts)})"
            ".catch(e => { console.error(e.message); process.exit(1); })")
    r = subprocess.run(['node', '--import', 'tsx', '-e', code], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f'conversion failed: {r.stderr}')
    with open(os.path.join(out, 'diffcoder.json')) as f:
        return json.load(f)


class CheckerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='diffcoder-checker-')
        cls.ck = os.path.join(cls.tmp, 'ck')
        mrc.main(['--out', cls.ck, '--flavor', 'stable-diffcoder', '--dtype', 'bf16', '--rope-theta', '500000', *TINY])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_fp32_graph_passes_full_check(self):
        out = os.path.join(self.tmp, 'fp32')
        convert(self.ck, out, weights='fp32', verifySession=False)
        model = onnx.load(os.path.join(out, 'model.onnx'))
        self.assertEqual({(o.domain, o.version) for o in model.opset_import}, {('', 17)})
        onnx.checker.check_model(os.path.join(out, 'model.onnx'), full_check=True)
        names = [i.name for i in model.graph.input]
        self.assertEqual(names[:3], ['input_ids', 'position_ids', 'attention_mask'])
        self.assertEqual(names[-1], 'logits_keep')
        self.assertEqual([o.name for o in model.graph.output][:3], ['logits', 'present.0.key', 'present.0.value'])

    def test_quantized_and_external_graphs_pass_the_checker(self):
        # onnx 1.12 has no schemas for com.microsoft ops: the checker checks everything else around them.
        for name, opts, contrib in [('int8', {'weights': 'int8'}, {'DynamicQuantizeMatMul'}),
                                    ('int4', {'weights': 'int4', 'embeddings': 'int4', 'head': 'int4'}, {'MatMulNBits', 'GatherBlockQuantized'}),
                                    ('int4-default', {'weights': 'int4'}, {'MatMulNBits', 'DynamicQuantizeMatMul'}),
                                    ('fp16-external', {'weights': 'fp16', 'externalDataThreshold': 0}, set())]:
            with self.subTest(name):
                out = os.path.join(self.tmp, name)
                m = convert(self.ck, out, verifySession=False, **opts)
                path = os.path.join(out, 'model.onnx')
                onnx.checker.check_model(path, full_check=True)
                ops = {n.op_type for n in onnx.load(path, load_external_data=False).graph.node if n.domain == 'com.microsoft'}
                self.assertEqual(ops, contrib)
                if 'externalDataThreshold' in opts:
                    self.assertIn('model.onnx.data', m['files'])


class RandomCheckpointTest(unittest.TestCase):
    def test_8b_preset_has_exactly_the_published_tensor_names_and_shapes(self):
        p = mrc.PRESETS['stable-diffcoder-8b']
        c = dict(hidden_size=p['hidden'], num_hidden_layers=p['layers'], num_attention_heads=p['heads'],
                 num_key_value_heads=p['kv_heads'], head_dim=p['hidden'] // p['heads'], intermediate_size=p['intermediate'],
                 vocab_size=p['vocab'], tie_word_embeddings=False)
        shapes = dict(mrc.tensor_shapes(c))
        self.assertEqual(len(shapes), 1 + 32 * 9 + 2)
        self.assertEqual(shapes['model.embed_tokens.weight'], [155136, 4096])
        self.assertEqual(shapes['lm_head.weight'], [155136, 4096])
        self.assertEqual(shapes['model.layers.31.self_attn.k_proj.weight'], [1024, 4096])
        self.assertEqual(shapes['model.layers.0.mlp.down_proj.weight'], [4096, 14336])
        self.assertEqual(shapes['model.layers.7.post_attention_layernorm.weight'], [4096])

    def test_sharded_bf16_checkpoint_reads_back(self):
        with tempfile.TemporaryDirectory() as d:
            mrc.main(['--out', d, '--dtype', 'bf16', '--shards', '3', '--flavor', 'stable-diffcoder', *TINY])
            with open(os.path.join(d, 'model.safetensors.index.json')) as f:
                weight_map = json.load(f)['weight_map']
            shards = sorted(set(weight_map.values()))
            self.assertEqual(shards, [f'model-0000{i}-of-00003.safetensors' for i in (1, 2, 3)])
            tensors = {}
            for s in shards:
                part = safetensors_io.load(os.path.join(d, s))
                self.assertTrue(all(weight_map[n] == s for n in part))
                tensors.update(part)
            self.assertEqual(set(tensors), set(weight_map))
            self.assertTrue(all(t.dtype == torch.bfloat16 for t in tensors.values()))
            with open(os.path.join(d, 'tokenizer_config.json')) as f:
                self.assertEqual(json.load(f)['added_tokens_decoder']['5']['content'], '<[MASK_TOKEN]>')

    def test_same_seed_same_weights_whatever_the_sharding(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            mrc.main(['--out', a, '--flavor', 'stable-diffcoder', *TINY])
            mrc.main(['--out', b, '--flavor', 'stable-diffcoder', '--shards', '2', *TINY])
            ta = safetensors_io.load(os.path.join(a, 'model.safetensors'))
            tb = {}
            for f in os.listdir(b):
                if f.endswith('.safetensors'):
                    tb.update(safetensors_io.load(os.path.join(b, f)))
            self.assertEqual(set(ta), set(tb))
            for n in ta:
                self.assertTrue(torch.equal(ta[n], tb[n]), n)


class ReferenceOutputsTest(unittest.TestCase):
    def test_past_then_query_equals_one_pass(self):
        with tempfile.TemporaryDirectory() as d:
            mrc.main(['--out', d, '--flavor', 'stable-diffcoder', *TINY])
            model = reference_outputs.load_checkpoint(d)
            ids = [0, 9, 40, 77, 3, 120, 5, 5, 5, 5, 8, 9]
            split = reference_outputs.run(model, {'prefix_ids': ids[:8], 'ids': ids[8:], 'block_size': 4})
            whole = reference_outputs.run(model, {'ids': ids, 'block_size': 4})
            torch.testing.assert_close(split['logits'], whole['logits'][:, 8:], atol=1e-5, rtol=1e-5)
            torch.testing.assert_close(split['present.1.key'], whole['present.1.key'], atol=1e-5, rtol=1e-5)
            # The same through an explicit past folder and an explicit 0/1 mask.
            reference_outputs.write(os.path.join(d, 'ref'), split)
            visible = [[1 if k // 4 <= q // 4 else 0 for k in range(12)] for q in range(8, 12)]
            again = reference_outputs.run(model, {'past_dir': os.path.join(d, 'ref'), 'ids': ids[8:], 'mask': visible})
            torch.testing.assert_close(again['logits'], split['logits'], atol=1e-6, rtol=1e-6)


if __name__ == '__main__':
    unittest.main()
