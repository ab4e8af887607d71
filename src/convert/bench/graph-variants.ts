/**
 * Measures converted graphs on this machine: a 1024-token prefill (all logits / presents only /
 * logits_keep=1) and a 4-token block step against a 1024-token cache, per weight format and graph variant.
 * Drives the converter's defaults. Sessions are measured round-robin so load from other processes on
 * a shared machine spreads evenly; the minimum over rounds is the number to compare.
 *
 *   node --import tsx src/convert/bench/graph-variants.ts --checkpoint build/ck/bench-h384 \
 *        [--weights fp32,int8,int4] [--variants default,unfused,contrib-norm,mha] [--rounds 7] [--threads 2]
 */
import * as fs from 'fs';
import * as ort from 'onnxruntime-node';
import { convertCheckpoint } from '../convert';
import type { GraphVariant } from '../llama/graph';
import type { WeightFormat } from '../llama/weights';
import { arg } from './args';

type Variant = { graph?: Partial<GraphVariant>; int4AccuracyLevel?: number; int4Symmetric?: boolean; int4BlockSize?: number; embeddings?: WeightFormat };
const VARIANTS: Record<string, Variant> = {
  default: {},
  unfused: { graph: { fuseQkv: false, fuseGateUp: false } },
  'contrib-norm': { graph: { norm: 'contrib' } },
  mha: { graph: { attention: 'mha' } },
  'onnx-expand': { graph: { attention: 'onnx-expand' } },
  'contrib-rope': { graph: { rope: 'contrib' } },
  contrib: { graph: { rope: 'contrib', norm: 'contrib' } },
  'int4-acc0': { int4AccuracyLevel: 0 },
  'int4-sym': { int4Symmetric: true },
  'int4-b64': { int4BlockSize: 64 },
  'int4-b128': { int4BlockSize: 128 },
  'fp32-embed': { embeddings: 'fp32' },
  'int8-nbits': { graph: { int8: 'nbits' } },
};

export function blockCausal(qPos: number[], kPos: number[], B: number): Float32Array {
  const m = new Float32Array(qPos.length * kPos.length);
  qPos.forEach((q, i) => kPos.forEach((k, j) => (m[i * kPos.length + j] = Math.floor(k / B) <= Math.floor(q / B) ? 0 : -1e9)));
  return m;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)] };
};

interface Case {
  label: string;
  size: number;
  session: ort.InferenceSession;
  runs: Record<string, () => Promise<unknown>>;
  times: Record<string, number[]>;
  cpu: Record<string, number[]>;
}

