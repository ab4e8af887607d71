// Builds the trainer's input file: a sample of documents, one per line, "\n" replaced by the stand-in
// (see layout.mjs). Two sources: the corpus's train split (the real tokenizer), or source folders on
// this machine (the bootstrap tokenizer made before the corpus existed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { createHash } from 'node:crypto';
import { NEWLINE_STAND_IN } from './layout.mjs';

/** Deterministic uniform number in [0,1) from a string (so a sample is reproducible). */
export function unitHash(s) {
  return createHash('sha1').update(s).digest().readUInt32BE(0) / 2 ** 32;
}

function oneLine(text) {
  return text.replaceAll(NEWLINE_STAND_IN, '').replaceAll('\n', NEWLINE_STAND_IN) + '\n';
}

async function* readJsonl(file) {
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) if (line) yield JSON.parse(line);
}

/**
 * Sample of train.jsonl of about `sampleBytes`. Each language gets a share proportional to
 * (its bytes)^0.7: small languages are somewhat over-sampled so their syntax gets merges too, while
 * Python and TS/JS, the largest and the product's main languages, still get most of them. Documents are
 * kept by a hash of their id, so the sample is the same on every run.
 */
export async function writeCorpusSample(trainJsonl, outFile, sampleBytes) {
  const bytesByLang = {};
  for await (const d of readJsonl(trainJsonl)) bytesByLang[d.lang] = (bytesByLang[d.lang] ?? 0) + Buffer.byteLength(d.text);
  const weight = Object.fromEntries(Object.entries(bytesByLang).map(([l, b]) => [l, b ** 0.7]));
  const total = Object.values(weight).reduce((a, b) => a + b, 0);
  const keepRate = {};
  for (const [l, b] of Object.entries(bytesByLang)) keepRate[l] = Math.min(1, (sampleBytes * weight[l]) / total / b);
  const out = fs.createWriteStream(outFile);
  const written = {};
  for await (const d of readJsonl(trainJsonl)) {
    if (unitHash('tok:' + d.id) >= keepRate[d.lang]) continue;
    if (!out.write(oneLine(d.text))) await new Promise((r) => out.once('drain', r));
    written[d.lang] = (written[d.lang] ?? 0) + Buffer.byteLength(d.text);
  }
  await new Promise((r) => out.end(r));
  return written;
}

const EXT_LANG = {
  '.py': 'python', '.ts': 'typescript', '.js': 'javascript', '.mjs': 'javascript', '.go': 'go',
  '.rs': 'rust', '.java': 'java', '.c': 'c', '.h': 'c', '.cc': 'cpp', '.cpp': 'cpp', '.hpp': 'cpp', '.sh': 'shell',
};

function* walk(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/** Bootstrap sample: source files under `dirs`, at most `bytesPerDir` from each folder, small files only. */
export function writeFolderSample(dirs, outFile, bytesPerDir) {
  const fd = fs.openSync(outFile, 'w');
  const written = {};
  for (const dir of dirs) {
    let used = 0;
    // Hash order rather than name order, so a capped folder is sampled across all its subfolders.
    const files = [...walk(dir)].map((f) => [unitHash(f), f]).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    for (const file of files) {
      const lang = EXT_LANG[path.extname(file)];
      if (!lang || file.endsWith('.min.js') || file.endsWith('.d.ts.map')) continue;
      const size = fs.statSync(file).size;
      if (size < 200 || size > 200_000) continue;
      const text = fs.readFileSync(file, 'utf8');
      if (text.includes('\uFFFD')) continue;
      // Skip minified bundles: a bootstrap sample should look like code people edit.
      if (text.length / (text.split('\n').length) > 200) continue;
      fs.writeSync(fd, oneLine(text));
      written[lang] = (written[lang] ?? 0) + size;
      used += size;
      if (used >= bytesPerDir) break;
    }
  }
  fs.closeSync(fd);
  return written;
}
