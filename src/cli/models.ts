/**
 * `diffcoder convert | download | check`: making, fetching and checking model packages. With --json each
 * prints one JSON object per line on stdout ({"event":"progress",...} while it works, {"event":"done",...}
 * at the end), which is how the editor runs them in a child process (src/client/cliTask.ts).
 * Ctrl+C (SIGINT) or SIGTERM cancels cleanly: a conversion removes its temp folder, a download keeps its
 * partial files for the next run to resume.
 */
import * as fs from 'fs';
import * as path from 'path';
import { installName, manifestUrlFor, PUBLISHED_MODELS } from '../models/catalog';
import { folderKind } from '../models/folderKind';
import { parse, UsageError, type Values } from './options';

type Out = (s: string) => void;
const stdout: Out = (s) => process.stdout.write(s);

/** Progress on stderr for a person (one rewritten line on a terminal), or JSON lines on stdout. */
function reporter(json: boolean, out: Out) {
  const tty = process.stderr.isTTY && !json;
  let last = '';
  return {
    progress(fraction: number | undefined, message: string) {
      if (json) {
        out(JSON.stringify({ event: 'progress', ...(fraction === undefined ? {} : { fraction: Math.round(fraction * 1e4) / 1e4 }), message }) + '\n');
        return;
      }
      const line = `${fraction === undefined ? '' : `${String(Math.floor(fraction * 100)).padStart(3)}% `}${message}`;
      if (line === last) return;
      last = line;
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    end() {
      if (tty && last) process.stderr.write('\n');
    },
  };
}

/** An AbortSignal fired by the first SIGINT/SIGTERM (a second SIGINT quits at once). */
function cancelOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\ncancelling (Ctrl+C again to quit now)\n');
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

const FORMATS = ['int8', 'int4', 'fp16', 'fp32'];
function format(v: Values, name: string, fallback: string | undefined): string | undefined {
  const f = v[name] ?? fallback;
  if (f === undefined) return undefined;
  if (typeof f !== 'string' || !FORMATS.includes(f)) throw new UsageError(`--${name} must be int8, int4, fp16 or fp32 (got ${JSON.stringify(f)})`);
  return f;
}

export async function convert(argv: string[], out: Out = stdout): Promise<void> {
  const { values: v, positionals } = parse(argv, { weights: { type: 'string' }, head: { type: 'string' }, embeddings: { type: 'string' }, int8: { type: 'string' }, name: { type: 'string' } });
  const [src, outDir] = positionals;
  if (!src || !outDir) throw new UsageError('usage: diffcoder convert CHECKPOINT_DIR OUT_DIR [--weights int8|int4|fp16|fp32] [--head FORMAT] [--embeddings FORMAT] [--int8 dynamic|nbits]');
  if (!fs.existsSync(src) || !fs.statSync(src).isDirectory()) throw new UsageError(`${src} is not a folder (a checkpoint folder holds config.json, *.safetensors and tokenizer.json)`);
  const weights = format(v, 'weights', 'int8')!;
  const head = format(v, 'head', undefined);
  const embeddings = format(v, 'embeddings', undefined);
  if (v.int8 !== undefined && v.int8 !== 'dynamic' && v.int8 !== 'nbits') throw new UsageError(`--int8 must be dynamic or nbits (got ${JSON.stringify(v.int8)})`);
  // Loaded on demand: the other commands never need the converter.
  const { convertCheckpoint } = await import('../convert');
  const r = reporter(v.json === true, out);
  const cancel = cancelOnSignals();
  const t0 = Date.now();
  try {
    const m = await convertCheckpoint(src, outDir, {
      weights: weights as 'int8',
      ...(head ? { head: head as 'int8' } : {}),
      ...(embeddings ? { embeddings: embeddings as 'int8' } : {}),
      ...(v.int8 ? { graph: { int8: v.int8 as 'dynamic' | 'nbits' } } : {}),
      ...(typeof v.name === 'string' ? { name: v.name } : {}),
      signal: cancel.signal,
      onProgress: (f, msg) => r.progress(f, msg),
    });
    r.end();
    const a = m.architecture;
    const bytes = Object.values(m.files).reduce((s, f) => s + f.bytes, 0);
    if (v.json) out(JSON.stringify({ event: 'done', dir: path.resolve(outDir), name: m.name, version: m.version, weights: m.weights.dtype, layers: a.numLayers, bytes, seconds: (Date.now() - t0) / 1000 }) + '\n');
    else out(`${outDir}: ${m.name} ${m.version}, ${m.weights.dtype}, ${a.numLayers} layers, hidden ${a.hiddenSize}, vocab ${a.vocabSize}, ${(bytes / 2 ** 30).toFixed(2)} GiB in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  } finally {
    r.end();
    cancel.dispose();
  }
}

export async function download(argv: string[], out: Out = stdout): Promise<void> {
  const { values: v, positionals } = parse(argv, { 'base-url': { type: 'string' }, list: { type: 'boolean' } });
  if (v.list) {
    for (const m of PUBLISHED_MODELS) out(`${m.id.padEnd(36)} ${m.title} (~${m.approxGiB} GiB; best for ${m.bestFor === 'infill' ? 'completions' : 'edits'})\n`);
    return;
  }
  const [what, destArg] = positionals;
  if (!what) throw new UsageError('usage: diffcoder download URL|MODEL_ID [DEST_DIR] [--base-url URL]   (diffcoder download --list: the model ids)');
  const { download } = await import('../models/download');
  const { DownloadError } = await import('../models/downloadError');
  let manifestUrl: string;
  try {
    manifestUrl = manifestUrlFor(what, typeof v['base-url'] === 'string' ? v['base-url'] : process.env.DIFFCODER_MODELS_URL);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const dest = path.resolve(destArg ?? installName(what));
  const r = reporter(v.json === true, out);
  const cancel = cancelOnSignals();
  try {
    const res = await download({
      manifestUrl,
      dest,
      signal: cancel.signal,
      onLog: (l) => (v.json ? out(JSON.stringify({ event: 'log', message: l }) + '\n') : process.stderr.write(`${tty() ? '\r\x1b[K' : ''}${l}\n`)),
      onProgress: (p) => r.progress(p.totalBytes ? p.doneBytes / p.totalBytes : undefined, p.phase === 'downloading' ? `${p.file} (${gib(p.doneBytes)} of ${gib(p.totalBytes)} GiB)` : p.phase),
    });
    r.end();
    if (v.json) out(JSON.stringify({ event: 'done', ...res }) + '\n');
    else out(`${res.dest}: ${res.files} files, ${gib(res.totalBytes)} GiB (${gib(res.fetchedBytes)} GiB fetched now, ${gib(res.reusedBytes)} GiB from an earlier attempt)\n`);
  } catch (e) {
    if (e instanceof DownloadError && e.kind === 'cancelled') throw new Error(`download cancelled; the files fetched so far are kept in ${dest}.download: run the same command again to resume`);
    throw e;
  } finally {
    r.end();
    cancel.dispose();
  }
}

/** Checks a model package the way the engine does before loading it (manifest, sizes, sha256, tokenizer). */
export async function check(argv: string[], out: Out = stdout): Promise<void> {
  const { values: v, positionals } = parse(argv);
  const dir = positionals[0];
  if (!dir) throw new UsageError('usage: diffcoder check MODEL_DIR');
  const abs = path.resolve(dir);
  if (folderKind(abs) === 'checkpoint') {
    const msg = `${abs} is a Hugging Face checkpoint, not a model package: make one with \`diffcoder convert ${dir} OUT_DIR --weights int4\``;
    if (v.json) {
      out(JSON.stringify({ event: 'done', ok: false, kind: 'checkpoint', dir: abs, message: msg }) + '\n');
      return;
    }
    throw new Error(msg);
  }
  const { loadPackage } = await import('../engine/package/loadPackage');
  const { PackageError } = await import('../engine/package/problems');
  try {
    const p = await loadPackage(abs);
    const m = p.manifest;
    const info = { name: m.name, version: m.version, weights: m.weights.dtype, layers: m.architecture.numLayers, chat: m.prompts.edit.chatTemplate !== undefined };
    if (v.json) out(JSON.stringify({ event: 'done', ok: true, kind: 'package', dir: abs, ...info }) + '\n');
    else out(`${abs}: ${info.name} ${info.version} (${info.weights}, ${info.layers} layers${info.chat ? ', chat template' : ''}): every file present and intact\n`);
  } catch (e) {
    if (!(e instanceof PackageError) || !v.json) throw e;
    out(JSON.stringify({ event: 'done', ok: false, kind: 'package', dir: abs, message: e.message, problems: e.problems }) + '\n');
  }
}

const gib = (b: number) => (b / 2 ** 30).toFixed(2);
const tty = () => process.stderr.isTTY;
