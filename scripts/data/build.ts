/**
 * Builds every training and evaluation dataset from the corpus, in one deterministic run:
 *   1. python3 -m data.build_examples   text examples (SFT FIM + edits, evaluation candidates)
 *   2. tokenize.ts                       token streams, packed SFT, evaluation sets, meta.json
 * Real described patches (build/sources/debian-patches.jsonl, made by
 * `python3 -m data.patches.harvest_debian`) join the SFT edits when present.
 *
 *   node --import tsx scripts/data/build.ts --corpus build/corpus --out build/data --eval-out build/eval [--seed 1234]
 *     [--tokenizer media/models/diffcoder-small/tokenizer.json] [--workers 2] [--skip pretrain,val,sft,eval,examples]
 *     [--fim-per-file 6] [--edits-per-file 4] [--eval-docs-per-lang 120]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseOptions, tokenizeAll } from './tokenize';

async function main() {
  const argv = process.argv.slice(2);
  const opts = parseOptions(argv);
  const t0 = Date.now();
  const scriptsDir = path.join(__dirname, '..');
  const wi = argv.indexOf('--workers');
  const workers = wi >= 0 ? argv[wi + 1] : '2';
  // example-count knobs go straight to build_examples.py
  const passOn: string[] = [];
  for (const k of ['--fim-per-file', '--edits-per-file', '--eval-docs-per-lang']) {
    const i = argv.indexOf(k);
    if (i >= 0) passOn.push(k, argv[i + 1]);
  }
  for (const p of [path.join(opts.corpus, 'train.jsonl'), path.join(opts.corpus, 'heldout.jsonl'), opts.tokenizer]) {
    if (!fs.existsSync(p)) throw new Error(`missing ${p}`);
  }
  let examplesSeconds = 0;
  if (!opts.skip.has('examples')) {
    const t = Date.now();
    const r = spawnSync(
      process.env.PYTHON ?? '/usr/bin/python3',
      ['-m', 'data.build_examples', '--corpus', path.resolve(opts.corpus), '--out', path.resolve(opts.data),
        '--eval-out', path.resolve(opts.evalOut), '--seed', String(opts.seed), '--workers', workers, ...passOn],
      { cwd: scriptsDir, stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error(`build_examples failed (${r.status ?? r.signal})`);
    examplesSeconds = (Date.now() - t) / 1000;
  }
  const meta = await tokenizeAll(opts);
  const summaryFile = path.join(opts.data, 'sft', 'summary.json');
  meta.examples = fs.existsSync(summaryFile) ? JSON.parse(fs.readFileSync(summaryFile, 'utf8')) : undefined;
  const seconds = meta.seconds as Record<string, number>;
  seconds.examples = examplesSeconds || seconds.examples;
  seconds.build = (Date.now() - t0) / 1000;
  fs.writeFileSync(path.join(opts.data, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
  console.log(`data build done in ${seconds.build.toFixed(1)} s -> ${opts.data}, ${opts.evalOut}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
