// Joins `diffcoder bench-decode --out` reports into one JSON and one side-by-side table (scripts/bench-gpu.sh).
//   node scripts/gpu/bench-report.mjs a.json b.json [--out all.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args.splice(outAt, 2)[1] : undefined;
const reports = args.map((f) => {
  try {
    return { file: f, ...JSON.parse(readFileSync(f, 'utf8')) };
  } catch (e) {
    return { file: f, failed: String(e.message ?? e) };
  }
});
let gpu;
try {
  gpu = execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' }).trim();
} catch {
  gpu = 'none (nvidia-smi not found)';
}
const all = { gpu, when: new Date().toISOString(), reports };
if (out) writeFileSync(out, JSON.stringify(all, null, 2) + '\n');

const cell = (x, w) => String(x ?? '–').padStart(w);
const lines = [`GPU: ${gpu}`, ''];
lines.push(`${'model'.padEnd(28)} ${'run'.padEnd(20)} ${'tok/s'.padStart(8)} ${'tok/fwd'.padStart(8)} ${'ms/fwd'.padStart(8)} ${'load s'.padStart(7)} ${'RSS MiB'.padStart(8)} ${'GPU MiB'.padStart(8)}`);
for (const r of reports) {
  if (r.skipped) {
    lines.push(`${r.file}: skipped: ${r.skipped}`);
    continue;
  }
  if (r.failed || !r.model) {
    lines.push(`${r.file}: failed: ${r.failed ?? 'no report'}`);
    continue;
  }
  const name = `${r.model.name} (${r.model.weights}, ${r.model.layers}L)`.slice(0, 28).padEnd(28);
  for (const e of r.engine) {
    if (!e.available) lines.push(`${name} ${`engine ${e.provider}`.padEnd(20)} not available: ${String(e.reason ?? '').slice(0, 90)}`);
    else lines.push(`${name} ${`engine ${e.provider}`.padEnd(20)} ${cell(e.tokensPerSecond, 8)} ${cell(e.tokensPerForward, 8)} ${cell(e.msPerForward, 8)} ${cell(Math.round((e.loadMs ?? 0) / 100) / 10, 7)} ${cell(e.workerRssMiB, 8)} ${cell(e.gpuMemMiB, 8)}`);
  }
  const ref = r.reference ?? {};
  if (ref.skipped) lines.push(`${name} ${'pytorch reference'.padEnd(20)} skipped: ${String(ref.skipped).slice(0, 90)}`);
  else lines.push(`${name} ${`pytorch ${ref.device} ${ref.dtype}`.padEnd(20)} ${cell(ref.tokensPerSecond, 8)} ${cell(ref.tokensPerForward, 8)} ${cell(ref.msPerForward, 8)} ${cell(ref.loadS, 7)} ${cell('', 8)} ${cell(ref.gpuMemMiB, 8)}`);
  const w = r.workload;
  lines.push(`${''.padEnd(28)} workload: ${w.prompts} prompts of ${w.promptTokens.join('/')} tokens, ${w.newTokens} new tokens, ${w.decoding.mode}${w.decoding.mode === 'fixed' ? ` ${w.decoding.stepsPerBlock}/block` : ''}${w.decoding.draftStates ? `, ${w.decoding.draftStates} drafts per pass` : ''}`);
}
process.stdout.write(lines.join('\n') + '\n');
