#!/usr/bin/env node
// Trains the bundled model's tokenizer (layout in layout.mjs) with the Rust `tokenizers` binding.
//
//   node scripts/tokenizer/train-tokenizer.mjs --corpus build/corpus --out media/models/diffcoder-small/tokenizer.json
//       trains on a sample of build/corpus/train.jsonl, checks the result, then writes token counts per
//       language for both splits into build/corpus/report.json ("tokenizer" section).
//   node scripts/tokenizer/train-tokenizer.mjs --dirs /usr/lib/python3.11,... --out ...
//       bootstrap: trains on source folders on this machine (used before the corpus existed).
//   node scripts/tokenizer/train-tokenizer.mjs --corpus build/corpus --measure-only
//       after a corpus rebuild: checks the existing --out tokenizer on the new held-out split and writes
//       the token counts, without training.
// Options: --sample-mb N (training sample size, default 100), --work DIR (scratch, default build/tokenizer),
// --no-measure (skip the token counts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { createRequire } from 'node:module';
import { trainingSkeleton, assembleTokenizer, VOCAB_SIZE, SPECIAL_TOKENS, NEWLINE_STAND_IN } from './layout.mjs';
import { writeCorpusSample, writeFolderSample } from './training-text.mjs';
import { loadBoth, checkAgreement, HARD_CASES } from './agreement.mjs';
import { measureCorpus } from './measure-tokens.mjs';

const require = createRequire(import.meta.url);
const rust = require('tokenizers');

function parseArgs(argv) {
  const a = { out: 'media/models/diffcoder-small/tokenizer.json', sampleMb: 100, work: 'build/tokenizer' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    if (k === '--corpus') a.corpus = v();
    else if (k === '--dirs') a.dirs = v().split(',');
    else if (k === '--out') a.out = v();
    else if (k === '--sample-mb') a.sampleMb = Number(v());
    else if (k === '--work') a.work = v();
    else if (k === '--no-measure') a.noMeasure = true;
    else if (k === '--measure-only') a.measureOnly = true;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.corpus === !a.dirs) throw new Error('give exactly one of --corpus DIR or --dirs A,B,...');
  if (a.measureOnly && !a.corpus) throw new Error('--measure-only needs --corpus');
  return a;
}

const mb = (n) => (n / 1e6).toFixed(1);

async function agreementSample(corpus, textFile) {
  // Every held-out document when there is a corpus, else every 20th document of the training text.
  const texts = [...HARD_CASES];
  if (!corpus) {
    const docs = fs.readFileSync(textFile, 'utf8').split('\n');
    for (let i = 0; i < docs.length; i += 20) if (docs[i]) texts.push(docs[i].replaceAll(NEWLINE_STAND_IN, '\n'));
    return texts;
  }
  const rl = readline.createInterface({ input: fs.createReadStream(path.join(corpus, 'heldout.jsonl'), 'utf8') });
  for await (const line of rl) {
    if (!line) continue;
    const d = JSON.parse(line);
    texts.push(d.text);
  }
  return texts;
}

async function measureOnly(args) {
  const tokenizer = JSON.parse(fs.readFileSync(args.out, 'utf8'));
  const tok = loadBoth(tokenizer);
  const agreement = await checkAgreement(tok, await agreementSample(args.corpus, null));
  console.log('agreement (Rust vs JS ids, JS round trip):', JSON.stringify(agreement));
  if (agreement.idMismatches || agreement.roundTripFailures) throw new Error('tokenizer check failed');
  const reportFile = path.join(args.corpus, 'report.json');
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const t0 = Date.now();
  report.tokenizer = {
    ...(report.tokenizer ?? {}),
    measuredWith: args.out,
    vocabSize: VOCAB_SIZE,
    agreement,
    tokens: await measureCorpus(tok.rust, args.corpus),
  };
  report.tokenizer.seconds = { ...(report.tokenizer.seconds ?? {}), measure: (Date.now() - t0) / 1000 };
  fs.writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n');
  console.log(`tokens per language written to ${reportFile}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.measureOnly) return measureOnly(args);
  fs.mkdirSync(args.work, { recursive: true });
  const t0 = Date.now();
  const textFile = path.join(args.work, 'training-text.txt');
  const sampleBytes = args.sampleMb * 1e6;
  const sampled = args.corpus
    ? await writeCorpusSample(path.join(args.corpus, 'train.jsonl'), textFile, sampleBytes)
    : writeFolderSample(args.dirs, textFile, sampleBytes / args.dirs.length);
  const tSample = Date.now();
  console.log(`sample: ${mb(fs.statSync(textFile).size)} MB in ${(tSample - t0) / 1000}s`, Object.fromEntries(Object.entries(sampled).map(([l, b]) => [l, mb(b)])));

  const trainer = rust.Tokenizer.fromString(JSON.stringify(trainingSkeleton()));
  trainer.train([textFile]);
  const trainedFile = path.join(args.work, 'trained-30k.json');
  trainer.save(trainedFile);
  const trained = JSON.parse(fs.readFileSync(trainedFile, 'utf8'));
  const tTrain = Date.now();
  console.log(`trained ${trained.model.merges.length} merges in ${(tTrain - tSample) / 1000}s`);

  const tokenizer = assembleTokenizer(trained.model.merges);
  const tok = loadBoth(tokenizer);
  if (tok.rust.getVocabSize(true) !== VOCAB_SIZE) throw new Error(`vocab ${tok.rust.getVocabSize(true)} != ${VOCAB_SIZE}`);
  SPECIAL_TOKENS.forEach((t, i) => {
    if (tok.rust.tokenToId(t) !== i || tok.js.token_to_id(t) !== i) throw new Error(`${t} is not id ${i}`);
  });
  const agreement = await checkAgreement(tok, await agreementSample(args.corpus, textFile));
  console.log('agreement (Rust vs JS ids, JS round trip):', JSON.stringify(agreement));
  if (agreement.idMismatches || agreement.roundTripFailures) throw new Error('tokenizer check failed; not written');

  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, JSON.stringify(tokenizer, null, 1) + '\n');
  console.log(`wrote ${args.out} (${VOCAB_SIZE} tokens, ${tokenizer.model.merges.length} merges)`);

  const summary = {
    trainedOn: args.corpus ? `${args.corpus}/train.jsonl sample` : args.dirs,
    sampleBytesPerLang: sampled,
    merges: tokenizer.model.merges.length,
    vocabSize: VOCAB_SIZE,
    agreement,
    seconds: { sample: (tSample - t0) / 1000, train: (tTrain - tSample) / 1000 },
  };
  if (args.corpus && !args.noMeasure) {
    const tm = Date.now();
    summary.tokens = await measureCorpus(tok.rust, args.corpus);
    summary.seconds.measure = (Date.now() - tm) / 1000;
    const reportFile = path.join(args.corpus, 'report.json');
    const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : {};
    report.tokenizer = summary;
    fs.writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n');
    console.log(`tokens per language written to ${reportFile}`);
    console.table(
      Object.entries(summary.tokens.train).map(([lang, s]) => ({ lang, trainTokens: s.tokens, heldoutTokens: summary.tokens.heldout[lang]?.tokens, charsPerToken: s.charsPerToken })),
    );
  }
  console.log(`done in ${(Date.now() - t0) / 1000}s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
