/**
 * Tokenizes the corpus and the text examples into what scripts/train.py reads (formats in README.md):
 *   DATA/pretrain.u16   train split, documents shuffled, [bos] text [eos] or (FIM_RATE of them) fimPrompt + middle + [eos]
 *   DATA/val.u16        held-out split, [bos] text [eos]
 *   DATA/sft.u16 + sft.loss.u8 + sft.index.u32   packed SFT rows (see lib/pack.ts)
 *   EVAL/<set>.jsonl + <set>.ids.jsonl           evaluation tasks, from EVAL/candidates/*.jsonl
 *   EVAL/dev/<set>.jsonl                         the next as many candidates that pass the same checks: a
 *                                                development set for choosing settings (scripts/model_card.py),
 *                                                so the reported numbers come from tasks they were not tuned on
 *   DATA/meta.json
 * Prompts are built by src/engine/prompts.ts itself, so training matches inference.
 *
 *   node --import tsx scripts/data/tokenize.ts --corpus build/corpus --data build/data --eval-out build/eval
 */
import * as fs from 'fs';
import * as path from 'path';
import { editPrompt, fimPrompt } from '../../src/engine/prompts';
import type { Manifest } from '../../src/engine/package/manifest';
import { BatchEncoder } from './lib/batchEncoder';
import { manifestFor, specialStrings } from './lib/manifest';
import { Packer, PackedRow, Sample, sampleLength } from './lib/pack';
import { Prng } from './lib/prng';
import { chunkAtLines, randomFimSplit } from './lib/spans';
import { TypedWriter } from './lib/streams';

export interface Options {
  corpus: string;
  data: string;
  evalOut: string;
  tokenizer: string;
  seed: number;
  fimRate: number;        // share of pretraining documents formatted as FIM
  chunkTokens: number;    // long files are cut into pieces of about this many tokens
  rowTokens: number;      // SFT row length (= max sample length)
  fimShare: number;       // share of FIM samples in SFT (the rest are edits)
  maxMiddleTokens: number;
  maxEditTokens: number;
  evalCount: number;
  maxSingleTokens: number;
  maxMultiTokens: number;
  patches?: string;
  skip: Set<string>;      // 'pretrain' | 'val' | 'sft' | 'eval'
}

/** VS Code language ids (what the editor passes as `language` to editPrompt). */
export const EDITOR_LANGUAGE: Record<string, string> = { shell: 'shellscript' };

/** Characters per token used to cut long files before encoding (code averages ~3.5 with our tokenizer;
 * a little less keeps pieces near or under chunkTokens). */
const CHARS_PER_TOKEN = 3.2;

type LangStats = Record<string, { docs: number; tokens: number }>;

function jsonlOffsets(file: string): [number, number][] {
  const buf = fs.readFileSync(file);
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0x0a) {
      if (i > start) out.push([start, i - start]);
      start = i + 1;
    }
  }
  if (start < buf.length) out.push([start, buf.length - start]);
  return out;
}

function readAt(fd: number, [off, len]: [number, number]): string {
  const b = Buffer.alloc(len);
  fs.readSync(fd, b, 0, len, off);
  return b.toString('utf8');
}

function* readJsonl<T>(file: string): Generator<T> {
  const fd = fs.openSync(file, 'r');
  try {
    for (const o of jsonlOffsets(file)) yield JSON.parse(readAt(fd, o)) as T;
  } finally {
    fs.closeSync(fd);
  }
}

function hasSpecial(specials: string[], ...texts: string[]): boolean {
  return texts.some((t) => specials.some((s) => t.includes(s)));
}

interface Doc {
  id: string;
  lang: string;
  text: string;
}

