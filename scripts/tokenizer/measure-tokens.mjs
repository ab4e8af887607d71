// Token counts per language and split of a corpus (Rust binding, batched; its ids equal the engine's,
// see agreement.mjs). chars = Unicode code points.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

async function measureSplit(rustTok, file) {
  const stats = {};
  let batch = [];
  const flush = async () => {
    const encs = await rustTok.encodeBatch(batch.map((d) => d.text), { addSpecialTokens: false });
    batch.forEach((d, i) => {
      const s = (stats[d.lang] ??= { files: 0, bytes: 0, chars: 0, tokens: 0 });
      s.files++;
      s.bytes += Buffer.byteLength(d.text);
      let chars = 0;
      for (const _ of d.text) chars++;
      s.chars += chars;
      s.tokens += encs[i].getLength();
    });
    batch = [];
  };
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const d = JSON.parse(line);
    batch.push({ lang: d.lang, text: d.text });
    if (batch.length >= 256) await flush();
  }
  if (batch.length) await flush();
  const total = { files: 0, bytes: 0, chars: 0, tokens: 0 };
  for (const s of Object.values(stats)) for (const k of Object.keys(total)) total[k] += s[k];
  stats.all = total;
  for (const s of Object.values(stats)) {
    s.charsPerToken = +(s.chars / Math.max(1, s.tokens)).toFixed(3);
    s.bytesPerToken = +(s.bytes / Math.max(1, s.tokens)).toFixed(3);
  }
  return stats;
}

export async function measureCorpus(rustTok, corpusDir) {
  return {
    train: await measureSplit(rustTok, path.join(corpusDir, 'train.jsonl')),
    heldout: await measureSplit(rustTok, path.join(corpusDir, 'heldout.jsonl')),
  };
}
