/**
 * `diffcoder bench`: inline-completion latency and decoding speed on real code, side by side in one run.
 *
 * Contexts: real source files shipped with DiffCoder (its own sources, or its node_modules in an install),
 * the cursor at the start of a line whose rest is missing (as if being written), ~1k tokens of
 * prefix + suffix around it. Workloads, each on every context:
 *   cold        one request per context in turn, so nothing is reused from the previous request;
 *   warm        typing: the prefix grows by the next 1-3 characters of the missing line per request, the
 *               suffix stays, so the KV of the shared blocks is reused;
 *   first keystroke  the request of the first character typed at a context, after a prefill of the context
 *               (what the editor sends where the cursor comes to rest) vs after a request elsewhere;
 *   one-line (stop at the line break, 32 tokens) and multi-line (64 tokens);
 *   threshold decoding (the package's setting) against one token per step (fixed, steps = block size),
 *               interleaved per context on the same prompt with its KV reused, so both measure decoding
 *               alone under the same machine load;
 *   edits       the 16 lines from the cursor's line on, "Add a docstring", threshold decoding with and
 *               without prompt lookup and one token per step, interleaved the same way (an edit copies
 *               most of its code, which is what prompt lookup decodes in parallel).
 * Where python3 with torch and the package's checkpoint are found, the cold prompts also go through the
 * reference sampler (scripts/diffcoder/sampler.py) on the same weights: a baseline from the same run.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import type { Manifest } from '../engine/package/manifest';
import { fitFimPrompt, promptRoom } from '../engine/clipContext';
import { thresholdFor } from '../engine/tasks';
import type { CompleteParams, DecodingOptions, GenerateResult } from '../engine/protocol';
import { CodeTokenizer } from '../engine/tokenizer';
import { withEngine } from './engine';
import { decoding, loadParams, number, packageRoot, parse, UsageError } from './options';

interface Context {
  file: string;
  prefix: string;
  suffix: string;
  /** The missing line, typed a few characters per warm request. */
  line: string;
  /** The 16 lines from the cursor's line on: the code of an edit request. */
  code: string;
}

interface Sample {
  latencyMs: number;
  result: GenerateResult;
}

export interface BenchRow {
  name: string;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  /** Decoding time inside the worker (no IPC, no tokenization). */
  engineP50Ms: number;
  tokens: number;
  tokensPerSecond: number;
  tokensPerPass: number;
  forwardPasses: number;
  reusedTokens: number;
  promptTokens: number;
}

function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function row(name: string, samples: Sample[]): BenchRow {
  const sum = (f: (s: Sample) => number) => samples.reduce((a, s) => a + f(s), 0);
  const tokens = sum((s) => s.result.tokens);
  const ms = sum((s) => s.result.ms);
  return {
    name,
    requests: samples.length,
    p50Ms: round(percentile(samples.map((s) => s.latencyMs), 50)),
    p95Ms: round(percentile(samples.map((s) => s.latencyMs), 95)),
    engineP50Ms: round(percentile(samples.map((s) => s.result.ms), 50)),
    tokens,
    tokensPerSecond: round(ms > 0 ? (tokens * 1000) / ms : 0),
    tokensPerPass: round(tokens / Math.max(1, sum((s) => s.result.forwardPasses)), 2),
    forwardPasses: sum((s) => s.result.forwardPasses),
    reusedTokens: sum((s) => s.result.reusedTokens),
    promptTokens: sum((s) => s.result.promptTokens),
  };
}

/** Source files to take contexts from: big enough, sorted for a deterministic choice. */
export function sourceFiles(): string[] {
  const root = packageRoot();
  const dirs = ['src', 'scripts', 'node_modules/vscode-jsonrpc/lib', 'node_modules/onnxruntime-common/dist/cjs', 'node_modules/@huggingface/jinja/dist'];
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|py)$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.min.js')) {
        const size = fs.statSync(p).size;
        if (size > 8_000 && size < 400_000) out.push(p);
      }
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return out;
}