/** Plain or FIM token sequences of a corpus split, written to one stream. */
async function writeDocStream(
  enc: BatchEncoder, m: Manifest, specials: string[], file: string, out: string, opts: Options, fimRate: number, tag: string,
) {
  const s = m.specialTokens;
  const offsets = jsonlOffsets(file);
  const rng = new Prng(`${opts.seed}:${tag}`);
  rng.shuffle(offsets);
  const w = new TypedWriter(out, 2);
  const langs: LangStats = {};
  let docs = 0, chunks = 0, fimDocs = 0, skipped = 0, tokens = 0, maxPiece = 0;
  const fd = fs.openSync(file, 'r');
  const BATCH = 256;
  for (let b = 0; b < offsets.length; b += BATCH) {
    const batch: Doc[] = offsets.slice(b, b + BATCH).map((o) => JSON.parse(readAt(fd, o)));
    const keep = batch.filter((d) => d.text && !hasSpecial(specials, d.text));
    skipped += batch.length - keep.length;
    // pieces of ~chunkTokens at line boundaries (by characters, so every text is encoded once)
    const pieces: { doc: Doc; text: string; ids?: number[][] }[] = [];
    for (const d of keep) {
      for (const t of chunkAtLines(d.text, Math.floor(opts.chunkTokens * CHARS_PER_TOKEN))) pieces.push({ doc: d, text: t });
    }
    const plans = pieces.map((p) => ({ p, fim: fimRate > 0 && rng.float() < fimRate && p.text.length > 1 }));
    const plain = plans.filter((x) => !x.fim);
    const ids = await enc.encode(plain.map((x) => x.p.text));
    plain.forEach((x, i) => (x.p.ids = [ids[i]]));
    // dense text (data tables, long non-ASCII lines) can run far past chunkTokens: cut it again by its
    // own characters-per-token and re-encode
    for (const x of plain.filter((y) => y.p.ids![0].length > opts.chunkTokens * 1.5)) {
      const n = x.p.ids![0].length;
      const parts = chunkAtLines(x.p.text, Math.max(1, Math.floor((x.p.text.length * opts.chunkTokens) / n)));
      x.p.ids = await enc.encode(parts);
    }
    const fimParts = plans.filter((x) => x.fim).map((x) => ({ x, split: randomFimSplit(rng, x.p.text) }));
    const built = await enc.withTable(() =>
      fimParts.map(({ split }) => [...fimPrompt(enc.tok, m, split.prefix, split.suffix), ...enc.tok.encode(split.middle), s.eos]),
    );
    const fimIds = new Map(fimParts.map((f, i) => [f.x, [built[i]]]));
    for (const [i, f] of fimParts.entries()) {
      const n = built[i].length;
      if (n <= opts.chunkTokens * 1.5) continue;
      const parts = chunkAtLines(f.x.p.text, Math.max(1, Math.floor((f.x.p.text.length * opts.chunkTokens) / n)));
      const splits = parts.map((t) => randomFimSplit(rng, t));
      fimIds.set(f.x, await enc.withTable(() =>
        splits.map((sp) => [...fimPrompt(enc.tok, m, sp.prefix, sp.suffix), ...enc.tok.encode(sp.middle), s.eos])));
    }
    for (const x of plans) {
      const seqs = x.fim ? fimIds.get(x)! : x.p.ids!.map((ids) => [s.bos, ...ids, s.eos]);
      for (const seq of seqs) {
        w.push(seq);
        tokens += seq.length;
        if (seq.length > maxPiece) maxPiece = seq.length;
        chunks++;
        if (x.fim) fimDocs++;
        const l = (langs[x.p.doc.lang] ??= { docs: 0, tokens: 0 });
        l.tokens += seq.length;
      }
    }
    for (const d of keep) (langs[d.lang] ??= { docs: 0, tokens: 0 }).docs++;
    docs += keep.length;
  }
  fs.closeSync(fd);
  w.close();
  return { documents: docs, pieces: chunks, fimPieces: fimDocs, skippedSpecialTokens: skipped, tokens, longestPiece: maxPiece, perLanguage: langs };
}

interface FimRec { id: string; lang: string; kind: string; prefix: string; suffix: string; middle: string }
interface EditRec { id: string; lang: string; family: string; instruction: string; code: string; new_code: string }

interface TokSample extends Sample { kind: 'fim' | 'edit'; lang: string; sub: string }

function editInput(r: { instruction: string; code: string; lang: string }) {
  return { instruction: r.instruction, code: r.code, language: EDITOR_LANGUAGE[r.lang] ?? r.lang };
}

async function tokenizeRecords<R>(enc: BatchEncoder, recs: R[], build: (r: R) => { prompt: number[]; answer: number[] }) {
  const out: { prompt: number[]; answer: number[] }[] = [];
  const BATCH = 2048;
  for (let i = 0; i < recs.length; i += BATCH) {
    const part = recs.slice(i, i + BATCH);
    out.push(...(await enc.withTable(() => part.map(build))));
  }
  return out;
}