async function main(): Promise<void> {
  const ck = arg('checkpoint', 'build/ck/bench-h384');
  const weights = arg('weights', 'fp32,int8,int4').split(',') as WeightFormat[];
  const variants = arg('variants', 'default').split(',');
  const rounds = Number(arg('rounds', '7'));
  const threads = Number(arg('threads', '2'));
  const P = Number(arg('past', '1024'));
  const T = Number(arg('prefill', '1024'));
  const spin = arg('spin', '0') === '1';
  const cases: Case[] = [];
  for (const w of weights) {
    for (const v of variants) {
      const spec = VARIANTS[v];
      if (!spec) throw new Error(`unknown variant ${v}`);
      if (v.startsWith('int4-') && w !== 'int4') continue;
      const out = `build/bench-pkg/${ck.split('/').pop()}-${w}-${v}`;
      const m = await convertCheckpoint(ck, out, { weights: w, ...spec, verifySession: false });
      const a = m.architecture;
      const size = Object.entries(m.files).filter(([f]) => f.startsWith('model')).reduce((s, [, e]) => s + e.bytes, 0) / 1e6;
      const session = await ort.InferenceSession.create(`${out}/model.onnx`, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
        // Idle threads that spin would count as CPU time; with spinning off, CPU time measures the work.
        extra: { session: { intra_op: { allow_spinning: spin ? '1' : '0' } } },
      });
      const hasKeep = session.inputNames.includes('logits_keep');
      const feeds = (n: number, p: number, keep: number, past?: ort.InferenceSession.OnnxValueMapType) => {
        const qPos = Array.from({ length: n }, (_, i) => p + i);
        const kPos = Array.from({ length: p + n }, (_, i) => i);
        const f: Record<string, ort.Tensor> = {
          input_ids: new ort.Tensor('int64', BigInt64Array.from(qPos, (i) => BigInt((i * 7919) % a.vocabSize)), [1, n]),
          position_ids: new ort.Tensor('int64', BigInt64Array.from(qPos, BigInt), [1, n]),
          attention_mask: new ort.Tensor('float32', blockCausal(qPos, kPos, 4), [1, 1, n, p + n]),
        };
        if (hasKeep) f.logits_keep = new ort.Tensor('int64', BigInt64Array.of(BigInt(keep)), [1]);
        for (let i = 0; i < a.numLayers; i++) {
          for (const kind of ['key', 'value']) {
            f[`past_key_values.${i}.${kind}`] = (past?.[`present.${i}.${kind}`] as ort.Tensor) ?? new ort.Tensor('float32', new Float32Array(0), [1, a.numKvHeads, 0, a.headDim]);
          }
        }
        return f;
      };
      const presents = session.outputNames.filter((n) => n.startsWith('present.'));
      const cache = await session.run(feeds(P, 0, 1), presents);
      const runs: Record<string, () => Promise<unknown>> = {
        prefillAll: () => session.run(feeds(T, 0, 0)),
        prefillPresents: () => session.run(feeds(T, 0, 0), presents),
        step: () => session.run(feeds(4, P, 0, cache)),
      };
      if (hasKeep) runs.prefillKeep1 = () => session.run(feeds(T, 0, 1));
      cases.push({ label: `${w} | ${v}`, size, session, runs, times: {}, cpu: {} });
      fs.rmSync(out, { recursive: true, force: true });
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      for (const [k, f] of Object.entries(c.runs)) {
        const reps = k === 'step' ? 5 : 1;
        for (let i = 0; i < reps; i++) {
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          await f();
          const cpu = process.cpuUsage(c0);
          if (r > 0) {
            // round 0 warms up
            (c.times[k] ??= []).push(performance.now() - t0);
            (c.cpu[k] ??= []).push((cpu.user + cpu.system) / 1000);
          }
        }
      }
    }
  }
  const fmt = (xs: number[] | undefined, d = 0) => {
    if (!xs) return 'n/a';
    const s = stats(xs);
    return `${s.min.toFixed(d)} (${s.median.toFixed(d)})`;
  };
  const lines = [
    `${ck}: prefill T=${T}, step T=4 on P=${P}; ${threads} intra-op threads; ms, min (median) of ${rounds - 1} rounds`,
    '| weights | variant | MB | prefill, all logits | prefill, presents fetched only | prefill, logits_keep=1 | block step |',
    '|---|---|---|---|---|---|---|',
    ...cases.map((c) => `| ${c.label} | ${c.size.toFixed(1)} | ${fmt(c.times.prefillAll)} | ${fmt(c.times.prefillPresents)} | ${fmt(c.times.prefillKeep1)} | ${fmt(c.times.step, 1)} |`),
    '',
    'CPU time of the process (all threads), ms, min (median): insensitive to other load when spinning is off',
    '| weights | variant | prefill, all logits | prefill, presents fetched only | prefill, logits_keep=1 | block step |',
    '|---|---|---|---|---|---|',
    ...cases.map((c) => `| ${c.label} | ${fmt(c.cpu.prefillAll)} | ${fmt(c.cpu.prefillPresents)} | ${fmt(c.cpu.prefillKeep1)} | ${fmt(c.cpu.step, 1)} |`),
  ];
  console.log(lines.join('\n'));
  for (const c of cases) await c.session.release();
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