/** The cursor at the start (after indentation) of a substantial line ~60% into the file. */
export function makeContext(tok: CodeTokenizer, file: string, prefixTokens = 768, suffixTokens = 256): Context | undefined {
  const text = fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  const lines = text.split('\n');
  let offset = 0;
  const starts = lines.map((l) => {
    const s = offset;
    offset += l.length + 1;
    return s;
  });
  for (let i = Math.floor(lines.length * 0.6); i < lines.length; i++) {
    const body = lines[i].trimStart();
    if (body.length < 20 || body.startsWith('//') || body.startsWith('#') || body.startsWith('*')) continue;
    const cursor = starts[i] + lines[i].length - body.length;
    const after = starts[i] + lines[i].length; // the missing line ends here; the suffix starts at its line break
    const pre = tok.encode(text.slice(Math.max(0, cursor - prefixTokens * 8), cursor));
    const suf = tok.encode(text.slice(after, after + suffixTokens * 8));
    const prefix = tok.decode(pre.slice(-prefixTokens)).replace(/^[^\n]*\n/, '');
    const suffix = tok.decode(suf.slice(0, suffixTokens)).replace(/\n[^\n]*$/, '\n');
    return { file, prefix, suffix, line: body, code: lines.slice(i, i + 16).join('\n') + '\n' };
  }
  return undefined;
}

/** A request to scripts/diffcoder/decode_reference.py decoding as the engine does with `d`. */
export function referenceRequest(d: Manifest['decoding'] & DecodingOptions, prompt: number[], maxTokens: number) {
  return {
    prompt,
    max_new_tokens: maxTokens,
    mode: d.mode,
    threshold: d.threshold,
    steps_per_block: d.stepsPerBlock,
    prompt_lookup: d.promptLookup ?? true,
    temperature: d.temperature ?? 0,
    seed: d.seed ?? 0,
  };
}

/** A python3 that can import torch; undefined if none (with what each candidate said). */
export function findPython(tried: string[]): string | undefined {
  for (const py of [process.env.DIFFCODER_PYTHON, 'python3', '/usr/bin/python3']) {
    if (!py) continue;
    // cwd: the user's folder may hold a module that shadows the standard library (a copy.py...)
    const r = spawnSync(py, ['-c', 'import torch'], { cwd: packageRoot(), encoding: 'utf8', env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } });
    if (r.status === 0) return py;
    tried.push(`${py}: ${r.error?.message ?? (r.stderr.trim().split('\n').pop() || `exit ${r.status ?? r.signal}`)}`);
  }
  return undefined;
}

interface PyResult {
  tokens: number[];
  forward_passes: number;
  stopped_by: string;
  ms: number;
}

async function runReference(py: string, checkpoint: string, modelDir: string, threads: number, requests: object[]): Promise<PyResult[]> {
  const child = spawn(py, ['-m', 'scripts.diffcoder.decode_reference', '--checkpoint', checkpoint, '--package', modelDir, '--threads', String(threads)], {
    cwd: packageRoot(),
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const results: PyResult[] = [];
  const rl = readline.createInterface({ input: child.stdout });
  const done = new Promise<void>((resolve, reject) => {
    rl.on('line', (l) => {
      const r = JSON.parse(l);
      if (!r.ready) results.push(r);
    });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`reference sampler failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`))));
  });
  child.stdin.end(requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await done;
  return results;
}