/** Tokenized samples of a JSONL file, read and encoded in batches (texts are not all held at once). */
async function tokenizeFile<R>(
  enc: BatchEncoder, file: string, skip: (r: R) => boolean, build: (r: R) => { prompt: number[]; answer: number[] },
  take: (r: R, t: { prompt: Uint16Array; answer: Uint16Array }) => void,
) {
  const BATCH = 2048;
  let part: R[] = [];
  const flush = async () => {
    const toks = await enc.withTable(() => part.map(build));
    toks.forEach((t, i) => take(part[i], { prompt: Uint16Array.from(t.prompt), answer: Uint16Array.from(t.answer) }));
    part = [];
  };
  for (const r of readJsonl<R>(file)) {
    if (skip(r)) continue;
    part.push(r);
    if (part.length >= BATCH) await flush();
  }
  if (part.length) await flush();
}

async function buildSft(enc: BatchEncoder, m: Manifest, specials: string[], opts: Options) {
  const rng = new Prng(`${opts.seed}:sft`);
  const dropped: Record<string, number> = {};
  const drop = (why: string) => (dropped[why] = (dropped[why] ?? 0) + 1);
  const samples: TokSample[] = [];
  const available = { fim: 0, edit: 0 };
  await tokenizeFile<FimRec>(
    enc, path.join(opts.data, 'sft', 'fim.jsonl'),
    (r) => {
      available.fim++;
      const bad = hasSpecial(specials, r.prefix, r.suffix, r.middle);
      if (bad) drop('special-token-text');
      return bad;
    },
    (r) => ({ prompt: fimPrompt(enc.tok, m, r.prefix, r.suffix), answer: enc.tok.encode(r.middle) }),
    (r, t) => {
      const s: TokSample = { ...t, eos: rng.int(1, 4), kind: 'fim', lang: r.lang, sub: r.kind };
      if (t.answer.length > opts.maxMiddleTokens) drop('fim-middle-too-long');
      else if (sampleLength(s) > opts.rowTokens) drop('fim-too-long');
      else samples.push(s);
    },
  );
  const editFiles = [path.join(opts.data, 'sft', 'edit.jsonl')];
  if (opts.patches && fs.existsSync(opts.patches)) editFiles.push(opts.patches);
  for (const file of editFiles) {
    await tokenizeFile<EditRec>(
      enc, file,
      (r) => {
        available.edit++;
        const bad = hasSpecial(specials, r.instruction, r.code, r.new_code);
        if (bad) drop('special-token-text');
        return bad;
      },
      (r) => ({ prompt: editPrompt(enc.tok, m, editInput(r)), answer: enc.tok.encode(r.new_code) }),
      (r, t) => {
        const s: TokSample = { ...t, eos: rng.int(1, 4), kind: 'edit', lang: r.lang, sub: r.family };
        if (t.prompt.length + t.answer.length > opts.maxEditTokens || sampleLength(s) > opts.rowTokens) drop('edit-too-long');
        else samples.push(s);
      },
    );
  }
  // the FIM / edit mix, by sample count: whichever side is in excess is subsampled
  let f = samples.filter((s) => s.kind === 'fim');
  let e = samples.filter((s) => s.kind === 'edit');
  const wantE = Math.round((f.length * (1 - opts.fimShare)) / opts.fimShare);
  if (e.length > wantE) {
    e = rng.shuffle(e).slice(0, wantE);
  } else {
    const wantF = Math.round((e.length * opts.fimShare) / (1 - opts.fimShare));
    if (f.length > wantF) f = rng.shuffle(f).slice(0, wantF);
  }
  // patches from real projects are few and precious: keep them all
  const inE = new Set(e);
  const patchSamples = samples.filter((s) => s.kind === 'edit' && s.sub === 'debian_patch' && !inE.has(s));
  const mixed = rng.shuffle([...f, ...e, ...patchSamples]);
  const ids = new TypedWriter(path.join(opts.data, 'sft.u16'), 2);
  const loss = new TypedWriter(path.join(opts.data, 'sft.loss.u8'), 1);
  const index = new TypedWriter(path.join(opts.data, 'sft.index.u32'), 4);
  let rows = 0, lossTokens = 0;
  const packer = new Packer(opts.rowTokens, m.blockSize, m.specialTokens.eos, m.specialTokens.pad, (row: PackedRow) => {
    for (const [start, p, a] of row.samples) index.push([ids.count + start, p, a]);
    ids.push(row.ids);
    loss.push(row.loss);
    lossTokens += row.loss.reduce((x, y) => x + y, 0);
    rows++;
  });
  const stats: Record<string, Record<string, number>> = { kind: {}, sub: {}, lang: {}, tokens: {}, langTokens: {} };
  for (const s of mixed) {
    packer.add(s);
    const bump = (k: string, key: string, n = 1) => (stats[k][key] = (stats[k][key] ?? 0) + n);
    bump('kind', s.kind);
    bump('sub', `${s.kind}:${s.sub}`);
    bump('lang', s.lang);
    bump('tokens', s.kind, sampleLength(s));
    bump('langTokens', s.lang, sampleLength(s));
  }
  packer.finish();
  ids.close();
  loss.close();
  index.close();
  const used = Object.values(stats.tokens).reduce((a, b) => a + b, 0);
  return {
    samples: mixed.length, rows, rowTokens: opts.rowTokens, tokens: ids.count, sampleTokens: used, lossTokens,
    packingEfficiency: +(used / Math.max(1, ids.count)).toFixed(4), available,
    dropped, perKind: stats.kind, perType: stats.sub, perLanguage: stats.lang, tokensPerKind: stats.tokens,
    tokensPerLanguage: stats.langTokens,
  };
}

