import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { editPrompt, fimPrompt } from '../../src/engine/prompts';
import { CodeTokenizer } from '../../src/engine/tokenizer';
import { BatchEncoder } from '../../scripts/data/lib/batchEncoder';
import { manifestFor } from '../../scripts/data/lib/manifest';
import { readU16 } from '../../scripts/data/lib/streams';
import { Options, tokenizeAll } from '../../scripts/data/tokenize';
import { fixtureTokenizerFile } from './data-fixtures';

const BUNDLED = path.join(__dirname, '..', '..', 'media', 'models', 'diffcoder-small', 'tokenizer.json');
const HARD = ['def f(x):\n\treturn x  # tab\r\n', 'caf\u00e9 \u{1F468}\u200d\u{1F469} e\u0301 \ufeff', '    if (a) {\n        b();\n    }\n',
  'x'.repeat(5000), '\u0000\u0001 bytes', '日本語のコメント // ok', '\n\n\n    \n'];

function writeJsonl(file: string, rows: object[]) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r) + '\n').join(''));
}

function fixtureDirs() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-data-'));
  const corpus = path.join(root, 'corpus');
  const data = path.join(root, 'data');
  const evalOut = path.join(root, 'eval');
  const doc = (id: string, lang: string, text: string) => ({ id, lang, path: id, source: 't', license: 'MIT', text });
  const long = Array.from({ length: 60 }, (_, i) => `def f${i}(x):\n    return x + ${i}\n`).join('\n');
  writeJsonl(path.join(corpus, 'train.jsonl'), [
    doc('a', 'python', 'def add(a, b):\n    return a + b\n'),
    doc('b', 'go', 'package main\n\nfunc main() {\n\tprintln("hi")\n}\n'),
    doc('c', 'javascript', 'const x = "<|eos|>";\n'), // would become a control token: skipped
    doc('d', 'python', long),
    doc('e', 'shell', 'echo "caf\u00e9 \u{1F468}\u200d\u{1F469}"\r\n'),
    doc('f', 'rust', 'fn main() {\n    let v = vec![1, 2, 3];\n}\n'),
  ]);
  writeJsonl(path.join(corpus, 'heldout.jsonl'), [doc('h1', 'python', 'x = 1\ny = 2\n'), doc('h2', 'c', 'int main(void) { return 0; }\n')]);
  writeJsonl(path.join(data, 'sft', 'fim.jsonl'), [
    { id: 'f1', lang: 'python', kind: 'rest_of_line', prefix: 'def add(a, b):\n    return ', suffix: '\n', middle: 'a + b' },
    { id: 'f2', lang: 'go', kind: 'empty', prefix: 'func main() {', suffix: '\n}\n', middle: '' },
    { id: 'f3', lang: 'python', kind: 'block', prefix: 'if x:\n    ', suffix: '\nprint(1)\n', middle: 'y = 1\n    z = 2' },
  ]);
  writeJsonl(path.join(data, 'sft', 'edit.jsonl'), [
    { id: 'e1', lang: 'python', family: 'rename', instruction: 'Rename `a` to `left`.', code: 'def f(a):\n    return a\n', new_code: 'def f(left):\n    return left\n' },
    { id: 'e2', lang: 'shell', family: 'add_comments', instruction: 'comment this', code: 'echo hi\n', new_code: '# greet\necho hi\n' },
  ]);
  writeJsonl(path.join(evalOut, 'candidates', 'infill-single.jsonl'), [
    { task_id: 's1', lang: 'python', kind: 'rest_of_line', prefix: 'x = ', suffix: '\n', middle: 'compute(1)' },
    { task_id: 's2', lang: 'python', kind: 'rest_of_line', prefix: 'x = ', suffix: '\n', middle: 'a\nb' }, // not single-line
  ]);
  writeJsonl(path.join(evalOut, 'candidates', 'infill-multi.jsonl'), [
    { task_id: 'm1', lang: 'go', kind: 'multi_line', prefix: '{\n', suffix: '\n}', middle: '\ta := 1\n\tb := 2' },
  ]);
  writeJsonl(path.join(evalOut, 'candidates', 'infill-empty.jsonl'), [
    { task_id: 'z1', lang: 'python', kind: 'empty', prefix: 'x = 1', suffix: '\ny = 2\n', middle: '' },
    { task_id: 'z2', lang: 'python', kind: 'empty', prefix: 'x = ', suffix: '\n', middle: '1' }, // has an answer
  ]);
  writeJsonl(path.join(evalOut, 'candidates', 'edit.jsonl'), [
    { task_id: 'd1', lang: 'python', family: 'fix_bug', code: 'x = a - b\n', instruction: 'fix it', new_code: 'x = b - a\n' },
  ]);
  const opts: Options = {
    corpus, data, evalOut, tokenizer: fixtureTokenizerFile(), seed: 7, fimRate: 0.5, chunkTokens: 64, rowTokens: 256,
    fimShare: 0.6, maxMiddleTokens: 128, maxEditTokens: 1000, evalCount: 300, maxSingleTokens: 48, maxMultiTokens: 128,
    patches: path.join(root, 'none.jsonl'), skip: new Set(),
  };
  return { root, opts };
}