export async function bench(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, { contexts: { type: 'string' }, typing: { type: 'string' }, checkpoint: { type: 'string' }, 'no-python': { type: 'boolean' } });
  const load = loadParams(v);
  const nContexts = number(v, 'contexts', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1') ?? 8;
  const typing = number(v, 'typing', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1') ?? 4;
  const dec: DecodingOptions = decoding(v);
  const manifest = JSON.parse(fs.readFileSync(path.join(load.modelDir, 'diffcoder.json'), 'utf8')) as Manifest;
  const tok = CodeTokenizer.fromFile(path.join(load.modelDir, 'tokenizer.json'));

  const files = sourceFiles();
  const contexts: Context[] = [];
  for (let i = 0; i < files.length && contexts.length < nContexts; i++) {
    const f = files[Math.floor((i * files.length) / Math.min(files.length, nContexts * 2)) % files.length];
    const c = makeContext(tok, f);
    if (c && !contexts.some((x) => x.file === c.file)) contexts.push(c);
  }
  if (!contexts.length) throw new UsageError('no source files found to take contexts from');
  const log = (s: string) => process.stderr.write(s + '\n');

  const B = manifest.blockSize;
  const threshold = { ...dec };
  const oneTokenPerStep: DecodingOptions = { ...dec, mode: 'fixed', stepsPerBlock: B };
  const kinds = [
    { name: 'one-line', singleLine: true, maxTokens: 32 },
    { name: 'multi-line', singleLine: false, maxTokens: 64 },
  ];

  const result = await withEngine(load, v.verbose === true, async ({ engine, model, token }) => {
    const ask = async (p: CompleteParams): Promise<Sample> => {
      const t0 = performance.now();
      const result = await engine.complete(p, token);
      return { latencyMs: performance.now() - t0, result };
    };
    const params = (c: Context, k: (typeof kinds)[number], d: DecodingOptions, typed = 0): CompleteParams => ({
      prefix: c.prefix + c.line.slice(0, typed),
      suffix: c.suffix,
      maxTokens: k.maxTokens,
      singleLine: k.singleLine,
      decoding: d,
    });
    // JIT and allocator warm-up, not measured.
    await ask(params(contexts[0], kinds[1], threshold));
    await ask({ prefix: 'x', suffix: '', maxTokens: 4 });

    const rows: BenchRow[] = [];
    const cold: Record<string, Sample[]> = {};
    for (const k of kinds) {
      log(`${k.name}: cold`);
      cold[k.name] = [];
      for (const c of contexts) cold[k.name].push(await ask(params(c, k, threshold)));
      rows.push(row(`${k.name} cold`, cold[k.name]));
      log(`${k.name}: warm (typing)`);
      const warm: Sample[] = [];
      for (const c of contexts) {
        await ask(params(c, k, threshold)); // the request before the first keystroke
        let typed = 0;
        for (let j = 0; j < typing && typed < c.line.length; j++) {
          typed += 1 + (j % 3);
          warm.push(await ask(params(c, k, threshold, typed)));
        }
      }
      rows.push(row(`${k.name} warm (typing)`, warm));
    }
    // Where the cursor comes to rest the editor prefills the prompt (Completer.prefill): the first
    // keystroke there after a prefill vs after nothing, interleaved per context.
    log('one-line: first keystroke at a new place, after a prefill vs cold');
    const firstKey = { cold: [] as Sample[], prefilled: [] as Sample[], prefillMs: [] as number[] };
    for (const c of contexts) {
      const key = params(c, kinds[0], threshold, 1);
      await ask({ prefix: 'x', suffix: '', maxTokens: 4 }); // elsewhere
      firstKey.cold.push(await ask(key));
      await ask({ prefix: 'x', suffix: '', maxTokens: 4 });
      firstKey.prefillMs.push((await engine.prefill({ prefix: c.prefix, suffix: c.suffix, maxTokens: kinds[0].maxTokens }, token)).ms);
      firstKey.prefilled.push(await ask(key));
    }
    rows.push(row('one-line first keystroke, cold', firstKey.cold), row('one-line first keystroke, after a prefill', firstKey.prefilled));
    const prefillP50Ms = percentile(firstKey.prefillMs, 50);

    log('multi-line: threshold vs one token per step');
    const fixed: Sample[] = [];
    const thresholdSame: Sample[] = [];
    for (const c of contexts) {
      await ask(params(c, kinds[1], threshold)); // the prompt's KV, so both runs below decode only
      fixed.push(await ask(params(c, kinds[1], oneTokenPerStep)));
      thresholdSame.push(await ask(params(c, kinds[1], threshold)));
    }
    rows.push(row(`multi-line, prompt reused: threshold`, thresholdSame));
    rows.push(row(`multi-line, prompt reused: one token per step (fixed, ${B}/block)`, fixed));

    // What the editor asks: its suggestions end at the first unsure line, so decoding stops there too.
    log('multi-line: whole answer vs stopped at the first unsure line');
    const unsureRows: BenchRow[] = [];
    if (manifest.decoding.minLineConfidence) {
      const whole: Sample[] = [];
      const stopped: Sample[] = [];
      for (const c of contexts) {
        await ask(params(c, kinds[1], threshold));
        whole.push(await ask(params(c, kinds[1], threshold)));
        stopped.push(await ask({ ...params(c, kinds[1], threshold), minLineConfidence: 'package' }));
      }
      unsureRows.push(row('multi-line, prompt reused: whole answer', whole), row('multi-line, prompt reused: to the first unsure line', stopped));
    }

    log('edits: prompt lookup vs without vs one token per step');
    const editAsk = async (c: Context, d: DecodingOptions): Promise<Sample> => {
      const t0 = performance.now();
      const result = await engine.edit({ instruction: 'Add a docstring', code: c.code, maxTokens: 512, decoding: d }, token);
      return { latencyMs: performance.now() - t0, result };
    };
    const edits = { lookup: [] as Sample[], none: [] as Sample[], one: [] as Sample[] };
    for (const c of contexts) {
      await editAsk(c, threshold); // the prompt's KV, so the runs below decode only
      edits.lookup.push(await editAsk(c, { ...threshold, promptLookup: true }));
      edits.none.push(await editAsk(c, { ...threshold, promptLookup: false }));
      edits.one.push(await editAsk(c, oneTokenPerStep));
    }
    const editRows = [
      row('edit (16 lines), prompt reused: threshold + prompt lookup', edits.lookup),
      row('edit (16 lines), prompt reused: threshold, no prompt lookup', edits.none),
      row(`edit (16 lines), prompt reused: one token per step (fixed, ${B}/block)`, edits.one),
    ];
    // Drafts run more positions per pass for fewer passes: whether that is faster depends on the device
    // and the model, so it is measured here, side by side (scripts/model_card.py chooses a package's default).
    log(`drafts per pass: ${DRAFT_SETTINGS.join(' vs ')}`);
    const draftRows: BenchRow[] = [];
    const draftSame: Record<string, string> = {};
    const workloads = [
      { name: 'one-line', ask: (c: Context, d: DecodingOptions) => ask(params(c, kinds[0], d)) },
      { name: 'multi-line', ask: (c: Context, d: DecodingOptions) => ask(params(c, kinds[1], d)) },
      { name: 'edit (16 lines)', ask: editAsk },
    ];
    for (const wl of workloads) {
      const runs = DRAFT_SETTINGS.map(() => [] as Sample[]);
      for (const c of contexts) {
        await wl.ask(c, threshold); // the prompt's KV, so the runs below decode only
        for (const [i, n] of DRAFT_SETTINGS.entries()) runs[i].push(await wl.ask(c, { ...threshold, draftStates: n }));
      }
      for (const [i, n] of DRAFT_SETTINGS.entries()) {
        draftRows.push(row(`${wl.name}, prompt reused: drafts ${n}`, runs[i]));
        draftSame[`${wl.name} ${n}`] = `${runs[i].filter((s, j) => s.result.text === runs[0][j].result.text).length}/${contexts.length}`;
      }
    }
    const stats = await engine.stats();
    return { rows, editRows, unsureRows, draftRows, draftSame, cold, model, rssBytes: stats.rssBytes, prefillP50Ms };
  });

  const { rows, editRows, unsureRows, draftRows, cold, model } = result;
  const thr = rows.find((r) => r.name === 'multi-line, prompt reused: threshold')!;
  const one = rows.find((r) => r.name.startsWith('multi-line, prompt reused: one token per step'))!;
  const msPerToken = (r: BenchRow) => (r.tokensPerSecond > 0 ? 1000 / r.tokensPerSecond : NaN);
  const speedup = round(msPerToken(one) / msPerToken(thr), 2);
  const [editLookup, editNone, editOne] = editRows;
  const lookupGain = { vsNoLookup: round(msPerToken(editNone) / msPerToken(editLookup), 2), vsOneTokenPerStep: round(msPerToken(editOne) / msPerToken(editLookup), 2) };
  const byName = (n: string) => rows.find((r) => r.name === n)!;
  // p50 ratio cold/warm; one-line answers end at different lengths, multi-line ones mostly at the budget
  const warmGain = (k: string) => round(byName(`${k} cold`).p50Ms / byName(`${k} warm (typing)`).p50Ms, 2);
  const warmOne = byName('one-line warm (typing)');
  const firstKey = { cold: byName('one-line first keystroke, cold'), prefilled: byName('one-line first keystroke, after a prefill') };

  // Python reference on the same cold prompts, where it can run.
  let reference: Record<string, unknown> = { skipped: 'not attempted' };
  const checkpoint = typeof v.checkpoint === 'string' ? path.resolve(v.checkpoint) : referenceCheckpoint(manifest, load.modelDir);
  const tried: string[] = [];
  const py = v['no-python'] ? undefined : findPython(tried);
  if (v['no-python']) reference = { skipped: '--no-python' };
  else if (!py) reference = { skipped: `no python3 with torch found (set DIFFCODER_PYTHON): ${tried.join('; ')}` };
  else if (!fs.existsSync(path.join(packageRoot(), 'scripts', 'diffcoder', 'sampler.py'))) reference = { skipped: 'scripts/diffcoder/sampler.py is not part of this install' };
  else if (!checkpoint) reference = { skipped: "no checkpoint for this package's weights (pass --checkpoint DIR)" };
  else {
    log('python reference sampler: cold prompts');
    // the cold prompts are completions: the threshold the worker uses for them
    const d = { ...manifest.decoding, ...dec, threshold: thresholdFor(manifest.decoding, dec, 'infill') };
    const reqs: { kind: string; req: object }[] = [];
    const newline = [...tok.newlineTokenIds()];
    for (const k of kinds) {
      for (const c of contexts) {
        // the prompt exactly as the worker builds it (clipped to the context the same way)
        const prompt = fitFimPrompt(tok, manifest, c.prefix, c.suffix, promptRoom(manifest, k.maxTokens)).ids;
        reqs.push({ kind: k.name, req: { ...referenceRequest(d, prompt, k.maxTokens), stop_ids: k.singleLine ? newline : [] } });
      }
    }
    try {
      const out = await runReference(py, checkpoint, load.modelDir, load.threads || 2, reqs.map((r) => r.req));
      const per: Record<string, unknown> = {};
      for (const k of kinds) {
        const py = out.filter((_, i) => reqs[i].kind === k.name);
        const ts = cold[k.name];
        const pyP50 = percentile(py.map((r) => r.ms), 50);
        const tsP50 = percentile(ts.map((s) => s.result.ms), 50);
        // The same answer is expected on fp32 weights; quantized packages differ from the checkpoint.
        const text = (r: PyResult) => (k.singleLine ? tok.decode(r.tokens).split(/\r?\n/, 1)[0] : tok.decode(r.tokens));
        const same = py.filter((r, i) => ts[i].result.text === text(r) && ts[i].result.forwardPasses === r.forward_passes).length;
        per[k.name] = { pythonP50Ms: round(pyP50), engineP50Ms: round(tsP50), engineSpeedup: round(pyP50 / tsP50, 2), sameAnswers: `${same}/${py.length}` };
      }
      const note = model.weights === 'fp32' ? 'fp32 package: answers should match' : `${model.weights} package vs the fp32 checkpoint: answers may differ`;
      reference = { python: py, checkpoint, note, ...per };
    } catch (e) {
      reference = { skipped: (e as Error).message };
    }
  }

  const report = {
    model: { name: model.name, version: model.version, weights: model.weights, device: model.device, dir: model.modelDir },
    threads: load.threads ?? 0,
    decoding: { ...manifest.decoding, ...dec },
    contexts: contexts.map((c) => path.relative(packageRoot(), c.file)),
    rows: [...rows, ...unsureRows, ...editRows, ...draftRows],
    drafts: drafts(draftRows, result.draftSame),
    promptLookupOnEdits: { ...lookupGain, tokensPerPass: { lookup: editLookup.tokensPerPass, noLookup: editNone.tokensPerPass, oneTokenPerStep: editOne.tokensPerPass } },
    thresholdVsOneTokenPerStep: { speedup, thresholdTokensPerPass: thr.tokensPerPass, oneTokenPerStepTokensPerPass: one.tokensPerPass },
    ...(unsureRows.length ? { unsureLineStop: unsureStop(unsureRows, manifest.decoding.minLineConfidence!) } : {}),
    firstKeystroke: { coldP50Ms: firstKey.cold.p50Ms, prefilledP50Ms: firstKey.prefilled.p50Ms, speedup: round(firstKey.cold.p50Ms / firstKey.prefilled.p50Ms, 2), prefillP50Ms: round(result.prefillP50Ms) },
    warmVsCold: { oneLineP50Speedup: warmGain('one-line'), multiLineP50Speedup: warmGain('multi-line'), reusedShare: round(warmOne.reusedTokens / Math.max(1, warmOne.promptTokens), 3) },
    workerRssMB: round(result.rssBytes / 2 ** 20),
    reference,
  };
  if (v.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const o = (s: string) => process.stdout.write(s + '\n');
  const thresholds = `${thresholdFor(manifest.decoding, dec, 'infill')} (completions) / ${thresholdFor(manifest.decoding, dec, 'edit')} (edits)`;
  o(`model ${model.name} ${model.version} (${model.weights}) on ${model.device}, threads ${load.threads || 'default'}, block ${B}, ${report.decoding.mode} ${report.decoding.mode === 'threshold' ? thresholds : report.decoding.stepsPerBlock + ' steps/block'}`);
  o(`${contexts.length} contexts (~1k tokens of prefix + suffix) from ${[...new Set(report.contexts.map((c) => c.split(path.sep).slice(0, 2).join('/')))].join(', ')}`);
  o('');
  const w = Math.max(...report.rows.map((r) => r.name.length)) + 2;
  o(`${'workload'.padEnd(w)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'engine'.padStart(8)} ${'tok/s'.padStart(8)} ${'tok/pass'.padStart(8)} ${'reused'.padStart(7)}`);
  for (const r of report.rows) {
    o(`${r.name.padEnd(w)} ${r.p50Ms.toFixed(1).padStart(8)} ${r.p95Ms.toFixed(1).padStart(8)} ${r.engineP50Ms.toFixed(1).padStart(8)} ${r.tokensPerSecond.toFixed(1).padStart(8)} ${r.tokensPerPass.toFixed(2).padStart(8)} ${(((100 * r.reusedTokens) / Math.max(1, r.promptTokens)).toFixed(1) + '%').padStart(7)}`);
  }
  o('');
  o(`threshold vs one token per step: ${speedup}x faster per generated token (${thr.tokensPerPass} vs ${one.tokensPerPass} tokens per pass)`);
  o(`edits, prompt lookup: ${lookupGain.vsNoLookup}x faster per generated token than threshold alone, ${lookupGain.vsOneTokenPerStep}x than one token per step (${editLookup.tokensPerPass} vs ${editNone.tokensPerPass} vs ${editOne.tokensPerPass} tokens per pass)`);
  if (report.unsureLineStop) {
    const u = report.unsureLineStop;
    o(`multi-line, stopped at the first line below ${u.floor} (what the editor asks): p50 ${u.p50Speedup}x faster than the whole answer, forward passes in all ${u.passes[0]} -> ${u.passes[1]}`);
  }
  for (const d of report.drafts) {
    o(`${d.workload}, drafts ${d.draftStates}: ${d.speedup}x as fast per generated token as none (${d.tokensPerPass[1]} vs ${d.tokensPerPass[0]} tokens per pass; same answers ${d.sameAnswers})`);
  }
  const wc = report.warmVsCold;
  o(`warm (typing) vs cold p50: one-line ${wc.oneLineP50Speedup}x, multi-line ${wc.multiLineP50Speedup}x (${round(100 * wc.reusedShare, 1)}% of prompt tokens reused)`);
  const fk = report.firstKeystroke;
  o(`first keystroke at a new place (one-line), after a prefill where the cursor rested vs cold: p50 ${fk.prefilledP50Ms} vs ${fk.coldP50Ms} ms -> ${fk.speedup}x (the prefill itself: ${fk.prefillP50Ms} ms p50, while the cursor rests)`);
  o(`worker RSS: ${report.workerRssMB} MB`);
  if ('skipped' in reference) o(`python reference: skipped (${reference.skipped})`);
  else {
    o(`python reference (scripts/diffcoder/sampler.py on ${path.relative(process.cwd(), String(reference.checkpoint)) || '.'}; ${reference.note}):`);
    for (const k of kinds) {
      const r = reference[k.name] as { pythonP50Ms: number; engineP50Ms: number; engineSpeedup: number; sameAnswers: string };
      o(`  ${k.name} cold: p50 ${r.pythonP50Ms} ms vs engine ${r.engineP50Ms} ms (decoding only, both) -> engine ${r.engineSpeedup}x; same answer and passes ${r.sameAnswers}`);
    }
  }
}

/** Drafts per pass (DecodeOptions.draftStates) that `diffcoder bench` compares (0 first: the baseline). */
const DRAFT_SETTINGS = [0, 1, 2, 3];

/** Each drafts setting against none, per workload: per-token speed, tokens per pass, answers unchanged. */
function drafts(rows: BenchRow[], same: Record<string, string>) {
  const out = [];
  for (const base of rows.filter((r) => r.name.endsWith(': drafts 0'))) {
    const workload = base.name.slice(0, base.name.indexOf(', prompt reused'));
    for (const n of DRAFT_SETTINGS.slice(1)) {
      const r = rows.find((x) => x.name === `${workload}, prompt reused: drafts ${n}`)!;
      out.push({ workload, draftStates: n, speedup: round(r.tokensPerSecond / base.tokensPerSecond, 2), tokensPerPass: [base.tokensPerPass, r.tokensPerPass], sameAnswers: same[`${workload} ${n}`] });
    }
  }
  return out;
}

/** Whole multi-line answers vs the same requests stopped at their first unsure line, side by side. */
function unsureStop([whole, stopped]: BenchRow[], floor: number) {
  return { floor, p50Speedup: round(whole.p50Ms / stopped.p50Ms, 2), passes: [whole.forwardPasses, stopped.forwardPasses] };
}

/** The checkpoint the package was converted from, when its provenance names one that exists here. */
function referenceCheckpoint(m: Manifest, modelDir: string): string | undefined {
  const p = m.provenance ?? {};
  for (const key of ['checkpoint', 'sourceCheckpoint']) {
    const v = p[key];
    if (typeof v === 'string') {
      const abs = path.resolve(modelDir, v);
      if (fs.existsSync(path.join(abs, 'config.json'))) return abs;
    }
  }
  return undefined;
}
