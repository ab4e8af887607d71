// The package loader says exactly what is wrong with a bad package (src/engine/package/).
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { LoadedModel } from '../../src/engine/loadedModel';
import { loadPackage } from '../../src/engine/package/loadPackage';
import { PackageError, type PackageProblem } from '../../src/engine/package/problems';
import { HashCache } from '../../src/engine/package/verifyFiles';
import { copyPackage, editManifest, tinyModel } from './tinyModel';

let good: string;
before(async () => {
  good = (await tinyModel()).dir;
});

/** Loads (files, manifest, tokenizer, then session and graph) and returns the problems. */
async function problems(dir: string): Promise<PackageProblem[]> {
  try {
    const lm = await LoadedModel.load({ modelDir: dir, threads: 1 }, new HashCache(undefined));
    await lm.dispose();
  } catch (e) {
    assert.ok(e instanceof PackageError, `expected a PackageError, got ${e}`);
    return e.problems;
  }
  return [];
}

function broken(name: string, edit: (dir: string) => void): string {
  const dir = copyPackage(good, name);
  edit(dir);
  return dir;
}

test('a good package loads, with its model info', async () => {
  const lm = await LoadedModel.load({ modelDir: good, threads: 1 }, new HashCache(undefined));
  assert.equal(lm.info.device, 'cpu');
  assert.deepEqual(lm.info.fallback, []);
  assert.equal(lm.info.blockSize, 4);
  assert.equal(lm.info.vocabSize, 16384);
  assert.equal(lm.info.weights, 'fp32');
  await lm.dispose();
});

test('not a folder, no diffcoder.json, diffcoder.json not JSON', async () => {
  const p1 = await problems(path.join(good, 'nope'));
  assert.equal(p1[0].kind, 'missing-file');
  assert.match(p1[0].message, /is not a folder/);
  const p2 = await problems(broken('no-manifest', (d) => fs.rmSync(path.join(d, 'diffcoder.json'))));
  assert.deepEqual(p2.map((p) => [p.kind, p.where]), [['missing-file', 'diffcoder.json']]);
  const p3 = await problems(broken('bad-json', (d) => fs.writeFileSync(path.join(d, 'diffcoder.json'), '{"format": ')));
  assert.equal(p3[0].kind, 'bad-json');
});

test('a listed file that is missing', async () => {
  const p = await problems(broken('missing-model', (d) => fs.rmSync(path.join(d, 'model.onnx'))));
  assert.deepEqual(p.map((x) => [x.kind, x.where]), [['missing-file', 'model.onnx']]);
});

test('size and checksum mismatches name the file', async () => {
  const p1 = await problems(broken('size', (d) => fs.appendFileSync(path.join(d, 'tokenizer.json'), ' ')));
  assert.deepEqual(p1.map((x) => [x.kind, x.where]), [['size-mismatch', 'tokenizer.json']]);
  const p2 = await problems(
    broken('sha', (d) => {
      const f = path.join(d, 'model.onnx');
      const b = fs.readFileSync(f);
      b[b.length - 100] ^= 0xff; // inside the weights: same size, different bytes
      fs.writeFileSync(f, b);
    }),
  );
  assert.deepEqual(p2.map((x) => [x.kind, x.where]), [['checksum-mismatch', 'model.onnx']]);
  assert.match(p2[0].message, /sha256 is [0-9a-f]{64}, diffcoder.json says [0-9a-f]{64}/);
});

test('every bad field is reported, each with its path', async () => {
  const dir = broken('fields', (d) =>
    editManifest(d, (m) => {
      m.formatVersion = 9;
      m.blockSize = 0;
      m.decoding.mode = 'greedy';
      m.decoding.threshold = 1.5;
      m.decoding.infillThreshold = 0;
      m.decoding.promptLookup = 'yes';
      m.decoding.healPrefix = 1;
      m.architecture.numKvHeads = 3;
      m.architecture.trainedPositions = m.architecture.maxPositions + 1;
      m.prompts.fim.order = 'pms';
      m.weights.dtype = 'int3';
      delete m.name;
      m.files['model.onnx'].sha256 = 'xyz';
    }),
  );
  const p = await problems(dir);
  const where = p.map((x) => x.where).sort();
  assert.deepEqual(where, [
    'architecture.numKvHeads', 'architecture.trainedPositions', 'blockSize', 'decoding.healPrefix', 'decoding.infillThreshold', 'decoding.mode', 'decoding.promptLookup', 'decoding.threshold', 'files["model.onnx"].sha256',
    'formatVersion', 'name', 'prompts.fim.order', 'weights.dtype',
  ]);
  assert.ok(p.every((x) => x.kind === 'bad-field'));
  assert.match(p.find((x) => x.where === 'decoding.mode')!.message, /one of "threshold", "fixed" \(is "greedy"\)/);
});

