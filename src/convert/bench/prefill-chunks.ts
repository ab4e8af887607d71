/**
 * Measures the engine's prefill (src/engine/sampler.ts prefill over OnnxBlockModel) per chunk size on a
 * model package: CPU time of the process (all threads; spinning off, so it counts work, not waiting) and
 * wall time, median and min over rounds, chunk sizes taken round-robin in a rotating order so load from
 * other processes spreads evenly. Also how far each chunk size's K/V cache is from the one-pass cache
 * of --reference (the fp32 package of the same checkpoint; default: this package itself).
 *
 *   node --import tsx src/convert/bench/prefill-chunks.ts --package DIR [--reference FP32_DIR] \
 *        [--prompts 512,1024,2048] [--chunks 0,64,128,256,512] [--rounds 15] [--threads 2]
 * Chunk 0 = the whole prompt in one pass.
 */
import * as ort from 'onnxruntime-node';
import { loadPackage } from '../../engine/package/loadPackage';
import { prefill } from '../../engine/sampler';
import { createSession } from '../../engine/session/createSession';
import { OnnxBlockModel, type OrtKvCache } from '../../engine/session/onnxBlockModel';
import { arg, list } from './args';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const min = (xs: number[]) => Math.min(...xs);

/** Largest |a - b| over every layer's keys and values, and the RMS of a - b over the RMS of b. */
function difference(a: OrtKvCache, b: OrtKvCache): { max: number; relativeRms: number } {
  let max = 0;
  let sq = 0;
  let ref = 0;
  for (const [x, y] of [...a.keys.map((t, i) => [t, b.keys[i]]), ...a.values.map((t, i) => [t, b.values[i]])] as [ort.Tensor, ort.Tensor][]) {
    const p = x.data as Float32Array;
    const q = y.data as Float32Array;
    for (let i = 0; i < p.length; i++) {
      const d = p[i] - q[i];
      max = Math.max(max, Math.abs(d));
      sq += d * d;
      ref += q[i] * q[i];
    }
  }
  return { max, relativeRms: Math.sqrt(sq / ref) };
}

async function main(): Promise<void> {
  const dir = arg('package', 'build/chunk-bench/h256-int8');
  const prompts = list(arg('prompts', '512,1024,2048'));
  const chunks = list(arg('chunks', '0,64,128,256,512'));
  const rounds = Number(arg('rounds', '15'));
  const threads = Number(arg('threads', '2'));
  const pkg = await loadPackage(dir);
  const m = pkg.manifest;
  const { session } = await createSession(pkg.modelFile, { threads });
  const referenceDir = arg('reference', dir);
  const reference = referenceDir === dir ? session : (await createSession((await loadPackage(referenceDir)).modelFile, { threads })).session;
  const B = m.blockSize;
  const models = new Map(chunks.map((c) => [c, new OnnxBlockModel(session, m.architecture, c)]));
  const cpu = new Map<string, number[]>();
  const wall = new Map<string, number[]>();
  const differences: string[] = [];

  for (const P of prompts) {
    const ids = Array.from({ length: P }, (_, i) => 10 + ((i * 7919) % (m.architecture.vocabSize - 10)));
    const want = (await prefill(new OnnxBlockModel(reference, m.architecture, 0), ids, 0, P, null, B)) as OrtKvCache;
    for (const c of chunks) {
      const d = difference((await prefill(models.get(c)!, ids, 0, P, null, B)) as OrtKvCache, want);
      differences.push(`| ${P} | ${c || 'one pass'} | ${d.max.toExponential(2)} | ${d.relativeRms.toExponential(2)} |`);
    }
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < chunks.length; k++) {
        const c = chunks[(k + r) % chunks.length];
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await prefill(models.get(c)!, ids, 0, P, null, B);
        const t = performance.now() - t0;
        const u = process.cpuUsage(c0);
        if (r === 0) continue; // warm-up
        const key = `${P}/${c}`;
        (cpu.get(key) ?? cpu.set(key, []).get(key)!).push((u.user + u.system) / 1000);
        (wall.get(key) ?? wall.set(key, []).get(key)!).push(t);
      }
    }
  }
  const a = m.architecture;
  const lines = [
    `${dir}: ${m.weights.dtype}, ${a.numLayers} layers, hidden ${a.hiddenSize}, block ${B}; ${threads} threads; ${rounds - 1} rounds`,
    'prefill CPU time, ms: median (min) | wall, ms: median',
    `| chunk | ${prompts.map((P) => `P=${P} CPU | P=${P} wall`).join(' | ')} |`,
    `|---|${prompts.map(() => '---|---').join('|')}|`,
    ...chunks.map((c) => {
      const cells = prompts.map((P) => {
        const k = `${P}/${c}`;
        return `${median(cpu.get(k)!).toFixed(0)} (${min(cpu.get(k)!).toFixed(0)}) | ${median(wall.get(k)!).toFixed(0)}`;
      });
      return `| ${c === 0 ? 'one pass' : c} | ${cells.join(' | ')} |`;
    }),
    '',
    `K/V cache against the one-pass cache of ${referenceDir}`,
    '| P | chunk | max abs difference | RMS difference / RMS |',
    '|---|---|---|---|',
    ...differences,
  ];
  console.log(lines.join('\n'));
  await session.release();
  if (reference !== session) await reference.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
