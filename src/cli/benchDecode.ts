/**
 * `diffcoder bench-decode`: one fixed decoding workload through each execution provider separately
 * (not as a fallback chain), and through the PyTorch reference sampler on the same machine, side by
 * side: tokens/s (prefill included, per request as a user waits for it), tokens per forward pass, ms
 * per forward pass, load time, worker memory and GPU memory. scripts/bench-gpu.sh runs it on a GPU
 * machine for the bundled model and an 8B-shaped int4 package; `--smoke` there runs it on a CPU.
 *
 * Prompts: real source files (the same contexts as `diffcoder bench`), prefix + suffix cut to about
 * --prompt-tokens, answers of --new-tokens (fixed schedule by default: one token per forward pass, so
 * every provider and the reference do the same number of passes on any weights).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { EngineClient } from '../client/engineClient';
import { fitFimPrompt, promptRoom } from '../engine/clipContext';
import { thresholdFor } from '../engine/tasks';
import type { Manifest } from '../engine/package/manifest';
import type { DecodingOptions, GenerateResult } from '../engine/protocol';
import { platformProviders } from '../engine/session/createSession';
import { CodeTokenizer } from '../engine/tokenizer';
import { findPython, makeContext, referenceRequest, sourceFiles } from './bench';
import { decoding, loadParams, number, packageRoot, parse, UsageError, workerPath } from './options';

export interface EngineRow {
  provider: string;
  available: boolean;
  /** Why the provider did not load (when it did not). */
  reason?: string;
  device?: string;
  loadMs?: number;
  requests?: number;
  tokens?: number;
  forwardPasses?: number;
  decodeMs?: number;
  tokensPerSecond?: number;
  tokensPerForward?: number;
  msPerForward?: number;
  workerRssMiB?: number;
  gpuMemMiB?: number;
  notes?: string[];
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** GPU memory in use on the machine (MiB), when nvidia-smi is there. */
function gpuMemUsed(): number | undefined {
  const r = spawnSync('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const v = Number(r.stdout.trim().split('\n')[0]);
  return Number.isFinite(v) ? v : undefined;
}

interface Prompt {
  prefix: string;
  suffix: string;
  ids: number[];
}

function makePrompts(tok: CodeTokenizer, m: Manifest, n: number, promptTokens: number, newTokens: number): Prompt[] {
  const out: Prompt[] = [];
  const files = sourceFiles();
  const suffixTokens = Math.max(1, Math.round(promptTokens * 0.2));
  for (let i = 0; i < files.length && out.length < n; i++) {
    const f = files[Math.floor((i * files.length) / Math.min(files.length, n * 3)) % files.length];
    const c = makeContext(tok, f, promptTokens - suffixTokens, suffixTokens);
    if (!c || out.some((p) => p.prefix === c.prefix)) continue;
    out.push({ prefix: c.prefix, suffix: c.suffix, ids: fitFimPrompt(tok, m, c.prefix, c.suffix, promptRoom(m, newTokens)).ids });
  }
  if (!out.length) throw new UsageError('no source files found to make prompts from');
  return out;
}

async function runEngine(provider: string, modelDir: string, threads: number | undefined, prompts: Prompt[], newTokens: number, dec: DecodingOptions, log: (s: string) => void): Promise<EngineRow> {
  const gpuBefore = gpuMemUsed();
  const engine = new EngineClient({ workerPath: workerPath(), maxRestartsPerMinute: 0 });
  try {
    const info = await engine.load({ modelDir, providers: [provider], threads });
    if (info.device !== provider) {
      return { provider, available: false, reason: info.fallback.find((f) => f.startsWith(`${provider}:`)) ?? `fell back to ${info.device}` };
    }
    log(`${provider}: loaded in ${info.loadMs} ms; warming up`);
    await engine.complete({ prefix: prompts[0].prefix, suffix: prompts[0].suffix, maxTokens: Math.min(8, newTokens), decoding: dec });
    const results: GenerateResult[] = [];
    for (const [i, p] of prompts.entries()) {
      const r = await engine.complete({ prefix: p.prefix, suffix: p.suffix, maxTokens: newTokens, decoding: dec });
      results.push(r);
      log(`${provider}: ${i + 1}/${prompts.length}: ${r.tokens} tokens, ${r.forwardPasses} passes, ${r.ms} ms (prompt ${r.promptTokens}, ${r.stoppedBy})`);
    }
    const gpuAfter = gpuMemUsed();
    const stats = await engine.stats();
    const sum = (k: 'tokens' | 'forwardPasses' | 'ms') => results.reduce((s, r) => s + r[k], 0);
    return {
      provider,
      available: true,
      device: info.device,
      loadMs: info.loadMs,
      requests: results.length,
      tokens: sum('tokens'),
      forwardPasses: sum('forwardPasses'),
      decodeMs: round(sum('ms')),
      tokensPerSecond: round((sum('tokens') * 1000) / Math.max(1e-9, sum('ms'))),
      tokensPerForward: round(sum('tokens') / Math.max(1, sum('forwardPasses')), 2),
      msPerForward: round(sum('ms') / Math.max(1, sum('forwardPasses')), 2),
      workerRssMiB: round(stats.rssBytes / 2 ** 20),
      ...(gpuBefore !== undefined && gpuAfter !== undefined ? { gpuMemMiB: gpuAfter - gpuBefore } : {}),
      notes: info.notes ?? [],
    };
  } catch (e) {
    return { provider, available: false, reason: (e as Error).message.split('\n')[0] };
  } finally {
    await engine.dispose();
  }
}

interface PyLine {
  tokens?: number[];
  forward_passes?: number;
  ms?: number;
  ready?: boolean;
  stats?: Record<string, unknown>;
}

async function runReference(py: string, checkpoint: string, modelDir: string, device: string, dtype: string, threads: number, reqs: object[]): Promise<{ results: PyLine[]; stats: Record<string, unknown> }> {
  const child = spawn(py, ['-m', 'scripts.diffcoder.decode_reference', '--checkpoint', checkpoint, '--package', modelDir, '--threads', String(threads), '--device', device, '--dtype', dtype, '--stats'], {
    cwd: packageRoot(),
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const results: PyLine[] = [];
  let stats: Record<string, unknown> = {};
  readline.createInterface({ input: child.stdout }).on('line', (l) => {
    const r = JSON.parse(l) as PyLine;
    if (r.stats) stats = r.stats;
    else if (!r.ready) results.push(r);
  });
  const done = new Promise<void>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`reference sampler failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)))));
  child.stdin.end(reqs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await done;
  return { results, stats };
}

export async function benchDecode(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, {
    prompts: { type: 'string' },
    'prompt-tokens': { type: 'string' },
    'new-tokens': { type: 'string' },
    checkpoint: { type: 'string' },
    'python-device': { type: 'string' },
    'python-dtype': { type: 'string' },
    'no-python': { type: 'boolean' },
    out: { type: 'string' },
  });
  const load = loadParams({ ...v, providers: undefined });
  const providers = typeof v.providers === 'string' ? v.providers.split(',').map((s) => s.trim()).filter(Boolean) : platformProviders();
  const n = number(v, 'prompts', (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1') ?? 4;
  const promptTokens = number(v, 'prompt-tokens', (x) => Number.isInteger(x) && x >= 16, 'an integer >= 16') ?? 512;
  const newTokens = number(v, 'new-tokens', (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1') ?? 64;
  const manifest = JSON.parse(fs.readFileSync(path.join(load.modelDir, 'diffcoder.json'), 'utf8')) as Manifest;
  const tok = CodeTokenizer.fromFile(path.join(load.modelDir, 'tokenizer.json'));
  // One token per forward pass unless told otherwise: the same passes for every provider and weights.
  const dec: DecodingOptions = { mode: 'fixed', stepsPerBlock: manifest.blockSize, ...decoding(v) };
  const prompts = makePrompts(tok, manifest, n, promptTokens, newTokens);
  const log = (s: string) => process.stderr.write(s + '\n');
  log(`${manifest.name} (${manifest.weights.dtype}, ${manifest.architecture.numLayers} layers): ${prompts.length} prompts of ${prompts.map((p) => p.ids.length).join('/')} tokens, ${newTokens} new tokens each, ${dec.mode}${dec.mode === 'fixed' ? ` ${dec.stepsPerBlock} steps/block` : ` threshold ${dec.threshold ?? manifest.decoding.threshold}`}`);

  const rows: EngineRow[] = [];
  for (const p of providers) {
    log(`== ${p}`);
    rows.push(await runEngine(p, load.modelDir, load.threads, prompts, newTokens, dec, log));
    if (!rows.at(-1)!.available) log(`${p}: not available: ${rows.at(-1)!.reason}`);
  }

  let reference: Record<string, unknown> = { skipped: 'not attempted' };
  const checkpoint = typeof v.checkpoint === 'string' ? path.resolve(v.checkpoint) : undefined;
  const tried: string[] = [];
  const py = v['no-python'] ? undefined : findPython(tried);
  if (v['no-python']) reference = { skipped: '--no-python' };
  else if (!checkpoint) reference = { skipped: 'no --checkpoint (the weights the package was converted from)' };
  else if (!py) reference = { skipped: `no python3 with torch: ${tried.join('; ')}` };
  else {
    const device = typeof v['python-device'] === 'string' ? v['python-device'] : 'auto';
    const dtype = typeof v['python-dtype'] === 'string' ? v['python-dtype'] : 'fp32';
    const d = { ...manifest.decoding, ...dec, threshold: thresholdFor(manifest.decoding, dec, 'infill') }; // the prompts are completions
    const req = (ids: number[], max: number) => referenceRequest(d, ids, max);
    log(`== pytorch reference (${device}, ${dtype})`);
    try {
      // the first request warms the device up and is not counted
      const { results, stats } = await runReference(py, checkpoint, load.modelDir, device, dtype, load.threads || 2, [req(prompts[0].ids, Math.min(8, newTokens)), ...prompts.map((p) => req(p.ids, newTokens))]);
      const timed = results.slice(1);
      const tokens = timed.reduce((s, r) => s + (r.tokens?.length ?? 0), 0);
      const passes = timed.reduce((s, r) => s + (r.forward_passes ?? 0), 0);
      const ms = timed.reduce((s, r) => s + (r.ms ?? 0), 0);
      reference = {
        device: stats.device,
        dtype,
        ...(stats.gpu ? { gpu: stats.gpu } : {}),
        requests: timed.length,
        tokens,
        forwardPasses: passes,
        decodeMs: round(ms),
        tokensPerSecond: round((tokens * 1000) / Math.max(1e-9, ms)),
        tokensPerForward: round(tokens / Math.max(1, passes), 2),
        msPerForward: round(ms / Math.max(1, passes), 2),
        loadS: stats.load_s,
        ...(typeof stats.max_memory_allocated_bytes === 'number' ? { gpuMemMiB: round(stats.max_memory_allocated_bytes / 2 ** 20) } : {}),
        torch: stats.torch,
        note: 'scripts/diffcoder/sampler.py: the reference algorithm, logits copied to the CPU for each pick',
      };
    } catch (e) {
      reference = { skipped: (e as Error).message };
    }
  }

  const report = {
    model: { name: manifest.name, weights: manifest.weights.dtype, layers: manifest.architecture.numLayers, hidden: manifest.architecture.hiddenSize, vocab: manifest.architecture.vocabSize, dir: load.modelDir },
    workload: { prompts: prompts.length, promptTokens: prompts.map((p) => p.ids.length), newTokens, decoding: dec },
    host: { platform: `${process.platform}-${process.arch}`, node: process.version },
    engine: rows,
    reference,
  };
  if (typeof v.out === 'string') fs.writeFileSync(v.out, JSON.stringify(report, null, 2) + '\n');
  if (v.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const o = (s: string) => process.stdout.write(s + '\n');
  o(`${manifest.name} (${manifest.weights.dtype}, ${manifest.architecture.numLayers} layers, vocab ${manifest.architecture.vocabSize}); ${prompts.length} prompts x ${newTokens} new tokens`);
  o(`${'run'.padEnd(26)} ${'tok/s'.padStart(8)} ${'tok/fwd'.padStart(8)} ${'ms/fwd'.padStart(8)} ${'load s'.padStart(7)} ${'RSS MiB'.padStart(8)} ${'GPU MiB'.padStart(8)}`);
  const cell = (x: unknown, w: number) => String(x ?? '–').padStart(w);
  for (const r of rows) {
    if (!r.available) {
      o(`${`engine ${r.provider}`.padEnd(26)} not available: ${(r.reason ?? '').slice(0, 100)}`);
      continue;
    }
    o(`${`engine ${r.provider}`.padEnd(26)} ${cell(r.tokensPerSecond, 8)} ${cell(r.tokensPerForward, 8)} ${cell(r.msPerForward, 8)} ${cell(round((r.loadMs ?? 0) / 1000, 1), 7)} ${cell(r.workerRssMiB, 8)} ${cell(r.gpuMemMiB, 8)}`);
    for (const nt of r.notes ?? []) o(`  note: ${nt}`);
  }
  if ('skipped' in reference) o(`${'pytorch reference'.padEnd(26)} skipped: ${reference.skipped}`);
  else o(`${`pytorch ${reference.device} ${reference.dtype}`.padEnd(26)} ${cell(reference.tokensPerSecond, 8)} ${cell(reference.tokensPerForward, 8)} ${cell(reference.msPerForward, 8)} ${cell(reference.loadS, 7)} ${cell('', 8)} ${cell(reference.gpuMemMiB, 8)}`);
}