test('edit format: exactly one template, valid Jinja', async () => {
  const p1 = await problems(broken('edit-both', (d) => editManifest(d, (m) => (m.prompts.edit.chatTemplate = '{{ x }}'))));
  assert.ok(p1.some((x) => x.where === 'prompts.edit' && /exactly one/.test(x.message)));
  const p2 = await problems(broken('edit-jinja', (d) => editManifest(d, (m) => (m.prompts.edit.template = '{% if %}'))));
  assert.ok(p2.some((x) => x.where === 'prompts.edit.template' && /not a valid Jinja template/.test(x.message)));
});

test('token ids: out of the vocabulary, or not in tokenizer.json', async () => {
  const p1 = await problems(broken('token-range', (d) => editManifest(d, (m) => (m.specialTokens.mask = 20000))));
  assert.deepEqual(p1.map((x) => [x.kind, x.where]), [['unknown-token', 'specialTokens.mask']]);
  assert.match(p1[0].message, /id 20000 is outside the vocabulary/);
  // Drop the edit markers from tokenizer.json: ids 7..9 exist in the model but no longer in the tokenizer.
  const dir = broken('token-missing', (d) => {
    const f = path.join(d, 'tokenizer.json');
    const t = JSON.parse(fs.readFileSync(f, 'utf8'));
    t.added_tokens = t.added_tokens.filter((x: { id: number }) => x.id !== 8);
    for (const [k, v] of Object.entries(t.model.vocab)) if (v === 8) delete t.model.vocab[k];
    fs.writeFileSync(f, JSON.stringify(t));
    editManifest(d, () => undefined, ['tokenizer.json']);
  });
  const p2 = await problems(dir);
  assert.deepEqual(p2.map((x) => [x.kind, x.where]), [['unknown-token', 'specialTokens.editCode']]);
  assert.match(p2[0].message, /id 8 is not in tokenizer.json/);
});

test("model.onnx's inputs and outputs are checked against the architecture", async () => {
  const p1 = await problems(broken('layers', (d) => editManifest(d, (m) => (m.architecture.numLayers = 3))));
  assert.deepEqual([...new Set(p1.map((x) => x.kind))].sort(), ['graph-inputs', 'graph-outputs']);
  assert.match(p1.find((x) => x.kind === 'graph-inputs')!.message, /has no input past_key_values\.2\.key, past_key_values\.2\.value/);
  const p2 = await problems(broken('head-dim', (d) => editManifest(d, (m) => (m.architecture.headDim = 32))));
  assert.ok(p2.some((x) => x.where === 'model.onnx input past_key_values.0.key' && /has shape \[1,2,\w+,16\], the architecture needs \[1,2,\?,32\]/.test(x.message)));
  const p3 = await problems(broken('vocab', (d) => editManifest(d, (m) => (m.architecture.vocabSize = 20000))));
  assert.ok(p3.some((x) => x.where === 'model.onnx output logits' && /\[1,\?,20000\]/.test(x.message)));
});

test('a model.onnx that is not a model', async () => {
  const dir = broken('not-onnx', (d) => {
    fs.writeFileSync(path.join(d, 'model.onnx'), 'not a model');
    editManifest(d, () => undefined, ['model.onnx']);
  });
  const p = await problems(dir);
  assert.equal(p[0].kind, 'bad-model');
  assert.match(p[0].message, /does not load on any execution provider: cpu: /);
});

test('hashes are cached by (path, size, mtime): a reload does not rehash, a change does', async () => {
  const dir = copyPackage(good, 'hash-cache');
  const cacheFile = path.join(dir, '..', `hashes-${process.pid}.json`);
  fs.rmSync(cacheFile, { force: true });
  let hashed = 0;
  class Counting extends HashCache {
    override set(...a: Parameters<HashCache['set']>) {
      hashed++;
      super.set(...a);
    }
  }
  await loadPackage(dir, new Counting(cacheFile));
  assert.equal(hashed, 2); // model.onnx, tokenizer.json
  await loadPackage(dir, new Counting(cacheFile)); // a new process reads the cache file
  assert.equal(hashed, 2);
  const f = path.join(dir, 'model.onnx');
  const b = fs.readFileSync(f);
  b[b.length - 100] ^= 0xff;
  fs.writeFileSync(f, b); // same size, new mtime
  await assert.rejects(loadPackage(dir, new Counting(cacheFile)), (e: PackageError) => e.problems[0].kind === 'checksum-mismatch');
});