function splitAt(ids: Uint16Array, bos: number): number[][] {
  const out: number[][] = [];
  for (const id of ids) {
    if (id === bos) out.push([]);
    out[out.length - 1].push(id);
  }
  return out;
}

test('Rust batch encoding gives the engine tokenizer\'s ids', async () => {
  for (const file of [fixtureTokenizerFile(), ...(fs.existsSync(BUNDLED) ? [BUNDLED] : [])]) {
    const enc = new BatchEncoder(file, 1);
    const ids = await enc.encode(HARD);
    const js = CodeTokenizer.fromFile(file);
    HARD.forEach((t, i) => assert.deepEqual(ids[i], js.encode(t), JSON.stringify(t.slice(0, 40))));
    assert.equal(enc.mismatches.length, 0);
  }
});

test('the data build writes the documented layout, deterministically', async () => {
  const { root, opts } = fixtureDirs();
  const meta = (await tokenizeAll(opts)) as any;
  const tok = CodeTokenizer.fromFile(opts.tokenizer);
  const m = manifestFor(tok);
  const s = m.specialTokens;

  // pretraining: [bos] text [eos], or fimPrompt + middle + [eos]; documents with control-token text skipped
  assert.equal(meta.pretrain.skippedSpecialTokens, 1);
  assert.ok(meta.pretrain.pieces > meta.pretrain.documents, 'the long file was chunked');
  const seqs = splitAt(readU16(path.join(opts.data, 'pretrain.u16')), s.bos);
  assert.equal(seqs.length, meta.pretrain.pieces);
  const corpusText = fs.readFileSync(path.join(opts.corpus, 'train.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text).join('\u0001');
  let fims = 0;
  for (const q of seqs) {
    assert.equal(q[q.length - 1], s.eos);
    if (q[1] === s.fimSuffix) {
      fims++;
      const pi = q.indexOf(s.fimPrefix);
      const mi = q.indexOf(s.fimMiddle);
      assert.ok(pi > 1 && mi > pi);
      const suffix = tok.decode(q.slice(2, pi));
      const prefix = tok.decode(q.slice(pi + 1, mi));
      const middle = tok.decode(q.slice(mi + 1, -1));
      assert.deepEqual(q.slice(0, mi + 1), fimPrompt(tok, m, prefix, suffix));
      assert.ok(corpusText.includes(prefix + middle + suffix));
    } else {
      assert.ok(corpusText.includes(tok.decode(q.slice(1, -1))));
    }
  }
  assert.equal(fims, meta.pretrain.fimPieces);
  assert.ok(fims > 0 && fims < seqs.length);
  const val = splitAt(readU16(path.join(opts.data, 'val.u16')), s.bos);
  assert.equal(val.length, 2);
  assert.ok(val.every((q) => !q.includes(s.fimMiddle)));

  // SFT: rows of rowTokens, samples block-aligned, loss on answer + 1..4 eos only
  const ids = readU16(path.join(opts.data, 'sft.u16'));
  const loss = fs.readFileSync(path.join(opts.data, 'sft.loss.u8'));
  const ib = fs.readFileSync(path.join(opts.data, 'sft.index.u32'));
  const index = new Uint32Array(ib.buffer.slice(ib.byteOffset, ib.byteOffset + ib.length));
  assert.equal(ids.length % opts.rowTokens, 0);
  assert.equal(loss.length, ids.length);
  assert.equal(index.length / 3, meta.sft.samples);
  const prompts = new Map<string, string>();
  const jsFim = fimPrompt(tok, m, 'def add(a, b):\n    return ', '\n');
  const jsEdit = editPrompt(tok, m, { instruction: 'Rename `a` to `left`.', code: 'def f(a):\n    return a\n', language: 'python' });
  for (let k = 0; k < index.length; k += 3) {
    const [start, p, a] = [index[k], index[k + 1], index[k + 2]];
    assert.equal(start % m.blockSize, 0);
    assert.equal(Math.floor(start / opts.rowTokens), Math.floor((start + p + a - 1) / opts.rowTokens), 'sample straddles rows');
    for (let i = start; i < start + p; i++) assert.equal(loss[i], 0);
    for (let i = start + p; i < start + p + a; i++) assert.equal(loss[i], 1);
    let eos = 0;
    while (eos < a && ids[start + p + a - 1 - eos] === s.eos) eos++;
    assert.ok(eos >= 1 && eos <= 4, `eos run ${eos}`);
    prompts.set(Array.from(ids.slice(start, start + p)).join(','), tok.decode(Array.from(ids.slice(start + p, start + p + a - eos))));
  }
  assert.equal(prompts.get(jsFim.join(',')), 'a + b');
  if (prompts.has(jsEdit.join(','))) assert.equal(prompts.get(jsEdit.join(',')), 'def f(left):\n    return left\n');
  assert.ok([...prompts.values()].includes(''), 'the empty middle is an eos-only answer');
  assert.equal(meta.sft.perKind.fim, 3);
  assert.equal(meta.sft.perKind.edit, 2);

  // evaluation sets and their ids
  const single = fs.readFileSync(path.join(opts.evalOut, 'infill-single.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(single.map((t) => t.task_id), ['s1']);
  const sids = JSON.parse(fs.readFileSync(path.join(opts.evalOut, 'infill-single.ids.jsonl'), 'utf8').trim());
  assert.deepEqual(sids.prompt, fimPrompt(tok, m, 'x = ', '\n'));
  assert.deepEqual(sids.target, tok.encode('compute(1)'));
  const zids = fs.readFileSync(path.join(opts.evalOut, 'infill-empty.ids.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(zids.map((t) => [t.task_id, t.target]), [['z1', []]], 'only cursors where nothing belongs');
  assert.deepEqual(meta.eval['infill-empty'].rejected, { 'not-empty': 1 });
  const eids = JSON.parse(fs.readFileSync(path.join(opts.evalOut, 'edit.ids.jsonl'), 'utf8').trim());
  assert.deepEqual(eids.prompt, editPrompt(tok, m, { instruction: 'fix it', code: 'x = a - b\n', language: 'python' }));
  assert.equal(meta.tokenizerCheck.mismatches, 0);
  assert.equal(meta.vocabSize, tok.vocabSize);

  // same seed, same bytes
  const before = ['pretrain.u16', 'val.u16', 'sft.u16', 'sft.loss.u8'].map((f) => fs.readFileSync(path.join(opts.data, f)));
  await tokenizeAll(opts);
  ['pretrain.u16', 'val.u16', 'sft.u16', 'sft.loss.u8'].forEach((f, i) => assert.ok(before[i].equals(fs.readFileSync(path.join(opts.data, f))), f));

  // the development set: the next evalCount candidates that pass the same checks, never a reported task
  writeJsonl(path.join(opts.evalOut, 'candidates', 'infill-single.jsonl'), ['s1', 's2', 's3', 's4'].map((id) => (
    { task_id: id, lang: 'python', kind: 'rest_of_line', prefix: 'x = ', suffix: '\n', middle: id === 's2' ? 'a\nb' : `f(${id})` })));
  const again = await tokenizeAll({ ...opts, evalCount: 1, skip: new Set(['pretrain', 'val', 'sft']) });
  const taskIds = (f: string) => fs.readFileSync(path.join(opts.evalOut, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l).task_id);
  assert.deepEqual(taskIds('infill-single.jsonl'), ['s1']);
  assert.deepEqual(taskIds('dev/infill-single.jsonl'), ['s3'], 's2 is not single-line; s4 is past the development set');
  assert.deepEqual((again.eval as Record<string, { rejected: unknown }>)['infill-single'].rejected, {}, 'rejections count the reported set\'s candidates only');
  fs.rmSync(root, { recursive: true, force: true });
});
