/**
 * What a decoding pass costs per number of positions it runs, on a model package: the sampler's drafts
 * (src/engine/sampler.ts DecodeOptions.draftStates) make passes of 4 to 20 positions instead of 4 or 8,
 * and pay only where a longer pass costs about what a short one does. Each pass runs against a K/V
 * cache of --past positions and fetches the logits of every position (as a pass with drafts does); wall
 * time, median and p10 over rounds, sizes taken round-robin in a rotating order so load from other
 * processes spreads evenly.
 *
 *   node --import tsx src/convert/bench/pass-positions.ts [--package DIR] [--past 1024] \
 *        [--positions 4,8,12,16,20] [--rounds 60] [--threads 2] [--providers cpu]
 */
import { loadPackage } from '../../engine/package/loadPackage';
import { prefill } from '../../engine/sampler';
import { createSession } from '../../engine/session/createSession';
import { OnnxBlockModel } from '../../engine/session/onnxBlockModel';
import { arg, list } from './args';

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];

async function main(): Promise<void> {
  const dir = arg('package', 'media/models/diffcoder-small');
  const past = Number(arg('past', '1024'));
  const sizes = list(arg('positions', '4,8,12,16,20'));
  const rounds = Number(arg('rounds', '60'));
  const threads = Number(arg('threads', '2'));
  const pkg = await loadPackage(dir);
  const m = pkg.manifest;
  const { session, device } = await createSession(pkg.modelFile, { threads, providers: arg('providers', 'cpu').split(',') });
  const model = new OnnxBlockModel(session, m.architecture);
  const B = m.blockSize;
  const ids = Array.from({ length: past }, (_, i) => 10 + ((i * 7919) % (m.architecture.vocabSize - 10)));
  const cache = await prefill(model, ids, 0, past, null, B);
  const wall = new Map<number, number[]>(sizes.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < sizes.length; k++) {
      const T = sizes[(k + r) % sizes.length];
      const t0 = performance.now();
      await model.forward({ ids: ids.slice(0, T), start: past, past: cache, blockSize: B, logitsFrom: 0, keep: 0 });
      if (r > 0) wall.get(T)!.push(performance.now() - t0); // round 0 warms up
    }
  }
  const a = m.architecture;
  const base = quantile(wall.get(sizes[0])!, 0.5);
  console.log(
    [
      `${dir}: ${m.weights.dtype}, ${a.numLayers} layers, hidden ${a.hiddenSize}, block ${B}; ${device}, ${threads} threads; past ${past}; ${rounds - 1} rounds`,
      '| positions | wall ms, median | p10 | vs the first |',
      '|---|---|---|---|',
      ...sizes.map((n) => {
        const w = wall.get(n)!;
        return `| ${n} | ${quantile(w, 0.5).toFixed(2)} | ${quantile(w, 0.1).toFixed(2)} | ${(quantile(w, 0.5) / base).toFixed(2)}x |`;
      }),
    ].join('\n'),
  );
  await session.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