interface Cand { task_id: string; lang: string; [k: string]: unknown }

async function buildEval(enc: BatchEncoder, m: Manifest, specials: string[], opts: Options) {
  const result: Record<string, unknown> = {};
  for (const name of ['infill-single', 'infill-multi', 'edit', 'infill-empty']) {
    const file = path.join(opts.evalOut, 'candidates', `${name}.jsonl`);
    if (!fs.existsSync(file)) continue;
    const cands = [...readJsonl<Cand>(file)];
    const isEdit = name === 'edit';
    const toks = await tokenizeRecords(enc, cands, (c) =>
      isEdit
        ? { prompt: editPrompt(enc.tok, m, editInput(c as unknown as EditRec)), answer: enc.tok.encode(c.new_code as string) }
        : { prompt: fimPrompt(enc.tok, m, c.prefix as string, c.suffix as string), answer: enc.tok.encode(c.middle as string) },
    );
    const tasks: string[] = [];
    const dev: string[] = [];
    const idLines: string[] = [];
    const perLang: Record<string, number> = {};
    const rejected: Record<string, number> = {};
    cands.forEach((c, i) => {
      if (dev.length >= opts.evalCount) return;
      const t = toks[i];
      let why = '';
      const texts = isEdit ? [c.code, c.instruction, c.new_code] : [c.prefix, c.suffix, c.middle];
      if (hasSpecial(specials, ...(texts as string[]))) why = 'special-token-text';
      else if (name === 'infill-single') {
        const mid = c.middle as string;
        if (!mid.trim() || mid.includes('\n')) why = 'not-single-line';
        else if (t.answer.length > opts.maxSingleTokens) why = 'too-long';
      } else if (name === 'infill-empty') {
        if (c.middle !== '') why = 'not-empty';
      } else if (name === 'infill-multi') {
        const lines = (c.middle as string).replace(/\n$/, '').split('\n').length;
        if (lines < 2 || lines > 8) why = 'not-2-8-lines';
        else if (t.answer.length > opts.maxMultiTokens) why = 'too-long';
      } else if (t.prompt.length + t.answer.length > opts.maxEditTokens) why = 'too-long';
      if (t.prompt.length + t.answer.length + 4 > opts.rowTokens) why ||= 'too-long';
      if (why) {
        if (tasks.length < opts.evalCount) rejected[why] = (rejected[why] ?? 0) + 1;
        return;
      }
      if (tasks.length >= opts.evalCount) {
        dev.push(JSON.stringify(c));
        return;
      }
      tasks.push(JSON.stringify(c));
      idLines.push(JSON.stringify({ task_id: c.task_id, lang: c.lang, prompt: t.prompt, target: t.answer }));
      perLang[c.lang] = (perLang[c.lang] ?? 0) + 1;
    });
    fs.writeFileSync(path.join(opts.evalOut, `${name}.jsonl`), tasks.map((l) => l + '\n').join(''));
    fs.writeFileSync(path.join(opts.evalOut, `${name}.ids.jsonl`), idLines.map((l) => l + '\n').join(''));
    fs.mkdirSync(path.join(opts.evalOut, 'dev'), { recursive: true });
    fs.writeFileSync(path.join(opts.evalOut, 'dev', `${name}.jsonl`), dev.map((l) => l + '\n').join(''));
    result[name] = { tasks: tasks.length, dev: dev.length, candidates: cands.length, perLanguage: perLang, rejected };
  }
  return result;
}

