/**
 * Held-out single-line infilling tasks with a long context, twice: the whole file around the cursor
 * (up to 3000 tokens before it and 800 after, what a hole fill sent before it was windowed) and the
 * editor's completion windows (the last 768 tokens before, the first 256 after). The bundled model was
 * trained on 1024-token windows; the pair shows what a longer prompt does to it.
 *
 *     node --import tsx scripts/data/long_context_tasks.ts [--heldout build/corpus/heldout.jsonl] [--out-dir build/eval]
 *     ./bin/diffcoder eval build/eval/long-windowed.jsonl --task infill --single-line > W.jsonl   (and long-whole)
 *     python3 scripts/data/score.py build/eval/long-windowed.jsonl W.jsonl
 *
 * A task: in a held-out file of more than 14000 characters, a code line (15-90 characters, not a
 * comment) at least 2500 tokens into it, the cursor after its indentation; the middle is the rest of the
 * line. Up to 3 per file, chosen by a fixed pseudo-random sequence.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { CodeTokenizer } from '../../src/engine/tokenizer';

const { values: v } = parseArgs({ options: { heldout: { type: 'string', default: 'build/corpus/heldout.jsonl' }, 'out-dir': { type: 'string', default: 'build/eval' } } });
const tok = CodeTokenizer.fromFile(path.join(__dirname, '../../media/models/diffcoder-small/tokenizer.json'));
const files = fs
  .readFileSync(v.heldout!, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { id: string; lang: string; text: string })
  .filter((d) => d.text.length > 14000);

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const lastTokens = (ids: number[], n: number) => tok.decode(ids.slice(-n)).replace(/^[^\n]*\n/, ''); // from a line start
const firstTokens = (ids: number[], n: number) => tok.decode(ids.slice(0, n)).replace(/\n[^\n]*$/, '\n'); // to a line end

const whole: string[] = [];
const windowed: string[] = [];
for (const f of files) {
  const lines = f.text.split('\n');
  for (let tries = 0, made = 0; tries < 60 && made < 3; tries++) {
    const i = Math.floor(lines.length * (0.45 + 0.5 * random()));
    const middle = lines[i]?.trimStart() ?? '';
    if (middle.length < 15 || middle.length > 90 || /^(\/\/|#|\*|\/\*)/.test(middle)) continue;
    const before = tok.encode(lines.slice(0, i).join('\n') + '\n' + lines[i].slice(0, lines[i].length - middle.length));
    if (before.length < 2500) continue;
    const after = tok.encode('\n' + lines.slice(i + 1).join('\n'));
    const task = { task_id: `${f.id}:${i + 1}`, lang: f.lang, middle };
    whole.push(JSON.stringify({ ...task, prefix: lastTokens(before, 3000), suffix: firstTokens(after, 800) }));
    windowed.push(JSON.stringify({ ...task, prefix: lastTokens(before, 768), suffix: firstTokens(after, 256) }));
    made++;
  }
}
fs.mkdirSync(v['out-dir']!, { recursive: true });
fs.writeFileSync(path.join(v['out-dir']!, 'long-whole.jsonl'), whole.join('\n') + '\n');
fs.writeFileSync(path.join(v['out-dir']!, 'long-windowed.jsonl'), windowed.join('\n') + '\n');
console.log(`${whole.length} tasks from ${files.length} long held-out files -> ${v['out-dir']}/long-{whole,windowed}.jsonl`);
