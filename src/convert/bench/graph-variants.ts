/**
 * Measures converted graphs on this machine: a 1024-token prefill and a 4-token block step against a
 * 1024-token cache, per weight format and graph variant. Drives the converter's defaults.
 *
 *   node --import tsx src/convert/bench/graph-variants.ts --checkpoint build/ck/bench-h384 \
 *        [--weights fp32,int8,int4] [--variants default,unfused,contrib-norm,mha] [--runs 5] [--threads 2]
 */
import * as fs from 'fs';
import * as ort from 'onnxruntime-node';
import { convertCheckpoint } from '../convert';
import type { GraphVariant } from '../llama/graph';
import type { WeightFormat } from '../llama/weights';

const VARIANTS: Record<string, { graph?: Partial<GraphVariant>; int4AccuracyLevel?: number; embeddings?: WeightFormat }> = {
  default: {},
  unfused: { graph: { fuseQkv: false, fuseGateUp: false } },
  'contrib-norm': { graph: { norm: 'contrib' } },
  mha: { graph: { attention: 'mha' } },
  'int4-acc0': { int4AccuracyLevel: 0 },
  'fp32-embed': { embeddings: 'fp32' },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function blockCausal(qPos: number[], kPos: number[], B: number): Float32Array {
  const m = new Float32Array(qPos.length * kPos.length);
  qPos.forEach((q, i) => kPos.forEach((k, j) => (m[i * kPos.length + j] = Math.floor(k / B) <= Math.floor(q / B) ? 0 : -1e9)));
  return m;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(runs: number, f: () => Promise<unknown>): Promise<number> {
  await f();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

async function main(): Promise<void> {
  const ck = arg('checkpoint', 'build/ck/bench-h384');
  const weights = arg('weights', 'fp32,int8,int4').split(',') as WeightFormat[];
  const variants = arg('variants', 'default').split(',');
  const runs = Number(arg('runs', '5'));
  const threads = Number(arg('threads', '2'));
  const P = Number(arg('past', '1024'));
  const rows: string[] = ['| weights | variant | size MB | prefill 1024 (logits) | prefill, presents only | prefill, logits_keep=4 | step T=4, P=1024 |', '|---|---|---|---|---|---|---|'];
  for (const w of weights) {
    for (const v of variants) {
      const spec = VARIANTS[v];
      if (!spec) throw new Error(`unknown variant ${v}`);
      if (v === 'int4-acc0' && w !== 'int4') continue;
      const out = `build/bench-pkg/${ck.split('/').pop()}-${w}-${v}`;
      const m = await convertCheckpoint(ck, out, { weights: w, graph: spec.graph, int4AccuracyLevel: spec.int4AccuracyLevel, embeddings: spec.embeddings, verifySession: false });
      const a = m.architecture;
      const size = Object.entries(m.files).filter(([f]) => f.startsWith('model')).reduce((s, [, e]) => s + e.bytes, 0) / 1e6;
      const s = await ort.InferenceSession.create(`${out}/model.onnx`, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 });
      const feeds = (T: number, p: number, past?: Record<string, ort.Tensor>) => {
        const qPos = Array.from({ length: T }, (_, i) => p + i);
        const kPos = Array.from({ length: p + T }, (_, i) => i);
        const f: Record<string, ort.Tensor> = {
          input_ids: new ort.Tensor('int64', BigInt64Array.from(qPos, (i) => BigInt((i * 7919) % a.vocabSize)), [1, T]),
          position_ids: new ort.Tensor('int64', BigInt64Array.from(qPos, BigInt), [1, T]),
          attention_mask: new ort.Tensor('float32', blockCausal(qPos, kPos, 4), [1, 1, T, p + T]),
        };
        for (let i = 0; i < a.numLayers; i++) {
          for (const kind of ['key', 'value']) {
            f[`past_key_values.${i}.${kind}`] = past?.[`present.${i}.${kind}`] ?? new ort.Tensor('float32', new Float32Array(0), [1, a.numKvHeads, 0, a.headDim]);
          }
        }
        return f;
      };
      const presents = s.outputNames.filter((n) => n.startsWith('present.'));
      const pre = feeds(1024, 0);
      const tAll = await time(runs, () => s.run(pre));
      const tNoLogits = await time(runs, () => s.run(pre, presents));
      const keep = s.inputNames.includes('logits_keep') || v !== 'none';
      let tKeep = NaN;
      if (keep) {
        const withKeep = { ...pre, logits_keep: new ort.Tensor('int64', BigInt64Array.of(4n), [1]) };
        tKeep = await time(runs, () => s.run(withKeep));
      }
      const cache = await s.run(feeds(P, 0), presents);
      const step = feeds(4, P, cache as Record<string, ort.Tensor>);
      const tStep = await time(Math.max(runs * 4, 20), () => s.run(step));
      await s.release();
      const row = `| ${w} | ${v} | ${size.toFixed(1)} | ${tAll.toFixed(1)} | ${tNoLogits.toFixed(1)} | ${tKeep.toFixed(1)} | ${tStep.toFixed(2)} |`;
      rows.push(row);
      console.log(row);
      fs.rmSync(out, { recursive: true, force: true });
    }
  }
  console.log(`\n${ck}, ${threads} intra-op threads, median of ${runs} (steps: ${Math.max(runs * 4, 20)}) runs, ms\n` + rows.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