export async function tokenizeAll(opts: Options) {
  const t0 = Date.now();
  fs.mkdirSync(opts.data, { recursive: true });
  fs.mkdirSync(opts.evalOut, { recursive: true });
  const enc = new BatchEncoder(opts.tokenizer);
  const m = manifestFor(enc.tok);
  const specials = specialStrings();
  const meta: Record<string, unknown> = {
    format: 'diffcoder-training-data', formatVersion: 1, seed: opts.seed, tokenizer: path.resolve(opts.tokenizer),
    tokenizerSha256: sha256(opts.tokenizer), vocabSize: enc.tok.vocabSize, specialTokens: m.specialTokens,
    blockSize: m.blockSize, prompts: m.prompts, dtype: { tokens: 'uint16le', loss: 'uint8', index: 'uint32le' },
    options: { ...opts, skip: [...opts.skip] },
  };
  const time: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<unknown>) => {
    if (opts.skip.has(name)) return;
    const t = Date.now();
    meta[name] = await fn();
    time[name] = (Date.now() - t) / 1000;
    console.log(`${name}: ${JSON.stringify(meta[name]).slice(0, 300)} (${time[name]} s)`);
  };
  await step('pretrain', () =>
    writeDocStream(enc, m, specials, path.join(opts.corpus, 'train.jsonl'), path.join(opts.data, 'pretrain.u16'), opts, opts.fimRate, 'pretrain'));
  await step('val', () =>
    writeDocStream(enc, m, specials, path.join(opts.corpus, 'heldout.jsonl'), path.join(opts.data, 'val.u16'), opts, 0, 'val'));
  await step('sft', () => buildSft(enc, m, specials, opts));
  await step('eval', () => buildEval(enc, m, specials, opts));
  meta.tokenizerCheck = { textsCompared: enc.checked, mismatches: enc.mismatches.length, examples: enc.mismatches.slice(0, 5), tableMisses: enc.tok.misses };
  meta.seconds = { ...time, total: (Date.now() - t0) / 1000 };
  meta.builtAt = new Date().toISOString();
  const metaFile = path.join(opts.data, 'meta.json');
  const old = fs.existsSync(metaFile) ? JSON.parse(fs.readFileSync(metaFile, 'utf8')) : {};
  for (const k of opts.skip) if (old[k] !== undefined) meta[k] = old[k]; // keep numbers of steps not rerun
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 1) + '\n');
  if (enc.mismatches.length) throw new Error(`Rust and JS tokenizers disagree on ${enc.mismatches.length} texts (meta.json tokenizerCheck)`);
  return meta;
}

function sha256(file: string): string {
  return require('crypto').createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function parseOptions(argv: string[]): Options {
  const get = (name: string, dflt?: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
    if (dflt === undefined) throw new Error(`missing --${name}`);
    return dflt;
  };
  const data = get('data', get('out', 'build/data'));
  return {
    corpus: get('corpus', 'build/corpus'),
    data,
    evalOut: get('eval-out', 'build/eval'),
    tokenizer: get('tokenizer', 'media/models/diffcoder-small/tokenizer.json'),
    seed: Number(get('seed', '1234')),
    fimRate: Number(get('fim-rate', '0.5')),
    chunkTokens: Number(get('chunk-tokens', '4000')),
    rowTokens: Number(get('row-tokens', '1024')),
    fimShare: Number(get('fim-share', '0.7')),
    maxMiddleTokens: Number(get('max-middle-tokens', '128')),
    maxEditTokens: Number(get('max-edit-tokens', '1000')),
    evalCount: Number(get('eval-count', '300')),
    maxSingleTokens: Number(get('max-single-tokens', '48')),
    maxMultiTokens: Number(get('max-multi-tokens', '128')),
    patches: get('patches', path.join(path.dirname(path.resolve(data)), 'sources', 'debian-patches.jsonl')),
    skip: new Set(get('skip', '').split(',').filter(Boolean)),
  };
}

if (require.main === module) {
  tokenizeAll(parseOptions(process.argv.slice(2))).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
