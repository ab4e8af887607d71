/**
 * Converts a (large) checkpoint and reports time and peak memory: process RSS sampled every 50 ms
 * (run it under `/usr/bin/time -v` too for the kernel's own maximum).
 *
 *   node --import tsx src/convert/bench/convert-memory.ts <checkpoint> <out> <fp32|fp16|int8|int4> [--session]
 */
import * as fs from 'fs';
import { convertCheckpoint, type WeightFormat } from '../convert';

async function main(): Promise<void> {
  const [src, out, weights] = process.argv.slice(2);
  const session = process.argv.includes('--session');
  let peak = 0;
  let peakAt = '';
  let phase = '';
  const sample = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) {
      peak = rss;
      peakAt = phase;
    }
  };
  const timer = setInterval(sample, 50);
  const t0 = Date.now();
  let lastPrint = 0;
  const m = await convertCheckpoint(src, out, {
    weights: weights as WeightFormat,
    verifySession: session,
    onProgress: (f, msg) => {
      phase = msg;
      sample();
      if (Date.now() - lastPrint > 5000 || f === 1) {
        lastPrint = Date.now();
        console.log(`${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s  ${(f * 100).toFixed(1).padStart(5)} %  rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB  ${msg}`);
      }
    },
  });
  clearInterval(timer);
  sample();
  const files = Object.entries(m.files).map(([f, e]) => `${f} ${(e.bytes / 2 ** 20).toFixed(0)} MiB`);
  const srcBytes = fs.readdirSync(src).filter((f) => f.endsWith('.safetensors')).reduce((s, f) => s + fs.statSync(`${src}/${f}`).size, 0);
  console.log(`${weights}: ${((Date.now() - t0) / 1000).toFixed(1)} s for ${(srcBytes / 2 ** 30).toFixed(2)} GiB of safetensors; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (during: ${peakAt}); ${files.join(', ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
